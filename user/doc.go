// Package user is a Go client for the User API of Pieces OS, the desktop
// service that listens on loopback (by default http://127.0.0.1:39300).
//
// Create a Client with New, then call one method per operation: Snapshot,
// Refresh, Update, UpdateVanity, HasFeatureAccess and the rest; each
// method's documentation names the route it calls. Every non-2xx answer is
// an *Error that errors.Is matches against a sentinel per status
// (ErrConflict for 409, ErrNotImplemented for 501, ErrNotSignedIn for 511,
// ErrUpdateRequired for Pieces OS's own 593, ...). Other failures are an
// *OpError: bad arguments (ErrInvalidInput), transport errors, and answers
// that cannot be used (ErrMalformedResponse, ErrResponseTooLarge). Snapshot
// reports a Pieces OS without a signed-in user as an *OpError wrapping
// ErrSignedOut, which also matches ErrNotSignedIn. GET operations are
// retried after transport errors and 429, 502, 503 and 504 answers,
// honouring Retry-After (see RetryPolicy); never after 501, 511 or 593, and
// POST operations never are.
//
// Answers are read liberally: members this version does not know, enum
// values it does not list and absent members (left at their zero value) are
// accepted. The profile methods return a *Profile, which keeps the JSON
// Pieces OS sent (Profile.Raw) and sends back unchanged what this version
// does not know when it is given to Update or UpdateVanityProfile.
// WithRawResponse captures the answer of any call.
//
// WatchProfile and WatchCheckIns follow the two WebSocket streams and
// reconnect on their own. Discover and DiscoverInstance find a running
// Pieces OS: through the port file it writes, then by scanning its port
// ranges, telling a ready instance from one still migrating its database;
// DiscoverAll lists every instance with its version and kind. Health and
// Version read the two routes every Pieces OS serves beside the User API,
// and DefaultVersionWindow says which versions this package supports.
//
// The models are those of package gen, re-exported here as type aliases, so
// ordinary use never imports gen.
//
// # Operations
//
// Each method calls one operation of the User API. Its operationId, as the
// spec names it, is the Op of the *Error or *OpError the method returns,
// and the name that package usertest's FailNext and RespondNext take; the
// constants OpUserSnapshot, OpStreamUser and so on hold them.
//
//	Method               Operation ID             Route
//	AccessToken          userAccessToken          GET /user/access_token
//	AssociateEntity      userAssociateEntity      POST /user/{user}/entities/associate/{entity}
//	Checkout             userCheckout             POST /user/checkout
//	Clear                clearUser                POST /user/clear
//	DisassociateEntity   userDisassociateEntity   POST /user/{user}/entities/disassociate/{entity}
//	HasFeatureAccess     userHasFeatureAccess     POST /user/has_feature_access
//	ManageSubscriptions  userManageSubscriptions  POST /user/manage/subscriptions
//	PaddleRefresh        userPaddleRefresh        GET /user/paddle/refresh
//	Providers            userProviders            GET /user/providers
//	Refresh              refreshUser              GET /user/refresh
//	Select               selectUser               POST /user/select
//	SetBetaStatus        userBetaStatus           POST /user/beta/status
//	Snapshot             userSnapshot             GET /user
//	Update               updateUser               POST /user/update
//	UpdateVanity         userUpdateVanity         GET /user, then POST /user/update/vanity
//	UpdateVanityProfile  userUpdateVanity         POST /user/update/vanity
//	WatchCheckIns        streamUserLastCheckedIn  WebSocket /user/last_checked_in/stream
//	WatchProfile         streamUser               WebSocket /user/stream
//
// UpdateVanity reads the profile first: an error of that step carries
// userSnapshot.
//
// # Testing
//
// Package usertest (github.com/pieces-go/pieces-os-client-go/user/usertest)
// is a fake Pieces OS for the tests of code that uses this package: a real
// server on a loopback port, started with usertest.Start(t), that serves
// every operation and both streams from state it keeps in memory. Point a
// Client at it with WithBaseURL(srv.URL), and turn its knobs (SignOut,
// TakeVanity, FailNext with an operationId from the table above, ...) to get
// the answers a test needs. usertest.Await reads a Stream's Events until
// the state a test expects has arrived. Since data events are conflated (see
// Streams), two changes made in a row may reach the consumer as one event:
// wait for the final state, not for one event per change.
//
// # Streams
//
// WatchProfile follows /user/stream (operation streamUser), where Pieces OS
// pushes the signed-in user each time it changes. WatchCheckIns follows
// /user/last_checked_in/stream (operation streamUserLastCheckedIn), where it
// pushes the check-in state. Both return a *Stream whose Events channel
// carries typed events: data (EventProfile, EventSignedOut, EventCheckIn),
// connection state (EventConnected, EventDisconnected, EventRetrying) and
// EventMalformed for a message that could not be understood.
//
// A Stream never gives up on its own. When the connection drops, whether
// Pieces OS restarted, the network failed, the server sent a close frame
// (even a normal one) or answered the handshake with an error status, the
// Stream reports EventDisconnected with the cause, waits (EventRetrying) and
// dials again. The wait grows exponentially between the bounds of
// WithBackoff, with random jitter, and starts again from the lower bound
// after a healthy connection: one that delivered a message or answered a
// ping. Pings sent every WithPingInterval find a peer that stopped answering
// within the interval plus WithPingTimeout. Pieces OS sends the current
// state as the first message of every connection, so after a reconnection
// the consumer is brought up to date and nothing is lost across a restart.
//
// The Stream reads the socket without ever waiting for the consumer, and
// holds at most a fixed number of undelivered events, so a slow consumer
// costs no memory growth. The policy is the same for both streams:
//
//   - Data events are conflated. Only the newest undelivered profile,
//     signed-out or check-in event is kept; a newer one replaces it. A slow
//     consumer may skip intermediate states but always ends with the newest.
//   - EventMalformed is conflated on its own: only the newest undelivered
//     one is kept.
//   - Connection-state events are queued in order, at most
//     MaxPendingStateEvents of them; when more arrive before the consumer
//     reads, the oldest are dropped.
//
// The events that are delivered arrive in the order they happened.
//
// A Pieces OS that answers the handshake with 404 does not serve the
// stream (some builds lack the check-in stream): the EventDisconnected
// error then matches ErrStreamUnsupported, and the Stream keeps trying at
// the longest wait of WithBackoff, so that a Pieces OS updated meanwhile
// is picked up; a consumer that would rather stop calls Close.
//
// A Stream ends when its context is cancelled or Close is called: the
// socket is closed with a normal closure, every goroutine of the Stream
// exits and the Events channel is closed.
package user
