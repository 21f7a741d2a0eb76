package user_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// TestRetryWithCookieJar checks that each attempt of a retried GET sends
// the same headers: an http.Client with a cookie jar adds the cookies to
// the request it is given, and attempts share the request the call built.
func TestRetryWithCookieJar(t *testing.T) {
	t.Parallel()
	var (
		mu      sync.Mutex
		cookies [][]string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cookies = append(cookies, r.Header.Values("Cookie"))
		n := len(cookies)
		mu.Unlock()
		if n < 3 {
			http.Error(w, "starting up", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("token"))
	}))
	t.Cleanup(srv.Close)

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: "s1"}})
	hc := srv.Client()
	hc.Jar = jar
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithHTTPClient(hc),
		user.WithRetry(3, user.Backoff{Min: time.Millisecond, Max: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := c.AccessToken(t.Context()); err != nil || tok != "token" {
		t.Fatalf("AccessToken = %q, %v; want the token after two retries", tok, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(cookies) != 3 {
		t.Fatalf("%d attempts, want 3", len(cookies))
	}
	for i, got := range cookies {
		if len(got) != 1 || got[0] != "session=s1" {
			t.Errorf("attempt %d sent Cookie %q, want once session=s1", i+1, got)
		}
	}
}
