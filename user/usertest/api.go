package usertest

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// api serves the HTTP operations of the spec on the state of a Server.
type api struct{ s *Server }

// The compiler checks that every HTTP operation of the spec is served.
var _ gen.StrictServerInterface = (*api)(nil)

const notSignedIn = "no user is signed in"

// textAnswer is a text/plain answer for operations whose documented
// answers do not cover the case (bad input to selectUser, say).
type textAnswer struct {
	status int
	body   string
}

func (t textAnswer) write(w http.ResponseWriter) error {
	writeText(w, t.status, t.body)
	return nil
}

func (t textAnswer) VisitSelectUserResponse(w http.ResponseWriter) error       { return t.write(w) }
func (t textAnswer) VisitUpdateUserResponse(w http.ResponseWriter) error       { return t.write(w) }
func (t textAnswer) VisitUserUpdateVanityResponse(w http.ResponseWriter) error { return t.write(w) }

// now is the time stamped on the records the server creates.
func now() time.Time { return time.Now().UTC().Truncate(time.Second) }

// UserSnapshot serves GET /user: the signed-in user, or {} when nobody is.
func (a *api) UserSnapshot(ctx context.Context, _ gen.UserSnapshotRequestObject) (gen.UserSnapshotResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return gen.UserSnapshot200JSONResponse{}, nil
	}
	u := clone(*s.user)
	return gen.UserSnapshot200JSONResponse{User: &u}, nil
}

// RefreshUser serves GET /user/refresh.
func (a *api) RefreshUser(ctx context.Context, _ gen.RefreshUserRequestObject) (gen.RefreshUserResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return gen.RefreshUser500TextResponse("refreshUser: " + notSignedIn), nil
	}
	return gen.RefreshUser200JSONResponse(clone(*s.user)), nil
}

// SelectUser serves POST /user/select: it signs in the user the Auth0 user
// in the body describes. Without a body it signs in the last user again
// (the configured profile at first), or returns the signed-in one.
func (a *api) SelectUser(ctx context.Context, req gen.SelectUserRequestObject) (gen.SelectUserResponseObject, error) {
	s := a.s
	if req.Body == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.user == nil {
			s.signInLocked(clone(s.account))
		}
		return gen.SelectUser200JSONResponse(clone(*s.user)), nil
	}
	p, err := profileFromAuth0(*req.Body, now())
	if err != nil {
		return textAnswer{http.StatusBadRequest, "selectUser: " + err.Error()}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signInLocked(p)
	return gen.SelectUser200JSONResponse(clone(p)), nil
}

// UpdateUser serves POST /user/update: it stores the profile in the body
// as the signed-in user's. The spec documents no error; the fake answers
// 511 (the API's "not signed in") when nobody is signed in, and 400 when
// the profile is another user's.
func (a *api) UpdateUser(ctx context.Context, req gen.UpdateUserRequestObject) (gen.UpdateUserResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return textAnswer{http.StatusNetworkAuthenticationRequired, "updateUser: " + notSignedIn}, nil
	}
	if req.Body == nil {
		return gen.UpdateUser200JSONResponse(clone(*s.user)), nil
	}
	if req.Body.ID != s.user.ID {
		return textAnswer{http.StatusBadRequest,
			fmt.Sprintf("updateUser: the profile's id %q is not the signed-in user %q", req.Body.ID, s.user.ID)}, nil
	}
	s.storeLocked(clone(*req.Body))
	return gen.UpdateUser200JSONResponse(clone(*s.user)), nil
}

// validVanity reports whether name can be a vanity name: one DNS label of
// 1 to 63 lowercase letters, digits and hyphens that neither starts nor
// ends with a hyphen.
func validVanity(name string) bool {
	if len(name) == 0 || len(name) > 63 {
		return false
	}
	for i := range len(name) {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' && i > 0 && i < len(name)-1:
		default:
			return false
		}
	}
	return true
}

