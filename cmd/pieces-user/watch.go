package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// defaultRetryMax is the longest wait between two reconnections of a watch
// unless --retry-max says otherwise: shorter than the library's default,
// so that a restarted Pieces OS is seen again quickly.
const defaultRetryMax = 5 * time.Second

// The ping defaults of the watch commands: a Pieces OS that stops
// answering is noticed within 10s (the library's defaults take 25s).
const (
	defaultPingInterval = 5 * time.Second
	defaultPingTimeout  = 5 * time.Second
)

// watchLine is one line of the --json output of the watch commands: the
// kind of a data event and its payload.
type watchLine struct {
	Event   string                              `json:"event"`
	Profile *user.Profile                       `json:"profile,omitempty"`
	CheckIn *user.UserLastCheckedInStreamOutput `json:"checkIn,omitempty"`
}

func setupWatchProfile(fs *flag.FlagSet) action { return watchAction(fs, "watch", false) }

func setupWatchCheckIns(fs *flag.FlagSet) action { return watchAction(fs, "watch-checkins", true) }

// watchAction follows one stream. Data events (profile, signed-out,
// check-in) go to standard output; connection changes go to standard error.
// It ends with success when the run is interrupted or after --count data
// events.
func watchAction(fs *flag.FlagSet, name string, checkIns bool) action {
	count := fs.Int("count", 0, "stop after `N` data events (profile, signed-out or check-in); 0 runs until interrupted")
	retryMax := fs.Duration("retry-max", defaultRetryMax, "wait at most `DUR` between two reconnections")
	pingInterval := fs.Duration("ping-interval", defaultPingInterval, "send a ping every `DUR` to find a Pieces OS that stopped answering; 0 sends none")
	pingTimeout := fs.Duration("ping-timeout", defaultPingTimeout, "drop the connection and reconnect when a ping gets no answer within `DUR`")
	return func(s *session, _ []string) error {
		if *count < 0 {
			return usagef("%s: --count %d is negative", name, *count)
		}
		if *retryMax < user.DefaultBackoffMin {
			return usagef("%s: --retry-max %v is below the shortest wait, %v", name, *retryMax, user.DefaultBackoffMin)
		}
		if *pingInterval < 0 {
			return usagef("%s: --ping-interval %v is negative: give a duration such as 5s, or 0 for no pings", name, *pingInterval)
		}
		if *pingTimeout <= 0 {
			return usagef("%s: --ping-timeout %v is not positive: give a duration such as 5s", name, *pingTimeout)
		}
		c, err := s.client()
		if err != nil {
			return err
		}
		if s.discoverErr != nil {
			fmt.Fprintf(s.stderr, "%s: no Pieces OS found on %s ports %d-%d; waiting for one at %s\n",
				progName, user.DiscoverHost, user.FirstPort, user.LastPort, s.base)
		}
		watch := c.WatchProfile
		if checkIns {
			watch = c.WatchCheckIns
		}
		ctx, cancel := context.WithCancel(s.ctx)
		defer cancel()
		st, err := watch(ctx, user.WithBackoff(user.DefaultBackoffMin, *retryMax),
			user.WithPingInterval(*pingInterval), user.WithPingTimeout(*pingTimeout))
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
				seen++
				if *count > 0 && seen >= *count {
					return nil
				}
			case user.EventConnected:
				fmt.Fprintf(s.stderr, "connected to %s\n", s.base)
			case user.EventDisconnected:
				if errors.Is(ev.Err, user.ErrStreamUnsupported) {
					// Retrying cannot help this Pieces OS: say so and stop.
					return fmt.Errorf("%s: stopped: %w", name, ev.Err)
				}
				fmt.Fprintf(s.stderr, "disconnected: %s\n", oneLine(errText(ev.Err)))
			case user.EventRetrying:
				fmt.Fprintf(s.stderr, "retrying in %v (attempt %d)\n", ev.RetryIn.Round(time.Millisecond), ev.Attempt)
			case user.EventMalformed:
				fmt.Fprintf(s.stderr, "skipped a malformed message: %s\n", oneLine(errText(ev.Err)))
			}
		}
		// Events closes once the run's context ends: an interrupt is the
		// normal way to stop watching.
		return nil
	}
}

func errText(err error) string {
	if err == nil {
		return "unknown cause"
	}
	return err.Error()
}

// printEvent writes one data event to standard output. With --json a
// profile is the message Pieces OS sent (Profile.Raw) on one line.
func (s *session) printEvent(ev user.Event) error {
	if s.json {
		enc := json.NewEncoder(s.stdout)
		enc.SetEscapeHTML(false)
		line := struct {
			watchLine
			Profile json.RawMessage `json:"profile,omitempty"`
		}{watchLine: watchLine{Event: ev.Kind.String(), CheckIn: ev.CheckIn}}
		if ev.Profile != nil {
			if line.Profile = ev.Profile.Raw(); line.Profile == nil {
				b, err := json.Marshal(ev.Profile)
				if err != nil {
					return err
				}
				line.Profile = b
			}
		}
		return enc.Encode(line)
	}
	var line string
	switch ev.Kind {
	case user.EventProfile:
		line = describeProfile(ev.Profile)
	case user.EventSignedOut:
		line = "signed out"
	case user.EventCheckIn:
		line = describeCheckIn(ev.CheckIn)
	}
	_, err := fmt.Fprintln(s.stdout, line)
	return err
}
