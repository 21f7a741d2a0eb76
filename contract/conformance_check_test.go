package contract

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// This file holds the machinery of the conformance test: a transport that
// records every exchange, a validator that checks one exchange against the
// spec with openapi3filter, and the table of documented statuses that the
// test must exercise.

// exchange is one request a transport sent and the answer it got, bodies
// included.
type exchange struct {
	method     string
	url        *url.URL
	header     http.Header
	body       []byte
	status     int
	respHeader http.Header
	respBody   []byte
	// op is the operationId the spec's router found for the request, set
	// once the exchange is validated.
	op string
}

// String names the exchange in messages, such as "POST /user/clear -> 204".
func (e *exchange) String() string {
	return fmt.Sprintf("%s %s -> %d", e.method, e.url.EscapedPath(), e.status)
}

// recorder is an http.RoundTripper that records every exchange and hands
// the client a response whose body it can still read. A WebSocket upgrade
// (101) is recorded without its body, which is the connection itself.
type recorder struct {
	next http.RoundTripper

	mu        sync.Mutex
	exchanges []*exchange
	taken     int // exchanges already consumed by take
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := &exchange{method: req.Method, url: cloneURL(req.URL), header: req.Header.Clone()}
	out := req
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("recorder: reading the request body: %w", err)
		}
		ex.body = body
		// The RoundTripper contract forbids changing req: send a copy
		// that carries the bytes read.
		out = req.Clone(req.Context())
		out.Body = io.NopCloser(bytes.NewReader(body))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		out.ContentLength = int64(len(body))
	}
	resp, err := r.next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	ex.status = resp.StatusCode
	ex.respHeader = resp.Header.Clone()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("recorder: reading the response body: %w", err)
		}
		ex.respBody = body
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	r.exchanges = append(r.exchanges, ex)
	r.mu.Unlock()
	return resp, nil
}

// take returns the exchanges recorded since the last call.
func (r *recorder) take() []*exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.exchanges[r.taken:])
	r.taken = len(r.exchanges)
	return out
}

// all returns every exchange recorded so far.
func (r *recorder) all() []*exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.exchanges)
}

func cloneURL(u *url.URL) *url.URL {
	c := *u
	if u.User != nil {
		user := *u.User
		c.User = &user
	}
	return &c
}

// validator checks exchanges against the spec. Its router matches only the
// server it was built for, so a request that went elsewhere fails too.
type validator struct {
	doc    *openapi3.T
	router routers.Router
	appID  string // the X-Application-ID the client was given
	token  string // the bearer token the client was given
}

// newValidator loads the spec, makes serverURL its only server and builds
// a router from it.
func newValidator(t *testing.T, serverURL, appID, token string) *validator {
	t.Helper()
	doc := loadSpec(t)
	doc.Servers = openapi3.Servers{{URL: serverURL}}
	router, err := legacy.NewRouter(doc, openapi3.AllowExtraSiblingFields(WebsocketExtension))
	if err != nil {
		t.Fatalf("build a router from %s: %v", specPath, err)
	}
	return &validator{doc: doc, router: router, appID: appID, token: token}
}

// options returns the openapi3filter options of every validation: each
// security scheme is checked for the credential the client was given, and
// a status the operation does not document fails.
func (v *validator) options() *openapi3filter.Options {
	return &openapi3filter.Options{
		IncludeResponseStatus:   true,
		AuthenticationFunc:      v.authenticate,
		SchemaValidationOptions: schemaOptions(),
	}
}

// schemaOptions are the options of every schema validation. kin-openapi
// checks date-time on its own but leaves uuid alone; the spec types the
// user path parameter as one.
func schemaOptions() []openapi3.SchemaValidationOption {
	return []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562)),
	}
}

// authenticate checks that the request carries the credential of the
// scheme, with the value the client was configured with. The schemes are
// read from the spec, so a new scheme that nothing checks fails here.
func (v *validator) authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	h := in.RequestValidationInput.Request.Header
	switch {
	case s.Type == "apiKey" && s.In == "header":
		got := h.Get(s.Name)
		switch {
		case got == "":
			return in.NewError(fmt.Errorf("scheme %s: no %s header", in.SecuritySchemeName, s.Name))
		case got != v.appID:
			return in.NewError(fmt.Errorf("scheme %s: %s is %q, want %q", in.SecuritySchemeName, s.Name, got, v.appID))
		}
		return nil
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		got := h.Get("Authorization")
		token, ok := strings.CutPrefix(got, "Bearer ")
		switch {
		case !ok || token == "":
			return in.NewError(fmt.Errorf("scheme %s: Authorization is %q, want \"Bearer <token>\"", in.SecuritySchemeName, got))
		case token != v.token:
			return in.NewError(fmt.Errorf("scheme %s: the bearer token is not the one the client was given", in.SecuritySchemeName))
		}
		return nil
	}
	return in.NewError(fmt.Errorf("scheme %s (type %s): the conformance test does not know how to check it", in.SecuritySchemeName, s.Type))
}

