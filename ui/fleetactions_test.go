package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
)

const (
	fleetPatchRoute  = "PATCH /v1/fleet/{fleet}"
	fleetLinkRoute   = "PUT /v1/fleet/{fleet}/app/{app}/version/{version}"
	fleetUnlinkRoute = "DELETE /v1/fleet/{fleet}/app/{app}/version/{version}"
)

// onCatalogRow switches to tab, waits for the row key and puts the cursor
// on it.
func (h *harness) onCatalogRow(tab int, key string) {
	h.t.Helper()
	h.press([]string{"1", "2", "3", "4"}[tab])
	t := h.app.tabs[tab].(*catalogTab)
	h.settle(func() bool { return t.rows.Position(key) >= 0 })
	h.press("home")
	for range t.rows.Total() {
		if r, ok := t.list.selected(); ok && r.key == key {
			return
		}
		h.press("down")
	}
	h.t.Fatalf("row %s not reached on %s:\n%s", key, t.title, h.view())
}

// serverFleet is the simulator's Smart Fleet name.
func serverFleet(t *testing.T, h *harness, name string) *api.Fleet {
	t.Helper()
	f, err := h.client.Fleet(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// catalogFleet is the fleet as the console's catalog holds it.
func catalogFleet(t *testing.T, h *harness, name string) api.Fleet {
	t.Helper()
	i := h.app.cat.fleetIndex(name)
	if i < 0 {
		t.Fatalf("fleet %s not in the catalog", name)
	}
	return h.app.cat.Fleets[i]
}

// lastAudit is the newest audit entry; it fails when there are not n.
func lastAudit(t *testing.T, path string, n int) model.AuditEntry {
	t.Helper()
	entries := auditActions(t, path)
	if len(entries) != n {
		t.Fatalf("%d audit entries, want %d: %+v", len(entries), n, entries)
	}
	return entries[len(entries)-1]
}

func TestFleetToggleConfirmsSendsOptimisticallyAndAudits(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	h.onCatalogRow(tabFleets, "smart/na-tournament")
	if !serverFleet(t, h, "na-tournament").Enabled {
		t.Fatal("the simulator's na-tournament should start enabled")
	}

	// Cancel is focused: enter sends nothing.
	h.press("e")
	if _, ok := h.app.dialog.(*confirmDialog); !ok {
		t.Fatalf("e opened %T, want a confirmation", h.app.dialog)
	}
	h.mustContain("Disable Smart Fleet na-tournament?", "enabled yes → no", "2 policies", "[ Cancel ]")
	h.press("enter")
	h.mustContain("cancelled: nothing was sent")
	if n := h.calls(fleetPatchRoute); n != 0 || !catalogFleet(t, h, "na-tournament").Enabled {
		t.Fatalf("a cancelled toggle sent %d requests", n)
	}

	// Confirmed: the row shows "no" before the answer.
	h.press("e")
	cmd := h.update(keyMsg("y"))
	if catalogFleet(t, h, "na-tournament").Enabled {
		t.Fatal("the row does not show the new flag at once")
	}
	h.pump(cmd)
	if n := h.calls(fleetPatchRoute); n != 1 {
		t.Fatalf("%d PATCH requests, want 1", n)
	}
	if serverFleet(t, h, "na-tournament").Enabled {
		t.Fatal("the simulator's fleet is still enabled")
	}
	h.mustContain("Smart Fleet na-tournament disabled")
	e := lastAudit(t, path, 1)
	if e.Action != "fleet-disable" || e.Targets[0] != "na-tournament" || e.Outcome != "ok" || e.HTTPStatus != 200 || e.Detail != "enabled yes → no" {
		t.Fatalf("audit entry %+v", e)
	}

	// And back on.
	h.press("e")
	h.mustContain("Enable Smart Fleet na-tournament?", "enabled no → yes")
	h.press("y")
	if !serverFleet(t, h, "na-tournament").Enabled || !catalogFleet(t, h, "na-tournament").Enabled {
		t.Fatal("enable did not reach the simulator and the row")
	}
	if e := lastAudit(t, path, 2); e.Action != "fleet-enable" || e.Outcome != "ok" {
		t.Fatalf("audit entry %+v", e)
	}
}

func TestFleetToggleRollsBackOnDeprecation404(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	h.onCatalogRow(tabFleets, "smart/apac-ranked")
	h.sim.SetLegacyFleets(false) // deprecated after the console read them
	h.press("e")
	h.mustContain("Enable Smart Fleet apac-ranked?")
	cmd := h.update(keyMsg("y"))
	if !catalogFleet(t, h, "apac-ranked").Enabled {
		t.Fatal("the row does not show the new flag at once")
	}
	// The answer, before the refresh it triggers.
	msg := runUntil[fleetToggleDoneMsg](t, cmd)
	h.send(msg)
	if !api.IsNotFound(msg.err) {
		t.Fatalf("err = %v, want a 404", msg.err)
	}
	h.mustContain("enable Smart Fleet apac-ranked failed: 404", "deprecated on 2026-03-01")
	if i := h.app.cat.fleetIndex("apac-ranked"); i >= 0 && h.app.cat.Fleets[i].Enabled {
		t.Fatal("a failed enable was not rolled back")
	}
	e := lastAudit(t, path, 1)
	if e.Action != "fleet-enable" || e.HTTPStatus != 404 || !strings.HasPrefix(e.Outcome, "failed: ") {
		t.Fatalf("audit entry %+v", e)
	}
	// The refresh learns that Smart Fleets are gone.
	h.settle(func() bool { return h.app.cat.SmartGone })
}

func TestFleetToggleRollsBackOnServerError(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	h.onCatalogRow(tabFleets, "smart/eu-casual")
	h.sim.SetFaults(sim.Faults{Error500: 1})
	h.press("e", "y")
	h.sim.SetFaults(sim.Faults{})
	if !catalogFleet(t, h, "eu-casual").Enabled {
		t.Fatal("a failed disable was not rolled back")
	}
	h.mustContain("disable Smart Fleet eu-casual failed: 500")
	h.mustNotContain("deprecated")
	if !serverFleet(t, h, "eu-casual").Enabled {
		t.Fatal("the simulator's fleet changed")
	}
	if e := lastAudit(t, path, 1); e.HTTPStatus != 500 || !strings.HasPrefix(e.Outcome, "failed: ") {
		t.Fatalf("audit entry %+v", e)
	}
}

func TestFleetActionsRefusedOnPrivateFleets(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	private := h.sim.PrivateFleetNames()[0]
	h.onCatalogRow(tabFleets, "private/"+private)
	for key, want := range map[string]string{
		"e": private + " is a private fleet: only Smart Fleets can be enabled or disabled",
		"a": private + " is a private fleet: only Smart Fleets can link app versions",
		"u": private + " is a private fleet: only Smart Fleets can link app versions",
	} {
		h.press(key)
		if h.app.dialog != nil {
			t.Fatalf("%s on a private fleet opened %T", key, h.app.dialog)
		}
		h.mustContain(want)
	}
	for _, r := range []string{fleetPatchRoute, fleetLinkRoute, fleetUnlinkRoute} {
		if n := h.calls(r); n != 0 {
			t.Fatalf("%d %s requests", n, r)
		}
	}
	if n := len(auditActions(t, path)); n != 0 {
		t.Fatalf("%d audit entries for refused actions", n)
	}
}

// linkForm fills the link form with app and version and submits it.
func (h *harness) linkForm(app, version string) {
	h.t.Helper()
	if _, ok := h.app.dialog.(*formDialog); !ok {
		h.t.Fatalf("the dialog is %T, want the form", h.app.dialog)
	}
	h.typeText(app)
	h.press("tab")
	h.typeText(version)
	h.press("tab", "right", "enter")
}

func TestFleetLinkFormValidatesConfirmsAndSends(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	h.onCatalogRow(tabFleets, "smart/eu-casual")

	// Empty fields: submit refused, both errors shown in the form.
	h.press("a")
	h.mustContain("Link an app version to eu-casual", "application", "version")
	h.press("tab", "tab", "right", "enter")
	if _, ok := h.app.dialog.(*formDialog); !ok {
		t.Fatalf("an empty form was submitted: %T", h.app.dialog)
	}
	h.mustContain("✗ the application is required", "✗ the version is required")
	h.press("esc")
	h.mustContain("cancelled: nothing was sent")

	// Filled: the confirmation defaults to Cancel.
	h.press("a")
	h.linkForm("kart-racing", "2026.04.2")
	if _, ok := h.app.dialog.(*confirmDialog); !ok {
		t.Fatalf("a valid form opened %T, want the confirmation", h.app.dialog)
	}
	h.mustContain("Link kart-racing 2026.04.2 to Smart Fleet eu-casual?", "[ Cancel ]")
	h.press("enter")
	if n := h.calls(fleetLinkRoute); n != 0 {
		t.Fatalf("cancel sent %d link requests", n)
	}

	h.press("a")
	h.linkForm("kart-racing", "2026.04.2")
	h.press("y")
	if n := h.calls(fleetLinkRoute); n != 1 {
		t.Fatalf("%d link requests, want 1", n)
	}
	h.mustContain("kart-racing 2026.04.2 linked to Smart Fleet eu-casual")
	e := lastAudit(t, path, 1)
	if e.Action != "fleet-link" || e.Targets[0] != "eu-casual" || e.Detail != "app kart-racing version 2026.04.2" || e.Outcome != "ok" || e.HTTPStatus != 200 {
		t.Fatalf("audit entry %+v", e)
	}

	// Unlink it through the console: the simulator answers 404 to an
	// unlink of a version that is not linked, so success proves the link.
	h.press("u")
	h.mustContain("Unlink an app version from eu-casual", "does not list linked versions")
	h.linkForm("kart-racing", "2026.04.2")
	h.mustContain("Unlink kart-racing 2026.04.2 from Smart Fleet eu-casual?")
	h.press("y")
	h.mustContain("kart-racing 2026.04.2 unlinked from Smart Fleet eu-casual")
	if e := lastAudit(t, path, 2); e.Action != "fleet-unlink" || e.Outcome != "ok" || e.HTTPStatus != 204 {
		t.Fatalf("audit entry %+v", e)
	}
	if err := h.client.UnlinkFleetAppVersion(context.Background(), "eu-casual", "kart-racing", "2026.04.2"); !api.IsNotFound(err) {
		t.Fatalf("the version is still linked on the simulator (unlink again: %v)", err)
	}
}

func TestFleetLinkFailuresShowTheCause(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	h.onCatalogRow(tabFleets, "smart/eu-casual")

	h.press("a")
	h.linkForm("cozy-farm", "9.9.9")
	h.press("y")
	h.mustContain("link cozy-farm 9.9.9 to Smart Fleet eu-casual failed: 404", "has no version")
	if e := lastAudit(t, path, 1); e.Action != "fleet-link" || e.HTTPStatus != 404 || !strings.HasPrefix(e.Outcome, "failed: ") {
		t.Fatalf("audit entry %+v", e)
	}

	h.press("u")
	h.linkForm("arena-shooter", "v1.9.3") // linked to apac-ranked, not eu-casual
	h.press("y")
	h.mustContain("unlink arena-shooter v1.9.3 from Smart Fleet eu-casual failed: 404", "is not linked")
	h.mustNotContain("deprecated")

	h.sim.SetLegacyFleets(false)
	h.press("a")
	h.linkForm("cozy-farm", "0.15.1")
	h.press("y")
	h.mustContain("failed: 404", "deprecated on 2026-03-01")
	if e := lastAudit(t, path, 3); e.Action != "fleet-link" || e.HTTPStatus != 404 {
		t.Fatalf("audit entry %+v", e)
	}
}

func TestFleetAndPolicyActionsRefusedInReadOnly(t *testing.T) {
	h := settled(t, withReadOnly())
	path := withAudit(t, h)
	h.onCatalogRow(tabFleets, "smart/na-tournament")
	for _, k := range []string{"e", "a", "u"} {
		h.press(k)
		if h.app.dialog != nil {
			t.Fatalf("read-only: %s opened %T", k, h.app.dialog)
		}
		h.mustContain("read-only: changing fleets and policies is disabled")
	}
	h.onCatalogRow(tabPolicies, "na-tournament/quebec-core")
	for _, k := range []string{"e", "ctrl+d"} {
		h.press(k)
		if h.app.dialog != nil {
			t.Fatalf("read-only: %s opened %T", k, h.app.dialog)
		}
		h.mustContain("read-only: changing fleets and policies is disabled")
	}
	for _, r := range []string{fleetPatchRoute, fleetLinkRoute, fleetUnlinkRoute, policyPatchRoute, policyDeleteRoute} {
		if n := h.calls(r); n != 0 {
			t.Fatalf("read-only: %d %s requests", n, r)
		}
	}
	if n := len(auditActions(t, path)); n != 0 {
		t.Fatalf("%d audit entries in read-only mode", n)
	}
	// The client refuses too.
	on := true
	if _, err := h.client.UpdateFleet(context.Background(), "na-tournament", api.FleetUpdate{Enabled: &on}); err == nil {
		t.Fatal("the read-only client sent a fleet change")
	}
}

func TestAPICauseNamesStatusMessageAndRequestID(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&api.APIError{Method: "PATCH", Path: "/v1/fleet/x", StatusCode: 422, Message: "bad input", RequestID: "abc123"}, "422 bad input (request id abc123)"},
		{&api.APIError{Method: "PATCH", Path: "/v1/fleet/x", StatusCode: 404}, "404 Not Found"},
		{fmt.Errorf("wrapped: %w", api.ErrReadOnly), "refused: the client is read-only"},
		{errors.New("api: threshold must be between 0.1 and 1, got 2"), "threshold must be between 0.1 and 1, got 2"},
	} {
		if got := apiCause(tc.err); got != tc.want {
			t.Errorf("apiCause(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// runUntil runs cmd, and the commands of the batches it returns, in issue
// order, until one returns a T (the audit write hands the request on in
// a tea.BatchMsg, see App.withAudit).
func runUntil[T tea.Msg](t *testing.T, cmd tea.Cmd) T {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch m := c().(type) {
		case T:
			return m
		case tea.BatchMsg:
			queue = append(queue, m...)
		}
	}
	var zero T
	t.Fatalf("no %T came out of the command", zero)
	return zero
}
