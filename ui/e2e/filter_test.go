package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/model"
)

// TestE2ERememberedFilterIsHistory starts the binary (--demo) with a state
// file from an older run that holds a Deployments filter: every row shows
// (the filter is not restored), the filter line offers it as history, a
// new filter typed after / replaces the one in force (never appended), up
// recalls the older ones, and the history is saved on quit.
func TestE2ERememberedFilterIsHistory(t *testing.T) {
	requireTmux(t)
	t.Parallel()
	bin := gapdeckBinary(t)
	dir := t.TempDir()
	statePath := filepath.Join(dir, "gapdeck", "state.json")
	if err := os.MkdirAll(filepath.Dir(statePath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(statePath, []byte(`{"tabs": {"Deployments": {"filter": "status:error"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, fmt.Sprintf("XDG_STATE_HOME=%q NO_COLOR=1 %q --demo --log-file %q; echo GAPDECK-EXITED $?; sleep 60",
		dir, bin, filepath.Join(dir, "log")))

	// Every row: several statuses on screen, no filter in the title.
	statuses := func(scr string) map[string]bool {
		out := map[string]bool{}
		for _, m := range rowRE.FindAllStringSubmatch(scr, -1) {
			out[m[2]] = true
		}
		return out
	}
	scr := s.waitFor("rows of several statuses", func(scr string) bool {
		st := statuses(scr)
		return len(st) >= 2 && st["READY"]
	})
	title := strings.Split(scr, "\n")[2]
	if strings.Contains(title, "filter:") || strings.Contains(title, " of ") {
		t.Fatalf("the remembered filter still applies: title %q\n%s", title, scr)
	}

	// / opens an empty line; the old filter is one up away.
	s.keys("/")
	s.waitText("up: status:error")
	s.literal("status:ready")
	scr = s.waitText("filter: status:ready")
	if strings.Contains(scr, "status:errorstatus:ready") || strings.Contains(scr, "filter: status:error") {
		t.Fatalf("typing after / appended to the old filter:\n%s", scr)
	}
	s.keys("Enter")
	scr = s.waitFor("the filter line to close", func(scr string) bool { return !strings.Contains(scr, "/status:ready") })
	for _, m := range rowRE.FindAllStringSubmatch(scr, -1) {
		if m[2] != "READY" {
			t.Fatalf("filter status:ready shows %s %s:\n%s", m[1], m[2], scr)
		}
	}

	// up walks the history, newest first.
	s.keys("/")
	s.waitText("up: status:ready")
	s.keys("Up")
	s.waitText("/status:ready")
	s.keys("Up")
	s.waitText("/status:error", "filter: status:error")
	s.escape() // leaves, clearing the filter
	s.waitFor("no filter", func(scr string) bool {
		return !strings.Contains(strings.Split(scr, "\n")[2], "filter:") && len(statuses(scr)) >= 2
	})

	s.keys("q")
	if scr := s.waitText("GAPDECK-EXITED"); !strings.Contains(scr, "GAPDECK-EXITED 0") {
		t.Fatalf("gapdeck did not exit with 0:\n%s", scr)
	}
	saved, err := model.LoadViewState(statePath)
	if err != nil {
		t.Fatal(err)
	}
	if got := saved.Filters("Deployments"); strings.Join(got, ",") != "status:ready,status:error" {
		t.Fatalf("saved history %q, want [status:ready status:error]", got)
	}
	if raw, _ := os.ReadFile(statePath); strings.Contains(string(raw), `"filter"`) {
		t.Fatalf("the saved state holds an active filter:\n%s", raw)
	}
}
