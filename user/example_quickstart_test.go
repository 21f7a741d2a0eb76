package user_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// The program of the Quickstart in README.md, as its main function (run
// is quickstartRun below). It is kept here so that it always compiles;
// TestQuickstartIsTheREADMEs checks that README.md shows the same code.
// The program only reads, and it ends on Ctrl-C or after 30 seconds.
func Example_quickstart() {
	// Stop on Ctrl-C, and after 30 seconds in any case.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	if err := quickstartRun(ctx); err != nil {
		log.Fatal(err)
	}
}

// run shows who is signed in, then prints each change of the profile
// until ctx ends. It only reads: it changes nothing in Pieces OS.
func quickstartRun(ctx context.Context) error {
	// Talks to http://127.0.0.1:39300 unless $PIECES_OS_URL (such as
	// localhost:39301) or user.WithBaseURL says otherwise; user.Discover
	// finds Pieces OS on another port.
	c, err := user.New(user.WithApplicationID("my-app"))
	if err != nil {
		return err
	}

	me, err := c.Snapshot(ctx)
	switch {
	case errors.Is(err, user.ErrNotSignedIn):
		return errors.New("nobody is signed in to Pieces OS")
	case err != nil:
		return err
	}
	fmt.Println("signed in as", me.Email)

	// Follow profile changes until ctx ends; the stream reconnects by
	// itself, and its first event is the current profile.
	s, err := c.WatchProfile(ctx, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	for ev := range s.Events() {
		switch ev.Kind {
		case user.EventProfile:
			fmt.Println("profile:", ev.Profile.Email)
		case user.EventSignedOut:
			fmt.Println("signed out")
		case user.EventDisconnected:
			fmt.Println("disconnected:", ev.Err)
		case user.EventRetrying:
			fmt.Println("reconnecting in", ev.RetryIn)
		}
	}
	return nil // Events closes once ctx ends
}

// quickstartWrite is the snippet of README.md that changes something; its
// body is what README.md shows.
func quickstartWrite(ctx context.Context, c *user.Client) error {
	// This WRITES: it renames the vanity name of the signed-in user.
	if _, err := c.UpdateVanity(ctx, "ada"); errors.Is(err, user.ErrConflict) {
		fmt.Println("that vanity name is taken")
	} else if err != nil {
		return err
	}
	return nil
}
