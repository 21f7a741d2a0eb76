package user

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
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
func decodeJSON[T any](c *Client, op string, ans answer) (*T, error) {
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
func decodeText(c *Client, op string, ans answer) (string, error) {
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
	if ct == want {
		return nil // the usual case, which needs no parsing
	}
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
	// The quick check reads the body once more without decoding it and
	// says whether every required member is there. Only when it finds a
	// problem (or cannot be sure) does the exact check below decode the
	// body generically to name the problem.
	if t := reflect.TypeOf(v).Elem(); shapeOf(t).complete(body, rejectsNull(t)) {
		return nil
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
	if err := checkCase(members, t, path); err != nil {
		return err
	}
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

// checkCase refuses a member whose name matches a member of t only without
// regard to case. encoding/json would fill the field from it, and the
// required members inside would then go unchecked, since the checks look
// names up exactly.
func checkCase(members map[string]any, t reflect.Type, path string) error {
	fields := jsonNames(t)
	for k := range members {
		if slices.Contains(fields, k) {
			continue
		}
		for _, f := range fields {
			if strings.EqualFold(k, f) {
				return fmt.Errorf("member %q of %s differs from %q only in case", k, describe(path), f)
			}
		}
	}
	return nil
}

// jsonNames lists the JSON names of the members of struct t.
func jsonNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			names = append(names, jsonNames(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	return names
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

// The quick check of decodeStrict.
//
// decodeStrict first decodes a body with json.Unmarshal, which also
// proves the body is valid JSON. The quick check then reads the same bytes
// once more, without decoding them, along a shape computed once per Go
// type: which members each object must have, which items may not be null.
// It allocates nothing. It answers true only when the exact check
// (checkRequired) would find nothing; when it answers false, or meets
// something it does not handle (a member name with an escape, more than 64
// required members in one object), the exact check runs and says what is
// wrong, so both always agree on what is accepted.

// shapes holds the shape of every type seen so far, keyed by
// reflect.Type. A shape is a pure function of its type, so this memo
// changes no behaviour; encoding/json keeps its struct fields the same way.
var shapes sync.Map // reflect.Type -> *shape

// shapeKind says how the quick check reads the JSON value of a type.
type shapeKind uint8

const (
	shapeAny    shapeKind = iota // nothing to check inside: skip the value
	shapeObject                  // a struct: check its members
	shapeArray                   // a slice or an array: check each item
	shapeMap                     // a map: check each member's value
	shapeUnsure                  // leave the decision to the exact check
)

// shape is what the quick check looks for in the JSON value of one Go type,
// pointers removed. Shapes of recursive types point to each other.
type shape struct {
	kind shapeKind
	// members and required describe a shapeObject: its members by JSON
	// name, and the bits of the required ones.
	members  map[string]member
	names    [][]byte // the keys of members, for case-insensitive matches
	required uint64
	// elem and elemRejectsNull describe the items of a shapeArray or the
	// values of a shapeMap.
	elem            *shape
	elemRejectsNull bool
}

// member is one member of a shapeObject.
type member struct {
	shape  *shape
	bit    uint64 // the member's bit in shape.required; 0 when optional
	nullOK bool   // null is accepted although the member is required
}

// shapeOf returns the shape of t, computing and remembering it (and the
// shapes it refers to) on first use.
func shapeOf(t reflect.Type) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	building := make(map[reflect.Type]*shape)
	s := buildShape(t, building)
	for bt, bs := range building {
		shapes.LoadOrStore(bt, bs)
	}
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	return s
}

// buildShape computes the shape of t. building holds the shapes under
// construction, so that a recursive type refers to itself.
func buildShape(t reflect.Type, building map[reflect.Type]*shape) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := building[t]; ok {
		return s
	}
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	s := &shape{}
	building[t] = s
	switch t.Kind() {
	case reflect.Struct:
		if decodesItself(t) {
			return s
		}
		// The kind is set before the members are built, so that a member
		// referring back to t sees an object.
		s.kind = shapeObject
		s.members = make(map[string]member)
		bits := 0
		if !addMembers(s, t, building, &bits) {
			s.kind, s.members, s.required = shapeUnsure, nil, 0
		}
	case reflect.Slice, reflect.Array, reflect.Map:
		s.kind = shapeArray
		if t.Kind() == reflect.Map {
			s.kind = shapeMap
		}
		s.elem = buildShape(t.Elem(), building)
		s.elemRejectsNull = rejectsNull(t.Elem())
		if s.elem.kind == shapeAny && !s.elemRejectsNull {
			s.kind, s.elem = shapeAny, nil
		}
	}
	return s
}

// addMembers adds the members of struct t to s, the way checkMembers reads
// them, counting required members in bits. It reports false when the
// quick check cannot represent t: two members with one name, or more than
// 64 required members.
func addMembers(s *shape, t reflect.Type, building map[reflect.Type]*shape, bits *int) bool {
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
			if !addMembers(s, f.Type, building, bits) {
				return false
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := s.members[name]; dup {
			return false
		}
		m := member{shape: buildShape(f.Type, building), nullOK: nullable(f.Type)}
		if !hasOption(opts, "omitempty") && !hasOption(opts, "omitzero") {
			if *bits == 64 {
				return false
			}
			m.bit = 1 << *bits
			*bits++
			s.required |= m.bit
		}
		s.members[name] = m
		s.names = append(s.names, []byte(name))
	}
	return true
}

// rejectsNull reports whether checkRequired refuses a null for a value of
// type t where no member name is involved (the body itself, an array item,
// a map value): it does for a struct that does not decode itself.
func rejectsNull(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && !decodesItself(t)
}

// complete reports whether data, a JSON value that json.Unmarshal has
// accepted, has every member s requires at every depth and no refused
// null; rejectNull says whether a null body is refused. false may also
// mean that the quick check cannot tell.
func (s *shape) complete(data []byte, rejectNull bool) bool {
	sc := scanner{data: data}
	if !sc.value(s, rejectNull) {
		return false
	}
	sc.space()
	return sc.i == len(data)
}

// scanner walks a JSON text that is known to be valid. Every read is
// bounds-checked all the same: on anything unexpected it reports false and
// leaves the decision to the exact check.
type scanner struct {
	data []byte
	i    int
}

// peek returns the byte at the cursor, or 0 at the end.
func (sc *scanner) peek() byte {
	if sc.i < len(sc.data) {
		return sc.data[sc.i]
	}
	return 0
}

// space moves the cursor past white space.
func (sc *scanner) space() {
	for sc.i < len(sc.data) {
		switch sc.data[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// value checks the value at the cursor against s and moves past it.
func (sc *scanner) value(s *shape, rejectNull bool) bool {
	sc.space()
	c := sc.peek()
	if c == 'n' {
		return sc.literal("null") && !rejectNull
	}
	switch {
	case s.kind == shapeUnsure:
		return false
	case s.kind == shapeObject && c == '{':
		return sc.object(s)
	case s.kind == shapeArray && c == '[':
		return sc.items(s)
	case s.kind == shapeMap && c == '{':
		return sc.mapValues(s)
	}
	// A value of another JSON type was decoded by its own rules (a []byte
	// from a string, say): checkRequired looks no further either.
	return sc.skip()
}

// object checks the members of the object at the cursor against s.
func (sc *scanner) object(s *shape) bool {
	sc.i++ // '{'
	var seen uint64
	sc.space()
	if sc.peek() == '}' {
		sc.i++
		return s.required == 0
	}
	for {
		name, ok := sc.name()
		if !ok {
			return false
		}
		m, known := s.members[string(name)]
		sc.space()
		switch {
		case !known:
			// encoding/json fills a field from a member whose name
			// matches only without regard to case; the exact check
			// refuses it.
			if s.foldsOnto(name) || !sc.skip() {
				return false
			}
		case sc.peek() == 'n':
			if !sc.literal("null") || (m.bit != 0 && !m.nullOK) {
				return false
			}
			seen |= m.bit
		default:
			seen |= m.bit
			if !sc.value(m.shape, false) {
				return false
			}
		}
		sc.space()
		switch sc.peek() {
		case ',':
			sc.i++
			sc.space()
		case '}':
			sc.i++
			return seen&s.required == s.required
		default:
			return false
		}
	}
}

// foldsOnto reports whether name matches the name of one of s's members
// without regard to case.
func (s *shape) foldsOnto(name []byte) bool {
	for _, n := range s.names {
		if bytes.EqualFold(name, n) {
			return true
		}
	}
	return false
}

// items checks each item of the array at the cursor against s.elem.
func (sc *scanner) items(s *shape) bool {
	sc.i++ // '['
	sc.space()
	if sc.peek() == ']' {
		sc.i++
		return true
	}
	for {
		if !sc.value(s.elem, s.elemRejectsNull) {
			return false
		}
		sc.space()
		switch sc.peek() {
		case ',':
			sc.i++
		case ']':
			sc.i++
			return true
		default:
			return false
		}
	}
}

// mapValues checks the value of each member of the object at the cursor
// against s.elem.
func (sc *scanner) mapValues(s *shape) bool {
	sc.i++ // '{'
	sc.space()
	if sc.peek() == '}' {
		sc.i++
		return true
	}
	for {
		if sc.peek() != '"' || !sc.skipString() {
			return false
		}
		sc.space()
		if sc.peek() != ':' {
			return false
		}
		sc.i++
		if !sc.value(s.elem, s.elemRejectsNull) {
			return false
		}
		sc.space()
		switch sc.peek() {
		case ',':
			sc.i++
			sc.space()
		case '}':
			sc.i++
			return true
		default:
			return false
		}
	}
}

// name reads a member name and the colon after it. It reports false for a
// name with an escape sequence, which the quick check does not decode.
func (sc *scanner) name() ([]byte, bool) {
	if sc.peek() != '"' {
		return nil, false
	}
	rest := sc.data[sc.i+1:]
	end := bytes.IndexByte(rest, '"')
	if end < 0 || bytes.IndexByte(rest[:end], '\\') >= 0 {
		return nil, false
	}
	sc.i += end + 2
	sc.space()
	if sc.peek() != ':' {
		return nil, false
	}
	sc.i++
	return rest[:end], true
}

// skip moves past the value at the cursor.
func (sc *scanner) skip() bool {
	switch sc.peek() {
	case '"':
		return sc.skipString()
	case '{', '[':
		depth := 0
		for sc.i < len(sc.data) {
			switch sc.data[sc.i] {
			case '"':
				if !sc.skipString() {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					sc.i++
					return true
				}
			}
			sc.i++
		}
		return false
	case 0:
		return false
	default: // a number, true, false or null
		for sc.i < len(sc.data) {
			switch sc.data[sc.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return true
			}
			sc.i++
		}
		return true
	}
}

// skipString moves past the string at the cursor.
func (sc *scanner) skipString() bool {
	j := sc.i + 1
	for {
		end := bytes.IndexByte(sc.data[j:], '"')
		if end < 0 {
			return false
		}
		j += end
		// The quote ends the string unless an odd number of backslashes
		// escapes it.
		n := 0
		for k := j - 1; k > sc.i && sc.data[k] == '\\'; k-- {
			n++
		}
		j++
		if n%2 == 0 {
			sc.i = j
			return true
		}
	}
}

// literal moves past the literal lit (such as null) at the cursor.
func (sc *scanner) literal(lit string) bool {
	if len(sc.data)-sc.i < len(lit) || string(sc.data[sc.i:sc.i+len(lit)]) != lit {
		return false
	}
	sc.i += len(lit)
	return true
}
