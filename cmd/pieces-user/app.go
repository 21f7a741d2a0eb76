package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// progName prefixes every message the program writes to standard error.
const progName = "pieces-user"

// Exit codes.
const (
	exitOK          = 0 // the command did what it was asked
	exitFailed      = 1 // Pieces OS answered with an error, or the command could not finish
	exitUsage       = 2 // the command line is wrong
	exitUnreachable = 3 // no Pieces OS answered
)

// Environment variables that give defaults to global flags. The base URL
// comes from user.EnvBaseURL ($PIECES_OS_URL).
const (
	envAppID = "PIECES_APPLICATION_ID"
	envToken = "PIECES_ACCESS_TOKEN"
)

// defaultTimeout bounds one call to Pieces OS unless --timeout says
// otherwise.
const defaultTimeout = 10 * time.Second

// discoverTimeout bounds the search for Pieces OS on its port range.
// Discovery itself gives up after a fraction of it when nothing listens.
const discoverTimeout = 5 * time.Second

// startHint tells the reader how to get something to talk to.
const startHint = "start the Pieces OS app, or run `" + progName + " serve-fake` for a fake one"

// usageError is a mistake in the command line or in the input it names;
// it ends the program with exitUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// action does the work of a command once its flags and arguments are
// parsed.
type action func(s *session, args []string) error

// command is one subcommand of the program.
type command struct {
	name    string
	args    []string // names of the positional arguments, for usage and checks
	optArgs bool     // the positional arguments may be left out
	summary string   // one line for the list of commands
	route   string   // the route the command calls, when it calls one
	// setup declares the command's flags on fs and returns its action.
	setup func(fs *flag.FlagSet) action
}

// usageLine returns "NAME ARGS", as in the list of commands.
func (c command) usageLine() string {
	if len(c.args) == 0 {
		return c.name
	}
	args := strings.Join(c.args, " ")
	if c.optArgs {
		args = "[" + args + "]"
	}
	return c.name + " " + args
}

// session is the state of one run of the program.
type session struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	host    string // --host; used when hostSet
	hostSet bool
	appID   string
	token   string
	timeout time.Duration // per call; 0 means none
	json    bool
	// insecure allows credentials over plain http to a host that is not
	// on loopback (--insecure-credentials).
	insecure bool

	transport   *http.Transport // of the client, closed when the run ends
	base        string          // the address the client talks to, once known
	discoverErr error           // why discovery found nothing, when it was tried
	// connected is set once a TCP connection to Pieces OS succeeded: a
	// call that then times out met a Pieces OS that is slow, not absent.
	connected atomic.Bool

	answer user.RawResponse // filled by a call made with recording, for --json
}

// run is the program: it parses args, runs the command they name and
// returns the exit code. main gives it a context that ends on SIGINT and
// SIGTERM; tests call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &session{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	defer s.close()

	fs := flag.NewFlagSet(progName, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Func("host", "", func(v string) error { s.host, s.hostSet = v, true; return nil })
	fs.StringVar(&s.appID, "app-id", "", "")
	fs.StringVar(&s.token, "token", "", "")
	fs.DurationVar(&s.timeout, "timeout", defaultTimeout, "")
	fs.BoolVar(&s.json, "json", false, "")
	fs.BoolVar(&s.insecure, "insecure-credentials", false, "")
	if err := flagError(fs, fs.Parse(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeUsage(stdout)
			return exitOK
		}
		return s.fail(usagef("%v; run '%s help' for usage", err, progName))
	}
	set := flagsSet(fs)
	if !set["app-id"] {
		s.appID = os.Getenv(envAppID)
	}
	if !set["token"] {
		s.token = os.Getenv(envToken)
	}
	if s.timeout < 0 {
		return s.fail(usagef("--timeout %v is negative: give a positive duration, such as 10s or 1m, or 0 for no limit", s.timeout))
	}
	if fs.NArg() == 0 {
		return s.fail(usagef("no command given; run '%s help' for the list of commands", progName))
	}

	name, rest := fs.Arg(0), fs.Args()[1:]
	cmd, ok := lookupCommand(name)
	if !ok {
		return s.fail(usagef("unknown command %q; run '%s help' for the list of commands", name, progName))
	}
	cfs := flag.NewFlagSet(progName+" "+cmd.name, flag.ContinueOnError)
	cfs.SetOutput(io.Discard)
	act := cmd.setup(cfs)
	pos, err := parseInterleaved(cfs, rest)
	err = flagError(cfs, err)
	if errors.Is(err, flag.ErrHelp) {
		writeCommandHelp(stdout, cmd)
		return exitOK
	}
	if err != nil {
		return s.fail(usagef("%s: %v; run '%s help %s' for its flags", cmd.name, err, progName, cmd.name))
	}
	if err := checkArgs(cmd, pos); err != nil {
		return s.fail(err)
	}
	return s.fail(act(s, pos))
}

