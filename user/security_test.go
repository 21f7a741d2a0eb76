package user_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// Tests elsewhere that belong to the security checks, not repeated here:
//   - TestNoSecretsInErrors (errors_test.go): HTTP error bodies, decoded
//     400 bodies and Content-Types that echo the credentials are redacted;
//   - TestRedirectIsNotFollowed (errors_test.go): the default client hands
//     a 3xx back instead of following it;
//   - TestEntityIDsAreEscaped, TestInvalidInput (input_test.go) and
//     FuzzEntityPath: path parameters stay one escaped segment each;
//   - TestResponseTooLarge, TestErrorBodyIsCut (decode_test.go), the
//     "body over the limit" row of TestFaultMatrix, and
//     TestWatchProfileOversizedMessage (stream_test.go): size limits of
//     answers, error bodies and stream messages.

// showsSecret reports whether s holds either test credential.
func showsSecret(s string) bool {
	return strings.Contains(s, apiAppID) || strings.Contains(s, apiToken)
}

// formats renders v the ways a caller might print or log it.
func formats(v any) []string {
	return []string{fmt.Sprint(v), fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v)}
}

// echoServer answers every HTTP operation with an error that quotes the
// credentials it received, refuses the /user/stream handshake with a body
// that quotes them, and on /user/last_checked_in/stream sends a message
// and a close reason that quote them.
func echoServer(t *testing.T) string {
	t.Helper()
	var wg sync.WaitGroup
	quote := func(r *http.Request) string {
		return fmt.Sprintf("got app %q and auth %q", r.Header.Get("X-Application-ID"), r.Header.Get("Authorization"))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/user/stream":
			http.Error(w, quote(r), http.StatusUnauthorized)
		case "/user/last_checked_in/stream":
			wg.Add(1)
			defer wg.Done()
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				return
			}
			defer c.CloseNow()
			ctx := context.Background()
			if c.Write(ctx, websocket.MessageText, []byte(quote(r))) != nil {
				return
			}
			_ = c.Close(4001, "bye "+r.Header.Get("X-Application-ID"))
		case "/user/has_feature_access":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprintf(w, `{"expectedContextType":%q,"feature":%q,"message":%q}`,
				r.Header.Get("X-Application-ID"), r.Header.Get("Authorization"), quote(r))
		default:
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, quote(r))
		}
	}))
	t.Cleanup(func() {
		srv.Close()
		wg.Wait()
	})
	return srv.URL
}

