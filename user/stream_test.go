package user

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/internal/lossless"
)

func TestStreamEventKindString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k    EventKind
		want string
	}{
		{EventProfile, "profile"},
		{EventSignedOut, "signed-out"},
		{EventCheckIn, "check-in"},
		{EventConnected, "connected"},
		{EventDisconnected, "disconnected"},
		{EventRetrying, "retrying"},
		{EventMalformed, "malformed"},
		{0, "EventKind(0)"},
		{EventMalformed + 1, fmt.Sprintf("EventKind(%d)", int(EventMalformed+1))},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("EventKind(%d).String() = %q, want %q", int(tt.k), got, tt.want)
		}
	}
}

func TestBackoffDelay(t *testing.T) {
	t.Parallel()
	const lo, hi = 100 * time.Millisecond, 30 * time.Second
	lowest := func(int64) int64 { return 0 }
	highest := func(k int64) int64 { return k - 1 }
	tests := []struct {
		n        int
		min, max time.Duration
	}{
		{1, 100 * time.Millisecond, 100 * time.Millisecond},
		{2, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 200 * time.Millisecond, 400 * time.Millisecond},
		{4, 400 * time.Millisecond, 800 * time.Millisecond},
		{8, 6400 * time.Millisecond, 12800 * time.Millisecond},
		{9, 12800 * time.Millisecond, 25600 * time.Millisecond},
		{10, 15 * time.Second, 30 * time.Second},
		{11, 15 * time.Second, 30 * time.Second},
		{1000, 15 * time.Second, 30 * time.Second},
		{1 << 30, 15 * time.Second, 30 * time.Second},
	}
	for _, tt := range tests {
		if got := (Backoff{lo, hi}).delay(tt.n, lowest); got != tt.min {
			t.Errorf("delay(%d) with the lowest draw = %v, want %v", tt.n, got, tt.min)
		}
		if got := (Backoff{lo, hi}).delay(tt.n, highest); got != tt.max {
			t.Errorf("delay(%d) with the highest draw = %v, want %v", tt.n, got, tt.max)
		}
		for range 200 {
			got := Backoff{lo, hi}.delay(tt.n, rand.Int64N)
			if got < tt.min || got > tt.max {
				t.Fatalf("delay(%d) = %v, outside [%v, %v]", tt.n, got, tt.min, tt.max)
			}
		}
	}

	// Extreme bounds neither overflow nor leave [lo, hi].
	for _, b := range []struct{ lo, hi time.Duration }{
		{1, 1},
		{1, time.Duration(1<<63 - 1)},
		{time.Duration(1<<62 + 1), time.Duration(1<<63 - 1)},
		{time.Hour, time.Hour},
	} {
		for _, n := range []int{1, 2, 63, 64, 65, 1 << 20} {
			for _, draw := range []func(int64) int64{lowest, highest} {
				got := Backoff{b.lo, b.hi}.delay(n, draw)
				if got < b.lo || got > b.hi {
					t.Errorf("delay(%d, %v, %v) = %v, outside the bounds", n, b.lo, b.hi, got)
				}
			}
		}
	}
}

func TestStreamClassifyProfileMessage(t *testing.T) {
	t.Parallel()
	long := `{"id": 7, "name": "` + strings.Repeat("x", 1000) + `"}`
	tests := []struct {
		name string
		in   string
		kind EventKind
		want *UserProfile // for EventProfile
		err  string       // part of Err for EventMalformed
	}{
		{"profile", `{"id":"u1","name":"Ada","email":"ada@example.com"}`, EventProfile, &UserProfile{ID: "u1", Name: "Ada", Email: "ada@example.com"}, ""},
		{"profile with spaces", " \n\t{\"id\":\"u2\"}\r\n", EventProfile, &UserProfile{ID: "u2"}, ""},
		{"unknown members are ignored", `{"id":"u3","future":{"x":1}}`, EventProfile, &UserProfile{ID: "u3"}, ""},
		{"empty", ``, EventSignedOut, nil, ""},
		{"blank", " \n ", EventSignedOut, nil, ""},
		{"null", `null`, EventSignedOut, nil, ""},
		{"bare string", `"signed out"`, EventSignedOut, nil, ""},
		{"number", `42`, EventSignedOut, nil, ""},
		{"array", `[{"id":"u1"}]`, EventSignedOut, nil, ""},
		{"plain text", `no user`, EventSignedOut, nil, ""},
		{"absent members are zero", `{"name":"Ada"}`, EventProfile, &UserProfile{Name: "Ada"}, ""},
		{"empty object", `{}`, EventProfile, &UserProfile{}, ""},
		{"unknown enum value is kept", `{"id":"u4","allocation":{"status":{"cloud":"HIBERNATING"}}}`, EventProfile,
			&UserProfile{ID: "u4", Allocation: AllocationCloud{Status: AllocationCloudStatus{Cloud: "HIBERNATING"}}}, ""},
		{"invalid UTF-8", "\xff\xfe garbage", EventMalformed, nil, "not valid UTF-8"},
		{"invalid UTF-8 in an object", "{\"id\":\"u1\",\"name\":\"\xff\"}", EventMalformed, nil, "not valid UTF-8"},
		{"id of another type is zero", `{"id":7,"name":"Ada"}`, EventProfile, &UserProfile{Name: "Ada"}, ""},
		{"truncated object", `{"id":"u1","name":`, EventMalformed, nil, "not valid JSON"},
		{"trailing data", `{"id":"u1"} {"id":"u2"}`, EventMalformed, nil, "not valid JSON"},
		{"long", long, EventProfile, &UserProfile{Name: strings.Repeat("x", 1000)}, ""},
		{"long and cut", long[:900], EventMalformed, nil, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := classifyProfile([]byte(tt.in))
			if ev.Kind != tt.kind {
				t.Fatalf("kind = %v (Err %v), want %v", ev.Kind, ev.Err, tt.kind)
			}
			switch tt.kind {
			case EventProfile:
				if diff := cmp.Diff(tt.want, &ev.Profile.UserProfile); diff != "" {
					t.Errorf("profile (-want +got):\n%s", diff)
				}
				if raw := ev.Profile.Raw(); string(raw) != strings.TrimSpace(tt.in) {
					t.Errorf("Raw() = %s, want the message %s", raw, tt.in)
				}
				if ev.Err != nil || ev.Raw != nil {
					t.Errorf("profile event carries Err %v, Raw %q", ev.Err, ev.Raw)
				}
			case EventSignedOut:
				if ev.Profile != nil || ev.Err != nil {
					t.Errorf("signed-out event carries Profile %v, Err %v", ev.Profile, ev.Err)
				}
			case EventMalformed:
				checkMalformed(t, ev, OpStreamUser, []byte(tt.in), tt.err)
			}
		})
	}
}

