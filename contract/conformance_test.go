package contract

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// The conformance test drives every operation of the spec through package
// user against the fake of package usertest, records every request the
// client sends and every answer it gets, and validates each against
// api/openapi.yaml with openapi3filter. A table read from the spec lists
// every documented (operation, status) pair; the test fails for a pair it
// did not exercise and validate, so a status added to the spec needs a
// scenario here.
//
// Situations the spec is silent about, where the fake answers with a
// status the spec does not document, are not exercised: updateUser while
// signed out (511) or with another user's profile (400), selectUser with
// an Auth0 user that has no id (400), userUpdateVanity without a name
// (400), and a body that breaks its schema (400) or comes with another
// media type (415) on any operation but userHasFeatureAccess. The client
// reports them as any other *user.Error.

// Credentials the client is given; the validator checks that each request
// carries the one its security scheme names.
const (
	confAppID = "conformance-app-3f9c2d"
	confToken = "conformance-token-81d2a7"
)

// rawUserAgent marks the WebSocket connections the test opens itself,
// beside the client's, so that the fake's request log can be split.
const rawUserAgent = "contract-conformance-raw"

// eventWait bounds every wait for a stream event or message. It is a
// safety net against a hang, not a timing assertion.
const eventWait = 10 * time.Second

// want is one exchange a call should cause: the operation it reaches and
// the status of the answer.
type want struct {
	op     string
	status int
	// badInput marks a request that breaks the spec on purpose: its
	// validation must fail, while the answer must still keep the spec.
	badInput bool
}

// ex is an exchange whose request keeps the spec.
func ex(op string, status int) want { return want{op: op, status: status} }

// badEx is an exchange whose request breaks the spec on purpose.
func badEx(op string, status int) want { return want{op: op, status: status, badInput: true} }

// harness is one fake Pieces OS with a client pointed at it; every
// exchange of the client goes through rec, every exchange of the raw
// WebSocket connections through raw.
type harness struct {
	srv   *usertest.Server
	c     *user.Client
	rec   *recorder
	raw   *recorder
	rawHC *http.Client
	v     *validator
	cov   *coverage
}

func newHarness(t *testing.T, cov *coverage, opts ...usertest.Option) *harness {
	t.Helper()
	base := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(base.CloseIdleConnections) // runs after the fake has closed
	srv := usertest.Start(t, opts...)
	h := &harness{
		srv: srv,
		rec: &recorder{next: base},
		raw: &recorder{next: base},
		v:   newValidator(t, srv.URL, confAppID, confToken),
		cov: cov,
	}
	h.rawHC = &http.Client{Transport: h.raw}
	c, err := user.New(
		user.WithBaseURL(srv.URL),
		user.WithApplicationID(confAppID),
		user.WithAccessToken(confToken),
		user.WithHTTPClient(&http.Client{Transport: h.rec}),
	)
	if err != nil {
		t.Fatalf("user.New: %v", err)
	}
	h.c = c
	return h
}

// expect validates the client's exchanges since the last step and checks
// that they are exactly wants, in order. Each validated exchange of an
// HTTP operation whose request keeps the spec is marked in the coverage
// table. It reports whether everything matched and validated.
func (h *harness) expect(t *testing.T, call string, wants ...want) bool {
	t.Helper()
	return h.expectOn(t, h.rec, call, wants...)
}

