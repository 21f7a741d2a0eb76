package user

import "context"

// SetBetaStatus grants or withdraws beta access as s says and returns the
// state Pieces OS stored. Without a signed-in user the answer is 511
// (ErrNotSignedIn). A nil s sends no body.
//
// POST /user/beta/status
func (c *Client) SetBetaStatus(ctx context.Context, s *UserBetaStatus) (*UserBetaStatus, error) {
	ctx, st, err := c.start(ctx, epUserBetaStatus)
	if err != nil {
		return nil, err
	}
	body, ct, err := jsonBody(s)
	if err != nil {
		return nil, c.opError(st.ep.op, err)
	}
	r, err := c.gc.UserBetaStatusWithBodyWithResponse(ctx, ct, body)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		return nil, err
	}
	return decoded(c, st, r.JSON200)
}

// Checkout starts a purchase for the signed-in user. The input has no
// fields yet; a nil in sends no body.
//
// POST /user/checkout
func (c *Client) Checkout(ctx context.Context, in *UserCheckoutInput) (*UserCheckoutOutput, error) {
	ctx, st, err := c.start(ctx, epUserCheckout)
	if err != nil {
		return nil, err
	}
	body, ct, err := jsonBody(in)
	if err != nil {
		return nil, c.opError(st.ep.op, err)
	}
	r, err := c.gc.UserCheckoutWithBodyWithResponse(ctx, ct, body)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		return nil, err
	}
	return decoded(c, st, r.JSON200)
}

// ManageSubscriptions opens subscription management for the signed-in
// user. The input has no fields yet; a nil in sends no body.
//
// POST /user/manage/subscriptions
func (c *Client) ManageSubscriptions(ctx context.Context, in *UserManageSubscriptionsInput) (*UserManageSubscriptionsOutput, error) {
	ctx, st, err := c.start(ctx, epUserManageSubscriptions)
	if err != nil {
		return nil, err
	}
	body, ct, err := jsonBody(in)
	if err != nil {
		return nil, c.opError(st.ep.op, err)
	}
	r, err := c.gc.UserManageSubscriptionsWithBodyWithResponse(ctx, ct, body)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		return nil, err
	}
	return decoded(c, st, r.JSON200)
}

// PaddleRefresh has Pieces OS refresh the user's billing data from the
// payment provider and returns the profile afterwards.
//
// GET /user/paddle/refresh
func (c *Client) PaddleRefresh(ctx context.Context) (*RefreshedPaddleUser, error) {
	ctx, st, err := c.start(ctx, epUserPaddleRefresh)
	if err != nil {
		return nil, err
	}
	r, err := c.gc.UserPaddleRefreshWithResponse(ctx)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		return nil, err
	}
	return decoded(c, st, r.JSON200)
}
