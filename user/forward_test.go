package user_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/internal/newerfake"
	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
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

// TestProfileJSON checks Profile's own encoding: a profile built by the
// caller encodes as its UserProfile, one decoded keeps what it was decoded
// from, and the merge drops a member the caller cleared while keeping the
// unknown ones.
func TestProfileJSON(t *testing.T) {
	t.Parallel()
	built := user.Profile{UserProfile: user.UserProfile{ID: "u1", Name: "Ada"}}
	b, err := json.Marshal(built)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(built.UserProfile)
	if string(b) != string(plain) || built.Raw() != nil {
		t.Errorf("built profile encodes as %s (raw %s), want %s and no raw", b, built.Raw(), plain)
	}

	const times = `"created":{"value":"2024-01-02T03:04:05Z"},"updated":{"value":"2024-01-02T03:04:05Z"}`
	in := `{"id":"u1","name":"Ada","email":"a@example.com","future":{"x":1},` +
		`"aesthetics":{"font":{"size":12,"ligatures":true},"theme":{"dark":true}},` +
		`"apiKeys":["k1","k2"],"providers":{"iterable":[{"type":"github","user_id":"g1","extra":true,` + times + `}]}}`
	var p user.Profile
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	if string(p.Raw()) != in {
		t.Errorf("Raw = %s, want the input", p.Raw())
	}
	p.Email = ""                          // cleared: dropped
	p.Aesthetics.Font.Size = 14           // changed inside a merged object
	p.APIKeys = []string{"k3"}            // an array of another length replaces the one read
	p.Providers.Iterable[0].UserID = "g2" // an array of the same length is merged element-wise
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"u1","name":"Ada","future":{"x":1},` +
		`"aesthetics":{"font":{"size":14,"ligatures":true},"theme":{"dark":true}},` +
		`"apiKeys":["k3"],"providers":{"iterable":[{"type":"github","user_id":"g2","extra":true,` + times + `}]}}`
	if diff := cmp.Diff(jsonValue(t, []byte(want)), jsonValue(t, out)); diff != "" {
		t.Errorf("merged profile (-want +got):\n%s", diff)
	}

	var null user.Profile
	if err := json.Unmarshal([]byte("null"), &null); err != nil || null.Raw() != nil {
		t.Errorf("null: %v, raw %s", err, null.Raw())
	}
	for _, bad := range []string{`{"id":`, `[1]`, `"ada"`} {
		if err := json.Unmarshal([]byte(bad), &null); err == nil {
			t.Errorf("the profile %s decoded", bad)
		}
	}
}

// TestChangedTypeSurvivesAnUpdate plays a newer Pieces OS that sends known
// members with other JSON types than the spec's: the rest of the profile
// decodes, the members are left zero (Raw shows them), and Snapshot →
// change → Update sends them back exactly as they were read.
func TestChangedTypeSurvivesAnUpdate(t *testing.T) {
	srv, c := newerClient(t)
	sent := `{"id":"u1","name":"Ada","email":"ada@example.com",` +
		`"aesthetics":{"font":{"size":"12pt"},"theme":{"dark":true}},` +
		`"allocation":{"id":"a1","version":11,"status":{"cloud":"RUNNING"}},` +
		`"created":{"value":1733568000},"apiKeys":"k1"}`
	srv.SetProfile([]byte(sent))
	ctx := context.Background()
	p, err := c.Snapshot(ctx)
	if err != nil {
		t.Fatalf("Snapshot of a profile with changed types: %v", err)
	}
	if p.ID != "u1" || p.Email != "ada@example.com" || !p.Aesthetics.Theme.Dark || p.Allocation.ID != "a1" || p.Allocation.Status.Cloud != "RUNNING" {
		t.Errorf("the members around the changed ones did not decode: %+v", p.UserProfile)
	}
	if p.Allocation.Version != "" || p.Aesthetics.Font.Size != 0 || !p.Created.Value.IsZero() || p.APIKeys != nil {
		t.Errorf("the members of another type are not zero: %+v", p.UserProfile)
	}
	var raw struct {
		Allocation struct {
			Version json.Number `json:"version"`
		} `json:"allocation"`
	}
	if err := json.Unmarshal(p.Raw(), &raw); err != nil || raw.Allocation.Version != "11" {
		t.Errorf("Raw does not show allocation.version as sent: %s", p.Raw())
	}
	p.Name = "Ada King"
	if _, err := c.Update(ctx, p); err != nil {
		t.Fatal(err)
	}
	want := withMember(t, []byte(sent), "name", "Ada King")
	if diff := cmp.Diff(want, jsonValue(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after Update (-want +got):\n%s", diff)
	}
}

// profileEdits returns doc (a JSON object) edited in every way that may
// break a member the spec calls required: each member of each object
// removed, each set to null, and each array item set to null, one edit at a
// time. Every edit also gets a member this version does not know.
func profileEdits(t *testing.T, doc []byte) map[string][]byte {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]byte)
	emit := func(what string) {
		root["timezone"] = "Europe/London"
		b, err := json.Marshal(root)
		delete(root, "timezone")
		if err != nil {
			t.Fatal(err)
		}
		out[what] = b
	}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch v := v.(type) {
		case map[string]any:
			for k, item := range v {
				delete(v, k)
				emit("without " + path + "." + k)
				v[k] = nil
				emit(path + "." + k + " null")
				v[k] = item
				walk(item, path+"."+k)
			}
		case []any:
			for i, item := range v {
				v[i] = nil
				emit(fmt.Sprintf("%s[%d] null", path, i))
				v[i] = item
				walk(item, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(root, "")
	emit("unchanged")
	return out
}

// TestEveryEditDecodesAndKeepsTheUnknown decodes every single-member edit
// of the default profile of the fake, as Refresh does: each must decode,
// Raw must give the body back, and encoding the profile after a change of
// name must keep the member this version does not know.
func TestEveryEditDecodesAndKeepsTheUnknown(t *testing.T) {
	t.Parallel()
	doc, err := json.Marshal(usertest.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	edits := profileEdits(t, doc)
	if len(edits) < 50 {
		t.Fatalf("only %d edits", len(edits))
	}
	for what, body := range edits {
		var p user.Profile
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		if string(p.Raw()) != string(body) {
			t.Errorf("%s: Raw differs from the body", what)
		}
		p.Name = "Augusta Ada King"
		out, err := json.Marshal(p)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Errorf("%s: the encoding is not JSON: %v", what, err)
			continue
		}
		if got["timezone"] != "Europe/London" || got["name"] != "Augusta Ada King" {
			t.Errorf("%s: encoded as %s", what, out)
		}
	}
}

// TestRawIsTheProfileSent checks that Raw holds the profile as Pieces OS
// sent it: for Snapshot, the member "user" of the answer, whatever the case
// of its name.
func TestRawIsTheProfileSent(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"user", "User"} {
		profile := `{"id":"u1","name":"Ada","future":{"x":[1,2]}}`
		c, _ := apiStart(t, apiReply{status: 200, ctype: "application/json", body: `{"schema":{},"` + name + `": ` + profile + `}`})
		p, err := c.Snapshot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if string(p.Raw()) != profile || p.Name != "Ada" {
			t.Errorf("with %q: Raw() = %s, Name %q; want %s", name, p.Raw(), p.Name, profile)
		}
	}
}