func (h *harness) expectOn(t *testing.T, rec *recorder, call string, wants ...want) bool {
	t.Helper()
	got := rec.take()
	ok := true
	if len(got) != len(wants) {
		t.Errorf("%s: sent %d requests %v, want %d %v", call, len(got), got, len(wants), wants)
		ok = false
	}
	for i, ex := range got {
		res, err := h.v.check(t.Context(), ex)
		ex.op = res.op
		if err != nil {
			t.Errorf("%s: %v", call, err)
			ok = false
			continue
		}
		if i >= len(wants) {
			continue
		}
		w := wants[i]
		if res.op != w.op || ex.status != w.status {
			t.Errorf("%s: request %d reached operation %s, answered %d; want operation %s, answered %d",
				call, i+1, res.op, ex.status, w.op, w.status)
			ok = false
			continue
		}
		switch {
		case w.badInput && res.requestErr == nil:
			t.Errorf("%s: operation %s, status %d: the request was meant to break the spec, but it validates", call, w.op, w.status)
			ok = false
			continue
		case !w.badInput && res.requestErr != nil:
			t.Errorf("%s: %v", call, res.requestErr)
			ok = false
			continue
		}
		// A WebSocket operation is marked once its messages validate; a
		// request that breaks the spec proves nothing about the pair.
		if res.websocket || w.badInput {
			continue
		}
		if err := h.cov.mark(w.op, w.status); err != nil {
			t.Errorf("%s: %v", call, err)
			ok = false
		}
	}
	return ok
}

// done checks the result of a call that ends with the last of wants: no
// error for a 2xx answer, otherwise an *user.Error of that operation and
// status. Then it validates the exchanges.
func (h *harness) done(t *testing.T, call string, err error, wants ...want) {
	t.Helper()
	last := wants[len(wants)-1]
	if last.status/100 == 2 {
		if err != nil {
			t.Errorf("%s: %v", call, err)
		}
	} else {
		e, ok := errors.AsType[*user.Error](err)
		switch {
		case !ok:
			t.Errorf("%s: error %v, want a *user.Error with status %d", call, err, last.status)
		case e.Op != last.op || e.StatusCode != last.status:
			t.Errorf("%s: error of operation %s with status %d, want operation %s with status %d",
				call, e.Op, e.StatusCode, last.op, last.status)
		}
	}
	h.expect(t, call, wants...)
}

// checkLog checks that every exchange was validated by a step, and that
// the fake's request log holds exactly the requests sent through the
// client (and, apart, through the raw connections), in order, each with
// the body sent and under the operation the spec's router found for it.
func (h *harness) checkLog(t *testing.T) {
	t.Helper()
	for _, rec := range []*recorder{h.rec, h.raw} {
		if rest := rec.take(); len(rest) > 0 {
			t.Errorf("requests that no step validated: %v", rest)
		}
	}
	var client, raw []string
	for _, r := range h.srv.Requests() {
		line := logLine(r.Method, r.Path, r.Query, r.OperationID, r.Body)
		if r.Header.Get("User-Agent") == rawUserAgent {
			raw = append(raw, line)
		} else {
			client = append(client, line)
		}
	}
	for _, side := range []struct {
		name string
		log  []string
		rec  *recorder
	}{{"the client", client, h.rec}, {"the raw connections", raw, h.raw}} {
		var sent []string
		for _, ex := range side.rec.all() {
			sent = append(sent, logLine(ex.method, ex.url.EscapedPath(), ex.url.RawQuery, ex.op, ex.body))
		}
		if strings.Join(side.log, "\n") != strings.Join(sent, "\n") {
			t.Errorf("the fake's log of %s differs from what was sent:\nlog:\n\t%s\nsent:\n\t%s",
				side.name, strings.Join(side.log, "\n\t"), strings.Join(sent, "\n\t"))
		}
	}
}

// logLine renders one request for the comparison of the fake's log with
// the recorded exchanges; a digest stands for the body.
func logLine(method, path, query, op string, body []byte) string {
	if query != "" {
		path += "?" + query
	}
	line := fmt.Sprintf("%s %s (%s)", method, path, op)
	if len(body) > 0 {
		line += fmt.Sprintf(" body of %d bytes, sha256 %.12x", len(body), sha256.Sum256(body))
	}
	return line
}

