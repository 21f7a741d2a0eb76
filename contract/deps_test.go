package contract

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// libraryPackages are the packages a user of the library imports.
var libraryPackages = []string{
	"github.com/pieces-go/pieces-os-client-go/gen",
	"github.com/pieces-go/pieces-os-client-go/user",
	"github.com/pieces-go/pieces-os-client-go/user/usertest",
}

// bannedModule reports why a module must not reach the library's users:
// the generator and the spec tooling stay in tools/ and contract/, and no
// YAML library is needed at run time.
func bannedModule(path string) (string, bool) {
	switch {
	case strings.HasPrefix(path, "github.com/oapi-codegen/oapi-codegen/"):
		return "the code generator belongs in tools/go.mod", true
	case path == "github.com/getkin/kin-openapi":
		return "the spec loader belongs in contract/go.mod", true
	case strings.Contains(strings.ToLower(path), "yaml"):
		return "a YAML library has no use at run time", true
	}
	return "", false
}

// TestLibraryDependencies builds a throwaway module that imports the
// library, lets go mod tidy resolve it, and checks the module graph a user
// would inherit.
func TestLibraryDependencies(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to resolve a consumer module: %v", err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	goMod := fmt.Sprintf(`module example.com/consumer

go 1.26.0

require github.com/pieces-go/pieces-os-client-go v0.0.0-00010101000000-000000000000

replace github.com/pieces-go/pieces-os-client-go => %s
`, filepath.ToSlash(root))
	var main strings.Builder
	main.WriteString("package main\n\nimport (\n")
	for _, p := range libraryPackages {
		fmt.Fprintf(&main, "\t_ %q\n", p)
	}
	main.WriteString(")\n\nfunc main() {}\n")
	for name, body := range map[string]string{"go.mod": goMod, "main.go": main.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	run := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), goBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String()
	}
	run("mod", "tidy")
	// Compiling proves the imports above are the real packages.
	run("build", "-o", os.DevNull, ".")

	// Modules whose code a program importing the library links.
	linked := make(map[string]bool)
	for _, m := range strings.Fields(run("list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}", ".")) {
		linked[m] = true
	}
	// Who requires whom in the module graph a user inherits.
	requiredBy := make(map[string][]string)
	for line := range strings.Lines(run("mod", "graph")) {
		from, to, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		from, _, _ = strings.Cut(from, "@")
		to, _, _ = strings.Cut(to, "@")
		requiredBy[to] = append(requiredBy[to], from)
	}
	modules := strings.Fields(run("list", "-m", "-f", "{{.Path}}", "all"))

	if !linked[libraryModule] || !slices.Contains(modules, libraryModule) {
		t.Fatalf("the consumer module does not use the library; linked %v, module graph %v", slices.Sorted(maps.Keys(linked)), modules)
	}
	for _, m := range modules {
		why, bad := bannedModule(m)
		if !bad {
			continue
		}
		switch {
		case linked[m]:
			t.Errorf("a program importing the library links %s: %s", m, why)
		case slices.Contains(requiredBy[m], libraryModule), m == "github.com/getkin/kin-openapi",
			strings.HasPrefix(m, "github.com/oapi-codegen/oapi-codegen/"):
			t.Errorf("importing the library puts %s in the module graph (required by %s): %s",
				m, strings.Join(requiredBy[m], ", "), why)
		case !slices.ContainsFunc(requiredBy[m], func(r string) bool { return !testOnlyRequirers[r] }):
			// Listed by the runtime's go.mod (through testify) for its own
			// tests; no package of it is built, and only its go.mod is
			// fetched.
			t.Logf("%s is in the module graph only as a requirement of %s; nothing links it",
				m, strings.Join(requiredBy[m], ", "))
		default:
			t.Errorf("importing the library puts %s in the module graph (required by %s): %s",
				m, strings.Join(requiredBy[m], ", "), why)
		}
	}

	// The fake server must not depend on the client it is meant to test.
	const userPkg, usertestPkg = libraryModule + "/user", libraryModule + "/user/usertest"
	if slices.Contains(strings.Fields(run("list", "-deps", "-f", "{{.ImportPath}}", usertestPkg)), userPkg) {
		t.Errorf("%s imports %s: the fake must not depend on the client it tests", usertestPkg, userPkg)
	}
	t.Logf("a user of the library inherits %d modules; a program links %d: %s",
		len(modules), len(linked), strings.Join(slices.Sorted(maps.Keys(linked)), " "))
}

// testOnlyRequirers are the modules whose go.mod may list a banned module
// that no program importing the library builds: oapi-codegen/runtime needs
// a YAML module for its tests only (through testify). Any other way in
// fails the test.
var testOnlyRequirers = map[string]bool{
	"github.com/oapi-codegen/runtime": true,
	"github.com/stretchr/testify":     true,
}

// libraryModule is the module path of the library.
const libraryModule = "github.com/pieces-go/pieces-os-client-go"

func TestBannedModule(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]bool{
		"github.com/oapi-codegen/oapi-codegen/v2": true,
		"github.com/getkin/kin-openapi":           true,
		"gopkg.in/yaml.v3":                        true,
		"go.yaml.in/yaml/v4":                      true,
		"sigs.k8s.io/yaml":                        true,
		"github.com/oasdiff/yaml3":                true,
		"github.com/oapi-codegen/runtime":         false,
		"github.com/coder/websocket":              false,
	} {
		if _, got := bannedModule(path); got != want {
			t.Errorf("bannedModule(%q) = %t, want %t", path, got, want)
		}
	}
}
