package user

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Profile is a user profile as Pieces OS sent it, or as a caller built it.
//
// The embedded UserProfile holds the members this version of the package
// knows, so p.Email and p.Name work as on a UserProfile. A Profile read from
// Pieces OS also keeps the JSON it was read from (see Raw), and MarshalJSON
// sends back every member of that JSON this version does not know. That is
// how Update and UpdateVanityProfile, given a profile that Snapshot
// returned and the caller changed, leave the members and enum values of a
// newer Pieces OS as they were. A Profile built by a caller,
// &Profile{UserProfile: u}, has no such JSON and encodes as u does.
//
// A Profile is a value: copies share the JSON they were read from, which is
// never modified.
type Profile struct {
	UserProfile

	// src holds the JSON the profile was read from: the whole of src, or,
	// when member is set, that member of the object src holds. The member
	// is only picked out when it is needed (Raw, MarshalJSON), so that
	// reading a profile decodes the answer once.
	src    []byte
	member string
	schema EmbeddedModelSchema // the schema beside member, when member is set
	// read is a shallow copy of UserProfile as it was decoded from src:
	// when src is exactly what this version encodes read as, src holds
	// nothing this version does not know, and MarshalJSON has nothing to
	// merge. Its slices and maps may have been changed since through
	// UserProfile, which only makes that test fail.
	read UserProfile
}

// Raw returns the JSON that Pieces OS sent for this profile, or nil when
// the profile was built by the caller. The result shares memory with the
// profile, which reads it again when it is written back: treat it as read
// only (bytes.Clone it to keep a copy that may change).
func (p *Profile) Raw() json.RawMessage {
	if p == nil {
		return nil
	}
	raw, _ := p.raw()
	return raw
}

// raw picks the profile's JSON out of src without copying it.
func (p *Profile) raw() (json.RawMessage, error) {
	if len(p.src) == 0 {
		return nil, nil
	}
	if p.member == "" {
		return p.src, nil
	}
	// Snapshot's profile is the member "user"; encoding/json finds it as
	// gen did, a name in another case included.
	var wrapper struct {
		User within `json:"user"`
	}
	if err := json.Unmarshal(p.src, &wrapper); err != nil {
		return nil, err
	}
	u := []byte(wrapper.User)
	if len(u) == 0 || string(u) == "null" {
		return nil, nil
	}
	// json.Unmarshal hands UnmarshalJSON a part of its input, which is
	// kept; should it ever hand a buffer of its own, that is copied.
	if i := cap(p.src) - cap(u); i >= 0 && i < len(p.src) && &p.src[i] == &u[0] {
		return u, nil
	}
	return bytes.Clone(u), nil
}

// within is a JSON value as it stands in the document being decoded.
type within []byte

// UnmarshalJSON keeps b itself rather than a copy: the document it is
// part of is never modified.
func (w *within) UnmarshalJSON(b []byte) error {
	*w = b
	return nil
}

// MarshalJSON encodes the profile. A profile built by the caller encodes as
// its UserProfile. A profile read from Pieces OS is the JSON it was read
// from with the caller's changes merged on, member by member, recursively
// through objects:
//
//   - a member the UserProfile sets is taken from it (an object is merged
//     with the object read, by the same rule; an array of the same length as
//     the one read is merged element by element, any other array replaces
//     the one read);
//   - a member the JSON read held, that this version knows, and that the
//     UserProfile no longer sets was cleared by the caller and is left out;
//   - a member this version does not know is sent as it was read.
//
// An enum value this version does not list is kept in the UserProfile's
// string field and so is sent as read as long as the caller leaves it.
func (p Profile) MarshalJSON() ([]byte, error) {
	next, err := json.Marshal(&p.UserProfile)
	if err != nil {
		return nil, err
	}
	if len(p.src) == 0 || p.canonical() {
		// Built by the caller, or read from JSON that holds nothing this
		// version does not know: there is nothing to keep.
		return next, nil
	}
	raw, err := p.raw()
	if err != nil || raw == nil {
		// A profile whose JSON cannot be read again is sent as the caller
		// sees it: that is all that was decoded from it.
		return next, nil
	}
	// known is what this version makes of raw: the members it knows.
	var decoded UserProfile
	if err := json.Unmarshal(raw, &decoded); err != nil {
		return next, nil
	}
	known, err := json.Marshal(&decoded)
	if err != nil {
		return nil, err
	}
	return mergeJSON(raw, known, next)
}

// canonical reports whether src is exactly what this version encodes for
// the profile it decoded from src. Its slices and maps may have been
// changed since through UserProfile, which only makes the test fail. The
// encoding is compared with src as it is written, never kept.
func (p *Profile) canonical() bool {
	var v any = &p.read
	if p.member != "" {
		v = ReturnedUserProfile{Schema: p.schema, User: &p.read}
	}
	w := sameAs{want: p.src, equal: true}
	return json.NewEncoder(&w).Encode(v) == nil && w.equal && w.off == len(p.src)
}

// sameAs is a writer that checks that what is written to it is want,
// followed by at most the newline json.Encoder ends a value with.
type sameAs struct {
	want  []byte
	off   int
	equal bool
}

