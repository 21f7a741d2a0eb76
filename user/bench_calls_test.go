package user_test

// Benchmarks of the HTTP calls, each made three ways against the same
// loopback server in the same run:
//
//   - user: through package user, the library;
//   - gen:  through gen.ClientWithResponses, the generated client;
//   - raw:  through hand-written net/http and encoding/json, the floor.
//
// The server is a minimal handler with fixed answers rather than the
// usertest fake: the fake validates every body against the spec, clones
// its state by reflection and records each request, which costs more than
// the client under test and would hide the differences between the three
// ways (BenchmarkFakeSnapshot in package usertest measures it). The
// handler still checks what it is sent where a broken client could get it
// wrong (the vanity name in the body), and every benchmark checks the
// answer it decodes, so a broken path fails instead of measuring nothing.
// internal/benchcheck compares the user and raw results (see bcRun).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// The credentials and names the call benchmarks use.
const (
	bcAppID     = "bench-app-id"
	bcUserAgent = "bench/1.0"
	bcNewName   = "ada-lovelace" // accepted by bcServer
	bcTakenName = "taken-name"   // answered with 409 by bcServer
)

// bcFixture holds the server and the three clients of one benchmark.
type bcFixture struct {
	srv     *httptest.Server
	user    *user.Client
	gen     *gen.ClientWithResponses
	hc      *http.Client
	profile gen.UserProfile // what GET /user answers with
}

// bcServer answers like Pieces OS with fixed bodies:
//
//	GET  /user               200, the default profile in a ReturnedUserProfile
//	POST /user/update/vanity 200, the profile renamed to bcNewName, when the
//	                         body names bcNewName; 409 when it names
//	                         bcTakenName; 400 otherwise
//
// Every answer is encoded once, before the benchmark starts.
func bcServer(tb testing.TB) *bcFixture {
	tb.Helper()
	p := usertest.DefaultProfile()
	snapshot := bcJSON(tb, gen.ReturnedUserProfile{User: &p})
	renamed := p
	renamed.Vanityname = bcNewName
	updated := bcJSON(tb, renamed)
	wantNew := []byte(`"vanityname":"` + bcNewName + `"`)
	wantTaken := []byte(`"vanityname":"` + bcTakenName + `"`)
	taken := []byte(fmt.Sprintf("vanity name %q is taken", bcTakenName))

	// The answers announce their length, as a server that holds the whole
	// body before it answers does; without it net/http would send a body
	// this long in chunks.
	answer := func(w http.ResponseWriter, status int, ctype string, body []byte) {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, r *http.Request) {
		answer(w, http.StatusOK, "application/json", snapshot)
	})
	mux.HandleFunc("POST /user/update/vanity", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		switch {
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadRequest)
		case r.Header.Get("Content-Type") != "application/json":
			http.Error(w, "want an application/json body", http.StatusUnsupportedMediaType)
		case bytes.Contains(body, wantNew):
			answer(w, http.StatusOK, "application/json", updated)
		case bytes.Contains(body, wantTaken):
			answer(w, http.StatusConflict, "text/plain; charset=utf-8", taken)
		default:
			http.Error(w, "the body names no known vanity name", http.StatusBadRequest)
		}
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	hc := srv.Client()

	uc, err := user.New(
		user.WithBaseURL(srv.URL),
		user.WithHTTPClient(hc),
		user.WithApplicationID(bcAppID),
		user.WithUserAgent(bcUserAgent),
	)
	if err != nil {
		tb.Fatal(err)
	}
	gc, err := gen.NewClientWithResponses(srv.URL, gen.WithHTTPClient(hc),
		gen.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			bcHeaders(req)
			return nil
		}))
	if err != nil {
		tb.Fatal(err)
	}
	return &bcFixture{srv: srv, user: uc, gen: gc, hc: hc, profile: p}
}

// bcHeaders sets the headers package user sends, so that the three ways
// send the same request.
func bcHeaders(req *http.Request) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", bcUserAgent)
	req.Header.Set("X-Application-ID", bcAppID)
	req.Header.Set("Application", bcAppID)
}

func bcJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// rawSnapshot is GET /user by hand: the floor for Snapshot.
func rawSnapshot(ctx context.Context, hc *http.Client, base string) (*gen.UserProfile, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/user", nil)
	if err != nil {
		return nil, err
	}
	bcHeaders(req)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /user: %s: %s", resp.Status, body)
	}
	var out gen.ReturnedUserProfile
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	if out.User == nil {
		return nil, errors.New("GET /user: nobody is signed in")
	}
	return out.User, nil
}

// bcStatusError is the raw way's error for a non-2xx answer.
type bcStatusError struct {
	status int
	body   string
}

func (e *bcStatusError) Error() string { return fmt.Sprintf("status %d: %s", e.status, e.body) }

