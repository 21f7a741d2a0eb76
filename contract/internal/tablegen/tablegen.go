// Package tablegen builds contract/testdata/contract.json, the table of wire
// facts that the contract tests hold api/openapi.yaml to, from the reference
// facts of the vendor's Python client (pieces-user-api.json, kept outside
// this repository) and from an overlay of facts newer than the reference
// (contract/testdata/overlay.json), each of which names its source.
//
// The output is a pure function of the two inputs: `make contract` writes
// it, and a test of package contract fails when the committed table differs.
package tablegen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/pieces-go/pieces-os-client-go/contract/internal/wire"
)

// Source is the source line of the table.
const Source = "pieces_os_client 4.2.0 (Python), read as wire facts: operation ids in camelCase; a schema name answers application/json, \"string\" text/plain, an empty object no body"

// Reference is the part of pieces-user-api.json the table is built from.
type Reference struct {
	Transport struct {
		Security map[string]struct {
			Type string `json:"type"`
			In   string `json:"in"`
			Name string `json:"name"`
		} `json:"security"`
		Hosts struct {
			CurrentDefault string   `json:"current_default"`
			Legacy         []string `json:"legacy"`
		} `json:"hosts"`
		Websockets map[string]any `json:"websockets"`
	} `json:"transport"`
	Operations []struct {
		OperationID string `json:"operationId"`
		Method      string `json:"method"`
		Path        string `json:"path"`
		Params      []struct {
			Name       string `json:"name"`
			Annotation string `json:"annotation"`
		} `json:"params"`
		Responses   map[string]*string `json:"responses"`
		ContentType []string           `json:"contentType"`
		Auth        []string           `json:"auth"`
	} `json:"operations"`
	Schemas map[string]struct {
		Type       string              `json:"type"`
		Enum       []string            `json:"enum"`
		Required   []string            `json:"required"`
		Properties map[string]refProps `json:"properties"`
	} `json:"schemas"`
}

type refProps struct {
	Ref                  string    `json:"$ref"`
	Type                 string    `json:"type"`
	Format               string    `json:"format"`
	Items                *refProps `json:"items"`
	AdditionalProperties *refProps `json:"additionalProperties"`
}

// Overlay is contract/testdata/overlay.json: facts about Pieces OS that the
// reference does not hold yet. Every entry must say where it comes from.
type Overlay struct {
	// About describes the file.
	About string `json:"about"`
	// Operations adds operations the reference lacks.
	Operations []OverlayOperation `json:"operations,omitempty"`
	// Schemas adds schemas the reference lacks.
	Schemas []OverlaySchema `json:"schemas,omitempty"`
	// Properties adds properties to schemas of the reference.
	Properties []OverlayProperty `json:"properties,omitempty"`
	// EnumValues adds values to enums of the reference.
	EnumValues []OverlayEnumValues `json:"enumValues,omitempty"`
	// Responses adds a documented answer to operations.
	Responses []OverlayResponse `json:"responses"`
	// Nullable marks properties that Pieces OS may send as null.
	Nullable []OverlayNullable `json:"nullable"`
}

// OverlayOperation is a whole operation, written as in the table.
type OverlayOperation struct {
	Operation wire.Operation `json:"operation"`
	Source    string         `json:"source"`
}

// OverlaySchema is a whole schema, written as in the table (each property
// with its required flag).
type OverlaySchema struct {
	Name   string      `json:"name"`
	Schema wire.Schema `json:"schema"`
	Source string      `json:"source"`
}

// OverlayProperty adds Property (written as in the table, with its
// required flag) to Schema under Name.
type OverlayProperty struct {
	Schema   string        `json:"schema"`
	Name     string        `json:"name"`
	Property wire.Property `json:"property"`
	Source   string        `json:"source"`
}

// OverlayEnumValues appends Values to the enum Schema.
type OverlayEnumValues struct {
	Schema string   `json:"schema"`
	Values []string `json:"values"`
	Source string   `json:"source"`
}

