package user

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/internal/lossless"
)

// How a Stream keeps undelivered events (see the package documentation).
const (
	maxPendingState = 16  // connection-state events queued for the consumer
	maxRawExcerpt   = 256 // bytes of a malformed message kept in Event.Raw
)

// EventKind says what an Event reports.
type EventKind int

// The kinds of Event.
const (
	// EventProfile: Pieces OS sent the signed-in user, in Event.Profile.
	EventProfile EventKind = iota + 1
	// EventSignedOut: nobody is signed in. On the check-in stream,
	// Event.CheckIn holds the message that said so.
	EventSignedOut
	// EventCheckIn: Pieces OS sent the check-in state of a signed-in user,
	// in Event.CheckIn.
	EventCheckIn
	// EventConnected: the WebSocket handshake succeeded.
	EventConnected
	// EventDisconnected: a connection ended or could not be made; Event.Err
	// says why. A reconnection follows.
	EventDisconnected
	// EventRetrying: the Stream waits Event.RetryIn before it dials again.
	EventRetrying
	// EventMalformed: a message could not be understood; Event.Err says why
	// and Event.Raw holds its beginning. The stream goes on.
	EventMalformed
)

// String returns a short name such as "profile" or "signed-out".
func (k EventKind) String() string {
	names := [...]string{EventProfile: "profile", EventSignedOut: "signed-out", EventCheckIn: "check-in", EventConnected: "connected", EventDisconnected: "disconnected", EventRetrying: "retrying", EventMalformed: "malformed"}
	if k > 0 && int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one thing that happened on a Stream; Kind says which fields
// are set. Err is an *Error: one with StatusCode 404 (ErrNotFound) means
// this Pieces OS lacks the stream, one matching ErrUnreachable that it
// could not be reached.
type Event struct {
	Kind    EventKind
	Profile *Profile                       // EventProfile: the user, with the message in Raw
	CheckIn *UserLastCheckedInStreamOutput // EventCheckIn, and EventSignedOut of the check-in stream
	Err     error                          // EventDisconnected, EventMalformed: why
	RetryIn time.Duration                  // EventRetrying: the wait
	Attempt int                            // EventRetrying: connections in a row that failed, from 1
	Raw     []byte                         // EventMalformed: the first 256 bytes, credentials hidden
}

// WatchOptions tunes WatchProfile and WatchCheckIns; zero fields, or a nil
// *WatchOptions, take the defaults. The default Backoff, 100 ms to 5 s,
// finds a restarted Pieces OS within about 5 s; while Pieces OS stays
// down that costs one refused connection (and, for a Client made
// WithDiscovery, one search of a few milliseconds) every 2.5 to 5 s.
type WatchOptions struct {
	ReadLimit    int64         // bytes of one message (8 MiB); more ends the connection with ErrResponseTooLarge
	Backoff      Backoff       // the wait before a reconnection
	PingInterval time.Duration // between pings (15 s); negative sends none
	PingTimeout  time.Duration // for a ping's answer before the connection is dropped (10 s)
	DialTimeout  time.Duration // for one handshake (10 s)
}

// withDefaults checks o and fills in its zero fields.
func (o *WatchOptions) withDefaults() (WatchOptions, error) {
	w := WatchOptions{}
	if o != nil {
		w = *o
	}
	if w.ReadLimit < 0 || w.PingTimeout < 0 || w.DialTimeout < 0 {
		return w, fmt.Errorf("%w: WatchOptions: a negative ReadLimit, PingTimeout or DialTimeout", ErrInvalidInput)
	}
	if w.Backoff == (Backoff{}) {
		w.Backoff = Backoff{Min: 100 * time.Millisecond, Max: 5 * time.Second}
	}
	if err := w.Backoff.check("WatchOptions.Backoff"); err != nil {
		return w, fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	w.ReadLimit = cmp.Or(w.ReadLimit, 8<<20)
	w.PingInterval = cmp.Or(w.PingInterval, 15*time.Second)
	w.PingTimeout = cmp.Or(w.PingTimeout, 10*time.Second)
	w.DialTimeout = cmp.Or(w.DialTimeout, 10*time.Second)
	return w, nil
}

// Stream follows one WebSocket stream of Pieces OS and reconnects on its
// own. Get one from WatchProfile or WatchCheckIns, receive from Events,
// and end it with Close or by cancelling the context given to Watch*. Its
// methods are safe for concurrent use.
type Stream struct{ s *stream }

type stream struct {
	events    chan Event
	notify    chan struct{} // a token tells deliver that the queue changed
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	connected atomic.Bool

	mu    sync.Mutex
	queue []pending // undelivered events, oldest first
	seq   uint64
}

type pending struct {
	seq uint64
	ev  Event
}

// Events returns the channel of events. It is closed once the Stream has
// ended; events not yet received then are dropped.
func (s *Stream) Events() <-chan Event {
	if s == nil || s.s == nil {
		return nil
	}
	return s.s.events
}

// Connected reports whether the Stream has a connection to Pieces OS now:
// from its EventConnected to its next EventDisconnected, as the Stream
// sees them (the consumer may not have received them yet).
func (s *Stream) Connected() bool {
	return s != nil && s.s != nil && s.s.connected.Load()
}

// Close ends the Stream: it closes the socket with a normal closure, waits
// until every goroutine of the Stream has exited and closes Events. It may
// be called any number of times, from any goroutine (the one receiving
// from Events included), and always returns nil.
func (s *Stream) Close() error {
	if s == nil || s.s == nil {
		return nil
	}
	s.s.cancel()
	s.s.wg.Wait()
	return nil
}

// WatchProfile follows /user/stream: Pieces OS sends the signed-in user
// when the connection opens and again each time it changes. A message that
// is a JSON object is an EventProfile, decoded as the calls decode
// answers; a message that is not a JSON object at all (empty, null, a bare
// string) says that nobody is signed in: an EventSignedOut; a message that
// is not valid UTF-8 or starts like an object but is not JSON is an
// EventMalformed.
//
// WatchProfile fails only when opts is invalid; failures to connect arrive
// as events, and the Stream retries until it is closed or ctx ends.
//
// WebSocket /user/stream
func (cl *Client) WatchProfile(ctx context.Context, opts *WatchOptions) (*Stream, error) {
	return cl.watch(ctx, &epStreamUser, classifyProfile, opts)
}

// WatchCheckIns follows /user/last_checked_in/stream, where Pieces OS sends
// the check-in state as it changes: an EventCheckIn for a signed-in user,
// and an EventSignedOut, with the message in Event.CheckIn, for one whose
// userId is empty, which is how Pieces OS says that nobody is signed in
// (the message then also has no time). Anything that is not a JSON object
// is an EventMalformed.
//
// Some builds of Pieces OS have no check-in stream and answer the
// handshake with 404: the Stream reports an EventDisconnected whose Err
// matches ErrNotFound and keeps trying, but only at the longest wait of
// WatchOptions.Backoff, so that a Pieces OS updated meanwhile is found
// again. A consumer with no use for such a Stream closes it.
//
// WebSocket /user/last_checked_in/stream
func (cl *Client) WatchCheckIns(ctx context.Context, opts *WatchOptions) (*Stream, error) {
	return cl.watch(ctx, &epStreamUserLastCheckedIn, classifyCheckIn, opts)
}

// watcher holds what the goroutines of one Stream share.
type watcher struct {
	s        *stream
	c        *client
	ep       *endpoint
	classify func(data []byte) Event
	opts     WatchOptions
}

func (cl *Client) watch(ctx context.Context, ep *endpoint, classify func([]byte) Event, opts *WatchOptions) (*Stream, error) {
	c, err := cl.start(ctx, ep)
	if err != nil {
		return nil, err
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, c.fail(ep.op, 0, nil, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &stream{events: make(chan Event), notify: make(chan struct{}, 1), cancel: cancel}
	w := &watcher{s: s, c: c, ep: ep, classify: classify, opts: o}
	s.wg.Go(func() { w.run(ctx) })
	s.wg.Go(func() { s.deliver(ctx) })
	return &Stream{s}, nil
}

// run owns the connection: it dials, serves the connection until it ends,
// waits and dials again, until ctx ends.
func (w *watcher) run(ctx context.Context) {
	failures := 0
	for {
		healthy, cause := w.connect(ctx)
		if ctx.Err() != nil {
			return
		}
		if healthy {
			failures = 0
		}
		failures++
		delay := w.opts.Backoff.delay(failures, w.c.jitter)
		if e, ok := errors.AsType[*Error](cause); ok && e.StatusCode == http.StatusNotFound {
			delay = w.opts.Backoff.Max // see WatchCheckIns
		}
		w.c.log.Debug("user: stream waits", "op", w.ep.op, "wait", delay, "attempt", failures)
		w.s.push(Event{Kind: EventRetrying, RetryIn: delay, Attempt: failures})
		if sleep(ctx, delay) != nil {
			return
		}
	}
}

// connect makes one connection and serves it until it ends. It reports
// whether the connection was healthy and why it ended.
func (w *watcher) connect(ctx context.Context) (healthy bool, cause error) {
	u, err := w.url(ctx)
	if err != nil {
		return false, w.disconnected(ctx, w.c.fail(w.ep.op, 0, nil, err))
	}
	header := http.Header{}
	w.c.header(header, w.ep)
	header.Del("Accept")
	dctx, cancel := context.WithTimeout(ctx, w.opts.DialTimeout)
	conn, resp, err := websocket.Dial(dctx, u.String(), &websocket.DialOptions{HTTPClient: w.c.hc, HTTPHeader: header})
	cancel()
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			var body []byte
			if resp.Body != nil {
				body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorRead))
				resp.Body.Close()
			}
			return false, w.disconnected(ctx, w.c.fail(w.ep.op, resp.StatusCode, body, nil))
		}
		err = reachError(u, err)
		if errors.Is(err, ErrUnreachable) && w.c.addr.find != nil {
			w.c.addr.moved(ctx, u.Host, w.c.log)
		}
		return false, w.disconnected(ctx, w.c.fail(w.ep.op, 0, nil, err))
	}
	conn.SetReadLimit(w.opts.ReadLimit)
	w.s.connected.Store(true)
	w.c.log.Debug("user: stream connected", "op", w.ep.op, "url", u.String())
	w.s.push(Event{Kind: EventConnected})
	healthy, cause = w.serve(ctx, conn)
	w.s.connected.Store(false)
	return healthy, w.disconnected(ctx, cause)
}

