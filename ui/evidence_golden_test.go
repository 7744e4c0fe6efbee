package ui

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/teatest"
)

// TestStopDialogGoldens keeps the stop dialog of a deployment whose
// version has no endpoint storage (as opened, and with "save logs first"
// chosen) and of one whose version has it, in
// testdata/TestStopDialogGoldens. The evidence is read by the harness
// before the program runs, so the dialog opens with it and the program
// makes no request. XDG_STATE_HOME is a fixed path (nothing is written)
// because the save choice names the directory. Regenerate with:
// go test ./ui/ -run TestStopDialogGoldens -update
func TestStopDialogGoldens(t *testing.T) {
	stateHome(t, "/var/lib/gapdeck-golden/state", "/var/lib/gapdeck-golden/home")
	for _, gc := range []struct {
		name, filter, wait string
		keys               []string
		sizes              [][2]int
	}{
		{"no-storage", "version:2026.03.1 status:ready", "Chosen: stop without", []string{"ctrl+d"}, bothSizes},
		{"no-storage-save-first", "version:2026.03.1 status:ready", "Chosen: save", []string{"s"}, bothSizes},
		{"storage", "version:2026.04.2 status:ready", "logs are kept", []string{"ctrl+d"}, bothSizes},
	} {
		for _, size := range gc.sizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", gc.name, w, h), func(t *testing.T) {
				hs := newHarness(t, withSize(w, h))
				hs.settle()
				hs.press("2", "3", "4", "1") // load every tab now
				hs.press("/")
				hs.typeText(gc.filter)
				hs.press("enter")
				hs.settle()
				hs.pump(hs.app.checkEvidence([]string{hs.selectedID()}))
				if gc.keys[0] != "ctrl+d" {
					// The dialog opens through a command: keys sent at once
					// could reach the table before it. Open it first.
					hs.press("ctrl+d")
				}
				out := programScreen(t, hs, w, h, gc.keys, gc.wait)
				teatest.RequireEqualOutput(t, []byte(out))
			})
		}
	}
}
