package user_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// Credentials of the status tests; the health and version routes must
// carry neither.
const (
	stAppID = "status-app-5b8e01"
	stToken = "status-token-c47d9a"
)

// stClient returns a client with both credentials for base, sending each
// request once.
func stClient(t *testing.T, base string) *user.Client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := user.New(
		user.WithBaseURL(base),
		user.WithHTTPClient(&http.Client{Transport: tr}),
		user.WithApplicationID(stAppID),
		user.WithAccessToken(stToken),
		user.WithRetry(1, user.Backoff{Min: time.Millisecond, Max: time.Millisecond}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestHealthAndVersionFake calls both routes on the fake: the text forms,
// the migrating state, and no credentials on the wire.
func TestHealthAndVersionFake(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := stClient(t, srv.URL)
	ctx := t.Context()

	h, err := c.Health(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (user.Health{Ready: true, ID: srv.HealthID(), Text: "ok:" + srv.HealthID()}); h != want {
		t.Errorf("Health = %+v, want %+v", h, want)
	}
	srv.SetMigrating(true)
	if h, err := c.Health(ctx); err != nil || h.Text != "migrating" || h.Ready {
		t.Errorf("Health while migrating = %+v, %v", h, err)
	}

	v, err := c.Version(ctx)
	if err != nil || v.String() != usertest.DefaultVersion || v.Check() != nil {
		t.Errorf("Version = %+v, %v; want %s", v, err, usertest.DefaultVersion)
	}
	for text, want := range map[string]user.Version{
		`"12.6.29-staging"`: {Major: 12, Minor: 6, Patch: 29, Pre: "staging", Raw: "12.6.29-staging"},
		"debug":             {Debug: true, Raw: "debug"},
	} {
		if err := srv.SetVersion(text); err != nil {
			t.Fatal(err)
		}
		if got, err := c.Version(ctx); err != nil || got != want {
			t.Errorf("Version with %q = %+v, %v; want %+v", text, got, err, want)
		}
	}

	if err := srv.SetVersion("<html>not a version</html>"); err != nil {
		t.Fatal(err)
	}
	_, err = c.Version(ctx)
	if e, ok := errors.AsType[*user.Error](err); !ok || e.Op != "version" || !errors.Is(err, user.ErrMalformedResponse) {
		t.Errorf("Version of a text that is not one = %v, want an *Error of version matching ErrMalformedResponse", err)
	}

	for _, r := range srv.Requests() {
		if r.Header.Get("X-Application-ID") != "" || r.Header.Get("Application") != "" || r.Header.Get("Authorization") != "" {
			t.Errorf("%s %s carried credentials", r.Method, r.Path)
		}
		if r.Header.Get("Accept") != "text/plain, application/json" {
			t.Errorf("%s %s: Accept %q", r.Method, r.Path, r.Header.Get("Accept"))
		}
	}
}

// TestHealthAndVersionErrors checks the answers that are errors: statuses
// other than 2xx are *Error with the routes' Op, except a "migrating" text.
func TestHealthAndVersionErrors(t *testing.T) {
	t.Parallel()
	status, body := http.StatusServiceUnavailable, "migrating"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	c := stClient(t, srv.URL)
	ctx := t.Context()

	if h, err := c.Health(ctx); err != nil || h.Ready {
		t.Errorf("Health of 503 migrating = %+v, %v; want migrating", h, err)
	}
	status, body = http.StatusNotFound, "no route"
	_, err := c.Health(ctx)
	if e, ok := errors.AsType[*user.Error](err); !ok || e.Op != "health" || !errors.Is(err, user.ErrNotFound) {
		t.Errorf("Health of 404 = %v, want an *Error of health", err)
	}
	_, err = c.Version(ctx)
	if e, ok := errors.AsType[*user.Error](err); !ok || e.Op != "version" || e.Body != "no route" {
		t.Errorf("Version of 404 = %v, want an *Error of version", err)
	}
	status, body = 593, "update"
	if _, err := c.Version(ctx); !errors.Is(err, user.ErrUpdateRequired) {
		t.Errorf("Version of 593 = %v, want ErrUpdateRequired", err)
	}
	status, body = http.StatusOK, ""
	if _, err := c.Version(ctx); !errors.Is(err, user.ErrMalformedResponse) {
		t.Errorf("Version of an empty 200 = %v, want ErrMalformedResponse", err)
	}

	var nilClient *user.Client
	if _, err := nilClient.Health(ctx); !errors.Is(err, user.ErrInvalidInput) {
		t.Errorf("Health on a nil Client = %v, want ErrInvalidInput", err)
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := c.Version(nil); !errors.Is(err, user.ErrInvalidInput) {
		t.Errorf("Version(nil) = %v, want ErrInvalidInput", err)
	}
}

// TestMiddlewareStatuses checks the statuses the auth middleware of Pieces
// OS may answer on any operation: 401 matches ErrUnauthorized and 593
// ErrUpdateRequired, on GET and POST operations alike.
func TestMiddlewareStatuses(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := stClient(t, srv.URL)
	ctx := t.Context()
	calls := map[string]func() error{
		"userSnapshot":    func() error { _, err := c.Snapshot(ctx); return err },
		"clearUser":       func() error { return c.Clear(ctx) },
		"userAccessToken": func() error { _, err := c.AccessToken(ctx); return err },
		"userProviders":   func() error { _, err := c.Providers(ctx); return err },
	}
	for op, call := range calls {
		for _, tc := range []struct {
			status int
			target error
			text   string
		}{
			{http.StatusUnauthorized, user.ErrUnauthorized, "unauthorized (401)"},
			{593, user.ErrUpdateRequired, "Pieces OS update required (593)"},
		} {
			if err := srv.FailNext(op, 1, tc.status, "refused by the middleware"); err != nil {
				t.Fatal(err)
			}
			err := call()
			e, ok := errors.AsType[*user.Error](err)
			if !ok || e.Op != op || !errors.Is(err, tc.target) || !strings.Contains(err.Error(), tc.text) || e.Body != "refused by the middleware" {
				t.Errorf("%s answering %d: %v; want an *Error matching %v", op, tc.status, err, tc.target)
			}
		}
	}
	if errors.Is(&user.Error{StatusCode: 593}, user.ErrUnauthorized) || !errors.Is(&user.Error{StatusCode: 593}, user.ErrUpdateRequired) {
		t.Error("593 matches the wrong sentinel")
	}
}

// TestHealthIsSentOnce checks that Health and Version make one request
// even when the answer is one that GET calls retry (503): they are probes,
// and their caller polls.
func TestHealthIsSentOnce(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "migrating")
	}))
	t.Cleanup(srv.Close)
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithRetry(3, user.Backoff{Min: time.Millisecond, Max: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	if h, err := c.Health(t.Context()); err != nil || h.Ready {
		t.Fatalf("Health = %+v, %v; want migrating", h, err)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("Health sent %d requests, want 1", n)
	}
	requests.Store(0)
	_, err = c.Version(t.Context())
	if n := requests.Load(); n != 1 || statusCode(err) != http.StatusServiceUnavailable {
		t.Errorf("Version sent %d requests and returned %v, want 1 request and the 503", n, err)
	}
	// Snapshot, an ordinary GET, is retried.
	requests.Store(0)
	_, err = c.Snapshot(t.Context())
	if n := requests.Load(); n != 3 || statusCode(err) != http.StatusServiceUnavailable {
		t.Errorf("Snapshot sent %d requests and returned %v, want 3 requests and the 503", n, err)
	}
}
