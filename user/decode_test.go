package user_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/user"
)

// apiProfileMembers returns apiProfile as generic JSON members, for tests
// that edit the wire form.
func apiProfileMembers(t *testing.T) map[string]any {
	t.Helper()
	return apiDecoded(t, apiProfile()).(map[string]any)
}

// editedProfile returns the JSON of the test profile after f changed its
// members.
func editedProfile(t *testing.T, f func(m map[string]any)) string {
	t.Helper()
	m := apiProfileMembers(t)
	f(m)
	return apiJSON(t, m)
}

// TestMalformedAnswers checks that bodies that are not what the operation
// documents fail with ErrMalformedResponse and no result.
func TestMalformedAnswers(t *testing.T) {
	t.Parallel()
	full := apiJSON(t, apiProfile())
	tests := []struct {
		name  string
		ctype string
		body  string
		want  string // part of the error text
	}{
		{"truncated", "application/json", full[:len(full)/2], "unexpected end"},
		{"invalid", "application/json", `{id: 1}`, "invalid character"},
		{"trailing data", "application/json", full + ` {}`, "invalid character"},
		{"empty", "application/json", "", "the body is empty"},
		{"null", "application/json", "null", "the body is null"},
		{"array", "application/json", "[]", "a profile must be a JSON object"},
		{"string", "application/json", `"profile"`, "a profile must be a JSON object"},
		{"html", "text/html; charset=utf-8", full, "media type is text/html, want application/json"},
		{"no content type", "", full, "no Content-Type"},
		{"bad content type", "application/", full, "not a valid media type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := apiStart(t, apiReply{status: http.StatusOK, ctype: tt.ctype, body: tt.body})
			p, err := c.Refresh(t.Context())
			if p != nil {
				t.Errorf("Refresh returned a profile with the error: %+v", p)
			}
			checkOpError(t, err, "refreshUser", user.ErrMalformedResponse, tt.want)
		})
	}
}

