package main

import (
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// statusLines checks that each want is a line of out, after the columns'
// padding is folded to one space.
func statusLines(t *testing.T, out string, wants ...string) {
	t.Helper()
	var lines []string
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		lines = append(lines, strings.Join(strings.Fields(line), " "))
	}
	for _, want := range wants {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no line starts with %q:\n%s", want, out)
		}
	}
}

// TestStatusThroughPortFile starts serve-fake with a port file on a port
// outside the range of Pieces OS and finds it with status, through the
// flag and through the environment, then checks the file goes on exit.
func TestStatusThroughPortFile(t *testing.T) {
	t.Parallel()
	pf := filepath.Join(t.TempDir(), "Config", ".port.txt")
	p, url := startServeFake(t, "--addr", "127.0.0.1:0", "--port-file", pf, "--version", "12.6.29-staging")
	data, err := os.ReadFile(pf)
	if err != nil {
		t.Fatalf("serve-fake wrote no port file: %v", err)
	}
	if port := string(data); "http://127.0.0.1:"+port != url {
		t.Fatalf("the port file holds %q, but serve-fake listens on %s", data, url)
	}
	srvID := ""
	r := mustRun(t, 0, "", nil, "status", "--port-file", pf)
	statusLines(t, r.stdout,
		"address: "+url+" (from the port file "+pf+")",
		"version: 12.6.29-staging (staging; supported)",
		"health: ready (id ",
		"user: Ada Lovelace <ada@example.com> (id "+usertest.DefaultProfile().ID+")")
	if r.stderr != "" {
		t.Errorf("stderr: %s", r.stderr)
	}

	r = mustRun(t, 0, "", []string{envPortFile + "=" + pf}, "--json", "status")
	got := decodeOut[statusReport](t, r)
	srvID = got.HealthID
	want := statusReport{
		instanceJSON: instanceJSON{Address: url, FoundBy: "port file", PortFile: pf, Ready: true, Health: "ready", HealthID: srvID,
			Version: "12.6.29-staging", Kind: "staging", Compatible: true},
		SignedIn: true,
		User:     &statusUser{ID: usertest.DefaultProfile().ID, Name: "Ada Lovelace", Email: "ada@example.com", Username: usertest.DefaultProfile().Username},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(statusReport{})); diff != "" {
		t.Errorf("status --json (-want +got):\n%s", diff)
	}
	if len(srvID) != 36 {
		t.Errorf("health id %q is not a UUID", srvID)
	}

	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != 0 {
		t.Fatalf("serve-fake exited %d\nstderr:\n%s", code, p.stderr.all())
	}
	if _, err := os.Stat(pf); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the port file is still there after serve-fake stopped: %v", err)
	}
}

// TestStatusStates checks what status prints and how it exits for a
// migrating Pieces OS, one outside the version window, a debug build with
// nobody signed in, and one whose middleware refuses every operation.
func TestStatusStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fake     []string
		code     int
		lines    []string
		stderrIn []string
	}{
		{"migrating", []string{"--migrating"}, exitFailed,
			[]string{"health: migrating", "user: not asked while migrating", "version: 12.4.1 (production; supported)"},
			[]string{"migrating its database"}},
		{"too new", []string{"--version", "13.1.0"}, exitFailed,
			[]string{"version: 13.1.0 (production; not supported)", "health: ready"},
			[]string{"newer than 12.x; update this package"}},
		{"too old", []string{"--version", `"11.9.2"`}, exitFailed,
			[]string{"version: 11.9.2 (production; not supported)"},
			[]string{"older than 12.0.0; update Pieces OS"}},
		{"debug and signed out", []string{"--version", "debug", "--signed-out"}, exitOK,
			[]string{"version: debug (debug; supported)", "user: nobody signed in"}, nil},
		{"update required everywhere", []string{"--fail", "all=593"}, exitFailed,
			[]string{"health: ready", "user: unknown (user: userSnapshot: Pieces OS update required (593)"},
			[]string{"Pieces OS update required (593)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, url := startServeFake(t, append([]string{"--addr", "127.0.0.1:0"}, tt.fake...)...)
			r := mustRun(t, tt.code, "", nil, "--host", url, "status")
			statusLines(t, r.stdout, append([]string{"address: " + url + " (given by --host)"}, tt.lines...)...)
			// status prints its report before the line that explains
			// the exit status.
			if len(tt.stderrIn) > 0 {
				if !strings.HasPrefix(r.stderr, progName+": status: ") && !strings.HasPrefix(r.stderr, progName+": user: ") || strings.Count(r.stderr, "\n") != 1 {
					t.Errorf("stderr is not one line of %s:\n%s", progName, r.stderr)
				}
				for _, w := range tt.stderrIn {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("stderr %q lacks %q", r.stderr, w)
					}
				}
			} else if r.stderr != "" {
				t.Errorf("stderr: %s", r.stderr)
			}
			p.signal(t, os.Interrupt)
			p.wait(t)
		})
	}
}

