package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The end-to-end tests build the real binary and run it: in tmux for the
// console, directly for the command line.

// gapdeckBinary builds the gapdeck command into the test's temporary
// directory (the build cache makes the second build a link).
func gapdeckBinary(t *testing.T) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "gapdeck")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// moduleRoot walks up from the working directory to the go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// tmuxSession is the binary running in a detached tmux session on a
// private server (socket), killed at cleanup.
type tmuxSession struct {
	t      *testing.T
	socket string
}

// requireTmux skips the test when tmux is not installed, except on CI
// (CI=true), which must have it.
func requireTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed: CI must install it for the end-to-end test")
		}
		t.Skip("tmux is not installed")
	}
}

// startTmux runs shell command line in a new 120x40 tmux session.
func startTmux(t *testing.T, line string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("gapdeck-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.tmux("new-session", "-d", "-x", "120", "-y", "40", line)
	return s
}

// tmux runs a tmux command on the session's server.
func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen is what the pane shows now.
func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p") }

// keys sends tmux key names ("Enter", "Escape", "2").
func (s *tmuxSession) keys(keys ...string) { s.tmux(append([]string{"send-keys"}, keys...)...) }

// literal types text as is.
func (s *tmuxSession) literal(text string) { s.tmux("send-keys", "-l", text) }

// escape sends Escape and waits long enough that the next key is not
// read as alt+key.
func (s *tmuxSession) escape() {
	s.keys("Escape")
	time.Sleep(150 * time.Millisecond)
}

// waitFor polls the pane until ok holds, and fails after 10 s.
func (s *tmuxSession) waitFor(what string, ok func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		scr := s.screen()
		if ok(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting for %s; the screen is:\n%s", what, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitText waits until the pane shows every text.
func (s *tmuxSession) waitText(texts ...string) string {
	s.t.Helper()
	return s.waitFor(fmt.Sprintf("%q", texts), func(scr string) bool {
		for _, t := range texts {
			if !strings.Contains(scr, t) {
				return false
			}
		}
		return true
	})
}

// rowRE matches a deployments row: the cursor gutter and a request id.
var rowRE = regexp.MustCompile(`(?m)^[ >]([0-9a-f]{12}) +(\S+)`)

func TestE2EDemo(t *testing.T) {
	requireTmux(t)
	bin := gapdeckBinary(t)
	dir := t.TempDir()
	s := startTmux(t, fmt.Sprintf("XDG_STATE_HOME=%q %q --demo --log-file %q; echo GAPDECK-EXITED $?; sleep 60", dir, bin, filepath.Join(dir, "log")))

	scr := s.waitFor("deployment rows", func(scr string) bool { return rowRE.MatchString(scr) })
	if !strings.Contains(scr, "DEMO") || !strings.Contains(scr, "REQUEST ID") {
		t.Fatalf("demo screen:\n%s", scr)
	}

	for _, tab := range []struct{ key, title string }{{"2", "Fleets"}, {"3", "Policies"}, {"4", "Locations"}, {"1", "Deployments"}} {
		s.keys(tab.key)
		s.waitFor(tab.title+" title", func(scr string) bool {
			lines := strings.Split(scr, "\n")
			return len(lines) > 2 && strings.HasPrefix(lines[2], tab.title)
		})
	}

	s.literal("/status:error")
	scr = s.waitText("/status:error", "filter: status:error")
	for _, m := range rowRE.FindAllStringSubmatch(scr, -1) {
		if m[2] != "ERROR" {
			t.Fatalf("filter status:error shows %s %s:\n%s", m[1], m[2], scr)
		}
	}
	if !rowRE.MatchString(scr) && !strings.Contains(scr, "No deployment matches") {
		t.Fatalf("filter status:error shows neither rows nor the empty text:\n%s", scr)
	}
	s.keys("Enter")
	s.waitFor("the filter line to close", func(scr string) bool { return !strings.Contains(scr, "/status:error") })

	if rowRE.MatchString(s.screen()) {
		s.keys("Enter")
		s.waitText("GENERAL", "PORTS")
		s.escape()
		s.waitText("REQUEST ID")
	} else { // no error right now: clear the filter and open any row
		s.escape()
		s.waitFor("rows", func(scr string) bool { return rowRE.MatchString(scr) })
		s.keys("Enter")
		s.waitText("GENERAL", "PORTS")
		s.escape()
		s.waitText("REQUEST ID")
	}

	s.keys("?")
	s.waitText("NAVIGATION", "COMMANDS")
	s.escape()
	s.waitText("REQUEST ID")

	s.keys("q")
	scr = s.waitText("GAPDECK-EXITED")
	if !strings.Contains(scr, "GAPDECK-EXITED 0") {
		t.Fatalf("gapdeck did not exit with 0:\n%s", scr)
	}
	// The alternate screen is gone: the pane is back to the shell's screen.
	if strings.Contains(scr, "REQUEST ID") {
		t.Fatalf("the console is still on screen after q:\n%s", scr)
	}
	if alt := strings.TrimSpace(s.tmux("display-message", "-p", "#{alternate_on}")); alt != "0" {
		t.Fatalf("the pane is still on the alternate screen (alternate_on=%s)", alt)
	}
}

func TestE2ENoToken(t *testing.T) {
	bin := gapdeckBinary(t)
	cmd := exec.Command(bin)
	cmd.Env = withoutEnv(os.Environ(), "EDGEGAP_API_TOKEN")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("exit: %v, want status 2\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	for _, want := range []string{"gapdeck --demo", "EDGEGAP_API_TOKEN"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	all := stdout.String() + stderr.String()
	for _, bad := range []string{"goroutine", "panic"} {
		if strings.Contains(all, bad) {
			t.Errorf("output mentions %q:\n%s", bad, all)
		}
	}
}

// withoutEnv is env without the variable name.
func withoutEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
