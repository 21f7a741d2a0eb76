package user_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// discPortBlock listens on n consecutive free loopback ports and returns
// the listeners, lowest port first. The listeners hold the ports so that no
// other process can take them during the test. The ports are taken below
// 32768, outside the range Linux hands out for ephemeral ports, so that no
// other test's server or outgoing connection lands on one of them once the
// listeners close.
func discPortBlock(t testing.TB, n int) []net.Listener {
	t.Helper()
	for range 100 {
		first := 10000 + rand.IntN(32768-10000-n)
		ls := make([]net.Listener, 0, n)
		for i := range n {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", first+i))
			if err != nil {
				break
			}
			ls = append(ls, l)
		}
		if len(ls) == n {
			return ls
		}
		for _, l := range ls {
			l.Close()
		}
	}
	t.Fatalf("found no %d consecutive free ports", n)
	return nil
}

func discPort(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }

// discServe serves h on l until the test ends.
func discServe(t *testing.T, l net.Listener, h http.Handler) {
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
}

// discHealth answers the probe like a ready Pieces OS without a version
// route.
func discHealth() http.Handler {
	return discAnswer(http.StatusOK, "ok:a3d5e1b2-0000-4000-8000-000000000001", "")
}

// discAnswer answers GET /.well-known/health with status and health, and
// GET /.well-known/version with version (404 when it is empty).
func discAnswer(status int, health, version string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/.well-known/health":
			w.WriteHeader(status)
			_, _ = io.WriteString(w, health)
		case r.Method == http.MethodGet && r.URL.Path == "/.well-known/version" && version != "":
			_, _ = io.WriteString(w, version)
		default:
			http.NotFound(w, r)
		}
	})
}

// discCloseOnAccept accepts connections on l and closes them at once, like a
// port that is not Pieces OS.
func discCloseOnAccept(t *testing.T, l net.Listener) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
}

// TestDiscoverLastPort puts Pieces OS on the last port of the range and
// something else on every other: a server answering 404, a port that
// closes every connection, and a listener that never answers (its probe
// must time out).
func TestDiscoverLastPort(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 4)
	discServe(t, ls[0], http.NotFoundHandler())
	discCloseOnAccept(t, ls[1])
	defer ls[2].Close() // accepts in the kernel, never answers
	discServe(t, ls[3], discHealth())

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got, err := user.DiscoverPorts(ctx, "127.0.0.1", discPort(ls[0]), discPort(ls[3]))
	if err != nil {
		t.Fatalf("DiscoverPorts: %v", err)
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d", discPort(ls[3])); got != want {
		t.Errorf("DiscoverPorts = %q, want %q", got, want)
	}
}

// TestDiscoverLowest checks that the lowest answering port wins.
func TestDiscoverLowest(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 3)
	discCloseOnAccept(t, ls[0])
	discServe(t, ls[1], discHealth())
	discServe(t, ls[2], discHealth())

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got, err := user.DiscoverPorts(ctx, "127.0.0.1", discPort(ls[0]), discPort(ls[2]))
	if err != nil {
		t.Fatalf("DiscoverPorts: %v", err)
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d", discPort(ls[1])); got != want {
		t.Errorf("DiscoverPorts = %q, want the lower %q", got, want)
	}
	c, err := user.New(user.WithBaseURL(got))
	if err != nil {
		t.Fatalf("New(WithBaseURL(%q)): %v", got, err)
	}
	if c.BaseURL() != got {
		t.Errorf("BaseURL() = %q, want %q", c.BaseURL(), got)
	}
}

