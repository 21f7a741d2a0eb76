//go:build unix

package user_test

import (
	"syscall"
	"time"
)

// bcCPUTime returns the processor time the process has used so far, in
// user and kernel mode together; ok is false where it cannot be read.
func bcCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
