package user_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/internal/newerfake"
	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// jsonValue decodes b into a generic JSON value for comparison.
func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// withMember returns the JSON object doc with member name set to value.
func withMember(t *testing.T, doc []byte, name string, value any) any {
	t.Helper()
	v := jsonValue(t, doc).(map[string]any)
	v[name] = value
	return v
}

func newerClient(t *testing.T) (*newerfake.Server, *user.Client) {
	t.Helper()
	srv := newerfake.Start()
	t.Cleanup(srv.Close)
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithApplicationID("forward-test"))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// TestUpdateKeepsWhatANewerPiecesOSSent reads a profile with members and an
// enum value the spec lacks, changes the name, and checks that the server
// holds everything else exactly as before.
func TestUpdateKeepsWhatANewerPiecesOSSent(t *testing.T) {
	srv, c := newerClient(t)
	ctx := context.Background()
	p, err := c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Allocation.Status.Cloud; got != "HIBERNATING" {
		t.Errorf("Snapshot: allocation status %q, want the unknown value HIBERNATING", got)
	}
	if diff := cmp.Diff(jsonValue(t, []byte(newerfake.DefaultProfile)), jsonValue(t, p.Raw())); diff != "" {
		t.Errorf("Raw differs from what the server sent (-sent +raw):\n%s", diff)
	}
	p.Name = "Ada King"
	out, err := c.Update(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	want := withMember(t, []byte(newerfake.DefaultProfile), "name", "Ada King")
	if diff := cmp.Diff(want, jsonValue(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after Update (-want +got):\n%s", diff)
	}
	if out.Name != "Ada King" {
		t.Errorf("Update returned name %q", out.Name)
	}
	// The answer keeps the unknown members too, so it can be sent again.
	out.Email = "ada@example.org"
	if _, err := c.Update(ctx, out); err != nil {
		t.Fatal(err)
	}
	want = withMember(t, []byte(newerfake.DefaultProfile), "name", "Ada King")
	want.(map[string]any)["email"] = "ada@example.org"
	if diff := cmp.Diff(want, jsonValue(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after a second Update (-want +got):\n%s", diff)
	}
}

// TestUpdateVanityKeepsWhatANewerPiecesOSSent checks the read-modify-write
// of UpdateVanity the same way.
func TestUpdateVanityKeepsWhatANewerPiecesOSSent(t *testing.T) {
	srv, c := newerClient(t)
	if _, err := c.UpdateVanity(context.Background(), "countess"); err != nil {
		t.Fatal(err)
	}
	want := withMember(t, []byte(newerfake.DefaultProfile), "vanityname", "countess")
	if diff := cmp.Diff(want, jsonValue(t, srv.Profile())); diff != "" {
		t.Errorf("the server's profile after UpdateVanity (-want +got):\n%s", diff)
	}
}

// TestWithRawResponse checks what a call fills in: the answer of a
// success, of an error status, and of a body the call could not decode;
// and that a call that got no answer leaves it alone.
func TestWithRawResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reply  apiReply
		status int
	}{
		{"ok", apiReply{status: 200, ctype: "application/json", body: `{"id":"u1","future":[1,2]}`}, 200},
		{"error status", apiReply{status: 404, ctype: "text/plain", body: "no such thing"}, 404},
		{"not JSON", apiReply{status: 200, ctype: "application/json", body: `{"id":`}, 200},
		{"wrong media type", apiReply{status: 200, ctype: "text/html", body: `<p>hi</p>`}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := apiStart(t, tt.reply)
			var raw user.RawResponse
			_, _ = c.Refresh(user.WithRawResponse(t.Context(), &raw))
			if raw.StatusCode != tt.status || string(raw.Body) != tt.reply.body || raw.Header.Get("Content-Type") != tt.reply.ctype {
				t.Errorf("raw = %d %q %q, want %d %q %q", raw.StatusCode, raw.Header.Get("Content-Type"), raw.Body, tt.status, tt.reply.ctype, tt.reply.body)
			}
		})
	}
	t.Run("over the limit", func(t *testing.T) {
		t.Parallel()
		// The part within the limit is a whole JSON value: the call must
		// still fail, and raw gets no body.
		body := `{"id":"u1"}`
		c, _ := apiStart(t, apiReply{status: 200, ctype: "application/json", body: body + "   "}, user.WithMaxResponseBytes(int64(len(body))))
		var raw user.RawResponse
		p, err := c.Refresh(user.WithRawResponse(t.Context(), &raw))
		if p != nil || !errors.Is(err, user.ErrResponseTooLarge) || raw.StatusCode != 200 || raw.Body != nil {
			t.Errorf("Refresh = %v, %v, raw %d %q; want ErrResponseTooLarge and no raw body", p, err, raw.StatusCode, raw.Body)
		}
	})
	t.Run("long and not JSON", func(t *testing.T) {
		t.Parallel()
		// gen returns nothing of a body it cannot decode: raw keeps its
		// first 64 KiB.
		body := `{"id":"` + strings.Repeat("x", 100<<10)
		c, _ := apiStart(t, apiReply{status: 200, ctype: "application/json", body: body})
		var raw user.RawResponse
		_, err := c.Refresh(user.WithRawResponse(t.Context(), &raw))
		if !errors.Is(err, user.ErrMalformedResponse) || string(raw.Body) != body[:64<<10] {
			t.Errorf("Refresh = %v, raw body of %d bytes; want ErrMalformedResponse and the first %d bytes", err, len(raw.Body), 64<<10)
		}
	})
	t.Run("no answer", func(t *testing.T) {
		t.Parallel()
		c, err := user.New(user.WithBaseURL("http://127.0.0.1:1"))
		if err != nil {
			t.Fatal(err)
		}
		raw := user.RawResponse{StatusCode: -1}
		_, err = c.Snapshot(user.WithRawResponse(t.Context(), &raw))
		if err == nil || raw.StatusCode != -1 || raw.Body != nil {
			t.Errorf("Snapshot = %v, raw = %+v; want an error and raw untouched", err, raw)
		}
	})
}

