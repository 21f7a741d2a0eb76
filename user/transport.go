package user

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Media types of the bodies the operations document.
const (
	mediaJSON = "application/json"
	mediaText = "text/plain"
)

// maxErrorRead bounds how much of a non-2xx body is read: enough for the
// JSON error bodies of HasFeatureAccess and for Error.Body, never the whole
// response limit.
const maxErrorRead = 64 << 10

// statusUpdateRequired is the status a Pieces OS too old for its caller
// answers with ("Pieces OS update required"): retrying it cannot help.
const statusUpdateRequired = 593

// endpoint describes one operation as api/openapi.yaml does: how it is
// sent and how its failures are reported. endpoints_gen.go holds one per
// operation.
type endpoint struct {
	op         string // operationId, used in every error
	method     string // HTTP method; GET for the WebSocket routes
	path       string // route template, such as "/user/{user}/entities/associate/{entity}"
	accept     string // Accept header: the media types of the documented answers; empty sends none
	bearer     bool   // auth0 security: Authorization: Bearer instead of X-Application-ID
	stream     bool   // a WebSocket route
	jsonErrors bool   // some error status has an application/json body (HasFeatureAccess's 400 and 422)
	statuses   []int  // the documented statuses, ascending
	once       bool   // sent once even as a GET (a probe whose caller polls)
}

// call is the state of one method call. It is also the context the call
// gives gen, which passes it to the request editor and the doer: one
// allocation for both.
type call struct {
	context.Context
	ep      endpoint
	resp    *http.Response // the answer that was handed to gen, once there is one
	body    limitedBody    // the body of a 2xx resp
	readErr error          // reading the body of resp failed
	errBody []byte         // the body of a non-2xx resp, up to maxErrorRead bytes
	raw     *RawResponse   // WithRawResponse's, or nil
}

type callKey struct{}

// Value returns the call itself for callKey.
func (st *call) Value(key any) any {
	if key == (callKey{}) {
		return st
	}
	return st.Context.Value(key)
}

// start checks what every method needs and returns the context to give to
// gen for a call of ep.
func (c *Client) start(ctx context.Context, ep endpoint) (*call, *call, error) {
	if c == nil || c.gc == nil {
		return nil, nil, &OpError{Op: ep.op, Err: fmt.Errorf("%w: the Client was not created with New", ErrInvalidInput)}
	}
	if ctx == nil {
		return nil, nil, c.opError(ep.op, fmt.Errorf("%w: nil context", ErrInvalidInput))
	}
	st := &call{Context: ctx, ep: ep, raw: rawResponseFrom(ctx)}
	return st, st, nil
}

// editRequest is the gen.RequestEditorFn of every call: it adds Accept,
// User-Agent and the credential that the operation's security names.
func (c *Client) editRequest(ctx context.Context, req *http.Request) error {
	st, _ := ctx.Value(callKey{}).(*call)
	if st == nil {
		return errors.New("request made outside a method of the Client")
	}
	if req.Header.Get("Content-Type") == "" {
		// gen's builders add the header even for an empty content type.
		req.Header.Del("Content-Type")
	}
	if st.ep.accept != "" {
		req.Header.Set("Accept", st.ep.accept)
	}
	// An empty value keeps net/http from sending its own User-Agent.
	req.Header.Set("User-Agent", c.userAgent)
	switch {
	case st.ep.bearer && c.token != "":
		req.Header.Set("Authorization", "Bearer "+c.token)
	case !st.ep.bearer && c.appID != "":
		req.Header.Set("X-Application-ID", c.appID)
	}
	return nil
}

// doer is the gen.HttpRequestDoer of the Client: it sends a request with
// the *http.Client, retries GET requests as the RetryPolicy says, and
// bounds the body that gen then reads.
type doer struct{ c *Client }

