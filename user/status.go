package user

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The two routes every Pieces OS serves beside the User API. They are
// written here rather than in api/openapi.yaml: they are not part of the
// User API, answer text in more than one form, and take no credentials.
var (
	epHealth  = endpoint{op: "health", method: "GET", path: "/.well-known/health", accept: "text/plain, application/json", ok: 200, anonymous: true}
	epVersion = endpoint{op: "version", method: "GET", path: "/.well-known/version", accept: "text/plain, application/json", ok: 200, anonymous: true}
)

// ErrIncompatibleVersion is wrapped by the error of Version.Check for a
// Pieces OS this package is not written for.
var ErrIncompatibleVersion = errors.New("version of Pieces OS not supported")

// Health is the answer of GET /.well-known/health.
// Ready is false while Pieces OS opens or migrates its database (it
// answers "migrating"), and true for "ok", "ok:<id>" or another text of a
// newer Pieces OS, which the Pieces applications take as ready too.
type Health struct {
	Ready bool
	ID    string // the id after "ok:", which names this run of Pieces OS
	Text  string // the answer, without surrounding space or JSON quotes
}

// Health asks Pieces OS whether it is ready. A "migrating" answer is a
// Health that is not Ready, whatever its status; any other answer outside
// 2xx is an *Error. The request carries no credentials and is sent once,
// since a caller that waits for Pieces OS polls.
//
// GET /.well-known/health
func (cl *Client) Health(ctx context.Context) (Health, error) {
	c, err := cl.start(ctx, &epHealth)
	if err != nil {
		return Health{}, err
	}
	return c.probe().health(ctx)
}

// Version asks Pieces OS for its version. A text that is not a version is
// an *Error wrapping ErrMalformedResponse. The request carries no
// credentials and is sent once. Check the result with Version.Check.
//
// GET /.well-known/version
func (cl *Client) Version(ctx context.Context) (Version, error) {
	c, err := cl.start(ctx, &epVersion)
	if err != nil {
		return Version{}, err
	}
	return c.probe().version(ctx)
}

// probe returns the client with one attempt per call.
func (c *client) probe() *client {
	p := *c
	p.attempts = 1
	return &p
}

func (c *client) health(ctx context.Context) (Health, error) {
	text, err := get[string](ctx, c, &epHealth)
	if err != nil {
		if e, ok := errors.AsType[*Error](err); ok && e.StatusCode != 0 {
			if h := parseHealth(e.Body); !h.Ready {
				return h, nil
			}
		}
		return Health{}, err
	}
	return parseHealth(*text), nil
}

func (c *client) version(ctx context.Context) (Version, error) {
	text, err := get[string](ctx, c, &epVersion)
	if err != nil {
		return Version{}, err
	}
	v, err := parseVersion(*text)
	if err != nil {
		return Version{}, c.fail(epVersion.op, 0, nil, fmt.Errorf("%w: %v", ErrMalformedResponse, err))
	}
	return v, nil
}

// parseHealth reads "ok:<id>", "ok" or "migrating", as plain text or as a
// JSON string, in any case.
func parseHealth(text string) Health {
	t := unquote(text)
	low := strings.ToLower(t)
	h := Health{Ready: low != "migrating", Text: t}
	if strings.HasPrefix(low, "ok:") {
		h.ID = strings.TrimSpace(t[len("ok:"):])
	}
	return h
}

// Version is the version of a Pieces OS: "12.4.1", "12.6.29-staging" or
// "debug".
type Version struct {
	Major, Minor, Patch int    // all 0 for a debug build
	Pre                 string // the pre-release after '-', such as "staging"
	Build               string // the build metadata after '+'
	Debug               bool   // a developer build, which has no number
	Raw                 string // the text as received; "" for a Version not read
}

// parseVersion reads MAJOR.MINOR.PATCH with an optional "-PRERELEASE" and
// "+BUILD" (a leading "v" and a missing minor or patch are accepted), or
// "debug", as plain text or as a JSON string.
func parseVersion(text string) (Version, error) {
	t := unquote(text)
	v := Version{Raw: t}
	if strings.EqualFold(t, "debug") {
		v.Debug = true
		return v, nil
	}
	core := strings.TrimPrefix(strings.TrimPrefix(t, "v"), "V")
	core, v.Build, _ = strings.Cut(core, "+")
	core, v.Pre, _ = strings.Cut(core, "-")
	parts := strings.Split(core, ".")
	if core == "" || len(parts) > 3 {
		return Version{}, fmt.Errorf("%q is not a version such as 12.4.1, 12.6.29-staging or debug", t)
	}
	nums := [3]int{}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || strings.TrimLeft(p, "0123456789") != "" {
			return Version{}, fmt.Errorf("%q is not a version such as 12.4.1, 12.6.29-staging or debug: %q is not a number", t, p)
		}
		nums[i] = n
	}
	v.Major, v.Minor, v.Patch = nums[0], nums[1], nums[2]
	v.Debug = strings.EqualFold(v.Pre, "debug")
	return v, nil
}

// String returns the version as received, or MAJOR.MINOR.PATCH[-PRE] for
// a Version built by hand.
func (v Version) String() string {
	switch {
	case v.Raw != "":
		return v.Raw
	case v.Debug:
		return "debug"
	}
	s := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	if v.Pre != "" {
		s += "-" + v.Pre
	}
	if v.Build != "" {
		s += "+" + v.Build
	}
	return s
}

// supportedMajor is the major version of Pieces OS this package is written
// for; a new major version may change the API.
const supportedMajor = 12

// Check returns nil when this package supports v: a 12.x.y version, a
// pre-release of one included, or a debug build, which is built from
// current sources. Otherwise the error matches ErrIncompatibleVersion and
// says whether Pieces OS or this package needs an update.
func (v Version) Check() error {
	switch {
	case v.Debug || v.Major == supportedMajor:
		return nil
	case v == Version{}:
		return fmt.Errorf("user: %w: the version of Pieces OS is unknown (supported: %d.x)", ErrIncompatibleVersion, supportedMajor)
	case v.Major < supportedMajor:
		return fmt.Errorf("user: %w: Pieces OS %s is older than %d.0.0; update Pieces OS", ErrIncompatibleVersion, v, supportedMajor)
	}
	return fmt.Errorf("user: %w: Pieces OS %s is newer than %d.x; update this package", ErrIncompatibleVersion, v, supportedMajor)
}

// rank orders builds for discovery: a release first, then staging, then
// another pre-release, then a debug build, then a version not read.
func (v Version) rank() int {
	low := strings.ToLower(v.Pre)
	switch {
	case v == Version{}:
		return 4
	case v.Debug:
		return 3
	case low == "":
		return 0
	case low == "staging" || strings.HasPrefix(low, "staging."):
		return 1
	}
	return 2
}

// unquote trims space and, when text is a JSON string, decodes it.
func unquote(text string) string {
	t := strings.TrimSpace(text)
	if len(t) >= 2 && t[0] == '"' {
		var s string
		if json.Unmarshal([]byte(t), &s) == nil {
			return strings.TrimSpace(s)
		}
	}
	return t
}
