package usertest_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// isProfileNamed matches a profile event whose user has the given name.
func isProfileNamed(name string) func(user.Event) bool {
	return func(ev user.Event) bool {
		return ev.Kind == user.EventProfile && ev.Profile != nil && ev.Profile.Name == name
	}
}

// isKind matches an event of one kind.
func isKind(k user.EventKind) func(user.Event) bool {
	return func(ev user.Event) bool { return ev.Kind == k }
}

// Watch the profile stream against the fake and wait, without sleeping,
// until the consumer has seen the state the test expects. The first event
// is always the current profile. Two changes in a row may arrive as one
// event (the stream conflates), so the example waits for the final name,
// not for one event per change.
func ExampleAwait() {
	srv, err := usertest.NewServer()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := user.New(user.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	// A guard against a hang, not a wait: Await returns as soon as the
	// event is there. In a test, derive it from t.Context().
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := c.WatchProfile(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// The current state comes first on every connection.
	ev, err := usertest.Await(ctx, s.Events(), isKind(user.EventProfile))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("first:", ev.Profile.Name)

	// Two changes in a row: the consumer may see "Ada King" or not, but it
	// always ends with the newest state.
	p, _ := srv.Profile()
	p.Name = "Ada King"
	srv.SetProfile(p)
	p.Name = "Augusta Ada King"
	srv.SetProfile(p)
	ev, err = usertest.Await(ctx, s.Events(), isProfileNamed("Augusta Ada King"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("last:", ev.Profile.Name)

	srv.SignOut()
	if _, err := usertest.Await(ctx, s.Events(), isKind(user.EventSignedOut)); err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed out")
	// Output:
	// first: Ada Lovelace
	// last: Augusta Ada King
	// signed out
}

// A stream that WaitStreams has counted has its first message queued, so
// a change made after it reaches the consumer after the current state.
// Together with Await, that lets a test check the order of what it sees.
func ExampleServer_WaitStreams() {
	srv, err := usertest.NewServer()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := user.New(user.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := c.WatchProfile(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	if err := srv.WaitStreams(ctx, 1); err != nil {
		log.Fatal(err)
	}
	srv.SignOut()
	ev, err := usertest.Await(ctx, s.Events(), func(ev user.Event) bool {
		return ev.Kind == user.EventSignedOut
	})
	fmt.Println(ev.Kind == user.EventSignedOut, err)
	// Output: true <nil>
}
