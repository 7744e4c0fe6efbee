package ui

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// Policy operations, as audited.
const (
	policyEdit   = "policy-edit"
	policyDelete = "policy-delete"
)

// policyActions are the Policies tab's keys on the selected row.
func (a *App) policyActions() map[Action]rowAction {
	return map[Action]rowAction{
		ActEditPolicy:   requestRow(ActEditPolicy),
		ActDeletePolicy: requestRow(ActDeletePolicy),
	}
}

// selectedPolicy is the policy on row as the catalog holds it now, or the
// message saying why there is none.
func (a *App) selectedPolicy(row *catalogRow, ok bool) (policyRef, api.Policy, string) {
	if !ok {
		return policyRef{}, api.Policy{}, "no policy selected"
	}
	ref, isPolicy := row.subject.(policyRef)
	if !isPolicy {
		return policyRef{}, api.Policy{}, "no policy selected"
	}
	if i := a.cat.policyIndex(ref); i >= 0 {
		return ref, a.cat.Policies[ref.fleet][i], ""
	}
	return ref, api.Policy{}, "policy " + ref.name + " of " + ref.fleet + " is no longer listed"
}

// policyIndex is the position of ref in its fleet's policies, or -1.
func (c *catalog) policyIndex(ref policyRef) int {
	for i, p := range c.Policies[ref.fleet] {
		if p.Name == ref.name {
			return i
		}
	}
	return -1
}

// Fields of the policy form.
const (
	polEnabled = iota
	polMinimum
	polMaximum
	polThreshold
)

// policyBounds checks bounds with the API's own rules (api.PolicyCreate's
// validation); the name and type are fixed to valid ones.
func policyBounds(minimum, maximum int, threshold float64) error {
	return api.PolicyCreate{Name: "policy", Type: api.PolicyLocation, Minimum: minimum, Maximum: maximum, Threshold: threshold}.Validate()
}

// parseCount reads a whole number of deployments.
func parseCount(field, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s must be a whole number, got %q", field, v)
	}
	return n, nil
}

func checkMinimum(v string) error {
	n, err := parseCount("minimum", v)
	if err != nil {
		return err
	}
	return policyBounds(n, max(n, 1), 1)
}

// checkMaximum accepts an empty maximum only when it is unbounded already:
// a PATCH cannot clear it.
func checkMaximum(unbounded bool) func(string) error {
	return func(v string) error {
		if v == "" {
			if unbounded {
				return nil
			}
			return errors.New("maximum is required (the API cannot make it unbounded again)")
		}
		n, err := parseCount("maximum", v)
		if err != nil {
			return err
		}
		return policyBounds(1, n, 1)
	}
}

func parseThreshold(v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("threshold must be a number between 0.1 and 1, got %q", v)
	}
	return f, nil
}

func checkThreshold(v string) error {
	f, err := parseThreshold(v)
	if err != nil {
		return err
	}
	return policyBounds(1, 1, f)
}

// checkPolicyForm compares maximum with minimum (the fields' own checks
// cover the rest) with the API's rules.
func checkPolicyForm(f *formDialog) (int, error) {
	minimum, err1 := strconv.Atoi(f.Value(polMinimum))
	maximum, err2 := strconv.Atoi(f.Value(polMaximum))
	if err1 != nil || err2 != nil || minimum < 1 || maximum < 1 {
		return -1, nil
	}
	return polMaximum, policyBounds(minimum, maximum, 1)
}

// policyChange is what an edit changes: the update to send and its lines
// "field old → new".
type policyChange struct {
	update api.PolicyUpdate
	diff   []string
}

// policyDiff compares the form with p.
func policyDiff(p api.Policy, f *formDialog) policyChange {
	var c policyChange
	if on := f.On(polEnabled); on != p.Enabled {
		c.update.Enabled = &on
		c.diff = append(c.diff, "enabled    "+yesNo(p.Enabled)+" → "+yesNo(on))
	}
	if n, _ := strconv.Atoi(f.Value(polMinimum)); n != int(p.Minimum) {
		c.update.Minimum = &n
		c.diff = append(c.diff, fmt.Sprintf("minimum    %d → %d", p.Minimum, n))
	}
	if v := f.Value(polMaximum); v != "" {
		n, _ := strconv.Atoi(v)
		if p.Maximum == nil || n != int(*p.Maximum) {
			c.update.Maximum = &n
			c.diff = append(c.diff, fmt.Sprintf("maximum    %s → %d", maxText(p.Maximum), n))
		}
	}
	if t, _ := parseThreshold(f.Value(polThreshold)); t != float64(p.Threshold) {
		c.update.Threshold = &t
		c.diff = append(c.diff, "threshold  "+formatThreshold(float64(p.Threshold))+" → "+formatThreshold(t))
	}
	return c
}

func maxText(m *api.Int) string {
	if m == nil {
		return "∞"
	}
	return strconv.Itoa(int(*m))
}

func formatThreshold(t float64) string { return strconv.FormatFloat(t, 'f', -1, 64) }

