package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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

func setupDemo(*flag.FlagSet) action {
	return func(s *session, _ []string) error {
		ctx, cancel := context.WithTimeout(s.ctx, demoTimeout)
		defer cancel()
		if err := (&demo{s: s, ctx: ctx}).run(); err != nil {
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
	step   int
	events <-chan user.Event
}

// title starts a step; say prints a result of the current step.
func (d *demo) title(format string, args ...any) {
	d.step++
	fmt.Fprintf(d.s.stdout, "\n%d. %s\n", d.step, fmt.Sprintf(format, args...))
}

func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.s.stdout, "   %s\n", fmt.Sprintf(format, args...))
}

// await waits, at most demoStepTimeout, for the first event on the stream
// of kind k that match accepts (nil accepts any), and says it.
func (d *demo) await(k user.EventKind, match func(user.Event) bool, note string) (user.Event, error) {
	ctx, cancel := context.WithTimeout(d.ctx, demoStepTimeout)
	defer cancel()
	ev, err := usertest.Await(ctx, d.events, func(ev user.Event) bool { return ev.Kind == k && (match == nil || match(ev)) })
	if err != nil {
		return ev, fmt.Errorf("waiting for a %s event: %w", k, err)
	}
	switch k {
	case user.EventProfile:
		d.say("event %s%s", describeProfile(ev.Profile), note)
	case user.EventDisconnected:
		d.say("event disconnected: %s", oneLine(ev.Err.Error()))
	case user.EventRetrying:
		d.say("event retrying in %v", ev.RetryIn.Round(time.Millisecond))
	default:
		d.say("event %s", k)
	}
	return ev, nil
}

// expect checks that a call failed with the sentinel want, and says so.
func (d *demo) expect(call string, err, want error, wantName string) error {
	if !errors.Is(err, want) {
		return fmt.Errorf("%s returned %v, not an error matching %s", call, err, wantName)
	}
	e, _ := errors.AsType[*user.Error](err)
	d.say("err: %v", err)
	d.say("errors.Is(err, %s) = true; e, _ := errors.AsType[*user.Error](err); e.StatusCode = %d", wantName, e.StatusCode)
	return nil
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
	d.s.host, d.s.hostSet = srv.URL, true
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

	d.title(`Change the vanity name: c.UpdateVanity(ctx, "countess").`)
	if p, err = c.UpdateVanity(ctx, "countess"); err != nil {
		return fmt.Errorf("c.UpdateVanity: %w", err)
	}
	d.say("vanity name is now %q; the personal cloud also answers at %s", p.Vanityname, p.Allocation.URLs.Vanity.URL)

	d.title(`Ask for a vanity name another user holds (srv.TakeVanity("babbage")): c.UpdateVanity(ctx, "babbage").`)
	srv.TakeVanity("babbage")
	_, err = c.UpdateVanity(ctx, "babbage")
	if err := d.expect("c.UpdateVanity", err, user.ErrConflict, "user.ErrConflict"); err != nil {
		return err
	}

	d.title("Check a feature: c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil).")
	fa, err := c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
	if err != nil {
		return fmt.Errorf("c.HasFeatureAccess: %w", err)
	}
	d.say("can use: %s, enabled: %s, enterprise user: %s, reason: %q", yesNo(fa.CanUse), yesNo(fa.Enabled), yesNo(fa.IsEnterpriseUser), fa.Reason)

	d.title("Ask for the sign-in providers: c.Providers(ctx). Only the cloud serves this.")
	_, err = c.Providers(ctx)
	if err := d.expect("c.Providers", err, user.ErrNotImplemented, "user.ErrNotImplemented"); err != nil {
		return err
	}

	d.title("Follow the profile stream: st, _ := c.WatchProfile(ctx, nil), then range over st.Events().")
	st, err := c.WatchProfile(ctx, &user.WatchOptions{Backoff: user.Backoff{Min: 50 * time.Millisecond, Max: time.Second}})
	if err != nil {
		return fmt.Errorf("c.WatchProfile: %w", err)
	}
	defer st.Close()
	d.events = st.Events()
	if _, err := d.await(user.EventConnected, nil, ""); err != nil {
		return err
	}
	if _, err := d.await(user.EventProfile, nil, "  // the current state comes first"); err != nil {
		return err
	}

	d.title("Change the name with c.Update(ctx, p) and see the stream deliver it.")
	p.Name = "Augusta Ada King"
	if _, err := c.Update(ctx, p); err != nil {
		return fmt.Errorf("c.Update: %w", err)
	}
	if _, err := d.await(user.EventProfile, func(ev user.Event) bool { return ev.Profile.Name == p.Name }, ""); err != nil {
		return err
	}

	d.title("Sign out with c.SignOut(ctx) and see the stream report it.")
	users, err := c.SignOut(ctx)
	if err != nil {
		return fmt.Errorf("c.SignOut: %w", err)
	}
	d.say("Pieces OS still knows %d user(s), whom c.SignIn can sign in again", len(users.Iterable))
	if _, err := d.await(user.EventSignedOut, nil, ""); err != nil {
		return err
	}

	d.title("Sign in again: c.SignIn(ctx) (Pieces OS would open the browser; the fake signs the last user in at once).")
	if p, err = c.SignIn(ctx); err != nil {
		return fmt.Errorf("c.SignIn: %w", err)
	}
	if _, err := d.await(user.EventProfile, func(ev user.Event) bool { return ev.Profile.ID == p.ID }, ""); err != nil {
		return err
	}

	d.title("Drop every stream without a close frame, as a crash of Pieces OS would: srv.DropStreams().")
	if n := srv.DropStreams(); n == 0 {
		return errors.New("the fake had no open stream to drop")
	}
	d.say("the fake dropped the stream; the Stream reconnects on its own:")
	for _, k := range []user.EventKind{user.EventDisconnected, user.EventRetrying, user.EventConnected} {
		if _, err := d.await(k, nil, ""); err != nil {
			return err
		}
	}
	if _, err := d.await(user.EventProfile, nil, "  // the state is delivered again"); err != nil {
		return err
	}

	d.title("Done: st.Close() ends the stream and srv.Close() the fake.")
	return nil
}
