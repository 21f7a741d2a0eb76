// Command gencontract writes testdata/contract.json, the table of wire facts
// of the User API, from the reference facts and testdata/overlay.json. Run
// it as `make contract` from the repository root, or from contract/:
//
//	go run ./cmd/gencontract
//
// With -check it writes nothing and fails when the committed table differs.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/pieces-go/pieces-os-client-go/contract/internal/tablegen"
)

func main() {
	reference := flag.String("reference", tablegen.DefaultReference, "the reference facts (pieces-user-api.json)")
	overlay := flag.String("overlay", "testdata/overlay.json", "facts newer than the reference")
	out := flag.String("o", "testdata/contract.json", "the table to write")
	check := flag.Bool("check", false, "write nothing; fail when the table differs")
	flag.Parse()

	data, err := tablegen.BuildFiles(*reference, *overlay)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencontract:", err)
		os.Exit(1)
	}
	if *check {
		old, err := os.ReadFile(*out)
		if err != nil || !bytes.Equal(old, data) {
			fmt.Fprintf(os.Stderr, "gencontract: %s differs from what %s and %s give; run `make contract` and commit the result\n", *out, *reference, *overlay)
			os.Exit(1)
		}
		return
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencontract:", err)
		os.Exit(1)
	}
}
