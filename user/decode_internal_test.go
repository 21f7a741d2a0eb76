package user

import (
	"encoding/json"
	"testing"
)

// benchProfile is a complete profile in its wire form.
func benchProfile(b *testing.B) []byte {
	b.Helper()
	body := []byte(`{"id":"u1","name":"Ada","aesthetics":{"font":{"size":12},"theme":{"dark":true}},` +
		`"allocation":{"id":"a1","project":"p","user":"u1","status":{"cloud":"RUNNING"},` +
		`"urls":{"base":{"url":"https://b","status":"SUCCEEDED"},"id":{"url":"https://i","status":"SUCCEEDED"}}},` +
		`"providers":{"iterable":[{"type":"github","user_id":"g1","created":{"value":"2024-01-02T03:04:05Z"},"updated":{"value":"2024-01-02T03:04:05Z"}}]},` +
		`"entities":{"iterable":[{"id":"e1"},{"id":"e2"}],"indices":{"e1":0,"e2":1}}}`)
	var p UserProfile
	if err := decodeStrict(body, &p); err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkDecode compares strict decoding with a plain json.Unmarshal, to
// show what the required-member check costs.
func BenchmarkDecode(b *testing.B) {
	body := benchProfile(b)
	b.Run("strict", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var p UserProfile
			if err := decodeStrict(body, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var p UserProfile
			if err := json.Unmarshal(body, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
