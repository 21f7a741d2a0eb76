package usertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/gen"
)

// decodeGeneric decodes JSON the way checkBody does.
func decodeGeneric(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

// TestDefaultProfileIsComplete checks default_profile.json against the
// spec, and that it holds what the documentation of DefaultProfile says.
func TestDefaultProfileIsComplete(t *testing.T) {
	t.Parallel()
	if err := checkValue("", decodeGeneric(t, defaultProfileJSON), reflect.TypeFor[gen.UserProfile](), true); err != nil {
		t.Errorf("default_profile.json breaks the schema: %v", err)
	}
	p := DefaultProfile()
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2048 {
		t.Errorf("DefaultProfile is %d bytes of JSON, want a few KB", len(data))
	}
	if p.Name != "Ada Lovelace" || p.Email != "ada@example.com" || p.Vanityname != "ada" || p.Username != "ada" {
		t.Errorf("DefaultProfile is %q <%s> (%s, vanity %s), want Ada Lovelace <ada@example.com> (ada, vanity ada)", p.Name, p.Email, p.Username, p.Vanityname)
	}
	var back gen.UserProfile
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, back); diff != "" {
		t.Errorf("DefaultProfile does not survive a JSON round trip (-before +after):\n%s", diff)
	}

	checks := map[string]bool{
		"aesthetics font and theme": p.Aesthetics.Font.Size > 0 && p.Aesthetics.Theme.Schema.Semantic != "",
		"allocation status":         p.Allocation.Status.Cloud == gen.AllocationStatusEnumRUNNING,
		"allocation base URL":       p.Allocation.URLs.Base.URL != "",
		"allocation id URL":         p.Allocation.URLs.ID.URL != "",
		"allocation vanity URL":     strings.Contains(p.Allocation.URLs.Vanity.URL, p.Vanityname),
		"created and updated":       !p.Created.Value.IsZero() && p.Updated.Value.After(p.Created.Value),
		"identity":                  p.Email != "" && p.Name != "" && p.Username != "" && p.Vanityname != "" && p.Picture != "",
		"providers":                 len(p.Providers.Iterable) > 0,
		"subscription":              len(p.Subscriptions.Iterable) > 0 && p.Subscriptions.Iterable[0].Reference != nil,
	}
	var org *gen.FlattenedEntity
	for _, e := range p.Entities.Iterable {
		if e.Reference != nil && e.Reference.Type == gen.EntityTypeEnumORGANIZATION {
			org = e.Reference
		}
	}
	checks["an organization with its full record"] = org != nil && org.Name != "" && !org.Created.Value.IsZero() &&
		len(org.Users.Iterable) > 0 && org.Configuration.ExternalCloud.ShareSnippet.Enabled != ""
	for what, ok := range checks {
		if !ok {
			t.Errorf("DefaultProfile lacks %s", what)
		}
	}

	// Each call hands out a value of its own.
	q := DefaultProfile()
	q.Entities.Iterable[0].Reference.Name = "changed"
	q.Entities.Indices["x"] = 9
	if diff := cmp.Diff(p, DefaultProfile()); diff != "" {
		t.Errorf("changing one DefaultProfile changed the next:\n%s", diff)
	}
}

// TestOperationTable checks that the server's table names exactly the
// operationIds of the spec.
func TestOperationTable(t *testing.T) {
	t.Parallel()
	spec, err := os.ReadFile("../../api/openapi.yaml")
	if err != nil {
		t.Skipf("spec not readable: %v", err)
	}
	var inSpec []string
	for _, m := range regexp.MustCompile(`(?m)^\s+operationId:\s*(\w+)\s*$`).FindAllSubmatch(spec, -1) {
		inSpec = append(inSpec, string(m[1]))
	}
	slices.Sort(inSpec)
	got := slices.Sorted(slices.Values(OperationIDs()))
	if diff := cmp.Diff(inSpec, got); diff != "" {
		t.Errorf("operation ids (-spec +server):\n%s", diff)
	}
}

