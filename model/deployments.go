package model

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// DefaultDeploymentSort is the Deployments tab's initial order: age
// ascending, which puts the newest deployments first.
var DefaultDeploymentSort = Sort{Column: "age"}

// Deployments is the Deployments tab's data: every deployment the list
// returned, enriched from status answers, kept sorted and filtered.
//
// The list is read in passes (BeginCycle, ApplyList per page, EndCycle).
// Pages shift while a pass reads them (a deployment that ends moves the
// rest up a place), so a live deployment can slip between two pages; a
// row is therefore dropped only when two passes in a row missed it, or one
// pass when its last status says it is ending or the list showed it under
// another pushed-down query.
type Deployments struct {
	idx     *Index[*DeploymentRow]
	filter  Filter
	sort    Sort
	rev     uint64
	cycle   uint64
	seen    map[string]uint64 // id → last cycle the list showed it
	gone    map[string]bool   // answered 404 during this cycle
	pushKey string            // the filter's pushed-down query

	byID    *Index[*DeploymentRow] // every row by id, for Snapshot's base
	seq     uint64                 // bumps on every row stored or removed
	changes []Change               // the last changes, oldest first; see logChange
	base    []*DeploymentRow       // byID frozen at baseSeq (shared with snapshots, never modified)
	baseSeq uint64                 // the seq base holds; the log reaches back past it
	synced  uint64                 // a replica's: the source seq it has (Sync)
}

// Change is one row stored or removed, numbered in order.
type Change struct {
	Seq uint64
	ID  string
	Row *DeploymentRow // the row stored; nil: removed
}

// maxChanges bounds the change log: a replica further behind rebuilds.
const maxChanges = 16384

// minRebase is the least number of changes between two copies of the
// base (see logChange): a small store is copied at most that often.
const minRebase = 64

// NewDeployments returns an empty store sorted by DefaultDeploymentSort.
func NewDeployments() *Deployments {
	less, _ := DeploymentLess(DefaultDeploymentSort)
	key := func(r *DeploymentRow) string { return r.ID }
	return &Deployments{
		idx:  NewIndex(key, less),
		byID: NewIndex(key, func(a, b *DeploymentRow) bool { return false }),
		sort: DefaultDeploymentSort,
		seen: map[string]uint64{},
		gone: map[string]bool{},
	}
}

// put stores r; bump says the console shows something new. Without bump
// r is a copy whose shown fields are unchanged, so its derived fields
// (haystack, parsed ip) still hold.
func (d *Deployments) put(r *DeploymentRow, bump bool) {
	if bump {
		d.rev++
		r.Rev = d.rev
		r.finish()
	}
	d.idx.Put(r)
	d.byID.Put(r)
	d.logChange(r.ID, r)
}

// logChange numbers a change to row id (r: the row stored, nil: removed).
// The log is shared with snapshots: it is only appended to, and trimmed
// into a new array, never in place.
//
// A snapshot is the base (every row, frozen) and the log's changes after
// it, so taking one costs O(1). The base is copied again once a quarter
// of the store has changed since (at least minRebase changes, at most
// maxChanges/2, so the trimmed log always reaches back to it): O(1)
// amortized per change, and a snapshot's Get reads at most that many
// changes.
func (d *Deployments) logChange(id string, r *DeploymentRow) {
	d.seq++
	if len(d.changes) >= maxChanges {
		d.changes = append(make([]Change, 0, maxChanges), d.changes[maxChanges/2:]...)
	}
	d.changes = append(d.changes, Change{Seq: d.seq, ID: id, Row: r})
	if d.seq-d.baseSeq >= min(maxChanges/2, max(minRebase, uint64(d.byID.Total())/4)) {
		d.base, d.baseSeq = slices.Clone(d.byID.All()), d.seq
	}
}

// BeginCycle starts a new full pass over the list.
func (d *Deployments) BeginCycle() {
	d.cycle++
	clear(d.gone)
}

// ApplyList upserts a page of the list: list fields change, enrichment is
// kept. It returns how many rows changed or appeared.
func (d *Deployments) ApplyList(page []api.Deployment, now time.Time) (changed int) {
	for i := range page {
		item := &page[i]
		id := item.RequestID
		if id == "" || d.gone[id] {
			continue
		}
		d.seen[id] = d.cycle
		old, had := d.idx.Get(id)
		if !had {
			old = nil
		}
		n, diff := old.withFields(id, listFields(item))
		if !had {
			n.FirstSeen = now
		}
		moved := had && old.listedUnder != d.pushKey
		n.listedUnder = d.pushKey
		if diff || moved {
			d.put(n, diff)
		}
		if diff {
			changed++
		}
	}
	return changed
}

// EndCycle ends the pass and drops the rows it did not see (see
// Deployments for when a row gets a second chance). It returns their ids.
func (d *Deployments) EndCycle() (removed []string) {
	for _, r := range d.EndCycleRemovals() {
		removed = append(removed, r.ID)
	}
	return removed
}

// RemovalReason is why the end of a list pass dropped a row.
type RemovalReason int