// commands lists every command, in the order of the usage text.
func commands() []command {
	return []command{
		{name: "status", summary: "show where Pieces OS is (port file or scan), its version, readiness and signed-in user", route: "GET /.well-known/health, GET /.well-known/version, GET /user", setup: setupStatus},
		{name: "snapshot", summary: "show the signed-in user", route: "GET /user", setup: setupSnapshot},
		{name: "refresh", summary: "fetch the signed-in user again from the identity provider", route: "GET /user/refresh", setup: setupRefresh},
		{name: "select", summary: "sign a user in (--email, --name, --user-id, --username or --file)", route: "POST /user/select", setup: setupSelect},
		{name: "update", summary: "change the profile (--name, --email, --username, --picture or --file)", route: "POST /user/update", setup: setupUpdate},
		{name: "vanity", args: []string{"NAME"}, summary: "set the vanity name of the personal cloud", route: "GET /user, POST /user/update/vanity", setup: setupVanity},
		{name: "token", summary: "print the signed-in user's access token", route: "GET /user/access_token", setup: setupToken},
		{name: "associate", args: []string{"USER", "ENTITY"}, summary: "add a user to an organization or team", route: "POST /user/{user}/entities/associate/{entity}", setup: setupAssociate},
		{name: "disassociate", args: []string{"USER", "ENTITY"}, summary: "remove a user from an organization or team", route: "POST /user/{user}/entities/disassociate/{entity}", setup: setupDisassociate},
		{name: "beta", summary: "show or change beta access (--user, --vision-from, --vision-to)", route: "POST /user/beta/status", setup: setupBeta},
		{name: "checkout", summary: "start a purchase for the signed-in user", route: "POST /user/checkout", setup: setupCheckout},
		{name: "feature", args: []string{"FEATURE"}, summary: "tell whether the user may use a feature", route: "POST /user/has_feature_access", setup: setupFeature},
		{name: "subscriptions", summary: "open subscription management", route: "POST /user/manage/subscriptions", setup: setupSubscriptions},
		{name: "paddle-refresh", summary: "refresh billing data from the payment provider", route: "GET /user/paddle/refresh", setup: setupPaddleRefresh},
		{name: "providers", summary: "show the sign-in providers (cloud only: a local Pieces OS answers 501)", route: "GET /user/providers", setup: setupProviders},
		{name: "clear", summary: "sign the user out", route: "POST /user/clear", setup: setupClear},
		{name: "watch", summary: "follow the profile stream until interrupted (or --count events)", route: "WebSocket /user/stream", setup: setupWatchProfile},
		{name: "watch-checkins", summary: "follow the check-in stream until interrupted (or --count events)", route: "WebSocket /user/last_checked_in/stream", setup: setupWatchCheckIns},
		{name: "serve-fake", summary: "run a fake Pieces OS until interrupted (--addr, --signed-out, --fail ...)", setup: setupServeFake},
		{name: "demo", summary: "walk through the library against an in-process fake Pieces OS", setup: setupDemo},
		{name: "help", args: []string{"COMMAND"}, optArgs: true, summary: "show this help, or the flags of one command", setup: setupHelp},
		{name: "version", summary: "print the version of this program", setup: setupVersion},
	}
}

// lookupCommand finds a command by name.
func lookupCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// parseInterleaved parses fs from args, allowing flags after positional
// arguments ("feature SHARE_SNIPPET --model gpt-4o"). Everything after
// "--" is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// checkArgs checks the number of positional arguments of cmd.
func checkArgs(cmd command, pos []string) error {
	usage := progName + " " + cmd.usageLine()
	switch {
	case len(pos) < len(cmd.args) && !(cmd.optArgs && len(pos) == 0):
		return usagef("%s: missing argument %s (usage: %s)", cmd.name, cmd.args[len(pos)], usage)
	case len(pos) > len(cmd.args):
		return usagef("%s: unexpected argument %q (usage: %s)", cmd.name, pos[len(cmd.args)], usage)
	}
	return nil
}

