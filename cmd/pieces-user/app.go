package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

const (
	progName       = "pieces-user" // the prefix of every message on standard error
	defaultTimeout = 10 * time.Second
	// Routes of Pieces OS outside the User API.
	routeHealth, routeVersion = "GET /.well-known/health", "GET /.well-known/version"
	// Environment variables the program reads. Package user reads the
	// last two as well; the program reads them to say where an address
	// came from.
	envAppID, envToken      = "PIECES_APPLICATION_ID", "PIECES_ACCESS_TOKEN"
	envBaseURL, envPortFile = "PIECES_OS_URL", "PIECES_OS_PORT_FILE"
)

// Exit codes.
const (
	exitOK          = 0 // the command did what it was asked
	exitFailed      = 1 // Pieces OS answered with an error, or the command could not finish
	exitUsage       = 2 // the command line is wrong
	exitUnreachable = 3 // no Pieces OS answered
)

// usageError is a mistake in the command line or in the input it names;
// it ends the program with exitUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// action does the work of a command once the command line is parsed.
type action func(s *session, args []string) error

// command is one subcommand of the program. Its args name the positional
// arguments (one in brackets may be left out); ops are the operations it
// sends, by operationId, whose routes come from the spec (an entry that is
// no operationId is a route outside the User API, written out); setup
// declares its flags and returns its action.
type command struct {
	name, summary, about string // about: more for the command's help, if need be
	args, ops            []string
	setup                func(fs *flag.FlagSet) action
}

// route lists the routes the command calls, as its help and the README do.
func (c command) route() string {
	var out []string
	for _, op := range c.ops {
		out = append(out, cmp.Or(specRoutes()[op], op))
	}
	return strings.Join(out, ", ")
}

// usageLine returns "NAME ARGS", as in the list of commands.
func (c command) usageLine() string {
	return strings.TrimSpace(c.name + " " + strings.Join(c.args, " "))
}