func TestStreamClassifyCheckInMessage(t *testing.T) {
	t.Parallel()
	tr := true
	tests := []struct {
		name string
		in   string
		kind EventKind
		want *UserLastCheckedInStreamOutput
		err  string
	}{
		{"full", `{"needsRefresh":true,"updateRequired":true,"userId":"u1","lastCheckedIn":{"value":"2026-01-02T03:04:05Z","readable":"now"}}`, EventCheckIn,
			&UserLastCheckedInStreamOutput{NeedsRefresh: true, UpdateRequired: &tr, UserID: "u1",
				LastCheckedIn: GroupedTimestamp{Value: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Readable: "now"}}, ""},
		{"nobody signed in", `{"needsRefresh":false}`, EventSignedOut, &UserLastCheckedInStreamOutput{}, ""},
		{"as Pieces OS sends nobody", `{"needsRefresh":false,"userId":"","lastCheckedIn":{"value":"0001-01-01T00:00:00Z"}}`, EventSignedOut, &UserLastCheckedInStreamOutput{}, ""},
		{"absent needsRefresh is false", `{"userId":"u1"}`, EventCheckIn, &UserLastCheckedInStreamOutput{UserID: "u1"}, ""},
		{"null needsRefresh is false", `{"needsRefresh":null,"userId":"u1"}`, EventCheckIn, &UserLastCheckedInStreamOutput{UserID: "u1"}, ""},
		{"unknown members are ignored", `{"needsRefresh":true,"userId":"u1","future":[1,2]}`, EventCheckIn, &UserLastCheckedInStreamOutput{NeedsRefresh: true, UserID: "u1"}, ""},
		{"invalid UTF-8", "\xff\xfe garbage", EventMalformed, nil, "not valid UTF-8"},
		{"invalid UTF-8 in an object", "{\"needsRefresh\":true,\"userId\":\"\xff\"}", EventMalformed, nil, "not valid UTF-8"},
		{"member of another type is zero", `{"needsRefresh":"yes","userId":"u1"}`, EventCheckIn, &UserLastCheckedInStreamOutput{UserID: "u1"}, ""},
		{"bad time is zero", `{"needsRefresh":true,"userId":"u1","lastCheckedIn":{"value":"yesterday"}}`, EventCheckIn, &UserLastCheckedInStreamOutput{NeedsRefresh: true, UserID: "u1"}, ""},
		{"null", `null`, EventMalformed, nil, "not a JSON object"},
		{"empty", ``, EventMalformed, nil, "not a JSON object"},
		{"text", `hello`, EventMalformed, nil, "not a JSON object"},
		{"truncated", `{"needsRefresh":`, EventMalformed, nil, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := classifyCheckIn([]byte(tt.in))
			if ev.Kind != tt.kind {
				t.Fatalf("kind = %v (Err %v), want %v", ev.Kind, ev.Err, tt.kind)
			}
			if tt.kind != EventMalformed {
				if diff := cmp.Diff(tt.want, ev.CheckIn); diff != "" {
					t.Errorf("check-in (-want +got):\n%s", diff)
				}
				return
			}
			checkMalformed(t, ev, OpStreamUserLastCheckedIn, []byte(tt.in), tt.err)
		})
	}
}

