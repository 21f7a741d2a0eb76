package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// maxDocument bounds the size of a --file document.
const maxDocument = 4 << 20

// readDocument decodes the JSON document in file ("-": standard input) into
// v, a model named model. An unknown member, a member of the wrong type or
// trailing text is a usage error naming it: a typo is never dropped without
// a word. A profile keeps and sends back the members this version does not
// know, unless one is close to a known member (checkMembers) and not allowNear.
func (s *session) readDocument(cmd, file, model string, v any, profile, allowNear bool) error {
	r, name := s.stdin, "standard input"
	switch file {
	case "":
		return usagef("%s: --file is empty; give a file name, or '-' for standard input", cmd)
	case "-":
	default:
		f, err := os.Open(file)
		if err != nil {
			return usagef("%s: --file: %v", cmd, err)
		}
		defer f.Close()
		r, name = f, file
	}
	data, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	switch {
	case err != nil:
		return usagef("%s: reading %s: %v", cmd, name, err)
	case len(data) > maxDocument:
		return usagef("%s: %s is larger than %d bytes", cmd, name, maxDocument)
	case profile && !allowNear:
		if err = checkMembers("", data, reflect.TypeFor[user.UserProfile]()); err != nil {
			err = fmt.Errorf("%w (--allow-near-names sends it as it is)", err)
		}
	}
	if err == nil {
		err = decode(data, v, !profile)
	}
	if err != nil {
		return usagef("%s: %s is not a valid %s document: %v", cmd, name, model, err)
	}
	return nil
}

// decode decodes the one JSON value of data into v; strict refuses unknown members.
func decode(data []byte, v any, strict bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var doc json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return errors.New("it is empty")
		}
		return describeJSONError(err, data, 0)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("text follows the JSON value at %s", position(data, end))
	}
	vd := json.NewDecoder(bytes.NewReader(doc))
	if strict {
		vd.DisallowUnknownFields()
	}
	if err := vd.Decode(v); err != nil {
		return describeJSONError(err, data, end-int64(len(doc)))
	}
	return nil
}

// checkMembers walks the JSON document data along the model type t and
// fails on the first member t does not declare whose name is close to one
// it declares at the same place (nearMember). Other unknown members, the
// keys of maps, and what does not fit t pass: decode reports the latter.
func checkMembers(path string, data []byte, t reflect.Type) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		if t.Kind() != reflect.Pointer {
			var items []json.RawMessage
			_ = json.Unmarshal(data, &items)
			for i, item := range items {
				if err := checkMembers(fmt.Sprintf("%s[%d]", path, i), item, t.Elem()); err != nil {
					return err
				}
			}
			return nil
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return nil // a leaf, or a type with its own JSON form, such as a time
	}
	fields := make(map[string]reflect.Type) // by JSON name
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); f.IsExported() && name != "-" {
			fields[cmp.Or(name, f.Name)] = f.Type
		}
	}
	var members map[string]json.RawMessage
	_ = json.Unmarshal(data, &members)
	for _, name := range slices.Sorted(maps.Keys(members)) {
		if ft, ok := fields[name]; ok {
			if err := checkMembers(join(path, name), members[name], ft); err != nil {
				return err
			}
			continue
		}
		for _, field := range slices.Sorted(maps.Keys(fields)) {
			if nearMember(name, field) {
				return fmt.Errorf("unknown member %q looks like a typo of %q (a member whose name is close to a known one is refused; others are kept and sent)",
					join(path, name), join(path, field))
			}
		}
	}
	return nil
}

func join(path, name string) string { return path + when(path != "", ".") + name }

// nearMember reports whether the unknown member name is close enough to the
// known member name to be taken for a typo of it: the two are equal once
// case, '_' and '-' are ignored, or else they are at most one edit apart
// (a letter added, removed, changed, or two neighbours swapped) when the
// shorter has 3 or 4 letters, or at most two edits when it has 5 or more.
func nearMember(name, known string) bool {
	fold := strings.NewReplacer("_", "", "-", "")
	a, b := strings.ToLower(fold.Replace(name)), strings.ToLower(fold.Replace(known))
	d, shorter := editDistance(a, b), min(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	return d == 0 || shorter >= 3 && d <= 1 || shorter >= 5 && d <= 2
}

// editDistance is the optimal string alignment distance between a and b:
// the number of insertions, deletions, substitutions and swaps of two
// neighbouring letters that turn one into the other.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1) // d[i][j] is the distance between x[:i] and y[:j]
	for i := range d {
		d[i] = make([]int, len(y)+1)
		for j := range d[i] {
			switch {
			case i == 0 || j == 0:
				d[i][j] = i + j
			case x[i-1] == y[j-1]:
				d[i][j] = d[i-1][j-1]
			default:
				d[i][j] = 1 + min(d[i-1][j], d[i][j-1], d[i-1][j-1])
				if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
					d[i][j] = min(d[i][j], d[i-2][j-2]+1)
				}
			}
		}
	}
	return d[len(x)][len(y)]
}

// describeJSONError says where in data an error of encoding/json is; its
// offsets count from start.
func describeJSONError(err error, data []byte, start int64) error {
	if syn, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Errorf("%s at %s", strings.TrimPrefix(syn.Error(), "json: "), position(data, start+syn.Offset))
	}
	if typ, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		var kind reflect.Kind // Invalid when the error names no type
		if typ.Type != nil {
			kind = typ.Type.Kind()
		}
		want := map[reflect.Kind]string{reflect.Struct: "an object", reflect.Map: "an object", reflect.Slice: "an array", reflect.Array: "an array",
			reflect.String: "a string", reflect.Bool: "true or false"}[kind]
		if kind >= reflect.Int && kind <= reflect.Float64 {
			want = "a number"
		}
		return fmt.Errorf("%s must be %s, not JSON %s (at %s)", cmp.Or(typ.Field, "the document"), cmp.Or(want, "a value of another type"), typ.Value, position(data, start+typ.Offset))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the JSON value is cut short")
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// position renders a byte offset of data as "line L, column C".
func position(data []byte, off int64) string {
	before := data[:min(max(off, 0), int64(len(data)))]
	col := len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	return fmt.Sprintf("line %d, column %d", bytes.Count(before, []byte("\n"))+1, col)
}

// parseFeature finds a feature in any case, '-' for '_' ("share-snippet").
func parseFeature(arg string) (user.HasFeatureAccessEnum, error) {
	want := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(arg), "-", "_"))
	var names []string
	for _, f := range specFeatures() {
		if string(f) == want {
			return f, nil
		}
		names = append(names, string(f))
	}
	return "", usagef("feature: unknown feature %q; valid features (any case): %s", arg, strings.Join(names, ", "))
}
