package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// fileFlag declares the --file flag of a command that sends a body.
func fileFlag(fs *flag.FlagSet, what string) {
	fs.String("file", "", "read "+what+" from the JSON document in `FILE` ('-' for standard input); unknown members are an error")
}

// showing is the setup of a command without flags or arguments: it makes
// one call and prints the answer with text, or as JSON.
func showing[T any](f func(*user.Client, context.Context) (T, error), text func(io.Writer, T)) func(*flag.FlagSet) action {
	return func(*flag.FlagSet) action {
		return func(s *session, _ []string) error { return show(s, f, text) }
	}
}

// show makes one call and prints the answer with text, or as JSON.
func show[T any](s *session, f func(*user.Client, context.Context) (T, error), text func(io.Writer, T)) error {
	v, err := call(s, f)
	if err != nil {
		return err
	}
	return s.emit(v, func(w io.Writer) { text(w, v) })
}

// document reads the --file of a command into a new T (see readDocument);
// nil when --file was not given.
func document[T any](s *session, fs *flag.FlagSet) (*T, error) {
	if !flagsSet(fs)["file"] {
		return nil, nil
	}
	v := new(T)
	return v, s.readDocument(fs.Name(), fs.Lookup("file").Value.String(), v)
}

// defaultSignInWait bounds sign-in unless --wait says otherwise: the
// person needs time to finish in the browser.
const defaultSignInWait = 5 * time.Minute

func setupSignIn(fs *flag.FlagSet) action {
	wait := fs.Duration("wait", defaultSignInWait, "wait at most `DUR` for the person to finish signing in; 0 waits until interrupted")
	return func(s *session, _ []string) error {
		if *wait < 0 {
			return usagef("sign-in: --wait %v is negative: give a duration such as 10m, or 0 for no limit", *wait)
		}
		limit := "until you press Ctrl-C"
		if *wait > 0 {
			limit = fmt.Sprintf("up to %v; Ctrl-C stops waiting", *wait)
		}
		s.timeout = *wait // not --timeout: a person needs minutes
		return show(s, func(c *user.Client, ctx context.Context) (*user.Profile, error) {
			fmt.Fprintf(s.stderr, "Pieces OS at %s is opening its sign-in page in your browser; finish signing in there.\nWaiting %s.\n", c.BaseURL(), limit)
			p, err := c.SignIn(ctx)
			switch {
			case err == nil:
			case s.ctx.Err() != nil:
				err = errors.New("sign-in: interrupted: stopped waiting (the sign-in page may still be open in the browser)")
			case ctx.Err() != nil:
				err = fmt.Errorf("sign-in: not finished within %v (see --wait); the sign-in page may still be open in the browser", *wait)
			case errors.Is(err, user.ErrInternal):
				err = fmt.Errorf("sign-in failed or was abandoned: %w", err)
			}
			return p, err
		}, printProfile)
	}
}

func setupSelect(fs *flag.FlagSet) action {
	email := fs.String("email", "", "email `ADDRESS` of the user")
	name := fs.String("name", "", "display `NAME` of the user")
	userID := fs.String("user-id", "", "Auth0 user `ID`, such as github|123: at least this, from an Auth0 login you made")
	username := fs.String("username", "", "user `NAME`")
	fileFlag(fs, "the Auth0 user (an Auth0User; flags override its members)")
	return func(s *session, _ []string) error {
		body, err := document[user.Auth0User](s, fs)
		if err != nil {
			return err
		}
		set := flagsSet(fs)
		if body == nil && len(set) > 0 {
			body = new(user.Auth0User)
		}
		if body != nil {
			override(set, "email", &body.Email, *email)
			override(set, "name", &body.Name, *name)
			override(set, "user-id", &body.UserID, *userID)
			override(set, "username", &body.Username, *username)
		}
		return show(s, func(c *user.Client, ctx context.Context) (*user.Profile, error) { return c.Select(ctx, body) }, printProfile)
	}
}

