package contract

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const (
	specPath     = "../api/openapi.yaml"
	contractPath = "testdata/contract.json"
	// The pinned copies that the self-tests of the checkers edit (see
	// testdata/pinned/README.md).
	pinnedSpecPath     = "testdata/pinned/openapi.yaml"
	pinnedContractPath = "testdata/pinned/contract.json"
)

// loadSpec loads and validates the spec. Every call returns a fresh
// document, so a test may change it freely.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	return loadSpecFile(t, specPath)
}

// loadPinnedSpec loads the pinned copy of the spec, for the self-tests of
// the checkers: their edits and expectations do not move with the live
// spec, so a real drift is reported once, by the real check.
func loadPinnedSpec(t *testing.T) *openapi3.T {
	t.Helper()
	return loadSpecFile(t, pinnedSpecPath)
}

func loadSpecFile(t *testing.T, specPath string) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		t.Fatalf("load %s: %v", specPath, err)
	}
	if err := doc.Validate(context.Background(),
		openapi3.EnableMultiError(),
		// x-websocket sits on the two WebSocket operations; name it so
		// that a stricter default in a later kin-openapi keeps it valid.
		openapi3.AllowExtraSiblingFields(WebsocketExtension),
	); err != nil {
		t.Fatalf("validate %s: %v", specPath, err)
	}
	return doc
}

