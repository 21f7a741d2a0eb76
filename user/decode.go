package user

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Media types of the bodies the operations document.
const (
	mediaJSON = "application/json"
	mediaText = "text/plain"
)

// decodeJSON decodes the body of a 2xx answer of op into a new T. The answer
// must be labelled application/json and hold a complete JSON value of T's
// shape with every member T requires; members T does not know are ignored.
func decodeJSON[T any](c *Client, op string, ans *answer) (*T, error) {
	if err := checkMediaType(ans.header, mediaJSON); err != nil {
		return nil, c.opError(op, err)
	}
	v := new(T)
	if err := decodeStrict(ans.body, v); err != nil {
		return nil, c.opError(op, err)
	}
	return v, nil
}

// decodeText returns the body of a 2xx text/plain answer of op without the
// surrounding white space. An empty text is malformed.
func decodeText(c *Client, op string, ans *answer) (string, error) {
	if err := checkMediaType(ans.header, mediaText); err != nil {
		return "", c.opError(op, err)
	}
	s := strings.TrimSpace(string(ans.body))
	if s == "" {
		return "", c.opError(op, fmt.Errorf("%w: the body is empty", ErrMalformedResponse))
	}
	return s, nil
}

// checkMediaType checks that the Content-Type of an answer names the media
// type want; parameters such as charset may follow.
func checkMediaType(h http.Header, want string) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		return fmt.Errorf("%w: the answer has no Content-Type, want %s", ErrMalformedResponse, want)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("%w: Content-Type %q is not a valid media type, want %s", ErrMalformedResponse, ct, want)
	}
	if mt == want {
		return nil
	}
	return fmt.Errorf("%w: media type is %s, want %s", ErrMalformedResponse, mt, want)
}

// decodeStrict decodes body into v (a pointer to a gen model) and then
// checks that the JSON holds every member the model requires.
//
// Which members are required is read off the struct tags of package gen:
// gen tags optional members omitempty or omitzero and required ones
// neither. A required member that is absent, or null where an object,
// string, number or boolean belongs, makes the body malformed. A null array
// counts as empty, the way Go encodes a nil slice. Unknown members and
// unknown enum values are accepted.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("%w: the body is empty", ErrMalformedResponse)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedResponse, err)
	}
	var tree any
	if err := json.Unmarshal(body, &tree); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedResponse, err)
	}
	if err := checkRequired(tree, reflect.TypeOf(v).Elem(), ""); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedResponse, err)
	}
	return nil
}

// checkRequired walks the decoded JSON value v along the Go type t and
// reports the first required member that is missing. path names the place
// in the document for the message.
func checkRequired(v any, t reflect.Type, path string) error {
	switch t.Kind() {
	case reflect.Pointer:
		if v == nil {
			return nil
		}
		return checkRequired(v, t.Elem(), path)
	case reflect.Slice, reflect.Array:
		items, ok := v.([]any)
		if !ok {
			return nil
		}
		for i, item := range items {
			if err := checkRequired(item, t.Elem(), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		members, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for k, item := range members {
			if err := checkRequired(item, t.Elem(), path+"["+strconv.Quote(k)+"]"); err != nil {
				return err
			}
		}
		return nil
	case reflect.Struct:
		if decodesItself(t) {
			return nil
		}
		if v == nil {
			return fmt.Errorf("%s is null, want an object", describe(path))
		}
		members, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		return checkMembers(members, t, path)
	}
	return nil
}

// checkMembers checks the members of one JSON object against struct type t.
func checkMembers(members map[string]any, t reflect.Type, path string) error {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			if err := checkMembers(members, f.Type, path); err != nil {
				return err
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		where := name
		if path != "" {
			where = path + "." + name
		}
		required := !hasOption(opts, "omitempty") && !hasOption(opts, "omitzero")
		item, present := members[name]
		switch {
		case required && !present:
			return fmt.Errorf("required member %q is missing", where)
		case required && item == nil && !nullable(f.Type):
			return fmt.Errorf("required member %q is null", where)
		case item == nil:
			continue
		}
		if err := checkRequired(item, f.Type, where); err != nil {
			return err
		}
	}
	return nil
}

// decodesItself reports whether values of t are decoded by their own
// method (time.Time and other JSON or text unmarshalers), so that their
// members are not JSON members.
func decodesItself(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t == reflect.TypeFor[time.Time]() ||
		pt.Implements(reflect.TypeFor[json.Unmarshaler]()) ||
		pt.Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// nullable reports whether a JSON null is an acceptable value of a required
// member of type t: arrays and maps (an empty collection, as Go encodes a nil
// one) and pointers.
func nullable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		return true
	}
	return false
}

func hasOption(opts, want string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

func describe(path string) string {
	if path == "" {
		return "the body"
	}
	return strconv.Quote(path)
}
