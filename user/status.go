package user

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Operation names of the two routes outside the User API that every Pieces
// OS serves. They are the Op of the *Error and *OpError that Health and
// Version return.
const (
	OpHealth  = "health"
	OpVersion = "version"
)

// The two routes are hand-written here rather than described in
// api/openapi.yaml: they belong to every Pieces OS, not to the User API,
// answer plain text in more than one form, and take no credentials.
var (
	epHealth  = endpoint{op: OpHealth, method: http.MethodGet, path: "/.well-known/health", accept: acceptTextJSON, statuses: []int{200}, once: true}
	epVersion = endpoint{op: OpVersion, method: http.MethodGet, path: "/.well-known/version", accept: acceptTextJSON, statuses: []int{200}}
)

// acceptTextJSON lists the two forms in which Pieces OS writes the health
// and version texts.
const acceptTextJSON = "text/plain, application/json"

// ErrIncompatibleVersion is returned, wrapped with both versions, by
// VersionWindow.Check for a Pieces OS outside the window.
var ErrIncompatibleVersion = errors.New("version of Pieces OS outside the supported window")

// HealthState is what the health route says about a Pieces OS.
type HealthState string

// The states of HealthState.
const (
	// HealthReady: "ok" or "ok:<id>"; Pieces OS serves requests.
	HealthReady HealthState = "ready"
	// HealthMigrating: "migrating"; Pieces OS is opening or migrating its
	// database and will be ready shortly.
	HealthMigrating HealthState = "migrating"
	// HealthUnknown: an answer in neither form, perhaps from a newer
	// Pieces OS; Text keeps it.
	HealthUnknown HealthState = "unknown"
)

// Health is the answer of GET /.well-known/health.
type Health struct {
	// State says whether Pieces OS is ready.
	State HealthState
	// ID is the id that follows "ok:" (a UUID that names this run of
	// Pieces OS); empty when the answer had none.
	ID string
	// Text is the answer as received, without surrounding space or JSON
	// quotes.
	Text string
}

// Ready reports whether the state is HealthReady.
func (h Health) Ready() bool { return h.State == HealthReady }

// ParseHealth reads the text of the health route: "ok:<id>", "ok" or
// "migrating", as plain text or as a JSON string, in any case. Any other
// text gives HealthUnknown.
func ParseHealth(text string) Health {
	t := unquoteText(text)
	h := Health{State: HealthUnknown, Text: t}
	low := strings.ToLower(t)
	switch {
	case low == "ok":
		h.State = HealthReady
	case strings.HasPrefix(low, "ok:"):
		h.State, h.ID = HealthReady, strings.TrimSpace(t[len("ok:"):])
	case low == "migrating":
		h.State = HealthMigrating
	}
	return h
}

// Kind is the kind of a Pieces OS build, read from its version.
type Kind string

// The kinds of Kind.
const (
	// KindProduction: a released build, such as "12.4.1".
	KindProduction Kind = "production"
	// KindStaging: a staging build, such as "12.6.29-staging".
	KindStaging Kind = "staging"
	// KindDebug: a developer build, whose version is "debug".
	KindDebug Kind = "debug"
	// KindOther: a pre-release this package does not know, such as
	// "13.0.0-beta.2".
	KindOther Kind = "other"
	// KindUnknown: the version could not be read.
	KindUnknown Kind = "unknown"
)

// Version is the version of a Pieces OS, as GET /.well-known/version
// answers it: "12.4.1", "12.6.29-staging" or "debug".
type Version struct {
	// Major, Minor and Patch are the numbers; all 0 for a debug build.
	Major, Minor, Patch int
	// Pre is the pre-release after '-', such as "staging"; empty for a
	// release.
	Pre string
	// Build is the build metadata after '+', if any.
	Build string
	// Debug marks a developer build, which has no number.
	Debug bool
	// Raw is the text as received, without surrounding space or JSON
	// quotes. It is empty in a Version that was not read, such as that of
	// an Instance whose version route failed.
	Raw string
}

// ParseVersion reads a version as Pieces OS writes it: MAJOR.MINOR.PATCH
// with an optional "-PRERELEASE" and "+BUILD" (a leading "v" and a missing
// minor or patch number are accepted), or "debug"; as plain text or as a
// JSON string. Other text fails with an error that names it.
func ParseVersion(text string) (Version, error) {
	t := unquoteText(text)
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
		if err != nil || !allDigits(p) {
			return Version{}, fmt.Errorf("%q is not a version such as 12.4.1, 12.6.29-staging or debug: %q is not a number", t, p)
		}
		nums[i] = n
	}
	v.Major, v.Minor, v.Patch = nums[0], nums[1], nums[2]
	if strings.EqualFold(v.Pre, "debug") {
		v.Debug = true
	}
	return v, nil
}

// Kind says which kind of build the version names. The zero Version, which
// stands for a version that was not read, is KindUnknown.
func (v Version) Kind() Kind {
	low := strings.ToLower(v.Pre)
	switch {
	case v.Raw == "" && v == (Version{}):
		return KindUnknown
	case v.Debug:
		return KindDebug
	case low == "":
		return KindProduction
	case low == "staging" || strings.HasPrefix(low, "staging."):
		return KindStaging
	}
	return KindOther
}

