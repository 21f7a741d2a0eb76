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
	"slices"
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

// discPorts returns the ports of ls.
func discPorts(ls []net.Listener) []int {
	ports := make([]int, len(ls))
	for i, l := range ls {
		ports[i] = discPort(l)
	}
	return ports
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

	got, err := user.Discover(discCtx(t), &user.DiscoverOptions{NoPortFile: true, Ports: discPorts(ls)})
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	if want := fmt.Sprintf("http://127.0.0.1:%d", discPort(ls[3])); got.URL != want || got.Port != discPort(ls[3]) || got.PortFile != "" {
		t.Errorf("Discover = %+v, want %s found by the scan", got, want)
	}
}

// TestDiscoverLowest checks that the lowest port wins among equals.
func TestDiscoverLowest(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 3)
	discCloseOnAccept(t, ls[0])
	discServe(t, ls[1], discHealth())
	discServe(t, ls[2], discHealth())
	got, err := user.Discover(discCtx(t), &user.DiscoverOptions{NoPortFile: true, Ports: discPorts(ls)})
	if err != nil || got.Port != discPort(ls[1]) {
		t.Fatalf("Discover = %+v, %v; want the lower port %d", got, err, discPort(ls[1]))
	}
	c, err := user.New(user.WithBaseURL(got.URL))
	if err != nil || c.BaseURL() != got.URL {
		t.Errorf("New(WithBaseURL(%q)): BaseURL() = %q, %v", got.URL, c.BaseURL(), err)
	}
}

