package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// emit prints the result v of a command: the summary text writes, aligned
// at each tab, or with --json the JSON Pieces OS sent, every member
// included: Profile.Raw for a profile, else the last 2xx JSON answer the
// recorder kept, else (a token sent as text...) v encoded.
func (s *session) emit(v any, text func(w io.Writer)) error {
	if !s.json {
		tw := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		text(tw)
		return tw.Flush()
	}
	var raw []byte
	if p, ok := v.(*user.Profile); ok {
		raw = p.Raw()
	} else if r := s.rec; r != nil && r.status/100 == 2 && strings.HasPrefix(r.ctype, "application/json") {
		raw = r.body.Bytes()
	}
	if err := writeJSON(s.stdout, raw); !errors.As(err, new(*json.SyntaxError)) {
		return err // written, or failed to write
	}
	return encodeJSON(s.stdout, v, true)
}

// writeJSON writes the JSON text raw to w, indented as json.Indent does,
// and a newline, through a small buffer whatever the size of raw:
// json.Indent holds the whole output in memory, which on Go 1.27 made
// --json snapshot of a 16 MiB answer allocate 11.8 times it. Each run of
// bytes that are not UTF-8 becomes \ufffd, so that the output is valid
// JSON whatever Pieces OS sent. It writes nothing if raw is not JSON.
func writeJSON(w io.Writer, raw []byte) error {
	if !utf8.Valid(raw) {
		raw = bytes.ToValidUTF8(raw, []byte(`\ufffd`))
	}
	if !json.Valid(raw) {
		return &json.SyntaxError{}
	}
	bw := bufio.NewWriter(w)
	depth, open := 0, false // open: the last byte was '{' or '['
	newline := func(step int) {
		depth += step
		bw.WriteByte('\n')
		for range depth {
			bw.WriteString("  ")
		}
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if closing := c == '}' || c == ']'; open && !closing {
			newline(+1)
		} else if !open && closing {
			newline(-1)
		}
		open = c == '{' || c == '['
		switch c {
		case ',':
			bw.WriteByte(c)
			newline(0)
		case ':':
			bw.WriteString(": ")
		case '"':
			j := i + 1
			for ; raw[j] != '"'; j++ {
				if raw[j] == '\\' {
					j++
				}
			}
			bw.Write(raw[i : j+1])
			i = j
		default:
			bw.WriteByte(c)
		}
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

// encodeJSON writes v to w as JSON and a newline, indented or on one line.
func encodeJSON(w io.Writer, v any, indent bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}

// when returns s when cond holds, and "" otherwise.
func when(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

// orNone stands in for an empty value in a summary; yesNo for a bool.
func orNone(v string) string { return cmp.Or(v, "-") }

func yesNo(b bool) string { return cmp.Or(when(b, "yes"), "no") }

// lines writes label and value pairs, one per line, aligned by emit.
func lines(w io.Writer, pairs ...string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		fmt.Fprintf(w, "%s\t%s\n", pairs[i], pairs[i+1])
	}
}

// writeProfile writes the summary of a profile: who the user is, the state
// and addresses of the personal cloud, and the number of entities.
func writeProfile(w io.Writer, p *user.UserProfile) {
	a := p.Allocation
	lines(w, "name:", orNone(p.Name), "email:", orNone(p.Email), "username:", orNone(p.Username), "vanity name:", orNone(p.Vanityname),
		"id:", orNone(p.ID), "cloud:", cmp.Or(when(a.ID == "", "not connected"), orNone(string(a.Status.Cloud))))
	for i, u := range []user.AllocationCloudURL{a.URLs.Base, a.URLs.ID, a.URLs.Vanity} {
		if a.ID != "" && u.URL != "" {
			lines(w, "  "+[]string{"base", "id", "vanity"}[i]+" URL:", u.URL+" ("+orNone(string(u.Status))+")")
		}
	}
	lines(w, "entities:", strconv.Itoa(len(p.Entities.Iterable)))
}

func printProfile(w io.Writer, p *user.Profile) { writeProfile(w, &p.UserProfile) }

// writeProviders writes the user and the sign-in providers of the account.
func writeProviders(w io.Writer, out *user.ReturnedUserProfile) {
	if out.User == nil || out.User.ID == "" {
		fmt.Fprintln(w, "no user is signed in")
		return
	}
	writeProfile(w, out.User)
	list(w, "providers:", out.User.Providers.Iterable, func(pr user.ExternalProvider) string {
		return fmt.Sprintf("%s (user %s)", orNone(string(pr.Type)), orNone(pr.UserID))
	})
}

// writeUsers writes the answer of sign-out: the users Pieces OS knows.
func writeUsers(w io.Writer, users *user.Users) {
	fmt.Fprintln(w, "signed out")
	if len(users.Iterable) > 0 {
		list(w, "users Pieces OS still knows:", users.Iterable, func(u user.UserProfile) string { return describeUser(u.Name, u.Email, u.ID) })
	}
}

// list writes one line per item, label before the first, or "none".
func list[T any](w io.Writer, label string, items []T, text func(T) string) {
	if len(items) == 0 {
		lines(w, label, "none")
	}
	for i, it := range items {
		lines(w, when(i == 0, label), text(it))
	}
}

func writeFeature(w io.Writer, f user.HasFeatureAccessEnum, out *user.HasFeatureAccessOutput) {
	lines(w, "feature:", string(f), "can use:", yesNo(out.CanUse), "enabled:", yesNo(out.Enabled),
		"enterprise user:", yesNo(out.IsEnterpriseUser), "reason:", orNone(out.Reason))
}

func writeBeta(w io.Writer, st *user.UserBetaStatus) {
	lines(w, "user:", orNone(st.User), "auth0 vision beta:", describeRange(st.Auth0.Vision), "descope vision beta:", describeRange(st.Descope.Vision))
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
	return cmp.Or(strings.Join(parts, " "), "none")
}

// describeProfile is the one-line account of a profile event.
func describeProfile(p *user.Profile) string {
	return "profile: " + describeUser(p.Name, p.Email, p.ID) + ", vanity name " + orNone(p.Vanityname)
}

// describeUser names a user: "Ada Lovelace <ada@example.com> (id u1)".
func describeUser(name, email, id string) string {
	return orNone(name) + when(email != "", " <"+email+">") + " (id " + orNone(id) + ")"
}

// describeCheckIn is the one-line account of a check-in event.
func describeCheckIn(c *user.UserLastCheckedInStreamOutput) string {
	s := "check-in: " + cmp.Or(when(c.UserID != "", "user "+c.UserID), "no user")
	if !c.LastCheckedIn.Value.IsZero() {
		s += ", last checked in " + c.LastCheckedIn.Value.Format(time.RFC3339)
	}
	return s + ", needs refresh: " + yesNo(c.NeedsRefresh) + when(c.UpdateRequired != nil && *c.UpdateRequired, ", Pieces OS update required")
}
