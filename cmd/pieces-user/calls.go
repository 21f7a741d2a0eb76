package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// call makes one call to Pieces OS with a fresh client and the per-call
// timeout. Unless its result is a *user.Profile, which keeps its own JSON,
// the call records its answer for --json.
func call[T any](s *session, f func(c *user.Client, ctx context.Context) (T, error)) (T, error) {
	var zero T
	c, err := s.client()
	if err != nil {
		return zero, err
	}
	ctx, cancel := s.callCtx()
	defer cancel()
	if _, isProfile := any(zero).(*user.Profile); !isProfile {
		ctx = s.recording(ctx)
	}
	return f(c, ctx)
}

// fileFlag declares the --file flag of a command that sends a body.
func fileFlag(fs *flag.FlagSet, what string) *string {
	return fs.String("file", "", "read the "+what+" from the JSON document in `FILE` ('-' for standard input); unknown members are an error")
}

func setupSnapshot(fs *flag.FlagSet) action {
	return func(s *session, _ []string) error {
		p, err := call(s, (*user.Client).Snapshot)
		if err != nil {
			return err
		}
		return s.emit(p, func(w io.Writer) { writeProfile(w, &p.UserProfile) })
	}
}

func setupRefresh(fs *flag.FlagSet) action {
	return func(s *session, _ []string) error {
		p, err := call(s, (*user.Client).Refresh)
		if err != nil {
			return err
		}
		return s.emit(p, func(w io.Writer) { writeProfile(w, &p.UserProfile) })
	}
}

func setupSelect(fs *flag.FlagSet) action {
	email := fs.String("email", "", "email `ADDRESS` of the user")
	name := fs.String("name", "", "display `NAME` of the user")
	userID := fs.String("user-id", "", "Auth0 user `ID`, such as github|123")
	username := fs.String("username", "", "user `NAME`")
	file := fileFlag(fs, "Auth0 user to sign in (flags override it)")
	return func(s *session, _ []string) error {
		set := flagsSet(fs)
		var body *user.Auth0User
		if set["file"] {
			body = new(user.Auth0User)
			if err := s.readDocument("select", *file, "Auth0User", body); err != nil {
				return err
			}
		}
		if set["email"] || set["name"] || set["user-id"] || set["username"] {
			if body == nil {
				body = new(user.Auth0User)
			}
			if set["email"] {
				body.Email = *email
			}
			if set["name"] {
				body.Name = *name
			}
			if set["user-id"] {
				body.UserID = *userID
			}
			if set["username"] {
				body.Username = *username
			}
		}
		p, err := call(s, func(c *user.Client, ctx context.Context) (*user.Profile, error) {
			return c.Select(ctx, body)
		})
		if err != nil {
			return err
		}
		return s.emit(p, func(w io.Writer) { writeProfile(w, &p.UserProfile) })
	}
}

