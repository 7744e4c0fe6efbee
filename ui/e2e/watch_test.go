package e2e

import (
	"bytes"
	"fmt"
	"net/http"
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
	scr = waitLong(s, "the alert", 25*time.Second, func(scr string) bool {
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
	found := false
	for _, l := range strings.Split(scr, "\n") {
		found = found || (strings.Contains(l, id) && strings.Contains(l, "→ ERROR"))
	}
	if !found {
		t.Errorf("the feed does not show %s turning ERROR:\n%s", id, scr)
	}

	s.escape()
	s.keys("q")
	scr = s.waitText("GAPDECK-EXITED")
	if !strings.Contains(scr, "GAPDECK-EXITED 0") {
		t.Fatalf("gapdeck did not exit with 0:\n%s", scr)
	}
}