// TestTolerantAnswers checks the other side of the one decoding rule:
// members absent or null where the spec requires them, members whose names
// differ only in case, and members of another type than the spec's decode
// (absent, null and mistyped members as zero values) instead of failing
// the whole answer.
func TestTolerantAnswers(t *testing.T) {
	t.Parallel()
	edit := func(f func(m map[string]any)) string { return editedProfile(t, f) }
	tests := []struct {
		name  string
		ctype string
		body  string
	}{
		{"missing id", "application/json", edit(func(m map[string]any) { delete(m, "id") })},
		{"null id", "application/json", edit(func(m map[string]any) { m["id"] = nil })},
		{"missing nested", "application/json", edit(func(m map[string]any) {
			delete(m["aesthetics"].(map[string]any), "font")
		})},
		{"null nested object", "application/json", edit(func(m map[string]any) {
			m["aesthetics"].(map[string]any)["theme"] = nil
		})},
		{"missing in array", "application/json", edit(func(m map[string]any) {
			p := m["providers"].(map[string]any)["iterable"].([]any)[0].(map[string]any)
			delete(p, "user_id")
		})},
		{"null array element", "application/json", edit(func(m map[string]any) {
			m["entities"].(map[string]any)["iterable"] = []any{nil}
		})},
		{"member name in another case", "application/json", edit(func(m map[string]any) {
			m["ALLOCATION"] = map[string]any{"region": "eu"}
		})},
		{"nested member name in another case", "application/json", edit(func(m map[string]any) {
			m["aesthetics"].(map[string]any)["Font"] = map[string]any{}
		})},
		{"unknown member", "application/json", edit(func(m map[string]any) { m["timezone"] = "UTC" })},
		{"id of another type", "application/json", edit(func(m map[string]any) { m["id"] = 42 })},
		{"bad time", "application/json", edit(func(m map[string]any) {
			m["created"].(map[string]any)["value"] = "yesterday"
		})},
		{"number for a time", "application/json", edit(func(m map[string]any) {
			m["created"].(map[string]any)["value"] = 1733568000
		})},
		{"unknown enum value", "application/json", edit(func(m map[string]any) {
			m["allocation"].(map[string]any)["status"].(map[string]any)["cloud"] = "HIBERNATING"
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := apiStart(t, apiReply{status: http.StatusOK, ctype: tt.ctype, body: tt.body})
			p, err := c.Refresh(t.Context())
			if err != nil || p == nil {
				t.Fatalf("Refresh = %v, %v; want the profile", p, err)
			}
			if string(p.Raw()) != tt.body {
				t.Errorf("Raw = %s, want the body", p.Raw())
			}
		})
	}
}

// checkOpError checks that err is an *Error of op without a status,
// wrapping target, with text containing want.
func checkOpError(t *testing.T, err error, op string, target error, want string) {
	t.Helper()
	e, ok := errors.AsType[*user.Error](err)
	if !ok || e.StatusCode != 0 {
		t.Fatalf("error = %v (%T), want an *Error without a status", err, err)
	}
	if e.Op != op {
		t.Errorf("Op = %q, want %q", e.Op, op)
	}
	if !errors.Is(err, target) {
		t.Errorf("errors.Is(%v, %v) is false", err, target)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error text %q does not contain %q", err, want)
	}
}

// TestSnapshotEmptyUser checks the tolerant rule: a user object without
// the members the spec calls required is a signed-in user whose absent
// members are zero, and a user that is absent or null is nobody signed in.
func TestSnapshotEmptyUser(t *testing.T) {
	t.Parallel()
	c, _ := apiStart(t, apiReply{status: 200, ctype: "application/json", body: `{"user":{"id":"u1"}}`})
	p, err := c.Snapshot(t.Context())
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	if p.ID != "u1" || p.Aesthetics.Font.Size != 0 || p.Name != "" {
		t.Errorf("Snapshot = %+v, want id u1 and zero values elsewhere", p.UserProfile)
	}
	for _, body := range []string{`{}`, `{"user":null}`, `{"schema":{"semantic":"MAJOR_0_MINOR_0_PATCH_1"}}`} {
		c, _ := apiStart(t, apiReply{status: 200, ctype: "application/json", body: body})
		p, err := c.Snapshot(t.Context())
		if p != nil || !errors.Is(err, user.ErrNotSignedIn) || !errors.Is(err, user.ErrNotSignedIn) {
			t.Errorf("Snapshot of %s = %v, %v; want ErrSignedOut", body, p, err)
		}
		if _, ok := errors.AsType[*user.Error](err); !ok {
			t.Errorf("Snapshot of %s: %T is not an *OpError", body, err)
		}
	}
}

// TestNullArrayIsEmpty checks the one leniency: a required array sent as
// null, the way Go encodes a nil slice, decodes as empty.
func TestNullArrayIsEmpty(t *testing.T) {
	t.Parallel()
	m := apiProfileMembers(t)
	m["providers"].(map[string]any)["iterable"] = nil
	c, _ := apiStart(t, apiReply{status: 200, ctype: "application/json", body: apiJSON(t, m)})
	p, err := c.Refresh(t.Context())
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if len(p.Providers.Iterable) != 0 {
		t.Errorf("Providers.Iterable = %v, want empty", p.Providers.Iterable)
	}
}

// TestForwardCompatible checks that members and enum values added by a
// newer Pieces OS decode without error, and that known members keep their
// values.
func TestForwardCompatible(t *testing.T) {
	t.Parallel()
	m := apiProfileMembers(t)
	m["hologram"] = map[string]any{"enabled": true, "levels": []any{1, 2, 3}}
	m["aesthetics"].(map[string]any)["sparkle"] = "max"
	m["allocation"].(map[string]any)["status"].(map[string]any)["cloud"] = "HIBERNATING"
	prov := m["providers"].(map[string]any)["iterable"].([]any)[0].(map[string]any)
	prov["type"] = "mastodon"
	prov["verified_by"] = []any{"someone"}
	m["schema"].(map[string]any)["semantic"] = "MAJOR_9_MINOR_0_PATCH_0"
	body := apiJSON(t, map[string]any{"user": m, "server_epoch": 12})

	c, _ := apiStart(t, apiReply{status: 200, ctype: "application/json; charset=utf-8", body: body})
	got, err := c.Snapshot(t.Context())
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	want := apiProfile()
	want.Allocation.Status.Cloud = "HIBERNATING"
	want.Providers.Iterable[0].Type = "mastodon"
	want.Schema.Semantic = "MAJOR_9_MINOR_0_PATCH_0"
	if diff := cmp.Diff(&want, &got.UserProfile); diff != "" {
		t.Errorf("profile (-want +got):\n%s", diff)
	}
	if got.Allocation.Status.Cloud.Valid() {
		t.Errorf("unknown status %q reported as a known value", got.Allocation.Status.Cloud)
	}
}

// TestResponseTooLarge checks the body limit: a body of exactly the limit
// decodes, one byte more fails with ErrResponseTooLarge.
func TestResponseTooLarge(t *testing.T) {
	t.Parallel()
	body := apiJSON(t, apiProfile())
	limit := int64(len(body))

	c, _ := apiStart(t, apiReply{status: 200, ctype: "application/json", body: body}, user.WithMaxResponseBytes(limit))
	if _, err := c.Refresh(t.Context()); err != nil {
		t.Fatalf("Refresh at the limit: %v", err)
	}

	c, _ = apiStart(t, apiReply{status: 200, ctype: "application/json", body: body + " "}, user.WithMaxResponseBytes(limit))
	p, err := c.Refresh(t.Context())
	if p != nil {
		t.Errorf("Refresh returned a profile with the error")
	}
	checkOpError(t, err, "refreshUser", user.ErrResponseTooLarge, "size limit")

	// A large error body is cut, not turned into ErrResponseTooLarge.
	c, _ = apiStart(t, apiReply{status: 500, ctype: "text/plain", body: strings.Repeat("e", 1<<20)}, user.WithMaxResponseBytes(16))
	_, err = c.Refresh(t.Context())
	if e, ok := errors.AsType[*user.Error](err); !ok || len(e.Body) != 16 {
		t.Errorf("error = %v, want an *Error with the first 16 bytes", err)
	}
}

// TestAccessTokenAnswers checks the text/plain answer of AccessToken.
func TestAccessTokenAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, ctype, body, want string
	}{
		{"json", "application/json", `"token"`, "media type is application/json, want text/plain"},
		{"empty", "text/plain", " \n", "body is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := apiStart(t, apiReply{status: 200, ctype: tt.ctype, body: tt.body})
			tok, err := c.AccessToken(t.Context())
			if tok != "" {
				t.Errorf("AccessToken returned %q with the error", tok)
			}
			checkOpError(t, err, "userAccessToken", user.ErrMalformedResponse, tt.want)
		})
	}
}