func setupUpdate(fs *flag.FlagSet) action {
	name := fs.String("name", "", "new display `NAME`")
	email := fs.String("email", "", "new email `ADDRESS`")
	username := fs.String("username", "", "new user `NAME`")
	picture := fs.String("picture", "", "new address of the profile picture, a `URL`")
	file := fs.String("file", "", strings.Join([]string{
		"read the whole profile to send from the JSON document in `FILE` ('-' for",
		"standard input), such as the output of 'snapshot --json'; flags override it.",
		"Members this version does not know are kept and sent, except one whose name",
		"is close to that of a known member at the same place, which is refused as a",
		"typo: the same name in another case or with '_' or '-', or one edit away (a",
		"letter added, removed, changed, or two neighbours swapped) for names of 3 or",
		"4 letters, two edits for longer names (see --allow-near-names)",
	}, "\n      "))
	allowNear := fs.Bool("allow-near-names", false, "with --file, send unknown members whose names are close to known ones too, for a\n      newer Pieces OS whose new member has such a name")
	return func(s *session, _ []string) error {
		set := flagsSet(fs)
		if set["allow-near-names"] && !set["file"] {
			return usagef("update: --allow-near-names needs --file")
		}
		apply := func(p *user.Profile) {
			if set["name"] {
				p.Name = *name
			}
			if set["email"] {
				p.Email = *email
			}
			if set["username"] {
				p.Username = *username
			}
			if set["picture"] {
				p.Picture = *picture
			}
		}
		if len(set) == 0 || len(set) == 1 && set["allow-near-names"] {
			return usagef("update: nothing to change; give --name, --email, --username, --picture or --file")
		}
		var doc *user.Profile
		if set["file"] {
			// A *user.Profile keeps the members it does not know and sends
			// them back: --file takes what snapshot --json printed.
			doc = new(user.Profile)
			known := reflect.TypeFor[user.UserProfile]()
			if *allowNear {
				known = nil
			}
			if err := s.readKeepingDocument("update", *file, "UserProfile", known, doc); err != nil {
				return err
			}
		}
		c, err := s.client()
		if err != nil {
			return err
		}
		if doc == nil {
			// Change only what the flags name: start from the stored profile.
			ctx, cancel := s.callCtx()
			doc, err = c.Snapshot(ctx)
			cancel()
			if err != nil {
				return err
			}
		}
		apply(doc)
		ctx, cancel := s.callCtx()
		defer cancel()
		p, err := c.Update(ctx, doc)
		if err != nil {
			return err
		}
		return s.emit(p, func(w io.Writer) { writeProfile(w, &p.UserProfile) })
	}
}

func setupVanity(fs *flag.FlagSet) action {
	return func(s *session, args []string) error {
		name := args[0]
		if strings.TrimSpace(name) == "" {
			return usagef("vanity: the name is empty")
		}
		p, err := call(s, func(c *user.Client, ctx context.Context) (*user.Profile, error) {
			return c.UpdateVanity(ctx, name)
		})
		if err != nil {
			return err
		}
		return s.emit(p, func(w io.Writer) { writeProfile(w, &p.UserProfile) })
	}
}

func setupToken(fs *flag.FlagSet) action {
	return func(s *session, _ []string) error {
		tok, err := call(s, (*user.Client).AccessToken)
		if err != nil {
			return err
		}
		return s.emit(tok, func(w io.Writer) { fmt.Fprintln(w, tok) })
	}
}

// checkIDs rejects the empty user and entity ids of associate and
// disassociate before anything is sent.
func checkIDs(cmd string, args []string) error {
	for i, what := range []string{"USER", "ENTITY"} {
		if strings.TrimSpace(args[i]) == "" {
			return usagef("%s: the %s id is empty", cmd, what)
		}
	}
	return nil
}

func setupAssociate(fs *flag.FlagSet) action {
	return func(s *session, args []string) error {
		if err := checkIDs("associate", args); err != nil {
			return err
		}
		_, err := call(s, func(c *user.Client, ctx context.Context) (struct{}, error) {
			return struct{}{}, c.AssociateEntity(ctx, args[0], args[1])
		})
		if err != nil {
			return err
		}
		return s.emitNothing(fmt.Sprintf("user %s is now a member of entity %s", args[0], args[1]))
	}
}

func setupDisassociate(fs *flag.FlagSet) action {
	return func(s *session, args []string) error {
		if err := checkIDs("disassociate", args); err != nil {
			return err
		}
		_, err := call(s, func(c *user.Client, ctx context.Context) (struct{}, error) {
			return struct{}{}, c.DisassociateEntity(ctx, args[0], args[1])
		})
		if err != nil {
			return err
		}
		return s.emitNothing(fmt.Sprintf("user %s is no longer a member of entity %s", args[0], args[1]))
	}
}

