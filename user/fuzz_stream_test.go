package user

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// isCheckIn is the fuzzer's own statement of what a check-in message is:
// valid UTF-8 holding a JSON object, whichever members it has and whatever
// their types (a member of another type is left at its zero value).
func isCheckIn(data []byte) bool {
	var members map[string]json.RawMessage
	return utf8.Valid(data) && json.Unmarshal(data, &members) == nil && members != nil
}

// FuzzStreamClassifyCheckInMessage checks the classifier of
// /user/last_checked_in/stream: every message gives exactly one
// well-formed event, an EventCheckIn exactly for the messages isCheckIn
// accepts (an EventSignedOut when it names no user; the value survives a
// round trip through JSON and the classifier), and an EventMalformed
// otherwise, with an *Error of the
// stream wrapping ErrMalformedResponse and a bounded excerpt of the
// message. FuzzStreamClassifyProfileMessage, in stream_test.go, does the
// same for /user/stream.
func FuzzStreamClassifyCheckInMessage(f *testing.F) {
	for _, s := range []string{
		``, `null`, `{}`, `{"needsRefresh":true}`, `{"needsRefresh":false,"updateRequired":true,"userId":"u1"}`,
		`{"needsRefresh":true,"lastCheckedIn":{"value":"2026-01-02T03:04:05Z","readable":"now"}}`,
		`{"needsRefresh":true,"lastCheckedIn":{"value":"yesterday"}}`, `{"needsRefresh":null}`,
		`{"needsRefresh":"yes"}`, `{"NEEDSREFRESH":true}`, `{"needsRefresh":true,"needsRefresh":null}`,
		`{"needsRefresh":true} {}`, `[{"needsRefresh":true}]`, `"x"`, "\xff{", ` {"needsRefresh":true}` + "\n",
		"\xff\xfe garbage", "{\"needsRefresh\":true,\"userId\":\"\xff\"}", `{"needsRefresh":true,"future":{"a":[1]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev := classifyCheckIn(data)
		want := isCheckIn(data)
		switch ev.Kind {
		case EventCheckIn, EventSignedOut:
			if !want {
				t.Fatalf("%q is not a check-in but gave %+v", data, ev)
			}
			if ev.CheckIn == nil || ev.Err != nil || ev.Raw != nil || ev.Profile != nil || (ev.Kind == EventSignedOut) != (ev.CheckIn.UserID == "") {
				t.Fatalf("bad check-in event %+v", ev)
			}
			again, err := json.Marshal(ev.CheckIn)
			if err != nil {
				t.Fatalf("re-encoding %+v: %v", ev.CheckIn, err)
			}
			ev2 := classifyCheckIn(again)
			if ev2.Kind != ev.Kind {
				t.Fatalf("the re-encoded check-in %s gave %v (%v)", again, ev2.Kind, ev2.Err)
			}
			if diff := cmp.Diff(ev.CheckIn, ev2.CheckIn); diff != "" {
				t.Fatalf("the check-in changed in a round trip (-first +second):\n%s", diff)
			}
		case EventMalformed:
			if want {
				t.Fatalf("the check-in %q was judged malformed: %v", data, ev.Err)
			}
			if e, ok := errors.AsType[*Error](ev.Err); !ok || e.Op != OpStreamUserLastCheckedIn || !errors.Is(ev.Err, ErrMalformedResponse) {
				t.Fatalf("Err = %#v, want an *Error of %s wrapping ErrMalformedResponse", ev.Err, OpStreamUserLastCheckedIn)
			}
			if len(ev.Raw) > maxRawExcerpt || !bytes.Equal(ev.Raw, data[:min(len(data), maxRawExcerpt)]) {
				t.Fatalf("Raw = %q, want the first %d bytes of %q", ev.Raw, maxRawExcerpt, data)
			}
			if ev.CheckIn != nil || ev.Profile != nil {
				t.Fatalf("malformed event carries data: %+v", ev)
			}
		default:
			t.Fatalf("unexpected kind %v for %q", ev.Kind, data)
		}
	})
}
