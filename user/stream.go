package user

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// Defaults of the watch options.
const (
	// DefaultReadLimit bounds the size of one stream message unless
	// WithReadLimit says otherwise.
	DefaultReadLimit int64 = 8 << 20
	// DefaultBackoffMin is the first wait before a reconnection.
	DefaultBackoffMin = 100 * time.Millisecond
	// DefaultBackoffMax is the longest wait before a reconnection.
	DefaultBackoffMax = 30 * time.Second
	// DefaultPingInterval is the time between two pings on a connection.
	DefaultPingInterval = 15 * time.Second
	// DefaultPingTimeout is how long a ping may wait for its answer.
	DefaultPingTimeout = 10 * time.Second
	// DefaultDialTimeout bounds one WebSocket handshake.
	DefaultDialTimeout = 10 * time.Second
)

// MaxRawExcerpt bounds Event.Raw: a malformed message is cut to this many
// bytes.
const MaxRawExcerpt = 256

// MaxPendingStateEvents is how many connection-state events a Stream holds
// for a consumer that does not read; beyond it the oldest are dropped.
const MaxPendingStateEvents = 16

// ErrMessageTooLarge is wrapped by the Err of an EventDisconnected when a
// message exceeded the limit set by WithReadLimit.
var ErrMessageTooLarge = errors.New("stream message exceeds the read limit")

// ErrStreamUnsupported is matched by the Err of an EventDisconnected when
// Pieces OS answered the WebSocket handshake with 404: this build of Pieces
// OS does not serve the stream (some builds lack the check-in stream). The
// Err is still an *Error with StatusCode 404, so errors.Is(err, ErrNotFound)
// holds as well. See WatchCheckIns for what the Stream does next.
var ErrStreamUnsupported = errors.New("this Pieces OS does not serve the stream")

// EventKind says what an Event reports.
type EventKind int

// The kinds of Event.
const (
	// EventProfile: Pieces OS sent the signed-in user, in Event.Profile.
	EventProfile EventKind = iota + 1
	// EventSignedOut: Pieces OS said that no user is signed in.
	EventSignedOut
	// EventCheckIn: Pieces OS sent the check-in state, in Event.CheckIn.
	EventCheckIn
	// EventConnected: the WebSocket handshake succeeded.
	EventConnected
	// EventDisconnected: a connection ended or could not be made; Event.Err
	// says why (errors.Is(ev.Err, ErrStreamUnsupported) when this Pieces OS
	// has no such stream). A reconnection follows.
	EventDisconnected
	// EventRetrying: the Stream waits Event.RetryIn before it dials again.
	EventRetrying
	// EventMalformed: a message could not be understood; Event.Err says why
	// and Event.Raw holds its beginning. The stream goes on.
	EventMalformed
)

// String returns a short lower-case name such as "profile" or
// "disconnected", or "EventKind(n)" for a value that is not a kind.
func (k EventKind) String() string {
	switch k {
	case EventProfile:
		return "profile"
	case EventSignedOut:
		return "signed-out"
	case EventCheckIn:
		return "check-in"
	case EventConnected:
		return "connected"
	case EventDisconnected:
		return "disconnected"
	case EventRetrying:
		return "retrying"
	case EventMalformed:
		return "malformed"
	default:
		return fmt.Sprintf("EventKind(%d)", int(k))
	}
}

// Event is one thing that happened on a Stream. Kind says which fields are
// set.
type Event struct {
	// Kind says what happened.
	Kind EventKind
	// Profile is the signed-in user, for EventProfile. Its Raw method
	// returns the message as Pieces OS sent it, and Update given it (once
	// changed) sends back the members this version does not know.
	Profile *Profile
	// CheckIn is the check-in state, for EventCheckIn.
	CheckIn *UserLastCheckedInStreamOutput
	// Err is the cause of an EventDisconnected or an EventMalformed. A
	// handshake answered with an HTTP status is an *Error, so
	// errors.Is(ev.Err, ErrNotSignedIn) works; other causes are an *OpError.
	Err error
	// RetryIn is the wait announced by EventRetrying.
	RetryIn time.Duration
	// Attempt, for EventRetrying, counts the connections in a row that
	// failed or ended before they were healthy, from 1. It starts again at
	// 1 after a healthy connection.
	Attempt int
	// Raw is the beginning of the message of an EventMalformed, at most
	// MaxRawExcerpt bytes, with the client's credentials replaced should
	// the message quote them.
	Raw []byte
}

