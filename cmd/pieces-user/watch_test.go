package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// decodedLine is a line of the --json output of a watch command, decoded.
type decodedLine struct {
	Event   string                              `json:"event"`
	Profile *user.Profile                       `json:"profile"`
	CheckIn *user.UserLastCheckedInStreamOutput `json:"checkIn"`
}

// decodeLine decodes one line of the --json output of a watch command.
func decodeLine(t *testing.T, line string) decodedLine {
	t.Helper()
	var l decodedLine
	if err := decode([]byte(line), &l, true); err != nil {
		t.Fatalf("watch line %q: %v", line, err)
	}
	return l
}

func isEvent(kind string) func(string) bool {
	return func(line string) bool { return strings.HasPrefix(line, `{"event":"`+kind+`"`) }
}

func TestWatchCountSeesUpdateAndSignOut(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	p := startCLI(t, nil, "--host", srv.URL, "--json", "watch", "--count", "3")

	_, line := p.stdout.await(t, 0, "the first profile line", isEvent("profile"))
	first := decodeLine(t, line)
	if diff := cmp.Diff(storedProfile(t, srv), first.Profile.UserProfile); diff != "" {
		t.Errorf("first profile differs from the fake's (-want +got):\n%s", diff)
	}

	changed := storedProfile(t, srv)
	changed.Name = "Changed Elsewhere"
	srv.SetProfile(changed)
	i, line := p.stdout.await(t, 1, "the changed profile", contains("Changed Elsewhere"))
	if got := decodeLine(t, line); got.Event != "profile" || got.Profile.Name != "Changed Elsewhere" {
		t.Errorf("second line = %+v", got)
	}

	srv.SignOut()
	_, line = p.stdout.await(t, i+1, "the signed-out line", isEvent("signed-out"))
	if got := decodeLine(t, line); got.Profile != nil || got.CheckIn != nil {
		t.Errorf("signed-out line carries a payload: %s", line)
	}

	if code := p.wait(t); code != 0 {
		t.Fatalf("watch --count 3 exited %d\nstderr:\n%s", code, p.stderr.all())
	}
	p.stderr.await(t, 0, "the connected line", hasPrefix("connected to "+srv.URL))
}

func TestWatchTextOutput(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "watch", "--count", "1")
	want := storedProfile(t, srv)
	if !strings.HasPrefix(r.stdout, "profile: "+want.Name+" <"+want.Email+">") || strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("watch printed %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "connected to "+srv.URL) {
		t.Errorf("watch stderr %q lacks the connection", r.stderr)
	}
}

func TestWatchCheckIns(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t, usertest.WithCheckInInterval(10*time.Millisecond))
	id := storedProfile(t, srv).ID
	r := mustRun(t, 0, "", nil, "--host", srv.URL, "--json", "watch-checkins", "--count", "2")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("watch-checkins --count 2 printed %d lines:\n%s", len(lines), r.stdout)
	}
	for _, line := range lines {
		got := decodeLine(t, line)
		if got.Event != "check-in" || got.CheckIn == nil || got.CheckIn.UserID != id || got.Profile != nil {
			t.Errorf("check-in line %s", line)
		}
	}

	r = mustRun(t, 0, "", nil, "--host", srv.URL, "watch-checkins", "--count", "1")
	if !strings.HasPrefix(r.stdout, "check-in: user "+id) {
		t.Errorf("watch-checkins printed %q", r.stdout)
	}
}

func TestWatchSurvivesRestart(t *testing.T) {
	t.Parallel()
	first := startFakeQuiet(t)
	p := startCLI(t, nil, "--host", first.URL, "--json", "watch", "--retry-max", "200ms")
	p.stdout.await(t, 0, "the first profile", isEvent("profile"))

	first.Close()
	p.stderr.await(t, 0, "the disconnection", hasPrefix("disconnected: "))
	p.stderr.await(t, 0, "a retry", hasPrefix("retrying in "))

	// Pieces OS comes back on the same port with another user.
	next := usertest.DefaultProfile()
	next.ID = "another-user"
	next.Name = "Back Again"
	restartFake(t, first.Addr()).SetProfile(next)
	_, line := p.stdout.await(t, 1, "the profile of the restarted fake", contains("Back Again"))
	if got := decodeLine(t, line); got.Profile.ID != "another-user" {
		t.Errorf("after the restart watch printed %s", line)
	}

	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != 0 {
		t.Fatalf("watch exited %d after SIGINT\nstderr:\n%s", code, p.stderr.all())
	}
	if n := strings.Count(p.stderr.all(), "connected to "+first.URL); n < 2 {
		t.Errorf("stderr reports %d connections, want at least 2:\n%s", n, p.stderr.all())
	}
}

