package usertest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// MaxRequestBytes bounds the body of a request; a larger body is answered
// with 413.
const MaxRequestBytes = 4 << 20

// maxRecordedRequests bounds the log Requests returns; the oldest go first.
const maxRecordedRequests = 10000

// ErrClosed is returned by WaitStreams once the server is closed.
var ErrClosed = errors.New("usertest: server closed")

// Server is a fake Pieces OS listening on a loopback port. Create one with
// NewServer or Start. All its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, "http://127.0.0.1:port", with no
	// trailing slash. The WebSocket routes are at the same address with
	// the "ws" scheme.
	URL string

	ln        net.Listener
	srv       *http.Server
	mux       *http.ServeMux
	log       *log.Logger // writes to the WithLog writer, or to io.Discard
	checkIn   time.Duration
	ctx       context.Context // cancelled by Close; the base of every request's context
	cancel    context.CancelFunc
	wg        sync.WaitGroup // the goroutines of Serve and of the streams
	closeOnce sync.Once
	healthID  string // the id of "ok:<id>"

	mu          sync.Mutex
	closed      bool
	raw         []byte          // the user's profile as JSON, compact; never changed in place
	user        gen.UserProfile // raw decoded, for reading only
	signedIn    bool            // whether the user of raw is signed in
	token       string
	taken       map[string]bool
	features    map[gen.HasFeatureAccessEnum]gen.HasFeatureAccessOutput
	entities    map[string]gen.FlattenedEntity // every entity the server knows, by id
	answers     map[string]cannedAnswer        // by operationId
	latency     time.Duration
	signInDelay time.Duration
	requests    []Request
	subs        map[*subscriber]struct{}
	subsChanged chan struct{} // closed and replaced whenever subs changes
	migrating   bool
	version     string
}

// Request is one request the server received, as Requests lists it.
type Request struct {
	Method      string      // the HTTP method, such as "POST"
	Path        string      // the path as sent, still escaped, such as "/user/u1/entities/associate/a%2Fb"
	Query       string      // the raw query, without the '?'
	Header      http.Header // every header: X-Application-ID, application, Authorization, Upgrade...
	Body        []byte      // the body as received, empty when there was none
	OperationID string      // the route's operationId, such as "streamUser"; "" for health, version and unknown routes
}

// cannedAnswer is an answer FailNext or RespondNext set up, for left calls.
type cannedAnswer struct {
	answer
	left int
}

// NewServer starts a fake Pieces OS on an ephemeral port of 127.0.0.1 (see
// WithAddr), ready for connections. Call Close when done.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{addr: "127.0.0.1:0", checkIn: DefaultCheckInInterval}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("usertest: NewServer: nil Option")
		} else if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("usertest: listen on %s: %w", cfg.addr, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		URL:         "http://" + ln.Addr().String(),
		ln:          ln,
		mux:         http.NewServeMux(),
		checkIn:     cfg.checkIn,
		ctx:         ctx,
		cancel:      cancel,
		healthID:    newUUID(),
		taken:       make(map[string]bool),
		features:    make(map[gen.HasFeatureAccessEnum]gen.HasFeatureAccessOutput),
		entities:    make(map[string]gen.FlattenedEntity),
		answers:     make(map[string]cannedAnswer),
		subs:        make(map[*subscriber]struct{}),
		subsChanged: make(chan struct{}),
		version:     DefaultVersion,
	}
	s.log = log.New(cmp.Or[io.Writer](cfg.log, io.Discard), "", 0)
	for _, f := range specFeatures() {
		s.features[f] = gen.HasFeatureAccessOutput{CanUse: true, Enabled: true, Reason: "granted by default", Schema: stamp()}
	}
	s.signInLocked(defaultProfileJSON)

	badRequest := func(w http.ResponseWriter, r *http.Request, err error) {
		writeText(w, http.StatusBadRequest, err.Error())
	}
	strict := gen.NewStrictHandlerWithOptions(api{s}, []gen.StrictMiddlewareFunc{s.lockedOps}, gen.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: badRequest,
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeText(w, http.StatusInternalServerError, "usertest: cannot write the answer: "+err.Error())
		},
	})
	gen.HandlerWithOptions(strict, gen.StdHTTPServerOptions{BaseRouter: s.mux, ErrorHandlerFunc: badRequest})
	checkIns := s.serveStream(opStreamUserLastCheckedIn)
	if cfg.noCheckIn {
		checkIns = func(w http.ResponseWriter, r *http.Request) { writeText(w, http.StatusNotFound, noRoute(r)) }
	}
	s.mux.HandleFunc("GET /user/stream", s.serveStream(opStreamUser))
	s.mux.HandleFunc("GET /user/last_checked_in/stream", checkIns)
	s.mux.HandleFunc("GET /.well-known/health", s.serveWellKnown)
	s.mux.HandleFunc("GET /.well-known/version", s.serveWellKnown)

	var handler http.Handler = http.HandlerFunc(s.route)
	if cfg.log != nil {
		handler = s.logged(handler)
	}
	s.srv = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ErrorLog:          s.log,
	}
	s.wg.Go(func() { _ = s.srv.Serve(ln) }) // ErrServerClosed after Close
	return s, nil
}

