package usertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// Profile returns a copy of the signed-in user's profile; ok is false when
// nobody is signed in.
func (s *Server) Profile() (p gen.UserProfile, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return gen.UserProfile{}, false
	}
	return clone(*s.user), true
}

// SetProfile replaces the profile of the user, as a change made elsewhere
// (in the cloud, say) would. When a user is signed in, p becomes that
// user's profile: it is pushed to the subscribers of /user/stream, and the
// next check-in message says needsRefresh. When nobody is signed in, p is
// kept for the next selectUser without a body, and nothing is pushed. The
// server keeps its own copy of p.
func (s *Server) SetProfile(p gen.UserProfile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p = clone(p)
	s.learnEntitiesLocked(p)
	if s.user == nil {
		s.account = p
		return
	}
	s.user = &p
	s.account = clone(p)
	s.pushProfileLocked()
	for sub := range s.subs {
		sub.needsRefresh = true
	}
}

// SignIn signs in the user whose profile is p, with a new access token,
// and pushes p to the subscribers of /user/stream. The server keeps its own
// copy of p.
func (s *Server) SignIn(p gen.UserProfile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signInLocked(clone(p))
}

// SignOut signs the user out, as clearUser does: the subscribers of
// /user/stream receive the signed-out message (an empty text message).
func (s *Server) SignOut() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signOutLocked()
}

// AccessToken returns the access token that userAccessToken answers with,
// or "" when nobody is signed in.
func (s *Server) AccessToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

// TakeVanity marks vanity names as taken by other users: userUpdateVanity
// answers 409 for them, unless the name is already the signed-in user's.
func (s *Server) TakeVanity(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range names {
		s.taken[n] = true
	}
}

// SetFeatureAccess sets the answer userHasFeatureAccess gives for feature.
// Every feature starts as usable and enabled. It fails for UNKNOWN and for
// a value that is not a feature.
func (s *Server) SetFeatureAccess(feature gen.HasFeatureAccessEnum, out gen.HasFeatureAccessOutput) error {
	if !feature.Valid() || feature == gen.HasFeatureAccessEnumUNKNOWN {
		return fmt.Errorf("usertest: SetFeatureAccess: %q is not a feature", feature)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.features[feature] = clone(out)
	return nil
}

// Always is the count that makes FailNext and RespondNext answer every call
// of the operation, not only the next few.
const Always = -1

// FailNext makes the next n calls of an operation, named by its operationId
// in the spec (for example "userUpdateVanity", or "streamUser" to refuse
// the WebSocket upgrade), answer status with body as text/plain, before
// anything else is checked. n = Always (or any negative n) answers every
// call so until a later call cancels it; n = 0 cancels what is left of an
// earlier FailNext or RespondNext for the operation; a new call replaces
// it.
func (s *Server) FailNext(operationID string, n, status int, body string) error {
	return s.RespondNext(operationID, n, status, "text/plain; charset=utf-8", body)
}

// RespondNext is FailNext with a media type of the caller's choosing, for
// answers that break the spec on purpose: a 200 with a body that is not
// JSON, say. An empty contentType sends no Content-Type header. status must
// lie between 200 and 599.
func (s *Server) RespondNext(operationID string, n, status int, contentType, body string) error {
	if !slices.Contains(OperationIDs(), operationID) {
		return fmt.Errorf("usertest: no operation has the operationId %q", operationID)
	}
	if n < 0 {
		n = Always
	}
	if status < 200 || status > 599 {
		return fmt.Errorf("usertest: %s: status %d is not between 200 and 599", operationID, status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if n == 0 {
		delete(s.answers, operationID)
		return nil
	}
	s.answers[operationID] = cannedAnswer{left: n, status: status, contentType: contentType, body: body}
	return nil
}

// SetMigrating switches the state that GET /.well-known/health reports:
// "migrating" (with status 200) while on, as Pieces OS answers while it
// opens or migrates its database, and "ok:<id>" (see HealthID) while off.
// The operations keep working either way.
func (s *Server) SetMigrating(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.migrating = on
}

// HealthID returns the id that GET /.well-known/health answers after "ok:",
// a random UUID chosen when the server starts.
func (s *Server) HealthID() string { return s.healthID }

// SetVersion sets the text GET /.well-known/version answers, such as
// "12.6.29-staging" or "debug". Any text without control characters is
// accepted, so that a test can send a version a client does not expect;
// an empty v fails.
func (s *Server) SetVersion(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("usertest: SetVersion: the version is empty")
	}
	if strings.ContainsFunc(v, unicode.IsControl) {
		return fmt.Errorf("usertest: SetVersion: the version %q holds a control character", v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version = v
	return nil
}

// SetLatency delays every answer by d, the WebSocket upgrades and the
// health route included. A waiting request ends early when its client
// gives up or the server closes. d <= 0 removes the delay.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = max(d, 0)
}

// DropStreams closes every open WebSocket abruptly, without a close frame,
// as a crash of Pieces OS would, so that clients reconnect. It returns how
// many it closed; when it returns, WaitStreams counts none of them.
func (s *Server) DropStreams() int {
	s.mu.Lock()
	subs := slices.Collect(maps.Keys(s.subs))
	clear(s.subs)
	s.notifySubsLocked()
	s.mu.Unlock()
	for _, sub := range subs {
		_ = sub.conn.CloseNow()
	}
	return len(subs)
}

// WaitStreams waits until at least n WebSockets (of both routes together)
// are open, or until ctx ends. A socket counts once its first message (the
// current state) is queued, so a change made after WaitStreams returns
// reaches it after that first message. WaitStreams returns ErrClosed once
// the server is closed.
func (s *Server) WaitStreams(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		closed, open, changed := s.closed, len(s.subs), s.subsChanged
		s.mu.Unlock()
		if closed {
			return ErrClosed
		}
		if open >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("usertest: waiting for %d streams, %d open: %w", n, open, ctx.Err())
		}
	}
}

// Requests returns the requests the server received, oldest first (at most
// the latest ten thousand), health probes and refused requests included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Header = r.Header.Clone()
		r.Body = slices.Clone(r.Body)
		out[i] = r
	}
	return out
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// signInLocked makes p, which the server owns, the signed-in user.
func (s *Server) signInLocked(p gen.UserProfile) {
	s.learnEntitiesLocked(p)
	s.user = &p
	s.account = clone(p)
	s.token = tokenFor(p.ID)
	s.pushProfileLocked()
}

