package ui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// The audit trail of an action: an "attempted" record before its request
// is sent (beginAction), its outcome after (audit, auditFailed). When the
// request may have reached the server but its answer was lost, the outcome
// is "unknown — check" and the console re-reads the targets to find out
// what happened (stops: the status; tags: the tags; a fleet's enabled
// flag: the fleet; a policy delete: the policy), then records what it
// found under the same action id ("resolved: …").

// stopCheckFor is how long the status of a deployment whose stop's answer
// was lost is read (every watch interval) to find out whether it was
// stopped: as long as a stop is followed (a stop accepted while the
// deployment deploys takes effect once it is READY). Then its outcome
// stays unknown.
const stopCheckFor = stopTimeout

// beginAction records the attempt of e, to be written before its request
// is sent, and counts the action in flight until its outcome is audited.
// It returns the action id that pairs the attempt with its outcome; what
// names the action for the quit message ("stop of abc").
//
// Nothing is written on the UI goroutine: the record joins the audit
// queue, which App.Update writes in a command that runs before every
// other command of the same update, the request's included (withAudit).
func (a *App) beginAction(e model.AuditEntry, what string) string {
	e.ID = model.NewActionID()
	if a.inflight == nil {
		a.inflight = map[string]string{}
	}
	a.inflight[e.ID] = what
	if a.env.Audit != nil {
		e.Time, e.Profile, e.APIHost, e.Actor = a.env.now(), a.env.Profile, a.env.Client.Host(), a.env.Actor
		a.env.Audit.Reserve(e) // in memory: a quit from now on records it
		a.auditQ = append(a.auditQ, auditWrite{begin: true, entry: e})
	}
	return e.ID
}

// auditWrite is one audit record waiting to be written: an attempt
// (begin), an outcome, or the outcome "unknown" of every action still
// pending (abandon, for why).
type auditWrite struct {
	begin   bool
	abandon string
	entry   model.AuditEntry
}

// auditWriteFailedMsg reports that the audit log could not be written.
type auditWriteFailedMsg struct{ err error }

