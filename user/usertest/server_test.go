package usertest_test

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
	"go.uber.org/goleak"
)

func TestHealth(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	for _, method := range []string{http.MethodHead, http.MethodGet} {
		res := send(t, srv, method, "/.well-known/health", "", nil)
		if res.status != http.StatusOK {
			t.Errorf("%s /.well-known/health: got %d", method, res.status)
		}
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || !strings.HasSuffix(srv.URL, srv.Addr()) {
		t.Errorf("URL %q and Addr %q disagree or are not on loopback", srv.URL, srv.Addr())
	}
}

// TestHealthStates checks the two texts of the health route and the id
// that follows "ok:".
func TestHealthStates(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !uuidRE.MatchString(srv.HealthID()) {
		t.Errorf("HealthID() = %q, want a version 4 UUID", srv.HealthID())
	}
	if other := usertest.Start(t); other.HealthID() == srv.HealthID() {
		t.Errorf("two servers share the health id %q", srv.HealthID())
	}
	check := func(want string) {
		t.Helper()
		res := send(t, srv, http.MethodGet, "/.well-known/health", "", nil)
		if res.status != http.StatusOK || string(res.body) != want || !strings.HasPrefix(res.header.Get("Content-Type"), "text/plain") {
			t.Errorf("GET /.well-known/health = %d %q (%s), want 200 %q as text/plain", res.status, res.body, res.header.Get("Content-Type"), want)
		}
	}
	check("ok:" + srv.HealthID())
	srv.SetMigrating(true)
	check("migrating")
	// The operations keep working while migrating.
	if res := send(t, srv, http.MethodGet, "/user", "", nil); res.status != http.StatusOK {
		t.Errorf("GET /user while migrating = %d, want 200", res.status)
	}
	srv.SetMigrating(false)
	check("ok:" + srv.HealthID())
}

// TestVersionRoute checks GET /.well-known/version and its knobs.
func TestVersionRoute(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	get := func() string {
		t.Helper()
		res := send(t, srv, http.MethodGet, "/.well-known/version", "", nil)
		if res.status != http.StatusOK {
			t.Fatalf("GET /.well-known/version = %d %q", res.status, res.body)
		}
		return string(res.body)
	}
	if got := get(); got != usertest.DefaultVersion {
		t.Errorf("version %q, want DefaultVersion %q", got, usertest.DefaultVersion)
	}
	for _, v := range []string{"12.6.29-staging", "debug", `"12.4.1"`} {
		if err := srv.SetVersion(v); err != nil {
			t.Fatal(err)
		}
		if got := get(); got != v {
			t.Errorf("after SetVersion(%q): %q", v, got)
		}
	}
	for v, want := range map[string]string{"": "empty", " ": "empty", "12.0.0\nX: y": "control character"} {
		if err := srv.SetVersion(v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SetVersion(%q) = %v, want an error saying %q", v, err, want)
		}
	}
	if got := get(); got != `"12.4.1"` {
		t.Errorf("a refused SetVersion changed the version to %q", got)
	}
}

// TestWithoutCheckInStream checks that the check-in route answers 404 to
// the upgrade, and is still named in Requests, while /user/stream works.
func TestWithoutCheckInStream(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t, usertest.WithoutCheckInStream())
	ctx := testCtx(t)
	_, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/user/last_checked_in/stream", nil)
	if err == nil || res == nil || res.StatusCode != http.StatusNotFound {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial of the check-in stream: status %d, error %v; want 404", status, err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].OperationID != "streamUserLastCheckedIn" {
		t.Errorf("Requests = %+v, want one streamUserLastCheckedIn", reqs)
	}
	ws := dial(t, srv, "/user/stream")
	read(t, ws)
	_ = ws.Close(websocket.StatusNormalClosure, "")
}