func setupBeta(fs *flag.FlagSet) action {
	userID := fs.String("user", "", "`ID` of the user (default: the signed-in user)")
	from := fs.String("vision-from", "", "start of the vision beta: 'now' (from now on) or an RFC 3339 `TIME`")
	to := fs.String("vision-to", "", "end of the vision beta, an RFC 3339 `TIME`")
	descope := fs.Bool("descope", false, "change the Descope metadata instead of the Auth0 one")
	file := fileFlag(fs, "beta status (a UserBetaStatus; flags override it)")
	return func(s *session, _ []string) error {
		set := flagsSet(fs)
		var st user.UserBetaStatus
		if set["file"] {
			if err := s.readDocument("beta", *file, "UserBetaStatus", &st); err != nil {
				return err
			}
		}
		if set["user"] {
			if strings.TrimSpace(*userID) == "" {
				return usagef("beta: --user is empty")
			}
			st.User = *userID
		}
		if set["vision-from"] || set["vision-to"] {
			r, err := visionRange(*from, *to, time.Now())
			if err != nil {
				return err
			}
			if *descope {
				st.Descope.Vision = r
			} else {
				st.Auth0.Vision = r
			}
		} else if *descope {
			return usagef("beta: --descope needs --vision-from or --vision-to")
		}

		c, err := s.client()
		if err != nil {
			return err
		}
		if st.User == "" {
			ctx, cancel := s.callCtx()
			p, err := c.Snapshot(ctx)
			cancel()
			if err != nil {
				return fmt.Errorf("beta: finding the signed-in user (give --user to skip this): %w", err)
			}
			st.User = p.ID
		}
		ctx, cancel := s.callCtx()
		defer cancel()
		out, err := c.SetBetaStatus(s.recording(ctx), &st)
		if err != nil {
			return err
		}
		return s.emit(out, func(w io.Writer) { writeBeta(w, out) })
	}
}

// visionRange builds the range of the vision beta from the --vision-from
// and --vision-to flags; from "now" without an end is the open range "from
// now on".
func visionRange(from, to string, now time.Time) (user.AnonymousTemporalRange, error) {
	var r user.AnonymousTemporalRange
	var fromT, toT time.Time
	if from != "" {
		if strings.EqualFold(from, "now") {
			fromT = now.UTC().Truncate(time.Second)
			if to == "" {
				r.Continuous = ptr(true)
			}
		} else {
			t, err := time.Parse(time.RFC3339, from)
			if err != nil {
				return r, usagef("beta: --vision-from %q is neither 'now' nor an RFC 3339 time such as 2025-01-02T15:04:05Z", from)
			}
			fromT = t
		}
		r.From = user.GroupedTimestamp{Value: fromT}
	}
	if to != "" {
		t, err := time.Parse(time.RFC3339, to)
		if err != nil {
			return r, usagef("beta: --vision-to %q is not an RFC 3339 time such as 2025-01-02T15:04:05Z", to)
		}
		toT = t
		r.To = user.GroupedTimestamp{Value: toT}
	}
	if !fromT.IsZero() && !toT.IsZero() {
		if toT.Before(fromT) {
			return r, usagef("beta: --vision-to %s is before --vision-from %s", toT.Format(time.RFC3339), fromT.Format(time.RFC3339))
		}
		r.Between = ptr(true)
	}
	return r, nil
}

func ptr[T any](v T) *T { return &v }

func setupCheckout(fs *flag.FlagSet) action {
	file := fileFlag(fs, "checkout input (a UserCheckoutInput)")
	return func(s *session, _ []string) error {
		var in *user.UserCheckoutInput
		if flagsSet(fs)["file"] {
			in = new(user.UserCheckoutInput)
			if err := s.readDocument("checkout", *file, "UserCheckoutInput", in); err != nil {
				return err
			}
		}
		out, err := call(s, func(c *user.Client, ctx context.Context) (*user.UserCheckoutOutput, error) {
			return c.Checkout(ctx, in)
		})
		if err != nil {
			return err
		}
		return s.emit(out, func(w io.Writer) { fmt.Fprintf(w, "checkout started for user %s\n", out.User.ID) })
	}
}

