package usertest

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run when any test leaves a goroutine behind: every
// Server must end all of its goroutines in Close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
