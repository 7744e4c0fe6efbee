package engine

import (
	"slices"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
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
	detached    bool
}

// Attach adds a viewer. It shows nothing until Show.
func (e *Engine) Attach() *View {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.nextView++
	v := &View{e: e, id: e.nextView, notice: make(chan struct{}, 1)}
	e.views = append(e.views, v)
	v.notice <- struct{}{} // the first Pull brings the current data
	return v
}

// Detach removes the viewer: its interests leave the plan; with no view
// attached the engine polls only watched deployments. Changed is closed,
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
	close(v.notice)
	e.interestsChangedLocked()
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
	v.interest, v.hasInterest, v.visible = in, true, slices.Clone(visible)
	e.interestsChangedLocked()
}

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
}

// Pull takes what changed since the last Pull.
func (v *View) Pull() Update {
	e := v.e
	e.mu.Lock()
	defer e.mu.Unlock()
	results, missed := e.resultsSinceLocked(v.seen)
	v.seen = e.seq
	return Update{Snapshot: e.snapshotLocked(), Results: results, Missed: missed}
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

// NoteFleet replaces a Smart Fleet with the one an action's answer carried.
func (v *View) NoteFleet(f api.Fleet) {
	v.note(func(e *Engine) bool { return e.cat.PutFleet(f) })
}

// NotePolicy replaces a policy with the one an action's answer carried, or
// removes it (p nil: deleted).
func (v *View) NotePolicy(fleet, name string, p *api.Policy) {
	v.note(func(e *Engine) bool { return e.cat.PutPolicy(fleet, name, p) })
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
