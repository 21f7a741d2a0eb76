package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// These tests run the built program against fakes started in the test
// process, one command at a time, and compare what it prints with what
// the fake holds.

// decodeOut decodes the --json output of a run into a value of type T.
func decodeOut[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	if err := decode([]byte(r.stdout), &v, true); err != nil {
		t.Fatalf("the output is not one JSON %T: %v\n%s", v, err, r)
	}
	return v
}

// storedProfile returns the profile the fake holds, failing when nobody is
// signed in.
func storedProfile(t *testing.T, srv *usertest.Server) gen.UserProfile {
	t.Helper()
	p, ok := srv.Profile()
	if !ok {
		t.Fatal("the fake has nobody signed in")
	}
	return p
}

// requestsOf returns the requests srv received for an operation.
func requestsOf(srv *usertest.Server, op string) []usertest.Request {
	var out []usertest.Request
	for _, r := range srv.Requests() {
		if r.OperationID == op {
			out = append(out, r)
		}
	}
	return out
}

// lastRequest returns the last request srv received for op.
func lastRequest(t *testing.T, srv *usertest.Server, op string) usertest.Request {
	t.Helper()
	rs := requestsOf(srv, op)
	if len(rs) == 0 {
		t.Fatalf("the fake received no %s request", op)
	}
	return rs[len(rs)-1]
}

func TestSnapshot(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	want := storedProfile(t, srv)

	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "snapshot")
	if diff := cmp.Diff(want, decodeOut[user.UserProfile](t, r)); diff != "" {
		t.Errorf("snapshot --json differs from the fake's profile (-want +got):\n%s", diff)
	}

	r = mustRun(t, 0, "", nil, "--host", srv.URL, "snapshot")
	for _, s := range []string{want.Name, want.Email, want.Username, want.Vanityname, want.Allocation.URLs.Base.URL, want.Allocation.URLs.Vanity.URL, "entities:"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("snapshot summary lacks %q:\n%s", s, r.stdout)
		}
	}
	if r.stderr != "" {
		t.Errorf("snapshot wrote to standard error: %q", r.stderr)
	}
}

// TestJSONIsWhatPiecesOSSent checks that --json prints the answer as
// received, members from a newer Pieces OS included, and for snapshot the
// user member of the answer.
func TestJSONIsWhatPiecesOSSent(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	p := usertest.DefaultProfile()
	members := map[string]any{}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &members); err != nil {
		t.Fatal(err)
	}
	members["newerMember"] = map[string]any{"answer": 42.0}
	body, err := json.Marshal(map[string]any{"user": members})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.RespondNext("userSnapshot", 1, 200, "application/json", string(body)); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "snapshot")
	var got map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("snapshot --json is not JSON: %v\n%s", err, r.stdout)
	}
	if diff := cmp.Diff(members, got); diff != "" {
		t.Errorf("snapshot --json differs from the user member sent (-want +got):\n%s", diff)
	}

	// Another answer is printed as sent too, whatever its size.
	checkout := `{"user":{"id":"u1"},"newerMember":"` + strings.Repeat("x", 100<<10) + `"}` + "\n"
	if err := srv.RespondNext("userCheckout", 1, 200, "application/json", checkout); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "checkout")
	if diff := cmp.Diff(jsonOf(t, []byte(checkout)), jsonOf(t, []byte(r.stdout))); diff != "" {
		t.Errorf("checkout --json differs from the answer sent (-want +got):\n%s", diff)
	}
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "refresh")
	if diff := cmp.Diff(storedProfile(t, srv), decodeOut[user.UserProfile](t, r)); diff != "" {
		t.Errorf("refresh --json (-want +got):\n%s", diff)
	}
	if n := len(requestsOf(srv, "refreshUser")); n != 1 {
		t.Errorf("refreshUser requests = %d, want 1", n)
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SignOut()
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--token", "tok-123", "--json",
		"select", "--email", "grace@example.com", "--name", "Grace Hopper", "--user-id", "github|42")
	got := decodeOut[user.UserProfile](t, r)
	if got.Email != "grace@example.com" || got.Name != "Grace Hopper" {
		t.Errorf("select answered %q <%q>, want Grace Hopper <grace@example.com>", got.Name, got.Email)
	}
	if diff := cmp.Diff(storedProfile(t, srv), got); diff != "" {
		t.Errorf("select --json differs from the fake's profile (-want +got):\n%s", diff)
	}

	req := lastRequest(t, srv, "selectUser")
	if h := req.Header.Get("Authorization"); h != "Bearer tok-123" {
		t.Errorf("Authorization = %q, want the --token as a bearer token", h)
	}
	var sent user.Auth0User
	if err := json.Unmarshal(req.Body, &sent); err != nil {
		t.Fatalf("select body: %v: %s", err, req.Body)
	}
	if sent.UserID != "github|42" || sent.Email != "grace@example.com" || sent.Name != "Grace Hopper" {
		t.Errorf("select sent %s", req.Body)
	}

	// Without flags, select sends no body: the fake signs the last user in
	// again. The token comes from $PIECES_ACCESS_TOKEN.
	mustRun(t, 0, "", nil, "--host", srv.URL, "clear")
	mustRun(t, 0, "", []string{envToken + "=from-env"}, "--host", srv.URL, "select")
	req = lastRequest(t, srv, "selectUser")
	if len(req.Body) != 0 {
		t.Errorf("select without flags sent a body: %s", req.Body)
	}
	if h := req.Header.Get("Authorization"); h != "Bearer from-env" {
		t.Errorf("Authorization = %q, want the token of $%s", h, envToken)
	}
	if p := storedProfile(t, srv); p.Email != "grace@example.com" {
		t.Errorf("after select without a body the fake holds %q, want the last user", p.Email)
	}
}

