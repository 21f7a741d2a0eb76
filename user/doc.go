// Package user is a Go client for the User API of Pieces OS, the desktop
// service that listens on loopback (by default http://127.0.0.1:39300).
//
// Create a Client with New, then call one method per operation:
//
//	c, err := user.New(user.WithApplicationID("my-app"))
//	...
//	me, err := c.Snapshot(ctx) // GET /user
//	if errors.Is(err, user.ErrNotSignedIn) { ... }
//	fmt.Println(me.Name, me.Aesthetics.Theme)
//
// Each method's documentation names the route it calls, and the table
// under Operations lists them all. The models (UserProfile, AllocationCloud
// ...) are generated from the spec of the API; each one's documentation
// lists its fields.
//
// # Errors
//
// Every error is an *Error. An answer outside 2xx sets its StatusCode and
// Body, and errors.Is matches it against one sentinel per documented
// status: ErrBadRequest (400), ErrUnauthorized (401), ErrNotFound (404),
// ErrConflict (409: the vanity name is taken), ErrUnprocessable (422),
// ErrInternal (500), ErrNotImplemented (501), ErrNotSignedIn (511, and any
// other way Pieces OS says that nobody is signed in) and ErrUpdateRequired
// (Pieces OS's own 593). A call without a usable answer wraps its cause
// instead: ErrUnreachable, ErrMalformedResponse, ErrResponseTooLarge,
// ErrInvalidInput, or the context's error. A GET is retried after a
// transport error and after 429, 502, 503 and 504 (see WithRetry); a POST
// never is.
//
// # Reading and writing
//
// Answers are read liberally: members this version does not know, enum
// values it does not list, absent members and members of another JSON type
// than the spec's are accepted, and the last two are left at their zero
// value. The profile methods return a *Profile, which keeps the JSON it
// was read from (Profile.Raw) and sends back what this version does not
// know when it is given to Update or UpdateVanityProfile. To see the bytes
// of any other answer, give WithHTTPClient a client whose Transport keeps
// them.
//
// # Signing in
//
// SignIn and SignOut sign a person in (through the browser) and out, as
// the Pieces applications do; they are two routes of the OS API of Pieces
// OS. Select and Clear are the User API's own lower-level routes.
//
// # Finding Pieces OS
//
// Discover finds a running Pieces OS: through the port files it writes
// (PortFiles), then by scanning its ports, telling a ready instance from
// one still migrating its database; DiscoverAll lists every instance.
// WithDiscovery makes a Client find Pieces OS by itself, and find it again
// when it restarts on another port. Launch starts Pieces OS and waits for
// it. Client.Health and Client.Version read the two routes every Pieces OS
// serves beside the API; Version.Check says whether this package supports
// a version. WithLogger logs all of this at the Debug level.
//
// # Streams
//
// WatchProfile follows /user/stream, where Pieces OS pushes the signed-in
// user each time it changes, and WatchCheckIns follows
// /user/last_checked_in/stream. Both return a *Stream whose Events carry
// typed events: data (EventProfile, EventSignedOut, EventCheckIn),
// connection state (EventConnected, EventDisconnected, EventRetrying) and
// EventMalformed. A Stream never gives up: when the connection drops or
// cannot be made, it reports why, waits (growing between the bounds of
// WatchOptions.Backoff, with jitter, and starting over after a connection
// that delivered a message or answered a ping) and dials again; Pieces OS
// sends the current state first on every connection, so the consumer is
// brought up to date. Pings find a peer that stopped answering.
//
// A Stream reads the socket without waiting for its consumer and keeps a
// bounded number of undelivered events: only the newest data event, and
// the newest EventMalformed, are kept (a slow consumer may skip
// intermediate states but always ends with the newest), and at most 16
// connection-state events, the oldest dropped first. Events arrive in the
// order they happened. A Stream ends when its context is cancelled or
// Close is called: the socket is closed normally, its goroutines exit and
// Events is closed.
//
// # Testing
//
// Package usertest (github.com/pieces-go/pieces-os-client-go/user/usertest)
// is a fake Pieces OS for the tests of code that uses this package: a real
// server on a loopback port that serves every operation and both streams
// from state in memory, and keeps what it does not know as Pieces OS does.
// Point a Client at it with WithBaseURL(srv.URL), and turn its knobs
// (SignOut, TakeVanity, FailNext with an operation ID from the table
// below, ...) to get the answers a test needs. usertest.Await reads a
// Stream's Events until the state a test expects has arrived: wait for that
// final state, not for one event per change, since data events are
// conflated.
package user
