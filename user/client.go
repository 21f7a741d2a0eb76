package user

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// Client calls Pieces OS. Create one with New; it is safe for concurrent
// use, and printing it never shows its credentials.
type Client struct{ c *client }

// client is the state of a Client, behind a pointer so that fmt prints an
// address, not the credentials.
type client struct {
	gen       *gen.Client
	hc        *http.Client
	appID     string
	token     string
	userAgent string
	attempts  int     // of a GET call
	wait      Backoff // between attempts
	maxBody   int64
	insecure  bool
	log       *slog.Logger
	jitter    func(int64) int64 // uniform in [0, n), as rand.Int64N
	addr      *address
}

// Option configures a Client in New.
type Option func(*client) error

// The defaults of New.
const (
	defaultBaseURL   = "http://127.0.0.1:39300"
	envBaseURL       = "PIECES_OS_URL"
	defaultUserAgent = "pieces-os-client-go"
	defaultMaxBody   = 16 << 20
)

// New returns a Client of the Pieces OS at $PIECES_OS_URL, or at
// http://127.0.0.1:39300 when that is unset, unless WithBaseURL or
// WithDiscovery says where it is. By default it sends no credentials, tries
// a GET 3 times, reads answers of up to 16 MiB and follows no redirect (a
// 3xx answer is an *Error). New fails on an invalid option, and when
// credentials would travel in clear text off loopback.
func New(opts ...Option) (*Client, error) {
	c := &client{
		hc:        &http.Client{CheckRedirect: noRedirects},
		userAgent: defaultUserAgent,
		attempts:  3,
		wait:      Backoff{Min: 100 * time.Millisecond, Max: 2 * time.Second},
		maxBody:   defaultMaxBody,
		log:       orDiscard(nil),
		jitter:    rand.Int64N,
		addr:      &address{},
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, fmt.Errorf("user: %w", err)
		}
	}
	// The environment counts only when no option chose the address, so
	// that a bad $PIECES_OS_URL cannot break a caller that names its own.
	if a := c.addr; a.base == nil && a.find == nil {
		raw, from := os.Getenv(envBaseURL), "$"+envBaseURL
		if raw == "" {
			raw, from = defaultBaseURL, "the default address"
		}
		if err := a.set(raw, from); err != nil {
			return nil, fmt.Errorf("user: %w", err)
		}
	}
	if err := c.checkCleartext(); err != nil {
		return nil, fmt.Errorf("user: %w", err)
	}
	// gen builds each route on this address (the trailing slash keeps a
	// path prefix); Do points it at the one discovery found, if any.
	g, err := gen.NewClient(c.addr.String()+"/", gen.WithHTTPClient(c))
	if err != nil {
		return nil, fmt.Errorf("user: %w", err)
	}
	c.gen = g
	return &Client{c}, nil
}

// BaseURL returns the address the client talks to now, such as
// "http://127.0.0.1:39300". For a Client that follows Pieces OS
// (WithDiscovery) it changes when Pieces OS moves, and is empty until
// Pieces OS was first found.
func (cl *Client) BaseURL() string {
	if cl == nil || cl.c == nil {
		return ""
	}
	if u := cl.c.addr.get(); u != nil {
		return u.String()
	}
	return ""
}

// WithBaseURL sets the address of Pieces OS, such as
// "http://127.0.0.1:39300". A bare host or host:port ("localhost:39300",
// "[::1]:39300") means http; only http and https are accepted; a path is
// kept as a prefix of every route. A user, query or fragment is refused.
func WithBaseURL(raw string) Option {
	return func(c *client) error { return c.addr.set(raw, "WithBaseURL") }
}

// WithDiscovery makes the Client find Pieces OS as Discover does with opts
// (nil for the defaults), at the first call unless WithBaseURL gives a
// start, and find it again when its address stops answering, since a
// Pieces OS that restarts may take another port. A request refused or
// reset makes the Client search again (once per call; searches after a
// failure at least a second apart) and, if Pieces OS moved, send it there;
// a POST only when its connection was refused. Streams reconnect to the
// new address, and BaseURL says where Pieces OS is now.
func WithDiscovery(opts *DiscoverOptions) Option {
	return func(c *client) error {
		find := DiscoverOptions{}
		if opts != nil {
			find = *opts
		}
		if _, err := find.ports(); err != nil {
			return fmt.Errorf("WithDiscovery: %w", err)
		}
		c.addr.find, c.addr.from = &find, "discovery"
		return nil
	}
}

// WithHTTPClient sets the *http.Client of every HTTP call and of the
// WebSocket handshakes. The Client works on a copy of hc whose redirect
// policy is hc's, except that a redirect to another origin (scheme, host
// or port) never carries the credentials.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *client) error {
		if hc == nil {
			return errors.New("WithHTTPClient: nil *http.Client")
		}
		own := *hc
		own.CheckRedirect = dropCredentialsOnRedirect(hc.CheckRedirect)
		c.hc = &own
		return nil
	}
}

// WithApplicationID sets the id of the calling application, by which
// Pieces OS tells the applications connected to it apart (in its list of
// connections and its analytics): pass the id your application registered
// with Pieces OS, or a stable name of it. It is sent, as the Pieces
// applications send it, as both X-Application-ID and "application", on
// every operation but Select and on the stream handshakes.
func WithApplicationID(id string) Option {
	return func(c *client) error { c.appID = id; return nil }
}

// WithAccessToken sets the Auth0 access token sent as
// "Authorization: Bearer <token>" by Select, the one operation that takes
// it.
func WithAccessToken(token string) Option {
	return func(c *client) error { c.token = token; return nil }
}