// TestConformance runs every scenario against its own fake, then checks
// that every documented (operation, status) pair was exercised.
func TestConformance(t *testing.T) {
	t.Parallel()
	cov := newCoverage(loadSpec(t))
	if n := cov.pairs(); n == 0 {
		t.Fatal("the spec documents no statuses")
	}
	t.Run("scenarios", func(t *testing.T) {
		for _, sc := range []struct {
			name string
			run  func(*testing.T, *coverage)
		}{
			{"SignedIn", conformSignedIn},
			{"Refusals", conformRefusals},
			{"Failures", conformFailures},
			{"Middleware", conformMiddleware},
			{"Streams", conformStreams},
		} {
			t.Run(sc.name, func(t *testing.T) {
				t.Parallel()
				sc.run(t, cov)
			})
		}
	})
	if missing := cov.missing(); len(missing) > 0 {
		t.Errorf("documented (operation, status) pairs that no scenario exercised and validated:\n\t%s\n"+
			"add a scenario to contract/conformance_test.go for each", strings.Join(missing, "\n\t"))
	}
}

// conformSignedIn calls every HTTP operation on its happy path.
func conformSignedIn(t *testing.T, cov *coverage) {
	h := newHarness(t, cov)
	ctx := t.Context()

	p, err := h.c.Snapshot(ctx)
	h.done(t, "Snapshot", err, ex("userSnapshot", 200))
	if err != nil {
		t.FailNow()
	}
	if p.ID != usertest.DefaultProfile().ID {
		t.Errorf("Snapshot: id %q, want the default profile's %q", p.ID, usertest.DefaultProfile().ID)
	}

	_, err = h.c.Refresh(ctx)
	h.done(t, "Refresh", err, ex("refreshUser", 200))

	p.Name = "Ada King"
	up, err := h.c.Update(ctx, p)
	h.done(t, "Update", err, ex("updateUser", 200))
	if err == nil && up.Name != p.Name {
		t.Errorf("Update: name %q, want %q", up.Name, p.Name)
	}

	_, err = h.c.Update(ctx, nil)
	h.done(t, "Update(nil)", err, ex("updateUser", 200))

	tok, err := h.c.AccessToken(ctx)
	h.done(t, "AccessToken", err, ex("userAccessToken", 200))
	if err == nil && tok != h.srv.AccessToken() {
		t.Errorf("AccessToken: %q, want the fake's %q", tok, h.srv.AccessToken())
	}

	const org = "conformance-org"
	err = h.c.AssociateEntity(ctx, p.ID, org)
	h.done(t, "AssociateEntity", err, ex("userAssociateEntity", 204))
	err = h.c.DisassociateEntity(ctx, p.ID, org)
	h.done(t, "DisassociateEntity", err, ex("userDisassociateEntity", 204))

	beta := &user.UserBetaStatus{
		User:  p.ID,
		Auth0: user.Auth0UserBetaStatus{Vision: user.AnonymousTemporalRange{Continuous: new(true)}},
	}
	bs, err := h.c.SetBetaStatus(ctx, beta)
	h.done(t, "SetBetaStatus", err, ex("userBetaStatus", 200))
	if err == nil && (bs.Auth0.Vision.Continuous == nil || !*bs.Auth0.Vision.Continuous) {
		t.Errorf("SetBetaStatus: auth0 vision %+v, want continuous", bs.Auth0.Vision)
	}
	_, err = h.c.SetBetaStatus(ctx, nil)
	h.done(t, "SetBetaStatus(nil)", err, ex("userBetaStatus", 200))

	_, err = h.c.Checkout(ctx, &user.UserCheckoutInput{})
	h.done(t, "Checkout", err, ex("userCheckout", 200))
	_, err = h.c.Checkout(ctx, nil)
	h.done(t, "Checkout(nil)", err, ex("userCheckout", 200))

	fa, err := h.c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
	h.done(t, "HasFeatureAccess", err, ex("userHasFeatureAccess", 200))
	if err == nil && !fa.CanUse {
		t.Errorf("HasFeatureAccess: %+v, want usable", fa)
	}
	_, err = h.c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumALLOWEDCLOUDMODELS, &user.HasFeatureAccessContext{
		AllowedCloudModels: user.HasFeatureAccessAllowedCloudModelsContext{ModelUniqueName: "gpt-4o"},
	})
	h.done(t, "HasFeatureAccess with a context", err, ex("userHasFeatureAccess", 200))

	_, err = h.c.ManageSubscriptions(ctx, &user.UserManageSubscriptionsInput{})
	h.done(t, "ManageSubscriptions", err, ex("userManageSubscriptions", 200))

	pr, err := h.c.PaddleRefresh(ctx)
	h.done(t, "PaddleRefresh", err, ex("userPaddleRefresh", 200))
	if err == nil && pr.User.ID != p.ID {
		t.Errorf("PaddleRefresh: user %q, want %q", pr.User.ID, p.ID)
	}

	// A local Pieces OS does not serve the providers route.
	_, err = h.c.Providers(ctx)
	h.done(t, "Providers", err, ex("userProviders", 501))
	if !errors.Is(err, user.ErrNotImplemented) {
		t.Errorf("Providers: %v, want ErrNotImplemented", err)
	}
	// The cloud does; the fake plays it with a canned answer of the
	// documented shape.
	body, err := json.Marshal(user.ReturnedUserProfile{User: &p.UserProfile})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.srv.RespondNext("userProviders", 1, http.StatusOK, "application/json", string(body)); err != nil {
		t.Fatal(err)
	}
	rp, err := h.c.Providers(ctx)
	h.done(t, "Providers from the cloud", err, ex("userProviders", 200))
	if err == nil && rp.User.ID != p.ID {
		t.Errorf("Providers: user %q, want %q", rp.User.ID, p.ID)
	}

	vp, err := h.c.UpdateVanity(ctx, "ada-conformance")
	h.done(t, "UpdateVanity", err, ex("userSnapshot", 200), ex("userUpdateVanity", 200))
	if err == nil && vp.Vanityname != "ada-conformance" {
		t.Errorf("UpdateVanity: vanityname %q, want ada-conformance", vp.Vanityname)
	}

	_, err = h.c.Select(ctx, nil)
	h.done(t, "Select(nil)", err, ex("selectUser", 200))
	sp, err := h.c.Select(ctx, &user.Auth0User{
		UserID: "auth0|conformance",
		Email:  "grace@example.com",
		Name:   "Grace Hopper",
	})
	h.done(t, "Select", err, ex("selectUser", 200))
	if err == nil && sp.Email != "grace@example.com" {
		t.Errorf("Select: email %q, want grace@example.com", sp.Email)
	}

	err = h.c.Clear(ctx)
	h.done(t, "Clear", err, ex("clearUser", 204))
	_, err = h.c.Snapshot(ctx)
	if !errors.Is(err, user.ErrNotSignedIn) {
		t.Errorf("Snapshot after Clear: %v, want ErrNotSignedIn", err)
	}
	h.expect(t, "Snapshot after Clear", ex("userSnapshot", 200))

	in, err := h.c.SignIn(ctx)
	h.done(t, "SignIn", err, ex("signIntoOs", 200))
	if err == nil && in.ID == "" {
		t.Errorf("SignIn: %+v, want a signed-in user", in.UserProfile)
	}
	out, err := h.c.SignOut(ctx)
	h.done(t, "SignOut", err, ex("signOutOfOs", 200))
	if err == nil && len(out.Iterable) == 0 {
		t.Errorf("SignOut: %+v, want the users the fake knows", out)
	}

	h.checkLog(t)
}

