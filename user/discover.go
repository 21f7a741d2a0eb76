package user

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The port range on which Pieces OS listens: it takes the first free port
// from FirstPort up to LastPort.
const (
	FirstPort = 39300
	LastPort  = 39333
)

// DiscoverHost is the host Discover probes.
const DiscoverHost = "127.0.0.1"

// maxDiscoverPorts bounds the size of a range DiscoverPorts accepts, since
// every port gets its own probe.
const maxDiscoverPorts = 1024

// probeTimeout bounds one health probe. A Pieces OS on loopback answers in a
// few milliseconds; a port where nothing listens is refused at once.
const probeTimeout = 200 * time.Millisecond

// ErrNotFoundOnPorts is returned, wrapped with the host and the ports tried,
// when Discover or DiscoverPorts finds no Pieces OS.
var ErrNotFoundOnPorts = errors.New("no Pieces OS found")

// Discover finds a running Pieces OS on 127.0.0.1, ports FirstPort to
// LastPort, and returns its base URL (for example
// "http://127.0.0.1:39300"), ready for WithBaseURL. See DiscoverPorts.
func Discover(ctx context.Context) (string, error) {
	return DiscoverPorts(ctx, DiscoverHost, FirstPort, LastPort)
}

// DiscoverPorts finds a running Pieces OS on host, ports first to last, and
// returns its base URL. A port belongs to Pieces OS when HEAD
// /.well-known/health answers 200. All ports are probed at once, each for
// at most 200 ms, so DiscoverPorts returns quickly even when nothing
// listens; when several ports answer, the lowest wins.
//
// When no port answers, the error matches ErrNotFoundOnPorts and names the
// ports tried. When ctx ends first, the error matches ctx's error. A range
// that is empty, outside 1 to 65535 or wider than 1024 ports, or an empty
// host, matches ErrInvalidInput.
func DiscoverPorts(ctx context.Context, host string, first, last int) (string, error) {
	switch {
	case host == "":
		return "", fmt.Errorf("user: discover: %w: the host is empty", ErrInvalidInput)
	case first < 1 || last > 65535 || first > last:
		return "", fmt.Errorf("user: discover: %w: port range %d-%d is not within 1-65535 in ascending order", ErrInvalidInput, first, last)
	case last-first+1 > maxDiscoverPorts:
		return "", fmt.Errorf("user: discover: %w: port range %d-%d holds more than %d ports", ErrInvalidInput, first, last, maxDiscoverPorts)
	}
	if ctx == nil {
		return "", fmt.Errorf("user: discover: %w: nil context", ErrInvalidInput)
	}

	tr := &http.Transport{
		DialContext:       (&net.Dialer{}).DialContext,
		DisableKeepAlives: true,
	}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, CheckRedirect: noRedirects}

	type result struct {
		i  int
		ok bool
	}
	n := last - first + 1
	results := make(chan result, n)
	cancels := make([]context.CancelFunc, n)
	var wg sync.WaitGroup
	defer func() {
		for _, cancel := range cancels {
			cancel()
		}
		wg.Wait()
	}()
	for i := range n {
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		cancels[i] = cancel
		u := "http://" + net.JoinHostPort(host, strconv.Itoa(first+i))
		wg.Go(func() { results <- result{i, probe(pctx, hc, u)} })
	}

	// Wait until the lowest answering port is known: every port below it
	// has failed. Ports above it are no longer needed.
	done := make([]bool, n)
	best := -1
	for range n {
		r := <-results
		done[r.i] = true
		if r.ok && (best < 0 || r.i < best) {
			best = r.i
			for _, cancel := range cancels[best+1:] {
				cancel()
			}
		}
		if best >= 0 && allDone(done[:best]) {
			return "http://" + net.JoinHostPort(host, strconv.Itoa(first+best)), nil
		}
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("user: discover: stopped before a Pieces OS was found on %s ports %d-%d: %w", host, first, last, err)
	}
	return "", fmt.Errorf("user: %w: nothing answered HEAD /.well-known/health on %s ports %d-%d; start the Pieces OS desktop app, or run `go run ./cmd/pieces-user serve-fake` for a fake one",
		ErrNotFoundOnPorts, host, first, last)
}

// probe reports whether HEAD /.well-known/health on base answers 200.
func probe(ctx context.Context, hc *http.Client, base string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, base+"/.well-known/health", nil)
	if err != nil {
		return false
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func allDone(done []bool) bool {
	for _, d := range done {
		if !d {
			return false
		}
	}
	return true
}
