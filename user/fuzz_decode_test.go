package user_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// Credentials of the clients the decode fuzzer builds. Bodies may echo them;
// no error text may show them. They start with a capital letter that is
// not a hex digit, so that the end of an escape sequence in a quoted body
// (such as \x7f) followed by the rest of a credential cannot spell it.
const (
	fuzzAppID = "Qapp-5e0b17"
	fuzzToken = "Qtoken-91c4d2"
)

// decodeOp is one operation as FuzzDecodeAnswer drives it.
type decodeOp struct {
	id     string
	method string
	path   string // the route as the client sends it
	// media is the media type of the operation's 2xx body: application/json
	// or text/plain; empty when the client ignores the body.
	media string
	// call runs the operation; the result is nil when the call failed or
	// the operation has none.
	call func(ctx context.Context, c *user.Client) (any, error)
	// wire encodes a result as the body of a 200 answer that must decode
	// back to the same result; nil when the operation has no JSON result.
	wire func(v any) ([]byte, error)
}

// result turns a method's typed result into the fuzzer's, keeping a nil
// pointer nil.
func result[T any](v *T, err error) (any, error) {
	if v == nil {
		return nil, err
	}
	return v, err
}

func wireJSON(v any) ([]byte, error) { return json.Marshal(v) }

// decodeOps lists the 17 HTTP operations.
func decodeOps() []decodeOp {
	return []decodeOp{
		{"userSnapshot", "GET", "/user", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) { return result(c.Snapshot(ctx)) },
			func(v any) ([]byte, error) {
				// Written by hand: ReturnedUserProfile omits a zero user.
				p, err := json.Marshal(v)
				return append(append([]byte(`{"user":`), p...), '}'), err
			}},
		{"refreshUser", "GET", "/user/refresh", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) { return result(c.Refresh(ctx)) }, wireJSON},
		{"selectUser", "POST", "/user/select", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) {
				return result(c.Select(ctx, &user.Auth0User{Name: "Ada"}))
			}, wireJSON},
		{"updateUser", "POST", "/user/update", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) {
				p := usertest.DefaultProfile()
				return result(c.Update(ctx, &user.Profile{UserProfile: p}))
			}, wireJSON},
		{"userUpdateVanity", "POST", "/user/update/vanity", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) { return result(c.UpdateVanity(ctx, "augusta")) }, wireJSON},
		{"userAccessToken", "GET", "/user/access_token", "text/plain",
			func(ctx context.Context, c *user.Client) (any, error) {
				tok, err := c.AccessToken(ctx)
				if tok == "" {
					return nil, err
				}
				return tok, err
			}, nil},
		{"userAssociateEntity", "POST", "/user/u1/entities/associate/e1", "",
			func(ctx context.Context, c *user.Client) (any, error) { return nil, c.AssociateEntity(ctx, "u1", "e1") }, nil},
		{"userDisassociateEntity", "POST", "/user/u1/entities/disassociate/e1", "",
			func(ctx context.Context, c *user.Client) (any, error) {
				return nil, c.DisassociateEntity(ctx, "u1", "e1")
			}, nil},
		{"userBetaStatus", "POST", "/user/beta/status", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) {
				return result(c.SetBetaStatus(ctx, &user.UserBetaStatus{User: "u1"}))
			}, wireJSON},
		{"userCheckout", "POST", "/user/checkout", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) { return result(c.Checkout(ctx, nil)) }, wireJSON},
		{"userHasFeatureAccess", "POST", "/user/has_feature_access", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) {
				return result(c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil))
			}, wireJSON},
		{"userManageSubscriptions", "POST", "/user/manage/subscriptions", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) { return result(c.ManageSubscriptions(ctx, nil)) }, wireJSON},
		{"userPaddleRefresh", "GET", "/user/paddle/refresh", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) { return result(c.PaddleRefresh(ctx)) }, wireJSON},
		{"userProviders", "GET", "/user/providers", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) { return result(c.Providers(ctx)) }, wireJSON},
		{"clearUser", "POST", "/user/clear", "",
			func(ctx context.Context, c *user.Client) (any, error) { return nil, c.Clear(ctx) }, nil},
		{"signIntoOs", "POST", "/os/sign_in", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) { return result(c.SignIn(ctx)) }, wireJSON},
		{"signOutOfOs", "POST", "/os/sign_out", "application/json",
			func(ctx context.Context, c *user.Client) (any, error) { return result(c.SignOut(ctx)) }, wireJSON},
	}
}