// TestStatusUnreachableAndUsage checks exit code 3 when nothing answers and
// 2 for contradictory flags.
func TestStatusUnreachableAndUsage(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitUnreachable, "", nil, "--host", closedAddr(t), "status")
	oneLineOn(t, r, "cannot reach Pieces OS", "serve-fake")
	r = mustRun(t, exitUsage, "", nil, "status", "--port-file", "x", "--no-port-file")
	oneLineOn(t, r, "exclude each other")
}

// TestServeFakeRealKnobs checks --fail all=STATUS and --no-checkin-stream.
func TestServeFakeRealKnobs(t *testing.T) {
	t.Parallel()
	p, url := startServeFake(t, "--addr", "127.0.0.1:0", "--fail", "all=401", "--no-checkin-stream")
	for _, cmd := range []string{"snapshot", "token", "clear"} {
		r := mustRun(t, exitFailed, "", nil, "--host", url, cmd)
		oneLineOn(t, r, "unauthorized (401)")
	}
	// Without an upgrade, the check-in route of a build without it answers
	// 404, as an unknown route does; the --fail canned answer comes first.
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Get(url + "/.well-known/health")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("health answered %d under --fail all=401, want 200: it is not an operation", res.StatusCode)
	}
	p.signal(t, os.Interrupt)
	p.wait(t)

	p, url = startServeFake(t, "--addr", "127.0.0.1:0", "--no-checkin-stream")
	for path, want := range map[string]int{"/user/last_checked_in/stream": http.StatusNotFound, "/user": http.StatusOK} {
		res, err := (&http.Client{Transport: tr}).Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
		}
	}
	p.signal(t, os.Interrupt)
	p.wait(t)
}

