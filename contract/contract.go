// Package contract checks api/openapi.yaml against a table of the User API
// kept as data in testdata/contract.json, and checks that the generated
// package gen and the hand-written package user follow the spec.
//
// The table records what Pieces OS answers on the wire: every operation
// (method, path, statuses with their media types, request body, path
// parameters, security schemes) and every schema (properties with their
// types, required flags and enum values). A hand edit of the spec that drops
// or renames any of them makes the tests of this module fail with a message
// that names what went missing.
//
// The tests of this package also check that package gen was regenerated
// after the last spec edit (generated_test.go), that the generated models
// accept JSON from a newer Pieces OS and survive a round trip
// (models_test.go), and that importing the library pulls in neither the
// generator nor the spec tooling (deps_test.go). conformance_test.go drives
// every operation through package user against the fake server of package
// usertest and validates every request and response with openapi3filter.
//
// This module is separate from the library so that kin-openapi and its YAML
// dependencies never reach the library's users.
package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/pieces-go/pieces-os-client-go/contract/internal/wire"
)

// The table of the User API read from testdata/contract.json. The types
// are declared once, in package wire, for the reader here and the writer
// (internal/tablegen) alike.
type (
	// Contract is the whole table.
	Contract = wire.Table
	// SecurityScheme is the expected shape of one security scheme. Empty
	// fields are not checked.
	SecurityScheme = wire.SecurityScheme
	// Operation is one row of the operation table.
	Operation = wire.Operation
	// Body is the expected request body of an operation.
	Body = wire.Body
	// Response is the expected answer for one status; an empty MediaType
	// means the answer has no body.
	Response = wire.Response
	// Schema is the expected shape of one component schema.
	Schema = wire.Schema
	// Property is the expected shape of one property, or of the items or
	// values of an array or map property.
	Property = wire.Property
)

// ReadContract reads and decodes the table at path. Unknown members are an
// error, so a typo in the table cannot silently switch a check off.
func ReadContract(path string) (*Contract, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read contract: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Contract
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("decode contract %s: %w", path, err)
	}
	if len(c.Operations) == 0 || len(c.Schemas) == 0 {
		return nil, fmt.Errorf("contract %s: no operations or no schemas", path)
	}
	return &c, nil
}

// ContractHint explains a difference between the spec and the table: what
// the table is, and what to run.
const ContractHint = `contract/testdata/contract.json is the table of what Pieces OS sends on the wire, ` +
	`built by "make contract" from the vendor's reference facts (../shared/reference/pieces-user-api.json) ` +
	`and contract/testdata/overlay.json (facts newer than the reference, each with its source). ` +
	`"X missing": the spec lost a fact of the table; restore it in api/openapi.yaml, ` +
	`or, if Pieces OS really changed, record that in the overlay and run make contract. ` +
	`"X not in the contract": the spec holds a fact the table lacks; add it to contract/testdata/overlay.json ` +
	`with its source, run make contract, and commit both files.`

// WebsocketExtension is the vendor extension that marks a WebSocket route.
const WebsocketExtension = "x-websocket"

// WebsocketTag is the tag of WebSocket routes; the generator skips it.
const WebsocketTag = "websocket"

// Check compares doc with the table and returns one message per difference,
// in a stable order. An empty result means the spec keeps the contract.
func Check(doc *openapi3.T, c *Contract) []string {
	var problems []string
	report := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	checkServers(doc, c, report)
	checkSecuritySchemes(doc, c, report)
	checkOperations(doc, c, report)
	checkSchemas(doc, c, report)
	return problems
}

type reporter func(format string, args ...any)

func checkServers(doc *openapi3.T, c *Contract, report reporter) {
	have := make(map[string]bool)
	for _, s := range doc.Servers {
		if s != nil {
			have[s.URL] = true
		}
	}
	for _, u := range c.Servers {
		if !have[u] {
			report("server %s missing", u)
		}
	}
}

func checkSecuritySchemes(doc *openapi3.T, c *Contract, report reporter) {
	for _, name := range slices.Sorted(maps.Keys(c.SecuritySchemes)) {
		want := c.SecuritySchemes[name]
		ref := doc.Components.SecuritySchemes[name]
		if ref == nil || ref.Value == nil {
			report("security scheme %s missing", name)
			continue
		}
		got := ref.Value
		for _, f := range []struct{ field, got, want string }{
			{"type", got.Type, want.Type},
			{"in", got.In, want.In},
			{"name", got.Name, want.Name},
			{"scheme", strings.ToLower(got.Scheme), want.Scheme},
		} {
			if f.want != "" && f.got != f.want {
				report("security scheme %s: %s is %q, want %q", name, f.field, f.got, f.want)
			}
		}
	}
}

// specOperation is an operation of the spec with where it lives.
type specOperation struct {
	method string
	path   string
	item   *openapi3.PathItem
	op     *openapi3.Operation
}

