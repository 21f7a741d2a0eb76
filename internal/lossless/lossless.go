// Package lossless holds the two JSON rules that let a client and a fake
// of Pieces OS read liberally and write without loss: Decode, which decodes
// what it can and leaves a member of an unexpected type at its zero value,
// and Merge, which writes a changed value back onto the JSON it was read
// from, keeping every member the reader did not know.
//
// Package user and package usertest both use it, so that the client and
// the fake follow the same rule.
package lossless

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Decode decodes the JSON value data into v, a non-nil pointer, as
// json.Unmarshal does, except that a member whose JSON type does not fit
// its Go type (a number where a string is expected, a text that is not a
// date-time, ...) is left at its zero value instead of failing the whole
// value; the members around it are decoded. Members v does not declare are
// ignored. Only data that is not JSON is an error.
func Decode(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*json.SyntaxError](err); ok || !json.Valid(data) {
		return err
	}
	// Some member does not fit. encoding/json stops at the first member
	// whose own UnmarshalJSON fails (a time, say), so drop every member
	// that does not fit and decode again.
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return err
	}
	fitted, err := json.Marshal(fit(tree, t.Elem()))
	if err != nil {
		return err
	}
	reflect.ValueOf(v).Elem().SetZero()
	err = json.Unmarshal(fitted, v)
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return nil // what is left was decoded; the rest stays zero
	}
	return err
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// fit returns the decoded JSON value x with every member and element whose
// JSON type does not fit Go type t replaced by null, which leaves the Go
// value untouched.
func fit(x any, t reflect.Type) any {
	if x == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		b, err := json.Marshal(x)
		if err != nil || json.Unmarshal(b, reflect.New(t).Interface()) != nil {
			return nil
		}
		return x
	}
	switch t.Kind() {
	case reflect.Interface:
		return x
	case reflect.Struct:
		obj, ok := x.(map[string]any)
		if !ok {
			return nil
		}
		for name, member := range obj {
			if f, ok := field(t, name); ok {
				obj[name] = fit(member, f.Type)
			}
		}
		return obj
	case reflect.Map:
		obj, ok := x.(map[string]any)
		if !ok {
			return nil
		}
		for name, member := range obj {
			obj[name] = fit(member, t.Elem())
		}
		return obj
	case reflect.Slice, reflect.Array:
		arr, ok := x.([]any)
		if !ok {
			if s, isString := x.(string); isString && t.Elem().Kind() == reflect.Uint8 {
				return s // []byte is written as base64
			}
			return nil
		}
		for i := range arr {
			arr[i] = fit(arr[i], t.Elem())
		}
		return arr
	case reflect.String:
		if _, ok := x.(string); ok {
			return x
		}
	case reflect.Bool:
		if _, ok := x.(bool); ok {
			return x
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := x.(json.Number); ok {
			if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err == nil {
				return x
			}
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := x.(json.Number); ok {
			if _, err := strconv.ParseUint(n.String(), 10, t.Bits()); err == nil {
				return x
			}
		}
	case reflect.Float32, reflect.Float64:
		if n, ok := x.(json.Number); ok {
			if _, err := strconv.ParseFloat(n.String(), t.Bits()); err == nil {
				return x
			}
		}
	}
	return nil
}

// field finds the struct field that encoding/json decodes the member name
// into: the exact JSON name first, then one equal but for case.
func field(t reflect.Type, name string) (reflect.StructField, bool) {
	var folded reflect.StructField
	found := false
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		n, _, _ := strings.Cut(tag, ",")
		if n == "" {
			n = f.Name
		}
		if n == name {
			return f, true
		}
		if !found && strings.EqualFold(n, name) {
			folded, found = f, true
		}
	}
	return folded, found
}