// TestDiscoverNothing checks the error when no port answers: it names the
// ports tried and how to start Pieces OS.
func TestDiscoverNothing(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 4)
	first, last := discPort(ls[0]), discPort(ls[3])
	for _, l := range ls {
		l.Close() // nothing listens: every probe is refused
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	got, err := user.DiscoverPorts(ctx, "127.0.0.1", first, last)
	if got != "" || !errors.Is(err, user.ErrNotFoundOnPorts) {
		t.Fatalf("DiscoverPorts = %q, %v; want ErrNotFoundOnPorts", got, err)
	}
	for _, want := range []string{fmt.Sprintf("127.0.0.1 ports %d-%d", first, last), "Pieces OS desktop app", "serve-fake"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if ctx.Err() != nil {
		t.Errorf("the test's deadline passed: discovery did not fail fast")
	}
}

// TestDiscoverInvalid checks the arguments DiscoverPorts refuses.
func TestDiscoverInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host        string
		first, last int
		want        string
	}{
		{"", 1000, 1001, "host is empty"},
		{"127.0.0.1", 2000, 1000, "2000-1000"},
		{"127.0.0.1", 0, 10, "0-10"},
		{"127.0.0.1", 65000, 65536, "65000-65536"},
		{"127.0.0.1", 1000, 9000, "more than 1024 ports"},
	}
	for _, tt := range tests {
		got, err := user.DiscoverPorts(t.Context(), tt.host, tt.first, tt.last)
		if got != "" || !errors.Is(err, user.ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("DiscoverPorts(%q, %d, %d) = %q, %v; want ErrInvalidInput mentioning %q", tt.host, tt.first, tt.last, got, err, tt.want)
		}
	}
}

// TestDiscoverCanceled checks that a context that has ended stops discovery
// with its error.
func TestDiscoverCanceled(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 2)
	defer ls[0].Close() // never answers
	defer ls[1].Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := user.DiscoverPorts(ctx, "127.0.0.1", discPort(ls[0]), discPort(ls[1]))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("DiscoverPorts = %v, want context.Canceled", err)
	}
}

// discPortFile writes text to a port file in a directory of the test and
// returns its path.
func discPortFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), ".port.txt")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// discClosedRange returns a range of n ports on which nothing listens.
func discClosedRange(t *testing.T, n int) user.PortRange {
	t.Helper()
	ls := discPortBlock(t, n)
	for _, l := range ls {
		l.Close()
	}
	return user.PortRange{First: discPort(ls[0]), Last: discPort(ls[n-1])}
}

