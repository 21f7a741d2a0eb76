package usertest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// DefaultCheckInInterval is how often the check-in stream sends a message
// unless WithCheckInInterval says otherwise.
const DefaultCheckInInterval = time.Second

// DefaultVersion is the version GET /.well-known/version answers until
// SetVersion says otherwise.
const DefaultVersion = "12.4.1"

// Option configures a Server in NewServer or Start. Options set only what
// must be known before the server listens; every other knob is a method of
// Server, which works at any time.
type Option func(*config) error

type config struct {
	addr      string
	checkIn   time.Duration
	log       io.Writer
	noCheckIn bool
}

// WithAddr makes the server listen on addr, a "host:port" whose host is a
// loopback address or "localhost", instead of an ephemeral port of
// 127.0.0.1. WithAddr(old.Addr()) restarts a closed server on its port.
func WithAddr(addr string) Option {
	return func(c *config) error {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("usertest: WithAddr(%q): %w", addr, err)
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("usertest: WithAddr(%q): the host must be a loopback address", addr)
		}
		c.addr = addr
		return nil
	}
}

// WithCheckInInterval sets how often /user/last_checked_in/stream sends a
// message after the first, which it sends at once (DefaultCheckInInterval).
func WithCheckInInterval(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("usertest: WithCheckInInterval(%v): the interval must be positive", d)
		}
		c.checkIn = d
		return nil
	}
}

// WithLog makes the server write one line per request to w: method, path,
// status and duration, such as "GET /user 200 153µs". Server errors and
// panics of handlers are written there too. Writes to w are serialised.
func WithLog(w io.Writer) Option {
	return func(c *config) error {
		if w == nil {
			return errors.New("usertest: WithLog(nil): the writer must not be nil")
		}
		c.log = w
		return nil
	}
}

// WithoutCheckInStream makes the server a build without the check-in
// stream: GET /user/last_checked_in/stream answers 404 (Requests still
// names the operation).
func WithoutCheckInStream() Option {
	return func(c *config) error {
		c.noCheckIn = true
		return nil
	}
}