func TestUpdateChangesOnlyTheFlagsGiven(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	before := storedProfile(t, srv)

	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "update", "--name", "Grace Hopper")
	got := decodeOut[user.UserProfile](t, r)
	want := before
	want.Name = "Grace Hopper"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("update --name changed more than the name (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, storedProfile(t, srv)); diff != "" {
		t.Errorf("the fake holds (-want +got):\n%s", diff)
	}

	r = mustRun(t, 0, "", nil, "--host", srv.URL, "update", "--email", "grace@example.com")
	if !strings.Contains(r.stdout, "grace@example.com") || !strings.Contains(r.stdout, "Grace Hopper") {
		t.Errorf("update --email summary:\n%s", r.stdout)
	}
	if p := storedProfile(t, srv); p.Email != "grace@example.com" || p.Name != "Grace Hopper" {
		t.Errorf("the fake holds %q <%q>", p.Name, p.Email)
	}
	// Each update read the stored profile first.
	if n := len(requestsOf(srv, "userSnapshot")); n != 2 {
		t.Errorf("userSnapshot requests = %d, want 2 (one per update)", n)
	}
}

func TestUpdateFromFile(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	doc := storedProfile(t, srv)
	doc.Name = "From Stdin"
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}

	// --file - reads standard input; a flag then changes the document.
	r := mustRun(t, 0, string(data), nil, "--host", srv.URL, "--json", "update", "--file", "-", "--email", "stdin@example.com")
	want := doc
	want.Email = "stdin@example.com"
	if diff := cmp.Diff(want, decodeOut[user.UserProfile](t, r)); diff != "" {
		t.Errorf("update --file - (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, storedProfile(t, srv)); diff != "" {
		t.Errorf("the fake holds (-want +got):\n%s", diff)
	}
	if n := len(requestsOf(srv, "userSnapshot")); n != 0 {
		t.Errorf("update --file read the profile first (%d userSnapshot requests)", n)
	}

	// --file F reads a file.
	doc.Name = "From File"
	data, err = json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, 0, "", nil, "--host", srv.URL, "update", "--file", path)
	if p := storedProfile(t, srv); p.Name != "From File" {
		t.Errorf("after update --file the fake holds name %q", p.Name)
	}
}

func TestVanity(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "vanity", "grace")
	got := decodeOut[user.UserProfile](t, r)
	if got.Vanityname != "grace" {
		t.Errorf("vanity answered vanityname %q, want grace", got.Vanityname)
	}
	if diff := cmp.Diff(storedProfile(t, srv), got); diff != "" {
		t.Errorf("vanity --json (-want +got):\n%s", diff)
	}
}

func TestToken(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "token")
	if got := decodeOut[string](t, r); got != srv.AccessToken() {
		t.Errorf("token --json = %q, want %q", got, srv.AccessToken())
	}
	r = mustRun(t, 0, "", nil, "--host", srv.URL, "token")
	if r.stdout != srv.AccessToken()+"\n" {
		t.Errorf("token printed %q, want the token and a newline", r.stdout)
	}
}

