package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// statusReport is what the status command found, and its --json form.
type statusReport struct {
	// Address is the base URL of the Pieces OS asked.
	Address string `json:"address"`
	// FoundBy says how the address was chosen: "--host", "$PIECES_OS_URL",
	// "port file", "scan" or "default".
	FoundBy string `json:"foundBy"`
	// PortFile is the port file discovery read, when it read one.
	PortFile string `json:"portFile,omitempty"`
	// Health is "ready", "migrating" or "unknown".
	Health   string `json:"health"`
	HealthID string `json:"healthId,omitempty"`
	// Version is the version text; empty when it could not be read, and
	// VersionError then says why.
	Version      string `json:"version,omitempty"`
	VersionError string `json:"versionError,omitempty"`
	Kind         string `json:"kind"`
	// Compatible tells whether the version lies in Window, the window of
	// this library.
	Compatible bool   `json:"compatible"`
	Window     string `json:"window"`
	// SignedIn tells whether a user is signed in; User is that user, and
	// UserError says why the user could not be read.
	SignedIn  bool        `json:"signedIn"`
	User      *statusUser `json:"user,omitempty"`
	UserError string      `json:"userError,omitempty"`
}

// statusUser names the signed-in user; the snapshot command shows the
// whole profile.
type statusUser struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	Username string `json:"username,omitempty"`
}

func setupStatus(fs *flag.FlagSet) action {
	portFile := fs.String("port-file", "", "read the port from `PATH` instead of the file Pieces OS writes (default: $"+user.EnvPortFile+", else the file of this system)")
	noPortFile := fs.Bool("no-port-file", false, "skip the port file and only scan the ports")
	var ports portRanges
	fs.Var(&ports, "ports", fmt.Sprintf("scan `RANGES` such as 39300-39333,41234 instead of %d-%d and %d-%d", user.FirstPort, user.LastPort, user.FirstDebugPort, user.LastDebugPort))
	all := fs.Bool("all", false, "list every Pieces OS found (port file and scan) instead of asking the one discovery picks")
	return func(s *session, _ []string) error {
		if *portFile != "" && *noPortFile {
			return usagef("status: --port-file and --no-port-file exclude each other")
		}
		opts := user.DiscoverOptions{PortFile: *portFile, NoPortFile: *noPortFile, Ranges: ports}
		if *all {
			return s.listInstances(opts)
		}
		r := &statusReport{Window: user.DefaultVersionWindow().String()}
		if err := s.statusAddress(r, opts); err != nil {
			return err
		}
		c, err := s.client()
		if err != nil {
			return err
		}
		r.Address = s.base

		ctx, cancel := s.callCtx()
		defer cancel()
		h, err := c.Health(ctx)
		if err != nil {
			return err
		}
		r.Health, r.HealthID = string(h.State), h.ID

		v, verr := c.Version(ctx)
		if verr != nil {
			if unreachable(verr) {
				return verr
			}
			r.VersionError = verr.Error()
		} else {
			r.Version = v.String()
		}
		r.Kind = string(v.Kind())
		window := user.DefaultVersionWindow()
		r.Compatible = window.Contains(v)

		// The user is asked for once Pieces OS is ready; a migrating one
		// cannot answer yet.
		var uerr error
		if h.State != user.HealthMigrating {
			p, err := c.Snapshot(ctx)
			switch {
			case err == nil:
				r.SignedIn = true
				r.User = &statusUser{ID: p.ID, Name: p.Name, Email: p.Email, Username: p.Username}
			case errors.Is(err, user.ErrSignedOut):
			case unreachable(err):
				return err
			default:
				uerr, r.UserError = err, err.Error()
			}
		}
		if err := s.writeStatus(r); err != nil {
			return err
		}

		// The exit status: 0 only for a ready Pieces OS of a supported
		// version that answered every question.
		switch {
		case h.State == user.HealthMigrating:
			return fmt.Errorf("status: Pieces OS at %s is migrating its database; try again in a moment", r.Address)
		case uerr != nil:
			return uerr
		case verr != nil:
			return fmt.Errorf("status: cannot read the version of Pieces OS: %w", verr)
		case !r.Compatible:
			return fmt.Errorf("status: %w", window.Check(v))
		case h.State != user.HealthReady:
			return fmt.Errorf("status: the health route of Pieces OS answered %q, which is neither ready nor migrating", h.Text)
		}
		return nil
	}
}

// statusAddress decides which Pieces OS to ask, as resolveBase does, but
// with the port-file options of the command, and notes how in r.
func (s *session) statusAddress(r *statusReport, opts user.DiscoverOptions) error {
	switch {
	case s.hostSet:
		r.FoundBy = "--host"
		return s.resolveBase()
	case os.Getenv(user.EnvBaseURL) != "":
		r.FoundBy = "$" + user.EnvBaseURL
		return s.resolveBase()
	}
	if !opts.NoPortFile && opts.PortFile == "" {
		// The file DiscoverInstance reads, to name it in the report.
		opts.PortFile, _ = user.DefaultPortFile()
	}
	ctx, cancel := context.WithTimeout(s.ctx, discoverTimeout)
	defer cancel()
	inst, err := user.DiscoverInstance(ctx, opts)
	switch {
	case err == nil, errors.Is(err, user.ErrMigrating):
		r.FoundBy = string(inst.Source)
		if inst.Source == user.SourcePortFile {
			r.PortFile = opts.PortFile
		}
		s.base = inst.URL
	case s.ctx.Err() != nil:
		return s.ctx.Err()
	case errors.Is(err, user.ErrInvalidInput):
		return usagef("status: %v", err)
	default:
		// As the other commands do: try the default address, and report
		// the discovery failure if that fails too.
		fmt.Fprintf(s.stderr, "%s: status: %v\n", progName, oneLine(err.Error()))
		r.FoundBy = "default"
		s.discoverErr = err
		s.base = user.DefaultBaseURL
	}
	return nil
}

