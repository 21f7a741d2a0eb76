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

// bdPorts is the number of ports the discovery benchmarks search, as many
// as Discover scans by default (39300 to 39367).
const bdPorts = 68

// BenchmarkDiscover measures Discover, without port files, over as many
// ports as it scans by default:
//
//   - present-last: a usertest fake listens on the last port, nothing on
//     the others (the slowest way to find it);
//   - absent: nothing listens on any port, so every probe is refused;
//   - silent: something holds every port but never answers, so every
//     probe waits for its timeout (the slowest way to give up).
func BenchmarkDiscover(b *testing.B) {
	b.Run("present-last", func(b *testing.B) {
		ls := discPortBlock(b, bdPorts)
		opts := &user.DiscoverOptions{NoPortFile: true, Ports: discPorts(ls)}
		for _, l := range ls {
			l.Close()
		}
		srv, err := usertest.NewServer(usertest.WithAddr(fmt.Sprintf("127.0.0.1:%d", discPort(ls[bdPorts-1]))))
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		for b.Loop() {
			got, err := user.Discover(b.Context(), opts)
			if err != nil || got.URL != srv.URL {
				b.Fatalf("Discover = %+v, %v; want %q", got, err, srv.URL)
			}
		}
	})
	b.Run("absent", func(b *testing.B) {
		ls := discPortBlock(b, bdPorts)
		opts := &user.DiscoverOptions{NoPortFile: true, Ports: discPorts(ls)}
		for _, l := range ls {
			l.Close()
		}
		for b.Loop() {
			if got, err := user.Discover(b.Context(), opts); !errors.Is(err, user.ErrUnreachable) {
				b.Fatalf("Discover = %+v, %v; want an error matching ErrUnreachable", got, err)
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
		opts := &user.DiscoverOptions{NoPortFile: true, Ports: discPorts(ls)}
		for b.Loop() {
			if got, err := user.Discover(b.Context(), opts); !errors.Is(err, user.ErrUnreachable) {
				b.Fatalf("Discover = %+v, %v; want an error matching ErrUnreachable", got, err)
			}
		}
	})
}

// BenchmarkDiscoverInstance measures Discover with a port file, over as
// many ports as it scans by default:
//
//   - port-file: the port file names a usertest fake, so no port is
//     scanned;
//   - stale-port-file: the port file names a port where nothing listens,
//     and nothing listens on the ranges either.
func BenchmarkDiscoverInstance(b *testing.B) {
	n := bdPorts
	ls := discPortBlock(b, n+1)
	for _, l := range ls {
		l.Close()
	}
	ports := discPorts(ls[:n])
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
		opts := &user.DiscoverOptions{PortFile: pf, Ports: ports}
		for b.Loop() {
			got, err := user.Discover(b.Context(), opts)
			if err != nil || got.URL != srv.URL {
				b.Fatalf("Discover = %+v, %v; want %q", got, err, srv.URL)
			}
		}
	})
	b.Run("stale-port-file", func(b *testing.B) {
		pf := filepath.Join(dir, "stale.txt")
		if err := os.WriteFile(pf, []byte(strconv.Itoa(discPort(ls[n]))), 0o600); err != nil {
			b.Fatal(err)
		}
		opts := &user.DiscoverOptions{PortFile: pf, Ports: ports}
		for b.Loop() {
			if got, err := user.Discover(b.Context(), opts); !errors.Is(err, user.ErrUnreachable) {
				b.Fatalf("Discover = %+v, %v; want an error matching ErrUnreachable", got, err)
			}
		}
	})
}
