package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"unicode"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// failure is one --fail flag of serve-fake.
type failure struct {
	op     string
	status int
}

// failList collects the --fail flags; it is a flag.Value.
type failList []failure

func (l *failList) String() string {
	if l == nil {
		return ""
	}
	parts := make([]string, len(*l))
	for i, f := range *l {
		parts[i] = fmt.Sprintf("%s=%d", f.op, f.status)
	}
	return strings.Join(parts, ",")
}

// failAll is the operation name of --fail that stands for every
// operation, as the authentication layer of Pieces OS refuses them all.
const failAll = "all"

// Set parses OPERATION=STATUS. The operation is matched in any case and
// stored as the spec spells it; "all" adds every operation.
func (l *failList) Set(v string) error {
	opArg, statusArg, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("%q is not OPERATION=STATUS, such as userUpdateVanity=500 or all=593", v)
	}
	opArg = strings.TrimSpace(opArg)
	ops := usertest.OperationIDs()
	if !strings.EqualFold(opArg, failAll) {
		i := slices.IndexFunc(ops, func(id string) bool { return strings.EqualFold(id, opArg) })
		if i < 0 {
			return fmt.Errorf("unknown operation %q; valid operations: %s, or %s for every one", opArg, strings.Join(ops, ", "), failAll)
		}
		ops = ops[i : i+1]
	}
	status, err := strconv.Atoi(strings.TrimSpace(statusArg))
	if err != nil || status < 200 || status > 599 {
		return fmt.Errorf("status %q of %s is not a number from 200 to 599", statusArg, opArg)
	}
	for _, op := range ops {
		*l = append(*l, failure{op: op, status: status})
	}
	return nil
}

func setupServeFake(fs *flag.FlagSet) action {
	addr := fs.String("addr", net.JoinHostPort(user.DiscoverHost, strconv.Itoa(user.FirstPort)), "loopback `HOST:PORT` to listen on (port 0 picks a free one)")
	signedOut := fs.Bool("signed-out", false, "start with nobody signed in")
	taken := fs.String("taken-vanity", "", "comma-separated vanity `NAMES` taken by other users (vanity answers 409)")
	var fails failList
	fs.Var(&fails, "fail", "make every call of an operation answer a status, as `OPERATION=STATUS` (repeatable), such as userUpdateVanity=500, or all=593 for every operation")
	latency := fs.Duration("latency", 0, "delay every answer by `DUR`")
	checkIn := fs.Duration("checkin-interval", usertest.DefaultCheckInInterval, "send a message on the check-in stream every `DUR`")
	portFile := fs.String("port-file", "", "write the port to `PATH` once listening, as Pieces OS does, and remove the file on exit")
	migrating := fs.Bool("migrating", false, "answer the health route with \"migrating\", as while Pieces OS opens its database")
	version := fs.String("version", usertest.DefaultVersion, "the `VERSION` that GET /.well-known/version answers, such as 12.6.29-staging or debug")
	noCheckIn := fs.Bool("no-checkin-stream", false, "play a build without the check-in stream: its route answers 404")
	return func(s *session, _ []string) error {
		if err := checkLoopbackAddr(*addr); err != nil {
			return err
		}
		if strings.TrimSpace(*version) == "" || strings.ContainsFunc(*version, unicode.IsControl) {
			return usagef("serve-fake: --version %q is empty or holds a control character", *version)
		}
		if *latency < 0 {
			return usagef("serve-fake: --latency %v is negative", *latency)
		}
		if *checkIn <= 0 {
			return usagef("serve-fake: --checkin-interval %v is not positive", *checkIn)
		}
		opts := []usertest.Option{
			usertest.WithAddr(*addr),
			usertest.WithLog(s.stderr),
			usertest.WithCheckInInterval(*checkIn),
		}
		if *noCheckIn {
			opts = append(opts, usertest.WithoutCheckInStream())
		}
		var names []string
		for n := range strings.SplitSeq(*taken, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}

		srv, err := usertest.NewServer(opts...)
		if err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				return fmt.Errorf("serve-fake: %w (is Pieces OS or another fake running? pick a free port with --addr 127.0.0.1:0)", err)
			}
			return fmt.Errorf("serve-fake: %w", err)
		}
		defer srv.Close()
		// The knobs are set before the server announces its address (on
		// stdout and in the port file).
		srv.SetLatency(*latency)
		if *signedOut {
			srv.SignOut()
		}
		if err := srv.SetVersion(*version); err != nil {
			return usagef("serve-fake: --version: %v", err)
		}
		srv.SetMigrating(*migrating)
		srv.TakeVanity(names...)
		for _, f := range fails {
			body := fmt.Sprintf("%s fails on purpose (serve-fake --fail %s=%d)", f.op, f.op, f.status)
			if err := srv.FailNext(f.op, usertest.Always, f.status, body); err != nil {
				return usagef("serve-fake: --fail %s=%d: %v", f.op, f.status, err)
			}
		}
		if *portFile != "" {
			_, port, _ := net.SplitHostPort(srv.Addr())
			if err := writePortFile(*portFile, port); err != nil {
				return fmt.Errorf("serve-fake: --port-file: %w", err)
			}
			defer removePortFile(*portFile, port)
		}
		if _, err := fmt.Fprintf(s.stdout, "listening on %s\n", srv.URL); err != nil {
			return err
		}
		<-s.ctx.Done()
		srv.Close()
		fmt.Fprintf(s.stderr, "%s: serve-fake stopped\n", progName)
		return nil
	}
}

// checkLoopbackAddr checks --addr of serve-fake: a host:port whose host is
// a loopback address or localhost, as usertest requires.
func checkLoopbackAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("serve-fake: --addr %q is not host:port: %v", addr, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return usagef("serve-fake: --addr %q: port %q is not a number from 0 to 65535", addr, port)
	}
	if host != "localhost" {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return usagef("serve-fake: --addr %q: the host must be a loopback address such as 127.0.0.1, since the fake has no authentication", addr)
		}
	}
	return nil
}

// writePortFile writes port to path as Pieces OS does, creating the
// directories it needs. The text goes to a temporary file that is then
// renamed, so that a reader never sees half of it.
func writePortFile(path, port string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".port-*.tmp")
	if err != nil {
		return err
	}
	_, werr := f.WriteString(port)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	return nil
}

// removePortFile removes the port file on exit, unless another process
// has since written its own port there.
func removePortFile(path, port string) {
	if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) == port {
		_ = os.Remove(path)
	}
}
