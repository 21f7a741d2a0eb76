package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// TestParseFlagErrors checks the messages of parseFlags: flags named
// --name, and for a bad value the form that is expected.
func TestParseFlagErrors(t *testing.T) {
	t.Parallel()
	newFS := func() *flag.FlagSet {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.Duration("timeout", time.Second, "limit of each `DUR`")
		fs.Int("count", 0, "stop after `N` events")
		fs.Bool("json", false, "")
		fs.String("file", "", "read `F`")
		fs.Func("fail", "", func(v string) error { return errors.New(`"` + v + `" is not OPERATION=STATUS`) })
		return fs
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--timeout", "5"}, `--timeout: invalid duration "5": use a unit, such as 5s or 1m`},
		{[]string{"-timeout=soon"}, `--timeout: invalid duration "soon": use a unit, such as 5s or 1m`},
		{[]string{"--count", "two"}, `--count: invalid number "two": want a whole number, such as 2`},
		{[]string{"--json=maybe"}, `--json: invalid value "maybe": want true or false (--json alone means true)`},
		{[]string{"--fail", "oops"}, `--fail: "oops" is not OPERATION=STATUS`},
		{[]string{"--hots", "x"}, `unknown flag --hots`},
		{[]string{"-hots"}, `unknown flag --hots`},
		{[]string{"---json"}, `unknown flag ---json`},
		{[]string{"--=x"}, `unknown flag --`},
		{[]string{"--timeout"}, `--timeout needs a value`},
		{[]string{"--timeout", `"quoted"`}, `--timeout: invalid duration "\"quoted\"": use a unit, such as 5s or 1m`},
	}
	for _, tt := range tests {
		if _, err := parseFlags(newFS(), nil, tt.args, false, map[string]string{}); err == nil || err.Error() != tt.want {
			t.Errorf("flags %q: error %v, want %q", tt.args, err, tt.want)
		}
	}
	for _, help := range []string{"-h", "--help", "-help"} {
		if _, err := parseFlags(newFS(), nil, []string{"a", help}, false, map[string]string{}); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s: error %v, want flag.ErrHelp", help, err)
		}
	}
}

// TestParseFlagsAnywhere checks that flags and arguments may alternate,
// that "--" ends the flags, that a flag the command lacks is looked up
// among the global ones, and that with first the flags end at the first
// argument.
func TestParseFlagsAnywhere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		first   bool
		wantPos []string
		wantM   string
		wantV   bool
		wantG   string
	}{
		{[]string{"SHARE", "--model", "m"}, false, []string{"SHARE"}, "m", false, ""},
		{[]string{"--model", "m", "SHARE", "-v"}, false, []string{"SHARE"}, "m", true, ""},
		{[]string{"a", "-v", "b", "--global=g"}, false, []string{"a", "b"}, "", true, "g"},
		{[]string{"a", "--", "--model", "b"}, false, []string{"a", "--model", "b"}, "", false, ""},
		{[]string{"--model", "m", "cmd", "-v"}, true, []string{"cmd", "-v"}, "m", false, ""},
		{[]string{"-", "--model="}, false, []string{"-"}, "", false, ""},
		{nil, false, nil, "", false, ""},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		m := fs.String("model", "", "")
		v := fs.Bool("v", false, "")
		global := flag.NewFlagSet("g", flag.ContinueOnError)
		g := global.String("global", "", "")
		pos, err := parseFlags(fs, global, tt.args, tt.first, map[string]string{})
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if diff := cmp.Diff(tt.wantPos, pos); diff != "" || *m != tt.wantM || *v != tt.wantV || *g != tt.wantG {
			t.Errorf("%q: positional %q, model %q, v %t, global %q; want %q, %q, %t, %q", tt.args, pos, *m, *v, *g, tt.wantPos, tt.wantM, tt.wantV, tt.wantG)
		}
	}
}