// specOperations indexes the operations of doc by operationId.
func specOperations(doc *openapi3.T) map[string]specOperation {
	ops := make(map[string]specOperation)
	if doc.Paths == nil {
		return ops
	}
	for path, item := range doc.Paths.Map() {
		if item == nil {
			continue
		}
		for method, op := range item.Operations() {
			ops[op.OperationID] = specOperation{method: method, path: path, item: item, op: op}
		}
	}
	return ops
}

func checkOperations(doc *openapi3.T, c *Contract, report reporter) {
	ops := specOperations(doc)
	known := make(map[string]bool)
	for _, want := range c.Operations {
		known[want.OperationID] = true
		got, ok := ops[want.OperationID]
		if !ok {
			report("operation %s missing", want.OperationID)
			continue
		}
		checkOperation(doc, want, got, func(format string, args ...any) {
			report("operation "+want.OperationID+": "+format, args...)
		})
	}
	for _, id := range slices.Sorted(maps.Keys(ops)) {
		if !known[id] {
			report("operation %s (%s %s): not in the contract", id, ops[id].method, ops[id].path)
		}
	}
}

func checkOperation(doc *openapi3.T, want Operation, got specOperation, report reporter) {
	if got.method != want.Method {
		report("method is %s, want %s", got.method, want.Method)
	}
	if got.path != want.Path {
		report("path is %s, want %s", got.path, want.Path)
	}

	isWS := got.op.Extensions[WebsocketExtension] == true
	tagged := slices.Contains(got.op.Tags, WebsocketTag)
	switch {
	case want.Websocket && !isWS:
		report("%s: true missing", WebsocketExtension)
	case !want.Websocket && isWS:
		report("%s: true set on an HTTP operation", WebsocketExtension)
	}
	switch {
	case want.Websocket && !tagged:
		report("tag %s missing", WebsocketTag)
	case !want.Websocket && tagged:
		report("tag %s set on an HTTP operation (the generator would skip it)", WebsocketTag)
	}

	checkSecurity(doc, want, got, report)
	checkPathParams(want, got, report)
	checkRequestBody(want, got, report)
	checkResponses(want, got, report)
}

func checkSecurity(doc *openapi3.T, want Operation, got specOperation, report reporter) {
	reqs := doc.Security
	if got.op.Security != nil {
		reqs = *got.op.Security
	}
	have := make(map[string]bool)
	for _, req := range reqs {
		for name := range req {
			have[name] = true
		}
	}
	for _, name := range want.Security {
		if !have[name] {
			report("security scheme %s missing", name)
		}
		delete(have, name)
	}
	for _, name := range slices.Sorted(maps.Keys(have)) {
		report("security scheme %s not in the contract", name)
	}
}

func checkPathParams(want Operation, got specOperation, report reporter) {
	have := make(map[string]bool)
	for _, params := range []openapi3.Parameters{got.item.Parameters, got.op.Parameters} {
		for _, p := range params {
			if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInPath {
				have[p.Value.Name] = true
			}
		}
	}
	for _, name := range want.PathParams {
		if !have[name] {
			report("path parameter %s missing", name)
		}
		delete(have, name)
	}
	for _, name := range slices.Sorted(maps.Keys(have)) {
		report("path parameter %s not in the contract", name)
	}
}

func checkRequestBody(want Operation, got specOperation, report reporter) {
	rb := got.op.RequestBody
	switch {
	case want.RequestBody == nil && rb == nil:
		return
	case want.RequestBody == nil:
		report("request body not in the contract")
		return
	case rb == nil || rb.Value == nil:
		report("request body missing")
		return
	}
	w, body := want.RequestBody, rb.Value
	if body.Required != w.Required {
		report("request body: required is %t, want %t", body.Required, w.Required)
	}
	checkContent(body.Content, w.MediaType, w.Schema, func(format string, args ...any) {
		report("request body: "+format, args...)
	})
}

func checkResponses(want Operation, got specOperation, report reporter) {
	have := make(map[string]*openapi3.ResponseRef)
	if got.op.Responses != nil {
		maps.Copy(have, got.op.Responses.Map())
	}
	for _, status := range slices.Sorted(maps.Keys(want.Responses)) {
		w := want.Responses[status]
		ref, ok := have[status]
		delete(have, status)
		if !ok || ref == nil || ref.Value == nil {
			report("status %s missing", status)
			continue
		}
		checkContent(ref.Value.Content, w.MediaType, w.Schema, func(format string, args ...any) {
			report("status "+status+": "+format, args...)
		})
	}
	for _, status := range slices.Sorted(maps.Keys(have)) {
		report("status %s not in the contract", status)
	}
}

