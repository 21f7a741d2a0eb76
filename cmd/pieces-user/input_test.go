package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user"
)

func TestNearMember(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, known string
		want        bool
	}{
		{"Name", "name", true},              // case
		{"VANITYNAME", "vanityname", true},  // case, long
		{"vanity_name", "vanityname", true}, // separator
		{"api-keys", "apiKeys", true},       // separator and case
		{"nmae", "name", true},              // swap, 4 letters
		{"emial", "email", true},            // swap, 5 letters
		{"clod", "cloud", true},             // deletion, 4 letters
		{"usrname", "username", true},       // deletion
		{"vanitynaem", "vanityname", true},  // swap, long
		{"subscription", "subscriptions", true},
		{"pictures", "picture", true},
		{"usernames", "username", true},
		{"aesthetic", "aesthetics", true},
		{"entitys", "entities", true}, // two edits, 7 letters
		{"nam", "name", true},         // one edit, 3 letters
		{"nm", "name", false},         // too short for an edit
		{"ids", "id", false},          // "id" is too short for an edit
		{"ip", "id", false},
		{"timezone", "name", false},
		{"timezone", "updated", false},
		{"locale", "schema", false},
		{"names", "name", true},
		{"nickname", "name", false}, // four letters added
		{"cloudRegion", "cloud", false},
		{"créé", "cree", false}, // runes, not bytes: two edits on 4 letters
	}
	for _, tt := range tests {
		if got := nearMember(tt.name, tt.known); got != tt.want {
			t.Errorf("nearMember(%q, %q) = %t, want %t", tt.name, tt.known, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"abc", "abc", 0},
		{"abc", "acb", 1}, {"abc", "abd", 1}, {"abc", "abcd", 1}, {"kitten", "sitting", 3},
		{"ca", "abc", 3}, {"é", "e", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCheckTypos(t *testing.T) {
	t.Parallel()
	profile := reflect.TypeFor[user.UserProfile]()
	tests := []struct {
		in   string
		want string // a fragment of the error; "" for none
	}{
		{`{"name":"Ada","email":"a@b.c"}`, ""},
		{`{"name":"Ada","timezone":"Europe/Paris","future":{"x":[1,2]}}`, ""},
		{`{"allocation":{"status":{"cloud":"HIBERNATING","region":"eu"}}}`, ""},
		{`{"name":"Ada","nmae":"x"}`, `unknown member "nmae" looks like a typo of "name"`},
		{`{"Email":"a@b.c"}`, `"Email" looks like a typo of "email"`},
		{`{"allocation":{"status":{"clod":"RUNNING"}}}`, `"allocation.status.clod" looks like a typo of "allocation.status.cloud"`},
		{`{"providers":{"iterable":[{"type":"GITHUB"},{"tpye":"x"}]}}`, `"providers.iterable[1].tpye" looks like a typo of "providers.iterable[1].type"`},
		{`{"created":{"value":"2026-01-01T00:00:00Z","readble":"x"}}`, `"created.readble" looks like a typo of "created.readable"`},
		// Shapes that are not the model's are left to the decoding.
		{`{"name":7,"allocation":[]}`, ""},
		{`["Ada"]`, ""},
		{`{"name":`, ""},
	}
	for _, tt := range tests {
		err := checkMembers("", []byte(tt.in), profile)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one holding %q", tt.in, err, tt.want)
		}
	}
}

func TestDecodeKeeping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // a fragment of the error; "" for success
	}{
		{`{"name":"Ada","timezone":"Europe/Paris"}`, ""},
		{"  {\"name\":\"Ada\"}\n", ""},
		{`{"name":7}`, "name must be a string, not JSON number (at line 1, column"},
		{"\n\n  {\"name\":7}", "at line 3, column"},
		{"{\n  \"name\": \"Ada\",\n}", "line 3, column"},
		{`{"name":"Ada"`, "cut short"},
		{`{"name":"Ada"} x`, "text follows the JSON value"},
		{"", "it is empty"},
	}
	for _, tt := range tests {
		var p user.UserProfile
		err := decode([]byte(tt.in), &p, false)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%q: error %v, want one holding %q", tt.in, err, tt.want)
		}
	}
}

// FuzzReadKeeping checks the reading of an update --file document on any
// input: no panic, and a document that passes decodes into a Profile that
// sends back every member it had.
func FuzzReadKeeping(f *testing.F) {
	for _, s := range []string{
		`{"name":"Ada","timezone":"Europe/Paris"}`, `{"nmae":"x"}`, `{"allocation":{"status":{"clod":1}}}`,
		`{"providers":{"iterable":[{"tpye":"x"}]}}`, `[]`, `{"name":7}`, `{"a":1} x`, "", `{"Id":"u"}`,
	} {
		f.Add([]byte(s))
	}
	profile := reflect.TypeFor[user.UserProfile]()
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkMembers("", data, profile) != nil {
			return
		}
		var p user.Profile
		if decode(data, &p, false) != nil {
			return
		}
		var sent, back map[string]json.RawMessage
		if json.Unmarshal(data, &sent) != nil || sent == nil {
			return // null, or not an object: nothing to keep
		}
		b, err := json.Marshal(&p)
		if err != nil {
			t.Fatalf("encoding the profile read from %q: %v", data, err)
		}
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("the profile read from %q encodes as %q: %v", data, b, err)
		}
		for name := range sent {
			if _, ok := back[name]; !ok && !emptyMember(sent[name]) {
				t.Fatalf("member %q of %q is not sent back: %s", name, data, b)
			}
		}
	})
}

// emptyMember reports whether v is a JSON value that a known member with
// omitempty leaves out when encoded: null, "", false, 0, {} or [].
func emptyMember(v json.RawMessage) bool {
	var x any
	if json.Unmarshal(v, &x) != nil {
		return false
	}
	switch x := x.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case float64:
		return x == 0
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}