// TestSecretsNeverShown checks that neither credential appears in the text
// of any error, event, client, stream or option, printed with %v, %+v or
// %#v, when Pieces OS echoes both credentials in error bodies, a refused
// stream handshake, a stream message and a close reason.
func TestSecretsNeverShown(t *testing.T) {
	t.Parallel()
	c := faultClient(t, echoServer(t))
	ctx := t.Context()

	var texts []string
	add := func(v any) { texts = append(texts, formats(v)...) }
	addErr := func(err error) {
		if err == nil {
			t.Fatal("a call against the echoing server did not fail")
		}
		add(err)
		texts = append(texts, err.Error())
		if e, ok := errors.AsType[*user.Error](err); ok {
			add(*e)
			texts = append(texts, e.Body)
			if e.Unprocessable != nil {
				add(*e.Unprocessable)
			}
		}
		if e, ok := errors.AsType[*user.Error](err); ok {
			add(*e)
		}
	}
	_, err := c.Select(ctx, nil)
	addErr(err)
	_, err = c.Snapshot(ctx)
	addErr(err)
	_, err = c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
	addErr(err)
	addErr(c.AssociateEntity(ctx, "u1", "e1"))

	profile := watchFast(t, c)
	ev := awaitEvent(t, profile, "refused handshake", isKind(user.EventDisconnected))
	if statusCode(ev.Err) != http.StatusUnauthorized {
		t.Fatalf("Err = %v, want the 401 of the handshake", ev.Err)
	}
	addErr(ev.Err)
	add(ev)
	add(profile)

	checkIns, err := c.WatchCheckIns(ctx, &user.WatchOptions{Backoff: user.Backoff{Min: time.Millisecond, Max: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = checkIns.Close() })
	bad := awaitEvent(t, checkIns, "malformed message", isKind(user.EventMalformed))
	if !bytes.Contains(bad.Raw, []byte("got app")) || bytes.Contains(bad.Raw, []byte(apiAppID)) {
		t.Fatalf("Raw = %q, want the echoed message with the credential hidden", bad.Raw)
	}
	texts = append(texts, string(bad.Raw))
	addErr(bad.Err)
	add(bad)
	ev = awaitEvent(t, checkIns, "close with a reason", isKind(user.EventDisconnected))
	if websocket.CloseStatus(ev.Err) != 4001 {
		t.Fatalf("Err = %v, want the close with status 4001", ev.Err)
	}
	addErr(ev.Err)
	add(ev)
	add(checkIns)

	add(c)
	add(*c)
	add(user.WithApplicationID(apiAppID))
	add(user.WithAccessToken(apiToken))

	for _, s := range texts {
		if showsSecret(s) {
			t.Errorf("a credential is shown: %s", s)
		}
	}
}

// TestFakeLogShowsNoSecrets checks that the request log of the fake, the
// only log in this repository, names no credential.
func TestFakeLogShowsNoSecrets(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	srv := usertest.Start(t, usertest.WithLog(&log))
	c := faultClient(t, srv.URL)
	if _, err := c.Select(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Snapshot(t.Context()); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	if !strings.Contains(out, "/user/select") {
		t.Fatalf("the log does not list the requests: %q", out)
	}
	if showsSecret(out) {
		t.Errorf("the log shows a credential: %s", out)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestCredentialPerOperation walks every HTTP operation and both stream
// handshakes with both credentials set: Authorization goes only with POST
// /user/select, and the application id, as both X-Application-ID and
// application, with everything else. Discovery's health probes carry
// neither.
func TestCredentialPerOperation(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := faultClient(t, srv.URL)
	ctx := t.Context()
	p := usertest.DefaultProfile()

	// Each call reaches the fake; whether it succeeds does not matter here.
	_, _ = c.Snapshot(ctx)
	_, _ = c.Refresh(ctx)
	_, _ = c.Update(ctx, &user.Profile{UserProfile: p})
	_, _ = c.UpdateVanity(ctx, "augusta")
	_, _ = c.AccessToken(ctx)
	_ = c.AssociateEntity(ctx, p.ID, "e1")
	_ = c.DisassociateEntity(ctx, p.ID, "e1")
	_, _ = c.SetBetaStatus(ctx, &user.UserBetaStatus{User: p.ID})
	_, _ = c.Checkout(ctx, nil)
	_, _ = c.HasFeatureAccess(ctx, user.HasFeatureAccessEnumSHARESNIPPET, nil)
	_, _ = c.ManageSubscriptions(ctx, nil)
	_, _ = c.PaddleRefresh(ctx)
	_, _ = c.Providers(ctx)
	_ = c.Clear(ctx)
	_, _ = c.Select(ctx, nil)
	_, _ = c.SignOut(ctx)
	_, _ = c.SignIn(ctx)
	for _, watch := range []func(context.Context, *user.WatchOptions) (*user.Stream, error){c.WatchProfile, c.WatchCheckIns} {
		s, err := watch(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		awaitEvent(t, s, "connected", isKind(user.EventConnected))
		_ = s.Close()
	}
	_, portText, err := net.SplitHostPort(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(portText)
	if _, err := user.Discover(ctx, &user.DiscoverOptions{NoPortFile: true, Ports: []int{port}}); err != nil {
		t.Fatal(err)
	}

	seen := map[string]bool{}
	health := 0
	for _, r := range srv.Requests() {
		app, auth := r.Header.Values("X-Application-ID"), r.Header.Values("Authorization")
		if other := r.Header.Values("Application"); !slices.Equal(other, app) {
			t.Errorf("%s %s carried X-Application-ID %q but application %q", r.Method, r.Path, app, other)
		}
		switch {
		case r.OperationID == "":
			health++
			if app != nil || auth != nil {
				t.Errorf("%s %s carried X-Application-ID %q and Authorization %q", r.Method, r.Path, app, auth)
			}
			continue
		case r.OperationID == "selectUser":
			if r.Method != "POST" || r.Path != "/user/select" {
				t.Errorf("selectUser arrived as %s %s", r.Method, r.Path)
			}
			if len(auth) != 1 || auth[0] != "Bearer "+apiToken || app != nil {
				t.Errorf("selectUser carried X-Application-ID %q and Authorization %q", app, auth)
			}
		default:
			if len(app) != 1 || app[0] != apiAppID || auth != nil {
				t.Errorf("%s carried X-Application-ID %q and Authorization %q", r.OperationID, app, auth)
			}
		}
		seen[r.OperationID] = true
	}
	if want := usertest.OperationIDs(); len(seen) != len(want) {
		t.Errorf("the fake saw %d operations, want all %d of the spec, streams included (add a call to this test): saw %v, want %v", len(seen), len(want), seen, want)
	}
	if health == 0 {
		t.Error("the fake saw no health probe from DiscoverPorts")
	}
}

// TestCleartextCredentials checks that New refuses to send credentials in
// clear text to a host that is not on loopback unless the caller opts in,
// and says how to opt in. No traffic is sent: New does not connect.
func TestCleartextCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []user.Option
		ok   bool
	}{
		{"remote http with app id", []user.Option{user.WithBaseURL("http://example.invalid"), user.WithApplicationID(apiAppID)}, false},
		{"remote http with token", []user.Option{user.WithBaseURL("http://example.invalid:39300"), user.WithAccessToken(apiToken)}, false},
		{"remote http by IP", []user.Option{user.WithBaseURL("http://192.0.2.10:39300"), user.WithApplicationID(apiAppID)}, false},
		{"all interfaces", []user.Option{user.WithBaseURL("http://0.0.0.0:39300"), user.WithApplicationID(apiAppID)}, false},
		{"loopback look-alike", []user.Option{user.WithBaseURL("http://127.0.0.1.example.invalid"), user.WithApplicationID(apiAppID)}, false},
		{"localhost with a trailing dot", []user.Option{user.WithBaseURL("http://localhost.:39300"), user.WithApplicationID(apiAppID)}, false},
		{"remote http, credentials set before the URL", []user.Option{user.WithApplicationID(apiAppID), user.WithBaseURL("http://example.invalid")}, false},
		{"remote http, opted in", []user.Option{user.WithBaseURL("http://example.invalid"), user.WithApplicationID(apiAppID), user.WithAccessToken(apiToken), user.WithInsecureCredentials()}, true},
		{"remote https", []user.Option{user.WithBaseURL("https://example.invalid"), user.WithApplicationID(apiAppID), user.WithAccessToken(apiToken)}, true},
		{"remote http without credentials", []user.Option{user.WithBaseURL("http://example.invalid")}, true},
		{"remote http with empty credentials", []user.Option{user.WithBaseURL("http://example.invalid"), user.WithApplicationID(""), user.WithAccessToken("")}, true},
		{"127.0.0.1", []user.Option{user.WithBaseURL("http://127.0.0.1:39300"), user.WithApplicationID(apiAppID)}, true},
		{"127.8.9.10", []user.Option{user.WithBaseURL("http://127.8.9.10:39300"), user.WithApplicationID(apiAppID)}, true},
		{"::1", []user.Option{user.WithBaseURL("http://[::1]:39300"), user.WithApplicationID(apiAppID)}, true},
		{"localhost", []user.Option{user.WithBaseURL("http://LocalHost:39300"), user.WithAccessToken(apiToken)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := user.New(tt.opts...)
			if tt.ok {
				if err != nil || c == nil {
					t.Fatalf("New = %v, %v; want a client", c, err)
				}
				return
			}
			if err == nil || c != nil {
				t.Fatalf("New = %v, %v; want an error", c, err)
			}
			if msg := err.Error(); !strings.Contains(msg, "WithInsecureCredentials") || !strings.Contains(msg, "plain http") {
				t.Errorf("error %q does not say how to opt in", msg)
			}
			if showsSecret(err.Error()) {
				t.Errorf("error %q shows a credential", err)
			}
		})
	}
}

// TestCleartextCredentialsFromEnvironment checks that a base URL from
// $PIECES_OS_URL is held to the same rule.
func TestCleartextCredentialsFromEnvironment(t *testing.T) {
	t.Setenv(envBaseURL, "http://example.invalid:39300")
	if c, err := user.New(user.WithApplicationID(apiAppID)); err == nil || !strings.Contains(err.Error(), "WithInsecureCredentials") {
		t.Errorf("New with a remote $%s = %v, %v; want the clear-text refusal", envBaseURL, c, err)
	}
	if _, err := user.New(); err != nil {
		t.Errorf("New without credentials: %v", err)
	}
}

// redirectTarget is a server that records the credentials of every request
// that reaches it.
type redirectTarget struct {
	mu   sync.Mutex
	seen []string // "METHOD path app=... auth=..."
}

func (rt *redirectTarget) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mu.Lock()
	rt.seen = append(rt.seen, fmt.Sprintf("%s %s app=%q auth=%q", r.Method, r.URL.Path, r.Header.Get("X-Application-ID"), r.Header.Get("Authorization")))
	rt.mu.Unlock()
	w.WriteHeader(http.StatusTeapot)
}

func (rt *redirectTarget) requests() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]string(nil), rt.seen...)
}

