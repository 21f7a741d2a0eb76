package user

import (
	"context"
	"fmt"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// HasFeatureAccess tells whether the signed-in user may use feature: the
// result's CanUse, Enabled, IsEnterpriseUser and Reason. Some features need
// a context, fc, with the member that matches the feature filled in; a nil
// fc sends none. An empty feature fails with ErrInvalidInput before any
// request is sent; values this package does not list are sent as they are,
// for features of newer Pieces OS releases.
//
// A missing or invalid input is answered with 400 and a context that does
// not fit the feature with 422; the *Error then holds the decoded body in
// BadRequest or Unprocessable.
//
// POST /user/has_feature_access
func (c *Client) HasFeatureAccess(ctx context.Context, feature HasFeatureAccessEnum, fc *HasFeatureAccessContext) (*HasFeatureAccessOutput, error) {
	ep := endpoint{op: "userHasFeatureAccess", accept: acceptJSONText, jsonErrors: true}
	if feature == "" {
		return nil, c.opError(ep.op, fmt.Errorf("%w: the feature is empty", ErrInvalidInput))
	}
	in := HasFeatureAccessInput{Feature: feature}
	if fc != nil {
		in.Context = *fc
	}
	req, err := gen.NewUserHasFeatureAccessRequest(c.server(), in)
	ans, err := c.do(ctx, ep, req, err)
	if err != nil {
		return nil, err
	}
	return decodeJSON[HasFeatureAccessOutput](c, ep.op, ans)
}
