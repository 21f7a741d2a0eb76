package user

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// exactCheck is the check decodeStrict falls back on, alone.
func exactCheck(body []byte, v any) error {
	var tree any
	if err := json.Unmarshal(body, &tree); err != nil {
		return err
	}
	return checkRequired(tree, reflect.TypeOf(v).Elem(), "")
}

// quickCheck is the quick check of decodeStrict, alone.
func quickCheck(body []byte, v any) bool {
	t := reflect.TypeOf(v).Elem()
	return shapeOf(t).complete(body, rejectsNull(t))
}

// mutations returns body edited in every way that may break a required
// member: each member of each object removed, each member set to null, and
// each array item set to null, one edit at a time.
func mutations(t *testing.T, body []byte) map[string][]byte {
	t.Helper()
	var root any
	if err := json.Unmarshal(body, &root); err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]byte)
	emit := func(what string) {
		b, err := json.Marshal(root)
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
				emit(path + "[" + strconv.Itoa(i) + "] null")
				v[i] = item
				walk(item, path+"["+strconv.Itoa(i)+"]")
			}
		}
	}
	walk(root, "")
	emit("unchanged")
	return out
}

// TestQuickCheckAgrees checks that the quick check accepts exactly the
// bodies the exact check accepts, for every single-member edit of the
// complete default profile, decoded as the answers of Snapshot and Refresh.
func TestQuickCheckAgrees(t *testing.T) {
	t.Parallel()
	p := usertest.DefaultProfile()
	for _, tc := range []struct {
		name string
		wire any
		into func() any
	}{
		{"ReturnedUserProfile", ReturnedUserProfile{User: p}, func() any { return new(ReturnedUserProfile) }},
		{"UserProfile", p, func() any { return new(UserProfile) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body, err := json.Marshal(tc.wire)
			if err != nil {
				t.Fatal(err)
			}
			accepted, refused := 0, 0
			for what, b := range mutations(t, body) {
				v := tc.into()
				if json.Unmarshal(b, v) != nil {
					continue // refused before either check runs
				}
				exact := exactCheck(b, v)
				if quick := quickCheck(b, v); quick != (exact == nil) {
					t.Errorf("%s: quick check says %v, exact check says %v", what, quick, exact)
				}
				if exact == nil {
					accepted++
				} else {
					refused++
				}
			}
			// Both outcomes must have been exercised for the comparison
			// to mean anything.
			if accepted < 10 || refused < 10 {
				t.Errorf("%d edits accepted and %d refused; want at least 10 of each", accepted, refused)
			}
		})
	}
}

// TestQuickCheckCases checks bodies the mutations do not produce. Where
// the quick check cannot decide (escaped names, repeated members) it must
// leave the decision to the exact check, whose answer decodeStrict gives.
func TestQuickCheckCases(t *testing.T) {
	t.Parallel()
	type inner struct {
		Need string `json:"need"`
		Opt  string `json:"opt,omitempty"`
	}
	type outer struct {
		ID    string           `json:"id"`
		Inner inner            `json:"inner"`
		List  []inner          `json:"list"`
		Ptrs  []*inner         `json:"ptrs,omitempty"`
		ByKey map[string]inner `json:"byKey,omitempty"`
		Any   any              `json:"any,omitempty"`
		Raw   []byte           `json:"raw,omitempty"`
		Next  *outer           `json:"next,omitempty"`
	}
	tests := []struct {
		name      string
		body      string
		wantQuick bool
		wantOK    bool // what decodeStrict answers
	}{
		{"complete", `{"id":"a","inner":{"need":"x"},"list":[{"need":"y"}]}`, true, true},
		{"white space", " {\n\t\"id\" : \"a\" ,\r\n \"inner\" : { \"need\" : \"x\" } , \"list\" : [ ] } ", true, true},
		{"null list", `{"id":"a","inner":{"need":"x"},"list":null}`, true, true},
		{"missing id", `{"inner":{"need":"x"},"list":[]}`, false, false},
		{"null inner", `{"id":"a","inner":null,"list":[]}`, false, false},
		{"missing nested", `{"id":"a","inner":{"opt":"x"},"list":[]}`, false, false},
		{"null list item", `{"id":"a","inner":{"need":"x"},"list":[null]}`, false, false},
		{"null pointer item", `{"id":"a","inner":{"need":"x"},"list":[],"ptrs":[null,{"need":"z"}]}`, true, true},
		{"incomplete pointer item", `{"id":"a","inner":{"need":"x"},"list":[],"ptrs":[{}]}`, false, false},
		{"map values", `{"id":"a","inner":{"need":"x"},"list":[],"byKey":{"k":{"need":"v"},"\"q\"":{"need":"w"}}}`, true, true},
		{"null map value", `{"id":"a","inner":{"need":"x"},"list":[],"byKey":{"k":null}}`, false, false},
		{"incomplete map value", `{"id":"a","inner":{"need":"x"},"list":[],"byKey":{"k":{}}}`, false, false},
		{"anything", `{"id":"a","inner":{"need":"x"},"list":[],"any":{"deep":[1,{"x":null}],"s":"}]\\\""}}`, true, true},
		{"bytes", `{"id":"a","inner":{"need":"x"},"list":[],"raw":"AAEC"}`, true, true},
		{"unknown members", `{"x":[{"id":1}],"id":"a","y":{"inner":null},"inner":{"need":"x"},"list":[],"z":"\"}"}`, true, true},
		{"recursive", `{"id":"a","inner":{"need":"x"},"list":[],"next":{"id":"b","inner":{"need":"y"},"list":[]}}`, true, true},
		{"recursive incomplete", `{"id":"a","inner":{"need":"x"},"list":[],"next":{"id":"b","list":[]}}`, false, false},
		{"null body", `null`, false, false},
		{"escaped name", `{"\u0069d":"a","inner":{"need":"x"},"list":[]}`, false, true},
		{"repeated member, null first", `{"id":null,"id":"a","inner":{"need":"x"},"list":[]}`, false, true},
		{"repeated member, null last", `{"id":"a","id":null,"inner":{"need":"x"},"list":[]}`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var v outer
			if err := json.Unmarshal([]byte(tt.body), &v); err != nil {
				t.Fatalf("the body does not decode: %v", err)
			}
			if got := quickCheck([]byte(tt.body), &v); got != tt.wantQuick {
				t.Errorf("quick check = %v, want %v", got, tt.wantQuick)
			}
			var w outer
			if err := decodeStrict([]byte(tt.body), &w); (err == nil) != tt.wantOK {
				t.Errorf("decodeStrict = %v, want success %v", err, tt.wantOK)
			}
		})
	}
}

// FuzzQuickCheck checks that the quick check never accepts a body the
// exact check refuses, and never panics, whatever the body.
func FuzzQuickCheck(f *testing.F) {
	p := usertest.DefaultProfile()
	body, err := json.Marshal(ReturnedUserProfile{User: p})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add([]byte(`{"user":{"id":"a"}}`))
	f.Add([]byte(`{"user":null}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"user":{"\u0069d":"a","providers":{"iterable":[null]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v ReturnedUserProfile
		if json.Unmarshal(data, &v) != nil {
			return
		}
		if quickCheck(data, &v) {
			if err := exactCheck(data, &v); err != nil {
				t.Errorf("quick check accepts %q, exact check refuses it: %v", data, err)
			}
		}
	})
}