// checked is the outcome of validating one exchange.
type checked struct {
	op        string // operationId of the route the request matched
	websocket bool   // the operation is a WebSocket route
	// requestErr is why the request breaks the spec; nil when it keeps it.
	requestErr error
}

// check validates ex: it finds the operation, validates the request, and
// validates the response unless it is the upgrade of a WebSocket route.
// An error from the request side is returned in checked.requestErr, so a
// test that sends bad input on purpose can expect it; an error about the
// route or the response is returned as err. Every message names the
// operation and the status.
func (v *validator) check(ctx context.Context, ex *exchange) (checked, error) {
	req, err := http.NewRequestWithContext(ctx, ex.method, ex.url.String(), bytes.NewReader(ex.body))
	if err != nil {
		return checked{}, fmt.Errorf("%v: rebuild the request: %w", ex, err)
	}
	req.Header = ex.header.Clone()
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		return checked{}, fmt.Errorf("%v: no operation of the spec matches: %w", ex, err)
	}
	op := route.Operation
	res := checked{op: op.OperationID, websocket: op.Extensions[WebsocketExtension] == true}
	name := fmt.Sprintf("operation %s, status %d (%v)", op.OperationID, ex.status, ex)

	opts := v.options()
	reqIn := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(ctx, reqIn); err != nil {
		res.requestErr = fmt.Errorf("%s: request breaks the spec: %w", name, err)
	}

	if res.websocket {
		if ex.status != http.StatusSwitchingProtocols {
			return res, fmt.Errorf("%s: a WebSocket route answered %d, want 101 Switching Protocols", name, ex.status)
		}
		return res, nil
	}
	// Check the status against the spec by hand as well: the message then
	// says what the spec allows.
	if op.Responses.Status(ex.status) == nil && op.Responses.Default() == nil {
		return res, fmt.Errorf("%s: status %d is not documented; the spec documents %s",
			name, ex.status, strings.Join(documentedStatuses(op), ", "))
	}
	respIn := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqIn,
		Status:                 ex.status,
		Header:                 ex.respHeader,
		Options:                opts,
	}
	respIn.SetBodyBytes(ex.respBody)
	if err := openapi3filter.ValidateResponse(ctx, respIn); err != nil {
		return res, fmt.Errorf("%s: response breaks the spec: %w", name, err)
	}
	// openapi3filter does not look at the body of an answer documented
	// without content: it must be empty.
	if r := op.Responses.Status(ex.status); r != nil && r.Value != nil && len(r.Value.Content) == 0 && len(ex.respBody) != 0 {
		return res, fmt.Errorf("%s: the spec documents no body, got %d bytes: %.80q", name, len(ex.respBody), ex.respBody)
	}
	return res, nil
}

// documentedStatuses lists the response keys of op ("200", "500", ...) in
// order.
func documentedStatuses(op *openapi3.Operation) []string {
	if op.Responses == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(op.Responses.Map()))
}

// coverage is the table of every (operationId, status) pair the spec
// documents, read from the spec, with the pairs the test exercised and
// validated. It is safe for concurrent use by parallel subtests.
type coverage struct {
	mu   sync.Mutex
	want map[string]map[string]bool // operationId -> status -> exercised
}

// newCoverage reads every documented status of every operation of doc.
func newCoverage(doc *openapi3.T) *coverage {
	c := &coverage{want: make(map[string]map[string]bool)}
	for id, so := range specOperations(doc) {
		m := make(map[string]bool)
		for _, status := range documentedStatuses(so.op) {
			m[status] = false
		}
		c.want[id] = m
	}
	return c
}

// mark records that op answered status and that the exchange validated. A
// pair the spec does not document is an error.
func (c *coverage) mark(op string, status int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	statuses, ok := c.want[op]
	if !ok {
		return fmt.Errorf("operation %s is not in the spec", op)
	}
	key := strconv.Itoa(status)
	if _, ok := statuses[key]; !ok {
		return fmt.Errorf("operation %s: status %d is not documented", op, status)
	}
	statuses[key] = true
	return nil
}

// missing lists, in order, every documented pair not yet exercised, as
// "operationId status".
func (c *coverage) missing() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, op := range slices.Sorted(maps.Keys(c.want)) {
		for _, status := range slices.Sorted(maps.Keys(c.want[op])) {
			if !c.want[op][status] {
				out = append(out, op+" "+status)
			}
		}
	}
	return out
}

// pairs counts the documented pairs.
func (c *coverage) pairs() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.want {
		n += len(m)
	}
	return n
}
