package main

import (
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// TestEveryOperationHasACommand checks that each operation of the spec (as
// the generated specRoutes lists them) is called by some command, so a new
// operation cannot ship without one.
func TestEveryOperationHasACommand(t *testing.T) {
	t.Parallel()
	called := map[string]bool{}
	for _, c := range commands() {
		for r := range strings.SplitSeq(c.route(), ",") {
			called[strings.TrimSpace(r)] = true
		}
	}
	routes := specRoutes()
	for _, c := range commands() {
		for _, op := range c.ops {
			if _, ok := routes[op]; !ok && op != routeHealth && op != routeVersion {
				t.Errorf("command %s sends %q, which is neither an operationId of the spec nor a route outside the User API", c.name, op)
			}
		}
	}
	ids := slices.Sorted(maps.Keys(routes))
	for _, id := range ids {
		if !called[routes[id]] {
			t.Errorf("operation %s (%s) has no command: add one to commands() in cmd/pieces-user/app.go with route %q, and a row to the command table of README.md",
				id, routes[id], routes[id])
		}
	}
	if diff := cmp.Diff(usertest.OperationIDs(), ids); diff != "" {
		t.Errorf("specRoutes and usertest.OperationIDs differ (-usertest +cli); run `make generate`:\n%s", diff)
	}
}

// TestReadmeCommandTable checks that the command table of README.md lists
// every command with its route, and nothing else.
func TestReadmeCommandTable(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const head = "| Command | What it does | Route |"
	text := string(data)
	i := strings.Index(text, head)
	if i < 0 {
		t.Fatalf("README.md has no command table (a line %q)", head)
	}
	got := map[string]string{}
	var order []string
	for _, line := range strings.Split(text[i:], "\n")[2:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "/"), "|")
		if len(cells) < 4 {
			t.Fatalf("README.md: command table row %q has fewer than 3 cells", line)
		}
		first := cells[1]
		if a, b := strings.Index(first, "`"), strings.Index(first[strings.Index(first, "`")+1:], "`"); a >= 0 && b >= 0 {
			first = first[a+1 : a+1+b]
		}
		name := strings.Fields(first)[0]
		order = append(order, name)
		got[name] = strings.TrimSpace(strings.ReplaceAll(cells[3], "`", ""))
	}
	want := map[string]string{}
	var wantOrder []string
	for _, c := range commands() {
		want[c.name] = c.route()
		wantOrder = append(wantOrder, c.name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the command table of README.md differs from commands() in app.go (-app.go +README):\n%s", diff)
	}
	if diff := cmp.Diff(wantOrder, order); diff != "" {
		t.Errorf("the command table of README.md lists the commands in another order than commands() (-app.go +README):\n%s", diff)
	}
}
