package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

// jsonSeeds are JSON texts for the tests of writeJSON.
var jsonSeeds = []string{
	`{}`, `[]`, `1`, `1E700`, `"x"`, `null`, `true`, ` { "a" : [ ] , "b" : { } } `,
	`{"name":"Ada","allocation":{"urls":{"base":{"url":"https://x"}}},"list":[1,2,{"k":[true,false,null]}]}`,
	`["a\"b","c\\","\u00e9\ud83d\ude00","tab\there"]`, `{"":""}`, `[[[[]]],[{}]]`, `{"html":"<a&b>"}`,
	"{\"name\":\"\xff\xfe garbage\",\"ok\":\"caf\xc3\xa9\"}", "\"\xc3\"", "[\"\xed\xa0\x80\"]",
	"{\"a\":\"\xe2\x82\"}", "\"\xf4\x90\x80\x80\"",
}

func TestWriteJSONMatchesIndent(t *testing.T) {
	t.Parallel()
	for _, src := range jsonSeeds {
		checkWriteJSON(t, []byte(src))
	}
}

func TestWriteJSONInvalidUTF8(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := writeJSON(&out, []byte("{\"name\":\"\xff\xfe garbage\",\"ok\":\"caf\xc3\xa9\"}")); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"name\": \"\\ufffd garbage\",\n  \"ok\": \"café\"\n}\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestWriteJSONRefusesWhatIsNotJSON(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := writeJSON(&out, []byte(`{"a":`)); err == nil || out.Len() != 0 {
		t.Errorf("writeJSON of a cut value: error %v, wrote %q", err, out.String())
	}
}

func FuzzWriteJSON(f *testing.F) {
	for _, s := range jsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !json.Valid(src) {
			return // the JSON of Pieces OS, which the library decoded
		}
		checkWriteJSON(t, src)
	})
}

// checkWriteJSON checks writeJSON on the valid JSON text src: the output is
// valid UTF-8 and valid JSON ending in a newline, with the same value as
// src when src is valid UTF-8, and then exactly what json.Indent writes.
func checkWriteJSON(t *testing.T, src []byte) {
	t.Helper()
	var out bytes.Buffer
	if err := writeJSON(&out, src); err != nil {
		t.Fatal(err)
	}
	got := out.Bytes()
	if !utf8.Valid(got) || !json.Valid(got) || !bytes.HasSuffix(got, []byte("\n")) {
		t.Fatalf("writeJSON(%q) = %q: not valid UTF-8 JSON ending in a newline", src, got)
	}
	if !utf8.Valid(src) {
		return
	}
	if a, b := decodeAny(t, src), decodeAny(t, got); !reflect.DeepEqual(a, b) {
		t.Fatalf("writeJSON(%q) = %q: the value changed: %#v, want %#v", src, got, b, a)
	}
	var want bytes.Buffer
	if err := json.Indent(&want, bytes.TrimSpace(src), "", "  "); err != nil {
		t.Fatal(err)
	}
	want.WriteByte('\n')
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("writeJSON(%q) =\n%s\nwant, as json.Indent:\n%s", src, got, want.Bytes())
	}
}

// decodeAny decodes a JSON text, keeping numbers as they are written.
func decodeAny(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %q: %v", data, err)
	}
	return v
}
