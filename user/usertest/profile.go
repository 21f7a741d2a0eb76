package usertest

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/internal/lossless"
)

// stamp is the version stamp every model of the fake carries.
func stamp() gen.EmbeddedModelSchema {
	return gen.EmbeddedModelSchema{Semantic: gen.EmbeddedModelSchemaSemanticVersionEnumMAJOR0MINOR0PATCH1}
}

// timestamp builds a GroupedTimestamp for t, in UTC.
func timestamp(t time.Time) gen.GroupedTimestamp {
	return gen.GroupedTimestamp{Value: t.UTC(), Schema: stamp()}
}

//go:embed default_profile.json
var defaultProfileJSON []byte

// DefaultProfile returns the profile of the user a new Server has signed in:
// Ada Lovelace (ada@example.com), vanity name "ada", with aesthetics, a
// running personal cloud with base, id and vanity addresses, a GitHub
// sign-in provider, one organization (with its full record) and a monthly
// subscription; every required member is set, the timestamps are fixed.
// Each call returns a fresh copy, decoded strictly from this package's
// file default_profile.json.
func DefaultProfile() gen.UserProfile {
	dec := json.NewDecoder(bytes.NewReader(defaultProfileJSON))
	dec.DisallowUnknownFields()
	var p gen.UserProfile
	if err := dec.Decode(&p); err != nil {
		panic("usertest: default_profile.json does not fit gen.UserProfile: " + err.Error())
	}
	return p
}

// cloudURL is a personal cloud's address, which nothing ever connects to.
func cloudURL(host string) gen.AllocationCloudURL {
	return gen.AllocationCloudURL{URL: "https://" + host + ".pieces.cloud", Status: gen.AllocationStatusEnumRUNNING, Schema: stamp()}
}

// profileFromAuth0 builds the profile of a user who signs in as the Auth0
// user u: the id is u's global_id, or a UUID derived from u's user_id, or
// from u's email (a sign-in form may send only that); the rest comes from
// u, and the user gets a running personal cloud.
func profileFromAuth0(u gen.Auth0User, now time.Time) (gen.UserProfile, error) {
	id := u.UserMetadata.GlobalID
	switch {
	case id != "":
	case u.UserID != "":
		id = nameUUID(u.UserID)
	case u.Email != "":
		id = nameUUID("email|" + u.Email)
	default:
		return gen.UserProfile{}, errors.New("the Auth0 user has no user_id, user_metadata.global_id or email")
	}
	local, _, _ := strings.Cut(u.Email, "@")
	created, updated := timestamp(cmp.Or(u.CreatedAt, now)), timestamp(cmp.Or(u.UpdatedAt, now))
	providers := []gen.ExternalProvider{} // required: [] rather than null
	for _, ident := range u.Identities {
		typ := gen.ExternalProviderTypeEnum(ident.Provider)
		if !typ.Valid() {
			typ = gen.ExternalProviderTypeEnumUNKNOWN
		}
		providers = append(providers, gen.ExternalProvider{Type: typ, UserID: ident.UserID, Connection: ident.Connection,
			IsSocial: ident.IsSocial, Created: created, Updated: updated, Schema: stamp()})
	}
	meta := u.UserMetadata
	meta.GlobalID, meta.Schema = id, stamp()
	cloud := gen.AllocationCloud{ID: id, User: id, Project: "pieces-usertest", Region: "us-central1", Version: "10.1.0",
		Status: gen.AllocationCloudStatus{Cloud: gen.AllocationStatusEnumRUNNING, Schema: stamp()}, Updated: timestamp(now),
		URLs: gen.AllocationCloudURLs{Base: cloudURL(id), ID: cloudURL(id + ".id"), Schema: stamp()}, Schema: stamp()}
	if meta.Vanityname != "" {
		cloud.URLs.Vanity = cloudURL(meta.Vanityname)
	}
	return gen.UserProfile{
		ID:         id,
		Email:      u.Email,
		Name:       cmp.Or(u.Name, strings.TrimSpace(u.GivenName+" "+u.FamilyName)),
		Username:   cmp.Or(u.Username, u.Nickname, local),
		Picture:    u.Picture,
		Vanityname: meta.Vanityname,
		Aesthetics: gen.Aesthetics{Font: gen.Font{Size: 14, Schema: stamp()}, Theme: gen.Theme{Schema: stamp()}, Schema: stamp()},
		Allocation: cloud,
		Auth0:      meta,
		Created:    created,
		Updated:    updated,
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

// decodeProfile decodes profile JSON that the server has checked.
func decodeProfile(doc []byte) gen.UserProfile {
	var p gen.UserProfile
	_ = lossless.Decode(doc, &p)
	return p
}

// mergeProfile writes p, a changed copy of doc's profile, onto doc by the
// lossless merge: what gen does not know stays as doc has it.
func mergeProfile(doc []byte, p gen.UserProfile) []byte {
	out, err := lossless.Merge(doc, mustJSON(decodeProfile(doc)), mustJSON(p))
	if err != nil {
		panic("usertest: merging a profile: " + err.Error()) // all three are JSON objects
	}
	return out
}

// mustJSON encodes v, which only a time after the year 9999 can prevent.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("usertest: cannot encode a %T as JSON: %v", v, err))
	}
	return b
}

// compact returns a compact copy of the JSON doc.
func compact(doc []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, doc); err != nil {
		panic("usertest: compacting checked JSON: " + err.Error())
	}
	return b.Bytes()
}
