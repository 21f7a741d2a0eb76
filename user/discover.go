package user

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Where discovery looks by default. Pieces OS takes the first free port
// from 39300; a debug build, from 39334.
const (
	discoverHost  = "127.0.0.1"
	firstPort     = 39300
	lastDebugPort = 39367
	envPortFile   = "PIECES_OS_PORT_FILE"
	maxScanPorts  = 1024
	probeTimeout  = 200 * time.Millisecond // one probe; loopback answers in milliseconds
	maxProbeBody  = 4 << 10
	minRefind     = time.Second // between two searches of a Client that follows Pieces OS
)

// ErrMigrating is wrapped by the error of Discover when the only Pieces OS
// found is opening or migrating its database: try again in a moment.
var ErrMigrating = errors.New("the database of Pieces OS is migrating")

// DiscoverOptions says where Discover, DiscoverAll and WithDiscovery look.
// The zero value reads the files of PortFiles and scans 127.0.0.1 on the
// ports of a released Pieces OS (39300-39333) and of a debug build
// (39334-39367), all at once.
type DiscoverOptions struct {
	PortFile   string       // the one port file to read; "" reads PortFiles()
	NoPortFile bool         // read no port file
	Host       string       // the host to probe; "" is 127.0.0.1
	Ports      []int        // the ports to scan, at most 1024; nil for the defaults
	NoScan     bool         // scan no port
	Logger     *slog.Logger // logs the files read, ports probed and the choice at Debug
}

// Instance is one Pieces OS that discovery found.
type Instance struct {
	URL      string  // its base URL, such as "http://127.0.0.1:39300"
	Port     int     // the port of URL
	PortFile string  // the port file that named it; "" when the scan found it
	Health   Health  // its answer to GET /.well-known/health
	Version  Version // its answer to GET /.well-known/version; zero when that failed
}

// PortFiles returns the files in which Pieces OS may have written the port
// it listens on, in the order discovery reads them: where the current
// release writes it, then where older releases did (except on macOS), then
// where a debug build does. $PIECES_OS_PORT_FILE, when set, is the only
// one. The current release writes it at
//
//	Linux:   $XDG_DATA_HOME (~/.local/share)/com.pieces.os/production/Config/.port.txt
//	macOS:   ~/Library/com.pieces.os/production/Config/.port.txt
//	Windows: %LOCALAPPDATA%\Mesh Intelligent Technologies, Inc\Pieces OS\com.pieces.os\production\Config\.port.txt
//
// and older releases at ~/Documents/com.pieces.os/production/Config/.port.txt.
func PortFiles() []string {
	if p := os.Getenv(envPortFile); p != "" {
		return []string{p}
	}
	home, _ := os.UserHomeDir()
	var dir string
	switch runtime.GOOS {
	case "darwin":
		dir = filepath.Join(home, "Library")
	case "windows":
		dir = filepath.Join(os.Getenv("LOCALAPPDATA"), "Mesh Intelligent Technologies, Inc", "Pieces OS")
	default:
		dir = os.Getenv("XDG_DATA_HOME")
		if dir == "" {
			dir = filepath.Join(home, ".local", "share")
		}
	}
	file := func(dir, build string) string {
		return filepath.Join(dir, "com.pieces.os", build, "Config", ".port.txt")
	}
	files := []string{file(dir, "production")}
	if runtime.GOOS != "darwin" {
		files = append(files, file(filepath.Join(home, "Documents"), "production"))
	}
	return append(files, file(dir, "debug"))
}

// Discover finds the Pieces OS to talk to: the first one a port file names
// (see PortFiles) that says it is ready, without a scan; otherwise, of the
// ready ones the scan finds, a release before staging, another
// pre-release, a debug build and an unknown version, the lowest port
// first within a kind. A port file missing, malformed or stale only sends
// discovery on. When the only one found is migrating its database, the
// error wraps ErrMigrating and comes with that Instance; when none is
// found, it matches ErrUnreachable and names the port files and ports
// tried. Errors are *Error with Op "discover". Nothing listening costs a
// few milliseconds; ports that never answer, 200 ms.
func Discover(ctx context.Context, opts *DiscoverOptions) (Instance, error) {
	inst, err := discover(ctx, options(opts), false)
	if err != nil {
		return Instance{}, (*client)(nil).fail("discover", 0, nil, err)
	}
	if !inst[0].Health.Ready {
		return inst[0], (*client)(nil).fail("discover", 0, nil, fmt.Errorf("%w: %s answers %q; try again once it is ready", ErrMigrating, inst[0].URL, inst[0].Health.Text))
	}
	return inst[0], nil
}

// DiscoverAll reads the port files and scans every port, and returns every
// Pieces OS found, ready or migrating: those named by port files first,
// then the others by port. Its errors are those of Discover, but for
// ErrMigrating.
func DiscoverAll(ctx context.Context, opts *DiscoverOptions) ([]Instance, error) {
	all, err := discover(ctx, options(opts), true)
	if err != nil {
		return nil, (*client)(nil).fail("discover", 0, nil, err)
	}
	return all, nil
}

