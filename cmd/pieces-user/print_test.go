package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

// indentSeeds are JSON texts for the tests of writeIndented.
var indentSeeds = []string{
	`{}`, `[]`, `1`, `"x"`, `null`, `true`, ` { "a" : [ ] , "b" : { } } `,
	`{"name":"Ada","allocation":{"urls":{"base":{"url":"https://x"}}},"list":[1,2,{"k":[true,false,null]}]}`,
	`["a\"b","c\\","\u00e9\ud83d\ude00","tab\there"]`, `{"":""}`, `[[[[]]],[{}]]`,
	"{\"name\":\"\xff\xfe garbage\",\"ok\":\"caf\xc3\xa9\"}", "\"\xc3\"", "[\"\xed\xa0\x80\"]",
	"{\"a\":\"\xe2\x82\"}", "\"\xf4\x90\x80\x80\"",
}

func TestWriteIndentedMatchesIndent(t *testing.T) {
	t.Parallel()
	for _, src := range indentSeeds {
		checkIndented(t, []byte(src))
	}
}

func TestWriteIndentedInvalidUTF8(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := writeIndented(&out, []byte("{\"name\":\"\xff\xfe garbage\",\"ok\":\"caf\xc3\xa9\"}")); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"name\": \"\\ufffd\\ufffd garbage\",\n  \"ok\": \"café\"\n}\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func FuzzWriteIndented(f *testing.F) {
	for _, s := range indentSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !json.Valid(src) {
			return // the caller passes only text a decoder accepted
		}
		checkIndented(t, src)
	})
}

// checkIndented checks writeIndented on the valid JSON text src: the output
// is valid UTF-8 and valid JSON with the same value as src, and, for src of
// valid UTF-8, exactly what json.Indent writes.
func checkIndented(t *testing.T, src []byte) {
	t.Helper()
	var out bytes.Buffer
	if err := writeIndented(&out, src); err != nil {
		t.Fatal(err)
	}
	got := out.Bytes()
	if !utf8.Valid(got) || !json.Valid(got) || !bytes.HasSuffix(got, []byte("\n")) {
		t.Fatalf("writeIndented(%q) = %q: not valid UTF-8 JSON ending in a newline", src, got)
	}
	a, b := decodeAny(t, src), decodeAny(t, got)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("writeIndented(%q) = %q: the value changed: %#v, want %#v", src, got, b, a)
	}
	if utf8.Valid(src) {
		var want bytes.Buffer
		if err := json.Indent(&want, bytes.TrimSpace(src), "", "  "); err != nil {
			t.Fatal(err)
		}
		want.WriteByte('\n')
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("writeIndented(%q) =\n%s\nwant, as json.Indent:\n%s", src, got, want.Bytes())
		}
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
