package user_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// fakeClient starts usertest's fake Pieces OS and returns a client for it.
func fakeClient(t *testing.T, opts ...usertest.Option) (*user.Client, *usertest.Server) {
	t.Helper()
	srv := usertest.Start(t, opts...)
	c, err := user.New(
		user.WithBaseURL(srv.URL),
		user.WithApplicationID(apiAppID),
		user.WithAccessToken(apiToken),
		user.WithRetry(3, user.Backoff{Min: time.Millisecond, Max: 2 * time.Millisecond}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

// TestAgainstFake walks every HTTP operation through a session with the fake
// Pieces OS, whose validation of requests is as strict as the spec.
func TestAgainstFake(t *testing.T) {
	t.Parallel()
	c, srv := fakeClient(t)
	ctx := t.Context()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	want := usertest.DefaultProfile()
	got, err := c.Snapshot(ctx)
	must(err)
	if diff := cmp.Diff(&want, &got.UserProfile); diff != "" {
		t.Fatalf("Snapshot (-want +got):\n%s", diff)
	}
	_, err = c.Refresh(ctx)
	must(err)

	got.Name = "Augusta Ada King"
	updated, err := c.Update(ctx, got)
	must(err)
	if updated.Name != "Augusta Ada King" {
		t.Errorf("Update kept name %q", updated.Name)
	}

	srv.TakeVanity("taken")
	if _, err := c.UpdateVanity(ctx, "taken"); !errors.Is(err, user.ErrConflict) {
		t.Errorf("UpdateVanity(taken) = %v, want ErrConflict", err)
	}
	v, err := c.UpdateVanity(ctx, "augusta")
	must(err)
	if v.Vanityname != "augusta" || v.Name != "Augusta Ada King" {
		t.Errorf("UpdateVanity = %q, %q; want the new name on the updated profile", v.Vanityname, v.Name)
	}

	tok, err := c.AccessToken(ctx)
	must(err)
	if tok != srv.AccessToken() {
		t.Errorf("AccessToken = %q, want %q", tok, srv.AccessToken())
	}

	must(c.AssociateEntity(ctx, want.ID, "team/α?#%"))
	p, err := c.Snapshot(ctx)
	must(err)
	if !containsEntity(&p.UserProfile, "team/α?#%") {
		t.Errorf("entity with reserved characters not associated: %+v", p.Entities.Iterable)
	}
	must(c.DisassociateEntity(ctx, want.ID, "team/α?#%"))

	beta, err := c.SetBetaStatus(ctx, &user.UserBetaStatus{
		User:  want.ID,
		Auth0: user.Auth0UserBetaStatus{Vision: user.AnonymousTemporalRange{Continuous: apiPtr(true)}},
	})
	must(err)
	if beta.User != want.ID || beta.Auth0.Vision.Continuous == nil || !*beta.Auth0.Vision.Continuous {
		t.Errorf("SetBetaStatus = %+v", beta)
	}
	_, err = c.Checkout(ctx, nil)
	must(err)
	_, err = c.ManageSubscriptions(ctx, &user.UserManageSubscriptionsInput{})
	must(err)
	paddle, err := c.PaddleRefresh(ctx)
	must(err)
	if paddle.User.ID != want.ID {
		t.Errorf("PaddleRefresh user = %q, want %q", paddle.User.ID, want.ID)
	}
	if _, err := c.Providers(ctx); !errors.Is(err, user.ErrNotImplemented) {
		t.Errorf("Providers = %v, want ErrNotImplemented from a local Pieces OS", err)
	}

	must(srv.SetFeatureAccess(user.HasFeatureAccessEnumSHARESNIPPET, user.HasFeatureAccessOutput{Reason: "plan"}))
	fa, err := c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
	must(err)
	if fa.CanUse || fa.Reason != "plan" {
		t.Errorf("HasFeatureAccess = %+v, want the answer set on the fake", fa)
	}

	must(c.Clear(ctx))
	if _, err := c.Snapshot(ctx); !errors.Is(err, user.ErrNotSignedIn) {
		t.Errorf("Snapshot after Clear = %v, want ErrNotSignedIn", err)
	}
	back, err := c.Select(ctx, nil)
	must(err)
	if back.ID != want.ID {
		t.Errorf("Select signed in %q, want %q", back.ID, want.ID)
	}
	users, err := c.SignOut(ctx)
	must(err)
	if len(users.Iterable) == 0 || users.Iterable[0].ID != want.ID {
		t.Errorf("SignOut answered %+v, want the users the fake knows", users)
	}
	if _, err := c.Snapshot(ctx); !errors.Is(err, user.ErrNotSignedIn) {
		t.Errorf("Snapshot after SignOut = %v, want ErrNotSignedIn", err)
	}
	in, err := c.SignIn(ctx)
	must(err)
	if in.ID != want.ID || in.Raw() == nil {
		t.Errorf("SignIn signed in %q (raw %s), want %q", in.ID, in.Raw(), want.ID)
	}

	// Every operation carried the right credential and nothing else.
	seen := map[string]bool{}
	for _, r := range srv.Requests() {
		seen[r.OperationID] = true
		app, bearer := r.Header.Get("X-Application-ID"), r.Header.Get("Authorization")
		if r.Header.Get("Application") != app {
			t.Errorf("%s sent X-Application-ID %q but application %q", r.OperationID, app, r.Header.Get("Application"))
		}
		if r.OperationID == "selectUser" {
			if app != "" || bearer != "Bearer "+apiToken {
				t.Errorf("selectUser sent X-Application-ID %q and Authorization %q", app, bearer)
			}
		} else if app != apiAppID || bearer != "" {
			t.Errorf("%s sent X-Application-ID %q and Authorization %q", r.OperationID, app, bearer)
		}
	}
	if want := slices.DeleteFunc(usertest.OperationIDs(), func(id string) bool {
		return id == user.OpStreamUser || id == user.OpStreamUserLastCheckedIn
	}); len(seen) != len(want) {
		t.Errorf("the fake saw %d operations, want all %d HTTP operations of the spec (add a call to this test): saw %v, want %v", len(seen), len(want), seen, want)
	}
}

func containsEntity(p *user.UserProfile, id string) bool {
	for _, e := range p.Entities.Iterable {
		if e.ID == id {
			return true
		}
	}
	return false
}

// TestFakeRetriesAndFailures drives retries and error answers through the
// fake's knobs.
func TestFakeRetriesAndFailures(t *testing.T) {
	t.Parallel()
	c, srv := fakeClient(t)
	ctx := t.Context()

	if err := srv.FailNext("refreshUser", 2, http.StatusServiceUnavailable, "starting up"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Refresh(ctx); err != nil {
		t.Fatalf("Refresh after two 503s: %v", err)
	}
	if err := srv.FailNext("updateUser", 1, http.StatusServiceUnavailable, "busy"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Update(ctx, &user.Profile{UserProfile: usertest.DefaultProfile()}); statusCode(err) != 503 {
		t.Errorf("Update = %v, want the 503 without a retry", err)
	}
	if err := srv.FailNext("userBetaStatus", 1, 511, "sign in first"); err != nil {
		t.Fatal(err)
	}
	_, err := c.SetBetaStatus(ctx, nil)
	if e, ok := errors.AsType[*user.Error](err); !ok || !errors.Is(err, user.ErrNotSignedIn) || e.Body != "sign in first" {
		t.Errorf("SetBetaStatus = %v, want ErrNotSignedIn with the text", err)
	}
	if err := srv.RespondNext("userSnapshot", 1, 200, "text/html", "<html>"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Snapshot(ctx); !errors.Is(err, user.ErrMalformedResponse) {
		t.Errorf("Snapshot of an HTML answer = %v, want ErrMalformedResponse", err)
	}

	counts := map[string]int{}
	for _, r := range srv.Requests() {
		counts[r.OperationID]++
	}
	if diff := cmp.Diff(map[string]int{"refreshUser": 3, "updateUser": 1, "userBetaStatus": 1, "userSnapshot": 1}, counts); diff != "" {
		t.Errorf("requests per operation (-want +got):\n%s", diff)
	}
}

// TestDiscoverFake finds the fake by its health route.
func TestDiscoverFake(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	_, portText, err := net.SplitHostPort(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(portText)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got, err := user.Discover(ctx, &user.DiscoverOptions{NoPortFile: true, Ports: []int{port}})
	if err != nil || got.URL != srv.URL {
		t.Errorf("Discover = %+v, %v; want %q", got, err, srv.URL)
	}
}
