package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/model"
)

// TestE2EProfileSwitchAndRememberedState runs the binary with a config of
// two profiles, each on its own loopback `gapdeck sim` (two organizations:
// other worlds, other tokens). It starts on alpha (labelled prod in the
// header), refuses a profile whose token cannot be read, switches to beta
// with :profile and shows beta's deployments (checked against beta's API),
// remembers a sort and a hidden column, and the next start without
// --profile opens the last profile with them.
func TestE2EProfileSwitchAndRememberedState(t *testing.T) {
	requireTmux(t)
	t.Parallel()
	bin := gapdeckBinary(t)
	const betaToken = "tok-e2e-beta-93ac"
	alphaBase := startSimOrg(t, bin, 3, e2eToken)
	betaBase := startSimOrg(t, bin, 11, betaToken)
	orgIDs := func(base, token string) []string {
		var ids []string
		for d, err := range e2eClientOf(t, base, token).AllDeployments(context.Background(), nil, 100) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, d.RequestID)
		}
		return ids
	}
	alphaAll, betaAll := orgIDs(alphaBase, e2eToken), orgIDs(betaBase, betaToken)
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
  beta:
    api_url: %s
    token_command: ["echo", "%s"]
    env: {label: staging, color: yellow}
  broken:
    api_url: %s
    token_command: ["false"]
`, alphaBase, tokenFile, betaBase, betaToken, betaBase)), 0o600); err != nil {
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

	s := run("--profile alpha")
	scr := s.waitFor("alpha's rows", func(scr string) bool { return rowRE.MatchString(scr) && strings.Contains(scr, "alpha  prod ") })
	alphaShown := ids(scr)
	for _, id := range alphaShown {
		if !slices.Contains(alphaAll, id) {
			t.Fatalf("alpha shows %s, which alpha's API does not list:\n%s", id, scr)
		}
	}
	s.keys(":")
	s.literal("profile broken")
	s.keys("Enter")
	s.waitText("still on alpha, cannot switch to profile broken")
	s.keys(":")
	s.literal("profile beta")
	s.keys("Enter")
	scr = s.waitFor("beta's rows", func(scr string) bool {
		got := ids(scr)
		return strings.Contains(scr, "beta  staging ") && len(got) > 0 && !slices.Contains(alphaShown, got[0])
	})
	for _, id := range ids(scr) {
		if !slices.Contains(betaAll, id) || slices.Contains(alphaAll, id) {
			t.Fatalf("beta shows %s, which is not beta's (in beta's API: %v, in alpha's: %v):\n%s",
				id, slices.Contains(betaAll, id), slices.Contains(alphaAll, id), scr)
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
	if saved.Profile != "beta" || !saved.Tabs["Deployments"].Equal(want) {
		t.Fatalf("saved state %+v, want profile beta and Deployments %+v", saved, want)
	}

	// Several profiles and no default_profile: only the remembered one
	// lets it start without --profile.
	s = run("")
	scr = s.waitFor("beta's rows", func(scr string) bool { return rowRE.MatchString(scr) && strings.Contains(scr, "beta  staging ") })
	if !strings.Contains(scr, "AGE▼") || strings.Contains(scr, "PUBLIC IP") {
		t.Fatalf("the remembered sort and columns were not restored:\n%s", scr)
	}
}
