// Package usertest provides a fake Pieces OS for tests: a real HTTP server
// on loopback that serves every operation of the User API, the two
// WebSocket streams included, from state it keeps in memory, in the way
// net/http/httptest serves a handler.
//
// A new Server has a user signed in (see DefaultProfile). The operations
// change that state as Pieces OS would: updateUser and userUpdateVanity
// store the profile, clearUser signs the user out, selectUser signs one in,
// and every change is pushed to the subscribers of /user/stream. Knobs make
// the answers a test needs: SignOut, TakeVanity, SetFeatureAccess,
// FailNext (any status on any operation, such as 401 or Pieces OS's 593),
// SetLatency, DropStreams, SetMigrating and SetVersion.
//
// Beside the User API the server answers the two routes every Pieces OS
// has: GET /.well-known/health ("ok:<id>", or "migrating") and GET
// /.well-known/version (DefaultVersion unless SetVersion says otherwise).
// WithoutCheckInStream makes it a build that lacks the check-in stream.
//
// Requests lists what the server received, and WaitStreams waits for
// stream subscribers, so tests need no sleeps. Await reads a stream's Events
// until the state a test expects has arrived; wait for that final state, not
// for one event per change, since the streams of package user conflate
// changes made in a row.
//
// The server checks what it is sent as strictly as the spec allows: a body
// with the wrong media type, malformed JSON, a member of the wrong type or a
// missing required member is refused with a 4xx answer whose text/plain body
// names the problem, and an unknown route answers 404 ("no route for METHOD
// PATH") or 405. It does not check X-Application-ID or Authorization, as
// Pieces OS does not; Requests records them for tests to check.
//
// Package usertest imports gen but not package user, so that the tests of
// package user can use it.
package usertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// MaxRequestBytes bounds the body of a request; a larger body is answered
// with 413.
const MaxRequestBytes = 4 << 20

// maxRecordedRequests bounds the log that Requests returns; older entries
// are forgotten first.
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
	logw      io.Writer // nil without WithLog
	logMu     sync.Mutex
	checkIn   time.Duration
	ctx       context.Context // cancelled by Close; the base of every request's context
	cancel    context.CancelFunc
	serveDone chan struct{}
	streamsWG sync.WaitGroup
	closeOnce sync.Once

	mu          sync.Mutex
	closed      bool
	user        *gen.UserProfile // the signed-in user; nil when signed out
	account     gen.UserProfile  // the user selectUser without a body signs in
	token       string
	taken       map[string]bool
	features    map[gen.HasFeatureAccessEnum]gen.HasFeatureAccessOutput
	entities    map[string]gen.FlattenedEntity // every entity the server knows, by id
	answers     map[string]cannedAnswer        // by operationId
	latency     time.Duration
	requests    []Request
	subs        map[*subscriber]struct{}
	subsChanged chan struct{} // closed and replaced whenever subs changes
	panics      int           // panics the last-resort handler recovered
	healthID    string        // the id of "ok:<id>"; set once by NewServer
	migrating   bool
	version     string
}

// Request is one request the server received, as Requests lists it.
type Request struct {
	// Method is the HTTP method, such as "POST".
	Method string
	// Path is the path as sent, still escaped (for example
	// "/user/u1/entities/associate/a%2Fb").
	Path string
	// Query is the raw query, without the '?'.
	Query string
	// Header holds the request's headers (X-Application-ID,
	// Authorization, Content-Type, the WebSocket upgrade headers...).
	Header http.Header
	// Body is the request body as received (empty when there was none).
	Body []byte
	// OperationID is the operationId of the route in the spec (for example
	// "userUpdateVanity" or "streamUser"); it is empty for the health
	// and version routes and for unknown routes.
	OperationID string
}

// cannedAnswer is an answer FailNext or RespondNext set up.
type cannedAnswer struct {
	left        int
	status      int
	contentType string
	body        string
}

