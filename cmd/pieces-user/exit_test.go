package main

import (
	"strings"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// oneLineOn checks that a failed run explained itself in exactly one line
// of standard error, holding each of wants, and printed nothing else.
func oneLineOn(t *testing.T, r result, wants ...string) {
	t.Helper()
	if !strings.HasPrefix(r.stderr, progName+": ") || strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr is not one line starting with %q:\n%s", progName+": ", r.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q lacks %q", r.stderr, w)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
}

func TestExitCodeAPIErrors(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.TakeVanity("babbage")

	r := mustRun(t, exitFailed, "", nil, "--host", srv.URL, "vanity", "babbage")
	oneLineOn(t, r, "vanity name already taken (409)", "userUpdateVanity")

	r = mustRun(t, exitFailed, "", nil, "--host", srv.URL, "providers")
	oneLineOn(t, r, "(501)", "userProviders")

	if err := srv.FailNext("userBetaStatus", 1, 511, "nobody home"); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, exitFailed, "", nil, "--host", srv.URL, "beta", "--user", "u1")
	oneLineOn(t, r, "not signed in (511)", "nobody home", "sign in with 'pieces-user sign-in'")
}

func TestExitCodeUsage(t *testing.T) {
	t.Parallel()
	// Nothing listens here: a usage error must be found before any call.
	host := "http://" + closedAddr(t)
	tests := []struct {
		name  string
		stdin string
		args  []string
		wants []string
	}{
		{"no command", "", nil, []string{"no command given"}},
		{"unknown command", "", []string{"frobnicate"}, []string{`unknown command "frobnicate"`}},
		{"unknown global flag", "", []string{"--hots", host, "snapshot"}, []string{"-hots"}},
		{"unknown command flag", "", []string{"update", "--nmae", "x"}, []string{"update", "-nmae"}},
		{"missing argument", "", []string{"vanity"}, []string{"missing argument NAME"}},
		{"missing second argument", "", []string{"associate", "u1"}, []string{"missing argument ENTITY"}},
		{"extra argument", "", []string{"snapshot", "now"}, []string{`unexpected argument "now"`}},
		{"empty argument", "", []string{"vanity", ""}, []string{"the name is empty"}},
		{"unknown feature", "", []string{"feature", "teleport"}, []string{`unknown feature "teleport"`, "SHARE_SNIPPET", "EXTERNAL_PROVIDER_PROCESSING"}},
		{"unknown processing", "", []string{"feature", "external_provider_processing", "--processing", "quantum"}, []string{"LOCAL, CLOUD, BLENDED"}},
		{"empty entity", "", []string{"associate", "u1", ""}, []string{"the entity ID is empty"}},
		{"dot entity", "", []string{"disassociate", "..", "e1"}, []string{`the user ID ".." is not a usable path segment`}},
		{"bad JSON", `{"name": "Ada",`, []string{"update", "--file", "-"}, []string{"standard input", "UserProfile", "cut short"}},
		{"JSON syntax", `{"name" "Ada"}`, []string{"update", "--file", "-"}, []string{"line 1, column"}},
		{"typo of a member", `{"name":"Ada","nmae":"x"}`, []string{"update", "--file", "-"}, []string{`unknown member "nmae" looks like a typo of "name"`}},
		{"unknown member of a strict model", `{"emial":"a@b.c"}`, []string{"select", "--file", "-"}, []string{`unknown field "emial"`}},
		{"wrong type", `{"user": 7}`, []string{"beta", "--file", "-"}, []string{"user must be a string"}},
		{"two documents", `{} {}`, []string{"checkout", "--file", "-"}, []string{"text follows the JSON value"}},
		{"empty document", "", []string{"select", "--file", "-"}, []string{"it is empty"}},
		{"missing file", "", []string{"update", "--file", "/nonexistent/profile.json"}, []string{"--file"}},
		{"nothing to update", "", []string{"update"}, []string{"nothing to change"}},
		{"bad time", "", []string{"beta", "--vision-from", "yesterday"}, []string{"--vision-from", "RFC 3339"}},
		{"negative timeout", "", []string{"--timeout", "-1s", "snapshot"}, []string{"--timeout"}},
		{"negative count", "", []string{"watch", "--count", "-1"}, []string{"--count"}},
		{"bad host", "", []string{"--host", "ftp://127.0.0.1", "snapshot"}, []string{"scheme must be http or https"}},
		{"help for nothing", "", []string{"help", "frobnicate"}, []string{`unknown command "frobnicate"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := tt.args
			if len(args) > 0 && !strings.HasPrefix(args[0], "--host") && !strings.HasPrefix(args[0], "--hots") {
				args = append([]string{"--host", host}, args...)
			}
			r := mustRun(t, exitUsage, tt.stdin, nil, args...)
			oneLineOn(t, r, tt.wants...)
		})
	}
}

func TestExitCodeUnreachable(t *testing.T) {
	t.Parallel()
	addr := closedAddr(t)
	for _, cmd := range [][]string{{"snapshot"}, {"update", "--name", "x"}, {"clear"}, {"vanity", "x"}} {
		r := mustRun(t, exitUnreachable, "", nil, append([]string{"--host", "http://" + addr}, cmd...)...)
		oneLineOn(t, r, "cannot reach Pieces OS at http://"+addr, "connection refused", "serve-fake")
	}
}

func TestExitCodeTimeout(t *testing.T) {
	t.Parallel()
	// The fake answers after a minute; --timeout gives up long before.
	srv := usertest.Start(t)
	srv.SetLatency(time.Minute)
	r := mustRun(t, exitUnreachable, "", nil, "--host", srv.URL, "--timeout", "100ms", "clear")
	oneLineOn(t, r, "did not answer within 100ms", srv.URL)
}
