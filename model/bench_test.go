package model

import (
	"fmt"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

var benchCities = []string{"Frankfurt", "Paris", "Tokyo", "Montreal", "Toronto", "Sydney", "Singapore", "London",
	"Amsterdam", "Chicago", "Dallas", "Seattle", "Sao Paulo", "Mumbai", "Seoul", "Stockholm", "Warsaw", "Madrid", "Milan", "Johannesburg"}

var benchApps = []string{"kart-racing", "arena-shooter", "space-miners", "tower-defense"}

// benchStore is a store of n enriched deployments.
func benchStore(b *testing.B, n int) (*Deployments, []api.Deployment) {
	b.Helper()
	d := NewDeployments()
	items := make([]api.Deployment, n)
	for i := range items {
		items[i] = listItem(fmt.Sprintf("%012x", i*7919), time.Duration(i)*time.Second, "eu", fmt.Sprintf("wave-%d", i%7))
	}
	d.ApplyList(items, t0)
	for i, it := range items {
		st := statusOf(it, api.AllStatuses[i%len(api.AllStatuses)], benchApps[i%len(benchApps)], fmt.Sprintf("v1.%d.%d", i%13, i%5), benchCities[i%len(benchCities)])
		d.ApplyStatus(st, t0)
	}
	return d, items
}

// BenchmarkIndexPut replaces one row of 10000: "moved" changes its sort key
// (remove + insert: two binary searches and memmoves), "in-place" keeps it.
func BenchmarkIndexPut(b *testing.B) {
	d, _ := benchStore(b, 10000)
	x := d.idx
	rows := x.All()
	b.Run("rows=10000", func(b *testing.B) {
		r := *rows[len(rows)/3]
		for i := 0; i < b.N; i++ {
			n := r
			n.Started = t0.Add(-time.Duration(i%10000) * time.Second).Add(time.Millisecond)
			x.Put(&n)
		}
	})
	b.Run("rows=10000/in-place", func(b *testing.B) {
		r := *rows[len(rows)/2]
		for i := 0; i < b.N; i++ {
			n := r
			n.SocketsUsage = i
			x.Put(&n)
		}
	})
}

// BenchmarkFilter sets the `/` filter of a 10000-row store after one more
// character was typed ("fran" after "fra": only the visible rows are
// checked again), and for a filter that does not narrow ("full").
func BenchmarkFilter(b *testing.B) {
	d, _ := benchStore(b, 10000)
	fra, _ := ParseFilter("fra")
	fran, _ := ParseFilter("fran")
	par, _ := ParseFilter("par")
	app, _ := ParseFilter("app:kart ready")
	b.Run("rows=10000", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			d.SetFilter(fra)
			b.StartTimer()
			d.SetFilter(fran)
		}
		b.ReportMetric(float64(d.Len()), "visible")
	})
	b.Run("rows=10000/full", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if i%2 == 0 {
				d.SetFilter(par)
			} else {
				d.SetFilter(fra)
			}
		}
	})
	b.Run("rows=10000/fields", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if i%2 == 0 {
				d.SetFilter(app)
			} else {
				d.SetFilter(fra)
			}
		}
	})
}

// BenchmarkPlan is one Plan over a 5000-row store with 40 rows on screen.
func BenchmarkPlan(b *testing.B) {
	d, items := benchStore(b, 5000)
	s := NewScheduler(SchedulerConfig{}, d)
	ids := make([]string, 40)
	for i := range ids {
		ids[i] = items[i].RequestID
	}
	s.SetVisible(ids)
	now := t0.Add(5 * time.Second)
	for i := 0; i < b.N; i++ {
		s.Plan(now, budget{})
	}
}

// BenchmarkPlanWhileEnriching is the plan after each status answer while
// the background still enriches n rows never asked about (the first
// minutes of a large organization: issue 16 found most of an idle
// console's CPU here). A new row is listed every 16 answers, as
// deployments arrive, and rows are listed again as they run out. It
// should not grow with the rows left to enrich.
func BenchmarkPlanWhileEnriching(b *testing.B) {
	for _, n := range []int{1000, 50000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			d := NewDeployments()
			byID := make(map[string]api.Deployment, n)
			listed := 0
			list := func(k int) { // k new rows, never enriched
				page := make([]api.Deployment, k)
				for i := range page {
					page[i] = listItem(fmt.Sprintf("%012x", listed*7919), time.Duration(listed%5000)*time.Second, "eu")
					byID[page[i].RequestID] = page[i]
					listed++
				}
				d.ApplyList(page, t0)
			}
			list(n)
			s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, d)
			now := t0.Add(time.Minute)
			tokens := budget{api.GroupStatus: 1}
			s.list.start(now)
			jobs, _ := s.Plan(now, tokens)
			enriched := 0
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if i%16 == 0 { // a deployment arrives
					list(1)
				}
				if listed-enriched < n/2 {
					b.StopTimer()
					list(n / 2)
					b.StartTimer()
				}
				for _, j := range jobs {
					d.ApplyStatus(statusOf(byID[j.ID], api.StatusReady, "kart-racing", "v1", "Paris"), now)
					s.Finished(j, now, nil, false)
					enriched++
				}
				jobs, _ = s.Plan(now, tokens)
				if len(jobs) != 1 {
					b.Fatalf("planned %d jobs, want 1", len(jobs))
				}
			}
		})
	}
}

// BenchmarkPlanAfterAnswer is what the engine does after each status
// answer once every row is due in the background: fold the answer into
// the store, finish its job, plan again with one status token (the
// background enrichment picks the oldest row). The answers are dated long
// ago, so every row stays due. It should not grow with the organization.
func BenchmarkPlanAfterAnswer(b *testing.B) {
	for _, n := range []int{1000, 50000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			d, items := benchStore(b, n)
			byID := make(map[string]api.Deployment, n)
			for _, it := range items {
				byID[it.RequestID] = it
			}
			s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, d) // no row on screen: all background
			now := t0.Add(DefaultBackgroundInterval + time.Hour)
			tokens := budget{api.GroupStatus: 1}
			s.list.start(now) // a list pass in flight: Plan plans statuses only
			jobs, _ := s.Plan(now, tokens)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				at := t0.Add(time.Duration(i+1) * time.Microsecond) // long ago: due again at once
				for _, j := range jobs {
					d.ApplyStatus(statusOf(byID[j.ID], api.StatusReady, "kart-racing", "v1", "Paris"), at)
					s.Finished(j, now, nil, false)
				}
				jobs, _ = s.Plan(now, tokens)
				if len(jobs) != 1 {
					b.Fatalf("planned %d jobs, want 1", len(jobs))
				}
			}
		})
	}
}