// Do sends req. GET requests are retried after a transport failure and
// after the answers retryDelay names; other methods are sent once.
//
// Each attempt sends req itself: only GET requests, which have no body,
// are sent more than once, and the transport never changes a request. An
// http.Client with a cookie jar adds the cookies to the headers of the
// request it is given, though, so then each attempt gets its own copy of
// the headers and a retry does not send the cookies twice.
func (d doer) Do(req *http.Request) (*http.Response, error) {
	c := d.c
	ctx := req.Context()
	st, _ := ctx.Value(callKey{}).(*call)
	attempts := 1
	if req.Method == http.MethodGet && (st == nil || !st.ep.once) {
		attempts = max(c.retry.MaxAttempts, 1)
	}
	for attempt := 1; ; attempt++ {
		r := req
		if c.hc.Jar != nil && attempts > 1 {
			r = req.WithContext(ctx)
			r.Header = req.Header.Clone()
		}
		resp, err := c.hc.Do(r)
		retry, wait := err != nil, time.Duration(0)
		if err == nil {
			retry, wait = c.retryDelay(resp)
		}
		if !retry || attempt >= attempts {
			if err != nil {
				return nil, err
			}
			return c.receive(st, resp), nil
		}
		if resp != nil {
			// Reading a little of the body lets the connection be reused.
			_, _ = io.CopyN(io.Discard, resp.Body, maxErrorRead)
			resp.Body.Close()
		}
		// A context that ended during the attempt ends the call here.
		if err := sleepCtx(ctx, max(wait, backoff(c.retry, attempt, c.jitter))); err != nil {
			return nil, err
		}
	}
}

// retryDelay says whether a GET answered with resp is worth another
// attempt, and the least delay Pieces OS asked for in Retry-After. 429,
// 502, 503 and 504 are retried; other 5xx answers only when they carry
// Retry-After, except 501 (not implemented), 511 (not signed in) and 593
// (update required), which no retry can change. An answer that asks for
// more than the policy's MaxDelay is not retried: it is returned at once.
func (c *Client) retryDelay(resp *http.Response) (bool, time.Duration) {
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
	if wait > c.retry.MaxDelay {
		return false, 0
	}
	return true, wait
}

// parseRetryAfter reads a Retry-After value, delay seconds or an HTTP date,
// as a delay from now. A date in the past is no delay.
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
			return time.Duration(1 << 62), true
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// receive prepares the answer that gen will read. A 2xx body is read by gen
// through a limit that fails with ErrResponseTooLarge and copies nothing;
// a non-2xx body is read here, up to maxErrorRead bytes, for the *Error.
// When the caller asked for the raw answer, finish hands it the body gen
// read; the limit keeps the first maxErrorRead bytes besides, for an
// answer that gen then fails to decode and so does not return.
func (c *Client) receive(st *call, resp *http.Response) *http.Response {
	if st == nil {
		return resp
	}
	st.resp = resp
	if st.raw != nil {
		*st.raw = RawResponse{StatusCode: resp.StatusCode, Header: resp.Header}
	}
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, min(c.maxBody, maxErrorRead)))
		resp.Body.Close()
		st.errBody = b
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return resp
	}
	st.body = limitedBody{rc: resp.Body, left: c.maxBody, limit: c.maxBody, st: st}
	if st.raw != nil {
		n := min(c.maxBody, maxErrorRead)
		if resp.ContentLength >= 0 {
			n = min(n, resp.ContentLength)
		}
		st.body.head = make([]byte, 0, n)
	}
	resp.Body = &st.body
	return resp
}