// TestFlagErrorsOfTheProgram checks the messages that reach the user for
// global and command flags.
func TestFlagErrorsOfTheProgram(t *testing.T) {
	t.Parallel()
	host := "http://" + closedAddr(t)
	// A flag written with one dash, as package flag writes it.
	singleDash := regexp.MustCompile(`(?:^|[\s(])-[a-z][a-z-]*`)
	tests := []struct {
		args  []string
		wants []string
	}{
		{[]string{"--host", host, "--timeout", "5", "snapshot"}, []string{`--timeout: invalid duration "5": use a unit, such as 5s or 1m`, "run 'pieces-user help'"}},
		{[]string{"--host", host, "watch", "--ping-interval", "5"}, []string{`watch: --ping-interval: invalid duration "5": use a unit`, "run 'pieces-user help watch'"}},
		{[]string{"--host", host, "watch-checkins", "--ping-timeout", "0s"}, []string{"watch-checkins: --ping-timeout 0s is not positive"}},
		{[]string{"--host", host, "watch", "--ping-interval", "-1s"}, []string{"watch: --ping-interval -1s is negative", "0 for no pings"}},
		{[]string{"--host", host, "watch", "--count", "x"}, []string{`watch: --count: invalid number "x"`}},
		{[]string{"--hots", host, "snapshot"}, []string{"unknown flag --hots"}},
		{[]string{"--host", host, "update", "--nmae", "x"}, []string{"update: unknown flag --nmae"}},
		{[]string{"snapshot", "--host", host, "--timeout", "x"}, []string{`snapshot: --timeout: invalid duration "x"`, "run 'pieces-user help snapshot'"}},
		{[]string{"--host", "", "snapshot"}, []string{"--host: the base URL is empty", "give an address such as"}},
		{[]string{"--host", "ftp://127.0.0.1", "snapshot"}, []string{`--host: base URL "ftp://127.0.0.1": the scheme must be http or https`}},
		{[]string{"--port-file", "x", "--no-port-file", "status"}, []string{"--port-file and --no-port-file exclude each other"}},
		{[]string{"--ports", "0-3", "status"}, []string{`--ports: "0-3" is not a port or an ascending range`}},
		{[]string{"--host", "192.0.2.1:39300", "--app-id", "app", "snapshot"}, []string{"plain http to http://192.0.2.1:39300", "--insecure-credentials", "https://"}},
	}
	for _, tt := range tests {
		r := mustRun(t, exitUsage, "", nil, tt.args...)
		oneLineOn(t, r, tt.wants...)
		for _, bad := range []string{"go run", "user.With"} {
			if strings.Contains(r.stderr, bad) {
				t.Errorf("%q: message %q holds %q, which does not fit a program", tt.args, r.stderr, bad)
			}
		}
		if m := singleDash.FindString(r.stderr); m != "" {
			t.Errorf("%q: message %q names a flag as %q, not --name", tt.args, r.stderr, m)
		}
	}
}

// TestInsecureCredentialsFlag checks that --insecure-credentials lifts the
// refusal to send credentials over plain http to another host. Nothing is
// sent: the client is only built.
func TestInsecureCredentialsFlag(t *testing.T) {
	t.Parallel()
	s := &session{ctx: t.Context(), host: "192.0.2.1:39300", given: map[string]string{"host": "192.0.2.1:39300"}, appID: "app", insecure: true}
	defer s.close()
	c, err := s.client()
	if err != nil {
		t.Fatalf("client with --insecure-credentials: %v", err)
	}
	if got := c.BaseURL(); got != "http://192.0.2.1:39300" {
		t.Errorf("BaseURL() = %q", got)
	}
}

// TestHostFromEnvironmentFollowsTheLibrary checks that $PIECES_OS_URL is
// read by the rule of --host: a bare host:port means http, and a bad value
// is a usage error naming the variable.
func TestHostFromEnvironmentFollowsTheLibrary(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	mustRun(t, exitOK, "", []string{envBaseURL + "=" + srv.Addr()}, "snapshot")
	r := mustRun(t, exitUsage, "", []string{envBaseURL + "=http:" + srv.Addr()}, "snapshot")
	oneLineOn(t, r, "$"+envBaseURL+": ", "malformed", "unset it")
}

