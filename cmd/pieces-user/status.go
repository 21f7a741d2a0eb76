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

// instanceJSON describes one Pieces OS, for status and status --all.
type instanceJSON struct {
	Address string `json:"address"`
	// FoundBy is "--host", "$PIECES_OS_URL", "port file" or "scan";
	// PortFile the port file that named the address, if one did.
	FoundBy  string `json:"foundBy"`
	PortFile string `json:"portFile,omitempty"`
	Ready    bool   `json:"ready"`
	Health   string `json:"health"` // "ready" or "migrating"
	HealthID string `json:"healthId,omitempty"`
	// Kind is the kind of build: "debug", "production", or the
	// pre-release ("staging"); empty, as Version, when it is unknown.
	Version    string `json:"version,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Compatible bool   `json:"compatible"` // package user supports the version
}

// statusReport is what status found, and its --json form.
type statusReport struct {
	instanceJSON
	// MissingPortFiles are the port files discovery looked for in vain,
	// when none named the Pieces OS.
	MissingPortFiles []string    `json:"missingPortFiles,omitempty"`
	VersionError     string      `json:"versionError,omitempty"`
	SignedIn         bool        `json:"signedIn"`
	User             *statusUser `json:"user,omitempty"`
	UserError        string      `json:"userError,omitempty"` // why the user could not be read
}

// statusUser names the signed-in user.
type statusUser struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	Username string `json:"username,omitempty"`
}

// describeInstance says what status and status --all say of inst.
func describeInstance(inst user.Instance) instanceJSON {
	v := inst.Version
	d := instanceJSON{Address: inst.URL, FoundBy: "scan", PortFile: inst.PortFile, Ready: inst.Health.Ready, Health: "migrating",
		HealthID: inst.Health.ID, Version: v.Raw, Kind: cmp.Or(v.Pre, "production"), Compatible: v.Check() == nil}
	if inst.PortFile != "" {
		d.FoundBy = "port file"
	}
	if d.Ready {
		d.Health = "ready"
	}
	if v.Debug || v == (user.Version{}) {
		d.Kind = when(v.Debug, "debug")
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
		var uerr error
		if h.Ready { // a migrating Pieces OS cannot answer yet
			p, err := c.Snapshot(ctx)
			switch {
			case err == nil:
				r.SignedIn, r.User = true, &statusUser{ID: p.ID, Name: p.Name, Email: p.Email, Username: p.Username}
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
		// Exit 0 only for a ready Pieces OS of a supported version that
		// answered every question.
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

// missingPortFiles lists the port files discovery looks for in vain.
func (s *session) missingPortFiles() (missing []string) {
	files := user.PortFiles()
	switch {
	case s.find.NoPortFile:
		return nil
	case s.find.PortFile != "":
		files = []string{s.find.PortFile}
	}
	for _, f := range files {
		if _, err := os.Stat(f); errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, f)
		}
	}
	return missing
}

// portList is the value of --ports: ports and FIRST-LAST ranges.
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
	case err != nil:
		return err
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
	how := map[string]string{"port file": "from the port file " + r.PortFile, "scan": "found by scanning the ports"}[r.FoundBy]
	fmt.Fprintf(tw, "address:\t%s (%s)\n", r.Address, cmp.Or(how, "given by "+r.FoundBy))
	if len(r.MissingPortFiles) > 0 {
		fmt.Fprintf(tw, "port files:\tmissing: %s\n", strings.Join(r.MissingPortFiles, ", "))
	}
	if r.VersionError != "" {
		fmt.Fprintf(tw, "version:\tunknown (%s)\n", oneLine(r.VersionError))
	} else {
		fmt.Fprintf(tw, "version:\t%s (%s; %ssupported)\n", r.Version, r.Kind, when(!r.Compatible, "not "))
	}
	fmt.Fprintf(tw, "health:\t%s%s\n", r.Health, when(r.HealthID != "", " (id "+r.HealthID+")"))
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