// limitedBody passes reads through to rc until more than limit bytes
// arrive, and then fails with ErrResponseTooLarge. It records any failure in
// the call, so that the method can tell it from a body gen cannot decode.
type limitedBody struct {
	rc          io.ReadCloser
	left, limit int64
	st          *call
	head        []byte // the first bytes read, up to its capacity; nil keeps none
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.st.readErr != nil {
		return 0, b.st.readErr
	}
	if room := b.left + 1; room > 0 && int64(len(p)) > room {
		p = p[:room] // one byte past the limit shows that it was exceeded
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.head != nil {
		b.head = append(b.head, p[:min(n, cap(b.head)-len(b.head))]...)
	}
	switch {
	case b.left < 0:
		b.st.readErr = fmt.Errorf("%w (more than %d bytes)", ErrResponseTooLarge, b.limit)
		return 0, b.st.readErr
	case err != nil && err != io.EOF:
		b.st.readErr = fmt.Errorf("reading the response body: %w", err)
		return n, b.st.readErr
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// answer is what finish needs of a gen response: every one has GetBody.
type answer interface{ GetBody() []byte }

// finish turns what gen returned for a call into the method's error, or
// nil for a 2xx answer labelled with the media type want ("" checks none).
func (c *Client) finish(st *call, r answer, err error, want string) error {
	op := st.ep.op
	if st.raw != nil && st.resp != nil {
		switch {
		case st.resp.StatusCode/100 != 2:
			st.raw.Body = st.errBody
		case st.readErr != nil:
			// Over the limit, or cut short: there is no whole body.
		case err == nil:
			st.raw.Body = r.GetBody()
		default:
			// gen could not decode the body and returned none of it.
			st.raw.Body = st.body.head
		}
	}
	switch {
	case err != nil && st.resp == nil:
		// The request could not be built or sent.
		return c.opError(op, err)
	case st.readErr != nil:
		return c.opError(op, st.readErr)
	case st.resp.StatusCode/100 != 2:
		// gen fails only when a JSON error body does not decode; the
		// *Error then has the text of the body.
		return c.apiError(st)
	case err != nil:
		return c.opError(op, fmt.Errorf("%w: %v", ErrMalformedResponse, err))
	}
	if want == "" {
		return nil
	}
	if err := checkMediaType(st.resp.Header, want); err != nil {
		return c.opError(op, err)
	}
	if want == mediaJSON && string(bytes.TrimSpace(r.GetBody())) == "null" {
		return c.opError(op, fmt.Errorf("%w: the body is null", ErrMalformedResponse))
	}
	return nil
}

// decoded returns v, what gen decoded from a 2xx JSON answer, or an error
// when gen decoded nothing: the answer had a 2xx status other than the one
// the operation documents.
func decoded[T any](c *Client, st *call, v *T) (*T, error) {
	if v == nil {
		return nil, c.opError(st.ep.op, fmt.Errorf("%w: status %d has no documented body", ErrMalformedResponse, st.resp.StatusCode))
	}
	return v, nil
}

// checkMediaType checks that the Content-Type of an answer names the media
// type want; parameters such as charset may follow.
func checkMediaType(h http.Header, want string) error {
	ct := h.Get("Content-Type")
	if ct == want {
		return nil // the usual case, which needs no parsing
	}
	if ct == "" {
		return fmt.Errorf("%w: the answer has no Content-Type, want %s", ErrMalformedResponse, want)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("%w: Content-Type %q is not a valid media type, want %s", ErrMalformedResponse, ct, want)
	}
	if mt == want {
		return nil
	}
	return fmt.Errorf("%w: media type is %s, want %s", ErrMalformedResponse, mt, want)
}

// backoff returns the delay before retry n (n from 1) under p: a random
// duration in [d/2, d] with d = min(BaseDelay*2^(n-1), MaxDelay). int64n
// returns a uniform number in [0, n), like math/rand/v2.Int64N.
func backoff(p RetryPolicy, n int, int64n func(int64) int64) time.Duration {
	d := max(p.BaseDelay, 0)
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	if d <= 0 {
		return 0
	}
	lo := d / 2
	return lo + time.Duration(int64n(int64(d-lo)+1))
}

// sleepCtx waits for d, or returns ctx's error as soon as ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
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

// apiError is the one constructor of *Error: the status of the answer and
// its body, redacted and cut to MaxErrorBody.
func (c *Client) apiError(st *call) *Error {
	body := c.redact(string(st.errBody))
	return &Error{Op: st.ep.op, StatusCode: st.resp.StatusCode, Body: cutText(strings.TrimSpace(body), MaxErrorBody)}
}

// cutText returns s cut to at most n bytes without splitting a UTF-8
// sequence.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if r != utf8.RuneError || size > 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// opError wraps err in an *OpError for op, hiding the credentials should the
// cause's text contain them.
func (c *Client) opError(op string, err error) *OpError {
	if msg := err.Error(); c.redact(msg) != msg {
		err = &redactedError{msg: c.redact(msg), err: err}
	}
	return &OpError{Op: op, Err: err}
}

// redactedMark replaces a credential in error text.
const redactedMark = "[REDACTED]"

// redact replaces the access token and the application id in s.
func (c *Client) redact(s string) string {
	if c == nil {
		return s
	}
	for _, secret := range [...]string{c.token, c.appID} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, redactedMark)
		}
	}
	return s
}

// redactedError shows a cleaned text but keeps the cause for errors.Is and
// errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
