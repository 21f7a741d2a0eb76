package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// instanceJSON describes one Pieces OS: a line of status --all, and the
// start of the status report.
type instanceJSON struct {
	// Address is the base URL of the Pieces OS.
	Address string `json:"address"`
	// FoundBy says how the address was chosen: "--host",
	// "$PIECES_OS_URL", "port file" or "scan".
	FoundBy string `json:"foundBy"`
	// PortFile is the port file that named it, when one did.
	PortFile string `json:"portFile,omitempty"`
	Ready    bool   `json:"ready"`
	// Health is "ready" or "migrating".
	Health   string `json:"health"`
	HealthID string `json:"healthId,omitempty"`
	// Version is the version text; Kind is the kind of build: "debug",
	// "production", or the pre-release ("staging"). Both are empty when
	// the version is unknown.
	Version string `json:"version,omitempty"`
	Kind    string `json:"kind,omitempty"`
	// Compatible tells whether package user supports this version.
	Compatible bool `json:"compatible"`
}

// statusReport is what the status command found, and its --json form.
type statusReport struct {
	instanceJSON
	// MissingPortFiles are the port files discovery looked for in vain,
	// when no port file named the Pieces OS.
	MissingPortFiles []string `json:"missingPortFiles,omitempty"`
	// VersionError says why the version could not be read.
	VersionError string `json:"versionError,omitempty"`
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

// describeInstance fills what status and status --all say of inst.
func describeInstance(inst user.Instance) instanceJSON {
	d := instanceJSON{Address: inst.URL, FoundBy: "scan", PortFile: inst.PortFile, Ready: inst.Health.Ready, Health: "migrating", HealthID: inst.Health.ID,
		Version: inst.Version.Raw, Compatible: inst.Version.Check() == nil}
	if inst.PortFile != "" {
		d.FoundBy = "port file"
	}
	if d.Ready {
		d.Health = "ready"
	}
	switch v := inst.Version; {
	case v == user.Version{}:
	case v.Debug:
		d.Kind = "debug"
	default:
		d.Kind = cmp.Or(v.Pre, "production")
	}
	return d
}

func setupStatus(fs *flag.FlagSet) action {
	all := fs.Bool("all", false, "list every Pieces OS found (port files and scan) instead of asking the one discovery picks")
	return func(s *session, _ []string) error {
		if *all {
			return s.listInstances()
		}
		c, err := s.client()
		if err != nil {
			return err
		}
		ctx, cancel := s.callCtx()
		defer cancel()
		h, err := c.Health(ctx)
		if err != nil {
			return err
		}
		v, verr := c.Version(ctx)
		if errors.Is(verr, user.ErrUnreachable) {
			return verr
		}
		r := &statusReport{instanceJSON: describeInstance(user.Instance{URL: c.BaseURL(), PortFile: s.inst.PortFile, Health: h, Version: v})}
		if from, _ := s.fixedAddress(); from != "" {
			r.FoundBy = from
		} else if r.PortFile == "" {
			r.MissingPortFiles = s.missingPortFiles()
		}
		if verr != nil {
			r.VersionError, r.Compatible = verr.Error(), false
		}

		// The user is asked for once Pieces OS is ready; a migrating one
		// cannot answer yet.
		var uerr error
		if h.Ready {
			p, err := c.Snapshot(ctx)
			switch {
			case err == nil:
				r.SignedIn = true
				r.User = &statusUser{ID: p.ID, Name: p.Name, Email: p.Email, Username: p.Username}
			case errors.Is(err, user.ErrNotSignedIn):
			case errors.Is(err, user.ErrUnreachable):
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
		case !h.Ready:
			return fmt.Errorf("status: Pieces OS at %s is migrating its database; try again in a moment", r.Address)
		case uerr != nil:
			return uerr
		case verr != nil:
			return fmt.Errorf("status: cannot read the version of Pieces OS: %w", verr)
		case !r.Compatible:
			return fmt.Errorf("status: %w", v.Check())
		}
		return nil
	}
}

// missingPortFiles lists the port files discovery looks for that do not
// exist.
func (s *session) missingPortFiles() []string {
	files := user.PortFiles()
	switch {
	case s.find.NoPortFile:
		return nil
	case s.find.PortFile != "":
		files = []string{s.find.PortFile}
	}
	var missing []string
	for _, f := range files {
		if _, err := os.Stat(f); errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, f)
		}
	}
	return missing
}