// String returns the version as received, or MAJOR.MINOR.PATCH[-PRE] for a
// Version built by hand.
func (v Version) String() string {
	if v.Raw != "" {
		return v.Raw
	}
	if v.Debug {
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

// Compare compares the numbers of v and w: -1 when v is lower, 0 when they
// are equal, +1 when v is higher. Pre-release and build are ignored, so
// 12.6.29-staging equals 12.6.29.
func (v Version) Compare(w Version) int {
	for _, d := range [...]int{v.Major - w.Major, v.Minor - w.Minor, v.Patch - w.Patch} {
		switch {
		case d < 0:
			return -1
		case d > 0:
			return 1
		}
	}
	return 0
}

// VersionWindow is a range of Pieces OS versions: Min included, Max
// excluded.
type VersionWindow struct {
	Min, Max Version
}

// DefaultVersionWindow returns the versions of Pieces OS this package is
// written for: from 12.0.0 included to 13.0.0 excluded. A new major version
// may change the API.
func DefaultVersionWindow() VersionWindow {
	return VersionWindow{Min: Version{Major: 12}, Max: Version{Major: 13}}
}

// Contains reports whether v lies in the window, comparing the numbers
// only (so 12.6.29-staging lies in 12.0.0 to 13.0.0). A debug build has no
// number and is always contained: it is built from current sources. A
// Version that was not read is never contained.
func (w VersionWindow) Contains(v Version) bool {
	switch v.Kind() {
	case KindDebug:
		return true
	case KindUnknown:
		return false
	}
	return v.Compare(w.Min) >= 0 && v.Compare(w.Max) < 0
}

// Check returns nil when w contains v, and otherwise an error matching
// ErrIncompatibleVersion that says which side of the window v lies on.
func (w VersionWindow) Check(v Version) error {
	switch {
	case w.Contains(v):
		return nil
	case v.Kind() == KindUnknown:
		return fmt.Errorf("user: %w: the version of Pieces OS is unknown (supported: %s)", ErrIncompatibleVersion, w)
	case v.Compare(w.Min) < 0:
		return fmt.Errorf("user: %w: Pieces OS %s is older than %s; update Pieces OS", ErrIncompatibleVersion, v, w.Min)
	}
	return fmt.Errorf("user: %w: Pieces OS %s is not older than %s; update this client library", ErrIncompatibleVersion, v, w.Max)
}

// String returns the window as ">=MIN <MAX".
func (w VersionWindow) String() string { return ">=" + w.Min.String() + " <" + w.Max.String() }

// Health asks Pieces OS whether it is ready. An answer that says
// "migrating" is a Health in HealthMigrating, whatever its status; any
// other non-2xx answer is an *Error, and a 2xx answer in neither known form
// is HealthUnknown with its Text. The request carries no credentials: the
// route needs none. It is sent once, whatever the RetryPolicy: a caller
// that waits for Pieces OS to be ready polls Health itself.
//
// GET /.well-known/health
func (c *Client) Health(ctx context.Context) (Health, error) {
	body, err := c.getWellKnown(ctx, epHealth)
	if err != nil {
		if e, ok := errors.AsType[*Error](err); ok {
			if h := ParseHealth(e.Body); h.State == HealthMigrating {
				return h, nil
			}
		}
		return Health{}, err
	}
	return ParseHealth(string(body)), nil
}

// Version asks Pieces OS for its version. A text that is not a version is
// an *OpError matching ErrMalformedResponse; a non-2xx answer is an *Error.
// The request carries no credentials: the route needs none. Check the
// result with DefaultVersionWindow().Check.
//
// GET /.well-known/version
func (c *Client) Version(ctx context.Context) (Version, error) {
	body, err := c.getWellKnown(ctx, epVersion)
	if err != nil {
		return Version{}, err
	}
	v, err := ParseVersion(string(body))
	if err != nil {
		return Version{}, c.opError(epVersion.op, fmt.Errorf("%w: %v", ErrMalformedResponse, err))
	}
	return v, nil
}

// getWellKnown sends GET ep.path through the client's HTTP client, with
// its limits, retries and errors but without credentials, and returns the
// body of a 2xx answer.
func (c *Client) getWellKnown(ctx context.Context, ep endpoint) ([]byte, error) {
	st, callCtx, err := c.start(ctx, ep)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(callCtx, ep.method, c.baseStr+ep.path, nil)
	if err != nil {
		return nil, c.opError(ep.op, err)
	}
	req.Header.Set("Accept", ep.accept)
	// An empty value keeps net/http from sending its own User-Agent.
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := doer{c}.Do(req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err := c.finish(st, bodyAnswer(body), err, ""); err != nil {
		return nil, err
	}
	return body, nil
}

// bodyAnswer is a body read without gen, in the form finish takes.
type bodyAnswer []byte

// GetBody returns the body.
func (b bodyAnswer) GetBody() []byte { return b }

// unquoteText trims space and, when text is a JSON string, decodes it.
func unquoteText(text string) string {
	t := strings.TrimSpace(text)
	if len(t) >= 2 && t[0] == '"' {
		var s string
		if json.Unmarshal([]byte(t), &s) == nil {
			return strings.TrimSpace(s)
		}
	}
	return t
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