// WatchOption configures WatchProfile and WatchCheckIns.
type WatchOption func(*watchConfig) error

type watchConfig struct {
	readLimit    int64
	backoffMin   time.Duration
	backoffMax   time.Duration
	pingInterval time.Duration
	pingTimeout  time.Duration
	dialTimeout  time.Duration
}

func defaultWatchConfig() watchConfig {
	return watchConfig{
		readLimit:    DefaultReadLimit,
		backoffMin:   DefaultBackoffMin,
		backoffMax:   DefaultBackoffMax,
		pingInterval: DefaultPingInterval,
		pingTimeout:  DefaultPingTimeout,
		dialTimeout:  DefaultDialTimeout,
	}
}

// WithReadLimit bounds the size of one message in bytes. A larger message
// ends the connection with an EventDisconnected whose Err wraps
// ErrMessageTooLarge, and the Stream reconnects. The default is
// DefaultReadLimit.
func WithReadLimit(n int64) WatchOption {
	return func(c *watchConfig) error {
		if n <= 0 {
			return fmt.Errorf("%w: WithReadLimit: %d is not positive", ErrInvalidInput, n)
		}
		c.readLimit = n
		return nil
	}
}

// WithBackoff sets the bounds of the wait before a reconnection. The wait
// after the n-th failure in a row is drawn at random between
// max(lo, d/2) and d, where d = min(lo*2^(n-1), hi). The defaults are
// DefaultBackoffMin and DefaultBackoffMax.
func WithBackoff(lo, hi time.Duration) WatchOption {
	return func(c *watchConfig) error {
		if lo <= 0 {
			return fmt.Errorf("%w: WithBackoff: minimum %v is not positive", ErrInvalidInput, lo)
		}
		if hi < lo {
			return fmt.Errorf("%w: WithBackoff: maximum %v is below minimum %v", ErrInvalidInput, hi, lo)
		}
		c.backoffMin, c.backoffMax = lo, hi
		return nil
	}
}

// WithPingInterval sets the time between two pings on a connection; zero
// turns pings off. The default is DefaultPingInterval.
func WithPingInterval(d time.Duration) WatchOption {
	return func(c *watchConfig) error {
		if d < 0 {
			return fmt.Errorf("%w: WithPingInterval: %v is negative", ErrInvalidInput, d)
		}
		c.pingInterval = d
		return nil
	}
}

// WithPingTimeout sets how long a ping waits for its answer before the
// connection is deemed dead and dropped. The default is DefaultPingTimeout.
func WithPingTimeout(d time.Duration) WatchOption {
	return func(c *watchConfig) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithPingTimeout: %v is not positive", ErrInvalidInput, d)
		}
		c.pingTimeout = d
		return nil
	}
}

// WithDialTimeout bounds one WebSocket handshake. The default is
// DefaultDialTimeout.
func WithDialTimeout(d time.Duration) WatchOption {
	return func(c *watchConfig) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithDialTimeout: %v is not positive", ErrInvalidInput, d)
		}
		c.dialTimeout = d
		return nil
	}
}

// Stream follows one WebSocket stream of Pieces OS and reconnects on its
// own. Get one from WatchProfile or WatchCheckIns, receive from Events, and
// end it with Close or by cancelling the context given to Watch*. Its
// methods are safe for concurrent use.
type Stream struct {
	events chan Event
	notify chan struct{} // a token tells deliver that the queue changed
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	queue []pending // undelivered events, oldest first
	seq   uint64
}

type pending struct {
	seq uint64
	ev  Event
}

// String describes the Stream without its internals, which its goroutines
// change while it runs: printing a *Stream with %v or %+v neither races
// with them nor shows the events it holds.
func (s *Stream) String() string { return "user.Stream" }

// GoString does the same for %#v.
func (s *Stream) GoString() string { return "&user.Stream{}" }

// Events returns the channel of events. It is closed once the Stream has
// ended; events not yet received then are dropped.
func (s *Stream) Events() <-chan Event { return s.events }

