package user

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// statusCode returns the status of err when it is an *Error, else 0.
func statusCode(err error) int {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.StatusCode
	}
	return 0
}

// waitLimit bounds every wait of the stream tests. It is a guard against a
// hang, not a timing assertion: the tests never need more than a fraction
// of it.
const waitLimit = time.Minute

// fakeStreams is a small WebSocket server playing the two streams of Pieces
// OS. Every connection first receives the current message (if any), then
// whatever the test sends to all connections.
type fakeStreams struct {
	mu           sync.Mutex
	current      []byte
	conns        map[*fakeConn]struct{}
	closed       bool
	failLeft     int
	failStatus   int
	failBody     string
	hold         chan struct{} // when set, handshakes are never answered until it closes
	unresponsive bool          // when set, connections are never read, so pings go unanswered
	requests     []fakeRequest
	wg           sync.WaitGroup

	accepted chan struct{}             // one token per upgraded connection
	ends     chan websocket.StatusCode // close status each connection ended with, as the server saw it
	arrived  chan struct{}             // one token per handshake request
}

type fakeRequest struct {
	Path   string
	Header http.Header
	At     time.Time
}

type fakeConn struct {
	ops      chan func(context.Context, *websocket.Conn) error
	done     chan struct{}
	kill     chan struct{}
	killOnce sync.Once
}

// errStopConn ends a fake connection after an operation that closed it.
var errStopConn = errors.New("connection closed by the test")

func newFakeStreams(current []byte) *fakeStreams {
	return &fakeStreams{
		current:  current,
		conns:    map[*fakeConn]struct{}{},
		accepted: make(chan struct{}, 4096),
		ends:     make(chan websocket.StatusCode, 4096),
		arrived:  make(chan struct{}, 4096),
	}
}

func (f *fakeStreams) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, fakeRequest{Path: r.URL.Path, Header: r.Header.Clone(), At: time.Now()})
	select {
	case f.arrived <- struct{}{}:
	default:
	}
	if f.failLeft > 0 {
		f.failLeft--
		status, body := f.failStatus, f.failBody
		f.mu.Unlock()
		http.Error(w, body, status)
		return
	}
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
		}
		return
	}

	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	fc := &fakeConn{
		ops:  make(chan func(context.Context, *websocket.Conn) error, 64),
		done: make(chan struct{}),
		kill: make(chan struct{}),
	}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		_ = c.CloseNow()
		return
	}
	f.conns[fc] = struct{}{}
	first, unresponsive := f.current, f.unresponsive
	f.wg.Add(1)
	f.mu.Unlock()
	defer f.wg.Done()
	f.serveConn(c, fc, first, unresponsive)
}

func (f *fakeStreams) serveConn(c *websocket.Conn, fc *fakeConn, first []byte, unresponsive bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	status := websocket.StatusCode(-1)
	readDone := make(chan struct{})
	if unresponsive {
		close(readDone)
	} else {
		go func() {
			defer close(readDone)
			for {
				if _, _, err := c.Read(ctx); err != nil {
					status = websocket.CloseStatus(err)
					cancel()
					return
				}
			}
		}()
	}
	defer func() {
		_ = c.CloseNow()
		<-readDone
		close(fc.done)
		f.mu.Lock()
		delete(f.conns, fc)
		f.mu.Unlock()
		f.ends <- status
	}()

	f.accepted <- struct{}{}
	if first != nil {
		if err := c.Write(ctx, websocket.MessageText, first); err != nil {
			return
		}
	}
	for {
		select {
		case op := <-fc.ops:
			if err := op(ctx, c); err != nil {
				return
			}
		case <-ctx.Done():
			return
		case <-fc.kill:
			return
		}
	}
}

// each runs op, in order with earlier operations, on every open connection,
// and returns how many connections it was given to.
func (f *fakeStreams) each(op func(context.Context, *websocket.Conn) error) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for fc := range f.conns {
		select {
		case fc.ops <- op:
			n++
		case <-fc.done:
		}
	}
	return n
}

