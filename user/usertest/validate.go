package usertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// bodyProblem says why a request body was refused, and with which status.
type bodyProblem struct {
	status int
	msg    string
	// member is set when the body is well-formed JSON of the right media
	// type but one of its members breaks the schema.
	member *memberError
}

// memberError is a member of a JSON body that breaks the schema.
type memberError struct {
	path    string // dotted JSON path of the member, e.g. "aesthetics.font.size"
	missing bool   // a required member is absent (or null)
	enum    bool   // the value is not one of the enum's values
	reason  string
}

func (e *memberError) Error() string {
	if e.missing {
		return "member " + e.path + " is required"
	}
	return "member " + e.path + ": " + e.reason
}

// checkBody checks the request body of op against the spec: media type,
// JSON syntax, one JSON object, member types, enum values, date-times and
// required members. It returns nil when the body is acceptable, including
// when an optional body is absent or the operation takes no body (a body
// sent to such an operation is ignored, as servers do).
func checkBody(op operation, contentType string, body []byte) *bodyProblem {
	if op.body == nil {
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if op.bodyRequired {
			return &bodyProblem{status: http.StatusBadRequest,
				msg: fmt.Sprintf("the operation needs a JSON request body (%s); none was sent", op.body.Name())}
		}
		return nil
	}
	if contentType == "" {
		return &bodyProblem{status: http.StatusUnsupportedMediaType,
			msg: "the request has a body but no Content-Type; send application/json"}
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return &bodyProblem{status: http.StatusUnsupportedMediaType,
			msg: fmt.Sprintf("malformed Content-Type %q: %v", contentType, err)}
	}
	if mt != "application/json" {
		return &bodyProblem{status: http.StatusUnsupportedMediaType,
			msg: fmt.Sprintf("Content-Type must be application/json, not %q", mt)}
	}

	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return &bodyProblem{status: http.StatusBadRequest, msg: "malformed JSON body: " + describeJSONError(err)}
	}
	if off := dec.InputOffset(); hasMore(dec) {
		return &bodyProblem{status: http.StatusBadRequest,
			msg: fmt.Sprintf("malformed JSON body: unexpected data after the JSON value at byte %d", off)}
	}
	if _, ok := v.(map[string]any); !ok {
		return &bodyProblem{status: http.StatusBadRequest,
			msg: fmt.Sprintf("the JSON body must be an object (%s), not %s", op.body.Name(), jsonKind(v))}
	}
	if err := checkValue("", v, op.body); err != nil {
		var me *memberError
		if errors.As(err, &me) {
			return &bodyProblem{status: http.StatusBadRequest, msg: "request body: " + me.Error(), member: me}
		}
		return &bodyProblem{status: http.StatusBadRequest, msg: "request body: " + err.Error()}
	}
	// The walk above accepts only what the type can hold; decoding it is a
	// last check that both agree.
	if err := json.Unmarshal(body, reflect.New(op.body).Interface()); err != nil {
		return &bodyProblem{status: http.StatusBadRequest, msg: "request body: " + err.Error()}
	}
	return nil
}

// hasMore reports whether anything but white space follows the first JSON
// value read by dec.
func hasMore(dec *json.Decoder) bool {
	_, err := dec.Token()
	return !errors.Is(err, io.EOF)
}

// describeJSONError words a decoding error of encoding/json with the byte
// offset where it happened.
func describeJSONError(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the JSON value is cut short"
	}
	return err.Error()
}

// jsonKind names the JSON type of a value decoded with UseNumber.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// validator is implemented by the enum types of gen.
type validator interface{ Valid() bool }

// checkValue checks a JSON value decoded with UseNumber against the Go type
// that gen generated for its schema. Struct fields whose json tag has
// neither omitempty nor omitzero are the schema's required members.
func checkValue(path string, v any, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	mismatch := func(want string) error {
		return &memberError{path: path, reason: fmt.Sprintf("want %s, got %s", want, jsonKind(v))}
	}
	if t == reflect.TypeFor[time.Time]() {
		s, ok := v.(string)
		if !ok {
			return mismatch("an RFC 3339 date-time string")
		}
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return &memberError{path: path, reason: fmt.Sprintf("%q is not an RFC 3339 date-time", s)}
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return mismatch("an object")
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, required, ok := jsonField(f)
			if !ok {
				continue
			}
			sub := joinPath(path, name)
			val, present := obj[name]
			if !present || val == nil {
				if required {
					return &memberError{path: sub, missing: true}
				}
				continue
			}
			if err := checkValue(sub, val, f.Type); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return mismatch("an array")
		}
		for i, el := range arr {
			sub := fmt.Sprintf("%s[%d]", path, i)
			if el == nil {
				return &memberError{path: sub, reason: "must not be null"}
			}
			if err := checkValue(sub, el, t.Elem()); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return mismatch("an object")
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			sub := joinPath(path, k)
			if obj[k] == nil {
				return &memberError{path: sub, reason: "must not be null"}
			}
			if err := checkValue(sub, obj[k], t.Elem()); err != nil {
				return err
			}
		}
		return nil
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return mismatch("a string")
		}
		if t.Implements(reflect.TypeFor[validator]()) {
			ev := reflect.New(t).Elem()
			ev.SetString(s)
			if !ev.Interface().(validator).Valid() {
				return &memberError{path: path, enum: true, reason: fmt.Sprintf("%q is not one of the values of %s", s, t.Name())}
			}
		}
		return nil
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return mismatch("a boolean")
		}
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch("an integer")
		}
		if _, err := strconv.ParseInt(n.String(), 10, t.Bits()); err != nil {
			if strings.ContainsAny(n.String(), ".eE") {
				return &memberError{path: path, reason: fmt.Sprintf("%s is not an integer", n)}
			}
			return &memberError{path: path, reason: fmt.Sprintf("%s does not fit in %d bits", n, t.Bits())}
		}
		return nil
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return mismatch("a number")
		}
		if _, err := strconv.ParseFloat(n.String(), t.Bits()); err != nil {
			return &memberError{path: path, reason: fmt.Sprintf("%s does not fit a %d-bit number", n, t.Bits())}
		}
		return nil
	case reflect.Interface:
		return nil
	}
	return &memberError{path: path, reason: fmt.Sprintf("no check for Go type %s", t)}
}

// jsonField returns the JSON name of a struct field and whether the schema
// requires it; ok is false for fields that are not serialised.
func jsonField(f reflect.StructField) (name string, required, ok bool) {
	if !f.IsExported() {
		return "", false, false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	required = true
	for o := range strings.SplitSeq(opts, ",") {
		if o == "omitempty" || o == "omitzero" {
			required = false
		}
	}
	return name, required, true
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
