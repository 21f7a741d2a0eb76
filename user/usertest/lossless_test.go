package usertest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// newerProfile returns the JSON of the default profile as a newer Pieces
// OS could send it: with an unknown top-level member, an unknown member in
// aesthetics, and the cloud status and the base address's status set to
// cloud and base, which may be values the spec does not list.
func newerProfile(t *testing.T, cloud, base string) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(must(json.Marshal(usertest.DefaultProfile())), &doc); err != nil {
		t.Fatal(err)
	}
	doc["newerTopLevel"] = map[string]any{"since": "13.0"}
	doc["aesthetics"].(map[string]any)["newerNested"] = "kept"
	alloc := doc["allocation"].(map[string]any)
	alloc["status"].(map[string]any)["cloud"] = cloud
	alloc["urls"].(map[string]any)["base"].(map[string]any)["status"] = base
	return must(json.Marshal(doc))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// dig returns the member of the JSON doc at path, or nil.
func dig(doc []byte, path ...string) any {
	var v any
	if json.Unmarshal(doc, &v) != nil {
		return nil
	}
	for _, name := range path {
		m, _ := v.(map[string]any)
		v = m[name]
	}
	return v
}

// checkKept fails t unless the profile JSON doc holds the unknown members
// of newerProfile and the given statuses.
func checkKept(t *testing.T, where string, doc []byte, cloud, base string) {
	t.Helper()
	for _, c := range []struct {
		path []string
		want string
	}{
		{[]string{"newerTopLevel", "since"}, "13.0"},
		{[]string{"aesthetics", "newerNested"}, "kept"},
		{[]string{"allocation", "status", "cloud"}, cloud},
		{[]string{"allocation", "urls", "base", "status"}, base},
	} {
		if got := dig(doc, c.path...); got != c.want {
			t.Errorf("%s: %s is %v, want %q", where, strings.Join(c.path, "."), got, c.want)
		}
	}
}

// userOf returns the profile in an answer of the form {"user": ...}.
func userOf(t *testing.T, body string) []byte {
	t.Helper()
	var out struct{ User json.RawMessage }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("answer %.100q: %v", body, err)
	}
	return out.User
}

// TestUnknownMembersAreKept updates the profile with members and an enum
// value gen does not know, and checks that every read serves them, also
// after changes the fake makes itself.
func TestUnknownMembersAreKept(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	ws := dial(t, srv, "/user/stream")
	readProfile(t, ws)
	id := usertest.DefaultProfile().ID

	res := send(t, srv, http.MethodPost, "/user/update", "application/json", newerProfile(t, "HIBERNATING", "RUNNING"))
	if res.status != http.StatusOK {
		t.Fatalf("updateUser: %d %s", res.status, res.body)
	}
	checkKept(t, "updateUser's answer", []byte(res.body), "HIBERNATING", "RUNNING")
	checkKept(t, "the stream", read(t, ws), "HIBERNATING", "RUNNING")
	checkKept(t, "userSnapshot", userOf(t, send(t, srv, http.MethodGet, "/user", "", nil).body), "HIBERNATING", "RUNNING")
	checkKept(t, "refreshUser", []byte(send(t, srv, http.MethodGet, "/user/refresh", "", nil).body), "HIBERNATING", "RUNNING")
	checkKept(t, "userPaddleRefresh", userOf(t, send(t, srv, http.MethodGet, "/user/paddle/refresh", "", nil).body), "HIBERNATING", "RUNNING")
	doc, _ := srv.ProfileJSON()
	checkKept(t, "ProfileJSON", doc, "HIBERNATING", "RUNNING")

	// Changes the fake makes itself are written onto that JSON.
	if r := send(t, srv, http.MethodPost, "/user/"+id+"/entities/associate/team-1", "", nil); r.status != http.StatusNoContent {
		t.Fatalf("associate: %d %s", r.status, r.body)
	}
	checkKept(t, "the stream after associate", read(t, ws), "HIBERNATING", "RUNNING")
	p, _ := srv.Profile()
	p.Name = "Augusta Ada King"
	srv.SetProfile(p)
	doc = read(t, ws)
	checkKept(t, "the stream after SetProfile", doc, "HIBERNATING", "RUNNING")
	if got := dig(doc, "name"); got != p.Name {
		t.Errorf("name after SetProfile: %v", got)
	}

	// A vanity change needs a running cloud; this time the unknown value
	// is the base address's status.
	if err := srv.SetProfileJSON(newerProfile(t, "RUNNING", "HIBERNATING")); err != nil {
		t.Fatal(err)
	}
	read(t, ws)
	var body map[string]any
	if err := json.Unmarshal(newerProfile(t, "RUNNING", "HIBERNATING"), &body); err != nil {
		t.Fatal(err)
	}
	body["vanityname"] = "countess"
	res = send(t, srv, http.MethodPost, "/user/update/vanity", "application/json", must(json.Marshal(body)))
	if res.status != http.StatusOK || dig([]byte(res.body), "vanityname") != "countess" {
		t.Fatalf("userUpdateVanity: %d %.200s", res.status, res.body)
	}
	checkKept(t, "userUpdateVanity's answer", []byte(res.body), "RUNNING", "HIBERNATING")
	doc = read(t, ws)
	checkKept(t, "the stream after the vanity change", doc, "RUNNING", "HIBERNATING")
	if got := dig(doc, "allocation", "urls", "vanity", "url"); got != "https://countess.pieces.cloud" {
		t.Errorf("vanity address %v", got)
	}

	// Signing out and in again serves the same JSON.
	srv.SignOut()
	checkKept(t, "signIntoOs's answer", []byte(send(t, srv, http.MethodPost, "/os/sign_in", "", nil).body), "RUNNING", "HIBERNATING")
	var users struct{ Iterable []json.RawMessage }
	if err := json.Unmarshal([]byte(send(t, srv, http.MethodPost, "/os/sign_out", "", nil).body), &users); err != nil || len(users.Iterable) != 1 {
		t.Fatalf("signOutOfOs: %v %d users", err, len(users.Iterable))
	}
	checkKept(t, "signOutOfOs's answer", users.Iterable[0], "RUNNING", "HIBERNATING")
	checkKept(t, "selectUser's answer", []byte(send(t, srv, http.MethodPost, "/user/select", "", nil).body), "RUNNING", "HIBERNATING")
}

