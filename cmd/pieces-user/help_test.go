package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestHelpListsEveryCommandAndExitCode(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		r := mustRun(t, 0, "", nil, args...)
		for _, c := range commands() {
			if !strings.Contains(r.stdout, "\n  "+c.usageLine()+" ") {
				t.Errorf("%v: the usage lacks command %q:\n%s", args, c.name, r.stdout)
			}
			if c.summary == "" {
				t.Errorf("command %q has no summary", c.name)
			}
		}
		for _, s := range []string{"Exit codes:", "  0  success", "  1  Pieces OS answered with an error", "  2  usage error", "  3  Pieces OS unreachable",
			"--host URL", "--app-id ID", "--token TOKEN", "--timeout DUR", "--json", `{"event":"profile","profile":{...}}`} {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("%v: the usage lacks %q", args, s)
			}
		}
		if r.stderr != "" {
			t.Errorf("%v wrote to standard error: %q", args, r.stderr)
		}
	}
}

func TestHelpOfOneCommand(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help", "feature"}, {"feature", "-h"}, {"feature", "--help"}} {
		r := mustRun(t, 0, "", nil, args...)
		for _, s := range []string{"Usage: pieces-user [global flags] feature FEATURE [flags]", "POST /user/has_feature_access",
			"--model NAME", "--source NAME", "--website URL", "--processing MODE", "--file FILE"} {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("%v lacks %q:\n%s", args, s, r.stdout)
			}
		}
	}
	r := mustRun(t, 0, "", nil, "help", "select")
	for _, s := range []string{"does not sign a person in by name", "--user-id", "--token", "use sign-in"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("help select lacks %q:\n%s", s, r.stdout)
		}
	}
	// Every command has a help page that names it (in process: the
	// binary has been checked above).
	for _, c := range commands() {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), []string{"help", c.name}, strings.NewReader(""), &stdout, &stderr)
		if code != 0 || !strings.Contains(stdout.String(), "] "+c.usageLine()+" [flags]") {
			t.Errorf("help %s: exit %d\n%s%s", c.name, code, stdout.String(), stderr.String())
		}
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := mustRun(t, 0, "", nil, "version")
	if !strings.HasPrefix(r.stdout, progName+" ") || !strings.Contains(r.stdout, "go1.") {
		t.Errorf("version printed %q", r.stdout)
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	r := mustRun(t, 0, "", nil, "demo")
	for _, s := range []string{
		"c.Snapshot(ctx)", "signed in: Ada Lovelace",
		`vanity name is now "countess"`,
		"vanity name already taken (409)", "errors.Is(err, user.ErrConflict) = true", "e.StatusCode = 409",
		"can use: yes",
		"(501)", "errors.Is(err, user.ErrNotImplemented) = true",
		"event profile: Augusta Ada King", "event signed-out",
		"event disconnected: ", "event retrying in ", "the state is delivered again",
	} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("the demo output lacks %q:\n%s", s, r.stdout)
		}
	}
	if r.stderr != "" {
		t.Errorf("the demo wrote to standard error: %q", r.stderr)
	}
}

// TestDemoInProcess runs the demo through run, so that TestMain's leak
// check covers the goroutines of the client, the stream and the fake.
func TestDemoInProcess(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	if code := run(ctx, []string{"demo"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("demo exited %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "Done") {
		t.Errorf("the demo did not finish:\n%s", stdout.String())
	}
}

// TestDemoFailsWhenInterrupted: a demo whose context has ended stops with
// exit code 1 and says why, instead of hanging.
func TestDemoFailsWhenInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"demo"}, strings.NewReader(""), &stdout, &stderr); code != exitFailed {
		t.Fatalf("demo with an ended context exited %d, want %d\nstderr:\n%s", code, exitFailed, stderr.String())
	}
	if !strings.Contains(stderr.String(), "demo failed") {
		t.Errorf("stderr = %q", stderr.String())
	}
}