// TestRedirectsDropCredentials checks that credentials never follow a
// redirect to another origin: the default client follows no redirect, on
// HTTP calls and stream handshakes alike; a caller's client that does
// follow them (WithHTTPClient) loses both credentials on the way to
// another host or port, and keeps them on the same origin.
func TestRedirectsDropCredentials(t *testing.T) {
	t.Parallel()
	target := &redirectTarget{}
	other := httptest.NewServer(target)
	t.Cleanup(other.Close)
	_, otherPort, _ := net.SplitHostPort(other.Listener.Addr().String())

	var redirectTo atomic.Value // string: where the origin redirects to
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved/user/select" || r.URL.Path == "/moved/user" {
			target.ServeHTTP(w, r) // same origin, new path
			return
		}
		http.Redirect(w, r, redirectTo.Load().(string)+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(origin.Close)

	calls := func(c *user.Client) {
		_, _ = c.Snapshot(t.Context())
		_, _ = c.Select(t.Context(), nil)
	}

	t.Run("default client follows nothing", func(t *testing.T) {
		redirectTo.Store(other.URL)
		c := faultClient(t, origin.URL)
		_, err := c.Snapshot(t.Context())
		if statusCode(err) != http.StatusTemporaryRedirect {
			t.Errorf("Snapshot = %v, want the 307 as an *Error", err)
		}
		s := watchFast(t, c)
		ev := awaitEvent(t, s, "refused handshake", isKind(user.EventDisconnected))
		if statusCode(ev.Err) != http.StatusTemporaryRedirect {
			t.Errorf("stream Err = %v, want the 307 as an *Error", ev.Err)
		}
		_ = s.Close()
		if got := target.requests(); len(got) != 0 {
			t.Errorf("the redirect target was reached: %v", got)
		}
	})

	for _, tt := range []struct{ name, to string }{
		{"another host", "http://localhost:" + otherPort},
		{"another port", other.URL},
	} {
		t.Run("following client, "+tt.name, func(t *testing.T) {
			redirectTo.Store(tt.to)
			before := len(target.requests())
			c := faultClient(t, origin.URL, user.WithHTTPClient(&http.Client{}))
			calls(c)
			got := target.requests()[before:]
			if len(got) != 2 {
				t.Fatalf("the redirect target saw %v, want the two redirected calls", got)
			}
			for _, r := range got {
				if strings.Contains(r, apiAppID) || strings.Contains(r, apiToken) {
					t.Errorf("a credential followed the redirect to %s: %s", tt.to, r)
				}
			}
		})
	}

	t.Run("following client, same origin", func(t *testing.T) {
		redirectTo.Store(origin.URL + "/moved")
		before := len(target.requests())
		c := faultClient(t, origin.URL, user.WithHTTPClient(&http.Client{}))
		calls(c)
		got := target.requests()[before:]
		want := []string{
			fmt.Sprintf("GET /moved/user app=%q auth=\"\"", apiAppID),
			fmt.Sprintf("POST /moved/user/select app=\"\" auth=%q", "Bearer "+apiToken),
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("the same origin saw\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// TestStreamMessageLimit checks the read limit of both streams at its
// boundary: a message of exactly the limit is delivered, one byte more
// ends the connection with ErrMessageTooLarge and a reconnection.
func TestStreamMessageLimit(t *testing.T) {
	t.Parallel()
	const limit = 512
	pad := func(msg string, n int) []byte { // msg padded with spaces to n bytes
		return []byte(msg + strings.Repeat(" ", n-len(msg)))
	}
	for _, tt := range []struct {
		route string
		msg   string
		kind  user.EventKind
		watch func(*user.Client, context.Context, *user.WatchOptions) (*user.Stream, error)
	}{
		{"/user/stream", `{"id":"u1","name":"Ada"}`, user.EventProfile, (*user.Client).WatchProfile},
		{"/user/last_checked_in/stream", `{"needsRefresh":true,"userId":"u1"}`, user.EventCheckIn, (*user.Client).WatchCheckIns},
	} {
		t.Run(tt.route, func(t *testing.T) {
			t.Parallel()
			var (
				mu    sync.Mutex
				conns int
				wg    sync.WaitGroup
			)
			done := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				wg.Add(1)
				defer wg.Done()
				c, err := websocket.Accept(w, r, nil)
				if err != nil {
					return
				}
				defer c.CloseNow()
				mu.Lock()
				n := conns
				conns++
				mu.Unlock()
				ctx := context.Background()
				// The first connection gets a message of exactly the
				// limit, then one a byte over; later ones the first only.
				_ = c.Write(ctx, websocket.MessageText, pad(tt.msg, limit))
				if n == 0 {
					_ = c.Write(ctx, websocket.MessageText, pad(tt.msg, limit+1))
				}
				select {
				case <-done:
				case <-r.Context().Done():
				}
			}))
			t.Cleanup(func() {
				close(done)
				srv.Close()
				wg.Wait()
			})
			c := faultClient(t, srv.URL)
			s, err := tt.watch(c, t.Context(), &user.WatchOptions{ReadLimit: limit, Backoff: user.Backoff{Min: time.Millisecond, Max: 20 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			awaitEvent(t, s, "message at the limit", isKind(tt.kind))
			ev := awaitEvent(t, s, "disconnected", isKind(user.EventDisconnected))
			if !errors.Is(ev.Err, user.ErrResponseTooLarge) || !strings.Contains(ev.Err.Error(), "limit of 512 bytes") {
				t.Errorf("Err = %v, want ErrMessageTooLarge naming the limit", ev.Err)
			}
			awaitEvent(t, s, "reconnected", isKind(user.EventConnected))
			awaitEvent(t, s, "message at the limit again", isKind(tt.kind))
		})
	}
}

// TestHandshakeRefusalBodyIsBounded checks that the body of a refused
// stream handshake is read up to MaxErrorBody bytes only.
func TestHandshakeRefusalBodyIsBounded(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, strings.Repeat("x", 1<<20))
	}))
	t.Cleanup(srv.Close)
	s := watchFast(t, faultClient(t, srv.URL))
	ev := awaitEvent(t, s, "refused handshake", isKind(user.EventDisconnected))
	e, ok := errors.AsType[*user.Error](ev.Err)
	if !ok || e.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("Err = %v, want an *Error with status 503", ev.Err)
	}
	// coder/websocket keeps only the first KiB of a refused handshake's
	// body, below MaxErrorBody.
	if len(e.Body) == 0 || len(e.Body) > maxErrorBody || strings.Trim(e.Body, "x") != "" {
		t.Errorf("Body has %d bytes, want the beginning of the body, at most MaxErrorBody (%d)", len(e.Body), maxErrorBody)
	}
}

