package user

import (
	"context"
	"fmt"
	"strings"
)

// Select signs the Auth0 user u in and returns the resulting profile. It is
// the one operation that sends the access token of WithAccessToken (as
// "Authorization: Bearer <token>"), and the one that sends no
// X-Application-ID. A nil u sends no body.
//
// POST /user/select
func (c *Client) Select(ctx context.Context, u *Auth0User) (*Profile, error) {
	ctx, st, err := c.start(ctx, epSelectUser)
	if err != nil {
		return nil, err
	}
	body, ct, err := jsonBody(u)
	if err != nil {
		return nil, c.opError(st.ep.op, err)
	}
	r, err := c.gc.SelectUserWithBodyWithResponse(ctx, ct, body)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		return nil, err
	}
	return c.profile(st, r.JSON200, r.Body)
}

// Clear signs the current user out of Pieces OS. Followers of WatchProfile
// then see EventSignedOut.
//
// POST /user/clear
func (c *Client) Clear(ctx context.Context) error {
	ctx, st, err := c.start(ctx, epClearUser)
	if err != nil {
		return err
	}
	r, err := c.gc.ClearUserWithResponse(ctx)
	return c.finish(st, r, err, "")
}

// AccessToken returns the signed-in user's access token, which Pieces OS
// sends as plain text, without the white space around it. An empty text
// is ErrMalformedResponse.
//
// GET /user/access_token
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	ctx, st, err := c.start(ctx, epUserAccessToken)
	if err != nil {
		return "", err
	}
	r, err := c.gc.UserAccessTokenWithResponse(ctx)
	if err := c.finish(st, r, err, mediaText); err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(r.Body))
	if s == "" {
		return "", c.opError(st.ep.op, fmt.Errorf("%w: the body is empty", ErrMalformedResponse))
	}
	return s, nil
}