// TestFailNextAnyStatus checks that FailNext answers 401 and Pieces OS's
// own 593 on any HTTP operation, as its auth middleware may.
func TestFailNextAnyStatus(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	for _, status := range []int{http.StatusUnauthorized, 593} {
		if err := srv.FailNext("userSnapshot", 1, status, "refused"); err != nil {
			t.Fatal(err)
		}
		if res := send(t, srv, http.MethodGet, "/user", "", nil); res.status != status || string(res.body) != "refused" {
			t.Errorf("FailNext(%d): GET /user = %d %q", status, res.status, res.body)
		}
	}
}

func TestRestartOnSameAddr(t *testing.T) {
	t.Parallel()
	first, err := usertest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	addr := first.Addr()
	first.SignOut()
	first.Close()
	first.Close() // idempotent

	second := usertest.Start(t, usertest.WithAddr(addr))
	if second.Addr() != addr || second.URL != first.URL {
		t.Fatalf("restarted on %s, want %s", second.Addr(), addr)
	}
	res, err := newClient(t, second).UserSnapshotWithResponse(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.JSON200 == nil || res.JSON200.User.ID == "" {
		t.Errorf("the restarted server does not serve a fresh state: %d %s", res.StatusCode(), res.Body)
	}
}

func TestOptionErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opt  usertest.Option
		want string
	}{
		{"non-loopback addr", usertest.WithAddr("0.0.0.0:0"), "loopback"},
		{"public addr", usertest.WithAddr("192.0.2.1:80"), "loopback"},
		{"malformed addr", usertest.WithAddr("nowhere"), "nowhere"},
		{"zero check-in interval", usertest.WithCheckInInterval(0), "positive"},
		{"nil log", usertest.WithLog(nil), "nil"},
		{"nil option", nil, "nil Option"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := usertest.NewServer(tt.opt)
			if err == nil {
				srv.Close()
				t.Fatal("NewServer accepted the option")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestLog(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	srv := usertest.Start(t, usertest.WithLog(&buf))
	send(t, srv, http.MethodGet, "/user", "", nil)
	send(t, srv, http.MethodGet, "/nowhere", "", nil)
	ws := dial(t, srv, "/user/stream")
	read(t, ws)
	_ = ws.Close(websocket.StatusNormalClosure, "")

	want := []*regexp.Regexp{
		regexp.MustCompile(`(?m)^GET /user 200 \S+$`),
		regexp.MustCompile(`(?m)^GET /nowhere 404 \S+$`),
		regexp.MustCompile(`(?m)^GET /user/stream 101 \S+$`),
	}
	waitFor(t, "the stream's log line", func() bool { return want[2].MatchString(buf.String()) })
	for _, re := range want {
		if !re.MatchString(buf.String()) {
			t.Errorf("log has no line matching %s:\n%s", re, buf.String())
		}
	}
}

func TestRequests(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := newClient(t, srv)
	p := usertest.DefaultProfile()
	p.Vanityname = "lovelace"
	if _, err := c.UserUpdateVanityWithResponse(testCtx(t), p); err != nil {
		t.Fatal(err)
	}
	send(t, srv, http.MethodGet, "/user?x=1", "", nil)

	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2: %+v", len(reqs), reqs)
	}
	v := reqs[0]
	if v.Method != http.MethodPost || v.Path != "/user/update/vanity" || v.OperationID != "userUpdateVanity" {
		t.Errorf("first request: %s %s %s", v.Method, v.Path, v.OperationID)
	}
	if v.Header.Get("X-Application-ID") != appID || !strings.Contains(string(v.Body), `"vanityname":"lovelace"`) {
		t.Errorf("first request: header %v, body %s", v.Header, v.Body)
	}
	if reqs[1].OperationID != "userSnapshot" || reqs[1].Query != "x=1" {
		t.Errorf("second request: %+v", reqs[1])
	}

	// The log hands out copies.
	reqs[0].Header.Set("X-Application-ID", "changed")
	if srv.Requests()[0].Header.Get("X-Application-ID") != appID {
		t.Error("changing a returned Request changed the log")
	}

	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}

	// A path the ServeMux redirects to its clean form runs no operation.
	if r := send(t, srv, http.MethodGet, "/user/../user", "", nil); r.status != http.StatusOK {
		t.Errorf("GET /user/../user after the redirect: got %d", r.status)
	}
	if reqs := srv.Requests(); len(reqs) != 2 || reqs[0].OperationID != "" || reqs[1].OperationID != "userSnapshot" {
		t.Errorf("redirected request logged as %+v", reqs)
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := newClient(t, srv)
	if err := srv.FailNext("userSnapshot", 2, http.StatusBadGateway, "upstream down"); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		res, err := c.UserSnapshotWithResponse(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode() != http.StatusBadGateway || !isText(res.ContentType()) || string(res.Body) != "upstream down" {
			t.Errorf("call %d: got %d %q %q", i, res.StatusCode(), res.ContentType(), res.Body)
		}
	}
	res, err := c.UserSnapshotWithResponse(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != http.StatusOK {
		t.Errorf("third call: got %d, want 200", res.StatusCode())
	}

	// A canned answer comes before any check of the body.
	if err := srv.FailNext("userHasFeatureAccess", 1, http.StatusNotFound, "no such feature"); err != nil {
		t.Fatal(err)
	}
	if r := send(t, srv, http.MethodPost, "/user/has_feature_access", "", nil); r.status != http.StatusNotFound {
		t.Errorf("has_feature_access after FailNext: got %d %s", r.status, r.body)
	}

	// n = 0 cancels.
	if err := srv.FailNext("refreshUser", 5, 500, "x"); err != nil {
		t.Fatal(err)
	}
	if err := srv.FailNext("refreshUser", 0, 500, ""); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.RefreshUserWithResponse(testCtx(t)); r.StatusCode() != 200 {
		t.Errorf("refreshUser after cancelling: got %d", r.StatusCode())
	}

	// RespondNext can break the spec on purpose.
	if err := srv.RespondNext("userSnapshot", 1, http.StatusOK, "application/json", `{"user":`); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UserSnapshotWithResponse(testCtx(t)); err == nil {
		t.Error("a truncated JSON answer decoded without error")
	}

	if err := srv.RespondNext("userAccessToken", 1, http.StatusOK, "", "token-without-type"); err != nil {
		t.Fatal(err)
	}
	if r := send(t, srv, http.MethodGet, "/user/access_token", "", nil); r.status != 200 || r.body != "token-without-type" || r.header.Get("Content-Type") != "" {
		t.Errorf("RespondNext without a media type: got %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
	}

	// Always answers every call until cancelled.
	if err := srv.FailNext("userPaddleRefresh", usertest.Always, http.StatusBadGateway, "down"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if r, _ := c.UserPaddleRefreshWithResponse(testCtx(t)); r.StatusCode() != http.StatusBadGateway {
			t.Errorf("call %d with Always: got %d, want 502", i, r.StatusCode())
		}
	}
	if err := srv.FailNext("userPaddleRefresh", 0, 500, ""); err != nil {
		t.Fatal(err)
	}
	if r, _ := c.UserPaddleRefreshWithResponse(testCtx(t)); r.StatusCode() != http.StatusOK {
		t.Errorf("after cancelling Always: got %d, want 200", r.StatusCode())
	}

	for _, tt := range []struct {
		op        string
		n, status int
	}{
		{"noSuchOperation", 1, 500},
		{"UserSnapshot", 1, 500},
		{"userSnapshot", 1, 99},
		{"userSnapshot", 1, 600},
	} {
		if err := srv.FailNext(tt.op, tt.n, tt.status, ""); err == nil {
			t.Errorf("FailNext(%q, %d, %d) accepted", tt.op, tt.n, tt.status)
		}
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := newClient(t, srv)
	srv.SetLatency(time.Hour)

	// The client gives up long before the answer would come.
	ctx, cancel := context.WithCancel(testCtx(t))
	done := make(chan error, 1)
	go func() {
		_, err := c.UserSnapshotWithResponse(ctx)
		done <- err
	}()
	waitFor(t, "the delayed request to arrive", func() bool { return len(srv.Requests()) == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("delayed request ended with %v, want context.Canceled", err)
	}

	srv.SetLatency(0)
	if res, err := c.UserSnapshotWithResponse(testCtx(t)); err != nil || res.StatusCode() != 200 {
		t.Errorf("without latency: %v", err)
	}
}

func TestCloseEndsDelayedRequests(t *testing.T) {
	t.Parallel()
	srv, err := usertest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	srv.SetLatency(time.Hour)
	c := newClient(t, srv)
	done := make(chan *gen.UserSnapshotResponse, 1)
	go func() {
		res, _ := c.UserSnapshotWithResponse(testCtx(t))
		done <- res
	}()
	waitFor(t, "the delayed request to arrive", func() bool { return len(srv.Requests()) == 1 })
	srv.Close()
	if res := <-done; res != nil && res.StatusCode() != http.StatusServiceUnavailable {
		t.Errorf("delayed request got %d, want 503 or no answer", res.StatusCode())
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	for _, tt := range []struct {
		method, path string
		status       int
		body, allow  string
	}{
		{"GET", "/nowhere", 404, "no route for GET /nowhere", ""},
		{"POST", "/user/x/entities/befriend/y", 404, "no route for POST /user/x/entities/befriend/y", ""},
		{"GET", "/user/", 404, "no route for GET /user/", ""},
		{"DELETE", "/user/clear", 405, "DELETE", "POST"},
		{"GET", "/user/clear", 405, "GET", "POST"},
		{"POST", "/user", 405, "POST", "GET, HEAD"},
		{"PUT", "/.well-known/health", 405, "PUT", "GET, HEAD"},
	} {
		res := send(t, srv, tt.method, tt.path, "", nil)
		if res.status != tt.status || !isText(res.header.Get("Content-Type")) || !strings.Contains(res.body, tt.body) {
			t.Errorf("%s %s: got %d %q %q, want %d text/plain containing %q",
				tt.method, tt.path, res.status, res.header.Get("Content-Type"), res.body, tt.status, tt.body)
		}
		if got := res.header.Get("Allow"); got != tt.allow {
			t.Errorf("%s %s: Allow %q, want %q", tt.method, tt.path, got, tt.allow)
		}
	}
}

// TestCloseLeavesNoGoroutines runs alone (not in parallel) so that it can
// compare the goroutines before and after a busy server's life.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	srv, err := usertest.NewServer(usertest.WithCheckInInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	c, err := gen.NewClientWithResponses(srv.URL, gen.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := c.UserSnapshotWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	var conns []*websocket.Conn
	for _, path := range []string{"/user/stream", "/user/last_checked_in/stream"} {
		ws, _, err := websocket.Dial(ctx, wsURL(srv, path), &websocket.DialOptions{HTTPClient: hc})
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, ws)
	}
	if err := srv.WaitStreams(ctx, 2); err != nil {
		t.Fatal(err)
	}
	// Both clients read until the server closes their sockets.
	ended := make(chan error, len(conns))
	for _, ws := range conns {
		go func() {
			for {
				if _, _, err := ws.Read(ctx); err != nil {
					ended <- err
					return
				}
			}
		}()
	}
	srv.Close()
	for range conns {
		if err := <-ended; websocket.CloseStatus(err) != websocket.StatusNormalClosure {
			t.Errorf("stream ended with %v, want a normal closure", err)
		}
	}
	for _, ws := range conns {
		_ = ws.CloseNow()
	}
	tr.CloseIdleConnections()
}

// TestBothApplicationHeaders checks that a request carrying the
// application id both as X-Application-ID and as "application", as the
// vendor's applications send it, is served and recorded with both.
func TestBothApplicationHeaders(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	req, err := http.NewRequestWithContext(testCtx(t), http.MethodGet, srv.URL+"/user", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Application-ID", appID)
	req.Header.Set("application", appID)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /user with both headers: %d", res.StatusCode)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Header.Get("X-Application-ID") != appID || reqs[0].Header.Get("Application") != appID {
		t.Errorf("recorded %+v, want both headers with %q", reqs, appID)
	}
}
