package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

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
	name := file
	var r io.Reader
	switch file {
	case "":
		return usagef("%s: --file is empty; give a file name, or '-' for standard input", cmd)
	case "-":
		name, r = "standard input", s.stdin
	default:
		f, err := os.Open(file)
		if err != nil {
			return usagef("%s: --file: %v", cmd, err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return usagef("%s: reading %s: %v", cmd, name, err)
	}
	if len(data) > maxDocument {
		return usagef("%s: %s is larger than %d bytes", cmd, name, maxDocument)
	}
	if err := decodeStrict(data, v); err != nil {
		return usagef("%s: %s is not a valid %s document: %v", cmd, name, model, err)
	}
	return nil
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
	for _, c := range []user.CapabilitiesEnum{user.CapabilitiesEnumLOCAL, user.CapabilitiesEnumCLOUD, user.CapabilitiesEnumBLENDED} {
		if strings.EqualFold(arg, string(c)) {
			return c, nil
		}
	}
	return "", usagef("feature: --processing %q is not one of LOCAL, CLOUD, BLENDED", arg)
}
