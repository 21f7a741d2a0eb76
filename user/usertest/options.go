package usertest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// DefaultCheckInInterval is how often the check-in stream sends a message
// unless WithCheckInInterval says otherwise.
const DefaultCheckInInterval = time.Second

// Option configures a Server in NewServer or Start.
type Option func(*config) error

type config struct {
	addr      string
	signedOut bool
	profile   *gen.UserProfile
	checkIn   time.Duration
	latency   time.Duration
	taken     []string
	log       io.Writer
	version   string
	migrating bool
	noCheckIn bool
}

// DefaultVersion is the version GET /.well-known/version answers unless
// WithVersion or SetVersion says otherwise.
const DefaultVersion = "12.4.1"

// WithAddr makes the server listen on addr, a "host:port" whose host is a
// loopback address or "localhost", instead of an ephemeral port of
// 127.0.0.1. To restart a server on the port of one that was closed, pass
// WithAddr(old.Addr()); a client pointed at old.URL then reaches the new
// server.
func WithAddr(addr string) Option {
	return func(c *config) error {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("usertest: WithAddr(%q): %w", addr, err)
		}
		if host != "localhost" {
			ip := net.ParseIP(host)
			if ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("usertest: WithAddr(%q): the host must be a loopback address", addr)
			}
		}
		c.addr = addr
		return nil
	}
}

// WithSignedOut starts the server with nobody signed in.
func WithSignedOut() Option {
	return func(c *config) error {
		c.signedOut = true
		return nil
	}
}

// WithProfile makes p the profile of the user the server starts with (and
// that selectUser without a body signs in), instead of DefaultProfile. The
// server keeps its own copy.
func WithProfile(p gen.UserProfile) Option {
	return func(c *config) error {
		cp := clone(p)
		c.profile = &cp
		return nil
	}
}

// WithCheckInInterval sets how often /user/last_checked_in/stream sends a
// message after the first one, which it sends at once. The default is
// DefaultCheckInInterval.
func WithCheckInInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("usertest: WithCheckInInterval(%v): the interval must be positive", d)
		}
		c.checkIn = d
		return nil
	}
}

// WithLatency delays every answer by d, as SetLatency does.
func WithLatency(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("usertest: WithLatency(%v): the latency must not be negative", d)
		}
		c.latency = d
		return nil
	}
}

// WithTakenVanity marks vanity names as taken by other users, as
// TakeVanity does.
func WithTakenVanity(names ...string) Option {
	return func(c *config) error {
		c.taken = append(c.taken, names...)
		return nil
	}
}

// WithLog makes the server write one line per request to w: method, path,
// status and duration, such as "GET /user 200 153µs". Server errors and
// recovered panics are written there too. Writes to w are serialised.
func WithLog(w io.Writer) Option {
	return func(c *config) error {
		if w == nil {
			return errors.New("usertest: WithLog(nil): the writer must not be nil")
		}
		c.log = w
		return nil
	}
}

// WithVersion makes GET /.well-known/version answer v, as SetVersion does.
func WithVersion(v string) Option {
	return func(c *config) error {
		if err := checkVersionText(v); err != nil {
			return fmt.Errorf("usertest: WithVersion: %w", err)
		}
		c.version = v
		return nil
	}
}

// WithMigrating starts the server in the migrating state, as
// SetMigrating(true) does.
func WithMigrating() Option {
	return func(c *config) error {
		c.migrating = true
		return nil
	}
}

// WithoutCheckInStream makes the server a build without the check-in
// stream: GET /user/last_checked_in/stream answers 404 instead of the
// WebSocket upgrade. Requests still names the operation
// streamUserLastCheckedIn.
func WithoutCheckInStream() Option {
	return func(c *config) error {
		c.noCheckIn = true
		return nil
	}
}