// commands lists every command, in the order of the usage text.
func commands() []command {
	return []command{
		{name: "status", summary: "show where Pieces OS is (port file or scan), its version, readiness and signed-in user", ops: []string{routeHealth, routeVersion, "userSnapshot"}, setup: setupStatus},
		{name: "launch", summary: "start Pieces OS (pieces://launch, or --opener) and wait until discovery finds it ready; print its address",
			ops: []string{routeHealth, routeVersion}, setup: setupLaunch},
		{name: "sign-in", summary: "sign a person in through the browser, as the Pieces apps do, and show the profile (--wait)",
			ops: []string{"signIntoOs"}, setup: setupSignIn},
		{name: "sign-out", summary: "sign the person out, as the Pieces apps do", ops: []string{"signOutOfOs"}, setup: showing((*user.Client).SignOut, writeUsers)},
		{name: "snapshot", summary: "show the signed-in user", ops: []string{"userSnapshot"}, setup: showing((*user.Client).Snapshot, printProfile)},
		{name: "refresh", summary: "fetch the signed-in user again from the identity provider", ops: []string{"refreshUser"}, setup: showing((*user.Client).Refresh, printProfile)},
		{name: "select", summary: "make an Auth0 user the signed-in user (needs its Auth0 access token)",
			about: "select does not sign a person in by name: it makes an Auth0 user the signed-in user, which takes at least\n" +
				"its user id (--user-id, from an Auth0 login you made) and its Auth0 access token (--token). To sign a\n" +
				"person in through the browser, as the Pieces apps do, use sign-in.", ops: []string{"selectUser"}, setup: setupSelect},
		{name: "update", summary: "change the profile (--name, --email, --username, --picture or --file)", ops: []string{"updateUser"}, setup: setupUpdate},
		{name: "vanity", args: []string{"NAME"}, summary: "set the vanity name of the personal cloud", ops: []string{"userSnapshot", "userUpdateVanity"}, setup: setupVanity},
		{name: "token", summary: "print the signed-in user's access token", ops: []string{"userAccessToken"}, setup: showing((*user.Client).AccessToken, func(w io.Writer, tok string) { fmt.Fprintln(w, tok) })},
		{name: "associate", args: []string{"USER", "ENTITY"}, summary: "add a user to an organization or team", ops: []string{"userAssociateEntity"}, setup: quiet(func(c *user.Client, ctx context.Context, a []string) error { return c.AssociateEntity(ctx, a[0], a[1]) }, "user %s is now a member of entity %s")},
		{name: "disassociate", args: []string{"USER", "ENTITY"}, summary: "remove a user from an organization or team", ops: []string{"userDisassociateEntity"}, setup: quiet(func(c *user.Client, ctx context.Context, a []string) error {
			return c.DisassociateEntity(ctx, a[0], a[1])
		}, "user %s is no longer a member of entity %s")},
		{name: "beta", summary: "show or change beta access (--user, --vision-from, --vision-to)", ops: []string{"userBetaStatus"}, setup: setupBeta},
		{name: "checkout", summary: "start a purchase for the signed-in user", ops: []string{"userCheckout"}, setup: sending("the checkout input (a UserCheckoutInput)", (*user.Client).Checkout, func(out *user.UserCheckoutOutput) string { return "checkout started for user " + out.User.ID })},
		{name: "feature", args: []string{"FEATURE"}, summary: "tell whether the user may use a feature", ops: []string{"userHasFeatureAccess"}, setup: setupFeature},
		{name: "subscriptions", summary: "open subscription management", ops: []string{"userManageSubscriptions"}, setup: sending("the input (a UserManageSubscriptionsInput)", (*user.Client).ManageSubscriptions, func(out *user.UserManageSubscriptionsOutput) string {
			return "subscription management opened for user " + out.User.ID
		})},
		{name: "paddle-refresh", summary: "refresh billing data from the payment provider", ops: []string{"userPaddleRefresh"}, setup: showing((*user.Client).PaddleRefresh, func(w io.Writer, out *user.RefreshedPaddleUser) { writeProfile(w, &out.User) })},
		{name: "providers", summary: "show the sign-in providers (cloud only: a local Pieces OS answers 501)", ops: []string{"userProviders"}, setup: showing((*user.Client).Providers, writeProviders)},
		{name: "clear", summary: "forget the signed-in user (the User API's own sign-out)", ops: []string{"clearUser"}, setup: quiet(func(c *user.Client, ctx context.Context, _ []string) error { return c.Clear(ctx) }, "signed out")},
		{name: "watch", summary: "follow the profile stream until interrupted (or --count events)", ops: []string{"streamUser"}, setup: watching(false)},
		{name: "watch-checkins", summary: "follow the check-in stream until interrupted (or --count events)", ops: []string{"streamUserLastCheckedIn"}, setup: watching(true)},
		{name: "serve-fake", args: []string{"[URL]"}, summary: "run a fake Pieces OS until interrupted (--addr, --signed-out, --fail ...)", setup: setupServeFake},
		{name: "demo", summary: "walk through the library against an in-process fake Pieces OS", setup: setupDemo},
		{name: "help", args: []string{"[COMMAND]"}, summary: "show this help, or the flags of one command", setup: setupHelp},
		{name: "version", summary: "print the version of this program", setup: setupVersion},
	}
}

// lookupCommand finds a command by name.
func lookupCommand(name string) (command, bool) {
	i := slices.IndexFunc(commands(), func(c command) bool { return c.name == name })
	return commands()[max(i, 0)], i >= 0
}

// run is the program: it runs the command args name and returns the exit
// code. ctx ends on SIGINT and SIGTERM.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &session{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, given: map[string]string{}}
	defer s.close()
	global := s.globalFlags()
	rest, err := parseFlags(global, nil, args, true, s.given)
	switch {
	case errors.Is(err, flag.ErrHelp):
		writeUsage(stdout, global)
		return exitOK
	case err != nil:
		return s.fail(usagef("%v; run '%s help' for usage", err, progName))
	case len(rest) == 0:
		return s.fail(usagef("no command given; run '%s help' for the list of commands", progName))
	}
	cmd, ok := lookupCommand(rest[0])
	if !ok {
		return s.fail(usagef("unknown command %q; run '%s help' for the list of commands", rest[0], progName))
	}
	cfs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	act := cmd.setup(cfs)
	pos, err := parseFlags(cfs, global, rest[1:], false, s.given)
	switch {
	case errors.Is(err, flag.ErrHelp):
		writeCommandHelp(stdout, cmd)
		return exitOK
	case err != nil:
		return s.fail(usagef("%s: %v; run '%s help %s' for its flags", cmd.name, err, progName, cmd.name))
	}
	if err := errors.Join(s.settle(), checkArgs(cmd, pos)); err != nil {
		return s.fail(err)
	}
	return s.fail(act(s, pos))
}