// cannedTransport answers the request of one operation with a fixed status,
// Content-Type and body, without a network. UpdateVanity's first request,
// GET /user, gets a valid profile.
type cannedTransport struct {
	op      decodeOp
	status  int
	ctype   string // empty sends no Content-Type
	body    []byte
	profile []byte // the answer to GET /user before POST /user/update/vanity
	sent    int    // requests for op
	stray   []string
}

func (rt *cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	status, ctype, body := rt.status, rt.ctype, rt.body
	switch {
	case req.Method == rt.op.method && req.URL.EscapedPath() == rt.op.path:
		rt.sent++
	case rt.op.id == "userUpdateVanity" && req.Method == "GET" && req.URL.EscapedPath() == "/user":
		status, ctype, body = http.StatusOK, "application/json", rt.profile
	default:
		rt.stray = append(rt.stray, req.Method+" "+req.URL.String())
		status, ctype, body = http.StatusTeapot, "text/plain", []byte("unexpected request")
	}
	h := http.Header{}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

// decodeCase is one input of FuzzDecodeAnswer.
type decodeCase struct {
	op     decodeOp
	status int
	ctype  string
	body   []byte
	limit  int64 // 0 keeps the default limit
}

// runDecodeCase sends one call through a cannedTransport and returns what
// the method returned. reached is false when the call ended, as it should,
// before the request of its route.
func runDecodeCase(t *testing.T, dc decodeCase, profile []byte) (v any, err error, reached bool) {
	t.Helper()
	rt := &cannedTransport{op: dc.op, status: dc.status, ctype: dc.ctype, body: dc.body, profile: profile}
	opts := []user.Option{
		user.WithBaseURL("http://127.0.0.1:39300"),
		user.WithHTTPClient(&http.Client{Transport: rt}),
		user.WithApplicationID(fuzzAppID),
		user.WithAccessToken(fuzzToken),
		user.WithRetry(1, user.Backoff{Min: time.Millisecond, Max: time.Millisecond}),
	}
	if dc.limit > 0 {
		opts = append(opts, user.WithMaxResponseBytes(dc.limit))
	}
	c, err := user.New(opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	v, err = dc.op.call(context.Background(), c)
	if len(rt.stray) > 0 || rt.sent > 1 {
		t.Fatalf("%s sent %d requests to its route and these elsewhere: %v", dc.op.id, rt.sent, rt.stray)
	}
	if rt.sent == 0 {
		// Only UpdateVanity may stop before its route: when the profile
		// it reads first is over the limit.
		if dc.op.id != "userUpdateVanity" || int64(len(profile)) <= dc.limit || dc.limit == 0 {
			t.Fatalf("%s sent no request to its route (error %v)", dc.op.id, err)
		}
		if e, ok := errors.AsType[*user.Error](err); v != nil || !ok || e.Op != "userSnapshot" || !errors.Is(err, user.ErrResponseTooLarge) {
			t.Fatalf("UpdateVanity with a profile over the limit = %v, %v; want an *Error of userSnapshot wrapping ErrResponseTooLarge", v, err)
		}
		return nil, nil, false
	}
	return v, err, true
}

// checkDecodeResult checks the contract of every method: a complete value
// with a nil error, or no value and an *Error of the operation, with the
// status of a non-2xx answer or with the cause for a 2xx that cannot be
// used, whose text never shows a credential.
func checkDecodeResult(t *testing.T, dc decodeCase, v any, err error) {
	t.Helper()
	if v != nil && err != nil {
		t.Fatalf("%s returned both a value %#v and an error %v", dc.op.id, v, err)
	}
	if err != nil {
		for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(s, fuzzAppID) || strings.Contains(s, fuzzToken) {
				t.Fatalf("%s: error text shows a credential: %s", dc.op.id, s)
			}
		}
	}
	apiErr, isAPI := errors.AsType[*user.Error](err)

	limit := dc.limit
	if limit == 0 {
		limit = defaultMaxBody
	}
	if dc.status/100 != 2 {
		if !isAPI || apiErr.StatusCode != dc.status || apiErr.Op != dc.op.id {
			t.Fatalf("%s answered %d: error %v (%T), want an *Error of the operation with that status", dc.op.id, dc.status, err, err)
		}
		if len(apiErr.Body) > maxErrorBody {
			t.Fatalf("%s: Error.Body has %d bytes, more than MaxErrorBody", dc.op.id, len(apiErr.Body))
		}
		if strings.Contains(apiErr.Body, fuzzAppID) || strings.Contains(apiErr.Body, fuzzToken) {
			t.Fatalf("%s: Error.Body shows a credential: %q", dc.op.id, apiErr.Body)
		}
		if apiErr.BadRequest != nil && (dc.op.id != "userHasFeatureAccess" || dc.status != 400) ||
			apiErr.Unprocessable != nil && (dc.op.id != "userHasFeatureAccess" || dc.status != 422) {
			t.Fatalf("%s answered %d: unexpected decoded error body %+v", dc.op.id, dc.status, apiErr)
		}
		if apiErr.BadRequest != nil {
			checkReencodes(t, apiErr.BadRequest, &user.HasFeatureAccessBadRequestError{})
		}
		if apiErr.Unprocessable != nil {
			checkReencodes(t, apiErr.Unprocessable, &user.HasFeatureAccessUnprocessableEntityError{})
		}
		return
	}

	switch {
	case err == nil && dc.op.media != "" && v == nil:
		t.Fatalf("%s: no value and no error", dc.op.id)
	case err == nil:
	case !isAPI || apiErr.Op != dc.op.id || apiErr.StatusCode != 0:
		t.Fatalf("%s answered %d: error %v (%T), want an *Error of the operation without a status", dc.op.id, dc.status, err, err)
	case dc.op.id == "userSnapshot" && errors.Is(err, user.ErrNotSignedIn):
	case errors.Is(err, user.ErrResponseTooLarge):
		if int64(len(dc.body)) <= limit {
			t.Fatalf("%s: ErrResponseTooLarge for %d bytes under a limit of %d", dc.op.id, len(dc.body), limit)
		}
	case errors.Is(err, user.ErrMalformedResponse):
		if dc.op.media == "" {
			t.Fatalf("%s ignores its body, yet reported %v", dc.op.id, err)
		}
	default:
		t.Fatalf("%s answered %d: error %v is neither ErrMalformedResponse nor ErrResponseTooLarge", dc.op.id, dc.status, err)
	}
	if int64(len(dc.body)) > limit && err == nil {
		t.Fatalf("%s accepted %d bytes over a limit of %d", dc.op.id, len(dc.body), limit)
	}
	if tok, ok := v.(string); ok && tok != strings.TrimSpace(string(dc.body)) {
		t.Fatalf("AccessToken = %q from the body %q", tok, dc.body)
	}
}

// checkReencodes checks that v survives a JSON round trip through a value
// of the same type.
func checkReencodes[T any](t *testing.T, v, into *T) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encoding %T: %v", v, err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatalf("decoding re-encoded %T: %v", v, err)
	}
	if diff := cmp.Diff(v, into); diff != "" {
		t.Fatalf("%T changed in a round trip (-before +after):\n%s", v, diff)
	}
}

