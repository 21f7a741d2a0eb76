package main

import (
	"cmp"
	"fmt"
	"go/ast"
	"path/filepath"
	"slices"
)

// A docRow is one row of the table of operations in the documentation of
// package user: a method of Client and an operation it sends. method is
// "-" for an operation that no method sends yet.
type docRow struct {
	method string
	op     operation
}

// clientMethod is what genlists reads of one method of *Client.
type clientMethod struct {
	ops   []string // the operation IDs whose ep<Op> the body names
	calls []string // the names the body selects on the receiver, such as Snapshot in c.Snapshot(ctx)
}

// readClient reads the methods of *Client declared in the hand-written
// non-test files of package user, by name.
func readClient(root string, ops []operation) (map[string]*clientMethod, error) {
	byEndpoint := map[string]string{}
	for _, o := range ops {
		byEndpoint["ep"+o.goName()] = o.id
	}
	methods := map[string]*clientMethod{}
	err := scan(filepath.Join(root, userDir), false, func(file *ast.File) {
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil || !isClientMethod(fn) {
				continue
			}
			recv := ""
			if names := fn.Recv.List[0].Names; len(names) == 1 {
				recv = names[0].Name
			}
			cm := &clientMethod{}
			methods[fn.Name.Name] = cm
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.Ident:
					if op, ok := byEndpoint[n.Name]; ok && !slices.Contains(cm.ops, op) {
						cm.ops = append(cm.ops, op)
					}
				case *ast.SelectorExpr:
					if x, ok := n.X.(*ast.Ident); ok && recv != "" && x.Name == recv {
						cm.calls = append(cm.calls, n.Sel.Name)
					}
				}
				return true
			})
		}
	})
	if err != nil {
		return nil, err
	}
	if len(methods) == 0 {
		return nil, fmt.Errorf("found no method of *Client in the hand-written files of %s/; the table of operations is made from them", userDir)
	}
	return methods, nil
}

// clientCallers returns, by operation ID and sorted, the methods of
// *Client whose body names the endpoint of the operation (ep<Op>, as in
// c.start(ctx, epUserSnapshot) or epStreamUser.path). A method that sends
// several operations is listed under each.
func clientCallers(root string, ops []operation) (map[string][]string, error) {
	methods, err := readClient(root, ops)
	if err != nil {
		return nil, err
	}
	callers := map[string][]string{}
	for name, cm := range methods {
		for _, op := range cm.ops {
			callers[op] = append(callers[op], name)
		}
	}
	for _, ms := range callers {
		slices.Sort(ms)
	}
	return callers, nil
}

// reachingMethods is clientCallers widened to the methods that send an
// operation through another method of Client (UpdateVanity calls
// c.UpdateVanityProfile, which names epUserUpdateVanity).
func reachingMethods(root string, ops []operation) (map[string][]string, error) {
	methods, err := readClient(root, ops)
	if err != nil {
		return nil, err
	}
	reach := map[string][]string{}
	for name := range methods {
		seen := map[string]bool{}
		var visit func(string)
		visit = func(m string) {
			cm, ok := methods[m]
			if !ok || seen[m] {
				return
			}
			seen[m] = true
			for _, op := range cm.ops {
				if !slices.Contains(reach[op], name) {
					reach[op] = append(reach[op], name)
				}
			}
			for _, c := range cm.calls {
				visit(c)
			}
		}
		visit(name)
	}
	for _, ms := range reach {
		slices.Sort(ms)
	}
	return reach, nil
}

// isClientMethod reports whether fn is declared on *Client.
func isClientMethod(fn *ast.FuncDecl) bool {
	if fn.Recv == nil || len(fn.Recv.List) != 1 {
		return false
	}
	star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "Client"
}

// docRows makes the rows of the table of operations: one per method and
// operation it sends, and a row with method "-" for an operation no method
// sends, sorted by method, then by operation ID.
func docRows(ops []operation, callers map[string][]string) []docRow {
	var rows []docRow
	for _, o := range ops {
		ms := callers[o.id]
		if len(ms) == 0 {
			ms = []string{"-"}
		}
		for _, m := range ms {
			rows = append(rows, docRow{method: m, op: o})
		}
	}
	slices.SortFunc(rows, func(a, b docRow) int {
		return cmp.Or(cmp.Compare(a.method, b.method), cmp.Compare(a.op.id, b.op.id))
	})
	return rows
}
