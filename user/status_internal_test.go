package user

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Version
		rank int
	}{
		{"12.4.1", Version{Major: 12, Minor: 4, Patch: 1, Raw: "12.4.1"}, 0},
		{" 12.6.29-staging\n", Version{Major: 12, Minor: 6, Patch: 29, Pre: "staging", Raw: "12.6.29-staging"}, 1},
		{`"12.6.29-staging"`, Version{Major: 12, Minor: 6, Patch: 29, Pre: "staging", Raw: "12.6.29-staging"}, 1},
		{"debug", Version{Debug: true, Raw: "debug"}, 3},
		{`"DEBUG"`, Version{Debug: true, Raw: "DEBUG"}, 3},
		{"v13.0.0-beta.2+g1a2b", Version{Major: 13, Pre: "beta.2", Build: "g1a2b", Raw: "v13.0.0-beta.2+g1a2b"}, 2},
		{"12.7", Version{Major: 12, Minor: 7, Raw: "12.7"}, 0},
		{"12.7.0-debug", Version{Major: 12, Minor: 7, Pre: "debug", Debug: true, Raw: "12.7.0-debug"}, 3},
		{"12.8.0-staging.3", Version{Major: 12, Minor: 8, Pre: "staging.3", Raw: "12.8.0-staging.3"}, 1},
	}
	for _, tt := range tests {
		got, err := parseVersion(tt.in)
		if err != nil {
			t.Errorf("parseVersion(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseVersion(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got.rank() != tt.rank {
			t.Errorf("parseVersion(%q).rank() = %d, want %d", tt.in, got.rank(), tt.rank)
		}
	}
	for _, in := range []string{"", "  ", `""`, "twelve", "12.x.1", "1.2.3.4", "12..1", "-staging", "+12.0.0", "12.-1.0", "<html>"} {
		if v, err := parseVersion(in); err == nil {
			t.Errorf("parseVersion(%q) = %+v, want an error", in, v)
		} else if !strings.Contains(err.Error(), "not a version") {
			t.Errorf("parseVersion(%q): error %q does not say it is not a version", in, err)
		}
	}
	if r := (Version{}).rank(); r != 4 {
		t.Errorf("zero Version: rank() = %d, want 4, last", r)
	}
	if s := (Version{Major: 12, Minor: 1, Pre: "staging"}).String(); s != "12.1.0-staging" {
		t.Errorf("String() of a Version built by hand = %q", s)
	}
}

func TestVersionCheck(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"12.0.0": true, "12.4.1": true, "12.6.29-staging": true, "12.99.99": true, "debug": true,
		"11.9.9": false, "13.0.0": false, "13.0.0-beta": false, "1.0.0": false,
	} {
		v, err := parseVersion(in)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Check(); want != (err == nil) || (!want && !errors.Is(err, ErrIncompatibleVersion)) {
			t.Errorf("Check(%s) = %v, want nil: %v", in, err, want)
		}
	}
	if !errors.Is((Version{}).Check(), ErrIncompatibleVersion) {
		t.Error("the zero Version is supported")
	}
	old, _ := parseVersion("11.2.0")
	if err := old.Check(); err == nil || !strings.Contains(err.Error(), "update Pieces OS") {
		t.Errorf("Check(11.2.0) = %v, want advice to update Pieces OS", err)
	}
	newer, _ := parseVersion("13.1.0")
	if err := newer.Check(); err == nil || !strings.Contains(err.Error(), "update this package") {
		t.Errorf("Check(13.1.0) = %v, want advice to update this package", err)
	}
}

func TestParseHealth(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Health{
		"ok:0b6f1d3e-8a3b-4c8e-9d51-2f7f3f1c6a10": {Ready: true, ID: "0b6f1d3e-8a3b-4c8e-9d51-2f7f3f1c6a10", Text: "ok:0b6f1d3e-8a3b-4c8e-9d51-2f7f3f1c6a10"},
		`"ok:abc"`:     {Ready: true, ID: "abc", Text: "ok:abc"},
		"OK\n":         {Ready: true, Text: "OK"},
		"migrating":    {Text: "migrating"},
		`"Migrating"`:  {Text: "Migrating"},
		"starting up":  {Ready: true, Text: "starting up"},
		"":             {Ready: true},
		`{"ok":true}`:  {Ready: true, Text: `{"ok":true}`},
		`"unterminate`: {Ready: true, Text: `"unterminate`},
	} {
		if diff := cmp.Diff(want, parseHealth(in)); diff != "" {
			t.Errorf("parseHealth(%q) (-want +got):\n%s", in, diff)
		}
	}
}
