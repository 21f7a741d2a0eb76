package user_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/user"
)

// TestEntityIDsAreEscaped checks that ids with reserved characters reach
// the intended route as one escaped path segment each.
func TestEntityIDsAreEscaped(t *testing.T) {
	t.Parallel()
	type hit struct{ Route, User, Entity, URI string }
	var (
		mu   sync.Mutex
		hits []hit
	)
	mux := http.NewServeMux()
	for _, route := range []string{"associate", "disassociate"} {
		mux.HandleFunc("POST /user/{user}/entities/"+route+"/{entity}", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hits = append(hits, hit{route, r.PathValue("user"), r.PathValue("entity"), r.RequestURI})
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request reached %s %s, outside the entity routes", r.Method, r.RequestURI)
		w.WriteHeader(http.StatusNotFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := apiClient(t, srv)

	tests := []struct {
		id      string
		escaped string
	}{
		{"a/b", "a%2Fb"},
		{"a?b=c", "a%3Fb=c"},
		{"a#b", "a%23b"},
		{"100%", "100%25"},
		{"../admin", "..%2Fadmin"},
		{"..x", "..x"},
		{"%2e%2e", "%252e%252e"},
		{"a b", "a%20b"},
		{"ü", "%C3%BC"},
	}
	var want []hit
	for _, tt := range tests {
		if err := c.AssociateEntity(t.Context(), tt.id, "e-"+tt.id); err != nil {
			t.Errorf("AssociateEntity(%q): %v", tt.id, err)
		}
		if err := c.DisassociateEntity(t.Context(), "u-"+tt.id, tt.id); err != nil {
			t.Errorf("DisassociateEntity(%q): %v", tt.id, err)
		}
		eEsc := "e-" + tt.escaped
		uEsc := "u-" + tt.escaped
		want = append(want,
			hit{"associate", tt.id, "e-" + tt.id, "/user/" + tt.escaped + "/entities/associate/" + eEsc},
			hit{"disassociate", "u-" + tt.id, tt.id, "/user/" + uEsc + "/entities/disassociate/" + tt.escaped},
		)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, hits); diff != "" {
		t.Errorf("routes reached (-want +got):\n%s", diff)
	}
}

// TestInvalidInput checks that arguments no request could carry are
// rejected with ErrInvalidInput before anything is sent.
func TestInvalidInput(t *testing.T) {
	t.Parallel()
	c, fake := apiStart(t, apiReply{status: http.StatusNoContent})
	var nilCtx context.Context
	tests := []struct {
		name, op, want string
		call           func(context.Context) error
	}{
		{"empty user", "userAssociateEntity", "user ID is empty", func(ctx context.Context) error {
			return c.AssociateEntity(ctx, "", "e1")
		}},
		{"empty entity", "userDisassociateEntity", "entity ID is empty", func(ctx context.Context) error {
			return c.DisassociateEntity(ctx, "u1", "")
		}},
		{"dot user", "userAssociateEntity", `user ID "." is not a usable path segment`, func(ctx context.Context) error {
			return c.AssociateEntity(ctx, ".", "e1")
		}},
		{"dot-dot entity", "userAssociateEntity", `entity ID ".." is not a usable path segment`, func(ctx context.Context) error {
			return c.AssociateEntity(ctx, "u1", "..")
		}},
		{"dot-dot user", "userDisassociateEntity", `user ID ".."`, func(ctx context.Context) error {
			return c.DisassociateEntity(ctx, "..", "e1")
		}},
		{"empty feature", "userHasFeatureAccess", "feature is empty", func(ctx context.Context) error {
			_, err := c.HasFeatureAccess(ctx, "", &user.HasFeatureAccessContext{})
			return err
		}},
		{"empty vanity name", "userUpdateVanity", "vanity name is empty", func(ctx context.Context) error {
			_, err := c.UpdateVanity(ctx, "")
			return err
		}},
		{"nil context", "userSnapshot", "nil context", func(context.Context) error {
			_, err := c.Snapshot(nilCtx)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(t.Context())
			checkOpError(t, err, tt.op, user.ErrInvalidInput, tt.want)
		})
	}
	if n := len(fake.requests()); n != 0 {
		t.Errorf("%d requests were sent for invalid input", n)
	}
}

// TestNewOptions checks the construction of a Client.
func TestNewOptions(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		t.Setenv(envBaseURL, "")
		c, err := user.New()
		if err != nil {
			t.Fatal(err)
		}
		if got := c.BaseURL(); got != defaultBaseURL {
			t.Errorf("BaseURL() = %q, want %q", got, defaultBaseURL)
		}
	})
	t.Run("environment", func(t *testing.T) {
		t.Setenv(envBaseURL, "http://127.0.0.1:39311/")
		c, err := user.New()
		if err != nil {
			t.Fatal(err)
		}
		if got := c.BaseURL(); got != "http://127.0.0.1:39311" {
			t.Errorf("BaseURL() = %q, want the environment's URL", got)
		}
		c, err = user.New(user.WithBaseURL("http://localhost:1000"))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.BaseURL(); got != "http://localhost:1000" {
			t.Errorf("BaseURL() = %q, want WithBaseURL's over the environment", got)
		}
	})
	t.Run("bad environment", func(t *testing.T) {
		t.Setenv(envBaseURL, "ftp://127.0.0.1")
		if _, err := user.New(); err == nil || !strings.Contains(err.Error(), envBaseURL) {
			t.Errorf("New with an ftp base URL from the environment = %v, want an error naming $%s", err, envBaseURL)
		}
		// WithBaseURL wins, so the bad environment is never read.
		c, err := user.New(user.WithBaseURL("http://127.0.0.1:39312"))
		if err != nil {
			t.Fatalf("New with WithBaseURL and a bad environment: %v", err)
		}
		if got := c.BaseURL(); got != "http://127.0.0.1:39312" {
			t.Errorf("BaseURL() = %q, want WithBaseURL's", got)
		}
	})
	t.Run("errors", func(t *testing.T) {
		t.Setenv(envBaseURL, "")
		for name, opts := range map[string][]user.Option{
			"nil http client":  {user.WithHTTPClient(nil)},
			"no attempts":      {user.WithRetry(0, user.Backoff{Min: 1, Max: 1})},
			"max below base":   {user.WithRetry(2, user.Backoff{Min: 2, Max: 1})},
			"zero body limit":  {user.WithMaxResponseBytes(0)},
			"relative URL":     {user.WithBaseURL("/user")},
			"remote cleartext": {user.WithBaseURL("http://pieces.example.com"), user.WithApplicationID(apiAppID)},
		} {
			c, err := user.New(opts...)
			if err == nil || c != nil {
				t.Errorf("%s: New = %v, %v; want an error", name, c, err)
			}
		}
	})
}

// TestUserAgent checks the default User-Agent and that an empty one sends
// none.
func TestUserAgent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opts []user.Option
		want []string
	}{
		{"default", nil, []string{defaultUserAgent}},
		{"custom", []user.Option{user.WithUserAgent("mine/2")}, []string{"mine/2"}},
		{"none", []user.Option{user.WithUserAgent("")}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.Header.Values("User-Agent")
				w.WriteHeader(http.StatusNoContent)
			}))
			defer srv.Close()
			c, err := user.New(append([]user.Option{user.WithBaseURL(srv.URL)}, tt.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Clear(t.Context()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("User-Agent (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNoCredentials checks that a client without credentials sends neither
// header.
func TestNoCredentials(t *testing.T) {
	t.Parallel()
	var got []http.Header
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	c, err := user.New(user.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Clear(t.Context())
	_, _ = c.Select(t.Context(), nil)
	mu.Lock()
	defer mu.Unlock()
	for _, h := range got {
		if _, ok := h["X-Application-Id"]; ok {
			t.Errorf("X-Application-ID sent without an application id")
		}
		if _, ok := h["Authorization"]; ok {
			t.Errorf("Authorization sent without a token")
		}
	}
	if len(got) != 2 {
		t.Errorf("%d requests, want 2", len(got))
	}
}

// TestUnconstructedClient checks that a Client not made by New fails with
// an error instead of a panic.
func TestUnconstructedClient(t *testing.T) {
	t.Parallel()
	var nilClient *user.Client
	for name, c := range map[string]*user.Client{"zero": {}, "nil": nilClient} {
		_, err := c.Snapshot(t.Context())
		checkOpError(t, err, "userSnapshot", user.ErrInvalidInput, "not created with New")
		err = c.AssociateEntity(t.Context(), "", "e")
		checkOpError(t, err, "userAssociateEntity", user.ErrInvalidInput, "user ID is empty")
		_, err = c.Update(t.Context(), &user.Profile{UserProfile: user.UserProfile{ID: name}})
		checkOpError(t, err, "updateUser", user.ErrInvalidInput, "not created with New")
	}
}
