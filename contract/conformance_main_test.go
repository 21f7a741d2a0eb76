package contract

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine behind: the
// conformance test starts fakes, clients and streams, and all of them must
// end with their test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