// TestSlowPiecesOS checks that a Pieces OS that accepts the connection but
// does not answer in time is reported as slow, not as absent.
func TestSlowPiecesOS(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SetLatency(time.Minute)
	r := mustRun(t, exitUnreachable, "", nil, "--host", srv.URL, "--timeout", "100ms", "snapshot")
	oneLineOn(t, r, "Pieces OS at "+srv.URL+" did not answer within 100ms", "--timeout")
	if strings.Contains(r.stderr, "start the Pieces OS app") {
		t.Errorf("a running Pieces OS is told to be started: %s", r.stderr)
	}
}

// TestUnreachableMessages checks the message of each way Pieces OS can be
// out of reach: absent, or present but too slow.
func TestUnreachableMessages(t *testing.T) {
	t.Parallel()
	refused := &user.Error{Op: "userSnapshot", Err: fmt.Errorf("%w at http://127.0.0.1:1: connection refused", user.ErrUnreachable)}
	timeout := &user.Error{Op: "userSnapshot", Err: fmt.Errorf("%w at http://127.0.0.1:1: %w", user.ErrUnreachable, context.DeadlineExceeded)}
	tests := []struct {
		name      string
		err       error
		connected bool
		wants     []string
		unwanted  []string
	}{
		{"refused", refused, false, []string{"cannot reach Pieces OS at http://127.0.0.1:1", "connection refused", "start the Pieces OS app", "`pieces-user serve-fake`"}, []string{"go run"}},
		{"slow", timeout, true, []string{"Pieces OS at http://127.0.0.1:1 did not answer within 3s", "--timeout"}, []string{"start the Pieces OS app"}},
		{"no connection in time", timeout, false, []string{"cannot reach Pieces OS at http://127.0.0.1:1", "no connection within 3s", "start the Pieces OS app"}, nil},
	}
	for _, tt := range tests {
		s := &session{ctx: t.Context(), timeout: 3 * time.Second, host: "127.0.0.1:1", given: map[string]string{"host": "127.0.0.1:1"}}
		if _, err := s.client(); err != nil {
			t.Fatal(err)
		}
		s.connected.Store(tt.connected)
		var stderr strings.Builder
		s.stderr = &stderr
		if code := s.fail(tt.err); code != exitUnreachable {
			t.Errorf("%s: exit %d, want %d", tt.name, code, exitUnreachable)
		}
		for _, w := range tt.wants {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%s: message %q lacks %q", tt.name, stderr.String(), w)
			}
		}
		for _, u := range tt.unwanted {
			if strings.Contains(stderr.String(), u) {
				t.Errorf("%s: message %q holds %q", tt.name, stderr.String(), u)
			}
		}
		s.close()
	}
}

// TestWatchPingFlags checks that --ping-interval and --ping-timeout reach
// the stream: a peer that never answers a ping is dropped, and the cause
// names the --ping-timeout given.
func TestWatchPingFlags(t *testing.T) {
	t.Parallel()
	pinged := make(chan struct{}, 1)
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/user/stream" {
			http.NotFound(w, r)
			return
		}
		conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
			// Swallow every ping: the peer looks frozen.
			OnPingReceived: func(context.Context, []byte) bool {
				select {
				case pinged <- struct{}{}:
				default:
				}
				return false
			},
		})
		if err != nil {
			return
		}
		defer conn.CloseNow()
		// Read, so that pings are seen, until the client goes.
		for {
			if _, _, err := conn.Read(r.Context()); err != nil {
				return
			}
		}
	}))
	t.Cleanup(stub.Close)

	p := startCLI(t, nil, "--host", stub.URL, "watch", "--ping-interval", "20ms", "--ping-timeout", "70ms")
	p.stderr.await(t, 0, "the connected line", hasPrefix("connected to "+stub.URL))
	p.stderr.await(t, 0, "a disconnect for the unanswered ping", contains("no answer to a ping within 70ms"))
	select {
	case <-pinged:
	default:
		t.Error("the stub saw no ping")
	}
	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != exitOK {
		t.Errorf("watch exited %d after SIGINT, want 0\nstderr:\n%s", code, p.stderr.all())
	}
}
