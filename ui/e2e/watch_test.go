package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// badgeRE is the header's count of unseen alerts.
var badgeRE = regexp.MustCompile(`(?m)^gapdeck .* !(\d+) `)

// simFail makes deployment id turn ERROR now, through the simulator's own
// route (POST /_sim/fail/{id}, the organization's token).
func simFail(t *testing.T, base, id, detail string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/_sim/fail/"+id, bytes.NewBufferString(detail))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+e2eToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_sim/fail/%s: %s", id, resp.Status)
	}
}

// TestE2EWatchBellFlashBadge watches an app from the command line, makes
// one of its deployments (on screen) fail in the simulator, and sees the
// bell (tmux's window_bell_flag: the session is detached, so tmux flags
// the bell; monitor-bell is on by default), the flash naming the app and
// the !N badge; E opens the feed, clears the badge and shows the
// transition. Until a faster ERROR watch lands, the engine sees the
// failure through the visible rows' status polling (every 10 s).
func TestE2EWatchBellFlashBadge(t *testing.T) {
	requireTmux(t)
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	dir := t.TempDir()
	line := fmt.Sprintf("EDGEGAP_API_TOKEN=%s XDG_STATE_HOME=%q XDG_CONFIG_HOME=%q NO_COLOR=1 %q --api-url %q --log-file %q; echo GAPDECK-EXITED $?; sleep 60",
		e2eToken, dir, filepath.Join(dir, "config"), bin, base, filepath.Join(dir, "log"))
	s := startTmux(t, line)

	id := cursorToReady(s, 1)[0]
	scr := s.screen()
	var app string
	for _, l := range strings.Split(scr, "\n") {
		if strings.HasPrefix(l, ">"+id) {
			if f := strings.Fields(l); len(f) > 2 {
				app = f[2]
			}
		}
	}
	if app == "" {
		t.Fatalf("no app on the cursor row of %s:\n%s", id, scr)
	}
	if flag := strings.TrimSpace(s.tmux("display-message", "-p", "#{window_bell_flag}")); flag != "0" {
		t.Fatalf("the bell flag is %q before anything failed", flag)
	}

	s.literal(":watch app " + app)
	s.keys("Enter")
	s.waitText("watching app " + app)

	simFail(t, base, id, "Pull image timeout exceeded")
	waitLong(s, "the alert", 25*time.Second, func(scr string) bool {
		return badgeRE.MatchString(scr) && strings.Contains(scr, "watched app "+app)
	})
	if flag := strings.TrimSpace(s.tmux("display-message", "-p", "#{window_bell_flag}")); flag != "1" {
		t.Errorf("no bell: window_bell_flag = %q", flag)
	}

	s.keys("E")
	scr = s.waitText("Events", "SEVERITY")
	if badgeRE.MatchString(scr) {
		t.Errorf(":events did not clear the badge:\n%s", scr)
	}
	// The first alert may be another deployment of the app (the
	// simulator fails some on its own): wait for this one's transition.
	waitLong(s, id+" turning ERROR in the feed", 25*time.Second, func(scr string) bool {
		for _, l := range strings.Split(scr, "\n") {
			if strings.Contains(l, id) && strings.Contains(l, "→ ERROR") {
				return true
			}
		}
		return false
	})

	s.escape()
	s.keys("q")
	scr = s.waitText("GAPDECK-EXITED")
	if !strings.Contains(scr, "GAPDECK-EXITED 0") {
		t.Fatalf("gapdeck did not exit with 0:\n%s", scr)
	}
}

// TestE2EServeBellGoesToTheWatchingSession: under gapdeck serve, the bell
// of an alert is written to the SSH channel of the session that watches,
// not to the server's output nor to the other sessions. Alice watches a
// deployment, Bob (on the same engine) does not; it fails: Alice's pane
// rings and shows the badge, Bob's does neither.
func TestE2EServeBellGoesToTheWatchingSession(t *testing.T) {
	requireTmux(t)
	requireSSH(t)
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	dir := t.TempDir()
	alice, _ := sshKey(t, dir, "alice")
	bob, _ := sshKey(t, dir, "bob")
	var operators []byte
	for _, key := range []string{alice, bob} {
		pub, err := os.ReadFile(key + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		operators = append(operators, pub...)
	}
	if err := os.WriteFile(filepath.Join(dir, "operators.pub"), operators, 0o600); err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(e2eToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("profiles:\n  org:\n    api_url: %s\n    token_file: %s\n", base, tokenFile)), 0o600); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	srv := exec.Command(bin, "serve", "--config", cfg, "--profile", "org", "--listen", fmt.Sprintf("127.0.0.1:%d", port),
		"--operator-keys", filepath.Join(dir, "operators.pub"), "--log-file", filepath.Join(dir, "serve.log"))
	srv.Env = append(withoutEnv(os.Environ(), "EDGEGAP_API_TOKEN"), "XDG_STATE_HOME="+filepath.Join(dir, "state"))
	srvOut, err := os.Create(filepath.Join(dir, "serve.stdout")) // a file: no copying goroutine to race with
	if err != nil {
		t.Fatal(err)
	}
	defer srvOut.Close()
	srv.Stdout, srv.Stderr = srvOut, srvOut
	startServe(t, srv, port)

	a := startTmux(t, sshLine(port, alice, "alice"))
	b := startTmux(t, sshLine(port, bob, "bob"))
	a.waitText("Deployments", "+1 online")
	b.waitText("Deployments", "+1 online")
	id := cursorToReady(a, 1)[0]
	a.keys("w")
	a.waitText("watching deployment " + id)
	b.keys("j") // any key: Bob is at the console, the same rows on screen

	simFail(t, base, id, "Pull image timeout exceeded")
	waitLong(a, "Alice's alert", 25*time.Second, func(scr string) bool {
		return strings.Contains(scr, "watched deployment "+id) && strings.Contains(scr, " !1 ")
	})
	if flag := strings.TrimSpace(a.tmux("display-message", "-p", "#{window_bell_flag}")); flag != "1" {
		t.Errorf("Alice's pane did not ring: window_bell_flag = %q", flag)
	}
	if flag := strings.TrimSpace(b.tmux("display-message", "-p", "#{window_bell_flag}")); flag != "0" {
		t.Errorf("Bob's pane rang for Alice's watch: window_bell_flag = %q", flag)
	}
	if scr := b.screen(); strings.Contains(scr, "watched deployment") || badgeRE.MatchString(scr) {
		t.Errorf("Bob's console alerted on Alice's watch:\n%s", scr)
	}
	if out, err := os.ReadFile(srvOut.Name()); err != nil || bytes.Contains(out, []byte{'\a'}) {
		t.Errorf("the bell went to the server's output (%v): %q", err, out)
	}
}
