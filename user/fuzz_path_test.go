package user_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// pathRecorder is a RoundTripper that records the escaped path of every
// request and answers 204, without a network.
type pathRecorder struct {
	paths []string
	urls  []*url.URL
}

func (rt *pathRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	rt.paths = append(rt.paths, req.URL.EscapedPath())
	u := *req.URL
	rt.urls = append(rt.urls, &u)
	return &http.Response{
		Status:     "204 No Content",
		StatusCode: http.StatusNoContent,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     http.Header{},
		Body:       http.NoBody,
		Request:    req,
	}, nil
}

// entityMux routes the two entity operations with the patterns of the
// spec, as a server would, and records the path values it matched.
type entityMux struct {
	mux           *http.ServeMux
	route         string
	user, entity  string
	matched, miss bool
}

func newEntityMux() *entityMux {
	m := &entityMux{mux: http.NewServeMux()}
	for _, route := range []string{"associate", "disassociate"} {
		m.mux.HandleFunc("POST /user/{user}/entities/"+route+"/{entity}", func(w http.ResponseWriter, r *http.Request) {
			m.matched, m.route = true, route
			m.user, m.entity = r.PathValue("user"), r.PathValue("entity")
		})
	}
	m.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { m.miss = true })
	return m
}

// serve routes u through the mux and reports the route and path values it
// matched.
func (m *entityMux) serve(u *url.URL) (route, userID, entityID string, ok bool) {
	m.matched, m.miss, m.route, m.user, m.entity = false, false, "", "", ""
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:39300/", nil)
	req.URL = u
	req.RequestURI = u.RequestURI()
	rec := httptest.NewRecorder()
	m.mux.ServeHTTP(rec, req)
	return m.route, m.user, m.entity, m.matched && !m.miss
}

// checkEntityPath checks one call of AssociateEntity or DisassociateEntity
// with the ids userID and entityID.
func checkEntityPath(t *testing.T, c *user.Client, rt *pathRecorder, m *entityMux, route, userID, entityID string) {
	t.Helper()
	rt.paths, rt.urls = nil, nil
	var err error
	op := "userAssociateEntity"
	if route == "associate" {
		err = c.AssociateEntity(context.Background(), userID, entityID)
	} else {
		op = "userDisassociateEntity"
		err = c.DisassociateEntity(context.Background(), userID, entityID)
	}

	unusable := func(id string) bool { return id == "" || id == "." || id == ".." }
	if unusable(userID) || unusable(entityID) {
		e, ok := errors.AsType[*user.Error](err)
		if !ok || e.Op != op || !errors.Is(err, user.ErrInvalidInput) {
			t.Fatalf("%s(%q, %q) = %v, want an *OpError of %s wrapping ErrInvalidInput", op, userID, entityID, err, op)
		}
		if len(rt.paths) != 0 {
			t.Fatalf("%s(%q, %q) was rejected but sent %v", op, userID, entityID, rt.paths)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s(%q, %q) = %v, want it sent", op, userID, entityID, err)
	}
	if len(rt.paths) != 1 {
		t.Fatalf("%s(%q, %q) sent %d requests, want 1", op, userID, entityID, len(rt.paths))
	}

	// The path is /user/<seg1>/entities/<route>/<seg2>, each id exactly
	// one escaped segment that unescapes to the id.
	path := rt.paths[0]
	rest, ok := strings.CutPrefix(path, "/user/")
	if !ok {
		t.Fatalf("path %q does not start with /user/", path)
	}
	seg1, seg2, ok := strings.Cut(rest, "/entities/"+route+"/")
	if !ok || strings.Contains(seg1, "/") || strings.Contains(seg2, "/") {
		t.Fatalf("path %q for ids %q, %q is not /user/<id>/entities/%s/<id> with one segment per id", path, userID, entityID, route)
	}
	for _, s := range []struct{ seg, id string }{{seg1, userID}, {seg2, entityID}} {
		got, err := url.PathUnescape(s.seg)
		if err != nil || got != s.id {
			t.Fatalf("segment %q of path %q unescapes to %q (%v), want %q", s.seg, path, got, err, s.id)
		}
		if s.seg == "." || s.seg == ".." {
			t.Fatalf("segment %q of path %q is a dot segment", s.seg, path)
		}
	}

	// A server routing with the spec's patterns reaches the same route
	// with the same ids. ServeMux cannot route a wildcard segment that
	// unescapes to exactly "/" (it stands for a trailing slash there), so
	// such an id is left to the check above.
	if userID == "/" || entityID == "/" {
		return
	}
	gotRoute, gotUser, gotEntity, ok := m.serve(rt.urls[0])
	if !ok || gotRoute != route || gotUser != userID || gotEntity != entityID {
		t.Fatalf("the mux routed %q to %q with user %q and entity %q (matched %v); want %q, %q, %q",
			path, gotRoute, gotUser, gotEntity, ok, route, userID, entityID)
	}
}

// FuzzEntityPath calls AssociateEntity and DisassociateEntity with
// arbitrary ids. Each call is either rejected with ErrInvalidInput before
// anything is sent (an empty id, "." or "..", as documented), or sends one
// request whose escaped path is exactly
// /user/<seg1>/entities/<route>/<seg2>, where each segment unescapes to its
// id, and which a ServeMux with the spec's patterns routes to that
// operation with those ids.
func FuzzEntityPath(f *testing.F) {
	for _, s := range [][2]string{
		{"u1", "e1"}, {"a/b", "c"}, {"a?b=c", "d#e"}, {"100%", "%2e%2e"}, {"..", "x"}, {".", "x"},
		{"", "x"}, {"../admin", "..%2F"}, {"..x", "x.."}, {"a b", "ü"}, {"\x00", "\xff\xfe"},
		{";", ","}, {":", "@"}, {"a%zz", "%"}, {"\\", "//"}, {"\r\n", "\t"}, {"*", "{user}"},
	} {
		f.Add(s[0], s[1])
	}
	rt := &pathRecorder{}
	c, err := user.New(
		user.WithBaseURL("http://127.0.0.1:39300"),
		user.WithHTTPClient(&http.Client{Transport: rt}),
		user.WithApplicationID(fuzzAppID),
		user.WithRetry(1, user.Backoff{Min: time.Millisecond, Max: time.Millisecond}),
	)
	if err != nil {
		f.Fatal(err)
	}
	m := newEntityMux()
	f.Fuzz(func(t *testing.T, userID, entityID string) {
		checkEntityPath(t, c, rt, m, "associate", userID, entityID)
		checkEntityPath(t, c, rt, m, "disassociate", userID, entityID)
	})
}
