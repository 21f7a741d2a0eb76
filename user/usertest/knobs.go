package usertest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/pieces-go/pieces-os-client-go/gen"
)

// locked runs f with the server's mutex held.
func (s *Server) locked(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// Profile returns a copy of the signed-in user's profile, decoded from the
// JSON ProfileJSON returns; ok is false when nobody is signed in.
func (s *Server) Profile() (p gen.UserProfile, ok bool) {
	doc, ok := s.ProfileJSON()
	return decodeProfile(doc), ok
}

// ProfileJSON returns a copy of the signed-in user's profile as the server
// serves it, in JSON, with what gen does not know; ok is false (and doc
// nil) when nobody is signed in.
func (s *Server) ProfileJSON() (doc []byte, ok bool) {
	s.locked(func() {
		if ok = s.signedIn; ok {
			doc = slices.Clone(s.raw)
		}
	})
	return doc, ok
}

// SetProfile changes the user's profile, as a change made elsewhere would.
// A p with the id of the profile the server holds is written onto its JSON
// by the lossless merge, so that what gen does not know stays; another p
// replaces it. When a user is signed in, the profile is pushed to
// /user/stream and the next check-in message says needsRefresh; otherwise
// p waits for the next sign-in. It panics when p is not encodable as JSON.
func (s *Server) SetProfile(p gen.UserProfile) {
	s.locked(func() { s.putLocked(s.ontoLocked(p), true) })
}

// SetProfileJSON makes doc, the JSON of a UserProfile, the signed-in
// user's profile, signing that user in when nobody is, and pushes it as
// SetProfile does. The server keeps and serves doc with every member and
// enum value gen does not know, so that a test can play a newer Pieces OS.
// doc is checked as an updateUser body is; the error names the problem.
func (s *Server) SetProfileJSON(doc []byte) error {
	if p := checkJSON(doc, reflect.TypeFor[gen.UserProfile]()); p != nil {
		return errors.New("usertest: SetProfileJSON: " + p.msg)
	}
	s.locked(func() {
		if s.signedIn {
			s.putLocked(doc, true)
		} else {
			s.signInLocked(doc)
		}
	})
	return nil
}

// SignIn signs in the user whose profile is p, with a new access token, and
// pushes the profile; p is written onto the JSON as SetProfile writes it.
func (s *Server) SignIn(p gen.UserProfile) {
	s.locked(func() { s.signInLocked(s.ontoLocked(p)) })
}

// SignOut signs the user out, as clearUser does: /user/stream sends the
// signed-out message (an empty text), and the check-ins name no user.
func (s *Server) SignOut() { s.locked(s.signOutLocked) }

// SetSignInDelay sets how long signIntoOs takes when nobody is signed in,
// as the person at the browser would: 0 (the default) signs in at once,
// d > 0 after d; with d < 0 the sign-in never finishes and the request
// waits until its client gives up or the server closes. A wait cut short
// is answered with 503. FailNext("signIntoOs", 1, 500, "...") fails it.
func (s *Server) SetSignInDelay(d time.Duration) { s.locked(func() { s.signInDelay = d }) }

// AccessToken returns the access token that userAccessToken answers with,
// or "" when nobody is signed in. Each sign-in gives a new one.
func (s *Server) AccessToken() (token string) {
	s.locked(func() { token = s.token })
	return token
}

// TakeVanity marks vanity names as taken by other users: userUpdateVanity
// answers 409 for them, unless the name is already the signed-in user's.
func (s *Server) TakeVanity(names ...string) {
	s.locked(func() {
		for _, n := range names {
			s.taken[n] = true
		}
	})
}

// SetFeatureAccess sets the answer userHasFeatureAccess gives for feature,
// which starts as usable and enabled. UNKNOWN and non-features fail.
func (s *Server) SetFeatureAccess(feature gen.HasFeatureAccessEnum, out gen.HasFeatureAccessOutput) error {
	if !feature.Valid() || feature == gen.HasFeatureAccessEnumUNKNOWN {
		return fmt.Errorf("usertest: SetFeatureAccess: %q is not a feature", feature)
	}
	s.locked(func() { s.features[feature] = out })
	return nil
}

// Always is the count that makes FailNext and RespondNext answer every call
// of the operation, not only the next few.
const Always = -1

// FailNext makes the next n calls of an operation, named by its operationId
// in the spec ("streamUser" refuses the WebSocket upgrade), answer status
// with body as text/plain, before anything else is checked: so
// FailNext("signIntoOs", 1, 500, "the browser sign-in failed") plays a
// failed sign-in. n = Always (or any n < 0) answers every call until a
// later call cancels it; n = 0 cancels what is left of an earlier FailNext
// or RespondNext for the operation; a new call replaces it.
func (s *Server) FailNext(operationID string, n, status int, body string) error {
	return s.RespondNext(operationID, n, status, textPlain, body)
}

// RespondNext is FailNext with a media type of the caller's choosing (none
// when empty), for answers that break the spec on purpose: a 200 with a
// body that is not JSON, say. status must lie between 200 and 599.
func (s *Server) RespondNext(operationID string, n, status int, contentType, body string) error {
	if !slices.Contains(OperationIDs(), operationID) {
		return fmt.Errorf("usertest: no operation has the operationId %q", operationID)
	}
	if status < 200 || status > 599 {
		return fmt.Errorf("usertest: %s: status %d is not between 200 and 599", operationID, status)
	}
	s.locked(func() {
		delete(s.answers, operationID)
		if n != 0 {
			s.answers[operationID] = cannedAnswer{answer{status, contentType, []byte(body)}, max(n, Always)}
		}
	})
	return nil
}

// SetMigrating makes GET /.well-known/health answer "migrating", as Pieces
// OS does while it migrates its database, or "ok:<id>" (see HealthID) when
// off. The operations keep working either way.
func (s *Server) SetMigrating(on bool) { s.locked(func() { s.migrating = on }) }

// HealthID returns the id that GET /.well-known/health answers after "ok:",
// a random UUID chosen when the server starts.
func (s *Server) HealthID() string { return s.healthID }

// SetVersion sets the text GET /.well-known/version answers, such as
// "12.6.29-staging" or "debug" (DefaultVersion at first): any text but an
// empty one or one with control characters.
func (s *Server) SetVersion(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("usertest: SetVersion: the version is empty")
	}
	if strings.ContainsFunc(v, unicode.IsControl) {
		return fmt.Errorf("usertest: SetVersion: the version %q holds a control character", v)
	}
	s.locked(func() { s.version = v })
	return nil
}

