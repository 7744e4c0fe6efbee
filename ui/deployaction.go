package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// openDeployMsg asks for the deploy form; app and version prefill it.
type openDeployMsg struct{ app, version string }

// openHostDeployMsg asks for the deploy form onto hosts of a private fleet.
type openHostDeployMsg struct {
	fleet string
	hosts []string
}

// onOpenHostDeploy opens the deploy form onto the marked hosts.
func (a *App) onOpenHostDeploy(m openHostDeployMsg) tea.Cmd {
	d := deployDraft{fleet: m.fleet, hosts: strings.Join(m.hosts, ", ")}
	if hl := a.cat.Hosts[m.fleet]; hl != nil {
		d.known = slices.Clone(hl.Data)
	}
	return a.askDeploy(d)
}

// deployDoneMsg is the answer to a deploy.
type deployDoneMsg struct {
	sentFrom
	act   string // the audit's action id
	draft deployDraft
	req   deployRequest
	res   *api.DeployV2Response
	err   error
}

// askDeploy opens the deploy form over d; once it is valid and submitted,
// a confirmation (Cancel focused) shows what will be sent. Nothing is sent
// before that confirmation.
func (a *App) askDeploy(d deployDraft) tea.Cmd {
	if d.private() && d.known == nil {
		return a.setFlash("the hosts of "+d.fleet+" are not loaded yet: nothing to deploy onto", true)
	}
	form := deployForm(a.env.Styles, a.env.Keys, d)
	a.pickers(form)
	load := a.loadDeployCatalog()
	a.dialog = form
	a.onConfirm = func() tea.Cmd {
		next := draftOf(form, d)
		req, err := next.request()
		if err != nil { // the form refuses to submit an invalid draft; this is a safety net
			next.problem = []string{"✗ " + err.Error()}
			return a.askDeploy(next)
		}
		title := fmt.Sprintf("Deploy %s %s?", req.body.Application, req.body.Version)
		a.dialog = newConfirm(a.env.Styles, a.env.Keys, title, req.summary(), "Deploy")
		a.onConfirm = func() tea.Cmd { return a.sendDeploy(next, req) }
		return nil
	}
	return load
}

// pickers gives the deploy form's application and version fields their
// completion and notes, and the form its refusal of inactive ones
// (deploypicker.go).
func (a *App) pickers(form *formDialog) {
	form.fields[fieldApp].Complete, form.fields[fieldApp].Notes = a.appCompletion, a.appNotes
	form.fields[fieldVersion].Complete, form.fields[fieldVersion].Notes = a.versionCompletion, a.versionNotes
	form.check = a.deployCheck
	form.layout()
}

// sendDeploy sends the confirmed deploy; the answer comes back as a
// deployDoneMsg.
func (a *App) sendDeploy(d deployDraft, req deployRequest) tea.Cmd {
	act := a.beginAction(deployAudit(req, ""), "deploy of "+req.body.Application+" "+req.body.Version)
	ctx, c, o := a.sender()
	return func() tea.Msg {
		var res *api.DeployV2Response
		var err error
		if req.private() {
			res, err = c.DeployPrivateFleet(ctx, api.PrivateFleetDeployRequest{PrivateHostIDs: req.hosts, DeployV2Request: req.body})
		} else {
			res, err = c.DeployV2(ctx, req.body)
		}
		return deployDoneMsg{sentFrom: o, act: act, draft: d, req: req, res: res, err: err}
	}
}

