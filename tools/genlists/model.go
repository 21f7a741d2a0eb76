package main

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// The files genlists reads, relative to the repository root.
const (
	specPath = "api/openapi.yaml"
	genPath  = "gen/user.gen.go"
)

// model holds the facts of the spec and of package gen that the generated
// files are made of.
type model struct {
	ops      []operation // ordered by operation ID
	schemas  []schema    // ordered by Go name
	features []enumValue // HasFeatureAccessEnum in spec order, UNKNOWN left out
	modes    []enumValue // CapabilitiesEnum in spec order, UNKNOWN left out
}

// operation is one operation of the spec.
type operation struct {
	id         string
	method     string // GET, POST, ...
	path       string
	stream     bool // tagged websocket
	bearer     bool // the security requirements name auth0
	accept     string
	jsonErrors bool
	statuses   []int
	body       string // Go type in gen of the JSON request body; "" when there is none
	bodyReq    bool
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
	name   string
	goName string
	enum   []enumValue // the values gen defines, ordered by Go name
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
	types, consts, err := readGen(filepath.Join(root, genPath))
	if err != nil {
		return nil, err
	}
	goType := func(schemaName string) (string, error) {
		key := foldName(schemaName)
		var found []string
		for name := range types {
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
		s := schema{name: name, goName: gn}
		if ref.Value != nil && len(ref.Value.Enum) > 0 {
			for _, v := range ref.Value.Enum {
				sv := fmt.Sprint(v)
				c, ok := consts[gn][sv]
				if !ok {
					return nil, fmt.Errorf("gen defines no constant for the value %q of %s; run `make generate` first", sv, name)
				}
				s.enum = append(s.enum, enumValue{value: sv, goName: c})
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
	media := map[string]bool{}
	for code, resp := range op.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil || status < 100 || status > 599 {
			return o, fmt.Errorf("%s: response %q is not an HTTP status; name every status", where, code)
		}
		o.statuses = append(o.statuses, status)
		if resp.Value == nil {
			continue
		}
		for mt := range resp.Value.Content {
			media[mt] = true
			if mt == "application/json" && (status < 200 || status > 299) {
				o.jsonErrors = true
			}
		}
	}
	if len(o.statuses) == 0 {
		return o, fmt.Errorf("%s documents no response", where)
	}
	slices.Sort(o.statuses)
	o.accept = strings.Join(slices.Sorted(func(yield func(string) bool) {
		for mt := range media {
			if !yield(mt) {
				return
			}
		}
	}), ", ")
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

// readGen returns the type names declared in the generated file and, per
// type, its constants by value.
func readGen(path string) (map[string]bool, map[string]map[string]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s (run `make generate` first): %w", genPath, err)
	}
	types := map[string]bool{}
	consts := map[string]map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if s.Name.IsExported() {
					types[s.Name.Name] = true
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
					return nil, nil, err
				}
				if consts[id.Name] == nil {
					consts[id.Name] = map[string]string{}
				}
				consts[id.Name][v] = s.Names[0].Name
			}
		}
	}
	return types, consts, nil
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