// SetLatency delays every answer by d, the WebSocket upgrades and the
// health route included. A waiting request ends early, with 503, when its
// client gives up or the server closes. d <= 0 removes the delay.
func (s *Server) SetLatency(d time.Duration) { s.locked(func() { s.latency = max(d, 0) }) }

// DropStreams cuts every open WebSocket without a close frame, as a crash
// would, and returns how many it cut; WaitStreams then counts none.
func (s *Server) DropStreams() int {
	var subs []*subscriber
	s.locked(func() {
		subs = slices.Collect(maps.Keys(s.subs))
		clear(s.subs)
		s.notifySubsLocked()
	})
	for _, sub := range subs {
		_ = sub.conn.CloseNow()
	}
	return len(subs)
}

// WaitStreams waits until at least n WebSockets (of both routes) are open,
// or until ctx ends; ErrClosed once the server is closed. A socket counts
// once its first message (the current state) is queued, so a change made
// after WaitStreams returns reaches it after that message.
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
func (s *Server) Requests() (out []Request) {
	s.locked(func() { out = slices.Clone(s.requests) })
	for i := range out {
		out[i].Header = out[i].Header.Clone()
		out[i].Body = slices.Clone(out[i].Body)
	}
	return out
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() { s.locked(func() { s.requests = nil }) }

// ontoLocked returns p written onto the stored JSON when p is the same
// user's, and p's own JSON otherwise.
func (s *Server) ontoLocked(p gen.UserProfile) []byte {
	if p.ID == s.user.ID {
		return mergeProfile(s.raw, p)
	}
	return mustJSON(p)
}

// putLocked makes doc, checked profile JSON, the user's profile. When the
// user is signed in, it pushes the profile and, for a change made behind
// the clients' backs (refresh), asks for needsRefresh in the check-ins.
func (s *Server) putLocked(doc []byte, refresh bool) {
	s.raw = compact(doc)
	s.user = decodeProfile(s.raw)
	// A decoding of its own, which changes of s.entities cannot reach.
	for _, e := range decodeProfile(s.raw).Entities.Iterable {
		if e.Reference != nil {
			s.entities[e.ID] = *e.Reference
		}
	}
	if s.signedIn {
		s.pushProfileLocked()
		for sub := range s.subs {
			sub.needsRefresh = sub.needsRefresh || refresh
		}
	}
}

// signInLocked signs in the user whose profile is doc, with a new token.
func (s *Server) signInLocked(doc []byte) {
	s.signedIn = true
	s.putLocked(doc, false)
	s.token = "usertest-access-token." + s.user.ID + "." + newUUID()[:8]
}

// signOutLocked signs the user out, if any, and pushes the signed-out
// message. The profile stays, for the next sign-in.
func (s *Server) signOutLocked() {
	if s.signedIn {
		s.signedIn, s.token = false, ""
		s.pushProfileLocked()
	}
}

// notifySubsLocked wakes WaitStreams.
func (s *Server) notifySubsLocked() {
	close(s.subsChanged)
	s.subsChanged = make(chan struct{})
}
