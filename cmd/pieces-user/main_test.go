package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// binPath is the program built once by TestMain; the end-to-end tests run
// it as a separate process.
var binPath string

// waitLimit bounds every wait of the tests for a process, a line of output
// or an exit: a guard against a hang, not a timing assertion.
const waitLimit = time.Minute

func TestMain(m *testing.M) {
	if mode := os.Getenv(envOpener); mode != "" {
		os.Exit(opener(mode, os.Getenv(envLifeline), os.Args[len(os.Args)-1]))
	}
	dir, err := os.MkdirTemp("", "pieces-user-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating the build directory:", err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		binPath = filepath.Join(dir, "pieces-user")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		goBin, err := exec.LookPath("go")
		if err != nil {
			fmt.Fprintln(os.Stderr, "the end-to-end tests need the go command:", err)
			return 1
		}
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		build := exec.Command(goBin, append(args, ".")...)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building pieces-user:", err)
			return 1
		}
		return m.Run()
	}()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// result is the outcome of one run of the program.
type result struct {
	code   int
	stdout string
	stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// cliEnv is the environment of the program under test: this process's,
// without the variables the program reads, plus extra ("NAME=value").
// A program built with the race detector would wait a second at exit
// before it reports; atexit_sleep_ms=0 removes that wait. The port file
// named is one that does not exist, so that discovery never reads the
// real one of the home directory; extra may name another.
func cliEnv(extra ...string) []string {
	var env []string
	gorace := "atexit_sleep_ms=0"
	for _, kv := range os.Environ() {
		name, value, _ := strings.Cut(kv, "=")
		switch name {
		case "PIECES_OS_URL", "PIECES_OS_PORT_FILE", envAppID, envToken:
			continue
		case "GORACE":
			gorace = value + " " + gorace
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "GORACE="+gorace, "PIECES_OS_PORT_FILE="+filepath.Join(filepath.Dir(binPath), "no-port-file"))
	return append(env, extra...)
}

// runCLI runs the program to its end with stdin as standard input.
func runCLI(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = cliEnv(env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("pieces-user %s did not end within %v\n%s", strings.Join(args, " "), waitLimit, r)
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("running pieces-user: %v", err)
	}
	return r
}

// mustRun runs the program and fails the test unless it exits with want.
func mustRun(t *testing.T, want int, stdin string, env []string, args ...string) result {
	t.Helper()
	r := runCLI(t, stdin, env, args...)
	if r.code != want {
		t.Fatalf("pieces-user %s: exit %d, want %d\n%s", strings.Join(args, " "), r.code, want, r)
	}
	return r
}

// lineLog collects the lines a process writes to one of its outputs.
type lineLog struct {
	mu      sync.Mutex
	lines   []string
	eof     bool
	changed chan struct{} // closed and replaced when a line arrives or at EOF
}

func newLineLog() *lineLog { return &lineLog{changed: make(chan struct{})} }

func (l *lineLog) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		l.mu.Lock()
		l.lines = append(l.lines, sc.Text())
		close(l.changed)
		l.changed = make(chan struct{})
		l.mu.Unlock()
	}
	_, _ = io.Copy(io.Discard, r)
	l.mu.Lock()
	l.eof = true
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

func (l *lineLog) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// await returns the index and text of the first line at or after from that
// match accepts, waiting for it at most waitLimit.
func (l *lineLog) await(t *testing.T, from int, what string, match func(string) bool) (int, string) {
	t.Helper()
	i, line, ok := l.find(t, from, what, match)
	if !ok {
		t.Fatalf("the output ended without %s; it was:\n%s", what, l.all())
	}
	return i, line
}

// find is await that reports the end of the output instead of failing:
// ok is false when the output ended without a matching line.
func (l *lineLog) find(t *testing.T, from int, what string, match func(string) bool) (i int, line string, ok bool) {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		for i := from; i < len(l.lines); i++ {
			if match(l.lines[i]) {
				line := l.lines[i]
				l.mu.Unlock()
				return i, line, true
			}
		}
		eof, changed := l.eof, l.changed
		l.mu.Unlock()
		if eof {
			return 0, "", false
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("no %s within %v; the output was:\n%s", what, waitLimit, l.all())
		}
	}
}

// proc is a run of the program in the background.
type proc struct {
	cmd    *exec.Cmd
	stdout *lineLog
	stderr *lineLog
	done   chan struct{} // closed once the process has exited
	code   int
}

