package user

import (
	"bufio"
	"context"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// docRow is one row of the table of operations in the package
// documentation.
type docRow struct {
	method, op string
	routes     []string // "GET /user", in the order the method calls them
}

// readDocTable reads the table of operations from doc.go: the indented
// lines of the "# Operations" section, after its header line.
func readDocTable(t *testing.T) []docRow {
	t.Helper()
	f, err := os.Open("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []docRow
	in, header := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "// # "):
			in = line == "// # Operations"
			continue
		case !in || !strings.HasPrefix(line, "//\t"):
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(line, "//\t"))
		if !header {
			if strings.Join(fields, " ") != "Method Operation ID Route" {
				t.Fatalf("the table of operations starts with %q, not its header", line)
			}
			header = true
			continue
		}
		if len(fields) < 4 {
			t.Fatalf("row %q of the table of operations has too few columns", line)
		}
		routes := strings.Split(strings.Join(fields[2:], " "), ", then ")
		rows = append(rows, docRow{method: fields[0], op: fields[1], routes: routes})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("doc.go has no table of operations")
	}
	return rows
}

// routeOf is the route of ep as the table writes it.
func routeOf(ep endpoint) string {
	if ep.stream {
		return "WebSocket " + ep.path
	}
	return ep.method + " " + ep.path
}

// TestDocTableMatchesTheSpec checks the table of operations in the
// package documentation against the operations of the spec: every
// operation has a row, every row names a method of Client, an operationId
// and the route the spec gives it.
func TestDocTableMatchesTheSpec(t *testing.T) {
	t.Parallel()
	byOp := make(map[string]endpoint)
	byRoute := make(map[string]string)
	for _, ep := range endpoints {
		byOp[ep.op] = ep
		byRoute[routeOf(ep)] = ep.op
	}
	client := reflect.TypeFor[*Client]()
	seen := make(map[string]bool)
	rows := readDocTable(t)
	for _, r := range rows {
		if _, ok := client.MethodByName(r.method); !ok {
			t.Errorf("the table names %s, which is not a method of *Client", r.method)
		}
		ep, ok := byOp[r.op]
		if !ok {
			t.Errorf("%s: the table names operation %q, which the spec does not have", r.method, r.op)
			continue
		}
		seen[r.op] = true
		if last := r.routes[len(r.routes)-1]; last != routeOf(ep) {
			t.Errorf("%s: the table says %q for %s; the spec says %q", r.method, last, r.op, routeOf(ep))
		}
		for _, route := range r.routes[:len(r.routes)-1] {
			if _, ok := byRoute[route]; !ok {
				t.Errorf("%s: the table names route %q, which the spec does not have", r.method, route)
			}
		}
	}
	for _, ep := range endpoints {
		if !seen[ep.op] {
			t.Errorf("operation %s (%s) has no row in the table of doc.go", ep.op, routeOf(ep))
		}
	}
	if !slices.IsSortedFunc(rows, func(a, b docRow) int { return strings.Compare(a.method, b.method) }) {
		t.Error("the rows of the table are not sorted by method")
	}
}

// opOf returns the operationId an error of the package carries.
func opOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Op
	}
	var oe *OpError
	if errors.As(err, &oe) {
		return oe.Op
	}
	return ""
}

// TestDocTableOperationIDs checks what the table promises: the error of
// each method carries the operationId of its row, and FailNext takes it.
func TestDocTableOperationIDs(t *testing.T) {
	t.Parallel()
	// One call per method, each made to fail by FailNext on its row's
	// operation.
	calls := map[string]func(ctx context.Context, c *Client) error{
		"AccessToken":        func(ctx context.Context, c *Client) error { _, err := c.AccessToken(ctx); return err },
		"AssociateEntity":    func(ctx context.Context, c *Client) error { return c.AssociateEntity(ctx, "u1", "e1") },
		"Checkout":           func(ctx context.Context, c *Client) error { _, err := c.Checkout(ctx, nil); return err },
		"Clear":              func(ctx context.Context, c *Client) error { return c.Clear(ctx) },
		"DisassociateEntity": func(ctx context.Context, c *Client) error { return c.DisassociateEntity(ctx, "u1", "e1") },
		"HasFeatureAccess": func(ctx context.Context, c *Client) error {
			_, err := c.HasFeatureAccess(ctx, "SHARE_SNIPPET", nil)
			return err
		},
		"ManageSubscriptions": func(ctx context.Context, c *Client) error { _, err := c.ManageSubscriptions(ctx, nil); return err },
		"PaddleRefresh":       func(ctx context.Context, c *Client) error { _, err := c.PaddleRefresh(ctx); return err },
		"Providers":           func(ctx context.Context, c *Client) error { _, err := c.Providers(ctx); return err },
		"Refresh":             func(ctx context.Context, c *Client) error { _, err := c.Refresh(ctx); return err },
		"Select":              func(ctx context.Context, c *Client) error { _, err := c.Select(ctx, nil); return err },
		"SetBetaStatus":       func(ctx context.Context, c *Client) error { _, err := c.SetBetaStatus(ctx, nil); return err },
		"Snapshot":            func(ctx context.Context, c *Client) error { _, err := c.Snapshot(ctx); return err },
		"Update":              func(ctx context.Context, c *Client) error { _, err := c.Update(ctx, nil); return err },
		"UpdateVanity":        func(ctx context.Context, c *Client) error { _, err := c.UpdateVanity(ctx, "babbage"); return err },
		"UpdateVanityProfile": func(ctx context.Context, c *Client) error {
			_, err := c.UpdateVanityProfile(ctx, &Profile{UserProfile: UserProfile{Vanityname: "babbage"}})
			return err
		},
		"WatchCheckIns": func(ctx context.Context, c *Client) error { return firstDisconnect(ctx, c.WatchCheckIns) },
		"WatchProfile":  func(ctx context.Context, c *Client) error { return firstDisconnect(ctx, c.WatchProfile) },
	}
	for _, r := range readDocTable(t) {
		call, ok := calls[r.method]
		if !ok {
			t.Errorf("no call of %s in this test: add one", r.method)
			continue
		}
		t.Run(r.method, func(t *testing.T) {
			t.Parallel()
			srv := usertest.Start(t)
			if err := srv.FailNext(r.op, usertest.Always, 500, "made to fail"); err != nil {
				t.Fatalf("FailNext(%q): %v", r.op, err)
			}
			c, err := New(WithBaseURL(srv.URL), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			err = call(ctx, c)
			if got := opOf(err); got != r.op {
				t.Errorf("%s failed with %v, whose operation is %q; the table says %q", r.method, err, got, r.op)
			}
		})
	}
}

// firstDisconnect starts a stream with watch and returns the cause of its
// first disconnection.
func firstDisconnect(ctx context.Context, watch func(context.Context, ...WatchOption) (*Stream, error)) error {
	s, err := watch(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	ev, err := usertest.Await(ctx, s.Events(), func(ev Event) bool { return ev.Kind == EventDisconnected })
	if err != nil {
		return err
	}
	return ev.Err
}