// TestProfileJSON checks Profile's own encoding: a profile built by the
// caller encodes as its UserProfile, one decoded keeps what it was decoded
// from, and the merge drops a member the caller cleared while keeping the
// unknown ones.
func TestProfileJSON(t *testing.T) {
	t.Parallel()
	built := user.Profile{UserProfile: user.UserProfile{ID: "u1", Name: "Ada"}}
	b, err := json.Marshal(built)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(built.UserProfile)
	if string(b) != string(plain) || built.Raw() != nil {
		t.Errorf("built profile encodes as %s (raw %s), want %s and no raw", b, built.Raw(), plain)
	}

	const times = `"created":{"value":"2024-01-02T03:04:05Z"},"updated":{"value":"2024-01-02T03:04:05Z"}`
	in := `{"id":"u1","name":"Ada","email":"a@example.com","future":{"x":1},` +
		`"aesthetics":{"font":{"size":12,"ligatures":true},"theme":{"dark":true}},` +
		`"apiKeys":["k1","k2"],"providers":{"iterable":[{"type":"github","user_id":"g1","extra":true,` + times + `}]}}`
	var p user.Profile
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	if string(p.Raw()) != in {
		t.Errorf("Raw = %s, want the input", p.Raw())
	}
	p.Email = ""                          // cleared: dropped
	p.Aesthetics.Font.Size = 14           // changed inside a merged object
	p.APIKeys = []string{"k3"}            // an array of another length replaces the one read
	p.Providers.Iterable[0].UserID = "g2" // an array of the same length is merged element-wise
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"u1","name":"Ada","future":{"x":1},` +
		`"aesthetics":{"font":{"size":14,"ligatures":true},"theme":{"dark":true}},` +
		`"apiKeys":["k3"],"providers":{"iterable":[{"type":"github","user_id":"g2","extra":true,` + times + `}]}}`
	if diff := cmp.Diff(jsonValue(t, []byte(want)), jsonValue(t, out)); diff != "" {
		t.Errorf("merged profile (-want +got):\n%s", diff)
	}

	var null user.Profile
	if err := json.Unmarshal([]byte("null"), &null); err != nil || null.Raw() != nil {
		t.Errorf("null: %v, raw %s", err, null.Raw())
	}
	if err := json.Unmarshal([]byte(`{"id":1}`), &null); err == nil {
		t.Errorf("a profile whose id is a number decoded")
	}
}

// profileEdits returns doc (a JSON object) edited in every way that may
// break a member the spec calls required: each member of each object
// removed, each set to null, and each array item set to null, one edit at a
// time. Every edit also gets a member this version does not know.
func profileEdits(t *testing.T, doc []byte) map[string][]byte {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(doc, &root); err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]byte)
	emit := func(what string) {
		root["timezone"] = "Europe/London"
		b, err := json.Marshal(root)
		delete(root, "timezone")
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
				emit(fmt.Sprintf("%s[%d] null", path, i))
				v[i] = item
				walk(item, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(root, "")
	emit("unchanged")
	return out
}

// TestEveryEditDecodesAndKeepsTheUnknown decodes every single-member edit
// of the default profile of the fake, as Refresh does: each must decode,
// Raw must give the body back, and encoding the profile after a change of
// name must keep the member this version does not know.
func TestEveryEditDecodesAndKeepsTheUnknown(t *testing.T) {
	t.Parallel()
	doc, err := json.Marshal(usertest.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	edits := profileEdits(t, doc)
	if len(edits) < 50 {
		t.Fatalf("only %d edits", len(edits))
	}
	for what, body := range edits {
		var p user.Profile
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		if string(p.Raw()) != string(body) {
			t.Errorf("%s: Raw differs from the body", what)
		}
		p.Name = "Augusta Ada King"
		out, err := json.Marshal(p)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			continue
		}
		var got map[string]any
		if err := json.Unmarshal(out, &got); err != nil {
			t.Errorf("%s: the encoding is not JSON: %v", what, err)
			continue
		}
		if got["timezone"] != "Europe/London" || got["name"] != "Augusta Ada King" {
			t.Errorf("%s: encoded as %s", what, out)
		}
	}
}

// TestRawSharesTheAnswer checks that Raw picks the profile out of the
// answer Snapshot read without copying it: printing the profile of a large
// answer must not hold it twice.
func TestRawSharesTheAnswer(t *testing.T) {
	_, c := newerClient(t)
	p, err := c.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first := p.Raw()
	if len(first) == 0 {
		t.Fatal("Raw is empty")
	}
	if again := p.Raw(); &again[0] != &first[0] {
		t.Error("two calls of Raw return different copies, want the same part of the answer")
	}
}
