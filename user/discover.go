package user

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The port range on which a released or staging Pieces OS listens: it takes
// the first free port from FirstPort up to LastPort.
const (
	FirstPort = 39300
	LastPort  = 39333
)

// The port range on which a debug build of Pieces OS listens.
const (
	FirstDebugPort = 39334
	LastDebugPort  = 39367
)

// DiscoverHost is the host Discover probes.
const DiscoverHost = "127.0.0.1"

// EnvPortFile names the environment variable that DefaultPortFile returns
// when it is set, in place of the path where Pieces OS writes its port.
const EnvPortFile = "PIECES_OS_PORT_FILE"

// maxDiscoverPorts bounds the number of ports one discovery probes, since
// every port gets its own probe.
const maxDiscoverPorts = 1024

// probeTimeout bounds one health probe, and then one version request. A
// Pieces OS on loopback answers in a few milliseconds; a port where nothing
// listens is refused at once.
const probeTimeout = 200 * time.Millisecond

// maxProbeBody bounds what discovery reads of a health or version answer.
const maxProbeBody = 4 << 10

// maxPortFile bounds what discovery reads of the port file.
const maxPortFile = 1 << 10

// ErrNotFoundOnPorts is returned, wrapped with the host and the ports tried,
// when discovery finds no Pieces OS.
var ErrNotFoundOnPorts = errors.New("no Pieces OS found")

// ErrMigrating is returned, wrapped with the address, when discovery finds
// a Pieces OS that answers its health route with "migrating" (it is opening
// or migrating its database) and none that is ready. Try again in a moment.
var ErrMigrating = errors.New("the database of Pieces OS is migrating")

// PortRange is a range of ports, First to Last included.
type PortRange struct {
	First, Last int
}

// DefaultPortRanges returns the ports discovery scans unless told
// otherwise: FirstPort to LastPort, then FirstDebugPort to LastDebugPort.
// Both are probed at once, so the debug range costs no time; DiscoverInstance
// picks a debug build only when no other build is ready.
func DefaultPortRanges() []PortRange {
	return []PortRange{{FirstPort, LastPort}, {FirstDebugPort, LastDebugPort}}
}

// String returns the range as "FIRST-LAST".
func (r PortRange) String() string { return fmt.Sprintf("%d-%d", r.First, r.Last) }

// DefaultPortFile returns $PIECES_OS_PORT_FILE when it is set, and
// otherwise the file in which Pieces OS writes the port it listens on:
// ~/Library/com.pieces.os/production/Config/.port.txt on macOS,
// ~/Documents/com.pieces.os/production/Config/.port.txt elsewhere. It fails
// only when the home directory is unknown.
func DefaultPortFile() (string, error) {
	if p := os.Getenv(EnvPortFile); p != "" {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("locating the port file: %w", err)
	}
	dir := "Documents"
	if runtime.GOOS == "darwin" {
		dir = "Library"
	}
	return filepath.Join(home, dir, "com.pieces.os", "production", "Config", ".port.txt"), nil
}

// Source says how discovery found an Instance.
type Source string

// The sources of Source.
const (
	SourcePortFile Source = "port file" // the port named in the port file
	SourceScan     Source = "scan"      // a port of the scanned ranges
)

// Instance is one Pieces OS that discovery found.
type Instance struct {
	// URL is the base URL, such as "http://127.0.0.1:39300", ready for
	// WithBaseURL.
	URL string
	// Port is the port of URL.
	Port int
	// Source says whether the port came from the port file or the scan.
	Source Source
	// Ready is true when the health route answered 200 and not
	// "migrating". A 200 with a text this package does not know counts as
	// ready, as it does for the vendor's own clients; Health.State then
	// says HealthUnknown.
	Ready bool
	// Health is the answer of GET /.well-known/health.
	Health Health
	// Version is the answer of GET /.well-known/version; the zero Version
	// (KindUnknown) when that route failed or answered something else.
	Version Version
}

// Kind returns the kind of build, read from the version.
func (i Instance) Kind() Kind { return i.Version.Kind() }

// DiscoverOptions says where DiscoverInstance and DiscoverAll look. The zero
// value reads DefaultPortFile and scans DefaultPortRanges on DiscoverHost.
type DiscoverOptions struct {
	// PortFile names the port file to read; empty means DefaultPortFile.
	PortFile string
	// NoPortFile skips the port file.
	NoPortFile bool
	// Host is the host to probe; empty means DiscoverHost.
	Host string
	// Ranges are the ports to scan; nil means DefaultPortRanges. At most
	// 1024 ports in all.
	Ranges []PortRange
	// NoScan skips the scan: only the port file is used.
	NoScan bool
}