// TestEscapedSecretsInJSONErrors checks that a credential written with JSON
// escapes in the error body of HasFeatureAccess is hidden once decoded, in
// the decoded error as in the error's text.
func TestEscapedSecretsInJSONErrors(t *testing.T) {
	t.Parallel()
	escape := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		return b.String()
	}
	for _, status := range []int{http.StatusBadRequest, http.StatusUnprocessableEntity} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"code":"%[1]s","message":"app %[1]s token %[2]s","feature":"%[2]s","expectedContextType":"%[1]s"}`,
				escape(apiAppID), escape(apiToken))
		}))
		t.Cleanup(srv.Close)
		c := faultClient(t, srv.URL)
		_, err := c.HasFeatureAccess(t.Context(), user.HasFeatureAccessEnumSHARESNIPPET, nil)
		e, ok := errors.AsType[*user.Error](err)
		if !ok {
			t.Fatalf("status %d: err = %v, want an *Error", status, err)
		}
		if e.BadRequest == nil && e.Unprocessable == nil {
			t.Fatalf("status %d: the JSON error body was not decoded", status)
		}
		texts := append(formats(err), e.Error())
		if e.BadRequest != nil {
			texts = append(texts, formats(*e.BadRequest)...)
		}
		if e.Unprocessable != nil {
			texts = append(texts, formats(*e.Unprocessable)...)
		}
		for _, s := range texts {
			if showsSecret(s) {
				t.Errorf("status %d: a credential is shown: %s", status, s)
			}
		}
	}
}
