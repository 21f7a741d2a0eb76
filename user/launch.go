package user

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"time"
)

// launchURL is the URL the Pieces applications open to start Pieces OS.
const launchURL = "pieces://launch"

// launchPoll is the time between two searches while Pieces OS starts.
const launchPoll = 250 * time.Millisecond

// LaunchOptions says how Launch starts Pieces OS and where it looks for
// it; the zero value opens the URL with the desktop's opener and looks
// where Discover looks by default.
type LaunchOptions struct {
	DiscoverOptions
	// Open asks the desktop to open url (pieces://launch). Launch calls it
	// alongside its wait and cancels ctx when it returns, so an opener
	// that keeps running is stopped then. nil runs the desktop's opener:
	// open on macOS, rundll32 url.dll,FileProtocolHandler on Windows, and
	// xdg-open elsewhere.
	Open func(ctx context.Context, url string) error
}

// Launch starts Pieces OS as the Pieces applications do, by opening the
// URL pieces://launch, and waits until discovery finds it ready or ctx
// ends (give ctx a deadline: a cold start can take tens of seconds). A
// Pieces OS already ready is returned at once, and nothing is opened.
//
// The error is an *Error with Op "launch": it wraps the opener's failure,
// or matches ErrUnreachable when ctx ended before Pieces OS was ready.
func Launch(ctx context.Context, opts *LaunchOptions) (Instance, error) {
	o := LaunchOptions{}
	if opts != nil {
		o = *opts
	}
	fail := func(err error) (Instance, error) { return Instance{}, (*client)(nil).fail("launch", 0, nil, err) }
	if ctx == nil {
		return fail(fmt.Errorf("%w: nil context", ErrInvalidInput))
	}
	log := orDiscard(o.Logger)
	found, err := discover(ctx, o.DiscoverOptions, false)
	if errors.Is(err, ErrInvalidInput) {
		return fail(err)
	}
	if err == nil && found[0].Health.Ready {
		return found[0], nil
	}
	open := o.Open
	if open == nil {
		open = openWithDesktop
	}
	octx, cancel := context.WithCancel(ctx)
	defer cancel()
	opened := make(chan error, 1)
	go func() { opened <- open(octx, launchURL) }()
	log.Debug("user: launch: asked the desktop to open " + launchURL)

	t := time.NewTicker(launchPoll)
	defer t.Stop()
	for {
		select {
		case err := <-opened:
			if err != nil {
				return fail(fmt.Errorf("opening %s: %w", launchURL, err))
			}
			opened = nil // the opener is done; keep waiting for Pieces OS
		case <-t.C:
			f, e := discover(ctx, o.DiscoverOptions, false)
			if e == nil && f[0].Health.Ready {
				log.Debug("user: launch: Pieces OS is ready", "url", f[0].URL)
				return f[0], nil
			}
			if ctx.Err() == nil { // a search the deadline cut short says nothing
				found, err = f, e
			}
		case <-ctx.Done():
			cause := "not found"
			if err != nil {
				cause = err.Error()
			} else if len(found) > 0 {
				cause = found[0].URL + " is still migrating its database"
			}
			return fail(fmt.Errorf("%w: not ready when the wait ended (%w); last search: %s", ErrUnreachable, context.Cause(ctx), cause))
		}
	}
}

// openWithDesktop opens url with the desktop's opener.
func openWithDesktop(ctx context.Context, url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.CommandContext(ctx, "open", url)
	case "windows":
		cmd = exec.CommandContext(ctx, "rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.CommandContext(ctx, "xdg-open", url)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w: %s", cmd.Path, err, cutText(oneLine(string(out)), 200))
	}
	return nil
}
