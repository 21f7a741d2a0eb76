package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// maxDocument bounds the size of a --file document.
const maxDocument = 4 << 20

// readDocument decodes the JSON document in file ("-" for standard input)
// into v, a pointer to the model named model. The decoding is strict: an
// unknown member, a member of the wrong type, a second value or trailing
// text is an error naming the problem, since a typo in a hand-written file
// would otherwise be dropped without a word.
func (s *session) readDocument(cmd, file, model string, v any) error {
	name, data, err := s.readFile(cmd, file)
	if err != nil {
		return err
	}
	if err := decodeStrict(data, v); err != nil {
		return usagef("%s: %s is not a valid %s document: %v", cmd, name, model, err)
	}
	return nil
}

// readKeepingDocument decodes the JSON document in file into v, whose
// decoding keeps the members that known does not declare (a *user.Profile
// keeps the whole document and sends it back). Such members are accepted,
// except one whose name is close to a member known declares at the same
// place, which is taken for a typo (see nearMember); a nil known accepts
// them all. A member of the wrong type, a second value or trailing text is
// an error, as for readDocument.
func (s *session) readKeepingDocument(cmd, file, model string, known reflect.Type, v any) error {
	name, data, err := s.readFile(cmd, file)
	if err != nil {
		return err
	}
	if known != nil {
		if err := checkTypos(data, known); err != nil {
			return usagef("%s: %s is not a valid %s document: %v (--allow-near-names sends it as it is)", cmd, name, model, err)
		}
	}
	if err := decodeKeeping(data, v); err != nil {
		return usagef("%s: %s is not a valid %s document: %v", cmd, name, model, err)
	}
	return nil
}

// readFile reads the --file argument file of cmd, "-" meaning standard
// input, and returns a name for it in messages and its content.
func (s *session) readFile(cmd, file string) (name string, data []byte, err error) {
	name = file
	var r io.Reader
	switch file {
	case "":
		return "", nil, usagef("%s: --file is empty; give a file name, or '-' for standard input", cmd)
	case "-":
		name, r = "standard input", s.stdin
	default:
		f, err := os.Open(file)
		if err != nil {
			return "", nil, usagef("%s: --file: %v", cmd, err)
		}
		defer f.Close()
		r = f
	}
	data, err = io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return "", nil, usagef("%s: reading %s: %v", cmd, name, err)
	}
	if len(data) > maxDocument {
		return "", nil, usagef("%s: %s is larger than %d bytes", cmd, name, maxDocument)
	}
	return name, data, nil
}

// decodeStrict decodes the single JSON value in data into v, refusing
// unknown members and anything after the value.
func decodeStrict(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("it is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(err, data)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return fmt.Errorf("text follows the JSON value at %s", position(data, dec.InputOffset()))
	}
	return nil
}

// decodeKeeping decodes the single JSON value in data into v, accepting
// unknown members, and refuses anything after the value.
func decodeKeeping(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("it is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var doc json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		return describeJSONError(err, data)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return fmt.Errorf("text follows the JSON value at %s", position(data, dec.InputOffset()))
	}
	if err := json.Unmarshal(doc, v); err != nil {
		// The offsets of the error count from the start of the value.
		start := int64(len(data) - len(bytes.TrimLeft(data, " \t\r\n")))
		if syn, ok := errors.AsType[*json.SyntaxError](err); ok {
			syn.Offset += start
		}
		if typ, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			typ.Offset += start
		}
		return describeJSONError(err, data)
	}
	return nil
}

// checkTypos walks the JSON document data along the model type t and
// fails on the first member that t does not declare but whose name is
// close to one it declares at the same place (nearMember), naming both.
// Other unknown members pass. What is not valid JSON, or not of the shape
// t expects, passes too: the decoding that follows reports it with its
// position.
func checkTypos(data []byte, t reflect.Type) error {
	return checkMembers("", data, t)
}

