package usertest

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/gen"
)

const (
	maxQueuedMessages = 1024             // per subscriber; past it, the server closes the socket
	writeTimeout      = 10 * time.Second // bounds the write of one message
	closeGrace        = time.Second      // how long Close waits for the answer to a close frame
)

// subscriber is one open WebSocket. Its needsRefresh and overflowed
// fields are guarded by Server.mu.
type subscriber struct {
	op           string // opStreamUser or opStreamUserLastCheckedIn
	conn         *websocket.Conn
	netConn      net.Conn      // the hijacked connection under conn
	queue        chan []byte   // text messages to send
	overflow     chan struct{} // closed once queue overflowed
	overflowed   bool
	needsRefresh bool
}

// serveStream returns the handler of a WebSocket route.
func (s *Server) serveStream(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		closed := s.closed
		if !closed {
			s.wg.Add(1)
		}
		s.mu.Unlock()
		if closed {
			writeText(w, http.StatusServiceUnavailable, "usertest: server closed")
			return
		}
		defer s.wg.Done()

		// Pieces OS serves browser extensions too, so any Origin is welcome.
		tap := &hijackTap{ResponseWriter: w}
		conn, err := websocket.Accept(tap, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
		if err != nil {
			return // Accept has answered the request with the reason.
		}
		sub := &subscriber{op: op, conn: conn, netConn: tap.conn,
			queue: make(chan []byte, maxQueuedMessages), overflow: make(chan struct{})}

		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			sub.closeNormally()
			return
		}
		// Queue the current state and subscribe in one step, so that no
		// change falls between the first message and the later ones.
		sub.enqueue(s.messageLocked(sub))
		s.subs[sub] = struct{}{}
		s.notifySubsLocked()
		s.mu.Unlock()
		defer s.unsubscribe(sub)

		s.run(sub)
	}
}

// run writes sub's messages until the peer goes away, DropStreams closes
// the socket, or the server closes.
func (s *Server) run(sub *subscriber) {
	// CloseRead answers pings and the peer's close frame; its context ends
	// when the socket closes. It is not derived from s.ctx, which would
	// tear the socket down before the close frame could be sent.
	peer := sub.conn.CloseRead(context.Background())
	var tick <-chan time.Time
	if sub.op == opStreamUserLastCheckedIn {
		t := time.NewTicker(s.checkIn)
		defer t.Stop()
		tick = t.C
	}
	for {
		var m []byte
		select {
		case <-s.ctx.Done():
			sub.closeNormally()
			return
		case <-peer.Done():
			_ = sub.conn.CloseNow()
			return
		case <-sub.overflow:
			_ = sub.conn.Close(websocket.StatusPolicyViolation, "usertest: subscriber too slow")
			return
		case m = <-sub.queue:
		case <-tick:
			s.mu.Lock()
			m = s.messageLocked(sub)
			s.mu.Unlock()
		}
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		err := sub.conn.Write(ctx, websocket.MessageText, m)
		cancel()
		if err != nil {
			_ = sub.conn.CloseNow()
			return
		}
	}
}

// closeNormally sends the normal-closure close frame and waits for the
// client's answer, for closeGrace at most rather than the library's own
// timeouts. A client that reads later still finds the frame.
func (sub *subscriber) closeNormally() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = sub.conn.Close(websocket.StatusNormalClosure, "usertest: server closed")
	}()
	t := time.NewTimer(closeGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		if sub.netConn != nil {
			_ = sub.netConn.Close()
		}
		<-done
	}
}

// hijackTap keeps the connection that the WebSocket upgrade hijacks, so
// that closeNormally can cut it.
type hijackTap struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijackTap) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = c
	return c, rw, err
}

func (h *hijackTap) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// unsubscribe forgets sub, if DropStreams has not already.
func (s *Server) unsubscribe(sub *subscriber) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.subs[sub]; ok {
		delete(s.subs, sub)
		s.notifySubsLocked()
	}
}

// enqueue queues m, or gives up on a subscriber too slow to take it. The
// caller holds Server.mu.
func (sub *subscriber) enqueue(m []byte) {
	select {
	case sub.queue <- m:
	default:
		if !sub.overflowed {
			sub.overflowed = true
			close(sub.overflow)
		}
	}
}

// pushProfileLocked sends the current state to /user/stream's subscribers.
func (s *Server) pushProfileLocked() {
	for sub := range s.subs {
		if sub.op == opStreamUser {
			sub.enqueue(s.messageLocked(sub))
		}
	}
}

// messageLocked builds sub's next message. On /user/stream it is the
// profile's JSON, or an empty text message when nobody is signed in; on
// the check-in stream, it says needsRefresh once after SetProfile.
func (s *Server) messageLocked(sub *subscriber) []byte {
	if sub.op == opStreamUser && !s.signedIn {
		return []byte{}
	} else if sub.op == opStreamUser {
		return s.raw
	}
	out := gen.UserLastCheckedInStreamOutput{NeedsRefresh: sub.needsRefresh, UpdateRequired: new(false), Schema: stamp()}
	sub.needsRefresh = false
	if s.signedIn {
		out.UserID = s.user.ID
		out.LastCheckedIn = timestamp(time.Now().Truncate(time.Millisecond))
	}
	return mustJSON(out)
}