// rawPostVanity is POST /user/update/vanity by hand.
func rawPostVanity(ctx context.Context, hc *http.Client, base string, p *gen.UserProfile) (*gen.UserProfile, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/user/update/vanity", bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	bcHeaders(req)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &bcStatusError{status: resp.StatusCode, body: string(body)}
	}
	var out gen.UserProfile
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// rawUpdateVanity does what UpdateVanity does, by hand: GET /user, then
// POST /user/update/vanity with the profile renamed.
func rawUpdateVanity(ctx context.Context, hc *http.Client, base, name string) (*gen.UserProfile, error) {
	p, err := rawSnapshot(ctx, hc, base)
	if err != nil {
		return nil, err
	}
	p.Vanityname = name
	return rawPostVanity(ctx, hc, base, p)
}

// genSnapshot is GET /user through the generated client.
func genSnapshot(ctx context.Context, gc *gen.ClientWithResponses) (*gen.UserProfile, error) {
	resp, err := gc.UserSnapshotWithResponse(ctx)
	if err != nil {
		return nil, err
	}
	if resp.JSON200 == nil || resp.JSON200.User == nil {
		return nil, fmt.Errorf("GET /user: %s: %s", resp.Status(), resp.Body)
	}
	return resp.JSON200.User, nil
}

// genPostVanity is POST /user/update/vanity through the generated client.
func genPostVanity(ctx context.Context, gc *gen.ClientWithResponses, p *gen.UserProfile) (*gen.UserProfile, error) {
	resp, err := gc.UserUpdateVanityWithResponse(ctx, *p)
	if err != nil {
		return nil, err
	}
	if resp.JSON200 == nil {
		return nil, &bcStatusError{status: resp.StatusCode(), body: string(resp.Body)}
	}
	return resp.JSON200, nil
}

// genUpdateVanity does what UpdateVanity does through the generated client.
func genUpdateVanity(ctx context.Context, gc *gen.ClientWithResponses, name string) (*gen.UserProfile, error) {
	p, err := genSnapshot(ctx, gc)
	if err != nil {
		return nil, err
	}
	p.Vanityname = name
	return genPostVanity(ctx, gc, p)
}

// bcCheckProfile fails b unless p is the default profile with the given
// vanity name.
func bcCheckProfile(b *testing.B, f *bcFixture, p *gen.UserProfile, err error, vanity string) {
	if err != nil {
		b.Fatal(err)
	}
	if p.ID != f.profile.ID || p.Vanityname != vanity || len(p.Entities.Iterable) != len(f.profile.Entities.Iterable) {
		b.Fatalf("got profile %q with vanity name %q and %d entities, want %q, %q and %d",
			p.ID, p.Vanityname, len(p.Entities.Iterable), f.profile.ID, vanity, len(f.profile.Entities.Iterable))
	}
}

// bcCheckTaken fails b unless err reports the 409 of a taken name.
func bcCheckTaken(b *testing.B, err error) {
	var se *bcStatusError
	switch {
	case errors.Is(err, user.ErrConflict):
	case errors.As(err, &se) && se.status == http.StatusConflict && strings.Contains(se.body, bcTakenName):
	default:
		b.Fatalf("got %v, want a 409 naming %q", err, bcTakenName)
	}
}

// bcWay is one way of making the call a benchmark measures. call fails b
// when the call does not give the expected result.
type bcWay struct {
	name string
	call func(b *testing.B)
}

// bcRun runs one sub-benchmark per way, which report ns/op, B/op and
// allocs/op, and then "paired", which makes the call each way in turn,
// in a rotating order, within every iteration. "paired" reports for each
// way the time per call (user-ns/op, ...) and the processor time the
// whole process spent per call, server included (user-cpu-ns/op, ...),
// and their ratios to the raw way (user/raw-time, user/raw-cpu, ...).
// Measured side by side, the ways share whatever else the machine is doing
// at the moment, so the ratios hold on a busy machine, where the separate
// sub-benchmarks, run one after the other, may not; processor time,
// which does not count the time spent waiting for a processor, is the
// steadier of the two. internal/benchcheck reads the ratios from "paired"
// and the allocations from the separate sub-benchmarks.
func bcRun(b *testing.B, ways ...bcWay) {
	raw := -1
	for i, w := range ways {
		if w.name == "raw" {
			raw = i
		}
		b.Run(w.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w.call(b)
			}
		})
	}
	b.Run("paired", func(b *testing.B) {
		spent := make([]time.Duration, len(ways))
		cpu := make([]time.Duration, len(ways))
		_, haveCPU := bcCPUTime()
		round := 0
		for b.Loop() {
			for j := range ways {
				k := (round + j) % len(ways)
				c0, _ := bcCPUTime()
				start := time.Now()
				ways[k].call(b)
				spent[k] += time.Since(start)
				c1, _ := bcCPUTime()
				cpu[k] += c1 - c0
			}
			round++
		}
		for k, w := range ways {
			b.ReportMetric(float64(spent[k].Nanoseconds())/float64(b.N), w.name+"-ns/op")
			if haveCPU {
				b.ReportMetric(float64(cpu[k].Nanoseconds())/float64(b.N), w.name+"-cpu-ns/op")
			}
			if raw < 0 || k == raw {
				continue
			}
			if spent[raw] > 0 {
				b.ReportMetric(float64(spent[k])/float64(spent[raw]), w.name+"/raw-time")
			}
			if haveCPU && cpu[raw] > 0 {
				b.ReportMetric(float64(cpu[k])/float64(cpu[raw]), w.name+"/raw-cpu")
			}
		}
	})
}

