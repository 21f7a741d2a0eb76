package user_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/user"
)

// Header sets the fake records for the two security schemes.
func appHeaders(accept string) map[string][]string {
	h := map[string][]string{"User-Agent": {apiUserAgent}, "X-Application-ID": {apiAppID}}
	if accept != "" {
		h["Accept"] = []string{accept}
	}
	return h
}

func withJSONBody(h map[string][]string) map[string][]string {
	h["Content-Type"] = []string{"application/json"}
	return h
}

// TestOperations calls every method against a server that records the
// request, and checks the request (method, escaped target, headers, body)
// and the decoded result.
func TestOperations(t *testing.T) {
	t.Parallel()
	profile := apiProfile()
	auth0 := &user.Auth0User{
		UserID:        "auth0|123",
		Email:         "ada@example.com",
		EmailVerified: apiPtr(true),
		LoginsCount:   apiPtr(4),
		CreatedAt:     apiTime("2022-02-02T02:02:02Z"),
		Identities:    []user.Auth0Identity{{Provider: "github", UserID: "gh-1", IsSocial: apiPtr(true)}},
	}
	beta := &user.UserBetaStatus{
		User:  profile.ID,
		Auth0: user.Auth0UserBetaStatus{Vision: user.AnonymousTemporalRange{Continuous: apiPtr(true)}},
	}
	refUser := user.ReferencedUser{ID: profile.ID, Reference: &user.FlattenedUserProfile{ID: profile.ID, Name: "Ada Lovelace"}}
	schema := user.EmbeddedModelSchema{Migration: 1, Semantic: user.EmbeddedModelSchemaSemanticVersionEnumMAJOR0MINOR0PATCH1}
	featureCtx := &user.HasFeatureAccessContext{
		AllowedCloudModels: user.HasFeatureAccessAllowedCloudModelsContext{ModelUniqueName: "gpt-4o"},
	}
	feature := user.HasFeatureAccessOutput{CanUse: true, Enabled: true, IsEnterpriseUser: true, Reason: "plan allows it"}
	noContent := apiReply{status: http.StatusNoContent}

	tests := []struct {
		name  string
		reply apiReply
		call  func(context.Context, *user.Client) (any, error)
		want  any
		reqs  []apiReq
	}{
		{
			name:  "Snapshot",
			reply: apiOK(t, user.ReturnedUserProfile{User: apiPtr(profile)}),
			call:  func(ctx context.Context, c *user.Client) (any, error) { return c.Snapshot(ctx) },
			want:  &profile,
			reqs:  []apiReq{{Method: "GET", URI: "/user", Header: appHeaders("application/json, text/plain")}},
		},
		{
			name:  "Refresh",
			reply: apiOK(t, profile),
			call:  func(ctx context.Context, c *user.Client) (any, error) { return c.Refresh(ctx) },
			want:  &profile,
			reqs:  []apiReq{{Method: "GET", URI: "/user/refresh", Header: appHeaders("application/json, text/plain")}},
		},
		{
			name:  "Select",
			reply: apiOK(t, profile),
			call:  func(ctx context.Context, c *user.Client) (any, error) { return c.Select(ctx, auth0) },
			want:  &profile,
			reqs: []apiReq{{
				Method: "POST", URI: "/user/select",
				Header: map[string][]string{
					"Accept":        {"application/json, text/plain"},
					"Authorization": {"Bearer " + apiToken},
					"Content-Type":  {"application/json"},
					"User-Agent":    {apiUserAgent},
				},
				Body: apiDecoded(t, auth0),
			}},
		},
		{
			name:  "Select/nil",
			reply: apiOK(t, profile),
			call:  func(ctx context.Context, c *user.Client) (any, error) { return c.Select(ctx, nil) },
			want:  &profile,
			reqs: []apiReq{{
				Method: "POST", URI: "/user/select",
				Header: map[string][]string{
					"Accept":        {"application/json, text/plain"},
					"Authorization": {"Bearer " + apiToken},
					"User-Agent":    {apiUserAgent},
				},
			}},
		},
		{
			name:  "Update",
			reply: apiOK(t, profile),
			call: func(ctx context.Context, c *user.Client) (any, error) {
				return c.Update(ctx, &user.Profile{UserProfile: profile})
			},
			want: &profile,
			reqs: []apiReq{{
				Method: "POST", URI: "/user/update",
				Header: withJSONBody(appHeaders("application/json, text/plain")),
				Body:   apiDecoded(t, profile),
			}},
		},
		{
			name:  "AccessToken",
			reply: apiReply{status: http.StatusOK, ctype: "text/plain; charset=utf-8", body: "pkce-token-1\n"},
			call:  func(ctx context.Context, c *user.Client) (any, error) { return c.AccessToken(ctx) },
			want:  "pkce-token-1",
			reqs:  []apiReq{{Method: "GET", URI: "/user/access_token", Header: appHeaders("text/plain")}},
		},
		{
			name:  "AssociateEntity",
			reply: noContent,
			call: func(ctx context.Context, c *user.Client) (any, error) {
				return nil, c.AssociateEntity(ctx, profile.ID, "entity-1")
			},
			reqs: []apiReq{{
				Method: "POST", URI: "/user/" + profile.ID + "/entities/associate/entity-1",
				Header: appHeaders("text/plain"),
			}},
		},
		{
			name:  "DisassociateEntity",
			reply: noContent,
			call: func(ctx context.Context, c *user.Client) (any, error) {
				return nil, c.DisassociateEntity(ctx, profile.ID, "entity-1")
			},
			reqs: []apiReq{{
				Method: "POST", URI: "/user/" + profile.ID + "/entities/disassociate/entity-1",
				Header: appHeaders("text/plain"),
			}},
		},
		{
			name:  "SetBetaStatus",
			reply: apiOK(t, beta),
			call:  func(ctx context.Context, c *user.Client) (any, error) { return c.SetBetaStatus(ctx, beta) },
			want:  beta,
			reqs: []apiReq{{
				Method: "POST", URI: "/user/beta/status",
				Header: withJSONBody(appHeaders("application/json, text/plain")),
				Body:   apiDecoded(t, beta),
			}},
		},
		{
			name:  "Checkout",
			reply: apiOK(t, user.UserCheckoutOutput{User: refUser}),
			call: func(ctx context.Context, c *user.Client) (any, error) {
				return c.Checkout(ctx, &user.UserCheckoutInput{Schema: schema})
			},
			want: &user.UserCheckoutOutput{User: refUser},
			reqs: []apiReq{{
				Method: "POST", URI: "/user/checkout",
				Header: withJSONBody(appHeaders("application/json, text/plain")),
				Body:   map[string]any{"schema": map[string]any{"migration": 1.0, "semantic": "MAJOR_0_MINOR_0_PATCH_1"}},
			}},
		},
		{
			name:  "Checkout/nil",
			reply: apiOK(t, user.UserCheckoutOutput{User: refUser}),
			call:  func(ctx context.Context, c *user.Client) (any, error) { return c.Checkout(ctx, nil) },
			want:  &user.UserCheckoutOutput{User: refUser},
			reqs: []apiReq{{
				Method: "POST", URI: "/user/checkout",
				Header: appHeaders("application/json, text/plain"),
			}},
		},
		{
			name:  "HasFeatureAccess",
			reply: apiOK(t, feature),
			call: func(ctx context.Context, c *user.Client) (any, error) {
				return c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumALLOWEDCLOUDMODELS, featureCtx)
			},
			want: &feature,
			reqs: []apiReq{{
				Method: "POST", URI: "/user/has_feature_access",
				Header: withJSONBody(appHeaders("application/json, text/plain")),
				Body: map[string]any{
					"feature": "ALLOWED_CLOUD_MODELS",
					"context": map[string]any{"allowedCloudModels": map[string]any{"modelUniqueName": "gpt-4o"}},
				},
			}},
		},
		{
			name:  "HasFeatureAccess/no-context",
			reply: apiOK(t, user.HasFeatureAccessOutput{Reason: "not on this plan"}),
			call: func(ctx context.Context, c *user.Client) (any, error) {
				return c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
			},
			want: &user.HasFeatureAccessOutput{Reason: "not on this plan"},
			reqs: []apiReq{{
				Method: "POST", URI: "/user/has_feature_access",
				Header: withJSONBody(appHeaders("application/json, text/plain")),
				Body:   map[string]any{"feature": "SHARE_SNIPPET"},
			}},
		},
		{
			name:  "ManageSubscriptions",
			reply: apiOK(t, user.UserManageSubscriptionsOutput{User: refUser}),
			call: func(ctx context.Context, c *user.Client) (any, error) {
				return c.ManageSubscriptions(ctx, &user.UserManageSubscriptionsInput{})
			},
			want: &user.UserManageSubscriptionsOutput{User: refUser},
			reqs: []apiReq{{
				Method: "POST", URI: "/user/manage/subscriptions",
				Header: withJSONBody(appHeaders("application/json, text/plain")),
				Body:   map[string]any{},
			}},
		},
		{
			name:  "PaddleRefresh",
			reply: apiOK(t, user.RefreshedPaddleUser{User: profile}),
			call:  func(ctx context.Context, c *user.Client) (any, error) { return c.PaddleRefresh(ctx) },
			want:  &user.RefreshedPaddleUser{User: profile},
			reqs:  []apiReq{{Method: "GET", URI: "/user/paddle/refresh", Header: appHeaders("application/json, text/plain")}},
		},
		{
			name:  "Providers",
			reply: apiOK(t, user.ReturnedUserProfile{User: apiPtr(profile)}),
			call:  func(ctx context.Context, c *user.Client) (any, error) { return c.Providers(ctx) },
			want:  &user.ReturnedUserProfile{User: apiPtr(profile)},
			reqs:  []apiReq{{Method: "GET", URI: "/user/providers", Header: appHeaders("application/json, text/plain")}},
		},
		{
			name:  "Clear",
			reply: noContent,
			call:  func(ctx context.Context, c *user.Client) (any, error) { return nil, c.Clear(ctx) },
			reqs:  []apiReq{{Method: "POST", URI: "/user/clear", Header: appHeaders("text/plain")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, fake := apiStart(t, tt.reply)
			got, err := tt.call(t.Context(), c)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if p, ok := got.(*user.Profile); ok {
				got = &p.UserProfile // the raw JSON is checked by the forward-compatibility tests
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s result (-want +got):\n%s", tt.name, diff)
			}
			if diff := cmp.Diff(tt.reqs, fake.requests()); diff != "" {
				t.Errorf("%s requests (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

// TestUpdateVanity checks that UpdateVanity reads the profile, changes only
// the vanity name and sends it.
func TestUpdateVanity(t *testing.T) {
	t.Parallel()
	profile := apiProfile()
	updated := profile
	updated.Vanityname = "lovelace"

	c, fake := apiStart(t, apiOK(t, updated))
	fake.byPath["/user"] = apiOK(t, user.ReturnedUserProfile{User: apiPtr(profile)})

	got, err := c.UpdateVanity(t.Context(), "lovelace")
	if err != nil {
		t.Fatalf("UpdateVanity: %v", err)
	}
	if diff := cmp.Diff(&updated, &got.UserProfile); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	want := []apiReq{
		{Method: "GET", URI: "/user", Header: appHeaders("application/json, text/plain")},
		{
			Method: "POST", URI: "/user/update/vanity",
			Header: withJSONBody(appHeaders("application/json, text/plain")),
			Body:   apiDecoded(t, updated),
		},
	}
	if diff := cmp.Diff(want, fake.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// TestUpdateVanityProfile checks that UpdateVanityProfile sends the profile
// it is given in one request, and refuses one without a vanity name.
func TestUpdateVanityProfile(t *testing.T) {
	t.Parallel()
	updated := apiProfile()
	updated.Vanityname = "lovelace"
	c, fake := apiStart(t, apiOK(t, updated))

	got, err := c.UpdateVanityProfile(t.Context(), &user.Profile{UserProfile: updated})
	if err != nil {
		t.Fatalf("UpdateVanityProfile: %v", err)
	}
	if diff := cmp.Diff(&updated, &got.UserProfile); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	want := []apiReq{{
		Method: "POST", URI: "/user/update/vanity",
		Header: withJSONBody(appHeaders("application/json, text/plain")),
		Body:   apiDecoded(t, updated),
	}}
	if diff := cmp.Diff(want, fake.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}

	for _, p := range []*user.Profile{nil, {UserProfile: user.UserProfile{ID: "u1"}}} {
		if _, err := c.UpdateVanityProfile(t.Context(), p); !errors.Is(err, user.ErrInvalidInput) {
			t.Errorf("UpdateVanityProfile(%v) = %v, want ErrInvalidInput", p, err)
		}
	}
	if n := len(fake.requests()); n != 1 {
		t.Errorf("%d requests, want only the first", n)
	}
}

// TestUpdateVanitySignedOut checks that UpdateVanity stops at a snapshot
// without a user and sends no update.
func TestUpdateVanitySignedOut(t *testing.T) {
	t.Parallel()
	c, fake := apiStart(t, apiOK(t, user.ReturnedUserProfile{}))
	_, err := c.UpdateVanity(t.Context(), "lovelace")
	// The same test as for the 511 of userUpdateVanity catches it.
	if !errors.Is(err, user.ErrNotSignedIn) {
		t.Fatalf("UpdateVanity error = %v, want ErrNotSignedIn", err)
	}
	if errors.Is(err, user.ErrConflict) || errors.Is(err, user.ErrInternal) || statusCode(err) != 0 {
		t.Errorf("the signed-out snapshot %v matches more than ErrNotSignedIn, or has a status", err)
	}
	if n := len(fake.requests()); n != 1 {
		t.Errorf("%d requests, want only the GET /user", n)
	}
}

// TestSnapshotSignedOut checks the answers that mean nobody is signed in.
func TestSnapshotSignedOut(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `{"user":null}`, `{"schema":{"migration":0,"semantic":"MAJOR_0_MINOR_0_PATCH_1"}}`} {
		t.Run(body, func(t *testing.T) {
			t.Parallel()
			c, _ := apiStart(t, apiReply{status: 200, ctype: "application/json", body: body})
			p, err := c.Snapshot(t.Context())
			if !errors.Is(err, user.ErrNotSignedIn) || p != nil {
				t.Fatalf("Snapshot = %v, %v; want nil, ErrNotSignedIn", p, err)
			}
			if e, ok := errors.AsType[*user.Error](err); !ok || e.StatusCode != 0 || e.Op != user.OpUserSnapshot {
				t.Errorf("a snapshot without a user gave %#v, want an *Error of userSnapshot without a status", err)
			}
		})
	}
}

// TestBasePathPrefix checks that a path in the base URL prefixes every
// route.
func TestBasePathPrefix(t *testing.T) {
	t.Parallel()
	f := &apiFake{t: t, byPath: map[string]apiReply{}, fallback: apiOK(t, user.ReturnedUserProfile{User: apiPtr(apiProfile())})}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := apiClient(t, srv, user.WithBaseURL(srv.URL+"/pieces/"))
	if _, err := c.Snapshot(t.Context()); err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	if err := c.DisassociateEntity(t.Context(), "u", "e"); err != nil {
		t.Fatalf("DisassociateEntity: %v", err)
	}
	got := []string{}
	for _, r := range f.requests() {
		got = append(got, r.URI)
	}
	want := []string{"/pieces/user", "/pieces/user/u/entities/disassociate/e"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
}
