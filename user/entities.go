package user

import (
	"context"
	"fmt"
)

// AssociateEntity adds the user userID to the entity (organization or
// team) entityID. Both ids are sent as single escaped path segments; an
// empty id, or an id that is "." or "..", fails with ErrInvalidInput before
// any request is sent.
//
// POST /user/{user}/entities/associate/{entity}
func (c *Client) AssociateEntity(ctx context.Context, userID, entityID string) error {
	if err := checkSegments("user ID", userID, "entity ID", entityID); err != nil {
		return c.opError(epUserAssociateEntity.op, err)
	}
	ctx, st, err := c.start(ctx, epUserAssociateEntity)
	if err != nil {
		return err
	}
	r, err := c.gc.UserAssociateEntityWithBodyWithResponse(ctx, userID, entityID, "", nil)
	return c.finish(st, r, err, "")
}

// DisassociateEntity ends the membership of the user userID in the entity
// entityID. The ids are checked as for AssociateEntity.
//
// POST /user/{user}/entities/disassociate/{entity}
func (c *Client) DisassociateEntity(ctx context.Context, userID, entityID string) error {
	if err := checkSegments("user ID", userID, "entity ID", entityID); err != nil {
		return c.opError(epUserDisassociateEntity.op, err)
	}
	ctx, st, err := c.start(ctx, epUserDisassociateEntity)
	if err != nil {
		return err
	}
	r, err := c.gc.UserDisassociateEntityWithResponse(ctx, userID, entityID)
	return c.finish(st, r, err, "")
}

// checkSegments rejects path parameters that cannot be sent as one path
// segment: gen's builders escape "/", "?", "#" and "%", but a whole "." or
// ".." would be resolved away as a dot segment and reach another route.
// The arguments are pairs of a name and a value.
func checkSegments(nameValues ...string) error {
	for i := 0; i+1 < len(nameValues); i += 2 {
		name, v := nameValues[i], nameValues[i+1]
		switch v {
		case "":
			return fmt.Errorf("%w: the %s is empty", ErrInvalidInput, name)
		case ".", "..":
			return fmt.Errorf("%w: the %s %q is not a usable path segment", ErrInvalidInput, name, v)
		}
	}
	return nil
}
