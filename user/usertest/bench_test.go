package usertest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// BenchmarkSnapshot measures one GET /user round trip through the fake,
// request log and body checks included.
func BenchmarkSnapshot(b *testing.B) {
	srv := usertest.Start(b)
	tr := &http.Transport{}
	b.Cleanup(tr.CloseIdleConnections)
	c, err := gen.NewClientWithResponses(srv.URL, gen.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		res, err := c.UserSnapshotWithResponse(ctx)
		if err != nil || res.StatusCode() != http.StatusOK {
			b.Fatalf("%v %v", res, err)
		}
	}
}

// BenchmarkUpdatePush measures an updateUser call followed by the arrival
// of the new profile on /user/stream.
func BenchmarkUpdatePush(b *testing.B) {
	srv := usertest.Start(b)
	tr := &http.Transport{}
	b.Cleanup(tr.CloseIdleConnections)
	c, err := gen.NewClientWithResponses(srv.URL, gen.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	ws, _, err := websocket.Dial(ctx, wsURL(srv, "/user/stream"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.CloseNow()
	ws.SetReadLimit(1 << 20)
	if _, _, err := ws.Read(ctx); err != nil {
		b.Fatal(err)
	}
	p := usertest.DefaultProfile()
	for b.Loop() {
		p.Aesthetics.Font.Size++
		res, err := c.UpdateUserWithResponse(ctx, p)
		if err != nil || res.StatusCode() != http.StatusOK {
			b.Fatalf("%v %v", res, err)
		}
		if _, _, err := ws.Read(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
