package user_test

// Benchmarks of the WebSocket streams: throughput against a raw
// coder/websocket read loop, the memory an idle subscription holds, and
// the time a subscriber takes to come back after Pieces OS restarts.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// bsWait bounds every wait of the stream benchmarks: it guards against a
// hang and asserts no timing.
const bsWait = 2 * time.Minute

// bsPusher is a WebSocket server for the throughput benchmark. It hands
// every connection it accepts to the benchmark, which writes to it, and
// keeps the connection open until the client closes it.
type bsPusher struct {
	conns chan *websocket.Conn
}

func (p *bsPusher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has answered the request.
	}
	p.conns <- conn
	// CloseRead answers the client's pings and close frame; its context
	// ends once the connection is closed.
	<-conn.CloseRead(context.Background()).Done()
	_ = conn.CloseNow()
}

// accepted returns the next connection the pusher accepted.
func (p *bsPusher) accepted(b *testing.B) *websocket.Conn {
	b.Helper()
	select {
	case conn := <-p.conns:
		return conn
	case <-time.After(bsWait):
		b.Fatal("the client did not connect")
		return nil
	}
}

// bsMessages holds the messages of the throughput benchmark: the default
// profile, and two variants that differ from it by their id, to end a
// burst. Consecutive bursts end with different ids, so that the end of one
// is never taken for the end of the next.
type bsMessages struct {
	msg    []byte
	last   [2][]byte
	lastID [2]string
}

func newBSMessages(b *testing.B) *bsMessages {
	b.Helper()
	p := usertest.DefaultProfile()
	m := &bsMessages{}
	var err error
	if m.msg, err = json.Marshal(p); err != nil {
		b.Fatal(err)
	}
	id := p.ID
	for i := range m.last {
		m.lastID[i] = fmt.Sprintf("last-%d-%s", i, id)
		p.ID = m.lastID[i]
		if m.last[i], err = json.Marshal(p); err != nil {
			b.Fatal(err)
		}
	}
	return m
}

// bsSend writes n messages to conn as fast as it takes them, the last one
// being last, and returns the first error on done.
func bsSend(ctx context.Context, conn *websocket.Conn, n int, msg, last []byte) <-chan error {
	done := make(chan error, 1)
	go func() {
		for i := range n {
			m := msg
			if i == n-1 {
				m = last
			}
			if err := conn.Write(ctx, websocket.MessageText, m); err != nil {
				done <- fmt.Errorf("writing message %d of %d: %w", i+1, n, err)
				return
			}
		}
		done <- nil
	}()
	return done
}

// bsUserBurst has conn send n messages, burst k's last one ending them, and
// waits until WatchProfile has delivered that last one. It returns how
// many profile events were delivered and the time it took.
func bsUserBurst(ctx context.Context, b *testing.B, s *user.Stream, conn *websocket.Conn, m *bsMessages, n, k int) (int, time.Duration) {
	start := time.Now()
	sent := bsSend(ctx, conn, n, m.msg, m.last[k%2])
	delivered := 0
	for {
		ev, ok := <-s.Events()
		if !ok {
			b.Fatalf("Events closed before the last of %d profiles arrived (%d delivered)", n, delivered)
		}
		switch ev.Kind {
		case user.EventProfile:
			delivered++
			if ev.Profile.ID != m.lastID[k%2] {
				continue
			}
			d := time.Since(start)
			if err := <-sent; err != nil {
				b.Fatal(err)
			}
			return delivered, d
		case user.EventConnected:
		default:
			b.Fatalf("got a %v event (%v) while reading profiles", ev.Kind, ev.Err)
		}
	}
}

