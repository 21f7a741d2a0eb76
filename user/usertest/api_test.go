package usertest_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

func TestSnapshot(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := newClient(t, srv)

	res, err := c.UserSnapshotWithResponse(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != http.StatusOK || !isJSON(res.ContentType()) || res.JSON200 == nil {
		t.Fatalf("signed in: got %d %q %s", res.StatusCode(), res.ContentType(), res.Body)
	}
	want := usertest.DefaultProfile()
	if diff := cmp.Diff(&want, res.JSON200.User); diff != "" {
		t.Errorf("profile (-want +got):\n%s", diff)
	}

	srv.SignOut()
	res, err = c.UserSnapshotWithResponse(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != http.StatusOK || strings.TrimSpace(string(res.Body)) != "{}" {
		t.Errorf("signed out: got %d %s, want 200 {}", res.StatusCode(), res.Body)
	}
}

// TestSignedOutAnswers checks the answer of every operation when nobody is
// signed in: the documented error status with a text/plain body.
func TestSignedOutAnswers(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SignOut()
	c := newClient(t, srv)
	id := usertest.DefaultProfile().ID

	type answer struct {
		status int
		ct     string
		body   []byte
	}
	tests := []struct {
		name   string
		call   func() (answer, error)
		status int
	}{
		{"refreshUser", func() (answer, error) {
			r, err := c.RefreshUserWithResponse(testCtx(t))
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 500},
		{"userAccessToken", func() (answer, error) {
			r, err := c.UserAccessTokenWithResponse(testCtx(t))
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 500},
		{"userPaddleRefresh", func() (answer, error) {
			r, err := c.UserPaddleRefreshWithResponse(testCtx(t))
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 500},
		{"userCheckout", func() (answer, error) {
			r, err := c.UserCheckoutWithResponse(testCtx(t), gen.UserCheckoutInput{})
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 500},
		{"userManageSubscriptions", func() (answer, error) {
			r, err := c.UserManageSubscriptionsWithResponse(testCtx(t), gen.UserManageSubscriptionsInput{})
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 500},
		{"userBetaStatus", func() (answer, error) {
			r, err := c.UserBetaStatusWithResponse(testCtx(t), gen.UserBetaStatus{User: id})
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 511},
		{"userUpdateVanity", func() (answer, error) {
			p := usertest.DefaultProfile()
			p.Vanityname = "grace"
			r, err := c.UserUpdateVanityWithResponse(testCtx(t), p)
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 511},
		{"updateUser", func() (answer, error) {
			r, err := c.UpdateUserWithResponse(testCtx(t), usertest.DefaultProfile())
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 511},
		{"userHasFeatureAccess", func() (answer, error) {
			r, err := c.UserHasFeatureAccessWithResponse(testCtx(t), gen.HasFeatureAccessInput{Feature: gen.HasFeatureAccessEnumSHARESNIPPET})
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 401},
		{"userProviders", func() (answer, error) {
			r, err := c.UserProvidersWithResponse(testCtx(t))
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 501},
		{"userAssociateEntity", func() (answer, error) {
			r, err := c.UserAssociateEntityWithResponse(testCtx(t), id, "org-1", gen.EntityAssociateToUserInput{})
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 500},
		{"userDisassociateEntity", func() (answer, error) {
			r, err := c.UserDisassociateEntityWithResponse(testCtx(t), id, "org-1")
			return answer{r.StatusCode(), r.ContentType(), r.Body}, err
		}, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call()
			if err != nil {
				t.Fatal(err)
			}
			if got.status != tt.status || !isText(got.ct) || len(got.body) == 0 {
				t.Errorf("got %d %q %q, want %d with a text/plain body", got.status, got.ct, got.body, tt.status)
			}
		})
	}

	// clearUser succeeds when nobody is signed in.
	res, err := c.ClearUserWithResponse(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != http.StatusNoContent {
		t.Errorf("clearUser: got %d, want 204", res.StatusCode())
	}
}

func TestSignedInAnswers(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := newClient(t, srv)
	want := usertest.DefaultProfile()
	ctx := testCtx(t)

	refresh, err := c.RefreshUserWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if refresh.JSON200 == nil {
		t.Fatalf("refreshUser: got %d %s", refresh.StatusCode(), refresh.Body)
	}
	if diff := cmp.Diff(want, *refresh.JSON200); diff != "" {
		t.Errorf("refreshUser (-want +got):\n%s", diff)
	}

	token, err := c.UserAccessTokenWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if token.StatusCode() != 200 || !isText(token.ContentType()) || string(token.Body) != srv.AccessToken() || srv.AccessToken() == "" {
		t.Errorf("userAccessToken: got %d %q %q, want 200 text/plain %q", token.StatusCode(), token.ContentType(), token.Body, srv.AccessToken())
	}

	paddle, err := c.UserPaddleRefreshWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if paddle.JSON200 == nil || paddle.JSON200.User.ID != want.ID {
		t.Errorf("userPaddleRefresh: got %d %s", paddle.StatusCode(), paddle.Body)
	}

	checkout, err := c.UserCheckoutWithResponse(ctx, gen.UserCheckoutInput{})
	if err != nil {
		t.Fatal(err)
	}
	if checkout.JSON200 == nil || checkout.JSON200.User.ID != want.ID {
		t.Errorf("userCheckout: got %d %s", checkout.StatusCode(), checkout.Body)
	}

	manage, err := c.UserManageSubscriptionsWithResponse(ctx, gen.UserManageSubscriptionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if manage.JSON200 == nil || manage.JSON200.User.ID != want.ID {
		t.Errorf("userManageSubscriptions: got %d %s", manage.StatusCode(), manage.Body)
	}

	providers, err := c.UserProvidersWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if providers.StatusCode() != http.StatusNotImplemented || !isText(providers.ContentType()) {
		t.Errorf("userProviders: got %d %q, want 501 text/plain", providers.StatusCode(), providers.ContentType())
	}

	cleared, err := c.ClearUserWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cleared.StatusCode() != http.StatusNoContent || len(cleared.Body) != 0 {
		t.Errorf("clearUser: got %d %q, want 204 and no body", cleared.StatusCode(), cleared.Body)
	}
	if _, ok := srv.Profile(); ok || srv.AccessToken() != "" {
		t.Error("clearUser left the user signed in")
	}
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := newClient(t, srv)

	p := usertest.DefaultProfile()
	p.Name = "Augusta Ada King"
	p.Aesthetics.Theme.Dark = false
	res, err := c.UpdateUserWithResponse(testCtx(t), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil {
		t.Fatalf("got %d %s", res.StatusCode(), res.Body)
	}
	if diff := cmp.Diff(p, *res.JSON200); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	got, _ := srv.Profile()
	if diff := cmp.Diff(p, got); diff != "" {
		t.Errorf("stored profile (-want +got):\n%s", diff)
	}

	other := usertest.DefaultProfile()
	other.ID = "someone-else"
	res, err = c.UpdateUserWithResponse(testCtx(t), other)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != http.StatusBadRequest || !strings.Contains(string(res.Body), "someone-else") {
		t.Errorf("another user's profile: got %d %s, want 400 naming the id", res.StatusCode(), res.Body)
	}

	// Without a body nothing changes.
	empty, err := c.UpdateUserWithBodyWithResponse(testCtx(t), "application/json", strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	if empty.JSON200 == nil || empty.JSON200.Name != p.Name {
		t.Errorf("no body: got %d %s", empty.StatusCode(), empty.Body)
	}
}

func TestUpdateVanity(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.TakeVanity("babbage")
	srv.TakeVanity("menabrea")
	c := newClient(t, srv)

	vanity := func(name string) *gen.UserUpdateVanityResponse {
		t.Helper()
		p, _ := srv.Profile()
		p.Vanityname = name
		res, err := c.UserUpdateVanityWithResponse(testCtx(t), p)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	res := vanity("countess")
	if res.JSON200 == nil {
		t.Fatalf("got %d %s", res.StatusCode(), res.Body)
	}
	if res.JSON200.Vanityname != "countess" || res.JSON200.Allocation.URLs.Vanity.URL != "https://countess.pieces.cloud" {
		t.Errorf("answer has vanityname %q and vanity URL %q", res.JSON200.Vanityname, res.JSON200.Allocation.URLs.Vanity.URL)
	}
	if p, _ := srv.Profile(); p.Vanityname != "countess" || p.Auth0.Vanityname != "countess" {
		t.Errorf("stored vanity names %q and %q, want countess", p.Vanityname, p.Auth0.Vanityname)
	}

	for _, tt := range []struct {
		name, vanity string
		status       int
		bodyHas      string
	}{
		{"taken", "babbage", 409, `"babbage"`},
		{"taken by a later call", "menabrea", 409, `"menabrea"`},
		{"not a DNS label", "Ada_Lovelace", 500, `"Ada_Lovelace"`},
		{"leading hyphen", "-ada", 500, `"-ada"`},
		{"empty", "", 400, "empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := vanity(tt.vanity)
			if res.StatusCode() != tt.status || !isText(res.ContentType()) || !strings.Contains(string(res.Body), tt.bodyHas) {
				t.Errorf("got %d %q %s, want %d text/plain containing %s", res.StatusCode(), res.ContentType(), res.Body, tt.status, tt.bodyHas)
			}
		})
	}

	// The user's own name is not taken by the user.
	if res := vanity("countess"); res.StatusCode() != 200 {
		t.Errorf("own name: got %d %s", res.StatusCode(), res.Body)
	}

	// A cloud whose DNS record is not ready answers 404, a user without a
	// cloud 511.
	p, _ := srv.Profile()
	p.Allocation.Status.Cloud = gen.AllocationStatusEnumPENDING
	srv.SetProfile(p)
	if res := vanity("pending"); res.StatusCode() != 404 || !isText(res.ContentType()) {
		t.Errorf("pending cloud: got %d %q %s, want 404", res.StatusCode(), res.ContentType(), res.Body)
	}
	p.Allocation = gen.AllocationCloud{}
	srv.SetProfile(p)
	if res := vanity("nocloud"); res.StatusCode() != 511 || !isText(res.ContentType()) {
		t.Errorf("no cloud: got %d %q %s, want 511", res.StatusCode(), res.ContentType(), res.Body)
	}

	// No body at all.
	nobody, err := c.UserUpdateVanityWithBodyWithResponse(testCtx(t), "application/json", strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	if nobody.StatusCode() != 400 || !isText(nobody.ContentType()) {
		t.Errorf("no body: got %d %s", nobody.StatusCode(), nobody.Body)
	}
}

func TestSelectUser(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SignOut()
	c := newClient(t, srv)

	au := gen.Auth0User{
		UserID:   "github|1906",
		Email:    "grace@example.com",
		Name:     "Grace Hopper",
		Nickname: "grace",
		Picture:  "https://example.com/grace.png",
		Identities: []gen.Auth0Identity{
			{Provider: "github", UserID: "1906", Connection: "github"},
		},
	}
	res, err := c.SelectUserWithResponse(testCtx(t), au, func(ctx context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer auth0-token")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil {
		t.Fatalf("got %d %s", res.StatusCode(), res.Body)
	}
	got := *res.JSON200
	if got.Email != au.Email || got.Name != au.Name || got.Picture != au.Picture || got.Username != "grace" || got.ID == "" {
		t.Errorf("profile does not reflect the Auth0 user: %+v", got)
	}
	if len(got.Providers.Iterable) != 1 || got.Providers.Iterable[0].Type != gen.ExternalProviderTypeEnumGithub {
		t.Errorf("providers: %+v", got.Providers)
	}
	stored, ok := srv.Profile()
	if !ok || stored.ID != got.ID {
		t.Fatalf("the server did not sign in %s", got.ID)
	}
	if !strings.Contains(srv.AccessToken(), got.ID) {
		t.Errorf("access token %q is not the new user's", srv.AccessToken())
	}
	// The same Auth0 user always gets the same id.
	again, err := c.SelectUserWithResponse(testCtx(t), au)
	if err != nil {
		t.Fatal(err)
	}
	if again.JSON200 == nil || again.JSON200.ID != got.ID {
		t.Errorf("second select: got %d %s, want id %s", again.StatusCode(), again.Body, got.ID)
	}
	// The request recorded the bearer token.
	reqs := srv.Requests()
	if h := reqs[0].Header.Get("Authorization"); h != "Bearer auth0-token" {
		t.Errorf("recorded Authorization %q", h)
	}

	bad, err := c.SelectUserWithResponse(testCtx(t), gen.Auth0User{Name: "Nobody"})
	if err != nil {
		t.Fatal(err)
	}
	if bad.StatusCode() != 400 || !isText(bad.ContentType()) || !strings.Contains(string(bad.Body), "user_id") {
		t.Errorf("no user_id: got %d %q %s", bad.StatusCode(), bad.ContentType(), bad.Body)
	}

	// Without a body, a signed-out server signs the last user in again.
	srv.SignOut()
	nobody, err := c.SelectUserWithBodyWithResponse(testCtx(t), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if nobody.JSON200 == nil || nobody.JSON200.ID != got.ID {
		t.Errorf("no body: got %d %s, want user %s", nobody.StatusCode(), nobody.Body, got.ID)
	}

	// An email alone names the user; its id is derived from the email.
	byMail, err := c.SelectUserWithResponse(testCtx(t), gen.Auth0User{Email: "grace@example.com", Name: "Grace"})
	if err != nil {
		t.Fatal(err)
	}
	if byMail.JSON200 == nil || byMail.JSON200.Email != "grace@example.com" || byMail.JSON200.Name != "Grace" || byMail.JSON200.ID == "" || byMail.JSON200.ID == got.ID {
		t.Errorf("select by email: got %d %s", byMail.StatusCode(), byMail.Body)
	}
}

func TestEntities(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := newClient(t, srv)
	id := usertest.DefaultProfile().ID
	orgID := usertest.DefaultProfile().Entities.Iterable[0].ID

	ids := func() []string {
		p, _ := srv.Profile()
		var out []string
		for i, e := range p.Entities.Iterable {
			if p.Entities.Indices[e.ID] != i {
				t.Errorf("indices[%s] = %d, want %d", e.ID, p.Entities.Indices[e.ID], i)
			}
			if e.Reference == nil || e.Reference.ID != e.ID {
				t.Errorf("entity %s has no matching reference", e.ID)
			}
			out = append(out, e.ID)
		}
		return out
	}

	res, err := c.UserAssociateEntityWithResponse(testCtx(t), id, "team/7", gen.EntityAssociateToUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != http.StatusNoContent {
		t.Fatalf("associate: got %d %s", res.StatusCode(), res.Body)
	}
	if got := ids(); !slices.Equal(got, []string{orgID, "team/7"}) {
		t.Errorf("entities after associate: %v", got)
	}
	// Associating twice changes nothing.
	if res, _ := c.UserAssociateEntityWithResponse(testCtx(t), id, "team/7", gen.EntityAssociateToUserInput{}); res.StatusCode() != 204 {
		t.Errorf("second associate: got %d", res.StatusCode())
	}

	dis, err := c.UserDisassociateEntityWithResponse(testCtx(t), id, orgID)
	if err != nil {
		t.Fatal(err)
	}
	if dis.StatusCode() != http.StatusNoContent {
		t.Fatalf("disassociate: got %d %s", dis.StatusCode(), dis.Body)
	}
	if got := ids(); !slices.Equal(got, []string{"team/7"}) {
		t.Errorf("entities after disassociate: %v", got)
	}
	dis, _ = c.UserDisassociateEntityWithResponse(testCtx(t), id, orgID)
	if dis.StatusCode() != 500 || !isText(dis.ContentType()) {
		t.Errorf("disassociating twice: got %d %q", dis.StatusCode(), dis.ContentType())
	}

	// Associating the organization again restores its full record.
	if res, _ := c.UserAssociateEntityWithResponse(testCtx(t), id, orgID, gen.EntityAssociateToUserInput{}); res.StatusCode() != 204 {
		t.Fatalf("re-associate: got %d", res.StatusCode())
	}
	p, _ := srv.Profile()
	ref := p.Entities.Iterable[p.Entities.Indices[orgID]].Reference
	if ref == nil || ref.Name != usertest.DefaultProfile().Entities.Iterable[0].Reference.Name {
		t.Errorf("re-associated organization lost its record: %+v", ref)
	}

	for _, op := range []string{"associate", "disassociate"} {
		var status int
		var body []byte
		if op == "associate" {
			r, err := c.UserAssociateEntityWithResponse(testCtx(t), "not-a-user", orgID, gen.EntityAssociateToUserInput{})
			if err != nil {
				t.Fatal(err)
			}
			status, body = r.StatusCode(), r.Body
		} else {
			r, err := c.UserDisassociateEntityWithResponse(testCtx(t), "not-a-user", orgID)
			if err != nil {
				t.Fatal(err)
			}
			status, body = r.StatusCode(), r.Body
		}
		if status != 500 || !strings.Contains(string(body), "no such user") {
			t.Errorf("%s with an unknown user: got %d %s", op, status, body)
		}
	}

	// The escaped path is what Requests records.
	var found bool
	for _, r := range srv.Requests() {
		if r.OperationID == "userAssociateEntity" && strings.HasSuffix(r.Path, "/associate/team%2F7") {
			found = true
		}
	}
	if !found {
		t.Error("Requests has no associate request with the escaped path .../associate/team%2F7")
	}
}

func TestBetaStatus(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := newClient(t, srv)
	id := usertest.DefaultProfile().ID
	from := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

	in := gen.UserBetaStatus{User: id, Auth0: gen.Auth0UserBetaStatus{Vision: gen.AnonymousTemporalRange{
		Continuous: ptr(true), From: gen.GroupedTimestamp{Value: from},
	}}}
	res, err := c.UserBetaStatusWithResponse(testCtx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil {
		t.Fatalf("got %d %s", res.StatusCode(), res.Body)
	}
	if res.JSON200.User != id || res.JSON200.Auth0.Vision.Continuous == nil || !*res.JSON200.Auth0.Vision.Continuous {
		t.Errorf("answer: %s", res.Body)
	}
	p, _ := srv.Profile()
	if !p.Auth0.Beta.From.Value.Equal(from) {
		t.Errorf("profile's beta range starts %v, want %v", p.Auth0.Beta.From.Value, from)
	}

	res, err = c.UserBetaStatusWithResponse(testCtx(t), gen.UserBetaStatus{User: "someone-else"})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != 500 || !isText(res.ContentType()) {
		t.Errorf("another user: got %d %q %s", res.StatusCode(), res.ContentType(), res.Body)
	}
}

func TestHasFeatureAccess(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := newClient(t, srv)

	custom := gen.HasFeatureAccessOutput{CanUse: false, Enabled: true, IsEnterpriseUser: true, Reason: "seat limit"}
	if err := srv.SetFeatureAccess(gen.HasFeatureAccessEnumSHARESNIPPET, custom); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetFeatureAccess("NOT_A_FEATURE", custom); err == nil {
		t.Error("SetFeatureAccess accepted an unknown feature")
	}

	res, err := c.UserHasFeatureAccessWithResponse(testCtx(t), gen.HasFeatureAccessInput{Feature: gen.HasFeatureAccessEnumSHARESNIPPET})
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil {
		t.Fatalf("got %d %s", res.StatusCode(), res.Body)
	}
	if diff := cmp.Diff(custom, *res.JSON200); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}

	post := func(body string) *gen.UserHasFeatureAccessResponse {
		t.Helper()
		res, err := c.UserHasFeatureAccessWithBodyWithResponse(testCtx(t), "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}

	t.Run("bad input", func(t *testing.T) {
		for _, tt := range []struct{ body, code string }{
			{`{}`, "MISSING_FEATURE"},
			{`{"feature":"NOT_A_FEATURE"}`, "UNKNOWN_FEATURE"},
			{`{"feature":"UNKNOWN"}`, "UNKNOWN_FEATURE"},
			{`{"feature":7}`, "UNKNOWN_FEATURE"},
			{`{"feature":"ALLOWED_CLOUD_MODELS","context":{"allowedCloudModels":{}}}`, "INVALID_INPUT"},
		} {
			res := post(tt.body)
			if res.StatusCode() != 400 || res.JSON400 == nil || res.JSON400.Code != tt.code || res.JSON400.Message == "" {
				t.Errorf("%s: got %d %q %s, want a JSON 400 with code %s", tt.body, res.StatusCode(), res.ContentType(), res.Body, tt.code)
			}
		}
	})

	t.Run("context", func(t *testing.T) {
		for _, tt := range []struct {
			feature gen.HasFeatureAccessEnum
			member  string
			good    string
		}{
			{gen.HasFeatureAccessEnumALLOWEDCLOUDMODELS, "allowedCloudModels", `{"allowedCloudModels":{"modelUniqueName":"gpt-4o"}}`},
			{gen.HasFeatureAccessEnumDENIEDWORKSTREAMPATTERNENGINESOURCES, "deniedWorkstreamPatternEngineSource", `{"deniedWorkstreamPatternEngineSource":{"application":"Slack"}}`},
			{gen.HasFeatureAccessEnumDENIEDWORKSTREAMPATTERNENGINEWEBSITES, "deniedWorkstreamPatternEngineWebsite", `{"deniedWorkstreamPatternEngineWebsite":{"website":"https://example.com"}}`},
			{gen.HasFeatureAccessEnumEXTERNALPROVIDERPROCESSING, "processing", `{"processing":{"processing":"LOCAL"}}`},
		} {
			none := post(`{"feature":"` + string(tt.feature) + `"}`)
			if none.StatusCode() != 422 || none.JSON422 == nil || none.JSON422.ExpectedContextType != tt.member || none.JSON422.Feature != string(tt.feature) {
				t.Errorf("%s without context: got %d %s", tt.feature, none.StatusCode(), none.Body)
			}
			wrongCtx := `{"allowedCloudModels":{"modelUniqueName":"m"}}`
			if tt.member == "allowedCloudModels" {
				wrongCtx = `{"processing":{"processing":"CLOUD"}}`
			}
			wrong := post(`{"feature":"` + string(tt.feature) + `","context":` + wrongCtx + `}`)
			if wrong.StatusCode() != 422 || wrong.JSON422 == nil || wrong.JSON422.ExpectedContextType != tt.member {
				t.Errorf("%s with the wrong context: got %d %s", tt.feature, wrong.StatusCode(), wrong.Body)
			}
			good := post(`{"feature":"` + string(tt.feature) + `","context":` + tt.good + `}`)
			if good.JSON200 == nil || !good.JSON200.CanUse {
				t.Errorf("%s with its context: got %d %s", tt.feature, good.StatusCode(), good.Body)
			}
		}
	})

	t.Run("missing body", func(t *testing.T) {
		res := post("")
		if res.StatusCode() != 400 || !isText(res.ContentType()) || !strings.Contains(string(res.Body), "body") {
			t.Errorf("got %d %q %s, want a text/plain 400 about the body", res.StatusCode(), res.ContentType(), res.Body)
		}
	})
}

func ptr[T any](v T) *T { return &v }
