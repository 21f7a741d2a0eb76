package user_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/internal/newerfake"
	"github.com/pieces-go/pieces-os-client-go/user"
)

// jsonValue decodes b into a generic JSON value for comparison.
func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// withMember returns the JSON object doc with member name set to value.
func withMember(t *testing.T, doc []byte, name string, value any) any {
	t.Helper()
	v := jsonValue(t, doc).(map[string]any)
	v[name] = value
	return v
}

func newerClient(t *testing.T) (*newerfake.Server, *user.Client) {
	t.Helper()
	srv := newerfake.Start()
	t.Cleanup(srv.Close)
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithApplicationID("forward-test"))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// TestUpdateKeepsWhatANewerPiecesOSSent reads a profile with members and an
// enum value the spec lacks, changes the name, and checks that the server
// holds everything else exactly as before.
func TestUpdateKeepsWhatANewerPiecesOSSent(t *testing.T) {
	srv, c := newerClient(t)
	ctx := context.Background()
	p, err := c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Allocation.Status.Cloud; got != "HIBERNATING" {
		t.Errorf("Snapshot: allocation status %q, want the unknown value HIBERNATING", got)
	}
	if diff := cmp.Diff(jsonValue(t, []byte(newerfake.DefaultProfile)), jsonValue(t, p.Raw())); diff != "" {
		t.Errorf("Raw differs from what the server sent (-sent +raw):\n%s", diff)
	}
	p.Name = "Ada King"
	out, err := c.Update(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	want := withMember(t, []byte(newerfake.DefaultProfile), "name", "Ada King")
	if diff := cmp.Diff(want, jsonValue(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after Update (-want +got):\n%s", diff)
	}
	if out.Name != "Ada King" {
		t.Errorf("Update returned name %q", out.Name)
	}
	// The answer keeps the unknown members too, so it can be sent again.
	out.Email = "ada@example.org"
	if _, err := c.Update(ctx, out); err != nil {
		t.Fatal(err)
	}
	want = withMember(t, []byte(newerfake.DefaultProfile), "name", "Ada King")
	want.(map[string]any)["email"] = "ada@example.org"
	if diff := cmp.Diff(want, jsonValue(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after a second Update (-want +got):\n%s", diff)
	}
}

// TestUpdateVanityKeepsWhatANewerPiecesOSSent checks the read-modify-write
// of UpdateVanity the same way.
func TestUpdateVanityKeepsWhatANewerPiecesOSSent(t *testing.T) {
	srv, c := newerClient(t)
	if _, err := c.UpdateVanity(context.Background(), "countess"); err != nil {
		t.Fatal(err)
	}
	want := withMember(t, []byte(newerfake.DefaultProfile), "vanityname", "countess")
	if diff := cmp.Diff(want, jsonValue(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after UpdateVanity (-want +got):\n%s", diff)
	}
}
