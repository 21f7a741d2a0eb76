package user

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// DefaultBaseURL is the address of a local Pieces OS when neither
// WithBaseURL nor $PIECES_OS_URL says otherwise.
const DefaultBaseURL = "http://127.0.0.1:39300"

// EnvBaseURL names the environment variable that New reads for the base URL
// when WithBaseURL is not given.
const EnvBaseURL = "PIECES_OS_URL"

// DefaultMaxResponseBytes bounds the size of a response body that the client
// reads before it gives up with ErrResponseTooLarge.
const DefaultMaxResponseBytes int64 = 16 << 20

// DefaultUserAgent is sent in the User-Agent header unless WithUserAgent
// replaces it.
const DefaultUserAgent = "pieces-os-client-go"

// Client calls the Pieces OS User API. It is safe for concurrent use by
// several goroutines. Create one with New.
type Client struct {
	base          *url.URL // scheme and host (and an optional path prefix), no trailing slash
	baseStr       string
	hc            *http.Client
	appID         string
	token         string
	userAgent     string
	retry         RetryPolicy
	maxBody       int64
	allowInsecure bool
	jitter        func(n int64) int64 // uniform in [0, n); picks retry delays
	gc            *gen.ClientWithResponses
}

// Option configures a Client in New.
type Option func(*Client) error

// New returns a Client. Without options it talks to $PIECES_OS_URL, or to
// DefaultBaseURL when that is unset, with http.DefaultTransport and no
// credentials. The default HTTP client does not follow redirects (Pieces OS
// sends none, and the X-Application-ID header would travel with them): a
// 3xx answer is an *Error.
//
// New fails when the base URL is malformed, and when credentials would be
// sent in clear text to a host that is not on loopback (see
// WithInsecureCredentials).
func New(opts ...Option) (*Client, error) {
	c := &Client{
		hc:        &http.Client{CheckRedirect: noRedirects},
		userAgent: DefaultUserAgent,
		retry:     DefaultRetryPolicy(),
		maxBody:   DefaultMaxResponseBytes,
		jitter:    rand.Int64N,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, fmt.Errorf("user: %w", err)
		}
	}
	// The environment is read only when no option chose the address, so a
	// bad $PIECES_OS_URL cannot break a caller that names its own.
	if c.base == nil {
		base, from := os.Getenv(EnvBaseURL), "$"+EnvBaseURL
		if base == "" {
			base, from = DefaultBaseURL, "default base URL"
		}
		if err := c.setBase(base); err != nil {
			return nil, fmt.Errorf("user: %s: %w", from, err)
		}
	}
	if err := c.checkCleartext(); err != nil {
		return nil, fmt.Errorf("user: %w", err)
	}
	// gen resolves routes against the base URL with a trailing slash, so
	// that a path prefix is kept.
	gc, err := gen.NewClientWithResponses(c.baseStr+"/", gen.WithHTTPClient(doer{c}), gen.WithRequestEditorFn(c.editRequest))
	if err != nil {
		return nil, fmt.Errorf("user: %w", err)
	}
	c.gc = gc
	return c, nil
}

// WithBaseURL sets the address of Pieces OS, for example
// "http://127.0.0.1:39300". Only http and https are accepted; a path is kept
// as a prefix of every route.
func WithBaseURL(raw string) Option {
	return func(c *Client) error { return c.setBase(raw) }
}

// WithHTTPClient sets the *http.Client used for every HTTP call and for the
// WebSocket handshakes. A nil client is rejected. The Client works on a
// copy of hc whose redirect policy is hc's, except that a redirect to
// another origin (scheme, host or port) never carries X-Application-ID or
// Authorization: only the address given to New may receive them.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("WithHTTPClient: nil *http.Client")
		}
		own := *hc
		own.CheckRedirect = dropCredentialsOnRedirect(hc.CheckRedirect)
		c.hc = &own
		return nil
	}
}

// dropCredentialsOnRedirect wraps the redirect policy next (nil is the
// default policy of net/http: at most 10 redirects) so that a request
// redirected to an origin other than the first request's loses its
// credentials before next sees it. net/http drops Authorization only for
// another host name, and never drops X-Application-ID.
func dropCredentialsOnRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && !sameOrigin(req.URL, via[0].URL) {
			req.Header.Del("X-Application-ID")
			req.Header.Del("Authorization")
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
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && originPort(a) == originPort(b)
}

