package usertest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/internal/lossless"
)

// api serves the HTTP operations of the spec on the state of a Server.
type api struct{ *Server }

// The compiler checks that every HTTP operation of the spec is served.
var _ gen.StrictServerInterface = api{}

// lockedOps holds the mutex while a handler but SignIntoOs (which locks by
// itself) runs. The answer is written later, so it must not change.
func (s *Server) lockedOps(f gen.StrictHandlerFunc, operationID string) gen.StrictHandlerFunc {
	if operationID == "SignIntoOs" {
		return f
	}
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return f(ctx, w, r, req)
	}
}

const notSignedIn = "no user is signed in"

// answer is an answer the generated types cannot give: JSON the server
// keeps as bytes (the profile with what gen does not know), a text with a
// status the spec does not document for the operation, or a canned answer.
type answer struct {
	status      int
	contentType string // none when empty
	body        []byte
}

func jsonAnswer(body []byte) answer            { return answer{http.StatusOK, "application/json", body} }
func textAnswer(status int, msg string) answer { return answer{status, textPlain, []byte(msg)} }

func (a answer) write(w http.ResponseWriter) error {
	w.Header()["Content-Type"] = nil // no sniffing either
	if a.contentType != "" {
		w.Header().Set("Content-Type", a.contentType)
	}
	w.WriteHeader(a.status)
	_, err := w.Write(a.body)
	return err
}

func (a answer) VisitUserSnapshotResponse(w http.ResponseWriter) error      { return a.write(w) }
func (a answer) VisitRefreshUserResponse(w http.ResponseWriter) error       { return a.write(w) }
func (a answer) VisitSelectUserResponse(w http.ResponseWriter) error        { return a.write(w) }
func (a answer) VisitUpdateUserResponse(w http.ResponseWriter) error        { return a.write(w) }
func (a answer) VisitUserUpdateVanityResponse(w http.ResponseWriter) error  { return a.write(w) }
func (a answer) VisitUserPaddleRefreshResponse(w http.ResponseWriter) error { return a.write(w) }
func (a answer) VisitSignIntoOsResponse(w http.ResponseWriter) error        { return a.write(w) }
func (a answer) VisitSignOutOfOsResponse(w http.ResponseWriter) error       { return a.write(w) }

// stampJSON is stamp() as JSON.
var stampJSON = mustJSON(stamp())

// withUserLocked answers {"user": <profile>, "schema": <stamp>}.
func (s *Server) withUserLocked() answer {
	return jsonAnswer(fmt.Appendf(nil, `{"user":%s,"schema":%s}`, s.raw, stampJSON))
}

// requestBody returns the request body that route read.
func requestBody(ctx context.Context) []byte {
	b, _ := ctx.Value(bodyKey{}).([]byte)
	return b
}

// now is the time stamped on the records the server creates.
func now() time.Time { return time.Now().Truncate(time.Second) }

// UserSnapshot serves GET /user: the signed-in user, or {} when nobody is.
func (s api) UserSnapshot(ctx context.Context, _ gen.UserSnapshotRequestObject) (gen.UserSnapshotResponseObject, error) {
	if !s.signedIn {
		return jsonAnswer([]byte("{}")), nil
	}
	return s.withUserLocked(), nil
}

// RefreshUser serves GET /user/refresh.
func (s api) RefreshUser(ctx context.Context, _ gen.RefreshUserRequestObject) (gen.RefreshUserResponseObject, error) {
	if !s.signedIn {
		return gen.RefreshUser500TextResponse("refreshUser: " + notSignedIn), nil
	}
	return jsonAnswer(s.raw), nil
}

