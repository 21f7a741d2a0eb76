package usertest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// rename is the code under test: a read-modify-write of the signed-in
// user's name with package user.
func rename(ctx context.Context, c *user.Client, name string) error {
	p, err := c.Snapshot(ctx)
	if err != nil {
		return err
	}
	p.Name = name
	_, err = c.Update(ctx, p)
	return err
}

// The fake plays a newer Pieces OS whose profile has a member this
// version's models lack ("workspaces") and an enum value they do not list:
// a read-modify-write must not lose them, and ProfileJSON shows whether it
// did.
func ExampleServer_SetProfileJSON() {
	srv, err := usertest.NewServer()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	var newer map[string]any
	doc, _ := json.Marshal(usertest.DefaultProfile())
	_ = json.Unmarshal(doc, &newer)
	newer["workspaces"] = []string{"notes", "research"}
	newer["allocation"].(map[string]any)["status"] = map[string]any{"cloud": "HIBERNATING"}
	doc, _ = json.Marshal(newer)
	if err := srv.SetProfileJSON(doc); err != nil {
		log.Fatal(err)
	}

	c, err := user.New(user.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	if err := rename(context.Background(), c, "Ada King"); err != nil {
		log.Fatal(err)
	}

	kept, _ := srv.ProfileJSON()
	var after struct {
		Name       string   `json:"name"`
		Workspaces []string `json:"workspaces"`
		Allocation struct {
			Status struct{ Cloud string } `json:"status"`
		} `json:"allocation"`
	}
	_ = json.Unmarshal(kept, &after)
	fmt.Println(after.Name, after.Workspaces, after.Allocation.Status.Cloud)
	// Output: Ada King [notes research] HIBERNATING
}
