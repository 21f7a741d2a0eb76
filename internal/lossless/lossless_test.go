package lossless

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type inner struct {
	Version string    `json:"version,omitempty"`
	When    time.Time `json:"when,omitzero"`
	Count   int8      `json:"count,omitempty"`
}

type outer struct {
	Name   string           `json:"name"`
	Inner  inner            `json:"inner"`
	List   []inner          `json:"list,omitempty"`
	ByName map[string]inner `json:"byName,omitempty"`
	Flag   *bool            `json:"flag,omitempty"`
	Any    any              `json:"any,omitempty"`
	Bytes  []byte           `json:"bytes,omitempty"`
}

func TestDecode(t *testing.T) {
	when := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	yes := true
	for _, tc := range []struct {
		name, in string
		want     outer
	}{
		{"fits", `{"name":"a","inner":{"version":"1","when":"2025-01-02T03:04:05Z"}}`,
			outer{Name: "a", Inner: inner{Version: "1", When: when}}},
		{"number for a string", `{"name":"a","inner":{"version":11,"when":"2025-01-02T03:04:05Z"},"flag":true}`,
			outer{Name: "a", Inner: inner{When: when}, Flag: &yes}},
		{"number for a time", `{"inner":{"when":12,"version":"v"},"name":"after"}`,
			outer{Name: "after", Inner: inner{Version: "v"}}},
		{"text that is not a time", `{"inner":{"when":"soon","version":"v"},"name":"after"}`,
			outer{Name: "after", Inner: inner{Version: "v"}}},
		{"out of range", `{"inner":{"count":300,"version":"v"}}`,
			outer{Inner: inner{Version: "v"}}},
		{"object for a string", `{"name":{"first":"a"},"flag":true}`, outer{Flag: &yes}},
		{"array elements", `{"list":[{"version":1},{"version":"2"}],"name":"n"}`,
			outer{Name: "n", List: []inner{{}, {Version: "2"}}}},
		{"map values", `{"byName":{"a":{"when":false},"b":{"version":"2"}}}`,
			outer{ByName: map[string]inner{"a": {}, "b": {Version: "2"}}}},
		{"string for an array", `{"list":"nope","name":"n"}`, outer{Name: "n"}},
		{"member in another case", `{"NAME":"a","Inner":{"VERSION":5,"Count":3}}`,
			outer{Name: "a", Inner: inner{Count: 3}}},
		{"anything fits any", `{"any":[1,"x"],"name":"n"}`, outer{Name: "n", Any: []any{1.0, "x"}}},
		{"base64", `{"bytes":"aGk=","name":"n"}`, outer{Name: "n", Bytes: []byte("hi")}},
		{"unknown members", `{"name":"n","newer":{"x":1}}`, outer{Name: "n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got outer
			if err := Decode([]byte(tc.in), &got); err != nil {
				t.Fatalf("Decode(%s) = %v, want nil", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Decode(%s) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestDecodeRefusesWhatIsNotJSON(t *testing.T) {
	for _, in := range []string{``, `{`, `{"name":}`, `nul`, `{"name":"a"} x`} {
		var got outer
		if err := Decode([]byte(in), &got); err == nil {
			t.Errorf("Decode(%q) = nil, want an error", in)
		}
	}
}

// TestDecodeKindMismatchAtTheTop checks that a value of the wrong kind as
// a whole leaves the target zero without an error only when it is not a
// syntax error.
func TestDecodeKindMismatchAtTheTop(t *testing.T) {
	var got outer
	if err := Decode([]byte(`[1,2]`), &got); err != nil {
		t.Errorf("Decode of an array into a struct = %v, want nil (nothing fits, all zero)", err)
	}
	if diff := cmp.Diff(outer{}, got); diff != "" {
		t.Errorf("got %+v, want the zero value", got)
	}
}

func TestMerge(t *testing.T) {
	for _, tc := range []struct {
		name, raw, known, next, want string
	}{
		{"unknown member kept", `{"a":1,"z":{"q":1}}`, `{"a":1}`, `{"a":2}`, `{"a":2,"z":{"q":1}}`},
		{"unchanged member sent as read", `{"a":{"b":1,"u":2}}`, `{"a":{"b":1}}`, `{"a":{"b":1}}`, `{"a":{"b":1,"u":2}}`},
		{"changed nested member merged", `{"a":{"b":1,"u":2}}`, `{"a":{"b":1}}`, `{"a":{"b":3}}`, `{"a":{"b":3,"u":2}}`},
		{"cleared member dropped", `{"a":1,"b":2}`, `{"a":1,"b":2}`, `{"a":1}`, `{"a":1}`},
		{"new member added", `{"a":1}`, `{"a":1}`, `{"a":1,"c":3}`, `{"a":1,"c":3}`},
		{"array element by element", `[{"b":1,"u":1},{"b":2,"u":2}]`, `[{"b":1},{"b":2}]`, `[{"b":1},{"b":5}]`, `[{"b":1,"u":1},{"b":5,"u":2}]`},
		{"array of another length replaced", `[{"b":1,"u":1}]`, `[{"b":1}]`, `[{"b":1},{"b":2}]`, `[{"b":1},{"b":2}]`},
		{"type changed member kept", `{"v":11,"n":"a"}`, `{"n":"a"}`, `{"n":"b"}`, `{"n":"b","v":11}`},
		{"html kept", `{"u":"<&>","a":1}`, `{"a":1}`, `{"a":2}`, `{"a":2,"u":"<&>"}`},
		{"scalar replaced", `1`, `1`, `2`, `2`},
		{"object over a scalar", `1`, `1`, `{"a":1}`, `{"a":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Merge(json.RawMessage(tc.raw), json.RawMessage(tc.known), json.RawMessage(tc.next))
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("Merge gave invalid JSON %s: %v", got, err)
			}
			_ = json.Unmarshal([]byte(tc.want), &w)
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("Merge = %s, want %s", got, tc.want)
			}
			if tc.name == "html kept" && string(got) != `{"a":2,"u":"<&>"}` {
				t.Errorf("Merge = %s, want <&> unescaped", got)
			}
		})
	}
}

func TestMergeRefusesInvalidJSON(t *testing.T) {
	if _, err := Merge(json.RawMessage(`{"a":`), json.RawMessage(`{}`), json.RawMessage(`{"a":1}`)); err == nil {
		t.Error("Merge of an invalid raw = nil error, want one")
	}
}

func TestMember(t *testing.T) {
	for _, tc := range []struct {
		obj, name, want string
		ok              bool
	}{
		{`{"user":{"id":"u1","n":[1,{"a":"}"}]},"schema":{}}`, "user", `{"id":"u1","n":[1,{"a":"}"}]}`, true},
		{` { "schema" : {"user":1} , "user" : null } `, "user", `null`, true},
		{`{"USER":{"id":"a"}}`, "user", `{"id":"a"}`, true},
		{`{"user":{"id":"a"},"User":{"id":"b"}}`, "user", `{"id":"b"}`, true},
		{`{"\u0075ser":"esc\"aped"}`, "user", `"esc\"aped"`, true},
		{`{"users":1,"use":2,"x":"user"}`, "user", ``, false},
		{`{"user":12.5e3}`, "user", `12.5e3`, true},
		{`{"a":true,"user":false}`, "user", `false`, true},
		{`{}`, "user", ``, false},
		{`[{"user":1}]`, "user", ``, false},
		{`"user"`, "user", ``, false},
	} {
		got, ok := Member([]byte(tc.obj), tc.name)
		if string(got) != tc.want || ok != tc.ok {
			t.Errorf("Member(%s, %q) = %s, %v; want %s, %v", tc.obj, tc.name, got, ok, tc.want, tc.ok)
		}
		// It agrees with encoding/json.
		var v struct {
			User json.RawMessage `json:"user"`
		}
		if err := json.Unmarshal([]byte(tc.obj), &v); err == nil && tc.ok && string(v.User) != tc.want {
			t.Errorf("encoding/json finds %s in %s, Member %s", v.User, tc.obj, got)
		}
	}
}

// FuzzMember checks Member against encoding/json on any valid object.
func FuzzMember(f *testing.F) {
	for _, s := range []string{`{"user":{"id":"u1"}}`, `{"a":[1,"]"],"User":"x"}`, `{"u\u0073er":1,"user":2}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, obj []byte) {
		var v struct {
			User json.RawMessage `json:"user"`
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(obj, &m) != nil || json.Unmarshal(obj, &v) != nil {
			return
		}
		got, ok := Member(obj, "user")
		if ok != (v.User != nil) || ok && string(got) != string(v.User) {
			t.Fatalf("Member(%s) = %s, %v; encoding/json finds %s", obj, got, ok, v.User)
		}
	})
}
