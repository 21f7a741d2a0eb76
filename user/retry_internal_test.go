package user

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
)

func maxJitter(n int64) int64 { return n - 1 }

// TestSleep checks that the wait ends after exactly its delay, or as
// soon as the context ends.
func TestSleep(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := sleep(t.Context(), 3*time.Second); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("slept %v, want 3s", got)
		}

		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start = time.Now()
		if err := sleep(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("sleep = %v, want DeadlineExceeded", err)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("slept %v, want the 1s deadline", got)
		}
	})
}

// scriptedTransport answers attempt i with step i (the last step repeats)
// and counts attempts. It never touches the network, so it runs inside a
// synctest bubble.
type scriptedTransport struct {
	steps    []int    // a status, or 0 for a transport failure
	after    []string // the Retry-After of each step; "+1s" is a date one second ahead
	attempts atomic.Int32
}

func (s *scriptedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	i := int(s.attempts.Add(1)) - 1
	status := s.steps[min(i, len(s.steps)-1)]
	if status == 0 {
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	}
	body := `{"id":"u1","aesthetics":{"font":{"size":11},"theme":{"dark":false}}}`
	h := http.Header{"Content-Type": {"application/json"}}
	if i < len(s.after) && s.after[i] != "" {
		v := s.after[i]
		if v == "+1s" {
			v = time.Now().Add(time.Second).UTC().Format(http.TimeFormat)
		}
		h.Set("Retry-After", v)
	}
	return &http.Response{
		StatusCode: status,
		Header:     h,
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    req,
	}, nil
}

func scriptedClient(t *testing.T, steps ...int) (*Client, *scriptedTransport) {
	t.Helper()
	tr := &scriptedTransport{steps: steps}
	c, err := New(
		WithBaseURL("http://127.0.0.1:39300"),
		WithHTTPClient(&http.Client{Transport: tr}),
		WithRetry(4, Backoff{Min: 100 * time.Millisecond, Max: time.Second}),
	)
	if err != nil {
		t.Fatal(err)
	}
	c.c.jitter = maxJitter
	return c, tr
}

// TestRetryBackoff runs the retry loop on the bubble's fake clock and checks
// which answers are retried, how often, and how long the client waited.
func TestRetryBackoff(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name     string
		steps    []int
		post     bool
		timeout  time.Duration
		attempts int32
		waited   time.Duration
		status   int   // status of the *Error, 0 for success or a failure without an answer
		cause    error // error the *Error wraps
	}{
		{name: "503 503 200", steps: []int{503, 503, 200}, attempts: 3, waited: 300 * ms},
		{name: "reset then 200", steps: []int{0, 200}, attempts: 2, waited: 100 * ms},
		{name: "502 504 200", steps: []int{502, 504, 200}, attempts: 3, waited: 300 * ms},
		{name: "always 503", steps: []int{503}, attempts: 4, waited: 700 * ms, status: 503},
		{name: "always reset", steps: []int{0}, attempts: 4, waited: 700 * ms},
		{name: "500 is final", steps: []int{500, 200}, attempts: 1, status: 500},
		{name: "404 is final", steps: []int{404, 200}, attempts: 1, status: 404},
		{name: "POST is never retried", steps: []int{503, 200}, post: true, attempts: 1, status: 503},
		{name: "POST reset is final", steps: []int{0, 200}, post: true, attempts: 1},
		{name: "no time for another attempt", steps: []int{503}, timeout: 150 * ms, attempts: 2, waited: 100 * ms, status: 503},
		{name: "deadline during backoff", steps: []int{0}, timeout: 150 * ms, attempts: 2, waited: 150 * ms, cause: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, tr := scriptedClient(t, tt.steps...)
				ctx := t.Context()
				if tt.timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.timeout)
					defer cancel()
				}
				start := time.Now()
				var err error
				if tt.post {
					_, err = c.Update(ctx, &Profile{UserProfile: UserProfile{ID: "u1"}})
				} else {
					_, err = c.Refresh(ctx)
				}
				waited := time.Since(start)

				if got := tr.attempts.Load(); got != tt.attempts {
					t.Errorf("%d attempts, want %d", got, tt.attempts)
				}
				if waited != tt.waited {
					t.Errorf("waited %v on the fake clock, want %v", waited, tt.waited)
				}
				failed := tt.steps[min(int(tt.attempts), len(tt.steps))-1] != 200
				switch {
				case !failed && err != nil:
					t.Errorf("error = %v, want success", err)
				case tt.status != 0:
					if got := statusCode(err); got != tt.status {
						t.Errorf("error = %v, want an *Error with status %d", err, tt.status)
					}
				case failed:
					e, ok := errors.AsType[*Error](err)
					if !ok || e.StatusCode != 0 {
						t.Fatalf("error = %v (%T), want an *Error without a status", err, err)
					}
					if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "127.0.0.1:39300") {
						t.Errorf("error = %v, want ErrUnreachable naming the address", err)
					}
					if tt.cause != nil && !errors.Is(err, tt.cause) {
						t.Errorf("error = %v, want it to wrap %v", e, tt.cause)
					}
				}
			})
		})
	}
}

