package engine

import (
	"slices"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/events"
)

// View is one attached viewer's handle on the engine: what it shows (its
// intents) and what it has been told. A View is used by one goroutine.
type View struct {
	e      *Engine
	id     int
	notice chan struct{} // buffered 1: something changed since the last Pull

	// guarded by e.mu
	interest    model.Interest
	hasInterest bool
	visible     []string
	filter      model.Filter
	seen        uint64 // the last result seq pulled
	noticesSeen uint64 // the last notice seq pulled
	detached    bool
	name, role  string          // who is behind the view (SetIdentity)
	since       time.Time       // when it attached
	marks       map[string]bool // the deployments this viewer marked
	stopping    map[string]bool // the deployments this viewer is stopping
}

// Attach adds a viewer. It shows nothing until Show.
func (e *Engine) Attach() *View {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nextView++
	v := &View{e: e, id: e.nextView, notice: make(chan struct{}, 1), since: e.now(), noticesSeen: e.noticeSeq}
	e.views = append(e.views, v)
	v.notice <- struct{}{} // the first Pull brings the current data
	return v
}

// Detach removes the viewer: its interests leave the plan; with no view
// attached the engine polls only watched deployments and the list watch
// (the incident feed). Changed is closed,
// so whoever waits on it returns.
func (v *View) Detach() {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if v.detached {
		return
	}
	v.detached = true
	e.views = slices.DeleteFunc(e.views, func(o *View) bool { return o == v })
	e.trimJournalLocked()
	close(v.notice)
	e.interestsChangedLocked()
	if v.name != "" {
		e.changedLocked() // the others see one person fewer
	}
}

// Changed receives a value when there is something new to Pull; it is
// closed when the viewer detaches.
func (v *View) Changed() <-chan struct{} { return v.notice }

// Show tells what the viewer shows: a view (and its argument) and the
// deployments on its screen, in screen order.
func (v *View) Show(in model.Interest, visible []string) {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if v.detached || (v.hasInterest && v.interest == in && slices.Equal(v.visible, visible)) {
		return
	}
	moved := v.interest.View != in.View || !v.hasInterest
	v.interest, v.hasInterest, v.visible = in, true, slices.Clone(visible)
	e.interestsChangedLocked()
	if moved && v.name != "" {
		e.changedLocked() // the others see where this person is
	}
}

// SetIdentity names the person behind the view (gapdeck serve), so the
// others see them in the snapshot's People.
func (v *View) SetIdentity(name, role string) {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if v.detached || v.name == name && v.role == role {
		return
	}
	v.name, v.role = name, role
	e.changedLocked()
}

// Announce tells every other view what this viewer did ("stop of 3
// deployments: accepted"); they find it in their next Update's Notices.
// action and targets say what it was about, so a view can follow it (the
// shared stop progress).
func (v *View) Announce(text, action string, targets []string) {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if v.detached || e.closed {
		return
	}
	e.noticeSeq++
	if len(e.notices) >= maxNotices {
		e.notices = append(make([]Notice, 0, maxNotices), e.notices[maxNotices/2:]...)
	}
	e.notices = append(e.notices, Notice{Seq: e.noticeSeq, From: v.id, Name: v.name, Text: text, At: e.now(),
		Action: action, Targets: slices.Clone(targets)})
	e.changedLocked()
}

// ID identifies the view among the engine's (Notice.From).
func (v *View) ID() int { return v.id }

// SetFilter tells the viewer's deployments filter: when every viewer of
// the deployments agrees, its query is pushed down to the API.
func (v *View) SetFilter(f model.Filter) {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if v.detached || v.filter.PushKey() == f.PushKey() {
		v.filter = f
		return
	}
	v.filter = f
	e.interestsChangedLocked()
}

// Refresh makes what the viewer shows due now, past any backoff (ctrl-r).
func (v *View) Refresh() {
	e := v.e
	e.mu.Lock()
	e.sched.Refresh()
	e.mu.Unlock()
	e.wakeRun()
}

// Watch follows deployments' status in every view until Unwatch (a stop
// or a deploy in progress).
func (v *View) Watch(ids ...string) {
	e := v.e
	e.mu.Lock()
	e.sched.Watch(ids...)
	e.mu.Unlock()
	e.wakeRun()
}

// Unwatch stops following deployments.
func (v *View) Unwatch(ids ...string) {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sched.Unwatch(ids...)
}

// Update is what a viewer pulls: the current snapshot and the results
// applied since its last Pull.
type Update struct {
	Snapshot *Snapshot
	Results  []Result
	// Missed: the viewer fell behind the journal; Results are then the
	// latest answer per fetch, and the viewer should rebuild what it
	// derived from results (log streams, metric panels).
	Missed bool
	// Notices are what the other viewers announced since the last Pull.
	Notices []Notice
}

