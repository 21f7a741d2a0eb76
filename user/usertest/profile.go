package usertest

import (
	"bytes"
	"crypto/sha1"
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// cloudDomain is the parent domain of the personal-cloud addresses the fake
// hands out. Nothing ever connects to them.
const cloudDomain = "pieces.cloud"

// stamp is the version stamp every model of the fake carries.
func stamp() gen.EmbeddedModelSchema {
	return gen.EmbeddedModelSchema{Migration: 0, Semantic: gen.EmbeddedModelSchemaSemanticVersionEnumMAJOR0MINOR0PATCH1}
}

// timestamp builds a GroupedTimestamp for t, in UTC.
func timestamp(t time.Time, readable string) gen.GroupedTimestamp {
	return gen.GroupedTimestamp{Value: t.UTC(), Readable: readable, Schema: stamp()}
}

// defaultProfileJSON is the profile DefaultProfile returns, as JSON.
//
//go:embed default_profile.json
var defaultProfileJSON []byte

// DefaultProfile returns the profile of the user a new Server has signed in:
// Ada Lovelace (ada@example.com), vanity name "ada", with aesthetics, a
// running personal cloud with base, id and vanity addresses, a GitHub
// sign-in provider, membership of one organization (with its full record)
// and a monthly subscription. Every required member of every nested model
// is set. Its timestamps are fixed, so two calls return equal values, and
// each call returns a fresh copy that the caller may change.
//
// The profile is the file default_profile.json of this package, decoded
// strictly: a member gen.UserProfile does not declare makes it panic, and
// the package's tests check the file against the spec.
func DefaultProfile() gen.UserProfile {
	dec := json.NewDecoder(bytes.NewReader(defaultProfileJSON))
	dec.DisallowUnknownFields()
	var p gen.UserProfile
	if err := dec.Decode(&p); err != nil {
		panic("usertest: default_profile.json does not fit gen.UserProfile: " + err.Error())
	}
	return p
}

// allocationFor returns a running personal cloud for user id, with a vanity
// address when vanity is not empty.
func allocationFor(id, vanity string, updated time.Time) gen.AllocationCloud {
	a := gen.AllocationCloud{
		ID:      id,
		User:    id,
		Project: "pieces-usertest",
		Region:  "us-central1",
		Version: "10.1.0",
		Status:  gen.AllocationCloudStatus{Cloud: gen.AllocationStatusEnumRUNNING, Schema: stamp()},
		Updated: timestamp(updated, ""),
		URLs: gen.AllocationCloudURLs{
			Base:   gen.AllocationCloudURL{URL: "https://" + id + "." + cloudDomain, Status: gen.AllocationStatusEnumRUNNING, Schema: stamp()},
			ID:     gen.AllocationCloudURL{URL: "https://" + id + ".id." + cloudDomain, Status: gen.AllocationStatusEnumRUNNING, Schema: stamp()},
			Schema: stamp(),
		},
		Schema: stamp(),
	}
	if vanity != "" {
		a.URLs.Vanity = vanityURL(vanity)
	}
	return a
}

func vanityURL(name string) gen.AllocationCloudURL {
	return gen.AllocationCloudURL{URL: "https://" + name + "." + cloudDomain, Status: gen.AllocationStatusEnumRUNNING, Schema: stamp()}
}

// profileFromAuth0 builds the profile of a user who signs in with the Auth0
// user u: the id is u's global_id, or else a UUID derived from u's user_id,
// or else from u's email;
// email, name, username, picture and vanity name come from u, the sign-in
// providers from u's identities, and the user gets a running personal
// cloud. It fails when u names no user.
func profileFromAuth0(u gen.Auth0User, now time.Time) (gen.UserProfile, error) {
	id := u.UserMetadata.GlobalID
	switch {
	case id != "":
	case u.UserID != "":
		id = nameUUID(u.UserID)
	case u.Email != "":
		// A sign-in form may send only the email: it names the user too.
		id = nameUUID("email|" + u.Email)
	default:
		return gen.UserProfile{}, fmt.Errorf("the Auth0 user has no user_id, user_metadata.global_id or email")
	}
	name := u.Name
	if name == "" {
		name = strings.TrimSpace(u.GivenName + " " + u.FamilyName)
	}
	username := u.Username
	if username == "" {
		username = u.Nickname
	}
	if username == "" {
		username, _, _ = strings.Cut(u.Email, "@")
	}
	created := u.CreatedAt
	if created.IsZero() {
		created = now
	}
	updated := u.UpdatedAt
	if updated.IsZero() {
		updated = now
	}
	vanity := u.UserMetadata.Vanityname

	providers := make([]gen.ExternalProvider, 0, len(u.Identities))
	for _, ident := range u.Identities {
		typ := gen.ExternalProviderTypeEnum(ident.Provider)
		if !typ.Valid() {
			typ = gen.ExternalProviderTypeEnumUNKNOWN
		}
		providers = append(providers, gen.ExternalProvider{
			Type:       typ,
			UserID:     ident.UserID,
			Connection: ident.Connection,
			IsSocial:   ident.IsSocial,
			Created:    timestamp(created, ""),
			Updated:    timestamp(updated, ""),
			Schema:     stamp(),
		})
	}

	meta := u.UserMetadata
	meta.GlobalID = id
	meta.Schema = stamp()
	return gen.UserProfile{
		ID:         id,
		Email:      u.Email,
		Name:       name,
		Username:   username,
		Picture:    u.Picture,
		Vanityname: vanity,
		Aesthetics: gen.Aesthetics{
			Font:   gen.Font{Size: 14, Schema: stamp()},
			Theme:  gen.Theme{Dark: false, Schema: stamp()},
			Schema: stamp(),
		},
		Allocation: allocationFor(id, vanity, now),
		Auth0:      meta,
		Created:    timestamp(created, ""),
		Updated:    timestamp(updated, ""),
		Providers:  gen.ExternalProviders{Iterable: providers, Schema: stamp()},
		Schema:     stamp(),
	}, nil
}

// nameUUID derives a name-based (version 5 layout) UUID from name, so that
// the same Auth0 user always gets the same profile id.
func nameUUID(name string) string {
	sum := sha1.Sum([]byte("usertest:" + name))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func ptr[T any](v T) *T { return &v }

// clone returns a deep copy of v: pointers, slices and maps are copied, so
// that the copy shares no memory that a later change could reach. Only a
// cyclic graph, which no JSON value describes, nests deeper than the limit
// of copyValue; below that depth the copy shares the original's memory.
func clone[T any](v T) T {
	var out T
	copyValue(reflect.ValueOf(&out).Elem(), reflect.ValueOf(v), 0)
	return out
}

func copyValue(dst, src reflect.Value, depth int) {
	const maxDepth = 200
	if depth > maxDepth || !src.IsValid() {
		return
	}
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		n := reflect.New(src.Type().Elem())
		copyValue(n.Elem(), src.Elem(), depth+1)
		dst.Set(n)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		n := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			copyValue(n.Index(i), src.Index(i), depth+1)
		}
		dst.Set(n)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		n := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			val := reflect.New(src.Type().Elem()).Elem()
			copyValue(val, it.Value(), depth+1)
			n.SetMapIndex(it.Key(), val)
		}
		dst.Set(n)
	case reflect.Struct:
		// Assigning the whole struct also copies unexported fields (those of
		// time.Time); exported ones are then copied deeply.
		dst.Set(src)
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				copyValue(dst.Field(i), src.Field(i), depth+1)
			}
		}
	default:
		dst.Set(src)
	}
}