// UserUpdateVanity serves POST /user/update/vanity: it gives the signed-in
// user the vanityname of the profile in the body, and the personal cloud a
// vanity address.
func (a *api) UserUpdateVanity(ctx context.Context, req gen.UserUpdateVanityRequestObject) (gen.UserUpdateVanityResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.user
	switch {
	case u == nil:
		return gen.UserUpdateVanity511TextResponse("userUpdateVanity: " + notSignedIn), nil
	case req.Body == nil:
		return textAnswer{http.StatusBadRequest, "userUpdateVanity: send a profile whose vanityname is the name wanted"}, nil
	case req.Body.Vanityname == "":
		return textAnswer{http.StatusBadRequest, "userUpdateVanity: the profile's vanityname is empty"}, nil
	case u.Allocation.ID == "":
		return gen.UserUpdateVanity511TextResponse(
			fmt.Sprintf("userUpdateVanity: user %s is not connected to the cloud", u.ID)), nil
	case u.Allocation.Status.Cloud != gen.AllocationStatusEnumRUNNING && u.Allocation.Status.Cloud != gen.AllocationStatusEnumSUCCEEDED:
		return gen.UserUpdateVanity404TextResponse(
			fmt.Sprintf("userUpdateVanity: the DNS record of cloud %s does not exist yet (cloud status %s)", u.Allocation.ID, u.Allocation.Status.Cloud)), nil
	}
	name := req.Body.Vanityname
	if name == u.Vanityname {
		return gen.UserUpdateVanity200JSONResponse(clone(*u)), nil
	}
	if !validVanity(name) {
		return gen.UserUpdateVanity500TextResponse(fmt.Sprintf(
			"userUpdateVanity: vanity name %q could not be created: use 1 to 63 lowercase letters, digits and inner hyphens", name)), nil
	}
	if s.taken[name] {
		return gen.UserUpdateVanity409TextResponse(fmt.Sprintf("vanity name %q is taken", name)), nil
	}
	p := clone(*u)
	p.Vanityname = name
	if p.Auth0.GlobalID != "" {
		p.Auth0.Vanityname = name
	}
	if p.Descope.GlobalID != "" {
		p.Descope.Vanityname = name
	}
	p.Allocation.URLs.Vanity = vanityURL(name)
	p.Updated = timestamp(now(), "")
	s.storeLocked(p)
	return gen.UserUpdateVanity200JSONResponse(clone(p)), nil
}

// UserAccessToken serves GET /user/access_token.
func (a *api) UserAccessToken(ctx context.Context, _ gen.UserAccessTokenRequestObject) (gen.UserAccessTokenResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return gen.UserAccessToken500TextResponse("userAccessToken: " + notSignedIn), nil
	}
	return gen.UserAccessToken200TextResponse(s.token), nil
}

// UserAssociateEntity serves POST /user/{user}/entities/associate/{entity}:
// it adds the entity to the user's entities. An entity the server has not
// seen before becomes an organization of that id.
func (a *api) UserAssociateEntity(ctx context.Context, req gen.UserAssociateEntityRequestObject) (gen.UserAssociateEntityResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil || req.User != s.user.ID {
		return gen.UserAssociateEntity500TextResponse(fmt.Sprintf("no such user %q", req.User)), nil
	}
	p := clone(*s.user)
	if slices.ContainsFunc(p.Entities.Iterable, func(e gen.ReferencedEntity) bool { return e.ID == req.Entity }) {
		return gen.UserAssociateEntity204Response{}, nil
	}
	ent, ok := s.entities[req.Entity]
	if !ok {
		t := timestamp(now(), "")
		ent = gen.FlattenedEntity{
			ID:            req.Entity,
			Name:          "Organization " + req.Entity,
			Type:          gen.EntityTypeEnumORGANIZATION,
			Created:       t,
			Updated:       t,
			Configuration: gen.InstanceConfiguration{Schema: stamp()},
			Schema:        stamp(),
		}
	}
	if !slices.ContainsFunc(ent.Users.Iterable, func(u gen.ReferencedUser) bool { return u.ID == p.ID }) {
		ent.Users.Iterable = append(ent.Users.Iterable, gen.ReferencedUser{ID: p.ID, Schema: stamp()})
		ent.Users.Indices = usersIndices(ent.Users.Iterable)
	}
	s.entities[req.Entity] = ent
	ref := clone(ent)
	p.Entities.Iterable = append(p.Entities.Iterable, gen.ReferencedEntity{ID: req.Entity, Reference: &ref, Schema: stamp()})
	p.Entities.Indices = entityIndices(p.Entities.Iterable)
	s.storeLocked(p)
	return gen.UserAssociateEntity204Response{}, nil
}

// UserDisassociateEntity serves POST /user/{user}/entities/disassociate/{entity}.
func (a *api) UserDisassociateEntity(ctx context.Context, req gen.UserDisassociateEntityRequestObject) (gen.UserDisassociateEntityResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil || req.User != s.user.ID {
		return gen.UserDisassociateEntity500TextResponse(fmt.Sprintf("no such user %q", req.User)), nil
	}
	p := clone(*s.user)
	i := slices.IndexFunc(p.Entities.Iterable, func(e gen.ReferencedEntity) bool { return e.ID == req.Entity })
	if i < 0 {
		return gen.UserDisassociateEntity500TextResponse(
			fmt.Sprintf("user %s is not associated with entity %q", p.ID, req.Entity)), nil
	}
	p.Entities.Iterable = slices.Delete(p.Entities.Iterable, i, i+1)
	p.Entities.Indices = entityIndices(p.Entities.Iterable)
	if ent, ok := s.entities[req.Entity]; ok {
		ent.Users.Iterable = slices.DeleteFunc(ent.Users.Iterable, func(u gen.ReferencedUser) bool { return u.ID == p.ID })
		ent.Users.Indices = usersIndices(ent.Users.Iterable)
		s.entities[req.Entity] = ent
	}
	s.storeLocked(p)
	return gen.UserDisassociateEntity204Response{}, nil
}