// Start is NewServer for tests: it fails tb at once if the server cannot
// start, and closes the server when tb's test and its subtests end.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := NewServer(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// Addr returns the host and port the server listens on, such as
// "127.0.0.1:41234"; WithAddr(s.Addr()) restarts Pieces OS under a client.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the server: it stops listening, closes every WebSocket with
// a normal-closure close frame (waiting a second at most for a client that
// does not answer it), answers requests still waiting (out SetLatency, or
// for a sign-in SetSignInDelay holds back) with 503, and returns once every
// goroutine of the server has ended. Close may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.locked(func() {
			s.closed = true
			s.notifySubsLocked()
		})
		s.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		cancel()
		s.wg.Wait()
	})
}

// redirectType is the type of the ServeMux's handler for unclean paths.
var redirectType = reflect.TypeOf(http.RedirectHandler("/", http.StatusTemporaryRedirect))

// bodyKey is the context key of the request body that route read.
type bodyKey struct{}

// route finds the operation, records the request, applies latency and
// canned answers, checks the body, and hands the request to the ServeMux.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	op, isOp := lookupOperation(pattern)
	if reflect.TypeOf(h) == redirectType {
		// The operation runs only when the client follows the redirect.
		op, isOp = operation{}, false
	}
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	var latency time.Duration
	s.locked(func() {
		if len(s.requests) >= maxRecordedRequests {
			s.requests = slices.Delete(s.requests, 0, len(s.requests)-maxRecordedRequests+1)
		}
		s.requests = append(s.requests, Request{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), slices.Clone(body), op.id})
		latency = s.latency
	})
	if tooLarge, ok := errors.AsType[*http.MaxBytesError](readErr); ok {
		writeText(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", tooLarge.Limit))
		return
	} else if readErr != nil {
		writeText(w, http.StatusBadRequest, "cannot read the request body: "+readErr.Error())
		return
	}
	if err := wait(r.Context(), latency); err != nil {
		writeText(w, http.StatusServiceUnavailable, "usertest: request abandoned while waiting out the latency: "+err.Error())
		return
	}
	if pattern == "" {
		// No route. The ServeMux's own answer says, in Allow, which
		// methods the path has; the fake words the answer itself.
		probe := httptest.NewRecorder()
		h.ServeHTTP(probe, r)
		if allow := probe.Header().Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
			writeText(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed for %s (allowed: %s)", r.Method, r.URL.EscapedPath(), allow))
		} else {
			writeText(w, http.StatusNotFound, noRoute(r))
		}
		return
	}
	if isOp {
		if a, ok := s.takeAnswer(op.id); ok {
			_ = a.write(w)
			return
		}
		if p := checkBody(op, r.Header.Get("Content-Type"), body); p != nil {
			refuseBody(w, op, p)
			return
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bodyKey{}, body)))
}

// wait waits d (for ever when d < 0) or until ctx ends, which it reports.
func wait(ctx context.Context, d time.Duration) error {
	var done <-chan time.Time
	if d == 0 {
		return nil
	} else if d > 0 {
		done = time.After(d)
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// refuseBody answers a body that breaks the spec: a text/plain 4xx, or for
// a member of a userHasFeatureAccess body the JSON 400 the spec documents.
func refuseBody(w http.ResponseWriter, op operation, p *bodyProblem) {
	if op.id != "userHasFeatureAccess" || p.member == nil {
		writeText(w, p.status, op.id+": "+p.msg)
		return
	}
	code := "INVALID_INPUT"
	switch {
	case p.member.path == "feature" && p.member.missing:
		code = "MISSING_FEATURE"
	case p.member.path == "feature":
		code = "UNKNOWN_FEATURE"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(mustJSON(gen.HasFeatureAccessBadRequestError{Code: code, Message: p.msg}))
}

// takeAnswer consumes one canned answer for opID, if any is left.
func (s *Server) takeAnswer(opID string) (a cannedAnswer, ok bool) {
	s.locked(func() {
		switch a, ok = s.answers[opID]; {
		case !ok || a.left == Always:
		case a.left <= 1:
			delete(s.answers, opID)
		default:
			s.answers[opID] = cannedAnswer{a.answer, a.left - 1}
		}
	})
	return a, ok
}

// serveWellKnown answers GET /.well-known/version and GET
// /.well-known/health: "ok:<id>", or "migrating" while SetMigrating is on.
func (s *Server) serveWellKnown(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	text := s.version
	if r.URL.Path == "/.well-known/health" {
		text = "ok:" + s.healthID
		if s.migrating {
			text = "migrating"
		}
	}
	s.mu.Unlock()
	writeText(w, http.StatusOK, text)
}

// newUUID returns a random version 4 UUID in its text form.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// noRoute is the text of a 404 answer.
func noRoute(r *http.Request) string {
	return fmt.Sprintf("no route for %s %s", r.Method, r.URL.EscapedPath())
}

// logged writes one line per request to the WithLog writer. (The HTTP
// server logs there the panics of handlers, dropping the connection.)
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.log.Printf("%s %s %d %s", r.Method, r.URL.EscapedPath(), cmp.Or(rec.status, http.StatusOK), time.Since(start).Round(time.Microsecond))
	})
}

// statusRecorder remembers the status a handler answered with; Unwrap lets
// the WebSocket upgrade reach the real ResponseWriter.
type statusRecorder struct {
	http.ResponseWriter
	status int // 0 until WriteHeader: 200
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// textPlain is the media type of the server's texts.
const textPlain = "text/plain; charset=utf-8"

// writeText answers with a text/plain body.
func writeText(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", textPlain)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
}