func TestWatchStopsCleanlyOnSignal(t *testing.T) {
	t.Parallel()
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			srv := usertest.Start(t, usertest.WithCheckInInterval(time.Hour))
			for _, cmd := range []string{"watch", "watch-checkins"} {
				p := startCLI(t, nil, "--host", srv.URL, cmd)
				// The first data line shows the signal handler is set.
				p.stdout.await(t, 0, "the first event", func(string) bool { return true })
				p.signal(t, sig)
				if code := p.wait(t); code != 0 {
					t.Errorf("%s exited %d after %v\nstderr:\n%s", cmd, code, sig, p.stderr.all())
				}
			}
		})
	}
}

func TestWatchLineFormat(t *testing.T) {
	t.Parallel()
	// The documented shape of a line: the kind under "event", the payload
	// under "profile" or "checkIn", nothing else.
	line, err := json.Marshal(watchLine{Event: "signed-out"})
	if err != nil {
		t.Fatal(err)
	}
	if string(line) != `{"event":"signed-out"}` {
		t.Errorf("signed-out line = %s", line)
	}
}

func TestWatchCheckInsStopsWhenStreamMissing(t *testing.T) {
	t.Parallel()
	// A build of Pieces OS without the check-in stream answers 404 to the
	// handshake: retrying cannot help, so the command says so and fails.
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	r := mustRun(t, 1, "", nil, "--host", srv.URL, "watch-checkins", "--retry-max", "100ms")
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
	for _, want := range []string{"watch-checkins: stopped", "404", "does not serve the stream"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
	if strings.Contains(r.stderr, "retrying in") {
		t.Errorf("the command retried a 404:\n%s", r.stderr)
	}
}

// TestWatchFollowsPiecesOSToAnotherPort: without --host, watch talks to
// the Pieces OS that discovery found, and when it restarts on another port
// and rewrites its port file, watch finds it there.
func TestWatchFollowsPiecesOSToAnotherPort(t *testing.T) {
	t.Parallel()
	pf := filepath.Join(t.TempDir(), ".port.txt")
	first := usertest.Start(t)
	writePort := func(srv *usertest.Server) {
		_, port, _ := net.SplitHostPort(srv.Addr())
		if err := writePortFile(pf, port); err != nil {
			t.Fatal(err)
		}
	}
	writePort(first)
	p := startCLI(t, []string{envPortFile + "=" + pf}, "--ports", closedPort(t), "--json", "watch", "--retry-max", "200ms")
	p.stdout.await(t, 0, "the first profile", isEvent("profile"))
	p.stderr.await(t, 0, "the connection", hasPrefix("connected to "+first.URL))

	first.Close()
	p.stderr.await(t, 0, "the disconnection", hasPrefix("disconnected: "))
	next := usertest.Start(t)
	changed := storedProfile(t, next)
	changed.Name = "Moved Along"
	next.SetProfile(changed)
	writePort(next)
	p.stdout.await(t, 1, "the profile of the moved fake", contains("Moved Along"))
	p.stderr.await(t, 0, "the new connection", hasPrefix("connected to "+next.URL))

	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != exitOK {
		t.Fatalf("watch exited %d after SIGINT\nstderr:\n%s", code, p.stderr.all())
	}
}

// TestWatchWaitsForPiecesOS: when discovery finds nothing, watch says so
// and waits; it connects once Pieces OS writes its port file.
func TestWatchWaitsForPiecesOS(t *testing.T) {
	t.Parallel()
	pf := filepath.Join(t.TempDir(), ".port.txt")
	p := startCLI(t, []string{envPortFile + "=" + pf}, "--ports", closedPort(t), "watch", "--retry-max", "200ms", "--count", "1")
	p.stderr.await(t, 0, "the waiting line", contains("waiting for Pieces OS to start"))
	srv := usertest.Start(t)
	_, port, _ := net.SplitHostPort(srv.Addr())
	if err := writePortFile(pf, port); err != nil {
		t.Fatal(err)
	}
	p.stdout.await(t, 0, "the profile", hasPrefix("profile: "+storedProfile(t, srv).Name))
	if code := p.wait(t); code != exitOK {
		t.Errorf("watch exited %d\nstderr:\n%s", code, p.stderr.all())
	}
	p.stderr.await(t, 0, "the connection", hasPrefix("connected to "+srv.URL))
}