func readContract(t *testing.T) *Contract {
	t.Helper()
	c, err := ReadContract(contractPath)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSpecValidates(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	if got := doc.OpenAPI; !strings.HasPrefix(got, "3.0.") {
		t.Errorf("openapi version is %q, want 3.0.x (the generator reads 3.0)", got)
	}
}

func TestContractTableIsComplete(t *testing.T) {
	t.Parallel()
	c := readContract(t)
	// The table must hold a row for every operation and schema of the
	// reference it is built from; an empty or truncated table would check
	// less than it claims. The counts come from the spec, which Check holds
	// to the table row by row.
	doc := loadSpec(t)
	if got, want := len(c.Operations), len(specOperations(doc)); got != want {
		t.Errorf("contract has %d operations, the spec %d", got, want)
	}
	if got, want := len(c.Schemas), len(doc.Components.Schemas); got != want {
		t.Errorf("contract has %d schemas, the spec %d", got, want)
	}
	wantWS := 0
	for _, op := range specOperations(doc) {
		if slices.Contains(op.op.Tags, WebsocketTag) {
			wantWS++
		}
	}
	ws := 0
	seen := make(map[string]bool)
	for _, op := range c.Operations {
		if seen[op.OperationID] {
			t.Errorf("operation %s listed twice", op.OperationID)
		}
		seen[op.OperationID] = true
		if op.Websocket {
			ws++
		}
		if len(op.Responses) == 0 {
			t.Errorf("operation %s has no responses", op.OperationID)
		}
		for _, ref := range responseSchemas(op) {
			if _, ok := c.Schemas[ref]; !ok {
				t.Errorf("operation %s names schema %s, which the table lacks", op.OperationID, ref)
			}
		}
	}
	if ws != wantWS {
		t.Errorf("contract has %d WebSocket operations, the spec %d", ws, wantWS)
	}
	for name, s := range c.Schemas {
		for pname, p := range s.Properties {
			for q := &p; q != nil; q = nextProperty(q) {
				if q.Ref != "" {
					if _, ok := c.Schemas[q.Ref]; !ok {
						t.Errorf("schema %s: property %s names schema %s, which the table lacks", name, pname, q.Ref)
					}
				}
			}
		}
	}
}

// responseSchemas lists the component schemas an operation's bodies name.
func responseSchemas(op Operation) []string {
	var names []string
	if op.RequestBody != nil {
		names = append(names, op.RequestBody.Schema)
	}
	for _, r := range op.Responses {
		if r.MediaType != "" && r.Schema != "string" {
			names = append(names, r.Schema)
		}
	}
	return names
}

func nextProperty(p *Property) *Property {
	if p.Items != nil {
		return p.Items
	}
	return p.AdditionalProperties
}

func TestSpecKeepsContract(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	problems := Check(doc, readContract(t))
	if len(problems) > 0 {
		t.Errorf("api/openapi.yaml differs from %s in %d places.\n%s", contractPath, len(problems), ContractHint)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// TestCheckReportsEdits shows that Check notices each kind of hand edit: it
// changes a fresh copy of the spec in memory and expects the change to be
// reported by name.
func TestCheckReportsEdits(t *testing.T) {
	t.Parallel()
	c, err := ReadContract(pinnedContractPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := Check(loadPinnedSpec(t), c); len(got) != 0 {
		t.Fatalf("the pinned spec and table differ before any edit; refresh testdata/pinned (see its README):\n%s", strings.Join(got, "\n"))
	}

	tests := []struct {
		name string
		edit func(t *testing.T, doc *openapi3.T)
		want []string
	}{
		{
			name: "operation removed",
			edit: func(t *testing.T, doc *openapi3.T) {
				doc.Paths.Delete("/user/clear")
			},
			want: []string{"operation clearUser missing"},
		},
		{
			name: "operation renamed",
			edit: func(t *testing.T, doc *openapi3.T) {
				doc.Paths.Value("/user/checkout").Post.OperationID = "checkoutUser"
			},
			want: []string{
				"operation userCheckout missing",
				"operation checkoutUser (POST /user/checkout): not in the contract",
			},
		},
		{
			name: "status removed",
			edit: func(t *testing.T, doc *openapi3.T) {
				doc.Paths.Value("/user/update/vanity").Post.Responses.Delete("409")
			},
			want: []string{"operation userUpdateVanity: status 409 missing"},
		},
		{
			name: "media type changed",
			edit: func(t *testing.T, doc *openapi3.T) {
				r := doc.Paths.Value("/user/access_token").Get.Responses.Value("200").Value
				r.Content["application/json"] = r.Content["text/plain"]
				delete(r.Content, "text/plain")
			},
			want: []string{
				"operation userAccessToken: status 200: media type text/plain missing",
				"operation userAccessToken: status 200: media type application/json not in the contract",
			},
		},
		{
			name: "request body made required",
			edit: func(t *testing.T, doc *openapi3.T) {
				doc.Paths.Value("/user/select").Post.RequestBody.Value.Required = true
			},
			want: []string{"operation selectUser: request body: required is true, want false"},
		},
		{
			name: "websocket marker removed",
			edit: func(t *testing.T, doc *openapi3.T) {
				op := doc.Paths.Value("/user/stream").Get
				delete(op.Extensions, WebsocketExtension)
				op.Tags = []string{"user"}
			},
			want: []string{
				"operation streamUser: x-websocket: true missing",
				"operation streamUser: tag websocket missing",
			},
		},
		{
			name: "security scheme dropped",
			edit: func(t *testing.T, doc *openapi3.T) {
				delete(doc.Components.SecuritySchemes, "auth0")
				doc.Paths.Value("/user/select").Post.Security = &openapi3.SecurityRequirements{}
			},
			want: []string{
				"security scheme auth0 missing",
				"operation selectUser: security scheme auth0 missing",
			},
		},
		{
			name: "server removed",
			edit: func(t *testing.T, doc *openapi3.T) {
				doc.Servers = doc.Servers[:1]
			},
			want: []string{"server http://localhost:1000 missing"},
		},
		{
			name: "schema removed",
			edit: func(t *testing.T, doc *openapi3.T) {
				delete(doc.Components.Schemas, "Font")
			},
			want: []string{"schema Font missing"},
		},
		{
			name: "property removed",
			edit: func(t *testing.T, doc *openapi3.T) {
				delete(doc.Components.Schemas["UserProfile"].Value.Properties, "vanityname")
			},
			want: []string{"schema UserProfile: property vanityname missing"},
		},
		{
			name: "required flag dropped",
			edit: func(t *testing.T, doc *openapi3.T) {
				s := doc.Components.Schemas["UserProfile"].Value
				s.Required = slices.DeleteFunc(s.Required, func(n string) bool { return n == "id" })
			},
			want: []string{"schema UserProfile: property id: required is false, want true"},
		},
		{
			name: "enum value changed",
			edit: func(t *testing.T, doc *openapi3.T) {
				s := doc.Components.Schemas["AllocationStatusEnum"].Value
				i := slices.Index(s.Enum, any("FAILED"))
				if i < 0 {
					t.Fatal("AllocationStatusEnum has no FAILED")
				}
				s.Enum[i] = "FAILING"
			},
			want: []string{
				`schema AllocationStatusEnum: enum value "FAILED" missing`,
				`schema AllocationStatusEnum: enum value "FAILING" not in the contract`,
			},
		},
		{
			name: "property type changed",
			edit: func(t *testing.T, doc *openapi3.T) {
				p := doc.Components.Schemas["GroupedTimestamp"].Value.Properties["value"].Value
				p.Format = ""
			},
			want: []string{"schema GroupedTimestamp: property value is string, want string (date-time)"},
		},
		{
			name: "property made nullable",
			edit: func(t *testing.T, doc *openapi3.T) {
				doc.Components.Schemas["ModelMaxTokens"].Value.Properties["total"].Value.Nullable = true
			},
			want: []string{"schema ModelMaxTokens: property total is number, nullable, want number"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := loadPinnedSpec(t)
			tt.edit(t, doc)
			got := Check(doc, c)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Check did not report %q; it reported:\n%s", w, strings.Join(got, "\n"))
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("Check reported %d problems, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
		})
	}
}

func TestReadContractRejectsUnknownMembers(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/contract.json"
	if err := os.WriteFile(path, []byte(`{"operations":[],"schemas":{},"servrs":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadContract(path)
	if err == nil || !strings.Contains(err.Error(), "servrs") {
		t.Fatalf("ReadContract error = %v, want one naming the unknown member servrs", err)
	}
}
