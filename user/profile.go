package user

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/pieces-go/pieces-os-client-go/internal/lossless"
)

// Profile is a user profile as Pieces OS sent it, or as a caller built it.
//
// The embedded UserProfile holds the members this version of the package
// knows, so p.Email and p.Aesthetics.Theme work as on a UserProfile. A
// Profile read from Pieces OS also keeps the JSON it was read from (Raw),
// and writing it back (Update, UpdateVanityProfile, or json.Marshal) sends
// that JSON with the caller's changes merged on, so that the members and
// enum values of a newer Pieces OS survive a read-modify-write:
//
//   - a member the caller set or changed is sent as the UserProfile has it;
//   - a member the caller cleared is left out;
//   - a member this version does not know is sent as it was read.
//
// A member this version knows but that Pieces OS sent with another JSON
// type than the spec's (a number where a string is expected, say) cannot
// be held by the UserProfile: it is left at its zero value there, the rest
// of the profile is decoded, and the member is sent back exactly as it was
// read unless the caller sets the field. Compare the field with Raw to see
// that this happened.
//
// A Profile built by a caller, &Profile{UserProfile: u}, has no JSON of
// its own and encodes as u does. Copies of a Profile share its JSON, which
// is never modified.
type Profile struct {
	UserProfile
	raw     []byte      // the JSON read; nil for a profile the caller built
	decoded UserProfile // what was decoded from raw; see MarshalJSON
}

// Raw returns the JSON that Pieces OS sent for this profile, or nil for a
// profile the caller built. Treat it as read-only.
func (p *Profile) Raw() json.RawMessage {
	if p == nil {
		return nil
	}
	return p.raw
}

// MarshalJSON encodes the profile: its UserProfile merged onto the JSON it
// was read from, as the type's documentation says.
func (p Profile) MarshalJSON() ([]byte, error) {
	next, err := json.Marshal(&p.UserProfile)
	if err != nil || p.raw == nil {
		return next, err
	}
	// known is what this version makes of the JSON read, the members it
	// knows, so that Merge can tell a member cleared from one never known.
	// When it is the JSON read byte for byte, that JSON holds nothing else
	// and there is nothing to merge. decoded shares its slices and maps with
	// UserProfile, so a change made through them only makes known differ,
	// and known is then made again from the JSON read.
	known, err := json.Marshal(&p.decoded)
	if err != nil || bytes.Equal(known, p.raw) {
		return next, err
	}
	var fresh UserProfile
	if lossless.Decode(p.raw, &fresh) != nil {
		return next, nil
	}
	if known, err = json.Marshal(&fresh); err != nil {
		return nil, err
	}
	return lossless.Merge(p.raw, known, next)
}

// UnmarshalJSON decodes a profile as the calls of the Client do: members
// this version does not know are ignored by the UserProfile and members of
// another type are left at their zero value, while Raw keeps a copy of b.
// JSON null leaves p as it is.
func (p *Profile) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	return p.read(bytes.Clone(b))
}

// jsonSpace is the white space JSON allows around a value.
const jsonSpace = " \t\r\n"

// read decodes b, which p then owns.
func (p *Profile) read(b []byte) error {
	b = bytes.Trim(b, jsonSpace)
	if len(b) == 0 || b[0] != '{' {
		return errors.New("a profile must be a JSON object")
	}
	var u UserProfile
	if err := lossless.Decode(b, &u); err != nil {
		return err
	}
	p.UserProfile, p.raw, p.decoded = u, b, u
	return nil
}
