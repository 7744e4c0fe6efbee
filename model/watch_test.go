package model

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// statusJobs are the ids of the status jobs among jobs.
func statusJobs(jobs []Job) []string {
	var ids []string
	for _, j := range jobs {
		if j.Kind == JobStatus {
			ids = append(ids, j.ID)
		}
	}
	return ids
}

func TestSchedulerWatchPollsInEveryViewWithinTheBudget(t *testing.T) {
	ids := []string{"r1", "r2", "r3", "r4"}
	store := storeWith(ids, map[string]time.Time{"r1": t0, "r2": t0, "r3": t0, "r4": t0})
	s := NewScheduler(SchedulerConfig{}, store)
	s.SetView(ViewFleets, "")
	s.Watch("r3", "r4", "r3")
	if got := s.Watched(); !slices.Equal(got, []string{"r3", "r4"}) {
		t.Fatalf("watched %v", got)
	}
	// One status token: one watched status now, the other once a token is back.
	b := budget{api.GroupFleets: 10, api.GroupStatus: 1}
	jobs, wake := s.Plan(t0, b)
	if got := statusJobs(jobs); !slices.Equal(got, []string{"r3"}) {
		t.Fatalf("fleets view planned statuses %v, want r3 only (budget 1)", got)
	}
	if wake.IsZero() || wake.After(t0.Add(time.Second)) {
		t.Fatalf("wake %v: r4 is due and waits only for a token", wake)
	}
	if n := s.InFlight(); n < 2 { // fleets + r3
		t.Fatalf("in flight %d", n)
	}
	jobs, _ = s.Plan(t0.Add(100*time.Millisecond), budget{api.GroupStatus: 5})
	if got := statusJobs(jobs); !slices.Equal(got, []string{"r4"}) {
		t.Fatalf("second plan: %v, want r4 (r3 in flight)", got)
	}
	for _, j := range jobs {
		s.Finished(j, t0.Add(time.Second), nil, false)
	}
	s.Finished(Job{Kind: JobStatus, ID: "r3"}, t0.Add(time.Second), nil, false)
	jobs, wake = s.Plan(t0.Add(2*time.Second), plenty)
	if got := statusJobs(jobs); len(got) != 0 {
		t.Fatalf("polled %v again before WatchInterval", got)
	}
	if want := t0.Add(time.Second + DefaultWatchInterval); !wake.Equal(want) {
		t.Fatalf("wake %v, want %v", wake, want)
	}
	// The logs view and the detail view of another deployment poll them too.
	s.SetView(ViewLogs, "r1")
	jobs, _ = s.Plan(t0.Add(5*time.Second), plenty)
	if got := statusJobs(jobs); !slices.Equal(got, []string{"r3", "r4"}) {
		t.Fatalf("logs view planned statuses %v", got)
	}
}

func TestSchedulerWatchComesAfterVisibleRowsAndNeverDoubles(t *testing.T) {
	ids := []string{"v1", "v2", "w1"}
	store := storeWith(ids, nil)
	s := NewScheduler(SchedulerConfig{}, store)
	s.SetVisible([]string{"v1", "v2"})
	s.Watch("w1", "v1")
	jobs, _ := s.Plan(t0, budget{api.GroupList: 1, api.GroupStatus: 2})
	if got := statusJobs(jobs); !slices.Equal(got, []string{"v1", "v2"}) {
		t.Fatalf("planned %v: the visible rows come first", got)
	}
	jobs, _ = s.Plan(t0.Add(time.Second), budget{api.GroupStatus: 5})
	if got := statusJobs(jobs); !slices.Equal(got, []string{"w1"}) {
		t.Fatalf("planned %v: w1 (v1 is in flight for the screen)", got)
	}
	// v1's answer for the screen counts for its watch too.
	s.Finished(Job{Kind: JobStatus, ID: "v1"}, t0.Add(time.Second), nil, false)
	r, _ := store.Get("v1")
	store.ApplyStatus(statusOf(api.Deployment{RequestID: "v1", StartTime: api.V1Time(r.Started)}, api.StatusTerminating, "a", "v", "c"), t0.Add(time.Second))
	s.SetVisible(nil)
	jobs, _ = s.Plan(t0.Add(2*time.Second), budget{api.GroupStatus: 5})
	if got := statusJobs(jobs); slices.Contains(got, "v1") {
		t.Fatalf("planned %v: v1 was read a second ago", got)
	}
}

func TestSchedulerWatchDropsGoneAndUnwatched(t *testing.T) {
	s := NewScheduler(SchedulerConfig{}, NewDeployments())
	s.SetView(ViewFleets, "")
	s.Watch("gone", "gone410", "kept", "done")
	jobs, _ := s.Plan(t0, budget{api.GroupStatus: 10})
	if got := statusJobs(jobs); len(got) != 4 {
		t.Fatalf("planned %v", got)
	}
	at := t0.Add(time.Second)
	s.Finished(Job{Kind: JobStatus, ID: "gone"}, at, &api.APIError{StatusCode: http.StatusNotFound}, false)
	s.Finished(Job{Kind: JobStatus, ID: "gone410"}, at, &api.APIError{StatusCode: http.StatusGone}, false)
	s.Finished(Job{Kind: JobStatus, ID: "kept"}, at, &api.APIError{StatusCode: http.StatusInternalServerError}, false)
	s.Finished(Job{Kind: JobStatus, ID: "done"}, at, nil, false)
	s.Unwatch("done") // TERMINATED: the tracker lets go
	if got := s.Watched(); !slices.Equal(got, []string{"kept"}) {
		t.Fatalf("watched %v, want [kept]", got)
	}
	// A failed read backs off (2 s), then is retried.
	jobs, _ = s.Plan(t0.Add(2*time.Second), budget{api.GroupStatus: 10})
	if got := statusJobs(jobs); len(got) != 0 {
		t.Fatalf("planned %v during the backoff", got)
	}
	jobs, _ = s.Plan(t0.Add(3*time.Second), budget{api.GroupStatus: 10})
	if got := statusJobs(jobs); !slices.Equal(got, []string{"kept"}) {
		t.Fatalf("planned %v after the backoff", got)
	}
	s.Unwatch("kept")
	s.Finished(jobs[0], t0.Add(4*time.Second), nil, false) // in flight when unwatched: no panic
	if jobs, _ := s.Plan(t0.Add(time.Minute), budget{api.GroupStatus: 10}); len(statusJobs(jobs)) != 0 {
		t.Fatalf("planned %v with nothing watched", statusJobs(jobs))
	}
}
