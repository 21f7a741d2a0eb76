package usertest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"net/http"

	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// rename is the code under test: a read-modify-write of the signed-in
// user's name over plain HTTP. It changes the one member it means to and
// sends every other member back as it read it, the ones it does not know
// included.
func rename(hc *http.Client, base, name string) error {
	res, err := hc.Get(base + "/user")
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var snapshot struct {
		User map[string]json.RawMessage `json:"user"`
	}
	if err := json.NewDecoder(res.Body).Decode(&snapshot); err != nil {
		return err
	}
	if snapshot.User["name"], err = json.Marshal(name); err != nil {
		return err
	}
	body, err := json.Marshal(snapshot.User)
	if err != nil {
		return err
	}
	res, err = hc.Post(base+"/user/update", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("updateUser: %s", res.Status)
	}
	return nil
}

// The fake plays a newer Pieces OS whose profile has a member this
// version's models lack ("workspaces"): a read-modify-write must not lose
// it, and ProfileJSON shows whether it did.
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
	doc, _ = json.Marshal(newer)
	if err := srv.SetProfileJSON(doc); err != nil {
		log.Fatal(err)
	}

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	if err := rename(&http.Client{Transport: tr}, srv.URL, "Ada King"); err != nil {
		log.Fatal(err)
	}

	kept, _ := srv.ProfileJSON()
	var after struct {
		Name       string   `json:"name"`
		Workspaces []string `json:"workspaces"`
	}
	_ = json.Unmarshal(kept, &after)
	fmt.Println(after.Name, after.Workspaces)
	// Output: Ada King [notes research]
}
