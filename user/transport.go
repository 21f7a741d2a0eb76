package user

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Accept headers, listing the media types an operation documents for its
// answers.
const (
	acceptJSON     = "application/json"
	acceptText     = "text/plain"
	acceptJSONText = "application/json, text/plain"
)

// maxErrorRead bounds how much of a non-2xx body is read: enough for the
// JSON error bodies of HasFeatureAccess and for Error.Body, never the whole
// response limit.
const maxErrorRead = 64 << 10

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
}

// answer is a response whose body has been read and closed. It is passed
// by value: it is small, and a request then allocates one thing less.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// server is the base URL in the form gen's request builders resolve routes
// against: with a trailing slash, so that a path prefix is kept.
func (c *Client) server() string {
	if c == nil {
		return "/"
	}
	return c.baseStr + "/"
}

// jsonBody encodes v for an operation whose body is optional: a nil v sends
// no body and no Content-Type.
func jsonBody[T any](v *T) (io.Reader, string, error) {
	if v == nil {
		return nil, "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, "", fmt.Errorf("%w: cannot encode the request body: %v", ErrInvalidInput, err)
	}
	return bytes.NewReader(b), "application/json", nil
}

// do sends req, built by gen for ep, and returns the 2xx answer. A non-2xx
// answer is an *Error; anything else that goes wrong is an *OpError. GET
// requests are retried according to c.retry after a transport failure or a
// 502, 503 or 504 answer; other methods are sent once.
func (c *Client) do(ctx context.Context, ep endpoint, req *http.Request, buildErr error) (answer, error) {
	if c == nil || c.hc == nil || c.base == nil {
		return answer{}, &OpError{Op: ep.op, Err: fmt.Errorf("%w: the Client was not created with New", ErrInvalidInput)}
	}
	if buildErr != nil {
		return answer{}, c.opError(ep.op, buildErr)
	}
	if ctx == nil {
		return answer{}, c.opError(ep.op, fmt.Errorf("%w: nil context", ErrInvalidInput))
	}
	c.setHeaders(ep, req)

	attempts := 1
	if req.Method == http.MethodGet {
		attempts = max(c.retry.MaxAttempts, 1)
	}
	for attempt := 1; ; attempt++ {
		ans, retryable, err := c.roundTrip(ctx, req)
		if err == nil {
			retryable = retryableStatus(ans.status)
		}
		if !retryable || attempt >= attempts {
			switch {
			case err != nil:
				return answer{}, c.opError(ep.op, err)
			case ans.status/100 != 2:
				return answer{}, c.apiError(ep, ans)
			}
			return ans, nil
		}
		// A context that ended during the attempt ends the call here.
		if err := sleepCtx(ctx, backoff(c.retry, attempt, c.jitter)); err != nil {
			return answer{}, c.opError(ep.op, err)
		}
	}
}

// setHeaders adds the headers every operation sends: Accept, User-Agent and
// the credential its security names.
func (c *Client) setHeaders(ep endpoint, req *http.Request) {
	if req.Header.Get("Content-Type") == "" {
		// gen's builders add the header even for an empty content type.
		req.Header.Del("Content-Type")
	}
	if ep.accept != "" {
		req.Header.Set("Accept", ep.accept)
	}
	// An empty value keeps net/http from sending its own User-Agent.
	req.Header.Set("User-Agent", c.userAgent)
	switch {
	case ep.bearer && c.token != "":
		req.Header.Set("Authorization", "Bearer "+c.token)
	case !ep.bearer && c.appID != "":
		req.Header.Set("X-Application-ID", c.appID)
	}
}

// roundTrip makes one attempt. On failure it also says whether a GET may be
// tried again: transport failures may, an over-limit body may not.
//
// Each attempt sends a shallow copy of req bound to ctx, which costs less
// than a deep clone: only GET requests, which have no body, are sent more
// than once, and the transport never changes a request. An http.Client
// with a cookie jar adds the cookies to the headers of the request it is
// given, though, so then each attempt gets its own copy of the headers and
// a retry does not send the cookies twice.
func (c *Client) roundTrip(ctx context.Context, req *http.Request) (answer, bool, error) {
	r := req.WithContext(ctx)
	if c.hc.Jar != nil {
		r.Header = req.Header.Clone()
	}
	resp, err := c.hc.Do(r)
	if err != nil {
		return answer{}, true, err
	}
	defer resp.Body.Close()

	limit := c.maxBody
	if resp.StatusCode/100 != 2 {
		limit = min(limit, maxErrorRead)
	}
	body, err := readLimited(resp.Body, limit, resp.ContentLength)
	switch {
	case errors.Is(err, ErrResponseTooLarge) && resp.StatusCode/100 != 2:
		// An error answer is reported with the part that was read.
	case err != nil:
		return answer{}, !errors.Is(err, ErrResponseTooLarge), err
	}
	if r := rawResponseFrom(ctx); r != nil {
		*r = RawResponse{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: body}, false, nil
}

// maxPresize bounds the buffer readLimited allocates up front from the
// announced length of a body, so that a length that lies costs little.
const maxPresize = 1 << 20

// readLimited reads r to its end, or fails with ErrResponseTooLarge (and the
// first limit bytes) once it holds more than limit bytes. size is the
// length the answer announced, or -1 when unknown: a buffer of that size is
// allocated at once (up to maxPresize), where growing one step by step
// would copy the body several times over.
func readLimited(r io.Reader, limit, size int64) ([]byte, error) {
	n := limit // bytes to read at most: one more than the limit, to see it exceeded
	if n < math.MaxInt64 {
		n++
	}
	presize := int64(512)
	if size >= 0 {
		// One byte more than announced lets the final read see the end
		// without growing the buffer.
		presize = min(size+1, n, maxPresize)
	}
	body := make([]byte, 0, presize)
	for int64(len(body)) < n {
		if len(body) == cap(body) {
			body = append(body, 0)[:len(body)] // let append pick the growth
		}
		room := min(int64(cap(body)-len(body)), n-int64(len(body)))
		m, err := r.Read(body[len(body) : len(body)+int(room)])
		body = body[:len(body)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the response body: %w", err)
		}
	}
	if int64(len(body)) > limit {
		return body[:limit], fmt.Errorf("%w (more than %d bytes)", ErrResponseTooLarge, limit)
	}
	return body, nil
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
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

// apiError turns a non-2xx answer into an *Error.
func (c *Client) apiError(ep endpoint, ans answer) *Error {
	body := c.redact(string(ans.body))
	e := &Error{Op: ep.op, StatusCode: ans.status, Body: cutText(strings.TrimSpace(body), MaxErrorBody)}
	if !ep.jsonErrors || checkMediaType(ans.header, mediaJSON) != nil {
		return e
	}
	// The JSON bodies are decoded from the bytes received and their texts
	// redacted after decoding: a credential written with JSON escapes is
	// only readable once decoded.
	switch ans.status {
	case http.StatusBadRequest:
		var v HasFeatureAccessBadRequestError
		if decodeStrict(ans.body, &v) == nil {
			v.Code, v.Message = c.redact(v.Code), c.redact(v.Message)
			e.BadRequest = &v
		}
	case http.StatusUnprocessableEntity:
		var v HasFeatureAccessUnprocessableEntityError
		if decodeStrict(ans.body, &v) == nil {
			v.Message, v.Feature, v.ExpectedContextType = c.redact(v.Message), c.redact(v.Feature), c.redact(v.ExpectedContextType)
			e.Unprocessable = &v
		}
	}
	return e
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
