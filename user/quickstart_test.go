package user_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// goBlocks returns the ```go code blocks of the section of a Markdown
// document that starts with heading, in order.
func goBlocks(t *testing.T, doc, heading string) []string {
	t.Helper()
	_, section, ok := strings.Cut(doc, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no %q section", heading)
	}
	level := heading[:strings.IndexByte(heading, ' ')+1]
	if end := strings.Index(section, "\n"+level); end >= 0 {
		section = section[:end+1]
	}
	var blocks []string
	for {
		_, rest, ok := strings.Cut(section, "```go\n")
		if !ok {
			return blocks
		}
		block, after, ok := strings.Cut(rest, "```\n")
		if !ok {
			t.Fatalf("a code block of %q does not end", heading)
		}
		blocks = append(blocks, block)
		section = after
	}
}

// quickstartFromExample builds the Quickstart program and the write
// snippet from example_quickstart_test.go, as README.md should show them.
func quickstartFromExample(t *testing.T) (program, write string) {
	t.Helper()
	src, err := os.ReadFile("example_quickstart_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "example_quickstart_test.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	text := func(from, to token.Pos) string {
		return string(src[fset.Position(from).Offset:fset.Position(to).Offset])
	}
	var imports, mainBody, run, writeBody string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				imports = text(d.Pos(), d.End())
			}
		case *ast.FuncDecl:
			switch d.Name.Name {
			case "Example_quickstart":
				mainBody = text(d.Body.Pos(), d.Body.End())
			case "quickstartRun":
				run = text(d.Doc.Pos(), d.End())
			case "quickstartWrite":
				writeBody = text(d.Body.Lbrace+2, d.Body.Rbrace)
			}
		}
	}
	if imports == "" || mainBody == "" || run == "" || writeBody == "" {
		t.Fatal("example_quickstart_test.go lacks the imports, Example_quickstart, quickstartRun or quickstartWrite")
	}
	run = strings.Replace(run, "func quickstartRun(", "func run(", 1)
	mainBody = strings.Replace(mainBody, "quickstartRun(", "run(", 1)
	program = "package main\n\n" + imports + "\n\nfunc main() " + mainBody + "\n\n" + run + "\n"
	// The snippet is the body, one level of indentation less, without
	// the function's own return.
	var lines []string
	for line := range strings.Lines(strings.TrimSuffix(writeBody, "\treturn nil\n")) {
		lines = append(lines, strings.TrimPrefix(line, "\t"))
	}
	return program, strings.Join(lines, "")
}

// TestQuickstartIsTheREADMEs checks that README.md shows the program of
// example_quickstart_test.go, which the compiler checks, so that the
// Quickstart cannot rot.
func TestQuickstartIsTheREADMEs(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlocks(t, string(readme), "## Quickstart")
	if len(blocks) != 2 {
		t.Fatalf("the Quickstart of README.md has %d Go code blocks, want 2: the program and the write snippet", len(blocks))
	}
	program, write := quickstartFromExample(t)
	if blocks[0] != program {
		t.Errorf("the Quickstart program of README.md differs from example_quickstart_test.go; README.md should read:\n%s", program)
	}
	if blocks[1] != write {
		t.Errorf("the write snippet of README.md differs from quickstartWrite in example_quickstart_test.go; README.md should read:\n%s", write)
	}
}

// TestQuickstartOnlyReads runs the Quickstart against the fake: it must
// send nothing but reads, and end as soon as its context does.
func TestQuickstartOnlyReads(t *testing.T) {
	srv := usertest.Start(t)
	t.Setenv(envBaseURL, srv.URL)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- quickstartRun(ctx) }()

	wait, stop := context.WithTimeout(t.Context(), time.Minute)
	defer stop()
	if err := srv.WaitStreams(wait, 1); err != nil {
		t.Fatalf("the Quickstart did not open the profile stream: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the Quickstart failed: %v", err)
		}
	case <-wait.Done():
		t.Fatal("the Quickstart did not end within a minute of its context")
	}
	var ops []string
	for _, r := range srv.Requests() {
		ops = append(ops, r.OperationID)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			t.Errorf("the Quickstart sent %s %s: it must only read", r.Method, r.Path)
		}
	}
	if want := []string{user.OpUserSnapshot, user.OpStreamUser}; !slices.Equal(ops, want) {
		t.Errorf("the Quickstart called %q, want %q", ops, want)
	}
}

// TestQuickstartWrite runs the write snippet of the Quickstart against the
// fake: it is the one part that changes something, and it does.
func TestQuickstartWrite(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c, err := user.New(user.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := quickstartWrite(t.Context(), c); err != nil {
		t.Fatalf("the write snippet failed: %v", err)
	}
	var ops []string
	for _, r := range srv.Requests() {
		ops = append(ops, r.OperationID)
	}
	if want := []string{user.OpUserSnapshot, user.OpUserUpdateVanity}; !slices.Equal(ops, want) {
		t.Errorf("the write snippet called %q, want %q", ops, want)
	}
	// Someone else holds "ada" now.
	p, _ := srv.Profile()
	p.Vanityname = "augusta"
	srv.SetProfile(p)
	srv.TakeVanity("ada")
	if _, err := c.UpdateVanity(t.Context(), "ada"); !errors.Is(err, user.ErrConflict) {
		t.Fatalf("UpdateVanity of a taken name: %v, want ErrVanityTaken", err)
	}
	if err := quickstartWrite(t.Context(), c); err != nil {
		t.Errorf("the write snippet failed on a taken name instead of saying so: %v", err)
	}
}
