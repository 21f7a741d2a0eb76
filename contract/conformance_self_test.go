package contract

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// TestConformanceValidatorCatches feeds the validator of the conformance
// test exchanges that break the spec, and checks that each fails with a
// message naming the operation, the status and the problem. A validator
// that accepted everything would make TestConformance pass for nothing.
func TestConformanceValidatorCatches(t *testing.T) {
	t.Parallel()
	const server = "http://127.0.0.1:39300"
	v := newValidator(t, server, confAppID, confToken)

	profile, err := json.Marshal(usertest.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	var members map[string]any
	if err := json.Unmarshal(profile, &members); err != nil {
		t.Fatal(err)
	}
	delete(members, "id")
	noID, err := json.Marshal(members)
	if err != nil {
		t.Fatal(err)
	}

	appHeader := http.Header{"X-Application-Id": {confAppID}}
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	textHeader := http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	for _, tc := range []struct {
		name string
		path string
		ex   exchange
		// inRequest says the problem is on the request side.
		inRequest bool
		// wantMsg must all appear in the error.
		wantMsg []string
	}{{
		name:    "profile without id",
		path:    "/user/refresh",
		ex:      exchange{method: "GET", header: appHeader, status: 200, respHeader: jsonHeader, respBody: noID},
		wantMsg: []string{"operation refreshUser", "status 200", `"id"`},
	}, {
		name:    "undocumented status",
		path:    "/user/update",
		ex:      exchange{method: "POST", header: appHeader, status: 511, respHeader: textHeader, respBody: []byte("no user")},
		wantMsg: []string{"operation updateUser", "status 511", "not documented", "200"},
	}, {
		name:    "JSON where the spec says text",
		path:    "/user/access_token",
		ex:      exchange{method: "GET", header: appHeader, status: 200, respHeader: jsonHeader, respBody: []byte(`"tok"`)},
		wantMsg: []string{"operation userAccessToken", "status 200", "application/json"},
	}, {
		name:    "body on a 204",
		path:    "/user/clear",
		ex:      exchange{method: "POST", header: appHeader, status: 204, respHeader: textHeader, respBody: []byte("done")},
		wantMsg: []string{"operation clearUser", "status 204", "no body"},
	}, {
		name:    "JSON error body of the wrong shape",
		path:    "/user/has_feature_access",
		ex:      exchange{method: "POST", header: withJSON(appHeader), body: []byte(`{"feature":"UNKNOWN"}`), status: 400, respHeader: jsonHeader, respBody: []byte(`{"error":"bad"}`)},
		wantMsg: []string{"operation userHasFeatureAccess", "status 400"},
	}, {
		name:    "WebSocket route without an upgrade",
		path:    "/user/stream",
		ex:      exchange{method: "GET", header: appHeader, status: 200, respHeader: jsonHeader, respBody: []byte(`{}`)},
		wantMsg: []string{"operation streamUser", "status 200", "101"},
	}, {
		name:    "unknown route",
		path:    "/user/nowhere",
		ex:      exchange{method: "GET", header: appHeader, status: 404, respHeader: textHeader},
		wantMsg: []string{"GET /user/nowhere", "no operation"},
	}, {
		name:      "no application id",
		path:      "/user",
		ex:        exchange{method: "GET", header: http.Header{}, status: 200, respHeader: jsonHeader, respBody: []byte(`{}`)},
		inRequest: true,
		wantMsg:   []string{"operation userSnapshot", "status 200", "X-Application-ID"},
	}, {
		name:      "wrong application id",
		path:      "/user",
		ex:        exchange{method: "GET", header: http.Header{"X-Application-Id": {"someone-else"}}, status: 200, respHeader: jsonHeader, respBody: []byte(`{}`)},
		inRequest: true,
		wantMsg:   []string{"operation userSnapshot", "someone-else"},
	}, {
		name:      "application id instead of the bearer token",
		path:      "/user/select",
		ex:        exchange{method: "POST", header: appHeader, status: 200, respHeader: jsonHeader, respBody: profile},
		inRequest: true,
		wantMsg:   []string{"operation selectUser", "Authorization"},
	}, {
		name:      "missing required body",
		path:      "/user/has_feature_access",
		ex:        exchange{method: "POST", header: appHeader, status: 400, respHeader: jsonHeader, respBody: []byte(`{"code":"MISSING_BODY","message":"m"}`)},
		inRequest: true,
		wantMsg:   []string{"operation userHasFeatureAccess", "status 400"},
	}, {
		name:      "path parameter that is not a UUID",
		path:      "/user/not-a-uuid/entities/associate/org-1",
		ex:        exchange{method: "POST", header: appHeader, status: 204},
		inRequest: true,
		wantMsg:   []string{"operation userAssociateEntity", "user"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ex := tc.ex
			ex.url = &url.URL{Scheme: "http", Host: strings.TrimPrefix(server, "http://"), Path: tc.path}
			res, err := v.check(t.Context(), &ex)
			if tc.inRequest {
				if err != nil {
					t.Fatalf("the response side failed too: %v", err)
				}
				err = res.requestErr
			} else if res.requestErr != nil {
				t.Fatalf("the request side failed, want only the response to: %v", res.requestErr)
			}
			if err == nil {
				t.Fatalf("%s validated", &ex)
			}
			t.Logf("caught: %v", err)
			for _, m := range tc.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}

	t.Run("profile message without id", func(t *testing.T) {
		t.Parallel()
		err := checkMessage(messageSchema(t, v.doc, "/user/stream"), "streamUser", noID)
		if err == nil {
			t.Fatal("a profile message without id validated")
		}
		for _, m := range []string{"operation streamUser", `"id"`} {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("error %q does not mention %q", err, m)
			}
		}
	})
}

func withJSON(h http.Header) http.Header {
	h = h.Clone()
	h.Set("Content-Type", "application/json")
	return h
}

// TestConformanceCoverageTable checks that the table of documented pairs
// follows the spec: a status added to an operation shows up as missing
// until something marks it.
func TestConformanceCoverageTable(t *testing.T) {
	t.Parallel()
	doc := loadPinnedSpec(t)
	op := doc.Paths.Find("/user/clear").Post
	op.Responses.Set("418", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription("added")})

	cov := newCoverage(doc)
	if err := cov.mark("clearUser", 204); err != nil {
		t.Fatal(err)
	}
	if err := cov.mark("clearUser", 299); err == nil {
		t.Error("marking an undocumented status succeeded")
	}
	if err := cov.mark("noSuchOperation", 200); err == nil {
		t.Error("marking an unknown operation succeeded")
	}
	missing := cov.missing()
	if !slices.Contains(missing, "clearUser 418") {
		t.Errorf("missing pairs %v lack the added clearUser 418", missing)
	}
	if slices.Contains(missing, "clearUser 204") {
		t.Errorf("missing pairs %v hold clearUser 204, which was marked", missing)
	}
	// Every operation of the spec is in the table, WebSocket ones included.
	if got, want := len(cov.want), len(specOperations(doc)); got != want {
		t.Errorf("the table has %d operations, the spec %d", got, want)
	}
}
