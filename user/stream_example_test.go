package user_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/coder/websocket"

	"github.com/pieces-go/pieces-os-client-go/user"
)

// A watch loop: handle each kind of event until the profile shows up, then
// stop by cancelling the context, which closes the stream and ends the loop.
func ExampleClient_WatchProfile() {
	// A stand-in for Pieces OS that sends the signed-in user on /user/stream.
	pos := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer conn.CloseNow()
		ctx := conn.CloseRead(context.Background())
		_ = conn.Write(ctx, websocket.MessageText, []byte(`{"id":"u1","name":"Ada"}`))
		<-ctx.Done()
	}))
	defer pos.Close()

	c, err := user.New(user.WithBaseURL(pos.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := c.WatchProfile(ctx, &user.WatchOptions{Backoff: user.Backoff{Min: 50 * time.Millisecond, Max: 5 * time.Second}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	for ev := range s.Events() {
		switch ev.Kind {
		case user.EventConnected:
			fmt.Println("connected")
		case user.EventProfile:
			fmt.Println("signed in as", ev.Profile.Name)
			cancel() // enough for this example: Events closes next
		case user.EventSignedOut:
			fmt.Println("nobody is signed in")
		case user.EventDisconnected:
			fmt.Println("disconnected:", ev.Err)
		case user.EventRetrying:
			fmt.Println("reconnecting in", ev.RetryIn)
		case user.EventMalformed:
			fmt.Println("skipped a message:", ev.Err)
		}
	}
	fmt.Println("done")
	// Output:
	// connected
	// signed in as Ada
	// done
}
