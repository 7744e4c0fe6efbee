package model

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// enrichQueue indexes the store's rows by what background enrichment
// needs (see planBackground), so planning after a status answer costs
// O(changes since the last plan + rows never enriched + rows due), not
// O(rows): the rows never enriched, and a min-heap of the enriched rows
// by when their status arrived.
//
// It follows the store through its change log (Snapshot): each Plan
// folds in the changes since the last one, and rebuilds from every row
// when the log no longer reaches back that far. The heap deletes lazily:
// an entry whose row has since been enriched again or removed is dropped
// when it reaches the top, and the heap is rebuilt when such entries
// outnumber the live ones.
type enrichQueue struct {
	seq   uint64               // the store change folded in last
	fresh map[string]bool      // rows never enriched
	at    map[string]time.Time // each enriched row's EnrichedAt: its live heap entry
	heap  enrichHeap
}

// enrichEntry is one enriched row in the heap.
type enrichEntry struct {
	at time.Time
	id string
}

// enrichHeap is a binary min-heap of entries, oldest first, ties by id.
// It is typed (not container/heap) so pushing does not box an entry.
type enrichHeap []enrichEntry

func (h enrichHeap) less(i, j int) bool {
	if c := h[i].at.Compare(h[j].at); c != 0 {
		return c < 0
	}
	return h[i].id < h[j].id
}

// push adds e.
func (h *enrichHeap) push(e enrichEntry) {
	*h = append(*h, e)
	s := *h
	for i := len(s) - 1; i > 0; {
		parent := (i - 1) / 2
		if !s.less(i, parent) {
			break
		}
		s[i], s[parent] = s[parent], s[i]
		i = parent
	}
}

// pop removes and returns the oldest entry; h must not be empty.
func (h *enrichHeap) pop() enrichEntry {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	s.down(0)
	*h = s
	return top
}

// down moves entry i down to its place.
func (h enrichHeap) down(i int) {
	for {
		small, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && h.less(l, small) {
			small = l
		}
		if r < len(h) && h.less(r, small) {
			small = r
		}
		if small == i {
			return
		}
		h[i], h[small] = h[small], h[i]
		i = small
	}
}

// init orders every entry.
func (h enrichHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func newEnrichQueue() *enrichQueue {
	return &enrichQueue{fresh: map[string]bool{}, at: map[string]time.Time{}}
}

// sync folds in the store's changes since the last sync.
func (q *enrichQueue) sync(d *Deployments) {
	s := d.Snapshot()
	if s.Seq == q.seq {
		return
	}
	if s.Seq < q.seq || len(s.changes) == 0 || s.changes[0].Seq > q.seq+1 {
		q.rebuild(d)
		return
	}
	start, _ := slices.BinarySearchFunc(s.changes, q.seq+1, func(c Change, seq uint64) int { return cmp.Compare(c.Seq, seq) })
	for _, c := range s.changes[start:] {
		q.note(c.ID, c.Row)
	}
	q.seq = s.Seq
	if len(q.heap) > 2*len(q.at)+64 {
		q.compact()
	}
}

// rebuild indexes every row of d afresh.
func (q *enrichQueue) rebuild(d *Deployments) {
	clear(q.fresh)
	clear(q.at)
	q.heap = q.heap[:0]
	for _, r := range d.All() {
		q.note(r.ID, r)
	}
	q.seq = d.seq
}

// note records row id's current state (r nil: removed).
func (q *enrichQueue) note(id string, r *DeploymentRow) {
	switch {
	case r == nil:
		delete(q.fresh, id)
		delete(q.at, id)
	case !r.Enriched:
		q.fresh[id] = true
		delete(q.at, id)
	default:
		delete(q.fresh, id)
		if at, ok := q.at[id]; !ok || !at.Equal(r.EnrichedAt) {
			q.at[id] = r.EnrichedAt
			q.heap.push(enrichEntry{r.EnrichedAt, id})
		}
	}
}

// live reports whether e is its row's current entry.
func (q *enrichQueue) live(e enrichEntry) bool {
	at, ok := q.at[e.id]
	return ok && at.Equal(e.at)
}

// compact drops the dead entries.
func (q *enrichQueue) compact() {
	h := q.heap[:0]
	for _, e := range q.heap {
		if q.live(e) {
			h = append(h, e)
		}
	}
	q.heap = h
	q.heap.init()
}

// pop takes the oldest live entry.
func (q *enrichQueue) pop() (enrichEntry, bool) {
	for len(q.heap) > 0 {
		e := q.heap.pop()
		if q.live(e) {
			return e, true
		}
	}
	return enrichEntry{}, false
}

// freshInOrder returns at most n of the rows never enriched that keep(id)
// accepts, in the store's order: O(never enriched · log rows).
func (q *enrichQueue) freshInOrder(d *Deployments, n int, keep func(id string) bool) []string {
	type ranked struct {
		id   string
		rank int
	}
	var out []ranked
	for id := range q.fresh {
		if !keep(id) {
			continue
		}
		out = append(out, ranked{id, d.rank(id)})
	}
	slices.SortFunc(out, func(a, b ranked) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	ids := make([]string, 0, min(n, len(out)))
	for _, r := range out[:min(n, len(out))] {
		ids = append(ids, r.id)
	}
	return ids
}
