package user_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// bdPorts is the size of the port ranges the discovery benchmarks search,
// that of Pieces OS (FirstPort to LastPort).
const bdPorts = user.LastPort - user.FirstPort + 1

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
		ls := discPortBlock(b, bdPorts)
		first, last := discPort(ls[0]), discPort(ls[bdPorts-1])
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
		ls := discPortBlock(b, bdPorts)
		first, last := discPort(ls[0]), discPort(ls[bdPorts-1])
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
		ls := discPortBlock(b, bdPorts)
		defer func() {
			for _, l := range ls {
				l.Close()
			}
		}()
		first, last := discPort(ls[0]), discPort(ls[bdPorts-1])
		for b.Loop() {
			if got, err := user.DiscoverPorts(b.Context(), "127.0.0.1", first, last); !errors.Is(err, user.ErrNotFoundOnPorts) {
				b.Fatalf("DiscoverPorts = %q, %v; want an error matching ErrNotFoundOnPorts", got, err)
			}
		}
	})
}

// BenchmarkDiscoverInstance measures DiscoverInstance over ranges as wide as
// the two of Pieces OS (DefaultPortRanges):
//
//   - port-file: the port file names a usertest fake, so no port is
//     scanned;
//   - stale-port-file: the port file names a port where nothing listens,
//     and nothing listens on the ranges either.
func BenchmarkDiscoverInstance(b *testing.B) {
	n := 0
	for _, r := range user.DefaultPortRanges() {
		n += r.Last - r.First + 1
	}
	ls := discPortBlock(b, n+1)
	for _, l := range ls {
		l.Close()
	}
	ranges := []user.PortRange{{First: discPort(ls[0]), Last: discPort(ls[n-1])}}
	dir := b.TempDir()
	b.Run("port-file", func(b *testing.B) {
		srv, err := usertest.NewServer()
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		pf := filepath.Join(dir, "live.txt")
		if err := os.WriteFile(pf, []byte(strings.TrimPrefix(srv.Addr(), "127.0.0.1:")), 0o600); err != nil {
			b.Fatal(err)
		}
		opts := user.DiscoverOptions{PortFile: pf, Ranges: ranges}
		for b.Loop() {
			got, err := user.DiscoverInstance(b.Context(), opts)
			if err != nil || got.URL != srv.URL {
				b.Fatalf("DiscoverInstance = %+v, %v; want %q", got, err, srv.URL)
			}
		}
	})
	b.Run("stale-port-file", func(b *testing.B) {
		pf := filepath.Join(dir, "stale.txt")
		if err := os.WriteFile(pf, []byte(strconv.Itoa(discPort(ls[n]))), 0o600); err != nil {
			b.Fatal(err)
		}
		opts := user.DiscoverOptions{PortFile: pf, Ranges: ranges}
		for b.Loop() {
			if got, err := user.DiscoverInstance(b.Context(), opts); !errors.Is(err, user.ErrNotFoundOnPorts) {
				b.Fatalf("DiscoverInstance = %+v, %v; want an error matching ErrNotFoundOnPorts", got, err)
			}
		}
	})
}
