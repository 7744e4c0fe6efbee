package model

import (
	"slices"
	"strings"
)

// Index keeps rows sorted by less (ties broken by key, so the order is total)
// and the subsequence that passes the filter, both updated incrementally:
// Put/Delete cost O(log n) + a memmove, never a full re-sort. Rows are
// treated as immutable: to change a row, Put a new value with the same key
// (copy-on-write); the index finds the old one by key.
//
// The slices returned by Visible and All are the index's own: callers must
// not modify them, and they are valid until the next change to the index.
type Index[R any] struct {
	key   func(R) string
	less  func(a, b R) bool
	match func(R) bool // nil: every row passes
	byKey map[string]R
	all   []R // sorted
	vis   []R // sorted, filtered: a subsequence of all
}

// NewIndex returns an empty index ordered by less, then by key.
func NewIndex[R any](key func(R) string, less func(a, b R) bool) *Index[R] {
	return &Index[R]{key: key, less: less, byKey: map[string]R{}}
}

// compare orders rows by less, then by key.
func (x *Index[R]) compare(a, b R) int {
	switch {
	case x.less(a, b):
		return -1
	case x.less(b, a):
		return 1
	}
	return strings.Compare(x.key(a), x.key(b))
}

func (x *Index[R]) passes(r R) bool { return x.match == nil || x.match(r) }

// search finds r's position in s (sorted by compare) and whether the row
// there has r's key.
func (x *Index[R]) search(s []R, r R) (int, bool) {
	i, found := slices.BinarySearchFunc(s, r, x.compare)
	return i, found
}

// Put inserts r, or replaces the row with the same key.
func (x *Index[R]) Put(r R) {
	k := x.key(r)
	old, had := x.byKey[k]
	x.byKey[k] = r
	if had {
		x.all = x.replace(x.all, old, r, true)
		x.vis = x.replace(x.vis, old, r, x.passes(r))
		return
	}
	x.all = x.insert(x.all, r)
	if x.passes(r) {
		x.vis = x.insert(x.vis, r)
	}
}

// replace swaps old for r in s when both are there and r keeps old's place
// (the common case: a row changed but not its sort key), else removes old
// (if present) and inserts r when keep.
func (x *Index[R]) replace(s []R, old, r R, keep bool) []R {
	i, found := x.search(s, old)
	if found && keep && (i == 0 || x.compare(s[i-1], r) < 0) && (i == len(s)-1 || x.compare(r, s[i+1]) < 0) {
		s[i] = r
		return s
	}
	if found {
		s = slices.Delete(s, i, i+1)
	}
	if keep {
		s = x.insert(s, r)
	}
	return s
}

func (x *Index[R]) insert(s []R, r R) []R {
	i, _ := x.search(s, r)
	return slices.Insert(s, i, r)
}

// Delete removes the row with key; it reports whether there was one.
func (x *Index[R]) Delete(key string) bool {
	old, had := x.byKey[key]
	if !had {
		return false
	}
	delete(x.byKey, key)
	x.all = x.remove(x.all, old)
	x.vis = x.remove(x.vis, old)
	return true
}

func (x *Index[R]) remove(s []R, r R) []R {
	if i, found := x.search(s, r); found {
		return slices.Delete(s, i, i+1)
	}
	return s
}

// Get returns the row with key.
func (x *Index[R]) Get(key string) (R, bool) {
	r, ok := x.byKey[key]
	return r, ok
}

// SetLess re-sorts every row by a new order (the user changed the sort).
func (x *Index[R]) SetLess(less func(a, b R) bool) {
	x.less = less
	x.all = slices.Clone(x.all)
	slices.SortFunc(x.all, x.compare)
	x.vis = slices.Clone(x.vis)
	slices.SortFunc(x.vis, x.compare)
}

// SetFilter keeps only the rows match accepts (nil: all): a full re-filter
// of the sorted rows, O(n), with no re-sort.
func (x *Index[R]) SetFilter(match func(R) bool) {
	x.match = match
	x.refilter()
}

// Narrow sets a filter that is known to be stricter than the current one
// (every row it accepts, the current filter accepts too), as when the user
// types one more character: it only re-checks the visible rows.
func (x *Index[R]) Narrow(match func(R) bool) {
	x.match = match
	vis := make([]R, 0, len(x.vis))
	for _, r := range x.vis {
		if x.passes(r) {
			vis = append(vis, r)
		}
	}
	x.vis = vis
}

func (x *Index[R]) refilter() {
	if x.match == nil {
		x.vis = slices.Clone(x.all)
		return
	}
	vis := make([]R, 0, len(x.vis))
	for _, r := range x.all {
		if x.match(r) {
			vis = append(vis, r)
		}
	}
	x.vis = vis
}

// Visible returns the rows that pass the filter, sorted. Callers must not
// modify the slice.
func (x *Index[R]) Visible() []R { return x.vis }

// All returns every row, sorted and unfiltered. Callers must not modify
// the slice.
func (x *Index[R]) All() []R { return x.all }

// Len is the number of visible rows.
func (x *Index[R]) Len() int { return len(x.vis) }

// Total is the number of rows, filtered out or not.
func (x *Index[R]) Total() int { return len(x.all) }

// Position is the row's position in Visible(), or -1 when it is filtered
// out or absent. O(log n).
func (x *Index[R]) Position(key string) int { return x.positionIn(x.vis, key) }

// Rank is the row's position in All(), or -1 when it is absent. O(log n).
func (x *Index[R]) Rank(key string) int { return x.positionIn(x.all, key) }

// positionIn is the row's position in rows (x.all or x.vis), or -1.
func (x *Index[R]) positionIn(rows []R, key string) int {
	r, ok := x.byKey[key]
	if !ok {
		return -1
	}
	if i, found := x.search(rows, r); found {
		return i
	}
	return -1
}
