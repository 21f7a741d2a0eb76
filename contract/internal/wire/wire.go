// Package wire declares the table of wire facts of the User API, the JSON
// form of contract/testdata/contract.json. Package tablegen writes it and
// package contract reads it and holds api/openapi.yaml to it, both through
// these types, so the file has one shape.
package wire

// Table is the whole table: where its facts come from, the servers, the
// security schemes, the operations and the schemas.
type Table struct {
	// Source says where the facts of the table come from.
	Source string `json:"source"`
	// Servers lists server URLs the spec must declare.
	Servers []string `json:"servers"`
	// SecuritySchemes maps each scheme name to its expected shape.
	SecuritySchemes map[string]SecurityScheme `json:"securitySchemes"`
	// Operations lists every operation of the API, ordered by operation ID.
	Operations []Operation `json:"operations"`
	// Schemas maps each schema name to its expected shape.
	Schemas map[string]Schema `json:"schemas"`
}

// SecurityScheme is the expected shape of one security scheme. Empty fields
// are not checked.
type SecurityScheme struct {
	Type   string `json:"type"`
	In     string `json:"in,omitempty"`
	Name   string `json:"name,omitempty"`
	Scheme string `json:"scheme,omitempty"`
}

// Operation is one row of the operation table.
type Operation struct {
	OperationID string `json:"operationId"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	// Websocket marks a WebSocket route: the spec must tag it websocket and
	// set x-websocket: true; every other operation must do neither.
	Websocket   bool                `json:"websocket,omitempty"`
	Security    []string            `json:"security"`
	PathParams  []string            `json:"pathParams,omitempty"`
	RequestBody *Body               `json:"requestBody,omitempty"`
	Responses   map[string]Response `json:"responses"`
}

// Body is the expected request body of an operation.
type Body struct {
	MediaType string `json:"mediaType"`
	Schema    string `json:"schema"`
	Required  bool   `json:"required"`
}

// Response is the expected answer for one status. An empty MediaType means
// the answer has no body. Schema is a schema name, or "string" for a plain
// string.
type Response struct {
	MediaType string `json:"mediaType,omitempty"`
	Schema    string `json:"schema,omitempty"`
}

// Schema is the expected shape of one component schema.
type Schema struct {
	Type       string              `json:"type"`
	Enum       []string            `json:"enum,omitempty"`
	Properties map[string]Property `json:"properties,omitempty"`
}

// Property is the expected shape of one property, or of the items or values
// of an array or map property. Ref names another schema; otherwise Type (and
// Format, Items, AdditionalProperties where they apply) describe it.
type Property struct {
	Ref                  string    `json:"ref,omitempty"`
	Type                 string    `json:"type,omitempty"`
	Format               string    `json:"format,omitempty"`
	Items                *Property `json:"items,omitempty"`
	AdditionalProperties *Property `json:"additionalProperties,omitempty"`
	// Required says whether the schema lists the property as required. The
	// table states it, true or false, for every property of a schema, and
	// leaves it out for items and map values, which it does not apply to;
	// the overlay must state it for every property it adds.
	Required *bool `json:"required,omitempty"`
	// Nullable says Pieces OS may send null for the property; the spec
	// must then mark it nullable.
	Nullable bool `json:"nullable,omitempty"`
}

// IsRequired reports whether the property is required; a property whose
// flag is left out is not.
func (p Property) IsRequired() bool { return p.Required != nil && *p.Required }