// Close ends the Stream: it closes the socket with a normal closure, waits
// until every goroutine of the Stream has exited and closes Events. It may
// be called any number of times, from any goroutine (the one receiving
// from Events included), and always returns nil.
func (s *Stream) Close() error {
	if s == nil || s.cancel == nil {
		return nil // not made by Watch*: nothing runs
	}
	s.cancel()
	s.wg.Wait()
	return nil
}

// WatchProfile follows /user/stream (operation streamUser): Pieces OS sends
// the signed-in user when the connection opens and again each time it
// changes. Each text message that is a JSON object is an EventProfile,
// decoded by the rule of the HTTP calls (unknown members ignored, absent
// members left at their zero value); a message that is not a JSON object at
// all (empty, null, a bare string or other text) means that no user is
// signed in and is an EventSignedOut; a message that is not valid UTF-8, or
// starts like an object but is not valid JSON or has a member of the wrong
// type, is an EventMalformed.
//
// Profile and signed-out events are conflated: a consumer that reads
// slowly skips intermediate states but always receives the newest one.
// Connection-state events are queued, at most MaxPendingStateEvents of
// them. See the package documentation for the whole policy.
//
// WatchProfile fails only when an option is invalid; failures to connect
// arrive as events, and the Stream retries until it is closed or ctx ends.
// A 404 on the handshake is handled as WatchCheckIns describes.
func (c *Client) WatchProfile(ctx context.Context, opts ...WatchOption) (*Stream, error) {
	return c.watch(ctx, streamRoute{op: OpStreamUser, path: epStreamUser.path, classify: classifyProfileMessage}, opts)
}

// WatchCheckIns follows /user/last_checked_in/stream (operation
// streamUserLastCheckedIn): Pieces OS sends the check-in state as it
// changes. Each text message that is a JSON object is an EventCheckIn,
// decoded by the rule of the HTTP calls (an absent needsRefresh is false);
// anything else is an EventMalformed.
//
// Check-in events are conflated: a consumer that reads slowly skips
// intermediate check-ins but always receives the newest one.
// Connection-state events are queued, at most MaxPendingStateEvents of
// them. See the package documentation for the whole policy.
//
// WatchCheckIns fails only when an option is invalid; failures to connect
// arrive as events, and the Stream retries until it is closed or ctx ends.
//
// Some builds of Pieces OS have no check-in stream and answer the
// handshake with 404. The Stream then reports an EventDisconnected whose
// Err matches ErrStreamUnsupported and keeps trying, but slowly: every
// wait after such an answer is the maximum backoff (WithBackoff), so that
// a Pieces OS updated or restarted in the meantime is found again without
// the client hammering one that lacks the route. A consumer that has no
// use for a Stream that may never deliver closes it when it sees
// ErrStreamUnsupported.
func (c *Client) WatchCheckIns(ctx context.Context, opts ...WatchOption) (*Stream, error) {
	return c.watch(ctx, streamRoute{op: OpStreamUserLastCheckedIn, path: epStreamUserLastCheckedIn.path, classify: classifyCheckInMessage}, opts)
}

// streamRoute describes one of the two streams.
type streamRoute struct {
	op       string
	path     string
	classify func(data []byte) Event // for text messages
}

// watcher holds what the goroutines of one Stream share and never change.
type watcher struct {
	s      *Stream
	c      *Client // for hiding the credentials in errors
	route  streamRoute
	cfg    watchConfig
	url    string
	hc     *http.Client
	header http.Header
}

func (c *Client) watch(ctx context.Context, route streamRoute, opts []WatchOption) (*Stream, error) {
	if c == nil {
		return nil, fmt.Errorf("user: %s: %w: nil *Client", route.op, ErrInvalidInput)
	}
	if c.base == nil || c.hc == nil {
		return nil, fmt.Errorf("user: %s: %w: the Client was not created with New", route.op, ErrInvalidInput)
	}
	if ctx == nil {
		return nil, fmt.Errorf("user: %s: %w: nil context", route.op, ErrInvalidInput)
	}
	cfg := defaultWatchConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, fmt.Errorf("user: %s: %w", route.op, err)
		}
	}
	header := http.Header{}
	if c.appID != "" {
		header.Set("X-Application-ID", c.appID)
	}
	// An empty User-Agent value keeps net/http from sending its own.
	header["User-Agent"] = []string{c.userAgent}

	ctx, cancel := context.WithCancel(ctx)
	s := &Stream{
		events: make(chan Event),
		notify: make(chan struct{}, 1),
		cancel: cancel,
	}
	w := &watcher{
		s:      s,
		c:      c,
		route:  route,
		cfg:    cfg,
		url:    streamURL(c.base, route.path),
		hc:     c.hc,
		header: header,
	}
	s.wg.Go(func() { w.run(ctx) })
	s.wg.Go(func() { s.deliver(ctx) })
	return s, nil
}

