package user

import (
	"context"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// Select signs the Auth0 user u in and returns the resulting profile. It is
// the one operation that sends the access token of WithAccessToken (as
// "Authorization: Bearer <token>"), and the one that sends no
// X-Application-ID. A nil u sends no body.
//
// POST /user/select
func (c *Client) Select(ctx context.Context, u *Auth0User) (*Profile, error) {
	ep := endpoint{op: "selectUser", accept: acceptJSON, bearer: true}
	body, ct, err := jsonBody(u)
	if err != nil {
		return nil, c.opError(ep.op, err)
	}
	req, err := gen.NewSelectUserRequestWithBody(c.server(), ct, body)
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	return decodeProfile(c, ep.op, ans)
}

// Clear signs the current user out of Pieces OS. Followers of WatchProfile
// then see EventSignedOut.
//
// POST /user/clear
func (c *Client) Clear(ctx context.Context) error {
	ep := endpoint{op: "clearUser"}
	req, err := gen.NewClearUserRequest(c.server())
	_, err = c.do(ctx, ep, req, err)
	return err
}

// AccessToken returns the signed-in user's access token, which Pieces OS
// sends as plain text.
//
// GET /user/access_token
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	ep := endpoint{op: "userAccessToken", accept: acceptText}
	req, err := gen.NewUserAccessTokenRequest(c.server())
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return "", err
	}
	return decodeText(c, ep.op, ans)
}
