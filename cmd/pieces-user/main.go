// Command pieces-user calls the User API of Pieces OS from the command
// line: one command per operation (snapshot, update, vanity, feature, ...),
// the browser sign-in and sign-out, the two streams (watch, watch-checkins),
// status and launch, which find and start Pieces OS, serve-fake, which runs
// the fake Pieces OS of package usertest as a server, and demo, a walk
// through the library. Run `pieces-user help` for the commands, the global
// flags and the exit codes: 0 success, 1 failure, 2 usage error, 3 Pieces
// OS unreachable.
//
// Usage:
//
//	pieces-user [global flags] COMMAND [flags] [arguments]
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
