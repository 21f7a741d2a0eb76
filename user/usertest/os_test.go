package usertest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// readCheckIn reads check-in messages until one names (or, for want "",
// names no) user want.
func readCheckIn(t *testing.T, ws *websocket.Conn, want string) {
	t.Helper()
	for {
		var out gen.UserLastCheckedInStreamOutput
		if data := read(t, ws); json.Unmarshal(data, &out) != nil {
			t.Fatalf("check-in message %q is not a check-in", data)
		}
		if out.UserID == want {
			return
		}
	}
}

// TestSignIntoOs checks that signIntoOs signs the server's account in at
// once, with a new token, and tells both streams.
func TestSignIntoOs(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t, usertest.WithCheckInInterval(time.Millisecond))
	c := newClient(t, srv)
	id := usertest.DefaultProfile().ID

	// Signed in already: the answer is that user, and nothing changes.
	before := srv.AccessToken()
	res, err := c.SignIntoOsWithResponse(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil || res.JSON200.ID != id || srv.AccessToken() != before {
		t.Fatalf("signed in: got %d %.80s, token %q (was %q)", res.StatusCode(), res.Body, srv.AccessToken(), before)
	}

	// Signed out: the last user signs in again, as the streams see.
	srv.SignOut()
	profiles := dial(t, srv, "/user/stream")
	checkIns := dial(t, srv, "/user/last_checked_in/stream")
	if got := read(t, profiles); len(got) != 0 {
		t.Fatalf("first message when signed out: %q", got)
	}
	readCheckIn(t, checkIns, "")
	res, err = c.SignIntoOsWithResponse(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil || res.JSON200.ID != id || !isJSON(res.ContentType()) {
		t.Fatalf("sign-in: got %d %q %.80s", res.StatusCode(), res.ContentType(), res.Body)
	}
	if tok := srv.AccessToken(); tok == "" || tok == before || !strings.Contains(tok, id) {
		t.Errorf("token after the sign-in %q, want a new one for %s (the last was %q)", tok, id, before)
	}
	if got := readProfile(t, profiles); got.ID != id {
		t.Errorf("profile stream after the sign-in: user %q", got.ID)
	}
	readCheckIn(t, checkIns, id)

	// The account is the last user signed in, or the profile SetProfile
	// gave while nobody was.
	srv.SignOut()
	p := usertest.DefaultProfile()
	p.ID, p.Name = "someone-else", "Grace Hopper"
	srv.SetProfile(p)
	if res, err := c.SignIntoOsWithResponse(testCtx(t)); err != nil || res.JSON200 == nil || res.JSON200.Name != p.Name {
		t.Errorf("sign-in after SetProfile: %v %+v", err, res)
	}
}

// TestSignIntoOsDelay checks SetSignInDelay with a delay: the answer comes
// once it has passed, not before.
func TestSignIntoOsDelay(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SignOut()
	const delay = 50 * time.Millisecond
	srv.SetSignInDelay(delay)
	start := time.Now()
	res, err := newClient(t, srv).SignIntoOsWithResponse(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil || time.Since(start) < delay {
		t.Errorf("got %d after %v, want 200 after %v at least", res.StatusCode(), time.Since(start), delay)
	}
}

// startSignIn sends signIntoOs in the background and returns once the
// server has received it; the answer, or the client's error, arrives on
// the channel.
func startSignIn(t *testing.T, srv *usertest.Server, ctx context.Context) <-chan error {
	t.Helper()
	c := newClient(t, srv)
	done := make(chan error, 1)
	go func() {
		res, err := c.SignIntoOsWithResponse(ctx)
		if err == nil && res.StatusCode() != http.StatusServiceUnavailable {
			err = errors.New("answered " + res.Status())
		}
		done <- err
	}()
	waitFor(t, "the sign-in to arrive", func() bool {
		for _, r := range srv.Requests() {
			if r.OperationID == "signIntoOs" {
				return true
			}
		}
		return false
	})
	return done
}

// TestSignIntoOsUnfinished checks a sign-in that never finishes: the
// request waits, with nobody signed in, until its client gives up.
func TestSignIntoOsUnfinished(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SignOut()
	srv.SetSignInDelay(-1)
	ctx, cancel := context.WithCancel(testCtx(t))
	done := startSignIn(t, srv, ctx)
	if _, ok := srv.Profile(); ok {
		t.Error("someone is signed in while the sign-in waits")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the sign-in ended with %v, want context.Canceled", err)
		}
	case <-testCtx(t).Done():
		t.Fatal("the sign-in did not end with its client's context")
	}
	if _, ok := srv.Profile(); ok || srv.AccessToken() != "" {
		t.Error("an abandoned sign-in signed someone in")
	}
}

// TestCloseEndsWaitingSignIn checks that Close does not wait for a sign-in
// that is waiting, long or for ever, whose client gets 503.
func TestCloseEndsWaitingSignIn(t *testing.T) {
	t.Parallel()
	for _, delay := range []time.Duration{time.Hour, -1} {
		srv, err := usertest.NewServer()
		if err != nil {
			t.Fatal(err)
		}
		srv.SignOut()
		srv.SetSignInDelay(delay)
		done := startSignIn(t, srv, testCtx(t))
		closed := make(chan struct{})
		go func() {
			srv.Close()
			close(closed)
		}()
		select {
		case <-closed:
		case <-testCtx(t).Done():
			t.Fatalf("delay %v: Close hangs on a waiting sign-in", delay)
		}
		if err := <-done; err != nil {
			t.Errorf("delay %v: the waiting sign-in got %v, want a 503 answer", delay, err)
		}
	}
}

func TestSignIntoOsFails(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SignOut()
	if err := srv.FailNext("signIntoOs", 1, http.StatusInternalServerError, "the browser sign-in failed"); err != nil {
		t.Fatal(err)
	}
	r := send(t, srv, http.MethodPost, "/os/sign_in", "", nil)
	if r.status != http.StatusInternalServerError || !isText(r.header.Get("Content-Type")) || r.body != "the browser sign-in failed" {
		t.Errorf("got %d %q %q, want the 500 FailNext set up", r.status, r.header.Get("Content-Type"), r.body)
	}
	if _, ok := srv.Profile(); ok {
		t.Error("a failed sign-in signed someone in")
	}
	if r := send(t, srv, http.MethodPost, "/os/sign_in", "", nil); r.status != http.StatusOK {
		t.Errorf("the next sign-in: got %d %s", r.status, r.body)
	}
}

// TestSignOutOfOs checks that signOutOfOs signs the user out, tells both
// streams, and answers the users the server still knows.
func TestSignOutOfOs(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t, usertest.WithCheckInInterval(time.Millisecond))
	c := newClient(t, srv)
	id := usertest.DefaultProfile().ID
	profiles := dial(t, srv, "/user/stream")
	checkIns := dial(t, srv, "/user/last_checked_in/stream")
	readProfile(t, profiles)
	readCheckIn(t, checkIns, id)

	for range 2 { // signed in, then already signed out
		res, err := c.SignOutOfOsWithResponse(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		users := res.JSON200
		if users == nil || len(users.Iterable) != 1 || users.Iterable[0].ID != id || users.Schema.Semantic == "" {
			t.Fatalf("got %d %.200s, want Users holding %s with a schema", res.StatusCode(), res.Body, id)
		}
		if _, ok := srv.Profile(); ok || srv.AccessToken() != "" {
			t.Error("still signed in after signOutOfOs")
		}
	}
	if got := read(t, profiles); len(got) != 0 {
		t.Errorf("profile stream after the sign-out: %q, want an empty message", got)
	}
	readCheckIn(t, checkIns, "")
}