// TestStatusAll lists a fake found through the port file and a migrating
// staging one found by the scan of --ports.
func TestStatusAll(t *testing.T) {
	t.Parallel()
	pf := filepath.Join(t.TempDir(), ".port.txt")
	p1, url1 := startServeFake(t, "--addr", "127.0.0.1:0", "--port-file", pf)
	p2, url2 := startServeFake(t, "--addr", "127.0.0.1:0", "--migrating", "--version", "12.6.29-staging")
	port2 := strings.TrimPrefix(url2, "http://127.0.0.1:")

	r := mustRun(t, 0, "", nil, "--json", "status", "--all", "--port-file", pf, "--ports", port2)
	got := decodeOut[[]instanceJSON](t, r)
	if len(got) != 2 {
		t.Fatalf("status --all listed %d instances, want 2:\n%s", len(got), r.stdout)
	}
	got[0].HealthID = "" // random
	want := []instanceJSON{
		{Address: url1, FoundBy: "port file", PortFile: pf, Ready: true, Health: "ready", Version: usertest.DefaultVersion, Kind: "production", Compatible: true},
		{Address: url2, FoundBy: "scan", Ready: false, Health: "migrating", Version: "12.6.29-staging", Kind: "staging", Compatible: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status --all --json (-want +got):\n%s", diff)
	}
	r = mustRun(t, 0, "", nil, "status", "--all", "--port-file", pf, "--ports", port2)
	statusLines(t, r.stdout,
		"ADDRESS FOUND BY HEALTH VERSION KIND SUPPORTED",
		url1+" port file ready "+usertest.DefaultVersion+" production yes",
		url2+" scan migrating 12.6.29-staging staging yes")

	// Without the port file, the scan finds only the migrating one.
	r = mustRun(t, exitFailed, "", nil, "status", "--no-port-file", "--ports", port2)
	statusLines(t, r.stdout, "address: "+url2+" (found by scanning the ports)", "health: migrating")

	r = mustRun(t, exitUnreachable, "", nil, "status", "--all", "--no-port-file", "--ports", strings.TrimPrefix(closedAddr(t), "127.0.0.1:"))
	oneLineOn(t, r, "cannot reach Pieces OS", "nothing answered", "serve-fake")
	r = mustRun(t, exitUsage, "", nil, "status", "--ports", "9-1")
	oneLineOn(t, r, `"9-1" is not a port or an ascending range`)

	for _, p := range []*proc{p1, p2} {
		p.signal(t, os.Interrupt)
		p.wait(t)
	}
}

// TestStatusFindsThePortFileOfThisSystem puts a port file where Pieces OS
// writes it on Linux, in a home of the test's, naming a fake on a port
// outside the ranges discovery scans; then takes it away.
func TestStatusFindsThePortFileOfThisSystem(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("the port file of this test is where Pieces OS writes it on Linux")
	}
	home := t.TempDir()
	share := filepath.Join(home, ".local", "share")
	pf := filepath.Join(share, "com.pieces.os", "production", "Config", ".port.txt")
	srv := startFakeQuiet(t) // a port from 20000 to 32000
	_, port, _ := net.SplitHostPort(srv.Addr())
	if err := writePortFile(pf, port); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + home, "XDG_DATA_HOME=", envPortFile + "="}
	r := mustRun(t, exitOK, "", env, "status")
	statusLines(t, r.stdout, "address: "+srv.URL+" (from the port file "+pf+")")
	if strings.Contains(r.stdout, "port files:") {
		t.Errorf("status names missing port files although one was used:\n%s", r.stdout)
	}

	// --debug shows how discovery went, and never a credential.
	r = mustRun(t, exitOK, "", env, "--debug", "--app-id", "secret-app-id", "--json", "status")
	if got := decodeOut[statusReport](t, r); got.PortFile != pf || got.FoundBy != "port file" || got.MissingPortFiles != nil {
		t.Errorf("status --json: %+v", got)
	}
	for _, want := range []string{"level=DEBUG", `msg="user: discover: port file" path=` + pf + " port=" + port, `msg="user: discover: chose the port file's" url=` + srv.URL} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--debug stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "secret-app-id") {
		t.Errorf("--debug logged the application id:\n%s", r.stderr)
	}

	// Without the port file, the scan finds it, and status names the
	// port files it looked for.
	if err := os.Remove(pf); err != nil {
		t.Fatal(err)
	}
	missing := []string{pf, filepath.Join(home, "Documents", "com.pieces.os", "production", "Config", ".port.txt"),
		filepath.Join(share, "com.pieces.os", "debug", "Config", ".port.txt")}
	r = mustRun(t, exitOK, "", env, "status", "--ports", port)
	statusLines(t, r.stdout, "address: "+srv.URL+" (found by scanning the ports)", "port files: missing: "+strings.Join(missing, ", "))
	r = mustRun(t, exitOK, "", env, "--json", "status", "--ports", port)
	if got := decodeOut[statusReport](t, r); got.FoundBy != "scan" || got.PortFile != "" || !slices.Equal(got.MissingPortFiles, missing) {
		t.Errorf("status --json: %+v", got)
	}
}
