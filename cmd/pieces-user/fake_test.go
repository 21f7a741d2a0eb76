package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pieces-go/pieces-os-client-go/user"
	"github.com/pieces-go/pieces-os-client-go/user/usertest"
)

// startServeFake runs serve-fake with args and returns the process and the
// URL it printed.
func startServeFake(t *testing.T, args ...string) (*proc, string) {
	t.Helper()
	p := startCLI(t, nil, append([]string{"serve-fake"}, args...)...)
	_, line := p.stdout.await(t, 0, "the listening line", hasPrefix("listening on "))
	return p, strings.TrimPrefix(line, "listening on ")
}

// startServeFakeQuiet runs serve-fake on a quiet port (see quietAddr),
// trying another one when the port is taken before serve-fake gets it.
func startServeFakeQuiet(t *testing.T) (p *proc, addr, url string) {
	t.Helper()
	for range maxBindAttempts {
		addr = quietAddr(t)
		p = startCLI(t, nil, "serve-fake", "--addr", addr)
		if _, line, ok := p.stdout.find(t, 0, "the listening line", hasPrefix("listening on ")); ok {
			return p, addr, strings.TrimPrefix(line, "listening on ")
		}
		if code := p.wait(t); code != exitFailed || !strings.Contains(p.stderr.all(), "address already in use") {
			t.Fatalf("serve-fake --addr %s exited %d\nstderr:\n%s", addr, code, p.stderr.all())
		}
	}
	t.Fatal("serve-fake found every quiet port taken")
	return nil, "", ""
}

func TestServeFakeAnswersAnotherProcess(t *testing.T) {
	t.Parallel()
	p, addr, url := startServeFakeQuiet(t)
	if url != "http://"+addr {
		t.Errorf("serve-fake listens on %q, want http://%s", url, addr)
	}

	r := mustRun(t, 0, "", nil, "--host", url, "--json", "snapshot")
	if diff := cmp.Diff(usertest.DefaultProfile(), decodeOut[user.UserProfile](t, r)); diff != "" {
		t.Errorf("snapshot from serve-fake (-want +got):\n%s", diff)
	}
	p.stderr.await(t, 0, "the request log line", hasPrefix("GET /user 200 "))

	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != 0 {
		t.Fatalf("serve-fake exited %d after SIGINT\nstderr:\n%s", code, p.stderr.all())
	}
	// The port is free again.
	mustRun(t, exitUnreachable, "", nil, "--host", url, "snapshot")
}

func TestServeFakeKnobs(t *testing.T) {
	t.Parallel()
	p, url := startServeFake(t, "--addr", "127.0.0.1:0", "--signed-out", "--taken-vanity", "babbage, lovelace",
		"--fail", "userCheckout=503", "--fail", "USERPADDLEREFRESH=500", "--latency", "1ms", "--checkin-interval", "10ms")
	host := []string{"--host", url}

	r := mustRun(t, exitFailed, "", nil, append(host, "snapshot")...)
	oneLineOn(t, r, "not signed in")
	mustRun(t, 0, "", nil, append(host, "select")...)

	for _, name := range []string{"babbage", "lovelace"} {
		r = mustRun(t, exitFailed, "", nil, append(host, "vanity", name)...)
		oneLineOn(t, r, "vanity name already taken (409)")
	}
	mustRun(t, 0, "", nil, append(host, "vanity", "countess")...)

	// --fail fails every call, not only the next one.
	for range 3 {
		r = mustRun(t, exitFailed, "", nil, append(host, "checkout")...)
		oneLineOn(t, r, "(503)", "fails on purpose")
	}
	r = mustRun(t, exitFailed, "", nil, append(host, "paddle-refresh")...)
	oneLineOn(t, r, "Pieces OS internal error (500)")

	r = mustRun(t, 0, "", nil, append(host, "--json", "watch-checkins", "--count", "2")...)
	if n := strings.Count(r.stdout, `{"event":"check-in"`); n != 2 {
		t.Errorf("watch-checkins against serve-fake printed %d check-ins:\n%s", n, r.stdout)
	}

	p.signal(t, os.Interrupt)
	if code := p.wait(t); code != 0 {
		t.Fatalf("serve-fake exited %d\nstderr:\n%s", code, p.stderr.all())
	}
}

func TestServeFakeUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args  []string
		wants []string
	}{
		{[]string{"--fail", "userTeleport=500"}, []string{`unknown operation "userTeleport"`, "userUpdateVanity", "streamUserLastCheckedIn"}},
		{[]string{"--fail", "userSnapshot"}, []string{"OPERATION=STATUS"}},
		{[]string{"--fail", "userSnapshot=teapot"}, []string{"200 to 599"}},
		{[]string{"--fail", "userSnapshot=600"}, []string{"200 to 599"}},
		{[]string{"--addr", "192.0.2.1:39300"}, []string{"loopback"}},
		{[]string{"--addr", "no-port"}, []string{"host:port"}},
		{[]string{"--checkin-interval", "0s"}, []string{"--checkin-interval"}},
		{[]string{"--latency", "-1s"}, []string{"--latency"}},
		{[]string{"extra"}, []string{`unexpected argument "extra"`}},
	}
	for _, tt := range tests {
		r := mustRun(t, exitUsage, "", nil, append([]string{"serve-fake", "--addr", "127.0.0.1:0"}, tt.args...)...)
		oneLineOn(t, r, tt.wants...)
	}
}