// conformRefusals provokes every documented error the fake gives on its
// own, from bad input or from its state.
func conformRefusals(t *testing.T, cov *coverage) {
	h := newHarness(t, cov)
	ctx := t.Context()

	p, err := h.c.Snapshot(ctx)
	h.done(t, "Snapshot", err, ex("userSnapshot", 200))
	if err != nil {
		t.FailNow()
	}

	// UNKNOWN is a value of the enum, so the request keeps the spec.
	_, err = h.c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumUNKNOWN, nil)
	h.done(t, "HasFeatureAccess(UNKNOWN)", err, ex("userHasFeatureAccess", 400))
	if e, ok := errors.AsType[*user.Error](err); ok && e.BadRequest == nil {
		t.Errorf("HasFeatureAccess(UNKNOWN): the 400 body was not decoded: %v", err)
	}
	// A value outside the enum breaks the spec; the answer must not.
	_, err = h.c.HasFeatureAccess(ctx, user.HasFeatureAccessEnum("NOT_A_FEATURE"), nil)
	h.done(t, "HasFeatureAccess(NOT_A_FEATURE)", err, badEx("userHasFeatureAccess", 400))
	if e, ok := errors.AsType[*user.Error](err); ok && e.BadRequest == nil {
		t.Errorf("HasFeatureAccess(NOT_A_FEATURE): the 400 body was not decoded: %v", err)
	}
	// ALLOWED_CLOUD_MODELS needs a context.
	_, err = h.c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumALLOWEDCLOUDMODELS, nil)
	h.done(t, "HasFeatureAccess without its context", err, ex("userHasFeatureAccess", 422))
	if e, ok := errors.AsType[*user.Error](err); ok && e.Unprocessable == nil {
		t.Errorf("HasFeatureAccess without its context: the 422 body was not decoded: %v", err)
	}

	h.srv.TakeVanity("taken-name")
	_, err = h.c.UpdateVanity(ctx, "taken-name")
	h.done(t, "UpdateVanity to a taken name", err, ex("userSnapshot", 200), ex("userUpdateVanity", 409))
	if !errors.Is(err, user.ErrConflict) {
		t.Errorf("UpdateVanity to a taken name: %v, want ErrVanityTaken", err)
	}

	_, err = h.c.UpdateVanity(ctx, "Not A DNS Label")
	h.done(t, "UpdateVanity to an invalid name", err, ex("userSnapshot", 200), ex("userUpdateVanity", 500))

	pending := p.UserProfile
	pending.Allocation.Status.Cloud = user.AllocationStatusEnumPENDING
	h.srv.SetProfile(pending)
	_, err = h.c.UpdateVanity(ctx, "pending-cloud")
	h.done(t, "UpdateVanity while the cloud is pending", err, ex("userSnapshot", 200), ex("userUpdateVanity", 404))
	if !errors.Is(err, user.ErrNotFound) {
		t.Errorf("UpdateVanity while the cloud is pending: %v, want ErrNotFound", err)
	}

	// UpdateVanity reads the profile first, so a signed-out user never
	// reaches the POST; a user without a cloud does, and gets 511 too.
	noCloud := p.UserProfile
	noCloud.Allocation = user.AllocationCloud{}
	h.srv.SetProfile(noCloud)
	_, err = h.c.UpdateVanity(ctx, "no-cloud")
	h.done(t, "UpdateVanity without a cloud", err, ex("userSnapshot", 200), ex("userUpdateVanity", 511))
	if !errors.Is(err, user.ErrNotSignedIn) {
		t.Errorf("UpdateVanity without a cloud: %v, want ErrNotSignedIn", err)
	}

	h.srv.SignOut()
	_, err = h.c.SetBetaStatus(ctx, &user.UserBetaStatus{User: p.ID})
	h.done(t, "SetBetaStatus signed out", err, ex("userBetaStatus", 511))
	_, err = h.c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
	h.done(t, "HasFeatureAccess signed out", err, ex("userHasFeatureAccess", 401))
	if !errors.Is(err, user.ErrUnauthorized) {
		t.Errorf("HasFeatureAccess signed out: %v, want ErrUnauthorized", err)
	}

	h.checkLog(t)
}