// flagsSet returns the names of the flags given on the command line.
func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// writeUsage writes the help text of the program.
func writeUsage(w io.Writer) {
	fmt.Fprintf(w, "%s calls the User API of Pieces OS.\n\n", progName)
	fmt.Fprintf(w, "Usage:\n  %s [global flags] COMMAND [flags] [arguments]\n\nCommands:\n", progName)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.usageLine(), c.summary)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, `
Global flags (before the command):
  --host URL     address of Pieces OS (a bare host:port means http://);
                 default: $%s, else the Pieces OS that discovery
                 finds (the port file, then 127.0.0.1 ports %d-%d),
                 else %s
  --app-id ID    application id sent as X-Application-ID (default:
                 $%s)
  --token TOKEN  access token that select sends (default: $%s)
  --timeout DUR  limit for each call, a duration such as 10s or 1m, 0 for
                 none (default: %v; not applied to the watch commands)
  --insecure-credentials
                 send --app-id and --token over plain http to a host that
                 is not on loopback (refused without it)
  --json         print the result as JSON; the watch commands print one
                 object per line and event: {"event":"profile","profile":{...}},
                 {"event":"signed-out"} or {"event":"check-in","checkIn":{...}}

Exit codes:
  0  success
  1  Pieces OS answered with an error (the message names the status and its
     meaning, such as "vanity name already taken (409)"), or the command could
     not finish
  2  usage error: unknown command or flag, missing or extra argument, bad JSON,
     unknown feature
  3  Pieces OS unreachable: connection refused, no answer in time, or nothing
     found by discovery

Run '%s help COMMAND' for the flags of a command.
`, user.EnvBaseURL, user.FirstPort, user.LastDebugPort, user.DefaultBaseURL, envAppID, envToken, defaultTimeout, progName)
}

