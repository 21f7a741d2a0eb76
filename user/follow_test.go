package user_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// writePortFile writes the port of srv to path, as Pieces OS does.
func writePortFile(t *testing.T, path string, srv *usertest.Server) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(srvPort(t, srv))), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// TestFollowPiecesOSToANewPort moves Pieces OS from one port to another,
// its port file rewritten, while a stream and a loop of Snapshot calls
// run on a Client made WithDiscovery: both carry on at the new address
// without the caller doing anything.
func TestFollowPiecesOSToANewPort(t *testing.T) {
	t.Parallel()
	pf := filepath.Join(t.TempDir(), ".port.txt")
	first := usertest.Start(t)
	writePortFile(t, pf, first)
	c, err := user.New(user.WithDiscovery(&user.DiscoverOptions{PortFile: pf, NoScan: true}), user.WithApplicationID("follow-test"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if got := c.BaseURL(); got != "" {
		t.Errorf("BaseURL before the first call = %q, want empty", got)
	}
	if _, err := c.Snapshot(ctx); err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	if got := c.BaseURL(); got != first.URL {
		t.Fatalf("BaseURL = %q, want %q", got, first.URL)
	}
	s, err := c.WatchProfile(ctx, &user.WatchOptions{Backoff: user.Backoff{Min: time.Millisecond, Max: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	awaitEvent(t, s, "first profile", isKind(user.EventProfile))

	// A loop of Snapshot calls, as a program that polls would make.
	var mu sync.Mutex
	var failures []error
	second := make(chan *usertest.Server)
	movedCalls := make(chan struct{})
	go func() {
		var moved *usertest.Server
		for ctx.Err() == nil {
			select {
			case moved = <-second:
			default:
			}
			_, err := c.Snapshot(ctx)
			if err != nil && ctx.Err() == nil {
				mu.Lock()
				failures = append(failures, err)
				mu.Unlock()
			}
			if err == nil && moved != nil && c.BaseURL() == moved.URL {
				close(movedCalls)
				return
			}
		}
	}()

	// Pieces OS restarts on another port: the new one writes its port
	// file, the old one goes away.
	next := usertest.Start(t)
	writePortFile(t, pf, next)
	first.Close()
	second <- next

	select {
	case <-movedCalls:
	case <-ctx.Done():
		t.Fatal("the Snapshot loop never reached the new address")
	}
	if _, err := usertest.Await(ctx, s.Events(), func(ev user.Event) bool {
		return ev.Kind == user.EventProfile && c.BaseURL() == next.URL
	}); err != nil {
		t.Fatalf("the stream did not deliver a profile from the new address: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(failures) > 0 {
		t.Errorf("Snapshot failed during the move %d times, first with %v; want it to follow without failing", len(failures), failures[0])
	}
	if n := len(next.Requests()); n == 0 {
		t.Error("the new Pieces OS saw no request")
	}
}

// TestFollowFindsPiecesOSLazily checks a Client made WithDiscovery
// without an address: the first call finds Pieces OS, and when none is
// found the call fails with ErrUnreachable naming what discovery tried.
func TestFollowFindsPiecesOSLazily(t *testing.T) {
	t.Parallel()
	pf := filepath.Join(t.TempDir(), ".port.txt")
	c, err := user.New(user.WithDiscovery(&user.DiscoverOptions{PortFile: pf, NoScan: true}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Snapshot(t.Context())
	if !errors.Is(err, user.ErrUnreachable) || !strings.Contains(err.Error(), "no port file at "+pf) {
		t.Fatalf("Snapshot with nothing to find = %v; want ErrUnreachable naming the port file", err)
	}
	if e, ok := errors.AsType[*user.Error](err); !ok || e.Op != user.OpUserSnapshot {
		t.Errorf("error %#v, want an *Error of userSnapshot", err)
	}
	srv := usertest.Start(t)
	writePortFile(t, pf, srv)
	// Another search comes only after a second; a fresh client searches at
	// once.
	c, err = user.New(user.WithDiscovery(&user.DiscoverOptions{PortFile: pf, NoScan: true}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Snapshot(t.Context()); err != nil || c.BaseURL() != srv.URL {
		t.Fatalf("Snapshot = %v, BaseURL %q; want the fake at %s", err, c.BaseURL(), srv.URL)
	}
}

// TestFixedAddressDoesNotFollow checks that a Client given an address
// keeps it: a refused connection is ErrUnreachable, and no discovery runs.
func TestFixedAddressDoesNotFollow(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := faultClient(t, srv.URL)
	srv.Close()
	_, err := c.Snapshot(t.Context())
	if !errors.Is(err, user.ErrUnreachable) || c.BaseURL() != srv.URL {
		t.Errorf("Snapshot = %v, BaseURL %q; want ErrUnreachable at %s", err, c.BaseURL(), srv.URL)
	}
}

// TestLogger checks what WithLogger logs at the Debug level: discovery,
// retries, stream connections and the search for a Pieces OS that moved,
// and never a credential.
func TestLogger(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	pf := filepath.Join(t.TempDir(), ".port.txt")
	srv := usertest.Start(t)
	writePortFile(t, pf, srv)
	if err := srv.FailNext(user.OpUserSnapshot, 1, 503, "busy"); err != nil {
		t.Fatal(err)
	}
	const appID, token = "log-app-7f3a", "log-token-9b2c"
	c, err := user.New(user.WithDiscovery(&user.DiscoverOptions{PortFile: pf, Ports: discClosed(t, 2)}),
		user.WithApplicationID(appID), user.WithAccessToken(token), user.WithLogger(log),
		user.WithRetry(2, user.Backoff{Min: time.Millisecond, Max: time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Snapshot(t.Context()); err != nil {
		t.Fatal(err)
	}
	s, err := c.WatchProfile(t.Context(), &user.WatchOptions{Backoff: user.Backoff{Min: time.Millisecond, Max: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	awaitEvent(t, s, "profile", isKind(user.EventProfile))
	srv.DropStreams()
	awaitEvent(t, s, "retrying", isKind(user.EventRetrying))
	awaitEvent(t, s, "profile again", isKind(user.EventProfile))
	_ = s.Close()

	got := out.String()
	for _, want := range []string{
		"port file", "path=" + pf, "chose the port file's", // discovery
		"retrying", "status 503", // a retry with its cause
		"stream connected", "stream disconnected", "stream waits", // the stream
		"searched again for Pieces OS", // the first search of a following Client
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, appID) || strings.Contains(got, token) {
		t.Errorf("the log shows a credential:\n%s", got)
	}
}

// TestStreamConnected checks Connected from the first connection to a
// disconnection.
func TestStreamConnected(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := faultClient(t, srv.URL)
	s, err := c.WatchProfile(t.Context(), &user.WatchOptions{Backoff: user.Backoff{Min: time.Hour, Max: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	awaitEvent(t, s, "connected", isKind(user.EventConnected))
	if !s.Connected() {
		t.Error("Connected() = false after EventConnected")
	}
	srv.Close()
	ev := awaitEvent(t, s, "disconnected", isKind(user.EventDisconnected))
	if s.Connected() {
		t.Errorf("Connected() = true after EventDisconnected (%v)", ev.Err)
	}
	var zero *user.Stream
	if zero.Connected() {
		t.Error("a nil Stream is connected")
	}
}

// TestStreamUnreachable checks that a stream whose dial is refused reports
// an EventDisconnected matching ErrUnreachable, on one line naming the
// address.
func TestStreamUnreachable(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := faultClient(t, srv.URL)
	srv.Close()
	s, err := c.WatchCheckIns(t.Context(), &user.WatchOptions{Backoff: user.Backoff{Min: time.Hour, Max: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ev := awaitEvent(t, s, "disconnected", isKind(user.EventDisconnected))
	msg := ev.Err.Error()
	if !errors.Is(ev.Err, user.ErrUnreachable) || !strings.Contains(msg, strings.Replace(srv.URL, "http", "ws", 1)) || strings.Contains(msg, "\n") || strings.Count(msg, ": ") > 3 {
		t.Errorf("Err = %q; want one short line matching ErrUnreachable and naming the address", msg)
	}
}

// TestLaunch runs Launch with openers of the test's own: one that starts
// Pieces OS (a fake writing its port file), one that fails, and one that
// starts nothing; and checks that a Pieces OS already running is returned
// without opening anything.
func TestLaunch(t *testing.T) {
	t.Parallel()
	ctx := func(d time.Duration) context.Context {
		c, cancel := context.WithTimeout(t.Context(), d)
		t.Cleanup(cancel)
		return c
	}
	t.Run("starts it", func(t *testing.T) {
		t.Parallel()
		pf := filepath.Join(t.TempDir(), ".port.txt")
		var opened []string
		var srv *usertest.Server
		open := func(_ context.Context, url string) error {
			opened = append(opened, url)
			srv = usertest.Start(t)
			writePortFile(t, pf, srv)
			return nil
		}
		inst, err := user.Launch(ctx(time.Minute), &user.LaunchOptions{DiscoverOptions: user.DiscoverOptions{PortFile: pf, NoScan: true}, Open: open})
		if err != nil {
			t.Fatalf("Launch: %v", err)
		}
		if len(opened) != 1 || opened[0] != "pieces://launch" || inst.URL != srv.URL || !inst.Health.Ready {
			t.Errorf("Launch = %+v after opening %v; want the fake after opening pieces://launch once", inst, opened)
		}
	})
	t.Run("already running", func(t *testing.T) {
		t.Parallel()
		pf := filepath.Join(t.TempDir(), ".port.txt")
		srv := usertest.Start(t)
		writePortFile(t, pf, srv)
		open := func(context.Context, string) error {
			t.Error("Launch opened the URL although Pieces OS runs")
			return nil
		}
		inst, err := user.Launch(ctx(time.Minute), &user.LaunchOptions{DiscoverOptions: user.DiscoverOptions{PortFile: pf, NoScan: true}, Open: open})
		if err != nil || inst.URL != srv.URL {
			t.Errorf("Launch = %+v, %v; want %s", inst, err, srv.URL)
		}
	})
	t.Run("opener fails", func(t *testing.T) {
		t.Parallel()
		boom := errors.New("no handler for pieces://")
		open := func(context.Context, string) error { return boom }
		_, err := user.Launch(ctx(time.Minute), &user.LaunchOptions{DiscoverOptions: user.DiscoverOptions{NoPortFile: true, Ports: discClosed(t, 2)}, Open: open})
		if e, ok := errors.AsType[*user.Error](err); !ok || e.Op != "launch" || !errors.Is(err, boom) {
			t.Errorf("Launch = %v; want an *Error of launch wrapping the opener's error", err)
		}
	})
	t.Run("never comes", func(t *testing.T) {
		t.Parallel()
		open := func(context.Context, string) error { return nil }
		_, err := user.Launch(ctx(time.Second), &user.LaunchOptions{DiscoverOptions: user.DiscoverOptions{NoPortFile: true, Ports: discClosed(t, 2)}, Open: open})
		if !errors.Is(err, user.ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Launch = %v; want ErrUnreachable and the deadline", err)
		}
		// The last search that ran to its end explains, not one the deadline cut.
		if _, last, _ := strings.Cut(fmt.Sprint(err), "last search: "); !strings.Contains(last, "nothing answered") {
			t.Errorf("Launch = %v; want the last search's finding", err)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		t.Parallel()
		//lint:ignore SA1012 a nil context is what is tested
		if _, err := user.Launch(nil, nil); !errors.Is(err, user.ErrInvalidInput) {
			t.Errorf("Launch(nil) = %v, want ErrInvalidInput", err)
		}
		if _, err := user.Launch(t.Context(), &user.LaunchOptions{DiscoverOptions: user.DiscoverOptions{Ports: []int{0}}}); !errors.Is(err, user.ErrInvalidInput) {
			t.Errorf("Launch with port 0 = %v, want ErrInvalidInput", err)
		}
	})
}