// conformFailures has the fake fail each documented failure that it does
// not give on its own, and checks that the client reports it.
func conformFailures(t *testing.T, cov *coverage) {
	h := newHarness(t, cov)
	id := usertest.DefaultProfile().ID
	for _, tc := range []struct {
		op     string
		status int
		call   func(context.Context) error
	}{
		{"refreshUser", 500, func(ctx context.Context) error { _, err := h.c.Refresh(ctx); return err }},
		{"userAccessToken", 500, func(ctx context.Context) error { _, err := h.c.AccessToken(ctx); return err }},
		{"userAssociateEntity", 500, func(ctx context.Context) error { return h.c.AssociateEntity(ctx, id, "org-1") }},
		{"userDisassociateEntity", 500, func(ctx context.Context) error { return h.c.DisassociateEntity(ctx, id, "org-1") }},
		{"userBetaStatus", 500, func(ctx context.Context) error { _, err := h.c.SetBetaStatus(ctx, nil); return err }},
		{"userCheckout", 500, func(ctx context.Context) error { _, err := h.c.Checkout(ctx, nil); return err }},
		{"userHasFeatureAccess", 404, func(ctx context.Context) error {
			_, err := h.c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
			return err
		}},
		{"userHasFeatureAccess", 500, func(ctx context.Context) error {
			_, err := h.c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
			return err
		}},
		{"userManageSubscriptions", 500, func(ctx context.Context) error { _, err := h.c.ManageSubscriptions(ctx, nil); return err }},
		{"userPaddleRefresh", 500, func(ctx context.Context) error { _, err := h.c.PaddleRefresh(ctx); return err }},
		{"userProviders", 500, func(ctx context.Context) error { _, err := h.c.Providers(ctx); return err }},
		{"signIntoOs", 500, func(ctx context.Context) error { _, err := h.c.SignIn(ctx); return err }},
	} {
		if err := h.srv.FailNext(tc.op, 1, tc.status, "boom"); err != nil {
			t.Fatal(err)
		}
		call := fmt.Sprintf("%s failing with %d", tc.op, tc.status)
		err := tc.call(t.Context())
		h.done(t, call, err, ex(tc.op, tc.status))
		if e, ok := errors.AsType[*user.Error](err); ok && e.Body != "boom" {
			t.Errorf("%s: error body %q, want %q", call, e.Body, "boom")
		}
	}
	h.checkLog(t)
}