// Discover finds a running Pieces OS as DiscoverInstance does with the zero
// DiscoverOptions, and returns its base URL (for example
// "http://127.0.0.1:39300"), ready for WithBaseURL.
func Discover(ctx context.Context) (string, error) {
	inst, err := DiscoverInstance(ctx, DiscoverOptions{})
	if err != nil {
		return "", err
	}
	return inst.URL, nil
}

// DiscoverPorts finds a running Pieces OS on host, ports first to last, and
// returns its base URL; it reads no port file. A port belongs to a ready
// Pieces OS when GET /.well-known/health answers 200 with a text other
// than "migrating". All ports are probed at once, each for at most 200 ms,
// so DiscoverPorts returns quickly even when nothing listens; when several
// ports answer, the lowest wins.
//
// When no port answers, the error matches ErrNotFoundOnPorts and names the
// ports tried; when only migrating ones do, it matches ErrMigrating. When
// ctx ends first, the error matches ctx's error. A range that is empty,
// outside 1 to 65535 or wider than 1024 ports, or an empty host, matches
// ErrInvalidInput.
func DiscoverPorts(ctx context.Context, host string, first, last int) (string, error) {
	if host == "" {
		return "", fmt.Errorf("user: discover: %w: the host is empty", ErrInvalidInput)
	}
	ranges := []PortRange{{first, last}}
	ports, err := rangePorts(ranges)
	if err != nil {
		return "", err
	}
	if ctx == nil {
		return "", fmt.Errorf("user: discover: %w: nil context", ErrInvalidInput)
	}
	d := newDiscoverer(host)
	defer d.close()
	found := d.scan(ctx, ports, true, false)
	for _, inst := range found {
		if inst.Ready {
			return inst.URL, nil
		}
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("user: discover: stopped before a Pieces OS was found on %s ports %s: %w", host, rangesText(ranges), err)
	}
	if len(found) > 0 {
		return "", migratingError(found[0])
	}
	return "", notFoundError(host, ranges, "")
}

// DiscoverInstance finds the Pieces OS to talk to and returns it:
//
//  1. the port named in the port file, when its health route says ready;
//  2. otherwise, among the ready instances of the scan, a production build
//     first, then staging, then another pre-release, then a debug build,
//     then one whose version is unknown; the lowest port within a kind.
//
// The port file is read first, and when it names a ready Pieces OS no port
// is scanned. A port file that is missing, malformed or stale (nothing
// ready answers on its port) only sends discovery on to the scan; the error
// says what was wrong with it when nothing is found.
//
// When the only Pieces OS found is migrating, the error matches
// ErrMigrating and the Instance returned with it is that Pieces OS (the
// port file's, else the lowest port), so that a caller may wait for it.
// When none is found, the error matches ErrNotFoundOnPorts. When ctx ends
// first, the error matches ctx's error. Bad options match ErrInvalidInput.
//
// Nothing listening costs a few milliseconds; a port that accepts but never
// answers is given up after 200 ms, all ports at once.
func DiscoverInstance(ctx context.Context, opts DiscoverOptions) (Instance, error) {
	all, pfNote, err := discover(ctx, opts, true)
	if err != nil {
		return Instance{}, err
	}
	if len(all) > 0 && all[0].Source == SourcePortFile && all[0].Ready {
		return all[0], nil
	}
	var ready []Instance
	for _, inst := range all {
		if inst.Ready {
			ready = append(ready, inst)
		}
	}
	if len(ready) > 0 {
		return slices.MinFunc(ready, func(a, b Instance) int {
			return cmp.Or(cmp.Compare(kindRank(a.Kind()), kindRank(b.Kind())), cmp.Compare(a.Port, b.Port))
		}), nil
	}
	if len(all) > 0 {
		return all[0], migratingError(all[0])
	}
	return Instance{}, notFoundError(opts.host(), opts.scanRanges(), pfNote)
}

// DiscoverAll reads the port file and scans every port, and returns every
// Pieces OS found, ready or migrating: the port file's first, then the
// others by port. Unlike DiscoverInstance it always scans. The errors are
// those of DiscoverInstance, except that a migrating Pieces OS is listed
// rather than reported as ErrMigrating.
func DiscoverAll(ctx context.Context, opts DiscoverOptions) ([]Instance, error) {
	all, pfNote, err := discover(ctx, opts, false)
	if err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, notFoundError(opts.host(), opts.scanRanges(), pfNote)
	}
	return all, nil
}