// writeAudit writes q in order to log and returns the first error.
func writeAudit(log *model.AuditLog, q []auditWrite) error {
	var first error
	for _, w := range q {
		var err error
		switch {
		case w.abandon != "":
			_, err = log.Abandon(w.abandon)
		case w.begin:
			err = log.WriteBegin(w.entry.ID)
		default:
			err = log.Finish(w.entry)
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// withAudit runs cmd after the audit records queued by this update are
// written, off the UI goroutine: one command writes them, then hands
// cmd to the runtime (a tea.BatchMsg), so an action's request never
// leaves before its attempt is on file and a quit never ends the program
// before the last outcomes are. A failed write reaches the user as a flash.
func (a *App) withAudit(cmd tea.Cmd) tea.Cmd {
	if len(a.auditQ) == 0 {
		return cmd
	}
	q, log := a.auditQ, a.env.Audit
	a.auditQ = nil
	return func() tea.Msg {
		var report tea.Cmd
		if err := writeAudit(log, q); err != nil {
			report = func() tea.Msg { return auditWriteFailedMsg{err: err} }
		}
		return tea.BatchMsg{report, cmd}
	}
}

// lostAnswer reports whether err leaves a mutation's outcome unknown, and
// why: the request may have been carried out (written, then the connection
// was lost or timed out), or the server answered 2xx in a body that could
// not be read. A request never sent (refused dial) or answered with an
// error status failed.
func lostAnswer(err error) (bool, string) {
	var re *api.RequestError
	if errors.As(err, &re) && re.Sent {
		return true, "connection lost after sending"
	}
	var de *api.DecodeError
	if errors.As(err, &de) && de.StatusCode >= 200 && de.StatusCode < 300 {
		return true, "answered " + strconv.Itoa(de.StatusCode) + " but the answer could not be read"
	}
	return false, ""
}

// unknownOutcome is the audit outcome of an action whose answer was lost.
func unknownOutcome(why string, err error) string {
	return model.OutcomeUnknown + " — check: " + why + " (" + errorCause(err.Error()) + ")"
}

// unwatchUnlessFollowed stops polling id's status unless a stop or a new
// deployment is still followed on it.
func (a *App) unwatchUnlessFollowed(id string) {
	if a.deploying[id] || (a.stops.tracker != nil && a.stops.tracker.Tracks(id)) {
		return
	}
	a.view.Unwatch(id)
}

// stopCheck is a deployment whose stop had its answer lost: its status is
// read until it tells whether the stop happened.
type stopCheck struct {
	act, action string // the action id and kind ("stop", "bulk-stop")
	since       time.Time
	reads       int
}

// checkStops follows the status of ids, whose stop's answer was lost, to
// record in the audit whether they were stopped.
func (a *App) checkStops(act, action string, ids []string) {
	if a.checks == nil {
		a.checks = map[string]*stopCheck{}
	}
	for _, id := range ids {
		a.checks[id] = &stopCheck{act: act, action: action, since: a.env.now()}
	}
	a.view.Watch(ids...)
}

// resolveStopJob folds a status answer into a stop whose answer was lost:
// gone, TERMINATING or TERMINATED means it was stopped; READY or ERROR
// that it was not; anything else (DEPLOYING: a stop accepted then waits
// for READY) waits for the next read, for stopCheckFor at most.
func (a *App) resolveStopJob(msg jobDoneMsg) tea.Cmd {
	if msg.job.Kind != model.JobStatus {
		return nil
	}
	id := msg.job.ID
	c := a.checks[id]
	if c == nil {
		return nil
	}
	c.reads++
	var outcome, text string
	isErr := true
	code := api.StatusOf(msg.err)
	switch {
	case code == http.StatusNotFound || code == http.StatusGone:
		outcome = model.OutcomeResolved + ": stopped (the deployment is gone)"
		text, isErr = "stop of "+id+" was carried out: the deployment is gone", false
	case msg.err == nil && msg.status != nil && msg.status.CurrentStatus.Ended():
		name := msg.status.CurrentStatus.Name()
		outcome = model.OutcomeResolved + ": stopped (status " + name + ")"
		text, isErr = "stop of "+id+" was carried out: it is "+name, false
		a.trackStops([]string{id}, nil, "")
	case msg.err == nil && msg.status != nil && msg.status.CurrentStatus.Settled():
		name := msg.status.CurrentStatus.Name()
		outcome = model.OutcomeResolved + ": not stopped (status " + name + " after the lost answer)"
		text = "stop of " + id + " was NOT carried out: it is still " + name + " (stop it again if needed)"
	case a.env.now().Sub(c.since) >= stopCheckFor:
		last := "no status read"
		if msg.err != nil {
			last = errorCause(msg.err.Error())
		} else if msg.status != nil {
			last = "status " + msg.status.CurrentStatus.Name()
		}
		outcome = model.OutcomeUnknown + " — still unknown after " + strconv.Itoa(c.reads) + " status reads in " + formatAge(stopCheckFor) + " (" + last + "): check it"
		text = "stop of " + id + ": outcome still unknown after " + formatAge(stopCheckFor) + " of status reads (" + last + "): check it"
	default:
		return nil
	}
	delete(a.checks, id)
	a.unwatchUnlessFollowed(id)
	a.audit(model.AuditEntry{ID: c.act, Action: c.action, Targets: []string{id}, Outcome: outcome})
	return a.setFlash(text, isErr)
}

// tagCheckMsg is a deployment's tags re-read after a tag request's answer
// was lost.
type tagCheckMsg struct {
	sentFrom
	act  string
	done tagDoneMsg // the request whose answer was lost
	tags []string
	err  error
}

// checkTags re-reads m.id's tags (one request) to find out whether the tag
// request whose answer was lost was carried out.
func (a *App) checkTags(act string, m tagDoneMsg) tea.Cmd {
	ctx, c, o := a.sender()
	return func() tea.Msg {
		list, err := c.AllDeploymentTags(ctx, m.id)
		var tags []string
		for _, t := range list {
			tags = append(tags, t.Name)
		}
		return tagCheckMsg{sentFrom: o, act: act, done: m, tags: tags, err: err}
	}
}

// onTagCheck records what the re-read tags say about the lost request and
// shows them in the row.
func (a *App) onTagCheck(m tagCheckMsg) tea.Cmd {
	d := m.done
	entry := model.AuditEntry{ID: m.act, Action: d.op, Targets: []string{d.id}}
	if m.err != nil {
		entry.Outcome = model.OutcomeUnknown + " — still unknown: re-reading the tags failed (" + errorCause(m.err.Error()) + "): check them"
		a.audit(entry)
		return a.setFlash(d.op+" on "+d.id+": outcome still unknown (re-reading its tags failed): check them", true)
	}
	has := func(t string) bool { return slices.Contains(m.tags, t) }
	var done bool
	switch d.op {
	case tagAdd:
		done = has(d.tag)
	case tagRename:
		done = has(d.newTag) && !has(d.tag)
	case tagDelete:
		done = !has(d.tag)
	}
	a.setRowTags(d.id, m.tags)
	if done {
		entry.Outcome = model.OutcomeResolved + ": done (tags re-read)"
		a.audit(entry)
		return a.setFlash(d.op+" on "+d.id+" was carried out (its tags were re-read)", false)
	}
	entry.Outcome = model.OutcomeResolved + ": not done (tags re-read)"
	a.audit(entry)
	return a.setFlash(d.op+" on "+d.id+" was NOT carried out (its tags were re-read): try again if needed", true)
}

// fleetCheckMsg is a Smart Fleet re-read after an enable or disable whose
// answer was lost.
type fleetCheckMsg struct {
	sentFrom
	act  string
	done fleetToggleDoneMsg
	op   string
	f    *api.Fleet
	err  error
}

// checkFleet re-reads the fleet (one request).
func (a *App) checkFleet(act, op string, m fleetToggleDoneMsg) tea.Cmd {
	ctx, c, o := a.sender()
	return func() tea.Msg {
		f, err := c.Fleet(ctx, m.name)
		return fleetCheckMsg{sentFrom: o, act: act, done: m, op: op, f: f, err: err}
	}
}

// onFleetCheck records whether the fleet's flag is what was asked.
func (a *App) onFleetCheck(m fleetCheckMsg) tea.Cmd {
	d := m.done
	entry := model.AuditEntry{ID: m.act, Action: m.op, Targets: []string{d.name}}
	if m.err != nil || m.f == nil {
		cause := "no fleet in the answer"
		if m.err != nil {
			cause = errorCause(m.err.Error())
		}
		entry.Outcome = model.OutcomeUnknown + " — still unknown: re-reading the fleet failed (" + cause + "): check it"
		a.audit(entry)
		return tea.Batch(a.setFlash(m.op+" of "+d.name+": outcome still unknown (re-reading the fleet failed): check it", true), a.refreshCatalog())
	}
	a.noteFleet(*m.f)
	if m.f.Enabled == d.enabled {
		entry.Outcome = model.OutcomeResolved + ": done (enabled " + yesNo(m.f.Enabled) + ")"
		a.audit(entry)
		return a.setFlash(m.op+" of "+d.name+" was carried out (the fleet was re-read)", false)
	}
	entry.Outcome = model.OutcomeResolved + ": not done (enabled " + yesNo(m.f.Enabled) + ")"
	a.audit(entry)
	return a.setFlash(m.op+" of "+d.name+" was NOT carried out (the fleet was re-read): try again if needed", true)
}

// policyCheckMsg is a policy re-read after a delete whose answer was lost.
type policyCheckMsg struct {
	sentFrom
	act string
	ref policyRef
	err error
}

// checkPolicyDeleted re-reads the policy (one request): a 404 means the
// delete was carried out.
func (a *App) checkPolicyDeleted(act string, ref policyRef) tea.Cmd {
	ctx, c, o := a.sender()
	return func() tea.Msg {
		_, err := c.Policy(ctx, ref.fleet, ref.name)
		return policyCheckMsg{sentFrom: o, act: act, ref: ref, err: err}
	}
}

// onPolicyCheck records whether the policy is gone.
func (a *App) onPolicyCheck(m policyCheckMsg) tea.Cmd {
	target := m.ref.fleet + "/" + m.ref.name
	entry := model.AuditEntry{ID: m.act, Action: policyDelete, Targets: []string{target}}
	var text string
	isErr := true
	switch {
	case api.IsNotFound(m.err):
		entry.Outcome = model.OutcomeResolved + ": done (the policy is gone)"
		text, isErr = "delete of policy "+target+" was carried out (the policy is gone)", false
	case m.err == nil:
		entry.Outcome = model.OutcomeResolved + ": not done (the policy is still there)"
		text = "delete of policy " + target + " was NOT carried out (the policy is still there): try again if needed"
	default:
		entry.Outcome = model.OutcomeUnknown + " — still unknown: re-reading the policy failed (" + errorCause(m.err.Error()) + "): check it"
		text = "delete of policy " + target + ": outcome still unknown (re-reading it failed): check it"
	}
	a.audit(entry)
	return tea.Batch(a.setFlash(text, isErr), a.refreshCatalog())
}
