package user_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// BenchmarkSnapshot measures one Snapshot call over loopback HTTP, strict
// decoding of the complete default profile included.
func BenchmarkSnapshot(b *testing.B) {
	body := apiJSON(b, user.ReturnedUserProfile{User: apiPtr(usertest.DefaultProfile())})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	defer srv.Close()
	c := apiClient(b, srv)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Snapshot(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}
