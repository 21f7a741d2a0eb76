package user

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/internal/lossless"
)

// A call goes one way: the method hands gen a request editor for its
// endpoint (edit), gen builds the request and hands it to the client's Do,
// which sends it (retrying a GET, following Pieces OS when it moved), and
// receive turns what came back into the method's value or an *Error.
// Nothing about the call travels in its context.

// endpoint is one operation as api/openapi.yaml describes it;
// endpoints_gen.go holds one for each operation of the spec.
type endpoint struct {
	op        string // operationId: the Op of every *Error of the call
	method    string // GET or POST; GET for the WebSocket routes
	path      string // route template, such as "/user/{user}/entities/associate/{entity}"
	accept    string // the media types of the documented answers
	bearer    bool   // sends the access token instead of the application id
	ok        int    // the documented 2xx status
	media     string // the media type of its body; "" for none, or for any
	anonymous bool   // sends no credentials
}

// Media types of the bodies the operations document.
const (
	mediaJSON = "application/json"
	mediaText = "text/plain"
)

// maxErrorRead bounds what is read of a body outside 2xx: enough for
// Error.Body and the JSON errors of HasFeatureAccess.
const maxErrorRead = 64 << 10

// sendFunc is a method of gen.Client, given the request editor of a call.
type sendFunc = func(g *gen.Client, ctx context.Context, edit ...gen.RequestEditorFn) (*http.Response, error)

// call makes one call of ep through gen and returns its decoded answer.
func call[T any](ctx context.Context, cl *Client, ep *endpoint, send sendFunc) (*T, error) {
	c, err := cl.start(ctx, ep)
	if err != nil {
		return nil, err
	}
	resp, err := send(c.gen, ctx, c.edit(ep))
	return receive[T](c, ep, resp, err)
}

// start checks what every call needs: a Client made by New and a context.
func (cl *Client) start(ctx context.Context, ep *endpoint) (*client, error) {
	switch {
	case cl == nil || cl.c == nil:
		return nil, (*client)(nil).fail(ep.op, 0, nil, fmt.Errorf("%w: the Client was not created with New", ErrInvalidInput))
	case ctx == nil:
		return nil, cl.c.fail(ep.op, 0, nil, fmt.Errorf("%w: nil context", ErrInvalidInput))
	}
	return cl.c, nil
}

// get makes one call of ep, a route gen does not know, through the same
// sender.
func get[T any](ctx context.Context, c *client, ep *endpoint) (*T, error) {
	req, err := http.NewRequestWithContext(ctx, ep.method, c.addr.String()+ep.path, nil)
	if err != nil {
		return nil, c.fail(ep.op, 0, nil, err)
	}
	c.header(req.Header, ep)
	resp, err := c.Do(req)
	return receive[T](c, ep, resp, err)
}

// edit returns the request editor of a call of ep.
func (c *client) edit(ep *endpoint) gen.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		c.header(req.Header, ep)
		return nil
	}
}

// header sets Accept, User-Agent and the credential that ep takes.
func (c *client) header(h http.Header, ep *endpoint) {
	if h.Get("Content-Type") == "" {
		h.Del("Content-Type") // gen adds one even for no body
	}
	if ep.accept != "" {
		h.Set("Accept", ep.accept)
	}
	h["User-Agent"] = []string{c.userAgent} // "" keeps net/http's own out
	switch {
	case ep.anonymous:
	case ep.bearer:
		if c.token != "" {
			h.Set("Authorization", "Bearer "+c.token)
		}
	case c.appID != "":
		h.Set("X-Application-ID", c.appID)
		h.Set("Application", c.appID)
	}
}

// Do sends req: the gen.HttpRequestDoer of the client. A GET is sent up to
// the client's attempts (see WithRetry); any request is sent once more to
// a Pieces OS that moved (see WithDiscovery). A request that reached no
// Pieces OS fails with an error matching ErrUnreachable.
//
// Each attempt sends req itself: only GET requests, which have no body, are
// sent more than once, and a transport does not change a request. An
// http.Client with a cookie jar adds its cookies to the request it is
// given, though, so then each attempt gets its own copy of the headers.
func (c *client) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	attempts := 1
	if req.Method == http.MethodGet {
		attempts = c.attempts
	}
	moved := false
	for attempt := 1; ; attempt++ {
		if err := c.addr.route(req, c.log); err != nil {
			return nil, err
		}
		r := req
		if c.hc.Jar != nil && attempts > 1 {
			r = req.WithContext(ctx)
			r.Header = req.Header.Clone()
		}
		resp, err := c.hc.Do(r)
		switch {
		case err != nil && !moved && c.addr.find != nil && resendable(req, err) && c.addr.moved(ctx, req.URL.Host, c.log):
			moved = true
			attempt--
			continue
		case err != nil && attempt >= attempts:
			return nil, reachError(req.URL, err)
		}
		wait := c.wait.delay(attempt, c.jitter)
		cause := err
		if err == nil {
			retry, after := c.retryDelay(resp)
			wait = max(wait, after)
			// The last answer is the result when no other attempt fits
			// before the caller's deadline.
			if dl, ok := ctx.Deadline(); !retry || attempt >= attempts || ok && time.Until(dl) < wait {
				return resp, nil
			}
			// Reading a little of the body lets the connection be reused.
			_, _ = io.CopyN(io.Discard, resp.Body, maxErrorRead)
			resp.Body.Close()
			cause = errors.New("status " + strconv.Itoa(resp.StatusCode))
		}
		c.log.Debug("user: retrying", "method", req.Method, "path", req.URL.Path, "attempt", attempt+1, "cause", c.redact(cause.Error()), "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return nil, reachError(req.URL, err) // out of time: as unreachable as a refused connection
		}
	}
}