// originPort returns the port of u, or the default port of its scheme.
func originPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "wss":
		return "443"
	default:
		return "80"
	}
}

// WithApplicationID sets the application id sent as X-Application-ID on
// every operation whose security names the application scheme (all but
// Select) and on the WebSocket handshakes.
func WithApplicationID(id string) Option {
	return func(c *Client) error { c.appID = id; return nil }
}

// WithAccessToken sets the Auth0 access token sent as
// "Authorization: Bearer <token>" on Select, the one operation that takes it.
func WithAccessToken(token string) Option {
	return func(c *Client) error { c.token = token; return nil }
}

// WithUserAgent sets the User-Agent header. An empty string sends none.
func WithUserAgent(ua string) Option {
	return func(c *Client) error { c.userAgent = ua; return nil }
}

// WithRetryPolicy sets how idempotent GET calls are retried. POST calls are
// never retried. RetryPolicy{MaxAttempts: 1} turns retries off.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if p.MaxAttempts < 1 {
			return fmt.Errorf("WithRetryPolicy: MaxAttempts is %d, want at least 1", p.MaxAttempts)
		}
		if p.MaxDelay < p.BaseDelay {
			return fmt.Errorf("WithRetryPolicy: MaxDelay %v is below BaseDelay %v", p.MaxDelay, p.BaseDelay)
		}
		c.retry = p
		return nil
	}
}

// WithMaxResponseBytes bounds the size of a response body the client reads;
// a larger body fails with ErrResponseTooLarge. The default is
// DefaultMaxResponseBytes.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			return fmt.Errorf("WithMaxResponseBytes: %d is not positive", n)
		}
		c.maxBody = n
		return nil
	}
}

// WithInsecureCredentials allows sending the application id and the access
// token over plain http to a host that is not on loopback. Without it, New
// refuses such a configuration, because anyone on the network path could
// read them.
func WithInsecureCredentials() Option {
	return func(c *Client) error { c.allowInsecure = true; return nil }
}

// BaseURL returns the address the client talks to.
func (c *Client) BaseURL() string { return c.baseStr }

func (c *Client) setBase(raw string) error {
	u, err := parseBaseURL(raw)
	if err != nil {
		return err
	}
	c.base = u
	c.baseStr = u.String()
	return nil
}

// parseBaseURL checks that raw is an absolute http or https URL with a host
// and no query or fragment, and returns it without a trailing slash.
func parseBaseURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("base URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("base URL %q is malformed: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("base URL %q: scheme must be http or https", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("base URL %q has no host", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q must not carry user info, a query or a fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func (c *Client) checkCleartext() error {
	if c.allowInsecure || c.base.Scheme != "http" || (c.appID == "" && c.token == "") {
		return nil
	}
	if isLoopbackHost(c.base.Hostname()) {
		return nil
	}
	return fmt.Errorf("refusing to send credentials over plain http to %s, which is not a loopback address: use https, or pass user.WithInsecureCredentials() to allow it", c.base.Host)
}

// noRedirects makes an http.Client hand back a 3xx answer instead of
// following it.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// RetryPolicy says how idempotent GET calls are retried: after a transport
// error, after a 429, 502, 503 or 504 answer, and after any other 5xx
// answer that carries Retry-After, except 501, 511 and 593, which another
// attempt cannot change. The delay before retry n (n from 1) is a random
// duration in [d/2, d], where d = min(BaseDelay*2^(n-1), MaxDelay), or the
// delay Retry-After asks for when that is longer. An answer whose
// Retry-After asks for more than MaxDelay is returned at once, without
// waiting. Retries stop at once when the context ends.
type RetryPolicy struct {
	MaxAttempts int           // total attempts, at least 1
	BaseDelay   time.Duration // delay before the first retry
	MaxDelay    time.Duration // upper bound of any delay
}

// DefaultRetryPolicy returns the policy New uses: 3 attempts, 100 ms first
// delay, 2 s at most.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second}
}

// String hides the credentials so that a Client printed with %v or %+v never
// shows them. Its receiver is a value, so that a Client value (one copied
// into a caller's struct, say) is printed the same way as a *Client.
func (c Client) String() string {
	return fmt.Sprintf("user.Client{BaseURL: %q}", c.baseStr)
}

// GoString hides the credentials from %#v.
func (c Client) GoString() string { return c.String() }
