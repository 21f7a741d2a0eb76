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

	"github.com/google/go-cmp/cmp"

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
		user.WithRetryPolicy(user.RetryPolicy{MaxAttempts: 1}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want user.Version
		kind user.Kind
	}{
		{"12.4.1", user.Version{Major: 12, Minor: 4, Patch: 1, Raw: "12.4.1"}, user.KindProduction},
		{" 12.6.29-staging\n", user.Version{Major: 12, Minor: 6, Patch: 29, Pre: "staging", Raw: "12.6.29-staging"}, user.KindStaging},
		{`"12.6.29-staging"`, user.Version{Major: 12, Minor: 6, Patch: 29, Pre: "staging", Raw: "12.6.29-staging"}, user.KindStaging},
		{"debug", user.Version{Debug: true, Raw: "debug"}, user.KindDebug},
		{`"DEBUG"`, user.Version{Debug: true, Raw: "DEBUG"}, user.KindDebug},
		{"v13.0.0-beta.2+g1a2b", user.Version{Major: 13, Pre: "beta.2", Build: "g1a2b", Raw: "v13.0.0-beta.2+g1a2b"}, user.KindOther},
		{"12.7", user.Version{Major: 12, Minor: 7, Raw: "12.7"}, user.KindProduction},
		{"12.7.0-debug", user.Version{Major: 12, Minor: 7, Pre: "debug", Debug: true, Raw: "12.7.0-debug"}, user.KindDebug},
		{"12.8.0-staging.3", user.Version{Major: 12, Minor: 8, Pre: "staging.3", Raw: "12.8.0-staging.3"}, user.KindStaging},
	}
	for _, tt := range tests {
		got, err := user.ParseVersion(tt.in)
		if err != nil {
			t.Errorf("ParseVersion(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseVersion(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.Kind() != tt.kind {
			t.Errorf("ParseVersion(%q).Kind() = %q, want %q", tt.in, got.Kind(), tt.kind)
		}
	}
	for _, in := range []string{"", "  ", `""`, "twelve", "12.x.1", "1.2.3.4", "12..1", "-staging", "+12.0.0", "12.-1.0", "<html>"} {
		if v, err := user.ParseVersion(in); err == nil {
			t.Errorf("ParseVersion(%q) = %+v, want an error", in, v)
		} else if !strings.Contains(err.Error(), "not a version") {
			t.Errorf("ParseVersion(%q): error %q does not say it is not a version", in, err)
		}
	}
	if k := (user.Version{}).Kind(); k != user.KindUnknown {
		t.Errorf("zero Version: Kind() = %q, want unknown", k)
	}
	if s := (user.Version{Major: 12, Minor: 1, Pre: "staging"}).String(); s != "12.1.0-staging" {
		t.Errorf("String() of a Version built by hand = %q", s)
	}
}

