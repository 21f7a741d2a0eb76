package usertest

import (
	"context"
	"errors"
	"fmt"
)

// ErrEnded is returned by Await when the channel closes before a value
// matches.
var ErrEnded = errors.New("usertest: the channel closed before a value matched")

// Await reads values from ch until match reports true for one and returns
// it. It gives up with ErrEnded when ch closes first, and with an error
// wrapping ctx.Err() when ctx ends first; either error counts the values
// that were read and did not match. A test passes a context with a
// deadline, such as one from context.WithTimeout(t.Context(), time.Minute),
// as a guard against a hang: Await waits for the value, never for a fixed
// time, so a test built on it needs no sleeps.
//
// It fits the Events channel of a stream of package user, so "wait until
// the consumer has seen state X" reads:
//
//	ev, err := usertest.Await(ctx, stream.Events(), func(ev user.Event) bool {
//		return ev.Kind == user.EventProfile && ev.Profile.Name == "Ada King"
//	})
//
// The streams of package user conflate data events: when two changes
// happen in a row, a consumer may see only the second, because the newer
// event replaces an undelivered older one (the connection events are
// queued, not conflated). So wait for the final state that a test expects,
// not for one event per change: a test that makes two changes and waits
// for two profile events can wait forever. Each call of Await consumes
// what it reads, matching or not, so a test that waits for A and then for
// B expects B to come after A.
func Await[T any](ctx context.Context, ch <-chan T, match func(T) bool) (T, error) {
	var zero T
	if match == nil {
		return zero, errors.New("usertest: Await: match is nil")
	}
	skipped := 0
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				return zero, fmt.Errorf("%w (%d values read)", ErrEnded, skipped)
			}
			if match(v) {
				return v, nil
			}
			skipped++
		case <-ctx.Done():
			return zero, fmt.Errorf("usertest: no matching value (%d others read): %w", skipped, ctx.Err())
		}
	}
}