// checkMalformed checks an EventMalformed for the message in.
func checkMalformed(t *testing.T, ev Event, op string, in []byte, why string) {
	t.Helper()
	if !errors.Is(ev.Err, ErrMalformedResponse) {
		t.Errorf("Err = %v, want it to match ErrMalformedResponse", ev.Err)
	}
	if e, ok := errors.AsType[*Error](ev.Err); !ok || e.Op != op {
		t.Errorf("Err = %#v, want an *Error of %s", ev.Err, op)
	}
	if ev.Err != nil && !strings.Contains(ev.Err.Error(), why) {
		t.Errorf("Err = %q, want it to mention %q", ev.Err, why)
	}
	want := in[:min(len(in), maxRawExcerpt)]
	if !bytes.Equal(ev.Raw, want) {
		t.Errorf("Raw = %q, want %q", ev.Raw, want)
	}
	if ev.Profile != nil || ev.CheckIn != nil {
		t.Errorf("malformed event carries data: %+v", ev)
	}
}

// FuzzStreamClassifyProfileMessage checks the invariants of the
// classifier: every input gives exactly one well-formed event.
func FuzzStreamClassifyProfileMessage(f *testing.F) {
	for _, s := range []string{``, `null`, `{}`, `{"id":"u"}`, `{"id":1}`, `"x"`, `[1]`, `{"id":"u"`, "\xff{", ` {"id":"\u0000"}`,
		"\xff\xfe garbage", "{\"id\":\"\xc3\"}", "\xed\xa0\x80"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev := classifyProfile(data)
		if ev.Kind != EventMalformed && !utf8.Valid(data) {
			t.Fatalf("%q is not valid UTF-8 but gave %v", data, ev.Kind)
		}
		switch ev.Kind {
		case EventProfile:
			if ev.Profile == nil || ev.Err != nil || ev.Raw != nil {
				t.Fatalf("bad profile event %+v", ev)
			}
			var want UserProfile
			if err := lossless.Decode(data, &want); err != nil {
				t.Fatalf("%q gave a profile, but lossless.Decode fails: %v", data, err)
			}
			if diff := cmp.Diff(&want, &ev.Profile.UserProfile); diff != "" {
				t.Fatalf("profile of %q differs from lossless.Decode (-want +got):\n%s", data, diff)
			}
		case EventSignedOut:
			if ev.Profile != nil || ev.Err != nil {
				t.Fatalf("bad signed-out event %+v", ev)
			}
			if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' {
				t.Fatalf("an object-like message %q was taken for signed-out", data)
			}
		case EventMalformed:
			if ev.Err == nil || len(ev.Raw) > maxRawExcerpt || !bytes.HasPrefix(data, ev.Raw) {
				t.Fatalf("bad malformed event %+v", ev)
			}
		default:
			t.Fatalf("unexpected kind %v", ev.Kind)
		}
	})
}

func TestStreamURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base string
		ep   *endpoint
		want string
	}{
		{"http://127.0.0.1:39300", &epStreamUser, "ws://127.0.0.1:39300/user/stream"},
		{"https://pieces.example:8443", &epStreamUser, "wss://pieces.example:8443/user/stream"},
		{"http://localhost:1000/prefix/", &epStreamUserLastCheckedIn, "ws://localhost:1000/prefix/user/last_checked_in/stream"},
		{"https://[::1]:5323/a/b", &epStreamUserLastCheckedIn, "wss://[::1]:5323/a/b/user/last_checked_in/stream"},
	}
	for _, tt := range tests {
		c := newStreamClient(t, tt.base, WithInsecureCredentials())
		w := &watcher{c: c.c, ep: tt.ep}
		u, err := w.url(t.Context())
		if err != nil || u.String() != tt.want {
			t.Errorf("url of %s at %q = %v, %v; want %q", tt.ep.op, tt.base, u, err, tt.want)
		}
	}
}

func TestWatchInvalidOptions(t *testing.T) {
	t.Parallel()
	c := newStreamClient(t, "http://127.0.0.1:1")
	tests := []struct {
		name string
		opts WatchOptions
		want string
	}{
		{"negative read limit", WatchOptions{ReadLimit: -1}, "ReadLimit"},
		{"negative ping timeout", WatchOptions{PingTimeout: -1}, "PingTimeout"},
		{"negative dial timeout", WatchOptions{DialTimeout: -time.Second}, "DialTimeout"},
		{"zero shortest wait", WatchOptions{Backoff: Backoff{Max: time.Second}}, "shortest wait"},
		{"inverted backoff", WatchOptions{Backoff: Backoff{Min: time.Second, Max: time.Millisecond}}, "below the shortest"},
	}
	for _, tt := range tests {
		for name, watch := range map[string]func(context.Context, *WatchOptions) (*Stream, error){
			"WatchProfile": c.WatchProfile, "WatchCheckIns": c.WatchCheckIns,
		} {
			s, err := watch(t.Context(), &tt.opts)
			if err == nil {
				_ = s.Close()
				t.Errorf("%s with %s: no error", name, tt.name)
				continue
			}
			if s != nil || !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s with %s: (%v, %v), want a nil stream and an ErrInvalidInput naming %q", name, tt.name, s, err, tt.want)
			}
		}
	}

	var nilCtx context.Context // the input under test
	if s, err := c.WatchProfile(nilCtx, nil); err == nil || s != nil || !strings.Contains(err.Error(), "nil context") {
		t.Errorf("WatchProfile(nil) = (%v, %v), want an error about the nil context", s, err)
	}
	var nilClient *Client
	if s, err := nilClient.WatchCheckIns(t.Context(), nil); err == nil || s != nil {
		t.Errorf("WatchCheckIns on a nil *Client = (%v, %v), want an error", s, err)
	}
	// Valid options, nil included, are accepted.
	for _, o := range []*WatchOptions{nil, {ReadLimit: 1, Backoff: Backoff{time.Hour, time.Hour}, PingInterval: -1, PingTimeout: time.Second, DialTimeout: time.Second}} {
		s, err := c.WatchProfile(t.Context(), o)
		if err != nil {
			t.Fatalf("WatchProfile with valid options %+v: %v", o, err)
		}
		_ = s.Close()
	}
}