// srvPort returns the port of a fake.
func srvPort(t *testing.T, srv *usertest.Server) int {
	t.Helper()
	_, p, err := net.SplitHostPort(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func discCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestDiscoverInstancePortFile finds a fake through the port file, on a
// port outside the scanned range, with its health id and version.
func TestDiscoverInstancePortFile(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	if err := srv.SetVersion("12.6.29-staging"); err != nil {
		t.Fatal(err)
	}
	port := srvPort(t, srv)
	opts := user.DiscoverOptions{
		PortFile: discPortFile(t, "\uFEFF "+strconv.Itoa(port)+"\r\n"),
		Ranges:   []user.PortRange{discClosedRange(t, 4)},
	}
	got, err := user.DiscoverInstance(discCtx(t), opts)
	if err != nil {
		t.Fatalf("DiscoverInstance: %v", err)
	}
	want := user.Instance{
		URL:     srv.URL,
		Port:    port,
		Source:  user.SourcePortFile,
		Ready:   true,
		Health:  user.Health{State: user.HealthReady, ID: srv.HealthID(), Text: "ok:" + srv.HealthID()},
		Version: user.Version{Major: 12, Minor: 6, Patch: 29, Pre: "staging", Raw: "12.6.29-staging"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DiscoverInstance (-want +got):\n%s", diff)
	}
	if got.Kind() != user.KindStaging {
		t.Errorf("Kind() = %q, want staging", got.Kind())
	}

	// NoScan uses the port file alone.
	opts.NoScan = true
	if got, err := user.DiscoverInstance(discCtx(t), opts); err != nil || got.URL != srv.URL {
		t.Errorf("DiscoverInstance with NoScan = %+v, %v; want %s", got, err, srv.URL)
	}
}

// TestDiscoverStalePortFile falls back to the scan when the port file
// names a port where nothing answers, and says so when the scan finds
// nothing either.
func TestDiscoverStalePortFile(t *testing.T) {
	t.Parallel()
	closed := discClosedRange(t, 1)
	pf := discPortFile(t, strconv.Itoa(closed.First))

	ls := discPortBlock(t, 2)
	ls[0].Close()
	discServe(t, ls[1], discAnswer(http.StatusOK, "ok:1", "12.4.1"))
	got, err := user.DiscoverInstance(discCtx(t), user.DiscoverOptions{
		PortFile: pf,
		Ranges:   []user.PortRange{{discPort(ls[0]), discPort(ls[1])}},
	})
	if err != nil || got.Port != discPort(ls[1]) || got.Source != user.SourceScan {
		t.Fatalf("DiscoverInstance = %+v, %v; want port %d from the scan", got, err, discPort(ls[1]))
	}

	_, err = user.DiscoverInstance(discCtx(t), user.DiscoverOptions{PortFile: pf, Ranges: []user.PortRange{discClosedRange(t, 2)}})
	if !errors.Is(err, user.ErrNotFoundOnPorts) {
		t.Fatalf("DiscoverInstance = %v, want ErrNotFoundOnPorts", err)
	}
	if want := fmt.Sprintf("port file %s names port %d, where no Pieces OS answers", pf, closed.First); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// TestDiscoverBadPortFile checks that every kind of unusable port file is
// named in the error, and that discovery goes on to the scan.
func TestDiscoverBadPortFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "missing.txt"), "no port file at"},
		{"a directory", dir, "reading the port file"},
		{"not a number", discPortFile(t, "port=39300"), `holds "port=39300", not a port from 1 to 65535`},
		{"empty", discPortFile(t, "\n"), `holds "", not a port`},
		{"zero", discPortFile(t, "0"), `holds "0"`},
		{"too high", discPortFile(t, "65536"), `holds "65536"`},
		{"signed", discPortFile(t, "+39300"), `holds "+39300"`},
		{"too large", discPortFile(t, strings.Repeat("1", 2000)), "larger than"},
	}
	ls := discPortBlock(t, 1)
	discServe(t, ls[0], discHealth())
	scan := []user.PortRange{{discPort(ls[0]), discPort(ls[0])}}
	for _, tt := range tests {
		_, err := user.DiscoverInstance(discCtx(t), user.DiscoverOptions{PortFile: tt.path, NoScan: true})
		if !errors.Is(err, user.ErrNotFoundOnPorts) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "no port was scanned") {
			t.Errorf("%s: DiscoverInstance = %v; want ErrNotFoundOnPorts saying %q", tt.name, err, tt.want)
		}
		got, err := user.DiscoverInstance(discCtx(t), user.DiscoverOptions{PortFile: tt.path, Ranges: scan})
		if err != nil || got.Port != discPort(ls[0]) || got.Source != user.SourceScan {
			t.Errorf("%s: with a scan, DiscoverInstance = %+v, %v; want port %d", tt.name, got, err, discPort(ls[0]))
		}
	}
}

// TestDiscoverMigrating checks that a migrating Pieces OS is told apart
// from a ready one, and that a ready one is preferred.
func TestDiscoverMigrating(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	srv.SetMigrating(true)
	port := srvPort(t, srv)
	opts := user.DiscoverOptions{PortFile: discPortFile(t, strconv.Itoa(port)), Ranges: []user.PortRange{discClosedRange(t, 3)}}

	got, err := user.DiscoverInstance(discCtx(t), opts)
	if !errors.Is(err, user.ErrMigrating) || errors.Is(err, user.ErrNotFoundOnPorts) {
		t.Fatalf("DiscoverInstance = %v, want ErrMigrating", err)
	}
	if got.URL != srv.URL || got.Ready || got.Health.State != user.HealthMigrating || got.Version.Raw != usertest.DefaultVersion {
		t.Errorf("DiscoverInstance returned %+v with ErrMigrating, want the migrating fake", got)
	}
	if !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("error %q does not name %s", err, srv.URL)
	}
	all, err := user.DiscoverAll(discCtx(t), opts)
	if err != nil || len(all) != 1 || all[0].Ready || all[0].Source != user.SourcePortFile {
		t.Errorf("DiscoverAll = %+v, %v; want the migrating fake alone", all, err)
	}
	if _, err := user.DiscoverPorts(discCtx(t), "127.0.0.1", port, port); !errors.Is(err, user.ErrMigrating) {
		t.Errorf("DiscoverPorts = %v, want ErrMigrating", err)
	}

	// A ready Pieces OS found by the scan wins over a migrating one.
	ls := discPortBlock(t, 1)
	discServe(t, ls[0], discAnswer(http.StatusOK, "ok:2", "12.0.0"))
	withReady := opts
	withReady.Ranges = []user.PortRange{{discPort(ls[0]), discPort(ls[0])}}
	if got, err := user.DiscoverInstance(discCtx(t), withReady); err != nil || got.Port != discPort(ls[0]) {
		t.Errorf("DiscoverInstance = %+v, %v; want the ready port %d", got, err, discPort(ls[0]))
	}

	srv.SetMigrating(false)
	if got, err := user.DiscoverInstance(discCtx(t), opts); err != nil || !got.Ready || got.URL != srv.URL {
		t.Errorf("after SetMigrating(false): DiscoverInstance = %+v, %v; want the ready fake", got, err)
	}
}

