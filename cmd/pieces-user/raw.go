package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"reflect"
	"sync"
)

// rawRecorder is the transport of the CLI's client. It keeps the body of the
// last 2xx application/json answer, as read by the client, so that --json
// can print what Pieces OS sent rather than the model re-encoded: members
// that this version of the library does not know are kept.
type rawRecorder struct {
	next http.RoundTripper

	mu   sync.Mutex
	body *bytes.Buffer // of the last JSON answer; nil before one
}

func (r *rawRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || resp.StatusCode/100 != 2 {
		return resp, err
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" {
		return resp, err
	}
	buf := new(bytes.Buffer)
	r.mu.Lock()
	r.body = buf
	r.mu.Unlock()
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(resp.Body, buf), resp.Body}
	return resp, nil
}

// rawFor returns the JSON text, exactly as received, that v was decoded
// from: the last JSON answer, or its "user" member (Snapshot returns the
// user of the answer). It returns nil when neither decodes to a value equal
// to v, so that a result the CLI built itself is never shown as something
// Pieces OS sent.
func (r *rawRecorder) rawFor(v any) []byte {
	if r == nil || v == nil {
		return nil
	}
	r.mu.Lock()
	var body []byte
	if r.body != nil {
		body = r.body.Bytes()
	}
	r.mu.Unlock()
	if len(body) == 0 {
		return nil
	}
	candidates := [][]byte{body}
	var members map[string]json.RawMessage
	if json.Unmarshal(body, &members) == nil && len(members["user"]) > 0 {
		candidates = append(candidates, members["user"])
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := reflect.Indirect(reflect.ValueOf(v)).Interface()
	for _, c := range candidates {
		got := reflect.New(t)
		if json.Unmarshal(c, got.Interface()) == nil && reflect.DeepEqual(got.Elem().Interface(), want) {
			return c
		}
	}
	return nil
}
