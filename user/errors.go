package user

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinels for the statuses the User API documents. errors.Is(err, S) holds
// when err is an *Error whose StatusCode is the status of S.
var (
	ErrBadRequest     = &statusSentinel{http.StatusBadRequest, "bad request"}
	ErrUnauthorized   = &statusSentinel{http.StatusUnauthorized, "unauthorized"}
	ErrNotFound       = &statusSentinel{http.StatusNotFound, "not found"}
	ErrVanityTaken    = &statusSentinel{http.StatusConflict, "vanity name already taken"}
	ErrUnprocessable  = &statusSentinel{http.StatusUnprocessableEntity, "unprocessable input"}
	ErrInternal       = &statusSentinel{http.StatusInternalServerError, "Pieces OS internal error"}
	ErrNotImplemented = &statusSentinel{http.StatusNotImplemented, "not implemented by a local Pieces OS"}
	ErrNotSignedIn    = &statusSentinel{http.StatusNetworkAuthenticationRequired, "not signed in or not connected to the cloud"}
	// ErrUpdateRequired is Pieces OS's own status 593: this Pieces OS is
	// too old for the request and must be updated.
	ErrUpdateRequired = &statusSentinel{StatusUpdateRequired, "Pieces OS update required"}
)

// StatusUpdateRequired is the status, outside the HTTP standard, with which
// Pieces OS refuses a request until it is updated.
const StatusUpdateRequired = 593

// ErrConflict is ErrVanityTaken under its HTTP name: 409 is used only by
// UpdateVanity.
var ErrConflict = ErrVanityTaken

// Errors for answers that cannot be used. They are wrapped with the
// operation and the detail, so test them with errors.Is.
var (
	// ErrResponseTooLarge: the body exceeded the limit set by
	// WithMaxResponseBytes.
	ErrResponseTooLarge = errors.New("response body exceeds the size limit")
	// ErrMalformedResponse: the body is not what the operation documents
	// (invalid or truncated JSON, wrong media type, missing required member).
	ErrMalformedResponse = errors.New("malformed response")
	// ErrInvalidInput: an argument was rejected before any request was sent.
	ErrInvalidInput = errors.New("invalid input")
)

// ErrSignedOut is returned by Snapshot (and so by UpdateVanity, which reads
// the profile first) when Pieces OS answers but no user is signed in. It is
// not an *Error: the call itself succeeded. errors.Is(ErrSignedOut,
// ErrNotSignedIn) holds, so one test of ErrNotSignedIn catches a signed-out
// Pieces OS whether it said so with a 511 or with an empty snapshot.
var ErrSignedOut error = signedOut{}

type signedOut struct{}

func (signedOut) Error() string { return "pieces os: no user is signed in" }

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
	ErrVanityTaken.code:    ErrVanityTaken,
	ErrUnprocessable.code:  ErrUnprocessable,
	ErrInternal.code:       ErrInternal,
	ErrNotImplemented.code: ErrNotImplemented,
	ErrNotSignedIn.code:    ErrNotSignedIn,
	ErrUpdateRequired.code: ErrUpdateRequired,
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
	msg := fmt.Sprintf("pieces os: %s: %s (%d)", e.Op, meaning, e.StatusCode)
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

// Is reports whether target is the sentinel of e's status.
func (e *Error) Is(target error) bool {
	s, ok := target.(*statusSentinel)
	return ok && s.code == e.StatusCode
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
// or the answer could not be read or decoded (ErrMalformedResponse,
// ErrResponseTooLarge). Err keeps the cause, so errors.Is(err, context.DeadlineExceeded)
// and errors.Is(err, ErrMalformedResponse) work through it.
type OpError struct {
	Op  string // operationId
	Err error
}

func (e *OpError) Error() string {
	if e.Err == nil {
		return "pieces os: " + e.Op + ": failed"
	}
	return "pieces os: " + e.Op + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }
