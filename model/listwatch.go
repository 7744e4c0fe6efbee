package model

import (
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// The list watch: between full list passes, which take minutes at 50,000
// deployments, two cheap reads of the list endpoint's `query` notice what
// an incident feed must show first, whatever the views show (also with no
// view attached):
//
//   - the ERROR watch reads every deployment in ERROR (status eq error,
//     newest first), page after page up to MaxErrorWatchPages;
//   - the new-deployment watch reads the newest page (created_at desc,
//     created_at gte the newest creation time already seen).
//
// Each runs every ListWatchInterval, counted from the end of its last
// read and never sooner than that read took, so the ERROR read (up to 10
// pages) spends at most half of the list group's budget and the
// new-deployment read adds a page per interval; when a watch page and a
// full pass page are both due, the watch goes first (after ctrl-r, the
// pass). Their rows never enter the list
// pass or the Deployments store: a complete read is given back (WatchPage)
// for the incident feed, and the deployments it shows for the first time
// get their status fetched before any other (priority enrichment), so the
// feed learns their error detail, app and location in the next seconds.

// Ceilings of the list watch.
const (
	// MaxErrorWatchPages bounds one ERROR watch read: 10 pages of 100 are
	// 1,000 deployments in ERROR; older ones are left to the full pass.
	MaxErrorWatchPages = 10
	// MaxNewWatchPages bounds one new-deployment read: 300 deployments
	// created within one interval; more are left to the full pass.
	MaxNewWatchPages = 3
	// maxUrgent bounds the deployments waiting for a priority status.
	maxUrgent = 100
	// maxUrgentTries is how many times a priority status is asked before
	// it is left to the normal enrichment.
	maxUrgentTries = 3
)

// listWatch is the state of one of the two watch reads.
type listWatch struct {
	kind      JobKind
	f         fetch
	page      int       // page of the read in progress; 0: between reads
	pager     api.Pager // the read's stop rules
	started   time.Time // when the read in progress got its first page
	took      time.Duration
	rows      []api.Deployment
	seen      map[string]bool // ids of the read in progress
	prev      map[string]bool // ids of the last complete read
	prevStart time.Time       // when the last complete read started; zero: none yet
	watermark time.Time       // JobNewWatch: newest creation time seen
	info      WatchInfo
}

// WatchInfo is what the UI can show of one watch read.
type WatchInfo struct {
	Kind     JobKind
	LastRead time.Time // when the last complete read ended; zero: none yet
	Rows     int       // rows of the last complete read
	Total    int       // total_count the API gave for its query
	// Capped: the last read stopped at its page ceiling, so older rows
	// were not read (the full list pass still sees them).
	Capped bool
	Fails  int       // failures in a row
	Retry  time.Time // no attempt before this after a failure
	// Unqueued counts the deployments this watch noticed whose status
	// could not be asked first: the priority queue was full.
	Unqueued int
}

// WatchRead is one complete read of a list watch, for the incident feed.
type WatchRead struct {
	Kind JobKind
	// Items are the rows of the read, each once, newest first.
	Items []api.Deployment
	// At is when the read ended; Prev when the previous complete read
	// started (zero: this read is the baseline, nothing in it is news).
	At, Prev time.Time
	// New are the ids this read showed that the previous one did not
	// (none on the baseline): their status is fetched first.
	New []string
	// Capped: the read stopped at its page ceiling.
	Capped bool
}

func newListWatch(kind JobKind) *listWatch {
	return &listWatch{kind: kind, info: WatchInfo{Kind: kind}}
}

// errorWatchQuery is the ERROR watch's query.
var errorWatchQuery = &api.DeploymentQuery{
	Filters: []api.QueryFilter{{Field: api.FieldStatus, Operator: api.OpEq, Value: strings.ToLower(api.StatusError.Name())}},
	OrderBy: []api.QueryOrder{{Field: api.FieldCreatedAt, Order: "desc"}},
}

// query is what the watch's next page asks for.
func (w *listWatch) query() *api.DeploymentQuery {
	if w.kind == JobErrorWatch {
		return errorWatchQuery
	}
	q := &api.DeploymentQuery{OrderBy: []api.QueryOrder{{Field: api.FieldCreatedAt, Order: "desc"}}}
	if !w.watermark.IsZero() {
		q.Filters = []api.QueryFilter{{Field: api.FieldCreatedAt, Operator: api.OpGte, Value: api.V1Time(w.watermark).String()}}
	}
	return q
}

// ceiling is the most pages one read takes: the new-deployment baseline
// needs only the newest page.
func (w *listWatch) ceiling() int {
	switch {
	case w.kind == JobErrorWatch:
		return MaxErrorWatchPages
	case w.prevStart.IsZero():
		return 1
	}
	return MaxNewWatchPages
}

// planListWatch plans the next page of each watch that is due, the ERROR
// watch first. It runs before the list pass, which takes what is left.
func (s *Scheduler) planListWatch(p *planner) {
	if s.cfg.ListWatchInterval < 0 {
		return
	}
	for _, w := range []*listWatch{s.errWatch, s.newWatch} {
		interval := max(s.cfg.ListWatchInterval, w.took) // a read at most half the group
		if w.page > 0 {
			interval = 0
		}
		page := max(w.page, 1)
		if p.recurring(&w.f, interval, Job{Kind: w.kind, Page: page, Limit: s.cfg.PageSize, Query: w.query()}) {
			w.page = page
		}
	}
}

// watchOf is the watch a job belongs to, or nil.
func (s *Scheduler) watchOf(k JobKind) *listWatch {
	switch k {
	case JobErrorWatch:
		return s.errWatch
	case JobNewWatch:
		return s.newWatch
	}
	return nil
}

// WatchPage feeds the answer to watch page j, read at at, and reports
// whether its read goes on; when the page ends the read, it returns the
// complete read (and the rule that ended it). Call it for a page that
// answered, before Finished, and pass more to Finished.
func (s *Scheduler) WatchPage(j Job, list *api.DeploymentList, at time.Time) (read *WatchRead, more bool, stop api.PageStop) {
	w := s.watchOf(j.Kind)
	if w == nil || list == nil {
		return nil, false, ""
	}
	if j.Page <= 1 {
		w.pager, w.started, w.rows, w.seen = api.Pager{}, at, nil, map[string]bool{}
	}
	for _, d := range list.Data {
		if d.RequestID == "" || w.seen[d.RequestID] {
			continue // pages shift while they are read: a row may come twice
		}
		w.seen[d.RequestID] = true
		w.rows = append(w.rows, d)
	}
	next, stop := w.pager.Next(list.PageInfo())
	capped := false
	if next > 0 && j.Page >= w.ceiling() {
		next, capped = 0, w.kind == JobErrorWatch || !w.prevStart.IsZero()
		stop = api.StopPageCap
	}
	if next > 0 {
		w.page = next
		return nil, true, stop
	}
	read = &WatchRead{Kind: w.kind, Items: w.rows, At: at, Prev: w.prevStart, Capped: capped}
	if !w.prevStart.IsZero() {
		for _, d := range w.rows {
			if !w.prev[d.RequestID] {
				read.New = append(read.New, d.RequestID)
			}
		}
	}
	for _, d := range w.rows {
		if w.kind == JobNewWatch && d.StartTime.After(w.watermark) {
			w.watermark = d.StartTime.Time
		}
	}
	w.info.Capped = capped
	w.info.Rows, w.info.Total, w.info.LastRead = len(w.rows), int(list.TotalCount), at
	w.prev, w.prevStart, w.took = w.seen, w.started, at.Sub(w.started)
	w.rows, w.seen = nil, nil
	s.prioritize(w, read)
	return read, false, stop
}

// finishListWatch records the end of a watch page: after the last page of a
// read the next read is due ListWatchInterval later; after a failure the
// read starts again from page 1 after a backoff.
func (s *Scheduler) finishListWatch(j Job, now time.Time, err error, more bool) {
	w := s.watchOf(j.Kind)
	if err != nil {
		w.page, w.rows, w.seen = 0, nil, nil
		w.f.finish(now, err)
	} else if more {
		w.f.inFlight = false // the next page is due at once
	} else {
		w.page = 0
		w.f.finish(now, nil)
	}
	w.info.Fails, w.info.Retry = w.f.fails, w.f.retryAt
}

// Watches describe the ERROR watch and the new-deployment watch.
func (s *Scheduler) Watches() []WatchInfo {
	return []WatchInfo{s.errWatch.info, s.newWatch.info}
}

// prioritize queues the status of the deployments a read showed for the
// first time, unless the store already has it fresh.
func (s *Scheduler) prioritize(w *listWatch, read *WatchRead) {
	for _, id := range read.New {
		if r, ok := s.store.Get(id); ok && r.Enriched && !r.EnrichedAt.Before(read.Prev) &&
			(read.Kind != JobErrorWatch || r.Status == api.StatusError) {
			continue
		}
		if _, queued := s.urgent[id]; queued {
			continue
		}
		if len(s.urgentOrder) >= maxUrgent {
			w.info.Unqueued++
			continue
		}
		s.urgent[id] = &fetch{}
		s.urgentOrder = append(s.urgentOrder, id)
	}
}

// planUrgent asks first the status of the deployments the watch just
// noticed, in the order it noticed them.
func (s *Scheduler) planUrgent(p *planner) {
	for _, id := range s.urgentOrder {
		if _, busy := s.statusBusy[id]; busy {
			continue
		}
		t, ok := s.urgent[id].dueAt(0)
		switch {
		case !ok:
		case t.After(p.now):
			p.wakeAt(t)
		case !p.take(api.GroupStatus):
			p.wakeAt(p.now)
			return
		default:
			s.urgent[id].start(p.now)
			s.statusBusy[id] = p.now
			p.add(Job{Kind: JobStatus, ID: id})
		}
	}
}

// finishUrgent records a status answer of a deployment waiting for a
// priority status, however it was planned: an answer (or a 404) ends the
// wait, a failure retries after a backoff, at most maxUrgentTries times.
func (s *Scheduler) finishUrgent(id string, now time.Time, err error) {
	f := s.urgent[id]
	if f == nil {
		return
	}
	f.finish(now, err)
	if err == nil || api.IsNotFound(err) || f.fails >= maxUrgentTries {
		delete(s.urgent, id)
		for i, u := range s.urgentOrder {
			if u == id {
				s.urgentOrder = append(s.urgentOrder[:i:i], s.urgentOrder[i+1:]...)
				break
			}
		}
	}
}

// Urgent lists the deployments waiting for a priority status, first
// noticed first.
func (s *Scheduler) Urgent() []string { return append([]string(nil), s.urgentOrder...) }