// streamURL turns the HTTP base URL into the WebSocket URL of route: ws for
// http, wss for https, with the base path kept as a prefix.
func streamURL(base *url.URL, route string) string {
	u := *base
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	u.Path = strings.TrimRight(base.Path, "/") + route
	u.RawPath = ""
	return u.String()
}

// run owns the connection: it dials, serves the connection until it ends,
// waits and dials again, until ctx ends.
func (w *watcher) run(ctx context.Context) {
	failures := 0
	for {
		healthy, unsupported := w.connect(ctx)
		if ctx.Err() != nil {
			return
		}
		if healthy {
			failures = 0
		}
		failures++
		delay := backoffDelay(failures, w.cfg.backoffMin, w.cfg.backoffMax, rand.Int64N)
		if unsupported {
			delay = w.cfg.backoffMax // see WatchCheckIns
		}
		w.s.push(Event{Kind: EventRetrying, RetryIn: delay, Attempt: failures})
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

// connect makes one connection and serves it until it ends. It reports
// whether the connection was healthy, and whether the handshake was
// answered with 404 (the stream is unsupported).
func (w *watcher) connect(ctx context.Context) (healthy, unsupported bool) {
	dctx, cancel := context.WithTimeout(ctx, w.cfg.dialTimeout)
	conn, resp, err := websocket.Dial(dctx, w.url, &websocket.DialOptions{
		HTTPClient: w.hc,
		HTTPHeader: w.header,
	})
	cancel()
	if err != nil {
		cause := w.dialError(resp, err)
		if ctx.Err() == nil {
			w.s.push(Event{Kind: EventDisconnected, Err: cause})
		}
		return false, errors.Is(cause, ErrStreamUnsupported)
	}
	conn.SetReadLimit(w.cfg.readLimit)
	w.s.push(Event{Kind: EventConnected})
	healthy, cause := w.serve(ctx, conn)
	if ctx.Err() == nil {
		w.s.push(Event{Kind: EventDisconnected, Err: cause})
	}
	return healthy, false
}

// unsupportedStream is the *Error of a handshake answered with 404. It
// matches ErrStreamUnsupported besides everything the *Error matches.
type unsupportedStream struct{ answer *Error }

func (e unsupportedStream) Error() string {
	return e.answer.Error() + ": " + ErrStreamUnsupported.Error()
}

// Is reports whether target is ErrStreamUnsupported; errors.Is goes on to
// the *Error through Unwrap.
func (e unsupportedStream) Is(target error) bool { return target == ErrStreamUnsupported }

// Unwrap returns the *Error of the answer.
func (e unsupportedStream) Unwrap() error { return e.answer }

// dialError describes a failed handshake: an *Error when Pieces OS
// answered with a status other than 101, an *OpError otherwise. Like the
// errors of the HTTP calls, neither shows the credentials should Pieces OS
// echo them.
func (w *watcher) dialError(resp *http.Response, err error) error {
	if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
		var body []byte
		if resp.Body != nil {
			body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorRead))
			_ = resp.Body.Close()
		}
		// Redact, then cut, as for the HTTP calls.
		e := &Error{Op: w.route.op, StatusCode: resp.StatusCode, Body: cutText(strings.TrimSpace(w.c.redact(string(body))), MaxErrorBody)}
		if e.StatusCode == http.StatusNotFound {
			return unsupportedStream{e}
		}
		return e
	}
	return w.c.opError(w.route.op, fmt.Errorf("handshake failed: %w", err))
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
	var (
		pingWG  sync.WaitGroup
		pingErr error
		ponged  atomic.Bool
	)
	if w.cfg.pingInterval > 0 {
		pingWG.Go(func() { pingErr = w.keepAlive(pingCtx, conn, &ponged) })
	}

	received := false
	var readErr error
	for {
		// The read is not bound to ctx: closing the socket ends it, and a
		// cancelled read context would drop the socket without a close
		// frame.
		typ, data, err := conn.Read(context.Background())
		if err != nil {
			readErr = err
			break
		}
		received = true
		ev := w.route.classify(data)
		if typ != websocket.MessageText {
			ev = malformed(w.route.op, data, "binary message where text was expected")
		}
		if ev.Kind == EventMalformed {
			// The excerpt is cut again after redacting the whole
			// message, so that no part of a credential survives the cut.
			ev.Raw = []byte(cutText(w.c.redact(string(data)), MaxRawExcerpt))
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
	if pingErr != nil {
		return healthy, pingErr
	}
	return healthy, w.readError(readErr)
}

// keepAlive pings conn every interval. When a ping goes unanswered for the
// timeout it drops the connection and returns the cause; it returns nil when
// ctx is cancelled or the connection closed for another reason.
func (w *watcher) keepAlive(ctx context.Context, conn *websocket.Conn, ponged *atomic.Bool) error {
	t := time.NewTicker(w.cfg.pingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, w.cfg.pingTimeout)
		err := conn.Ping(pctx)
		cancel()
		switch {
		case err == nil:
			ponged.Store(true)
		case errors.Is(err, context.DeadlineExceeded):
			// The ping, or the write of it, ran out of time. The reader
			// may already have seen the socket close as a result and
			// cancelled ctx: this is still the cause to report.
			_ = conn.CloseNow()
			return &OpError{Op: w.route.op, Err: fmt.Errorf("no answer to a ping within %v: %w", w.cfg.pingTimeout, err)}
		default:
			return nil
		}
	}
}

