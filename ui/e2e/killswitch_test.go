package e2e

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model/audittest"
)

// versionRowRE is the row under the cursor on a versions page.
var versionRowRE = regexp.MustCompile(`(?m)^>(\S+) +(yes|no) `)

// The kill switch through the console: disable kart-racing 2026.04.2 on
// its application's page (typing its name, as it has running
// deployments), then a v2 deploy of it fails with the API's message, and
// the audit file has the disable.
func TestE2EKillSwitchDisablesAVersion(t *testing.T) {
	requireTmux(t)
	t.Parallel()
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	client := e2eClient(t, base)
	state := t.TempDir()
	s := startConsole(t, bin, base, state)
	s.waitText("REQUEST ID")

	s.literal(":apps kart-racing")
	s.keys("Enter")
	s.waitText("Versions of kart-racing", "2026.04.2", "LOG STORAGE")
	for range 10 {
		scr := s.screen()
		m := versionRowRE.FindStringSubmatch(scr)
		if m != nil && m[1] == "2026.04.2" {
			break
		}
		s.literal("j")
		s.waitFor("the cursor to move", func(next string) bool { return next != scr })
	}
	if m := versionRowRE.FindStringSubmatch(s.screen()); m == nil || m[1] != "2026.04.2" || m[2] != "yes" {
		t.Fatalf("the cursor is not on an active 2026.04.2:\n%s", s.screen())
	}

	s.literal("x")
	scr := s.waitText("Disable kart-racing 2026.04.2?", "No new deployments of kart-racing 2026.04.2", "are not stopped")
	if strings.Contains(scr, "type 2026.04.2") {
		s.literal("2026.04.2")
		s.keys("Enter")
	} else {
		s.literal("y")
	}
	s.waitText("kart-racing 2026.04.2 disabled: no new deployments")
	s.waitFor("the row to show it disabled", func(scr string) bool {
		m := versionRowRE.FindStringSubmatch(scr)
		return m != nil && m[1] == "2026.04.2" && m[2] == "no"
	})

	v, err := client.AppVersion(context.Background(), "kart-racing", "2026.04.2")
	if err != nil || v.Active() {
		t.Fatalf("the simulator's version after the disable: %+v, %v", v, err)
	}
	_, err = client.DeployV2(context.Background(), api.DeployV2Request{
		Application: "kart-racing", Version: "2026.04.2", Users: []api.DeployUser{{UserType: "ip_address", UserData: api.DeployUserIP{IPAddress: "1.2.3.4"}}},
	})
	if err == nil || !strings.Contains(err.Error(), "Application version kart-racing 2026.04.2 is not active") {
		t.Fatalf("a v2 deploy of the disabled version: %v, want the API's refusal", err)
	}

	entries, err := audittest.ReadActions(filepath.Join(state, "gapdeck", "audit.jsonl"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("the audit has %d entries, want the disable: %+v", len(entries), entries)
	}
	if e := entries[0]; e.Action != "version-disable" || len(e.Targets) != 1 || e.Targets[0] != "kart-racing 2026.04.2" || e.Outcome != "ok" || e.HTTPStatus != 200 {
		t.Fatalf("audit entry %+v", e)
	}
}
