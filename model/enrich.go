package model

import (
	"slices"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// Status enrichment: which deployments' GET /v1/status to ask next.

// statusCandidate is a row whose status is due.
type statusCandidate struct {
	id string
	at time.Time // last status; zero: never
}

// planStatus plans status enrichment (see Scheduler).
func (s *Scheduler) planStatus(p *planner) {
	for id := range s.statusRetry {
		_, busy := s.statusBusy[id]
		if _, ok := s.store.Get(id); !ok && !busy {
			delete(s.statusRetry, id)
		}
	}
	var due []statusCandidate
	for _, id := range s.visible {
		r, ok := s.store.Get(id)
		if !ok {
			continue
		}
		if c, ok := s.statusDue(p, r, s.cfg.StatusInterval, s.statusRefresh); ok {
			due = append(due, c)
		}
	}
	// Never enriched first (in screen order), then oldest.
	slices.SortStableFunc(due, func(a, b statusCandidate) int { return a.at.Compare(b.at) })
	s.issueStatus(p, due)
	s.planWatch(p)
	s.planBackground(p)
}

// statusDue reports whether r's status is due now (its age reached
// interval, or it predates refreshAt), or notes when it will be.
func (s *Scheduler) statusDue(p *planner, r *DeploymentRow, interval time.Duration, refreshAt time.Time) (statusCandidate, bool) {
	if len(s.statusBusy) > 0 {
		if _, busy := s.statusBusy[r.ID]; busy {
			return statusCandidate{}, false
		}
	}
	c := statusCandidate{id: r.ID}
	var t time.Time
	if r.Enriched {
		c.at = r.EnrichedAt
		if !r.EnrichedAt.Before(refreshAt) {
			t = r.EnrichedAt.Add(interval)
		}
	}
	if len(s.statusRetry) > 0 {
		if f, failed := s.statusRetry[r.ID]; failed && f.retryAt.After(t) {
			t = f.retryAt
		}
	}
	if t.After(p.now) {
		p.wakeAt(t)
		return c, false
	}
	return c, true
}

func (s *Scheduler) issueStatus(p *planner, due []statusCandidate) {
	for _, c := range due {
		if !p.take(api.GroupStatus) {
			p.wakeAt(p.now)
			return
		}
		s.statusBusy[c.id] = p.now
		p.add(Job{Kind: JobStatus, ID: c.id})
	}
}

// planBackground enriches the rows not on screen: never-enriched rows in
// the store's order, then the oldest past BackgroundInterval (ties by
// id). With no budget left it only works out the wake time. It reads the
// enrichQueue, not every row: after a status answer it costs
// O(changes + rows never enriched + rows it skips or plans).
func (s *Scheduler) planBackground(p *planner) {
	q := s.enrichQueue
	q.sync(s.store)
	room := p.left(api.GroupStatus)
	more := false // something due is left out for lack of room
	// ready reports whether id may be asked now, noting when it may if
	// only a backoff holds it.
	ready := func(id string, due time.Time) bool {
		if s.isVisible[id] {
			return false
		}
		if _, busy := s.statusBusy[id]; busy {
			return false
		}
		if f, failed := s.statusRetry[id]; failed && f.retryAt.After(due) {
			due = f.retryAt
		}
		if due.After(p.now) {
			p.wakeAt(due)
			return false
		}
		return true
	}
	fresh := q.freshInOrder(s.store, room+1, func(id string) bool { return ready(id, time.Time{}) })
	if len(fresh) > room {
		fresh, more = fresh[:room], true
	}
	var stale []string
	var popped []enrichEntry
	for !more {
		e, ok := q.pop()
		if !ok {
			break
		}
		popped = append(popped, e)
		due := e.at.Add(s.cfg.BackgroundInterval)
		if _, busy := s.statusBusy[e.id]; busy || s.isVisible[e.id] {
			continue
		}
		if due.After(p.now) {
			// Every later entry is due later still. A backoff may hold
			// this one longer: waking at its interval is early, never late.
			p.wakeAt(due)
			break
		}
		if !ready(e.id, due) {
			continue
		}
		if len(fresh)+len(stale) == room {
			more = true
			break
		}
		stale = append(stale, e.id)
	}
	for _, e := range popped {
		q.heap.push(e) // still live: a planned row's entry goes when its answer changes it
	}
	if more {
		p.wakeAt(p.now) // plan again once a token is back
	}
	due := make([]statusCandidate, 0, len(fresh)+len(stale))
	for _, id := range fresh {
		due = append(due, statusCandidate{id: id})
	}
	for _, id := range stale {
		due = append(due, statusCandidate{id: id})
	}
	s.issueStatus(p, due)
}
