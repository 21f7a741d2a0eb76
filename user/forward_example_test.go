package user_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/pieces-go/pieces-os-client-go/internal/newerfake"
	"github.com/pieces-go/pieces-os-client-go/user"
)

// A profile read from Pieces OS keeps the JSON it was read from: Raw shows
// members this version of the package does not know, and Update sends them
// back unchanged.
func ExampleProfile_Raw() {
	srv := newerfake.Start() // a Pieces OS newer than this package
	defer srv.Close()
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithApplicationID("my-plugin"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	p, err := c.Snapshot(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	var extra struct {
		Timezone string `json:"timezone"`
	}
	if err := json.Unmarshal(p.Raw(), &extra); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("timezone, unknown to this version:", extra.Timezone)
	fmt.Println("cloud status, an enum value this version does not list:", p.Allocation.Status.Cloud)

	p.Name = "Augusta Ada King"
	if _, err := c.Update(ctx, p); err != nil {
		fmt.Println(err)
		return
	}
	var stored struct {
		Name     string `json:"name"`
		Timezone string `json:"timezone"`
	}
	if err := json.Unmarshal(srv.Profile(), &stored); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("stored after Update: %s, %s\n", stored.Name, stored.Timezone)
	// Output:
	// timezone, unknown to this version: Europe/London
	// cloud status, an enum value this version does not list: HIBERNATING
	// stored after Update: Augusta Ada King, Europe/London
}

// keeper is an http.RoundTripper that keeps the body of the last answer,
// for a program that wants the bytes of an answer besides its value.
type keeper struct {
	last []byte
}

func (k *keeper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	k.last = body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// A Transport given to WithHTTPClient sees every answer as Pieces OS sent
// it, members this version does not know included.
func ExampleWithHTTPClient() {
	srv := newerfake.Start()
	defer srv.Close()
	k := &keeper{}
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithHTTPClient(&http.Client{Transport: k}))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := c.Snapshot(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	var answer struct {
		Build string `json:"build"`
	}
	if err := json.Unmarshal(k.last, &answer); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("a member of the answer this version does not know:", answer.Build)
	// Output:
	// a member of the answer this version does not know: newer
}
