package user_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// These tests follow the streams of the fake Pieces OS of package
// usertest, end to end through the HTTP operations that change its state.

const streamWait = time.Minute // a guard against a hang, not a timing assertion

func streamEvent(t *testing.T, s *user.Stream, what string, match func(user.Event) bool) user.Event {
	t.Helper()
	deadline := time.After(streamWait)
	var seen []string
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatalf("Events closed while waiting for %s; saw %v", what, seen)
			}
			if match(ev) {
				return ev
			}
			seen = append(seen, ev.Kind.String())
		case <-deadline:
			t.Fatalf("no %s within %v; saw %v", what, streamWait, seen)
		}
	}
}

func kindIs(k user.EventKind) func(user.Event) bool {
	return func(ev user.Event) bool { return ev.Kind == k }
}

func profileNamed(name string) func(user.Event) bool {
	return func(ev user.Event) bool {
		return ev.Kind == user.EventProfile && ev.Profile.Name == name
	}
}

func TestWatchProfileAgainstUsertest(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithApplicationID("usertest-app"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.WatchProfile(t.Context(), &user.WatchOptions{Backoff: user.Backoff{Min: time.Millisecond, Max: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })

	want := usertest.DefaultProfile()
	ev := streamEvent(t, s, "the default profile", kindIs(user.EventProfile))
	if ev.Profile.ID != want.ID || ev.Profile.Name != want.Name {
		t.Errorf("profile = %q %q, want %q %q", ev.Profile.ID, ev.Profile.Name, want.ID, want.Name)
	}

	// Signing out through the API reaches the stream.
	if err := c.Clear(t.Context()); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	streamEvent(t, s, "signed-out", kindIs(user.EventSignedOut))

	next := want
	next.Name = "Signed In Again"
	srv.SignIn(next)
	streamEvent(t, s, "the new profile", profileNamed(next.Name))

	// An abrupt drop is followed by the current state again.
	if n := srv.DropStreams(); n != 1 {
		t.Errorf("DropStreams closed %d streams, want 1", n)
	}
	streamEvent(t, s, "disconnected", kindIs(user.EventDisconnected))
	streamEvent(t, s, "the profile after the drop", profileNamed(next.Name))

	// A refused upgrade arrives as an *Error and is retried.
	if err := srv.FailNext("streamUser", 1, http.StatusNetworkAuthenticationRequired, "not connected"); err != nil {
		t.Fatal(err)
	}
	srv.DropStreams()
	ev = streamEvent(t, s, "a refused upgrade", func(ev user.Event) bool {
		return ev.Kind == user.EventDisconnected && statusCode(ev.Err) != 0
	})
	if !errors.Is(ev.Err, user.ErrNotSignedIn) {
		t.Errorf("Err = %v, want it to match ErrNotSignedIn", ev.Err)
	}
	streamEvent(t, s, "the profile after the refusal", profileNamed(next.Name))

	var ids []string
	for _, r := range srv.Requests() {
		if r.Path == "/user/stream" {
			ids = append(ids, r.Header.Get("X-Application-ID"))
		}
	}
	if len(ids) < 3 {
		t.Errorf("%d upgrades of /user/stream recorded, want at least 3", len(ids))
	}
	for _, id := range ids {
		if id != "usertest-app" {
			t.Errorf("X-Application-ID on an upgrade = %q, want usertest-app", id)
		}
	}
}

func TestWatchProfileUsertestRestart(t *testing.T) {
	t.Parallel()
	old := usertest.Start(t)
	c, err := user.New(user.WithBaseURL(old.URL))
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.WatchProfile(t.Context(), &user.WatchOptions{Backoff: user.Backoff{Min: time.Millisecond, Max: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	streamEvent(t, s, "the first profile", kindIs(user.EventProfile))

	// Pieces OS goes away; a different user signs in before it comes back.
	old.Close()
	streamEvent(t, s, "disconnected", kindIs(user.EventDisconnected))
	p := usertest.DefaultProfile()
	p.Name = "After Restart"
	restarted := usertest.Start(t, usertest.WithAddr(old.Addr()))
	restarted.SetProfile(p)
	if restarted.URL != old.URL {
		t.Fatalf("restarted on %s, want %s", restarted.URL, old.URL)
	}
	streamEvent(t, s, "the profile after the restart", profileNamed(p.Name))
}

func TestWatchCheckInsAgainstUsertest(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t, usertest.WithCheckInInterval(10*time.Millisecond))
	c, err := user.New(user.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	s, err := c.WatchCheckIns(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev := streamEvent(t, s, "a check-in", kindIs(user.EventCheckIn))
	if ev.CheckIn == nil {
		t.Fatal("check-in event without CheckIn")
	}
	if want := usertest.DefaultProfile().ID; ev.CheckIn.UserID != want {
		t.Errorf("check-in user = %q, want %q", ev.CheckIn.UserID, want)
	}
	// Several check-ins arrive while the consumer keeps up.
	for range 3 {
		streamEvent(t, s, "another check-in", kindIs(user.EventCheckIn))
	}
	cancel()
	deadline := time.After(streamWait)
	for {
		select {
		case _, ok := <-s.Events():
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("Events not closed after cancel")
		}
	}
}
