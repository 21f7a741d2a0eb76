package main

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// The files genlists reads, relative to the repository root: the spec, the
// generated package gen, and the hand-written files of package user, whose
// methods make the table of operations.
const (
	specPath = "api/openapi.yaml"
	genPath  = "gen/user.gen.go"
	userDir  = "user"
)

// model holds the facts of the spec and of package gen that the generated
// files are made of.
type model struct {
	ops      []operation // ordered by operation ID
	schemas  []schema    // ordered by Go name
	features []enumValue // HasFeatureAccessEnum in spec order, UNKNOWN left out
	modes    []enumValue // CapabilitiesEnum in spec order, UNKNOWN left out
	rows     []docRow    // the table of operations of the package documentation
}

// operation is one operation of the spec.
type operation struct {
	id      string
	method  string // GET, POST, ...
	path    string
	stream  bool   // tagged websocket
	bearer  bool   // the security requirements name auth0
	accept  string // the media types of every documented answer, sorted and joined by ", "
	ok      int    // the one documented 2xx status
	media   string // the media type of the 2xx answer's body; "" when it has none
	body    string // Go type in gen of the JSON request body; "" when there is none
	bodyReq bool
}

// goName is the operation ID with its first letter upper-cased, as gen
// names the methods of StrictServerInterface.
func (o operation) goName() string { return upperFirst(o.id) }

// route is how the pieces-user command names the route of the operation.
func (o operation) route() string {
	if o.stream {
		return "WebSocket " + o.path
	}
	return o.method + " " + o.path
}

// pattern is the net/http ServeMux pattern of the operation.
func (o operation) pattern() string { return o.method + " " + o.path }

// schema is one component schema with its Go name in gen.
type schema struct {
	name        string
	goName      string
	description string      // the schema's description in the spec
	enum        []enumValue // the values gen defines, ordered by Go name
	values      []enumValue // the same values in the order of the spec
	fields      []field     // the fields of gen's struct, in gen's order; nil for other types
}

// field is one field of a struct type of gen.
type field struct {
	name   string // Go name
	goType string // Go type as gen writes it, such as *bool or []ReferencedEntity
	json   string // the name in the json tag
	doc    string // gen's doc comment, the leading field name removed
}

// enumValue is one value of an enum and the constant gen defines for it.
type enumValue struct {
	value  string
	goName string
}

func load(root string) (*model, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join(root, specPath))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", specPath, err)
	}
	g, err := readGen(filepath.Join(root, genPath))
	if err != nil {
		return nil, err
	}
	goType := func(schemaName string) (string, error) {
		key := foldName(schemaName)
		var found []string
		for name := range g.types {
			if foldName(name) == key {
				found = append(found, name)
			}
		}
		if len(found) != 1 {
			return "", fmt.Errorf("schema %s has %d matching types in %s (%v); run `make generate` first", schemaName, len(found), genPath, found)
		}
		return found[0], nil
	}

	m := &model{}
	for name, ref := range doc.Components.Schemas {
		gn, err := goType(name)
		if err != nil {
			return nil, err
		}
		s := schema{name: name, goName: gn, fields: g.fields[gn]}
		if ref.Value != nil {
			s.description = ref.Value.Description
		}
		if ref.Value != nil && len(ref.Value.Enum) > 0 {
			for _, v := range ref.Value.Enum {
				sv := fmt.Sprint(v)
				c, ok := g.consts[gn][sv]
				if !ok {
					return nil, fmt.Errorf("gen defines no constant for the value %q of %s; run `make generate` first", sv, name)
				}
				s.enum = append(s.enum, enumValue{value: sv, goName: c})
				s.values = append(s.values, enumValue{value: sv, goName: c})
				switch {
				case sv == "UNKNOWN":
				case name == "HasFeatureAccessEnum":
					m.features = append(m.features, enumValue{value: sv, goName: c})
				case name == "CapabilitiesEnum":
					m.modes = append(m.modes, enumValue{value: sv, goName: c})
				}
			}
			slices.SortFunc(s.enum, func(a, b enumValue) int { return cmp.Compare(a.goName, b.goName) })
		}
		m.schemas = append(m.schemas, s)
	}
	slices.SortFunc(m.schemas, func(a, b schema) int { return cmp.Compare(a.goName, b.goName) })

	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o, err := readOperation(doc, path, method, op, goType)
			if err != nil {
				return nil, err
			}
			m.ops = append(m.ops, o)
		}
	}
	slices.SortFunc(m.ops, func(a, b operation) int { return cmp.Compare(a.id, b.id) })
	for i := 1; i < len(m.ops); i++ {
		if m.ops[i].id == m.ops[i-1].id {
			return nil, fmt.Errorf("%s: operationId %s is used twice", specPath, m.ops[i].id)
		}
	}
	callers, err := reachingMethods(root, m.ops)
	if err != nil {
		return nil, err
	}
	m.rows = docRows(m.ops, callers)
	return m, nil
}

