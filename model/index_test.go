package model

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// item is a row for index tests.
type item struct {
	key   string
	score int
	tag   string
}

func itemKey(r *item) string { return r.key }

var itemOrders = []func(a, b *item) bool{
	func(a, b *item) bool { return a.score < b.score },
	func(a, b *item) bool { return a.score > b.score },
	func(a, b *item) bool { return a.tag < b.tag },
	func(a, b *item) bool { return false }, // key order only
}

var itemFilters = []func(*item) bool{
	nil,
	func(r *item) bool { return r.score%2 == 0 },
	func(r *item) bool { return strings.HasPrefix(r.tag, "a") },
	func(r *item) bool { return false },
}

// naive is the reference: sort everything, then filter.
func naive(rows map[string]*item, less func(a, b *item) bool, match func(*item) bool) (all, vis []*item) {
	for _, r := range rows {
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b *item) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return strings.Compare(a.key, b.key)
	})
	for _, r := range all {
		if match == nil || match(r) {
			vis = append(vis, r)
		}
	}
	return all, vis
}

func TestIndexAgreesWithNaiveSortAndFilter(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		less, match := itemOrders[0], itemFilters[0]
		x := NewIndex(itemKey, less)
		ref := map[string]*item{}
		for op := range 600 {
			key := fmt.Sprintf("k%02d", rng.IntN(60))
			switch n := rng.IntN(100); {
			case n < 60:
				r := &item{key: key, score: rng.IntN(10), tag: string(rune('a' + rng.IntN(3)))}
				x.Put(r)
				ref[key] = r
			case n < 85:
				_, had := ref[key]
				if got := x.Delete(key); got != had {
					t.Fatalf("seed %d op %d: Delete(%s) = %v, want %v", seed, op, key, got, had)
				}
				delete(ref, key)
			case n < 92:
				less = itemOrders[rng.IntN(len(itemOrders))]
				x.SetLess(less)
			default:
				match = itemFilters[rng.IntN(len(itemFilters))]
				x.SetFilter(match)
			}
			all, vis := naive(ref, less, match)
			if !slices.Equal(x.All(), all) || !slices.Equal(x.Visible(), vis) {
				t.Fatalf("seed %d op %d: index disagrees with sort+filter\nall %v\nwant %v\nvis %v\nwant %v", seed, op, keys(x.All()), keys(all), keys(x.Visible()), keys(vis))
			}
			if x.Len() != len(vis) || x.Total() != len(all) {
				t.Fatalf("seed %d op %d: Len %d Total %d, want %d %d", seed, op, x.Len(), x.Total(), len(vis), len(all))
			}
			probe := fmt.Sprintf("k%02d", rng.IntN(60))
			want := slices.IndexFunc(vis, func(r *item) bool { return r.key == probe })
			if got := x.Position(probe); got != want {
				t.Fatalf("seed %d op %d: Position(%s) = %d, want %d", seed, op, probe, got, want)
			}
			if r, ok := x.Get(probe); ok != (ref[probe] != nil) || (ok && r != ref[probe]) {
				t.Fatalf("seed %d op %d: Get(%s) = %v %v", seed, op, probe, r, ok)
			}
		}
	}
}

func keys(rows []*item) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.key
	}
	return out
}

func TestIndexNarrowKeepsOnlyVisibleRowsThatPass(t *testing.T) {
	x := NewIndex(itemKey, itemOrders[0])
	for i := range 10 {
		x.Put(&item{key: fmt.Sprintf("k%d", i), score: i})
	}
	x.SetFilter(func(r *item) bool { return r.score < 6 })
	x.Narrow(func(r *item) bool { return r.score < 6 && r.score%2 == 0 })
	if got := keys(x.Visible()); !slices.Equal(got, []string{"k0", "k2", "k4"}) {
		t.Fatalf("visible %v", got)
	}
	// The narrowed filter stays in force for later puts.
	x.Put(&item{key: "k7", score: 4})
	x.Put(&item{key: "k8", score: 3})
	if got := keys(x.Visible()); !slices.Equal(got, []string{"k0", "k2", "k4", "k7"}) {
		t.Fatalf("visible after puts %v", got)
	}
}

func TestIndexReplaceKeepsEarlierSlicesIntactOnMove(t *testing.T) {
	x := NewIndex(itemKey, itemOrders[0])
	a, b := &item{key: "a", score: 1}, &item{key: "b", score: 2}
	x.Put(a)
	x.Put(b)
	x.Put(&item{key: "a", score: 3}) // moves after b
	if got := keys(x.All()); !slices.Equal(got, []string{"b", "a"}) {
		t.Fatalf("all %v", got)
	}
	if a.score != 1 {
		t.Fatal("the old row was modified")
	}
	if x.Position("a") != 1 || x.Position("zz") != -1 {
		t.Fatal("Position")
	}
}