// profileFields compares two Profiles by the fields they decoded, as their
// JSON may differ in spacing and member order.
var profileFields = cmp.Comparer(func(a, b user.Profile) bool { return cmp.Equal(a.UserProfile, b.UserProfile) })

// decodeSeeds are the f.Add seeds of FuzzDecodeAnswer: a valid answer of
// every operation, and the usual ways answers go wrong.
type decodeSeed struct {
	op     string
	status int
	ctype  string
	body   string
	limit  uint16
	want   string // outcome: ok, signed out, malformed, too large or status
}

func decodeSeeds(t testing.TB) []decodeSeed {
	profile := usertest.DefaultProfile()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("encoding a seed: %v", err)
		}
		return string(b)
	}
	full := enc(profile)
	ref := user.ReferencedUser{ID: profile.ID}
	seeds := []decodeSeed{
		{"userSnapshot", 200, "application/json", enc(user.ReturnedUserProfile{User: apiPtr(profile)}), 0, "ok"},
		{"userSnapshot", 200, "application/json", `{}`, 0, "signed out"},
		{"userSnapshot", 200, "application/json", `{"user":null}`, 0, "signed out"},
		{"refreshUser", 200, "application/json; charset=utf-8", full, 0, "ok"},
		{"refreshUser", 200, "application/json", full[:len(full)/2], 0, "malformed"},
		{"refreshUser", 200, "text/html", full, 0, "malformed"},
		{"refreshUser", 200, "", full, 0, "malformed"},
		{"refreshUser", 200, "application/json", full, 64, "too large"},
		{"selectUser", 200, "application/json", full, 0, "ok"},
		{"updateUser", 200, "application/json", full, 0, "ok"},
		{"userUpdateVanity", 200, "application/json", full, 0, "ok"},
		{"userUpdateVanity", 409, "text/plain", "vanity name taken", 0, "status"},
		{"userAccessToken", 200, "text/plain; charset=utf-8", "eyJhbGciOiJIUzI1NiJ9.e30.sig\n", 0, "ok"},
		{"userAccessToken", 200, "text/plain", " \n", 0, "malformed"},
		{"userAccessToken", 200, "application/json", `"token"`, 0, "malformed"},
		{"userAssociateEntity", 204, "", "", 0, "ok"},
		{"userDisassociateEntity", 200, "text/plain", "OK", 0, "ok"},
		{"userBetaStatus", 200, "application/json", enc(user.UserBetaStatus{User: profile.ID}), 0, "ok"},
		{"userBetaStatus", 511, "text/plain", "sign in first", 0, "status"},
		{"userCheckout", 200, "application/json", enc(user.UserCheckoutOutput{User: ref}), 0, "ok"},
		{"userHasFeatureAccess", 200, "application/json", `{"canUse":true,"enabled":true,"isEnterpriseUser":false,"reason":"plan"}`, 0, "ok"},
		{"userHasFeatureAccess", 400, "application/json", `{"code":"bad_feature","message":"no such feature"}`, 0, "status"},
		{"userHasFeatureAccess", 400, "application/json", `{"code":"bad","message":"echo ` + fuzzAppID + `"}`, 0, "status"},
		{"userHasFeatureAccess", 400, "text/plain", "feature is missing", 0, "status"},
		{"userHasFeatureAccess", 422, "application/json", `{"expectedContextType":"asset","feature":"SHARE_SNIPPET","message":"context does not fit"}`, 0, "status"},
		{"userHasFeatureAccess", 422, "text/plain", "context does not fit", 0, "status"},
		{"userManageSubscriptions", 200, "application/json", enc(user.UserManageSubscriptionsOutput{User: ref}), 0, "ok"},
		{"userPaddleRefresh", 200, "application/json", enc(user.RefreshedPaddleUser{User: profile}), 0, "ok"},
		{"userProviders", 200, "application/json", enc(user.ReturnedUserProfile{User: apiPtr(profile)}), 0, "ok"},
		{"userProviders", 501, "text/plain", "only the cloud serves this route", 0, "status"},
		{"clearUser", 204, "", "", 0, "ok"},
		{"clearUser", 500, "text/plain", "got Bearer " + fuzzToken + " and " + fuzzAppID, 0, "status"},
		{"refreshUser", 503, "text/plain", strings.Repeat("busy ", 2000), 0, "status"},
		{"refreshUser", 302, "", "", 0, "status"},
		{"clearUser", 200, "text/plain", strings.Repeat("x", 65), 64, "too large"},
		{"signIntoOs", 200, "application/json", full, 0, "ok"},
		{"signIntoOs", 500, "text/plain", "the sign-in was abandoned", 0, "status"},
		{"signOutOfOs", 200, "application/json", enc(user.Users{Iterable: []user.UserProfile{profile}}), 0, "ok"},
		{"signOutOfOs", 200, "application/json", `{}`, 0, "ok"},
		{"refreshUser", 200, "application/json", `{"id":"u1","allocation":{"version":11},"created":{"value":12}}`, 0, "ok"},
		{"refreshUser", 200, "application/json", `["u1"]`, 0, "malformed"},
	}
	return seeds
}