// NewServer starts a fake Pieces OS on 127.0.0.1 with an ephemeral port
// (see WithAddr) and returns it once it accepts connections. Call Close
// when done.
func NewServer(opts ...Option) (*Server, error) {
	cfg := config{addr: "127.0.0.1:0", checkIn: DefaultCheckInInterval}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("usertest: NewServer: nil Option")
		}
		if err := o(&cfg); err != nil {
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
		logw:        cfg.log,
		checkIn:     cfg.checkIn,
		ctx:         ctx,
		cancel:      cancel,
		serveDone:   make(chan struct{}),
		taken:       make(map[string]bool),
		features:    defaultFeatures(),
		entities:    make(map[string]gen.FlattenedEntity),
		answers:     make(map[string]cannedAnswer),
		subs:        make(map[*subscriber]struct{}),
		subsChanged: make(chan struct{}),
		healthID:    newUUID(),
		version:     DefaultVersion,
	}
	account := DefaultProfile()
	s.account = account
	s.learnEntitiesLocked(account)
	s.user = ptr(clone(account))
	s.token = tokenFor(account.ID)

	strict := gen.NewStrictHandlerWithOptions(&api{s: s}, nil, gen.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeText(w, http.StatusBadRequest, err.Error())
		},
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeText(w, http.StatusInternalServerError, "usertest: cannot write the answer: "+err.Error())
		},
	})
	gen.HandlerWithOptions(strict, gen.StdHTTPServerOptions{
		BaseRouter: s.mux,
		ErrorHandlerFunc: func(w http.ResponseWriter, r *http.Request, err error) {
			writeText(w, http.StatusBadRequest, err.Error())
		},
	})
	s.mux.HandleFunc("GET /user/stream", s.serveStream(opStreamUser))
	if cfg.noCheckIn {
		s.mux.HandleFunc("GET /user/last_checked_in/stream", func(w http.ResponseWriter, r *http.Request) {
			writeText(w, http.StatusNotFound, fmt.Sprintf("no route for %s %s", r.Method, r.URL.EscapedPath()))
		})
	} else {
		s.mux.HandleFunc("GET /user/last_checked_in/stream", s.serveStream(opStreamLastCheckedIn))
	}
	s.mux.HandleFunc("GET /.well-known/health", s.serveHealth)
	s.mux.HandleFunc("GET /.well-known/version", s.serveVersion)
	s.mux.HandleFunc("/", s.serveNoRoute)

	errLog := io.Discard
	if cfg.log != nil {
		errLog = &lockedWriter{mu: &s.logMu, w: cfg.log}
	}
	s.srv = &http.Server{
		Handler:           s.logged(s.recovering(http.HandlerFunc(s.route))),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ErrorLog:          log.New(errLog, "usertest: ", 0),
	}
	go func() {
		defer close(s.serveDone)
		// Serve returns ErrServerClosed once Close has run; any other
		// error also ends the server, and Close still cleans up.
		_ = s.srv.Serve(ln)
	}()
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
// "127.0.0.1:41234". After Close, WithAddr(s.Addr()) starts a new server on
// the same port, so a test can restart Pieces OS under a client.
func (s *Server) Addr() string {
	return s.ln.Addr().String()
}

// Close stops the server: it stops listening, closes every WebSocket with
// a normal-closure close frame (waiting a second at most for a client that
// does not answer it), answers requests still waiting out SetLatency with
// 503, and returns once every goroutine of the server has ended. Close may
// be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.notifySubsLocked()
		s.mu.Unlock()

		s.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		cancel()
		<-s.serveDone
		s.streamsWG.Wait()
	})
}

