package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// bodyModels makes a fresh value of the gen model of every schema that is
// the body of an operation or a WebSocket message. TestBodyModelsCoverSpec
// keeps the list complete.
var bodyModels = map[string]func() any{
	"Auth0User":                                func() any { return new(gen.Auth0User) },
	"EntityAssociateToUserInput":               func() any { return new(gen.EntityAssociateToUserInput) },
	"HasFeatureAccessBadRequestError":          func() any { return new(gen.HasFeatureAccessBadRequestError) },
	"HasFeatureAccessInput":                    func() any { return new(gen.HasFeatureAccessInput) },
	"HasFeatureAccessOutput":                   func() any { return new(gen.HasFeatureAccessOutput) },
	"HasFeatureAccessUnprocessableEntityError": func() any { return new(gen.HasFeatureAccessUnprocessableEntityError) },
	"RefreshedPaddleUser":                      func() any { return new(gen.RefreshedPaddleUser) },
	"ReturnedUserProfile":                      func() any { return new(gen.ReturnedUserProfile) },
	"UserBetaStatus":                           func() any { return new(gen.UserBetaStatus) },
	"UserCheckoutInput":                        func() any { return new(gen.UserCheckoutInput) },
	"UserCheckoutOutput":                       func() any { return new(gen.UserCheckoutOutput) },
	"UserLastCheckedInStreamOutput":            func() any { return new(gen.UserLastCheckedInStreamOutput) },
	"UserManageSubscriptionsInput":             func() any { return new(gen.UserManageSubscriptionsInput) },
	"UserManageSubscriptionsOutput":            func() any { return new(gen.UserManageSubscriptionsOutput) },
	"UserProfile":                              func() any { return new(gen.UserProfile) },
	"Users":                                    func() any { return new(gen.Users) },
}

// sampler builds complete JSON documents for the schemas of a spec: every
// property present with a value that is not the zero value of its Go type,
// so that omitzero cannot hide a field that was lost. Recursion stops at an
// optional property that would enter a schema the sample is already inside;
// a required one is followed once more, then reported.
type sampler struct {
	doc *openapi3.T
	// enum picks the value written for an enum schema.
	enum func(schema string, values []any) string
	// extras adds members no schema knows to every object, as a newer
	// Pieces OS might send.
	extras bool
	// visited records every schema a sample reached.
	visited map[string]bool
	// problems records required properties that recursion had to leave out.
	problems []string
}

func newSampler(doc *openapi3.T, enum func(string, []any) string) *sampler {
	return &sampler{doc: doc, enum: enum, visited: make(map[string]bool)}
}

// knownEnum picks the first value other than UNKNOWN, so that the sample
// says something a reader can recognise.
func knownEnum(_ string, values []any) string {
	for _, v := range values {
		if s := fmt.Sprint(v); s != "UNKNOWN" {
			return s
		}
	}
	return fmt.Sprint(values[0])
}

// futureEnum stands for a value added by a newer Pieces OS.
func futureEnum(schema string, _ []any) string { return "SOMETHING_NEW_IN_" + schema }

// sample returns a JSON document for the named component schema.
func (s *sampler) sample(schema string) any {
	return s.value(schema, "", s.doc.Components.Schemas[schema], nil)
}

func (s *sampler) value(name, prop string, ref *openapi3.SchemaRef, stack []string) any {
	if ref.Ref != "" {
		name = refName(ref.Ref)
		s.visited[name] = true
		stack = append(stack, name)
	}
	v := ref.Value
	switch {
	case len(v.Enum) > 0:
		return s.enum(name, v.Enum)
	case v.Type.Is(openapi3.TypeString) && v.Format == "date-time":
		return "2024-05-01T12:30:45Z"
	case v.Type.Is(openapi3.TypeString):
		return "sample " + prop
	case v.Type.Is(openapi3.TypeInteger):
		return 7.0
	case v.Type.Is(openapi3.TypeNumber):
		return 2.5
	case v.Type.Is(openapi3.TypeBoolean):
		return true
	case v.Type.Is(openapi3.TypeArray):
		return []any{s.value(name, prop, v.Items, stack)}
	case v.AdditionalProperties.Schema != nil:
		return map[string]any{"key-1": s.value(name, prop, v.AdditionalProperties.Schema, stack)}
	}
	obj := make(map[string]any)
	for _, p := range slices.Sorted(maps.Keys(v.Properties)) {
		pref := v.Properties[p]
		if pref.Ref != "" {
			seen := countOf(stack, refName(pref.Ref))
			required := slices.Contains(v.Required, p)
			if seen > 0 && !required {
				continue
			}
			if seen > 1 {
				s.problems = append(s.problems, fmt.Sprintf("schema %s: required property %s makes %s contain itself", name, p, refName(pref.Ref)))
				continue
			}
		}
		obj[p] = s.value(name, p, pref, stack)
	}
	if s.extras {
		obj["addedInAFutureRelease"] = map[string]any{"nested": []any{1.0, "two", nil}}
		obj["future_flag"] = true
	}
	return obj
}

