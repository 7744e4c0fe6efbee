package ui

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api/sim"
)

// TestNoKnownSecretReachesTheConsole drives every console view that shows
// what the simulator answers (the four tabs, every deployment's detail
// and raw JSON, logs, the stop dialog of a deployment of every version
// the world runs, whose reads fetch the versions with their registry
// credentials and env values, and the storage endpoints with their
// access keys, and the deploy form, which reads every version list) and then acts (save logs first and stop, a report), and
// checks that none of sim.KnownSecrets() appears on any screen, in the
// audit file, in the debug log or in a saved file. The terminal is tall
// so that a detail is drawn whole.
func TestNoKnownSecretReachesTheConsole(t *testing.T) {
	dir := t.TempDir()
	stateHome(t, filepath.Join(dir, "state"), filepath.Join(dir, "home"))
	var debug bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&debug, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := settled(t, withSize(160, 200), withLogger(logger))
	auditPath := withAudit(t, h)

	var screens []string
	look := func(what string) {
		screens = append(screens, what+"\n"+ansi.Strip(h.view()))
	}
	for _, tab := range []string{"2", "3", "4", "1"} {
		h.press(tab)
		h.settle()
		look("tab " + tab)
	}
	ids := h.rowIDs()
	if len(ids) < 10 {
		t.Fatalf("%d deployments on screen", len(ids))
	}
	versions := map[string]string{} // app version → a deployment of it
	for _, id := range ids {
		for _, raw := range []bool{false, true} {
			h.send(openDetailMsg{id: id, json: raw})
			h.settle()
			look("detail " + id)
			h.press("esc")
		}
		if row, ok := h.app.store.Get(id); ok && row.Enriched {
			if _, seen := versions[row.App+" "+row.Version]; !seen {
				versions[row.App+" "+row.Version] = id
			}
		}
	}
	h.send(openLogsMsg{ids: ids[:3]})
	h.settle()
	look("logs")
	h.press("esc")
	if len(versions) < 3 {
		t.Fatalf("the walk saw %d versions", len(versions))
	}
	for v, id := range versions {
		h.send(openStopMsg{ids: []string{id}})
		h.settle()
		look("stop dialog of " + v)
		h.press("s") // the choice line names the directory
		look("stop dialog of " + v + ", save first")
		h.press("esc")
	}
	if n := h.calls(versionRoute); n < int64(len(versions)) {
		t.Fatalf("%d version reads for %d versions: the walk did not fetch them", n, len(versions))
	}
	h.press("n") // the deploy form reads every application's versions
	h.settle()
	h.setDeployField(fieldApp, "kart-racing")
	h.setDeployField(fieldVersion, "2026.04.2")
	look("deploy form")
	h.press("esc")
	if h.calls(versionsRoute) == 0 {
		t.Fatal("the deploy form read no versions list")
	}
	lost, ok := versions["kart-racing 2026.03.1"] // no endpoint storage: s is offered
	if !ok {
		t.Fatalf("no deployment of kart-racing 2026.03.1 among %v", versions)
	}
	h.send(openStopMsg{ids: []string{lost}})
	h.settle()
	h.press("s", "y")
	look("after save and stop")
	if h.app.flashErr {
		t.Fatalf("save and stop: %s", h.app.flashText)
	}
	h.command("report secrets walk")
	h.press("y")
	look("after report")

	audit, err := os.ReadFile(auditPath)
	if err != nil || len(audit) == 0 {
		t.Fatalf("audit file: %v (%d bytes)", err, len(audit))
	}
	saved, _ := filepath.Glob(filepath.Join(dir, "state", "gapdeck", "logs", "*"))
	if len(saved) == 0 {
		t.Fatal("no saved log file to check")
	}
	if debug.Len() == 0 {
		t.Fatal("the debug log is empty: nothing to check")
	}
	places := map[string]string{"audit file": string(audit), "debug log": debug.String()}
	for _, f := range saved {
		b, _ := os.ReadFile(f)
		places[f] = string(b)
	}
	for i, s := range screens {
		places[fmt.Sprintf("screen %d (%s)", i, strings.SplitN(s, "\n", 2)[0])] = s
	}
	keys := make([]string, 0, len(places))
	for k := range places {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, secret := range sim.KnownSecrets() {
		for _, k := range keys {
			if strings.Contains(places[k], secret) {
				t.Errorf("%q reaches the %s", secret, k)
			}
		}
	}
	t.Logf("%d screens, %d saved files, %d bytes of debug log, %d versions read", len(screens), len(saved), debug.Len(), len(versions))
}