func readOperation(doc *openapi3.T, path, method string, op *openapi3.Operation, goType func(string) (string, error)) (operation, error) {
	o := operation{id: op.OperationID, method: strings.ToUpper(method), path: path}
	where := fmt.Sprintf("%s: %s %s", specPath, o.method, path)
	if o.id == "" {
		return o, fmt.Errorf("%s has no operationId", where)
	}
	o.stream = slices.Contains(op.Tags, "websocket")
	security := doc.Security
	if op.Security != nil {
		security = *op.Security
	}
	for _, req := range security {
		if _, ok := req["auth0"]; ok {
			o.bearer = true
		}
	}
	responses := op.Responses.Map()
	if len(responses) == 0 {
		return o, fmt.Errorf("%s documents no response", where)
	}
	media := map[string]bool{}
	var success []int
	for _, code := range slices.Sorted(maps.Keys(responses)) {
		resp := responses[code]
		status, err := strconv.Atoi(code)
		if err != nil || status < 100 || status > 599 {
			return o, fmt.Errorf("%s: response %q is not an HTTP status; name every status", where, code)
		}
		var types []string
		if resp.Value != nil {
			types = slices.Sorted(maps.Keys(resp.Value.Content))
		}
		for _, mt := range types {
			media[mt] = true
		}
		if status < 200 || status > 299 {
			continue
		}
		success = append(success, status)
		if len(types) > 1 {
			return o, fmt.Errorf("%s: the %d answer has %d media types (%s); the client reads one",
				where, status, len(types), strings.Join(types, ", "))
		}
		o.ok = status
		if len(types) == 1 {
			o.media = types[0]
		}
	}
	switch len(success) {
	case 1:
	case 0:
		return o, fmt.Errorf("%s documents no 2xx status; the endpoint table needs exactly one (such as 200 or 204)", where)
	default:
		return o, fmt.Errorf("%s documents %d 2xx statuses %v; the endpoint table needs exactly one", where, len(success), success)
	}
	o.accept = strings.Join(slices.Sorted(maps.Keys(media)), ", ")
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		mt := rb.Value.Content.Get("application/json")
		if mt == nil || mt.Schema == nil || len(rb.Value.Content) != 1 {
			return o, fmt.Errorf("%s: the request body must be application/json only", where)
		}
		name, ok := strings.CutPrefix(mt.Schema.Ref, "#/components/schemas/")
		if !ok {
			return o, fmt.Errorf("%s: the request body must name a component schema ($ref), not %q", where, mt.Schema.Ref)
		}
		gn, err := goType(name)
		if err != nil {
			return o, fmt.Errorf("%s: %w", where, err)
		}
		o.body, o.bodyReq = gn, rb.Value.Required
	}
	return o, nil
}

// genFacts are the facts genlists reads from the generated file.
type genFacts struct {
	types  map[string]bool              // the exported type names
	consts map[string]map[string]string // per type, its constants by value
	fields map[string][]field           // per struct type, its fields
}

// readGen reads the declarations of the generated file: its exported types,
// the string constants of each type, and the fields of each struct type.
func readGen(path string) (*genFacts, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution|parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("read %s (run `make generate` first): %w", genPath, err)
	}
	g := &genFacts{types: map[string]bool{}, consts: map[string]map[string]string{}, fields: map[string][]field{}}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if !s.Name.IsExported() {
					continue
				}
				g.types[s.Name.Name] = true
				if st, ok := s.Type.(*ast.StructType); ok && !s.Assign.IsValid() {
					fields, err := structFields(s.Name.Name, st)
					if err != nil {
						return nil, err
					}
					g.fields[s.Name.Name] = fields
				}
			case *ast.ValueSpec:
				id, ok := s.Type.(*ast.Ident)
				if gd.Tok != token.CONST || !ok || len(s.Names) != 1 || len(s.Values) != 1 {
					continue
				}
				lit, ok := s.Values[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					return nil, err
				}
				if g.consts[id.Name] == nil {
					g.consts[id.Name] = map[string]string{}
				}
				g.consts[id.Name][v] = s.Names[0].Name
			}
		}
	}
	return g, nil
}

// structFields reads the fields of a struct type of gen: name, type, JSON
// name and doc comment. gen starts a field's comment with the field's name
// ("// Email Email address; ..."); the name is cut off.
func structFields(typeName string, st *ast.StructType) ([]field, error) {
	fields := []field{}
	for _, fl := range st.Fields.List {
		goType := types.ExprString(fl.Type)
		var tag string
		if fl.Tag != nil {
			t, err := strconv.Unquote(fl.Tag.Value)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: the tag of a field of %s: %w", genPath, typeName, goType, err)
			}
			tag = reflect.StructTag(t).Get("json")
		}
		jsonName, _, _ := strings.Cut(tag, ",")
		doc := strings.Join(strings.Fields(fl.Doc.Text()), " ")
		for _, name := range fl.Names {
			if !name.IsExported() {
				continue
			}
			d := doc
			if rest, ok := strings.CutPrefix(doc, name.Name+" "); ok {
				d = rest
			}
			fields = append(fields, field{name: name.Name, goType: goType, json: jsonName, doc: d})
		}
	}
	return fields, nil
}

// foldName reduces a name to its lower-case letters and digits, so that a
// schema name matches the Go name gen gives it (AllocationCloudUrl is
// AllocationCloudURL).
func foldName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