// readError describes why reading a connection failed. The close reason
// comes from Pieces OS, so the credentials are hidden from it.
func (w *watcher) readError(err error) error {
	switch {
	case errors.Is(err, websocket.ErrMessageTooBig):
		return &OpError{Op: w.route.op, Err: fmt.Errorf("%w: a message exceeded the limit of %d bytes", ErrMessageTooLarge, w.cfg.readLimit)}
	case websocket.CloseStatus(err) != -1:
		return w.c.opError(w.route.op, fmt.Errorf("closed by Pieces OS with status %d: %w", int(websocket.CloseStatus(err)), err))
	default:
		return w.c.opError(w.route.op, fmt.Errorf("connection lost: %w", err))
	}
}

// backoffDelay returns the wait after the n-th failure in a row (n >= 1):
// a random duration between max(lo, d/2) and d, with d = min(lo*2^(n-1), hi).
// randN(k) must return a number in [0, k).
func backoffDelay(n int, lo, hi time.Duration, randN func(int64) int64) time.Duration {
	d := lo
	for i := 1; i < n && d < hi; i++ {
		if d > hi/2 {
			d = hi
			break
		}
		d *= 2
	}
	d = min(d, hi)
	floor := max(lo, d/2)
	if d <= floor {
		return d
	}
	return floor + time.Duration(randN(int64(d-floor)+1))
}

// The two streams decode their messages by the rule of the HTTP calls:
// members this version does not know are ignored, an enum value it does not
// know is kept as it came, and a member that is absent leaves the zero
// value. What is not JSON, or not valid UTF-8, is an EventMalformed and
// never data.

// classifyProfileMessage turns one text message of /user/stream into an
// event:
//   - a message that is not valid UTF-8 is an EventMalformed, whatever it
//     looks like;
//   - a message whose first non-space byte is not '{' (empty, null, a
//     number, a bare string, an array, text that is not JSON) is how Pieces
//     OS says that no user is signed in: an EventSignedOut;
//   - a JSON object that decodes to a UserProfile is an EventProfile,
//     whichever members it has (an absent id is the empty string), and its
//     Profile keeps the message (Profile.Raw);
//   - anything else starting with '{' (invalid JSON, a member of the wrong
//     type) is an EventMalformed.
func classifyProfileMessage(data []byte) Event {
	if !utf8.Valid(data) {
		return malformed(OpStreamUser, data, "text message is not valid UTF-8")
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Event{Kind: EventSignedOut}
	}
	// json.Unmarshal checks the whole text before it decodes anything, so
	// invalid JSON always fails with a *json.SyntaxError; checking it with
	// json.Valid first would read every message twice. Decoding a
	// UserProfile and keeping the message, rather than decoding a Profile
	// through its UnmarshalJSON, reads it once and copies nothing: each
	// message read from the socket is a slice of its own.
	var u UserProfile
	if err := json.Unmarshal(trimmed, &u); err != nil {
		if _, ok := errors.AsType[*json.SyntaxError](err); ok {
			return malformed(OpStreamUser, data, "message is not valid JSON")
		}
		return malformed(OpStreamUser, data, "message is not a UserProfile: "+err.Error())
	}
	return Event{Kind: EventProfile, Profile: &Profile{UserProfile: u, read: u, src: trimmed}}
}