func entityIndices(es []gen.ReferencedEntity) map[string]int {
	m := make(map[string]int, len(es))
	for i, e := range es {
		m[e.ID] = i
	}
	return m
}

func usersIndices(us []gen.ReferencedUser) map[string]int {
	m := make(map[string]int, len(us))
	for i, u := range us {
		m[u.ID] = i
	}
	return m
}

// UserBetaStatus serves POST /user/beta/status. Beta access lives in the
// beta ranges of the profile's auth0 and descope metadata; the answer
// reports them. Without a body nothing changes.
func (a *api) UserBetaStatus(ctx context.Context, req gen.UserBetaStatusRequestObject) (gen.UserBetaStatusResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return gen.UserBetaStatus511TextResponse("userBetaStatus: " + notSignedIn + "; beta access can be changed only for a signed-in user"), nil
	}
	if req.Body != nil {
		if req.Body.User != s.user.ID {
			return gen.UserBetaStatus500TextResponse(
				fmt.Sprintf("userBetaStatus: no such user %q: user %s is signed in", req.Body.User, s.user.ID)), nil
		}
		p := clone(*s.user)
		if !reflect.ValueOf(req.Body.Auth0).IsZero() {
			if p.Auth0.GlobalID == "" {
				p.Auth0.GlobalID = p.ID
			}
			p.Auth0.Beta = clone(req.Body.Auth0.Vision)
		}
		if !reflect.ValueOf(req.Body.Descope).IsZero() {
			if p.Descope.GlobalID == "" {
				p.Descope.GlobalID = p.ID
			}
			if p.Descope.DescopeID == "" {
				p.Descope.DescopeID = p.ID
			}
			p.Descope.Beta = clone(req.Body.Descope.Vision)
		}
		if !reflect.DeepEqual(p, *s.user) {
			s.storeLocked(p)
		}
	}
	out := gen.UserBetaStatus{User: s.user.ID, Schema: stamp()}
	if !reflect.ValueOf(s.user.Auth0.Beta).IsZero() {
		out.Auth0 = gen.Auth0UserBetaStatus{Vision: clone(s.user.Auth0.Beta), Schema: stamp()}
	}
	if !reflect.ValueOf(s.user.Descope.Beta).IsZero() {
		out.Descope = gen.Auth0UserBetaStatus{Vision: clone(s.user.Descope.Beta), Schema: stamp()}
	}
	return gen.UserBetaStatus200JSONResponse(out), nil
}

// UserCheckout serves POST /user/checkout.
func (a *api) UserCheckout(ctx context.Context, _ gen.UserCheckoutRequestObject) (gen.UserCheckoutResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return gen.UserCheckout500TextResponse("userCheckout: " + notSignedIn), nil
	}
	return gen.UserCheckout200JSONResponse{User: gen.ReferencedUser{ID: s.user.ID}, Schema: stamp()}, nil
}

// UserManageSubscriptions serves POST /user/manage/subscriptions.
func (a *api) UserManageSubscriptions(ctx context.Context, _ gen.UserManageSubscriptionsRequestObject) (gen.UserManageSubscriptionsResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return gen.UserManageSubscriptions500TextResponse("userManageSubscriptions: " + notSignedIn), nil
	}
	return gen.UserManageSubscriptions200JSONResponse{User: gen.ReferencedUser{ID: s.user.ID}, Schema: stamp()}, nil
}

// UserPaddleRefresh serves GET /user/paddle/refresh.
func (a *api) UserPaddleRefresh(ctx context.Context, _ gen.UserPaddleRefreshRequestObject) (gen.UserPaddleRefreshResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return gen.UserPaddleRefresh500TextResponse("userPaddleRefresh: " + notSignedIn), nil
	}
	return gen.UserPaddleRefresh200JSONResponse{User: clone(*s.user), Schema: stamp()}, nil
}

// UserProviders serves GET /user/providers, which a local Pieces OS does
// not implement.
func (a *api) UserProviders(ctx context.Context, _ gen.UserProvidersRequestObject) (gen.UserProvidersResponseObject, error) {
	return gen.UserProviders501TextResponse("userProviders: served by the Pieces cloud only, not by a local Pieces OS"), nil
}

