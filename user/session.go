package user

import (
	"context"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// An application signs a person in and out with SignIn and SignOut, as
// every application of the vendor does. Select and Clear are the User
// API's own, lower-level routes: Select makes an Auth0 user, with its
// access token, the signed-in user, which needs an Auth0 login the
// application made itself; Clear forgets the signed-in user.

// SignIn signs a person in the way the Pieces applications do: Pieces OS
// opens its sign-in page in the browser and answers once the person has
// finished there, with the profile of the user now signed in. That can
// take minutes, so SignIn waits until ctx ends: give it a deadline, or a
// context the person can cancel. A sign-in that failed or was abandoned
// is answered with 500 (ErrInternal). Followers of WatchProfile see the
// new profile. SignIn is a route of the OS API, outside the User API.
//
// POST /os/sign_in
func (cl *Client) SignIn(ctx context.Context) (*Profile, error) {
	return call[Profile](ctx, cl, &epSignIntoOs, (*gen.Client).SignIntoOs)
}

// SignOut signs the current user out of Pieces OS, and returns the users
// it still knows (those a later SignIn may sign in again, for a list of
// accounts to offer). Followers of WatchProfile see EventSignedOut.
// SignOut is a route of the OS API, outside the User API.
//
// POST /os/sign_out
func (cl *Client) SignOut(ctx context.Context) (*Users, error) {
	return call[Users](ctx, cl, &epSignOutOfOs, (*gen.Client).SignOutOfOs)
}

// Select makes the Auth0 user u the signed-in user and returns the
// resulting profile. It is the one operation that sends the access token
// of WithAccessToken (as "Authorization: Bearer <token>") and not the
// application id. A nil u sends no body. To sign a person in through the
// browser, use SignIn.
//
// POST /user/select
func (cl *Client) Select(ctx context.Context, u *Auth0User) (*Profile, error) {
	return call[Profile](ctx, cl, &epSelectUser, sendJSON(u, (*gen.Client).SelectUserWithBody))
}

// Clear forgets the signed-in user; followers of WatchProfile see
// EventSignedOut. To sign a person out as the applications do, use
// SignOut.
//
// POST /user/clear
func (cl *Client) Clear(ctx context.Context) error {
	_, err := call[struct{}](ctx, cl, &epClearUser, (*gen.Client).ClearUser)
	return err
}