// askEditPolicy opens the form editing the selected policy; its submit
// shows the changes to confirm.
func (a *App) askEditPolicy(row *catalogRow, ok bool) tea.Cmd {
	ref, p, why := a.selectedPolicy(row, ok)
	if why != "" {
		return a.setFlash(why, true)
	}
	maxValue, maxHint := "", "empty: unbounded"
	if p.Maximum != nil {
		maxValue, maxHint = maxText(p.Maximum), "≥ minimum"
	}
	form := newForm(a.env.Styles, a.env.Keys, "Edit policy "+ref.name+" of "+ref.fleet, []string{
		p.Type + " policy · " + orDash(model.PolicySummary(p)),
	}, []formField{
		{Label: "enabled", Toggle: true, On: p.Enabled},
		{Label: "minimum", Value: strconv.Itoa(int(p.Minimum)), Placeholder: "≥ 1", Validate: checkMinimum, Width: 12},
		{Label: "maximum", Value: maxValue, Placeholder: maxHint, Validate: checkMaximum(p.Maximum == nil), Width: 12},
		{Label: "threshold", Value: formatThreshold(float64(p.Threshold)), Placeholder: "0.1–1", Validate: checkThreshold, Width: 12},
	}, "Review", checkPolicyForm)
	a.dialog = form
	a.onConfirm = func() tea.Cmd {
		change := policyDiff(p, form)
		if len(change.diff) == 0 {
			return a.setFlash("policy "+ref.name+" unchanged: nothing was sent", false)
		}
		a.dialog = newConfirm(a.env.Styles, a.env.Keys, "Save policy "+ref.name+" of "+ref.fleet+"?", change.diff, "Save")
		a.onConfirm = func() tea.Cmd { return a.sendPolicyUpdate(ref, change) }
		return nil
	}
	return nil
}

// policyDoneMsg is the answer to a policy edit or delete.
type policyDoneMsg struct {
	sentFrom
	act    string // the audit's action id
	op     string // policyEdit or policyDelete
	ref    policyRef
	detail string      // what changed, as audited
	policy *api.Policy // the policy the API answered (edit)
	err    error
}

// sendPolicyUpdate sends only the changed fields.
func (a *App) sendPolicyUpdate(ref policyRef, change policyChange) tea.Cmd {
	ctx, c, o := a.sender()
	detail := strings.Join(collapseSpaces(change.diff), ", ")
	act := a.beginAction(model.AuditEntry{Action: policyEdit, Targets: []string{ref.fleet + "/" + ref.name}, Detail: detail}, "edit of policy "+ref.name)
	return func() tea.Msg {
		p, err := c.UpdatePolicy(ctx, ref.fleet, ref.name, change.update)
		return policyDoneMsg{sentFrom: o, act: act, op: policyEdit, ref: ref, detail: detail, policy: p, err: err}
	}
}

// collapseSpaces joins each line's words with single spaces.
func collapseSpaces(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.Join(strings.Fields(l), " ")
	}
	return out
}

// askDeletePolicy confirms deleting the selected policy.
func (a *App) askDeletePolicy(row *catalogRow, ok bool) tea.Cmd {
	ref, p, why := a.selectedPolicy(row, ok)
	if why != "" {
		return a.setFlash(why, true)
	}
	lines := []string{
		fmt.Sprintf("%s policy, enabled %s, minimum %d, maximum %s, threshold %s",
			p.Type, yesNo(p.Enabled), p.Minimum, maxText(p.Maximum), formatThreshold(float64(p.Threshold))),
		"filters " + orDash(model.PolicySummary(p)),
		"The deployments it keeps are no longer kept once it is gone.",
	}
	a.dialog = newConfirm(a.env.Styles, a.env.Keys, "Delete policy "+ref.name+" of "+ref.fleet+"?", lines, "Delete")
	a.onConfirm = func() tea.Cmd {
		act := a.beginAction(model.AuditEntry{Action: policyDelete, Targets: []string{ref.fleet + "/" + ref.name}, Detail: lines[0]}, "delete of policy "+ref.name)
		ctx, c, o := a.sender()
		return func() tea.Msg {
			_, err := c.DeletePolicy(ctx, ref.fleet, ref.name)
			return policyDoneMsg{sentFrom: o, act: act, op: policyDelete, ref: ref, detail: lines[0], err: err}
		}
	}
	return nil
}

// onPolicyDone reports and audits a policy edit or delete, shows the answer in
// the catalog at once and re-reads it.
func (a *App) onPolicyDone(m policyDoneMsg) tea.Cmd {
	entry := model.AuditEntry{ID: m.act, Action: m.op, Targets: []string{m.ref.fleet + "/" + m.ref.name}, Detail: m.detail}
	what := "edit policy " + m.ref.name + " of " + m.ref.fleet
	if m.op == policyDelete {
		what = "delete policy " + m.ref.name + " of " + m.ref.fleet
	}
	if m.err != nil {
		if unknown, why := a.auditFailed(entry, m.err); unknown {
			text := what + ": outcome unknown (" + why + ")"
			if m.op == policyDelete {
				return tea.Batch(a.setFlash(text+" — re-reading the policy…", true), a.checkPolicyDeleted(m.act, m.ref))
			}
			// An edit is not resolved: the catalog is re-read, the user compares.
			return tea.Batch(a.setFlash(text+" — re-reading the catalog: check the policy's values", true), a.refreshCatalog())
		}
		return a.fleetFailure(what, m.err, false)
	}
	entry.Outcome, entry.HTTPStatus = "ok", http.StatusOK
	a.audit(entry)
	text := "policy " + m.ref.name + " of " + m.ref.fleet + " deleted"
	if m.op == policyDelete || m.policy != nil {
		a.view.NotePolicy(m.ref.fleet, m.ref.name, m.policy) // nil: deleted
		a.catchUp()
		a.catalogChanged()
	}
	if m.op == policyEdit {
		text = "policy " + m.ref.name + " of " + m.ref.fleet + " saved: " + m.detail
	}
	return tea.Batch(a.setFlash(text, false), a.refreshCatalog())
}