// Why a row was dropped.
const (
	// RemovedEnded: its last status said it was ending (TERMINATING or
	// TERMINATED) and the pass did not list it: it is gone.
	RemovedEnded RemovalReason = iota + 1
	// RemovedUnlisted: two passes in a row did not list it: it is gone.
	RemovedUnlisted
	// RemovedQuery: the list is read under another pushed-down query
	// than the one that listed it (the user filtered the list on the
	// server): it may well still run, it is only out of the query.
	RemovedQuery
)

var removalNames = [...]string{"", "ended", "no longer listed", "out of the query"}

// String says the reason in words ("ended", "no longer listed", "out of
// the query").
func (r RemovalReason) String() string {
	if r > 0 && int(r) < len(removalNames) {
		return removalNames[r]
	}
	return "removed?"
}

// Gone reports whether the reason means the deployment no longer exists
// (not merely left out by the query).
func (r RemovalReason) Gone() bool { return r == RemovedEnded || r == RemovedUnlisted }

// Removal is one row the end of a list pass dropped, with why, and the
// status it last had.
type Removal struct {
	ID     string
	Reason RemovalReason
	Status api.Status
}

// EndCycleRemovals is EndCycle telling why each row was dropped: a row
// listed under another pushed-down query is RemovedQuery whatever else
// holds (its absence says nothing of the deployment).
func (d *Deployments) EndCycleRemovals() (removed []Removal) {
	for _, r := range d.idx.All() {
		last := d.seen[r.ID]
		if last == d.cycle {
			continue
		}
		var why RemovalReason
		switch {
		case r.listedUnder != d.pushKey:
			why = RemovedQuery
		case r.Status.Ended():
			why = RemovedEnded
		case last+1 < d.cycle:
			why = RemovedUnlisted
		default:
			continue
		}
		removed = append(removed, Removal{ID: r.ID, Reason: why, Status: r.Status})
	}
	for _, r := range removed {
		d.remove(r.ID)
	}
	return removed
}

func (d *Deployments) remove(id string) {
	if d.idx.Delete(id) {
		d.rev++
		d.byID.Delete(id)
		d.logChange(id, nil)
	}
	delete(d.seen, id)
}

// ApplyStatus enriches the row of st.RequestID (a deployment the list has
// not shown is ignored). It reports whether anything the console shows
// changed; a repeated answer only refreshes EnrichedAt and Detail.
func (d *Deployments) ApplyStatus(st *api.DeploymentStatus, now time.Time) (changed bool) {
	if st == nil {
		return false
	}
	old, ok := d.idx.Get(st.RequestID)
	if !ok {
		return false
	}
	n, changed := old.withStatus(st, now)
	d.put(n, changed)
	return changed
}

// MarkStatusProblem notes on a row why its last status answer, at now,
// could not be used (the next usable answer clears it); the row keeps the
// status it had, if any, and since when it is unavailable. It reports
// whether the row changed.
func (d *Deployments) MarkStatusProblem(id, reason string, now time.Time) bool {
	old, ok := d.idx.Get(id)
	if !ok || old.StatusProblem == reason {
		return false
	}
	n := *old
	if n.StatusProblem == "" {
		n.StatusProblemSince = now
	}
	n.StatusProblem = reason
	d.put(&n, true)
	return true
}

// SetTags replaces a row's tags (an action's answer, before the list
// shows them); it reports whether the row changed.
func (d *Deployments) SetTags(id string, tags []string) bool {
	old, ok := d.idx.Get(id)
	tags = slices.Sorted(slices.Values(tags))
	if !ok || slices.Equal(old.Tags, tags) {
		return false
	}
	n := *old
	n.Tags = tags
	d.put(&n, true)
	return true
}

// MarkGone drops a deployment whose status answered 404; the rest of the
// current pass will not bring it back.
func (d *Deployments) MarkGone(id string) {
	d.gone[id] = true
	d.remove(id)
}

// Get returns the row of a deployment.
func (d *Deployments) Get(id string) (*DeploymentRow, bool) { return d.idx.Get(id) }

// Rows returns the visible rows: filtered and sorted. Callers must not
// modify the slice; it is valid until the next change to the store.
func (d *Deployments) Rows() []*DeploymentRow { return d.idx.Visible() }

// All returns every row, sorted, unfiltered (same rules as Rows).
func (d *Deployments) All() []*DeploymentRow { return d.idx.All() }

// rank is a row's position in All(), or -1.
func (d *Deployments) rank(id string) int { return d.idx.Rank(id) }

// Len is the number of visible rows.
func (d *Deployments) Len() int { return d.idx.Len() }

// Total is the number of rows, filtered out or not.
func (d *Deployments) Total() int { return d.idx.Total() }

// Position is a row's position in Rows(), or -1.
func (d *Deployments) Position(id string) int { return d.idx.Position(id) }