// onDeployDone audits the deploy and reports it. A new deployment is put
// in the store at once, selected on the Deployments tab, and its status is
// watched until it settles (trackNew). A failure reopens the form (when nothing else is open) with the API's
// message and the request id of a deployment the API created in error.
func (a *App) onDeployDone(m deployDoneMsg) tea.Cmd {
	b := m.req.body
	what := b.Application + " " + b.Version
	id := ""
	if m.res != nil {
		id = m.res.RequestID
	}
	var apiErr *api.APIError
	if errors.As(m.err, &apiErr) && id == "" {
		id = apiErr.RequestID
	}
	entry := deployAudit(m.req, id)
	entry.ID = m.act
	if m.err == nil {
		entry.Outcome, entry.HTTPStatus = "accepted", http.StatusAccepted
		a.audit(entry)
		track := a.trackNew(id, b.Tags)
		return tea.Batch(track, a.setFlash(fmt.Sprintf("deploying %s: request %s accepted (202); following its status", what, id), false), a.plan())
	}
	if unknown, why := a.auditFailed(entry, m.err); unknown {
		// No request id came back: the list (re-read now) shows a new
		// deployment if the API created one.
		a.view.Refresh()
		return tea.Batch(a.setFlash("deploy of "+what+": outcome unknown ("+why+") — re-reading the list: check it for a new "+what+" deployment before deploying again", true), a.plan())
	}
	text := "deploy of " + what + " failed"
	var cmds []tea.Cmd
	if id != "" {
		text += " (request id " + id + ")"
		cmds = append(cmds, a.trackNew(id, b.Tags), a.plan())
	}
	text += ": " + deployErrorText(m.err, apiErr)
	if a.dialog == nil && !errors.Is(m.err, api.ErrReadOnly) {
		d := m.draft
		d.problem = strings.Split(ansi.Wrap("✗ "+sanitizeLine(text), 72, ""), "\n")
		if id != "" {
			d.problem = append(d.problem, "  "+id+" was created in ERROR; the API cleans it up.")
		}
		d.problem = append(d.problem, "Fix the form and deploy again, or esc.")
		a.askDeploy(d)
	}
	return tea.Batch(append(cmds, a.setFlash(text, true))...)
}

// deployErrorText is the API's status and message, or the error itself.
func deployErrorText(err error, apiErr *api.APIError) string {
	if apiErr == nil {
		return errorCause(err.Error())
	}
	text := fmt.Sprintf("%d %s", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
	if apiErr.Message != "" {
		text += ": " + apiErr.Message
	}
	return text
}

// trackNew puts a deployment the console just created in the store (the
// list would only show it on its next pass), shows the Deployments tab
// with it selected (clearing a filter that hides it), and has the
// scheduler watch its status from the next plan (the caller's) on.
func (a *App) trackNew(id string, tags []string) tea.Cmd {
	if id == "" {
		return nil
	}
	now := a.env.now()
	a.view.NoteListed(api.Deployment{RequestID: id, StartTime: api.Time{Time: now}, Tags: slices.Clone(tags)})
	a.catchUp()
	var cmd tea.Cmd
	if a.active != tabDeployments || a.sub != nil {
		cmd = a.switchTab(tabDeployments)
	}
	t, ok := a.deployments()
	if !ok {
		return cmd
	}
	t.dataChanged()
	if !t.selectID(id) && t.filterText() != "" {
		a.applyFilter("") // the filter hides it: show it
		t.dataChanged()
		t.selectID(id)
	}
	// Its status is polled every watch interval, whatever the view, until
	// it settles (observeDeployJob).
	if a.deploying == nil {
		a.deploying = map[string]bool{}
	}
	a.deploying[id] = true
	a.view.Watch(id)
	a.rebuildChrome()
	return cmd
}

// deployAudit is the audit entry of a deploy: the new request id (or the
// app and version when there is none) and what was asked.
func deployAudit(r deployRequest, id string) model.AuditEntry {
	action := "deploy"
	if r.private() {
		action = "deploy-private"
	}
	target := id
	if target == "" {
		target = r.body.Application + "/" + r.body.Version
	}
	return model.AuditEntry{Action: action, Targets: []string{target}, Detail: r.auditDetail()}
}

// observeDeployJob stops watching a new deployment once a status answer
// says it settled (READY or ERROR), ended or is gone, unless a stop is
// being followed on it.
func (a *App) observeDeployJob(msg jobDoneMsg) {
	id := msg.job.ID
	if msg.job.Kind != model.JobStatus || !a.deploying[id] {
		return
	}
	gone := api.IsNotFound(msg.err) || api.StatusOf(msg.err) == http.StatusGone
	if !gone && (msg.err != nil || msg.status == nil || !(msg.status.CurrentStatus.Settled() || msg.status.CurrentStatus.Ended())) {
		return
	}
	delete(a.deploying, id)
	if a.stops.tracker == nil || !a.stops.tracker.Tracks(id) {
		a.view.Unwatch(id)
	}
}
