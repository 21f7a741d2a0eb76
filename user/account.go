package user

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// SetBetaStatus grants or withdraws beta access as s says and returns the
// state Pieces OS stored. Without a signed-in user Pieces OS answers 511
// (ErrNotSignedIn). A nil s sends no body.
//
// POST /user/beta/status
func (cl *Client) SetBetaStatus(ctx context.Context, s *UserBetaStatus) (*UserBetaStatus, error) {
	return call[UserBetaStatus](ctx, cl, &epUserBetaStatus, sendJSON(s, (*gen.Client).UserBetaStatusWithBody))
}

// Checkout starts a purchase for the signed-in user. The input has no
// fields yet; a nil in sends no body.
//
// POST /user/checkout
func (cl *Client) Checkout(ctx context.Context, in *UserCheckoutInput) (*UserCheckoutOutput, error) {
	return call[UserCheckoutOutput](ctx, cl, &epUserCheckout, sendJSON(in, (*gen.Client).UserCheckoutWithBody))
}

// ManageSubscriptions opens subscription management for the signed-in
// user. The input has no fields yet; a nil in sends no body.
//
// POST /user/manage/subscriptions
func (cl *Client) ManageSubscriptions(ctx context.Context, in *UserManageSubscriptionsInput) (*UserManageSubscriptionsOutput, error) {
	return call[UserManageSubscriptionsOutput](ctx, cl, &epUserManageSubscriptions, sendJSON(in, (*gen.Client).UserManageSubscriptionsWithBody))
}

// PaddleRefresh has Pieces OS refresh the user's billing data from the
// payment provider and returns the profile afterwards.
//
// GET /user/paddle/refresh
func (cl *Client) PaddleRefresh(ctx context.Context) (*RefreshedPaddleUser, error) {
	return call[RefreshedPaddleUser](ctx, cl, &epUserPaddleRefresh, (*gen.Client).UserPaddleRefresh)
}

// HasFeatureAccess tells whether the signed-in user may use feature: the
// result's CanUse, Enabled, IsEnterpriseUser and Reason. Some features need
// a context, fc, with the member that matches the feature; a nil fc sends
// none. An empty feature fails with ErrInvalidInput before anything is
// sent; values this package does not list are sent as they are, for the
// features of a newer Pieces OS.
//
// A missing or invalid input is answered with 400 and a context that does
// not fit the feature with 422: the *Error then also holds the decoded body
// in BadRequest or Unprocessable. Without a signed-in user the answer is
// 401, which matches both ErrUnauthorized and ErrNotSignedIn.
//
// POST /user/has_feature_access
func (cl *Client) HasFeatureAccess(ctx context.Context, feature HasFeatureAccessEnum, fc *HasFeatureAccessContext) (*HasFeatureAccessOutput, error) {
	if feature == "" {
		return nil, cl.inner().fail(OpUserHasFeatureAccess, 0, nil, fmt.Errorf("%w: the feature is empty", ErrInvalidInput))
	}
	in := HasFeatureAccessInput{Feature: feature}
	if fc != nil {
		in.Context = *fc
	}
	out, err := call[HasFeatureAccessOutput](ctx, cl, &epUserHasFeatureAccess, func(g *gen.Client, ctx context.Context, e ...gen.RequestEditorFn) (*http.Response, error) {
		return g.UserHasFeatureAccess(ctx, in, e...)
	})
	if e, ok := errors.AsType[*Error](err); ok {
		// The JSON error bodies, with their texts redacted again: a
		// credential written with JSON escapes is readable only once
		// decoded.
		c, body := cl.c, []byte(e.Body)
		switch e.StatusCode {
		case http.StatusBadRequest:
			var v HasFeatureAccessBadRequestError
			if json.Unmarshal(body, &v) == nil {
				v.Code, v.Message = c.redact(v.Code), c.redact(v.Message)
				e.BadRequest = &v
			}
		case http.StatusUnprocessableEntity:
			var v HasFeatureAccessUnprocessableEntityError
			if json.Unmarshal(body, &v) == nil {
				v.Message, v.Feature, v.ExpectedContextType = c.redact(v.Message), c.redact(v.Feature), c.redact(v.ExpectedContextType)
				e.Unprocessable = &v
			}
		}
	}
	return out, err
}

// AssociateEntity adds the user userID to the entity (organization or
// team) entityID. Both ids are sent as single escaped path segments; an
// empty id, or one that is "." or "..", fails with ErrInvalidInput before
// anything is sent.
//
// POST /user/{user}/entities/associate/{entity}
func (cl *Client) AssociateEntity(ctx context.Context, userID, entityID string) error {
	if err := checkSegments(userID, entityID); err != nil {
		return cl.inner().fail(OpUserAssociateEntity, 0, nil, err)
	}
	_, err := call[struct{}](ctx, cl, &epUserAssociateEntity, func(g *gen.Client, ctx context.Context, e ...gen.RequestEditorFn) (*http.Response, error) {
		return g.UserAssociateEntityWithBody(ctx, userID, entityID, "", nil, e...)
	})
	return err
}

// DisassociateEntity ends the membership of the user userID in the entity
// entityID. The ids are checked as for AssociateEntity.
//
// POST /user/{user}/entities/disassociate/{entity}
func (cl *Client) DisassociateEntity(ctx context.Context, userID, entityID string) error {
	if err := checkSegments(userID, entityID); err != nil {
		return cl.inner().fail(OpUserDisassociateEntity, 0, nil, err)
	}
	_, err := call[struct{}](ctx, cl, &epUserDisassociateEntity, func(g *gen.Client, ctx context.Context, e ...gen.RequestEditorFn) (*http.Response, error) {
		return g.UserDisassociateEntity(ctx, userID, entityID, e...)
	})
	return err
}

// checkSegments rejects ids that cannot be sent as one path segment: gen
// escapes "/", "?", "#" and "%", but a whole "." or ".." would be resolved
// away as a dot segment and reach another route.
func checkSegments(userID, entityID string) error {
	for _, id := range [...]struct{ name, v string }{{"user ID", userID}, {"entity ID", entityID}} {
		switch id.v {
		case "":
			return fmt.Errorf("%w: the %s is empty", ErrInvalidInput, id.name)
		case ".", "..":
			return fmt.Errorf("%w: the %s %q is not a usable path segment", ErrInvalidInput, id.name, id.v)
		}
	}
	return nil
}