// bsRawBurst has conn send n messages, burst k's last one ending them, and
// reads and decodes them all from client, as a raw coder/websocket read
// loop with json.Unmarshal. It returns the time it took.
func bsRawBurst(ctx context.Context, b *testing.B, client, conn *websocket.Conn, m *bsMessages, n, k int) time.Duration {
	start := time.Now()
	sent := bsSend(ctx, conn, n, m.msg, m.last[k%2])
	for i := 1; ; i++ {
		typ, data, err := client.Read(ctx)
		if err != nil {
			b.Fatalf("reading message %d of %d: %v", i, n, err)
		}
		if typ != websocket.MessageText {
			b.Fatalf("message %d is %v, want text", i, typ)
		}
		var got gen.UserProfile
		if err := json.Unmarshal(data, &got); err != nil {
			b.Fatalf("message %d: %v", i, err)
		}
		if got.ID == "" {
			b.Fatalf("message %d has no id", i)
		}
		if got.ID == m.lastID[k%2] {
			if i != n {
				b.Fatalf("the last profile came as message %d of %d", i, n)
			}
			d := time.Since(start)
			if err := <-sent; err != nil {
				b.Fatal(err)
			}
			return d
		}
	}
}

// bsBurst is the number of messages per burst in the paired throughput
// benchmark.
const bsBurst = 50

// BenchmarkStreamThroughput measures how many profile messages per second
// reach the consumer when the server sends them as fast as it can: through
// WatchProfile ("user") and through a raw coder/websocket read loop with
// json.Unmarshal ("raw"), against the same server. "user" and "raw" send
// b.N messages in one burst; "paired" alternates bursts of bsBurst
// messages between the two, so that both share whatever else the machine
// is doing, and reports user-msgs/s, raw-msgs/s and their ratio,
// user/raw-rate, which internal/benchcheck reads, as well as the processor
// time the whole process spent per message each way (user-cpu-ns/msg,
// raw-cpu-ns/msg), the steadier figure on a busy machine.
//
// WatchProfile decodes every message but conflates the events, so a
// consumer that falls behind skips intermediate profiles; a burst ends
// when its last message, which has its own id, has been delivered. The
// delivered/msg metric says which share of the messages became events.
func BenchmarkStreamThroughput(b *testing.B) {
	m := newBSMessages(b)
	p := &bsPusher{conns: make(chan *websocket.Conn, 1)}
	srv := httptest.NewServer(p)
	defer srv.Close()

	// watch connects a WatchProfile stream, and returns it with the
	// server's side of its connection.
	watch := func(ctx context.Context, b *testing.B) (*user.Stream, *websocket.Conn) {
		c, err := user.New(user.WithBaseURL(srv.URL), user.WithHTTPClient(srv.Client()))
		if err != nil {
			b.Fatal(err)
		}
		s, err := c.WatchProfile(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = s.Close() })
		conn := p.accepted(b)
		bsExpect(b, s, user.EventConnected)
		return s, conn
	}
	// dial connects a raw client, and returns it with the server's side
	// of its connection.
	dial := func(ctx context.Context, b *testing.B) (*websocket.Conn, *websocket.Conn) {
		u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/user/stream"
		client, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: srv.Client()})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = client.Close(websocket.StatusNormalClosure, "") })
		client.SetReadLimit(defaultReadLimit)
		return client, p.accepted(b)
	}

	b.Run("user", func(b *testing.B) {
		ctx, cancel := context.WithTimeout(b.Context(), bsWait)
		defer cancel()
		s, conn := watch(ctx, b)
		b.SetBytes(int64(len(m.msg)))
		b.ReportAllocs()
		b.ResetTimer()
		delivered, _ := bsUserBurst(ctx, b, s, conn, m, b.N, 0)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		b.ReportMetric(float64(delivered)/float64(b.N), "delivered/msg")
	})

	b.Run("raw", func(b *testing.B) {
		ctx, cancel := context.WithTimeout(b.Context(), bsWait)
		defer cancel()
		client, conn := dial(ctx, b)
		b.SetBytes(int64(len(m.msg)))
		b.ReportAllocs()
		b.ResetTimer()
		bsRawBurst(ctx, b, client, conn, m, b.N, 0)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})

	b.Run("paired", func(b *testing.B) {
		ctx, cancel := context.WithTimeout(b.Context(), bsWait)
		defer cancel()
		s, userConn := watch(ctx, b)
		client, rawConn := dial(ctx, b)
		var userTime, rawTime, userCPU, rawCPU time.Duration
		_, haveCPU := bcCPUTime()
		delivered, k := 0, 0
		raw := func() {
			c0, _ := bcCPUTime()
			rawTime += bsRawBurst(ctx, b, client, rawConn, m, bsBurst, k)
			c1, _ := bcCPUTime()
			rawCPU += c1 - c0
		}
		for b.Loop() {
			if k%2 == 1 {
				raw()
			}
			c0, _ := bcCPUTime()
			n, d := bsUserBurst(ctx, b, s, userConn, m, bsBurst, k)
			c1, _ := bcCPUTime()
			delivered, userTime, userCPU = delivered+n, userTime+d, userCPU+c1-c0
			if k%2 == 0 {
				raw()
			}
			k++
		}
		msgs := float64(b.N * bsBurst)
		b.ReportMetric(msgs/userTime.Seconds(), "user-msgs/s")
		b.ReportMetric(msgs/rawTime.Seconds(), "raw-msgs/s")
		b.ReportMetric(rawTime.Seconds()/userTime.Seconds(), "user/raw-rate")
		b.ReportMetric(float64(delivered)/msgs, "delivered/msg")
		if haveCPU && userCPU > 0 && rawCPU > 0 {
			b.ReportMetric(float64(userCPU.Nanoseconds())/msgs, "user-cpu-ns/msg")
			b.ReportMetric(float64(rawCPU.Nanoseconds())/msgs, "raw-cpu-ns/msg")
		}
	})
}

