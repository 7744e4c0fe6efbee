package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/model/audittest"
)

// TestE2EStopSavesTheLogsFirst: a deployment of kart-racing 2026.03.1
// (no endpoint storage in the simulator) is stopped choosing "save logs
// first": the dialog says the logs will be deleted, the footer names the
// file, the file under $XDG_STATE_HOME/gapdeck/logs holds its logs, the
// deployment ends and the audit records the choice.
func TestE2EStopSavesTheLogsFirst(t *testing.T) {
	requireTmux(t)
	t.Parallel()
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	client := e2eClient(t, base)
	// A short state directory, so the footer shows the saved file's
	// whole path.
	state, err := os.MkdirTemp("", "gd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(state) })
	s := startConsole(t, bin, base, state)
	s.waitText("REQUEST ID")
	s.literal("/")
	s.literal("version:2026.03.1 status:ready")
	s.keys("Enter")
	s.waitText("version:2026.03.1")
	want := cursorToReady(s, 1)[0]
	s.keys("C-d")
	scr := s.waitText("Stop deployment ", "will be deleted at stop", "s save logs first")
	m := regexp.MustCompile(`Stop deployment ([0-9a-f]{12})\?`).FindStringSubmatch(scr)
	if m == nil {
		t.Fatalf("the stop confirmation names no deployment:\n%s", scr)
	}
	id := m[1]
	if id != want {
		t.Logf("the cursor row changed: stopping %s, not %s", id, want)
	}
	if !strings.Contains(scr, "kart-racing 2026.03.1 has no endpoint storage") {
		t.Fatalf("the dialog does not say why the logs are lost:\n%s", scr)
	}
	s.keys("s")
	s.waitText("Chosen: save the current logs of 1 deployment")
	s.keys("y")
	scr = s.waitText("logs saved to ")
	waitEnded(t, client, id)

	files, _ := filepath.Glob(filepath.Join(state, "gapdeck", "logs", "gapdeck-logs-"+id+"-*.log"))
	if len(files) != 1 {
		t.Fatalf("saved files %v, want one for %s", files, id)
	}
	body, err := os.ReadFile(files[0])
	if err != nil || len(strings.TrimSpace(string(body))) == 0 {
		t.Fatalf("the saved file %s: %v, %d bytes", files[0], err, len(body))
	}
	if !strings.Contains(scr, "logs saved to "+files[0]) {
		t.Errorf("the footer does not show the saved file %s: %s", files[0], lastLine(scr))
	}
	entries, err := audittest.ReadActions(filepath.Join(state, "gapdeck", "audit.jsonl"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Action != "stop" || entries[0].Detail != "logs saved to "+files[0] {
		t.Fatalf("audit %+v, want the stop of %s with the saved file", entries, id)
	}
	t.Logf("saved %d lines of %s to %s", strings.Count(string(body), "\n"), id, files[0])
}

// lastLine is the last non-empty line of a screen.
func lastLine(scr string) string {
	lines := strings.Split(strings.TrimRight(scr, "\n "), "\n")
	return lines[len(lines)-1]
}
