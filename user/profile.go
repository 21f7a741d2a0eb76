package user

import (
	"context"
	"fmt"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// Snapshot returns the signed-in user. When Pieces OS answers that nobody
// is signed in, Snapshot returns ErrSignedOut.
//
// GET /user
func (c *Client) Snapshot(ctx context.Context) (*Profile, error) {
	ep := endpoint{op: "userSnapshot", accept: acceptJSON}
	req, err := gen.NewUserSnapshotRequest(c.server())
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	out, err := decodeJSON[ReturnedUserProfile](c, ep.op, ans)
	if err != nil {
		return nil, err
	}
	if out.User == nil {
		return nil, ErrSignedOut
	}
	return &Profile{UserProfile: *out.User, src: ans.body, member: "user"}, nil
}

// Refresh has Pieces OS fetch the signed-in user again from the identity
// provider and returns the fresh profile.
//
// GET /user/refresh
func (c *Client) Refresh(ctx context.Context) (*Profile, error) {
	ep := endpoint{op: "refreshUser", accept: acceptJSONText}
	req, err := gen.NewRefreshUserRequest(c.server())
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	return decodeProfile(c, ep.op, ans)
}

// Update stores p as the signed-in user's profile and returns the profile
// Pieces OS kept. A nil p sends no body.
//
// POST /user/update
func (c *Client) Update(ctx context.Context, p *Profile) (*Profile, error) {
	ep := endpoint{op: "updateUser", accept: acceptJSON}
	body, ct, err := jsonBody(p)
	if err != nil {
		return nil, c.opError(ep.op, err)
	}
	req, err := gen.NewUpdateUserRequestWithBody(c.server(), ct, body)
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	return decodeProfile(c, ep.op, ans)
}

// UpdateVanity sets the vanity name of the signed-in user, the first label
// of the address of their personal cloud, and returns the updated profile.
// It reads the current profile with Snapshot (so a failure there carries
// the operation "userSnapshot", and ErrSignedOut means nobody is signed in),
// then sends it with the new name.
//
// A name that is already taken fails with an *Error matching
// ErrVanityTaken (409); ErrNotFound (404) means the personal cloud is not
// fully connected yet, and ErrNotSignedIn (511) that the user is not signed
// in or not connected to the cloud.
//
// A caller that already holds the current profile can save the first
// round trip, and the window in which another change to the profile could
// be overwritten, with UpdateVanityProfile.
//
// GET /user, then POST /user/update/vanity
func (c *Client) UpdateVanity(ctx context.Context, name string) (*Profile, error) {
	if name == "" {
		return nil, c.opError("userUpdateVanity", fmt.Errorf("%w: the vanity name is empty", ErrInvalidInput))
	}
	p, err := c.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	p.Vanityname = name
	return c.UpdateVanityProfile(ctx, p)
}

// UpdateVanityProfile sends p, the signed-in user's profile whose
// Vanityname is the name wanted, in one request, and returns the updated
// profile. Its errors are those of UpdateVanity.
//
// POST /user/update/vanity
func (c *Client) UpdateVanityProfile(ctx context.Context, p *Profile) (*Profile, error) {
	ep := endpoint{op: "userUpdateVanity", accept: acceptJSONText}
	if p == nil || p.Vanityname == "" {
		return nil, c.opError(ep.op, fmt.Errorf("%w: the profile has no vanity name", ErrInvalidInput))
	}
	body, ct, err := jsonBody(p)
	if err != nil {
		return nil, c.opError(ep.op, err)
	}
	req, err := gen.NewUserUpdateVanityRequestWithBody(c.server(), ct, body)
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	return decodeProfile(c, ep.op, ans)
}

// Providers returns the signed-in user with the sign-in providers linked to
// the account. A local Pieces OS answers 501 (ErrNotImplemented): only the
// cloud serves this route. Unlike Snapshot, a missing user is not an error;
// the User of the result is then the zero value.
//
// GET /user/providers
func (c *Client) Providers(ctx context.Context) (*ReturnedUserProfile, error) {
	ep := endpoint{op: "userProviders", accept: acceptJSONText}
	req, err := gen.NewUserProvidersRequest(c.server())
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	return decodeJSON[ReturnedUserProfile](c, ep.op, ans)
}

// decodeProfile decodes a profile answer, keeping its body as the
// profile's JSON.
func decodeProfile(c *Client, op string, ans answer) (*Profile, error) {
	u, err := decodeJSON[UserProfile](c, op, ans)
	if err != nil {
		return nil, err
	}
	return &Profile{UserProfile: *u, src: ans.body}, nil
}
