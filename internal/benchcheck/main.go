// Command benchcheck reads the output of `go test -bench` and prints one
// line per performance target of the project:
//
//	target NAME: measured X, goal Y, met
//
// (or missed). Targets that compare the library with a hand-written
// baseline use ratios between benchmarks of the same run, so that they
// hold on any machine; each figure is the median over the runs that
// -count asked for. See docs/benchmarks.md.
//
// Usage:
//
//	go test -run '^$' -bench . -benchmem -count=5 ./... | tee bench.out
//	go run ./internal/benchcheck bench.out
//
// benchcheck exits with status 0 when every target could be evaluated,
// met or missed: targets inform, they do not fail a build. It exits with
// status 1 when a benchmark or a metric a target needs is not in the
// output (a benchmark that was renamed, failed, or ran without -benchmem),
// and with status 2 on a usage error.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main with its arguments and outputs, for tests.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "usage: benchcheck FILE (the output of go test -bench; - reads standard input)")
		return 2
	}
	var in io.Reader = os.Stdin
	if args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			fmt.Fprintf(stderr, "benchcheck: %v\n", err)
			return 2
		}
		defer f.Close()
		in = f
	}
	res, err := parse(in)
	if err != nil {
		fmt.Fprintf(stderr, "benchcheck: reading %s: %v\n", args[0], err)
		return 2
	}
	lines, missing := evaluate(res, targets())
	for _, f := range res.failed {
		fmt.Fprintf(stdout, "benchcheck: the output reports a failure: %s\n", f)
	}
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	if len(missing) > 0 {
		for _, m := range missing {
			fmt.Fprintf(stderr, "benchcheck: missing from the output: %s\n", m)
		}
		fmt.Fprintln(stderr, "benchcheck: some targets could not be evaluated; run the benchmarks with -benchmem over ./...")
		return 1
	}
	return 0
}

// Package paths of the benchmarks the targets read.
const (
	pkgUser = "github.com/pieces-go/pieces-os-client-go/user"
)

// key names one benchmark: its package and its name without the
// GOMAXPROCS suffix, such as "BenchmarkCallSnapshot/user".
type key struct {
	pkg, name string
}

func (k key) String() string { return k.pkg + " " + k.name }

// results holds every value of every metric of every benchmark in the
// output, one value per run.
type results struct {
	values map[key]map[string][]float64 // unit -> values
	failed []string                     // FAIL lines, as they appear
}

// procSuffix matches the -GOMAXPROCS suffix go test adds to benchmark
// names when GOMAXPROCS is not 1.
var procSuffix = regexp.MustCompile(`-\d+$`)

// parse reads benchmark output: "pkg:" lines name the package of the
// result lines that follow, which have the form
//
//	BenchmarkName-8   1000   1234 ns/op   56 B/op   7 allocs/op   89.0 msgs/s
//
// Other lines are skipped, except FAIL lines, which are kept.
func parse(r io.Reader) (*results, error) {
	res := &results{values: make(map[key]map[string][]float64)}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		if strings.HasPrefix(line, "--- FAIL") || strings.HasPrefix(line, "FAIL") {
			res.failed = append(res.failed, strings.TrimSpace(line))
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") || len(fields)%2 != 0 {
			continue
		}
		if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
			continue // not a result line: the name is followed by the iterations
		}
		k := key{pkg: pkg, name: procSuffix.ReplaceAllString(fields[0], "")}
		metrics := make(map[string]float64)
		ok := true
		for i := 2; i < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				ok = false
				break
			}
			metrics[fields[i+1]] = v
		}
		if !ok {
			continue
		}
		if res.values[k] == nil {
			res.values[k] = make(map[string][]float64)
		}
		for unit, v := range metrics {
			res.values[k][unit] = append(res.values[k][unit], v)
		}
	}
	return res, sc.Err()
}

// median returns the median of the values of one metric of one
// benchmark; ok is false when the output holds none.
func (r *results) median(k key, unit string) (m float64, runs int, ok bool) {
	vs := slices.Clone(r.values[k][unit])
	if len(vs) == 0 {
		return 0, 0, false
	}
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2], n, true
	}
	return (vs[n/2-1] + vs[n/2]) / 2, n, true
}

// target is one performance goal. check reads the medians it needs
// through get and returns what was measured, the goal and whether it is
// met.
type target struct {
	name  string
	check func(get getter) (measured, goal string, met bool)
}

// getter reads the medians of the metrics of the benchmarks. need returns
// the median of a metric a target requires: one that is missing is
// recorded, and 0 is returned so that the check can go on. optional
// returns the median of a metric that only adds detail, with ok false
// when it is missing (processor time is measured on Unix systems only).
type getter struct {
	need     func(k key, unit string) float64
	optional func(k key, unit string) (m float64, ok bool)
}

