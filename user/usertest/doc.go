// Package usertest provides a fake Pieces OS for tests: a real HTTP server
// on loopback that serves every operation of the User API, its two
// WebSocket streams and the OS API's sign-in and sign-out from state it
// keeps in memory, as net/http/httptest serves a handler. Beside them it
// answers GET /.well-known/health and GET /.well-known/version.
//
// A new Server has a user signed in (see DefaultProfile). The operations
// change that state as Pieces OS would (updateUser stores the profile,
// clearUser and signOutOfOs sign the user out, selectUser and signIntoOs
// sign one in...), and every change is pushed to the subscribers of
// /user/stream.
//
// Options set what must be known before the server listens: WithAddr,
// WithLog, WithCheckInInterval and WithoutCheckInStream (a build without
// the check-in stream). Every other knob is a method, which works at any
// time:
//
//   - SetProfile, SetProfileJSON: the user's profile, typed or as JSON.
//   - Profile, ProfileJSON: the signed-in user's profile, typed or as JSON.
//   - SignIn, SignOut: sign a user in or out, as selectUser and clearUser do.
//   - SetSignInDelay: how long signIntoOs takes (0: no time; < 0: forever).
//   - FailNext: any status for the next calls of an operation (401, 593...).
//   - RespondNext: any answer at all, one that breaks the spec included.
//   - TakeVanity: vanity names taken by other users (userUpdateVanity: 409).
//   - SetFeatureAccess: the answer userHasFeatureAccess gives for a feature.
//   - SetLatency: a delay before every answer.
//   - DropStreams: cut every WebSocket without a close frame, as a crash does.
//   - SetMigrating, SetVersion: what the health and version routes answer.
//   - AccessToken, HealthID: the token and the health id the server hands out.
//   - Requests, ResetRequests: what the server received.
//   - WaitStreams: wait until stream subscribers are connected.
//
// With WaitStreams and Await, which reads a stream's events until the state
// a test expects has arrived, tests need no sleeps.
//
// The server checks what it is sent as strictly as the spec allows: a body
// of the wrong media type, malformed JSON, a member of the wrong type, a
// date-time that is not RFC 3339 or a missing required member is refused
// with a 4xx answer whose text/plain body names the problem, and an unknown
// route answers 404 or 405. Members and enum values the spec does not list
// are accepted, since a newer Pieces OS or client may send them, and kept:
// the server holds the profile as JSON, stores it as an updateUser,
// userUpdateVanity or selectUser body or SetProfileJSON gives it, serves
// that JSON in every answer and stream message that carries the profile,
// and writes its own changes (a vanity name, an entity, SetProfile...) onto
// it with the lossless merge that package user uses too. So a test can play
// a newer Pieces OS and check that a client writes back what it did not
// understand.
//
// As Pieces OS, the server checks no credentials: the application id may
// come as X-Application-ID, as the header named "application" that the
// vendor's applications also send, as both or as neither. Requests records
// every header for tests to check.
//
// Package usertest imports gen but not package user, so that the tests of
// package user can use it.
package usertest
