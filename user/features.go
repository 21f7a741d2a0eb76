package user

import (
	"context"
	"fmt"
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
// BadRequest or Unprocessable. Without a signed-in user the answer is 401,
// whose *Error matches both ErrUnauthorized and ErrNotSignedIn.
//
// POST /user/has_feature_access
func (c *Client) HasFeatureAccess(ctx context.Context, feature HasFeatureAccessEnum, fc *HasFeatureAccessContext) (*HasFeatureAccessOutput, error) {
	if feature == "" {
		return nil, c.opError(OpUserHasFeatureAccess, fmt.Errorf("%w: the feature is empty", ErrInvalidInput))
	}
	ctx, st, err := c.start(ctx, epUserHasFeatureAccess)
	if err != nil {
		return nil, err
	}
	in := HasFeatureAccessInput{Feature: feature}
	if fc != nil {
		in.Context = *fc
	}
	r, err := c.gc.UserHasFeatureAccessWithResponse(ctx, in)
	if err := c.finish(st, r, err, mediaJSON); err != nil {
		// The JSON error bodies, as gen decoded them, with their texts
		// redacted: a credential written with JSON escapes is only
		// readable once decoded.
		if e, ok := err.(*Error); ok && r != nil && checkMediaType(st.resp.Header, mediaJSON) == nil {
			if v := r.JSON400; v != nil {
				v.Code, v.Message = c.redact(v.Code), c.redact(v.Message)
				e.BadRequest = v
			}
			if v := r.JSON422; v != nil {
				v.Message, v.Feature, v.ExpectedContextType = c.redact(v.Message), c.redact(v.Feature), c.redact(v.ExpectedContextType)
				e.Unprocessable = v
			}
		}
		return nil, err
	}
	return decoded(c, st, r.JSON200)
}
