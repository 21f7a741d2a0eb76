package contract

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
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
