package user_test

import (
	"strings"
	"testing"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// TestBaseURL checks the one rule for reading an address of Pieces OS:
// the one New applies to WithBaseURL and $PIECES_OS_URL.
func TestBaseURL(t *testing.T) {
	t.Parallel()
	good := []struct{ raw, want string }{
		{"http://127.0.0.1:39300", "http://127.0.0.1:39300"},
		{"https://pieces.example:8443/", "https://pieces.example:8443"},
		{"http://localhost:1000/prefix/", "http://localhost:1000/prefix"},
		{"127.0.0.1:39300", "http://127.0.0.1:39300"},
		{"localhost:39300", "http://localhost:39300"},
		{"[::1]:39300", "http://[::1]:39300"},
		{"127.0.0.1", "http://127.0.0.1"},
		{"localhost:39300/prefix", "http://localhost:39300/prefix"},
		{"  127.0.0.1:39300\n", "http://127.0.0.1:39300"},
	}
	for _, tt := range good {
		c, err := user.New(user.WithBaseURL(tt.raw))
		if err != nil || c.BaseURL() != tt.want {
			t.Errorf("New(WithBaseURL(%q)): %v; want BaseURL %q", tt.raw, err, tt.want)
		} else if got := c.BaseURL(); got != tt.want {
			t.Errorf("New(WithBaseURL(%q)).BaseURL() = %q, want %q", tt.raw, got, tt.want)
		}
	}
	bad := []struct{ raw, want string }{
		{"", "empty"},
		{" \t", "empty"},
		{"127.0.0.1:port", "malformed"},
		{"::1", "malformed"},
		{"http:127.0.0.1:39300", "want http://HOST:PORT"},
		{"HTTPS:pieces.example", "want https://HOST:PORT"},
		{"ftp://127.0.0.1", "the scheme must be http or https"},
		{"ws://127.0.0.1:39300", "the scheme must be http or https"},
		{"http://", "has no host"},
		{"127.0.0.1:39300?x=1", "a query"},
		{"http://127.0.0.1:39300?", "a query"},
		{"http://ada@127.0.0.1:39300", "user info"},
	}
	for _, tt := range bad {
		_, err := user.New(user.WithBaseURL(tt.raw))
		if err == nil {
			t.Errorf("New(WithBaseURL(%q)) succeeded, want an error", tt.raw)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "user: WithBaseURL: ") {
			t.Errorf("New(WithBaseURL(%q)) error %q does not say %q about WithBaseURL", tt.raw, err, tt.want)
		}
	}
}

// TestBareHostPort checks that WithBaseURL and $PIECES_OS_URL take a bare
// host:port as http, as the CLI's --host does.
func TestBareHostPort(t *testing.T) {
	for _, raw := range []string{"127.0.0.1:39300", "localhost:39300", "[::1]:39300"} {
		want := "http://" + raw
		c, err := user.New(user.WithBaseURL(raw))
		if err != nil || c.BaseURL() != want {
			t.Errorf("New(WithBaseURL(%q)): %v, %v; want BaseURL %q", raw, c, err, want)
		}
		t.Setenv(envBaseURL, raw)
		c, err = user.New()
		if err != nil || c.BaseURL() != want {
			t.Errorf("New() with $%s=%q: %v, %v; want BaseURL %q", envBaseURL, raw, c, err, want)
		}
	}
}

// TestBaseURLErrorsNameTheirSource checks that an error about the base URL
// says where the value came from.
func TestBaseURLErrorsNameTheirSource(t *testing.T) {
	t.Setenv(envBaseURL, "")
	tests := []struct {
		name  string
		env   string
		opts  []user.Option
		wants []string
	}{
		{"option", "", []user.Option{user.WithBaseURL("ftp://127.0.0.1")}, []string{"user: WithBaseURL: ", `"ftp://127.0.0.1"`, "scheme"}},
		{"option empty", "", []user.Option{user.WithBaseURL("")}, []string{"user: WithBaseURL: ", "empty"}},
		{"environment", "http:127.0.0.1", nil, []string{"user: $" + envBaseURL + ": ", `"http:127.0.0.1"`, "malformed"}},
		{"cleartext from option", "", []user.Option{user.WithBaseURL("192.0.2.1:39300"), user.WithApplicationID("app")},
			[]string{"user: WithBaseURL: ", "plain http to 192.0.2.1:39300"}},
		{"cleartext from environment", "192.0.2.1:39300", []user.Option{user.WithApplicationID("app")},
			[]string{"user: $" + envBaseURL + ": ", "plain http to 192.0.2.1:39300"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(envBaseURL, tt.env)
			c, err := user.New(tt.opts...)
			if err == nil {
				t.Fatalf("New = %v, want an error", c)
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