// ClearUser serves POST /user/clear: it signs the user out.
func (a *api) ClearUser(ctx context.Context, _ gen.ClearUserRequestObject) (gen.ClearUserResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signOutLocked()
	return gen.ClearUser204Response{}, nil
}

// UserHasFeatureAccess serves POST /user/has_feature_access from the table
// SetFeatureAccess fills. The route has already refused a body with a
// missing or unknown feature (400); here UNKNOWN is refused the same way,
// and a feature that needs a context gets 422 without it.
func (a *api) UserHasFeatureAccess(ctx context.Context, req gen.UserHasFeatureAccessRequestObject) (gen.UserHasFeatureAccessResponseObject, error) {
	s := a.s
	if req.Body == nil {
		return gen.UserHasFeatureAccess400JSONResponse{Code: "MISSING_BODY", Message: "userHasFeatureAccess needs a HasFeatureAccessInput body"}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return gen.UserHasFeatureAccess401TextResponse("userHasFeatureAccess: " + notSignedIn), nil
	}
	f := req.Body.Feature
	out, ok := s.features[f]
	if !ok {
		return gen.UserHasFeatureAccess400JSONResponse{
			Code:    "UNKNOWN_FEATURE",
			Message: fmt.Sprintf("feature %q names no feature that can be checked", f),
		}, nil
	}
	if want, has := contextFor(f, req.Body.Context); want != "" && !has {
		msg := fmt.Sprintf("feature %s needs context.%s", f, want)
		if got := contextMembers(req.Body.Context); len(got) > 0 {
			msg += fmt.Sprintf(", got context.%s", got[0])
		} else {
			msg += ", got no context"
		}
		return gen.UserHasFeatureAccess422JSONResponse{ExpectedContextType: want, Feature: string(f), Message: msg}, nil
	}
	return gen.UserHasFeatureAccess200JSONResponse(clone(out)), nil
}

// contextFor returns the member of the context that feature f needs ("" for
// none) and whether c has it.
func contextFor(f gen.HasFeatureAccessEnum, c gen.HasFeatureAccessContext) (member string, has bool) {
	switch f {
	case gen.HasFeatureAccessEnumALLOWEDCLOUDMODELS:
		return "allowedCloudModels", !reflect.ValueOf(c.AllowedCloudModels).IsZero()
	case gen.HasFeatureAccessEnumDENIEDWORKSTREAMPATTERNENGINESOURCES:
		return "deniedWorkstreamPatternEngineSource", !reflect.ValueOf(c.DeniedWorkstreamPatternEngineSource).IsZero()
	case gen.HasFeatureAccessEnumDENIEDWORKSTREAMPATTERNENGINEWEBSITES:
		return "deniedWorkstreamPatternEngineWebsite", !reflect.ValueOf(c.DeniedWorkstreamPatternEngineWebsite).IsZero()
	case gen.HasFeatureAccessEnumEXTERNALPROVIDERPROCESSING:
		return "processing", !reflect.ValueOf(c.Processing).IsZero()
	}
	return "", false
}

// contextMembers lists the members c has, by JSON name.
func contextMembers(c gen.HasFeatureAccessContext) []string {
	var out []string
	if !reflect.ValueOf(c.AllowedCloudModels).IsZero() {
		out = append(out, "allowedCloudModels")
	}
	if !reflect.ValueOf(c.DeniedWorkstreamPatternEngineSource).IsZero() {
		out = append(out, "deniedWorkstreamPatternEngineSource")
	}
	if !reflect.ValueOf(c.DeniedWorkstreamPatternEngineWebsite).IsZero() {
		out = append(out, "deniedWorkstreamPatternEngineWebsite")
	}
	if !reflect.ValueOf(c.Processing).IsZero() {
		out = append(out, "processing")
	}
	return out
}

// SignIntoOs serves POST /os/sign_in: it signs the last user in again (the
// configured profile at first), at once, and answers that user's profile.
func (a *api) SignIntoOs(ctx context.Context, _ gen.SignIntoOsRequestObject) (gen.SignIntoOsResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		s.signInLocked(clone(s.account))
	}
	return gen.SignIntoOs200JSONResponse(clone(*s.user)), nil
}

// SignOutOfOs serves POST /os/sign_out: it signs the user out and answers
// the users the server still knows (the last one).
func (a *api) SignOutOfOs(ctx context.Context, _ gen.SignOutOfOsRequestObject) (gen.SignOutOfOsResponseObject, error) {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signOutLocked()
	return gen.SignOutOfOs200JSONResponse{Iterable: []gen.UserProfile{clone(s.account)}, Schema: stamp()}, nil
}