// Pull takes what changed since the last Pull.
func (v *View) Pull() Update {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	results, missed := e.resultsSinceLocked(v.seen)
	v.seen = e.seq
	e.trimJournalLocked()
	var notices []Notice
	for _, n := range e.notices {
		if n.Seq > v.noticesSeen && n.From != v.id {
			notices = append(notices, n)
		}
	}
	v.noticesSeen = e.noticeSeq
	return Update{Snapshot: e.snapshotLocked(), Results: results, Missed: missed, Notices: notices}
}

// NoteStatus folds a status an action's answer carried (a stop's summary)
// into the store, for every view.
func (v *View) NoteStatus(st *api.DeploymentStatus) {
	v.note(func(e *Engine) bool { return e.store.ApplyStatus(st, e.now()) })
}

// NoteListed folds a deployment an action created or retagged into the
// store, as a list page would (outside a pass: the next pass confirms it).
func (v *View) NoteListed(d api.Deployment) {
	v.note(func(e *Engine) bool { return e.store.ApplyList([]api.Deployment{d}, e.now()) > 0 })
}

// NoteTags shows a deployment's tags after an action changed them.
func (v *View) NoteTags(id string, tags []string) {
	v.note(func(e *Engine) bool { return e.store.SetTags(id, tags) })
}

// NoteFleet replaces a Smart Fleet with the one an action's answer
// carried; the incident feed records the change.
func (v *View) NoteFleet(f api.Fleet) {
	v.note(func(e *Engine) bool {
		e.events.ObserveFleet(f, e.now())
		return e.cat.PutFleet(f)
	})
}

// NotePolicy replaces a policy with the one an action's answer carried, or
// removes it (p nil: deleted); the incident feed records the change.
func (v *View) NotePolicy(fleet, name string, p *api.Policy) {
	v.note(func(e *Engine) bool {
		e.events.ObservePolicy(fleet, name, p, e.now())
		return e.cat.PutPolicy(fleet, name, p)
	})
}

// NoteApp replaces an application with the one an action's answer
// carried (or its optimistic change, or the rollback of one).
func (v *View) NoteApp(a api.Application) {
	v.note(func(e *Engine) bool { return e.cat.PutApp(a) })
}

// NoteVersion replaces a version of app with the one an action's answer
// carried (or its optimistic change, or the rollback of one).
func (v *View) NoteVersion(app string, ver api.AppVersion) {
	v.note(func(e *Engine) bool { return e.cat.PutVersion(app, ver) })
}

// RecordAction puts an action's audited outcome in the incident feed
// (every attached view and the persisted log see it): "alice stopped
// b6070d5ea80b: stopping". The actor is the entry's, or this view's
// identity.
func (v *View) RecordAction(a model.AuditEntry) {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || a.Outcome == model.OutcomeAttempted {
		return
	}
	actor := v.name
	if a.Actor != nil && a.Actor.Name != "" {
		actor = a.Actor.Name
	}
	e.events.RecordAction(events.Action{Actor: actor, Action: a.Action, Targets: a.Targets, Outcome: a.Outcome}, e.now())
}

// note applies an action's answer and tells every view when it changed
// something.
func (v *View) note(apply func(*Engine) bool) {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.closed && apply(e) {
		e.changedLocked()
	}
}

// maxNotices bounds the notices kept for views that have not pulled.
const maxNotices = 256

// Notice is what one viewer announced to the others.
type Notice struct {
	Seq     uint64
	From    int    // the announcing view's ID
	Name    string // who (their identity)
	Text    string
	At      time.Time
	Action  string   // what kind of action ("stop", "bulk-stop", …), if one
	Targets []string // what it was about
}

// Presence is one person attached to the engine.
type Presence struct {
	ViewID int
	Name   string
	Role   string
	Since  time.Time
	Where  model.View // what they look at
}

// SetMarks tells which deployments this viewer marked, so the others can
// be warned before acting on them (Overlap). Marks stay per person.
func (v *View) SetMarks(ids []string) {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	v.marks = setOf(ids)
}

// SetStopping tells which deployments this viewer is stopping (followed to
// TERMINATED), for the others' Overlap.
func (v *View) SetStopping(ids []string) {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	v.stopping = setOf(ids)
}

// Overlap is what other people are doing with some deployments: for each
// other person, how many of ids they marked and how many they are
// stopping.
type Overlap struct {
	Name             string
	Marked, Stopping int
}

// Overlap reports the other viewers that marked or are stopping any of
// ids, first attached first.
func (v *View) Overlap(ids []string) []Overlap {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Overlap
	for _, o := range e.views {
		if o == v {
			continue
		}
		ov := Overlap{Name: o.name}
		for _, id := range ids {
			if o.marks[id] {
				ov.Marked++
			}
			if o.stopping[id] {
				ov.Stopping++
			}
		}
		if ov.Marked+ov.Stopping > 0 {
			if ov.Name == "" {
				ov.Name = "another console"
			}
			out = append(out, ov)
		}
	}
	return out
}

func setOf(ids []string) map[string]bool {
	if len(ids) == 0 {
		return nil
	}
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