// TestAnswersFollowSchema calls every operation and checks each JSON
// answer against the schema of its documented response: required members
// present, types and enum values right.
func TestAnswersFollowSchema(t *testing.T) {
	t.Parallel()
	var panics panicLog
	s, err := NewServer(WithCheckInInterval(time.Millisecond), WithLog(&panics))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	id := DefaultProfile().ID
	profile, err := json.Marshal(DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		method, path, body string
		status             int
		want               reflect.Type // nil for a text/plain answer; for 204, nil as well
	}{
		{"GET", "/user", "", 200, reflect.TypeFor[gen.ReturnedUserProfile]()},
		{"GET", "/user/refresh", "", 200, reflect.TypeFor[gen.UserProfile]()},
		{"GET", "/user/paddle/refresh", "", 200, reflect.TypeFor[gen.RefreshedPaddleUser]()},
		{"POST", "/user/checkout", "{}", 200, reflect.TypeFor[gen.UserCheckoutOutput]()},
		{"POST", "/user/manage/subscriptions", "{}", 200, reflect.TypeFor[gen.UserManageSubscriptionsOutput]()},
		{"POST", "/user/beta/status", `{"user":"` + id + `"}`, 200, reflect.TypeFor[gen.UserBetaStatus]()},
		{"POST", "/user/has_feature_access", `{"feature":"SHARE_SNIPPET"}`, 200, reflect.TypeFor[gen.HasFeatureAccessOutput]()},
		{"POST", "/user/has_feature_access", `{}`, 400, reflect.TypeFor[gen.HasFeatureAccessBadRequestError]()},
		{"POST", "/user/has_feature_access", `{"feature":"EXTERNAL_PROVIDER_PROCESSING"}`, 422, reflect.TypeFor[gen.HasFeatureAccessUnprocessableEntityError]()},
		{"POST", "/user/update", string(profile), 200, reflect.TypeFor[gen.UserProfile]()},
		{"POST", "/user/update/vanity", strings.Replace(string(profile), `"vanityname":"ada"`, `"vanityname":"byron"`, 1), 200, reflect.TypeFor[gen.UserProfile]()},
		{"POST", "/user/" + id + "/entities/associate/team-1", "", 204, nil},
		{"POST", "/user/" + id + "/entities/disassociate/team-1", "", 204, nil},
		{"GET", "/user/access_token", "", 200, nil},
		{"GET", "/user/providers", "", 501, nil},
		{"POST", "/user/select", `{"user_id":"google-oauth2|7","email":"x@example.com","identities":[{"provider":"google-oauth2","user_id":"7"}]}`, 200, reflect.TypeFor[gen.UserProfile]()},
		{"POST", "/user/clear", "", 204, nil},
		{"GET", "/user", "", 200, reflect.TypeFor[gen.ReturnedUserProfile]()},
		{"POST", "/os/sign_in", "", 200, reflect.TypeFor[gen.UserProfile]()},
		{"POST", "/os/sign_in", "", 200, reflect.TypeFor[gen.UserProfile]()},
		{"POST", "/os/sign_out", "", 200, reflect.TypeFor[gen.Users]()},
		{"POST", "/os/sign_out", "", 200, reflect.TypeFor[gen.Users]()},
	} {
		req, err := http.NewRequestWithContext(ctx, tt.method, s.URL+tt.path, strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		if tt.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		ct := res.Header.Get("Content-Type")
		switch {
		case res.StatusCode != tt.status:
			t.Errorf("%s %s: got %d %s, want %d", tt.method, tt.path, res.StatusCode, body, tt.status)
		case tt.status == 204:
			if len(body) != 0 || ct != "" {
				t.Errorf("%s %s: 204 with Content-Type %q and body %q", tt.method, tt.path, ct, body)
			}
		case tt.want == nil:
			if !strings.HasPrefix(ct, "text/plain") || len(body) == 0 {
				t.Errorf("%s %s: got %q %q, want a text/plain body", tt.method, tt.path, ct, body)
			}
		default:
			if ct != "application/json" {
				t.Errorf("%s %s: Content-Type %q", tt.method, tt.path, ct)
			}
			if err := checkValue("", decodeGeneric(t, body), tt.want, true); err != nil {
				t.Errorf("%s %s: the answer breaks %s: %v\n%s", tt.method, tt.path, tt.want.Name(), err, body)
			}
		}
	}

	// The stream messages follow their schemas too.
	s.SignIn(DefaultProfile())
	for path, want := range map[string]reflect.Type{
		"/user/stream":                 reflect.TypeFor[gen.UserProfile](),
		"/user/last_checked_in/stream": reflect.TypeFor[gen.UserLastCheckedInStreamOutput](),
	} {
		ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+path, &websocket.DialOptions{HTTPClient: hc})
		if err != nil {
			t.Fatal(err)
		}
		_, data, err := ws.Read(ctx)
		_ = ws.CloseNow()
		if err != nil {
			t.Fatal(err)
		}
		if err := checkValue("", decodeGeneric(t, data), want, true); err != nil {
			t.Errorf("%s: the message breaks %s: %v", path, want.Name(), err)
		}
	}
	panics.check(t)
}

