package user

import (
	"encoding/json"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// BenchmarkProfileMessageDecode takes apart the decoding of a stream
// message holding the complete default profile, to show where the time of
// WatchProfile goes beyond a plain json.Unmarshal. docs/benchmarks.md reads
// it. (The HTTP calls decode with gen's Parse functions, a plain
// json.Unmarshal, so they have no such benchmark.)

// BenchmarkProfileMessageDecode compares the parts of reading one message
// of /user/stream holding the default profile: classifyProfile as a
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
			if ev := classifyProfile(msg); ev.Kind != EventProfile {
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