// bsExpect receives events from s until one of kind k arrives, passing
// over the others. A malformed message, or no such event within bsWait,
// is fatal.
func bsExpect(b *testing.B, s *user.Stream, k user.EventKind) user.Event {
	b.Helper()
	timer := time.NewTimer(bsWait)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-s.Events():
			switch {
			case !ok:
				b.Fatalf("Events closed while waiting for a %v event", k)
			case ev.Kind == k:
				return ev
			case ev.Kind == user.EventMalformed:
				b.Fatalf("malformed message while waiting for a %v event: %v", k, ev.Err)
			}
		case <-timer.C:
			b.Fatalf("no %v event within %v", k, bsWait)
		}
	}
}

// bsServerEnv, when set to 1, makes TestBenchServerProcess serve.
const bsServerEnv = "PIECES_USER_BENCH_SERVER"

// bsReady starts the line on which the server process announces its URL.
const bsReady = "bench server listening on "

// TestBenchServerProcess is not a test of its own: BenchmarkStreamIdle
// runs the test binary again with this test alone and bsServerEnv set, to
// serve the streams from another process, so that the memory and
// goroutines it counts are the subscribers' alone. The process serves a
// usertest fake until its standard input closes.
func TestBenchServerProcess(t *testing.T) {
	if os.Getenv(bsServerEnv) != "1" {
		t.Skip("runs only as the server process of BenchmarkStreamIdle")
	}
	srv := usertest.Start(t)
	fmt.Printf("%s%s\n", bsReady, srv.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// bsServerProcess starts the server process and returns its URL. It stops
// the process when b ends.
func bsServerProcess(b *testing.B) string {
	b.Helper()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestBenchServerProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), bsServerEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), bsReady); ok {
				urls <- u
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		exited <- cmd.Wait()
	}()
	b.Cleanup(func() {
		_ = stdin.Close()
		select {
		case err := <-exited:
			if err != nil {
				b.Errorf("the server process: %v", err)
			}
		case <-time.After(bsWait):
			_ = cmd.Process.Kill()
			b.Errorf("the server process did not stop within %v; killed it", bsWait)
			<-exited
		}
	})
	select {
	case u := <-urls:
		return u
	case err := <-exited:
		b.Fatalf("the server process ended before it listened: %v", err)
	case <-time.After(bsWait):
		b.Fatalf("the server process did not listen within %v", bsWait)
	}
	return ""
}

// bsIdleSubs is the number of subscriptions BenchmarkStreamIdle opens.
const bsIdleSubs = 1000

