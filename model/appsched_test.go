package model

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// The applications and their versions are read only while a view shows
// them, at the catalog interval, with the fetch backoff.
func TestSchedulerPollsAppsAndVersionsOnlyWhileShown(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, storeWith([]string{"d0"}, nil))
	s.SetView(ViewDeployments, "")
	if jobs, _ := s.Plan(t0, plenty); describe(jobs) != "list#1 status:d0" {
		t.Fatalf("deployments: plan %q", describe(jobs))
	}

	s = NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
	s.SetView(ViewApps, "")
	jobs, _ := s.Plan(t0, plenty)
	if describe(jobs) != "apps" || jobs[0].Group() != api.GroupApps {
		t.Fatalf("apps: plan %q", describe(jobs))
	}
	s.Finished(jobs[0], t0, nil, false)
	s.SetApps([]string{"kart-racing", "tower-siege"})
	jobs, wake := s.Plan(t0, plenty)
	if describe(jobs) != "versions:kart-racing versions:tower-siege" {
		t.Fatalf("apps with names: plan %q", describe(jobs))
	}
	if !wake.Equal(t0.Add(DefaultCatalogInterval)) {
		t.Errorf("wake %v, want the catalog interval after the apps read", wake.Sub(t0))
	}
	for _, j := range jobs {
		s.Finished(j, t0, nil, false)
	}
	if jobs, _ := s.Plan(t0.Add(DefaultCatalogInterval-time.Second), plenty); len(jobs) != 0 {
		t.Fatalf("planned %q before the catalog interval", describe(jobs))
	}
	if jobs, _ := s.Plan(t0.Add(DefaultCatalogInterval), plenty); describe(jobs) != "apps versions:kart-racing versions:tower-siege" {
		t.Fatalf("after the interval: plan %q", describe(jobs))
	}

	// One application's page: its versions, the applications list (its
	// state) and the deployments (for the status mix), not the other
	// applications' versions.
	s = NewScheduler(SchedulerConfig{ListWatchInterval: -1}, storeWith([]string{"d0"}, nil))
	s.SetApps([]string{"kart-racing", "tower-siege"})
	s.SetView(ViewVersions, "kart-racing")
	jobs, _ = s.Plan(t0, plenty)
	if describe(jobs) != "list#1 status:d0 apps versions:kart-racing" {
		t.Fatalf("versions: plan %q", describe(jobs))
	}
	// Once its versions are known, each one's deployments are counted:
	// the list filtered to it, one row, for its total_count.
	s.Finished(jobs[2], t0, nil, false)
	s.Finished(jobs[3], t0, nil, false)
	s.SetVersions("kart-racing", []string{"2026.04.2", "2026.03.1"})
	s.SetVersions("tower-siege", []string{"1.0"}) // not shown: not counted
	jobs, _ = s.Plan(t0, plenty)
	if describe(jobs) != "version-count:kart-racing/2026.04.2 version-count:kart-racing/2026.03.1" {
		t.Fatalf("versions known: plan %q", describe(jobs))
	}
	q, _ := json.Marshal(jobs[0].Query)
	if jobs[0].Limit != 1 || jobs[0].Group() != api.GroupList ||
		string(q) != `{"filters":[{"field":"application","operator":"eq","value":"kart-racing"},{"field":"version","operator":"eq","value":"2026.04.2"}]}` {
		t.Fatalf("count job %+v query %s", jobs[0], q)
	}
	for _, j := range jobs {
		s.Finished(j, t0, nil, false)
	}
	if jobs, _ := s.Plan(t0.Add(DefaultCatalogInterval-time.Second), plenty); strings.Contains(describe(jobs), "version-count") {
		t.Fatalf("counted again before the catalog interval: %q", describe(jobs))
	}
	// Leaving it: nothing of it is read any more.
	s.SetView(ViewFleets, "")
	s.SetFleets(nil)
	for _, j := range mustPlan(s, t0.Add(time.Hour)) {
		if j.Kind == JobApps || j.Kind == JobVersions {
			t.Fatalf("polled %v with no view showing it", j.Kind)
		}
	}
}

func TestSchedulerBacksOffFailedVersionsReads(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
	s.SetView(ViewApps, "")
	s.SetApps([]string{"kart-racing"})
	jobs, _ := s.Plan(t0, plenty)
	if describe(jobs) != "apps versions:kart-racing" {
		t.Fatalf("plan %q", describe(jobs))
	}
	s.Finished(jobs[0], t0, nil, false)
	s.Finished(jobs[1], t0, errBoom, false)
	if at, ok := s.NextRetry(t0); !ok || !at.Equal(t0.Add(retryBase)) {
		t.Fatalf("next retry %v %v, want after %v", at, ok, retryBase)
	}
	if jobs, _ := s.Plan(t0.Add(time.Second), plenty); len(jobs) != 0 {
		t.Fatalf("retried %q inside the backoff", describe(jobs))
	}
	jobs, _ = s.Plan(t0.Add(retryBase), plenty)
	if describe(jobs) != "versions:kart-racing" {
		t.Fatalf("retry: plan %q", describe(jobs))
	}
	s.Finished(jobs[0], t0.Add(retryBase), errBoom, false)
	if at, _ := s.NextRetry(t0.Add(retryBase)); !at.Equal(t0.Add(retryBase + 2*retryBase)) {
		t.Fatalf("second retry at %v, want doubled", at.Sub(t0))
	}
}

func mustPlan(s *Scheduler, now time.Time) []Job {
	jobs, _ := s.Plan(now, plenty)
	return jobs
}
