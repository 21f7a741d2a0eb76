package usertest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"
)

// operation describes a route of the spec; operations_gen.go, generated
// from api/openapi.yaml, has the table of them (see lookupOperation).
type operation struct {
	id           string       // operationId in api/openapi.yaml
	body         reflect.Type // type of the JSON request body; nil when the operation takes none
	bodyRequired bool         // the spec marks the request body required
}

// bodyProblem says why a request body was refused, and with which status.
type bodyProblem struct {
	status int
	msg    string
	member *memberError // set when a member of well-formed JSON breaks the schema
}

// memberError is a member of a JSON body that breaks the schema.
type memberError struct {
	path    string // dotted JSON path of the member, e.g. "aesthetics.font.size"
	missing bool   // a required member is absent (or null)
	reason  string
}

func (e *memberError) Error() string {
	if e.missing {
		return "member " + e.path + " is required"
	}
	return "member " + e.path + ": " + e.reason
}

// checkBody checks the media type, then checkJSON; it accepts an absent
// optional body, and any body to an operation that takes none.
func checkBody(op operation, contentType string, body []byte) *bodyProblem {
	if op.body == nil {
		return nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	switch {
	case len(bytes.TrimSpace(body)) == 0 && op.bodyRequired:
		return &bodyProblem{status: http.StatusBadRequest,
			msg: fmt.Sprintf("the operation needs a JSON request body (%s); none was sent", op.body.Name())}
	case len(bytes.TrimSpace(body)) == 0:
		return nil
	case contentType == "":
		return &bodyProblem{status: http.StatusUnsupportedMediaType, msg: "the request has a body but no Content-Type; send application/json"}
	case err != nil:
		return &bodyProblem{status: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("malformed Content-Type %q: %v", contentType, err)}
	case mt != "application/json":
		return &bodyProblem{status: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("Content-Type must be application/json, not %q", mt)}
	}
	return checkJSON(body, op.body)
}

// checkJSON checks that body is one JSON object that fits t: member types,
// date-times and required members. Members and enum values t does not know
// are accepted, since a newer Pieces OS or client may send them.
func checkJSON(body []byte, t reflect.Type) *bodyProblem {
	refuse := func(format string, args ...any) *bodyProblem {
		return &bodyProblem{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return refuse("malformed JSON body: %v (at byte %d)", se, se.Offset)
	} else if err != nil {
		return refuse("malformed JSON body: the JSON value is cut short")
	}
	if off := dec.InputOffset(); dec.More() {
		return refuse("malformed JSON body: unexpected data after the JSON value at byte %d", off)
	}
	if _, ok := v.(map[string]any); !ok {
		return refuse("the JSON body must be an object (%s), not %s", t.Name(), jsonKind(v))
	}
	if err := checkValue("", v, t, false); err != nil {
		return &bodyProblem{status: http.StatusBadRequest, msg: "request body: " + err.Error(), member: err}
	}
	// The walk above leaves number ranges and fractions to encoding/json,
	// and decoding is a last check that both agree.
	if err := json.Unmarshal(body, reflect.New(t).Interface()); err != nil {
		return refuse("request body: %v", err)
	}
	return nil
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
	}
	return "an object"
}

// validator is implemented by the enum types of gen.
type validator interface{ Valid() bool }

// checkValue checks a JSON value decoded with UseNumber against the Go type
// gen made of its schema; fields without omitempty or omitzero are
// required. An enum value the spec does not list fails only when enums.
func checkValue(path string, v any, t reflect.Type, enums bool) *memberError {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	bad := func(format string, args ...any) *memberError {
		return &memberError{path: path, reason: fmt.Sprintf(format, args...)}
	}
	mismatch := func(want string) *memberError { return bad("want %s, got %s", want, jsonKind(v)) }
	s, isString := v.(string)
	obj, isObject := v.(map[string]any)
	arr, isArray := v.([]any)
	switch t.Kind() {
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			if !isString {
				return mismatch("an RFC 3339 date-time string")
			} else if _, err := time.Parse(time.RFC3339, s); err != nil {
				return bad("%q is not an RFC 3339 date-time", s)
			}
			return nil
		}
		if !isObject {
			return mismatch("an object")
		}
		for f := range t.Fields() {
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			name = cmp.Or(name, f.Name)
			switch val := obj[name]; {
			case !f.IsExported() || tag == "-":
			case val != nil:
				if err := checkValue(joinPath(path, name), val, f.Type, enums); err != nil {
					return err
				}
			case !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero"):
				return &memberError{path: joinPath(path, name), missing: true}
			}
		}
	case reflect.Slice:
		if !isArray {
			return mismatch("an array")
		}
		for i, el := range arr {
			if err := checkElem(fmt.Sprintf("%s[%d]", path, i), el, t.Elem(), enums); err != nil {
				return err
			}
		}
	case reflect.Map:
		if !isObject {
			return mismatch("an object")
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			if err := checkElem(joinPath(path, k), obj[k], t.Elem(), enums); err != nil {
				return err
			}
		}
	case reflect.String:
		if !isString {
			return mismatch("a string")
		}
		ev := reflect.New(t).Elem()
		ev.SetString(s)
		if e, ok := ev.Interface().(validator); enums && ok && !e.Valid() {
			return bad("%q is not one of the values of %s", s, t.Name())
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return mismatch("a boolean")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
		if _, ok := v.(json.Number); !ok {
			return mismatch("a number")
		}
	case reflect.Interface:
	default:
		return bad("no check for Go type %s", t)
	}
	return nil
}

// checkElem checks an element of an array or a map, which is not null.
func checkElem(path string, v any, t reflect.Type, enums bool) *memberError {
	if v == nil {
		return &memberError{path: path, reason: "must not be null"}
	}
	return checkValue(path, v, t, enums)
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
