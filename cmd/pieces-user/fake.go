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

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// parseFail reads OPERATION=STATUS of --fail, the operation in any case;
// "all" is every one, as when the authentication layer refuses them all.
func parseFail(v string) (ops []string, status int, err error) {
	opArg, statusArg, ok := strings.Cut(v, "=")
	if !ok {
		return nil, 0, fmt.Errorf("%q is not OPERATION=STATUS, such as userUpdateVanity=500 or all=593", v)
	}
	opArg, ops = strings.TrimSpace(opArg), usertest.OperationIDs()
	if !strings.EqualFold(opArg, "all") {
		i := slices.IndexFunc(ops, func(id string) bool { return strings.EqualFold(id, opArg) })
		if i < 0 {
			return nil, 0, fmt.Errorf("unknown operation %q; valid operations: %s, or all for every one", opArg, strings.Join(ops, ", "))
		}
		ops = ops[i : i+1]
	}
	status, err = strconv.Atoi(strings.TrimSpace(statusArg))
	if err != nil || status < 200 || status > 599 {
		return nil, 0, fmt.Errorf("status %q of %s is not a number from 200 to 599", statusArg, opArg)
	}
	return ops, status, nil
}

const defaultFakeAddr = "127.0.0.1:39300" // where Pieces OS listens first

func setupServeFake(fs *flag.FlagSet) action {
	addr := fs.String("addr", defaultFakeAddr, "loopback `HOST:PORT` to listen on (port 0 picks a free one)")
	signedOut := fs.Bool("signed-out", false, "start with nobody signed in")
	taken := fs.String("taken-vanity", "", "comma-separated vanity `NAMES` taken by other users (vanity answers 409)")
	var fails []string
	fs.Func("fail", "make every call of an operation answer a status, as `OPERATION=STATUS` (repeatable), such as userUpdateVanity=500, or all=593 for every operation", func(v string) error {
		_, _, err := parseFail(v)
		fails = append(fails, v)
		return err
	})
	latency := fs.Duration("latency", 0, "delay every answer by `DUR`")
	checkIn := fs.Duration("checkin-interval", usertest.DefaultCheckInInterval, "send a message on the check-in stream every `DUR`")
	portFile := fs.String("port-file", "", "write the port to `PATH` once listening, as Pieces OS does, and remove the file on exit")
	migrating := fs.Bool("migrating", false, "answer the health route with \"migrating\", as while Pieces OS opens its database")
	version := fs.String("version", usertest.DefaultVersion, "the `VERSION` that GET /.well-known/version answers, such as 12.6.29-staging or debug")
	noCheckIn := fs.Bool("no-checkin-stream", false, "play a build without the check-in stream: its route answers 404")
	signInDelay := fs.Duration("sign-in-delay", 0, "make sign-in take `DUR`, as a person at the browser would; negative: it never finishes")
	profile := fs.String("profile", "", "serve the profile in the JSON document in `FILE`, members this version does not know included")
	return func(s *session, args []string) error {
		// A pieces:// URL is accepted and ignored, so that serve-fake can
		// be the --opener of launch.
		if len(args) > 0 && !strings.HasPrefix(args[0], "pieces://") {
			return usagef("serve-fake: unexpected argument %q (usage: %s serve-fake [pieces://launch])", args[0], progName)
		}
		if err := checkLoopbackAddr(*addr); err != nil {
			return err
		}
		switch {
		case *latency < 0:
			return usagef("serve-fake: --latency %v is negative", *latency)
		case *checkIn <= 0:
			return usagef("serve-fake: --checkin-interval %v is not positive", *checkIn)
		}
		opts := []usertest.Option{usertest.WithAddr(*addr), usertest.WithLog(s.stderr), usertest.WithCheckInInterval(*checkIn)}
		if *noCheckIn {
			opts = append(opts, usertest.WithoutCheckInStream())
		}
		srv, err := usertest.NewServer(opts...)
		if err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				return fmt.Errorf("serve-fake: %w (is Pieces OS or another fake running? pick a free port with --addr 127.0.0.1:0)", err)
			}
			return fmt.Errorf("serve-fake: %w", err)
		}
		defer srv.Close()
		if err := srv.SetVersion(*version); err != nil {
			return usagef("serve-fake: --version %q: %v", *version, err)
		}
		if *profile != "" {
			doc, err := os.ReadFile(*profile)
			if err == nil {
				err = srv.SetProfileJSON(doc)
			}
			if err != nil {
				return usagef("serve-fake: --profile: %v", err)
			}
		}
		srv.SetLatency(*latency)
		srv.SetMigrating(*migrating)
		srv.SetSignInDelay(*signInDelay)
		if *signedOut {
			srv.SignOut()
		}
		for n := range strings.SplitSeq(*taken, ",") {
			if n = strings.TrimSpace(n); n != "" {
				srv.TakeVanity(n)
			}
		}
		for _, f := range fails {
			ops, status, _ := parseFail(f)
			for _, op := range ops {
				if err := srv.FailNext(op, usertest.Always, status, fmt.Sprintf("%s fails on purpose (serve-fake --fail %s)", op, f)); err != nil {
					return usagef("serve-fake: --fail %s: %v", f, err)
				}
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

// checkLoopbackAddr checks that --addr is a loopback host:port.
func checkLoopbackAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("serve-fake: --addr %q is not host:port: %v", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usagef("serve-fake: --addr %q: the host must be a loopback address such as 127.0.0.1, since the fake has no authentication", addr)
	}
	return nil
}

// writePortFile writes port to path as Pieces OS does, renaming a
// temporary file into place so that a reader never sees half of it.
func writePortFile(path, port string) error {
	tmp := path + ".tmp"
	err := os.MkdirAll(filepath.Dir(path), 0o700)
	if err == nil {
		err = os.WriteFile(tmp, []byte(port), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	return err
}

// removePortFile removes the port file, unless another process wrote it.
func removePortFile(path, port string) {
	if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) == port {
		_ = os.Remove(path)
	}
}