func TestWatchProfileHandshake(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	base := startFake(t, f)
	c := newStreamClient(t, base+"/prefix/", WithUserAgent("stream-agent/2"))
	s := watchProfile(t, c, fastBackoff())

	expectKind(t, s, EventConnected)
	ev := expectKind(t, s, EventProfile)
	want := &UserProfile{ID: "u1", Name: "Ada", Email: "Ada@example.com"}
	if diff := cmp.Diff(want, &ev.Profile.UserProfile); diff != "" {
		t.Errorf("profile (-want +got):\n%s", diff)
	}
	reqs := f.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d handshakes, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Path != "/prefix/user/stream" {
		t.Errorf("path = %q, want /prefix/user/stream", r.Path)
	}
	if got := r.Header.Get("X-Application-ID"); got != "stream-test" {
		t.Errorf("X-Application-ID = %q, want stream-test", got)
	}
	if got := r.Header.Get("User-Agent"); got != "stream-agent/2" {
		t.Errorf("User-Agent = %q, want stream-agent/2", got)
	}
	if got := r.Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q, want none", got)
	}
}

func TestWatchProfileNoUserAgent(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	c := newStreamClient(t, startFake(t, f), WithUserAgent(""))
	s := watchProfile(t, c, fastBackoff())
	waitFor(t, s, "profile", isProfile("Ada"))
	if ua, ok := f.Requests()[0].Header["User-Agent"]; ok {
		t.Errorf("User-Agent = %q, want none", ua)
	}
}

func TestWatchProfileTLS(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	srv := httptest.NewTLSServer(f)
	t.Cleanup(func() {
		f.Close()
		srv.Close()
	})
	c := newStreamClient(t, srv.URL, WithHTTPClient(srv.Client()))
	s := watchProfile(t, c, fastBackoff())
	expectKind(t, s, EventConnected)
	if ev := expectKind(t, s, EventProfile); ev.Profile.ID != "u1" {
		t.Errorf("profile id = %q, want u1", ev.Profile.ID)
	}
}

func TestWatchCheckIns(t *testing.T) {
	t.Parallel()
	f := newFakeStreams([]byte(`{"needsRefresh":false,"userId":"u1"}`))
	c := newStreamClient(t, startFake(t, f))
	s, err := c.WatchCheckIns(t.Context(), fastBackoff())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })

	expectKind(t, s, EventConnected)
	if ev := expectKind(t, s, EventCheckIn); ev.CheckIn.UserID != "u1" || ev.CheckIn.NeedsRefresh {
		t.Errorf("first check-in = %+v", ev.CheckIn)
	}
	if p := f.Requests()[0].Path; p != "/user/last_checked_in/stream" {
		t.Errorf("path = %q, want /user/last_checked_in/stream", p)
	}

	f.Send(websocket.MessageText, []byte(`null`))
	ev := expectKind(t, s, EventMalformed)
	checkMalformed(t, ev, OpStreamUserLastCheckedIn, []byte(`null`), "not a JSON object")

	f.Set([]byte(`{"needsRefresh":true,"userId":"u1"}`))
	if ev := expectKind(t, s, EventCheckIn); !ev.CheckIn.NeedsRefresh {
		t.Errorf("second check-in = %+v, want needsRefresh", ev.CheckIn)
	}

	// After a drop the current state arrives again.
	f.Drop()
	seen := waitFor(t, s, "check-in after reconnection", func(ev Event) bool { return ev.Kind == EventCheckIn })
	if !ev0(seen, EventDisconnected) || !ev0(seen, EventConnected) || !seen[len(seen)-1].CheckIn.NeedsRefresh {
		t.Errorf("after a drop saw %v, want disconnected, connected and the newest check-in", kinds(seen))
	}
}

// ev0 reports whether evs holds an event of kind k.
func ev0(evs []Event, k EventKind) bool {
	for _, ev := range evs {
		if ev.Kind == k {
			return true
		}
	}
	return false
}

