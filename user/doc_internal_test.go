package user

import (
	"bufio"
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// docRow is one row of the table of operations of the package
// documentation, which genlists writes into endpoints_gen.go.
type docRow struct{ method, op string }

// readDocTable reads the rows of the table of operations.
func readDocTable(t *testing.T) []docRow {
	t.Helper()
	f, err := os.Open("endpoints_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []docRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(strings.TrimPrefix(sc.Text(), "//\t"))
		if !strings.HasPrefix(sc.Text(), "//\t") || len(fields) < 3 || fields[0] == "Method" {
			continue
		}
		rows = append(rows, docRow{method: fields[0], op: fields[1]})
	}
	if len(rows) == 0 {
		t.Fatal("endpoints_gen.go has no table of operations")
	}
	return rows
}

// TestEveryOperationHasAMethod checks that the table names a method of
// Client for every operation of the spec.
func TestEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	rows := readDocTable(t)
	for _, ep := range endpoints {
		found := false
		for _, r := range rows {
			if r.op != ep.op {
				continue
			}
			found = true
			if _, ok := reflect.TypeFor[*Client]().MethodByName(r.method); !ok {
				t.Errorf("operation %s: the table names %q, which is not a method of *Client", ep.op, r.method)
			}
		}
		if !found {
			t.Errorf("operation %s has no row in the table of operations", ep.op)
		}
	}
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
		"SignIn":              func(ctx context.Context, c *Client) error { _, err := c.SignIn(ctx); return err },
		"SignOut":             func(ctx context.Context, c *Client) error { _, err := c.SignOut(ctx); return err },
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
		t.Run(r.method+"/"+r.op, func(t *testing.T) {
			t.Parallel()
			srv := usertest.Start(t)
			if err := srv.FailNext(r.op, usertest.Always, 500, "made to fail"); err != nil {
				t.Fatalf("FailNext(%q): %v", r.op, err)
			}
			c, err := New(WithBaseURL(srv.URL), WithRetry(1, Backoff{Min: time.Millisecond, Max: time.Millisecond}))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			err = call(ctx, c)
			if e, _ := errors.AsType[*Error](err); e == nil || e.Op != r.op {
				t.Errorf("%s failed with %v; the table says the operation is %q", r.method, err, r.op)
			}
		})
	}
}

// firstDisconnect starts a stream with watch and returns the cause of its
// first disconnection.
func firstDisconnect(ctx context.Context, watch func(context.Context, *WatchOptions) (*Stream, error)) error {
	s, err := watch(ctx, nil)
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
