package model

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// backgroundOrder is planBackground's order worked out the slow way, from
// every row: never enriched in the store's order, then the enriched rows
// due after BackgroundInterval, oldest first (ties by id); none backing
// off after a failure; n at most.
func backgroundOrder(s *Scheduler, now time.Time, n int) []string {
	var fresh, stale []*DeploymentRow
	for _, r := range s.store.All() {
		if _, busy := s.statusBusy[r.ID]; busy || s.isVisible[r.ID] {
			continue
		}
		if f, failed := s.statusRetry[r.ID]; failed && f.retryAt.After(now) {
			continue // backing off
		}
		switch {
		case !r.Enriched:
			fresh = append(fresh, r)
		case !r.EnrichedAt.Add(s.cfg.BackgroundInterval).After(now):
			stale = append(stale, r)
		}
	}
	slices.SortFunc(stale, func(a, b *DeploymentRow) int {
		if c := a.EnrichedAt.Compare(b.EnrichedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	out := IDs(append(fresh, stale...))
	return out[:min(n, len(out))]
}

// The indexed background enrichment plans what a scan of every row would,
// through rows listed, moved, enriched, removed and re-sorted at random.
func TestEnrichQueuePlansLikeAScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2))
	store := NewDeployments()
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, store)
	now := t0
	items := map[string]api.Deployment{}
	for round := range 1500 {
		now = now.Add(time.Duration(rng.IntN(20)) * time.Second)
		switch op := rng.IntN(10); {
		case op < 3: // new rows
			for range rng.IntN(5) + 1 {
				id := fmt.Sprintf("d%04d", rng.IntN(2000))
				it := listItem(id, time.Duration(rng.IntN(5000))*time.Second)
				items[id] = it
				store.ApplyList([]api.Deployment{it}, now)
			}
		case op < 4 && store.Total() > 0: // one gone
			r := store.All()[rng.IntN(store.Total())]
			store.MarkGone(r.ID)
			delete(items, r.ID)
		case op < 5: // another sort
			cols := []string{"age", "id", "status"}
			if err := store.SetSort(Sort{Column: cols[rng.IntN(len(cols))], Desc: rng.IntN(2) == 0}); err != nil {
				t.Fatal(err)
			}
		case op < 7 && rng.IntN(3) == 0: // a page of rows, new or moved
			page := make([]api.Deployment, 10+rng.IntN(40))
			for i := range page {
				id := fmt.Sprintf("d%04d", rng.IntN(2000))
				page[i] = listItem(id, time.Duration(rng.IntN(5000))*time.Second)
				items[id] = page[i]
			}
			store.ApplyList(page, now)
		case op < 7 && len(items) > 0: // a listed row moves: its start time changed
			ids := slices.Sorted(maps.Keys(items))
			id := ids[rng.IntN(len(ids))]
			it := listItem(id, time.Duration(rng.IntN(5000))*time.Second)
			items[id] = it
			store.ApplyList([]api.Deployment{it}, now)
		case op < 8 && store.Total() > 0: // rows on screen
			all := IDs(store.All())
			rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
			s.SetVisible(all[:min(len(all), rng.IntN(4))])
		}
		room := rng.IntN(4)
		want := backgroundOrder(s, now, room)
		s.list.start(now) // no list page: statuses only
		jobs, _ := s.Plan(now, budget{api.GroupStatus: room})
		s.list.inFlight = false
		var got []string
		for _, j := range jobs {
			if j.Kind != JobStatus {
				continue
			}
			if s.isVisible[j.ID] {
				continue // planStatus's, before the background
			}
			got = append(got, j.ID)
		}
		// The visible rows planStatus took leave less room.
		if len(got) < len(want) {
			want = want[:len(got)]
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: background plan %v, a scan says %v", round, got, want)
		}
		for _, j := range jobs { // answered, most of them
			if rng.IntN(5) == 0 {
				s.Finished(j, now, errBoom, false)
				continue
			}
			s.Finished(j, now, nil, false)
			if it, ok := items[j.ID]; ok {
				store.ApplyStatus(statusOf(it, api.StatusReady, "a", "v", "c"), now)
			}
		}
	}
}