// Set makes msg the first message of every new connection and sends it to
// the open ones.
func (f *fakeStreams) Set(msg []byte) {
	f.mu.Lock()
	f.current = msg
	f.mu.Unlock()
	f.Send(websocket.MessageText, msg)
}

// Send sends one message to every open connection.
func (f *fakeStreams) Send(typ websocket.MessageType, msg []byte) {
	f.each(func(ctx context.Context, c *websocket.Conn) error {
		return c.Write(ctx, typ, msg)
	})
}

// CloseConns closes every open connection with a close frame.
func (f *fakeStreams) CloseConns(code websocket.StatusCode, reason string) {
	f.each(func(_ context.Context, c *websocket.Conn) error {
		_ = c.Close(code, reason)
		return errStopConn
	})
}

// Sync returns once every open connection has been read by the client up to
// the last message sent: it pings each one, and a client answers a ping
// only after reading what came before it.
func (f *fakeStreams) Sync(t testing.TB) {
	t.Helper()
	results := make(chan error, 4096)
	n := f.each(func(ctx context.Context, c *websocket.Conn) error {
		pctx, cancel := context.WithTimeout(ctx, waitLimit)
		defer cancel()
		err := c.Ping(pctx)
		results <- err
		return err
	})
	deadline := time.After(waitLimit)
	for range n {
		select {
		case err := <-results:
			if err != nil {
				t.Fatalf("fake server ping: %v", err)
			}
		case <-deadline:
			t.Fatal("the fake server did not finish its pings")
		}
	}
}

// Drop ends every open connection at once, without a close frame.
func (f *fakeStreams) Drop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for fc := range f.conns {
		fc.killOnce.Do(func() { close(fc.kill) })
	}
}

// FailNext answers the next n handshakes with status and body.
func (f *fakeStreams) FailNext(n, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failLeft, f.failStatus, f.failBody = n, status, body
}

// Hold makes handshakes wait without an answer until release is called.
func (f *fakeStreams) Hold() (release func()) {
	ch := make(chan struct{})
	f.mu.Lock()
	f.hold = ch
	f.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			f.hold = nil
			f.mu.Unlock()
			close(ch)
		})
	}
}

// SetUnresponsive makes new connections never read, so pings and close
// frames from the client go unanswered.
func (f *fakeStreams) SetUnresponsive(b bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unresponsive = b
}

// Requests returns the handshake requests seen so far.
func (f *fakeStreams) Requests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.requests...)
}

// Close ends every connection and waits until their goroutines are gone.
func (f *fakeStreams) Close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.Drop()
	f.wg.Wait()
}

// startFake serves f on a loopback httptest server and returns its URL.
func startFake(t *testing.T, f *fakeStreams) string {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(func() {
		f.Close()
		srv.Close()
	})
	return srv.URL
}