func options(opts *DiscoverOptions) DiscoverOptions {
	if opts == nil {
		return DiscoverOptions{}
	}
	return *opts
}

// ports checks the options and lists the ports to scan.
func (o DiscoverOptions) ports() ([]int, error) {
	if o.Host != "" && strings.TrimSpace(o.Host) == "" {
		return nil, fmt.Errorf("%w: the host %q is blank", ErrInvalidInput, o.Host)
	}
	switch {
	case o.NoScan:
		return nil, nil
	case o.Ports == nil:
		ports := make([]int, 0, lastDebugPort-firstPort+1)
		for p := firstPort; p <= lastDebugPort; p++ {
			ports = append(ports, p)
		}
		return ports, nil
	case len(o.Ports) > maxScanPorts:
		return nil, fmt.Errorf("%w: %d ports to scan, more than %d", ErrInvalidInput, len(o.Ports), maxScanPorts)
	}
	for _, p := range o.Ports {
		if p < 1 || p > 65535 {
			return nil, fmt.Errorf("%w: port %d is not within 1-65535", ErrInvalidInput, p)
		}
	}
	return o.Ports, nil
}

// discover returns the instances found, a ready one from a port file
// alone unless all, and otherwise sorted as Discover chooses (all: port
// files first, then by port). The error says why nothing was found.
func discover(ctx context.Context, o DiscoverOptions, all bool) ([]Instance, error) {
	ports, err := o.ports()
	if err != nil {
		return nil, err
	}
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrInvalidInput)
	}
	host, log := cmp.Or(o.Host, discoverHost), orDiscard(o.Logger)
	tr := &http.Transport{DialContext: (&net.Dialer{}).DialContext, DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	d := &discoverer{host: host, hc: &http.Client{Transport: tr, CheckRedirect: noRedirects}, log: log}

	var found []Instance
	var notes []string
	if !o.NoPortFile {
		files := PortFiles()
		if o.PortFile != "" {
			files = []string{o.PortFile}
		}
		for _, f := range files {
			port, err := readPortFile(f)
			if err != nil {
				log.Debug("user: discover: port file", "path", f, "problem", err)
				notes = append(notes, err.Error())
				continue
			}
			if slices.ContainsFunc(found, func(i Instance) bool { return i.Port == port }) {
				continue
			}
			inst, ok := d.probe(ctx, port)
			log.Debug("user: discover: port file", "path", f, "port", port, "answered", ok, "ready", inst.Health.Ready)
			if !ok {
				notes = append(notes, fmt.Sprintf("port file %s names port %d, where no Pieces OS answers", f, port))
				continue
			}
			inst.PortFile = f
			found = append(found, inst)
			if inst.Health.Ready && !all {
				log.Debug("user: discover: chose the port file's", "url", inst.URL, "path", f)
				return found, nil
			}
		}
	}
	ports = slices.DeleteFunc(slices.Clone(ports), func(p int) bool {
		return slices.ContainsFunc(found, func(i Instance) bool { return i.Port == p })
	})
	if len(ports) > 0 {
		log.Debug("user: discover: scanning", "host", host, "ports", len(ports), "first", slices.Min(ports), "last", slices.Max(ports))
	}
	scanned := d.scan(ctx, ports)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("stopped before the search for Pieces OS on %s ended: %w", host, err)
	}
	for _, inst := range scanned {
		log.Debug("user: discover: found", "url", inst.URL, "ready", inst.Health.Ready, "version", inst.Version.String())
	}
	if !all {
		// A ready instance first, by kind of build and then by port; the
		// port file's migrating one, then the scan's, after them.
		slices.SortStableFunc(scanned, func(a, b Instance) int {
			return cmp.Or(cmp.Compare(a.rank(), b.rank()), cmp.Compare(a.Port, b.Port))
		})
		if len(scanned) > 0 && (scanned[0].Health.Ready || len(found) == 0) {
			found = slices.Insert(found, 0, scanned[0])
		}
	} else {
		found = append(found, scanned...)
	}
	if len(found) == 0 {
		where := "no port was scanned"
		if len(ports) > 0 {
			where = fmt.Sprintf("nothing answered GET /.well-known/health on %s %s", host, portsText(ports))
		}
		return nil, fmt.Errorf("%w: %s", ErrUnreachable, strings.Join(append(notes, where), "; "))
	}
	if !all {
		log.Debug("user: discover: chose", "url", found[0].URL, "ready", found[0].Health.Ready, "why", "the port files named no ready Pieces OS; a release before staging, debug and unknown builds, then the lowest port")
	}
	return found, nil
}

// portsText writes ports as "port 39300", "ports 39300-39367", or as a count and bounds when
// they are not one run.
func portsText(ports []int) string {
	lo, hi := slices.Min(ports), slices.Max(ports)
	switch {
	case lo == hi:
		return "port " + strconv.Itoa(lo)
	case hi-lo+1 == len(ports):
		return fmt.Sprintf("ports %d-%d", lo, hi)
	}
	return fmt.Sprintf("%d ports from %d to %d", len(ports), lo, hi)
}

