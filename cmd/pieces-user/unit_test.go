package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/user"
)

func TestDecodeStrict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // a fragment of the error; "" for success
	}{
		{`{"name":"Ada","email":"a@b.c"}`, ""},
		{"  {\"name\":\"Ada\"}\n\n", ""},
		{`{"name":"Ada","emial":"a@b.c"}`, `unknown field "emial"`},
		{`{"allocation":{"status":{"clod":"RUNNING"}}}`, `unknown field "clod"`},
		{`{"name":7}`, "name must be a string, not JSON number"},
		{`{"allocation":{"urls":[]}}`, "allocation.urls must be an object, not JSON array"},
		{`["Ada"]`, "the document must be an object"},
		{"{\n  \"name\": \"Ada\",\n}", "line 3, column"},
		{`{"name":"Ada"`, "cut short"},
		{`{"name":"Ada"} x`, "text follows the JSON value"},
		{`{"name":"Ada"}{"name":"Bob"}`, "text follows the JSON value"},
		{"", "it is empty"},
		{"  \n", "it is empty"},
	}
	for _, tt := range tests {
		var p user.UserProfile
		err := decode([]byte(tt.in), &p, true)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q: %v", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%q: error %v, want one holding %q", tt.in, err, tt.want)
		}
	}
}

func TestVisionRange(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 4, 5, 6, 7, 890, time.UTC)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	t1 := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		from, to string
		want     user.AnonymousTemporalRange
		wantErr  string
	}{
		{from: "now", want: user.AnonymousTemporalRange{From: user.GroupedTimestamp{Value: now.Truncate(time.Second)}, Continuous: ptr(true)}},
		{from: "NOW", to: "2025-06-30T00:00:00Z", want: user.AnonymousTemporalRange{From: user.GroupedTimestamp{Value: now.Truncate(time.Second)}, To: user.GroupedTimestamp{Value: t1}, Between: ptr(true)}},
		{from: "2025-01-01T00:00:00Z", want: user.AnonymousTemporalRange{From: user.GroupedTimestamp{Value: t0}}},
		{to: "2025-06-30T00:00:00Z", want: user.AnonymousTemporalRange{To: user.GroupedTimestamp{Value: t1}}},
		{from: "2025-06-30T00:00:00Z", to: "2025-01-01T00:00:00Z", wantErr: "is before"},
		{from: "tomorrow", wantErr: "--vision-from"},
		{to: "2025-06-30", wantErr: "--vision-to"},
	}
	for _, tt := range tests {
		got, err := visionRange(tt.from, tt.to, now)
		if tt.wantErr != "" {
			var ue *usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("(%q, %q): error %v, want a usage error holding %q", tt.from, tt.to, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("(%q, %q): %v", tt.from, tt.to, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("(%q, %q) (-want +got):\n%s", tt.from, tt.to, diff)
		}
	}
}

func TestParseFeature(t *testing.T) {
	t.Parallel()
	for _, f := range specFeatures() {
		for _, spelling := range []string{string(f), strings.ToLower(string(f)), strings.ReplaceAll(strings.ToLower(string(f)), "_", "-")} {
			got, err := parseFeature(spelling)
			if err != nil || got != f {
				t.Errorf("parseFeature(%q) = %q, %v; want %q", spelling, got, err, f)
			}
		}
	}
	for _, bad := range []string{"", "UNKNOWN", "SHARE", "share snippet"} {
		if _, err := parseFeature(bad); err == nil {
			t.Errorf("parseFeature(%q) succeeded", bad)
		}
	}
}

func TestFailExitCodes(t *testing.T) {
	t.Parallel()
	refused := &user.Error{Op: "userSnapshot", Err: fmt.Errorf("%w at http://127.0.0.1:1: connection refused", user.ErrUnreachable)}
	tests := []struct {
		name      string
		err       error
		cancelled bool
		wantCode  int
		wantMsg   []string
	}{
		{"success", nil, false, exitOK, nil},
		{"usage", usagef("bad"), false, exitUsage, []string{"pieces-user: bad"}},
		{"api", &user.Error{Op: "userUpdateVanity", StatusCode: 409, Body: "taken"}, false, exitFailed, []string{"vanity name already taken (409)"}},
		{"signed out", &user.Error{Op: "userSnapshot", Err: user.ErrNotSignedIn}, false, exitFailed, []string{"not signed in; sign in with 'pieces-user sign-in'"}},
		{"refused", refused, false, exitUnreachable, []string{"cannot reach Pieces OS at http://127.0.0.1:1: connection refused", "serve-fake"}},
		{"timeout", &user.Error{Op: "userSnapshot", Err: fmt.Errorf("%w: %w", user.ErrUnreachable, context.DeadlineExceeded)}, false, exitUnreachable,
			[]string{"cannot reach Pieces OS at http://127.0.0.1:1: no connection within 10s"}},
		{"bare deadline", &user.Error{Op: "userSnapshot", Err: context.DeadlineExceeded}, false, exitUnreachable, []string{"no connection within 10s"}},
		{"interrupted", &user.Error{Op: "userSnapshot", Err: context.Canceled}, true, exitFailed, []string{"pieces-user: interrupted"}},
		{"multi-line body", &user.Error{Op: "clearUser", StatusCode: 500, Body: "line one\nline two"}, false, exitFailed, []string{"line one line two"}},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithCancel(t.Context())
		if tt.cancelled {
			cancel()
		}
		var stderr bytes.Buffer
		s := &session{ctx: ctx, stderr: &stderr, timeout: defaultTimeout, host: "127.0.0.1:1", given: map[string]string{"host": "127.0.0.1:1"}}
		if _, err := s.client(); err != nil {
			t.Fatal(err)
		}
		if code := s.fail(tt.err); code != tt.wantCode {
			t.Errorf("%s: exit %d, want %d", tt.name, code, tt.wantCode)
		}
		cancel()
		s.close()
		if tt.err == nil {
			if stderr.Len() != 0 {
				t.Errorf("%s: wrote %q", tt.name, stderr.String())
			}
			continue
		}
		if strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%s: message is not one line: %q", tt.name, stderr.String())
		}
		for _, w := range tt.wantMsg {
			if !strings.Contains(stderr.String(), w) {
				t.Errorf("%s: message %q lacks %q", tt.name, stderr.String(), w)
			}
		}
	}
}

func TestRunInProcess(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if code := run(t.Context(), []string{"help"}, strings.NewReader(""), &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "Exit codes:") {
		t.Errorf("help: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(t.Context(), []string{"vanity"}, strings.NewReader(""), &stdout, &stderr); code != exitUsage {
		t.Errorf("vanity without a name: exit %d, want %d", code, exitUsage)
	}
	if got := stderr.String(); got != "pieces-user: vanity: missing argument NAME (usage: pieces-user vanity NAME)\n" {
		t.Errorf("stderr = %q", got)
	}
}
