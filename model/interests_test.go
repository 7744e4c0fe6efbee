package model

import (
	"testing"
	"time"
)

// Several attached views: the scheduler plans the union of what they show,
// each fetch once, and nothing for a view no one shows.
func TestSchedulerPlansTheUnionOfInterests(t *testing.T) {
	cfg := SchedulerConfig{PrivateFleets: []string{"alpha", "beta"}, ListWatchInterval: -1} // the list watch: listwatch_test.go
	cases := []struct {
		name string
		in   []Interest
		want string
	}{
		{"none", nil, ""},
		{"two tabs", []Interest{{View: ViewDeployments}, {View: ViewFleets}},
			"list#1 status:d0 status:d1 status:d2 fleets policies:f1 policies:f2 hosts:alpha hosts:beta"},
		{"same tab twice", []Interest{{View: ViewDeployments}, {View: ViewDeployments}}, "list#1 status:d0 status:d1 status:d2"},
		{"two details", []Interest{{View: ViewDetail, Arg: "d0"}, {View: ViewDetail, Arg: "d1"}},
			"status:d0 metrics:d0 status:d1 metrics:d1"},
		{"one detail twice", []Interest{{View: ViewDetail, Arg: "d0"}, {View: ViewDetail, Arg: "d0"}}, "status:d0 metrics:d0"},
		{"one detail, two windows", []Interest{{View: ViewDetail, Arg: "d0"}, {View: ViewDetail, Arg: "d0", Window: MetricsWindows[1]}},
			"status:d0 metrics:d0 metrics:d0"},
		{"overlapping logs", []Interest{{View: ViewLogs, Arg: "d0,d1"}, {View: ViewLogs, Arg: "d1,d2"}}, "logs:d0 logs:d1 logs:d2"},
		{"policies of one fleet and hosts of one", []Interest{{View: ViewPolicies, Arg: "f2"}, {View: ViewHosts, Arg: "beta"}},
			"policies:f2 hosts:beta"},
		{"policies of all fleets beside one", []Interest{{View: ViewPolicies, Arg: "f2"}, {View: ViewPolicies}},
			"fleets policies:f1 policies:f2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewScheduler(cfg, storeWith([]string{"d0", "d1", "d2"}, nil))
			s.SetFleets([]string{"f1", "f2"})
			s.SetInterests(c.in)
			s.SetVisible([]string{"d0"})
			jobs, _ := s.Plan(t0, plenty)
			if got := describe(jobs); got != c.want {
				t.Errorf("plan %q, want %q", got, c.want)
			}
			for _, j := range jobs {
				s.Finished(j, t0, nil, false)
			}
			if again, _ := s.Plan(t0.Add(time.Second), plenty); len(again) != 0 && !s.needsDeployments() { // (rows never enriched stay due: no status was stored)
				t.Errorf("one second later it plans again: %s", describe(again))
			}
		})
	}
}

// A detail or a log stream that no view shows any more forgets its
// schedule, so opening it again fetches at once; the ones still shown
// keep theirs.
func TestSchedulerForgetsWhatNoViewShows(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, storeWith([]string{"d0", "d1"}, nil))
	both := []Interest{{View: ViewDetail, Arg: "d0"}, {View: ViewLogs, Arg: "d1"}}
	s.SetInterests(both)
	jobs, _ := s.Plan(t0, plenty)
	for _, j := range jobs {
		s.Finished(j, t0, nil, false)
	}
	s.SetInterests([]Interest{{View: ViewDetail, Arg: "d0"}}) // the logs view closed
	if jobs, _ := s.Plan(t0.Add(time.Second), plenty); len(jobs) != 0 {
		t.Fatalf("the detail still shown is fetched again at once: %s", describe(jobs))
	}
	s.SetInterests(both) // the logs view opens again
	jobs, _ = s.Plan(t0.Add(time.Second), plenty)
	if got := describe(jobs); got != "logs:d1" {
		t.Errorf("reopened logs: plan %q, want %q", got, "logs:d1")
	}
}