// startCLI starts the program and stops it, if still running, when the
// test ends.
func startCLI(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = cliEnv(env...)
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, stdout: newLineLog(), stderr: newLineLog(), done: make(chan struct{})}
	var readers sync.WaitGroup
	readers.Go(func() { p.stdout.read(outPipe) })
	readers.Go(func() { p.stderr.read(errPipe) })
	go func() {
		// Wait may run only once both pipes have been read to their end.
		readers.Wait()
		err := cmd.Wait()
		var exitErr *exec.ExitError
		switch {
		case errors.As(err, &exitErr):
			p.code = exitErr.ExitCode()
		case err != nil:
			p.code = -1
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// signal sends sig to the process.
func (p *proc) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("os.Process.Signal cannot send signals on Windows")
	}
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("sending %v: %v", sig, err)
	}
}

// wait waits for the process to exit and returns its exit code.
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(waitLimit):
		t.Fatalf("the process did not exit within %v\nstdout:\n%s\nstderr:\n%s", waitLimit, p.stdout.all(), p.stderr.all())
		return 0
	}
}

// closedAddr returns a loopback address where nothing listens and nothing
// can start listening until the test ends: the local end of a connection
// the test holds open. A connection attempt there is refused.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer, ok := <-accepted
	ln.Close()
	if !ok {
		t.Fatal("the holding connection was not accepted")
	}
	t.Cleanup(func() {
		c.Close()
		peer.Close()
	})
	return c.LocalAddr().String()
}

// quietAddr returns a loopback address that was free a moment ago, with a
// port below the ephemeral range of Linux and macOS (from 32768), where
// outgoing connections never take their source port. Other tests may
// still listen there for a moment, so callers try again on failure.
func quietAddr(t *testing.T) string {
	t.Helper()
	for range 1000 {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(20000+rand.IntN(12000)))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue
		}
		if err := ln.Close(); err != nil {
			t.Fatal(err)
		}
		return addr
	}
	t.Fatal("no free loopback port between 20000 and 32000")
	return ""
}

// maxBindAttempts bounds how often a test tries another quiet port, or
// the same port again, when listening fails because someone holds it.
const maxBindAttempts = 50

// startFakeQuiet starts a fake on a quiet port (see quietAddr), so that
// it can be restarted on the same port.
func startFakeQuiet(t *testing.T, opts ...usertest.Option) *usertest.Server {
	t.Helper()
	var err error
	for range maxBindAttempts {
		var srv *usertest.Server
		srv, err = usertest.NewServer(append([]usertest.Option{usertest.WithAddr(quietAddr(t))}, opts...)...)
		if err == nil {
			t.Cleanup(srv.Close)
			return srv
		}
	}
	t.Fatalf("starting a fake on a quiet port: %v", err)
	return nil
}

// restartFake starts a fake on addr, the address of one just closed. For a
// moment the port may still be held (by the old server's sockets being
// torn down, or by another test that probes free ports), so listening is
// tried again every few milliseconds, for waitLimit at most.
func restartFake(t *testing.T, addr string, opts ...usertest.Option) *usertest.Server {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		srv, err := usertest.NewServer(append([]usertest.Option{usertest.WithAddr(addr)}, opts...)...)
		if err == nil {
			t.Cleanup(srv.Close)
			return srv
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("restarting the fake on %s: %v", addr, err)
		}
	}
}

// hasPrefix returns a line matcher.
func hasPrefix(prefix string) func(string) bool {
	return func(line string) bool { return strings.HasPrefix(line, prefix) }
}

func contains(sub string) func(string) bool {
	return func(line string) bool { return strings.Contains(line, sub) }
}

// The test binary is also the --opener of launch in the tests: run with
// $PIECES_USER_TEST_OPENER set, it is a stand-in for the desktop's opener.
const (
	envOpener   = "PIECES_USER_TEST_OPENER"   // the mode of the opener
	envLifeline = "PIECES_USER_TEST_LIFELINE" // the address the "fake" opener reports to
)

// opener plays the desktop's opener asked to open url, and returns its
// exit code. Mode "fake" starts a fake Pieces OS, as the desktop would
// start Pieces OS: it connects to the test at lifeline, writes the fake's
// port to $PIECES_OS_PORT_FILE, sends the fake's URL, and serves until the
// test closes the connection (at most waitLimit). Mode "nothing" opens
// nothing, and mode "fail" fails with exit code 3.
func opener(mode, lifeline, url string) int {
	if url != "pieces://launch" {
		fmt.Fprintf(os.Stderr, "opener: asked to open %q\n", url)
		return 2
	}
	switch mode {
	case "nothing":
		return 0
	case "fake":
	default:
		return 3
	}
	conn, err := net.DialTimeout("tcp", lifeline, waitLimit)
	if err != nil {
		return 1
	}
	defer conn.Close()
	srv, err := usertest.NewServer()
	if err != nil {
		return 1
	}
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Addr())
	if writePortFile(os.Getenv(envPortFile), port) != nil {
		return 1
	}
	fmt.Fprintln(conn, srv.URL)
	_ = conn.SetReadDeadline(time.Now().Add(waitLimit))
	_, _ = io.Copy(io.Discard, conn)
	return 0
}