// retryDelay says whether a GET answered with resp is worth another
// attempt, and the delay Pieces OS asked for in Retry-After.
func (c *client) retryDelay(resp *http.Response) (bool, time.Duration) {
	code := resp.StatusCode
	switch {
	case code == http.StatusNotImplemented, code == http.StatusNetworkAuthenticationRequired, code == statusUpdateRequired:
		return false, 0
	case code != http.StatusTooManyRequests && code/100 != 5:
		return false, 0
	}
	wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		if !ok {
			return false, 0
		}
	}
	return wait <= c.wait.Max, wait
}

// parseRetryAfter reads a Retry-After value, seconds or an HTTP date, as a
// delay from now. A date in the past is no delay.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(time.Duration(1<<62)/time.Second) {
			return 1 << 62, true
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// sleep waits for d, or returns ctx's error as soon as ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
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

// receive turns what came back from a call of ep into the decoded body of
// its 2xx answer, or an *Error: every answer outside 2xx, and every
// failure to send, read or decode. T is string for a text body, struct{}
// for none, and otherwise the JSON model, decoded by lossless.Decode: a
// member whose type is not the spec's is left at its zero value rather
// than failing the answer.
func receive[T any](c *client, ep *endpoint, resp *http.Response, err error) (*T, error) {
	if err != nil {
		return nil, c.fail(ep.op, 0, nil, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, min(c.maxBody, maxErrorRead)))
		return nil, c.fail(ep.op, resp.StatusCode, body, nil)
	}
	body, err := readBody(resp.Body, resp.ContentLength, c.maxBody)
	if err != nil {
		return nil, c.fail(ep.op, 0, nil, err)
	}
	if err := checkMedia(resp.Header, ep.media); err != nil {
		return nil, c.fail(ep.op, 0, nil, err)
	}
	var v T
	switch p := any(&v).(type) {
	case *struct{}:
	case *string:
		*p = string(body)
	default:
		switch {
		case resp.StatusCode != ep.ok:
			err = fmt.Errorf("%w: status %d has no documented body", ErrMalformedResponse, resp.StatusCode)
		case string(bytes.TrimSpace(body)) == "null":
			err = fmt.Errorf("%w: the body is null", ErrMalformedResponse)
		case len(bytes.TrimSpace(body)) == 0:
			err = fmt.Errorf("%w: the body is empty", ErrMalformedResponse)
		default:
			err = decode(body, &v)
		}
		if err != nil {
			return nil, c.fail(ep.op, 0, nil, err)
		}
	}
	return &v, nil
}

// decode decodes a JSON body that the caller owns into v. A Profile (and
// the snapshot holding one) keeps the body itself as its JSON.
func decode[T any](body []byte, v *T) error {
	var err error
	if r, ok := any(v).(interface{ read([]byte) error }); ok {
		err = r.read(body)
	} else {
		err = lossless.Decode(body, v)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedResponse, err)
	}
	return nil
}

// readBody reads a body of length bytes (-1 or 0 when unknown: a
// RoundTripper of a test may leave it 0), failing with ErrResponseTooLarge
// beyond limit.
func readBody(r io.Reader, length, limit int64) ([]byte, error) {
	if length > limit {
		return nil, fmt.Errorf("%w (%d bytes, more than %d)", ErrResponseTooLarge, length, limit)
	}
	if length > 0 {
		// The usual case: one buffer of the right size.
		b := make([]byte, length)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("reading the body: %w", err)
		}
		return b, nil
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	switch {
	case int64(len(b)) > limit:
		return nil, fmt.Errorf("%w (more than %d bytes)", ErrResponseTooLarge, limit)
	case err != nil:
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	return b, nil
}

// checkMedia checks that the Content-Type of an answer names the media type
// want (parameters such as charset may follow); "" checks nothing.
func checkMedia(h http.Header, want string) error {
	ct := h.Get("Content-Type")
	if want == "" || ct == want {
		return nil
	}
	if ct == "" {
		return fmt.Errorf("%w: the answer has no Content-Type, want %s", ErrMalformedResponse, want)
	}
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case err != nil:
		return fmt.Errorf("%w: Content-Type %q is not a valid media type, want %s", ErrMalformedResponse, ct, want)
	case mt != want:
		return fmt.Errorf("%w: the media type is %s, want %s", ErrMalformedResponse, mt, want)
	}
	return nil
}

// sendJSON returns the sendFunc of an operation whose JSON body, v, is
// optional: a nil v sends no body and no Content-Type.
func sendJSON[T any](v *T, send func(*gen.Client, context.Context, string, io.Reader, ...gen.RequestEditorFn) (*http.Response, error)) sendFunc {
	return func(g *gen.Client, ctx context.Context, e ...gen.RequestEditorFn) (*http.Response, error) {
		if v == nil {
			return send(g, ctx, "", bytes.NewReader(nil), e...)
		}
		var b []byte
		var err error
		if m, ok := any(v).(json.Marshaler); ok {
			b, err = m.MarshalJSON() // a Profile: spares json.Marshal's check of it
		} else {
			b, err = json.Marshal(v)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: cannot encode the request body: %v", ErrInvalidInput, err)
		}
		return send(g, ctx, mediaJSON, bytes.NewReader(b), e...)
	}
}
