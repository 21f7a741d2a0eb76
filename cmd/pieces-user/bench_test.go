package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// BenchmarkJSONSnapshotAtLimit measures `pieces-user --json snapshot`, run
// in-process, on an answer just under user.DefaultMaxResponseBytes: the
// read of the answer by the library and the printing of it. Besides the
// allocations it reports peak-MiB, the largest growth of the live heap
// seen during a run (sampled), and limit-x, that peak over the limit.
// "unknown" has most of the bytes in members this version does not know;
// "known" in one member it decodes (the name).
func BenchmarkJSONSnapshotAtLimit(b *testing.B) {
	for _, shape := range []string{"unknown", "known"} {
		b.Run(shape, func(b *testing.B) {
			body := bigSnapshot(b, shape, int(user.DefaultMaxResponseBytes)-1024)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(body)
			}))
			b.Cleanup(srv.Close)
			args := []string{"--host", srv.URL, "--json", "snapshot"}
			var printed countingWriter
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				printed.n = 0
				p := measurePeak(func() {
					var stderr bytes.Buffer
					if code := run(b.Context(), args, strings.NewReader(""), &printed, &stderr); code != exitOK {
						b.Fatalf("exit %d: %s", code, stderr.String())
					}
				})
				peak = max(peak, p)
			}
			if printed.n < int64(len(body))/2 {
				b.Fatalf("printed %d bytes of an answer of %d", printed.n, len(body))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(peak)/float64(user.DefaultMaxResponseBytes), "limit-x")
		})
	}
}

// bigSnapshot builds the JSON of a snapshot answer of about size bytes.
func bigSnapshot(tb testing.TB, shape string, size int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	buf.Grow(size)
	buf.WriteString(`{"user":{"id":"u1","email":"ada@example.com","aesthetics":{"font":{"size":12},"theme":{"dark":true}},`)
	switch shape {
	case "unknown":
		buf.WriteString(`"history":[`)
		for i := 0; buf.Len() < size-200; i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			fmt.Fprintf(&buf, `{"at":"2026-11-%02dT08:00:00Z","what":"opened the desktop app","n":%d}`, i%28+1, i)
		}
		buf.WriteString(`],"name":"Ada"`)
	case "known":
		buf.WriteString(`"name":"`)
		buf.WriteString(strings.Repeat("Ada ", (size-buf.Len()-10)/4))
		buf.WriteByte('"')
	}
	buf.WriteString(`}}`)
	if buf.Len() > size {
		tb.Fatalf("built %d bytes, more than %d", buf.Len(), size)
	}
	return buf.Bytes()
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

// measurePeak runs f and returns the largest growth of the heap's live
// objects over their amount before f, read every 50µs while f runs. A GC
// runs first, so that the start is the live heap; the reading counts
// objects that are dead but not yet swept, so it errs high.
func measurePeak(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var (
		peak atomic.Uint64
		stop = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		t := time.NewTicker(50 * time.Microsecond)
		defer t.Stop()
		for {
			if v := read(); v > base && v-base > peak.Load() {
				peak.Store(v - base)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	f()
	close(stop)
	wg.Wait()
	if v := read(); v > base && v-base > peak.Load() {
		peak.Store(v - base)
	}
	return peak.Load()
}

// BenchmarkJSONPrintAtLimit measures the printing alone of a --json
// snapshot answer just under user.DefaultMaxResponseBytes, once the
// library holds it: the "user" member is found and indented straight to
// standard output, so the allocations stay those of one small buffer,
// whatever the size of the answer.
func BenchmarkJSONPrintAtLimit(b *testing.B) {
	body := bigSnapshot(b, "unknown", int(user.DefaultMaxResponseBytes)-1024)
	var out countingWriter
	s := &session{stdout: &out, json: true}
	s.answer = user.RawResponse{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		out.n = 0
		peak = max(peak, measurePeak(func() {
			if err := s.emitMember("user", struct{}{}, nil); err != nil {
				b.Fatal(err)
			}
		}))
	}
	if out.n < int64(len(body))/2 {
		b.Fatalf("printed %d bytes of an answer of %d", out.n, len(body))
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}