func checkMembers(path string, data []byte, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if path != "" && reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return nil // a type with its own JSON form, such as a time
	}
	switch t.Kind() {
	case reflect.Struct:
		var members map[string]json.RawMessage
		if json.Unmarshal(data, &members) != nil {
			return nil
		}
		fields := jsonFields(t)
		for _, name := range slices.Sorted(maps.Keys(members)) {
			if ft, ok := fields[name]; ok {
				if err := checkMembers(join(path, name), members[name], ft); err != nil {
					return err
				}
				continue
			}
			for _, known := range slices.Sorted(maps.Keys(fields)) {
				if nearMember(name, known) {
					return fmt.Errorf("unknown member %q looks like a typo of %q (a member whose name is close to a known one is refused; others are kept and sent)",
						join(path, name), join(path, known))
				}
			}
		}
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if json.Unmarshal(data, &items) != nil {
			return nil
		}
		for i, item := range items {
			if err := checkMembers(fmt.Sprintf("%s[%d]", path, i), item, t.Elem()); err != nil {
				return err
			}
		}
	case reflect.Map:
		var members map[string]json.RawMessage
		if json.Unmarshal(data, &members) != nil {
			return nil
		}
		for _, name := range slices.Sorted(maps.Keys(members)) {
			if err := checkMembers(join(path, name), members[name], t.Elem()); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// jsonFields maps the JSON member names of the struct type t to their
// types, as encoding/json sees them (embedded structs without a name are
// flattened).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := make(map[string]reflect.Type)
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for n, t := range jsonFields(ft) {
					if _, ok := fields[n]; !ok {
						fields[n] = t
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}

// nearMember reports whether the unknown member name is close enough to the
// known member name to be taken for a typo of it: the two are equal once
// case, '_' and '-' are ignored, or else they are at most one edit apart
// (a letter added, removed, changed, or two neighbours swapped) when the
// shorter has 3 or 4 letters, or at most two edits when it has 5 or more.
func nearMember(name, known string) bool {
	a, b := foldName(name), foldName(known)
	if a == b {
		return true
	}
	shorter := min(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	switch {
	case shorter >= 5:
		return editDistance(a, b) <= 2
	case shorter >= 3:
		return editDistance(a, b) <= 1
	}
	return false
}

func foldName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// editDistance is the optimal string alignment distance between a and b:
// the number of insertions, deletions, substitutions and swaps of two
// neighbouring letters that turn one into the other.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	// d[i][j] is the distance between x[:i] and y[:j].
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// describeJSONError turns an error of encoding/json into a message that
// says where the problem is.
func describeJSONError(err error, data []byte) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%s at %s", strings.TrimPrefix(syn.Error(), "json: "), position(data, syn.Offset))
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "the document"
		}
		want := "a value of another type"
		if typ.Type != nil {
			want = jsonKind(typ.Type.Kind().String())
		}
		return fmt.Errorf("%s must be %s, not JSON %s (at %s)", where, want, typ.Value, position(data, typ.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the JSON value is cut short")
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKind names a Go kind the way a JSON reader thinks of it.
func jsonKind(kind string) string {
	switch kind {
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "ptr", "interface":
		return "a value of another type"
	}
	return "a number"
}

// position renders a byte offset of data as "line L, column C".
func position(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return fmt.Sprintf("line %d, column %d", line, col)
}

// features lists the features whose access can be checked: every value of
// HasFeatureAccessEnum but UNKNOWN (generated from the spec).
func features() []user.HasFeatureAccessEnum {
	return specFeatures()
}

// parseFeature finds the feature named arg, in any case and with '-' for
// '_' ("share-snippet" is SHARE_SNIPPET).
func parseFeature(arg string) (user.HasFeatureAccessEnum, error) {
	want := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(arg), "-", "_"))
	names := make([]string, 0, len(features()))
	for _, f := range features() {
		if string(f) == want {
			return f, nil
		}
		names = append(names, string(f))
	}
	return "", usagef("feature: unknown feature %q; valid features (any case): %s", arg, strings.Join(names, ", "))
}

// parseProcessing reads the --processing flag of feature.
func parseProcessing(arg string) (user.CapabilitiesEnum, error) {
	modes := specProcessingModes()
	names := make([]string, 0, len(modes))
	for _, c := range modes {
		if strings.EqualFold(arg, string(c)) {
			return c, nil
		}
		names = append(names, string(c))
	}
	return "", usagef("feature: --processing %q is not one of %s", arg, strings.Join(names, ", "))
}
