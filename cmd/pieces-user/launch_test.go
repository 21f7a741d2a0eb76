package main

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testOpener returns the --opener that runs this test binary as the
// desktop's opener (see opener in main_test.go).
func testOpener(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(exe, " \t\n") {
		t.Skipf("the test binary %q has white space in its path, which --opener cannot carry", exe)
	}
	return exe
}

// closedPort returns a port where nothing listens, for --ports, so that
// discovery scans no port where a Pieces OS may run.
func closedPort(t *testing.T) string {
	t.Helper()
	_, port, _ := net.SplitHostPort(closedAddr(t))
	return port
}

func TestLaunchStartsPiecesOSThroughTheOpener(t *testing.T) {
	t.Parallel()
	exe := testOpener(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
	}()
	pf := filepath.Join(t.TempDir(), "Config", ".port.txt")
	env := []string{envPortFile + "=" + pf, envOpener + "=fake", envLifeline + "=" + ln.Addr().String()}

	r := mustRun(t, exitOK, "", env, "launch", "--ports", closedPort(t), "--opener", exe+" -test.run=^$")
	var conn net.Conn
	select {
	case conn = <-accepted:
		t.Cleanup(func() { conn.Close() }) // ends the opener's fake
	case <-time.After(waitLimit):
		t.Fatalf("the opener never reported\n%s", r)
	}
	url, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	url = strings.TrimSpace(url)
	if r.stdout != url+"\n" {
		t.Errorf("launch printed %q, want the fake's address %s", r.stdout, url)
	}
	for _, want := range []string{"running " + exe + " -test.run=^$ pieces://launch\n", "Pieces OS is ready at " + url + " (found through the port file " + pf + ") after "} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("launch stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	// Pieces OS runs now: launch says so, and opens nothing.
	env[1] = envOpener + "=fail"
	r = mustRun(t, exitOK, "", env, "--json", "launch", "--ports", closedPort(t), "--opener", exe)
	if got := decodeOut[instanceJSON](t, r); got.Address != url || got.PortFile != pf || !got.Ready {
		t.Errorf("launch --json printed %+v, want the running fake", got)
	}
	if !strings.Contains(r.stderr, "Pieces OS is already running at "+url) || strings.Contains(r.stderr, "running "+exe) {
		t.Errorf("launch stderr:\n%s", r.stderr)
	}
}

func TestLaunchFailures(t *testing.T) {
	t.Parallel()
	exe := testOpener(t)
	pf := filepath.Join(t.TempDir(), ".port.txt")
	ports := closedPort(t)

	// The opener starts nothing: launch waits --wait, then exit 3.
	r := mustRun(t, exitUnreachable, "", []string{envPortFile + "=" + pf, envOpener + "=nothing"}, "launch", "--ports", ports, "--wait", "300ms", "--opener", exe)
	for _, want := range []string{"launch: Pieces OS was not ready within 300ms (see --wait)", "cannot reach Pieces OS", "start the Pieces OS app by hand"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	// The opener fails, or cannot start: exit 1 at once.
	r = mustRun(t, exitFailed, "", []string{envPortFile + "=" + pf, envOpener + "=fail"}, "launch", "--ports", ports, "--opener", exe)
	if !strings.Contains(r.stderr, "exit status 3") {
		t.Errorf("a failing opener: stderr\n%s", r.stderr)
	}
	missing := filepath.Join(t.TempDir(), "no-such-opener")
	r = mustRun(t, exitFailed, "", []string{envPortFile + "=" + pf}, "launch", "--ports", ports, "--opener", missing+" --flag")
	if !strings.Contains(r.stderr, "opening pieces://launch") || !strings.Contains(r.stderr, missing) {
		t.Errorf("an opener that cannot start: stderr\n%s", r.stderr)
	}

	for _, args := range [][]string{{"launch", "--wait", "-1s"}, {"launch", "--opener", " "}} {
		mustRun(t, exitUsage, "", nil, args...)
	}
}

// TestServeFakeAsOpener checks that serve-fake takes the URL an opener is
// given, so that it can be the --opener of launch.
func TestServeFakeAsOpener(t *testing.T) {
	t.Parallel()
	p, url := startServeFake(t, "--addr", "127.0.0.1:0", "pieces://launch")
	mustRun(t, exitOK, "", nil, "--host", url, "snapshot")
	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != exitOK {
		t.Errorf("serve-fake exited %d\n%s", code, p.stderr.all())
	}
}
