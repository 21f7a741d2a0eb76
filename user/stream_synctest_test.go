package user

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// The tests in this file run in a synctest bubble over an in-memory
// network, so waits, backoff and pings take no real time and the fake clock
// makes their durations exact.

// watchInBubble starts WatchProfile and closes the stream at cleanup, inside
// the bubble.
func watchInBubble(t *testing.T, ctx context.Context, c *Client, opts *WatchOptions) *Stream {
	t.Helper()
	s, err := c.WatchProfile(ctx, opts)
	if err != nil {
		t.Fatalf("WatchProfile: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStreamSynctestBackoffSchedule(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const lo, hi = 100 * time.Millisecond, time.Second
		const failures = 6
		f := newFakeStreams(profileMsg(t, "u1", "Ada"))
		f.FailNext(failures, http.StatusServiceUnavailable, "starting")
		_, c := startPipeFake(t, f)
		s := watchInBubble(t, t.Context(), c, &WatchOptions{Backoff: Backoff{Min: lo, Max: hi}, PingInterval: -1})

		ev := expectKind(t, s, EventDisconnected)
		for attempt := 1; attempt <= failures; attempt++ {
			if statusCode(ev.Err) != http.StatusServiceUnavailable {
				t.Fatalf("attempt %d: Err = %v, want a 503", attempt, ev.Err)
			}
			r := expectKind(t, s, EventRetrying)
			ceil := min(lo<<(attempt-1), hi)
			if r.Attempt != attempt || r.RetryIn < max(lo, ceil/2) || r.RetryIn > ceil {
				t.Errorf("retry %d: Attempt %d, RetryIn %v; want RetryIn in [%v, %v]", attempt, r.Attempt, r.RetryIn, max(lo, ceil/2), ceil)
			}
			waited := time.Now()
			ev = nextEvent(t, s)
			if got := time.Since(waited); got != r.RetryIn {
				t.Errorf("retry %d: dialled again after %v, want exactly RetryIn %v", attempt, got, r.RetryIn)
			}
		}
		if ev.Kind != EventConnected {
			t.Fatalf("got %v after %d failures, want connected", ev.Kind, failures)
		}
		expectKind(t, s, EventProfile)

		// The connection delivered a message: the next wait starts over.
		f.Drop()
		expectKind(t, s, EventDisconnected)
		if r := expectKind(t, s, EventRetrying); r.Attempt != 1 || r.RetryIn != lo {
			t.Errorf("after a healthy connection: Attempt %d, RetryIn %v; want 1 and %v", r.Attempt, r.RetryIn, lo)
		}
		expectKind(t, s, EventConnected)
		expectKind(t, s, EventProfile)
	})
}

func TestStreamSynctestPingDetectsDeadPeer(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const interval, timeout = 15 * time.Second, 5 * time.Second
		f := newFakeStreams(profileMsg(t, "u1", "Ada"))
		f.SetUnresponsive(true)
		_, c := startPipeFake(t, f)
		s := watchInBubble(t, t.Context(), c, &WatchOptions{PingInterval: interval, PingTimeout: timeout, Backoff: Backoff{Min: time.Minute, Max: time.Minute}})

		expectKind(t, s, EventConnected)
		expectKind(t, s, EventProfile)
		since := time.Now()
		ev := expectKind(t, s, EventDisconnected)
		took := time.Since(since)
		if took < interval || took > interval+timeout {
			t.Errorf("dead peer found after %v, want within [%v, %v]", took, interval, interval+timeout)
		}
		if !errors.Is(ev.Err, context.DeadlineExceeded) || !strings.Contains(ev.Err.Error(), "ping") {
			t.Errorf("Err = %v, want a ping timeout", ev.Err)
		}
		// The connection had delivered a message, so it counts as healthy.
		if r := expectKind(t, s, EventRetrying); r.Attempt != 1 {
			t.Errorf("Attempt = %d, want 1", r.Attempt)
		}
	})
}

