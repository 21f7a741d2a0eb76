package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SignOut()
	r := mustRun(t, exitOK, "", nil, "--host", srv.URL, "sign-in")
	want := storedProfile(t, srv)
	if !strings.Contains(r.stdout, want.Name) || !strings.Contains(r.stdout, want.Email) {
		t.Errorf("sign-in printed:\n%s", r.stdout)
	}
	for _, s := range []string{"Pieces OS at " + srv.URL + " is opening its sign-in page in your browser", "Waiting up to 5m0s; Ctrl-C stops waiting."} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("sign-in stderr lacks %q:\n%s", s, r.stderr)
		}
	}

	srv.SignOut()
	r = mustRun(t, exitOK, "", nil, "--host", srv.URL, "--json", "sign-in", "--wait", "0")
	if diff := cmp.Diff(storedProfile(t, srv), decodeOut[user.UserProfile](t, r)); diff != "" {
		t.Errorf("sign-in --json (-want +got):\n%s", diff)
	}
	if !strings.Contains(r.stderr, "Waiting until you press Ctrl-C.") {
		t.Errorf("sign-in --wait 0 stderr:\n%s", r.stderr)
	}
}

func TestSignInFails(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	if err := srv.FailNext("signIntoOs", 1, 500, "the person closed the sign-in page"); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, exitFailed, "", nil, "--host", srv.URL, "sign-in")
	for _, s := range []string{"sign-in failed or was abandoned", "(500)", "closed the sign-in page"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}

	// A person who takes longer than --wait, whatever --timeout says.
	srv.SetLatency(time.Minute)
	r = mustRun(t, exitFailed, "", nil, "--host", srv.URL, "--timeout", "10ms", "sign-in", "--wait", "300ms")
	if !strings.Contains(r.stderr, "sign-in: not finished within 300ms (see --wait)") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	mustRun(t, exitUsage, "", nil, "--host", srv.URL, "sign-in", "--wait", "-1s")
}

func TestSignInInterrupted(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SetLatency(time.Minute)
	p := startCLI(t, nil, "--host", srv.URL, "sign-in")
	p.stderr.await(t, 0, "the waiting line", hasPrefix("Waiting up to"))
	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != exitFailed {
		t.Errorf("sign-in exited %d after SIGINT, want %d", code, exitFailed)
	}
	if _, line := p.stderr.await(t, 0, "the last line", hasPrefix(progName+": ")); line != progName+": sign-in: interrupted: stopped waiting (the sign-in page may still be open in the browser)" {
		t.Errorf("stderr line %q", line)
	}
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	known := storedProfile(t, srv)
	r := mustRun(t, exitOK, "", nil, "--host", srv.URL, "sign-out")
	statusLines(t, r.stdout, "signed out", "users Pieces OS still knows: "+known.Name+" <"+known.Email+"> (id "+known.ID+")")
	if _, ok := srv.Profile(); ok {
		t.Error("the fake still has a user signed in")
	}
	r = mustRun(t, exitOK, "", nil, "--host", srv.URL, "--json", "sign-out")
	if got := decodeOut[user.Users](t, r); len(got.Iterable) != 1 || got.Iterable[0].ID != known.ID {
		t.Errorf("sign-out --json printed %+v", got)
	}
}