func TestAssociateAndDisassociate(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	id := storedProfile(t, srv).ID
	member := func() bool {
		return slices.ContainsFunc(storedProfile(t, srv).Entities.Iterable, func(e gen.ReferencedEntity) bool { return e.ID == "team-7" })
	}

	r := mustRun(t, 0, "", nil, "--host", srv.URL, "associate", id, "team-7")
	if !strings.Contains(r.stdout, "now a member of entity team-7") {
		t.Errorf("associate printed %q", r.stdout)
	}
	if !member() {
		t.Error("after associate the fake's profile lacks entity team-7")
	}

	// A command without a result prints nothing with --json.
	r = mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "disassociate", id, "team-7")
	if r.stdout != "" {
		t.Errorf("disassociate --json printed %q, want nothing", r.stdout)
	}
	if member() {
		t.Error("after disassociate the fake's profile still has entity team-7")
	}

	r = mustRun(t, 1, "", nil, "--host", srv.URL, "disassociate", id, "team-7")
	if !strings.Contains(r.stderr, "(500)") {
		t.Errorf("disassociating twice: stderr %q, want the 500 answer", r.stderr)
	}
}

func TestBeta(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	id := storedProfile(t, srv).ID

	// Without --user, beta finds the signed-in user.
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "beta", "--vision-from", "now")
	got := decodeOut[user.UserBetaStatus](t, r)
	if got.User != id {
		t.Errorf("beta answered user %q, want %q", got.User, id)
	}
	stored := storedProfile(t, srv).Auth0.Beta
	if stored.Continuous == nil || !*stored.Continuous || stored.From.Value.IsZero() {
		t.Errorf("--vision-from now stored %+v, want a continuous range from now", stored)
	}
	if diff := cmp.Diff(stored, got.Auth0.Vision); diff != "" {
		t.Errorf("beta answer and stored range differ (-stored +answer):\n%s", diff)
	}

	r = mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "beta", "--user", id, "--descope",
		"--vision-from", "2025-01-01T00:00:00Z", "--vision-to", "2025-06-30T00:00:00Z")
	got = decodeOut[user.UserBetaStatus](t, r)
	v := got.Descope.Vision
	if v.Between == nil || !*v.Between || v.From.Value.Year() != 2025 || v.To.Value.Month() != 6 {
		t.Errorf("descope range = %+v, want 2025-01-01 to 2025-06-30", v)
	}
	if req := lastRequest(t, srv, "userBetaStatus"); !strings.Contains(string(req.Body), `"descope"`) {
		t.Errorf("beta --descope sent %s", req.Body)
	}

	r = mustRun(t, 1, "", nil, "--host", srv.URL, "beta", "--user", "someone-else")
	if !strings.Contains(r.stderr, "someone-else") {
		t.Errorf("beta for another user: stderr %q", r.stderr)
	}
}

func TestCheckoutAndSubscriptions(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	id := storedProfile(t, srv).ID

	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "checkout")
	if got := decodeOut[user.UserCheckoutOutput](t, r); got.User.ID != id {
		t.Errorf("checkout answered user %q, want %q", got.User.ID, id)
	}
	if req := lastRequest(t, srv, "userCheckout"); len(req.Body) != 0 {
		t.Errorf("checkout without --file sent %s", req.Body)
	}

	r = mustRun(t, 0, `{"schema":{"migration":0,"semantic":"MAJOR_0_MINOR_0_PATCH_1"}}`, nil, "--host", srv.URL, "--json", "subscriptions", "--file", "-")
	if got := decodeOut[user.UserManageSubscriptionsOutput](t, r); got.User.ID != id {
		t.Errorf("subscriptions answered user %q, want %q", got.User.ID, id)
	}
	if req := lastRequest(t, srv, "userManageSubscriptions"); !strings.Contains(string(req.Body), "MAJOR_0_MINOR_0_PATCH_1") {
		t.Errorf("subscriptions --file - sent %s", req.Body)
	}

	r = mustRun(t, 0, "", nil, "--host", srv.URL, "subscriptions")
	if !strings.Contains(r.stdout, id) {
		t.Errorf("subscriptions summary %q lacks the user id", r.stdout)
	}
}

