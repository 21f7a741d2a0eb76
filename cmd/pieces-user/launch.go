package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// launchProgress is the time between two "still waiting" lines of launch.
const launchProgress = 5 * time.Second

func setupLaunch(fs *flag.FlagSet) action {
	// A cold start of Pieces OS can take tens of seconds.
	wait := fs.Duration("wait", time.Minute, "wait at most `DUR` for Pieces OS to be ready; 0 waits until interrupted")
	opener := fs.String("opener", "", "run `COMMAND` with the URL pieces://launch as its last argument instead of the desktop's opener;\n"+
		"      COMMAND is split at white space, without quoting, and is left running, its output discarded")
	return func(s *session, _ []string) error {
		args := strings.Fields(*opener)
		if *opener != "" && len(args) == 0 {
			return usagef("launch: --opener is empty")
		}
		if err := s.waitFor("launch", *wait); err != nil {
			return err
		}
		ctx, cancel := s.callCtx()
		defer cancel()
		if inst, err := user.Discover(ctx, &s.find); err == nil {
			fmt.Fprintf(s.stderr, "Pieces OS is already running at %s\n", inst.URL)
			return s.printInstance(inst)
		}
		opts := &user.LaunchOptions{DiscoverOptions: s.find}
		if len(args) > 0 {
			opts.Open = func(ctx context.Context, url string) error { return startOpener(ctx, s, args, url) }
		} else {
			fmt.Fprintln(s.stderr, "asking the desktop to open pieces://launch")
		}
		s.hint = "start the Pieces OS app by hand, or give a longer --wait"

		start, done := time.Now(), make(chan struct{})
		var inst user.Instance
		var err error
		go func() { inst, err = user.Launch(ctx, opts); close(done) }()
		tick := time.NewTicker(launchProgress)
		defer tick.Stop()
		for waiting := true; waiting; {
			select {
			case <-tick.C:
				fmt.Fprintf(s.stderr, "still waiting for Pieces OS (%v)\n", time.Since(start).Round(time.Second))
			case <-done:
				waiting = false
			}
		}
		switch {
		case err == nil:
			how := cmp.Or(when(inst.PortFile != "", "through the port file "+inst.PortFile), "by scanning the ports")
			fmt.Fprintf(s.stderr, "Pieces OS is ready at %s (found %s) after %v\n", inst.URL, how, time.Since(start).Round(time.Millisecond))
			return s.printInstance(inst)
		case s.ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
			return fmt.Errorf("launch: Pieces OS was not ready within %v (see --wait): %w", *wait, err)
		}
		return err
	}
}

// startOpener runs the --opener args with url. It returns when the opener
// exits (its failure is launch's) or launch is done with it, and leaves
// running an opener that goes on, such as serve-fake.
func startOpener(ctx context.Context, s *session, args []string, url string) error {
	cmd := exec.Command(args[0], append(args[1:], url)...)
	fmt.Fprintf(s.stderr, "running %s\n", strings.Join(cmd.Args, " "))
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		return err
	case <-ctx.Done():
		return nil
	}
}

// printInstance prints the address of Pieces OS, or as --json status --all.
func (s *session) printInstance(inst user.Instance) error {
	if s.json {
		return encodeJSON(s.stdout, describeInstance(inst), true)
	}
	_, err := fmt.Fprintln(s.stdout, inst.URL)
	return err
}