// TestDecodedErrorBodies checks that the 400 and 422 bodies of
// HasFeatureAccess are decoded by the same tolerant rule as answers: absent
// members are zero, and Body keeps the text.
func TestDecodedErrorBodies(t *testing.T) {
	t.Parallel()
	c, _ := apiStart(t, apiReply{status: 422, ctype: "application/json", body: `{"message":"no","since":"12.9"}`})
	_, err := c.HasFeatureAccess(t.Context(), user.HasFeatureAccessEnumSENTRY, nil)
	e, ok := errors.AsType[*user.Error](err)
	if !ok || !errors.Is(err, user.ErrUnprocessable) {
		t.Fatalf("error = %v, want an *Error matching ErrUnprocessable", err)
	}
	if e.Unprocessable == nil || e.Unprocessable.Message != "no" || e.Unprocessable.Feature != "" {
		t.Errorf("Unprocessable = %+v, want the message and zero values elsewhere", e.Unprocessable)
	}
	var raw map[string]any
	if json.Unmarshal([]byte(e.Body), &raw) != nil || raw["message"] != "no" {
		t.Errorf("Body = %q, want the raw JSON", e.Body)
	}
}

// TestSnapshotUserInAnotherCase checks that a user member spelt in another
// case is read as encoding/json reads it (member names match without
// regard to case), and that Raw gives the JSON of that member.
func TestSnapshotUserInAnotherCase(t *testing.T) {
	t.Parallel()
	c, _ := apiStart(t, apiReply{status: http.StatusOK, ctype: "application/json", body: `{"USER":{"name":"x"}}`})
	p, err := c.Snapshot(t.Context())
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	if p.Name != "x" || string(p.Raw()) != `{"name":"x"}` {
		t.Errorf("Snapshot = name %q, raw %s; want x and the member's JSON", p.Name, p.Raw())
	}
}