func TestWatchProfileSignedOutAndMalformed(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	c := newStreamClient(t, startFake(t, f))
	s := watchProfile(t, c, fastBackoff())
	expectKind(t, s, EventConnected)
	expectKind(t, s, EventProfile)

	garbage := append([]byte(`{"id":`), bytes.Repeat([]byte("9"), 1000)...)
	steps := []struct {
		typ  websocket.MessageType
		msg  []byte
		kind EventKind
		why  string
	}{
		{websocket.MessageText, []byte(`null`), EventSignedOut, ""},
		{websocket.MessageText, profileMsg(t, "u1", "Ada"), EventProfile, ""},
		{websocket.MessageText, []byte(``), EventSignedOut, ""},
		{websocket.MessageBinary, profileMsg(t, "u1", "Ada"), EventMalformed, "binary"},
		{websocket.MessageText, []byte("\xff\xfe garbage"), EventMalformed, "not valid UTF-8"},
		{websocket.MessageText, []byte(`{"name":"nobody"}`), EventProfile, ""},
		{websocket.MessageText, garbage, EventMalformed, "not valid JSON"},
		{websocket.MessageText, profileMsg(t, "u2", "Grace"), EventProfile, ""},
	}
	for i, st := range steps {
		f.Send(st.typ, st.msg)
		ev := nextEvent(t, s)
		if ev.Kind != st.kind {
			t.Fatalf("step %d: got %v (Err %v), want %v", i, ev.Kind, ev.Err, st.kind)
		}
		if st.kind == EventMalformed {
			op := OpStreamUser
			checkMalformed(t, ev, op, st.msg, st.why)
		}
	}
	if len(f.Requests()) != 1 {
		t.Errorf("%d handshakes, want 1: malformed messages must not end the connection", len(f.Requests()))
	}
}

func TestWatchProfileOversizedMessage(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	c := newStreamClient(t, startFake(t, f))
	s := watchProfile(t, c, &WatchOptions{Backoff: Backoff{Min: time.Millisecond, Max: 20 * time.Millisecond}, ReadLimit: 1024})
	expectKind(t, s, EventConnected)
	expectKind(t, s, EventProfile)

	big := profileMsg(t, "u1", strings.Repeat("A", 2048))
	f.Send(websocket.MessageText, big)
	ev := expectKind(t, s, EventDisconnected)
	if !errors.Is(ev.Err, ErrResponseTooLarge) || !strings.Contains(ev.Err.Error(), "limit of 1024 bytes") {
		t.Errorf("Err = %v, want ErrResponseTooLarge naming the limit of 1024 bytes", ev.Err)
	}
	select {
	case code := <-f.ends:
		if code != websocket.StatusMessageTooBig {
			t.Errorf("the server saw the connection end with %v, want StatusMessageTooBig", code)
		}
	case <-time.After(waitLimit):
		t.Fatal("the server connection did not end")
	}
	if ev := expectKind(t, s, EventRetrying); ev.Attempt != 1 {
		t.Errorf("Attempt = %d, want 1", ev.Attempt)
	}
	expectKind(t, s, EventConnected)
	expectKind(t, s, EventProfile)
}

func TestWatchProfileHandshakeStatus(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	f.FailNext(2, http.StatusNetworkAuthenticationRequired, "sign in first")
	c := newStreamClient(t, startFake(t, f))
	s := watchProfile(t, c, fastBackoff())

	for attempt := 1; attempt <= 2; attempt++ {
		ev := expectKind(t, s, EventDisconnected)
		if !errors.Is(ev.Err, ErrNotSignedIn) {
			t.Errorf("Err = %v, want it to match ErrNotSignedIn", ev.Err)
		}
		var e *Error
		if !errors.As(ev.Err, &e) || e.Op != OpStreamUser || e.StatusCode != 511 || e.Body != "sign in first" {
			t.Errorf("Err = %#v, want *Error{Op: streamUser, StatusCode: 511, Body: sign in first}", ev.Err)
		}
		if ev := expectKind(t, s, EventRetrying); ev.Attempt != attempt || ev.RetryIn <= 0 {
			t.Errorf("retry %d: Attempt %d, RetryIn %v", attempt, ev.Attempt, ev.RetryIn)
		}
	}
	expectKind(t, s, EventConnected)
	expectKind(t, s, EventProfile)

	// 404 says that the stream is missing: the retry after it waits the
	// maximum backoff.
	f.FailNext(1, http.StatusNotFound, "")
	f.Drop()
	seen := waitFor(t, s, "a 404", func(ev Event) bool { return ev.Kind == EventDisconnected && statusCode(ev.Err) == 404 })
	if err := seen[len(seen)-1].Err; !errors.Is(err, ErrNotFound) {
		t.Errorf("Err = %v, want it to match ErrNotFound", err)
	}
	if r := expectKind(t, s, EventRetrying); r.RetryIn != 20*time.Millisecond {
		t.Errorf("RetryIn after a 404 = %v, want the maximum backoff of fastBackoff", r.RetryIn)
	}
	waitFor(t, s, "profile", isProfile("Ada"))
}

// restartableServer serves a handler on a fixed loopback address and can be
// stopped and started again on that address, like a restarted Pieces OS.
type restartableServer struct {
	t    *testing.T
	f    *fakeStreams
	addr string
	hs   *http.Server
	done chan struct{}
}

func startRestartable(t *testing.T, f *fakeStreams) *restartableServer {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &restartableServer{t: t, f: f, addr: l.Addr().String()}
	r.serve(l)
	t.Cleanup(func() {
		f.Close()
		r.stop()
	})
	return r
}

