package user_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// Credentials used by the tests of the HTTP operations. They are long and
// distinctive so that a leak into an error text cannot go unnoticed.
const (
	apiAppID     = "app-id-7c1f3e9a-test"
	apiToken     = "token-b84d02e6-secret"
	apiUserAgent = "user-test/1.0"
)

// apiReq is what the fake server saw of one request: only the parts the
// tests assert.
type apiReq struct {
	Method string
	URI    string              // request target as sent, still escaped
	Header map[string][]string // the headers in apiHeaders, absent ones left out
	Body   any                 // the decoded JSON body; nil when empty
	Raw    string              // the body when it is not JSON
}

// apiHeaders are the request headers the tests check.
var apiHeaders = []string{"Accept", "Authorization", "Content-Type", "User-Agent", "X-Application-ID"}

// apiReply is a canned answer.
type apiReply struct {
	status int
	ctype  string
	body   string
}

// apiFake records requests and answers each with the reply registered for
// its decoded path, or with the fallback.
type apiFake struct {
	t        testing.TB
	mu       sync.Mutex
	reqs     []apiReq
	byPath   map[string]apiReply
	fallback apiReply
}

func (f *apiFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("reading the request body: %v", err)
	}
	rec := apiReq{Method: r.Method, URI: r.RequestURI, Header: map[string][]string{}}
	for _, h := range apiHeaders {
		if v := r.Header.Values(h); v != nil {
			rec.Header[h] = v
		}
	}
	if len(b) > 0 {
		if json.Unmarshal(b, &rec.Body) != nil {
			rec.Raw = string(b)
		}
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, rec)
	reply, ok := f.byPath[r.URL.Path]
	if !ok {
		reply = f.fallback
	}
	f.mu.Unlock()
	if reply.ctype != "" {
		w.Header().Set("Content-Type", reply.ctype)
	} else {
		w.Header()["Content-Type"] = nil // no sniffed type either
	}
	w.WriteHeader(reply.status)
	io.WriteString(w, reply.body)
}

// requests returns the requests received so far.
func (f *apiFake) requests() []apiReq {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiReq(nil), f.reqs...)
}

// apiStart starts a server that answers every request with reply and
// returns a client for it with the test credentials and no retries.
func apiStart(t testing.TB, reply apiReply, opts ...user.Option) (*user.Client, *apiFake) {
	t.Helper()
	f := &apiFake{t: t, byPath: map[string]apiReply{}, fallback: reply}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return apiClient(t, srv, opts...), f
}

// apiClient returns a client for srv with the test credentials, the test
// User-Agent and no retries; opts come last and may override them.
func apiClient(t testing.TB, srv *httptest.Server, opts ...user.Option) *user.Client {
	t.Helper()
	base := []user.Option{
		user.WithBaseURL(srv.URL),
		user.WithHTTPClient(srv.Client()),
		user.WithApplicationID(apiAppID),
		user.WithAccessToken(apiToken),
		user.WithUserAgent(apiUserAgent),
		user.WithRetry(1, user.Backoff{Min: time.Millisecond, Max: time.Millisecond}),
	}
	c, err := user.New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// apiJSON encodes v for a canned answer.
func apiJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding %T: %v", v, err)
	}
	return string(b)
}

// apiDecoded returns v as the fake records a JSON body: encoded, then
// decoded into generic values.
func apiDecoded(t testing.TB, v any) any {
	t.Helper()
	var out any
	if err := json.Unmarshal([]byte(apiJSON(t, v)), &out); err != nil {
		t.Fatalf("decoding %T: %v", v, err)
	}
	return out
}

func apiOK(t testing.TB, v any) apiReply {
	return apiReply{status: http.StatusOK, ctype: "application/json", body: apiJSON(t, v)}
}

func apiTime(s string) time.Time {
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return tm
}

func apiPtr[T any](v T) *T { return &v }

// apiProfile returns a profile with most members set, nested ones included.
func apiProfile() user.UserProfile {
	ts := func(s string) user.GroupedTimestamp {
		return user.GroupedTimestamp{Value: apiTime(s), Readable: "a while ago"}
	}
	schema := user.EmbeddedModelSchema{Migration: 0, Semantic: user.EmbeddedModelSchemaSemanticVersionEnumMAJOR0MINOR0PATCH1}
	return user.UserProfile{
		ID:       "5d7b5f36-3a5e-4f6e-9a43-2b1c5b8f0a11",
		Schema:   schema,
		Name:     "Ada Lovelace",
		Email:    "ada@example.com",
		Username: "ada",
		Picture:  "https://example.com/ada.png",
		Aesthetics: user.Aesthetics{
			Font:  user.Font{Size: 12},
			Theme: user.Theme{Dark: true},
		},
		Vanityname: "ada",
		APIKeys:    []string{"k1", "k2"},
		Created:    ts("2024-01-02T03:04:05Z"),
		Updated:    ts("2024-06-07T08:09:10Z"),
		Allocation: user.AllocationCloud{
			ID:      "alloc-1",
			Project: "proj",
			Region:  "europe-west1",
			User:    "5d7b5f36-3a5e-4f6e-9a43-2b1c5b8f0a11",
			Status:  user.AllocationCloudStatus{Cloud: user.AllocationStatusEnumRUNNING},
			URLs: user.AllocationCloudURLs{
				Base:   user.AllocationCloudURL{URL: "https://base.example.com", Status: user.AllocationStatusEnumSUCCEEDED},
				ID:     user.AllocationCloudURL{URL: "https://id.example.com", Status: user.AllocationStatusEnumSUCCEEDED},
				Vanity: user.AllocationCloudURL{URL: "https://ada.example.com", Status: user.AllocationStatusEnumPENDING},
			},
			Updated: ts("2024-06-07T08:09:10Z"),
		},
		Auth0: user.Auth0UserMetadata{
			GlobalID: "global-1",
			Beta:     user.AnonymousTemporalRange{Continuous: apiPtr(true), From: ts("2024-01-01T00:00:00Z")},
		},
		Providers: user.ExternalProviders{
			Iterable: []user.ExternalProvider{{
				Type:        user.ExternalProviderTypeEnumGithub,
				UserID:      "gh-1",
				Created:     ts("2023-01-01T00:00:00Z"),
				Updated:     ts("2023-02-01T00:00:00Z"),
				IsSocial:    apiPtr(true),
				ExpiresIn:   apiPtr(3600),
				ProfileData: user.ExternalProviderProfileData{Name: "Ada", Followers: apiPtr(7)},
			}},
		},
		Entities: user.FlattenedEntities{
			Iterable: []user.ReferencedEntity{{ID: "entity-1"}},
			Indices:  map[string]int{"entity-1": 0},
		},
	}
}