// readPortFile reads a port file: a decimal port, with space around it.
func readPortFile(path string) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, fmt.Errorf("no port file at %s", path)
	}
	if err != nil {
		return 0, fmt.Errorf("reading the port file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<10))
	if err != nil {
		return 0, fmt.Errorf("reading the port file %s: %w", path, err)
	}
	text := strings.TrimSpace(strings.TrimPrefix(string(b), "\uFEFF"))
	port, err := strconv.Atoi(text)
	if err != nil || strings.TrimLeft(text, "0123456789") != "" || port < 1 || port > 65535 {
		return 0, fmt.Errorf("port file %s holds %q, not a port from 1 to 65535", path, cutText(text, 64))
	}
	return port, nil
}

// discoverer probes the ports of one host through a client of its own,
// with one attempt per call and no connection kept.
type discoverer struct {
	host string
	hc   *http.Client
	log  *slog.Logger
}

// scan probes every port at once and returns the instances found, by
// port.
func (d *discoverer) scan(ctx context.Context, ports []int) []Instance {
	found := make([]*Instance, len(ports))
	var wg sync.WaitGroup
	for i, port := range ports {
		wg.Go(func() {
			if inst, ok := d.probe(ctx, port); ok {
				found[i] = &inst
			}
		})
	}
	wg.Wait()
	var out []Instance
	for _, f := range found {
		if f != nil {
			out = append(out, *f)
		}
	}
	return out
}

// probe asks port for its health and version, each within probeTimeout.
// ok is false when the port does not look like Pieces OS: no answer, or
// one outside 2xx that does not say "migrating".
func (d *discoverer) probe(ctx context.Context, port int) (Instance, bool) {
	base := &url.URL{Scheme: "http", Host: net.JoinHostPort(d.host, strconv.Itoa(port))}
	c := &client{hc: d.hc, userAgent: defaultUserAgent, attempts: 1, maxBody: maxProbeBody, log: d.log, jitter: rand.Int64N, addr: &address{base: base}}
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	h, err := c.health(pctx)
	if err != nil {
		return Instance{}, false
	}
	inst := Instance{URL: base.String(), Port: port, Health: h}
	vctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	inst.Version, _ = c.version(vctx)
	return inst, true
}

// rank orders instances for Discover: ready ones first, each group by the
// rank of its version.
func (i Instance) rank() int {
	if i.Health.Ready {
		return i.Version.rank()
	}
	return 10 + i.Version.rank()
}

// moved looks for Pieces OS again after failedHost stopped answering and
// reports whether it moved.
func (a *address) moved(ctx context.Context, failedHost string, log *slog.Logger) bool {
	moved, _ := a.locate(ctx, failedHost, log)
	return moved
}

// address is where a Client's Pieces OS is: fixed, or followed through
// discovery.
type address struct {
	mu    sync.Mutex
	base  *url.URL
	from  string           // where base came from, for messages
	find  *DiscoverOptions // how to find Pieces OS again; nil for a fixed address
	found time.Time        // when discovery last ran after a failure
}

func (a *address) set(raw, from string) error {
	u, err := parseBaseURL(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	a.base, a.from = u, from
	return nil
}

func (a *address) get() *url.URL {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.base
}

// String returns the base URL, or the default one while it is unknown.
func (a *address) String() string {
	if u := a.get(); u != nil {
		return u.String()
	}
	return defaultBaseURL
}

// route points req at the Pieces OS found by discovery, looking for it
// first when it was never found. A fixed address leaves req as gen built
// it.
func (a *address) route(req *http.Request, log *slog.Logger) error {
	if a.find == nil {
		return nil
	}
	u := a.get()
	if u == nil {
		if _, err := a.locate(req.Context(), "", log); err != nil {
			return err
		}
		u = a.get()
	}
	req.URL.Scheme, req.URL.Host, req.Host = u.Scheme, u.Host, ""
	return nil
}

// locate runs discovery with the Client's options, keeps what it found and
// reports whether the address changed. failedHost is the host that stopped
// answering, "" when none was known; searches after a failure are at least
// minRefind apart.
func (a *address) locate(ctx context.Context, failedHost string, log *slog.Logger) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.base != nil && a.base.Host != failedHost:
		return true, nil // another call found it meanwhile
	case failedHost != "" && time.Since(a.found) < minRefind:
		return false, nil
	case failedHost != "":
		a.found = time.Now()
	}
	o := *a.find
	if o.Logger == nil {
		o.Logger = log
	}
	found, err := discover(ctx, o, false)
	if err != nil {
		log.Debug("user: searched again for Pieces OS", "failed", failedHost, "found", "nothing", "cause", err)
		return false, err
	}
	u, err := url.Parse(found[0].URL)
	if err != nil {
		return false, err
	}
	moved := a.base == nil || a.base.Host != u.Host
	log.Debug("user: searched again for Pieces OS", "failed", failedHost, "found", u.String(), "moved", moved)
	a.base = u
	return moved, nil
}