// conformMiddleware has the fake answer 401 and 593 on every HTTP
// operation, as the authentication layer of Pieces OS may, and checks that
// the client reports them with ErrUnauthorized and ErrUpdateRequired.
func conformMiddleware(t *testing.T, cov *coverage) {
	h := newHarness(t, cov)
	id := usertest.DefaultProfile().ID
	p := user.Profile{UserProfile: usertest.DefaultProfile()}
	calls := []struct {
		op   string
		pre  []want // exchanges that precede the failing one
		call func(context.Context) error
	}{
		{"clearUser", nil, func(ctx context.Context) error { return h.c.Clear(ctx) }},
		{"signIntoOs", nil, func(ctx context.Context) error { _, err := h.c.SignIn(ctx); return err }},
		{"signOutOfOs", nil, func(ctx context.Context) error { _, err := h.c.SignOut(ctx); return err }},
		{"refreshUser", nil, func(ctx context.Context) error { _, err := h.c.Refresh(ctx); return err }},
		{"selectUser", nil, func(ctx context.Context) error { _, err := h.c.Select(ctx, nil); return err }},
		{"updateUser", nil, func(ctx context.Context) error { _, err := h.c.Update(ctx, &p); return err }},
		{"userAccessToken", nil, func(ctx context.Context) error { _, err := h.c.AccessToken(ctx); return err }},
		{"userAssociateEntity", nil, func(ctx context.Context) error { return h.c.AssociateEntity(ctx, id, "org-1") }},
		{"userBetaStatus", nil, func(ctx context.Context) error { _, err := h.c.SetBetaStatus(ctx, nil); return err }},
		{"userCheckout", nil, func(ctx context.Context) error { _, err := h.c.Checkout(ctx, nil); return err }},
		{"userDisassociateEntity", nil, func(ctx context.Context) error { return h.c.DisassociateEntity(ctx, id, "org-1") }},
		{"userHasFeatureAccess", nil, func(ctx context.Context) error {
			_, err := h.c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
			return err
		}},
		{"userManageSubscriptions", nil, func(ctx context.Context) error { _, err := h.c.ManageSubscriptions(ctx, nil); return err }},
		{"userPaddleRefresh", nil, func(ctx context.Context) error { _, err := h.c.PaddleRefresh(ctx); return err }},
		{"userProviders", nil, func(ctx context.Context) error { _, err := h.c.Providers(ctx); return err }},
		{"userSnapshot", nil, func(ctx context.Context) error { _, err := h.c.Snapshot(ctx); return err }},
		{"userUpdateVanity", []want{ex("userSnapshot", 200)}, func(ctx context.Context) error {
			_, err := h.c.UpdateVanity(ctx, "middleware")
			return err
		}},
	}
	for _, tc := range calls {
		for _, st := range []struct {
			status int
			target error
		}{
			{http.StatusUnauthorized, user.ErrUnauthorized},
			{593, user.ErrUpdateRequired},
		} {
			if err := h.srv.FailNext(tc.op, 1, st.status, "refused by the middleware"); err != nil {
				t.Fatal(err)
			}
			call := fmt.Sprintf("%s answering %d", tc.op, st.status)
			err := tc.call(t.Context())
			h.done(t, call, err, append(slices.Clone(tc.pre), ex(tc.op, st.status))...)
			if !errors.Is(err, st.target) {
				t.Errorf("%s: %v, want an error matching %v", call, err, st.target)
			}
		}
	}
	h.checkLog(t)
}

