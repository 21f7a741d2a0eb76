package user

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Snapshot returns the signed-in user. When Pieces OS answers that nobody
// is signed in (a snapshot whose user is absent or null), Snapshot returns
// an *OpError wrapping ErrSignedOut, which also matches ErrNotSignedIn.
//
// GET /user
func (c *Client) Snapshot(ctx context.Context) (*Profile, error) {
	ctx, st, err := c.start(ctx, epUserSnapshot)
	if err != nil {
		return nil, err
	}
	r, err := c.gc.UserSnapshotWithResponse(ctx)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		return nil, err
	}
	out, err := decoded(c, st, r.JSON200)
	if err != nil {
		return nil, err
	}
	if out.User == nil {
		return nil, c.opError(st.ep.op, ErrSignedOut)
	}
	// The profile's JSON is picked out of the body only when it is needed.
	return &Profile{UserProfile: *out.User, read: *out.User, src: r.Body, member: "user", schema: out.Schema}, nil
}

// Refresh has Pieces OS fetch the signed-in user again from the identity
// provider and returns the fresh profile.
//
// GET /user/refresh
func (c *Client) Refresh(ctx context.Context) (*Profile, error) {
	ctx, st, err := c.start(ctx, epRefreshUser)
	if err != nil {
		return nil, err
	}
	r, err := c.gc.RefreshUserWithResponse(ctx)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		return nil, err
	}
	return c.profile(st, r.JSON200, r.Body)
}

// Update stores p as the signed-in user's profile and returns the profile
// Pieces OS kept. A p read from Pieces OS (by Snapshot, say) is sent with
// the members this version does not know, as Profile.MarshalJSON says. A
// nil p sends no body.
//
// POST /user/update
func (c *Client) Update(ctx context.Context, p *Profile) (*Profile, error) {
	ctx, st, err := c.start(ctx, epUpdateUser)
	if err != nil {
		return nil, err
	}
	body, ct, err := profileBody(p)
	if err != nil {
		return nil, c.opError(st.ep.op, err)
	}
	r, err := c.gc.UpdateUserWithBodyWithResponse(ctx, ct, body)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		return nil, err
	}
	return c.profile(st, r.JSON200, r.Body)
}

// UpdateVanity sets the vanity name of the signed-in user, the first label
// of the address of their personal cloud, and returns the updated profile.
// It reads the current profile with Snapshot (so a failure there carries
// the operation "userSnapshot", and ErrSignedOut means nobody is signed in),
// then sends it, with every member Pieces OS sent, and the new name.
//
// A name that is already taken fails with an *Error matching ErrConflict
// (409), also called ErrVanityTaken; ErrNotFound (404) means the personal
// cloud is not fully connected yet, and ErrNotSignedIn (511) that the user
// is not signed in or not connected to the cloud.
//
// A caller that already holds the current profile can save the first
// round trip, and the window in which another change to the profile could
// be overwritten, with UpdateVanityProfile.
//
// GET /user, then POST /user/update/vanity
func (c *Client) UpdateVanity(ctx context.Context, name string) (*Profile, error) {
	if name == "" {
		return nil, c.opError(OpUserUpdateVanity, fmt.Errorf("%w: the vanity name is empty", ErrInvalidInput))
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
	if p == nil || p.Vanityname == "" {
		return nil, c.opError(OpUserUpdateVanity, fmt.Errorf("%w: the profile has no vanity name", ErrInvalidInput))
	}
	ctx, st, err := c.start(ctx, epUserUpdateVanity)
	if err != nil {
		return nil, err
	}
	body, ct, err := profileBody(p)
	if err != nil {
		return nil, c.opError(st.ep.op, err)
	}
	r, err := c.gc.UserUpdateVanityWithBodyWithResponse(ctx, ct, body)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		return nil, err
	}
	return c.profile(st, r.JSON200, r.Body)
}

// Providers returns the signed-in user with the sign-in providers linked to
// the account. A local Pieces OS answers 501 (ErrNotImplemented): only the
// cloud serves this route. Unlike Snapshot, a missing user is not an error;
// the User of the result is then nil.
//
// GET /user/providers
func (c *Client) Providers(ctx context.Context) (*ReturnedUserProfile, error) {
	ctx, st, err := c.start(ctx, epUserProviders)
	if err != nil {
		return nil, err
	}
	r, err := c.gc.UserProvidersWithResponse(ctx)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		return nil, err
	}
	return decoded(c, st, r.JSON200)
}

// profile wraps u, decoded by gen from body, as a Profile that keeps body.
func (c *Client) profile(st *call, u *UserProfile, body []byte) (*Profile, error) {
	u, err := decoded(c, st, u)
	if err != nil {
		return nil, err
	}
	return &Profile{UserProfile: *u, read: *u, src: body}, nil
}

// jsonBody encodes v for an operation whose body is optional: a nil v sends
// no body and no Content-Type.
func jsonBody[T any](v *T) (*bytes.Reader, string, error) {
	if v == nil {
		return bytes.NewReader(nil), "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, "", fmt.Errorf("%w: cannot encode the request body: %v", ErrInvalidInput, err)
	}
	return bytes.NewReader(b), "application/json", nil
}

// profileBody is jsonBody for a profile: it calls MarshalJSON itself, which
// spares json.Marshal's check and compaction of what MarshalJSON made.
func profileBody(p *Profile) (*bytes.Reader, string, error) {
	if p == nil {
		return bytes.NewReader(nil), "", nil
	}
	b, err := p.MarshalJSON()
	if err != nil {
		return nil, "", fmt.Errorf("%w: cannot encode the profile: %v", ErrInvalidInput, err)
	}
	return bytes.NewReader(b), "application/json", nil
}
