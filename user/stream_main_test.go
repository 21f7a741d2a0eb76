package user

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine outlives them, which
// is how the stream tests prove that Close and cancellation end everything.
// It is the only TestMain of package user.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