// BenchmarkStreamIdle measures what an idle subscription holds: it opens
// 1,000 WatchProfile streams on one Client, reads each up to its first
// profile, and then counts the live heap, the goroutine stacks and the
// goroutines, after garbage collection, against the same counts before
// the streams were opened. The server runs in a separate process (see
// TestBenchServerProcess), so that none of what it holds is counted.
// B/sub is heap plus stacks per subscription; heap-B/sub and stack-B/sub
// are the two parts.
func BenchmarkStreamIdle(b *testing.B) {
	base := bsServerProcess(b)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c, err := user.New(user.WithBaseURL(base), user.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		b.Fatal(err)
	}
	want := usertest.DefaultProfile().ID

	var heap, stack, goroutines float64
	b.ReportAllocs()
	for b.Loop() {
		before, g0 := bsMemory()
		ctx, cancel := context.WithTimeout(b.Context(), bsWait)
		streams := make([]*user.Stream, 0, bsIdleSubs)
		for range bsIdleSubs {
			s, err := c.WatchProfile(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			streams = append(streams, s)
		}
		for i, s := range streams {
			if ev := bsExpect(b, s, user.EventProfile); ev.Profile.ID != want {
				b.Fatalf("stream %d: profile %q, want %q", i, ev.Profile.ID, want)
			}
		}
		after, g1 := bsMemory()
		heap += float64(after.HeapAlloc) - float64(before.HeapAlloc)
		stack += float64(after.StackInuse) - float64(before.StackInuse)
		goroutines += float64(g1 - g0)

		var wg sync.WaitGroup
		for _, s := range streams {
			wg.Go(func() { _ = s.Close() })
		}
		wg.Wait()
		cancel()
	}
	subs := float64(b.N * bsIdleSubs)
	b.ReportMetric((heap+stack)/subs, "B/sub")
	b.ReportMetric(heap/subs, "heap-B/sub")
	b.ReportMetric(stack/subs, "stack-B/sub")
	b.ReportMetric(goroutines/subs, "goroutines/sub")
}

// bsMemory collects garbage and returns the memory statistics and the
// number of goroutines.
func bsMemory() (runtime.MemStats, int) {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m, runtime.NumGoroutine()
}

// bsBackoff is the lower (and upper) bound of the reconnection wait in
// BenchmarkStreamReconnect.
const bsBackoff = time.Millisecond

// BenchmarkStreamReconnect measures the time from a restart of Pieces OS
// (a usertest fake closed, then started again on the same port) to the
// first profile delivered on the new connection. The Stream waits
// bsBackoff between attempts (&WatchOptions{Backoff: Backoff{Min: bsBackoff, Max: bsBackoff}}), which
// bounds the time from below; backoff-ns reports it. Only the restart and
// the reconnection are timed, not the shutdown before them.
func BenchmarkStreamReconnect(b *testing.B) {
	srv, err := usertest.NewServer()
	if err != nil {
		b.Fatal(err)
	}
	defer func() { srv.Close() }()
	addr := srv.Addr()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c, err := user.New(user.WithBaseURL(srv.URL), user.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		b.Fatal(err)
	}
	s, err := c.WatchProfile(b.Context(), &user.WatchOptions{Backoff: user.Backoff{Min: bsBackoff, Max: bsBackoff}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	want := usertest.DefaultProfile().ID
	if ev := bsExpect(b, s, user.EventProfile); ev.Profile.ID != want {
		b.Fatalf("profile %q, want %q", ev.Profile.ID, want)
	}

	var total time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		srv.Close()
		bsExpect(b, s, user.EventDisconnected)
		b.StartTimer()
		start := time.Now()
		srv, err = usertest.NewServer(usertest.WithAddr(addr))
		if err != nil {
			b.Fatal(err)
		}
		if ev := bsExpect(b, s, user.EventProfile); ev.Profile.ID != want {
			b.Fatalf("profile %q after the restart, want %q", ev.Profile.ID, want)
		}
		total += time.Since(start)
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "ns/reconnect")
	b.ReportMetric(float64(bsBackoff.Nanoseconds()), "backoff-ns")
}