// SelectUser serves POST /user/select: it signs in the user the Auth0 user
// in the body describes (the profile's auth0 keeps what user_metadata holds
// that gen does not know). Without a body it signs the last user in again.
func (s api) SelectUser(ctx context.Context, req gen.SelectUserRequestObject) (gen.SelectUserResponseObject, error) {
	if req.Body == nil {
		if !s.signedIn {
			s.signInLocked(s.raw)
		}
		return jsonAnswer(s.raw), nil
	}
	p, err := profileFromAuth0(*req.Body, now())
	if err != nil {
		return textAnswer(http.StatusBadRequest, "selectUser: "+err.Error()), nil
	}
	doc := mustJSON(p)
	var in map[string]json.RawMessage
	_ = json.Unmarshal(requestBody(ctx), &in) // route has checked it
	if meta := in["user_metadata"]; meta != nil {
		asAuth0 := func(meta []byte) []byte { return fmt.Appendf(nil, `{"auth0":%s}`, meta) }
		if merged, err := lossless.Merge(asAuth0(meta), asAuth0(mustJSON(req.Body.UserMetadata)), doc); err == nil {
			doc = merged
		}
	}
	s.signInLocked(doc)
	return jsonAnswer(s.raw), nil
}

// UpdateUser serves POST /user/update: the body, as sent, becomes the
// signed-in user's profile. The spec documents no error; the fake answers
// 511 (the API's "not signed in") and 400 (another user's profile).
func (s api) UpdateUser(ctx context.Context, req gen.UpdateUserRequestObject) (gen.UpdateUserResponseObject, error) {
	switch {
	case !s.signedIn:
		return textAnswer(http.StatusNetworkAuthenticationRequired, "updateUser: "+notSignedIn), nil
	case req.Body == nil:
	case req.Body.ID != s.user.ID:
		return textAnswer(http.StatusBadRequest,
			fmt.Sprintf("updateUser: the profile's id %q is not the signed-in user %q", req.Body.ID, s.user.ID)), nil
	default:
		s.putLocked(requestBody(ctx), false)
	}
	return jsonAnswer(s.raw), nil
}

// vanityName is a DNS label of lowercase letters, digits, inner hyphens.
var vanityName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// UserUpdateVanity serves POST /user/update/vanity: the user and the cloud
// get the body's vanityname. A body that is the user's profile is stored
// as sent, with the change written onto it.
func (s api) UserUpdateVanity(ctx context.Context, req gen.UserUpdateVanityRequestObject) (gen.UserUpdateVanityResponseObject, error) {
	u := s.user
	switch {
	case !s.signedIn:
		return gen.UserUpdateVanity511TextResponse("userUpdateVanity: " + notSignedIn), nil
	case req.Body == nil || req.Body.Vanityname == "":
		return textAnswer(http.StatusBadRequest, "userUpdateVanity: the vanityname is empty: send a profile whose vanityname is the name wanted"), nil
	case u.Allocation.ID == "":
		return gen.UserUpdateVanity511TextResponse(
			fmt.Sprintf("userUpdateVanity: user %s is not connected to the cloud", u.ID)), nil
	case u.Allocation.Status.Cloud != gen.AllocationStatusEnumRUNNING && u.Allocation.Status.Cloud != gen.AllocationStatusEnumSUCCEEDED:
		return gen.UserUpdateVanity404TextResponse(
			fmt.Sprintf("userUpdateVanity: the DNS record of cloud %s does not exist yet (cloud status %s)", u.Allocation.ID, u.Allocation.Status.Cloud)), nil
	}
	name := req.Body.Vanityname
	switch {
	case name == u.Vanityname:
		return jsonAnswer(s.raw), nil
	case !vanityName.MatchString(name):
		return gen.UserUpdateVanity500TextResponse(fmt.Sprintf(
			"userUpdateVanity: vanity name %q could not be created: use 1 to 63 lowercase letters, digits and inner hyphens", name)), nil
	case s.taken[name]:
		return gen.UserUpdateVanity409TextResponse(fmt.Sprintf("vanity name %q is taken", name)), nil
	}
	base := s.raw
	if req.Body.ID == u.ID {
		base = requestBody(ctx)
	}
	p := decodeProfile(base)
	p.Vanityname = name
	if p.Auth0.GlobalID != "" {
		p.Auth0.Vanityname = name
	}
	if p.Descope.GlobalID != "" {
		p.Descope.Vanityname = name
	}
	p.Allocation.URLs.Vanity = cloudURL(name)
	p.Updated = timestamp(now())
	s.putLocked(mergeProfile(base, p), false)
	return jsonAnswer(s.raw), nil
}