// checkContent checks that content has exactly one media type, mediaType,
// whose schema is schema; an empty mediaType means no content at all.
func checkContent(content openapi3.Content, mediaType, schema string, report reporter) {
	if mediaType == "" {
		if len(content) != 0 {
			report("has a body (%s), want none", strings.Join(slices.Sorted(maps.Keys(content)), ", "))
		}
		return
	}
	mt, ok := content[mediaType]
	if !ok || mt == nil {
		report("media type %s missing", mediaType)
	} else if got := schemaName(mt.Schema); got != schema {
		report("%s schema is %s, want %s", mediaType, got, schema)
	}
	for _, other := range slices.Sorted(maps.Keys(content)) {
		if other != mediaType {
			report("media type %s not in the contract", other)
		}
	}
}

// schemaName names the schema of a body: the component it refers to, or
// its type (such as "string") when it is written inline.
func schemaName(ref *openapi3.SchemaRef) string {
	if ref == nil {
		return "nothing"
	}
	if ref.Ref != "" {
		return refName(ref.Ref)
	}
	if ref.Value == nil || ref.Value.Type == nil {
		return "an untyped schema"
	}
	return strings.Join(ref.Value.Type.Slice(), "|")
}

// refName is the last element of a local reference such as
// #/components/schemas/UserProfile.
func refName(ref string) string {
	return ref[strings.LastIndex(ref, "/")+1:]
}

func checkSchemas(doc *openapi3.T, c *Contract, report reporter) {
	have := doc.Components.Schemas
	for _, name := range slices.Sorted(maps.Keys(c.Schemas)) {
		ref := have[name]
		if ref == nil || ref.Value == nil {
			report("schema %s missing", name)
			continue
		}
		checkSchema(c.Schemas[name], ref.Value, func(format string, args ...any) {
			report("schema "+name+": "+format, args...)
		})
	}
	for _, name := range slices.Sorted(maps.Keys(have)) {
		if _, ok := c.Schemas[name]; !ok {
			report("schema %s not in the contract", name)
		}
	}
}

func checkSchema(want Schema, got *openapi3.Schema, report reporter) {
	if gotType := typeOf(got); gotType != want.Type {
		report("type is %q, want %q", gotType, want.Type)
	}

	gotEnum := make(map[string]bool)
	for _, v := range got.Enum {
		s, ok := v.(string)
		if !ok {
			report("enum value %v is not a string", v)
			continue
		}
		gotEnum[s] = true
	}
	for _, v := range want.Enum {
		if !gotEnum[v] {
			report("enum value %q missing", v)
		}
		delete(gotEnum, v)
	}
	for _, v := range slices.Sorted(maps.Keys(gotEnum)) {
		report("enum value %q not in the contract", v)
	}

	required := make(map[string]bool)
	for _, name := range got.Required {
		required[name] = true
		if _, ok := got.Properties[name]; !ok {
			report("required property %s is not a property", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(want.Properties)) {
		wp := want.Properties[name]
		gp, ok := got.Properties[name]
		if !ok {
			report("property %s missing", name)
			continue
		}
		if required[name] != wp.IsRequired() {
			report("property %s: required is %t, want %t", name, required[name], wp.IsRequired())
		}
		if g, w := describe(gp), describeWant(&wp); g != w {
			report("property %s is %s, want %s", name, g, w)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(got.Properties)) {
		if _, ok := want.Properties[name]; !ok {
			report("property %s not in the contract", name)
		}
	}
}

// typeOf is the single type of a schema, or "" when it has none.
func typeOf(s *openapi3.Schema) string {
	if s == nil || s.Type == nil {
		return ""
	}
	return strings.Join(s.Type.Slice(), "|")
}

// describe renders the shape of a property of the spec as a short phrase
// such as "ref UserProfile", "string (date-time)" or "array of ref Score".
// describeWant renders the table's side the same way, so the two compare as
// strings and a difference reads well in a message.
func describe(ref *openapi3.SchemaRef) string {
	if ref == nil {
		return "nothing"
	}
	if ref.Ref != "" {
		return "ref " + refName(ref.Ref)
	}
	s := ref.Value
	if s == nil {
		return "nothing"
	}
	d := typeOf(s)
	if d == "" {
		d = "untyped"
	}
	if s.Format != "" {
		d += " (" + s.Format + ")"
	}
	if s.Items != nil {
		d += " of " + describe(s.Items)
	}
	if s.AdditionalProperties.Schema != nil {
		d += " of " + describe(s.AdditionalProperties.Schema)
	}
	if s.Nullable {
		d += ", nullable"
	}
	return d
}

func describeWant(p *Property) string {
	if p == nil {
		return "nothing"
	}
	if p.Ref != "" {
		return "ref " + p.Ref
	}
	d := p.Type
	if d == "" {
		d = "untyped"
	}
	if p.Format != "" {
		d += " (" + p.Format + ")"
	}
	if p.Items != nil {
		d += " of " + describeWant(p.Items)
	}
	if p.AdditionalProperties != nil {
		d += " of " + describeWant(p.AdditionalProperties)
	}
	if p.Nullable {
		d += ", nullable"
	}
	return d
}