// opIndex returns the index of the operation id in decodeOps.
func opIndex(t testing.TB, ops []decodeOp, id string) uint8 {
	for i, op := range ops {
		if op.id == id {
			return uint8(i)
		}
	}
	t.Fatalf("no operation %q", id)
	return 0
}

// FuzzDecodeAnswer drives every HTTP operation through the client's real
// request and decode path with an answer made of the fuzzed status (200 to
// 599), Content-Type and body, under the fuzzed response limit (0 keeps
// the default). It checks that a call returns either a complete value and
// no error, or an *Error: with the status of a non-2xx answer, or wrapping
// ErrMalformedResponse or ErrResponseTooLarge for a 2xx; never both; that no
// error shows a credential, even when the body echoes it; and that every
// value the client accepts re-encodes to an answer it accepts again,
// decoding to the same value, so it holds every required member.
func FuzzDecodeAnswer(f *testing.F) {
	ops := decodeOps()
	for _, s := range decodeSeeds(f) {
		f.Add(opIndex(f, ops, s.op), s.status, s.ctype, []byte(s.body), s.limit)
	}
	profile, err := json.Marshal(user.ReturnedUserProfile{User: apiPtr(usertest.DefaultProfile())})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, op uint8, status int, ctype string, body []byte, limit uint16) {
		st := status % 400
		if st < 0 {
			st += 400
		}
		dc := decodeCase{op: ops[int(op)%len(ops)], status: 200 + st, ctype: ctype, body: body, limit: int64(limit)}
		v, err, reached := runDecodeCase(t, dc, profile)
		if !reached {
			return
		}
		checkDecodeResult(t, dc, v, err)
		if v == nil || dc.op.wire == nil {
			return
		}
		again, err := dc.op.wire(v)
		if err != nil {
			t.Fatalf("%s: re-encoding %#v: %v", dc.op.id, v, err)
		}
		v2, err, _ := runDecodeCase(t, decodeCase{op: dc.op, status: 200, ctype: "application/json", body: again}, profile)
		if err != nil {
			t.Fatalf("%s: the re-encoded value is refused: %v\nbody: %s", dc.op.id, err, again)
		}
		if diff := cmp.Diff(v, v2, profileFields); diff != "" {
			t.Fatalf("%s: the value changed in a round trip (-first +second):\n%s", dc.op.id, diff)
		}
	})
}