func TestStreamSynctestPingKeepsHealthyConnection(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const interval = 15 * time.Second
		f := newFakeStreams(profileMsg(t, "u1", "Ada"))
		_, c := startPipeFake(t, f)
		s := watchInBubble(t, t.Context(), c, &WatchOptions{PingInterval: interval, PingTimeout: time.Second})
		expectKind(t, s, EventConnected)
		expectKind(t, s, EventProfile)

		time.Sleep(20 * interval) // twenty pings, all answered
		synctest.Wait()
		select {
		case ev := <-s.Events():
			t.Errorf("unexpected %v event (Err %v) on a healthy connection", ev.Kind, ev.Err)
		default:
		}
		if n := len(f.Requests()); n != 1 {
			t.Errorf("%d handshakes, want 1", n)
		}
	})
}

func TestStreamSynctestDialTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const dialTimeout = 10 * time.Second
		f := newFakeStreams(profileMsg(t, "u1", "Ada"))
		pn, c := startPipeFake(t, f)
		pn.SetBlackout(true)
		start := time.Now()
		s := watchInBubble(t, t.Context(), c, &WatchOptions{DialTimeout: dialTimeout, Backoff: Backoff{Min: time.Second, Max: time.Second}})

		ev := expectKind(t, s, EventDisconnected)
		if took := time.Since(start); took != dialTimeout {
			t.Errorf("handshake given up after %v, want %v", took, dialTimeout)
		}
		var e *Error
		if !errors.Is(ev.Err, context.DeadlineExceeded) || !errors.Is(ev.Err, ErrUnreachable) || !errors.As(ev.Err, &e) || e.Op != OpStreamUser {
			t.Errorf("Err = %v, want an *Error of streamUser matching ErrUnreachable and context.DeadlineExceeded", ev.Err)
		}
		expectKind(t, s, EventRetrying)
		pn.SetBlackout(false)
		expectKind(t, s, EventConnected)
		expectKind(t, s, EventProfile)
	})
}

func TestStreamSynctestCancelDuringDial(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := newFakeStreams(profileMsg(t, "u1", "Ada"))
		pn, c := startPipeFake(t, f)
		pn.SetBlackout(true)
		ctx, cancel := context.WithCancel(t.Context())
		start := time.Now()
		s := watchInBubble(t, ctx, c, &WatchOptions{DialTimeout: time.Hour})
		synctest.Wait() // the dial is under way and blocked
		cancel()
		if seen := waitClosed(t, s); len(seen) != 0 {
			t.Errorf("saw %v after cancelling a dial, want no event", kinds(seen))
		}
		if took := time.Since(start); took != 0 {
			t.Errorf("the stream ended after %v, want at once", took)
		}
	})
}

func TestStreamSynctestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		f := newFakeStreams(profileMsg(t, "u1", "Ada"))
		f.FailNext(1, http.StatusServiceUnavailable, "")
		_, c := startPipeFake(t, f)
		ctx, cancel := context.WithCancel(t.Context())
		s := watchInBubble(t, ctx, c, &WatchOptions{Backoff: Backoff{Min: time.Hour, Max: time.Hour}})
		expectKind(t, s, EventDisconnected)
		expectKind(t, s, EventRetrying)
		start := time.Now()
		cancel()
		waitClosed(t, s)
		if took := time.Since(start); took != 0 {
			t.Errorf("the stream ended after %v, want at once rather than after the backoff", took)
		}
		if n := len(f.Requests()); n != 1 {
			t.Errorf("%d handshakes, want 1", n)
		}
	})
}

func TestStreamSynctestCloseUnresponsivePeer(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// A peer that never answers the close frame: Close still finishes,
		// bounded by the close handshake timeout of the WebSocket library.
		f := newFakeStreams(profileMsg(t, "u1", "Ada"))
		f.SetUnresponsive(true)
		_, c := startPipeFake(t, f)
		s, err := c.WatchProfile(t.Context(), &WatchOptions{PingInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		expectKind(t, s, EventConnected)
		expectKind(t, s, EventProfile)
		start := time.Now()
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if took := time.Since(start); took > 15*time.Second {
			t.Errorf("Close took %v", took)
		}
		waitClosed(t, s)
	})
}