// conformStreams follows both WebSocket routes with the client and with a
// raw connection, validates the handshakes and every message read, and
// checks the signed-out message.
func conformStreams(t *testing.T, cov *coverage) {
	h := newHarness(t, cov)
	ctx := t.Context()
	profileSchema := messageSchema(t, h.v.doc, "/user/stream")
	checkInSchema := messageSchema(t, h.v.doc, "/user/last_checked_in/stream")

	ps, err := h.c.WatchProfile(ctx, nil)
	if err != nil {
		t.Fatalf("WatchProfile: %v", err)
	}
	defer ps.Close()
	ev := nextEvent(t, ps, user.EventProfile)
	if ev.Profile == nil || ev.Profile.ID != usertest.DefaultProfile().ID {
		t.Errorf("WatchProfile: first event %+v, want the default profile", ev)
	}
	shaken := h.expect(t, "WatchProfile", ex("streamUser", http.StatusSwitchingProtocols))

	rawProfile := h.dialRaw(t, "/user/stream", ex("streamUser", http.StatusSwitchingProtocols))
	msg := readMessage(t, rawProfile, "streamUser")
	if err := checkMessage(profileSchema, "streamUser", msg); err != nil {
		t.Error(err)
	} else if shaken {
		markStream(t, cov, "streamUser")
	}

	cs, err := h.c.WatchCheckIns(ctx, nil)
	if err != nil {
		t.Fatalf("WatchCheckIns: %v", err)
	}
	defer cs.Close()
	ev = nextEvent(t, cs, user.EventCheckIn)
	if ev.CheckIn == nil || ev.CheckIn.UserID != usertest.DefaultProfile().ID {
		t.Errorf("WatchCheckIns: first event %+v, want a check-in of the default user", ev)
	}
	shaken = h.expect(t, "WatchCheckIns", ex("streamUserLastCheckedIn", http.StatusSwitchingProtocols))

	rawCheckIn := h.dialRaw(t, "/user/last_checked_in/stream", ex("streamUserLastCheckedIn", http.StatusSwitchingProtocols))
	msg = readMessage(t, rawCheckIn, "streamUserLastCheckedIn")
	if err := checkMessage(checkInSchema, "streamUserLastCheckedIn", msg); err != nil {
		t.Error(err)
	} else if shaken {
		markStream(t, cov, "streamUserLastCheckedIn")
	}

	// Signing out sends the signed-out message, which is not a JSON
	// object, to both followers of /user/stream.
	err = h.c.Clear(ctx)
	h.done(t, "Clear", err, ex("clearUser", 204))
	nextEvent(t, ps, user.EventSignedOut)
	msg = readMessage(t, rawProfile, "streamUser")
	var obj map[string]any
	if err := json.Unmarshal(msg, &obj); err == nil && obj != nil {
		t.Errorf("streamUser: the signed-out message is a JSON object: %.80q", msg)
	}
	if checkMessage(profileSchema, "streamUser", msg) == nil {
		t.Errorf("streamUser: the signed-out message %.80q validates as a profile", msg)
	}

	for _, conn := range []*websocket.Conn{rawProfile, rawCheckIn} {
		if err := conn.Close(websocket.StatusNormalClosure, ""); err != nil {
			t.Errorf("closing a raw connection: %v", err)
		}
	}
	_ = ps.Close()
	_ = cs.Close()
	h.checkLog(t)
}

