package model

import (
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func lifetimeRow(status api.Status, start time.Time, maxMin int, elapsedSec int, enrichedAt time.Time) *DeploymentRow {
	return &DeploymentRow{
		ID: "d1", Enriched: true, Status: status, Started: start, EnrichedAt: enrichedAt,
		Detail: &api.DeploymentStatus{CurrentStatus: status, StartTime: api.V1Time(start), MaxDuration: api.Int(maxMin), ElapsedTime: api.Int(elapsedSec)},
	}
}

func TestLifetimeIsTheNearerOfMaxDurationAndTheCleanup(t *testing.T) {
	start := t0
	// READY 1 min after start, max_duration 60 min: ends at start+61m.
	r := lifetimeRow(api.StatusReady, start, 60, 0, start.Add(time.Minute))
	l, ok := LifetimeOf(r, start.Add(30*time.Minute), time.Time{})
	if !ok || !l.ByMaxDuration || l.Left != 31*time.Minute || l.Warn() {
		t.Fatalf("max_duration first: %+v %v", l, ok)
	}
	if l, _ := LifetimeOf(r, start.Add(55*time.Minute), time.Time{}); !l.Warn() || l.Left != 6*time.Minute {
		t.Fatalf("6 minutes left should warn: %+v", l)
	}
	// An explicit READY time wins over the status's elapsed_time.
	if l, _ := LifetimeOf(r, start.Add(30*time.Minute), start.Add(10*time.Minute)); l.Left != 40*time.Minute {
		t.Fatalf("with readyAt: %+v", l)
	}

	// max_duration of a full day counted from READY: the cleanup (24 h
	// from the start) comes first.
	r = lifetimeRow(api.StatusReady, start, 1440, 120, start.Add(5*time.Minute))
	l, ok = LifetimeOf(r, start.Add(CleanupAfter-3*time.Minute), time.Time{})
	if !ok || l.ByMaxDuration || l.Left != 3*time.Minute || !l.Warn() {
		t.Fatalf("cleanup first: %+v %v", l, ok)
	}
	// No max_duration (-1): only the cleanup; overdue is negative.
	r = lifetimeRow(api.StatusReady, start, -1, 0, start)
	if l, _ := LifetimeOf(r, start.Add(CleanupAfter+time.Minute), time.Time{}); l.ByMaxDuration || l.Left != -time.Minute {
		t.Fatalf("overdue: %+v", l)
	}
	// Not READY yet: max_duration does not count.
	r = lifetimeRow(api.StatusDeploying, start, 5, 0, start)
	if l, _ := LifetimeOf(r, start.Add(time.Hour), time.Time{}); l.ByMaxDuration {
		t.Fatalf("max_duration counted before READY: %+v", l)
	}
	// Nothing to say before a status, once ended, or in ERROR.
	for _, r := range []*DeploymentRow{
		{ID: "x", Started: start},
		lifetimeRow(api.StatusTerminated, start, 60, 0, start),
		lifetimeRow(api.StatusError, start, 60, 0, start),
	} {
		if _, ok := LifetimeOf(r, start, time.Time{}); ok {
			t.Fatalf("a lifetime for %+v", r)
		}
	}
}
