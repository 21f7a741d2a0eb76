package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// Bounds of the demo, so that it never hangs: the whole of it, and each
// wait for an event on the stream. Both are far above what the steps take.
const (
	demoTimeout     = 30 * time.Second
	demoStepTimeout = 5 * time.Second
)

// Values the demo sets.
const (
	demoVanity      = "countess"
	demoTakenVanity = "babbage"
	demoNewName     = "Augusta Ada King"
)

func setupDemo(fs *flag.FlagSet) action {
	return func(s *session, _ []string) error {
		ctx, cancel := context.WithTimeout(s.ctx, demoTimeout)
		defer cancel()
		d := &demo{s: s, ctx: ctx, w: s.stdout}
		if err := d.run(); err != nil {
			// Whatever failed, the demo failed: exit code 1, not the
			// codes that speak of a real Pieces OS.
			return fmt.Errorf("demo failed: %v", err)
		}
		return nil
	}
}

// demo walks through package user against a fake Pieces OS, printing each
// step and its result.
type demo struct {
	s      *session
	ctx    context.Context
	w      io.Writer
	step   int
	events <-chan user.Event
}

// title starts a step.
func (d *demo) title(format string, args ...any) {
	d.step++
	fmt.Fprintf(d.w, "\n%d. %s\n", d.step, fmt.Sprintf(format, args...))
}

// say prints a result of the current step.
func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.w, "   %s\n", fmt.Sprintf(format, args...))
}

// await waits for the first event on the stream that match accepts,
// bounded by demoStepTimeout.
func (d *demo) await(what string, match func(user.Event) bool) (user.Event, error) {
	t := time.NewTimer(demoStepTimeout)
	defer t.Stop()
	for {
		select {
		case ev, ok := <-d.events:
			if !ok {
				return user.Event{}, fmt.Errorf("the stream ended while waiting for %s", what)
			}
			if match(ev) {
				return ev, nil
			}
		case <-t.C:
			return user.Event{}, fmt.Errorf("no %s on the stream within %v", what, demoStepTimeout)
		case <-d.ctx.Done():
			return user.Event{}, fmt.Errorf("stopped while waiting for %s: %w", what, d.ctx.Err())
		}
	}
}

func kindIs(k user.EventKind) func(user.Event) bool {
	return func(ev user.Event) bool { return ev.Kind == k }
}

