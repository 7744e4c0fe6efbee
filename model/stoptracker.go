package model

import (
	"net/http"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// DefaultStopTimeout is how long a stopped deployment may take to reach
// TERMINATED before the tracker reports it as still running (Edgegap's own
// plugins wait 5 minutes too).
const DefaultStopTimeout = 5 * time.Minute

// StopState is where a deployment being stopped is.
type StopState int

// The states of a tracked stop.
const (
	StopPending    StopState = iota // asked to stop, not TERMINATED yet
	StopTerminated                  // TERMINATED, or gone (404/410)
	StopFailed                      // refused, or still in ERROR at the timeout
	StopTimedOut                    // not TERMINATED after the timeout
)

// StopItem is one tracked deployment.
type StopItem struct {
	ID    string
	Since time.Time  // when its stop was accepted
	State StopState  // where it is
	Last  api.Status // the last status read ("" before any)
	Note  string     // why it failed, the ERROR detail or the last read error
}

// StopTracker follows deployments being stopped until each is TERMINATED,
// failed, or out of time. It is pure state: the UI feeds it the stops'
// answers and the status answers, and asks it for the progress.
type StopTracker struct {
	timeout time.Duration
	items   []*StopItem
	byID    map[string]*StopItem
}

// NewStopTracker returns an empty tracker; timeout <= 0 takes
// DefaultStopTimeout.
func NewStopTracker(timeout time.Duration) *StopTracker {
	if timeout <= 0 {
		timeout = DefaultStopTimeout
	}
	return &StopTracker{timeout: timeout, byID: map[string]*StopItem{}}
}

// Timeout is how long a stop may take.
func (t *StopTracker) Timeout() time.Duration { return t.timeout }

// Track follows ids, whose stop was accepted at now. An id tracked
// already starts again (a new stop of it).
func (t *StopTracker) Track(ids []string, now time.Time) {
	for _, id := range ids {
		it := t.item(id)
		*it = StopItem{ID: id, Since: now}
	}
}

// Fail records ids whose stop was refused (reason: why), at now.
func (t *StopTracker) Fail(ids []string, reason string, now time.Time) {
	for _, id := range ids {
		it := t.item(id)
		*it = StopItem{ID: id, Since: now, State: StopFailed, Note: reason}
	}
}

func (t *StopTracker) item(id string) *StopItem {
	it := t.byID[id]
	if it == nil {
		it = &StopItem{ID: id}
		t.byID[id] = it
		t.items = append(t.items, it)
	}
	return it
}

// Tracks reports whether id is tracked and still pending.
func (t *StopTracker) Tracks(id string) bool {
	it := t.byID[id]
	return it != nil && it.State == StopPending
}

// Observe folds a status answer of id (st, or err) into the tracker and
// reports whether anything it shows changed. TERMINATED, 404 and 410 end
// the wait; another error is kept as the note while the wait goes on; an
// ERROR status keeps its detail (a stop acts on ERROR deployments too).
func (t *StopTracker) Observe(id string, st *api.DeploymentStatus, err error) (changed bool) {
	it := t.byID[id]
	if it == nil || it.State != StopPending {
		return false
	}
	before := *it
	switch code := api.StatusOf(err); {
	case code == http.StatusNotFound || code == http.StatusGone:
		it.State, it.Note = StopTerminated, "gone"
	case err != nil:
		it.Note = "status read failed: " + err.Error()
	case st == nil:
		return false
	case st.CurrentStatus == api.StatusTerminated:
		it.State, it.Last, it.Note = StopTerminated, st.CurrentStatus, ""
	default:
		it.Last, it.Note = st.CurrentStatus, ""
		if st.CurrentStatus == api.StatusError {
			it.Note = st.ErrorDetail
		}
	}
	return *it != before
}

// Expire ends the wait of the deployments stopped timeout or more before
// now: one still in ERROR has failed, the others are still running. It
// reports whether any changed.
func (t *StopTracker) Expire(now time.Time) (changed bool) {
	for _, it := range t.items {
		if it.State != StopPending || now.Sub(it.Since) < t.timeout {
			continue
		}
		changed = true
		it.State = StopTimedOut
		if it.Last == api.StatusError {
			it.State = StopFailed
		}
	}
	return changed
}

// Items are the tracked deployments in the order they were first tracked
// (copies).
func (t *StopTracker) Items() []StopItem {
	out := make([]StopItem, len(t.items))
	for i, it := range t.items {
		out[i] = *it
	}
	return out
}

// Pending lists the ids still waited for.
func (t *StopTracker) Pending() []string { return t.ids(StopPending) }

// Resolved lists the ids no longer waited for.
func (t *StopTracker) Resolved() []string {
	var out []string
	for _, it := range t.items {
		if it.State != StopPending {
			out = append(out, it.ID)
		}
	}
	return out
}

func (t *StopTracker) ids(s StopState) []string {
	var out []string
	for _, it := range t.items {
		if it.State == s {
			out = append(out, it.ID)
		}
	}
	return out
}

// StopProgress counts the tracked deployments by state.
type StopProgress struct {
	Total, Pending, Terminated, Failed, TimedOut int
}

// Progress counts the tracked deployments by state.
func (t *StopTracker) Progress() StopProgress {
	p := StopProgress{Total: len(t.items)}
	for _, it := range t.items {
		switch it.State {
		case StopPending:
			p.Pending++
		case StopTerminated:
			p.Terminated++
		case StopFailed:
			p.Failed++
		case StopTimedOut:
			p.TimedOut++
		}
	}
	return p
}

// Active reports whether something is tracked.
func (t *StopTracker) Active() bool { return len(t.items) > 0 }

// Done reports whether something is tracked and nothing is waited for.
func (t *StopTracker) Done() bool { return len(t.items) > 0 && len(t.Pending()) == 0 }

// Started is when the earliest tracked stop was accepted.
func (t *StopTracker) Started() time.Time {
	var first time.Time
	for _, it := range t.items {
		if first.IsZero() || it.Since.Before(first) {
			first = it.Since
		}
	}
	return first
}

// Reset forgets everything.
func (t *StopTracker) Reset() {
	t.items = nil
	clear(t.byID)
}

// StopSummary is how tracked stops ended: how many terminated, which are
// still running after the timeout and which failed (with why).
type StopSummary struct {
	Terminated int
	Running    []StopItem
	Failed     []StopItem
}

// Summary is how the tracked stops ended so far.
func (t *StopTracker) Summary() StopSummary {
	var s StopSummary
	for _, it := range t.items {
		switch it.State {
		case StopTerminated:
			s.Terminated++
		case StopTimedOut:
			s.Running = append(s.Running, *it)
		case StopFailed:
			s.Failed = append(s.Failed, *it)
		}
	}
	return s
}
