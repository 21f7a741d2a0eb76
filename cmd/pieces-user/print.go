package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// emit prints the result of a command: with --json the JSON Pieces OS
// sent for v, indented, otherwise the summary text writes, aligned in
// columns at each tab.
//
// The JSON Pieces OS sent, with every member (those this version does not
// know included), is the profile's own (Profile.Raw) for a *user.Profile,
// and otherwise the answer of the call made with the context of recording,
// provided it is a 2xx JSON answer. Anything else (a token sent as text, a
// result the program built) is v encoded. The JSON is printed as it is
// read, without a second copy of it however large it is.
func (s *session) emit(v any, text func(w io.Writer)) error {
	if s.json {
		if raw := s.sentJSON(v); raw != nil {
			return writeIndented(s.stdout, raw)
		}
		enc := json.NewEncoder(s.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	tw := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
	text(tw)
	return tw.Flush()
}

// recording returns ctx with which a call keeps its answer in s.answer,
// for emit, when --json is given. A call whose result is a *user.Profile
// needs none (and reading the answer for it costs a copy of the body).
func (s *session) recording(ctx context.Context) context.Context {
	s.answer = user.RawResponse{}
	if !s.json {
		return ctx
	}
	return user.WithRawResponse(ctx, &s.answer)
}

// sentJSON returns the JSON Pieces OS sent for v, or nil when there is
// none: see emit.
func (s *session) sentJSON(v any) []byte {
	if p, ok := v.(*user.Profile); ok {
		if raw := p.Raw(); json.Valid(raw) {
			return raw
		}
		return nil
	}
	a := s.answer
	if a.StatusCode/100 != 2 || len(a.Body) == 0 {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(a.Header.Get("Content-Type")); mt != "application/json" || !json.Valid(a.Body) {
		return nil
	}
	return a.Body
}

// writeIndented writes the JSON text src to w, indented by two spaces as
// json.Indent would, followed by a newline. It streams: whatever the size
// of src, it holds no more than a small buffer besides. A string holding
// bytes that are not valid UTF-8 gets U+FFFD in their place (written as the
// escape \ufffd), so the output is always valid JSON, whatever Pieces OS
// sent. src must be valid JSON apart from that; writeIndented does not
// check it, so the caller passes only text that a JSON decoder accepted.
func writeIndented(w io.Writer, src []byte) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	depth := 0
	newline := func() {
		bw.WriteByte('\n')
		for range depth {
			bw.WriteString("  ")
		}
	}
	// open is set after '{' or '[': the newline before the next value is
	// written only once it is known not to be the closing bracket.
	open := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		if open {
			open = false
			if c != '}' && c != ']' {
				depth++
				newline()
			} else {
				bw.WriteByte(c)
				continue
			}
		}
		switch c {
		case '{', '[':
			bw.WriteByte(c)
			open = true
		case '}', ']':
			depth--
			newline()
			bw.WriteByte(c)
		case ',':
			bw.WriteByte(c)
			newline()
		case ':':
			bw.WriteString(": ")
		case '"':
			i = writeString(bw, src, i)
		default:
			bw.WriteByte(c)
		}
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

// writeString copies the JSON string that starts at src[start] to w,
// putting \ufffd in place of each byte that is not part of valid UTF-8,
// and returns the index of its closing quote.
func writeString(w *bufio.Writer, src []byte, start int) int {
	w.WriteByte('"')
	i := start + 1
	from := i // the first byte not yet written
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\\':
			i += 2 // an escape: its second byte is never a quote to stop at
		case c == '"':
			w.Write(src[from:i])
			w.WriteByte('"')
			return i
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size == 1 {
				w.Write(src[from:i])
				w.WriteString(`\ufffd`)
				from = i + 1
			}
			i += size
		}
	}
	w.Write(src[from:min(i, len(src))])
	return len(src) - 1
}

// emitNothing finishes a command that has no result: it says what happened,
// unless --json asks for results only, in which case it prints nothing.
func (s *session) emitNothing(msg string) error {
	if s.json {
		return nil
	}
	_, err := fmt.Fprintln(s.stdout, msg)
	return err
}

// orNone stands in for an empty value in a summary.
func orNone(v string) string {
	if v == "" {
		return "-"
	}
	return v
}

// writeProfile writes the summary of a profile: who the user is, the state
// and addresses of the personal cloud, and the number of entities.
func writeProfile(w io.Writer, p *user.UserProfile) {
	fmt.Fprintf(w, "name:\t%s\n", orNone(p.Name))
	fmt.Fprintf(w, "email:\t%s\n", orNone(p.Email))
	fmt.Fprintf(w, "username:\t%s\n", orNone(p.Username))
	fmt.Fprintf(w, "vanity name:\t%s\n", orNone(p.Vanityname))
	fmt.Fprintf(w, "id:\t%s\n", orNone(p.ID))
	a := p.Allocation
	if a.ID == "" {
		fmt.Fprintf(w, "cloud:\tnot connected\n")
	} else {
		fmt.Fprintf(w, "cloud:\t%s\n", orNone(string(a.Status.Cloud)))
		for _, u := range []struct {
			label string
			url   user.AllocationCloudURL
		}{{"base", a.URLs.Base}, {"id", a.URLs.ID}, {"vanity", a.URLs.Vanity}} {
			if u.url.URL != "" {
				fmt.Fprintf(w, "  %s URL:\t%s (%s)\n", u.label, u.url.URL, orNone(string(u.url.Status)))
			}
		}
	}
	fmt.Fprintf(w, "entities:\t%d\n", len(p.Entities.Iterable))
}

// writeProviders lists the sign-in providers of a profile.
func writeProviders(w io.Writer, p *user.UserProfile) {
	if len(p.Providers.Iterable) == 0 {
		fmt.Fprintf(w, "providers:\tnone\n")
		return
	}
	for i, pr := range p.Providers.Iterable {
		label := ""
		if i == 0 {
			label = "providers:"
		}
		fmt.Fprintf(w, "%s\t%s (user %s)\n", label, orNone(string(pr.Type)), orNone(pr.UserID))
	}
}

// writeFeature writes the answer of feature.
func writeFeature(w io.Writer, f user.HasFeatureAccessEnum, out *user.HasFeatureAccessOutput) {
	fmt.Fprintf(w, "feature:\t%s\n", f)
	fmt.Fprintf(w, "can use:\t%s\n", yesNo(out.CanUse))
	fmt.Fprintf(w, "enabled:\t%s\n", yesNo(out.Enabled))
	fmt.Fprintf(w, "enterprise user:\t%s\n", yesNo(out.IsEnterpriseUser))
	fmt.Fprintf(w, "reason:\t%s\n", orNone(out.Reason))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// writeBeta writes the answer of beta.
func writeBeta(w io.Writer, st *user.UserBetaStatus) {
	fmt.Fprintf(w, "user:\t%s\n", orNone(st.User))
	fmt.Fprintf(w, "auth0 vision beta:\t%s\n", describeRange(st.Auth0.Vision))
	fmt.Fprintf(w, "descope vision beta:\t%s\n", describeRange(st.Descope.Vision))
}

// describeRange renders a time range in words.
func describeRange(r user.AnonymousTemporalRange) string {
	var parts []string
	if !r.From.Value.IsZero() {
		parts = append(parts, "from "+r.From.Value.Format(time.RFC3339))
	}
	if !r.To.Value.IsZero() {
		parts = append(parts, "to "+r.To.Value.Format(time.RFC3339))
	}
	if r.Continuous != nil && *r.Continuous {
		parts = append(parts, "with no end")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// describeProfile is the one-line account of a profile event.
func describeProfile(p *user.Profile) string {
	if p == nil {
		return "profile: none"
	}
	s := "profile: " + orNone(p.Name)
	if p.Email != "" {
		s += " <" + p.Email + ">"
	}
	return s + fmt.Sprintf(" (id %s, vanity name %s)", orNone(p.ID), orNone(p.Vanityname))
}

// describeCheckIn is the one-line account of a check-in event.
func describeCheckIn(c *user.UserLastCheckedInStreamOutput) string {
	if c == nil {
		return "check-in: none"
	}
	s := "check-in: "
	if c.UserID == "" {
		s += "no user"
	} else {
		s += "user " + c.UserID
	}
	if !c.LastCheckedIn.Value.IsZero() {
		s += ", last checked in " + c.LastCheckedIn.Value.Format(time.RFC3339)
	}
	s += ", needs refresh: " + yesNo(c.NeedsRefresh)
	if c.UpdateRequired != nil && *c.UpdateRequired {
		s += ", Pieces OS update required"
	}
	return s
}
