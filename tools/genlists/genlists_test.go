package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestGeneratedFilesAreCurrent runs the generator on the repository in
// check mode: it fails when a generated list differs from the spec.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	if err := run("../..", true, false); err != nil {
		t.Fatal(err)
	}
}

// TestTodoNamesWhatIsMissing checks the checklist of make regen on a small
// tree: an operation with nothing hand-written gets every item, one with
// everything gets none.
func TestTodoNamesWhatIsMissing(t *testing.T) {
	root := t.TempDir()
	write := func(path, src string) {
		t.Helper()
		full := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Profile sends userSnapshot through Snapshot; a walking test that
	// calls it exercises the operation too.
	write("user/client.go", "package user\n\nfunc (c *Client) Snapshot() { _ = epUserSnapshot }\n\nfunc (c *Client) Profile() { c.Snapshot() }\n")
	// Only a method of *Client counts: not a generated file, a function, a
	// method of another type or a test.
	write("user/endpoints_gen.go", "package user\n\nfunc (c *Client) New() { _ = epUserNew }\n")
	write("user/other.go", "package user\n\nfunc newUser() { _ = epUserNew }\n\nfunc (s *Stream) New() { _ = epUserNew }\n")
	write("user/new_test.go", "package user\n\nfunc (c *Client) NewTest() { _ = epUserNew }\n")
	write("user/usertest/api.go", "package usertest\n\nfunc (a *api) UserSnapshot() {}\n")
	write("cmd/pieces-user/app.go", "package main\n\nvar routes = []string{\"GET /user\"}\n")
	write("contract/conformance_test.go", "package contract\n\nvar ops = []string{\"userSnapshot\"}\n")
	write("user/fake_roundtrip_test.go", "package user_test\n\nfunc f() { c.Snapshot(ctx) }\n")
	write("user/security_test.go", "package user_test\n\nfunc g() { _ = c.Profile }\n")
	write("user/doc_internal_test.go", "package user\n\nvar calls = map[string]func(){\"Snapshot\": func() { c.Snapshot(ctx) }}\n")
	m := &model{ops: []operation{
		{id: "userNew", method: "GET", path: "/user/new"},
		{id: "userSnapshot", method: "GET", path: "/user"},
	}}
	var out bytes.Buffer
	if err := printTodo(&out, root, m); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"userNew (GET /user/new) still needs:",
		"a method of user.Client that refers to epUserNew",
		"the method UserNew of gen.StrictServerInterface",
		`with "userNew" among its ops`,
		"conformance scenario in contract/conformance_test.go for each documented status of userNew",
		"in TestAgainstFake (user/fake_roundtrip_test.go)",
		"in TestCredentialPerOperation (user/security_test.go)",
		"in TestDocTableOperationIDs (user/doc_internal_test.go)",
		"regen: 1 of 2 operations",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the checklist lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "userSnapshot (") {
		t.Errorf("the checklist lists userSnapshot, which has everything:\n%s", got)
	}
}

// TestModelDoc checks the doc comment of a model alias: the sentence made
// from the spec's description, the aligned table of fields with each
// description cut to one short sentence, and the values of an enum.
func TestModelDoc(t *testing.T) {
	long := "Address of the profile picture; the vendor's clients assume a placeholder image when absent. More."
	got := strings.Join(modelDoc(schema{
		goName:      "UserProfile",
		description: "The signed-in\nuser.",
		fields: []field{
			{name: "APIKeys", goType: "[]string", json: "apiKeys", doc: "API keys of the user."},
			{name: "Picture", goType: "string", json: "picture", doc: long},
			{name: "ID", goType: "*int", json: "id"},
		},
	}), "\n")
	want := "UserProfile is the signed-in user.\n" +
		"\n" +
		"\tField    Type      JSON     Description\n" +
		"\tAPIKeys  []string  apiKeys  API keys of the user\n" +
		"\tPicture  string    picture  Address of the profile picture; the vendor's clients…\n" +
		"\tID       *int      id"
	if got != want {
		t.Errorf("struct doc:\n%s\nwant:\n%s", got, want)
	}

	got = strings.Join(modelDoc(schema{
		goName:      "ModeEnum",
		description: "Where work may run.",
		values:      []enumValue{{value: "UNKNOWN", goName: "ModeEnumUNKNOWN"}, {value: "LOCAL", goName: "ModeEnumLOCAL"}},
	}), "\n")
	want = "ModeEnum: Where work may run.\n" +
		"\n" +
		"Its values, as constants of this package and on the wire:\n" +
		"\n" +
		"\tConstant         Value\n" +
		"\tModeEnumUNKNOWN  \"UNKNOWN\"\n" +
		"\tModeEnumLOCAL    \"LOCAL\""
	if got != want {
		t.Errorf("enum doc:\n%s\nwant:\n%s", got, want)
	}
}

