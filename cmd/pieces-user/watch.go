package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// minRetry is the shortest wait before a reconnection.
const minRetry = 100 * time.Millisecond

// watchLine is one line of --json watch: a data event and its payload,
// the profile as Pieces OS sent it.
type watchLine struct {
	Event   string                              `json:"event"`
	Profile json.RawMessage                     `json:"profile,omitempty"`
	CheckIn *user.UserLastCheckedInStreamOutput `json:"checkIn,omitempty"`
}

// watching is the setup of watch and watch-checkins, which follow one
// stream. Data events (profile, signed-out, check-in) go to standard
// output; connection changes go to standard error. They end with success
// when the run is interrupted or after --count data events.
func watching(checkIns bool) func(*flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		name := fs.Name()
		// By default a restarted Pieces OS is seen again within 5s, and one
		// that stops answering is noticed within 10s.
		count := fs.Int("count", 0, "stop after `N` data events (profile, signed-out or check-in); 0 runs until interrupted")
		retryMax := fs.Duration("retry-max", 5*time.Second, "wait at most `DUR` between two reconnections")
		pingInterval := fs.Duration("ping-interval", 5*time.Second, "send a ping every `DUR` to find a Pieces OS that stopped answering; 0 sends none")
		pingTimeout := fs.Duration("ping-timeout", 5*time.Second, "drop the connection and reconnect when a ping gets no answer within `DUR`")
		return func(s *session, _ []string) error {
			switch {
			case *count < 0:
				return usagef("%s: --count %d is negative", name, *count)
			case *retryMax < minRetry:
				return usagef("%s: --retry-max %v is below the shortest wait, %v", name, *retryMax, minRetry)
			case *pingInterval < 0:
				return usagef("%s: --ping-interval %v is negative: give a duration such as 5s, or 0 for no pings", name, *pingInterval)
			case *pingTimeout <= 0:
				return usagef("%s: --ping-timeout %v is not positive: give a duration such as 5s", name, *pingTimeout)
			}
			opts := &user.WatchOptions{Backoff: user.Backoff{Min: minRetry, Max: *retryMax}, PingInterval: cmp.Or(*pingInterval, -1), PingTimeout: *pingTimeout}
			c, err := s.client()
			if c == nil {
				return err
			} else if err != nil {
				fmt.Fprintf(s.stderr, "%s: %s; waiting for Pieces OS to start\n", progName, oneLine(err.Error()))
			}
			watch := c.WatchProfile
			if checkIns {
				watch = c.WatchCheckIns
			}
			st, err := watch(s.ctx, opts)
			if err != nil {
				return err
			}
			defer st.Close()

			seen := 0
			for ev := range st.Events() {
				switch ev.Kind {
				case user.EventProfile, user.EventSignedOut, user.EventCheckIn:
					if err := s.printEvent(ev); err != nil {
						return err
					}
					if seen++; *count > 0 && seen >= *count {
						return nil
					}
				case user.EventConnected:
					fmt.Fprintf(s.stderr, "connected to %s\n", c.BaseURL())
				case user.EventDisconnected:
					if errors.Is(ev.Err, user.ErrNotFound) {
						// Retrying cannot help this Pieces OS: say so and stop.
						return fmt.Errorf("%s: stopped: Pieces OS at %s does not serve the stream: %w", name, c.BaseURL(), ev.Err)
					}
					fmt.Fprintf(s.stderr, "disconnected: %s\n", oneLine(ev.Err.Error()))
				case user.EventRetrying:
					fmt.Fprintf(s.stderr, "retrying in %v (attempt %d)\n", ev.RetryIn.Round(time.Millisecond), ev.Attempt)
				case user.EventMalformed:
					fmt.Fprintf(s.stderr, "skipped a malformed message: %s\n", oneLine(ev.Err.Error()))
				}
			}
			return nil // the run was interrupted: the normal way to stop
		}
	}
}

// printEvent writes one data event to standard output.
func (s *session) printEvent(ev user.Event) error {
	if s.json {
		line := watchLine{Event: ev.Kind.String(), CheckIn: ev.CheckIn}
		if ev.Profile != nil {
			line.Profile = ev.Profile.Raw()
		}
		return encodeJSON(s.stdout, line, false)
	}
	line := "signed out"
	switch ev.Kind {
	case user.EventProfile:
		line = describeProfile(ev.Profile)
	case user.EventCheckIn:
		line = describeCheckIn(ev.CheckIn)
	}
	_, err := fmt.Fprintln(s.stdout, line)
	return err
}
