package user_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// exampleServer stands in for Pieces OS in the examples. It knows one
// user, Ada, and treats the vanity name "taken" as taken.
func exampleServer() *httptest.Server {
	ada := user.UserProfile{
		ID:         "0b9e1c52-7d1a-4c1e-9f3a-0c6f1d2e3a4b",
		Name:       "Ada",
		Aesthetics: user.Aesthetics{Font: user.Font{Size: 12}, Theme: user.Theme{Dark: true}},
	}
	reply := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("HEAD /.well-known/health", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) {
		reply(w, user.ReturnedUserProfile{User: ada})
	})
	mux.HandleFunc("POST /user/update/vanity", func(w http.ResponseWriter, r *http.Request) {
		var p user.UserProfile
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if p.Vanityname == "taken" {
			http.Error(w, "the vanity name is taken", http.StatusConflict)
			return
		}
		reply(w, p)
	})
	mux.HandleFunc("POST /user/has_feature_access", func(w http.ResponseWriter, r *http.Request) {
		var in user.HasFeatureAccessInput
		json.NewDecoder(r.Body).Decode(&in)
		reply(w, user.HasFeatureAccessOutput{
			CanUse:  in.Feature == user.HasFeatureAccessEnumSHARESNIPPET,
			Enabled: true,
			Reason:  "checked " + string(in.Feature),
		})
	})
	return httptest.NewServer(mux)
}

func ExampleNew() {
	c, err := user.New(
		user.WithBaseURL("http://127.0.0.1:39300"),
		user.WithApplicationID("my-plugin"),
		user.WithRetryPolicy(user.RetryPolicy{MaxAttempts: 5, BaseDelay: 50 * time.Millisecond, MaxDelay: time.Second}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.BaseURL())
	fmt.Println(c) // credentials never show
	// Output:
	// http://127.0.0.1:39300
	// user.Client{BaseURL: "http://127.0.0.1:39300"}
}

func ExampleClient_Snapshot() {
	srv := exampleServer()
	defer srv.Close()
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithApplicationID("my-plugin"))
	if err != nil {
		fmt.Println(err)
		return
	}

	p, err := c.Snapshot(context.Background())
	switch {
	case errors.Is(err, user.ErrSignedOut):
		fmt.Println("nobody is signed in")
	case err != nil:
		fmt.Println("Pieces OS failed:", err)
	default:
		fmt.Println("signed in as", p.Name)
	}
	// Output:
	// signed in as Ada
}

func ExampleClient_UpdateVanity() {
	srv := exampleServer()
	defer srv.Close()
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithApplicationID("my-plugin"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	for _, name := range []string{"taken", "ada-codes"} {
		p, err := c.UpdateVanity(ctx, name)
		switch {
		case errors.Is(err, user.ErrVanityTaken):
			fmt.Printf("%q is taken, trying another\n", name)
		case err != nil:
			fmt.Println(err)
			return
		default:
			fmt.Println("vanity name is now", p.Vanityname)
		}
	}
	// Output:
	// "taken" is taken, trying another
	// vanity name is now ada-codes
}

func ExampleClient_HasFeatureAccess() {
	srv := exampleServer()
	defer srv.Close()
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithApplicationID("my-plugin"))
	if err != nil {
		fmt.Println(err)
		return
	}

	out, err := c.HasFeatureAccess(context.Background(), user.HasFeatureAccessEnumSHARESNIPPET, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("can use:", out.CanUse, "| enabled:", out.Enabled, "| reason:", out.Reason)
	// Output:
	// can use: true | enabled: true | reason: checked SHARE_SNIPPET
}

// Discover probes the ports Pieces OS uses. Here a stand-in server plays
// Pieces OS, so the example probes its port with DiscoverPorts.
func ExampleDiscover() {
	srv := exampleServer()
	defer srv.Close()
	_, portText, _ := net.SplitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(portText)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// In a program: base, err := user.Discover(ctx)
	base, err := user.DiscoverPorts(ctx, "127.0.0.1", port, port)
	if errors.Is(err, user.ErrNotFoundOnPorts) {
		fmt.Println(err) // says which ports were tried and how to start Pieces OS
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := user.New(user.WithBaseURL(base))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("found Pieces OS:", c.BaseURL() == srv.URL)
	// Output:
	// found Pieces OS: true
}
