package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/model"
)

// TestE2EProfileSwitchAndRememberedState runs the binary: it starts on the
// demo, switches to a profile on a loopback `gapdeck sim` (another
// organization, labelled prod in the header), refuses a profile whose
// token cannot be read, remembers a sort and a hidden column, and the next
// start without --profile opens the last profile with them.
func TestE2EProfileSwitchAndRememberedState(t *testing.T) {
	requireTmux(t)
	t.Parallel()
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "alpha.token")
	if err := os.WriteFile(tokenFile, []byte(e2eToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`profiles:
  alpha:
    api_url: %s
    token_file: %s
    env: {label: prod, color: red}
  broken:
    api_url: %s
    token_command: ["false"]
`, base, tokenFile, base)), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	run := func(args string) *tmuxSession {
		return startTmux(t, fmt.Sprintf("XDG_STATE_HOME=%q NO_COLOR=1 %q --config %q --log-file %q %s; echo GAPDECK-EXITED $?; sleep 60",
			state, bin, cfg, filepath.Join(dir, "log"), args))
	}
	ids := func(scr string) []string {
		var out []string
		for _, m := range rowRE.FindAllStringSubmatch(scr, -1) {
			out = append(out, m[1])
		}
		return out
	}

	s := run("--demo")
	demoIDs := ids(s.waitFor("demo rows", func(scr string) bool { return rowRE.MatchString(scr) }))
	s.keys(":")
	s.literal("profile broken")
	s.keys("Enter")
	s.waitText("still on demo, cannot switch to profile broken")
	s.keys(":")
	s.literal("profile alpha")
	s.keys("Enter")
	scr := s.waitFor("alpha's rows", func(scr string) bool {
		got := ids(scr)
		return strings.Contains(scr, "alpha  prod ") && len(got) > 0 && !slices.Contains(demoIDs, got[0])
	})
	for _, id := range ids(scr) {
		if slices.Contains(demoIDs, id) {
			t.Fatalf("demo deployment %s shown on alpha:\n%s", id, scr)
		}
	}
	s.keys("A") // by age, reversed
	s.waitText("AGE▼")
	s.keys(":")
	s.literal("cols -ip")
	s.keys("Enter")
	s.waitFor("PUBLIC IP hidden", func(scr string) bool { return !strings.Contains(scr, "PUBLIC IP") })
	s.keys("q")
	s.waitText("GAPDECK-EXITED 0")

	saved, err := model.LoadViewState(filepath.Join(state, "gapdeck", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := model.TabState{Sort: "age", Desc: true, Hidden: []string{"ip"}}
	if saved.Profile != "alpha" || !saved.Tabs["Deployments"].Equal(want) {
		t.Fatalf("saved state %+v, want profile alpha and Deployments %+v", saved, want)
	}

	// Two profiles and no default_profile: only the remembered one lets
	// it start without --profile.
	s = run("")
	scr = s.waitFor("alpha's rows", func(scr string) bool { return rowRE.MatchString(scr) && strings.Contains(scr, "alpha  prod ") })
	if !strings.Contains(scr, "AGE▼") || strings.Contains(scr, "PUBLIC IP") {
		t.Fatalf("the remembered sort and columns were not restored:\n%s", scr)
	}
}