// TestDiscoverNothing checks the error when no port answers: one line that
// names the ports tried, without advice meant for this module's developers.
func TestDiscoverNothing(t *testing.T) {
	t.Parallel()
	ports := discClosed(t, 4)
	ctx := discCtx(t)
	got, err := user.Discover(ctx, &user.DiscoverOptions{NoPortFile: true, Ports: ports})
	if got != (user.Instance{}) || !errors.Is(err, user.ErrUnreachable) {
		t.Fatalf("Discover = %+v, %v; want ErrUnreachable", got, err)
	}
	if e, ok := errors.AsType[*user.Error](err); !ok || e.Op != "discover" {
		t.Errorf("error %#v is not an *Error of discover", err)
	}
	if want := fmt.Sprintf("127.0.0.1 ports %d-%d", ports[0], ports[3]); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not mention %q", err, want)
	}
	if msg := err.Error(); strings.Contains(msg, "serve-fake") || strings.Contains(msg, "\n") {
		t.Errorf("error %q should be one line without advice for this module's developers", msg)
	}
	if ctx.Err() != nil {
		t.Errorf("the test's deadline passed: discovery did not fail fast")
	}
	_, err = user.Discover(ctx, &user.DiscoverOptions{NoPortFile: true, Ports: ports[:1]})
	if want := fmt.Sprintf("127.0.0.1 port %d", ports[0]); err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error %v does not end with %q", err, want)
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
	_, err := user.Discover(ctx, &user.DiscoverOptions{NoPortFile: true, Ports: discPorts(ls)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Discover = %v, want context.Canceled", err)
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

// discClosed returns n ports on which nothing listens.
func discClosed(t *testing.T, n int) []int {
	t.Helper()
	ls := discPortBlock(t, n)
	for _, l := range ls {
		l.Close()
	}
	return discPorts(ls)
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

// TestDiscoverPortFile finds a fake through a port file, on a port outside
// the scanned ones, with its health id and version.
func TestDiscoverPortFile(t *testing.T) {
	t.Parallel()
	srv := usertest.Start(t)
	if err := srv.SetVersion("12.6.29-staging"); err != nil {
		t.Fatal(err)
	}
	port := srvPort(t, srv)
	opts := user.DiscoverOptions{PortFile: discPortFile(t, "\uFEFF "+strconv.Itoa(port)+"\r\n"), Ports: discClosed(t, 4)}
	got, err := user.Discover(discCtx(t), &opts)
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	want := user.Instance{
		URL:      srv.URL,
		Port:     port,
		PortFile: opts.PortFile,
		Health:   user.Health{Ready: true, ID: srv.HealthID(), Text: "ok:" + srv.HealthID()},
		Version:  user.Version{Major: 12, Minor: 6, Patch: 29, Pre: "staging", Raw: "12.6.29-staging"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Discover (-want +got):\n%s", diff)
	}

	// NoScan uses the port file alone.
	opts.NoScan = true
	if got, err := user.Discover(discCtx(t), &opts); err != nil || got.URL != srv.URL {
		t.Errorf("Discover with NoScan = %+v, %v; want %s", got, err, srv.URL)
	}
}

// TestDiscoverStalePortFile falls back to the scan when the port file
// names a port where nothing answers, and says so when the scan finds
// nothing either.
func TestDiscoverStalePortFile(t *testing.T) {
	t.Parallel()
	closed := discClosed(t, 1)
	pf := discPortFile(t, strconv.Itoa(closed[0]))

	ls := discPortBlock(t, 2)
	ls[0].Close()
	discServe(t, ls[1], discAnswer(http.StatusOK, "ok:1", "12.4.1"))
	got, err := user.Discover(discCtx(t), &user.DiscoverOptions{PortFile: pf, Ports: discPorts(ls)})
	if err != nil || got.Port != discPort(ls[1]) || got.PortFile != "" {
		t.Fatalf("Discover = %+v, %v; want port %d from the scan", got, err, discPort(ls[1]))
	}

	_, err = user.Discover(discCtx(t), &user.DiscoverOptions{PortFile: pf, Ports: discClosed(t, 2)})
	if !errors.Is(err, user.ErrUnreachable) {
		t.Fatalf("Discover = %v, want ErrUnreachable", err)
	}
	if want := fmt.Sprintf("port file %s names port %d, where no Pieces OS answers", pf, closed[0]); !strings.Contains(err.Error(), want) {
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
		{"too large", discPortFile(t, strings.Repeat("1", 2000)), `not a port`},
	}
	ls := discPortBlock(t, 1)
	discServe(t, ls[0], discHealth())
	for _, tt := range tests {
		_, err := user.Discover(discCtx(t), &user.DiscoverOptions{PortFile: tt.path, NoScan: true})
		if !errors.Is(err, user.ErrUnreachable) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "no port was scanned") {
			t.Errorf("%s: Discover = %v; want ErrUnreachable saying %q", tt.name, err, tt.want)
		}
		got, err := user.Discover(discCtx(t), &user.DiscoverOptions{PortFile: tt.path, Ports: discPorts(ls)})
		if err != nil || got.Port != discPort(ls[0]) || got.PortFile != "" {
			t.Errorf("%s: with a scan, Discover = %+v, %v; want port %d", tt.name, got, err, discPort(ls[0]))
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
	opts := user.DiscoverOptions{PortFile: discPortFile(t, strconv.Itoa(port)), Ports: discClosed(t, 3)}

	got, err := user.Discover(discCtx(t), &opts)
	if !errors.Is(err, user.ErrMigrating) || errors.Is(err, user.ErrUnreachable) {
		t.Fatalf("Discover = %v, want ErrMigrating", err)
	}
	if got.URL != srv.URL || got.Health.Ready || got.Health.Text != "migrating" || got.Version.Raw != usertest.DefaultVersion {
		t.Errorf("Discover returned %+v with ErrMigrating, want the migrating fake", got)
	}
	if !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("error %q does not name %s", err, srv.URL)
	}
	all, err := user.DiscoverAll(discCtx(t), &opts)
	if err != nil || len(all) != 1 || all[0].Health.Ready || all[0].PortFile != opts.PortFile {
		t.Errorf("DiscoverAll = %+v, %v; want the migrating fake alone", all, err)
	}

	// A ready Pieces OS found by the scan wins over a migrating one.
	ls := discPortBlock(t, 1)
	discServe(t, ls[0], discAnswer(http.StatusOK, "ok:2", "12.0.0"))
	withReady := opts
	withReady.Ports = discPorts(ls)
	if got, err := user.Discover(discCtx(t), &withReady); err != nil || got.Port != discPort(ls[0]) {
		t.Errorf("Discover = %+v, %v; want the ready port %d", got, err, discPort(ls[0]))
	}

	srv.SetMigrating(false)
	if got, err := user.Discover(discCtx(t), &opts); err != nil || !got.Health.Ready || got.URL != srv.URL {
		t.Errorf("after SetMigrating(false): Discover = %+v, %v; want the ready fake", got, err)
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
	opts := user.DiscoverOptions{NoPortFile: true, Ports: discPorts(ls)}

	all, err := user.DiscoverAll(discCtx(t), &opts)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Port    int
		Ready   bool
		ID      string
		Version string
	}
	var got []row
	for _, i := range all {
		got = append(got, row{i.Port, i.Health.Ready, i.Health.ID, i.Version.String()})
	}
	want := []row{
		{discPort(ls[0]), true, "d", "debug"},
		{discPort(ls[1]), true, "u", "0.0.0"},
		{discPort(ls[2]), true, "s", "12.6.29-staging"},
		{discPort(ls[3]), false, "", "12.4.1"},
		{discPort(ls[4]), true, "p", "12.4.1"},
		{discPort(ls[5]), true, "", "13.0.0-beta.2"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DiscoverAll (-want +got):\n%s", diff)
	}

	// A release first, then staging, another pre-release, debug, and an
	// unknown version last.
	for _, wantPort := range []int{discPort(ls[4]), discPort(ls[2]), discPort(ls[5]), discPort(ls[0]), discPort(ls[1])} {
		inst, err := user.Discover(discCtx(t), &opts)
		if err != nil || inst.Port != wantPort {
			t.Fatalf("Discover = port %d, %v; want port %d", inst.Port, err, wantPort)
		}
		opts.Ports = slices.DeleteFunc(opts.Ports, func(p int) bool { return p == wantPort })
	}
	// Only the migrating one is left.
	if _, err := user.Discover(discCtx(t), &opts); !errors.Is(err, user.ErrMigrating) {
		t.Errorf("Discover with only the migrating port left = %v, want ErrMigrating", err)
	}
}

// TestDiscoverNotPiecesOS checks that answers other than 2xx or
// "migrating" are not taken for Pieces OS.
func TestDiscoverNotPiecesOS(t *testing.T) {
	t.Parallel()
	ls := discPortBlock(t, 2)
	discServe(t, ls[0], discAnswer(http.StatusServiceUnavailable, "starting", ""))
	discServe(t, ls[1], discAnswer(http.StatusFound, "ok", ""))
	_, err := user.DiscoverAll(discCtx(t), &user.DiscoverOptions{NoPortFile: true, Ports: discPorts(ls)})
	if !errors.Is(err, user.ErrUnreachable) {
		t.Errorf("DiscoverAll = %v, want ErrUnreachable", err)
	}
}

// TestDiscoverOptionsInvalid checks the options Discover and DiscoverAll
// refuse before probing anything.
func TestDiscoverOptionsInvalid(t *testing.T) {
	t.Parallel()
	many := make([]int, 1025)
	for i := range many {
		many[i] = 2000 + i
	}
	tests := []struct {
		name string
		opts user.DiscoverOptions
		want string
	}{
		{"blank host", user.DiscoverOptions{Host: "  "}, "blank"},
		{"port 0", user.DiscoverOptions{Ports: []int{0, 10}}, "port 0"},
		{"port too high", user.DiscoverOptions{Ports: []int{65536}}, "port 65536"},
		{"too many", user.DiscoverOptions{Ports: many}, "more than 1024"},
	}
	for _, tt := range tests {
		for name, f := range map[string]func() error{
			"Discover":    func() error { _, err := user.Discover(t.Context(), &tt.opts); return err },
			"DiscoverAll": func() error { _, err := user.DiscoverAll(t.Context(), &tt.opts); return err },
			"New":         func() error { _, err := user.New(user.WithDiscovery(&tt.opts)); return err },
		} {
			if err := f(); !errors.Is(err, user.ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: %s = %v; want ErrInvalidInput mentioning %q", tt.name, name, err, tt.want)
			}
		}
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := user.Discover(nil, nil); !errors.Is(err, user.ErrInvalidInput) {
		t.Errorf("Discover(nil) = %v, want ErrInvalidInput", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := user.Discover(ctx, &user.DiscoverOptions{NoPortFile: true, Ports: discClosed(t, 2)}); !errors.Is(err, context.Canceled) {
		t.Errorf("Discover with a cancelled context = %v, want context.Canceled", err)
	}
}

// portFileDirs returns the directories where PortFiles looks on this
// system, with home as the home directory, in order.
func portFileDirs(home string) []string {
	prod := func(dir string) string {
		return filepath.Join(dir, "com.pieces.os", "production", "Config", ".port.txt")
	}
	debug := func(dir string) string { return filepath.Join(dir, "com.pieces.os", "debug", "Config", ".port.txt") }
	switch runtime.GOOS {
	case "darwin":
		return []string{prod(filepath.Join(home, "Library")), debug(filepath.Join(home, "Library"))}
	case "windows":
		local := filepath.Join(home, "AppData", "Local", "Mesh Intelligent Technologies, Inc", "Pieces OS")
		return []string{prod(local), prod(filepath.Join(home, "Documents")), debug(local)}
	}
	share := filepath.Join(home, ".local", "share")
	return []string{prod(share), prod(filepath.Join(home, "Documents")), debug(share)}
}

// TestPortFiles checks the files where discovery looks, in order, on this
// system, that each one is read, and $PIECES_OS_PORT_FILE. It sets
// environment variables, so it does not run in parallel.
func TestPortFiles(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // os.UserHomeDir on Windows
	t.Setenv("LOCALAPPDATA", filepath.Join(home, "AppData", "Local"))
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("PIECES_OS_PORT_FILE", "")
	want := portFileDirs(home)
	if diff := cmp.Diff(want, user.PortFiles()); diff != "" {
		t.Fatalf("PortFiles (-want +got):\n%s", diff)
	}

	// With nothing there, the error names every file that is missing.
	_, err := user.Discover(discCtx(t), &user.DiscoverOptions{NoScan: true})
	for _, f := range want {
		if !strings.Contains(fmt.Sprint(err), "no port file at "+f) {
			t.Errorf("Discover = %v; want it to name the missing %s", err, f)
		}
	}

	// Each file is read; the first one that names a ready Pieces OS wins.
	srv := usertest.Start(t)
	for i, f := range want {
		if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(strconv.Itoa(srvPort(t, srv))), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := user.Discover(discCtx(t), &user.DiscoverOptions{NoScan: true})
		if err != nil || got.URL != srv.URL || got.PortFile != f {
			t.Errorf("with only file %d written, Discover = %+v, %v; want %s from %s", i, got, err, srv.URL, f)
		}
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}

	if runtime.GOOS == "linux" {
		data := filepath.Join(home, "data")
		t.Setenv("XDG_DATA_HOME", data)
		if got := user.PortFiles()[0]; got != filepath.Join(data, "com.pieces.os", "production", "Config", ".port.txt") {
			t.Errorf("with $XDG_DATA_HOME, PortFiles()[0] = %q", got)
		}
	}
	other := filepath.Join(t.TempDir(), "port")
	t.Setenv("PIECES_OS_PORT_FILE", other)
	if diff := cmp.Diff([]string{other}, user.PortFiles()); diff != "" {
		t.Errorf("with $PIECES_OS_PORT_FILE set, PortFiles (-want +got):\n%s", diff)
	}
}
