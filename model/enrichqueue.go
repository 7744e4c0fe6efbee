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

	// The rows never enriched in the store's order, kept between plans:
	// order holds them (and rows enriched or removed since, skipped and
	// dropped lazily) as sorted by orderSort; moved holds the rows
	// listed or changed since, to put in their places at the next plan.
	// Ranking every fresh row on every plan cost an idle console with
	// thousands of rows still to enrich most of its CPU (issue 16).
	order     []string
	orderSort Sort
	orderOK   bool
	moved     map[string]bool
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
	return &enrichQueue{fresh: map[string]bool{}, at: map[string]time.Time{}, moved: map[string]bool{}}
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
	q.orderOK = false
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
		q.moved[id] = true // new, or its sort key may have changed
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
// accepts, in the store's order. It walks the order kept from the last
// plan, after putting the rows listed or changed since in their places
// (O(fresh) plus O(log rows) per such row); it ranks every fresh row
// again only when the store's sort changed or most rows moved.
func (q *enrichQueue) freshInOrder(d *Deployments, n int, keep func(id string) bool) []string {
	switch {
	case !q.orderOK || q.orderSort != d.Sort() || len(q.moved) > maxPlaced:
		q.sortFresh(d)
	case len(q.moved) > 0:
		q.placeMoved(d)
	}
	ids := make([]string, 0, min(n, len(q.fresh)))
	dead := 0
	for _, id := range q.order {
		if len(ids) == n {
			break
		}
		if !q.fresh[id] {
			dead++
			continue
		}
		if keep(id) {
			ids = append(ids, id)
		}
	}
	if dead > len(q.order)/4+64 { // enriched since: drop them from the front
		q.order = slices.DeleteFunc(q.order, func(id string) bool { return !q.fresh[id] })
	}
	return ids
}

// maxPlaced is the most moved rows placeMoved puts in their places; past
// it sortFresh orders every row again.
const maxPlaced = 1024

// fewMoved is the most moved rows placeMoved inserts one by one; more are
// merged into a new order in one pass.
const fewMoved = 8

// rankedID is a row and its place in the store's order.
type rankedID struct {
	id   string
	rank int
}

func compareRanked(a, b rankedID) int {
	if c := cmp.Compare(a.rank, b.rank); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// sortFresh orders every fresh row afresh: O(fresh · log rows).
func (q *enrichQueue) sortFresh(d *Deployments) {
	ranked := make([]rankedID, 0, len(q.fresh))
	for id := range q.fresh {
		ranked = append(ranked, rankedID{id, d.rank(id)})
	}
	slices.SortFunc(ranked, compareRanked)
	q.order = q.order[:0]
	for _, r := range ranked {
		q.order = append(q.order, r.id)
	}
	q.orderOK, q.orderSort = true, d.Sort()
	clear(q.moved)
}

// placeMoved takes the moved rows out of the order and puts the fresh
// ones back in their places, each found by binary search, in one merge:
// O(fresh) plus O(log fresh · log rows) per moved row. The other rows
// keep their relative order: a row's place changes only when its own sort
// key does, and that is a change noted as a move.
func (q *enrichQueue) placeMoved(d *Deployments) {
	kept := slices.DeleteFunc(q.order, func(id string) bool { return !q.fresh[id] || q.moved[id] })
	moved := make([]rankedID, 0, len(q.moved))
	for id := range q.moved {
		if q.fresh[id] {
			moved = append(moved, rankedID{id, d.rank(id)})
		}
	}
	slices.SortFunc(moved, compareRanked)
	place := func(order []string, m rankedID) int {
		at, _ := slices.BinarySearchFunc(order, m, func(k string, m rankedID) int {
			return compareRanked(rankedID{k, d.rank(k)}, m)
		})
		return at
	}
	if len(moved) <= fewMoved { // in place: no copy of the order
		for _, m := range moved {
			kept = slices.Insert(kept, place(kept, m), m.id)
		}
		q.order = kept
		clear(q.moved)
		return
	}
	out := make([]string, 0, len(kept)+len(moved))
	from := 0 // kept[:from] is in out
	for _, m := range moved {
		at := place(kept[from:], m)
		out = append(out, kept[from:from+at]...)
		out = append(out, m.id)
		from += at
	}
	q.order = append(out, kept[from:]...)
	clear(q.moved)
}
