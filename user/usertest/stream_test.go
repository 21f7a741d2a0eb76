package usertest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// TestProfileStream follows /user/stream through a day of changes: the
// first message is the current profile, then every change arrives in
// order, and signing out sends an empty text message.
func TestProfileStream(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	c := newClient(t, srv)
	ws := dial(t, srv, "/user/stream")

	if diff := cmp.Diff(usertest.DefaultProfile(), readProfile(t, ws)); diff != "" {
		t.Fatalf("first message (-want +got):\n%s", diff)
	}

	p := usertest.DefaultProfile()
	p.Vanityname = "enchantress"
	if res, err := c.UserUpdateVanityWithResponse(testCtx(t), p); err != nil || res.StatusCode() != 200 {
		t.Fatalf("update vanity: %v %v", res.StatusCode(), err)
	}
	if got := readProfile(t, ws); got.Vanityname != "enchantress" {
		t.Errorf("after userUpdateVanity: vanityname %q", got.Vanityname)
	}

	p.Name = "A. A. L."
	if res, err := c.UpdateUserWithResponse(testCtx(t), p); err != nil || res.StatusCode() != 200 {
		t.Fatalf("update: %v %v", res.StatusCode(), err)
	}
	if got := readProfile(t, ws); got.Name != "A. A. L." {
		t.Errorf("after updateUser: name %q", got.Name)
	}

	if res, err := c.UserAssociateEntityWithResponse(testCtx(t), p.ID, "team-9", gen.EntityAssociateToUserInput{}); err != nil || res.StatusCode() != 204 {
		t.Fatalf("associate: %v %v", res.StatusCode(), err)
	}
	if got := readProfile(t, ws); len(got.Entities.Iterable) != 2 {
		t.Errorf("after associate: %d entities, want 2", len(got.Entities.Iterable))
	}

	if res, err := c.ClearUserWithResponse(testCtx(t)); err != nil || res.StatusCode() != 204 {
		t.Fatalf("clear: %v %v", res.StatusCode(), err)
	}
	if got := read(t, ws); len(got) != 0 {
		t.Errorf("signed-out message is %q, want an empty text message", got)
	}

	srv.SignIn(usertest.DefaultProfile())
	if got := readProfile(t, ws); got.ID != usertest.DefaultProfile().ID {
		t.Errorf("after SignIn: user %q", got.ID)
	}
}

func TestProfileStreamSignedOut(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SignOut()
	ws := dial(t, srv, "/user/stream")
	if got := read(t, ws); len(got) != 0 {
		t.Fatalf("first message when signed out is %q, want empty", got)
	}
	// A knob that changes the stored profile of a signed-out server pushes
	// nothing; signing in does.
	srv.SetProfile(usertest.DefaultProfile())
	srv.SignIn(usertest.DefaultProfile())
	if got := readProfile(t, ws); got.ID == "" {
		t.Error("no profile after SignIn")
	}
}

func TestCheckInStream(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t, usertest.WithCheckInInterval(time.Millisecond))
	ws := dial(t, srv, "/user/last_checked_in/stream")

	decode := func() (gen.UserLastCheckedInStreamOutput, map[string]any) {
		t.Helper()
		data := read(t, ws)
		var out gen.UserLastCheckedInStreamOutput
		var raw map[string]any
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("message %q: %v", data, err)
		}
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatalf("message %q: %v", data, err)
		}
		return out, raw
	}
	for range 3 {
		out, raw := decode()
		if _, ok := raw["needsRefresh"]; !ok {
			t.Errorf("message lacks the required needsRefresh: %v", raw)
		}
		if out.UserID != usertest.DefaultProfile().ID || out.LastCheckedIn.Value.IsZero() || out.NeedsRefresh {
			t.Errorf("message %+v", out)
		}
	}

	// A change of the profile behind the client's back asks for a refresh
	// in a later message.
	srv.SetProfile(usertest.DefaultProfile())
	var refresh bool
	for range 1000 {
		if out, _ := decode(); out.NeedsRefresh {
			refresh = true
			break
		}
	}
	if !refresh {
		t.Error("no message said needsRefresh after SetProfile")
	}

	srv.SignOut()
	for range 1000 {
		if out, _ := decode(); out.UserID == "" {
			return
		}
	}
	t.Error("check-in messages still name a user after SignOut")
}