// UserAccessToken serves GET /user/access_token.
func (s api) UserAccessToken(ctx context.Context, _ gen.UserAccessTokenRequestObject) (gen.UserAccessTokenResponseObject, error) {
	if !s.signedIn {
		return gen.UserAccessToken500TextResponse("userAccessToken: " + notSignedIn), nil
	}
	return gen.UserAccessToken200TextResponse(s.token), nil
}

// UserAssociateEntity serves POST /user/{user}/entities/associate/{entity}.
// An entity the server has not seen before becomes an organization.
func (s api) UserAssociateEntity(ctx context.Context, req gen.UserAssociateEntityRequestObject) (gen.UserAssociateEntityResponseObject, error) {
	if !s.signedIn || req.User != s.user.ID {
		return gen.UserAssociateEntity500TextResponse(fmt.Sprintf("no such user %q", req.User)), nil
	}
	p := decodeProfile(s.raw)
	if slices.ContainsFunc(p.Entities.Iterable, func(e gen.ReferencedEntity) bool { return e.ID == req.Entity }) {
		return gen.UserAssociateEntity204Response{}, nil
	}
	ent, ok := s.entities[req.Entity]
	if !ok {
		t := timestamp(now())
		ent = gen.FlattenedEntity{ID: req.Entity, Name: "Organization " + req.Entity, Type: gen.EntityTypeEnumORGANIZATION,
			Created: t, Updated: t, Configuration: gen.InstanceConfiguration{Schema: stamp()}, Schema: stamp()}
	}
	if !slices.ContainsFunc(ent.Users.Iterable, func(u gen.ReferencedUser) bool { return u.ID == p.ID }) {
		ent.Users.Iterable = append(slices.Clip(ent.Users.Iterable), gen.ReferencedUser{ID: p.ID, Schema: stamp()})
		ent.Users.Indices = indices(ent.Users.Iterable, func(u gen.ReferencedUser) string { return u.ID })
	}
	s.entities[req.Entity] = ent
	p.Entities.Iterable = append(p.Entities.Iterable, gen.ReferencedEntity{ID: req.Entity, Reference: &ent, Schema: stamp()})
	p.Entities.Indices = indices(p.Entities.Iterable, func(e gen.ReferencedEntity) string { return e.ID })
	s.putLocked(mergeProfile(s.raw, p), false)
	return gen.UserAssociateEntity204Response{}, nil
}

// UserDisassociateEntity serves POST /user/{user}/entities/disassociate/{entity}.
func (s api) UserDisassociateEntity(ctx context.Context, req gen.UserDisassociateEntityRequestObject) (gen.UserDisassociateEntityResponseObject, error) {
	if !s.signedIn || req.User != s.user.ID {
		return gen.UserDisassociateEntity500TextResponse(fmt.Sprintf("no such user %q", req.User)), nil
	}
	p := decodeProfile(s.raw)
	i := slices.IndexFunc(p.Entities.Iterable, func(e gen.ReferencedEntity) bool { return e.ID == req.Entity })
	if i < 0 {
		return gen.UserDisassociateEntity500TextResponse(
			fmt.Sprintf("user %s is not associated with entity %q", p.ID, req.Entity)), nil
	}
	p.Entities.Iterable = slices.Delete(p.Entities.Iterable, i, i+1)
	p.Entities.Indices = indices(p.Entities.Iterable, func(e gen.ReferencedEntity) string { return e.ID })
	if ent, ok := s.entities[req.Entity]; ok {
		ent.Users.Iterable = slices.DeleteFunc(slices.Clone(ent.Users.Iterable), func(u gen.ReferencedUser) bool { return u.ID == p.ID })
		ent.Users.Indices = indices(ent.Users.Iterable, func(u gen.ReferencedUser) string { return u.ID })
		s.entities[req.Entity] = ent
	}
	s.putLocked(mergeProfile(s.raw, p), false)
	return gen.UserDisassociateEntity204Response{}, nil
}