// TestDiscoverPicksByKind checks the documented preference and the list of
// DiscoverAll.
func TestDiscoverPicksByKind(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 6)
	discServe(t, ls[0], discAnswer(http.StatusOK, "ok:d", `"debug"`))           // a JSON string
	discServe(t, ls[1], discAnswer(http.StatusOK, "ok:u", ""))                  // no version route
	discServe(t, ls[2], discAnswer(http.StatusOK, `"ok:s"`, "12.6.29-staging")) // a JSON string
	discServe(t, ls[3], discAnswer(http.StatusServiceUnavailable, "migrating", "12.4.1"))
	discServe(t, ls[4], discAnswer(http.StatusOK, "ok:p", "12.4.1"))
	discServe(t, ls[5], discAnswer(http.StatusOK, "ready!", "13.0.0-beta.2")) // an unknown health text
	opts := user.DiscoverOptions{NoPortFile: true, Ranges: []user.PortRange{{discPort(ls[0]), discPort(ls[5])}}}

	all, err := user.DiscoverAll(discCtx(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Port  int
		Ready bool
		State user.HealthState
		ID    string
		Kind  user.Kind
	}
	var got []row
	for _, i := range all {
		got = append(got, row{i.Port, i.Ready, i.Health.State, i.Health.ID, i.Kind()})
	}
	want := []row{
		{discPort(ls[0]), true, user.HealthReady, "d", user.KindDebug},
		{discPort(ls[1]), true, user.HealthReady, "u", user.KindUnknown},
		{discPort(ls[2]), true, user.HealthReady, "s", user.KindStaging},
		{discPort(ls[3]), false, user.HealthMigrating, "", user.KindProduction},
		{discPort(ls[4]), true, user.HealthReady, "p", user.KindProduction},
		{discPort(ls[5]), true, user.HealthUnknown, "", user.KindOther},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DiscoverAll (-want +got):\n%s", diff)
	}

	// Production first, then staging, another pre-release, debug, and an
	// unknown version last.
	for _, wantPort := range []int{discPort(ls[4]), discPort(ls[2]), discPort(ls[5]), discPort(ls[0]), discPort(ls[1])} {
		inst, err := user.DiscoverInstance(discCtx(t), opts)
		if err != nil || inst.Port != wantPort {
			t.Fatalf("DiscoverInstance = port %d, %v; want port %d", inst.Port, err, wantPort)
		}
		// Leave that port out of the next round.
		var next []user.PortRange
		for _, r := range opts.Ranges {
			if r.First <= wantPort && wantPort <= r.Last {
				if r.First < wantPort {
					next = append(next, user.PortRange{First: r.First, Last: wantPort - 1})
				}
				if wantPort < r.Last {
					next = append(next, user.PortRange{First: wantPort + 1, Last: r.Last})
				}
				continue
			}
			next = append(next, r)
		}
		opts.Ranges = next
	}
	// Only the migrating one is left.
	if _, err := user.DiscoverInstance(discCtx(t), opts); !errors.Is(err, user.ErrMigrating) {
		t.Errorf("DiscoverInstance with only the migrating port left = %v, want ErrMigrating", err)
	}
}