func (r *restartableServer) serve(l net.Listener) {
	r.hs = &http.Server{Handler: r.f}
	r.done = make(chan struct{})
	hs, done := r.hs, r.done
	go func() {
		defer close(done)
		_ = hs.Serve(l)
	}()
}

// stop closes the listener and every connection, WebSocket ones included.
func (r *restartableServer) stop() {
	if r.hs == nil {
		return
	}
	_ = r.hs.Close()
	<-r.done
	r.f.Drop()
	r.hs = nil
}

// start listens again on the same address.
func (r *restartableServer) start() {
	r.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		l, err := net.Listen("tcp", r.addr)
		if err == nil {
			r.serve(l)
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("listen again on %s: %v", r.addr, err)
		}
		time.Sleep(10 * time.Millisecond) // the port is briefly busy; try again
	}
}

func TestWatchProfileServerRestart(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "before"))
	srv := startRestartable(t, f)
	c := newStreamClient(t, "http://"+srv.addr)
	s := watchProfile(t, c, fastBackoff())
	expectKind(t, s, EventConnected)
	waitFor(t, s, "first profile", isProfile("before"))

	srv.stop()
	// The stream notices and retries against a closed port at least once.
	waitFor(t, s, "disconnection", func(ev Event) bool { return ev.Kind == EventDisconnected })
	waitFor(t, s, "failed redial", func(ev Event) bool { return ev.Kind == EventDisconnected })
	// The profile changes while Pieces OS is down.
	f.Set(profileMsg(t, "u1", "after"))
	srv.start()

	seen := waitFor(t, s, "profile after restart", isProfile("after"))
	if !ev0(seen, EventConnected) {
		t.Errorf("saw %v, want a connected event before the new profile", kinds(seen))
	}
	if n := len(f.Requests()); n != 2 {
		t.Errorf("%d handshakes reached the server, want 2: one before and one after the restart", n)
	}
}

func TestWatchProfileAbruptDrop(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	c := newStreamClient(t, startFake(t, f))
	s := watchProfile(t, c, fastBackoff())
	expectKind(t, s, EventConnected)
	expectKind(t, s, EventProfile)

	f.Drop()
	ev := expectKind(t, s, EventDisconnected)
	if websocket.CloseStatus(ev.Err) != -1 {
		t.Errorf("Err = %v, want no close status after a drop", ev.Err)
	}
	if e, ok := errors.AsType[*Error](ev.Err); !ok || e.Op != OpStreamUser || !strings.Contains(ev.Err.Error(), "connection lost") {
		t.Errorf("Err = %v, want an *Error of streamUser saying the connection was lost", ev.Err)
	}
	if ev := expectKind(t, s, EventRetrying); ev.Attempt != 1 {
		t.Errorf("Attempt = %d, want 1 after a healthy connection", ev.Attempt)
	}
	expectKind(t, s, EventConnected)
	expectKind(t, s, EventProfile)
}

func TestWatchProfileCloseCodes(t *testing.T) {
	t.Parallel()
	for _, code := range []websocket.StatusCode{websocket.StatusInternalError, websocket.StatusGoingAway, websocket.StatusPolicyViolation, websocket.StatusNormalClosure} {
		t.Run(code.String(), func(t *testing.T) {
			t.Parallel()
			f := newFakeStreams(profileMsg(t, "u1", "Ada"))
			c := newStreamClient(t, startFake(t, f))
			s := watchProfile(t, c, fastBackoff())
			expectKind(t, s, EventConnected)
			expectKind(t, s, EventProfile)

			f.CloseConns(code, "bye")
			ev := expectKind(t, s, EventDisconnected)
			if got := websocket.CloseStatus(ev.Err); got != code {
				t.Errorf("close status of Err %v = %v, want %v", ev.Err, got, code)
			}
			if !strings.Contains(ev.Err.Error(), fmt.Sprintf("status %d", int(code))) {
				t.Errorf("Err = %q, want it to name status %d", ev.Err, int(code))
			}
			expectKind(t, s, EventRetrying)
			expectKind(t, s, EventConnected)
			expectKind(t, s, EventProfile)
		})
	}
}

func TestWatchProfileCloseSendsNormalClosure(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"Close", "cancel"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			f := newFakeStreams(profileMsg(t, "u1", "Ada"))
			c := newStreamClient(t, startFake(t, f))
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s, err := c.WatchProfile(ctx, fastBackoff())
			if err != nil {
				t.Fatal(err)
			}
			expectKind(t, s, EventConnected)
			expectKind(t, s, EventProfile)

			if how == "Close" {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			} else {
				cancel()
			}
			waitClosed(t, s)
			select {
			case code := <-f.ends:
				if code != websocket.StatusNormalClosure {
					t.Errorf("the server saw the connection end with %v, want StatusNormalClosure", code)
				}
			case <-time.After(waitLimit):
				t.Fatal("the server connection did not end")
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close after the end: %v", err)
			}
		})
	}
}