// disconnected reports the end of a connection, unless the Stream is
// ending, and returns its cause.
func (w *watcher) disconnected(ctx context.Context, cause error) error {
	if ctx.Err() == nil {
		w.c.log.Debug("user: stream disconnected", "op", w.ep.op, "cause", cause)
		w.s.push(Event{Kind: EventDisconnected, Err: cause})
	}
	return cause
}

// url is the WebSocket address of the stream at the current address of
// Pieces OS: ws for http, wss for https, the base path kept.
func (w *watcher) url(ctx context.Context) (*url.URL, error) {
	a := w.c.addr
	if a.get() == nil {
		if _, err := a.locate(ctx, "", w.c.log); err != nil {
			return nil, err
		}
	}
	u := *a.get()
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	u.Path = strings.TrimRight(u.Path, "/") + w.ep.path
	return &u, nil
}

// serve reads conn until it fails or ctx ends, pushing one event per
// message, and pings it meanwhile. It returns whether the connection was
// healthy (it delivered a message or answered a ping) and why it ended.
func (w *watcher) serve(ctx context.Context, conn *websocket.Conn) (healthy bool, cause error) {
	// Cancelling ctx closes the socket with a normal closure; the close
	// handshake also ends the read below.
	closed := make(chan struct{})
	stopCloser := context.AfterFunc(ctx, func() {
		defer close(closed)
		_ = conn.Close(websocket.StatusNormalClosure, "")
	})
	// Pings end with the connection, not with ctx: the end of ctx closes
	// the socket normally, which fails a ping under way anyway.
	pingCtx, stopPing := context.WithCancel(context.WithoutCancel(ctx))
	var pingWG sync.WaitGroup
	var pingErr error
	var ponged atomic.Bool
	if w.opts.PingInterval > 0 {
		pingWG.Go(func() { pingErr = w.keepAlive(pingCtx, conn, &ponged) })
	}

	received := false
	var readErr error
	for {
		// The read is not bound to ctx: closing the socket ends it, while a
		// cancelled read would drop the socket without a close frame.
		typ, data, err := conn.Read(context.Background())
		if err != nil {
			readErr = err
			break
		}
		received = true
		ev := w.classify(data)
		if typ != websocket.MessageText {
			ev = malformed(w.ep.op, data, "binary message where text was expected")
		}
		if ev.Kind == EventMalformed {
			// Redact the whole message, then cut it, so that no part of a
			// credential survives the cut.
			ev.Raw = []byte(cutText(w.c.redact(string(data)), maxRawExcerpt))
		}
		w.s.push(ev)
	}

	stopPing()
	pingWG.Wait()
	if stopCloser() {
		_ = conn.CloseNow()
	} else {
		<-closed
	}
	healthy = received || ponged.Load()
	switch {
	case pingErr != nil:
		return healthy, w.c.fail(w.ep.op, 0, nil, pingErr)
	case errors.Is(readErr, websocket.ErrMessageTooBig):
		return healthy, w.c.fail(w.ep.op, 0, nil, fmt.Errorf("%w: a message exceeded the limit of %d bytes", ErrResponseTooLarge, w.opts.ReadLimit))
	case websocket.CloseStatus(readErr) != -1:
		return healthy, w.c.fail(w.ep.op, 0, nil, fmt.Errorf("closed by Pieces OS with status %d: %w", int(websocket.CloseStatus(readErr)), readErr))
	}
	return healthy, w.c.fail(w.ep.op, 0, nil, fmt.Errorf("connection lost: %w", readErr))
}

