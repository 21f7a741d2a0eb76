package user_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// memoryTransport answers every request with body, from memory, so that
// what a call allocates is the client's alone.
type memoryTransport struct{ body []byte }

func (m memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(m.body)),
		ContentLength: int64(len(m.body)),
		Request:       req,
	}, nil
}

// largeProfile is a profile answer of exactly n bytes: most of it a member
// this version does not know, which decoding skips, so that what is
// measured is reading the body rather than building the model.
func largeProfile(n int) []byte {
	head, tail := `{"id":"u1","name":"Ada","padding":"`, `"}`
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}

// allocatedBy returns the bytes allocated on the heap while f ran. It is
// an upper bound of the peak that f adds to the heap.
func allocatedBy(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// BenchmarkLargeAnswer reads an answer at the default 16 MiB limit and
// reports the bytes allocated per call in MiB ("alloc-MiB") and as a
// multiple of the body ("x-body"): io.ReadAll, which gen's Parse functions
// use, collects the body in chunks and copies it once at the end, so about
// 2x is the floor; the client's limiting reader adds no copy.
func BenchmarkLargeAnswer(b *testing.B) {
	body := largeProfile(int(defaultMaxBody))
	c, err := user.New(user.WithBaseURL("http://127.0.0.1:39300"),
		user.WithHTTPClient(&http.Client{Transport: memoryTransport{body}}))
	if err != nil {
		b.Fatal(err)
	}
	var total uint64
	for b.Loop() {
		total += allocatedBy(func() {
			p, err := c.Refresh(b.Context())
			if err != nil || p.ID != "u1" {
				b.Fatalf("Refresh = %v, %v", p, err)
			}
		})
	}
	per := float64(total) / float64(b.N)
	b.ReportMetric(per/(1<<20), "alloc-MiB")
	b.ReportMetric(per/float64(len(body)), "x-body")
}

// TestLargeAnswerMemory bounds what reading an answer at the 16 MiB limit
// allocates, all copies included: the body is read once, into a buffer of
// its announced length, and the profile keeps it (Snapshot keeps its
// member "user") as its JSON. Measured: Refresh 1.01x the body on Go 1.26
// and 1.00x on Go 1.27, Snapshot 1.00x on both; the bound, 1.25x, holds on
// both releases. The test runs alone (not in parallel), so the count is
// the call's.
func TestLargeAnswerMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 16 MiB bodies")
	}
	if raceDetector {
		t.Skip("the race detector changes what is allocated")
	}
	profile := largeProfile(int(defaultMaxBody) - len(`{"user":}`))
	for _, tt := range []struct {
		name  string
		body  []byte
		call  func(c *user.Client) error
		bound float64
	}{
		{"Refresh", profile, func(c *user.Client) error { _, err := c.Refresh(t.Context()); return err }, 1.25},
		{"Snapshot", []byte(`{"user":` + string(profile) + `}`), func(c *user.Client) error { _, err := c.Snapshot(t.Context()); return err }, 1.25},
	} {
		c, err := user.New(user.WithBaseURL("http://127.0.0.1:39300"),
			user.WithHTTPClient(&http.Client{Transport: memoryTransport{tt.body}}))
		if err != nil {
			t.Fatal(err)
		}
		got := allocatedBy(func() {
			if err := tt.call(c); err != nil {
				t.Fatal(err)
			}
		})
		x := float64(got) / float64(len(tt.body))
		if x > tt.bound {
			t.Errorf("%s of a %d-byte answer allocated %d bytes (%.2fx), want at most %.2fx", tt.name, len(tt.body), got, x, tt.bound)
		}
		t.Logf("%s: a %d MiB answer allocated %.1f MiB (%.2fx the body)", tt.name, len(tt.body)>>20, float64(got)/(1<<20), x)
	}

	// One byte over the limit is refused.
	c, err := user.New(user.WithBaseURL("http://127.0.0.1:39300"),
		user.WithHTTPClient(&http.Client{Transport: memoryTransport{largeProfile(int(defaultMaxBody) + 1)}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Refresh(t.Context()); !errors.Is(err, user.ErrResponseTooLarge) {
		t.Errorf("Refresh of an answer over the limit = %v, want ErrResponseTooLarge", err)
	}
}