func countOf(stack []string, name string) int {
	n := 0
	for _, e := range stack {
		if e == name {
			n++
		}
	}
	return n
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// generic decodes data into plain maps, slices and float64s.
func generic(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBodyModelsCoverSpec keeps bodyModels in step with the spec, and
// checks that samples from those bodies reach every schema.
func TestBodyModelsCoverSpec(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	for id, op := range specOperations(doc) {
		var refs []*openapi3.SchemaRef
		if op.op.RequestBody != nil {
			for _, mt := range op.op.RequestBody.Value.Content {
				refs = append(refs, mt.Schema)
			}
		}
		for _, r := range op.op.Responses.Map() {
			for _, mt := range r.Value.Content {
				refs = append(refs, mt.Schema)
			}
		}
		for _, ref := range refs {
			if ref.Ref == "" {
				continue
			}
			if _, ok := bodyModels[refName(ref.Ref)]; !ok {
				t.Errorf("operation %s: body schema %s has no entry in bodyModels", id, refName(ref.Ref))
			}
		}
	}
	s := newSampler(doc, knownEnum)
	for name := range bodyModels {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("bodyModels names %s, which the spec lacks", name)
			continue
		}
		s.visited[name] = true
		s.sample(name)
	}
	for _, p := range s.problems {
		t.Error(p)
	}
	for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
		if !s.visited[name] {
			t.Errorf("schema %s is not reached from any body, so the round trips never exercise it", name)
		}
	}
}

// TestModelsRoundTrip decodes a complete sample of every body into its gen
// model, refusing unknown members so that a property without a field fails,
// then encodes it again: the JSON must come back unchanged, and decoding it
// once more must give an equal value.
func TestModelsRoundTrip(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	for _, name := range slices.Sorted(maps.Keys(bodyModels)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := mustMarshal(t, newSampler(doc, knownEnum).sample(name))

			first := bodyModels[name]()
			dec := json.NewDecoder(bytes.NewReader(want))
			dec.DisallowUnknownFields()
			if err := dec.Decode(first); err != nil {
				t.Fatalf("decode %s: %v\n%s", name, err, want)
			}
			got := mustMarshal(t, first)
			if diff := cmp.Diff(generic(t, want), generic(t, got)); diff != "" {
				t.Errorf("%s changed in a JSON round trip (-sent +encoded):\n%s", name, diff)
			}

			second := bodyModels[name]()
			if err := json.Unmarshal(got, second); err != nil {
				t.Fatalf("decode %s again: %v", name, err)
			}
			if diff := cmp.Diff(first, second); diff != "" {
				t.Errorf("%s decodes differently after encoding (-first +second):\n%s", name, diff)
			}
		})
	}
}

// TestModelsAcceptNewerPiecesOS feeds every body model JSON from a newer
// Pieces OS: unknown members in every object and an unknown value in every
// enum. Decoding must succeed, keep every known member, and keep the
// unknown enum values as they were sent.
func TestModelsAcceptNewerPiecesOS(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	for _, name := range slices.Sorted(maps.Keys(bodyModels)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			current := newSampler(doc, futureEnum).sample(name)
			s := newSampler(doc, futureEnum)
			s.extras = true
			newer := mustMarshal(t, s.sample(name))

			v := bodyModels[name]()
			if err := json.Unmarshal(newer, v); err != nil {
				t.Fatalf("decode %s from a newer Pieces OS: %v", name, err)
			}
			if diff := cmp.Diff(current, generic(t, mustMarshal(t, v))); diff != "" {
				t.Errorf("%s lost known members or enum values (-sent without extras +encoded):\n%s", name, diff)
			}
		})
	}
}

// TestUserProfileFromNewerPiecesOS is the readable case of the test above:
// a small profile with members this version does not know at three depths
// and a cloud status it has never heard of.
func TestUserProfileFromNewerPiecesOS(t *testing.T) {
	t.Parallel()
	const body = `{
		"id": "8a1f3c2e-0000-4000-8000-000000000001",
		"vanityname": "ada",
		"aesthetics": {
			"font": {"size": 14, "ligatures": true},
			"theme": {"dark": true, "accent": "#ff8800"},
			"layout": "compact"
		},
		"allocation": {
			"id": "alloc-1",
			"project": "pieces-cloud",
			"user": "8a1f3c2e-0000-4000-8000-000000000001",
			"status": {"cloud": "SOMETHING_NEW", "since": "2030-01-01T00:00:00Z"},
			"urls": {
				"base": {"url": "https://base.example", "status": "RUNNING", "latencyMs": 12},
				"id": {"url": "https://id.example", "status": "RUNNING"}
			}
		},
		"preferredEditor": {"name": "vim", "version": 9}
	}`
	var got gen.UserProfile
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	want := gen.UserProfile{
		ID:         "8a1f3c2e-0000-4000-8000-000000000001",
		Vanityname: "ada",
		Aesthetics: gen.Aesthetics{
			Font:  gen.Font{Size: 14},
			Theme: gen.Theme{Dark: true},
		},
		Allocation: gen.AllocationCloud{
			ID:      "alloc-1",
			Project: "pieces-cloud",
			User:    "8a1f3c2e-0000-4000-8000-000000000001",
			Status:  gen.AllocationCloudStatus{Cloud: "SOMETHING_NEW"},
			URLs: gen.AllocationCloudURLs{
				Base: gen.AllocationCloudURL{URL: "https://base.example", Status: gen.AllocationStatusEnumRUNNING},
				ID:   gen.AllocationCloudURL{URL: "https://id.example", Status: gen.AllocationStatusEnumRUNNING},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded profile (-want +got):\n%s", diff)
	}
	if got.Allocation.Status.Cloud.Valid() {
		t.Errorf("Valid() = true for %q, want false so callers can tell it is new", got.Allocation.Status.Cloud)
	}
}
