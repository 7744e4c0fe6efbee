package model

import (
	"errors"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func TestSchedulerLogs(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
	s.SetView(ViewLogs, "a,b")
	jobs, _ := s.Plan(t0, plenty)
	if describe(jobs) != "logs:a logs:b" {
		t.Fatalf("plan %q", describe(jobs))
	}
	if again, _ := s.Plan(t0, plenty); len(again) != 0 {
		t.Fatalf("logs polled while in flight: %q", describe(again))
	}
	s.Finished(jobs[0], t0, nil, false)
	notFound := &api.APIError{StatusCode: 404, Message: "terminated"}
	s.Finished(jobs[1], t0, notFound, false)
	jobs, wake := s.Plan(t0.Add(time.Second), plenty)
	if len(jobs) != 0 || !wake.Equal(t0.Add(DefaultLogsInterval)) {
		t.Fatalf("plan %q wake %v", describe(jobs), wake)
	}
	if jobs, _ := s.Plan(t0.Add(DefaultLogsInterval), plenty); describe(jobs) != "logs:a" {
		t.Fatalf("after b's logs answered 404, plan %q (b must not be polled again)", describe(jobs))
	}
	// The logs budget bounds how many streams are polled at once.
	s.SetView(ViewLogs, "c,d,e")
	if jobs, _ := s.Plan(t0, budget{api.GroupLogs: 2}); len(jobs) != 2 {
		t.Fatalf("planned %d logs jobs with 2 tokens", len(jobs))
	}
}

func TestSchedulerSparklines(t *testing.T) {
	store := NewDeployments()
	now := t0
	for _, id := range []string{"r1", "r2", "d1"} {
		store.ApplyList([]api.Deployment{{RequestID: id}}, now)
	}
	store.ApplyStatus(&api.DeploymentStatus{RequestID: "r1", CurrentStatus: api.StatusReady}, now)
	store.ApplyStatus(&api.DeploymentStatus{RequestID: "r2", CurrentStatus: api.StatusReady}, now)
	store.ApplyStatus(&api.DeploymentStatus{RequestID: "d1", CurrentStatus: api.StatusDeploying}, now)
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, store)
	sparks := NewSparkStore(10)
	s.SetSparks(sparks)
	s.SetVisible([]string{"r1", "r2", "d1"})

	var metrics []Job
	jobs, _ := s.Plan(now, plenty)
	for _, j := range jobs {
		if j.Kind == JobMetrics {
			if !j.Spark || j.Group() != api.GroupMetrics {
				t.Errorf("spark job %+v", j)
			}
			metrics = append(metrics, j)
		}
	}
	if describe(metrics) != "metrics:r1 metrics:r2" {
		t.Fatalf("sparklines planned %q; want only the visible READY rows", describe(metrics))
	}
	for _, j := range metrics {
		s.Finished(j, now, nil, false)
		sparks.Apply(j.ID, &api.Metrics{}, now)
	}
	if jobs, _ := s.Plan(now.Add(10*time.Second), plenty); countKind(jobs, JobMetrics) != 0 {
		t.Fatal("sparklines refetched before SparkEvery")
	}
	if jobs, _ := s.Plan(now.Add(SparkEvery+time.Second), plenty); countKind(jobs, JobMetrics) != 2 {
		t.Fatal("sparklines not refetched after SparkEvery")
	}
	// No metrics tokens: nothing planned, a retry soon.
	s2 := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, store)
	s2.SetSparks(NewSparkStore(10))
	s2.SetVisible([]string{"r1"})
	if jobs, _ := s2.Plan(now, budget{api.GroupList: 1, api.GroupStatus: 1}); countKind(jobs, JobMetrics) != 0 {
		t.Fatal("planned metrics without a token")
	}
}

func TestSchedulerMetricsWindow(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
	s.SetView(ViewDetail, "x")
	jobs, _ := s.Plan(t0, plenty)
	for _, j := range jobs {
		s.Finished(j, t0, nil, false)
	}
	w := MetricsWindows[2]
	s.SetMetricsWindow(w)
	jobs, _ = s.Plan(t0.Add(time.Second), plenty)
	if countKind(jobs, JobMetrics) != 1 {
		t.Fatalf("a new window was not fetched at once: %q", describe(jobs))
	}
	for _, j := range jobs {
		if j.Kind == JobMetrics && (j.Metrics.Steps != w.Steps || j.Spark) {
			t.Errorf("metrics job %+v, want steps %s", j, w.Steps)
		}
	}
	// A failed fetch backs off.
	for _, j := range jobs {
		s.Finished(j, t0.Add(time.Second), errors.New("boom"), false)
	}
	if next, ok := s.NextRetry(t0.Add(time.Second)); !ok || !next.After(t0.Add(time.Second)) {
		t.Errorf("no retry scheduled after a failed metrics fetch")
	}
}

func countKind(jobs []Job, k JobKind) int {
	n := 0
	for _, j := range jobs {
		if j.Kind == k {
			n++
		}
	}
	return n
}