// BenchmarkCallSnapshot measures GET /user answered with the complete
// default profile: Snapshot against the generated client and the raw
// floor.
func BenchmarkCallSnapshot(b *testing.B) {
	f := bcServer(b)
	bcRun(b,
		bcWay{"user", func(b *testing.B) {
			p, err := f.user.Snapshot(b.Context())
			bcCheckProfile(b, f, profileOf(p), err, f.profile.Vanityname)
		}},
		bcWay{"gen", func(b *testing.B) {
			p, err := genSnapshot(b.Context(), f.gen)
			bcCheckProfile(b, f, p, err, f.profile.Vanityname)
		}},
		bcWay{"raw", func(b *testing.B) {
			p, err := rawSnapshot(b.Context(), f.hc, f.srv.URL)
			bcCheckProfile(b, f, p, err, f.profile.Vanityname)
		}},
	)
}

// BenchmarkCallUpdateVanity measures UpdateVanity, which makes two
// requests (GET /user, then POST /user/update/vanity with the profile
// renamed); the gen and raw ways make the same two.
func BenchmarkCallUpdateVanity(b *testing.B) {
	f := bcServer(b)
	bcRun(b,
		bcWay{"user", func(b *testing.B) {
			p, err := f.user.UpdateVanity(b.Context(), bcNewName)
			bcCheckProfile(b, f, profileOf(p), err, bcNewName)
		}},
		bcWay{"gen", func(b *testing.B) {
			p, err := genUpdateVanity(b.Context(), f.gen, bcNewName)
			bcCheckProfile(b, f, p, err, bcNewName)
		}},
		bcWay{"raw", func(b *testing.B) {
			p, err := rawUpdateVanity(b.Context(), f.hc, f.srv.URL, bcNewName)
			bcCheckProfile(b, f, p, err, bcNewName)
		}},
	)
}

// BenchmarkCallUpdateVanityPost measures the POST of UpdateVanity alone,
// with a profile the caller already holds. Package user has no method that
// sends only the POST (UpdateVanity always reads the current profile
// first), so only the gen and raw ways run; the difference with
// BenchmarkCallUpdateVanity is the price of that first read.
func BenchmarkCallUpdateVanityPost(b *testing.B) {
	f := bcServer(b)
	p := f.profile
	p.Vanityname = bcNewName
	bcRun(b,
		bcWay{"gen", func(b *testing.B) {
			got, err := genPostVanity(b.Context(), f.gen, &p)
			bcCheckProfile(b, f, got, err, bcNewName)
		}},
		bcWay{"raw", func(b *testing.B) {
			got, err := rawPostVanity(b.Context(), f.hc, f.srv.URL, &p)
			bcCheckProfile(b, f, got, err, bcNewName)
		}},
	)
}

// BenchmarkCallVanityTaken measures the error path: UpdateVanity with a
// name another user holds, answered 409 after the GET /user. Each way must
// report the 409.
func BenchmarkCallVanityTaken(b *testing.B) {
	f := bcServer(b)
	bcRun(b,
		bcWay{"user", func(b *testing.B) {
			_, err := f.user.UpdateVanity(b.Context(), bcTakenName)
			bcCheckTaken(b, err)
		}},
		bcWay{"gen", func(b *testing.B) {
			_, err := genUpdateVanity(b.Context(), f.gen, bcTakenName)
			bcCheckTaken(b, err)
		}},
		bcWay{"raw", func(b *testing.B) {
			_, err := rawUpdateVanity(b.Context(), f.hc, f.srv.URL, bcTakenName)
			bcCheckTaken(b, err)
		}},
	)
}

// profileOf returns the UserProfile of p, or nil.
func profileOf(p *user.Profile) *user.UserProfile {
	if p == nil {
		return nil
	}
	return &p.UserProfile
}

// BenchmarkProfileEncode measures one encoding of the default profile: the
// price of the check that a lossless write (UpdateVanity, Update) makes
// before it sends a profile read from Pieces OS, and that the gen and raw
// ways do not make. internal/benchcheck allows the two-request calls this
// much beyond the generated client.
func BenchmarkProfileEncode(b *testing.B) {
	p := usertest.DefaultProfile()
	enc := json.NewEncoder(io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		if err := enc.Encode(&p); err != nil {
			b.Fatal(err)
		}
	}
}