func setupSubscriptions(fs *flag.FlagSet) action {
	file := fileFlag(fs, "input (a UserManageSubscriptionsInput)")
	return func(s *session, _ []string) error {
		var in *user.UserManageSubscriptionsInput
		if flagsSet(fs)["file"] {
			in = new(user.UserManageSubscriptionsInput)
			if err := s.readDocument("subscriptions", *file, "UserManageSubscriptionsInput", in); err != nil {
				return err
			}
		}
		out, err := call(s, func(c *user.Client, ctx context.Context) (*user.UserManageSubscriptionsOutput, error) {
			return c.ManageSubscriptions(ctx, in)
		})
		if err != nil {
			return err
		}
		return s.emit(out, func(w io.Writer) { fmt.Fprintf(w, "subscription management opened for user %s\n", out.User.ID) })
	}
}

func setupFeature(fs *flag.FlagSet) action {
	model := fs.String("model", "", "unique `NAME` of a cloud model, for ALLOWED_CLOUD_MODELS")
	source := fs.String("source", "", "application `NAME`, for DENIED_WORKSTREAM_PATTERN_ENGINE_SOURCES")
	bundle := fs.String("bundle-id", "", "bundle `ID` of the --source application")
	website := fs.String("website", "", "`URL` of a website, for DENIED_WORKSTREAM_PATTERN_ENGINE_WEBSITES")
	var modes []string
	for _, m := range specProcessingModes() {
		modes = append(modes, string(m))
	}
	processing := fs.String("processing", "", "processing `MODE` ("+strings.Join(modes, ", ")+"), for EXTERNAL_PROVIDER_PROCESSING")
	file := fileFlag(fs, "context (a HasFeatureAccessContext; flags override it)")
	return func(s *session, args []string) error {
		feature, err := parseFeature(args[0])
		if err != nil {
			return err
		}
		set := flagsSet(fs)
		var fc *user.HasFeatureAccessContext
		ensure := func() *user.HasFeatureAccessContext {
			if fc == nil {
				fc = new(user.HasFeatureAccessContext)
			}
			return fc
		}
		if set["file"] {
			if err := s.readDocument("feature", *file, "HasFeatureAccessContext", ensure()); err != nil {
				return err
			}
		}
		if set["model"] {
			ensure().AllowedCloudModels.ModelUniqueName = *model
		}
		if set["source"] {
			ensure().DeniedWorkstreamPatternEngineSource.Application = *source
		}
		if set["bundle-id"] {
			if !set["source"] && ensure().DeniedWorkstreamPatternEngineSource.Application == "" {
				return usagef("feature: --bundle-id needs --source")
			}
			ensure().DeniedWorkstreamPatternEngineSource.BundleIdentifier = *bundle
		}
		if set["website"] {
			ensure().DeniedWorkstreamPatternEngineWebsite.Website = *website
		}
		if set["processing"] {
			p, err := parseProcessing(*processing)
			if err != nil {
				return err
			}
			ensure().Processing.Processing = p
		}
		out, err := call(s, func(c *user.Client, ctx context.Context) (*user.HasFeatureAccessOutput, error) {
			return c.HasFeatureAccess(ctx, feature, fc)
		})
		if err != nil {
			return err
		}
		return s.emit(out, func(w io.Writer) { writeFeature(w, feature, out) })
	}
}

func setupPaddleRefresh(fs *flag.FlagSet) action {
	return func(s *session, _ []string) error {
		out, err := call(s, (*user.Client).PaddleRefresh)
		if err != nil {
			return err
		}
		return s.emit(out, func(w io.Writer) { writeProfile(w, &out.User) })
	}
}

func setupProviders(fs *flag.FlagSet) action {
	return func(s *session, _ []string) error {
		out, err := call(s, (*user.Client).Providers)
		if err != nil {
			return err
		}
		return s.emit(out, func(w io.Writer) {
			if out.User == nil || out.User.ID == "" {
				fmt.Fprintln(w, "no user is signed in")
				return
			}
			writeProfile(w, out.User)
			writeProviders(w, out.User)
		})
	}
}

func setupClear(fs *flag.FlagSet) action {
	return func(s *session, _ []string) error {
		_, err := call(s, func(c *user.Client, ctx context.Context) (struct{}, error) {
			return struct{}{}, c.Clear(ctx)
		})
		if err != nil {
			return err
		}
		return s.emitNothing("signed out")
	}
}
