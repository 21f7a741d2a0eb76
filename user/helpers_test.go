package user_test

import (
	"errors"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// Defaults of package user that its documentation states, for the tests.
const (
	envBaseURL       = "PIECES_OS_URL"
	defaultBaseURL   = "http://127.0.0.1:39300"
	defaultUserAgent = "pieces-os-client-go"
	defaultMaxBody   = 16 << 20
	defaultReadLimit = 8 << 20
	maxErrorBody     = 4 << 10
)

// statusCode returns the status of err when it is an *Error, else 0.
func statusCode(err error) int {
	if e, ok := errors.AsType[*user.Error](err); ok {
		return e.StatusCode
	}
	return 0
}