// globalFlags declares the flags every command takes.
func (s *session) globalFlags() *flag.FlagSet {
	fs := flag.NewFlagSet(progName, flag.ContinueOnError)
	fs.StringVar(&s.host, "host", "", "`URL` of Pieces OS, such as 127.0.0.1:39300 (a bare host:port means http); default: $"+envBaseURL+",\n"+
		"      else the Pieces OS that discovery finds, followed to its new port when it restarts")
	fs.StringVar(&s.find.PortFile, "port-file", "", "discovery reads the port from `PATH` (default: $"+envPortFile+", else the files of this system)")
	fs.BoolVar(&s.find.NoPortFile, "no-port-file", false, "discovery reads no port file")
	fs.Var((*portList)(&s.find.Ports), "ports", "discovery scans `RANGES`, such as 39300-39333,41234 (default 39300-39367)")
	fs.StringVar(&s.appID, "app-id", "", "application `ID` sent as X-Application-ID and application (default: $"+envAppID+")")
	fs.StringVar(&s.token, "token", "", "Auth0 access `TOKEN` that select sends (default: $"+envToken+")")
	fs.DurationVar(&s.timeout, "timeout", defaultTimeout, "limit of each call, a `DUR` such as 10s or 1m, 0 for none (the watch commands, sign-in\n"+
		"      and launch have their own)")
	fs.BoolVar(&s.insecure, "insecure-credentials", false, "send --app-id and --token over plain http to a host that is not on loopback")
	fs.BoolVar(&s.json, "json", false, "print the result as JSON, as Pieces OS sent it; the watch commands print one object per\n"+
		`      event and line: {"event":"profile","profile":{...}}, {"event":"signed-out"} or {"event":"check-in","checkIn":{...}}`)
	fs.BoolVar(&s.debug, "debug", false, "log what the client does (discovery, retries, streams) on standard error")
	return fs
}

// parseFlags sets the flags of fs, or of global for a name fs lacks, from
// args, notes in given the values given, and returns the other arguments.
// A flag is -name or --name, with its value after '=' or in the next
// argument (a boolean flag takes one only after '='); "--" ends the flags.
// Unless first, flags and arguments may alternate ("feature SHARE_SNIPPET
// --model gpt-4o"); with first, the flags end at the first argument. -h and
// --help return flag.ErrHelp. The messages are the program's own.
func parseFlags(fs, global *flag.FlagSet, args []string, first bool, given map[string]string) ([]string, error) {
	var pos []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return append(pos, args[i+1:]...), nil
		}
		if len(arg) < 2 || arg[0] != '-' {
			if first {
				return append(pos, args[i:]...), nil
			}
			pos = append(pos, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(arg[1:], "-"), "=")
		set, f := fs, fs.Lookup(name)
		if f == nil && global != nil {
			set, f = global, global.Lookup(name)
		}
		switch {
		case f == nil && (name == "h" || name == "help"):
			return nil, flag.ErrHelp
		case f == nil || name == "" || name[0] == '-':
			return nil, fmt.Errorf("unknown flag --%s", name)
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() && !hasValue {
			value, hasValue = "true", true
		}
		if !hasValue {
			if i+1 == len(args) {
				return nil, fmt.Errorf("--%s needs a value", name)
			}
			i++
			value = args[i]
		}
		if err := set.Set(name, value); err != nil {
			if noun, want := valueKind(f); noun != "" {
				return nil, fmt.Errorf("--%s: invalid %s %q: %s", name, noun, value, want)
			}
			return nil, fmt.Errorf("--%s: %v", name, err)
		}
		given[name] = value
	}
	return pos, nil
}

// durationHint says how to write a duration on the command line.
const durationHint = "use a unit, such as 5s or 1m"

