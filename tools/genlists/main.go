// Command genlists writes the Go lists that follow from api/openapi.yaml and
// from the generated package gen: the model aliases and operation table of
// package user, the operation table of package usertest, and the operation
// and feature lists of the pieces-user command. It also reads the
// hand-written methods of user.Client, which make the table of operations
// in the documentation of package user (user/endpoints_gen.go). Run it through
// `go generate ./...` from the repository root, after oapi-codegen has
// rebuilt gen/:
//
//	go run -C tools ./genlists -root ..
//
// With -check it writes nothing and reports every file that differs from
// what it would write. With -todo it writes nothing and prints, for each
// operation of the spec, what the hand-written code still lacks (see
// todo.go).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"strings"
)

// An output is one generated file: its path relative to the repository root
// and a function that renders it.
type output struct {
	path   string
	render func(*model) ([]byte, error)
}

func outputs() []output {
	return []output{
		{"user/models_gen.go", renderModels},
		{"user/endpoints_gen.go", renderEndpoints},
		{"user/usertest/operations_gen.go", renderUsertest},
		{"cmd/pieces-user/operations_gen.go", renderCLI},
	}
}

func main() {
	root := flag.String("root", ".", "the repository root")
	check := flag.Bool("check", false, "write nothing; fail when a generated file differs from the spec")
	todo := flag.Bool("todo", false, "write nothing; list what the hand-written code lacks for each operation")
	flag.Parse()
	if err := run(*root, *check, *todo); err != nil {
		fmt.Fprintln(os.Stderr, "genlists:", err)
		os.Exit(1)
	}
}

func run(root string, check, todo bool) error {
	m, err := load(root)
	if err != nil {
		return err
	}
	if todo {
		return printTodo(os.Stdout, root, m)
	}
	var stale []string
	for _, o := range outputs() {
		src, err := o.render(m)
		if err != nil {
			return fmt.Errorf("%s: %w", o.path, err)
		}
		out, err := format.Source(src)
		if err != nil {
			return fmt.Errorf("%s: the generated code does not parse: %w\n%s", o.path, err, src)
		}
		path := filepath.Join(root, filepath.FromSlash(o.path))
		if check {
			old, err := os.ReadFile(path)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			if !bytes.Equal(old, out) {
				stale = append(stale, o.path)
			}
			continue
		}
		if err := os.WriteFile(path, out, 0o644); err != nil {
			return err
		}
	}
	if len(stale) > 0 {
		return fmt.Errorf("these files do not match api/openapi.yaml, gen/ and the methods of user.Client: %s; run `make generate` and commit the result",
			strings.Join(stale, ", "))
	}
	return nil
}
