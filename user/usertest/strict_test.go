package usertest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// TestStrictInput sends bodies that break the spec and checks each is
// refused with a 4xx whose text/plain body names the problem, and that the
// state did not change.
func TestStrictInput(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	profileJSON, err := json.Marshal(usertest.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	withMember := func(name, value string) []byte {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(profileJSON, &m); err != nil {
			t.Fatal(err)
		}
		if value == "" {
			delete(m, name)
		} else {
			m[name] = json.RawMessage(value)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const jsonCT = "application/json"

	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        []byte
		status      int
		says        string
	}{
		{"malformed JSON", "POST", "/user/update", jsonCT, []byte(`{"id":`), 400, "malformed JSON"},
		{"bad syntax", "POST", "/user/update", jsonCT, []byte(`{"id" "x"}`), 400, "at byte"},
		{"garbage bytes", "POST", "/user/update", jsonCT, []byte{0x00, 0xff, 0xfe, 0x13}, 400, "malformed JSON"},
		{"trailing data", "POST", "/user/update", jsonCT, append(bytes.Clone(profileJSON), " {}"...), 400, "after the JSON value"},
		{"array body", "POST", "/user/update", jsonCT, []byte(`[]`), 400, "must be an object"},
		{"null body", "POST", "/user/select", jsonCT, []byte(`null`), 400, "must be an object"},
		{"missing required member", "POST", "/user/update", jsonCT, withMember("aesthetics", ""), 400, "member aesthetics is required"},
		{"missing nested member", "POST", "/user/update", jsonCT, withMember("aesthetics", `{"font":{},"theme":{"dark":true}}`), 400, "aesthetics.font.size is required"},
		{"null required member", "POST", "/user/update", jsonCT, withMember("id", "null"), 400, "member id is required"},
		{"wrong member type", "POST", "/user/update", jsonCT, withMember("id", "42"), 400, "member id: want a string, got a number"},
		{"fraction for integer", "POST", "/user/update", jsonCT, withMember("aesthetics", `{"font":{"size":1.5},"theme":{"dark":true}}`), 400, "aesthetics.font.size"},
		{"bad date-time", "POST", "/user/update", jsonCT, withMember("created", `{"value":"yesterday"}`), 400, `created.value: "yesterday" is not an RFC 3339 date-time`},
		{"null array element", "POST", "/user/update", jsonCT, withMember("apiKeys", `["k", null]`), 400, "apiKeys[1]"},
		{"bad auth0 user", "POST", "/user/select", jsonCT, []byte(`{"user_id":"x","email_verified":"yes"}`), 400, "email_verified"},
		{"beta status without user", "POST", "/user/beta/status", jsonCT, []byte(`{}`), 400, "member user is required"},
		{"wrong content type", "POST", "/user/update", "text/plain", profileJSON, 415, "application/json"},
		{"no content type", "POST", "/user/checkout", "", []byte(`{}`), 415, "Content-Type"},
		{"malformed content type", "POST", "/user/checkout", "application/", []byte(`{}`), 415, "Content-Type"},
		{"missing required body", "POST", "/user/has_feature_access", "", nil, 400, "needs a JSON request body"},
		{"blank required body", "POST", "/user/has_feature_access", jsonCT, []byte("  \n"), 400, "needs a JSON request body"},
		{"too large", "POST", "/user/update", jsonCT, bytes.Repeat([]byte(" "), usertest.MaxRequestBytes+1), 413, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := send(t, srv, tt.method, tt.path, tt.contentType, tt.body)
			if res.status != tt.status || !isText(res.header.Get("Content-Type")) || !strings.Contains(res.body, tt.says) {
				t.Errorf("got %d %q %q, want %d text/plain saying %q",
					res.status, res.header.Get("Content-Type"), res.body, tt.status, tt.says)
			}
		})
	}

	if diff := func() string {
		p, _ := srv.Profile()
		if p.ID != usertest.DefaultProfile().ID || p.Name != usertest.DefaultProfile().Name {
			return "the profile changed"
		}
		return ""
	}(); diff != "" {
		t.Error(diff)
	}
}

// TestOptionalBodies checks that operations whose body is optional accept
// none, and that a body sent to an operation that takes none is ignored.
func TestOptionalBodies(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{"POST", "/user/checkout", 200},
		{"POST", "/user/manage/subscriptions", 200},
		{"POST", "/user/beta/status", 200},
		{"POST", "/user/" + usertest.DefaultProfile().ID + "/entities/associate/org-2", 204},
		{"POST", "/user/select", 200},
		{"POST", "/user/update", 200},
	} {
		if res := send(t, srv, tt.method, tt.path, "", nil); res.status != tt.status {
			t.Errorf("%s %s without a body: got %d %s", tt.method, tt.path, res.status, res.body)
		}
	}
	if res := send(t, srv, "GET", "/user", "text/plain", []byte("ignored")); res.status != http.StatusOK {
		t.Errorf("GET /user with a stray body: got %d %s", res.status, res.body)
	}
	if res := send(t, srv, "POST", "/user/clear", "application/json", []byte("{")); res.status != http.StatusNoContent {
		t.Errorf("POST /user/clear with a stray body: got %d %s", res.status, res.body)
	}
}