func TestStreamSynctestUnsupportedStream(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const lo, hi = 100 * time.Millisecond, 30 * time.Second
		const refusals = 3
		f := newFakeStreams([]byte(`{"needsRefresh":true,"userId":"u1"}`))
		f.FailNext(refusals, http.StatusNotFound, "404 page not found")
		_, c := startPipeFake(t, f)
		s, err := c.WatchCheckIns(t.Context(), &WatchOptions{Backoff: Backoff{Min: lo, Max: hi}, PingInterval: -1})
		if err != nil {
			t.Fatalf("WatchCheckIns: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })

		ev := expectKind(t, s, EventDisconnected)
		for attempt := 1; attempt <= refusals; attempt++ {
			if ev.Kind != EventDisconnected {
				t.Fatalf("attempt %d: got %v, want another refusal", attempt, ev.Kind)
			}
			if !errors.Is(ev.Err, ErrNotFound) {
				t.Errorf("attempt %d: Err = %v, want it to match ErrNotFound", attempt, ev.Err)
			}
			var e *Error
			if !errors.As(ev.Err, &e) || e.Op != OpStreamUserLastCheckedIn || e.StatusCode != http.StatusNotFound {
				t.Errorf("attempt %d: Err = %#v, want an *Error of %s with status 404", attempt, ev.Err, OpStreamUserLastCheckedIn)
			}
			if msg := ev.Err.Error(); !strings.Contains(msg, "404") || !strings.Contains(msg, "not found") {
				t.Errorf("attempt %d: message %q does not say 404 not found", attempt, msg)
			}
			r := expectKind(t, s, EventRetrying)
			if r.Attempt != attempt || r.RetryIn != hi {
				t.Errorf("attempt %d: Attempt %d, RetryIn %v; want the maximum backoff %v", attempt, r.Attempt, r.RetryIn, hi)
			}
			waited := time.Now()
			ev = nextEvent(t, s)
			if got := time.Since(waited); got != hi {
				t.Errorf("attempt %d: dialled again after %v, want %v", attempt, got, hi)
			}
		}
		if ev.Kind != EventConnected {
			t.Fatalf("after %d refusals got %v, want connected: a Pieces OS that gained the route is found again", refusals, ev.Kind)
		}
		if ev := expectKind(t, s, EventCheckIn); !ev.CheckIn.NeedsRefresh {
			t.Errorf("check-in = %+v, want needsRefresh", ev.CheckIn)
		}

		// Other statuses keep the ordinary schedule.
		f.FailNext(1, http.StatusServiceUnavailable, "")
		f.Drop()
		ev = expectKind(t, s, EventDisconnected)
		if errors.Is(ev.Err, ErrNotFound) {
			t.Errorf("a dropped connection matched ErrNotFound: %v", ev.Err)
		}
		expectKind(t, s, EventRetrying)
		ev = expectKind(t, s, EventDisconnected)
		if statusCode(ev.Err) != http.StatusServiceUnavailable {
			t.Errorf("Err = %v, want a 503", ev.Err)
		}
		if r := expectKind(t, s, EventRetrying); r.RetryIn >= hi {
			t.Errorf("RetryIn after a 503 = %v, want the ordinary backoff below %v", r.RetryIn, hi)
		}
	})
}

// TestStreamSynctestDefaultBackoff checks the default waits: from 100 ms,
// doubling, to at most 5 s, so that a Pieces OS that comes back is found
// within about 5 s.
func TestStreamSynctestDefaultBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const failures = 12
		f := newFakeStreams(profileMsg(t, "u1", "Ada"))
		f.FailNext(failures, http.StatusServiceUnavailable, "down")
		_, c := startPipeFake(t, f)
		s := watchInBubble(t, t.Context(), c, nil)
		longest := time.Duration(0)
		for attempt := 1; attempt <= failures; attempt++ {
			expectKind(t, s, EventDisconnected)
			r := expectKind(t, s, EventRetrying)
			if r.RetryIn < 100*time.Millisecond || r.RetryIn > 5*time.Second {
				t.Errorf("retry %d waits %v, want within [100ms, 5s]", attempt, r.RetryIn)
			}
			longest = max(longest, r.RetryIn)
		}
		if longest < 2500*time.Millisecond {
			t.Errorf("the longest wait was %v, want the waits to grow to between 2.5s and 5s", longest)
		}
		expectKind(t, s, EventConnected)
	})
}