// TestRetryAfter checks which statuses a GET retries and how Retry-After
// sets the delay: never below the backoff, and an answer that asks for more
// than the longest wait (1s here) is returned at once.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name     string
		steps    []int
		after    []string
		attempts int32
		waited   time.Duration
		status   int // status of the final *Error, 0 for success
	}{
		{name: "429 is retried", steps: []int{429, 200}, attempts: 2, waited: 100 * ms},
		{name: "503 waits as asked", steps: []int{503, 200}, after: []string{"1"}, attempts: 2, waited: time.Second},
		{name: "503 with an HTTP date", steps: []int{503, 200}, after: []string{"+1s"}, attempts: 2, waited: time.Second},
		{name: "Retry-After below the backoff", steps: []int{503, 503, 200}, after: []string{"0", "0"}, attempts: 3, waited: 300 * ms},
		{name: "Retry-After above the longest wait", steps: []int{503, 200}, after: []string{"5"}, attempts: 1, status: 503},
		{name: "429 above the longest wait", steps: []int{429, 200}, after: []string{"120"}, attempts: 1, status: 429},
		{name: "500 with Retry-After", steps: []int{500, 200}, after: []string{"1"}, attempts: 2, waited: time.Second},
		{name: "unreadable Retry-After", steps: []int{429, 200}, after: []string{"soon"}, attempts: 2, waited: 100 * ms},
		{name: "unreadable Retry-After on 500", steps: []int{500, 200}, after: []string{"-1"}, attempts: 1, status: 500},
		{name: "501 is final", steps: []int{501, 200}, after: []string{"1"}, attempts: 1, status: 501},
		{name: "511 is final", steps: []int{511, 200}, after: []string{"1"}, attempts: 1, status: 511},
		{name: "593 is final", steps: []int{statusUpdateRequired, 200}, after: []string{"1"}, attempts: 1, status: statusUpdateRequired},
		{name: "429 until attempts run out", steps: []int{429}, attempts: 4, waited: 700 * ms, status: 429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				c, tr := scriptedClient(t, tt.steps...)
				tr.after = tt.after
				start := time.Now()
				_, err := c.Refresh(t.Context())
				waited := time.Since(start)
				if got := tr.attempts.Load(); got != tt.attempts {
					t.Errorf("%d attempts, want %d", got, tt.attempts)
				}
				if waited != tt.waited {
					t.Errorf("waited %v on the fake clock, want %v", waited, tt.waited)
				}
				if got := statusCode(err); got != tt.status {
					t.Errorf("error = %v, want status %d", err, tt.status)
				}
			})
		})
	}
}

// TestParseRetryAfter checks both forms of Retry-After and the values that
// are not one.
func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999999999", time.Duration(1 << 62), true},
		{"", 0, false},
		{"-2", 0, false},
		{"1.5", 0, false},
		{"tomorrow", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.v, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}
