package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// fileFlag declares the --file flag of a command that sends a body.
func fileFlag(fs *flag.FlagSet, what string) {
	fs.String("file", "", "read "+what+" from the JSON document in `FILE` ('-' for standard input); unknown members are an error")
}

// showing is the setup of a command without flags or arguments that prints
// the answer of one call (see show).
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

// gave reports whether the flag name was given.
func (s *session) gave(name string) bool {
	_, ok := s.given[name]
	return ok
}

// document fills body, which a command sends, from --file and then from
// the command's other flags, which write into it; nil if none was given.
func document[T any](s *session, fs *flag.FlagSet, body *T) (*T, error) {
	if s.gave("file") {
		if err := s.readDocument(fs.Name(), s.given["file"], reflect.TypeFor[T]().Name(), body, false, false); err != nil {
			return nil, err
		}
		s.reapply(fs)
	}
	for name := range s.given {
		if fs.Lookup(name) != nil {
			return body, nil
		}
	}
	return nil, nil
}

// reapply sets the flags of fs again once a document replaced their values.
func (s *session) reapply(fs *flag.FlagSet) {
	for name, v := range s.given {
		if name != "file" && fs.Lookup(name) != nil {
			_ = fs.Set(name, v) // it was set once already
		}
	}
}

func setupSignIn(fs *flag.FlagSet) action {
	// The person needs minutes to finish in the browser.
	wait := fs.Duration("wait", 5*time.Minute, "wait at most `DUR` for the person to finish signing in; 0 waits until interrupted")
	return func(s *session, _ []string) error {
		if err := s.waitFor("sign-in", *wait); err != nil {
			return err
		}
		limit := cmp.Or(when(*wait > 0, fmt.Sprintf("up to %v; Ctrl-C stops waiting", *wait)), "until you press Ctrl-C")
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
	body := new(user.Auth0User)
	fs.StringVar(&body.Email, "email", "", "email `ADDRESS` of the user")
	fs.StringVar(&body.Name, "name", "", "display `NAME` of the user")
	fs.StringVar(&body.UserID, "user-id", "", "Auth0 user `ID`, such as github|123: at least this, from an Auth0 login you made")
	fs.StringVar(&body.Username, "username", "", "user `NAME`")
	fileFlag(fs, "the Auth0 user (an Auth0User; flags override its members)")
	return func(s *session, _ []string) error {
		body, err := document(s, fs, body)
		if err != nil {
			return err
		}
		return show(s, func(c *user.Client, ctx context.Context) (*user.Profile, error) { return c.Select(ctx, body) }, printProfile)
	}
}

func setupUpdate(fs *flag.FlagSet) action {
	doc := new(user.Profile)
	fs.StringVar(&doc.Name, "name", "", "new display `NAME`")
	fs.StringVar(&doc.Email, "email", "", "new email `ADDRESS`")
	fs.StringVar(&doc.Username, "username", "", "new user `NAME`")
	fs.StringVar(&doc.Picture, "picture", "", "new address of the profile picture, a `URL`")
	file := fs.String("file", "", "send the profile in the JSON document in `FILE` ('-' for standard input), such as the output\n"+
		"      of 'snapshot --json'; flags override it. Members this version does not know are sent, except one\n"+
		"      whose name is close to a known member's (another case, '_' or '-', or an edit or two away): a typo")
	allowNear := fs.Bool("allow-near-names", false, "with --file, send unknown members whose names are close to known ones too, for a\n      newer Pieces OS whose new member has such a name")
	return func(s *session, _ []string) error {
		switch {
		case *allowNear && !s.gave("file"):
			return usagef("update: --allow-near-names needs --file")
		case !slices.ContainsFunc([]string{"name", "email", "username", "picture", "file"}, s.gave):
			return usagef("update: nothing to change; give --name, --email, --username, --picture or --file")
		}
		if s.gave("file") {
			if err := s.readDocument("update", *file, "UserProfile", doc, true, *allowNear); err != nil {
				return err
			}
		} else {
			// Change only what the flags name: start from the stored profile.
			p, err := call(s, (*user.Client).Snapshot)
			if err != nil {
				return err
			}
			*doc = *p
		}
		s.reapply(fs)
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

// quiet is the setup of a command whose call answers nothing: it prints
// done formatted with the arguments, or nothing with --json.
func quiet(do func(c *user.Client, ctx context.Context, args []string) error, done string) func(*flag.FlagSet) action {
	return func(*flag.FlagSet) action {
		return func(s *session, args []string) error {
			_, err := call(s, func(c *user.Client, ctx context.Context) (struct{}, error) { return struct{}{}, do(c, ctx, args) })
			if err != nil || s.json {
				return err
			}
			vals := make([]any, len(args))
			for i, a := range args {
				vals[i] = a
			}
			_, err = fmt.Fprintf(s.stdout, done+"\n", vals...)
			return err
		}
	}
}

func setupBeta(fs *flag.FlagSet) action {
	st := new(user.UserBetaStatus)
	fs.StringVar(&st.User, "user", "", "`ID` of the user (default: the signed-in user)")
	from := fs.String("vision-from", "", "start of the vision beta: 'now' (from now on) or an RFC 3339 `TIME`")
	to := fs.String("vision-to", "", "end of the vision beta, an RFC 3339 `TIME`")
	descope := fs.Bool("descope", false, "change the Descope metadata instead of the Auth0 one")
	fileFlag(fs, "the beta status (a UserBetaStatus; flags override it)")
	return func(s *session, _ []string) error {
		if _, err := document(s, fs, st); err != nil {
			return err
		}
		if s.gave("user") && strings.TrimSpace(st.User) == "" {
			return usagef("beta: --user is empty")
		}
		switch {
		case s.gave("vision-from") || s.gave("vision-to"):
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

// visionRange reads --vision-from and --vision-to; "now" without an end
// is the open range "from now on".
func visionRange(from, to string, now time.Time) (r user.AnonymousTemporalRange, err error) {
	parse := func(name, v, not string) time.Time {
		t, perr := time.Parse(time.RFC3339, v)
		if perr != nil && err == nil {
			err = usagef("beta: --%s %q is %san RFC 3339 time such as 2025-01-02T15:04:05Z", name, v, not)
		}
		return t
	}
	if strings.EqualFold(from, "now") {
		r.From.Value = now.UTC().Truncate(time.Second)
		if to == "" {
			r.Continuous = ptr(true)
		}
	} else if from != "" {
		r.From.Value = parse("vision-from", from, "neither 'now' nor ")
	}
	if to != "" {
		r.To.Value = parse("vision-to", to, "not ")
	}
	switch {
	case err != nil || from == "" || to == "":
	case r.To.Value.Before(r.From.Value):
		err = usagef("beta: --vision-to %s is before --vision-from %s", r.To.Value.Format(time.RFC3339), r.From.Value.Format(time.RFC3339))
	default:
		r.Between = ptr(true)
	}
	return r, err
}

func ptr[T any](v T) *T { return &v }

// sending is the setup of a command that sends an optional --file document
// and prints one line about the answer.
func sending[In, Out any](what string, do func(*user.Client, context.Context, *In) (*Out, error), text func(*Out) string) func(*flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		fileFlag(fs, what)
		return func(s *session, _ []string) error {
			in, err := document(s, fs, new(In))
			if err != nil {
				return err
			}
			return show(s, func(c *user.Client, ctx context.Context) (*Out, error) { return do(c, ctx, in) },
				func(w io.Writer, out *Out) { fmt.Fprintln(w, text(out)) })
		}
	}
}

func setupFeature(fs *flag.FlagSet) action {
	fc := new(user.HasFeatureAccessContext)
	fs.StringVar(&fc.AllowedCloudModels.ModelUniqueName, "model", "", "unique `NAME` of a cloud model, for ALLOWED_CLOUD_MODELS")
	fs.StringVar(&fc.DeniedWorkstreamPatternEngineSource.Application, "source", "", "application `NAME`, for DENIED_WORKSTREAM_PATTERN_ENGINE_SOURCES")
	fs.StringVar(&fc.DeniedWorkstreamPatternEngineSource.BundleIdentifier, "bundle-id", "", "bundle `ID` of the --source application")
	fs.StringVar(&fc.DeniedWorkstreamPatternEngineWebsite.Website, "website", "", "`URL` of a website, for DENIED_WORKSTREAM_PATTERN_ENGINE_WEBSITES")
	var modes []string
	for _, m := range specProcessingModes() {
		modes = append(modes, string(m))
	}
	fs.Func("processing", "processing `MODE` ("+strings.Join(modes, ", ")+"), for EXTERNAL_PROVIDER_PROCESSING", func(v string) error {
		i := slices.IndexFunc(modes, func(m string) bool { return strings.EqualFold(v, m) })
		if i < 0 {
			return fmt.Errorf("%q is not one of %s", v, strings.Join(modes, ", "))
		}
		fc.Processing.Processing = specProcessingModes()[i]
		return nil
	})
	fileFlag(fs, "the context (a HasFeatureAccessContext; flags override it)")
	return func(s *session, args []string) error {
		feature, err := parseFeature(args[0])
		if err != nil {
			return err
		}
		fc, err := document(s, fs, fc)
		switch {
		case err != nil:
			return err
		case s.gave("bundle-id") && fc.DeniedWorkstreamPatternEngineSource.Application == "":
			return usagef("feature: --bundle-id needs --source")
		}
		return show(s, func(c *user.Client, ctx context.Context) (*user.HasFeatureAccessOutput, error) {
			return c.HasFeatureAccess(ctx, feature, fc)
		},
			func(w io.Writer, out *user.HasFeatureAccessOutput) { writeFeature(w, feature, out) })
	}
}
