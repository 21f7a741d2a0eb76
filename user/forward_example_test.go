package user_test

import (
	"context"
	"encoding/json"
	"fmt"

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

// WithRawResponse captures the answer of any call: its status, headers and
// body exactly as Pieces OS sent them.
func ExampleWithRawResponse() {
	srv := newerfake.Start()
	defer srv.Close()
	c, err := user.New(user.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	var raw user.RawResponse
	if _, err := c.Snapshot(user.WithRawResponse(context.Background(), &raw)); err != nil {
		fmt.Println(err)
		return
	}
	var answer struct {
		Build string `json:"build"`
	}
	if err := json.Unmarshal(raw.Body, &answer); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(raw.StatusCode, raw.Header.Get("Content-Type"), answer.Build)
	// Output:
	// 200 application/json newer
}
