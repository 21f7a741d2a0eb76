package user_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/user"
)

// apiOperation is one HTTP operation with the error statuses the contract
// documents for it.
type apiOperation struct {
	op       string
	statuses []int
	call     func(context.Context, *user.Client) error
}

// apiOperations lists the 15 HTTP operations.
func apiOperations() []apiOperation {
	p := apiProfile()
	return []apiOperation{
		{"clearUser", nil, func(ctx context.Context, c *user.Client) error { return c.Clear(ctx) }},
		{"refreshUser", []int{500}, func(ctx context.Context, c *user.Client) error { _, err := c.Refresh(ctx); return err }},
		{"selectUser", nil, func(ctx context.Context, c *user.Client) error {
			_, err := c.Select(ctx, &user.Auth0User{})
			return err
		}},
		{"updateUser", nil, func(ctx context.Context, c *user.Client) error {
			_, err := c.Update(ctx, &user.Profile{UserProfile: p})
			return err
		}},
		{"userAccessToken", []int{500}, func(ctx context.Context, c *user.Client) error { _, err := c.AccessToken(ctx); return err }},
		{"userAssociateEntity", []int{500}, func(ctx context.Context, c *user.Client) error { return c.AssociateEntity(ctx, "u1", "e1") }},
		{"userBetaStatus", []int{500, 511}, func(ctx context.Context, c *user.Client) error {
			_, err := c.SetBetaStatus(ctx, &user.UserBetaStatus{User: "u1"})
			return err
		}},
		{"userCheckout", []int{500}, func(ctx context.Context, c *user.Client) error { _, err := c.Checkout(ctx, nil); return err }},
		{"userDisassociateEntity", []int{500}, func(ctx context.Context, c *user.Client) error { return c.DisassociateEntity(ctx, "u1", "e1") }},
		{"userHasFeatureAccess", []int{400, 401, 404, 422, 500}, func(ctx context.Context, c *user.Client) error {
			_, err := c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
			return err
		}},
		{"userManageSubscriptions", []int{500}, func(ctx context.Context, c *user.Client) error {
			_, err := c.ManageSubscriptions(ctx, nil)
			return err
		}},
		{"userPaddleRefresh", []int{500}, func(ctx context.Context, c *user.Client) error { _, err := c.PaddleRefresh(ctx); return err }},
		{"userProviders", []int{500, 501}, func(ctx context.Context, c *user.Client) error { _, err := c.Providers(ctx); return err }},
		{"userSnapshot", nil, func(ctx context.Context, c *user.Client) error { _, err := c.Snapshot(ctx); return err }},
		{"userUpdateVanity", []int{404, 409, 500, 511}, func(ctx context.Context, c *user.Client) error {
			_, err := c.UpdateVanity(ctx, "ada")
			return err
		}},
	}
}

// statusSentinels maps each documented status to its sentinel.
var statusSentinels = map[int]error{
	400: user.ErrBadRequest,
	401: user.ErrUnauthorized,
	404: user.ErrNotFound,
	409: user.ErrConflict,
	422: user.ErrUnprocessable,
	500: user.ErrInternal,
	501: user.ErrNotImplemented,
	511: user.ErrNotSignedIn,
}