// writeCommandHelp writes the usage and flags of one command.
func writeCommandHelp(w io.Writer, cmd command) {
	fmt.Fprintf(w, "Usage: %s [global flags] %s [flags]\n\n%s.\n", progName, cmd.usageLine(), upperFirst(cmd.summary))
	if cmd.route != "" {
		fmt.Fprintf(w, "Calls %s.\n", cmd.route)
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	cmd.setup(fs)
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprintln(w, "\nFlags:")
			first = false
		}
		arg, usage := flag.UnquoteUsage(f)
		if arg != "" {
			arg = " " + arg
		}
		fmt.Fprintf(w, "  --%s%s\n      %s", f.Name, arg, usage)
		switch f.DefValue {
		case "", "0", "false", "0s":
		default:
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
	fmt.Fprintf(w, "\nRun '%s help' for the global flags and the exit codes.\n", progName)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func setupHelp(fs *flag.FlagSet) action {
	return func(s *session, args []string) error {
		if len(args) == 0 {
			writeUsage(s.stdout)
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

func setupVersion(fs *flag.FlagSet) action {
	return func(s *session, _ []string) error {
		_, err := fmt.Fprintln(s.stdout, versionString())
		return err
	}
}

// versionString describes the build: module version, commit and Go version.
func versionString() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return progName + " (no build information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, st := range bi.Settings {
		switch st.Key {
		case "vcs.revision":
			rev = st.Value
		case "vcs.modified":
			if st.Value == "true" {
				modified = ", modified"
			}
		}
	}
	out := progName + " " + v
	if rev != "" {
		out += fmt.Sprintf(" (commit %.12s%s)", rev, modified)
	}
	return out + " " + bi.GoVersion
}

// client returns a Client for the Pieces OS the global flags point at.
func (s *session) client() (*user.Client, error) {
	if err := s.resolveBase(); err != nil {
		return nil, err
	}
	if s.transport == nil {
		s.transport = http.DefaultTransport.(*http.Transport).Clone()
		dial := s.transport.DialContext
		s.transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dial(ctx, network, addr)
			if err == nil {
				s.connected.Store(true)
			}
			return conn, err
		}
	}
	hc := &http.Client{
		Transport: s.transport,
		// As the default client of package user: a redirect is an answer,
		// never followed with the credentials attached.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	opts := []user.Option{
		user.WithBaseURL(s.base),
		user.WithHTTPClient(hc),
		user.WithUserAgent(progName + " (" + user.DefaultUserAgent + ")"),
	}
	if s.appID != "" {
		opts = append(opts, user.WithApplicationID(s.appID))
	}
	if s.token != "" {
		opts = append(opts, user.WithAccessToken(s.token))
	}
	if s.insecure {
		opts = append(opts, user.WithInsecureCredentials())
	}
	c, err := user.New(opts...)
	if err != nil {
		// The only check that --insecure-credentials lifts: say it in the
		// program's terms, not the library's.
		if _, again := user.New(append(opts, user.WithInsecureCredentials())...); again == nil {
			return nil, usagef("refusing to send the application id or token over plain http to %s, which is not a loopback address: use an https:// address in --host, or give --insecure-credentials to allow it", s.base)
		}
		return nil, usagef("%v", err)
	}
	s.base = c.BaseURL()
	return c, nil
}

// resolveBase decides where Pieces OS is: --host, else $PIECES_OS_URL,
// else discovery, else user.DefaultBaseURL.
func (s *session) resolveBase() error {
	if s.base != "" {
		return nil
	}
	switch {
	case s.hostSet:
		base, err := user.ParseBaseURL(s.host)
		if err != nil {
			return usagef("--host: %v; give an address such as %s or 127.0.0.1:39300", err, user.DefaultBaseURL)
		}
		s.base = base
	case os.Getenv(user.EnvBaseURL) != "":
		base, err := user.ParseBaseURL(os.Getenv(user.EnvBaseURL))
		if err != nil {
			return usagef("$%s: %v; give an address such as %s or 127.0.0.1:39300, or unset it", user.EnvBaseURL, err, user.DefaultBaseURL)
		}
		s.base = base
	default:
		ctx, cancel := context.WithTimeout(s.ctx, discoverTimeout)
		defer cancel()
		inst, err := user.DiscoverInstance(ctx, user.DiscoverOptions{})
		switch {
		case err == nil, errors.Is(err, user.ErrMigrating):
			s.base = inst.URL // a migrating Pieces OS answers for itself
		case s.ctx.Err() != nil:
			return s.ctx.Err()
		default:
			s.discoverErr = err
			s.base = user.DefaultBaseURL
		}
	}
	return nil
}

// callCtx returns the context of one call to Pieces OS, bounded by
// --timeout.
func (s *session) callCtx() (context.Context, context.CancelFunc) {
	if s.timeout <= 0 {
		return context.WithCancel(s.ctx)
	}
	return context.WithTimeout(s.ctx, s.timeout)
}

// close releases the connections of the run.
func (s *session) close() {
	if s.transport != nil {
		s.transport.CloseIdleConnections()
	}
}

// fail reports err on standard error and returns the exit code it means;
// a nil err is exitOK.
func (s *session) fail(err error) int {
	if err == nil {
		return exitOK
	}
	code, msg := exitFailed, err.Error()
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		code = exitUsage
	case s.ctx.Err() != nil && errors.Is(err, context.Canceled):
		msg = "interrupted"
	case unreachable(err):
		code, msg = exitUnreachable, s.unreachableMessage(err)
	}
	fmt.Fprintf(s.stderr, "%s: %s\n", progName, oneLine(msg))
	return code
}

// unreachable reports whether err says that Pieces OS could not be reached:
// the request could not be sent, or no answer came in time.
func unreachable(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, user.ErrNotFoundOnPorts)
}

// unreachableMessage says which address failed, why, and what to do.
func (s *session) unreachableMessage(err error) string {
	if errors.Is(err, user.ErrNotFoundOnPorts) {
		return err.Error() // names what was tried and how to start Pieces OS
	}
	timedOut := errors.Is(err, context.DeadlineExceeded)
	if timedOut && s.connected.Load() {
		// Something accepts connections there: Pieces OS runs but is slow
		// or stuck, and starting it would not help.
		return fmt.Sprintf("Pieces OS at %s did not answer within %v: it accepts connections but is busy or stuck; try again, give a longer --timeout, or restart Pieces OS",
			s.base, s.timeout)
	}
	cause := err.Error()
	var ue *url.Error
	switch {
	case timedOut:
		cause = fmt.Sprintf("no connection within %v (see --timeout)", s.timeout)
	case errors.As(err, &ue):
		cause = ue.Err.Error()
	}
	if s.discoverErr != nil {
		return fmt.Sprintf("cannot reach Pieces OS: nothing answered on %s ports %d-%d, and %s failed: %s; %s",
			user.DiscoverHost, user.FirstPort, user.LastPort, s.base, cause, startHint)
	}
	return fmt.Sprintf("cannot reach Pieces OS at %s: %s; %s", s.base, cause, startHint)
}

// oneLine folds a message onto one line.
func oneLine(msg string) string {
	msg = strings.TrimSpace(msg)
	return strings.Join(strings.FieldsFunc(msg, func(r rune) bool { return r == '\n' || r == '\r' }), " ")
}