// route is the heart of the server: it finds the operation, records the
// request, applies latency and canned answers, checks the body, and hands
// the request to the ServeMux.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	_, pattern := s.mux.Handler(r)
	op, isOp := lookupOperation(pattern)
	if isOp && r.Method != http.MethodConnect && cleanPath(r.URL.Path) != r.URL.Path {
		// The ServeMux answers with a redirect to the clean path; the
		// operation runs only when the client follows it.
		op, isOp = operation{}, false
	}

	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
	s.record(r, op.id, body)
	if readErr != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(readErr, &tooLarge) {
			writeText(w, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("request body larger than %d bytes", tooLarge.Limit))
			return
		}
		writeText(w, http.StatusBadRequest, "cannot read the request body: "+readErr.Error())
		return
	}
	if err := s.delay(r.Context()); err != nil {
		writeText(w, http.StatusServiceUnavailable, "usertest: request abandoned while waiting out the latency: "+err.Error())
		return
	}
	if isOp {
		if a, ok := s.takeAnswer(op.id); ok {
			if a.contentType != "" {
				w.Header().Set("Content-Type", a.contentType)
			} else {
				w.Header()["Content-Type"] = nil // no header, and no sniffing either
			}
			w.WriteHeader(a.status)
			_, _ = io.WriteString(w, a.body)
			return
		}
		if p := checkBody(op, r.Header.Get("Content-Type"), body); p != nil {
			refuseBody(w, op, p)
			return
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.mux.ServeHTTP(w, r)
}

// refuseBody answers a request whose body breaks the spec. Problems with
// the members of a userHasFeatureAccess body get the JSON 400 that the spec
// documents for that operation; everything else is text/plain.
func refuseBody(w http.ResponseWriter, op operation, p *bodyProblem) {
	if op.id == "userHasFeatureAccess" && p.member != nil {
		code := "INVALID_INPUT"
		switch {
		case p.member.path == "feature" && p.member.missing:
			code = "MISSING_FEATURE"
		case p.member.path == "feature":
			code = "UNKNOWN_FEATURE"
		}
		writeJSON(w, http.StatusBadRequest, gen.HasFeatureAccessBadRequestError{Code: code, Message: p.msg})
		return
	}
	writeText(w, p.status, op.id+": "+p.msg)
}

// record appends r to the request log.
func (s *Server) record(r *http.Request, opID string, body []byte) {
	req := Request{
		Method:      r.Method,
		Path:        r.URL.EscapedPath(),
		Query:       r.URL.RawQuery,
		Header:      r.Header.Clone(),
		Body:        slices.Clone(body),
		OperationID: opID,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) >= maxRecordedRequests {
		s.requests = slices.Delete(s.requests, 0, len(s.requests)-maxRecordedRequests+1)
	}
	s.requests = append(s.requests, req)
}

// delay waits out the latency set with SetLatency, or until
// ctx ends (the client went away or the server is closing).
func (s *Server) delay(ctx context.Context) error {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// takeAnswer consumes one canned answer for opID, if any is left.
func (s *Server) takeAnswer(opID string) (cannedAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.answers[opID]
	if !ok {
		return cannedAnswer{}, false
	}
	if a.left == Always {
		return a, true
	}
	a.left--
	if a.left <= 0 {
		delete(s.answers, opID)
	} else {
		s.answers[opID] = a
	}
	return a, true
}

// cleanPath is the canonical form of a URL path, as ServeMux computes it
// before matching: no "." or ".." elements, no repeated slashes, the
// trailing slash kept.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// serveHealth answers the probe that discovery sends: "ok:<id>", or
// "migrating" while SetMigrating is on.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	text := "ok:" + s.healthID
	if s.migrating {
		text = "migrating"
	}
	s.mu.Unlock()
	writeText(w, http.StatusOK, text)
}

// serveVersion answers the version set with SetVersion.
func (s *Server) serveVersion(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	v := s.version
	s.mu.Unlock()
	writeText(w, http.StatusOK, v)
}

// newUUID returns a random version 4 UUID in its text form.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// serveNoRoute answers every request that no pattern matches: 405 when the
// path exists with another method, 404 otherwise.
func (s *Server) serveNoRoute(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, p := s.mux.Handler(probe); p != "" && p != "/" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeText(w, http.StatusMethodNotAllowed,
			fmt.Sprintf("method %s not allowed for %s (allowed: %s)", r.Method, r.URL.EscapedPath(), strings.Join(allowed, ", ")))
		return
	}
	writeText(w, http.StatusNotFound, fmt.Sprintf("no route for %s %s", r.Method, r.URL.EscapedPath()))
}

// recovering is the last line of defence: a panic in a handler becomes a
// 500 answer instead of a dropped connection. The handlers are written so
// that it never runs; the tests check that it did not.
func (s *Server) recovering(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			s.mu.Lock()
			s.panics++
			s.mu.Unlock()
			s.logf("panic serving %s %s: %v", r.Method, r.URL.EscapedPath(), v)
			writeText(w, http.StatusInternalServerError,
				fmt.Sprintf("usertest: internal error serving %s %s: %v", r.Method, r.URL.EscapedPath(), v))
		}()
		next.ServeHTTP(w, r)
	})
}

// logged writes one line per request to the WithLog writer: method, path,
// status and duration.
func (s *Server) logged(next http.Handler) http.Handler {
	if s.logw == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.logf("%s %s %d %s", r.Method, r.URL.EscapedPath(), rec.code(), time.Since(start).Round(time.Microsecond))
	})
}

func (s *Server) logf(format string, args ...any) {
	if s.logw == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	_, _ = fmt.Fprintf(s.logw, format+"\n", args...)
}

// lockedWriter serialises writes to a writer shared with logf.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// statusRecorder remembers the status a handler answered with. Unwrap lets
// http.ResponseController and the WebSocket upgrade reach the Hijacker and
// Flusher of the real ResponseWriter.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// writeText answers with a text/plain body.
func writeText(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
}
