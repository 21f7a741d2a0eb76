package user_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// faultWait bounds every wait of the fault and security tests. It guards
// against a hang; the tests never need more than a small part of it.
const faultWait = time.Minute

// faultClient returns a client for base with both test credentials and no
// retries; opts come last and may override that.
func faultClient(t *testing.T, base string, opts ...user.Option) *user.Client {
	t.Helper()
	all := append([]user.Option{
		user.WithBaseURL(base),
		user.WithApplicationID(apiAppID),
		user.WithAccessToken(apiToken),
		user.WithRetry(1, user.Backoff{Min: time.Millisecond, Max: time.Millisecond}),
	}, opts...)
	c, err := user.New(all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// rawServer listens on a loopback port and hands every connection to
// serve, which owns it. It returns the base URL. Cleanup closes the
// listener and waits for every serve to return.
func rawServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { serve(conn) })
		}
	})
	t.Cleanup(func() {
		_ = l.Close()
		wg.Wait()
	})
	return "http://" + l.Addr().String()
}

// readRequest reads one request from conn, body included.
func readRequest(conn net.Conn) error {
	req, err := http.ReadRequest(bufio.NewReader(conn))
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, req.Body)
	return err
}

// partialBody answers the request on conn with headers announcing 4096
// bytes of JSON and only a few of them, then closes the connection: with a
// reset (SO_LINGER 0) when reset is true, with an orderly close otherwise.
func partialBody(reset bool) func(net.Conn) {
	return func(conn net.Conn) {
		defer conn.Close()
		if readRequest(conn) != nil {
			return
		}
		_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"+`{"id":"u1","aesthetics":{"fo`)
		if reset {
			_ = conn.(*net.TCPConn).SetLinger(0)
		}
	}
}

// stallBeforeHeaders reads the request and answers nothing until the
// client goes away.
func stallBeforeHeaders(conn net.Conn) {
	defer conn.Close()
	if readRequest(conn) != nil {
		return
	}
	_, _ = io.Copy(io.Discard, conn)
}

// wantOpError checks that err is an *Error of op without a status, and
// wraps each of causes.
func wantOpError(op string, causes ...error) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		e, ok := errors.AsType[*user.Error](err)
		if !ok || e.Op != op || e.StatusCode != 0 {
			t.Fatalf("error = %v (%T), want an *Error of %s without a status", err, err, op)
		}
		for _, c := range causes {
			if !errors.Is(err, c) {
				t.Errorf("error %v does not wrap %v", err, c)
			}
		}
	}
}

// wantNetError checks that err is an *Error of op caused by a *net.OpError
// with the system error errno.
func wantNetError(op string, errno syscall.Errno) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		wantOpError(op, errno)(t, err)
		if _, ok := errors.AsType[*net.OpError](err); !ok {
			t.Errorf("error %v has no *net.OpError in its chain", err)
		}
		if errors.Is(err, user.ErrMalformedResponse) {
			t.Errorf("a transport failure %v matches ErrMalformedResponse", err)
		}
	}
}

// wantAPIError checks that err is an *Error of op with status, matching
// sentinel (unless it is nil: not every status has one), with body as its
// Body.
func wantAPIError(op string, status int, sentinel error, body string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		e, ok := errors.AsType[*user.Error](err)
		if !ok || e.Op != op || e.StatusCode != status || e.Body != body {
			t.Fatalf("error = %#v, want an *Error of %s with status %d and body %q", err, op, status, body)
		}
		if sentinel != nil && !errors.Is(err, sentinel) {
			t.Errorf("errors.Is(%v, %v) is false", err, sentinel)
		}
		if e.Err != nil {
			t.Errorf("error %v has a cause besides its status", err)
		}
	}
}

func callSnapshot(ctx context.Context, c *user.Client) error { _, err := c.Snapshot(ctx); return err }
func callRefresh(ctx context.Context, c *user.Client) error  { _, err := c.Refresh(ctx); return err }

// httpFault is a row of the matrix about one HTTP call.
type httpFault struct {
	setup   func(t *testing.T) *user.Client
	timeout time.Duration // the call's deadline; 0 leaves only the guard
	call    func(context.Context, *user.Client) error
	check   func(*testing.T, error)
}

func (f *httpFault) run(t *testing.T) {
	c := f.setup(t)
	timeout := f.timeout
	if timeout == 0 {
		timeout = faultWait
	}
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	f.check(t, f.call(ctx, c))
}

// usertestFault starts the fake, applies knob to it and returns a client
// for it with opts.
func usertestFault(knob func(*usertest.Server) error, opts ...user.Option) func(*testing.T) *user.Client {
	return func(t *testing.T) *user.Client {
		srv := usertest.Start(t)
		if knob != nil {
			if err := knob(srv); err != nil {
				t.Fatal(err)
			}
		}
		return faultClient(t, srv.URL, opts...)
	}
}

// streamFault is a row of the matrix about a profile stream: after the
// first profile, fault (if any) breaks the connection, or the server
// breaks it on its own; the stream must report EventDisconnected, which
// check judges, then retry, connect again and deliver a profile.
type streamFault struct {
	setup func(t *testing.T) (c *user.Client, fault func())
	// match picks the EventDisconnected to check; nil takes the first.
	match func(ev user.Event) bool
	check func(t *testing.T, ev user.Event)
}

func (f *streamFault) run(t *testing.T) {
	c, fault := f.setup(t)
	s := watchFast(t, c)
	awaitEvent(t, s, "connected", isKind(user.EventConnected))
	if fault != nil {
		awaitEvent(t, s, "first profile", isKind(user.EventProfile))
		fault()
	}
	match := f.match
	if match == nil {
		match = isKind(user.EventDisconnected)
	}
	f.check(t, awaitEvent(t, s, "disconnected", match))
	awaitEvent(t, s, "retrying", isKind(user.EventRetrying))
	awaitEvent(t, s, "connected again", isKind(user.EventConnected))
	awaitEvent(t, s, "profile again", isKind(user.EventProfile))
}

// watchFast follows the profile stream of c with short backoff; the stream
// is closed at cleanup.
func watchFast(t *testing.T, c *user.Client) *user.Stream {
	t.Helper()
	s, err := c.WatchProfile(t.Context(), &user.WatchOptions{Backoff: user.Backoff{Min: time.Millisecond, Max: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func isKind(k user.EventKind) func(user.Event) bool {
	return func(ev user.Event) bool { return ev.Kind == k }
}

// awaitEvent receives events until one matches and returns it.
func awaitEvent(t *testing.T, s *user.Stream, what string, match func(user.Event) bool) user.Event {
	t.Helper()
	guard := time.NewTimer(faultWait)
	defer guard.Stop()
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
			seen = append(seen, fmt.Sprintf("%v(%v)", ev.Kind, ev.Err))
		case <-guard.C:
			t.Fatalf("no %s within %v; saw %v", what, faultWait, seen)
		}
	}
}

// wsFake is a WebSocket server for /user/stream that sends profile on
// every connection; the first connection then does first (close with a
// code, drop the socket...), later ones stay open until the client or the
// fake closes them.
type wsFake struct {
	URL     string
	profile []byte
	first   func(*websocket.Conn)

	ctx    context.Context // ends at cleanup
	mu     sync.Mutex
	conns  int
	closed bool
	wg     sync.WaitGroup
}

func startWSFake(t *testing.T, first func(*websocket.Conn)) *wsFake {
	t.Helper()
	p := usertest.DefaultProfile()
	f := &wsFake{profile: []byte(apiJSON(t, p)), first: first}
	ctx, cancel := context.WithCancel(context.Background())
	f.ctx = ctx
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = srv.URL
	t.Cleanup(func() {
		f.mu.Lock()
		f.closed = true
		f.mu.Unlock()
		cancel()
		srv.Close()
		f.wg.Wait()
	})
	return f
}

func (f *wsFake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	n := f.conns
	f.conns++
	f.wg.Add(1)
	f.mu.Unlock()
	defer f.wg.Done()

	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	if c.Write(f.ctx, websocket.MessageText, f.profile) != nil {
		return
	}
	if n == 0 && f.first != nil {
		f.first(c)
		return
	}
	for {
		if _, _, err := c.Read(f.ctx); err != nil {
			return
		}
	}
}

// closeWith is a first-connection action that closes with code.
func closeWith(code websocket.StatusCode) func(*websocket.Conn) {
	return func(c *websocket.Conn) { _ = c.Close(code, "closing on purpose") }
}

// wantCloseCode checks an EventDisconnected caused by a close frame with
// code.
func wantCloseCode(code websocket.StatusCode) func(*testing.T, user.Event) {
	return func(t *testing.T, ev user.Event) {
		t.Helper()
		wantOpError("streamUser")(t, ev.Err)
		if got := websocket.CloseStatus(ev.Err); got != code {
			t.Errorf("close status of %v = %d, want %d", ev.Err, got, code)
		}
		if !strings.Contains(ev.Err.Error(), fmt.Sprintf("status %d", int(code))) {
			t.Errorf("Err %q does not name status %d", ev.Err, int(code))
		}
	}
}

// wantDropped checks an EventDisconnected caused by a connection that
// ended without a close frame.
func wantDropped(t *testing.T, ev user.Event) {
	t.Helper()
	wantOpError("streamUser")(t, ev.Err)
	if got := websocket.CloseStatus(ev.Err); got != -1 {
		t.Errorf("close status of %v = %d, want none", ev.Err, got)
	}
	if !strings.Contains(ev.Err.Error(), "connection lost") {
		t.Errorf("Err %q does not say the connection was lost", ev.Err)
	}
}

// restartFake starts a fake on addr, the address of one just closed.
// Listening there again may fail for a moment while the old socket is torn
// down; it is tried until faultWait has passed.
func restartFake(t *testing.T, addr string, opts ...usertest.Option) *usertest.Server {
	t.Helper()
	deadline := time.Now().Add(faultWait)
	for {
		srv, err := usertest.NewServer(append([]usertest.Option{usertest.WithAddr(addr)}, opts...)...)
		if err == nil {
			t.Cleanup(srv.Close)
			return srv
		}
		if time.Now().After(deadline) {
			t.Fatalf("restarting the fake on %s: %v", addr, err)
		}
		time.Sleep(5 * time.Millisecond) // a pause between attempts, not a wait for an outcome
	}
}

// TestFaultMatrix checks, fault by fault, the class of error the client
// reports, or how it recovers. The rows cover the transport (refused,
// reset or closed mid-body, stalled), the answer (truncated or invalid
// JSON, wrong media type, 5xx, over the limit), the WebSocket stream
// (each class of close code, abrupt drops, a refused handshake), restarts
// of Pieces OS, and malformed base URLs.
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	full := apiJSON(t, usertest.DefaultProfile())
	rows := []struct {
		name   string
		http   *httpFault
		stream *streamFault
		script func(t *testing.T)
	}{
		{name: "connection refused", http: &httpFault{
			setup: func(t *testing.T) *user.Client {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				base := "http://" + l.Addr().String()
				_ = l.Close()
				return faultClient(t, base)
			},
			call:  callSnapshot,
			check: wantNetError("userSnapshot", syscall.ECONNREFUSED),
		}},
		{name: "reset mid-body", http: &httpFault{
			setup: func(t *testing.T) *user.Client { return faultClient(t, rawServer(t, partialBody(true))) },
			call:  callRefresh,
			check: wantNetError("refreshUser", syscall.ECONNRESET),
		}},
		{name: "closed mid-body", http: &httpFault{
			setup: func(t *testing.T) *user.Client { return faultClient(t, rawServer(t, partialBody(false))) },
			call:  callRefresh,
			check: func(t *testing.T, err error) {
				wantOpError("refreshUser", io.ErrUnexpectedEOF)(t, err)
				if errors.Is(err, user.ErrMalformedResponse) {
					t.Errorf("a body cut by the transport %v matches ErrMalformedResponse", err)
				}
			},
		}},
		{name: "truncated JSON", http: &httpFault{
			setup: usertestFault(func(s *usertest.Server) error {
				return s.RespondNext("refreshUser", 1, 200, "application/json", full[:len(full)/2])
			}),
			call:  callRefresh,
			check: wantOpError("refreshUser", user.ErrMalformedResponse),
		}},
		{name: "invalid JSON", http: &httpFault{
			setup: usertestFault(func(s *usertest.Server) error {
				return s.RespondNext("refreshUser", 1, 200, "application/json", `{"id": nope}`)
			}),
			call:  callRefresh,
			check: wantOpError("refreshUser", user.ErrMalformedResponse),
		}},
		{name: "wrong media type", http: &httpFault{
			setup: usertestFault(func(s *usertest.Server) error {
				return s.RespondNext("refreshUser", 1, 200, "text/html; charset=utf-8", full)
			}),
			call:  callRefresh,
			check: wantOpError("refreshUser", user.ErrMalformedResponse),
		}},
		{name: "5xx with a text body", http: &httpFault{
			setup: usertestFault(func(s *usertest.Server) error {
				return s.FailNext("refreshUser", 1, 500, "database is locked")
			}),
			call:  callRefresh,
			check: wantAPIError("refreshUser", 500, user.ErrInternal, "database is locked"),
		}},
		{name: "503 on every retry", http: &httpFault{
			setup: usertestFault(func(s *usertest.Server) error {
				return s.FailNext("userSnapshot", 3, 503, "starting up")
			}, user.WithRetry(3, user.Backoff{Min: time.Millisecond, Max: time.Millisecond})),
			call: callSnapshot,
			check: func(t *testing.T, err error) {
				if e, ok := errors.AsType[*user.Error](err); !ok || e.StatusCode != 503 || e.Body != "starting up" {
					t.Fatalf("error = %v, want the last 503 as an *Error", err)
				}
			},
		}},
		{name: "stall before headers (raw listener)", http: &httpFault{
			setup:   func(t *testing.T) *user.Client { return faultClient(t, rawServer(t, stallBeforeHeaders)) },
			timeout: 100 * time.Millisecond,
			call:    callSnapshot,
			check:   wantOpError("userSnapshot", context.DeadlineExceeded),
		}},
		{name: "stall before headers (usertest latency)", http: &httpFault{
			setup: usertestFault(func(s *usertest.Server) error {
				s.SetLatency(time.Hour)
				return nil
			}),
			timeout: 100 * time.Millisecond,
			call:    callRefresh,
			check:   wantOpError("refreshUser", context.DeadlineExceeded),
		}},
		{name: "body over the limit", http: &httpFault{
			setup: usertestFault(nil, user.WithMaxResponseBytes(1024)),
			call:  callSnapshot,
			check: wantOpError("userSnapshot", user.ErrResponseTooLarge),
		}},
		{name: "server restart (HTTP)", script: func(t *testing.T) {
			srv, err := usertest.NewServer()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			c := faultClient(t, srv.URL)
			if err := callSnapshot(t.Context(), c); err != nil {
				t.Fatalf("before the restart: %v", err)
			}
			addr := srv.Addr()
			srv.Close()
			wantNetError("userSnapshot", syscall.ECONNREFUSED)(t, callSnapshot(t.Context(), c))
			again := restartFake(t, addr)
			if err := callSnapshot(t.Context(), c); err != nil {
				t.Fatalf("after the restart: %v", err)
			}
			if n := len(again.Requests()); n != 1 {
				t.Errorf("the restarted fake saw %d requests, want 1", n)
			}
		}},
		{name: "websocket close 1000 normal", stream: &streamFault{
			setup: func(t *testing.T) (*user.Client, func()) {
				return faultClient(t, startWSFake(t, closeWith(websocket.StatusNormalClosure)).URL), nil
			},
			check: wantCloseCode(websocket.StatusNormalClosure),
		}},
		{name: "websocket close 1001 going away", stream: &streamFault{
			setup: func(t *testing.T) (*user.Client, func()) {
				return faultClient(t, startWSFake(t, closeWith(websocket.StatusGoingAway)).URL), nil
			},
			check: wantCloseCode(websocket.StatusGoingAway),
		}},
		{name: "websocket close 1002 protocol error", stream: &streamFault{
			setup: func(t *testing.T) (*user.Client, func()) {
				return faultClient(t, startWSFake(t, closeWith(websocket.StatusProtocolError)).URL), nil
			},
			check: wantCloseCode(websocket.StatusProtocolError),
		}},
		{name: "websocket close 1008 policy violation", stream: &streamFault{
			setup: func(t *testing.T) (*user.Client, func()) {
				return faultClient(t, startWSFake(t, closeWith(websocket.StatusPolicyViolation)).URL), nil
			},
			check: wantCloseCode(websocket.StatusPolicyViolation),
		}},
		{name: "websocket close 1011 internal error", stream: &streamFault{
			setup: func(t *testing.T) (*user.Client, func()) {
				return faultClient(t, startWSFake(t, closeWith(websocket.StatusInternalError)).URL), nil
			},
			check: wantCloseCode(websocket.StatusInternalError),
		}},
		{name: "websocket close 4000 application", stream: &streamFault{
			setup: func(t *testing.T) (*user.Client, func()) {
				return faultClient(t, startWSFake(t, closeWith(4000)).URL), nil
			},
			check: wantCloseCode(4000),
		}},
		{name: "websocket close 4999 application", stream: &streamFault{
			setup: func(t *testing.T) (*user.Client, func()) {
				return faultClient(t, startWSFake(t, closeWith(4999)).URL), nil
			},
			check: wantCloseCode(4999),
		}},
		{name: "websocket abrupt drop (raw)", stream: &streamFault{
			setup: func(t *testing.T) (*user.Client, func()) {
				return faultClient(t, startWSFake(t, func(c *websocket.Conn) { _ = c.CloseNow() }).URL), nil
			},
			check: wantDropped,
		}},
		{name: "websocket abrupt drop (usertest)", stream: &streamFault{
			setup: func(t *testing.T) (*user.Client, func()) {
				srv := usertest.Start(t)
				return faultClient(t, srv.URL), func() {
					if n := srv.DropStreams(); n != 1 {
						t.Errorf("DropStreams closed %d sockets, want 1", n)
					}
				}
			},
			check: wantDropped,
		}},
		{name: "websocket handshake refused with 503", stream: &streamFault{
			setup: func(t *testing.T) (*user.Client, func()) {
				srv := usertest.Start(t)
				return faultClient(t, srv.URL), func() {
					if err := srv.FailNext("streamUser", 1, 503, "starting up"); err != nil {
						t.Fatal(err)
					}
					srv.DropStreams()
				}
			},
			// The drop is reported first; the refused handshake follows.
			match: func(ev user.Event) bool { return ev.Kind == user.EventDisconnected && statusCode(ev.Err) != 0 },
			check: func(t *testing.T, ev user.Event) {
				wantAPIError("streamUser", 503, nil, "starting up")(t, ev.Err)
			},
		}},
		{name: "server restart (stream)", script: func(t *testing.T) {
			srv, err := usertest.NewServer()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			s := watchFast(t, faultClient(t, srv.URL))
			awaitEvent(t, s, "connected", isKind(user.EventConnected))
			awaitEvent(t, s, "first profile", isKind(user.EventProfile))
			addr := srv.Addr()
			srv.Close()
			// Close ends the socket with a normal closure; the redials
			// are then refused until the restart.
			ev := awaitEvent(t, s, "disconnected", isKind(user.EventDisconnected))
			wantCloseCode(websocket.StatusNormalClosure)(t, ev)
			ev = awaitEvent(t, s, "refused redial", func(ev user.Event) bool {
				return ev.Kind == user.EventDisconnected && errors.Is(ev.Err, syscall.ECONNREFUSED)
			})
			wantOpError("streamUser", syscall.ECONNREFUSED)(t, ev.Err)

			p := usertest.DefaultProfile()
			p.Name = "Ada after the restart"
			restartFake(t, addr).SetProfile(p)
			awaitEvent(t, s, "connected after the restart", isKind(user.EventConnected))
			// The stream may see the default profile before SetProfile's.
			ev = awaitEvent(t, s, "profile after the restart", func(ev user.Event) bool {
				return ev.Kind == user.EventProfile && ev.Profile.Name == p.Name
			})
			if ev.Profile.Name != p.Name {
				t.Errorf("profile after the restart is %q, want %q", ev.Profile.Name, p.Name)
			}
		}},
		{name: "malformed base URL", script: func(t *testing.T) {
			for _, tt := range []struct{ url, want string }{
				{"", "empty"},
				{"   ", "empty"},
				{"http://[::1", "malformed"},
				{"127.0.0.1:port", "malformed"},
				{"http:127.0.0.1:39300", "malformed"},
				{"ftp://127.0.0.1", "scheme must be http or https"},
				{"ws://127.0.0.1:39300", "scheme must be http or https"},
				{"http://", "has no host"},
				{"http:///user", "has no host"},
				{"http://user:pw@127.0.0.1", "must not carry user info"},
				{"http://127.0.0.1/?debug=1", "a query"},
				{"http://127.0.0.1/#top", "a fragment"},
				{"http://127.0.0.1:39300/%zz", "malformed"},
			} {
				c, err := user.New(user.WithBaseURL(tt.url))
				if err == nil || c != nil {
					t.Errorf("New(WithBaseURL(%q)) = %v, %v; want an error", tt.url, c, err)
					continue
				}
				if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "base URL") {
					t.Errorf("New(WithBaseURL(%q)) error %q does not say %q about the base URL", tt.url, err, tt.want)
				}
			}
		}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			switch {
			case row.http != nil:
				row.http.run(t)
			case row.stream != nil:
				row.stream.run(t)
			default:
				row.script(t)
			}
		})
	}
}

// TestWatchUnconstructedClient checks that a Client not made by New fails
// to watch with ErrInvalidInput instead of a panic.
func TestWatchUnconstructedClient(t *testing.T) {
	t.Parallel()
	var c user.Client
	for name, watch := range map[string]func(context.Context, *user.WatchOptions) (*user.Stream, error){
		"WatchProfile": c.WatchProfile, "WatchCheckIns": c.WatchCheckIns,
	} {
		s, err := watch(t.Context(), nil)
		if s != nil || !errors.Is(err, user.ErrInvalidInput) || !strings.Contains(err.Error(), "not created with New") {
			t.Errorf("%s on a zero Client = %v, %v; want ErrInvalidInput saying it was not created with New", name, s, err)
		}
	}
}
