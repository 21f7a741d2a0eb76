package user_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

func ExampleNew() {
	c, err := user.New(
		user.WithBaseURL("http://127.0.0.1:39300"),
		user.WithApplicationID("my-plugin"),
		user.WithRetry(5, user.Backoff{Min: 50 * time.Millisecond, Max: time.Second}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.BaseURL())
	fmt.Println(strings.Contains(fmt.Sprint(c), "my-plugin")) // credentials never show
	// Output:
	// http://127.0.0.1:39300
	// false
}

func ExampleClient_Snapshot() {
	srv, err := usertest.NewServer() // a fake Pieces OS; Ada Lovelace is signed in
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithApplicationID("my-plugin"))
	if err != nil {
		fmt.Println(err)
		return
	}

	p, err := c.Snapshot(context.Background())
	switch {
	case errors.Is(err, user.ErrNotSignedIn):
		fmt.Println("nobody is signed in")
	case err != nil:
		fmt.Println("Pieces OS failed:", err)
	default:
		fmt.Println("signed in as", p.Name)
	}
	// Output:
	// signed in as Ada Lovelace
}

func ExampleClient_UpdateVanity() {
	srv, err := usertest.NewServer() // a fake Pieces OS
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	srv.TakeVanity("taken")
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithApplicationID("my-plugin"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	for _, name := range []string{"taken", "ada-codes"} {
		p, err := c.UpdateVanity(ctx, name)
		switch {
		case errors.Is(err, user.ErrConflict):
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
	srv, err := usertest.NewServer() // a fake Pieces OS; Ada Lovelace is signed in
	if err != nil {
		fmt.Println(err)
		return
	}
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
	if out.CanUse {
		fmt.Println("sharing is allowed")
	} else {
		fmt.Println("sharing is not allowed:", out.Reason)
	}
	// Output:
	// sharing is allowed
}

// Discover can scan ports of its caller's choosing. Here the fake plays
// Pieces OS on a port of its own, so the example scans that port alone.
func ExampleDiscover_ports() {
	srv, err := usertest.NewServer() // a fake Pieces OS; Ada Lovelace is signed in
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	_, portText, _ := net.SplitHostPort(srv.Addr())
	port, _ := strconv.Atoi(portText)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// In a program: inst, err := user.Discover(ctx, nil)
	inst, err := user.Discover(ctx, &user.DiscoverOptions{NoPortFile: true, Ports: []int{port}})
	if errors.Is(err, user.ErrUnreachable) {
		fmt.Println(err) // says which port files and ports were tried
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := user.New(user.WithBaseURL(inst.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("found Pieces OS:", c.BaseURL() == srv.URL)
	// Output:
	// found Pieces OS: true
}