// panicLog is a WithLog writer that keeps the lines in which the HTTP
// server reports a panic of a handler.
type panicLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *panicLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if bytes.Contains(p, []byte("panic serving")) {
		l.lines = append(l.lines, string(p))
	}
	return len(p), nil
}

// check fails t if a handler panicked.
func (l *panicLog) check(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) > 0 {
		t.Errorf("a handler panicked: %s", l.lines)
	}
}

// FuzzServer sends arbitrary requests; whatever arrives, the server must
// answer with a status it means, and no handler may panic.
func FuzzServer(f *testing.F) {
	var panics panicLog
	s, err := NewServer(WithLog(&panics))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(s.Close)
	tr := &http.Transport{}
	f.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	id := DefaultProfile().ID

	f.Add("POST", "/user/update", "application/json", []byte(`{"id":"`+id+`","aesthetics":{"font":{"size":1},"theme":{"dark":true}}}`))
	f.Add("POST", "/user/update/vanity", "application/json", []byte(`{"id":"x","aesthetics":{"font":{"size":1},"theme":{"dark":false}},"vanityname":"z"}`))
	f.Add("POST", "/user/has_feature_access", "application/json", []byte(`{"feature":"ALLOWED_CLOUD_MODELS","context":{"processing":{"processing":"LOCAL"}}}`))
	f.Add("POST", "/user/select", "application/json", []byte(`{"user_id":"a","identities":[{"provider":"nope"}],"created_at":"2020-01-01T00:00:00Z"}`))
	f.Add("POST", "/user/beta/status", "application/json; charset=utf-8", []byte(`{"user":"`+id+`","auth0":{"vision":{"continuous":true}}}`))
	f.Add("POST", "/user/"+id+"/entities/associate/%2F%2E%2E", "", []byte(nil))
	f.Add("POST", "/user/checkout", "application/json", []byte("\x00\x01\xff"))
	f.Add("GET", "/user/../user", "", []byte(nil))
	f.Add("PATCH", "/user/stream", "application/json", []byte("{"))
	f.Add("GET", "/%zz", "", []byte(nil))
	f.Add("POST", "/user/clear", "", []byte(nil))
	f.Add("OPTIONS", "/", "", []byte(nil))

	f.Fuzz(func(t *testing.T, method, path, contentType string, body []byte) {
		u, err := url.Parse(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		u.Opaque = "//" + u.Host + "/" + strings.TrimPrefix(path, "/")
		req, err := http.NewRequest(method, s.URL, bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.URL = u
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := hc.Do(req.WithContext(ctx))
		panics.check(t)
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s %q: no answer: %v", method, path, err)
		}
		if err != nil {
			// The client refused to send it (an invalid method or
			// header); nothing reached the server.
			t.Skip()
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode < 100 || res.StatusCode > 599 {
			t.Errorf("status %d", res.StatusCode)
		}
	})
}

// TestCheckValueEnums checks that an enum value the spec does not list is
// accepted in what the server is sent, and refused where it checks itself.
func TestCheckValueEnums(t *testing.T) {
	t.Parallel()
	v := decodeGeneric(t, []byte(`{"cloud":"HIBERNATING"}`))
	typ := reflect.TypeFor[gen.AllocationCloudStatus]()
	if err := checkValue("", v, typ, false); err != nil {
		t.Errorf("an unknown enum value was refused: %v", err)
	}
	if err := checkValue("", v, typ, true); err == nil || !strings.Contains(err.Error(), `"HIBERNATING" is not one of the values`) {
		t.Errorf("strict check = %v, want the unknown value named", err)
	}
}