func TestDropStreams(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	ctx := testCtx(t)
	profile := dial(t, srv, "/user/stream")
	checkIns := dial(t, srv, "/user/last_checked_in/stream")
	if err := srv.WaitStreams(ctx, 2); err != nil {
		t.Fatal(err)
	}
	read(t, profile)
	read(t, checkIns)

	if n := srv.DropStreams(); n != 2 {
		t.Errorf("DropStreams closed %d streams, want 2", n)
	}
	for _, ws := range []*websocket.Conn{profile, checkIns} {
		// Drain what was already on the wire until the connection fails.
		var err error
		for err == nil {
			_, _, err = ws.Read(ctx)
		}
		if st := websocket.CloseStatus(err); st != -1 {
			t.Errorf("a dropped stream ended with close status %v, want no close frame", st)
		}
	}

	// A client that reconnects is counted again.
	reconnected := make(chan error, 1)
	go func() { reconnected <- srv.WaitStreams(ctx, 1) }()
	again := dial(t, srv, "/user/stream")
	if err := <-reconnected; err != nil {
		t.Fatal(err)
	}
	if got := readProfile(t, again); got.ID == "" {
		t.Error("no profile after reconnecting")
	}
}

func TestCloseEndsStreamsNormally(t *testing.T) {
	t.Parallel()
	srv, err := usertest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	ws := dial(t, srv, "/user/stream")
	readProfile(t, ws)

	ended := make(chan error, 1)
	go func() {
		_, _, err := ws.Read(testCtx(t))
		ended <- err
	}()
	srv.Close()
	if st := websocket.CloseStatus(<-ended); st != websocket.StatusNormalClosure {
		t.Errorf("close status %v, want %v", st, websocket.StatusNormalClosure)
	}
	if err := srv.WaitStreams(testCtx(t), 1); !errors.Is(err, usertest.ErrClosed) {
		t.Errorf("WaitStreams after Close: %v, want ErrClosed", err)
	}
}

// TestCloseWithSilentClient closes the server under a client that reads
// nothing: Close must not wait for it, and the client still finds the
// state and a normal closure when it reads afterwards.
func TestCloseWithSilentClient(t *testing.T) {
	t.Parallel()
	srv, err := usertest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	ws := dial(t, srv, "/user/stream")
	if err := srv.WaitStreams(testCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	readProfile(t, ws)
	if _, _, err := ws.Read(testCtx(t)); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("after the state: %v, want a normal closure", err)
	}
}

func TestStreamUpgradeRefused(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	if err := srv.FailNext("streamUser", 1, http.StatusServiceUnavailable, "warming up"); err != nil {
		t.Fatal(err)
	}
	_, res, err := websocket.Dial(testCtx(t), wsURL(srv, "/user/stream"), nil)
	if err == nil {
		t.Fatal("the upgrade succeeded despite FailNext")
	}
	if res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("got %v, want a 503 answer", err)
	}
	// The next attempt goes through.
	ws := dial(t, srv, "/user/stream")
	readProfile(t, ws)

	// A plain GET that asks for no upgrade is refused.
	plain := send(t, srv, http.MethodGet, "/user/stream", "", nil)
	if plain.status < 400 || plain.status > 499 {
		t.Errorf("plain GET of a WebSocket route: got %d %s", plain.status, plain.body)
	}
}

func TestStreamRequestsRecorded(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	ws := dial(t, srv, "/user/last_checked_in/stream")
	read(t, ws)
	var found bool
	for _, r := range srv.Requests() {
		if r.OperationID == "streamUserLastCheckedIn" && r.Path == "/user/last_checked_in/stream" {
			found = true
			if got := r.Header.Get("X-Application-ID"); got != appID {
				t.Errorf("recorded X-Application-ID %q, want %q", got, appID)
			}
			if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				t.Errorf("recorded Upgrade %q", r.Header.Get("Upgrade"))
			}
		}
	}
	if !found {
		t.Error("the upgrade request is not in Requests")
	}
}