// discover validates opts, probes the port file's port and then, unless
// stopAtReadyPortFile finds that port ready, the scan. It returns the
// instances found, the port file's first, and why the port file was not
// used when it was not.
func discover(ctx context.Context, opts DiscoverOptions, stopAtReadyPortFile bool) ([]Instance, string, error) {
	if opts.Host != "" && strings.TrimSpace(opts.Host) == "" {
		return nil, "", fmt.Errorf("user: discover: %w: the host %q is blank", ErrInvalidInput, opts.Host)
	}
	var ports []int
	if !opts.NoScan {
		var err error
		if ports, err = rangePorts(opts.scanRanges()); err != nil {
			return nil, "", err
		}
	}
	if ctx == nil {
		return nil, "", fmt.Errorf("user: discover: %w: nil context", ErrInvalidInput)
	}
	if err := ctx.Err(); err != nil {
		return nil, "", fmt.Errorf("user: discover: %w", err)
	}

	host := opts.host()
	d := newDiscoverer(host)
	defer d.close()

	var all []Instance
	var pfNote string
	if !opts.NoPortFile {
		path, port, err := readPortFile(opts.PortFile)
		switch {
		case err != nil:
			pfNote = err.Error()
		default:
			inst, ok := d.probe(ctx, port, true)
			switch {
			case !ok:
				pfNote = fmt.Sprintf("port file %s names port %d, where no Pieces OS answers", path, port)
			default:
				inst.Source = SourcePortFile
				all = append(all, inst)
				if inst.Ready && stopAtReadyPortFile {
					return all, "", nil
				}
				ports = slices.DeleteFunc(ports, func(p int) bool { return p == port })
			}
		}
	}
	all = append(all, d.scan(ctx, ports, false, true)...)
	if err := ctx.Err(); err != nil {
		return nil, "", fmt.Errorf("user: discover: stopped before the search for Pieces OS on %s ended: %w", host, err)
	}
	return all, pfNote, nil
}

func (o DiscoverOptions) host() string {
	if o.Host == "" {
		return DiscoverHost
	}
	return o.Host
}

func (o DiscoverOptions) scanRanges() []PortRange {
	switch {
	case o.NoScan:
		return nil
	case o.Ranges == nil:
		return DefaultPortRanges()
	}
	return o.Ranges
}