// TestDecodeSeeds runs the seeds of FuzzDecodeAnswer as ordinary tests with
// the outcome each must have, so that a change in how answers are judged
// shows up even without fuzzing.
func TestDecodeSeeds(t *testing.T) {
	t.Parallel()
	ops := decodeOps()
	profile, err := json.Marshal(user.ReturnedUserProfile{User: apiPtr(usertest.DefaultProfile())})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range decodeSeeds(t) {
		t.Run(fmt.Sprintf("%d-%s-%d", i, s.op, s.status), func(t *testing.T) {
			t.Parallel()
			dc := decodeCase{op: ops[opIndex(t, ops, s.op)], status: s.status, ctype: s.ctype, body: []byte(s.body), limit: int64(s.limit)}
			v, err, _ := runDecodeCase(t, dc, profile)
			checkDecodeResult(t, dc, v, err)
			var got string
			switch {
			case err == nil:
				got = "ok"
			case statusCode(err) != 0:
				got = "status"
			case errors.Is(err, user.ErrNotSignedIn):
				got = "signed out"
			case errors.Is(err, user.ErrMalformedResponse):
				got = "malformed"
			case errors.Is(err, user.ErrResponseTooLarge):
				got = "too large"
			default:
				got = err.Error()
			}
			if got != s.want {
				t.Errorf("outcome %q (%v), want %q", got, err, s.want)
			}
		})
	}
}
