package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/internal/newerfake"
)

// The tests in this file run the program against newerfake, a Pieces OS
// newer than the spec: its profile has members and an enum value that this
// version does not know.

func startNewer(t *testing.T) *newerfake.Server {
	t.Helper()
	srv := newerfake.Start()
	t.Cleanup(srv.Close)
	return srv
}

// jsonOf decodes a JSON text into a generic value for comparison.
func jsonOf(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, b)
	}
	return v
}

func TestNewerSnapshotJSONPrintsEveryMember(t *testing.T) {
	t.Parallel()
	srv := startNewer(t)
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "snapshot")
	if diff := cmp.Diff(jsonOf(t, []byte(newerfake.DefaultProfile)), jsonOf(t, []byte(r.stdout))); diff != "" {
		t.Errorf("snapshot --json differs from the profile the server sent (-sent +printed):\n%s", diff)
	}
}

func TestNewerSnapshotPipedIntoUpdateKeepsEverything(t *testing.T) {
	t.Parallel()
	srv := startNewer(t)
	// pieces-user --json snapshot | pieces-user update --file -
	snap := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "snapshot")
	r := mustRun(t, 0, snap.stdout, nil, "--host", srv.URL, "--json", "update", "--file", "-")
	want := jsonOf(t, []byte(newerfake.DefaultProfile))
	if srv.Updates() != 1 {
		t.Fatalf("the server stored %d updates, want 1", srv.Updates())
	}
	if diff := cmp.Diff(want, jsonOf(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after the pipeline (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(want, jsonOf(t, []byte(r.stdout))); diff != "" {
		t.Errorf("update --json (-want +got):\n%s", diff)
	}

	// With a flag on top, only the member it names changes.
	mustRun(t, 0, snap.stdout, nil, "--host", srv.URL, "update", "--file", "-", "--name", "Ada King")
	want["name"] = "Ada King"
	if diff := cmp.Diff(want, jsonOf(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after update --file - --name (-want +got):\n%s", diff)
	}
}

func TestNewerUpdateNameKeepsEverything(t *testing.T) {
	t.Parallel()
	srv := startNewer(t)
	mustRun(t, 0, "", nil, "--host", srv.URL, "update", "--name", "Ada King")
	want := jsonOf(t, []byte(newerfake.DefaultProfile))
	want["name"] = "Ada King"
	if diff := cmp.Diff(want, jsonOf(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after update --name (-want +got):\n%s", diff)
	}
}

func TestNewerUpdateFileCatchesTypos(t *testing.T) {
	t.Parallel()
	srv := startNewer(t)
	tests := []struct {
		doc   string
		wants []string
	}{
		{`{"id":"newer-user-1","nmae":"Ada"}`, []string{`"nmae"`, `"name"`, "typo"}},
		{`{"id":"newer-user-1","Email":"a@b.c"}`, []string{`"Email"`, `"email"`}},
		{`{"id":"newer-user-1","vanity_name":"ada"}`, []string{`"vanity_name"`, `"vanityname"`}},
		{`{"id":"newer-user-1","allocation":{"status":{"clod":"RUNNING"}}}`, []string{`"allocation.status.clod"`, `"allocation.status.cloud"`}},
	}
	for _, tt := range tests {
		r := mustRun(t, 2, tt.doc, nil, "--host", srv.URL, "update", "--file", "-")
		for _, want := range tt.wants {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: stderr %q lacks %s", tt.doc, r.stderr, want)
			}
		}
	}
	if srv.Updates() != 0 {
		t.Errorf("a document with a typo was sent: %d updates stored", srv.Updates())
	}

	// A member unknown to this version and close to no known one is sent.
	mustRun(t, 0, `{"id":"newer-user-1","name":"Ada","calendarColour":"teal"}`, nil, "--host", srv.URL, "update", "--file", "-")
	if got := jsonOf(t, srv.Profile()); got["calendarColour"] != "teal" {
		t.Errorf("the server's profile %v lacks the unknown member sent", got)
	}
}

func TestJSONOutputIsValidUTF8(t *testing.T) {
	t.Parallel()
	srv := startNewer(t)
	srv.SetProfile([]byte("{\"id\":\"u1\",\"aesthetics\":{\"font\":{\"size\":12},\"theme\":{\"dark\":false}},\"name\":\"\xff\xfe garbage\",\"motto\":\"caf\xc3\xa9 \xc3\"}"))
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "snapshot")
	if !utf8.ValidString(r.stdout) || !json.Valid([]byte(r.stdout)) {
		t.Fatalf("snapshot --json printed invalid UTF-8 or JSON: %q", r.stdout)
	}
	got := jsonOf(t, []byte(r.stdout))
	if got["name"] != "\ufffd garbage" || got["motto"] != "café \ufffd" {
		t.Errorf("printed %v, want each run of invalid bytes replaced by U+FFFD", got)
	}
	if !strings.Contains(r.stdout, `\ufffd`) {
		t.Errorf("printed %q, want the replacements written as \\ufffd", r.stdout)
	}
}

func TestNewerWatchJSONPrintsTheMessage(t *testing.T) {
	t.Parallel()
	// A /user/stream that sends the profile of a newer Pieces OS, spread
	// over several lines, and then holds the connection open.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/user/stream" {
			http.NotFound(w, r)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		if err := c.Write(r.Context(), websocket.MessageText, []byte(newerfake.DefaultProfile)); err != nil {
			return
		}
		_, _, _ = c.Read(r.Context()) // until the client goes
	}))
	t.Cleanup(srv.Close)
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "watch", "--count", "1")
	if strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("watch --json printed %q, want one line", r.stdout)
	}
	line := jsonOf(t, []byte(r.stdout))
	if line["event"] != "profile" {
		t.Fatalf("line %s, want a profile event", r.stdout)
	}
	profile, err := json.Marshal(line["profile"])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(jsonOf(t, []byte(newerfake.DefaultProfile)), jsonOf(t, profile)); diff != "" {
		t.Errorf("the profile printed differs from the message sent (-sent +printed):\n%s", diff)
	}
}

func TestNewerUpdateAllowNearNames(t *testing.T) {
	t.Parallel()
	srv := startNewer(t)
	// A newer Pieces OS could add a member whose name is near a known one,
	// such as "emails" beside "email": --allow-near-names sends it.
	doc := `{"id":"newer-user-1","email":"ada@example.com","emails":["ada@example.com","ada@work.example"]}`
	r := mustRun(t, 2, doc, nil, "--host", srv.URL, "update", "--file", "-")
	if !strings.Contains(r.stderr, `"emails" looks like a typo of "email"`) || !strings.Contains(r.stderr, "--allow-near-names") {
		t.Errorf("stderr %q does not name the near member and the way out", r.stderr)
	}
	mustRun(t, 0, doc, nil, "--host", srv.URL, "update", "--file", "-", "--allow-near-names")
	if got := jsonOf(t, srv.Profile()); got["emails"] == nil {
		t.Errorf("the server's profile %v lacks the member sent", got)
	}
	r = mustRun(t, 2, "", nil, "--host", srv.URL, "update", "--allow-near-names")
	if !strings.Contains(r.stderr, "--allow-near-names needs --file") {
		t.Errorf("stderr %q", r.stderr)
	}
}
