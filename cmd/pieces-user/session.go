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
	userAgent       = progName + " (pieces-os-client-go)" // before the User-Agent of package user
	discoverTimeout = 5 * time.Second                     // a few milliseconds when nothing listens
	startHint       = "start the Pieces OS app (`" + progName + " launch`), or run `" + progName + " serve-fake` for a fake one"
)

// session is the state of one run of the program.
type session struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
	// The global flags.
	host, appID, token    string
	timeout               time.Duration // per call; 0 means none
	json, insecure, debug bool
	find                  user.DiscoverOptions // --port-file, --no-port-file, --ports; Logger with --debug
	given                 map[string]string    // the values of the flags given, by name

	c           *user.Client
	transport   *http.Transport // of c, closed when the run ends
	rec         *recorder       // keeps answers for --json
	inst        user.Instance   // what discovery found, when it ran (a migrating one included)
	discoverErr error           // why discovery found nothing
	hint        string          // what to do when Pieces OS is unreachable; startHint when empty
	// connected is set once a TCP connection to Pieces OS succeeded: a
	// call that then times out met a Pieces OS that is slow, not absent.
	connected atomic.Bool
}

// settle completes the global flags once the command line is parsed:
// the defaults from the environment and the checks between flags.
func (s *session) settle() error {
	if _, ok := s.given["app-id"]; !ok {
		s.appID = os.Getenv(envAppID)
	}
	if _, ok := s.given["token"]; !ok {
		s.token = os.Getenv(envToken)
	}
	if s.debug {
		s.find.Logger = slog.New(slog.NewTextHandler(s.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	switch {
	case s.timeout < 0:
		return usagef("--timeout %v is negative: give a positive duration, such as 10s or 1m, or 0 for no limit", s.timeout)
	case s.find.PortFile != "" && s.find.NoPortFile:
		return usagef("--port-file and --no-port-file exclude each other")
	}
	return nil
}

// fixedAddress returns the address that --host or $PIECES_OS_URL gives,
// and which of them gave it; "" when the address is left to discovery.
func (s *session) fixedAddress() (from, raw string) {
	switch {
	case s.gave("host"):
		return "--host", s.host
	case os.Getenv(envBaseURL) != "":
		return "$" + envBaseURL, os.Getenv(envBaseURL)
	}
	return "", ""
}

// client returns the Client of the run, made on first use: at the address
// of --host or $PIECES_OS_URL, or else following the Pieces OS discovery
// finds, to its new port when it restarts. When discovery finds nothing,
// client returns both the Client, which goes on looking, and why. Its
// other errors are usage errors or the end of the run.
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
		ctx, cancel := context.WithTimeout(s.ctx, discoverTimeout)
		inst, err := user.Discover(ctx, &s.find)
		cancel()
		switch {
		case err == nil, errors.Is(err, user.ErrMigrating): // a migrating one answers for itself
			s.inst, raw = inst, inst.URL
		case s.ctx.Err() != nil:
			return nil, s.ctx.Err()
		case errors.Is(err, user.ErrInvalidInput):
			return nil, usagef("%v", err)
		default:
			s.discoverErr = err
		}
		find := s.find
		opts = append(opts, user.WithDiscovery(&find))
	}
	if from != "" || raw != "" {
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
		return nil, usagef("%s: %v; give an address such as http://127.0.0.1:39300 or 127.0.0.1:39300%s", from, err, when(from != "--host", ", or unset it"))
	}
	s.c = c
	return c, s.discoverErr
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

// waitFor puts the --wait of cmd in place of --timeout: a bound on a wait
// for a person or for Pieces OS to start, 0 for none.
func (s *session) waitFor(cmd string, wait time.Duration) error {
	if wait < 0 {
		return usagef("%s: --wait %v is negative: give a duration such as 5m, or 0 for no limit", cmd, wait)
	}
	s.timeout = wait
	return nil
}

// callCtx returns the context of one call, bounded by --timeout.
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

// fail reports err on standard error and returns its exit code.
func (s *session) fail(err error) int {
	if err == nil {
		return exitOK
	}
	code, msg := exitFailed, err.Error()
	if _, ok := errors.AsType[*usageError](err); ok || errors.Is(err, user.ErrInvalidInput) {
		code = exitUsage // the library refused an argument before sending anything
	} else if s.ctx.Err() != nil && errors.Is(err, context.Canceled) {
		msg = "interrupted"
	} else if errors.Is(err, user.ErrUnreachable) || errors.Is(err, context.DeadlineExceeded) {
		// A deadline is the caller's: --timeout, or the bound of discovery.
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
