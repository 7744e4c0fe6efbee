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
// the store's order, then the oldest past BackgroundInterval. With no
// budget left it only works out the wake time.
func (s *Scheduler) planBackground(p *planner) {
	room := p.left(api.GroupStatus)
	var fresh, stale []statusCandidate
scan:
	for _, r := range s.store.All() {
		if s.isVisible[r.ID] {
			continue
		}
		c, ok := s.statusDue(p, r, s.cfg.BackgroundInterval, time.Time{})
		switch {
		case !ok:
		case len(fresh) == room:
			// No room for one more: plan again once a token is back.
			p.wakeAt(p.now)
			break scan
		case c.at.IsZero():
			fresh = append(fresh, c)
		default:
			stale = keepOldest(stale, c, room-len(fresh))
		}
	}
	due := append(fresh, stale...)
	s.issueStatus(p, due[:min(len(due), room)])
}

// keepOldest adds c to the at most n oldest candidates in list (sorted).
func keepOldest(list []statusCandidate, c statusCandidate, n int) []statusCandidate {
	i, _ := slices.BinarySearchFunc(list, c, func(a, b statusCandidate) int { return a.at.Compare(b.at) })
	if i >= n {
		return list
	}
	list = slices.Insert(list, i, c)
	if len(list) > n {
		list = list[:n]
	}
	return list
}
