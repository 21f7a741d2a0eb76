package contract

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// goPackage is what these tests need to know about the source of one Go
// package: its type declarations, its string constants by type, and its
// aliases of package gen.
type goPackage struct {
	types map[string]*ast.TypeSpec
	// consts maps a type name to the values of its typed string constants.
	consts map[string]map[string]string // type -> value -> const name
	// genAliases maps a name of package gen to the names that alias it
	// (type X = gen.Y, or const X = gen.Y).
	genAliases map[string][]string
}

// parsePackage parses the non-test Go files of dir.
func parsePackage(t *testing.T, dir string) *goPackage {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	pkg := &goPackage{
		types:      make(map[string]*ast.TypeSpec),
		consts:     make(map[string]map[string]string),
		genAliases: make(map[string][]string),
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					pkg.types[s.Name.Name] = s
					if s.Assign.IsValid() {
						if sel := genSelector(s.Type); sel != "" {
							pkg.genAliases[sel] = append(pkg.genAliases[sel], s.Name.Name)
						}
					}
				case *ast.ValueSpec:
					if gd.Tok == token.CONST {
						pkg.addConsts(s)
					}
				}
			}
		}
	}
	return pkg
}

func (pkg *goPackage) addConsts(s *ast.ValueSpec) {
	for i, name := range s.Names {
		if i >= len(s.Values) {
			break
		}
		if sel := genSelector(s.Values[i]); sel != "" {
			pkg.genAliases[sel] = append(pkg.genAliases[sel], name.Name)
			continue
		}
		typ, ok := s.Type.(*ast.Ident)
		lit, isLit := s.Values[i].(*ast.BasicLit)
		if !ok || !isLit || lit.Kind != token.STRING {
			continue
		}
		v, err := strconv.Unquote(lit.Value)
		if err != nil {
			continue
		}
		if pkg.consts[typ.Name] == nil {
			pkg.consts[typ.Name] = make(map[string]string)
		}
		pkg.consts[typ.Name][v] = name.Name
	}
}

// genSelector returns Y for the expression gen.Y, and "" otherwise.
func genSelector(e ast.Expr) string {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	if x, ok := sel.X.(*ast.Ident); ok && x.Name == "gen" {
		return sel.Sel.Name
	}
	return ""
}

