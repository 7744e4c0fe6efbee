package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
)

// dialog is a confirmation shown over the console; while it is open it
// takes every key.
type dialog interface {
	Update(msg tea.KeyMsg) dialogResult
	View(width, height int) string
}

// openStopMsg asks to stop deployments: one (a confirmation) or several
// marked ones (a typed confirmation of their count).
type openStopMsg struct{ ids []string }

// stopDoneMsg is the answer to a stop.
type stopDoneMsg struct {
	sentFrom
	act    string // the audit's action id
	id     string
	detail string // the audit's detail: what was done about the logs
	res    *api.StopResult
	err    error
}

// bulkStopDoneMsg is the answer to a bulk stop.
type bulkStopDoneMsg struct {
	sentFrom
	act    string   // the audit's action id
	ids    []string // the preview: what the user confirmed
	filter string   // "tag=a,b any" for a stop by tags; "" for request ids
	detail string   // by request ids: what was done about the logs
	res    *api.BulkStopResult
	err    error
}

// The action protocol. Every action that changes the organization goes
// request → confirm → send → report → audit:
//   - request: a message that implements request (openStopMsg,
//     catalogActionMsg…); App.updateMsg refuses it in read-only mode, the
//     one read-only guard, before its case opens the dialog or form;
//   - confirm: a.dialog with a.onConfirm (dialogKey runs it);
//   - send: onConfirm calls beginAction (the attempt, written before the
//     request leaves, see withAudit) and returns the request's command,
//     built with a.sender() so its answer carries its origin;
//   - report and audit: the answer's case in updateMsg flashes the outcome
//     and calls a.audit / a.auditFailed.
// A new confirmed row action of the Deployments tab is: its Action, default
// key and read-only refusal (keys.go); its deploymentActions entry, which
// sends its request (deployments.go); the request's and answer's cases
// (app.go); and its message types with their ask, send and answer
// functions in the feature's own file.

// request is a message asking for an action that changes the
// organization: it names the action, whose readOnlyRefusal (keys.go)
// says what read-only refuses.
type request interface{ requested() Action }

func (openStopMsg) requested() Action        { return ActStop }
func (stopByTagsMsg) requested() Action      { return ActStop }
func (openTagMsg) requested() Action         { return ActTag }
func (openTagsMsg) requested() Action        { return ActTags }
func (openDeployMsg) requested() Action      { return ActDeploy }
func (openHostDeployMsg) requested() Action  { return ActDeploy }
func (m catalogActionMsg) requested() Action { return m.act }

// stopByTagsMsg asks to stop by deployment_tags (`:stop tag=…`).
type stopByTagsMsg struct{ arg string }

// catalogActionMsg asks for a row action of a catalog tab (fleets,
// policies) on its selected row (ok: there is one).
type catalogActionMsg struct {
	act Action
	row *catalogRow
	ok  bool
}

// onCatalogAction runs a catalog tab's row action.
func (a *App) onCatalogAction(m catalogActionMsg) tea.Cmd {
	switch m.act {
	case ActToggleFleet:
		return a.askToggleFleet(m.row, m.ok)
	case ActLinkVersion:
		return a.askFleetLink(m.row, m.ok, fleetLink)
	case ActUnlinkVersion:
		return a.askFleetLink(m.row, m.ok, fleetUnlink)
	case ActEditPolicy:
		return a.askEditPolicy(m.row, m.ok)
	case ActDeletePolicy:
		return a.askDeletePolicy(m.row, m.ok)
	case ActToggleActive:
		return a.askToggleActive(m.row, m.ok)
	}
	return nil
}

// requestRow is a catalog row action that sends its request message.
func requestRow(act Action) rowAction {
	return func(r *catalogRow, ok bool) tea.Cmd {
		return func() tea.Msg { return catalogActionMsg{act: act, row: r, ok: ok} }
	}
}

