package user_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// TestRetryOverHTTP counts the attempts a real server sees, with delays of
// a millisecond or two.
func TestRetryOverHTTP(t *testing.T) {
	t.Parallel()
	quick := user.WithRetry(3, user.Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond})
	profile := apiJSON(t, apiProfile())

	// serve answers attempt i (from 0) with script(i).
	serve := func(t *testing.T, script func(i int32, w http.ResponseWriter) bool, opts ...user.Option) (*user.Client, *atomic.Int32) {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if script(n.Add(1)-1, w) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(profile))
			}
		}))
		t.Cleanup(srv.Close)
		return apiClient(t, srv, append([]user.Option{quick}, opts...)...), &n
	}
	status := func(codes ...int) func(int32, http.ResponseWriter) bool {
		return func(i int32, w http.ResponseWriter) bool {
			if int(i) < len(codes) {
				w.WriteHeader(codes[i])
				return false
			}
			return true
		}
	}

	t.Run("503 twice then 200", func(t *testing.T) {
		t.Parallel()
		c, n := serve(t, status(503, 503))
		if _, err := c.Refresh(t.Context()); err != nil {
			t.Fatalf("Refresh: %v", err)
		}
		if n.Load() != 3 {
			t.Errorf("%d attempts, want 3", n.Load())
		}
	})
	t.Run("attempts run out", func(t *testing.T) {
		t.Parallel()
		c, n := serve(t, status(504, 504, 504, 504))
		_, err := c.PaddleRefresh(t.Context())
		if statusCode(err) != 504 {
			t.Fatalf("PaddleRefresh error = %v, want a 504 *Error", err)
		}
		if n.Load() != 3 {
			t.Errorf("%d attempts, want 3", n.Load())
		}
	})
	t.Run("dropped connection", func(t *testing.T) {
		t.Parallel()
		c, n := serve(t, func(i int32, w http.ResponseWriter) bool {
			if i == 0 {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Errorf("hijack: %v", err)
					return false
				}
				conn.Close()
				return false
			}
			return true
		})
		if _, err := c.Providers(t.Context()); err != nil {
			t.Fatalf("Providers: %v", err)
		}
		if n.Load() != 2 {
			t.Errorf("%d attempts, want 2", n.Load())
		}
	})
	t.Run("POST once", func(t *testing.T) {
		t.Parallel()
		c, n := serve(t, status(503, 503))
		if _, err := c.Update(t.Context(), nil); statusCode(err) != 503 {
			t.Fatalf("Update error = %v, want a 503 *Error", err)
		}
		if n.Load() != 1 {
			t.Errorf("%d attempts, want 1", n.Load())
		}
	})
	t.Run("cancel stops the backoff", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		c, n := serve(t, func(i int32, w http.ResponseWriter) bool {
			cancel()
			w.WriteHeader(503)
			return false
		}, user.WithRetry(5, user.Backoff{Min: time.Hour, Max: time.Hour}))
		_, err := c.Snapshot(ctx)
		e, ok := errors.AsType[*user.Error](err)
		if !ok || e.Op != "userSnapshot" || !errors.Is(err, context.Canceled) {
			t.Fatalf("Snapshot error = %v (%T), want an *OpError wrapping context.Canceled", err, err)
		}
		if n.Load() != 1 {
			t.Errorf("%d attempts, want 1", n.Load())
		}
	})
}
