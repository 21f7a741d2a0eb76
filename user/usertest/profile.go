package usertest

import (
	"crypto/sha1"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// Ids of the records in DefaultProfile.
const (
	defaultUserID         = "0b5e0c1e-8f2a-4d3b-9a6c-1f2e3d4c5b6a"
	defaultOrganizationID = "7c9d2e4f-1a3b-4c5d-8e6f-9a0b1c2d3e4f"
	defaultSubscriptionID = "3e1f5a7b-9c2d-4e6f-8a1b-2c3d4e5f6a7b"
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

func enabled() gen.InstanceConfigurationEnabledEnum {
	return gen.InstanceConfigurationEnabledEnumENABLED
}

// DefaultProfile returns the profile of the user a new Server has signed in
// (unless WithSignedOut or WithProfile say otherwise): Ada Lovelace, vanity
// name "ada", with aesthetics, a running personal cloud with base, id and
// vanity addresses, a GitHub sign-in provider, membership of one
// organization and a monthly subscription. Every required member of every
// nested model is set. Its timestamps are fixed, so two calls return equal
// values, and each call returns a fresh copy that the caller may change.
func DefaultProfile() gen.UserProfile {
	created := time.Date(2023, time.May, 4, 10, 0, 0, 0, time.UTC)
	updated := time.Date(2024, time.November, 20, 16, 30, 0, 0, time.UTC)
	billing := time.Date(2024, time.December, 20, 0, 0, 0, 0, time.UTC)

	userRef := gen.ReferencedUser{
		ID: defaultUserID,
		Reference: &gen.FlattenedUserProfile{
			ID:         defaultUserID,
			Email:      "ada@example.com",
			Name:       "Ada Lovelace",
			Username:   "ada",
			Vanityname: "ada",
			Picture:    "https://example.com/avatars/ada.png",
			Schema:     stamp(),
		},
		Schema: stamp(),
	}
	subscription := gen.FlattenedSubscription{
		ID:              defaultSubscriptionID,
		Active:          true,
		Name:            "Pieces Pro",
		PriceID:         "pri_01hpro0monthly",
		ProductID:       "pro_01hpieces0pro",
		Quantity:        1,
		SubscriptionID:  "sub_01hada0pro",
		Term:            gen.SubscriptionTermEnumMonth,
		Created:         timestamp(created, ""),
		Updated:         timestamp(updated, ""),
		NextBillingDate: timestamp(billing, ""),
		User:            gen.ReferencedUser{ID: defaultUserID, Schema: stamp()},
		Schema:          stamp(),
	}
	organization := gen.FlattenedEntity{
		ID:            defaultOrganizationID,
		Name:          "Analytical Engines Ltd",
		Type:          gen.EntityTypeEnumORGANIZATION,
		OrgIdentifier: "analytical-engines",
		Created:       timestamp(created, ""),
		Updated:       timestamp(updated, ""),
		Configuration: gen.InstanceConfiguration{
			Analytics: gen.InstanceConfigurationAnalytics{
				BigQuery: gen.BigQueryInstanceConfiguration{Enabled: gen.InstanceConfigurationEnabledEnumDISABLED},
				Segment:  gen.SegmentInstanceConfiguration{Enabled: gen.InstanceConfigurationEnabledEnumDISABLED},
				SendInternalSummaryReportsToUserTeamService: gen.SendInternalSummaryReportsToUserTeamServiceInstanceConfiguration{
					Enabled: gen.InstanceConfigurationEnabledEnumDISABLED,
				},
			},
			ExternalCloud: gen.InstanceConfigurationExternalCloud{
				ConnectToCloud:          gen.ConnectToCloudInstanceConfiguration{Enabled: enabled()},
				ReconnectToCloud:        gen.ReconnectToCloudInstanceConfiguration{Enabled: enabled()},
				UpdateAllocationCloud:   gen.UpdateAllocationCloudInstanceConfiguration{Enabled: enabled()},
				ShareSnippet:            gen.ShareSnippetInstanceConfiguration{Enabled: enabled()},
				CloudBackupCreation:     gen.CloudBackupCreationInstanceConfiguration{Enabled: enabled()},
				ListCloudBackups:        gen.ListCloudBackupsInstanceConfiguration{Enabled: enabled()},
				ListSpecificCloudBackup: gen.ListSpecificCloudBackupInstanceConfiguration{Enabled: enabled()},
				RestoreCloudBackup:      gen.RestoreCloudBackupInstanceConfiguration{Enabled: enabled()},
				DeleteCloudBackup:       gen.DeleteCloudBackupInstanceConfiguration{Enabled: enabled()},
			},
			ExternalProvider: gen.InstanceConfigurationExternalProvider{
				AllowedCloudModels: gen.AllowedCloudModelsInstanceConfiguration{
					Enabled: enabled(),
					AllowedModels: gen.InstanceConfigurationAllowedModels{
						Iterable: []gen.InstanceConfigurationAllowedModel{
							{Unique: "gpt-4o", Name: "GPT-4o", Foundation: gen.ModelFoundationEnumGPTLATEST, Provider: gen.ExternalMLProviderEnumOPENAI, Type: gen.ModelTypeEnumBALANCED},
							{Unique: "claude-sonnet", Name: "Claude Sonnet", Foundation: gen.ModelFoundationEnumCLAUDELATEST, Provider: gen.ExternalMLProviderEnumANTHROPIC, Type: gen.ModelTypeEnumACCURACY},
						},
					},
				},
				DeniedWorkstreamPatternEngineSources: gen.DeniedWorkstreamPatternEngineSourcesInstanceConfiguration{
					Enabled: enabled(),
					DeniedSources: gen.InstanceConfigurationDeniedWorkstreamPatternEngineSources{
						Iterable: []gen.InstanceConfigurationDeniedWorkstreamPatternEngineSource{
							{Application: "1Password", BundleIdentifiers: []string{"com.1password.1password"}},
						},
					},
				},
				DeniedWorkstreamPatternEngineWebsites: gen.DeniedWorkstreamPatternEngineWebsitesInstanceConfiguration{
					Enabled: enabled(),
					DeniedWebsites: gen.InstanceConfigurationDeniedWorkstreamPatternEngineWebsites{
						Iterable: []gen.InstanceConfigurationDeniedWorkstreamPatternEngineWebsite{{URL: "https://bank.example.com"}},
					},
				},
				Processing: gen.ProcessingInstanceConfiguration{Enabled: enabled(), Processing: gen.CapabilitiesEnumBLENDED},
			},
			Schema: stamp(),
		},
		Users: gen.FlattenedUsers{
			Iterable: []gen.ReferencedUser{{ID: defaultUserID, Schema: stamp()}},
			Indices:  map[string]int{defaultUserID: 0},
		},
		Subscriptions: gen.FlattenedSubscriptions{
			Iterable: []gen.ReferencedSubscription{{ID: defaultSubscriptionID, Schema: stamp()}},
			Indices:  map[string]int{defaultSubscriptionID: 0},
		},
		Schema: stamp(),
	}
	subscription.Entities = gen.FlattenedEntities{
		Iterable: []gen.ReferencedEntity{{ID: defaultOrganizationID, Schema: stamp()}},
		Indices:  map[string]int{defaultOrganizationID: 0},
	}
	subscription.User = userRef

	return gen.UserProfile{
		ID:         defaultUserID,
		Email:      "ada@example.com",
		Name:       "Ada Lovelace",
		Username:   "ada",
		Vanityname: "ada",
		Picture:    "https://example.com/avatars/ada.png",
		Aesthetics: gen.Aesthetics{
			Font:   gen.Font{Size: 14, Schema: stamp()},
			Theme:  gen.Theme{Dark: true, Schema: stamp()},
			Schema: stamp(),
		},
		Allocation: allocationFor(defaultUserID, "ada", updated),
		Auth0: gen.Auth0UserMetadata{
			GlobalID:   defaultUserID,
			Vanityname: "ada",
			Allocation: gen.Auth0UserAllocationMetadata{Project: "pieces-usertest", Region: "us-central1"},
			Schema:     stamp(),
		},
		Created: timestamp(created, ""),
		Updated: timestamp(updated, ""),
		Providers: gen.ExternalProviders{
			Iterable: []gen.ExternalProvider{{
				Type:       gen.ExternalProviderTypeEnumGithub,
				UserID:     "github|1815",
				Connection: "github",
				IsSocial:   ptr(true),
				Created:    timestamp(created, ""),
				Updated:    timestamp(updated, ""),
				ProfileData: gen.ExternalProviderProfileData{
					Name:        "Ada Lovelace",
					Nickname:    "ada",
					Email:       "ada@example.com",
					Picture:     "https://example.com/avatars/ada.png",
					HTMLURL:     "https://github.com/ada",
					Company:     "Analytical Engines Ltd",
					PublicRepos: ptr(12),
					Followers:   ptr(1843),
				},
				Schema: stamp(),
			}},
			Schema: stamp(),
		},
		Entities: gen.FlattenedEntities{
			Iterable: []gen.ReferencedEntity{{ID: defaultOrganizationID, Reference: &organization, Schema: stamp()}},
			Indices:  map[string]int{defaultOrganizationID: 0},
			Schema:   stamp(),
		},
		Subscriptions: gen.FlattenedSubscriptions{
			Iterable: []gen.ReferencedSubscription{{ID: defaultSubscriptionID, Reference: &subscription, Schema: stamp()}},
			Indices:  map[string]int{defaultSubscriptionID: 0},
			Schema:   stamp(),
		},
		Schema: stamp(),
	}
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