// parseTagStop reads `:stop tag=a[,b] [any|all|not]`.
func parseTagStop(arg string) (tags []string, match string, err error) {
	fields := strings.Fields(arg)
	if len(fields) == 0 || len(fields) > 2 || !strings.HasPrefix(fields[0], "tag=") {
		return nil, "", fmt.Errorf("usage: :stop tag=<tag>[,<tag>…] [any|all|not]")
	}
	for _, t := range strings.Split(strings.TrimPrefix(fields[0], "tag="), ",") {
		if t = strings.TrimSpace(t); t != "" {
			if err := api.ValidateTag(t); err != nil {
				return nil, "", fmt.Errorf("tag %q: %w", t, err)
			}
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		return nil, "", fmt.Errorf("usage: :stop tag=<tag>[,<tag>…] [any|all|not]")
	}
	match = api.MatchAny
	if len(fields) == 2 {
		match = fields[1]
		if match != api.MatchAny && match != api.MatchAll && match != api.MatchNot {
			return nil, "", fmt.Errorf("match must be any, all or not, got %q", match)
		}
	}
	return tags, match, nil
}

// tagsMatch applies the API's deployment_tags semantics to known tags.
func tagsMatch(have, want []string, match string) bool {
	return api.MatchValues(match, want, func(w string) bool { return slices.Contains(have, w) })
}

// askStopByTags previews a stop by deployment_tags: the deployments gapdeck
// knows that match, a warning that the server matches on its own data, and
// a typed count. Nothing is sent when gapdeck knows of no match.
func (a *App) askStopByTags(arg string) tea.Cmd {
	tags, match, err := parseTagStop(arg)
	if err != nil {
		return a.setFlash(err.Error(), true)
	}
	var ids []string
	for _, r := range a.store.All() {
		if tagsMatch(r.Tags, tags, match) {
			ids = append(ids, r.ID)
		}
	}
	filter := "tag=" + strings.Join(tags, ",") + " " + match
	if len(ids) == 0 {
		return a.setFlash("no deployment gapdeck knows matches "+filter+": nothing sent", true)
	}
	now := a.env.now()
	lines := []string{
		fmt.Sprintf("Stop by deployment_tags %s: %d deployments gapdeck knows match:", filter, len(ids)),
		"WARNING: the server matches on its own data and may stop deployments not listed here.",
		"",
	}
	for _, id := range ids {
		lines = append(lines, a.describe(id, now)[0])
	}
	want := strconv.Itoa(len(ids))
	a.dialog = newTypedConfirm(a.env.Styles, a.env.Keys, "Stop deployments tagged "+strings.Join(tags, ",")+"?", lines, "Stop "+want, want)
	a.onConfirm = func() tea.Cmd {
		act := a.beginAction(model.AuditEntry{Action: "bulk-stop", Targets: ids, Detail: filter}, "bulk stop of "+filter)
		ctx, c, o := a.sender()
		return func() tea.Msg {
			res, err := c.BulkStopByTags(ctx, match, tags...)
			return bulkStopDoneMsg{sentFrom: o, act: act, ids: ids, filter: filter, res: res, err: err}
		}
	}
	return nil
}

// refuseReadOnly answers a mutating action in read-only mode: what is
// disabled and why (the flag, or the profile).
func (a *App) refuseReadOnly(what string) tea.Cmd {
	why := a.env.ReadOnlyReason
	if why == "" {
		why = "started with --readonly"
	}
	return a.setFlash("read-only: "+what+" is disabled ("+why+")", true)
}

// askStop opens the confirmation for stopping ids. Nothing is sent until
// the user confirms; Cancel is focused first. The dialog learns whether
// the logs are kept (checkEvidence) while it is open.
func (a *App) askStop(ids []string) tea.Cmd {
	if len(ids) == 0 {
		return nil
	}
	now := a.env.now()
	check := a.checkEvidence(ids)
	if len(ids) == 1 {
		id := ids[0]
		base := a.describe(id, now)
		d := newStopConfirm(a.env.Keys, newConfirm(a.env.Styles, a.env.Keys, "Stop deployment "+id+"?", base, "Stop"), base, ids, "")
		a.openStopConfirm(d, check)
		return check
	}
	lines := []string{fmt.Sprintf("These %d deployments will stop (one bulk-stop request by request_id):", len(ids)), ""}
	for _, id := range ids {
		lines = append(lines, a.describe(id, now)[0])
	}
	lines = append(lines, a.othersOn(ids)...)
	want := strconv.Itoa(len(ids))
	d := newStopConfirm(a.env.Keys, newTypedConfirm(a.env.Styles, a.env.Keys, fmt.Sprintf("Stop %d deployments?", len(ids)), lines, "Stop "+want, want), lines, ids, want)
	a.openStopConfirm(d, check)
	return check
}

// openStopConfirm shows d, with the evidence the cache holds when no read
// is needed (check is nil).
func (a *App) openStopConfirm(d *stopConfirm, check tea.Cmd) {
	if check == nil {
		d.setEvidence(a.evidenceFor(d.ids, false))
	}
	a.dialog = d
	a.onConfirm = func() tea.Cmd { return a.confirmStop(d) }
}

// describe is what a confirmation shows of a deployment: id, app,
// version, location and uptime (first line), then its status.
func (a *App) describe(id string, now time.Time) []string {
	row, ok := a.store.Get(id)
	if !ok {
		return []string{id + "  (no longer listed)"}
	}
	app, version, where, status := "?", "?", "?", "status not read yet"
	if row.Enriched {
		app, version, where, status = row.App, row.Version, joinNonEmpty(", ", row.City, row.Country), row.Status.Name()
	}
	up := "?"
	if !row.Started.IsZero() {
		up = formatAge(now.Sub(row.Started))
	}
	return []string{
		fmt.Sprintf("%s  %s %s  %s  up %s", id, app, version, where, up),
		"status " + status,
	}
}

// sendStop stops one deployment with opts and reports the typed outcome;
// detail (what was done about the logs) goes to the audit.
func (a *App) sendStop(id string, opts api.StopOptions, detail string) tea.Cmd {
	act := a.beginAction(model.AuditEntry{Action: "stop", Targets: []string{id}, Detail: detail}, "stop of "+id)
	ctx, c, o := a.sender()
	return func() tea.Msg {
		res, err := c.StopDeployment(ctx, id, opts)
		return stopDoneMsg{sentFrom: o, act: act, id: id, detail: detail, res: res, err: err}
	}
}

// sendBulkStop stops the confirmed deployments in one request; detail
// (what was done about the logs) goes to the audit.
func (a *App) sendBulkStop(ids []string, detail string) tea.Cmd {
	act := a.beginAction(model.AuditEntry{Action: "bulk-stop", Targets: ids, Detail: detail}, fmt.Sprintf("bulk stop of %d deployments", len(ids)))
	ctx, c, o := a.sender()
	return func() tea.Msg {
		res, err := c.BulkStopByRequestIDs(ctx, ids...)
		return bulkStopDoneMsg{sentFrom: o, act: act, ids: ids, detail: detail, res: res, err: err}
	}
}

// onStopDone reports a stop truthfully (200, 202 and 410 differ), applies
// the summary so the row shows TERMINATING at once, and audits it.
func (a *App) onStopDone(msg stopDoneMsg) tea.Cmd {
	entry := model.AuditEntry{ID: msg.act, Action: "stop", Targets: []string{msg.id}, Detail: msg.detail}
	var text string
	if msg.err != nil {
		if unknown, why := a.auditFailed(entry, msg.err); unknown {
			a.checkStops(msg.act, "stop", []string{msg.id})
			return tea.Batch(a.setFlash("stop of "+msg.id+": outcome unknown ("+why+") — checking status…", true), a.plan())
		}
		return a.setFlash("stop "+msg.id+" failed: "+errorCause(msg.err.Error()), true)
	}
	entry.HTTPStatus, entry.Outcome = msg.res.HTTPStatus, msg.res.Outcome.String()
	switch msg.res.Outcome {
	case api.StopStopping:
		text = "stopping " + msg.id + " (200): it is terminating now"
		a.trackStops([]string{msg.id}, nil, "")
		if msg.res.Summary != nil {
			a.view.NoteStatus(msg.res.Summary)
			a.catchUp()
			a.observeStop(msg.id, msg.res.Summary, nil)
		}
	case api.StopAccepted:
		text = "stop of " + msg.id + " accepted (202): it stops once it is READY or ERROR"
		a.trackStops([]string{msg.id}, nil, "")
	case api.StopAlreadyTerminated:
		text = msg.id + " was already terminated (410)"
	}
	if note := evidenceNote(msg.detail); note != "" {
		text = note + " · " + text // first: the footer may cut the end
	}
	a.audit(entry)
	a.view.Refresh()                     // follow the row through TERMINATING → TERMINATED
	a.tabs[tabDeployments].dataChanged() // the table must not keep the old rows
	return tea.Batch(a.setFlash(text, false), a.plan())
}

// onBulkStopDone compares what the server will stop with what the user
// confirmed, reports any difference, clears the marks and audits.
func (a *App) onBulkStopDone(msg bulkStopDoneMsg) tea.Cmd {
	entry := model.AuditEntry{ID: msg.act, Action: "bulk-stop", Targets: msg.ids, Detail: msg.filter}
	if msg.filter == "" {
		entry.Detail = msg.detail
	}
	if msg.err != nil {
		if unknown, why := a.auditFailed(entry, msg.err); unknown {
			a.checkStops(msg.act, "bulk-stop", msg.ids)
			return tea.Batch(a.setFlash(fmt.Sprintf("bulk stop of %d deployments: outcome unknown (%s) — checking their status…", len(msg.ids), why), true), a.plan())
		}
		return a.setFlash("bulk stop failed: "+errorCause(msg.err.Error()), true)
	}
	got := make([]string, 0, len(msg.res.Processable))
	for _, p := range msg.res.Processable {
		got = append(got, p.RequestID)
	}
	var missing, extra []string
	for _, id := range msg.ids {
		if !slices.Contains(got, id) {
			missing = append(missing, id)
		}
	}
	for _, id := range got {
		if !slices.Contains(msg.ids, id) {
			extra = append(extra, id)
		}
	}
	entry.HTTPStatus = 202
	entry.Outcome = fmt.Sprintf("accepted: %d processable", len(got))
	text := fmt.Sprintf("bulk stop accepted: %d of %d will stop", len(got), len(msg.ids))
	if note := evidenceNote(msg.detail); note != "" {
		text = note + " · " + text
	}
	isErr := false
	if entry.Detail != "" {
		entry.Detail += ". "
	}
	if len(missing) > 0 {
		text += "; not processable: " + strings.Join(missing, " ")
		entry.Detail += "not processable: " + strings.Join(missing, " ") + ". "
		isErr = true
	}
	if len(extra) > 0 {
		text += "; ALSO stopping (not previewed): " + strings.Join(extra, " ")
		entry.Detail += "not previewed: " + strings.Join(extra, " ")
		isErr = true
	}
	a.audit(entry)
	a.trackStops(got, missing, "not processable")
	if d, ok := a.deployments(); ok {
		d.clearMarks()
	}
	a.view.Refresh()
	a.rebuildChrome()
	return tea.Batch(a.setFlash(text, isErr), a.plan())
}

// audit queues the outcome e of action e.ID (see beginAction) for the
// audit log, if there is one, and counts the action as answered; a failure
// to write it is shown, never swallowed (withAudit).
func (a *App) audit(e model.AuditEntry) {
	delete(a.inflight, e.ID)
	a.view.Announce(actionNotice(e), e.Action, e.Targets) // the others on a shared console hear of it
	a.view.RecordAction(e)                                // the incident feed, for every console and its file
	if a.env.Audit == nil {
		return
	}
	e.Time, e.Profile, e.APIHost, e.Actor = a.env.now(), a.env.Profile, a.env.Client.Host(), a.env.Actor
	a.auditQ = append(a.auditQ, auditWrite{entry: e}) // written by withAudit, off the UI goroutine
}

// auditFailed records a request that did not succeed. When the request may
// have been carried out but its answer was lost (lostAnswer), the outcome
// is "unknown — check" and unknown is true, with why: the caller then
// finds out. Otherwise it is "failed: <error>" with the HTTP status the
// API answered (0 when it did not answer).
func (a *App) auditFailed(e model.AuditEntry, err error) (unknown bool, why string) {
	if unknown, why = lostAnswer(err); unknown {
		e.Outcome, e.HTTPStatus = unknownOutcome(why, err), api.StatusOf(err)
	} else {
		e.Outcome, e.HTTPStatus = "failed: "+err.Error(), api.StatusOf(err)
	}
	a.audit(e)
	return unknown, why
}

// dialogKey drives the open dialog and runs the action once confirmed.
func (a *App) dialogKey(msg tea.KeyMsg) tea.Cmd {
	a.dlgView.dirty = true
	switch a.dialog.Update(msg) {
	case dialogConfirmed:
		run := a.onConfirm
		a.dialog, a.onConfirm = nil, nil
		return run()
	case dialogCancelled:
		a.dialog, a.onConfirm = nil, nil
		return a.setFlash("cancelled: nothing was sent", false)
	}
	return nil
}

// actionNotice is an action's outcome as the others on a shared console
// read it: "stop b6070d5ea80b: stopping", "bulk-stop of 3 deployments:
// accepted".
func actionNotice(e model.AuditEntry) string {
	what := e.Action
	switch n := len(e.Targets); {
	case n == 1:
		what += " " + e.Targets[0]
	case n > 1:
		what += fmt.Sprintf(" of %d", n)
		if strings.HasPrefix(e.Action, "stop") || strings.HasPrefix(e.Action, "bulk") || strings.HasPrefix(e.Action, "tag") {
			what += " deployments"
		}
	}
	outcome := e.Outcome
	if len(outcome) > 80 {
		outcome = outcome[:80] + "…"
	}
	return what + ": " + outcome
}

// othersOn is what the other people on a shared console are doing with
// ids, for a bulk action's confirmation: "" lines when nobody is.
func (a *App) othersOn(ids []string) []string {
	var out []string
	for _, o := range a.view.Overlap(ids) {
		var parts []string
		if o.Marked > 0 {
			parts = append(parts, fmt.Sprintf("marked %d of these", o.Marked))
		}
		if o.Stopping > 0 {
			parts = append(parts, fmt.Sprintf("is already stopping %d of these", o.Stopping))
		}
		if len(out) == 0 {
			out = append(out, "")
		}
		out = append(out, "NOTE: "+o.Name+" "+strings.Join(parts, " and ")+".")
	}
	return out
}

// followOthersStops follows the stops the others announce, so every
// console shows the same stop progress.
func (a *App) followOthersStops(notices []engine.Notice) {
	for _, n := range notices {
		if (n.Action == "stop" || n.Action == "bulk-stop") && stopProceeds(n.Text) {
			a.trackStops(n.Targets, nil, "")
		}
	}
}

// stopProceeds reports whether an announced stop's outcome means the
// deployments are going down (accepted, stopping), not that it failed.
func stopProceeds(text string) bool {
	_, outcome, _ := strings.Cut(text, ": ")
	return strings.HasPrefix(outcome, "stopping") || strings.HasPrefix(outcome, "accepted") || strings.HasPrefix(outcome, "ok")
}