// TestErrorStatuses walks every operation and every status it documents,
// plus two it does not, and checks the *Error and the sentinels it matches.
func TestErrorStatuses(t *testing.T) {
	t.Parallel()
	badRequest := user.HasFeatureAccessBadRequestError{Code: "missing_context", Message: "the feature needs a context"}
	unprocessable := user.HasFeatureAccessUnprocessableEntityError{
		ExpectedContextType: "allowedCloudModels", Feature: "ALLOWED_CLOUD_MODELS", Message: "wrong context",
	}
	for _, op := range apiOperations() {
		for _, status := range append(op.statuses, http.StatusTeapot, http.StatusServiceUnavailable) {
			t.Run(fmt.Sprintf("%s/%d", op.op, status), func(t *testing.T) {
				t.Parallel()
				reply := apiReply{status: status, ctype: "text/plain; charset=utf-8", body: fmt.Sprintf("failure %d\n", status)}
				wantErr := &user.Error{Op: op.op, StatusCode: status, Body: fmt.Sprintf("failure %d", status)}
				if op.op == "userHasFeatureAccess" {
					switch status {
					case 400:
						reply = apiOK(t, badRequest)
						wantErr.Body, wantErr.BadRequest = reply.body, &badRequest
					case 422:
						reply = apiOK(t, unprocessable)
						wantErr.Body, wantErr.Unprocessable = reply.body, &unprocessable
					}
					reply.status = status
				}
				c, fake := apiStart(t, reply)
				fake.byPath["/user"] = apiOK(t, user.ReturnedUserProfile{User: apiPtr(apiProfile())})
				if op.op == "userSnapshot" {
					delete(fake.byPath, "/user")
				}

				err := op.call(t.Context(), c)
				e, ok := errors.AsType[*user.Error](err)
				if !ok {
					t.Fatalf("error = %v (%T), want an *Error", err, err)
				}
				if diff := cmp.Diff(wantErr, e); diff != "" {
					t.Errorf("*Error (-want +got):\n%s", diff)
				}
				if got := statusCode(err); got != status {
					t.Errorf("statusCode(err) = %d, want %d", got, status)
				}
				for code, sentinel := range statusSentinels {
					// The 401 of HasFeatureAccess is how it says that nobody is signed in.
					signedOut := sentinel == user.ErrNotSignedIn && op.op == "userHasFeatureAccess" && status == 401
					if got, want := errors.Is(err, sentinel), code == status || signedOut; got != want {
						t.Errorf("errors.Is(err, %v) = %v, want %v", sentinel, got, want)
					}
				}
				if msg := err.Error(); !strings.Contains(msg, op.op) || !strings.Contains(msg, fmt.Sprint(status)) {
					t.Errorf("error text %q names neither the operation nor the status", msg)
				}
			})
		}
	}
}

// TestErrorBodyIsCut checks that a long error body is cut to MaxErrorBody
// bytes without splitting a character.
func TestErrorBodyIsCut(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", maxErrorBody) // two bytes each
	c, _ := apiStart(t, apiReply{status: 500, ctype: "text/plain", body: "x" + long})
	_, err := c.Refresh(t.Context())
	e, ok := errors.AsType[*user.Error](err)
	if !ok {
		t.Fatalf("error = %v, want an *Error", err)
	}
	want := "x" + strings.Repeat("é", maxErrorBody/2-1)
	if e.Body != want {
		t.Errorf("Body has %d bytes, want %d (cut before the split character)", len(e.Body), len(want))
	}
}

// TestHasFeatureAccessBadJSONError checks that a 400 whose body is not the
// documented JSON is still an *Error with the text.
func TestHasFeatureAccessBadJSONError(t *testing.T) {
	t.Parallel()
	c, _ := apiStart(t, apiReply{status: 400, ctype: "application/json", body: `{"code":`})
	_, err := c.HasFeatureAccess(t.Context(), user.HasFeatureAccessEnumSENTRY, nil)
	e, ok := errors.AsType[*user.Error](err)
	if !ok || !errors.Is(err, user.ErrBadRequest) {
		t.Fatalf("error = %v, want an *Error matching ErrBadRequest", err)
	}
	if e.BadRequest != nil || e.Body != `{"code":` {
		t.Errorf("BadRequest = %+v, Body = %q; want nil and the raw text", e.BadRequest, e.Body)
	}
}

// TestRedirectIsNotFollowed checks that the default HTTP client hands a 3xx
// back as an *Error rather than carrying X-Application-ID elsewhere.
func TestRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("redirect followed to %s with X-Application-ID %q", r.URL, r.Header.Get("X-Application-ID"))
	}))
	defer target.Close()
	srv := httptest.NewServer(http.RedirectHandler(target.URL+"/user", http.StatusFound))
	defer srv.Close()
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithApplicationID(apiAppID))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Snapshot(t.Context())
	if got := statusCode(err); got != http.StatusFound {
		t.Fatalf("Snapshot error = %v, want an *Error with status 302", err)
	}
}