// TestKnownMembersStillChecked checks that a body with unknown members is
// refused all the same when a member the spec knows has the wrong type,
// and that the profile does not change.
func TestKnownMembersStillChecked(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	before, _ := srv.ProfileJSON()
	var doc map[string]any
	if err := json.Unmarshal(newerProfile(t, "HIBERNATING", "RUNNING"), &doc); err != nil {
		t.Fatal(err)
	}
	doc["aesthetics"].(map[string]any)["font"].(map[string]any)["size"] = "large"
	res := send(t, srv, http.MethodPost, "/user/update", "application/json", must(json.Marshal(doc)))
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "member aesthetics.font.size: want a number, got a string") {
		t.Errorf("got %d %q, want 400 naming aesthetics.font.size", res.status, res.body)
	}
	if after, _ := srv.ProfileJSON(); !bytes.Equal(before, after) {
		t.Error("a refused update changed the profile")
	}
	if err := srv.SetProfileJSON(must(json.Marshal(doc))); err == nil || !strings.Contains(err.Error(), "aesthetics.font.size") {
		t.Errorf("SetProfileJSON = %v, want an error naming aesthetics.font.size", err)
	}
}

func TestSetProfileJSON(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SignOut()
	if doc, ok := srv.ProfileJSON(); ok || doc != nil {
		t.Errorf("ProfileJSON when signed out = %q, %v", doc, ok)
	}
	for _, bad := range []string{``, `{`, `[]`, `{"id":7}`, `{"aesthetics":{"font":{"size":1},"theme":{"dark":true}}}`, `{"id":"x","created":{"value":"yesterday"}}`} {
		if err := srv.SetProfileJSON([]byte(bad)); err == nil {
			t.Errorf("SetProfileJSON(%q) accepted", bad)
		}
	}
	if _, ok := srv.Profile(); ok {
		t.Fatal("a refused SetProfileJSON signed someone in")
	}

	// Signed out, SetProfileJSON signs the user in.
	if err := srv.SetProfileJSON(newerProfile(t, "HIBERNATING", "RUNNING")); err != nil {
		t.Fatal(err)
	}
	p, ok := srv.Profile()
	if !ok || p.ID != usertest.DefaultProfile().ID || p.Allocation.Status.Cloud != "HIBERNATING" || srv.AccessToken() == "" {
		t.Fatalf("after SetProfileJSON: signed in %v as %q, cloud %q, token %q", ok, p.ID, p.Allocation.Status.Cloud, srv.AccessToken())
	}
	doc, _ := srv.ProfileJSON()
	checkKept(t, "ProfileJSON", doc, "HIBERNATING", "RUNNING")
	// ProfileJSON hands out a copy.
	copy(doc, "XXXXXXXX")
	if again, _ := srv.ProfileJSON(); !json.Valid(again) {
		t.Error("changing what ProfileJSON returned changed the server's profile")
	}

	// Signed in, it pushes the profile and asks the check-ins to refresh.
	ws := dial(t, srv, "/user/stream")
	readProfile(t, ws)
	if err := srv.SetProfileJSON([]byte(`{"id":"newer-user","aesthetics":{"font":{"size":12},"theme":{"dark":false}},"plan":"team"}`)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ws); dig(got, "plan") != "team" || dig(got, "id") != "newer-user" {
		t.Errorf("stream after SetProfileJSON: %s", got)
	}
	// A typed profile of another user replaces the JSON.
	srv.SetProfile(usertest.DefaultProfile())
	if got := read(t, ws); dig(got, "plan") != nil {
		t.Errorf("SetProfile of another user kept the old user's members: %s", got)
	}
}

// TestSelectUserKeepsMetadata checks that what the user_metadata of a
// selectUser body holds that gen does not know lands in the profile.
func TestSelectUserKeepsMetadata(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	res := send(t, srv, http.MethodPost, "/user/select", "application/json",
		[]byte(`{"user_id":"github|1906","email":"grace@example.com","user_metadata":{"global_id":"g-1906","vanityname":"grace","newerMeta":{"x":1}}}`))
	if res.status != http.StatusOK {
		t.Fatalf("selectUser: %d %s", res.status, res.body)
	}
	doc, _ := srv.ProfileJSON()
	if dig(doc, "auth0", "newerMeta", "x") != 1.0 || dig(doc, "auth0", "vanityname") != "grace" || dig(doc, "id") != "g-1906" {
		t.Errorf("auth0 of the selected user: %v", dig(doc, "auth0"))
	}
	var p gen.UserProfile
	if err := json.Unmarshal([]byte(res.body), &p); err != nil || p.Email != "grace@example.com" {
		t.Errorf("answer: %v %+v", err, p)
	}
}
