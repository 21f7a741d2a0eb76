package usertest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// BenchmarkFakeSnapshot measures the same hand-written GET /user against
// the fake and against a handler that writes a fixed answer, both with the
// default profile: the difference is what the fake itself costs per call
// (routing, the request log, the checks, writing the answer). The
// call benchmarks of package user use a fixed handler because of it.
func BenchmarkFakeSnapshot(b *testing.B) {
	want := usertest.DefaultProfile()
	fixed, err := json.Marshal(gen.ReturnedUserProfile{User: &want})
	if err != nil {
		b.Fatal(err)
	}
	servers := []struct {
		name  string
		start func(b *testing.B) string
	}{
		{"usertest", func(b *testing.B) string { return usertest.Start(b).URL }},
		{"fixed", func(b *testing.B) string {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", strconv.Itoa(len(fixed)))
				w.Write(fixed)
			}))
			b.Cleanup(srv.Close)
			return srv.URL
		}},
	}
	for _, s := range servers {
		b.Run(s.name, func(b *testing.B) {
			base := s.start(b)
			tr := &http.Transport{}
			b.Cleanup(tr.CloseIdleConnections)
			hc := &http.Client{Transport: tr}
			b.ReportAllocs()
			for b.Loop() {
				resp, err := hc.Get(base + "/user")
				if err != nil {
					b.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("GET /user: %d %v", resp.StatusCode, err)
				}
				var got gen.ReturnedUserProfile
				if err := json.Unmarshal(body, &got); err != nil || got.User.ID != want.ID {
					b.Fatalf("GET /user: id %q, %v; want %q", got.User.ID, err, want.ID)
				}
			}
		})
	}
}