// portRanges collects --ports; it is a flag.Value.
type portRanges []user.PortRange

func (p *portRanges) String() string {
	if p == nil {
		return ""
	}
	parts := make([]string, len(*p))
	for i, r := range *p {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// Set parses a comma-separated list of ports and FIRST-LAST ranges.
func (p *portRanges) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		firstText, lastText, isRange := strings.Cut(part, "-")
		if !isRange {
			lastText = firstText
		}
		first, err1 := strconv.Atoi(strings.TrimSpace(firstText))
		last, err2 := strconv.Atoi(strings.TrimSpace(lastText))
		if err1 != nil || err2 != nil || first < 1 || last > 65535 || first > last {
			return fmt.Errorf("%q is not a port or an ascending range FIRST-LAST within 1-65535", part)
		}
		*p = append(*p, user.PortRange{First: first, Last: last})
	}
	return nil
}

// instanceJSON is one line of status --all --json.
type instanceJSON struct {
	Address    string `json:"address"`
	FoundBy    string `json:"foundBy"`
	Ready      bool   `json:"ready"`
	Health     string `json:"health"`
	HealthID   string `json:"healthId,omitempty"`
	Version    string `json:"version,omitempty"`
	Kind       string `json:"kind"`
	Compatible bool   `json:"compatible"`
}

// listInstances prints every Pieces OS discovery finds.
func (s *session) listInstances(opts user.DiscoverOptions) error {
	ctx, cancel := context.WithTimeout(s.ctx, discoverTimeout)
	defer cancel()
	found, err := user.DiscoverAll(ctx, opts)
	switch {
	case s.ctx.Err() != nil:
		return s.ctx.Err()
	case errors.Is(err, user.ErrInvalidInput):
		return usagef("status: %v", err)
	case err != nil:
		return err // matches user.ErrNotFoundOnPorts: exit 3
	}
	window := user.DefaultVersionWindow()
	list := make([]instanceJSON, len(found))
	for i, inst := range found {
		list[i] = instanceJSON{
			Address: inst.URL, FoundBy: string(inst.Source), Ready: inst.Ready,
			Health: string(inst.Health.State), HealthID: inst.Health.ID,
			Version: inst.Version.Raw, Kind: string(inst.Kind()), Compatible: window.Contains(inst.Version),
		}
	}
	if s.json {
		enc := json.NewEncoder(s.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	tw := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADDRESS\tFOUND BY\tHEALTH\tVERSION\tKIND\tSUPPORTED")
	for _, l := range list {
		supported := "no"
		if l.Compatible {
			supported = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Address, l.FoundBy, l.Health, orNone(l.Version), l.Kind, supported)
	}
	return tw.Flush()
}

// writeStatus prints r as text, or as JSON with --json.
func (s *session) writeStatus(r *statusReport) error {
	if s.json {
		enc := json.NewEncoder(s.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	tw := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	var how string
	switch r.FoundBy {
	case string(user.SourcePortFile):
		how = "from the port file " + r.PortFile
	case string(user.SourceScan):
		how = "found by scanning the ports"
	case "default":
		how = "the default address; discovery found nothing"
	default:
		how = "given by " + r.FoundBy
	}
	fmt.Fprintf(tw, "address:\t%s (%s)\n", r.Address, how)
	switch {
	case r.VersionError != "":
		fmt.Fprintf(tw, "version:\tunknown (%s)\n", oneLine(r.VersionError))
	case r.Compatible:
		fmt.Fprintf(tw, "version:\t%s (%s; within %s)\n", r.Version, r.Kind, r.Window)
	default:
		fmt.Fprintf(tw, "version:\t%s (%s; outside %s)\n", r.Version, r.Kind, r.Window)
	}
	health := r.Health
	if r.HealthID != "" {
		health += " (id " + r.HealthID + ")"
	}
	fmt.Fprintf(tw, "health:\t%s\n", health)
	writeStatusUser(tw, r)
	return tw.Flush()
}

func writeStatusUser(w io.Writer, r *statusReport) {
	switch {
	case r.Health == string(user.HealthMigrating):
		fmt.Fprintf(w, "user:\tnot asked while migrating\n")
	case r.UserError != "":
		fmt.Fprintf(w, "user:\tunknown (%s)\n", oneLine(r.UserError))
	case !r.SignedIn:
		fmt.Fprintf(w, "user:\tnobody signed in\n")
	default:
		p := r.User
		who := []string{orNone(p.Name)}
		if p.Email != "" {
			who = append(who, "<"+p.Email+">")
		}
		fmt.Fprintf(w, "user:\t%s (id %s)\n", strings.Join(who, " "), orNone(p.ID))
	}
}
