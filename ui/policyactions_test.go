package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
)

const (
	policyPatchRoute  = "PATCH /v1/fleet/{fleet}/policies/{policy}"
	policyDeleteRoute = "DELETE /v1/fleet/{fleet}/policies/{policy}"
)

// serverPolicy is the simulator's policy, or nil when it answers 404.
func serverPolicy(t *testing.T, h *harness, fleet, name string) *api.Policy {
	t.Helper()
	p, err := h.client.Policy(context.Background(), fleet, name)
	if api.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// policyForm opens the edit form on the selected policy.
func (h *harness) policyForm() *formDialog {
	h.t.Helper()
	h.press("e")
	f, ok := h.app.dialog.(*formDialog)
	if !ok {
		h.t.Fatalf("e opened %T, want the policy form", h.app.dialog)
	}
	return f
}

// setField replaces the text of the focused form field.
func (h *harness) setField(f *formDialog, value string) {
	h.t.Helper()
	for range len([]rune(f.inputs[f.focus].Value())) {
		h.press("backspace")
	}
	h.typeText(value)
}

// focusField moves the form's focus to field i with tab.
func (h *harness) focusField(f *formDialog, i int) {
	h.t.Helper()
	for f.focus != i {
		h.press("tab")
	}
}

// submitForm tabs to the form's action button and presses enter.
func (h *harness) submitForm(f *formDialog) {
	h.t.Helper()
	h.focusField(f, f.actionFocus())
	h.press("enter")
}

func TestPolicyEditFormValidation(t *testing.T) {
	h := settled(t)
	h.onCatalogRow(tabPolicies, "na-tournament/quebec-core")
	f := h.policyForm()
	h.mustContain("Edit policy quebec-core of na-tournament", "[x] yes", "minimum", "maximum", "threshold", "0.8")
	if f.Value(polMinimum) != "2" || f.Value(polMaximum) != "10" || f.Value(polThreshold) != "0.8" || !f.On(polEnabled) {
		t.Fatalf("the form does not hold the policy: %q %q %q %v", f.Value(polMinimum), f.Value(polMaximum), f.Value(polThreshold), f.On(polEnabled))
	}
	for _, tc := range []struct {
		field int
		value string
		want  string
	}{
		{polMinimum, "0", "minimum must be at least 1, got 0"},
		{polMinimum, "x", `minimum must be a whole number, got "x"`},
		{polMinimum, "1.5", `minimum must be a whole number, got "1.5"`},
		{polMaximum, "0", "maximum must be at least 1, got 0"},
		{polMaximum, "", "maximum is required"},
		{polMaximum, "1", "maximum (1) is below minimum (2)"},
		{polThreshold, "0.05", "threshold must be between 0.1 and 1, got 0.05"},
		{polThreshold, "1.5", "threshold must be between 0.1 and 1, got 1.5"},
		{polThreshold, "abc", `threshold must be a number between 0.1 and 1, got "abc"`},
		{polThreshold, "NaN", `threshold must be a number between 0.1 and 1, got "NaN"`},
	} {
		h.focusField(f, tc.field)
		old := f.Value(tc.field)
		h.setField(f, tc.value)
		h.mustContain("✗ " + tc.want) // inline, while typing
		h.submitForm(f)
		if h.app.dialog != f {
			t.Fatalf("%q: the invalid form was submitted (%T)", tc.value, h.app.dialog)
		}
		if f.focus != tc.field {
			t.Fatalf("%q: a refused submit focused %d, want %d", tc.value, f.focus, tc.field)
		}
		h.setField(f, old)
		h.mustNotContain("✗")
	}
	// The maximum error moves with the minimum too.
	h.focusField(f, polMinimum)
	h.setField(f, "11")
	h.mustContain("✗ maximum (10) is below minimum (11)")
	h.press("esc")
	h.mustContain("cancelled: nothing was sent")
	if n := h.calls(policyPatchRoute); n != 0 {
		t.Fatalf("%d PATCH requests from refused forms", n)
	}
}

func TestPolicyEditConfirmsTheDiffAndSendsOnlyChanges(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	h.onCatalogRow(tabPolicies, "na-tournament/quebec-core")

	// No change: nothing is sent.
	f := h.policyForm()
	h.submitForm(f)
	h.mustContain("policy quebec-core unchanged: nothing was sent")

	edit := func() {
		f := h.policyForm()
		h.press(" ") // enabled: yes → no
		h.focusField(f, polMinimum)
		h.setField(f, "3")
		h.focusField(f, polThreshold)
		h.setField(f, "0.5")
		h.submitForm(f)
	}
	edit()
	if _, ok := h.app.dialog.(*confirmDialog); !ok {
		t.Fatalf("submit opened %T, want the confirmation", h.app.dialog)
	}
	h.mustContain("Save policy quebec-core of na-tournament?", "enabled    yes → no", "minimum    2 → 3", "threshold  0.8 → 0.5", "[ Cancel ]")
	h.mustNotContain("maximum    ")
	h.press("enter") // Cancel
	if n := h.calls(policyPatchRoute); n != 0 {
		t.Fatalf("cancel sent %d PATCH requests", n)
	}

	edit()
	h.press("y")
	if n := h.calls(policyPatchRoute); n != 1 {
		t.Fatalf("%d PATCH requests, want 1", n)
	}
	p := serverPolicy(t, h, "na-tournament", "quebec-core")
	if p.Enabled || p.Minimum != 3 || p.Threshold != 0.5 || p.Maximum == nil || *p.Maximum != 10 {
		t.Fatalf("the simulator's policy: %+v", p)
	}
	h.mustContain("policy quebec-core of na-tournament saved: enabled yes → no, minimum 2 → 3, threshold 0.8 → 0.5")
	row := ""
	for _, l := range h.rows() {
		if strings.Contains(l, "quebec-core") {
			row = l
		}
	}
	if f := strings.Fields(row); len(f) < 7 || f[3] != "no" || f[4] != "3" || f[5] != "10" || f[6] != "0.5" {
		t.Fatalf("the row does not show the answer: %q", row)
	}
	e := lastAudit(t, path, 1)
	if e.Action != "policy-edit" || e.Targets[0] != "na-tournament/quebec-core" || e.Outcome != "ok" || e.HTTPStatus != 200 ||
		e.Detail != "enabled yes → no, minimum 2 → 3, threshold 0.8 → 0.5" {
		t.Fatalf("audit entry %+v", e)
	}
}

func TestPolicyDiffSendsOnlyChangedFields(t *testing.T) {
	max10 := api.Int(10)
	p := api.Policy{Name: "p", Type: api.PolicyLocation, Enabled: true, Minimum: 2, Maximum: &max10, Threshold: 0.8}
	form := func(on bool, minimum, maximum, threshold string, unbounded bool) *formDialog {
		return newForm(confirmStyles(), DefaultKeyMap(), "t", nil, []formField{
			{Label: "enabled", Toggle: true, On: on},
			{Label: "minimum", Value: minimum, Validate: checkMinimum},
			{Label: "maximum", Value: maximum, Validate: checkMaximum(unbounded)},
			{Label: "threshold", Value: threshold, Validate: checkThreshold},
		}, "Review", checkPolicyForm)
	}
	c := policyDiff(p, form(true, "2", "10", "0.8", false))
	if len(c.diff) != 0 || c.update.Enabled != nil || c.update.Minimum != nil || c.update.Maximum != nil || c.update.Threshold != nil {
		t.Fatalf("no change gave %+v", c)
	}
	c = policyDiff(p, form(true, "2", "12", "0.80", false))
	if c.update.Maximum == nil || *c.update.Maximum != 12 || c.update.Enabled != nil || c.update.Minimum != nil || c.update.Threshold != nil {
		t.Fatalf("maximum only: %+v", c.update)
	}
	// An unbounded maximum left empty is not sent.
	p.Maximum = nil
	c = policyDiff(p, form(false, "2", "", "0.8", true))
	if c.update.Maximum != nil || c.update.Enabled == nil || *c.update.Enabled || len(c.diff) != 1 {
		t.Fatalf("enabled only: %+v %v", c.update, c.diff)
	}
	if err := checkMaximum(true)(""); err != nil {
		t.Fatalf("an unbounded maximum may stay empty: %v", err)
	}
	c = policyDiff(p, form(true, "2", "5", "0.8", true))
	if c.update.Maximum == nil || *c.update.Maximum != 5 || c.diff[0] != "maximum    ∞ → 5" {
		t.Fatalf("bounding the maximum: %+v %v", c.update, c.diff)
	}
}

func TestPolicyEditFailureShowsCauseAndKeepsTheRow(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	h.onCatalogRow(tabPolicies, "eu-casual/paris-radius")
	h.sim.SetFaults(sim.Faults{Error500: 1})
	f := h.policyForm()
	h.focusField(f, polMinimum)
	h.setField(f, "2")
	h.submitForm(f)
	h.press("y")
	h.sim.SetFaults(sim.Faults{})
	h.mustContain("edit policy paris-radius of eu-casual failed: 500")
	if p := serverPolicy(t, h, "eu-casual", "paris-radius"); p.Minimum != 1 {
		t.Fatalf("the simulator's policy changed: %+v", p)
	}
	if i := h.app.cat.policyIndex(policyRef{"eu-casual", "paris-radius"}); i < 0 || h.app.cat.Policies["eu-casual"][i].Minimum != 1 {
		t.Fatal("the catalog shows a change that failed")
	}
	if e := lastAudit(t, path, 1); e.Action != "policy-edit" || e.HTTPStatus != 500 || !strings.HasPrefix(e.Outcome, "failed: ") {
		t.Fatalf("audit entry %+v", e)
	}

	// Deprecated meanwhile: the 404 is explained.
	h.sim.SetLegacyFleets(false)
	f = h.policyForm()
	h.focusField(f, polMinimum)
	h.setField(f, "2")
	h.submitForm(f)
	h.press("y")
	h.mustContain("edit policy paris-radius of eu-casual failed: 404", "deprecated on 2026-03-01")
	if e := lastAudit(t, path, 2); e.HTTPStatus != 404 {
		t.Fatalf("audit entry %+v", e)
	}
}

func TestPolicyDeleteConfirmsSendsAndAudits(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	h.onCatalogRow(tabPolicies, "na-tournament/us-east")
	h.press("ctrl+d")
	if _, ok := h.app.dialog.(*confirmDialog); !ok {
		t.Fatalf("ctrl+d opened %T, want a confirmation", h.app.dialog)
	}
	h.mustContain("Delete policy us-east of na-tournament?", "Location policy, enabled yes, minimum 1, maximum 6, threshold 0.75", "[ Cancel ]")
	for _, cancel := range []string{"enter", "n", "esc"} {
		if h.app.dialog == nil {
			h.press("ctrl+d")
		}
		h.press(cancel)
	}
	if n := h.calls(policyDeleteRoute); n != 0 || serverPolicy(t, h, "na-tournament", "us-east") == nil {
		t.Fatalf("cancelled deletes sent %d requests", n)
	}

	h.press("ctrl+d", "y")
	if n := h.calls(policyDeleteRoute); n != 1 {
		t.Fatalf("%d DELETE requests, want 1", n)
	}
	if serverPolicy(t, h, "na-tournament", "us-east") != nil {
		t.Fatal("the policy is still on the simulator")
	}
	h.mustContain("policy us-east of na-tournament deleted")
	if h.app.tabs[tabPolicies].(*catalogTab).rows.Position("na-tournament/us-east") >= 0 {
		t.Fatal("the deleted policy is still listed")
	}
	e := lastAudit(t, path, 1)
	if e.Action != "policy-delete" || e.Targets[0] != "na-tournament/us-east" || e.Outcome != "ok" || e.HTTPStatus != 200 {
		t.Fatalf("audit entry %+v", e)
	}

	// Deleting what is already gone: the 404 reaches the user.
	if _, err := h.client.DeletePolicy(context.Background(), "na-tournament", "quebec-core"); err != nil {
		t.Fatal(err)
	}
	h.onCatalogRow(tabPolicies, "na-tournament/quebec-core")
	h.press("ctrl+d", "y")
	h.mustContain("delete policy quebec-core of na-tournament failed: 404", "not found")
	if e := lastAudit(t, path, 2); e.Action != "policy-delete" || e.HTTPStatus != 404 {
		t.Fatalf("audit entry %+v", e)
	}
}
