// Command pieces-user calls the User API of Pieces OS from the command line.
//
// It has one command per operation of the API (snapshot, update, vanity,
// feature, ...), two commands that follow the WebSocket streams (watch and
// watch-checkins), serve-fake, which runs the fake Pieces OS of package
// usertest as a standalone server, and demo, which walks through the
// library against an in-process fake. Run `pieces-user help` for the list
// of commands, the global flags and the exit codes.
//
// Usage:
//
//	pieces-user [global flags] COMMAND [flags] [arguments]
//
// Without --host, the address of Pieces OS comes from $PIECES_OS_URL, or is
// found by probing 127.0.0.1 ports 39300 to 39333, or is
// http://127.0.0.1:39300. With --json, a command prints its result as JSON;
// watch and watch-checkins then print one JSON object per event, such as
// {"event":"profile","profile":{...}}.
//
// Exit codes: 0 success; 1 Pieces OS answered with an error, or the command
// could not finish; 2 usage error; 3 Pieces OS unreachable.
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