// typeFor finds the Go type the generator made for a schema. The generator
// spells initialisms in capitals (AllocationCloudUrl becomes
// AllocationCloudURL), so the match ignores case; it must be unique.
func (pkg *goPackage) typeFor(schema string) (string, bool) {
	var found []string
	for name, spec := range pkg.types {
		if !spec.Assign.IsValid() && strings.EqualFold(name, schema) {
			found = append(found, name)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// jsonFields maps the JSON names of a struct's fields to whether the field
// is optional (tagged omitempty).
func jsonFields(st *ast.StructType) map[string]bool {
	fields := make(map[string]bool)
	for _, f := range st.Fields.List {
		if f.Tag == nil {
			continue
		}
		raw, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			continue
		}
		tag, ok := reflect.StructTag(raw).Lookup("json")
		if !ok {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = slices.Contains(strings.Split(opts, ","), "omitempty")
	}
	return fields
}

// genProblems lists where package gen (parsed as pkg) lags behind doc:
// every schema needs a Go type with a field per property (optional exactly
// when the property is), and a constant per enum value.
func genProblems(doc *openapi3.T, pkg *goPackage) []string {
	var problems []string
	report := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
		s := doc.Components.Schemas[name].Value
		goName, ok := pkg.typeFor(name)
		if !ok {
			report("schema %s: no type in package gen", name)
			continue
		}
		for _, v := range s.Enum {
			if _, ok := pkg.consts[goName][fmt.Sprint(v)]; !ok {
				report("schema %s: enum value %q has no constant of gen.%s", name, v, goName)
			}
		}
		if len(s.Properties) == 0 {
			continue
		}
		st, ok := pkg.types[goName].Type.(*ast.StructType)
		if !ok {
			report("schema %s: gen.%s is not a struct", name, goName)
			continue
		}
		fields := jsonFields(st)
		for _, prop := range slices.Sorted(maps.Keys(s.Properties)) {
			optional, ok := fields[prop]
			if !ok {
				report("schema %s: property %s has no field in gen.%s", name, prop, goName)
				continue
			}
			if required := slices.Contains(s.Required, prop); required == optional {
				report("schema %s: property %s: required is %t, but gen.%s has it %s",
					name, prop, required, goName, map[bool]string{true: "optional", false: "required"}[optional])
			}
			delete(fields, prop)
		}
		for _, extra := range slices.Sorted(maps.Keys(fields)) {
			report("schema %s: gen.%s has field %s, which the spec lacks", name, goName, extra)
		}
	}
	return problems
}

// userProblems lists the models and enum values of package gen that package
// user (parsed as userPkg) does not re-export.
func userProblems(doc *openapi3.T, genPkg, userPkg *goPackage) []string {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
		goName, ok := genPkg.typeFor(name)
		if !ok {
			continue // a gen problem, reported by genProblems
		}
		if len(userPkg.genAliases[goName]) == 0 {
			problems = append(problems, fmt.Sprintf("schema %s: package user has no alias of gen.%s", name, goName))
		}
		for _, v := range doc.Components.Schemas[name].Value.Enum {
			c, ok := genPkg.consts[goName][fmt.Sprint(v)]
			if ok && len(userPkg.genAliases[c]) == 0 {
				problems = append(problems, fmt.Sprintf("schema %s: package user does not re-export gen.%s (%q)", name, c, v))
			}
		}
	}
	return problems
}

// genInterfaces are the generated types that need a method per HTTP
// operation.
var genInterfaces = []reflect.Type{
	reflect.TypeFor[gen.ServerInterface](),
	reflect.TypeFor[gen.StrictServerInterface](),
	reflect.TypeFor[gen.ClientInterface](),
}

// operationProblems lists the HTTP operations of doc that lack a method in
// one of genInterfaces, and the WebSocket routes that have one (package
// user speaks those by hand).
func operationProblems(doc *openapi3.T) []string {
	var problems []string
	ops := specOperations(doc)
	for _, id := range slices.Sorted(maps.Keys(ops)) {
		ws := ops[id].op.Extensions[WebsocketExtension] == true
		for _, it := range genInterfaces {
			m := methodFor(it, id)
			switch {
			case !ws && m == "":
				problems = append(problems, fmt.Sprintf("operation %s: gen.%s has no method for it", id, it.Name()))
			case ws && m != "":
				problems = append(problems, fmt.Sprintf("operation %s: WebSocket route, yet gen.%s has method %s", id, it.Name(), m))
			}
		}
	}
	return problems
}

// methodFor finds the method of it named after operationID (ignoring the
// case of the first letter and of initialisms).
func methodFor(it reflect.Type, operationID string) string {
	for m := range it.Methods() {
		if strings.EqualFold(m.Name, operationID) {
			return m.Name
		}
	}
	return ""
}

// TestGenFollowsSpec fails when the spec changed and package gen was not
// regenerated with make generate.
func TestGenFollowsSpec(t *testing.T) {
	t.Parallel()
	for _, p := range genProblems(loadSpec(t), parsePackage(t, "../gen")) {
		t.Error(p + " (run make generate)")
	}
}

// TestUserReexportsModels checks that package user aliases every model of
// package gen and every value of its enums, so callers never import gen.
func TestUserReexportsModels(t *testing.T) {
	t.Parallel()
	for _, p := range userProblems(loadSpec(t), parsePackage(t, "../gen"), parsePackage(t, "../user")) {
		t.Error(p)
	}
}

// TestGenHasEveryOperation checks that the generated server and client have
// a method for every HTTP operation of the spec, and none for the
// WebSocket routes.
func TestGenHasEveryOperation(t *testing.T) {
	t.Parallel()
	for _, p := range operationProblems(loadSpec(t)) {
		t.Error(p + " (run make generate)")
	}
}

// TestDriftIsReported edits the pinned copy of the spec in memory the way a
// hand edit without regeneration would, and expects each drift to be
// named. What the pinned copy already reports against the live gen/ and
// user/ (after the live spec moved on) is left out, so a real drift is
// reported once, by TestGenFollowsSpec and its kin. The names it adds are
// ones no real spec will hold.
func TestDriftIsReported(t *testing.T) {
	t.Parallel()
	genPkg := parsePackage(t, "../gen")
	userPkg := parsePackage(t, "../user")
	problems := func(doc *openapi3.T, userPkg *goPackage) []string {
		return slices.Concat(genProblems(doc, genPkg), userProblems(doc, genPkg, userPkg), operationProblems(doc))
	}
	baseline := problems(loadPinnedSpec(t), userPkg)

	doc := loadPinnedSpec(t)
	profile := doc.Components.Schemas["UserProfile"].Value
	profile.Properties["selfTestMember"] = openapi3.NewSchemaRef("", openapi3.NewStringSchema())
	profile.Required = append(profile.Required, "email")
	status := doc.Components.Schemas["AllocationStatusEnum"].Value
	status.Enum = append(status.Enum, "SELF_TEST_VALUE")
	doc.Components.Schemas["SelfTestSchema"] = openapi3.NewSchemaRef("", openapi3.NewObjectSchema())
	doc.Paths.Set("/user/self-test", &openapi3.PathItem{Get: &openapi3.Operation{
		OperationID: "selfTestOperation",
		Responses:   openapi3.NewResponses(),
	}})

	got := without(problems(doc, userPkg), baseline)
	want := []string{
		"schema UserProfile: property selfTestMember has no field in gen.UserProfile",
		"schema UserProfile: property email: required is true, but gen.UserProfile has it optional",
		`schema AllocationStatusEnum: enum value "SELF_TEST_VALUE" has no constant of gen.AllocationStatusEnum`,
		"schema SelfTestSchema: no type in package gen",
		"operation selfTestOperation: gen.ServerInterface has no method for it",
		"operation selfTestOperation: gen.StrictServerInterface has no method for it",
		"operation selfTestOperation: gen.ClientInterface has no method for it",
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing report %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d reports, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}

	// A model that package user forgot to alias.
	userBaseline := userProblems(loadPinnedSpec(t), genPkg, userPkg)
	delete(userPkg.genAliases, "Font")
	got = without(userProblems(loadPinnedSpec(t), genPkg, userPkg), userBaseline)
	if w := "schema Font: package user has no alias of gen.Font"; !slices.Equal(got, []string{w}) {
		t.Errorf("userProblems = %q, want [%q]", got, w)
	}
}

// without returns the reports of got that base does not hold.
func without(got, base []string) []string {
	var out []string
	for _, g := range got {
		if !slices.Contains(base, g) {
			out = append(out, g)
		}
	}
	return out
}
