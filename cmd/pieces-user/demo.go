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

// Bounds of the demo and of each wait for an event, far above what they take.
const (
	demoTimeout     = 30 * time.Second
	demoStepTimeout = 5 * time.Second
)

func setupDemo(*flag.FlagSet) action {
	return func(s *session, _ []string) error {
		ctx, cancel := context.WithTimeout(s.ctx, demoTimeout)
		defer cancel()
		if err := (&demo{s: s, ctx: ctx}).run(); err != nil {
			// Exit code 1, not those that speak of a real Pieces OS.
			return fmt.Errorf("demo failed: %v", err)
		}
		return nil
	}
}

// demo walks through package user against a fake Pieces OS, printing each
// step and its result. Its first failure ends the output and the demo.
type demo struct {
	s      *session
	ctx    context.Context
	step   int
	events <-chan user.Event
	err    error
}

// ok records err, the failure of what, and reports whether the demo goes on.
func (d *demo) ok(what string, err error) bool {
	if err != nil && d.err == nil {
		d.err = fmt.Errorf("%s: %w", what, err)
	}
	return d.err == nil
}

// title starts a step; say prints a result of the current step.
func (d *demo) title(format string, args ...any) {
	if d.step++; d.err == nil {
		fmt.Fprintf(d.s.stdout, "\n%d. %s\n", d.step, fmt.Sprintf(format, args...))
	}
}

func (d *demo) say(format string, args ...any) {
	if d.err == nil {
		fmt.Fprintf(d.s.stdout, "   %s\n", fmt.Sprintf(format, args...))
	}
}

// await waits, at most demoStepTimeout, for the first event on the stream
// of kind k that match accepts (nil accepts any), and says it.
func (d *demo) await(k user.EventKind, match func(user.Event) bool, note string) {
	ctx, cancel := context.WithTimeout(d.ctx, demoStepTimeout)
	defer cancel()
	if d.err != nil {
		return
	}
	ev, err := usertest.Await(ctx, d.events, func(ev user.Event) bool { return ev.Kind == k && (match == nil || match(ev)) })
	switch {
	case !d.ok("waiting for a "+k.String()+" event", err):
	case k == user.EventProfile:
		d.say("event %s%s", describeProfile(ev.Profile), note)
	case k == user.EventDisconnected:
		d.say("event disconnected: %s", oneLine(ev.Err.Error()))
	case k == user.EventRetrying:
		d.say("event retrying in %v", ev.RetryIn.Round(time.Millisecond))
	default:
		d.say("event %s", k)
	}
}

// expect checks that the call what failed with want, named wantName.
func (d *demo) expect(what string, err, want error, wantName string) {
	if !errors.Is(err, want) {
		d.ok(what, fmt.Errorf("returned %v, not an error matching %s", err, wantName))
		return
	}
	e, _ := errors.AsType[*user.Error](err)
	d.say("err: %v", err)
	d.say("errors.Is(err, %s) = true; e, _ := errors.AsType[*user.Error](err); e.StatusCode = %d", wantName, e.StatusCode)
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
	d.s.host, d.s.given = srv.URL, map[string]string{"host": srv.URL}
	c, err := d.s.client()
	if err != nil {
		return err
	}
	d.say("c, _ := user.New(user.WithBaseURL(srv.URL))")
	d.title("Read the signed-in user: c.Snapshot(ctx).")
	p, err := c.Snapshot(ctx)
	if !d.ok("c.Snapshot", err) {
		return d.err
	}
	d.say("signed in: %s <%s>, username %s, vanity name %s", p.Name, p.Email, p.Username, p.Vanityname)
	d.say("personal cloud %s at %s", p.Allocation.Status.Cloud, p.Allocation.URLs.Base.URL)
	d.title(`Change the vanity name: c.UpdateVanity(ctx, "countess").`)
	if p, err = c.UpdateVanity(ctx, "countess"); !d.ok("c.UpdateVanity", err) {
		return d.err
	}
	d.say("vanity name is now %q; the personal cloud also answers at %s", p.Vanityname, p.Allocation.URLs.Vanity.URL)
	d.title(`Ask for a vanity name another user holds (srv.TakeVanity("babbage")): c.UpdateVanity(ctx, "babbage").`)
	srv.TakeVanity("babbage")
	_, err = c.UpdateVanity(ctx, "babbage")
	d.expect("c.UpdateVanity", err, user.ErrConflict, "user.ErrConflict")
	d.title("Check a feature: c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil).")
	if fa, err := c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil); d.ok("c.HasFeatureAccess", err) {
		d.say("can use: %s, enabled: %s, enterprise user: %s, reason: %q", yesNo(fa.CanUse), yesNo(fa.Enabled), yesNo(fa.IsEnterpriseUser), fa.Reason)
	}
	d.title("Ask for the sign-in providers: c.Providers(ctx). Only the cloud serves this.")
	_, err = c.Providers(ctx)
	d.expect("c.Providers", err, user.ErrNotImplemented, "user.ErrNotImplemented")
	d.title("Follow the profile stream: st, _ := c.WatchProfile(ctx, nil), then range over st.Events().")
	st, err := c.WatchProfile(ctx, &user.WatchOptions{Backoff: user.Backoff{Min: 50 * time.Millisecond, Max: time.Second}})
	if !d.ok("c.WatchProfile", err) {
		return d.err
	}
	defer st.Close()
	d.events = st.Events()
	d.await(user.EventConnected, nil, "")
	d.await(user.EventProfile, nil, "  // the current state comes first")
	d.title("Change the name with c.Update(ctx, p) and see the stream deliver it.")
	p.Name = "Augusta Ada King"
	_, err = c.Update(ctx, p)
	d.ok("c.Update", err)
	d.await(user.EventProfile, func(ev user.Event) bool { return ev.Profile.Name == p.Name }, "")
	d.title("Sign out with c.SignOut(ctx) and see the stream report it.")
	if users, err := c.SignOut(ctx); d.ok("c.SignOut", err) {
		d.say("Pieces OS still knows %d user(s), whom c.SignIn can sign in again", len(users.Iterable))
	}
	d.await(user.EventSignedOut, nil, "")
	d.title("Sign in again: c.SignIn(ctx) (Pieces OS would open the browser; the fake signs the last user in at once).")
	if p, err = c.SignIn(ctx); !d.ok("c.SignIn", err) {
		return d.err
	}
	d.await(user.EventProfile, func(ev user.Event) bool { return ev.Profile.ID == p.ID }, "")
	d.title("Drop every stream without a close frame, as a crash of Pieces OS would: srv.DropStreams().")
	if srv.DropStreams() == 0 {
		d.ok("srv.DropStreams", errors.New("the fake had no open stream to drop"))
	}
	d.say("the fake dropped the stream; the Stream reconnects on its own:")
	for _, k := range []user.EventKind{user.EventDisconnected, user.EventRetrying, user.EventConnected} {
		d.await(k, nil, "")
	}
	d.await(user.EventProfile, nil, "  // the state is delivered again")
	d.title("Done: st.Close() ends the stream and srv.Close() the fake.")
	return d.err
}
