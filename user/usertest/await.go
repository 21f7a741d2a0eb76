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
// wrapping ctx.Err() when ctx ends first (a deadline such as
// context.WithTimeout(t.Context(), time.Minute) guards against a hang).
// Await waits for the value, never for a fixed time. It fits the Events
// channel of a stream of package user:
//
//	ev, err := usertest.Await(ctx, stream.Events(), func(ev user.Event) bool {
//		return ev.Kind == user.EventProfile && ev.Profile.Name == "Ada King"
//	})
//
// Those streams conflate data events: of two changes made in a row, a
// consumer may see only the second. So wait for the final state a test
// expects, not for one event per change. Each call consumes what it reads,
// matching or not.
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