func (w *sameAs) Write(b []byte) (int, error) {
	rest := w.want[w.off:]
	n := min(len(b), len(rest))
	if !bytes.Equal(b[:n], rest[:n]) || (len(b) > n && string(b[n:]) != "\n") {
		w.equal = false
	}
	w.off += n
	return len(b), nil
}

// UnmarshalJSON decodes a profile tolerantly (members this version does not
// know are ignored by the UserProfile, absent members are left zero) and
// keeps a copy of b, so that MarshalJSON and Raw give back what b held.
func (p *Profile) UnmarshalJSON(b []byte) error {
	var u UserProfile
	if err := json.Unmarshal(b, &u); err != nil {
		return err
	}
	p.UserProfile, p.read = u, u
	p.member = ""
	if t := bytes.TrimSpace(b); string(t) == "null" {
		p.src = nil
	} else {
		p.src = bytes.Clone(t)
	}
	return nil
}

// mergeJSON merges next (the caller's value) onto raw (the JSON read), with
// known (raw as this version understands it) telling a member the caller
// cleared from one this version never knew. See Profile.MarshalJSON.
func mergeJSON(raw, known, next json.RawMessage) (json.RawMessage, error) {
	switch kindOf(next) {
	case '{':
		if kindOf(raw) != '{' {
			return next, nil
		}
		var r, k, n map[string]json.RawMessage
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("merging a profile: %w", err)
		}
		if kindOf(known) == '{' {
			if err := json.Unmarshal(known, &k); err != nil {
				return nil, fmt.Errorf("merging a profile: %w", err)
			}
		}
		if err := json.Unmarshal(next, &n); err != nil {
			return nil, fmt.Errorf("merging a profile: %w", err)
		}
		out := make(map[string]json.RawMessage, len(r)+len(n))
		for name, rv := range r {
			if _, cleared := k[name]; !cleared {
				out[name] = rv // unknown to this version: kept as read
			}
		}
		for name, nv := range n {
			rv, ok := r[name]
			switch {
			case !ok:
				out[name] = nv
				continue
			case bytes.Equal(k[name], nv):
				// The caller left the member as it was read: send it as
				// read, with whatever this version does not know in it.
				out[name] = rv
				continue
			}
			m, err := mergeJSON(rv, k[name], nv)
			if err != nil {
				return nil, err
			}
			out[name] = m
		}
		return encodeRaw(out)
	case '[':
		if kindOf(raw) != '[' {
			return next, nil
		}
		var r, k, n []json.RawMessage
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("merging a profile: %w", err)
		}
		if err := json.Unmarshal(next, &n); err != nil {
			return nil, fmt.Errorf("merging a profile: %w", err)
		}
		if len(r) != len(n) {
			return next, nil
		}
		if kindOf(known) == '[' {
			if err := json.Unmarshal(known, &k); err != nil {
				return nil, fmt.Errorf("merging a profile: %w", err)
			}
		}
		if len(k) != len(r) {
			k = make([]json.RawMessage, len(r))
		}
		out := make([]json.RawMessage, len(n))
		for i := range n {
			if bytes.Equal(k[i], n[i]) {
				out[i] = r[i]
				continue
			}
			m, err := mergeJSON(r[i], k[i], n[i])
			if err != nil {
				return nil, err
			}
			out[i] = m
		}
		return encodeRaw(out)
	}
	return next, nil
}

// kindOf returns the first byte of the JSON value v: '{', '[', or another.
func kindOf(v json.RawMessage) byte {
	v = bytes.TrimLeft(v, " \t\r\n")
	if len(v) == 0 {
		return 0
	}
	return v[0]
}

// encodeRaw encodes v without escaping <, > and &, so that the members kept
// from the JSON read are sent as close to the bytes read as JSON allows.
func encodeRaw(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// RawResponse receives the answer of a call made with a context from
// WithRawResponse: the status, the headers and the body exactly as Pieces
// OS sent them (up to the size limit).
type RawResponse struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// rawResponseKey is the context key of WithRawResponse.
type rawResponseKey struct{}

// WithRawResponse returns a context that makes a call of the Client fill
// *r with the answer Pieces OS sent, whether the call then succeeds or
// fails: a caller can see the JSON of any operation, including members
// this version does not know. When a call sends several requests (a GET
// that is retried, UpdateVanity's read and then its update) r holds the
// last answer; when no answer arrived, r is left as it was. r must not be
// read while the call runs.
//
// Body is the whole body as the call read it (sharing memory with what the
// call returns: treat it as read only), with three exceptions: an error
// answer's body is read up to 64 KiB, a body over the size limit of
// WithMaxResponseBytes is left out (nil), and of a 2xx body that could not
// be decoded as JSON the first 64 KiB are kept.
func WithRawResponse(ctx context.Context, r *RawResponse) context.Context {
	return context.WithValue(ctx, rawResponseKey{}, r)
}

// rawResponseFrom returns the *RawResponse of WithRawResponse, or nil.
func rawResponseFrom(ctx context.Context) *RawResponse {
	r, _ := ctx.Value(rawResponseKey{}).(*RawResponse)
	return r
}
