package usertest_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/coder/websocket"
	"github.com/pieces-go/pieces-os-client-go/gen"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// A test starts the fake, points a client at srv.URL and turns the knobs
// it needs. In a test, usertest.Start(t) also closes the server at cleanup.
func Example() {
	srv, err := usertest.NewServer(usertest.WithTakenVanity("babbage"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, _ := gen.NewClientWithResponses(srv.URL)
	res, _ := c.UserUpdateVanityWithResponse(context.Background(), gen.UserProfile{Vanityname: "babbage"})
	fmt.Println(res.StatusCode(), string(res.Body))
	// Output: 409 vanity name "babbage" is taken
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