// evaluate checks every target against res. It returns one line per
// target, in order, and the benchmark metrics that were missing; a target
// that misses an input gets no line.
func evaluate(res *results, ts []target) (lines, missing []string) {
	for _, t := range ts {
		var lack []string
		get := getter{
			need: func(k key, unit string) float64 {
				m, _, ok := res.median(k, unit)
				if !ok {
					lack = append(lack, fmt.Sprintf("%s (%s)", k, unit))
				}
				return m
			},
			optional: func(k key, unit string) (float64, bool) {
				m, _, ok := res.median(k, unit)
				return m, ok
			},
		}
		measured, goal, met := t.check(get)
		if len(lack) > 0 {
			for _, l := range lack {
				if !slices.Contains(missing, l) {
					missing = append(missing, l)
				}
			}
			continue
		}
		verdict := "missed"
		if met {
			verdict = "met"
		}
		lines = append(lines, fmt.Sprintf("target %s: measured %s, goal %s, %s", t.name, measured, goal, verdict))
	}
	return lines, missing
}

// The goals.
const (
	maxTimeRatio      = 1.10        // wrapper ns/op over raw ns/op
	maxExtraAllocs    = 10          // wrapper allocs/op minus raw allocs/op
	minStreamRatio    = 0.90        // wrapper msgs/s over raw msgs/s
	maxIdleBytes      = 64 << 10    // B/sub of an idle subscription
	maxDiscoverAbsent = 250_000_000 // ns to give up when no Pieces OS answers
	maxDiscoverFound  = 50_000_000  // ns to find a Pieces OS on the last port
)

// Units for printing.
const (
	nsPerMs     = 1e6
	bytesPerKiB = 1024.0
)

// targets lists the targets in the order they are printed.
//
// The time of a call and the stream throughput are read from the "paired"
// sub-benchmarks, which measure the library and the raw baseline side by
// side within each iteration: the figure is the median over the runs of
// the ratio each run measured. Allocations are read from the separate
// sub-benchmarks, where go test counts them.
func targets() []target {
	var ts []target
	ts = append(ts,
		pairedTime("snapshot-time", key{pkgUser, "BenchmarkCallSnapshot/paired"}),
		extraAtMost("snapshot-allocs", key{pkgUser, "BenchmarkCallSnapshot/user"}, key{pkgUser, "BenchmarkCallSnapshot/raw"}, "allocs/op", maxExtraAllocs),
	)
	// The two calls that read the profile and write it back: the library
	// wraps the generated client, which alone costs more than raw+10 over
	// two requests, and checks, before it writes, that the profile it read
	// holds nothing this version does not know (one encoding of the
	// profile, BenchmarkProfileEncode). Their allocations are held to the
	// generated client plus that check plus maxExtraAllocs, and their time
	// to maxTimeRatio times raw plus the time of that check.
	for _, call := range []struct{ name, bench string }{
		{"update-vanity", "BenchmarkCallUpdateVanity"},
		{"vanity-taken-409", "BenchmarkCallVanityTaken"},
	} {
		ts = append(ts,
			pairedTimePlusEncode(call.name+"-time", key{pkgUser, call.bench + "/paired"}, key{pkgUser, "BenchmarkProfileEncode"}),
			extraOverGen(call.name+"-allocs", key{pkgUser, call.bench + "/user"}, key{pkgUser, call.bench + "/gen"}, key{pkgUser, "BenchmarkProfileEncode"}, maxExtraAllocs),
		)
	}
	ts = append(ts,
		pairedRate("stream-throughput", key{pkgUser, "BenchmarkStreamThroughput/paired"}),
		bytesAtMost("idle-subscription", key{pkgUser, "BenchmarkStreamIdle"}, "B/sub", maxIdleBytes),
		durationUnder("discover-absent", key{pkgUser, "BenchmarkDiscover/absent"}, maxDiscoverAbsent),
		durationUnder("discover-silent", key{pkgUser, "BenchmarkDiscover/silent"}, maxDiscoverAbsent),
		durationUnder("discover-present", key{pkgUser, "BenchmarkDiscover/present-last"}, maxDiscoverFound),
	)
	return ts
}

