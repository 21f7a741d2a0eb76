package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/contract/internal/tablegen"
)

const overlayPath = "testdata/overlay.json"

// TestContractTableIsGenerated fails when testdata/contract.json is not what
// `make contract` builds from the reference facts and the overlay.
func TestContractTableIsGenerated(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(tablegen.DefaultReference); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("the reference facts %s are not next to this repository; cannot rebuild %s", tablegen.DefaultReference, contractPath)
	}
	want, err := tablegen.BuildFiles(tablegen.DefaultReference, overlayPath)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(contractPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what the reference and %s give: it was edited by hand, or the overlay changed without `make contract`.\n"+
			"Put the fact into %s with its source, run `make contract` from the repository root and commit both files.", contractPath, overlayPath, overlayPath)
	}
}

// TestOverlayEntriesNameTheirSource checks the rules of the overlay on
// small inputs: every entry has a source and names what exists.
func TestOverlayEntriesNameTheirSource(t *testing.T) {
	t.Parallel()
	base := &tablegen.Reference{}
	base.Transport.Hosts.CurrentDefault = "http://127.0.0.1:39300"
	for _, tt := range []struct {
		name string
		ov   tablegen.Overlay
		want string
	}{
		{"no source", tablegen.Overlay{Responses: []tablegen.OverlayResponse{{Operations: []string{"*"}, Status: "401"}}}, "no source"},
		{"unknown operation", tablegen.Overlay{Responses: []tablegen.OverlayResponse{{Operations: []string{"nope"}, Status: "401", Source: "s"}}}, "names operations the reference lacks"},
		{"unknown schema", tablegen.Overlay{Nullable: []tablegen.OverlayNullable{{Schema: "Nope", Property: "x", Source: "s"}}}, "no such schema"},
		{"half a body", tablegen.Overlay{Responses: []tablegen.OverlayResponse{{Operations: []string{"*"}, Status: "401", MediaType: "text/plain", Source: "s"}}}, "both mediaType and schema"},
	} {
		_, err := tablegen.Build(base, &tt.ov)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

// TestOverlayAddsFacts builds a table from a tiny reference and an overlay
// holding one entry of each kind, and finds each fact in the output.
func TestOverlayAddsFacts(t *testing.T) {
	t.Parallel()
	var ref tablegen.Reference
	ref.Transport.Hosts.CurrentDefault = "http://127.0.0.1:39300"
	if err := json.Unmarshal([]byte(`{
		"operations": [{"operationId": "user_snapshot", "method": "GET", "path": "/user", "params": [], "responses": {"200": "P"}, "auth": ["application"]}],
		"schemas": {
			"P": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "total": {"type": "number"}}},
			"E": {"type": "string", "enum": ["UNKNOWN", "A"]}
		}}`), &ref); err != nil {
		t.Fatal(err)
	}
	no, yes := false, true
	ov := tablegen.Overlay{
		Operations: []tablegen.OverlayOperation{{Source: "s", Operation: Operation{
			OperationID: "userNew", Method: "GET", Path: "/user/new", Security: []string{"application"},
			Responses: map[string]Response{"200": {MediaType: "application/json", Schema: "P"}},
		}}},
		Properties: []tablegen.OverlayProperty{{Schema: "P", Name: "timezone", Property: Property{Type: "string", Required: &no}, Source: "s"}},
		EnumValues: []tablegen.OverlayEnumValues{{Schema: "E", Values: []string{"B"}, Source: "s"}},
		Responses:  []tablegen.OverlayResponse{{Operations: []string{"*"}, Status: "593", MediaType: "text/plain", Schema: "string", Source: "s"}},
		Nullable:   []tablegen.OverlayNullable{{Schema: "P", Property: "total", Required: &yes, Source: "s"}},
	}
	data, err := tablegen.Build(&ref, &ov)
	if err != nil {
		t.Fatal(err)
	}
	var c Contract
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Operations) != 2 || c.Operations[0].OperationID != "userNew" || c.Operations[1].OperationID != "userSnapshot" {
		t.Errorf("operations = %+v, want userNew and userSnapshot in that order", c.Operations)
	}
	for _, op := range c.Operations {
		if _, ok := op.Responses["593"]; !ok {
			t.Errorf("operation %s lacks the overlay's 593", op.OperationID)
		}
	}
	if p, ok := c.Schemas["P"].Properties["timezone"]; !ok || p.Type != "string" || p.IsRequired() {
		t.Errorf("P.timezone = %+v, %t; want an optional string", p, ok)
	}
	// The table writes the required flag of every property, false included.
	for name, p := range c.Schemas["P"].Properties {
		if p.Required == nil {
			t.Errorf("P.%s has no required flag in the table", name)
		}
	}
	if !bytes.Contains(data, []byte(`"required": false`)) {
		t.Errorf("the table writes no required flag that is false:\n%s", data)
	}
	if total := c.Schemas["P"].Properties["total"]; !total.Nullable || !total.IsRequired() {
		t.Errorf("P.total = %+v, want required and nullable", total)
	}
	if got := c.Schemas["E"].Enum; !slices.Equal(got, []string{"UNKNOWN", "A", "B"}) {
		t.Errorf("E = %q, want UNKNOWN A B", got)
	}
}
