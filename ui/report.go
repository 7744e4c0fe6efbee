package ui

import (
	"net/http"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// Reporting a deployment to Edgegap (`:report <reason>`, POST
// /v1/deployments/{id}:report; API-NOTES §6.5): confirmed, sent once,
// audited, the outcome flashed. A report sent twice is two reports, so it
// is never retried (the client does not retry a POST).

// openReportMsg asks to report deployment id with reason.
type openReportMsg struct{ id, reason string }

func (openReportMsg) requested() Action { return ActReport }

// reportDoneMsg is the answer to a report.
type reportDoneMsg struct {
	sentFrom
	act    string // the audit's action id
	id     string
	reason string
	err    error
}

// reportTarget is the deployment `:report` is about: the open detail's,
// else the one selected in the Deployments tab.
func (a *App) reportTarget() (string, bool) {
	if d, ok := a.sub.(*detailView); ok {
		return d.id, true
	}
	if a.sub == nil && a.active == tabDeployments {
		if d, ok := a.deployments(); ok {
			return d.selectedID()
		}
	}
	return "", false
}

// reportCommand runs `:report <reason>`: the reason is checked as the API
// does (1–255 characters) before anything opens.
func (a *App) reportCommand(reason string) tea.Cmd {
	if err := api.ValidateReportReason(reason); err != nil {
		return a.setFlash(":report: "+err.Error()+" (usage: :report <reason>)", true)
	}
	id, ok := a.reportTarget()
	if !ok {
		return a.setFlash(":report: no deployment: select one in the Deployments tab or open its detail", true)
	}
	return func() tea.Msg { return openReportMsg{id: id, reason: reason} }
}

// askReport opens the confirmation of a report.
func (a *App) askReport(m openReportMsg) tea.Cmd {
	lines := append(a.describe(m.id, a.env.now()), "",
		"Reason: "+m.reason,
		"",
		"Edgegap receives this reason with the deployment's request id. The report is sent once.")
	a.dialog = newConfirm(a.env.Styles, a.env.Keys, "Report deployment "+m.id+" to Edgegap?", lines, "Report")
	a.onConfirm = func() tea.Cmd { return a.sendReport(m.id, m.reason) }
	return nil
}

// sendReport sends the confirmed report, audited before it leaves.
func (a *App) sendReport(id, reason string) tea.Cmd {
	act := a.beginAction(model.AuditEntry{Action: "report", Targets: []string{id}, Detail: "reason: " + reason}, "report of "+id)
	ctx, c, o := a.sender()
	return func() tea.Msg {
		err := c.ReportDeployment(ctx, id, api.ReportRequest{Reason: reason})
		return reportDoneMsg{sentFrom: o, act: act, id: id, reason: reason, err: err}
	}
}

// onReportDone flashes and audits the report's outcome: 200, 503 (Edgegap
// cannot take reports now), another failure, or unknown when the answer
// was lost (a report cannot be checked: the footer says so).
func (a *App) onReportDone(m reportDoneMsg) tea.Cmd {
	entry := model.AuditEntry{ID: m.act, Action: "report", Targets: []string{m.id}, Detail: "reason: " + m.reason}
	if m.err != nil {
		unknown, why := a.auditFailed(entry, m.err)
		switch {
		case unknown:
			return a.setFlash("report of "+m.id+": outcome unknown ("+why+"); it cannot be checked: do not resend unless Edgegap says it did not arrive", true)
		case api.StatusOf(m.err) == http.StatusServiceUnavailable:
			return a.setFlash("Edgegap could not take the report now, try later (503): "+m.id+" was not reported", true)
		}
		return a.setFlash("report of "+m.id+" failed: "+errorCause(m.err.Error()), true)
	}
	entry.HTTPStatus, entry.Outcome = http.StatusOK, "ok"
	a.audit(entry)
	return a.setFlash("reported "+m.id+" to Edgegap (200)", false)
}
