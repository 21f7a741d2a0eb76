package user_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// discPortBlock listens on n consecutive free loopback ports and returns
// the listeners, lowest port first. The listeners hold the ports so that no
// other process can take them during the test. The ports are taken below
// 32768, outside the range Linux hands out for ephemeral ports, so that no
// other test's server or outgoing connection lands on one of them once the
// listeners close.
func discPortBlock(t testing.TB, n int) []net.Listener {
	t.Helper()
	for range 100 {
		first := 10000 + rand.IntN(32768-10000-n)
		ls := make([]net.Listener, 0, n)
		for i := range n {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", first+i))
			if err != nil {
				break
			}
			ls = append(ls, l)
		}
		if len(ls) == n {
			return ls
		}
		for _, l := range ls {
			l.Close()
		}
	}
	t.Fatalf("found no %d consecutive free ports", n)
	return nil
}

func discPort(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }

// discServe serves h on l until the test ends.
func discServe(t *testing.T, l net.Listener, h http.Handler) {
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
}

// discHealth answers the probe like Pieces OS.
func discHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead || r.URL.Path != "/.well-known/health" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// discCloseOnAccept accepts connections on l and closes them at once, like a
// port that is not Pieces OS.
func discCloseOnAccept(t *testing.T, l net.Listener) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
}

// TestDiscoverLastPort puts Pieces OS on the last port of the range and
// something else on every other: a server answering 404, a port that
// closes every connection, and a listener that never answers (its probe
// must time out).
func TestDiscoverLastPort(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 4)
	discServe(t, ls[0], http.NotFoundHandler())
	discCloseOnAccept(t, ls[1])
	defer ls[2].Close() // accepts in the kernel, never answers
	discServe(t, ls[3], discHealth())

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got, err := user.DiscoverPorts(ctx, "127.0.0.1", discPort(ls[0]), discPort(ls[3]))
	if err != nil {
		t.Fatalf("DiscoverPorts: %v", err)
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d", discPort(ls[3])); got != want {
		t.Errorf("DiscoverPorts = %q, want %q", got, want)
	}
}

// TestDiscoverLowest checks that the lowest answering port wins.
func TestDiscoverLowest(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 3)
	discCloseOnAccept(t, ls[0])
	discServe(t, ls[1], discHealth())
	discServe(t, ls[2], discHealth())

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got, err := user.DiscoverPorts(ctx, "127.0.0.1", discPort(ls[0]), discPort(ls[2]))
	if err != nil {
		t.Fatalf("DiscoverPorts: %v", err)
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d", discPort(ls[1])); got != want {
		t.Errorf("DiscoverPorts = %q, want the lower %q", got, want)
	}
	c, err := user.New(user.WithBaseURL(got))
	if err != nil {
		t.Fatalf("New(WithBaseURL(%q)): %v", got, err)
	}
	if c.BaseURL() != got {
		t.Errorf("BaseURL() = %q, want %q", c.BaseURL(), got)
	}
}

// TestDiscoverNothing checks the error when no port answers: it names the
// ports tried and how to start Pieces OS.
func TestDiscoverNothing(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 4)
	first, last := discPort(ls[0]), discPort(ls[3])
	for _, l := range ls {
		l.Close() // nothing listens: every probe is refused
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got, err := user.DiscoverPorts(ctx, "127.0.0.1", first, last)
	if got != "" || !errors.Is(err, user.ErrNotFoundOnPorts) {
		t.Fatalf("DiscoverPorts = %q, %v; want ErrNotFoundOnPorts", got, err)
	}
	for _, want := range []string{fmt.Sprintf("127.0.0.1 ports %d-%d", first, last), "Pieces OS desktop app", "serve-fake"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if ctx.Err() != nil {
		t.Errorf("the test's deadline passed: discovery did not fail fast")
	}
}

// TestDiscoverInvalid checks the arguments DiscoverPorts refuses.
func TestDiscoverInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host        string
		first, last int
		want        string
	}{
		{"", 1000, 1001, "host is empty"},
		{"127.0.0.1", 2000, 1000, "2000-1000"},
		{"127.0.0.1", 0, 10, "0-10"},
		{"127.0.0.1", 65000, 65536, "65000-65536"},
		{"127.0.0.1", 1000, 9000, "more than 1024 ports"},
	}
	for _, tt := range tests {
		got, err := user.DiscoverPorts(t.Context(), tt.host, tt.first, tt.last)
		if got != "" || !errors.Is(err, user.ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("DiscoverPorts(%q, %d, %d) = %q, %v; want ErrInvalidInput mentioning %q", tt.host, tt.first, tt.last, got, err, tt.want)
		}
	}
}

// TestDiscoverCanceled checks that a context that has ended stops discovery
// with its error.
func TestDiscoverCanceled(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 2)
	defer ls[0].Close() // never answers
	defer ls[1].Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := user.DiscoverPorts(ctx, "127.0.0.1", discPort(ls[0]), discPort(ls[1]))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("DiscoverPorts = %v, want context.Canceled", err)
	}
}
