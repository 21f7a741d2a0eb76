package user

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"unicode/utf8"
)

// Sentinels of the statuses the User API documents: errors.Is(err, S)
// holds when err is an *Error whose StatusCode is the status of S.
// ErrNotSignedIn also matches the other ways Pieces OS says that nobody is
// signed in: a Snapshot without a user, and the 401 of HasFeatureAccess.
var (
	ErrBadRequest     = &statusSentinel{http.StatusBadRequest, "bad request"}
	ErrUnauthorized   = &statusSentinel{http.StatusUnauthorized, "unauthorized"}
	ErrNotFound       = &statusSentinel{http.StatusNotFound, "not found"}
	ErrConflict       = &statusSentinel{http.StatusConflict, "conflict"}
	ErrUnprocessable  = &statusSentinel{http.StatusUnprocessableEntity, "unprocessable input"}
	ErrInternal       = &statusSentinel{http.StatusInternalServerError, "Pieces OS internal error"}
	ErrNotImplemented = &statusSentinel{http.StatusNotImplemented, "not implemented by a local Pieces OS"}
	ErrNotSignedIn    = &statusSentinel{http.StatusNetworkAuthenticationRequired, "not signed in"}
	// ErrUpdateRequired is Pieces OS's own status 593: this Pieces OS is
	// too old for the request; update it (retrying does not help).
	ErrUpdateRequired = &statusSentinel{statusUpdateRequired, "Pieces OS update required"}
)

// Causes of the errors that are not an answer of Pieces OS. An *Error
// wraps them with the operation and the detail: test them with errors.Is.
var (
	// ErrUnreachable: no Pieces OS answered. The connection was refused,
	// reset or closed before an answer, no answer came in time, or
	// discovery found none. The message names the address and the cause.
	ErrUnreachable = errors.New("cannot reach Pieces OS")
	// ErrMalformedResponse: the answer is not JSON, is cut short, has the
	// wrong media type, or is empty or null where a body is documented.
	ErrMalformedResponse = errors.New("malformed response")
	// ErrResponseTooLarge: the body exceeded WithMaxResponseBytes, or a
	// stream message exceeded WatchOptions.ReadLimit.
	ErrResponseTooLarge = errors.New("response exceeds the size limit")
	// ErrInvalidInput: an argument was rejected before anything was sent.
	ErrInvalidInput = errors.New("invalid input")
)

// statusUpdateRequired is Pieces OS's own status for "update Pieces OS".
const statusUpdateRequired = 593

type statusSentinel struct {
	code int
	text string
}

func (s *statusSentinel) Error() string { return s.text }

// Error is every failure of the package: an answer of Pieces OS outside
// 2xx, or a call without a usable answer, whose Err says why. Body and the
// message never hold the application id or the access token.
type Error struct {
	Op            string                                    // operationId, or "discover", "launch", "health", "version"
	StatusCode    int                                       // the status of an answer outside 2xx; 0 otherwise
	Body          string                                    // that answer's text, cut to 4 KiB
	Err           error                                     // the cause when there was no such answer
	BadRequest    *HasFeatureAccessBadRequestError          // the JSON body of a 400 of HasFeatureAccess
	Unprocessable *HasFeatureAccessUnprocessableEntityError // the JSON body of a 422 of HasFeatureAccess
}

// Error says which operation failed, and the status and its meaning or
// the cause, on one line.
func (e *Error) Error() string {
	if e.StatusCode == 0 {
		cause := "failed"
		if e.Err != nil {
			cause = e.Err.Error()
		}
		return "user: " + e.Op + ": " + cause
	}
	meaning := http.StatusText(e.StatusCode)
	switch {
	case e.StatusCode == http.StatusConflict && e.Op == OpUserUpdateVanity:
		meaning = "vanity name already taken"
	case e.StatusCode == http.StatusUnauthorized && e.Op == OpUserHasFeatureAccess:
		meaning = "not signed in"
	case sentinelOf(e.StatusCode) != nil:
		meaning = sentinelOf(e.StatusCode).text
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
	return oneLine(msg)
}

// Is reports whether target is the sentinel of e's status, or
// ErrNotSignedIn for the 401 of HasFeatureAccess.
func (e *Error) Is(target error) bool {
	s, ok := target.(*statusSentinel)
	if !ok || e.StatusCode == 0 {
		return false
	}
	return s.code == e.StatusCode ||
		(s == ErrNotSignedIn && e.StatusCode == http.StatusUnauthorized && e.Op == OpUserHasFeatureAccess)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func sentinelOf(code int) *statusSentinel {
	for _, s := range [...]*statusSentinel{ErrBadRequest, ErrUnauthorized, ErrNotFound, ErrConflict, ErrUnprocessable, ErrInternal, ErrNotImplemented, ErrNotSignedIn, ErrUpdateRequired} {
		if s.code == code {
			return s
		}
	}
	return nil
}

// maxErrorBody bounds Error.Body.
const maxErrorBody = 4 << 10

// fail is the one constructor of *Error: the answer's status and body, or
// the cause of a call without one, with the client's credentials hidden.
// A nil c (discovery, a Client not made by New) has none to hide.
func (c *client) fail(op string, status int, body []byte, cause error) *Error {
	e := &Error{Op: op, StatusCode: status}
	if status != 0 {
		e.Body = cutText(strings.TrimSpace(c.redact(string(body))), maxErrorBody)
		return e
	}
	if msg := cause.Error(); c.redact(msg) != msg {
		cause = &redacted{msg: c.redact(msg), err: cause}
	}
	e.Err = cause
	return e
}

// redact replaces the access token and the application id in s.
func (c *client) redact(s string) string {
	if c == nil {
		return s
	}
	for _, secret := range [...]string{c.token, c.appID} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
	}
	return s
}

// redacted shows a cleaned text but keeps the cause for errors.Is.
type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }

// unreachable is the cause of a call that reached no Pieces OS.
type unreachable struct {
	addr string
	err  error
}

func (e *unreachable) Error() string {
	return "cannot reach Pieces OS at " + e.addr + ": " + reason(e.err)
}
func (e *unreachable) Is(target error) bool { return target == ErrUnreachable }
func (e *unreachable) Unwrap() error        { return e.err }

// reachError returns err, the failure of a request to u, as an error
// matching ErrUnreachable when no Pieces OS answered it: refused, reset or
// closed before an answer, or out of time. A context the caller cancelled
// and other failures (a redirect refused, say) keep their cause.
func reachError(u *url.URL, err error) error {
	if !unanswered(err) {
		return err
	}
	addr := u.Scheme + "://" + u.Host
	return &unreachable{addr: addr, err: err}
}

// unanswered reports whether err means that no Pieces OS answered.
func unanswered(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	_, opErr := errors.AsType[*net.OpError](err)
	_, dnsErr := errors.AsType[*net.DNSError](err)
	return opErr || dnsErr || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}

// resendable reports whether req, which failed with err, may be sent
// again to another address: a GET that reached no Pieces OS, or any
// request whose connection was refused, so that it never left.
func resendable(req *http.Request, err error) bool {
	if !unanswered(err) {
		return false
	}
	if req.Method == http.MethodGet {
		return true
	}
	opErr, ok := errors.AsType[*net.OpError](err)
	return ok && opErr.Op == "dial"
}

// reason is the innermost cause of err, in a few words.
func reason(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection closed before an answer"
	}
	for {
		inner := errors.Unwrap(err)
		if inner == nil {
			return err.Error()
		}
		err = inner
	}
}

// cutText returns s cut to at most n bytes, at the start of a character.
func cutText(s string, n int) string {
	for n < len(s) && n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:min(n, len(s))]
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
