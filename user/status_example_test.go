package user_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// DiscoverInstance reads the port file first. Here a fake plays a staging
// build of Pieces OS and the example writes its port file itself; a
// program passes the zero DiscoverOptions to read the real one.
func ExampleDiscoverInstance() {
	srv, err := usertest.NewServer()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	if err := srv.SetVersion("12.6.29-staging"); err != nil {
		fmt.Println(err)
		return
	}
	dir, err := os.MkdirTemp("", "pieces-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	portFile := filepath.Join(dir, ".port.txt")
	if err := os.WriteFile(portFile, []byte(strings.TrimPrefix(srv.Addr(), "127.0.0.1:")), 0o600); err != nil {
		fmt.Println(err)
		return
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	inst, err := user.DiscoverInstance(ctx, user.DiscoverOptions{PortFile: portFile})
	switch {
	case errors.Is(err, user.ErrMigrating):
		fmt.Println("Pieces OS at", inst.URL, "is migrating; try again shortly")
		return
	case err != nil:
		fmt.Println(err) // says what was tried and how to start Pieces OS
		return
	}
	fmt.Println("found through the", inst.Source)
	fmt.Println("ready:", inst.Ready, "kind:", inst.Kind())
	if err := user.DefaultVersionWindow().Check(inst.Version); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inst.Version, "is supported")
	// Output:
	// found through the port file
	// ready: true kind: staging
	// 12.6.29-staging is supported
}

// Version and Health ask a Pieces OS directly.
func ExampleClient_Version() {
	srv, err := usertest.NewServer()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	if err := srv.SetVersion("13.1.0"); err != nil {
		fmt.Println(err)
		return
	}
	c, err := user.New(user.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	h, err := c.Health(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("health:", h.State)
	v, err := c.Version(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("version:", v.Major, v.Minor, v.Patch, v.Kind())
	if err := user.DefaultVersionWindow().Check(v); errors.Is(err, user.ErrIncompatibleVersion) {
		fmt.Println(err)
	}
	// Output:
	// health: ready
	// version: 13 1 0 production
	// user: version of Pieces OS outside the supported window: Pieces OS 13.1.0 is not older than 13.0.0; update this client library
}