func setupUpdate(fs *flag.FlagSet) action {
	var in user.UserProfile
	fs.StringVar(&in.Name, "name", "", "new display `NAME`")
	fs.StringVar(&in.Email, "email", "", "new email `ADDRESS`")
	fs.StringVar(&in.Username, "username", "", "new user `NAME`")
	fs.StringVar(&in.Picture, "picture", "", "new address of the profile picture, a `URL`")
	file := fs.String("file", "", "send the profile in the JSON document in `FILE` ('-' for standard input), such as the output\n"+
		"      of 'snapshot --json'; flags override it. Members this version does not know are sent, except one\n"+
		"      whose name is close to a known member's (another case, '_' or '-', or an edit or two away): a typo")
	allowNear := fs.Bool("allow-near-names", false, "with --file, send unknown members whose names are close to known ones too, for a\n      newer Pieces OS whose new member has such a name")
	return func(s *session, _ []string) error {
		set := flagsSet(fs)
		switch {
		case *allowNear && !set["file"]:
			return usagef("update: --allow-near-names needs --file")
		case len(set) == 0:
			return usagef("update: nothing to change; give --name, --email, --username, --picture or --file")
		}
		var doc *user.Profile
		var err error
		if set["file"] {
			doc, err = s.readProfile(*file, *allowNear)
		} else {
			// Change only what the flags name: start from the stored profile.
			doc, err = call(s, (*user.Client).Snapshot)
		}
		if err != nil {
			return err
		}
		override(set, "name", &doc.Name, in.Name)
		override(set, "email", &doc.Email, in.Email)
		override(set, "username", &doc.Username, in.Username)
		override(set, "picture", &doc.Picture, in.Picture)
		return show(s, func(c *user.Client, ctx context.Context) (*user.Profile, error) { return c.Update(ctx, doc) }, printProfile)
	}
}

func setupVanity(*flag.FlagSet) action {
	return func(s *session, args []string) error {
		if strings.TrimSpace(args[0]) == "" {
			return usagef("vanity: the name is empty")
		}
		return show(s, func(c *user.Client, ctx context.Context) (*user.Profile, error) { return c.UpdateVanity(ctx, args[0]) }, printProfile)
	}
}

// quiet is the setup of a command whose call answers no result: it says
// what happened (done, formatted with the arguments), or nothing with
// --json. The arguments are ids, which must not be empty.
func quiet(do func(c *user.Client, ctx context.Context, args []string) error, done string) func(*flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		return func(s *session, args []string) error {
			var vals []any
			for i, a := range args {
				if strings.TrimSpace(a) == "" {
					return usagef("%s: the %s id is empty", fs.Name(), []string{"USER", "ENTITY"}[i])
				}
				vals = append(vals, a)
			}
			_, err := call(s, func(c *user.Client, ctx context.Context) (struct{}, error) { return struct{}{}, do(c, ctx, args) })
			if err != nil || s.json {
				return err
			}
			_, err = fmt.Fprintf(s.stdout, done+"\n", vals...)
			return err
		}
	}
}

func setupBeta(fs *flag.FlagSet) action {
	userID := fs.String("user", "", "`ID` of the user (default: the signed-in user)")
	from := fs.String("vision-from", "", "start of the vision beta: 'now' (from now on) or an RFC 3339 `TIME`")
	to := fs.String("vision-to", "", "end of the vision beta, an RFC 3339 `TIME`")
	descope := fs.Bool("descope", false, "change the Descope metadata instead of the Auth0 one")
	fileFlag(fs, "the beta status (a UserBetaStatus; flags override it)")
	return func(s *session, _ []string) error {
		st, err := document[user.UserBetaStatus](s, fs)
		if err != nil {
			return err
		}
		if st == nil {
			st = new(user.UserBetaStatus)
		}
		set := flagsSet(fs)
		if set["user"] && strings.TrimSpace(*userID) == "" {
			return usagef("beta: --user is empty")
		}
		override(set, "user", &st.User, *userID)
		switch {
		case set["vision-from"] || set["vision-to"]:
			r, err := visionRange(*from, *to, time.Now())
			if err != nil {
				return err
			}
			if *descope {
				st.Descope.Vision = r
			} else {
				st.Auth0.Vision = r
			}
		case *descope:
			return usagef("beta: --descope needs --vision-from or --vision-to")
		}
		if st.User == "" {
			p, err := call(s, (*user.Client).Snapshot)
			if err != nil {
				return fmt.Errorf("beta: finding the signed-in user (give --user to skip this): %w", err)
			}
			st.User = p.ID
		}
		return show(s, func(c *user.Client, ctx context.Context) (*user.UserBetaStatus, error) {
			return c.SetBetaStatus(ctx, st)
		}, writeBeta)
	}
}