// classifyCheckInMessage turns one text message of
// /user/last_checked_in/stream into an event: valid UTF-8 holding a JSON
// object that decodes to a UserLastCheckedInStreamOutput is an EventCheckIn
// (an absent needsRefresh is false); anything else is an EventMalformed.
func classifyCheckInMessage(data []byte) Event {
	if !utf8.Valid(data) {
		return malformed(OpStreamUserLastCheckedIn, data, "text message is not valid UTF-8")
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return malformed(OpStreamUserLastCheckedIn, data, "message is not a JSON object")
	}
	var out UserLastCheckedInStreamOutput
	if err := json.Unmarshal(trimmed, &out); err != nil {
		if _, ok := errors.AsType[*json.SyntaxError](err); ok {
			return malformed(OpStreamUserLastCheckedIn, data, "message is not valid JSON")
		}
		return malformed(OpStreamUserLastCheckedIn, data, "message is not a UserLastCheckedInStreamOutput: "+err.Error())
	}
	return Event{Kind: EventCheckIn, CheckIn: &out}
}

// malformed builds an EventMalformed with a copy of the beginning of data.
func malformed(op string, data []byte, why string) Event {
	raw := bytes.Clone(data[:min(len(data), MaxRawExcerpt)])
	return Event{
		Kind: EventMalformed,
		Err:  &OpError{Op: op, Err: fmt.Errorf("%w: %s", ErrMalformedResponse, why)},
		Raw:  raw,
	}
}

// eventClass groups kinds by how undelivered events are kept.
type eventClass int

const (
	classState     eventClass = iota // queued in order, the oldest dropped beyond MaxPendingStateEvents
	classData                        // conflated: only the newest is kept
	classMalformed                   // conflated on its own
)

func classOf(k EventKind) eventClass {
	switch k {
	case EventProfile, EventSignedOut, EventCheckIn:
		return classData
	case EventMalformed:
		return classMalformed
	default:
		return classState
	}
}

// push adds ev to the undelivered events without ever waiting for the
// consumer, then wakes deliver.
func (s *Stream) push(ev Event) {
	cls := classOf(ev.Kind)
	s.mu.Lock()
	if cls == classState {
		n, first := 0, -1
		for i, p := range s.queue {
			if classOf(p.ev.Kind) == classState {
				if first < 0 {
					first = i
				}
				n++
			}
		}
		if n >= MaxPendingStateEvents {
			s.queue = slices.Delete(s.queue, first, first+1)
		}
	} else if i := slices.IndexFunc(s.queue, func(p pending) bool { return classOf(p.ev.Kind) == cls }); i >= 0 {
		s.queue = slices.Delete(s.queue, i, i+1)
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
// watching the queue, so that an event replaced in the meantime is not the
// one delivered.
func (s *Stream) deliver(ctx context.Context) {
	defer close(s.events)
	for {
		s.mu.Lock()
		head, ok := pending{}, len(s.queue) > 0
		if ok {
			head = s.queue[0]
		}
		s.mu.Unlock()
		if !ok {
			select {
			case <-s.notify:
				continue
			case <-ctx.Done():
				return
			}
		}
		select {
		case s.events <- head.ev:
			s.mu.Lock()
			if i := slices.IndexFunc(s.queue, func(p pending) bool { return p.seq == head.seq }); i >= 0 {
				s.queue = slices.Delete(s.queue, i, i+1)
			}
			s.mu.Unlock()
		case <-s.notify:
		case <-ctx.Done():
			return
		}
	}
}
