package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

const (
	// userAgent is the program's name before the User-Agent of package user.
	userAgent = progName + " (pieces-os-client-go)"
	// discoverTimeout bounds the search for Pieces OS; it takes a few
	// milliseconds when nothing listens.
	discoverTimeout = 5 * time.Second
	// startHint tells the reader how to get something to talk to.
	startHint = "start the Pieces OS app (`" + progName + " launch`), or run `" + progName + " serve-fake` for a fake one"
)

// session is the state of one run of the program.
type session struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	// The global flags.
	host, appID, token    string
	hostSet               bool
	timeout               time.Duration // per call; 0 means none
	json, insecure, debug bool
	find                  user.DiscoverOptions // --port-file, --no-port-file, --ports; Logger with --debug

	c           *user.Client
	transport   *http.Transport // of c, closed when the run ends
	rec         *recorder       // keeps answers for --json
	inst        user.Instance   // what discovery found, when it ran
	discoverErr error           // why discovery found nothing
	hint        string          // what to do when Pieces OS is unreachable; startHint when empty
	// connected is set once a TCP connection to Pieces OS succeeded: a
	// call that then times out met a Pieces OS that is slow, not absent.
	connected atomic.Bool
}

// settle completes the global flags once the command line is parsed:
// the defaults from the environment and the checks between flags.
func (s *session) settle(set map[string]bool) error {
	s.hostSet = set["host"]
	s.appID = getenvUnless(set["app-id"], envAppID, s.appID)
	s.token = getenvUnless(set["token"], envToken, s.token)
	if s.debug {
		s.find.Logger = slog.New(slog.NewTextHandler(s.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	switch {
	case s.timeout < 0:
		return usagef("--timeout %v is negative: give a positive duration, such as 10s or 1m, or 0 for no limit", s.timeout)
	case set["port-file"] && s.find.NoPortFile:
		return usagef("--port-file and --no-port-file exclude each other")
	}
	return nil
}

// fixedAddress returns the address that --host or $PIECES_OS_URL gives,
// and which of them gave it; "" when the address is left to discovery.
func (s *session) fixedAddress() (from, raw string) {
	switch {
	case s.hostSet:
		return "--host", s.host
	case os.Getenv(envBaseURL) != "":
		return "$" + envBaseURL, os.Getenv(envBaseURL)
	}
	return "", ""
}

// client returns the Client of the run, made on first use: at the address
// of --host or $PIECES_OS_URL, or else following the Pieces OS discovery
// finds, to its new port when it restarts. When discovery finds nothing,
// client returns both the Client, which goes on looking, and why.
func (s *session) client() (*user.Client, error) {
	if s.c != nil {
		return s.c, s.discoverErr
	}
	s.transport = http.DefaultTransport.(*http.Transport).Clone()
	dial := s.transport.DialContext
	s.transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err == nil {
			s.connected.Store(true)
		}
		return conn, err
	}
	s.rec = &recorder{next: s.transport}
	// A redirect is an answer, never followed with the credentials.
	hc := &http.Client{Transport: s.rec, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	opts := []user.Option{user.WithHTTPClient(hc), user.WithUserAgent(userAgent), user.WithApplicationID(s.appID), user.WithAccessToken(s.token)}
	if s.insecure {
		opts = append(opts, user.WithInsecureCredentials())
	}
	if s.find.Logger != nil {
		opts = append(opts, user.WithLogger(s.find.Logger))
	}
	from, raw := s.fixedAddress()
	if from == "" {
		if err := s.discover(); err != nil {
			return nil, err
		}
		find := s.find
		opts = append(opts, user.WithDiscovery(&find))
	}
	if raw = cmp.Or(raw, s.inst.URL); from != "" || raw != "" {
		opts = append(opts, user.WithBaseURL(raw))
	}
	c, err := user.New(opts...)
	if err != nil {
		// The one check --insecure-credentials lifts: say it in the
		// program's terms.
		if again, err := user.New(append(opts, user.WithInsecureCredentials())...); err == nil {
			return nil, usagef("refusing to send the application id or token over plain http to %s, which is not a loopback address: use an https:// address in %s, or give --insecure-credentials to allow it", again.BaseURL(), from)
		}
		// New wraps the problem with the address in "user: WithBaseURL: ";
		// the flag or variable replaces those names.
		for range 2 {
			if inner := errors.Unwrap(err); inner != nil {
				err = inner
			}
		}
		unset := map[bool]string{true: ", or unset it"}[from != "--host"]
		return nil, usagef("%s: %v; give an address such as http://127.0.0.1:39300 or 127.0.0.1:39300%s", from, err, unset)
	}
	s.c = c
	return c, s.discoverErr
}

// discover looks for Pieces OS where the discovery flags say: s.inst is
// what it found (a Pieces OS still migrating included) and s.discoverErr
// why it found nothing. Its error is a usage error or the end of the run.
func (s *session) discover() error {
	ctx, cancel := context.WithTimeout(s.ctx, discoverTimeout)
	defer cancel()
	inst, err := user.Discover(ctx, &s.find)
	switch {
	case err == nil, errors.Is(err, user.ErrMigrating):
		s.inst = inst
	case s.ctx.Err() != nil:
		return s.ctx.Err()
	case errors.Is(err, user.ErrInvalidInput):
		return usagef("%v", err)
	default:
		s.discoverErr = err
	}
	return nil
}

// call makes one call to Pieces OS with the client of the run and the
// per-call timeout. Unless its result is a *user.Profile, which keeps its
// own JSON, --json records the answer for emit.
func call[T any](s *session, f func(c *user.Client, ctx context.Context) (T, error)) (T, error) {
	c, err := s.client()
	if err != nil {
		var zero T
		return zero, err
	}
	ctx, cancel := s.callCtx()
	defer cancel()
	_, isProfile := any(*new(T)).(*user.Profile)
	s.rec.on = s.json && !isProfile
	return f(c, ctx)
}

// callCtx returns the context of one call to Pieces OS, bounded by
// --timeout.
func (s *session) callCtx() (context.Context, context.CancelFunc) {
	if s.timeout <= 0 {
		return context.WithCancel(s.ctx)
	}
	return context.WithTimeout(s.ctx, s.timeout)
}

// close releases the connections of the run.
func (s *session) close() {
	if s.transport != nil {
		s.transport.CloseIdleConnections()
	}
}

// recorder keeps the last answer received while on, for --json. It is
// off for the streams, whose handshake answer must stay as it is.
type recorder struct {
	next   http.RoundTripper
	on     bool
	status int
	ctype  string
	body   bytes.Buffer
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || !r.on {
		return resp, err
	}
	r.status, r.ctype = resp.StatusCode, resp.Header.Get("Content-Type")
	r.body.Reset()
	r.body.Grow(int(min(max(resp.ContentLength, 0), 16<<20))) // the whole answer in one buffer when its size is known
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(resp.Body, &r.body), resp.Body}
	return resp, nil
}

// fail reports err on standard error and returns the exit code it means;
// a nil err is exitOK.
func (s *session) fail(err error) int {
	if err == nil {
		return exitOK
	}
	code, msg := exitFailed, err.Error()
	if _, ok := errors.AsType[*usageError](err); ok {
		code = exitUsage
	} else if s.ctx.Err() != nil && errors.Is(err, context.Canceled) {
		msg = "interrupted"
	} else if errors.Is(err, user.ErrUnreachable) || errors.Is(err, context.DeadlineExceeded) {
		// A deadline is the caller's: --timeout, or the bound of discovery.
		// (A GET whose deadline ends between two attempts fails with the
		// bare context error, which does not match user.ErrUnreachable.)
		code, msg = exitUnreachable, s.unreachableMessage(err)
	} else if errors.Is(err, user.ErrNotSignedIn) {
		msg += "; sign in with '" + progName + " sign-in'"
	}
	fmt.Fprintf(s.stderr, "%s: %s\n", progName, oneLine(msg))
	return code
}

// unreachableMessage says what failed and what to do: wait or restart a
// Pieces OS that accepts connections but does not answer, or start one.
func (s *session) unreachableMessage(err error) string {
	hint := cmp.Or(s.hint, startHint)
	switch {
	case !errors.Is(err, context.DeadlineExceeded) || s.c == nil:
		return err.Error() + "; " + hint
	case s.connected.Load():
		return fmt.Sprintf("Pieces OS at %s did not answer within %v: it accepts connections but is busy or stuck; try again, give a longer --timeout, or restart Pieces OS",
			s.c.BaseURL(), s.timeout)
	}
	return fmt.Sprintf("cannot reach Pieces OS at %s: no connection within %v (see --timeout); %s", s.c.BaseURL(), s.timeout, hint)
}

// oneLine folds a message onto one line.
func oneLine(msg string) string {
	return strings.Join(strings.FieldsFunc(strings.TrimSpace(msg), func(r rune) bool { return r == '\n' || r == '\r' }), " ")
}