func TestFeature(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	want := gen.HasFeatureAccessOutput{CanUse: false, Enabled: true, IsEnterpriseUser: true, Reason: "the plan does not include it"}
	if err := srv.SetFeatureAccess(gen.HasFeatureAccessEnumSHARESNIPPET, want); err != nil {
		t.Fatal(err)
	}

	// Any case, and '-' for '_'.
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "feature", "share-Snippet")
	if diff := cmp.Diff(want, decodeOut[user.HasFeatureAccessOutput](t, r)); diff != "" {
		t.Errorf("feature --json (-want +got):\n%s", diff)
	}
	r = mustRun(t, 0, "", nil, "--host", srv.URL, "feature", "SHARE_SNIPPET")
	for _, s := range []string{"can use:", "no", "enterprise user:", "yes", want.Reason} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("feature summary lacks %q:\n%s", s, r.stdout)
		}
	}

	tests := []struct {
		args []string
		want string // a fragment of the body sent
	}{
		{[]string{"allowed_cloud_models", "--model", "gpt-4o"}, `"allowedCloudModels":{"modelUniqueName":"gpt-4o"}`},
		{[]string{"--source", "Slack", "--bundle-id", "com.slack", "denied_workstream_pattern_engine_sources"}, `"deniedWorkstreamPatternEngineSource":{"application":"Slack","bundleIdentifier":"com.slack"}`},
		{[]string{"denied_workstream_pattern_engine_websites", "--website", "https://example.com"}, `"deniedWorkstreamPatternEngineWebsite":{"website":"https://example.com"}`},
		{[]string{"external_provider_processing", "--processing", "cloud"}, `"processing":{"processing":"CLOUD"}`},
	}
	for _, tt := range tests {
		mustRun(t, 0, "", nil, append([]string{"--host", srv.URL, "feature"}, tt.args...)...)
		if body := string(lastRequest(t, srv, "userHasFeatureAccess").Body); !strings.Contains(body, tt.want) {
			t.Errorf("feature %v sent %s, want it to hold %s", tt.args, body, tt.want)
		}
	}

	// A context from a file.
	mustRun(t, 0, `{"allowedCloudModels":{"modelUniqueName":"claude-sonnet"}}`, nil, "--host", srv.URL, "feature", "ALLOWED_CLOUD_MODELS", "--file", "-")
	if body := string(lastRequest(t, srv, "userHasFeatureAccess").Body); !strings.Contains(body, "claude-sonnet") {
		t.Errorf("feature --file - sent %s", body)
	}

	// A feature that needs a context, sent without one: the fake's 422.
	r = mustRun(t, 1, "", nil, "--host", srv.URL, "feature", "ALLOWED_CLOUD_MODELS")
	if !strings.Contains(r.stderr, "(422)") || !strings.Contains(r.stderr, "allowedCloudModels") {
		t.Errorf("feature without its context: stderr %q", r.stderr)
	}
}

func TestPaddleRefresh(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "paddle-refresh")
	got := decodeOut[user.RefreshedPaddleUser](t, r)
	if diff := cmp.Diff(storedProfile(t, srv), got.User); diff != "" {
		t.Errorf("paddle-refresh --json user (-want +got):\n%s", diff)
	}
}

func TestProvidersAnswers501(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	r := mustRun(t, 1, "", nil, "--host", srv.URL, "--json", "providers")
	if !strings.Contains(r.stderr, "not implemented by a local Pieces OS (501)") {
		t.Errorf("providers: stderr %q, want the meaning of 501", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("a failed command printed %q on standard output", r.stdout)
	}
}

func TestClear(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "clear")
	if strings.TrimSpace(r.stdout) != "signed out" {
		t.Errorf("clear printed %q", r.stdout)
	}
	if _, ok := srv.Profile(); ok {
		t.Error("after clear the fake still has a user signed in")
	}
	r = mustRun(t, 1, "", nil, "--host", srv.URL, "snapshot")
	if !strings.Contains(r.stderr, "not signed in; sign in with 'pieces-user sign-in'") {
		t.Errorf("snapshot when signed out: stderr %q", r.stderr)
	}
}

func TestApplicationIDAndHostFromEnvironment(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)

	// A bare host:port is an http address.
	mustRun(t, 0, "", nil, "--host", strings.TrimPrefix(srv.URL, "http://"), "--app-id", "from-flag", "snapshot")
	h := lastRequest(t, srv, "userSnapshot").Header
	if h.Get("X-Application-ID") != "from-flag" || h.Get("Application") != "from-flag" {
		t.Errorf("X-Application-ID = %q and application = %q, want from-flag for both", h.Get("X-Application-ID"), h.Get("Application"))
	}
	if ua := h.Get("User-Agent"); ua != userAgent {
		t.Errorf("User-Agent = %q, want %q", ua, userAgent)
	}

	// No --host: $PIECES_OS_URL names the fake, so discovery is not tried.
	env := []string{"PIECES_OS_URL=" + srv.URL, envAppID + "=from-env"}
	mustRun(t, 0, "", env, "snapshot")
	if h := lastRequest(t, srv, "userSnapshot").Header.Get("X-Application-ID"); h != "from-env" {
		t.Errorf("X-Application-ID = %q, want the value of $%s", h, envAppID)
	}
	for _, r := range srv.Requests() {
		if r.Method == "HEAD" {
			t.Errorf("discovery probed the fake although $PIECES_OS_URL was set: %s %s", r.Method, r.Path)
		}
	}
}
