package user

import (
	"context"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// SetBetaStatus grants or withdraws beta access as s says and returns the
// state Pieces OS stored. Without a signed-in user the answer is 511
// (ErrNotSignedIn). A nil s sends no body.
//
// POST /user/beta/status
func (c *Client) SetBetaStatus(ctx context.Context, s *UserBetaStatus) (*UserBetaStatus, error) {
	ep := endpoint{op: "userBetaStatus", accept: acceptJSONText}
	body, ct, err := jsonBody(s)
	if err != nil {
		return nil, c.opError(ep.op, err)
	}
	req, err := gen.NewUserBetaStatusRequestWithBody(c.server(), ct, body)
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	return decodeJSON[UserBetaStatus](c, ep.op, ans)
}

// Checkout starts a purchase for the signed-in user. The input has no
// fields yet; a nil in sends no body.
//
// POST /user/checkout
func (c *Client) Checkout(ctx context.Context, in *UserCheckoutInput) (*UserCheckoutOutput, error) {
	ep := endpoint{op: "userCheckout", accept: acceptJSONText}
	body, ct, err := jsonBody(in)
	if err != nil {
		return nil, c.opError(ep.op, err)
	}
	req, err := gen.NewUserCheckoutRequestWithBody(c.server(), ct, body)
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	return decodeJSON[UserCheckoutOutput](c, ep.op, ans)
}

// ManageSubscriptions opens subscription management for the signed-in
// user. The input has no fields yet; a nil in sends no body.
//
// POST /user/manage/subscriptions
func (c *Client) ManageSubscriptions(ctx context.Context, in *UserManageSubscriptionsInput) (*UserManageSubscriptionsOutput, error) {
	ep := endpoint{op: "userManageSubscriptions", accept: acceptJSONText}
	body, ct, err := jsonBody(in)
	if err != nil {
		return nil, c.opError(ep.op, err)
	}
	req, err := gen.NewUserManageSubscriptionsRequestWithBody(c.server(), ct, body)
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	return decodeJSON[UserManageSubscriptionsOutput](c, ep.op, ans)
}

// PaddleRefresh has Pieces OS refresh the user's billing data from the
// payment provider and returns the profile afterwards.
//
// GET /user/paddle/refresh
func (c *Client) PaddleRefresh(ctx context.Context) (*RefreshedPaddleUser, error) {
	ep := endpoint{op: "userPaddleRefresh", accept: acceptJSONText}
	req, err := gen.NewUserPaddleRefreshRequest(c.server())
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	return decodeJSON[RefreshedPaddleUser](c, ep.op, ans)
}