// TestOperationsTable checks the table of operations of the package
// documentation on a small tree: one row per method and operation it
// refers to, sorted by method, and "-" for an operation no method sends.
func TestOperationsTable(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "user"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package user\n\n" +
		"func (c *Client) Snapshot() { c.start(&epUserSnapshot) }\n" +
		"func (c *Client) Watch() string { return epStreamUser.path }\n" +
		"func (c *Client) Both() { _, _ = epUserSnapshot, epUserUpdate }\n" +
		"func (c *Client) helper() {}\n"
	if err := os.WriteFile(filepath.Join(root, "user", "client.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ops := []operation{
		{id: "streamUser", method: "GET", path: "/user/stream", stream: true},
		{id: "userNew", method: "GET", path: "/user/new"},
		{id: "userSnapshot", method: "GET", path: "/user"},
		{id: "userUpdate", method: "POST", path: "/user/update"},
	}
	callers, err := clientCallers(root, ops)
	if err != nil {
		t.Fatal(err)
	}
	lines := operationsDoc(docRows(ops, callers))
	var table []string
	for _, l := range lines {
		if strings.HasPrefix(l, "\t") {
			table = append(table, l)
		}
	}
	want := []string{
		"\tMethod    Operation ID  Route",
		"\t-         userNew       GET /user/new",
		"\tBoth      userSnapshot  GET /user",
		"\tBoth      userUpdate    POST /user/update",
		"\tSnapshot  userSnapshot  GET /user",
		"\tWatch     streamUser    WebSocket /user/stream",
	}
	if got := strings.Join(table, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("the table of operations:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if lines[0] != "# Operations" {
		t.Errorf("the section starts with %q, want the heading # Operations", lines[0])
	}

	// Without any method of Client, genlists stops rather than write a
	// table of gaps.
	empty := t.TempDir()
	if err := os.MkdirAll(filepath.Join(empty, "user"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := clientCallers(empty, ops); err == nil || !strings.Contains(err.Error(), "no method of *Client") {
		t.Errorf("clientCallers on a tree without methods: err = %v", err)
	}
}

// TestSuccessStatus checks the ok and media of an endpoint: the one 2xx
// answer and its media type, and an error when there is not exactly one.
func TestSuccessStatus(t *testing.T) {
	spec := func(responses string) *openapi3.T {
		t.Helper()
		doc, err := openapi3.NewLoader().LoadFromData([]byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    post:
      operationId: x
      responses:
` + responses))
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	read := func(doc *openapi3.T) (operation, error) {
		return readOperation(doc, "/x", "post", doc.Paths.Value("/x").Post, func(string) (string, error) { return "", nil })
	}
	text := "content: {text/plain: {schema: {type: string}}}"
	json := "content: {application/json: {schema: {type: object}}}"
	for _, tt := range []struct {
		responses string
		ok        int
		media     string
		err       string
	}{
		{"        '204': {description: done}\n        '401': {description: no, " + text + "}\n", 204, "", ""},
		{"        '200': {description: yes, " + json + "}\n        '500': {description: no, " + text + "}\n", 200, "application/json", ""},
		{"        '200': {description: yes, " + text + "}\n", 200, "text/plain", ""},
		{"        '200': {description: yes}\n        '204': {description: done}\n", 0, "", "documents 2 2xx statuses [200 204]"},
		{"        '401': {description: no}\n", 0, "", "documents no 2xx status"},
	} {
		o, err := read(spec(tt.responses))
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want one containing %q", tt.responses, err, tt.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.responses, err)
		case o.ok != tt.ok || o.media != tt.media:
			t.Errorf("%s: ok %d, media %q; want %d, %q", tt.responses, o.ok, o.media, tt.ok, tt.media)
		}
	}
}