// storeLocked replaces the profile of the signed-in user with p, which the
// server owns, and pushes it.
func (s *Server) storeLocked(p gen.UserProfile) {
	s.learnEntitiesLocked(p)
	s.user = &p
	s.account = clone(p)
	s.pushProfileLocked()
}

// signOutLocked forgets the signed-in user and pushes the signed-out
// message; it does nothing when nobody is signed in.
func (s *Server) signOutLocked() {
	if s.user == nil {
		return
	}
	s.account = *s.user
	s.user = nil
	s.token = ""
	s.pushProfileLocked()
}

// learnEntitiesLocked remembers the entities p references, so that
// associating the user with one again restores its data.
func (s *Server) learnEntitiesLocked(p gen.UserProfile) {
	for _, e := range p.Entities.Iterable {
		if e.Reference != nil {
			s.entities[e.ID] = clone(*e.Reference)
		}
	}
}

// notifySubsLocked wakes WaitStreams.
func (s *Server) notifySubsLocked() {
	close(s.subsChanged)
	s.subsChanged = make(chan struct{})
}

// tokenFor returns the access token of the user with the given id.
func tokenFor(id string) string {
	return "usertest-access-token." + id
}

// defaultFeatures grants every feature of the spec.
func defaultFeatures() map[gen.HasFeatureAccessEnum]gen.HasFeatureAccessOutput {
	out := make(map[gen.HasFeatureAccessEnum]gen.HasFeatureAccessOutput)
	for _, f := range specFeatures() {
		out[f] = gen.HasFeatureAccessOutput{CanUse: true, Enabled: true, Reason: "granted by default", Schema: stamp()}
	}
	return out
}

// writeJSON answers with a JSON body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeText(w, http.StatusInternalServerError, "usertest: cannot encode the answer: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
