package usertest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// appID is the X-Application-ID the tests send.
const appID = "usertest-suite"

// testCtx bounds every wait of a test.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newClient returns a generated client for srv with its own transport,
// whose idle connections close when the test ends.
func newClient(t *testing.T, srv *usertest.Server) *gen.ClientWithResponses {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := gen.NewClientWithResponses(srv.URL,
		gen.WithHTTPClient(&http.Client{Transport: tr}),
		gen.WithRequestEditorFn(func(ctx context.Context, req *http.Request) error {
			req.Header.Set("X-Application-ID", appID)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rawResponse is an answer read in full.
type rawResponse struct {
	status int
	header http.Header
	body   string
}

// send makes one plain HTTP request to srv with a transport of its own.
func send(t *testing.T, srv *usertest.Server, method, path, contentType string, body []byte) rawResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), method, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return rawResponse{status: res.StatusCode, header: res.Header, body: string(b)}
}

// wsURL turns the server's base URL into the URL of a WebSocket route.
func wsURL(srv *usertest.Server, path string) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + path
}

// dial opens a WebSocket to path; it is closed when the test ends.
func dial(t *testing.T, srv *usertest.Server, path string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(testCtx(t), wsURL(srv, path), &websocket.DialOptions{
		HTTPHeader: http.Header{"X-Application-Id": {appID}},
	})
	if err != nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return c
}

// read reads one text message.
func read(t *testing.T, c *websocket.Conn) []byte {
	t.Helper()
	typ, data, err := c.Read(testCtx(t))
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if typ != websocket.MessageText {
		t.Fatalf("message type %v, want text", typ)
	}
	return data
}

// readProfile reads one message of /user/stream that must be a profile.
func readProfile(t *testing.T, c *websocket.Conn) gen.UserProfile {
	t.Helper()
	data := read(t, c)
	var p gen.UserProfile
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("stream message %q is not a profile: %v", data, err)
	}
	return p
}

// waitFor polls cond until it holds or the test's deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx := testCtx(t)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("gave up waiting for %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's log writes and the
// test's reads.
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

// isText reports whether a Content-Type is text/plain.
func isText(ct string) bool { return strings.HasPrefix(ct, "text/plain") }

// isJSON reports whether a Content-Type is application/json.
func isJSON(ct string) bool { return strings.HasPrefix(ct, "application/json") }