// Merge writes next, the JSON of a value as its holder has it now, onto
// raw, the JSON the value was read from, and returns the JSON to send.
// known is raw as the holder understood it: raw decoded into the holder's
// type and encoded again, so it holds exactly the members the holder knows.
// Member by member, recursively through objects:
//
//   - a member next has is taken from next; when it is an object, it is
//     merged with the object read by the same rule, and when it is an
//     array of the same length as the one read, element by element (any
//     other array replaces the one read);
//   - a member next has, unchanged from known, is sent as raw has it, with
//     whatever the holder did not understand in it;
//   - a member raw and known have but next does not was cleared by the
//     holder and is left out;
//   - a member raw has but known does not is one the holder does not know,
//     and is sent as it was read.
//
// Members kept from raw keep their bytes: nothing is escaped again.
func Merge(raw, known, next json.RawMessage) (json.RawMessage, error) {
	switch kindOf(next) {
	case '{':
		if kindOf(raw) != '{' {
			return next, nil
		}
		var r, k, n map[string]json.RawMessage
		if err := unmarshalAll(raw, &r, known, &k, next, &n); err != nil {
			return nil, err
		}
		out := make(map[string]json.RawMessage, len(r)+len(n))
		for name, rv := range r {
			if _, cleared := k[name]; !cleared {
				out[name] = rv // unknown to the holder: kept as read
			}
		}
		for name, nv := range n {
			rv, ok := r[name]
			if !ok {
				out[name] = nv
				continue
			}
			m, err := member(rv, k[name], nv)
			if err != nil {
				return nil, err
			}
			out[name] = m
		}
		return encode(out)
	case '[':
		if kindOf(raw) != '[' {
			return next, nil
		}
		var r, k, n []json.RawMessage
		if err := unmarshalAll(raw, &r, known, &k, next, &n); err != nil {
			return nil, err
		}
		if len(r) != len(n) {
			return next, nil
		}
		if len(k) != len(r) {
			k = make([]json.RawMessage, len(r))
		}
		out := make([]json.RawMessage, len(n))
		for i := range n {
			m, err := member(r[i], k[i], n[i])
			if err != nil {
				return nil, err
			}
			out[i] = m
		}
		return encode(out)
	}
	return next, nil
}

// member merges one member or element that raw and next both have.
func member(rv, kv, nv json.RawMessage) (json.RawMessage, error) {
	if bytes.Equal(kv, nv) {
		// Left as it was read: sent as read, with what the holder did not
		// understand in it.
		return rv, nil
	}
	return Merge(rv, kv, nv)
}

// unmarshalAll decodes raw, known and next into their targets; known is
// decoded only when it is of the same kind as raw.
func unmarshalAll(raw json.RawMessage, r any, known json.RawMessage, k any, next json.RawMessage, n any) error {
	if err := json.Unmarshal(raw, r); err != nil {
		return fmt.Errorf("merging JSON: %w", err)
	}
	if kindOf(known) == kindOf(raw) {
		if err := json.Unmarshal(known, k); err != nil {
			return fmt.Errorf("merging JSON: %w", err)
		}
	}
	if err := json.Unmarshal(next, n); err != nil {
		return fmt.Errorf("merging JSON: %w", err)
	}
	return nil
}

// kindOf returns the first byte of the JSON value v: '{', '[', or another.
func kindOf(v json.RawMessage) byte {
	v = bytes.TrimLeft(v, " \t\r\n")
	if len(v) == 0 {
		return 0
	}
	return v[0]
}

// encode writes v without escaping <, > and &, so that members kept from
// the JSON read stay as close to their bytes as JSON allows.
func encode(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Member returns the value of the member name of the JSON object obj, as
// encoding/json would decode it into a struct field of that name: the last
// member whose name equals name, ignoring case, wins. The result is a part
// of obj. obj must be valid JSON (decode it first); ok is false when obj
// is not an object or has no such member.
func Member(obj []byte, name string) (value []byte, ok bool) {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil, false
	}
	i++
	for {
		i = skipSpace(obj, i)
		if i >= len(obj) || obj[i] != '"' {
			return value, ok
		}
		keyEnd := skipValue(obj, i)
		key := obj[i:keyEnd]
		i = skipSpace(obj, keyEnd) + 1 // past the colon
		i = skipSpace(obj, i)
		end := skipValue(obj, i)
		if sameName(key, name) {
			value, ok = obj[i:end], true
		}
		i = skipSpace(obj, end) + 1 // past a comma or the closing brace
	}
}

// sameName reports whether the quoted JSON string key names name, in any
// case.
func sameName(key []byte, name string) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return bytes.EqualFold(key[1:len(key)-1], []byte(name))
	}
	var s string
	return json.Unmarshal(key, &s) == nil && strings.EqualFold(s, name)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipValue returns the index just past the valid JSON value at b[i].
func skipValue(b []byte, i int) int {
	switch {
	case i >= len(b):
		return i
	case b[i] == '"':
		for i++; i < len(b) && b[i] != '"'; i++ {
			if b[i] == '\\' {
				i++
			}
		}
		return i + 1
	case b[i] == '{' || b[i] == '[':
		for depth := 0; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipValue(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(b) && !strings.ContainsRune(",:}] \t\r\n", rune(b[i])) {
		i++
	}
	return i
}
