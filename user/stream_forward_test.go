package user

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/internal/newerfake"
)

// TestWatchProfileNewerPiecesOS follows /user/stream of a Pieces OS newer
// than the spec, whose profile has members and an enum value the spec
// lacks: the event holds the message as sent, and a profile from the stream
// changed and given to Update loses nothing on the server.
func TestWatchProfileNewerPiecesOS(t *testing.T) {
	t.Parallel()
	f := newFakeStreams([]byte(newerfake.DefaultProfile))
	c := newStreamClient(t, startFake(t, f))
	s := watchProfile(t, c, fastBackoff())
	expectKind(t, s, EventConnected)
	ev := expectKind(t, s, EventProfile)

	p := ev.Profile
	if p.ID != "newer-user-1" || p.Allocation.Status.Cloud != "HIBERNATING" {
		t.Fatalf("profile = %+v, want newer-user-1 with the cloud HIBERNATING", p.UserProfile)
	}
	if diff := cmp.Diff(jsonOf(t, []byte(newerfake.DefaultProfile)), jsonOf(t, p.Raw())); diff != "" {
		t.Errorf("Raw() differs from the message (-sent +Raw):\n%s", diff)
	}

	srv := newerfake.Start()
	t.Cleanup(srv.Close)
	hc := newStreamClient(t, srv.URL)
	p.Name = "Ada King"
	if _, err := hc.Update(t.Context(), p); err != nil {
		t.Fatalf("Update: %v", err)
	}
	want := jsonOf(t, []byte(newerfake.DefaultProfile)).(map[string]any)
	want["name"] = "Ada King"
	if diff := cmp.Diff(want, jsonOf(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after Update (-want +got):\n%s", diff)
	}
}

// jsonOf decodes b into a generic JSON value for comparison.
func jsonOf(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}
