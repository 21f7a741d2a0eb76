package user_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// TestSignedOutAnswers checks the rule of the README's table against the
// fake with nobody signed in: every operation whose answer says so matches
// ErrNotSignedIn, and is an *Error or an *OpError; the operations that can
// only answer 500 match ErrInternal instead.
func TestSignedOutAnswers(t *testing.T) {
	t.Parallel()
	c, srv := fakeClient(t)
	srv.SignOut()
	profile := &user.Profile{UserProfile: user.UserProfile{ID: "u1", Vanityname: "ada"}}
	tests := []struct {
		name      string
		call      func(ctx context.Context) error
		signedOut bool // matches ErrNotSignedIn; otherwise ErrInternal
	}{
		{"Snapshot", func(ctx context.Context) error { _, err := c.Snapshot(ctx); return err }, true},
		{"UpdateVanity", func(ctx context.Context) error { _, err := c.UpdateVanity(ctx, "ada2"); return err }, true},
		{"UpdateVanityProfile", func(ctx context.Context) error { _, err := c.UpdateVanityProfile(ctx, profile); return err }, true},
		{"Update", func(ctx context.Context) error { _, err := c.Update(ctx, profile); return err }, true},
		{"HasFeatureAccess", func(ctx context.Context) error {
			_, err := c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSENTRY, nil)
			return err
		}, true},
		{"SetBetaStatus", func(ctx context.Context) error {
			_, err := c.SetBetaStatus(ctx, &user.UserBetaStatus{User: "u1"})
			return err
		}, true},
		{"Refresh", func(ctx context.Context) error { _, err := c.Refresh(ctx); return err }, false},
		{"AccessToken", func(ctx context.Context) error { _, err := c.AccessToken(ctx); return err }, false},
		{"PaddleRefresh", func(ctx context.Context) error { _, err := c.PaddleRefresh(ctx); return err }, false},
	}
	for _, tt := range tests {
		err := tt.call(t.Context())
		_, isErr := errors.AsType[*user.Error](err)
		_, isOp := errors.AsType[*user.OpError](err)
		if err == nil || isErr == isOp {
			t.Errorf("%s: %v (%T), want exactly one of *Error and *OpError", tt.name, err, err)
			continue
		}
		if got := errors.Is(err, user.ErrNotSignedIn); got != tt.signedOut {
			t.Errorf("%s: %v: errors.Is(err, ErrNotSignedIn) = %v, want %v", tt.name, err, got, tt.signedOut)
		}
		if !tt.signedOut && !errors.Is(err, user.ErrInternal) {
			t.Errorf("%s: %v, want ErrInternal", tt.name, err)
		}
	}
}
