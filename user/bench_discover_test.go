package user_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// bdPorts is the size of the port ranges the discovery benchmarks search,
// that of Pieces OS (FirstPort to LastPort).
const bdPorts = user.LastPort - user.FirstPort + 1

// bdBlock listens on bdPorts consecutive free loopback ports and returns
// the listeners, lowest port first. The ports are taken below 32768,
// outside the range Linux hands out for ephemeral ports, so that no other
// test's server or outgoing connection lands on one of them once the
// benchmark closes them.
func bdBlock(b *testing.B) []net.Listener {
	b.Helper()
	for range 100 {
		first := 10000 + rand.IntN(32768-10000-bdPorts)
		ls := make([]net.Listener, 0, bdPorts)
		for i := range bdPorts {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", first+i))
			if err != nil {
				break
			}
			ls = append(ls, l)
		}
		if len(ls) == bdPorts {
			return ls
		}
		for _, l := range ls {
			l.Close()
		}
	}
	b.Fatalf("found no %d consecutive free ports", bdPorts)
	return nil
}

func bdPort(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }

// BenchmarkDiscover measures DiscoverPorts over a range as wide as that of
// Pieces OS:
//
//   - present-last: a usertest fake listens on the last port, nothing on
//     the others (the slowest way to find it);
//   - absent: nothing listens on any port, so every probe is refused;
//   - silent: something holds every port but never answers, so every
//     probe waits for its timeout (the slowest way to give up).
func BenchmarkDiscover(b *testing.B) {
	b.Run("present-last", func(b *testing.B) {
		ls := bdBlock(b)
		first, last := bdPort(ls[0]), bdPort(ls[bdPorts-1])
		for _, l := range ls {
			l.Close()
		}
		srv, err := usertest.NewServer(usertest.WithAddr(fmt.Sprintf("127.0.0.1:%d", last)))
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		for b.Loop() {
			got, err := user.DiscoverPorts(b.Context(), "127.0.0.1", first, last)
			if err != nil || got != srv.URL {
				b.Fatalf("DiscoverPorts = %q, %v; want %q", got, err, srv.URL)
			}
		}
	})
	b.Run("absent", func(b *testing.B) {
		ls := bdBlock(b)
		first, last := bdPort(ls[0]), bdPort(ls[bdPorts-1])
		for _, l := range ls {
			l.Close()
		}
		for b.Loop() {
			if got, err := user.DiscoverPorts(b.Context(), "127.0.0.1", first, last); !errors.Is(err, user.ErrNotFoundOnPorts) {
				b.Fatalf("DiscoverPorts = %q, %v; want an error matching ErrNotFoundOnPorts", got, err)
			}
		}
	})
	b.Run("silent", func(b *testing.B) {
		// The listeners never accept: the kernel completes the handshakes
		// and the requests wait unanswered.
		ls := bdBlock(b)
		defer func() {
			for _, l := range ls {
				l.Close()
			}
		}()
		first, last := bdPort(ls[0]), bdPort(ls[bdPorts-1])
		for b.Loop() {
			if got, err := user.DiscoverPorts(b.Context(), "127.0.0.1", first, last); !errors.Is(err, user.ErrNotFoundOnPorts) {
				b.Fatalf("DiscoverPorts = %q, %v; want an error matching ErrNotFoundOnPorts", got, err)
			}
		}
	})
}