// portList is the value of --ports: ports and FIRST-LAST ranges,
// separated by commas.
type portList []int

func (p *portList) String() string { return "" }

func (p *portList) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		firstText, lastText, isRange := strings.Cut(strings.TrimSpace(part), "-")
		if !isRange {
			lastText = firstText
		}
		first, err1 := strconv.Atoi(strings.TrimSpace(firstText))
		last, err2 := strconv.Atoi(strings.TrimSpace(lastText))
		if err1 != nil || err2 != nil || first < 1 || last > 65535 || first > last {
			return fmt.Errorf("%q is not a port or an ascending range FIRST-LAST within 1-65535", part)
		}
		for port := first; port <= last; port++ {
			*p = append(*p, port)
		}
	}
	return nil
}

// listInstances prints every Pieces OS discovery finds.
func (s *session) listInstances() error {
	ctx, cancel := context.WithTimeout(s.ctx, discoverTimeout)
	defer cancel()
	found, err := user.DiscoverAll(ctx, &s.find)
	switch {
	case s.ctx.Err() != nil:
		return s.ctx.Err()
	case errors.Is(err, user.ErrInvalidInput):
		return usagef("status: %v", err)
	case err != nil:
		return err // matches user.ErrUnreachable: exit 3
	}
	list := make([]instanceJSON, len(found))
	for i, inst := range found {
		list[i] = describeInstance(inst)
	}
	if s.json {
		return encodeJSON(s.stdout, list, true)
	}
	tw := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADDRESS\tFOUND BY\tHEALTH\tVERSION\tKIND\tSUPPORTED")
	for _, l := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Address, l.FoundBy, l.Health, orNone(l.Version), orNone(l.Kind), yesNo(l.Compatible))
	}
	return tw.Flush()
}

// writeStatus prints r as text, or as JSON with --json.
func (s *session) writeStatus(r *statusReport) error {
	if s.json {
		return encodeJSON(s.stdout, r, true)
	}
	tw := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	how := "given by " + r.FoundBy
	switch r.FoundBy {
	case "port file":
		how = "from the port file " + r.PortFile
	case "scan":
		how = "found by scanning the ports"
	}
	fmt.Fprintf(tw, "address:\t%s (%s)\n", r.Address, how)
	if len(r.MissingPortFiles) > 0 {
		fmt.Fprintf(tw, "port files:\tmissing: %s\n", strings.Join(r.MissingPortFiles, ", "))
	}
	supported := "not supported"
	if r.Compatible {
		supported = "supported"
	}
	if r.VersionError != "" {
		fmt.Fprintf(tw, "version:\tunknown (%s)\n", oneLine(r.VersionError))
	} else {
		fmt.Fprintf(tw, "version:\t%s (%s; %s)\n", r.Version, r.Kind, supported)
	}
	health := r.Health
	if r.HealthID != "" {
		health += " (id " + r.HealthID + ")"
	}
	fmt.Fprintf(tw, "health:\t%s\n", health)
	switch {
	case !r.Ready:
		fmt.Fprintf(tw, "user:\tnot asked while migrating\n")
	case r.UserError != "":
		fmt.Fprintf(tw, "user:\tunknown (%s)\n", oneLine(r.UserError))
	case !r.SignedIn:
		fmt.Fprintf(tw, "user:\tnobody signed in\n")
	default:
		fmt.Fprintf(tw, "user:\t%s\n", describeUser(r.User.Name, r.User.Email, r.User.ID))
	}
	return tw.Flush()
}