// readPortFile reads the port from the port file at path (DefaultPortFile
// when empty): a decimal number, with surrounding space allowed. It
// returns the path it read.
func readPortFile(path string) (string, int, error) {
	if path == "" {
		p, err := DefaultPortFile()
		if err != nil {
			return "", 0, err
		}
		path = p
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return path, 0, fmt.Errorf("no port file at %s", path)
		}
		return path, 0, fmt.Errorf("reading the port file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPortFile+1))
	if err != nil {
		return path, 0, fmt.Errorf("reading the port file %s: %w", path, err)
	}
	if len(b) > maxPortFile {
		return path, 0, fmt.Errorf("port file %s is larger than %d bytes", path, maxPortFile)
	}
	text := strings.TrimSpace(strings.TrimPrefix(string(b), "\uFEFF"))
	port, err := strconv.Atoi(text)
	if err != nil || !allDigits(text) || port < 1 || port > 65535 {
		return path, 0, fmt.Errorf("port file %s holds %q, not a port from 1 to 65535", path, cutText(text, 64))
	}
	return path, port, nil
}

// rangePorts checks ranges and lists their ports, each once, in order.
func rangePorts(ranges []PortRange) ([]int, error) {
	var ports []int
	for _, r := range ranges {
		switch {
		case r.First < 1 || r.Last > 65535 || r.First > r.Last:
			return nil, fmt.Errorf("user: discover: %w: port range %d-%d is not within 1-65535 in ascending order", ErrInvalidInput, r.First, r.Last)
		case r.Last-r.First+1 > maxDiscoverPorts || len(ports)+r.Last-r.First+1 > maxDiscoverPorts:
			return nil, fmt.Errorf("user: discover: %w: port range %s holds more than %d ports", ErrInvalidInput, rangesText(ranges), maxDiscoverPorts)
		}
		for p := r.First; p <= r.Last; p++ {
			if !slices.Contains(ports, p) {
				ports = append(ports, p)
			}
		}
	}
	return ports, nil
}

func rangesText(ranges []PortRange) string {
	parts := make([]string, len(ranges))
	for i, r := range ranges {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}

func kindRank(k Kind) int {
	switch k {
	case KindProduction:
		return 0
	case KindStaging:
		return 1
	case KindOther:
		return 2
	case KindDebug:
		return 3
	}
	return 4
}

func migratingError(inst Instance) error {
	return fmt.Errorf("user: discover: %w: %s answers GET /.well-known/health with %q; try again once it is ready", ErrMigrating, inst.URL, inst.Health.Text)
}

func notFoundError(host string, ranges []PortRange, pfNote string) error {
	where := fmt.Sprintf("nothing answered GET /.well-known/health on %s ports %s", host, rangesText(ranges))
	if len(ranges) == 0 {
		where = "no port was scanned"
	}
	if pfNote != "" {
		where = pfNote + ", and " + where
	}
	return fmt.Errorf("user: %w: %s; start the Pieces OS desktop app, or run `pieces-user serve-fake` (cmd/pieces-user in this module) for a fake one",
		ErrNotFoundOnPorts, where)
}

// discoverer probes ports on one host with an HTTP client of its own that
// keeps no connection.
type discoverer struct {
	host string
	tr   *http.Transport
	hc   *http.Client
}

func newDiscoverer(host string) *discoverer {
	tr := &http.Transport{
		DialContext:       (&net.Dialer{}).DialContext,
		DisableKeepAlives: true,
	}
	return &discoverer{host: host, tr: tr, hc: &http.Client{Transport: tr, CheckRedirect: noRedirects}}
}

func (d *discoverer) close() { d.tr.CloseIdleConnections() }

func (d *discoverer) url(port int) string {
	return "http://" + net.JoinHostPort(d.host, strconv.Itoa(port))
}

// scan probes every port at once and returns the instances found, by
// port. With lowestReady it stops as soon as the lowest ready port is
// known (every port below it has failed) and returns that instance and the
// migrating ones below it. withVersion asks each instance for its version.
func (d *discoverer) scan(ctx context.Context, ports []int, lowestReady, withVersion bool) []Instance {
	type result struct {
		i    int
		inst Instance
		ok   bool
	}
	n := len(ports)
	results := make(chan result, n)
	cancels := make([]context.CancelFunc, n)
	var wg sync.WaitGroup
	defer func() {
		for _, cancel := range cancels {
			cancel()
		}
		wg.Wait()
	}()
	for i, port := range ports {
		pctx, cancel := context.WithCancel(ctx)
		cancels[i] = cancel
		wg.Go(func() {
			inst, ok := d.probe(pctx, port, withVersion)
			inst.Source = SourceScan
			results <- result{i, inst, ok}
		})
	}

	found := make([]*Instance, n)
	done := make([]bool, n)
	best := -1
	for range n {
		r := <-results
		done[r.i] = true
		if r.ok {
			found[r.i] = &r.inst
		}
		if !lowestReady {
			continue
		}
		if r.ok && r.inst.Ready && (best < 0 || r.i < best) {
			best = r.i
			// Ports above it are no longer needed.
			for _, cancel := range cancels[best+1:] {
				cancel()
			}
		}
		if best >= 0 && !slices.Contains(done[:best], false) {
			break
		}
	}
	var out []Instance
	for i, f := range found {
		if f != nil && (best < 0 || i <= best) {
			out = append(out, *f)
		}
	}
	return out
}

// probe asks port for its health and, with withVersion, its version. ok is
// false when the port does not look like Pieces OS: no answer, or an
// answer other than 200 that does not say "migrating".
func (d *discoverer) probe(ctx context.Context, port int, withVersion bool) (inst Instance, ok bool) {
	base := d.url(port)
	status, body, err := d.get(ctx, base+"/.well-known/health")
	if err != nil {
		return Instance{}, false
	}
	h := ParseHealth(string(body))
	switch {
	case h.State == HealthMigrating:
	case status == http.StatusOK:
	default:
		return Instance{}, false
	}
	inst = Instance{URL: base, Port: port, Health: h, Ready: status == http.StatusOK && h.State != HealthMigrating}
	if withVersion {
		if status, body, err := d.get(ctx, base+"/.well-known/version"); err == nil && status == http.StatusOK {
			if v, err := ParseVersion(string(body)); err == nil {
				inst.Version = v
			}
		}
	}
	return inst, true
}

// get sends one GET bounded by probeTimeout and reads at most
// maxProbeBody bytes of the answer.
func (d *discoverer) get(ctx context.Context, url string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", acceptTextJSON)
	req.Header.Set("User-Agent", DefaultUserAgent)
	resp, err := d.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(resp.Body, maxProbeBody)); err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, buf.Bytes(), nil
}