// SetFilter filters the rows. A filter that narrows the current one (one
// more character typed) only re-checks the visible rows. Tell the
// Scheduler the same filter's push-down (SetQuery(f.DeploymentQuery())):
// rows are trusted on pushed-down terms only once a list pass under that
// query has shown them.
func (d *Deployments) SetFilter(f Filter) {
	narrows := f.Narrows(d.filter)
	d.filter, d.pushKey = f, f.pushKey
	d.rev++
	var match func(*DeploymentRow) bool
	if !f.Empty() {
		match = func(r *DeploymentRow) bool { return f.match(r, r.listedUnder == f.pushKey) }
	}
	if narrows {
		d.idx.Narrow(match)
		return
	}
	d.idx.SetFilter(match)
}

// SetPushdown tells the store of the query the list is read under (f's
// push-down), without filtering its rows: an engine's shared store, whose
// views filter their own replicas.
func (d *Deployments) SetPushdown(f Filter) { d.pushKey = f.pushKey }

// SetSort re-sorts the rows; an unknown column is an error and changes
// nothing.
func (d *Deployments) SetSort(s Sort) error {
	less, err := DeploymentLess(s)
	if err != nil {
		return err
	}
	d.sort = s
	d.rev++
	d.idx.SetLess(less)
	return nil
}

// Sort is the current order.
func (d *Deployments) Sort() Sort { return d.sort }

// Filter is the current filter.
func (d *Deployments) Filter() Filter { return d.filter }

// Rev bumps on any change the console shows: a row's Rev, rows appearing
// or leaving, the filter or the sort.
func (d *Deployments) Rev() uint64 { return d.rev }

// IDs returns the ids of rows, in order.
func IDs(rows []*DeploymentRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return slices.Clip(out)
}

// DeploymentsSnapshot is a Deployments store frozen at one change: safe
// to read from any goroutine while the store goes on changing. Rows are
// immutable (see DeploymentRow).
type DeploymentsSnapshot struct {
	Seq     uint64
	n       int              // rows at Seq
	base    []*DeploymentRow // every row at baseSeq, by id (shared, never modified)
	baseSeq uint64
	changes []Change // the log up to Seq, reaching back past baseSeq (shared, never modified)
}

// Snapshot freezes the store in O(1): no row and no list of rows is
// copied (see logChange).
func (d *Deployments) Snapshot() DeploymentsSnapshot {
	return DeploymentsSnapshot{
		Seq:     d.seq,
		n:       d.byID.Total(),
		base:    d.base,
		baseSeq: d.baseSeq,
		changes: d.changes[:len(d.changes):len(d.changes)],
	}
}

// delta are the changes after the base, oldest first.
func (s DeploymentsSnapshot) delta() []Change {
	i, _ := slices.BinarySearchFunc(s.changes, s.baseSeq+1, func(c Change, seq uint64) int { return cmp.Compare(c.Seq, seq) })
	return s.changes[i:]
}

// Get returns the row of id: O(changes since the base + log rows).
func (s DeploymentsSnapshot) Get(id string) (*DeploymentRow, bool) {
	delta := s.delta()
	for i := len(delta) - 1; i >= 0; i-- {
		if delta[i].ID == id {
			return delta[i].Row, delta[i].Row != nil
		}
	}
	i, ok := slices.BinarySearchFunc(s.base, id, func(r *DeploymentRow, id string) int { return strings.Compare(r.ID, id) })
	if !ok {
		return nil, false
	}
	return s.base[i], true
}

// Len is the number of rows.
func (s DeploymentsSnapshot) Len() int { return s.n }

// Rows are every row, by id, in a new slice: O(rows).
func (s DeploymentsSnapshot) Rows() []*DeploymentRow {
	latest := map[string]*DeploymentRow{}
	for _, c := range s.delta() {
		latest[c.ID] = c.Row
	}
	out := make([]*DeploymentRow, 0, s.n)
	for _, r := range s.base {
		if _, changed := latest[r.ID]; !changed {
			out = append(out, r)
		}
	}
	for _, r := range latest {
		if r != nil {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *DeploymentRow) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Sync makes d, a replica that only ever syncs, hold the rows of s, with
// its own filter and sort: the changes since its last Sync when s's log
// reaches back that far (O(changes)), a rebuild otherwise. It reports
// whether anything changed.
func (d *Deployments) Sync(s DeploymentsSnapshot) bool {
	if s.Seq == d.synced {
		return false
	}
	if s.Seq < d.synced || len(s.changes) == 0 || s.changes[0].Seq > d.synced+1 {
		d.rebuild(s)
		return true
	}
	start, _ := slices.BinarySearchFunc(s.changes, d.synced+1, func(c Change, seq uint64) int { return cmp.Compare(c.Seq, seq) })
	for _, c := range s.changes[start:] {
		if c.Row != nil {
			d.idx.Put(c.Row)
		} else {
			d.idx.Delete(c.ID)
		}
	}
	d.synced = s.Seq
	d.rev++
	return true
}

// rebuild replaces every row of the replica d with s's.
func (d *Deployments) rebuild(s DeploymentsSnapshot) {
	for _, r := range slices.Clone(d.idx.All()) {
		d.idx.Delete(r.ID)
	}
	for _, r := range s.Rows() {
		d.idx.Put(r)
	}
	d.synced = s.Seq
	d.rev++
}