// newStreamClient returns a Client for base with an application id.
func newStreamClient(t testing.TB, base string, opts ...Option) *Client {
	t.Helper()
	c, err := New(append([]Option{WithBaseURL(base), WithApplicationID("stream-test")}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// fastBackoff keeps reconnections quick in tests on the real network.
func fastBackoff() *WatchOptions {
	return &WatchOptions{Backoff: Backoff{Min: time.Millisecond, Max: 20 * time.Millisecond}}
}

// watchProfile starts WatchProfile and closes the stream at cleanup.
func watchProfile(t *testing.T, c *Client, opts *WatchOptions) *Stream {
	t.Helper()
	s, err := c.WatchProfile(t.Context(), opts)
	if err != nil {
		t.Fatalf("WatchProfile: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// nextEvent returns the next event of s.
func nextEvent(t testing.TB, s *Stream) Event {
	t.Helper()
	select {
	case ev, ok := <-s.Events():
		if !ok {
			t.Fatal("Events closed while an event was expected")
		}
		return ev
	case <-time.After(waitLimit):
		t.Fatalf("no event within %v", waitLimit)
	}
	return Event{}
}

// expectKind reads the next event and checks its kind.
func expectKind(t testing.TB, s *Stream, want EventKind) Event {
	t.Helper()
	ev := nextEvent(t, s)
	if ev.Kind != want {
		t.Fatalf("got %v event (Err %v), want %v", ev.Kind, ev.Err, want)
	}
	return ev
}

// waitFor reads events until one satisfies match and returns all the
// events read, the match last.
func waitFor(t testing.TB, s *Stream, what string, match func(Event) bool) []Event {
	t.Helper()
	var seen []Event
	deadline := time.After(waitLimit)
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatalf("Events closed while waiting for %s; saw %v", what, kinds(seen))
			}
			seen = append(seen, ev)
			if match(ev) {
				return seen
			}
		case <-deadline:
			t.Fatalf("no %s within %v; saw %v", what, waitLimit, kinds(seen))
		}
	}
}

// waitClosed waits until Events is closed and returns the events read
// before.
func waitClosed(t testing.TB, s *Stream) []Event {
	t.Helper()
	var seen []Event
	deadline := time.After(waitLimit)
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				return seen
			}
			seen = append(seen, ev)
		case <-deadline:
			t.Fatalf("Events not closed within %v; saw %v", waitLimit, kinds(seen))
		}
	}
}

// kinds names the kinds of evs for a failure message, the first 20 only.
func kinds(evs []Event) []string {
	const shown = 20
	out := make([]string, 0, min(len(evs), shown+1))
	for _, ev := range evs[:min(len(evs), shown)] {
		out = append(out, ev.Kind.String())
	}
	if len(evs) > shown {
		out = append(out, fmt.Sprintf("... and %d more", len(evs)-shown))
	}
	return out
}

func isProfile(name string) func(Event) bool {
	return func(ev Event) bool {
		return ev.Kind == EventProfile && ev.Profile != nil && ev.Profile.Name == name
	}
}

// profileMsg is the JSON of a small profile.
func profileMsg(t testing.TB, id, name string) []byte {
	t.Helper()
	b, err := json.Marshal(UserProfile{ID: id, Name: name, Email: name + "@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pipeNet is an in-memory network for tests in a synctest bubble: it is
// both the listener of an http.Server and the dialer of an http.Transport.
type pipeNet struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once

	mu       sync.Mutex
	blackout bool // dials hang until their context ends
}

func newPipeNet() *pipeNet {
	return &pipeNet{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (p *pipeNet) Accept() (net.Conn, error) {
	select {
	case c := <-p.conns:
		return c, nil
	case <-p.done:
		return nil, net.ErrClosed
	}
}

func (p *pipeNet) Close() error {
	p.once.Do(func() { close(p.done) })
	return nil
}

func (p *pipeNet) Addr() net.Addr { return pipeAddr{} }

// SetBlackout makes dials hang until their context ends.
func (p *pipeNet) SetBlackout(b bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.blackout = b
}

func (p *pipeNet) DialContext(ctx context.Context, _, _ string) (net.Conn, error) {
	p.mu.Lock()
	blackout := p.blackout
	p.mu.Unlock()
	if blackout {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	client, server := net.Pipe()
	select {
	case p.conns <- server:
		return client, nil
	case <-p.done:
	case <-ctx.Done():
	}
	_ = client.Close()
	_ = server.Close()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, errors.New("connection refused")
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "127.0.0.1:39300" }

// startPipeFake serves f over a pipeNet and returns a Client that reaches
// it. Call it inside a synctest bubble.
func startPipeFake(t *testing.T, f *fakeStreams) (*pipeNet, *Client) {
	t.Helper()
	pn := newPipeNet()
	hs := &http.Server{Handler: f}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = hs.Serve(pn)
	}()
	tr := &http.Transport{DialContext: pn.DialContext}
	t.Cleanup(func() {
		f.Close()
		_ = hs.Close()
		tr.CloseIdleConnections()
		<-served
	})
	return pn, newStreamClient(t, "http://127.0.0.1:39300", WithHTTPClient(&http.Client{Transport: tr}))
}