// keepAlive pings conn every interval. When a ping goes unanswered for the
// timeout it drops the connection and returns the cause; it returns nil
// when ctx is cancelled or the connection closed for another reason.
func (w *watcher) keepAlive(ctx context.Context, conn *websocket.Conn, ponged *atomic.Bool) error {
	t := time.NewTicker(w.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, w.opts.PingTimeout)
		err := conn.Ping(pctx)
		cancel()
		switch {
		case err == nil:
			ponged.Store(true)
		case errors.Is(err, context.DeadlineExceeded):
			// The reader may have seen the socket close as a result
			// already: this is still the cause to report.
			_ = conn.CloseNow()
			return fmt.Errorf("no answer to a ping within %v: %w", w.opts.PingTimeout, err)
		default:
			return nil
		}
	}
}

// classifyProfile turns one text message of /user/stream into an event:
// not valid UTF-8 is malformed; anything whose first non-space byte is not
// '{' means that nobody is signed in; a JSON object is a profile, which
// keeps the message (each message read is a slice of its own); anything
// else starting with '{' is malformed.
func classifyProfile(data []byte) Event {
	if !utf8.Valid(data) {
		return malformed(OpStreamUser, data, "text message is not valid UTF-8")
	}
	if trimmed := bytes.TrimSpace(data); len(trimmed) == 0 || trimmed[0] != '{' {
		return Event{Kind: EventSignedOut}
	}
	p := &Profile{}
	if err := p.read(data); err != nil { // "\f{}" too: \f is no JSON white space
		return malformed(OpStreamUser, data, "message is not valid JSON")
	}
	return Event{Kind: EventProfile, Profile: p}
}