func TestVersionWindow(t *testing.T) {
	t.Parallel()
	w := user.DefaultVersionWindow()
	if got := w.String(); got != ">=12.0.0 <13.0.0" {
		t.Errorf("DefaultVersionWindow() = %s, want >=12.0.0 <13.0.0", got)
	}
	for in, want := range map[string]bool{
		"12.0.0": true, "12.4.1": true, "12.6.29-staging": true, "12.99.99": true, "debug": true,
		"11.9.9": false, "13.0.0": false, "13.0.0-beta": false, "1.0.0": false,
	} {
		v, err := user.ParseVersion(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Contains(v); got != want {
			t.Errorf("Contains(%s) = %v, want %v", in, got, want)
		}
		err = w.Check(v)
		if want != (err == nil) || (!want && !errors.Is(err, user.ErrIncompatibleVersion)) {
			t.Errorf("Check(%s) = %v, want nil: %v", in, err, want)
		}
	}
	if w.Contains(user.Version{}) || !errors.Is(w.Check(user.Version{}), user.ErrIncompatibleVersion) {
		t.Error("the zero Version is in the window")
	}
	old, _ := user.ParseVersion("11.2.0")
	if err := w.Check(old); !strings.Contains(err.Error(), "update Pieces OS") {
		t.Errorf("Check(11.2.0) = %v, want advice to update Pieces OS", err)
	}
	newer, _ := user.ParseVersion("13.1.0")
	if err := w.Check(newer); !strings.Contains(err.Error(), "update this client library") {
		t.Errorf("Check(13.1.0) = %v, want advice to update the library", err)
	}
}

func TestParseHealth(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]user.Health{
		"ok:0b6f1d3e-8a3b-4c8e-9d51-2f7f3f1c6a10": {State: user.HealthReady, ID: "0b6f1d3e-8a3b-4c8e-9d51-2f7f3f1c6a10", Text: "ok:0b6f1d3e-8a3b-4c8e-9d51-2f7f3f1c6a10"},
		`"ok:abc"`:     {State: user.HealthReady, ID: "abc", Text: "ok:abc"},
		"OK\n":         {State: user.HealthReady, Text: "OK"},
		"migrating":    {State: user.HealthMigrating, Text: "migrating"},
		`"Migrating"`:  {State: user.HealthMigrating, Text: "Migrating"},
		"starting up":  {State: user.HealthUnknown, Text: "starting up"},
		"":             {State: user.HealthUnknown},
		`{"ok":true}`:  {State: user.HealthUnknown, Text: `{"ok":true}`},
		`"unterminate`: {State: user.HealthUnknown, Text: `"unterminate`},
	} {
		got := user.ParseHealth(in)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseHealth(%q) (-want +got):\n%s", in, diff)
		}
		if got.Ready() != (want.State == user.HealthReady) {
			t.Errorf("ParseHealth(%q).Ready() = %v", in, got.Ready())
		}
	}
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
	if want := (user.Health{State: user.HealthReady, ID: srv.HealthID(), Text: "ok:" + srv.HealthID()}); h != want {
		t.Errorf("Health = %+v, want %+v", h, want)
	}
	srv.SetMigrating(true)
	if h, err := c.Health(ctx); err != nil || h.State != user.HealthMigrating || h.Ready() {
		t.Errorf("Health while migrating = %+v, %v", h, err)
	}

	v, err := c.Version(ctx)
	if err != nil || v.String() != usertest.DefaultVersion || v.Kind() != user.KindProduction {
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
	if oe, ok := errors.AsType[*user.OpError](err); !ok || oe.Op != user.OpVersion || !errors.Is(err, user.ErrMalformedResponse) {
		t.Errorf("Version of a text that is not one = %v, want an *OpError for %q matching ErrMalformedResponse", err, user.OpVersion)
	}

	for _, r := range srv.Requests() {
		if r.Header.Get("X-Application-ID") != "" || r.Header.Get("Authorization") != "" {
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

	if h, err := c.Health(ctx); err != nil || h.State != user.HealthMigrating {
		t.Errorf("Health of 503 migrating = %+v, %v; want migrating", h, err)
	}
	status, body = http.StatusNotFound, "no route"
	_, err := c.Health(ctx)
	if e, ok := errors.AsType[*user.Error](err); !ok || e.Op != user.OpHealth || !errors.Is(err, user.ErrNotFound) {
		t.Errorf("Health of 404 = %v, want an *Error for %q", err, user.OpHealth)
	}
	_, err = c.Version(ctx)
	if e, ok := errors.AsType[*user.Error](err); !ok || e.Op != user.OpVersion || e.Body != "no route" {
		t.Errorf("Version of 404 = %v, want an *Error for %q", err, user.OpVersion)
	}
	status, body = user.StatusUpdateRequired, "update"
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
			{user.StatusUpdateRequired, user.ErrUpdateRequired, "Pieces OS update required (593)"},
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

// TestHealthIsSentOnce checks that Health makes one request even when the
// answer is one that GET calls retry (503): it is a probe, and its caller
// polls.
func TestHealthIsSentOnce(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "migrating")
	}))
	t.Cleanup(srv.Close)
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithRetryPolicy(user.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	if h, err := c.Health(t.Context()); err != nil || h.State != user.HealthMigrating {
		t.Fatalf("Health = %+v, %v; want migrating", h, err)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("Health sent %d requests, want 1", n)
	}
	// Version, an ordinary GET, is retried.
	requests.Store(0)
	_, err = c.Version(t.Context())
	if n := requests.Load(); n != 3 || user.StatusCode(err) != http.StatusServiceUnavailable {
		t.Errorf("Version sent %d requests and returned %v, want 3 requests and the 503", n, err)
	}
}
