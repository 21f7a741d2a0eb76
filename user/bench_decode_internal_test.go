package user

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// These benchmarks take apart the decoding of the complete default profile,
// to show where the time of Snapshot and of WatchProfile goes beyond a
// plain json.Unmarshal. docs/benchmarks.md reads them.

// bdProfileBody returns the default profile as Snapshot receives it.
func bdProfileBody(b *testing.B) []byte {
	b.Helper()
	body, err := json.Marshal(ReturnedUserProfile{User: usertest.DefaultProfile()})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkSnapshotDecode compares ways of reading the answer of GET /user:
//
//   - strict: what Snapshot does, strict decoding into a model whose user
//     member is a pointer, nil when the member is absent or null;
//   - unmarshal: json.Unmarshal alone, the floor.
func BenchmarkSnapshotDecode(b *testing.B) {
	body := bdProfileBody(b)
	want := usertest.DefaultProfile().ID
	ans := answer{status: http.StatusOK, header: http.Header{"Content-Type": {mediaJSON}}, body: body}
	b.Run("strict", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			out, err := decodeJSON[snapshotAnswer](nil, "userSnapshot", ans)
			if err != nil || out.User == nil || out.User.ID != want {
				b.Fatalf("got %v", err)
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out ReturnedUserProfile
			if err := json.Unmarshal(body, &out); err != nil || out.User.ID != want {
				b.Fatalf("got %v", err)
			}
		}
	})
}

// BenchmarkProfileMessageDecode compares the parts of reading one message
// of /user/stream holding the default profile: classifyProfileMessage as a
// whole, and the json.Valid and json.Unmarshal it is made of.
func BenchmarkProfileMessageDecode(b *testing.B) {
	msg, err := json.Marshal(usertest.DefaultProfile())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("classify", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		b.ReportAllocs()
		for b.Loop() {
			if ev := classifyProfileMessage(msg); ev.Kind != EventProfile {
				b.Fatalf("got a %v event: %v", ev.Kind, ev.Err)
			}
		}
	})
	b.Run("valid", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		b.ReportAllocs()
		for b.Loop() {
			if !json.Valid(msg) {
				b.Fatal("not valid")
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(msg)))
		b.ReportAllocs()
		for b.Loop() {
			var p UserProfile
			if err := json.Unmarshal(msg, &p); err != nil || p.ID == "" {
				b.Fatalf("got %v", err)
			}
		}
	})
}