// indices maps the id of each element of a list to its position.
func indices[T any](list []T, id func(T) string) map[string]int {
	m := make(map[string]int, len(list))
	for i, v := range list {
		m[id(v)] = i
	}
	return m
}

// UserBetaStatus serves POST /user/beta/status from and to the beta ranges
// of the profile's auth0 and descope metadata.
func (s api) UserBetaStatus(ctx context.Context, req gen.UserBetaStatusRequestObject) (gen.UserBetaStatusResponseObject, error) {
	if !s.signedIn {
		return gen.UserBetaStatus511TextResponse("userBetaStatus: " + notSignedIn + "; beta access can be changed only for a signed-in user"), nil
	}
	if req.Body != nil {
		if req.Body.User != s.user.ID {
			return gen.UserBetaStatus500TextResponse(
				fmt.Sprintf("userBetaStatus: no such user %q: user %s is signed in", req.Body.User, s.user.ID)), nil
		}
		p := decodeProfile(s.raw)
		if !reflect.ValueOf(req.Body.Auth0).IsZero() {
			p.Auth0.GlobalID = cmp.Or(p.Auth0.GlobalID, p.ID)
			p.Auth0.Beta = req.Body.Auth0.Vision
		}
		if !reflect.ValueOf(req.Body.Descope).IsZero() {
			p.Descope.GlobalID = cmp.Or(p.Descope.GlobalID, p.ID)
			p.Descope.DescopeID = cmp.Or(p.Descope.DescopeID, p.ID)
			p.Descope.Beta = req.Body.Descope.Vision
		}
		if !reflect.DeepEqual(p, s.user) {
			s.putLocked(mergeProfile(s.raw, p), false)
		}
	}
	out := gen.UserBetaStatus{User: s.user.ID, Schema: stamp()}
	if !reflect.ValueOf(s.user.Auth0.Beta).IsZero() {
		out.Auth0 = gen.Auth0UserBetaStatus{Vision: s.user.Auth0.Beta, Schema: stamp()}
	}
	if !reflect.ValueOf(s.user.Descope.Beta).IsZero() {
		out.Descope = gen.Auth0UserBetaStatus{Vision: s.user.Descope.Beta, Schema: stamp()}
	}
	return gen.UserBetaStatus200JSONResponse(out), nil
}

// UserCheckout serves POST /user/checkout.
func (s api) UserCheckout(ctx context.Context, _ gen.UserCheckoutRequestObject) (gen.UserCheckoutResponseObject, error) {
	if !s.signedIn {
		return gen.UserCheckout500TextResponse("userCheckout: " + notSignedIn), nil
	}
	return gen.UserCheckout200JSONResponse{User: gen.ReferencedUser{ID: s.user.ID}, Schema: stamp()}, nil
}

// UserManageSubscriptions serves POST /user/manage/subscriptions.
func (s api) UserManageSubscriptions(ctx context.Context, _ gen.UserManageSubscriptionsRequestObject) (gen.UserManageSubscriptionsResponseObject, error) {
	if !s.signedIn {
		return gen.UserManageSubscriptions500TextResponse("userManageSubscriptions: " + notSignedIn), nil
	}
	return gen.UserManageSubscriptions200JSONResponse{User: gen.ReferencedUser{ID: s.user.ID}, Schema: stamp()}, nil
}