// TestDiscoverNotPiecesOS checks that answers other than 200 or
// "migrating" are not taken for Pieces OS.
func TestDiscoverNotPiecesOS(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 2)
	discServe(t, ls[0], discAnswer(http.StatusServiceUnavailable, "starting", ""))
	discServe(t, ls[1], discAnswer(http.StatusFound, "ok", ""))
	_, err := user.DiscoverAll(discCtx(t), user.DiscoverOptions{NoPortFile: true, Ranges: []user.PortRange{{discPort(ls[0]), discPort(ls[1])}}})
	if !errors.Is(err, user.ErrNotFoundOnPorts) {
		t.Errorf("DiscoverAll = %v, want ErrNotFoundOnPorts", err)
	}
}

// TestDiscoverOptionsInvalid checks the options DiscoverInstance and
// DiscoverAll refuse before probing anything.
func TestDiscoverOptionsInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts user.DiscoverOptions
		want string
	}{
		{"blank host", user.DiscoverOptions{Host: "  "}, "blank"},
		{"descending range", user.DiscoverOptions{Ranges: []user.PortRange{{2000, 1000}}}, "2000-1000"},
		{"port 0", user.DiscoverOptions{Ranges: []user.PortRange{{0, 10}}}, "0-10"},
		{"too many in all", user.DiscoverOptions{Ranges: []user.PortRange{{1000, 1600}, {2000, 2600}}}, "more than 1024 ports"},
	}
	for _, tt := range tests {
		for name, f := range map[string]func() error{
			"DiscoverInstance": func() error { _, err := user.DiscoverInstance(t.Context(), tt.opts); return err },
			"DiscoverAll":      func() error { _, err := user.DiscoverAll(t.Context(), tt.opts); return err },
		} {
			if err := f(); !errors.Is(err, user.ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: %s = %v; want ErrInvalidInput mentioning %q", tt.name, name, err, tt.want)
			}
		}
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := user.DiscoverInstance(nil, user.DiscoverOptions{}); !errors.Is(err, user.ErrInvalidInput) {
		t.Errorf("DiscoverInstance(nil) = %v, want ErrInvalidInput", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := user.DiscoverInstance(ctx, user.DiscoverOptions{NoPortFile: true, Ranges: []user.PortRange{discClosedRange(t, 2)}}); !errors.Is(err, context.Canceled) {
		t.Errorf("DiscoverInstance with a cancelled context = %v, want context.Canceled", err)
	}
}

// TestDefaultPortFile checks the per-system path under the home directory
// and $PIECES_OS_PORT_FILE. It sets environment variables, so it does not
// run in parallel; the home directory is the test's own.
func TestDefaultPortFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // os.UserHomeDir on Windows
	t.Setenv(user.EnvPortFile, "")
	dir := "Documents"
	if runtime.GOOS == "darwin" {
		dir = "Library"
	}
	want := filepath.Join(home, dir, "com.pieces.os", "production", "Config", ".port.txt")
	if got, err := user.DefaultPortFile(); err != nil || got != want {
		t.Fatalf("DefaultPortFile() = %q, %v; want %q", got, err, want)
	}

	// Discover reads that file first.
	srv := usertest.Start(t)
	if err := os.MkdirAll(filepath.Dir(want), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte(strconv.Itoa(srvPort(t, srv))), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := user.Discover(discCtx(t)); err != nil || got != srv.URL {
		t.Errorf("Discover() = %q, %v; want %q from the port file", got, err, srv.URL)
	}

	other := filepath.Join(t.TempDir(), "port")
	t.Setenv(user.EnvPortFile, other)
	if got, err := user.DefaultPortFile(); err != nil || got != other {
		t.Errorf("with $%s set, DefaultPortFile() = %q, %v; want %q", user.EnvPortFile, got, err, other)
	}
}
