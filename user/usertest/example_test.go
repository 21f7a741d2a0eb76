package usertest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// greeting is the application code under test: it greets the signed-in
// user, or says that nobody is signed in.
func greeting(ctx context.Context, c *user.Client) (string, error) {
	p, err := c.Snapshot(ctx)
	if errors.Is(err, user.ErrNotSignedIn) {
		return "Hello, stranger", nil
	}
	if err != nil {
		return "", err
	}
	return "Hello, " + p.Name, nil
}

// TestGreeting is a whole test of greeting against the fake. usertest.Start
// closes the server when the test ends.
func TestGreeting(t *testing.T) {
	srv := usertest.Start(t)
	c, _ := user.New(user.WithBaseURL(srv.URL))
	if got, err := greeting(t.Context(), c); got != "Hello, Ada Lovelace" || err != nil {
		t.Errorf("greeting = %q, %v", got, err)
	}
	srv.SignOut()
	if got, _ := greeting(t.Context(), c); got != "Hello, stranger" {
		t.Errorf("signed out: greeting = %q", got)
	}
}

// The fake serves package user's client: start it, point the client at
// srv.URL, and turn the knobs the test needs. In a test, use
// usertest.Start(t) as TestGreeting in this file does.
func Example() {
	srv, _ := usertest.NewServer()
	defer srv.Close()
	srv.TakeVanity("babbage")
	c, _ := user.New(user.WithBaseURL(srv.URL))
	fmt.Println(greeting(context.Background(), c))
	_, err := c.UpdateVanity(context.Background(), "babbage")
	fmt.Println(errors.Is(err, user.ErrConflict))
	// Output:
	// Hello, Ada Lovelace <nil>
	// true
}

// A subscriber of /user/stream gets the current profile first, then every
// change; signing out sends an empty text message.
func ExampleServer_SignOut() {
	srv, err := usertest.NewServer()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/user/stream", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer ws.CloseNow()

	_, first, _ := ws.Read(ctx)
	srv.SignOut()
	_, second, _ := ws.Read(ctx)
	fmt.Println(strings.Contains(string(first), `"vanityname":"ada"`), len(second))
	// Output: true 0
}