// TestTransportErrors checks that failures to reach Pieces OS are *Error
// values without a status, naming the operation, matching ErrUnreachable
// and keeping the cause; and that a context the caller cancelled is not
// taken for an unreachable Pieces OS.
func TestTransportErrors(t *testing.T) {
	t.Parallel()
	t.Run("deadline", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done() // answer only once the client gives up
		}))
		defer srv.Close()
		c := apiClient(t, srv)
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := c.Refresh(ctx)
		e, ok := errors.AsType[*user.Error](err)
		if !ok || e.Op != "refreshUser" || e.StatusCode != 0 {
			t.Fatalf("error = %v (%T), want an *Error of refreshUser without a status", err, err)
		}
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, user.ErrUnreachable) {
			t.Errorf("error %v does not match both context.DeadlineExceeded and ErrUnreachable", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		c := apiClient(t, srv)
		srv.Close()
		err := c.Clear(t.Context())
		e, ok := errors.AsType[*user.Error](err)
		if !ok || e.Op != "clearUser" || e.Err == nil || e.StatusCode != 0 {
			t.Fatalf("error = %v (%T), want an *Error of clearUser with a cause", err, err)
		}
		if !errors.Is(err, user.ErrUnreachable) || !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("a refused connection %v does not match ErrUnreachable and ECONNREFUSED", err)
		}
		if msg := err.Error(); !strings.Contains(msg, srv.URL) || !strings.HasSuffix(msg, "connection refused") || strings.Contains(msg, "\n") {
			t.Errorf("message %q: want one line naming %s and the cause", msg, srv.URL)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		t.Parallel()
		c, fake := apiStart(t, apiOK(t, apiProfile()))
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := c.Update(ctx, &user.Profile{})
		if !errors.Is(err, context.Canceled) || errors.Is(err, user.ErrUnreachable) {
			t.Errorf("error = %v, want context.Canceled and not ErrUnreachable", err)
		}
		if n := len(fake.requests()); n != 0 {
			t.Errorf("%d requests reached the server after cancel", n)
		}
	})
}

// TestNoSecretsInErrors checks that neither the access token nor the
// application id appears in the text of any error or of the Client, even
// when Pieces OS echoes them back.
func TestNoSecretsInErrors(t *testing.T) {
	t.Parallel()
	echo := func(w http.ResponseWriter, r *http.Request, status int, ctype string) {
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		fmt.Fprintf(w, "got %q and %q", r.Header.Get("Authorization"), r.Header.Get("X-Application-ID"))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/user/select":
			echo(w, r, 500, "text/plain")
		case "/user/has_feature_access":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"code":"bad","message":"app %s"}`, r.Header.Get("X-Application-ID"))
		case "/user/refresh":
			// A Content-Type that quotes the id lands in the malformed
			// response error.
			w.Header().Set("Content-Type", "text/x-"+r.Header.Get("X-Application-ID"))
			w.WriteHeader(200)
		default:
			echo(w, r, 404, "text/plain")
		}
	}))
	defer srv.Close()
	c := apiClient(t, srv)

	var errs []error
	_, err := c.Select(t.Context(), nil)
	errs = append(errs, err)
	_, err = c.HasFeatureAccess(t.Context(), user.HasFeatureAccessEnumSENTRY, nil)
	errs = append(errs, err)
	_, err = c.Refresh(t.Context())
	errs = append(errs, err)
	errs = append(errs, c.Clear(t.Context()))
	closed := httptest.NewServer(http.NotFoundHandler())
	down := apiClient(t, closed)
	closed.Close()
	_, err = down.AccessToken(t.Context())
	errs = append(errs, err)

	texts := []string{fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprint(c)}
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d did not fail", i)
		}
		texts = append(texts, fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), err.Error())
		if e, ok := errors.AsType[*user.Error](err); ok {
			texts = append(texts, e.Body, fmt.Sprintf("%+v", e.BadRequest))
		}
	}
	for _, s := range texts {
		if strings.Contains(s, apiToken) || strings.Contains(s, apiAppID) {
			t.Errorf("text shows a credential: %s", s)
		}
	}
	// The echo really happened: the server saw the credentials.
	if e, _ := errors.AsType[*user.Error](errs[0]); e == nil || !strings.Contains(e.Body, "Bearer [REDACTED]") {
		t.Errorf("Select error body = %v, want the echoed header with the token redacted", errs[0])
	}
}