// classifyCheckIn turns one text message of /user/last_checked_in/stream
// into an event: a JSON object is a check-in, or a signed-out event when
// it names no user; anything else is malformed.
func classifyCheckIn(data []byte) Event {
	if !utf8.Valid(data) {
		return malformed(OpStreamUserLastCheckedIn, data, "text message is not valid UTF-8")
	}
	if trimmed := bytes.Trim(data, jsonSpace); len(trimmed) == 0 || trimmed[0] != '{' {
		return malformed(OpStreamUserLastCheckedIn, data, "message is not a JSON object")
	}
	var out UserLastCheckedInStreamOutput
	if err := lossless.Decode(data, &out); err != nil {
		return malformed(OpStreamUserLastCheckedIn, data, "message is not valid JSON")
	}
	if out.UserID == "" {
		return Event{Kind: EventSignedOut, CheckIn: &out}
	}
	return Event{Kind: EventCheckIn, CheckIn: &out}
}

// malformed builds an EventMalformed with a copy of the beginning of data.
func malformed(op string, data []byte, why string) Event {
	return Event{
		Kind: EventMalformed,
		Err:  (*client)(nil).fail(op, 0, nil, fmt.Errorf("%w: %s", ErrMalformedResponse, why)),
		Raw:  bytes.Clone(data[:min(len(data), maxRawExcerpt)]),
	}
}

// push adds ev to the undelivered events without waiting for the
// consumer: a data or malformed event replaces the undelivered one of its
// class, a connection-state event is queued, the oldest dropped beyond
// maxPendingState. Then it wakes deliver.
func (s *stream) push(ev Event) {
	class := func(k EventKind) int {
		switch k {
		case EventProfile, EventSignedOut, EventCheckIn:
			return 1
		case EventMalformed:
			return 2
		}
		return 0
	}
	s.mu.Lock()
	n, first := 0, -1
	for i, p := range s.queue {
		if class(p.ev.Kind) == class(ev.Kind) {
			if n == 0 {
				first = i
			}
			n++
		}
	}
	if first >= 0 && (class(ev.Kind) != 0 || n >= maxPendingState) {
		s.queue = slices.Delete(s.queue, first, first+1)
	}
	s.seq++
	s.queue = append(s.queue, pending{seq: s.seq, ev: ev})
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// deliver hands the undelivered events to the consumer, oldest first, and
// closes Events when ctx ends. While it waits for the consumer it keeps
// watching the queue, so that an event replaced meanwhile is not the one
// delivered.
func (s *stream) deliver(ctx context.Context) {
	defer close(s.events)
	for {
		var out chan Event // nil, which blocks, while nothing is pending
		var head pending
		s.mu.Lock()
		if len(s.queue) > 0 {
			out, head = s.events, s.queue[0]
		}
		s.mu.Unlock()
		select {
		case out <- head.ev:
			s.mu.Lock()
			s.queue = slices.DeleteFunc(s.queue, func(p pending) bool { return p.seq == head.seq })
			s.mu.Unlock()
		case <-s.notify:
		case <-ctx.Done():
			return
		}
	}
}