// WithUserAgent sets the User-Agent header; "" sends none. The default is
// "pieces-os-client-go".
func WithUserAgent(ua string) Option {
	return func(c *client) error { c.userAgent = ua; return nil }
}

// WithRetry sets how a GET call is retried: attempts in all (1 turns
// retries off), waiting as wait says (default: 3 attempts, waiting 100 ms
// to 2 s). A GET is retried after a transport error, a 429, 502, 503 or
// 504, and another 5xx with Retry-After but for 501, 511 and 593. A
// longer Retry-After sets the wait; one beyond wait.Max returns the answer
// at once. POST calls are never retried.
func WithRetry(attempts int, wait Backoff) Option {
	return func(c *client) error {
		if attempts < 1 {
			return fmt.Errorf("WithRetry: %d attempts, want at least 1", attempts)
		}
		if err := wait.check("WithRetry"); err != nil {
			return err
		}
		c.attempts, c.wait = attempts, wait
		return nil
	}
}

// WithMaxResponseBytes bounds the body of an answer; a larger one fails
// with ErrResponseTooLarge. The default is 16 MiB.
func WithMaxResponseBytes(n int64) Option {
	return func(c *client) error {
		if n <= 0 {
			return fmt.Errorf("WithMaxResponseBytes: %d is not positive", n)
		}
		c.maxBody = n
		return nil
	}
}

// WithInsecureCredentials allows sending the application id and the access
// token over plain http to a host that is not on loopback, where anyone on
// the way could read them. Without it, New refuses such a configuration.
func WithInsecureCredentials() Option {
	return func(c *client) error { c.insecure = true; return nil }
}

// WithLogger makes the Client, its streams and the discovery it runs log
// what they do at the Debug level: the port files read, the ports probed
// and the instance chosen, each retry with its cause and wait, stream
// connections, disconnections and waits, and each search for a Pieces OS
// that moved. Nothing logged holds a credential. The default logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *client) error {
		if l == nil {
			return errors.New("WithLogger: nil *slog.Logger")
		}
		c.log = l
		return nil
	}
}

// orDiscard returns l, or a logger that logs nothing for a nil l.
func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// Backoff is how long to wait between attempts: after the n-th failure in
// a row (n from 1), a random duration between max(Min, d/2) and d, where
// d = min(Min*2^(n-1), Max). The retries of WithRetry and the
// reconnections of a Stream use it.
type Backoff struct {
	Min, Max time.Duration
}

func (b Backoff) check(where string) error {
	switch {
	case b.Min <= 0:
		return fmt.Errorf("%s: the shortest wait %v is not positive", where, b.Min)
	case b.Max < b.Min:
		return fmt.Errorf("%s: the longest wait %v is below the shortest, %v", where, b.Max, b.Min)
	}
	return nil
}

// delay returns the wait after the n-th failure in a row; randN returns a
// number in [0, k) as rand.Int64N does.
func (b Backoff) delay(n int, randN func(int64) int64) time.Duration {
	d := b.Min
	for i := 1; i < n && d < b.Max; i++ {
		d = min(d, b.Max/2) * 2
	}
	d = min(d, b.Max)
	floor := max(b.Min, d/2)
	if d <= floor {
		return d
	}
	return floor + time.Duration(randN(int64(d-floor)+1))
}

// parseBaseURL reads an address as WithBaseURL describes it, and returns
// it without a trailing slash. The error names the problem but not where
// raw came from: callers add that.
func parseBaseURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("the base URL is empty")
	}
	if !strings.Contains(s, "://") {
		// "http:127.0.0.1" is a mistyped URL, not a host named "http".
		if scheme, _, ok := strings.Cut(s, ":"); ok && (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) {
			return nil, fmt.Errorf("base URL %q is malformed: want %s://HOST:PORT", raw, strings.ToLower(scheme))
		}
		s = "http://" + s
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // *url.Error would repeat raw
		}
		return nil, fmt.Errorf("base URL %q is malformed: %w", raw, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("base URL %q: the scheme must be http or https (a bare host:port means http)", raw)
	case u.Host == "":
		return nil, fmt.Errorf("base URL %q has no host", raw)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("base URL %q must not carry user info, a query or a fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// checkCleartext refuses credentials over plain http off loopback.
func (c *client) checkCleartext() error {
	base := c.addr.get()
	if c.insecure || base == nil || base.Scheme != "http" || (c.appID == "" && c.token == "") || isLoopback(base.Hostname()) {
		return nil
	}
	return fmt.Errorf("%s: refusing to send credentials over plain http to %s, which is not a loopback address: use https, or pass user.WithInsecureCredentials() to allow it", c.addr.from, base.Host)
}

func isLoopback(host string) bool {
	h := strings.ToLower(host)
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// noRedirects makes an http.Client hand back a 3xx answer instead of
// following it.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// dropCredentialsOnRedirect wraps the redirect policy next (nil is that of
// net/http: at most 10 redirects) so that a request redirected to an
// origin other than the first request's loses the credentials before next
// sees it: net/http drops Authorization only for another host name, and
// keeps the application headers.
func dropCredentialsOnRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && !sameOrigin(req.URL, via[0].URL) {
			for _, h := range [...]string{"X-Application-ID", "Application", "Authorization"} {
				req.Header.Del(h)
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// sameOrigin reports whether a and b have the same scheme, host and port.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

// port returns the port of u, or the default port of its scheme.
func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") || strings.EqualFold(u.Scheme, "wss") {
		return "443"
	}
	return "80"
}
