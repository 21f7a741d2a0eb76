package usertest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

func TestAwait(t *testing.T) {
	t.Parallel()
	even := func(n int) bool { return n%2 == 0 }

	t.Run("match", func(t *testing.T) {
		ch := make(chan int, 4)
		ch <- 1
		ch <- 3
		ch <- 4
		ch <- 6
		got, err := usertest.Await(t.Context(), ch, even)
		if got != 4 || err != nil {
			t.Fatalf("Await = %d, %v; want 4, nil", got, err)
		}
		if left := len(ch); left != 1 {
			t.Errorf("%d values left in the channel, want 1: Await reads up to the match only", left)
		}
	})
	t.Run("closed", func(t *testing.T) {
		ch := make(chan int, 2)
		ch <- 1
		ch <- 3
		close(ch)
		got, err := usertest.Await(t.Context(), ch, even)
		if !errors.Is(err, usertest.ErrEnded) || got != 0 || !strings.Contains(err.Error(), "2 values read") {
			t.Errorf("Await on a closed channel = %d, %v; want 0 and ErrEnded counting 2 values", got, err)
		}
	})
	t.Run("context ends", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		ch := make(chan int, 1)
		ch <- 1
		done := make(chan error, 1)
		go func() {
			_, err := usertest.Await(ctx, ch, even)
			done <- err
		}()
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Await after cancel: %v, want context.Canceled", err)
			}
		case <-time.After(time.Minute):
			t.Fatal("Await did not return within a minute of its context ending")
		}
	})
	t.Run("nil match", func(t *testing.T) {
		if _, err := usertest.Await(t.Context(), make(chan int), nil); err == nil {
			t.Error("Await with a nil match succeeded")
		}
	})
}

// TestAwaitFinalStateThroughConflation makes two changes in a row, many
// times, and waits each time for the second: the stream may merge the two
// changes into one event, and waiting for the final state works whether
// it does or not.
func TestAwaitFinalStateThroughConflation(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c, err := user.New(user.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s, err := c.WatchProfile(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := usertest.Await(ctx, s.Events(), isKind(user.EventProfile)); err != nil {
		t.Fatalf("the first profile: %v", err)
	}
	p, _ := srv.Profile()
	for i := range 30 {
		p.Name = fmt.Sprintf("first change %d", i)
		srv.SetProfile(p)
		p.Name = fmt.Sprintf("second change %d", i)
		srv.SetProfile(p)
		if _, err := usertest.Await(ctx, s.Events(), isProfileNamed(p.Name)); err != nil {
			t.Fatalf("round %d: waiting for %q: %v", i, p.Name, err)
		}
	}
}