func TestWatchProfileCloseConcurrent(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	c := newStreamClient(t, startFake(t, f))
	s := watchProfile(t, c, fastBackoff())
	expectKind(t, s, EventConnected)

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			// Close has returned: Events is closed already.
			select {
			case _, ok := <-s.Events():
				if ok {
					t.Error("an event arrived after Close returned")
				}
			default:
				t.Error("Events still open after Close returned")
			}
		})
	}
	wg.Wait()
}

func TestStreamCloseWithoutWatch(t *testing.T) {
	t.Parallel()
	var zero Stream
	if err := zero.Close(); err != nil {
		t.Errorf("Close of a zero Stream: %v", err)
	}
	var nilStream *Stream
	if err := nilStream.Close(); err != nil {
		t.Errorf("Close of a nil *Stream: %v", err)
	}
}

func TestWatchProfileCloseFromConsumer(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	c := newStreamClient(t, startFake(t, f))
	s := watchProfile(t, c, fastBackoff())
	n := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range s.Events() {
			n++
			if ev.Kind == EventProfile {
				if err := s.Close(); err != nil { // must not wait for this loop
					t.Errorf("Close: %v", err)
				}
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(waitLimit):
		t.Fatal("Close called by the consumer did not end the stream")
	}
	if n != 2 {
		t.Errorf("received %d events, want connected and profile", n)
	}
}

func TestWatchProfileManySubscribers(t *testing.T) {
	t.Parallel()
	const n = 100
	f := newFakeStreams(profileMsg(t, "u1", "first"))
	c := newStreamClient(t, startFake(t, f))
	streams := make([]*Stream, n)
	for i := range streams {
		streams[i] = watchProfile(t, c, fastBackoff())
	}
	for _, s := range streams {
		waitFor(t, s, "first profile", isProfile("first"))
	}
	f.Set(profileMsg(t, "u1", "second"))
	var wg sync.WaitGroup
	for _, s := range streams {
		wg.Go(func() { waitFor(t, s, "second profile", isProfile("second")) })
	}
	wg.Wait()
	if got := len(f.Requests()); got != n {
		t.Errorf("%d handshakes, want %d", got, n)
	}
	for _, s := range streams {
		_ = s.Close()
	}
	for range n {
		select {
		case code := <-f.ends:
			if code != websocket.StatusNormalClosure {
				t.Errorf("a connection ended with %v, want StatusNormalClosure", code)
			}
		case <-time.After(waitLimit):
			t.Fatal("not every server connection ended")
		}
	}
}

func TestWatchProfileCancelDuringDial(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	release := f.Hold()
	defer release()
	c := newStreamClient(t, startFake(t, f))
	ctx, cancel := context.WithCancel(t.Context())
	s, err := c.WatchProfile(ctx, &WatchOptions{Backoff: Backoff{Min: time.Millisecond, Max: 20 * time.Millisecond}, DialTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.arrived:
	case <-time.After(waitLimit):
		t.Fatal("the handshake never arrived")
	}
	cancel()
	if seen := waitClosed(t, s); len(seen) != 0 {
		t.Errorf("saw %v after cancelling a dial, want no event", kinds(seen))
	}
}

func TestWatchProfileCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	f.FailNext(1, http.StatusServiceUnavailable, "starting")
	c := newStreamClient(t, startFake(t, f))
	ctx, cancel := context.WithCancel(t.Context())
	s, err := c.WatchProfile(ctx, &WatchOptions{Backoff: Backoff{Min: time.Hour, Max: 2 * time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	expectKind(t, s, EventDisconnected)
	if ev := expectKind(t, s, EventRetrying); ev.RetryIn != time.Hour {
		t.Errorf("RetryIn = %v, want 1h", ev.RetryIn)
	}
	cancel()
	waitClosed(t, s)
	if n := len(f.Requests()); n != 1 {
		t.Errorf("%d handshakes, want 1", n)
	}
}

// TestWatchProfileSlowConsumer sends 10,000 large profiles to a consumer
// that does not read, and checks that the stream holds on to none of them
// but the newest. It is not parallel, so that the heap it measures is its
// own.
func TestWatchProfileSlowConsumer(t *testing.T) {
	const updates = 10_000
	const bound = 16 << 20
	pad := strings.Repeat("p", 4<<10) // 10,000 of them weigh 40 MB: keeping them would break the bound
	f := newFakeStreams(profileMsg(t, "u1", "start"))
	c := newStreamClient(t, startFake(t, f))
	s := watchProfile(t, c, fastBackoff())
	expectKind(t, s, EventConnected)
	waitFor(t, s, "first profile", isProfile("start"))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	for i := range updates {
		p := UserProfile{ID: "u1", Name: fmt.Sprintf("update-%d", i), APIKeys: []string{pad}}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Send(websocket.MessageText, b)
	}
	f.Sync(t) // the stream has read every update, and nobody has received one

	runtime.GC()
	runtime.ReadMemStats(&after)
	growth := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap growth after %d unread updates: %d bytes", updates, growth)
	if growth > bound {
		t.Errorf("heap grew by %d bytes, want at most %d", growth, bound)
	}

	last := fmt.Sprintf("update-%d", updates-1)
	seen := waitFor(t, s, "last update", isProfile(last))
	// Connection-state events may come between (a loaded machine can miss a
	// ping), but of the 10,000 profiles the consumer sees at most the one
	// being handed over when it stopped reading, then the newest.
	var stale int
	for _, ev := range seen {
		if ev.Kind == EventProfile || ev.Kind == EventSignedOut {
			stale++
		}
	}
	if stale > 2 {
		t.Errorf("the slow consumer received %d profiles before the newest, want at most 2: %v", stale, kinds(seen))
	}
	select {
	case ev := <-s.Events():
		t.Errorf("unexpected %v event after the newest profile", ev.Kind)
	default:
	}
}

// TestWatchProfileStateQueueBound checks that connection-state events pile
// up to maxPendingState at most while nobody reads, the newest kept.
func TestWatchProfileStateQueueBound(t *testing.T) {
	t.Parallel()
	f := newFakeStreams(profileMsg(t, "u1", "Ada"))
	f.FailNext(1000, http.StatusServiceUnavailable, "")
	c := newStreamClient(t, startFake(t, f))
	s := watchProfile(t, c, &WatchOptions{Backoff: Backoff{Min: time.Microsecond, Max: time.Microsecond}})
	// Let at least 40 failed handshakes (80 state events) go unread.
	for range 40 {
		select {
		case <-f.arrived:
		case <-time.After(waitLimit):
			t.Fatal("handshakes stopped")
		}
	}
	s.s.mu.Lock()
	queued := len(s.s.queue)
	s.s.mu.Unlock()
	if queued > maxPendingState+2 {
		t.Errorf("%d events queued, want at most %d", queued, maxPendingState+2)
	}
	f.FailNext(0, 0, "")
	waitFor(t, s, "profile", isProfile("Ada"))
}

// TestStreamPushConflation checks the queue policy without a connection.
func TestStreamPushConflation(t *testing.T) {
	t.Parallel()
	s := &stream{notify: make(chan struct{}, 1)}
	s.push(Event{Kind: EventConnected})
	s.push(Event{Kind: EventProfile, Profile: &Profile{UserProfile: UserProfile{ID: "1"}}})
	s.push(Event{Kind: EventMalformed, Raw: []byte("a")})
	s.push(Event{Kind: EventSignedOut})
	s.push(Event{Kind: EventMalformed, Raw: []byte("b")})
	s.push(Event{Kind: EventDisconnected})
	for range maxPendingState {
		s.push(Event{Kind: EventRetrying})
	}
	s.push(Event{Kind: EventProfile, Profile: &Profile{UserProfile: UserProfile{ID: "2"}}})
	var got []string
	for _, p := range s.queue {
		got = append(got, p.ev.Kind.String())
	}
	want := []string{"malformed"}
	for range maxPendingState {
		want = append(want, "retrying")
	}
	want = append(want, "profile")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("queue (-want +got):\n%s", diff)
	}
	if p := s.queue[len(s.queue)-1].ev.Profile; p.ID != "2" {
		t.Errorf("kept profile %q, want the newest", p.ID)
	}
	if raw := s.queue[0].ev.Raw; string(raw) != "b" {
		t.Errorf("kept malformed %q, want the newest", raw)
	}
}

func BenchmarkStreamClassifyProfileMessage(b *testing.B) {
	p := UserProfile{
		ID: "0f3c2a7e-5b7d-4c1e-9a43-2d7f1c9e8b10", Name: "Ada Lovelace", Email: "ada@example.com",
		Username: "ada", Vanityname: "ada", APIKeys: []string{strings.Repeat("k", 64), strings.Repeat("q", 64)},
	}
	msg, err := json.Marshal(p)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if ev := classifyProfile(msg); ev.Kind != EventProfile {
			b.Fatalf("got %v", ev.Kind)
		}
	}
}

// BenchmarkStreamDelivery measures one event through the queue to a
// consumer that keeps up.
func BenchmarkStreamDelivery(b *testing.B) {
	ctx, cancel := context.WithCancel(b.Context())
	s := &stream{events: make(chan Event), notify: make(chan struct{}, 1), cancel: cancel}
	s.wg.Go(func() { s.deliver(ctx) })
	defer (&Stream{s}).Close()
	p := &Profile{UserProfile: UserProfile{ID: "u1"}}
	b.ReportAllocs()
	for b.Loop() {
		s.push(Event{Kind: EventProfile, Profile: p})
		<-s.events
	}
}

// BenchmarkWatchProfileMessage measures one profile message from a
// loopback server to the consumer, end to end.
func BenchmarkWatchProfileMessage(b *testing.B) {
	msg := profileMsg(b, "u1", "Ada")
	// The fake sends msg first on the connection: once it has arrived, the
	// fake holds the connection, and Send reaches it. (EventConnected alone
	// can come before the fake has registered the connection.)
	f := newFakeStreams(msg)
	srv := httptest.NewServer(f)
	defer srv.Close()
	defer f.Close()
	c := newStreamClient(b, srv.URL)
	s, err := c.WatchProfile(b.Context(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	expectKind(b, s, EventConnected)
	expectKind(b, s, EventProfile)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		// One message at a time, so that conflation skips none.
		f.Send(websocket.MessageText, msg)
		expectKind(b, s, EventProfile)
	}
}
