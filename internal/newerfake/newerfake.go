// Package newerfake is a test server that plays a Pieces OS newer than the
// spec this module was built from: the profile it serves has members the
// spec does not define and an enum value the spec does not list. It stores
// the profile as raw JSON and keeps whatever a client posts byte for byte,
// so a test can check that a client sends back what it did not understand.
//
// It serves only what the forward-compatibility tests need: GET /user,
// POST /user/update and POST /user/update/vanity. Every other route
// answers 404.
package newerfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
)

// DefaultProfile is the profile a new Server holds. Beside members of the
// spec it has a top-level "timezone" and "preferences", unknown members
// inside "aesthetics", "aesthetics.theme" and "allocation" (and its
// "status" and "urls"), and the allocation status "HIBERNATING", which
// AllocationStatusEnum does not list.
const DefaultProfile = `{
  "id": "newer-user-1",
  "email": "ada@example.com",
  "name": "Ada Lovelace",
  "username": "ada",
  "vanityname": "ada",
  "timezone": "Europe/London",
  "preferences": {"weekStart": "monday", "labs": ["vision", "ocr"], "ratio": 1.50},
  "aesthetics": {
    "font": {"size": 12, "ligatures": true},
    "theme": {"dark": true, "accent": "#ff8800"},
    "density": "compact"
  },
  "allocation": {
    "id": "alloc-1",
    "project": "pieces-cloud",
    "region": "eu-west",
    "user": "newer-user-1",
    "status": {"cloud": "HIBERNATING", "since": "2026-11-30T08:00:00Z"},
    "urls": {
      "base": {"status": "RUNNING", "url": "https://newer-user-1.pieces.cloud"},
      "id": {"status": "RUNNING", "url": "https://alloc-1.pieces.cloud"},
      "vanity": {"status": "RUNNING", "url": "https://ada.pieces.cloud"},
      "mirror": {"status": "HIBERNATING", "url": "https://mirror.ada.pieces.cloud"}
    },
    "limits": {"storageBytes": 1073741824}
  }
}`

// Server is a running newer Pieces OS on a loopback address. Create one
// with Start and stop it with Close.
type Server struct {
	*httptest.Server

	mu      sync.Mutex
	profile []byte // the stored profile, as last posted; nil when nobody is signed in
	posts   int    // how many updates were stored
}

// Start runs a Server holding DefaultProfile.
func Start() *Server {
	s := &Server{profile: []byte(DefaultProfile)}
	s.Server = httptest.NewServer(s)
	return s
}

// Profile returns a copy of the stored profile JSON, or nil when nobody is
// signed in.
func (s *Server) Profile() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.profile)
}

// SetProfile replaces the stored profile; nil signs the user out.
func (s *Server) SetProfile(raw json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profile = bytes.Clone(raw)
}

// Updates returns how many updates the server stored.
func (s *Server) Updates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts
}

// ServeHTTP serves the three routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/user":
		s.mu.Lock()
		p := s.profile
		s.mu.Unlock()
		if p == nil {
			writeJSON(w, []byte(`{"build":"newer"}`))
			return
		}
		var buf bytes.Buffer
		fmt.Fprintf(&buf, `{"build":"newer","user":%s}`, p)
		writeJSON(w, buf.Bytes())
	case r.Method == http.MethodPost && (r.URL.Path == "/user/update" || r.URL.Path == "/user/update/vanity"):
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
			return
		}
		var members map[string]json.RawMessage
		if err := json.Unmarshal(body, &members); err != nil || members == nil {
			http.Error(w, "the body is not a JSON object", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		if s.profile == nil {
			s.mu.Unlock()
			http.Error(w, "no user is signed in", http.StatusNetworkAuthenticationRequired)
			return
		}
		s.profile = bytes.Clone(body)
		s.posts++
		s.mu.Unlock()
		writeJSON(w, body)
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
