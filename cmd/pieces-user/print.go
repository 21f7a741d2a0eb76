package main

import (
	"bytes"
	"encoding/json"
	"errors"
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
// and otherwise the last answer the recorder kept, provided it is a 2xx
// JSON answer. Anything else (a token sent as text, a result the program
// built) is v encoded.
func (s *session) emit(v any, text func(w io.Writer)) error {
	if !s.json {
		tw := tabwriter.NewWriter(s.stdout, 0, 4, 2, ' ', 0)
		text(tw)
		return tw.Flush()
	}
	var raw []byte
	if p, ok := v.(*user.Profile); ok {
		raw = p.Raw()
	} else if r := s.rec; r != nil && r.status/100 == 2 {
		if mt, _, _ := mime.ParseMediaType(r.ctype); mt == "application/json" {
			raw = r.body.Bytes()
		}
	}
	if raw != nil {
		if err := writeJSON(s.stdout, raw); !errors.As(err, new(*json.SyntaxError)) {
			return err
		}
	}
	return encodeJSON(s.stdout, v, true)
}

// writeJSON writes the JSON text raw to w, indented by two spaces and
// followed by a newline. A string holding bytes that are not UTF-8 gets
// the escape \ufffd in place of each run of them, so that the output is
// valid JSON whatever Pieces OS sent. Nothing is written when raw is not
// JSON.
func writeJSON(w io.Writer, raw []byte) error {
	raw = bytes.TrimSpace(raw)
	if !utf8.Valid(raw) {
		raw = bytes.ToValidUTF8(raw, []byte(`\ufffd`))
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := buf.WriteTo(w)
	return err
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

// printProfile writes the summary of a profile, as writeProfile.
func printProfile(w io.Writer, p *user.Profile) { writeProfile(w, &p.UserProfile) }

// writeProviders writes the answer of providers: the user and the sign-in
// providers of the account.
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

// writeUsers writes the answer of sign-out: the users Pieces OS still
// knows.
func writeUsers(w io.Writer, users *user.Users) {
	fmt.Fprintln(w, "signed out")
	if len(users.Iterable) > 0 {
		list(w, "users Pieces OS still knows:", users.Iterable, func(u user.UserProfile) string { return describeUser(u.Name, u.Email, u.ID) })
	}
}

// list writes one line per item, the label before the first ("none" when
// there is none).
func list[T any](w io.Writer, label string, items []T, text func(T) string) {
	if len(items) == 0 {
		fmt.Fprintf(w, "%s\tnone\n", label)
	}
	for i, it := range items {
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(w, "%s\t%s\n", label, text(it))
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
	return "profile: " + describeUser(p.Name, p.Email, p.ID) + fmt.Sprintf(", vanity name %s", orNone(p.Vanityname))
}

// describeUser names a user: "Ada Lovelace <ada@example.com> (id u1)".
func describeUser(name, email, id string) string {
	s := orNone(name)
	if email != "" {
		s += " <" + email + ">"
	}
	return s + " (id " + orNone(id) + ")"
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
