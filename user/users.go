package user

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/internal/lossless"
)

// Snapshot returns the signed-in user. When nobody is signed in (Pieces OS
// answers a snapshot without a user), the *Error wraps ErrNotSignedIn.
//
// GET /user
func (cl *Client) Snapshot(ctx context.Context) (*Profile, error) {
	out, err := call[snapshot](ctx, cl, &epUserSnapshot, (*gen.Client).UserSnapshot)
	switch {
	case err != nil:
		return nil, err
	case out.User == nil:
		return nil, cl.c.fail(OpUserSnapshot, 0, nil, ErrNotSignedIn)
	}
	return out.User, nil
}

// snapshot is the answer of Snapshot: a ReturnedUserProfile whose user
// keeps its JSON, the member "user" of the answer.
type snapshot struct{ User *Profile }

func (s *snapshot) read(body []byte) error {
	var out ReturnedUserProfile
	if err := lossless.Decode(body, &out); err != nil {
		return err
	}
	raw, ok := lossless.Member(body, "user")
	switch {
	case ok && out.User != nil:
		s.User = &Profile{UserProfile: *out.User, raw: raw, decoded: *out.User}
	case ok && string(raw) != "null":
		return errors.New("the user is not a JSON object")
	}
	return nil
}

// Refresh has Pieces OS fetch the signed-in user again from the identity
// provider, and returns the fresh profile.
//
// GET /user/refresh
func (cl *Client) Refresh(ctx context.Context) (*Profile, error) {
	return call[Profile](ctx, cl, &epRefreshUser, (*gen.Client).RefreshUser)
}

// Update stores p as the signed-in user's profile and returns the profile
// Pieces OS kept. A p read from Pieces OS (by Snapshot, say) is sent with
// the members this version does not know (see Profile). A nil p sends no
// body. Without a signed-in user Pieces OS answers 511 (ErrNotSignedIn).
//
// POST /user/update
func (cl *Client) Update(ctx context.Context, p *Profile) (*Profile, error) {
	return call[Profile](ctx, cl, &epUpdateUser, sendJSON(p, (*gen.Client).UpdateUserWithBody))
}

// UpdateVanity sets the vanity name of the signed-in user, the first label
// of the address of their personal cloud, and returns the updated profile.
// It reads the profile with Snapshot (an error of that step carries the
// operation userSnapshot), then sends it with the new name and everything
// else Pieces OS sent, as UpdateVanityProfile does.
//
// A name another user holds fails with ErrConflict (409); ErrNotFound
// (404) means the personal cloud is not fully connected yet, and
// ErrNotSignedIn (511) that the user is not signed in or not connected to
// the cloud.
//
// GET /user, then POST /user/update/vanity
func (cl *Client) UpdateVanity(ctx context.Context, name string) (*Profile, error) {
	if name == "" {
		return nil, cl.inner().fail(OpUserUpdateVanity, 0, nil, fmt.Errorf("%w: the vanity name is empty", ErrInvalidInput))
	}
	p, err := cl.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	p.Vanityname = name
	return cl.UpdateVanityProfile(ctx, p)
}

// UpdateVanityProfile sends p, the signed-in user's profile with the
// vanity name wanted in Vanityname, and returns the updated profile. It
// saves UpdateVanity's read when the caller holds the profile already.
//
// POST /user/update/vanity
func (cl *Client) UpdateVanityProfile(ctx context.Context, p *Profile) (*Profile, error) {
	if p == nil || p.Vanityname == "" {
		return nil, cl.inner().fail(OpUserUpdateVanity, 0, nil, fmt.Errorf("%w: the profile has no vanity name", ErrInvalidInput))
	}
	return call[Profile](ctx, cl, &epUserUpdateVanity, sendJSON(p, (*gen.Client).UserUpdateVanityWithBody))
}

// Providers returns the signed-in user with the sign-in providers linked to
// the account. A local Pieces OS answers 501 (ErrNotImplemented): only the
// cloud serves this route. The User of the result is nil when nobody is
// signed in.
//
// GET /user/providers
func (cl *Client) Providers(ctx context.Context) (*ReturnedUserProfile, error) {
	return call[ReturnedUserProfile](ctx, cl, &epUserProviders, (*gen.Client).UserProviders)
}

// AccessToken returns the signed-in user's access token, which Pieces OS
// sends as plain text, without the white space around it. An empty text is
// ErrMalformedResponse.
//
// GET /user/access_token
func (cl *Client) AccessToken(ctx context.Context) (string, error) {
	out, err := call[string](ctx, cl, &epUserAccessToken, (*gen.Client).UserAccessToken)
	if err != nil {
		return "", err
	}
	token := strings.TrimSpace(*out)
	if token == "" {
		return "", cl.c.fail(OpUserAccessToken, 0, nil, fmt.Errorf("%w: the body is empty", ErrMalformedResponse))
	}
	return token, nil
}

// inner returns the state of cl, nil for a Client not made by New.
func (cl *Client) inner() *client {
	if cl == nil {
		return nil
	}
	return cl.c
}
