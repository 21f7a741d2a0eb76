package usertest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestEveryOperationIsReachable sends one request to the route of every
// operation the spec has (as OperationIDs lists them) and expects the
// answers FailNext and RespondNext set up, so that no operation can be
// accepted by FailNext and then never answer with it.
func TestEveryOperationIsReachable(t *testing.T) {
	t.Parallel()
	srv := Start(t)
	client := &http.Client{}
	send := func(t *testing.T, id string) (*http.Response, string) {
		t.Helper()
		pattern := operationPattern(id)
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			t.Fatalf("operation %s has no route in operations_gen.go; run `make generate`", id)
		}
		path = strings.NewReplacer("{user}", "u1", "{entity}", "e1").Replace(path)
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(body)
	}
	for _, id := range OperationIDs() {
		t.Run(id, func(t *testing.T) {
			if got, ok := lookupOperation(operationPattern(id)); !ok || got.id != id {
				t.Fatalf("lookupOperation(%q) = %q, %t; want %s", operationPattern(id), got.id, ok, id)
			}
			srv.ResetRequests()
			if err := srv.FailNext(id, 1, http.StatusTeapot, "canned "+id); err != nil {
				t.Fatal(err)
			}
			resp, body := send(t, id)
			if resp.StatusCode != http.StatusTeapot || body != "canned "+id {
				t.Errorf("after FailNext(%s): %d %q, want 418 %q", id, resp.StatusCode, body, "canned "+id)
			}
			if err := srv.RespondNext(id, 1, 299, "application/json", `{"canned":true}`); err != nil {
				t.Fatal(err)
			}
			resp, body = send(t, id)
			if resp.StatusCode != 299 || body != `{"canned":true}` || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("after RespondNext(%s): %d %q (%s), want 299 with the canned JSON", id, resp.StatusCode, body, resp.Header.Get("Content-Type"))
			}
			for _, r := range srv.Requests() {
				if r.OperationID != id {
					t.Errorf("request %s %s was recorded as %q, want %s", r.Method, r.Path, r.OperationID, id)
				}
			}
		})
	}
}
