package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// TestFlagError checks that the errors of package flag are rewritten in
// the --name form, with the expected form of the value.
func TestFlagError(t *testing.T) {
	t.Parallel()
	newFS := func() *flag.FlagSet {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.SetOutput(&bytes.Buffer{})
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
		{[]string{"--timeout"}, `--timeout needs a value, a duration: use a unit, such as 5s or 1m`},
		{[]string{"--count"}, `--count needs a value, a whole number`},
		{[]string{"--file"}, `--file needs a value, F`},
		{[]string{"--timeout", `"quoted"`}, `--timeout: invalid duration "\"quoted\"": use a unit, such as 5s or 1m`},
	}
	for _, tt := range tests {
		fs := newFS()
		err := flagError(fs, fs.Parse(tt.args))
		if err == nil || err.Error() != tt.want {
			t.Errorf("flags %q: error %v, want %q", tt.args, err, tt.want)
		}
	}
	fs := newFS()
	if err := flagError(fs, fs.Parse([]string{"--help"})); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: error %v, want flag.ErrHelp", err)
	}
	if err := flagError(fs, nil); err != nil {
		t.Errorf("flagError(nil) = %v", err)
	}
	if err := flagError(fs, errors.New("bad flag syntax: ---x")); err == nil || err.Error() != "bad flag syntax: ---x" {
		t.Errorf("an unknown message was changed: %v", err)
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
		{[]string{"--host", "", "snapshot"}, []string{"--host: base URL is empty"}},
		{[]string{"--host", "ftp://127.0.0.1", "snapshot"}, []string{`--host: base URL "ftp://127.0.0.1": scheme must be http or https`}},
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
	s := &session{ctx: t.Context(), host: "192.0.2.1:39300", hostSet: true, appID: "app", insecure: true}
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
	mustRun(t, exitOK, "", []string{user.EnvBaseURL + "=" + srv.Addr()}, "snapshot")
	r := mustRun(t, exitUsage, "", []string{user.EnvBaseURL + "=http:" + srv.Addr()}, "snapshot")
	oneLineOn(t, r, "$"+user.EnvBaseURL+": ", "malformed", "unset it")
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
// out of reach.
func TestUnreachableMessages(t *testing.T) {
	t.Parallel()
	refused := &user.OpError{Op: "userSnapshot", Err: &url.Error{Op: "Get", URL: "http://127.0.0.1:1/user", Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")}}
	timeout := &user.OpError{Op: "userSnapshot", Err: context.DeadlineExceeded}
	tests := []struct {
		name      string
		err       error
		connected bool
		wants     []string
		unwanted  []string
	}{
		{"refused", refused, false, []string{"cannot reach Pieces OS at http://127.0.0.1:1", "connection refused", "start the Pieces OS app", "`pieces-user serve-fake`"}, []string{"go run"}},
		{"slow", timeout, true, []string{"Pieces OS at http://127.0.0.1:1 did not answer within 3s", "--timeout"}, []string{"start the Pieces OS app"}},
		{"no connection in time", timeout, false, []string{"cannot reach Pieces OS at http://127.0.0.1:1: no connection within 3s", "start the Pieces OS app"}, nil},
	}
	for _, tt := range tests {
		s := &session{ctx: t.Context(), timeout: 3 * time.Second, base: "http://127.0.0.1:1"}
		s.connected.Store(tt.connected)
		msg := s.unreachableMessage(tt.err)
		for _, w := range tt.wants {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: message %q lacks %q", tt.name, msg, w)
			}
		}
		for _, u := range tt.unwanted {
			if strings.Contains(msg, u) {
				t.Errorf("%s: message %q holds %q", tt.name, msg, u)
			}
		}
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