// valueKind names the values of a flag of package flag's own types and
// says what a good one looks like; other flags explain their errors.
func valueKind(f *flag.Flag) (noun, want string) {
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case time.Duration:
			return "duration", durationHint
		case int, int64, uint, uint64:
			return "number", "want a whole number, such as 2"
		case bool:
			return "value", "want true or false (--" + f.Name + " alone means true)"
		}
	}
	return "", ""
}

// checkArgs checks the number of positional arguments of cmd.
func checkArgs(cmd command, pos []string) error {
	usage := progName + " " + cmd.usageLine()
	switch {
	case len(pos) < len(cmd.args) && !strings.HasPrefix(cmd.args[len(pos)], "["):
		return usagef("%s: missing argument %s (usage: %s)", cmd.name, cmd.args[len(pos)], usage)
	case len(pos) > len(cmd.args):
		return usagef("%s: unexpected argument %q (usage: %s)", cmd.name, pos[len(cmd.args)], usage)
	}
	return nil
}

// writeUsage writes the help text of the program.
func writeUsage(w io.Writer, global *flag.FlagSet) {
	fmt.Fprintf(w, "%s calls the User API of Pieces OS.\n\nUsage:\n  %s [global flags] COMMAND [flags] [arguments]\n\nCommands:\n", progName, progName)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.usageLine(), c.summary)
	}
	_ = tw.Flush()
	writeFlags(w, global, "\nGlobal flags, before or after the command:\n")
	fmt.Fprintf(w, `
Exit codes:
  0  success
  1  Pieces OS answered with an error (the message names the status and its
     meaning, such as "vanity name already taken (409)"), or the command could
     not finish (nobody signed in, interrupted, sign-in not finished in time)
  2  usage error: unknown command or flag, bad or missing argument, bad JSON
  3  Pieces OS unreachable: connection refused, no answer in time, nothing
     found by discovery, or not ready when launch gave up

Run '%s help COMMAND' for the flags of a command.
`, progName)
}

// writeCommandHelp writes the usage and flags of one command.
func writeCommandHelp(w io.Writer, cmd command) {
	fmt.Fprintf(w, "Usage: %s [global flags] %s [flags]\n\n%s%s.\n", progName, cmd.usageLine(), strings.ToUpper(cmd.summary[:1]), cmd.summary[1:])
	if r := cmd.route(); r != "" {
		fmt.Fprintf(w, "Calls %s.\n", r)
	}
	if cmd.about != "" {
		fmt.Fprintf(w, "\n%s\n", cmd.about)
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	cmd.setup(fs)
	writeFlags(w, fs, "\nFlags:\n")
	fmt.Fprintf(w, "\nRun '%s help' for the global flags and the exit codes.\n", progName)
}

// writeFlags lists the flags of fs, after header if there is any.
func writeFlags(w io.Writer, fs *flag.FlagSet, header string) {
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprint(w, header)
		header = ""
		arg, usage := flag.UnquoteUsage(f)
		def := when(!slices.Contains([]string{"", "0", "0s", "false"}, f.DefValue), " (default "+f.DefValue+")")
		fmt.Fprintf(w, "  --%s%s\n      %s%s\n", f.Name, when(arg != "", " "+arg), usage, def)
	})
}

func setupHelp(*flag.FlagSet) action {
	return func(s *session, args []string) error {
		if len(args) == 0 {
			writeUsage(s.stdout, new(session).globalFlags())
			return nil
		}
		cmd, ok := lookupCommand(args[0])
		if !ok {
			return usagef("help: unknown command %q; run '%s help' for the list of commands", args[0], progName)
		}
		writeCommandHelp(s.stdout, cmd)
		return nil
	}
}

// setupVersion prints the build: module version, commit and Go version.
func setupVersion(*flag.FlagSet) action {
	return func(s *session, _ []string) error {
		_, err := fmt.Fprintln(s.stdout, versionString())
		return err
	}
}

func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return progName + " (no build information)"
	}
	out := progName + " " + cmp.Or(bi.Main.Version, "(devel)")
	for _, st := range bi.Settings {
		if st.Key == "vcs.revision" {
			out += fmt.Sprintf(" (commit %.12s%s)", st.Value, when(slices.Contains(bi.Settings, debug.BuildSetting{Key: "vcs.modified", Value: "true"}), ", modified"))
		}
	}
	return out + " " + bi.GoVersion
}