// OverlayResponse adds status to every operation it names; "*" names every
// HTTP operation (not the WebSocket routes), except those whose reference
// already documents the same answer for the status.
type OverlayResponse struct {
	Operations []string `json:"operations"`
	Status     string   `json:"status"`
	// MediaType and Schema as in the table; both empty for no body.
	MediaType string `json:"mediaType,omitempty"`
	Schema    string `json:"schema,omitempty"`
	Reason    string `json:"reason"`
	Source    string `json:"source"`
}

// OverlayNullable marks Schema.Property nullable. Required, when given,
// replaces the reference's required flag: a member that is always sent but
// may be null is required and nullable.
type OverlayNullable struct {
	Schema   string `json:"schema"`
	Property string `json:"property"`
	Required *bool  `json:"required,omitempty"`
	Source   string `json:"source"`
}

// BuildFiles reads the reference and the overlay and returns the table.
func BuildFiles(referencePath, overlayPath string) ([]byte, error) {
	refData, err := os.ReadFile(referencePath)
	if err != nil {
		return nil, fmt.Errorf("read the reference: %w", err)
	}
	ovData, err := os.ReadFile(overlayPath)
	if err != nil {
		return nil, fmt.Errorf("read the overlay: %w", err)
	}
	var ref Reference
	if err := json.Unmarshal(refData, &ref); err != nil {
		return nil, fmt.Errorf("decode the reference %s: %w", referencePath, err)
	}
	var ov Overlay
	dec := json.NewDecoder(bytes.NewReader(ovData))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ov); err != nil {
		return nil, fmt.Errorf("decode the overlay %s: %w", overlayPath, err)
	}
	return Build(&ref, &ov)
}

