package model

import (
	"net/http"
	"slices"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// Watched deployments: ones whose status the console follows whatever the
// active view shows (a stop being tracked to TERMINATED).

// Watch polls the status of ids every WatchInterval in every view, even
// when they are not on screen, inside the status budget: after the
// visible rows, before the background ones. Watching an id again changes
// nothing.
func (s *Scheduler) Watch(ids ...string) {
	for _, id := range ids {
		if _, ok := s.watched[id]; ok || id == "" {
			continue
		}
		s.watched[id] = &fetch{}
		s.watchOrder = append(s.watchOrder, id)
	}
}

// Unwatch stops following ids; a request in flight still finishes.
func (s *Scheduler) Unwatch(ids ...string) {
	for _, id := range ids {
		if _, ok := s.watched[id]; ok {
			delete(s.watched, id)
			s.watchOrder = slices.DeleteFunc(s.watchOrder, func(w string) bool { return w == id })
		}
	}
}

// Watched lists the watched ids, in the order they were first watched.
func (s *Scheduler) Watched() []string { return slices.Clone(s.watchOrder) }

// planWatch plans the watched statuses that are due, longest due first.
func (s *Scheduler) planWatch(p *planner) {
	if len(s.watchOrder) == 0 {
		return
	}
	var due []statusCandidate
	for _, id := range s.watchOrder {
		if _, busy := s.statusBusy[id]; busy {
			continue // asked already, for the screen or the detail view
		}
		t, ok := s.watched[id].dueAt(s.cfg.WatchInterval)
		switch {
		case !ok:
		case t.After(p.now):
			p.wakeAt(t)
		default:
			due = append(due, statusCandidate{id: id, at: t})
		}
	}
	slices.SortStableFunc(due, func(a, b statusCandidate) int { return a.at.Compare(b.at) })
	for _, c := range due {
		if !p.take(api.GroupStatus) {
			p.wakeAt(p.now)
			return
		}
		s.watched[c.id].start(p.now)
		s.statusBusy[c.id] = p.now
		p.add(Job{Kind: JobStatus, ID: c.id})
	}
}

// finishWatch records a status answer of a watched id, however it was
// planned. A 404 or 410 means the deployment is gone: it is unwatched.
func (s *Scheduler) finishWatch(id string, now time.Time, err error) {
	f := s.watched[id]
	if f == nil {
		return
	}
	if code := api.StatusOf(err); code == http.StatusNotFound || code == http.StatusGone {
		s.Unwatch(id)
		return
	}
	f.finish(now, err)
}