// markStream marks the 200 of a WebSocket operation: its handshake and a
// message validated.
func markStream(t *testing.T, cov *coverage, op string) {
	t.Helper()
	if err := cov.mark(op, http.StatusOK); err != nil {
		t.Error(err)
	}
}

// dialRaw opens a WebSocket to route on the fake without the client, with
// the application id, and validates the handshake.
func (h *harness) dialRaw(t *testing.T, route string, w want) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), eventWait)
	defer cancel()
	u := "ws" + strings.TrimPrefix(h.srv.URL, "http") + route
	conn, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{
		HTTPClient: h.rawHC,
		HTTPHeader: http.Header{"X-Application-Id": {confAppID}, "User-Agent": {rawUserAgent}},
	})
	if err != nil {
		t.Fatalf("dial %s: %v", route, err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	conn.SetReadLimit(16 << 20)
	h.expectOn(t, h.raw, "raw dial of "+route, w)
	return conn
}

// readMessage reads the next message of conn, which must be text.
func readMessage(t *testing.T, conn *websocket.Conn, op string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), eventWait)
	defer cancel()
	typ, data, err := conn.Read(ctx)
	if err != nil {
		t.Fatalf("%s: reading a message: %v", op, err)
	}
	if typ != websocket.MessageText {
		t.Errorf("%s: a %v message, want text", op, typ)
	}
	return data
}

// messageSchema returns the schema of the messages of the WebSocket route
// at path: that of its 200 answer.
func messageSchema(t *testing.T, doc *openapi3.T, path string) *openapi3.Schema {
	t.Helper()
	item := doc.Paths.Find(path)
	if item == nil || item.Get == nil {
		t.Fatalf("the spec has no GET %s", path)
	}
	r := item.Get.Responses.Status(http.StatusOK)
	if r == nil || r.Value == nil {
		t.Fatalf("GET %s documents no 200", path)
	}
	mt := r.Value.Content["application/json"]
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		t.Fatalf("GET %s: the 200 has no application/json schema", path)
	}
	return mt.Schema.Value
}

// checkMessage validates one message of the WebSocket operation op.
func checkMessage(schema *openapi3.Schema, op string, msg []byte) error {
	var v any
	if err := json.Unmarshal(msg, &v); err != nil {
		return fmt.Errorf("operation %s, message %.80q: not JSON: %w", op, msg, err)
	}
	if err := schema.VisitJSON(v, append(schemaOptions(), openapi3.VisitAsResponse())...); err != nil {
		return fmt.Errorf("operation %s, status 200 (a message): breaks the spec: %w", op, err)
	}
	return nil
}

// nextEvent reads events of s until one of kind arrives. A disconnection
// or a malformed message on the way fails the test.
func nextEvent(t *testing.T, s *user.Stream, kind user.EventKind) user.Event {
	t.Helper()
	timer := time.NewTimer(eventWait)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatalf("the stream ended while waiting for a %v event", kind)
			}
			switch ev.Kind {
			case kind:
				return ev
			case user.EventDisconnected, user.EventMalformed:
				t.Fatalf("waiting for a %v event, got %v: %v", kind, ev.Kind, ev.Err)
			}
		case <-timer.C:
			t.Fatalf("no %v event within %v", kind, eventWait)
		}
	}
}