// readSpec returns the text of api/openapi.yaml.
func readSpec(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../api/openapi.yaml")
	if err != nil {
		t.Fatalf("reading the spec: %v", err)
	}
	return string(data)
}

func TestOperationIDsFollowTheSpec(t *testing.T) {
	t.Parallel()
	var fromSpec []string
	for _, m := range regexp.MustCompile(`(?m)^\s+operationId:\s*"?(\w+)"?\s*$`).FindAllStringSubmatch(readSpec(t), -1) {
		fromSpec = append(fromSpec, m[1])
	}
	slices.Sort(fromSpec)
	if diff := cmp.Diff(fromSpec, usertest.OperationIDs()); diff != "" {
		t.Errorf("usertest.OperationIDs() differs from the operationIds of api/openapi.yaml (-spec +list):\n%s", diff)
	}
	// Every name --fail accepts is one usertest can fail.
	srv := usertest.Start(t)
	for _, op := range usertest.OperationIDs() {
		if err := srv.FailNext(op, 1, 500, ""); err != nil {
			t.Errorf("usertest refuses --fail %s: %v", op, err)
		}
	}
}

func TestFeaturesFollowTheSpec(t *testing.T) {
	t.Parallel()
	spec := readSpec(t)
	start := strings.Index(spec, "\n    HasFeatureAccessEnum:\n")
	if start < 0 {
		t.Fatal("the spec has no schema HasFeatureAccessEnum")
	}
	block := spec[start+1:]
	block = block[strings.Index(block, "\n")+1:]
	var fromSpec []string
	for line := range strings.SplitSeq(block, "\n") {
		if !strings.HasPrefix(line, "      ") {
			break // the next schema
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "- "); ok {
			fromSpec = append(fromSpec, strings.Trim(v, `"`))
		}
	}
	var listed []string
	for _, f := range specFeatures() {
		if !f.Valid() {
			t.Errorf("feature %q is not a value of the enum", f)
		}
		listed = append(listed, string(f))
	}
	listed = append(listed, "UNKNOWN")
	slices.Sort(listed)
	slices.Sort(fromSpec)
	if diff := cmp.Diff(fromSpec, listed); diff != "" {
		t.Errorf("specFeatures() + UNKNOWN differs from HasFeatureAccessEnum in the spec (-spec +list):\n%s", diff)
	}
}

// TestServeFakeProfileAndSignInDelay checks --profile, whose members this
// version does not know survive snapshot --json | update --file -, and
// --sign-in-delay.
func TestServeFakeProfileAndSignInDelay(t *testing.T) {
	t.Parallel()
	doc := jsonOf(t, mustMarshal(t, usertest.DefaultProfile()))
	doc["timezone"] = "Europe/Paris"
	doc["aesthetics"].(map[string]any)["density"] = "compact"
	file := filepath.Join(t.TempDir(), "profile.json")
	if err := os.WriteFile(file, mustMarshal(t, doc), 0o600); err != nil {
		t.Fatal(err)
	}
	p, url := startServeFake(t, "--addr", "127.0.0.1:0", "--profile", file)
	snap := mustRun(t, exitOK, "", nil, "--host", url, "--json", "snapshot")
	if diff := cmp.Diff(doc, jsonOf(t, []byte(snap.stdout))); diff != "" {
		t.Errorf("snapshot --json differs from --profile (-want +got):\n%s", diff)
	}
	mustRun(t, exitOK, snap.stdout, nil, "--host", url, "update", "--file", "-", "--name", "Ada King")
	doc["name"] = "Ada King"
	after := mustRun(t, exitOK, "", nil, "--host", url, "--json", "snapshot")
	if diff := cmp.Diff(doc, jsonOf(t, []byte(after.stdout))); diff != "" {
		t.Errorf("after snapshot --json | update --file - --name (-want +got):\n%s", diff)
	}
	p.signal(t, os.Interrupt)
	p.wait(t)

	p, url = startServeFake(t, "--addr", "127.0.0.1:0", "--signed-out", "--sign-in-delay", "-1s")
	r := mustRun(t, exitFailed, "", nil, "--host", url, "sign-in", "--wait", "300ms")
	if !strings.Contains(r.stderr, "sign-in: not finished within 300ms") {
		t.Errorf("sign-in against a sign-in that never finishes: stderr\n%s", r.stderr)
	}
	p.signal(t, os.Interrupt)
	p.wait(t)

	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"name":`), 0o600); err != nil {
		t.Fatal(err)
	}
	r = mustRun(t, exitUsage, "", nil, "serve-fake", "--addr", "127.0.0.1:0", "--profile", bad)
	oneLineOn(t, r, "serve-fake: --profile: ")
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