// pairedTime: in a paired call benchmark, the time of the user way is at
// most maxTimeRatio times that of the raw way.
func pairedTime(name string, k key) target {
	return target{name, func(get getter) (string, string, bool) {
		ratio := get.need(k, "user/raw-time")
		u, r := get.need(k, "user-ns/op"), get.need(k, "raw-ns/op")
		measured := fmt.Sprintf("%.2fx raw (paired medians %s vs %s ns/op", ratio, num(u), num(r))
		if cpu, ok := get.optional(k, "user/raw-cpu"); ok {
			measured += fmt.Sprintf("; processor time %.2fx raw", cpu)
		}
		return measured + ")", fmt.Sprintf("at most %.2fx raw", maxTimeRatio), ratio > 0 && ratio <= maxTimeRatio
	}}
}

// pairedTimePlusEncode: in a paired call benchmark, the time of the user
// way is at most maxTimeRatio times that of the raw way plus the time of
// one encoding of the profile (the check a lossless write makes, which the
// raw way does not). The plain ratio is printed too.
func pairedTimePlusEncode(name string, k, encode key) target {
	return target{name, func(get getter) (string, string, bool) {
		ratio := get.need(k, "user/raw-time")
		u, r := get.need(k, "user-ns/op"), get.need(k, "raw-ns/op")
		e := get.need(encode, "ns/op")
		measured := fmt.Sprintf("%.2fx raw (paired medians %s vs %s ns/op; one profile encoding is %s ns/op", ratio, num(u), num(r), num(e))
		if cpu, ok := get.optional(k, "user/raw-cpu"); ok {
			measured += fmt.Sprintf("; processor time %.2fx raw", cpu)
		}
		return measured + ")", fmt.Sprintf("at most %.2fx raw + one encoding (%s ns/op)", maxTimeRatio, num(maxTimeRatio*r+e)), u > 0 && u <= maxTimeRatio*r+e
	}}
}

// pairedRate: in the paired stream benchmark, the user way delivers at
// least minStreamRatio times the messages per second of the raw way.
func pairedRate(name string, k key) target {
	return target{name, func(get getter) (string, string, bool) {
		ratio := get.need(k, "user/raw-rate")
		u, r := get.need(k, "user-msgs/s"), get.need(k, "raw-msgs/s")
		measured := fmt.Sprintf("%.2fx raw (paired medians %s vs %s msgs/s", ratio, num(u), num(r))
		uc, ok1 := get.optional(k, "user-cpu-ns/msg")
		rc, ok2 := get.optional(k, "raw-cpu-ns/msg")
		if ok1 && ok2 && rc > 0 {
			measured += fmt.Sprintf("; processor time per message %.2fx raw", uc/rc)
		}
		return measured + ")", fmt.Sprintf("at least %.2fx raw", minStreamRatio), ratio >= minStreamRatio
	}}
}

// extraAtMost: the wrapper's metric exceeds the raw one by at most limit.
func extraAtMost(name string, wrapper, raw key, unit string, limit float64) target {
	return target{name, func(get getter) (string, string, bool) {
		w, r := get.need(wrapper, unit), get.need(raw, unit)
		return fmt.Sprintf("raw%+g (%s vs %s %s)", w-r, num(w), num(r), unit),
			fmt.Sprintf("at most raw+%g", limit), w-r <= limit
	}}
}

// extraOverGen: the wrapper's allocations exceed those of the generated
// client, plus those of one encoding of the profile, by at most limit.
func extraOverGen(name string, wrapper, gen, encode key, limit float64) target {
	return target{name, func(get getter) (string, string, bool) {
		w, g, e := get.need(wrapper, "allocs/op"), get.need(gen, "allocs/op"), get.need(encode, "allocs/op")
		return fmt.Sprintf("gen%+g (%s vs %s allocs/op; one profile encoding is %s)", w-g, num(w), num(g), num(e)),
			fmt.Sprintf("at most gen+%g+%g", e, limit), w-g <= e+limit
	}}
}

// bytesAtMost: a size metric is at most limit bytes.
func bytesAtMost(name string, k key, unit string, limit float64) target {
	return target{name, func(get getter) (string, string, bool) {
		v := get.need(k, unit)
		return fmt.Sprintf("%s %s (%.1f KiB)", num(v), unit, v/bytesPerKiB),
			fmt.Sprintf("at most %s %s (%.0f KiB)", num(limit), unit, limit/bytesPerKiB), v <= limit
	}}
}

// durationUnder: the ns/op of a benchmark is below limit nanoseconds.
func durationUnder(name string, k key, limit float64) target {
	return target{name, func(get getter) (string, string, bool) {
		v := get.need(k, "ns/op")
		return fmt.Sprintf("%.2f ms", v/nsPerMs), fmt.Sprintf("under %.0f ms", limit/nsPerMs), v < limit
	}}
}

// num prints a measurement: whole numbers from 100 up, two decimals below.
func num(v float64) string {
	if v >= 100 || v <= -100 || v == float64(int64(v)) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
