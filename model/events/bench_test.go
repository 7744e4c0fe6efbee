package events

import (
	"fmt"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// A list pass over 5,000 known deployments with nothing changed (what
// every list pass costs the recorder): no event, no allocation.
func BenchmarkObserveListedUnchanged(b *testing.B) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	pages := make([][]api.Deployment, 50)
	for p := range pages {
		pages[p] = make([]api.Deployment, 100)
		for i := range pages[p] {
			pages[p][i] = api.Deployment{RequestID: fmt.Sprintf("d%04d", p*100+i), StartTime: api.Time{Time: t0.Add(-time.Hour)},
				Tags: []string{"eu", "ranked", fmt.Sprint("region-", i%7)}}
		}
	}
	r := NewRecorder(NewLog(0), t0)
	for _, page := range pages {
		r.ObserveListed(page, t0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, page := range pages {
			r.ObserveListed(page, t0)
		}
	}
	b.StopTimer()
	if n := r.Log().Len(); n != 0 {
		b.Fatalf("an unchanged list recorded %d events", n)
	}
}
