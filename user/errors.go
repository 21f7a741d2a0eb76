package user

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinels for the statuses the User API documents. errors.Is(err, S) holds
// when err is an *Error whose StatusCode is the status of S. ErrNotSignedIn
// also matches the other ways an operation says that nobody is signed in:
// the 401 of HasFeatureAccess, and Snapshot's ErrSignedOut.
//
// The sentinels are meant for errors.Is; their texts have no "user: "
// prefix because the *Error or *OpError that carries them has one.
var (
	ErrBadRequest     = &statusSentinel{http.StatusBadRequest, "bad request"}
	ErrUnauthorized   = &statusSentinel{http.StatusUnauthorized, "unauthorized"}
	ErrNotFound       = &statusSentinel{http.StatusNotFound, "not found"}
	ErrConflict       = &statusSentinel{http.StatusConflict, "conflict"}
	ErrUnprocessable  = &statusSentinel{http.StatusUnprocessableEntity, "unprocessable input"}
	ErrInternal       = &statusSentinel{http.StatusInternalServerError, "Pieces OS internal error"}
	ErrNotImplemented = &statusSentinel{http.StatusNotImplemented, "not implemented by a local Pieces OS"}
	ErrNotSignedIn    = &statusSentinel{http.StatusNetworkAuthenticationRequired, "not signed in or not connected to the cloud"}
)

// ErrVanityTaken is ErrConflict under the name of what it means for
// UpdateVanity, the one operation that answers 409: the vanity name is
// taken. It is the same value, so either one matches.
var ErrVanityTaken = ErrConflict

// Errors for answers that cannot be used. They are wrapped with the
// operation and the detail, so test them with errors.Is.
var (
	// ErrResponseTooLarge: the body exceeded the limit set by
	// WithMaxResponseBytes.
	ErrResponseTooLarge = errors.New("response body exceeds the size limit")
	// ErrMalformedResponse: the body is not what the operation documents:
	// not JSON (or truncated), the wrong media type, or an empty body where
	// one is documented. Members this version does not know, enum values it
	// does not list and absent members are not errors: absent members are
	// left at their zero value.
	ErrMalformedResponse = errors.New("malformed response")
	// ErrInvalidInput: an argument was rejected before any request was sent.
	ErrInvalidInput = errors.New("invalid input")
)

// ErrSignedOut is the cause of the *OpError that Snapshot (and so
// UpdateVanity, which reads the profile first) returns when Pieces OS
// answers that no user is signed in: a snapshot without a user. It is not an
// *Error: the answer itself was a 200. errors.Is(err, ErrNotSignedIn) holds
// for it too, so one test of ErrNotSignedIn catches a signed-out Pieces OS
// whether it said so with a status or with an empty snapshot.
var ErrSignedOut error = signedOut{}

type signedOut struct{}

func (signedOut) Error() string { return "no user is signed in" }

// Is makes a signed-out snapshot match ErrNotSignedIn.
func (signedOut) Is(target error) bool { return target == ErrNotSignedIn }

type statusSentinel struct {
	code int
	text string
}

func (s *statusSentinel) Error() string { return fmt.Sprintf("%s (%d)", s.text, s.code) }

// StatusCode returns the HTTP status the sentinel stands for.
func (s *statusSentinel) StatusCode() int { return s.code }

// sentinels maps each documented status to its sentinel.
var sentinels = map[int]*statusSentinel{
	ErrBadRequest.code:     ErrBadRequest,
	ErrUnauthorized.code:   ErrUnauthorized,
	ErrNotFound.code:       ErrNotFound,
	ErrConflict.code:       ErrConflict,
	ErrUnprocessable.code:  ErrUnprocessable,
	ErrInternal.code:       ErrInternal,
	ErrNotImplemented.code: ErrNotImplemented,
	ErrNotSignedIn.code:    ErrNotSignedIn,
}

// MaxErrorBody bounds Error.Body: longer text bodies are cut to this many
// bytes.
const MaxErrorBody = 4 << 10

// Error is every non-2xx answer of Pieces OS, whatever the status.
type Error struct {
	// Op is the operationId, for example "userUpdateVanity".
	Op string
	// StatusCode is the HTTP status.
	StatusCode int
	// Body is the text of the answer, cut to MaxErrorBody bytes, with the
	// access token and the application id replaced by "[REDACTED]" should
	// Pieces OS echo them.
	Body string
	// BadRequest is the decoded JSON body of a 400 from HasFeatureAccess.
	BadRequest *HasFeatureAccessBadRequestError
	// Unprocessable is the decoded JSON body of a 422 from HasFeatureAccess.
	Unprocessable *HasFeatureAccessUnprocessableEntityError
}

// Error says which operation failed, with which status and meaning, and the
// body's message.
func (e *Error) Error() string {
	meaning := http.StatusText(e.StatusCode)
	if s, ok := sentinels[e.StatusCode]; ok {
		meaning = s.text
	}
	switch {
	case e.StatusCode == http.StatusConflict && e.Op == OpUserUpdateVanity:
		meaning = "vanity name already taken"
	case e.StatusCode == http.StatusUnauthorized && e.Op == OpUserHasFeatureAccess:
		meaning = "not signed in"
	}
	msg := fmt.Sprintf("user: %s: %s (%d)", e.Op, meaning, e.StatusCode)
	switch {
	case e.BadRequest != nil:
		msg += ": " + e.BadRequest.Code + ": " + e.BadRequest.Message
	case e.Unprocessable != nil:
		msg += ": " + e.Unprocessable.Message
	case e.Body != "":
		msg += ": " + e.Body
	}
	return msg
}

// Is reports whether target is the sentinel of e's status, or
// ErrNotSignedIn for an answer that says nobody is signed in (the 401 of
// HasFeatureAccess).
func (e *Error) Is(target error) bool {
	s, ok := target.(*statusSentinel)
	if !ok {
		return false
	}
	return s.code == e.StatusCode ||
		(s == ErrNotSignedIn && e.StatusCode == http.StatusUnauthorized && e.Op == OpUserHasFeatureAccess)
}

// StatusCode returns the HTTP status of err when it is or wraps an *Error,
// and 0 otherwise.
func StatusCode(err error) int {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.StatusCode
	}
	return 0
}

// OpError is a failure that did not come from an error answer of Pieces OS:
// an argument was invalid (ErrInvalidInput), the request could not be sent,
// the answer could not be read or decoded (ErrMalformedResponse,
// ErrResponseTooLarge), or it said that nobody is signed in (ErrSignedOut). Err keeps the cause, so errors.Is(err, context.DeadlineExceeded)
// and errors.Is(err, ErrMalformedResponse) work through it.
type OpError struct {
	Op  string // operationId
	Err error
}

// Error says which operation failed and why.
func (e *OpError) Error() string {
	if e.Err == nil {
		return "user: " + e.Op + ": failed"
	}
	return "user: " + e.Op + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }
