package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sampleRun returns the output of one run of every benchmark the targets
// read, as go test prints it, with the given figures: the paired time
// ratio of Snapshot, the paired throughput ratio of the stream, the bytes
// of an idle subscription and the time to give up on discovery.
func sampleRun(snapshotRatio, streamRatio, idleBytes, absentNs float64) string {
	return fmt.Sprintf(`goos: linux
goarch: amd64
pkg: github.com/pieces-go/pieces-os-client-go/user
cpu: Some CPU
BenchmarkCallSnapshot/user-2      	    3380	    355967 ns/op	   33901 B/op	     276 allocs/op
BenchmarkCallSnapshot/gen-2       	    5032	    255110 ns/op	   35814 B/op	     271 allocs/op
BenchmarkCallSnapshot/raw-2       	    4711	    245125 ns/op	   34981 B/op	     263 allocs/op
BenchmarkCallSnapshot/paired-2       	     724	   1630375 ns/op	    474677 gen-ns/op	         0.8330 gen/raw-time	    569837 raw-ns/op	    585239 user-ns/op	         %.4f user/raw-time	  104679 B/op	     810 allocs/op
BenchmarkCallUpdateVanity/user-2  	    2120	    500000 ns/op	   87171 B/op	     582 allocs/op
BenchmarkCallUpdateVanity/gen-2   	    2469	    500000 ns/op	   97066 B/op	     597 allocs/op
BenchmarkCallUpdateVanity/raw-2   	    2469	    500000 ns/op	   97066 B/op	     579 allocs/op
BenchmarkCallUpdateVanity/paired-2         	     627	   1619192 ns/op	    371957 gen-cpu-ns/op	    458086 gen-ns/op	         1.005 gen/raw-cpu	         0.9351 gen/raw-time	    370183 raw-cpu-ns/op	    489872 raw-ns/op	    451014 user-cpu-ns/op	    518905 user-ns/op	         1.018 user/raw-cpu	         1.063 user/raw-time
BenchmarkCallVanityTaken/user-2             	    1764	    400000 ns/op	   68782 B/op	     410 allocs/op
BenchmarkCallVanityTaken/gen-2              	    3374	    436995 ns/op	   69334 B/op	     372 allocs/op
BenchmarkCallVanityTaken/raw-2              	    3374	    436995 ns/op	   69334 B/op	     399 allocs/op
BenchmarkProfileEncode-2                    	   71425	     22196 ns/op	     840 B/op	      25 allocs/op
BenchmarkCallVanityTaken/paired-2         	     627	   1619192 ns/op	    458086 gen-ns/op	    400000 raw-ns/op	    420000 user-ns/op	         1.05 user/raw-time
BenchmarkDiscover/present-last-2            	     284	   4680699 ns/op	  176414 B/op	    2245 allocs/op
BenchmarkDiscover/absent-2                  	     247	   %.0f ns/op	  161208 B/op	    2172 allocs/op
BenchmarkDiscover/silent-2                  	       5	 202947641 ns/op	  499636 B/op	    3034 allocs/op
BenchmarkStreamThroughput/user-2            	    5049	    328152 ns/op	  19.13 MB/s	         0.5944 delivered/msg	      3047 msgs/s	   28075 B/op	     187 allocs/op
BenchmarkStreamThroughput/raw-2             	    3406	    298826 ns/op	  21.01 MB/s	      3346 msgs/s	   29440 B/op	     223 allocs/op
BenchmarkStreamThroughput/paired-2         	     100	  11284137 ns/op	         0.5084 delivered/msg	    125000 raw-cpu-ns/msg	      9122 raw-msgs/s	    150000 user-cpu-ns/msg	      8670 user-msgs/s	         %.4f user/raw-rate
BenchmarkStreamIdle-2                       	       1	2915281355 ns/op	     %.0f B/sub	         3.000 goroutines/sub	     14749 heap-B/sub	     18088 stack-B/sub	63980864 B/op	  432810 allocs/op
PASS
ok  	github.com/pieces-go/pieces-os-client-go/user	27.505s
`, snapshotRatio, absentNs, streamRatio, idleBytes)
}

func runOn(t *testing.T, output string) (code int, stdout, stderr string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bench.out")
	if err := os.WriteFile(path, []byte(output), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code = run([]string{path}, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestTargetsFromOneRun(t *testing.T) {
	t.Parallel()
	code, out, errOut := runOn(t, sampleRun(1.027, 0.95, 32837, 4071054))
	if code != 0 {
		t.Fatalf("exit status %d, stderr:\n%s", code, errOut)
	}
	want := []string{
		"target snapshot-time: measured 1.03x raw (paired medians 585239 vs 569837 ns/op), goal at most 1.10x raw, met",
		"target snapshot-allocs: measured raw+13 (276 vs 263 allocs/op), goal at most raw+10, missed",
		"target update-vanity-time: measured 1.06x raw (paired medians 518905 vs 489872 ns/op; one profile encoding is 22196 ns/op; processor time 1.02x raw), goal at most 1.10x raw + one encoding (561055 ns/op), met",
		"target update-vanity-allocs: measured gen-15 (582 vs 597 allocs/op; one profile encoding is 25), goal at most gen+25+10, met",
		"target vanity-taken-409-time: measured 1.05x raw (paired medians 420000 vs 400000 ns/op; one profile encoding is 22196 ns/op), goal at most 1.10x raw + one encoding (462196 ns/op), met",
		"target vanity-taken-409-allocs: measured gen+38 (410 vs 372 allocs/op; one profile encoding is 25), goal at most gen+25+10, missed",
		"target stream-throughput: measured 0.95x raw (paired medians 8670 vs 9122 msgs/s; processor time per message 1.20x raw), goal at least 0.90x raw, met",
		"target idle-subscription: measured 32837 B/sub (32.1 KiB), goal at most 65536 B/sub (64 KiB), met",
		"target discover-absent: measured 4.07 ms, goal under 250 ms, met",
		"target discover-silent: measured 202.95 ms, goal under 250 ms, met",
		"target discover-present: measured 4.68 ms, goal under 50 ms, met",
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(out), "\n")); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

// TestMedians checks that each figure is the median over the runs.
func TestMedians(t *testing.T) {
	t.Parallel()
	output := sampleRun(3.5, 0.2, 70000, 300e6) + // an outlier run
		sampleRun(1.02, 0.95, 32000, 4e6) +
		sampleRun(1.04, 0.93, 33000, 5e6) +
		sampleRun(1.20, 0.91, 34000, 6e6)
	code, out, errOut := runOn(t, output)
	if code != 0 {
		t.Fatalf("exit status %d, stderr:\n%s", code, errOut)
	}
	for _, want := range []string{
		// Medians of four runs: (1.04+1.20)/2, (0.91+0.93)/2, ...
		"target snapshot-time: measured 1.12x raw (paired medians 585239 vs 569837 ns/op), goal at most 1.10x raw, missed",
		"target stream-throughput: measured 0.92x raw",
		"target idle-subscription: measured 33500 B/sub (32.7 KiB), goal at most 65536 B/sub (64 KiB), met",
		"target discover-absent: measured 5.50 ms, goal under 250 ms, met",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestMissedTargetsExitZero checks that a missed target informs without
// failing.
func TestMissedTargetsExitZero(t *testing.T) {
	t.Parallel()
	code, out, _ := runOn(t, sampleRun(2, 0.5, 90000, 300e6))
	if code != 0 {
		t.Errorf("exit status %d with missed targets, want 0", code)
	}
	for _, name := range []string{"snapshot-time", "stream-throughput", "idle-subscription", "discover-absent"} {
		if !strings.Contains(out, "target "+name+": measured") {
			t.Errorf("no line for %s:\n%s", name, out)
		}
	}
	if n := strings.Count(out, ", missed\n"); n != 6 {
		t.Errorf("%d targets missed, want 6 (snapshot time and allocs, vanity-taken allocs, stream, idle, absent):\n%s", n, out)
	}
}

// TestMissingBenchmark checks that a benchmark or a metric the targets
// need, when absent, is named and fails the run.
func TestMissingBenchmark(t *testing.T) {
	t.Parallel()
	full := sampleRun(1.03, 0.95, 32837, 4071054)
	tests := []struct {
		name, output, want string
	}{
		{"renamed", strings.ReplaceAll(full, "BenchmarkStreamIdle", "BenchmarkStreamIdleness"), "BenchmarkStreamIdle (B/sub)"},
		{"failed", strings.ReplaceAll(full, "BenchmarkDiscover/absent-2 ", "--- FAIL: BenchmarkDiscover/absent "), "BenchmarkDiscover/absent (ns/op)"},
		{"no paired run", strings.ReplaceAll(full, "BenchmarkStreamThroughput/paired", "BenchmarkStreamThroughput/alone"), "BenchmarkStreamThroughput/paired (user/raw-rate)"},
		{"no -benchmem", strings.ReplaceAll(full, "allocs/op", "x/op"), "BenchmarkCallSnapshot/user (allocs/op)"},
		{"other package", strings.ReplaceAll(full, "pkg: github.com/pieces-go/pieces-os-client-go/user\n", "pkg: example.com/other\n"), "BenchmarkCallSnapshot/raw (allocs/op)"},
		{"empty", "", "BenchmarkCallSnapshot/paired (user/raw-time)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut := runOn(t, tt.output)
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr does not name %q:\n%s", tt.want, errOut)
			}
		})
	}
}

// TestNoProcSuffix checks names printed without the -GOMAXPROCS suffix,
// as with GOMAXPROCS=1.
func TestNoProcSuffix(t *testing.T) {
	t.Parallel()
	output := strings.ReplaceAll(sampleRun(1.03, 0.95, 32837, 4071054), "-2 ", " ")
	code, out, errOut := runOn(t, output)
	if code != 0 || !strings.Contains(out, "target snapshot-time: measured 1.03x raw") {
		t.Errorf("exit status %d, output:\n%s%s", code, out, errOut)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"a", "b"}, {"-h"}, {filepath.Join(t.TempDir(), "absent.out")}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 || errOut.Len() == 0 {
			t.Errorf("run(%q) = %d with stderr %q, want 2 and a message", args, code, errOut.String())
		}
	}
}