// UserPaddleRefresh serves GET /user/paddle/refresh.
func (s api) UserPaddleRefresh(ctx context.Context, _ gen.UserPaddleRefreshRequestObject) (gen.UserPaddleRefreshResponseObject, error) {
	if !s.signedIn {
		return gen.UserPaddleRefresh500TextResponse("userPaddleRefresh: " + notSignedIn), nil
	}
	return s.withUserLocked(), nil
}

// UserProviders serves GET /user/providers, which only the cloud serves.
func (s api) UserProviders(ctx context.Context, _ gen.UserProvidersRequestObject) (gen.UserProvidersResponseObject, error) {
	return gen.UserProviders501TextResponse("userProviders: served by the Pieces cloud only, not by a local Pieces OS"), nil
}

// ClearUser serves POST /user/clear: it signs the user out.
func (s api) ClearUser(ctx context.Context, _ gen.ClearUserRequestObject) (gen.ClearUserResponseObject, error) {
	s.signOutLocked()
	return gen.ClearUser204Response{}, nil
}

// contextMember is the context member each feature that needs one needs.
var contextMember = map[gen.HasFeatureAccessEnum]string{
	gen.HasFeatureAccessEnumALLOWEDCLOUDMODELS:                    "allowedCloudModels",
	gen.HasFeatureAccessEnumDENIEDWORKSTREAMPATTERNENGINESOURCES:  "deniedWorkstreamPatternEngineSource",
	gen.HasFeatureAccessEnumDENIEDWORKSTREAMPATTERNENGINEWEBSITES: "deniedWorkstreamPatternEngineWebsite",
	gen.HasFeatureAccessEnumEXTERNALPROVIDERPROCESSING:            "processing",
}

// UserHasFeatureAccess serves POST /user/has_feature_access from the table
// SetFeatureAccess fills: 400 for a feature that is not one, 422 for one
// without the context it needs.
func (s api) UserHasFeatureAccess(ctx context.Context, req gen.UserHasFeatureAccessRequestObject) (gen.UserHasFeatureAccessResponseObject, error) {
	if !s.signedIn {
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
	// The members the context has are those its encoding keeps.
	var has map[string]json.RawMessage
	_ = json.Unmarshal(mustJSON(req.Body.Context), &has)
	delete(has, "schema")
	if want := contextMember[f]; want != "" && has[want] == nil {
		msg := fmt.Sprintf("feature %s needs context.%s, got no context", f, want)
		if len(has) > 0 {
			msg = fmt.Sprintf("feature %s needs context.%s, got context.%s", f, want, slices.Sorted(maps.Keys(has))[0])
		}
		return gen.UserHasFeatureAccess422JSONResponse{ExpectedContextType: want, Feature: string(f), Message: msg}, nil
	}
	return gen.UserHasFeatureAccess200JSONResponse(out), nil
}

// SignIntoOs serves POST /os/sign_in: the signed-in user at once, or else,
// after the delay SetSignInDelay sets, the last user signed in again with
// a new access token. A wait cut short is answered with 503.
func (s api) SignIntoOs(ctx context.Context, _ gen.SignIntoOsRequestObject) (gen.SignIntoOsResponseObject, error) {
	s.mu.Lock()
	signedIn, delay := s.signedIn, s.signInDelay
	s.mu.Unlock()
	if !signedIn {
		if err := wait(ctx, delay); err != nil {
			return textAnswer(http.StatusServiceUnavailable, "signIntoOs: the sign-in was abandoned before it finished: "+err.Error()), nil
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.signedIn {
		s.signInLocked(s.raw)
	}
	return jsonAnswer(s.raw), nil
}

// SignOutOfOs serves POST /os/sign_out: it signs the user out and answers
// the users the server still knows, the last one signed in.
func (s api) SignOutOfOs(ctx context.Context, _ gen.SignOutOfOsRequestObject) (gen.SignOutOfOsResponseObject, error) {
	s.signOutLocked()
	return jsonAnswer(fmt.Appendf(nil, `{"iterable":[%s],"schema":%s}`, s.raw, stampJSON)), nil
}
