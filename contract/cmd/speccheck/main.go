// Command speccheck compares api/openapi.yaml with the table of wire facts
// (testdata/contract.json) and prints every difference. It builds without
// the library, so a compile error elsewhere cannot hide what changed on the
// wire; `make spec-table` runs it first in `make test`. Run from contract/:
//
//	go run ./cmd/speccheck
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/pieces-go/pieces-os-client-go/contract"
)

func main() {
	spec := flag.String("spec", "../api/openapi.yaml", "the spec")
	table := flag.String("table", "testdata/contract.json", "the table of wire facts")
	flag.Parse()

	doc, err := openapi3.NewLoader().LoadFromFile(*spec)
	if err != nil {
		fail("load %s: %v", *spec, err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableMultiError(),
		openapi3.AllowExtraSiblingFields(contract.WebsocketExtension)); err != nil {
		fail("%s is not a valid OpenAPI document: %v", *spec, err)
	}
	c, err := contract.ReadContract(*table)
	if err != nil {
		fail("%v", err)
	}
	problems := contract.Check(doc, c)
	if len(problems) == 0 {
		fmt.Printf("speccheck: api/openapi.yaml keeps the %d operations and %d schemas of %s\n", len(c.Operations), len(c.Schemas), *table)
		return
	}
	fmt.Fprintf(os.Stderr, "speccheck: api/openapi.yaml differs from %s in %d places:\n", *table, len(problems))
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "  "+p)
	}
	fail("%s", contract.ContractHint)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "speccheck: "+format+"\n", args...)
	os.Exit(1)
}