// visionRange builds the range of the vision beta from the --vision-from
// and --vision-to flags; from "now" without an end is the open range "from
// now on".
func visionRange(from, to string, now time.Time) (user.AnonymousTemporalRange, error) {
	var r user.AnonymousTemporalRange
	if strings.EqualFold(from, "now") {
		r.From.Value = now.UTC().Truncate(time.Second)
		if to == "" {
			r.Continuous = ptr(true)
		}
	} else if from != "" {
		t, err := time.Parse(time.RFC3339, from)
		if err != nil {
			return r, usagef("beta: --vision-from %q is neither 'now' nor an RFC 3339 time such as 2025-01-02T15:04:05Z", from)
		}
		r.From.Value = t
	}
	if to != "" {
		t, err := time.Parse(time.RFC3339, to)
		if err != nil {
			return r, usagef("beta: --vision-to %q is not an RFC 3339 time such as 2025-01-02T15:04:05Z", to)
		}
		r.To.Value = t
	}
	if from != "" && to != "" {
		if r.To.Value.Before(r.From.Value) {
			return r, usagef("beta: --vision-to %s is before --vision-from %s", r.To.Value.Format(time.RFC3339), r.From.Value.Format(time.RFC3339))
		}
		r.Between = ptr(true)
	}
	return r, nil
}

func ptr[T any](v T) *T { return &v }

// sending is the setup of a command that sends an optional --file
// document and prints one line about the answer.
func sending[In, Out any](what string, do func(*user.Client, context.Context, *In) (*Out, error), text func(*Out) string) func(*flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		fileFlag(fs, what)
		return func(s *session, _ []string) error {
			in, err := document[In](s, fs)
			if err != nil {
				return err
			}
			return show(s, func(c *user.Client, ctx context.Context) (*Out, error) { return do(c, ctx, in) },
				func(w io.Writer, out *Out) { fmt.Fprintln(w, text(out)) })
		}
	}
}

func setupFeature(fs *flag.FlagSet) action {
	var in user.HasFeatureAccessContext
	fs.StringVar(&in.AllowedCloudModels.ModelUniqueName, "model", "", "unique `NAME` of a cloud model, for ALLOWED_CLOUD_MODELS")
	fs.StringVar(&in.DeniedWorkstreamPatternEngineSource.Application, "source", "", "application `NAME`, for DENIED_WORKSTREAM_PATTERN_ENGINE_SOURCES")
	fs.StringVar(&in.DeniedWorkstreamPatternEngineSource.BundleIdentifier, "bundle-id", "", "bundle `ID` of the --source application")
	fs.StringVar(&in.DeniedWorkstreamPatternEngineWebsite.Website, "website", "", "`URL` of a website, for DENIED_WORKSTREAM_PATTERN_ENGINE_WEBSITES")
	var modes []string
	for _, m := range specProcessingModes() {
		modes = append(modes, string(m))
	}
	fs.Func("processing", "processing `MODE` ("+strings.Join(modes, ", ")+"), for EXTERNAL_PROVIDER_PROCESSING", func(v string) error {
		for _, m := range specProcessingModes() {
			if strings.EqualFold(v, string(m)) {
				in.Processing.Processing = m
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(modes, ", "))
	})
	fileFlag(fs, "the context (a HasFeatureAccessContext; flags override it)")
	return func(s *session, args []string) error {
		feature, err := parseFeature(args[0])
		if err != nil {
			return err
		}
		fc, err := document[user.HasFeatureAccessContext](s, fs)
		if err != nil {
			return err
		}
		set := flagsSet(fs)
		if fc == nil && len(set) > 0 {
			fc = new(user.HasFeatureAccessContext)
		}
		if fc != nil {
			override(set, "model", &fc.AllowedCloudModels.ModelUniqueName, in.AllowedCloudModels.ModelUniqueName)
			override(set, "source", &fc.DeniedWorkstreamPatternEngineSource.Application, in.DeniedWorkstreamPatternEngineSource.Application)
			override(set, "bundle-id", &fc.DeniedWorkstreamPatternEngineSource.BundleIdentifier, in.DeniedWorkstreamPatternEngineSource.BundleIdentifier)
			override(set, "website", &fc.DeniedWorkstreamPatternEngineWebsite.Website, in.DeniedWorkstreamPatternEngineWebsite.Website)
			override(set, "processing", &fc.Processing.Processing, in.Processing.Processing)
			if set["bundle-id"] && fc.DeniedWorkstreamPatternEngineSource.Application == "" {
				return usagef("feature: --bundle-id needs --source")
			}
		}
		return show(s, func(c *user.Client, ctx context.Context) (*user.HasFeatureAccessOutput, error) {
			return c.HasFeatureAccess(ctx, feature, fc)
		},
			func(w io.Writer, out *user.HasFeatureAccessOutput) { writeFeature(w, feature, out) })
	}
}