// Build returns the table, formatted as it is committed.
func Build(ref *Reference, ov *Overlay) ([]byte, error) {
	t := wire.Table{Source: Source, SecuritySchemes: map[string]wire.SecurityScheme{}, Schemas: map[string]wire.Schema{}}

	// The current address and the first legacy one, which the vendor's
	// generated documentation uses as its default.
	t.Servers = append(t.Servers, ref.Transport.Hosts.CurrentDefault)
	if len(ref.Transport.Hosts.Legacy) > 0 {
		t.Servers = append(t.Servers, strings.Fields(ref.Transport.Hosts.Legacy[0])[0])
	}

	for name, s := range ref.Transport.Security {
		switch s.Type {
		case "apiKey":
			t.SecuritySchemes[name] = wire.SecurityScheme{Type: s.Type, In: s.In, Name: s.Name}
		case "oauth2 bearer":
			t.SecuritySchemes[name] = wire.SecurityScheme{Type: "http", Scheme: "bearer"}
		default:
			return nil, fmt.Errorf("reference: security scheme %s has type %q, which the table cannot express", name, s.Type)
		}
	}

	for _, ro := range ref.Operations {
		op := wire.Operation{
			OperationID: camelCase(ro.OperationID),
			Method:      ro.Method,
			Path:        ro.Path,
			Security:    ro.Auth,
			Responses:   map[string]wire.Response{},
		}
		_, op.Websocket = ref.Transport.Websockets[ro.Path]
		for _, p := range ro.Params {
			if strings.Contains(ro.Path, "{"+p.Name+"}") {
				op.PathParams = append(op.PathParams, p.Name)
				continue
			}
			name, required, err := bodyType(p.Annotation)
			if err != nil {
				return nil, fmt.Errorf("reference: operation %s: parameter %s: %w", ro.OperationID, p.Name, err)
			}
			if len(ro.ContentType) != 1 {
				return nil, fmt.Errorf("reference: operation %s has a body but %d content types", ro.OperationID, len(ro.ContentType))
			}
			op.RequestBody = &wire.Body{MediaType: ro.ContentType[0], Schema: name, Required: required}
		}
		for status, r := range ro.Responses {
			op.Responses[status] = answer(r)
		}
		t.Operations = append(t.Operations, op)
	}
	slices.SortFunc(t.Operations, func(a, b wire.Operation) int { return strings.Compare(a.OperationID, b.OperationID) })

	for name, rs := range ref.Schemas {
		s := wire.Schema{Type: rs.Type, Enum: rs.Enum}
		if len(rs.Properties) > 0 {
			s.Properties = map[string]wire.Property{}
		}
		for pname, rp := range rs.Properties {
			// Every property of a schema states its required flag, false
			// included; items and map values state none.
			p := convert(rp)
			req := slices.Contains(rs.Required, pname)
			p.Required = &req
			s.Properties[pname] = p
		}
		t.Schemas[name] = s
	}

	if err := apply(&t, ov); err != nil {
		return nil, err
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(t); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func apply(t *wire.Table, ov *Overlay) error {
	for i, o := range ov.Operations {
		op := o.Operation
		where := fmt.Sprintf("overlay: operations[%d] (%s)", i, op.OperationID)
		if o.Source == "" {
			return fmt.Errorf("%s: no source; say where the fact comes from", where)
		}
		if op.OperationID == "" || op.Method == "" || op.Path == "" || len(op.Responses) == 0 {
			return fmt.Errorf("%s: give operationId, method, path and responses", where)
		}
		if slices.ContainsFunc(t.Operations, func(x wire.Operation) bool { return x.OperationID == op.OperationID }) {
			return fmt.Errorf("%s: the reference already has it; drop it from the overlay", where)
		}
		t.Operations = append(t.Operations, op)
	}
	slices.SortFunc(t.Operations, func(a, b wire.Operation) int { return strings.Compare(a.OperationID, b.OperationID) })
	for i, o := range ov.Schemas {
		where := fmt.Sprintf("overlay: schemas[%d] (%s)", i, o.Name)
		if o.Source == "" {
			return fmt.Errorf("%s: no source; say where the fact comes from", where)
		}
		if _, ok := t.Schemas[o.Name]; ok || o.Name == "" {
			return fmt.Errorf("%s: the reference already has it, or it has no name", where)
		}
		for name, p := range o.Schema.Properties {
			if p.Required == nil {
				return fmt.Errorf("%s: property %s: say whether it is required", where, name)
			}
		}
		t.Schemas[o.Name] = o.Schema
	}
	for i, o := range ov.Properties {
		where := fmt.Sprintf("overlay: properties[%d] (%s.%s)", i, o.Schema, o.Name)
		if o.Source == "" {
			return fmt.Errorf("%s: no source; say where the fact comes from", where)
		}
		s, ok := t.Schemas[o.Schema]
		if !ok {
			return fmt.Errorf("%s: the reference has no such schema", where)
		}
		if _, ok := s.Properties[o.Name]; ok {
			return fmt.Errorf("%s: the reference already has it; drop it from the overlay", where)
		}
		if o.Property.Required == nil {
			return fmt.Errorf("%s: say whether it is required", where)
		}
		if s.Properties == nil {
			s.Properties = map[string]wire.Property{}
		}
		s.Properties[o.Name] = o.Property
		t.Schemas[o.Schema] = s
	}
	for i, o := range ov.EnumValues {
		where := fmt.Sprintf("overlay: enumValues[%d] (%s)", i, o.Schema)
		if o.Source == "" {
			return fmt.Errorf("%s: no source; say where the fact comes from", where)
		}
		s, ok := t.Schemas[o.Schema]
		if !ok || len(s.Enum) == 0 {
			return fmt.Errorf("%s: the reference has no such enum", where)
		}
		for _, v := range o.Values {
			if slices.Contains(s.Enum, v) {
				return fmt.Errorf("%s: the reference already has %q; drop it from the overlay", where, v)
			}
		}
		s.Enum = slices.Concat(s.Enum, o.Values)
		t.Schemas[o.Schema] = s
	}
	for i, r := range ov.Responses {
		where := fmt.Sprintf("overlay: responses[%d] (status %s)", i, r.Status)
		if r.Source == "" {
			return fmt.Errorf("%s: no source; say where the fact comes from", where)
		}
		if (r.MediaType == "") != (r.Schema == "") {
			return fmt.Errorf("%s: give both mediaType and schema, or neither for no body", where)
		}
		all := slices.Contains(r.Operations, "*")
		matched := 0
		for j := range t.Operations {
			op := &t.Operations[j]
			if !(all && !op.Websocket) && !slices.Contains(r.Operations, op.OperationID) {
				continue
			}
			matched++
			add := wire.Response{MediaType: r.MediaType, Schema: r.Schema}
			if have, ok := op.Responses[r.Status]; ok {
				if all && have == add {
					continue // the reference already says the same for this one
				}
				return fmt.Errorf("%s: operation %s already documents it (as %+v); drop it from the overlay", where, op.OperationID, have)
			}
			op.Responses[r.Status] = add
		}
		if want := len(r.Operations); matched == 0 || (!all && matched != want) {
			return fmt.Errorf("%s: names operations the reference lacks: %v", where, r.Operations)
		}
	}
	for i, n := range ov.Nullable {
		where := fmt.Sprintf("overlay: nullable[%d] (%s.%s)", i, n.Schema, n.Property)
		if n.Source == "" {
			return fmt.Errorf("%s: no source; say where the fact comes from", where)
		}
		s, ok := t.Schemas[n.Schema]
		if !ok {
			return fmt.Errorf("%s: the reference has no such schema", where)
		}
		p, ok := s.Properties[n.Property]
		if !ok {
			return fmt.Errorf("%s: the reference has no such property", where)
		}
		if p.Nullable {
			return fmt.Errorf("%s: listed twice", where)
		}
		p.Nullable = true
		if n.Required != nil {
			req := *n.Required
			p.Required = &req
		}
		s.Properties[n.Property] = p
	}
	return nil
}

func convert(rp refProps) wire.Property {
	p := wire.Property{Ref: rp.Ref, Type: rp.Type, Format: rp.Format}
	if rp.Items != nil {
		items := convert(*rp.Items)
		p.Items = &items
	}
	if rp.AdditionalProperties != nil {
		ap := convert(*rp.AdditionalProperties)
		p.AdditionalProperties = &ap
	}
	return p
}

// answer converts a response type of the reference: a schema name is an
// application/json body, "str" a text/plain body, null no body.
func answer(r *string) wire.Response {
	switch {
	case r == nil:
		return wire.Response{}
	case *r == "str":
		return wire.Response{MediaType: "text/plain", Schema: "string"}
	default:
		return wire.Response{MediaType: "application/json", Schema: *r}
	}
}

var typeName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// bodyType reads the Python annotation of a body parameter, such as
// "Optional[UserProfile] = None" or "Annotated[HasFeatureAccessInput,
// Field(...)]", as a schema name and whether the body is required.
func bodyType(annotation string) (name string, required bool, err error) {
	s := annotation
	if inner, ok := strings.CutPrefix(s, "Annotated["); ok {
		s = inner
		if i := strings.Index(s, ", Field("); i >= 0 {
			s = s[:i]
		}
	}
	required = true
	if inner, ok := strings.CutPrefix(s, "Optional["); ok {
		s, required = inner, false
		if i := strings.IndexByte(s, ']'); i >= 0 {
			s = s[:i]
		}
	}
	s = strings.TrimSuffix(strings.TrimSpace(s), "]")
	if !typeName.MatchString(s) {
		return "", false, fmt.Errorf("cannot read the body type of %q", annotation)
	}
	return s, required, nil
}

// camelCase turns the vendor's snake_case operation ids into the camelCase
// of the spec: stream_user_last_checked_in is streamUserLastCheckedIn.
func camelCase(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// DefaultReference is where the reference facts live, relative to the
// contract/ directory: next to the repository, not in it.
const DefaultReference = "../../shared/reference/pieces-user-api.json"
