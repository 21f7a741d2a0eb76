//go:build !unix

package user_test

import "time"

// bcCPUTime returns the processor time the process has used so far; ok is
// false where it cannot be read, as here.
func bcCPUTime() (time.Duration, bool) { return 0, false }