func (d *demo) run() error {
	ctx := d.ctx
	d.title("Start a fake Pieces OS on a free loopback port (package usertest).")
	srv, err := usertest.NewServer()
	if err != nil {
		return fmt.Errorf("starting the fake: %w", err)
	}
	defer srv.Close()
	d.say("srv, _ := usertest.NewServer()  // listening on %s", srv.URL)

	d.s.base, d.s.discoverErr = srv.URL, nil
	c, err := d.s.client()
	if err != nil {
		return err
	}
	d.say("c, _ := user.New(user.WithBaseURL(srv.URL))")

	d.title("Read the signed-in user: c.Snapshot(ctx).")
	p, err := c.Snapshot(ctx)
	if err != nil {
		return fmt.Errorf("c.Snapshot: %w", err)
	}
	d.say("signed in: %s <%s>, username %s, vanity name %s", p.Name, p.Email, p.Username, p.Vanityname)
	d.say("personal cloud %s at %s", p.Allocation.Status.Cloud, p.Allocation.URLs.Base.URL)

	d.title("Change the vanity name: c.UpdateVanity(ctx, %q).", demoVanity)
	p, err = c.UpdateVanity(ctx, demoVanity)
	if err != nil {
		return fmt.Errorf("c.UpdateVanity(%q): %w", demoVanity, err)
	}
	d.say("vanity name is now %q; the personal cloud also answers at %s", p.Vanityname, p.Allocation.URLs.Vanity.URL)

	d.title("Ask for a vanity name another user holds: c.UpdateVanity(ctx, %q).", demoTakenVanity)
	srv.TakeVanity(demoTakenVanity)
	d.say("(the fake was told the name is taken: srv.TakeVanity(%q))", demoTakenVanity)
	_, err = c.UpdateVanity(ctx, demoTakenVanity)
	if err == nil {
		return fmt.Errorf("c.UpdateVanity(%q) succeeded; a taken name should fail with 409", demoTakenVanity)
	}
	d.say("err: %v", err)
	d.say("errors.Is(err, user.ErrVanityTaken) = %t, user.StatusCode(err) = %d", errors.Is(err, user.ErrVanityTaken), user.StatusCode(err))
	if !errors.Is(err, user.ErrVanityTaken) {
		return fmt.Errorf("c.UpdateVanity(%q) failed with %v, not with user.ErrVanityTaken", demoTakenVanity, err)
	}

	d.title("Check a feature: c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil).")
	fa, err := c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
	if err != nil {
		return fmt.Errorf("c.HasFeatureAccess: %w", err)
	}
	d.say("can use: %s, enabled: %s, enterprise user: %s, reason: %q", yesNo(fa.CanUse), yesNo(fa.Enabled), yesNo(fa.IsEnterpriseUser), fa.Reason)

	d.title("Ask for the sign-in providers: c.Providers(ctx). Only the cloud serves this.")
	_, err = c.Providers(ctx)
	if err == nil {
		return errors.New("c.Providers succeeded; a local Pieces OS should answer 501")
	}
	d.say("err: %v", err)
	d.say("errors.Is(err, user.ErrNotImplemented) = %t", errors.Is(err, user.ErrNotImplemented))
	if !errors.Is(err, user.ErrNotImplemented) {
		return fmt.Errorf("c.Providers failed with %v, not with user.ErrNotImplemented", err)
	}

	d.title("Follow the profile stream: st, _ := c.WatchProfile(ctx), then range over st.Events().")
	st, err := c.WatchProfile(ctx, user.WithBackoff(50*time.Millisecond, time.Second))
	if err != nil {
		return fmt.Errorf("c.WatchProfile: %w", err)
	}
	defer st.Close()
	d.events = st.Events()
	if _, err := d.await("connection", kindIs(user.EventConnected)); err != nil {
		return err
	}
	d.say("event connected")
	ev, err := d.await("profile", kindIs(user.EventProfile))
	if err != nil {
		return err
	}
	d.say("event %s  // the current state comes first", describeProfile(ev.Profile))

	d.title("Change the name with c.Update(ctx, p) and see the stream deliver it.")
	changed := *p
	changed.Name = demoNewName
	if _, err := c.Update(ctx, &changed); err != nil {
		return fmt.Errorf("c.Update: %w", err)
	}
	ev, err = d.await("updated profile", func(ev user.Event) bool {
		return ev.Kind == user.EventProfile && ev.Profile.Name == demoNewName
	})
	if err != nil {
		return err
	}
	d.say("event %s", describeProfile(ev.Profile))

	d.title("Sign out with c.Clear(ctx) and see the stream report it.")
	if err := c.Clear(ctx); err != nil {
		return fmt.Errorf("c.Clear: %w", err)
	}
	if _, err := d.await("signed-out event", kindIs(user.EventSignedOut)); err != nil {
		return err
	}
	d.say("event signed-out")

	d.title("Sign in again: c.Select(ctx, nil) signs the last user back in.")
	p, err = c.Select(ctx, nil)
	if err != nil {
		return fmt.Errorf("c.Select: %w", err)
	}
	ev, err = d.await("profile after the sign-in", func(ev user.Event) bool {
		return ev.Kind == user.EventProfile && ev.Profile.ID == p.ID
	})
	if err != nil {
		return err
	}
	d.say("event %s", describeProfile(ev.Profile))

	d.title("Drop every stream without a close frame, as a crash of Pieces OS would: srv.DropStreams().")
	n := srv.DropStreams()
	if n == 0 {
		return errors.New("the fake had no open stream to drop")
	}
	d.say("the fake dropped %d stream; the Stream reconnects on its own:", n)
	ev, err = d.await("disconnection", kindIs(user.EventDisconnected))
	if err != nil {
		return err
	}
	d.say("event disconnected: %s", oneLine(errText(ev.Err)))
	ev, err = d.await("retry", kindIs(user.EventRetrying))
	if err != nil {
		return err
	}
	d.say("event retrying in %v", ev.RetryIn.Round(time.Millisecond))
	if _, err := d.await("reconnection", kindIs(user.EventConnected)); err != nil {
		return err
	}
	d.say("event connected")
	ev, err = d.await("profile after the reconnection", kindIs(user.EventProfile))
	if err != nil {
		return err
	}
	d.say("event %s  // the state is delivered again", describeProfile(ev.Profile))

	d.title("Done: st.Close() ends the stream and srv.Close() the fake.")
	return nil
}
