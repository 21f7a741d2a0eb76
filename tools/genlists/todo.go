package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The places where an operation needs hand-written code, and how printTodo
// finds each:
//
//   - a method of user.Client that refers to ep<Op> (the generated
//     endpoint) in its body, which is also what puts the method in the
//     table of operations that genlists writes into the package
//     documentation (see clientCallers), and a call of that method, or of
//     one that calls it, in the tests of package user that walk every
//     operation;
//   - a handler in the fake: package usertest has a method <Op> (the method
//     of gen.StrictServerInterface) or, for a WebSocket route, registers
//     "GET <path>";
//   - a CLI command: a string in cmd/pieces-user names the route the way the
//     route field of a command does ("POST /user/clear");
//   - a conformance scenario: contract/conformance_test.go names the
//     operationId in a string.
//
// The tests of each package check the same facts precisely; this list is
// the short version a maintainer reads after `make regen`.
type todoFacts struct {
	methods map[string]bool // method names declared in usertest
	fakeStr map[string]bool // string literals in usertest
	cliStr  []string        // string literals in cmd/pieces-user
	scenStr map[string]bool // string literals in contract/conformance_test.go
}

func printTodo(w io.Writer, root string, m *model) error {
	f := todoFacts{methods: map[string]bool{}, fakeStr: map[string]bool{}, scenStr: map[string]bool{}}
	callers, err := clientCallers(root, m.ops)
	if err != nil {
		return err
	}
	// A walking test may reach an operation through a method that calls
	// the one that sends it.
	reaching, err := reachingMethods(root, m.ops)
	if err != nil {
		return err
	}
	err = scan(filepath.Join(root, "user", "usertest"), false, func(file *ast.File) {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Recv != nil {
					f.methods[n.Name.Name] = true
				}
			case *ast.BasicLit:
				addString(f.fakeStr, n)
			}
			return true
		})
	})
	if err != nil {
		return err
	}
	cli := map[string]bool{}
	err = scan(filepath.Join(root, "cmd", "pieces-user"), false, func(file *ast.File) {
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok {
				addString(cli, lit)
			}
			return true
		})
	})
	if err != nil {
		return err
	}
	for s := range cli {
		f.cliStr = append(f.cliStr, s)
	}
	if file, err := parser.ParseFile(token.NewFileSet(), filepath.Join(root, "contract", "conformance_test.go"), nil, parser.SkipObjectResolution); err == nil {
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok {
				addString(f.scenStr, lit)
			}
			return true
		})
	} else if !os.IsNotExist(err) {
		return err
	}

	walks := []walk{
		{file: "user/fake_roundtrip_test.go", test: "TestAgainstFake", httpOnly: true},
		{file: "user/security_test.go", test: "TestCredentialPerOperation"},
		{file: "user/doc_internal_test.go", test: "TestDocTableOperationIDs"},
	}
	for i := range walks {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(walks[i].file)))
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		walks[i].src = string(data)
	}

	missing := 0
	for _, o := range m.ops {
		var todo []string
		if len(callers[o.id]) == 0 {
			todo = append(todo, "a method of user.Client that refers to ep"+o.goName()+
				" (see user/endpoints_gen.go); the table of operations in the package documentation lists it after `make generate`")
		}
		if !f.hasFake(o) {
			if o.stream {
				todo = append(todo, fmt.Sprintf("a handler for %q in user/usertest/server.go", o.pattern()))
			} else {
				todo = append(todo, "the method "+o.goName()+" of gen.StrictServerInterface in user/usertest/api.go")
			}
		}
		if !f.hasCommand(o) {
			todo = append(todo, fmt.Sprintf("a command in cmd/pieces-user/app.go with %q among its ops, and a row in the README's command table", o.id))
		}
		for _, w := range walks {
			if w.httpOnly && o.stream {
				continue
			}
			if !slices.ContainsFunc(reaching[o.id], func(m string) bool { return w.calls(m) }) {
				todo = append(todo, fmt.Sprintf("a call of the method in %s (%s), which walks every operation", w.test, w.file))
			}
		}
		if !f.scenStr[o.id] {
			todo = append(todo, "a conformance scenario in contract/conformance_test.go for each documented status of "+o.id)
		}
		if len(todo) == 0 {
			continue
		}
		missing++
		fmt.Fprintf(w, "%s (%s) still needs:\n", o.id, o.route())
		for _, t := range todo {
			fmt.Fprintf(w, "  - %s\n", t)
		}
	}
	if missing == 0 {
		fmt.Fprintf(w, "regen: every one of the %d operations of %s has a method of user.Client that refers to its endpoint and its calls in the walking tests, a fake handler, a CLI command and a conformance scenario.\n", len(m.ops), specPath)
		return nil
	}
	fmt.Fprintf(w, "regen: %d of %d operations need the hand-written code above; then run `make quick` (or `make test`).\n", missing, len(m.ops))
	return nil
}

func (f *todoFacts) hasFake(o operation) bool {
	if o.stream {
		return f.fakeStr[o.pattern()]
	}
	return f.methods[o.goName()]
}

func (f *todoFacts) hasCommand(o operation) bool {
	for _, s := range f.cliStr {
		for _, part := range strings.Split(s, ",") {
			if p := strings.TrimSpace(part); p == o.route() || p == o.id {
				return true
			}
		}
	}
	return false
}

func addString(set map[string]bool, lit *ast.BasicLit) {
	if lit.Kind != token.STRING {
		return
	}
	if s, err := strconv.Unquote(lit.Value); err == nil {
		set[s] = true
	}
}

// scan parses the hand-written, non-test Go files of dir (generated files
// and tests left out) and hands each to fn.
func scan(dir string, tests bool, fn func(*ast.File)) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_gen.go") {
			continue
		}
		if strings.HasSuffix(name, "_test.go") != tests {
			continue
		}
		file, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		fn(file)
	}
	return nil
}

// walk is a test of package user that calls every operation; a new
// operation needs a call there.
type walk struct {
	file, test string
	httpOnly   bool // the test leaves the WebSocket routes out
	src        string
}

// calls reports whether the test's source names the method (".Name(" or
// ".Name," for a method value).
func (w walk) calls(method string) bool {
	return regexp.MustCompile(`\.` + regexp.QuoteMeta(method) + `\b`).MatchString(w.src)
}
