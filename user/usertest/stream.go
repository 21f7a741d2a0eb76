package usertest

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/gen"
)

// maxQueuedMessages bounds the messages waiting for one slow subscriber of
// /user/stream; past it, the server closes that socket.
const maxQueuedMessages = 1024

// writeTimeout bounds the write of one message to a subscriber.
const writeTimeout = 10 * time.Second

// closeGrace is how long Close waits for a client to answer the close
// frame before it cuts the connection.
const closeGrace = time.Second

// subscriber is one open WebSocket. Its queue, needsRefresh and overflow
// fields are guarded by Server.mu.
type subscriber struct {
	op           string // opStreamUser or opStreamLastCheckedIn
	conn         *websocket.Conn
	netConn      net.Conn      // the hijacked connection under conn
	wake         chan struct{} // capacity 1: queue has messages
	queue        []message
	overflow     bool
	needsRefresh bool
}

// message is one text message for a subscriber; err is set when the state
// could not be encoded.
type message struct {
	data []byte
	err  error
}

// serveStream returns the handler of a WebSocket route. Pieces OS does
// not check X-Application-ID on these routes, and neither does the fake;
// the route records it in Requests like any other header.
func (s *Server) serveStream(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		closed := s.closed
		if !closed {
			s.streamsWG.Add(1)
		}
		s.mu.Unlock()
		if closed {
			writeText(w, http.StatusServiceUnavailable, "usertest: server closed")
			return
		}
		defer s.streamsWG.Done()

		// Pieces OS serves browser extensions too, so any Origin is welcome.
		tap := &hijackTap{ResponseWriter: w}
		conn, err := websocket.Accept(tap, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
		if err != nil {
			return // Accept has answered the request with the reason.
		}
		sub := &subscriber{op: op, conn: conn, netConn: tap.conn, wake: make(chan struct{}, 1)}

		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			sub.closeNormally()
			return
		}
		// Queue the current state and subscribe in one step, so that no
		// change falls between the first message and the later ones.
		if op == opStreamUser {
			sub.enqueue(s.profileMessageLocked())
		} else {
			sub.enqueue(s.checkInMessageLocked(sub))
		}
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
	if sub.op == opStreamLastCheckedIn {
		t := time.NewTicker(s.checkIn)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-s.ctx.Done():
			sub.closeNormally()
			return
		case <-peer.Done():
			_ = sub.conn.CloseNow()
			return
		case <-sub.wake:
			s.mu.Lock()
			msgs, overflow := sub.queue, sub.overflow
			sub.queue = nil
			s.mu.Unlock()
			if overflow {
				_ = sub.conn.Close(websocket.StatusPolicyViolation, "usertest: subscriber too slow")
				return
			}
			for _, m := range msgs {
				if !s.write(sub, m) {
					return
				}
			}
		case <-tick:
			s.mu.Lock()
			m := s.checkInMessageLocked(sub)
			s.mu.Unlock()
			if !s.write(sub, m) {
				return
			}
		}
	}
}

// closeNormally sends the normal-closure close frame and waits for the
// client's answer, for closeGrace at most: a client that does not read
// would otherwise hold Close for the library's own timeouts. The frame is
// on the wire either way, so a client that reads later still sees a
// normal closure.
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

// write sends one message; false means the socket is done for.
func (s *Server) write(sub *subscriber, m message) bool {
	if m.err != nil {
		_ = sub.conn.Close(websocket.StatusInternalError, "usertest: the state cannot be encoded as JSON")
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	if err := sub.conn.Write(ctx, websocket.MessageText, m.data); err != nil {
		_ = sub.conn.CloseNow()
		return false
	}
	return true
}

// unsubscribe forgets sub, if DropStreams has not already.
func (s *Server) unsubscribe(sub *subscriber) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.subs[sub]; ok {
		delete(s.subs, sub)
		s.notifySubsLocked()
	}
}

// enqueue adds m to sub's queue and wakes its writer. The caller holds
// Server.mu.
func (sub *subscriber) enqueue(m message) {
	if sub.overflow {
		return
	}
	if len(sub.queue) >= maxQueuedMessages {
		sub.queue, sub.overflow = nil, true
	} else {
		sub.queue = append(sub.queue, m)
	}
	select {
	case sub.wake <- struct{}{}:
	default:
	}
}

// pushProfileLocked sends the current state to every subscriber of
// /user/stream.
func (s *Server) pushProfileLocked() {
	var m message
	first := true
	for sub := range s.subs {
		if sub.op != opStreamUser {
			continue
		}
		if first {
			m, first = s.profileMessageLocked(), false
		}
		sub.enqueue(m)
	}
}

// profileMessageLocked encodes the state for /user/stream: the profile as
// JSON, or an empty text message when nobody is signed in.
func (s *Server) profileMessageLocked() message {
	if s.user == nil {
		return message{data: []byte{}}
	}
	data, err := json.Marshal(s.user)
	return message{data: data, err: err}
}

// checkInMessageLocked builds the next message of the check-in stream for
// sub. needsRefresh is true once after SetProfile changed the profile.
func (s *Server) checkInMessageLocked(sub *subscriber) message {
	out := gen.UserLastCheckedInStreamOutput{
		NeedsRefresh:   sub.needsRefresh,
		UpdateRequired: ptr(false),
		Schema:         stamp(),
	}
	sub.needsRefresh = false
	if s.user != nil {
		out.UserID = s.user.ID
		out.LastCheckedIn = timestamp(time.Now().Truncate(time.Millisecond), "")
	}
	data, err := json.Marshal(out)
	return message{data: data, err: err}
}
