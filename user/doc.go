// Package user is a Go client for the User API of Pieces OS, the desktop
// service that listens on loopback (by default http://127.0.0.1:39300).
//
// Create a Client with New, then call one method per operation: Snapshot,
// Refresh, Update, UpdateVanity, HasFeatureAccess and the rest; each
// method's documentation names the route it calls. Every non-2xx answer is
// an *Error that errors.Is matches against a sentinel per status
// (ErrVanityTaken for 409, ErrNotImplemented for 501, ErrNotSignedIn for 511,
// ...). Other failures are an *OpError: bad arguments (ErrInvalidInput),
// transport errors, and answers that are not what the operation documents
// (ErrMalformedResponse, ErrResponseTooLarge). Snapshot reports a Pieces OS
// without a signed-in user as ErrSignedOut. GET operations are retried after
// transport errors and 502, 503 and 504 answers (see RetryPolicy); POST
// operations never are.
//
// Answers are read liberally: members this version does not know, enum
// values it does not list and absent members (left at their zero value) are
// accepted. The profile methods return a *Profile, which keeps the JSON
// Pieces OS sent (Profile.Raw) and sends back unchanged what this version
// does not know when it is given to Update or UpdateVanityProfile.
// WithRawResponse captures the answer of any call.
//
// WatchProfile and WatchCheckIns follow the two WebSocket streams and
// reconnect on their own. Discover finds a running Pieces OS on its port
// range.
//
// The models are those of package gen, re-exported here as type aliases, so
// ordinary use never imports gen.
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
// A Stream ends when its context is cancelled or Close is called: the
// socket is closed with a normal closure, every goroutine of the Stream
// exits and the Events channel is closed.
package user
