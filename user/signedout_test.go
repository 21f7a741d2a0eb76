package user_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// TestSignedOutAnswers checks the rule of the README's table against the
// fake with nobody signed in: every operation whose answer says so matches
// ErrNotSignedIn, with the status that said so (none for Snapshot, whose
// answer was a 200 without a user); the operations that can only answer
// 500 match ErrInternal instead. SignOut with nobody signed in succeeds.
func TestSignedOutAnswers(t *testing.T) {
	t.Parallel()
	c, srv := fakeClient(t)
	srv.SignOut()
	profile := &user.Profile{UserProfile: user.UserProfile{ID: "u1", Vanityname: "ada"}}
	tests := []struct {
		name      string
		call      func(ctx context.Context) error
		signedOut bool // matches ErrNotSignedIn; otherwise ErrInternal
		status    int
	}{
		{"Snapshot", func(ctx context.Context) error { _, err := c.Snapshot(ctx); return err }, true, 0},
		{"UpdateVanity", func(ctx context.Context) error { _, err := c.UpdateVanity(ctx, "ada2"); return err }, true, 0},
		{"UpdateVanityProfile", func(ctx context.Context) error { _, err := c.UpdateVanityProfile(ctx, profile); return err }, true, 511},
		{"Update", func(ctx context.Context) error { _, err := c.Update(ctx, profile); return err }, true, 511},
		{"HasFeatureAccess", func(ctx context.Context) error {
			_, err := c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSENTRY, nil)
			return err
		}, true, 401},
		{"SetBetaStatus", func(ctx context.Context) error {
			_, err := c.SetBetaStatus(ctx, &user.UserBetaStatus{User: "u1"})
			return err
		}, true, 511},
		{"Refresh", func(ctx context.Context) error { _, err := c.Refresh(ctx); return err }, false, 500},
		{"AccessToken", func(ctx context.Context) error { _, err := c.AccessToken(ctx); return err }, false, 500},
		{"PaddleRefresh", func(ctx context.Context) error { _, err := c.PaddleRefresh(ctx); return err }, false, 500},
	}
	for _, tt := range tests {
		err := tt.call(t.Context())
		e, ok := errors.AsType[*user.Error](err)
		if !ok || e.StatusCode != tt.status {
			t.Errorf("%s: %v (%T), want an *Error with status %d", tt.name, err, err, tt.status)
			continue
		}
		if got := errors.Is(err, user.ErrNotSignedIn); got != tt.signedOut {
			t.Errorf("%s: %v: errors.Is(err, ErrNotSignedIn) = %v, want %v", tt.name, err, got, tt.signedOut)
		}
		if !tt.signedOut && !errors.Is(err, user.ErrInternal) {
			t.Errorf("%s: %v, want ErrInternal", tt.name, err)
		}
	}
	if out, err := c.SignOut(t.Context()); err != nil || len(out.Iterable) == 0 {
		t.Errorf("SignOut with nobody signed in = %+v, %v; want the users the fake knows", out, err)
	}
}
