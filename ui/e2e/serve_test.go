package e2e

import (
	"context"
	"fmt"
	"github.com/gapdeck/gapdeck/model/audittest"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// requireSSH skips the test without OpenSSH's client (.ci/run installs
// openssh-client).
func requireSSH(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI (openssh-client)", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
}

// sshKey makes an ed25519 key pair named name (comment name@e2e) and
// returns its private key path and SHA256 fingerprint.
func sshKey(t *testing.T, dir, name string) (key, fingerprint string) {
	t.Helper()
	key = filepath.Join(dir, name)
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name+"@e2e", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	out, err := exec.Command("ssh-keygen", "-l", "-f", key+".pub").Output()
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(out)) // "256 SHA256:… name@e2e (ED25519)"
	if len(fields) < 2 || !strings.HasPrefix(fields[1], "SHA256:") {
		t.Fatalf("ssh-keygen -l: %q", out)
	}
	return key, fields[1]
}

// sshLine is the shell line that connects key to the server in tmux, with
// a dumb terminal (the console then marks the cursor row with '>').
func sshLine(port int, key, user string) string {
	return fmt.Sprintf("TERM=dumb ssh -tt -p %d -i %q -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR %s@127.0.0.1; echo SSH-EXITED $?; sleep 60",
		port, key, user)
}

// gapdeck serve, end to end: the built binary serves a profile over
// `gapdeck sim`; real ssh clients in tmux connect as an operator, a
// viewer and a stranger. The operator's stop reaches the simulator, the
// viewer's is refused and changes nothing, the stranger never gets a
// screen, the audit names the operator and their key, and SIGTERM tells
// every session why it closes.
func TestE2EServe(t *testing.T) {
	requireTmux(t)
	requireSSH(t)
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	client := e2eClient(t, base)
	dir := t.TempDir()
	alice, aliceFP := sshKey(t, dir, "alice")
	bob, _ := sshKey(t, dir, "bob")
	mallory, _ := sshKey(t, dir, "mallory")
	for file, key := range map[string]string{"operators.pub": alice, "viewers.pub": bob} {
		pub, err := os.ReadFile(key + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, file), pub, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(e2eToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("profiles:\n  org:\n    api_url: %s\n    token_file: %s\n", base, tokenFile)), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	srv := exec.Command(bin, "serve", "--config", cfg, "--profile", "org", "--listen", fmt.Sprintf("127.0.0.1:%d", port),
		"--operator-keys", filepath.Join(dir, "operators.pub"), "--viewer-keys", filepath.Join(dir, "viewers.pub"),
		"--log-file", filepath.Join(dir, "serve.log"))
	srv.Env = append(withoutEnv(os.Environ(), "EDGEGAP_API_TOKEN"), "XDG_STATE_HOME="+state)
	exited := startServe(t, srv, port)

	stranger := startTmux(t, sshLine(port, mallory, "mallory"))
	if scr := stranger.waitText("SSH-EXITED"); !strings.Contains(scr, "Permission denied (publickey)") || strings.Contains(scr, "Deployments") {
		t.Fatalf("the stranger's ssh:\n%s", scr)
	}

	op := startTmux(t, sshLine(port, alice, "alice"))
	viewer := startTmux(t, sshLine(port, bob, "bob"))
	viewer.waitText("READ-ONLY", "Deployments")
	op.waitText("Deployments", "+1 online")

	// The viewer's stop is refused in the console and changes nothing.
	watched := cursorToReady(viewer, 1)[0]
	viewer.keys("C-d")
	viewer.waitText("read-only: stopping deployments is disabled")
	if gone, state := ended(context.Background(), client, watched); gone {
		t.Fatalf("%s is %s after the viewer's refused stop", watched, state)
	}

	// The operator's stop reaches the simulator.
	target := cursorToReady(op, 1)[0]
	op.keys("C-d")
	op.waitText("Stop")
	op.keys("y")
	waitEnded(t, client, target)
	viewer.waitText("alice@e2e: ") // the others hear of it

	entries, err := audittest.ReadActions(filepath.Join(state, "gapdeck", "audit.jsonl"), 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e.Action == "stop" && len(e.Targets) == 1 && e.Targets[0] == target && e.Actor != nil {
			found = true
			if e.Actor.Name != "alice@e2e" || e.Actor.Role != "operator" || e.Actor.Fingerprint != aliceFP || !strings.HasPrefix(e.Actor.Remote, "127.0.0.1:") {
				t.Errorf("the audit's actor %+v, want alice@e2e, operator, %s, 127.0.0.1", e.Actor, aliceFP)
			}
		}
	}
	if !found {
		t.Fatalf("no audited stop of %s with its actor: %+v", target, entries)
	}
	if log, _ := os.ReadFile(filepath.Join(dir, "serve.log")); strings.Contains(string(log), e2eToken) {
		t.Error("the token is in the server's log")
	}

	// SIGTERM: every session is told why.
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*tmuxSession{op, viewer} {
		if scr := s.waitText("SSH-EXITED"); !strings.Contains(scr, "gapdeck: the server is shutting down") {
			t.Errorf("a session was not told why it closed:\n%s", scr)
		}
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("gapdeck serve exited with %v after SIGTERM", err)
		}
		exited <- nil
	case <-time.After(10 * time.Second):
		t.Fatal("gapdeck serve did not exit after SIGTERM")
	}
}

// waitListening waits until something accepts connections on port.
// startServe starts a gapdeck serve command, kills it when the test ends,
// and waits until it listens on port. The channel receives its exit; a
// test that takes it puts a value back for the cleanup.
func startServe(t *testing.T, srv *exec.Cmd, port int) chan error {
	t.Helper()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	t.Cleanup(func() {
		_ = srv.Process.Kill()
		<-exited
	})
	waitListening(t, port)
	return exited
}

func waitListening(t *testing.T, port int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("gapdeck serve is not listening on %d", port)
}
