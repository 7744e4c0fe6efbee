package engine

import (
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// A list page planned under a query no view asks for any more is dropped
// when it answers; a page of the current generation is applied.
func TestStaleListPageDropped(t *testing.T) {
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	e := New(Config{Client: c, Now: func() time.Time { return now }})
	v := e.Attach()
	v.Show(model.Interest{View: model.ViewDeployments}, nil)
	old := e.Schedule().Gen
	f, err := model.ParseFilter("status:error")
	if err != nil {
		t.Fatal(err)
	}
	v.SetFilter(f) // a pushed-down query: a new generation
	if e.Schedule().Gen == old {
		t.Fatal("the pushed-down filter kept the generation")
	}
	page := func(gen uint64, id string) Result {
		return Result{
			Job: model.Job{Kind: model.JobListPage, Gen: gen, Page: 2, Limit: 100}, At: now,
			List: &api.DeploymentList{
				Data:       []api.Deployment{{RequestID: id, StartTime: api.V1Time(now)}},
				Pagination: api.Pagination{HasNext: true},
			},
		}
	}
	e.apply(page(old, "0123456789ab"))
	if _, ok := e.Snapshot().Deployments.Get("0123456789ab"); ok {
		t.Fatal("a list page of an older generation was applied")
	}
	e.apply(page(e.Schedule().Gen, "ba9876543210"))
	if _, ok := e.Snapshot().Deployments.Get("ba9876543210"); !ok {
		t.Fatal("a list page of the current generation was dropped")
	}
}

// Viewers with an identity see each other (People) and what the others
// announce (Notices), never their own announcements.
func TestPresenceAndNotices(t *testing.T) {
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	e := New(Config{Client: c, Now: func() time.Time { return now }})
	alice, bob := e.Attach(), e.Attach()
	alice.SetIdentity("alice", "operator")
	bob.SetIdentity("bob", "viewer")
	bob.Show(model.Interest{View: model.ViewFleets}, nil)
	alice.Pull()
	bob.Pull()
	alice.Announce("stopped 3 deployments", "bulk-stop", []string{"d1", "d2", "d3"})
	if u := alice.Pull(); len(u.Notices) != 0 {
		t.Errorf("alice sees her own notice: %+v", u.Notices)
	}
	u := bob.Pull()
	if len(u.Notices) != 1 || u.Notices[0].Name != "alice" || u.Notices[0].Text != "stopped 3 deployments" || len(u.Notices[0].Targets) != 3 {
		t.Fatalf("bob's notices: %+v", u.Notices)
	}
	if again := bob.Pull(); len(again.Notices) != 0 {
		t.Errorf("a notice came twice: %+v", again.Notices)
	}
	people := u.Snapshot.People
	if len(people) != 2 || people[0].Name != "alice" || people[1].Name != "bob" || people[1].Where != model.ViewFleets {
		t.Fatalf("people: %+v", people)
	}
	bob.Detach()
	if p := alice.Pull().Snapshot.People; len(p) != 1 || p[0].Name != "alice" {
		t.Errorf("after bob left: %+v", p)
	}
}

// Before a bulk action a viewer learns who else marked or is stopping the
// same deployments.
func TestOverlapNamesTheOthers(t *testing.T) {
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	e := New(Config{Client: c})
	alice, bob, carol := e.Attach(), e.Attach(), e.Attach()
	alice.SetIdentity("alice", "operator")
	bob.SetIdentity("bob", "operator")
	bob.SetMarks([]string{"d1", "d2", "d9"})
	carol.SetStopping([]string{"d2", "d3"})
	got := alice.Overlap([]string{"d1", "d2", "d3", "d4"})
	want := []Overlap{{Name: "bob", Marked: 2}, {Name: "another console", Stopping: 2}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("overlap %+v, want %+v", got, want)
	}
	if o := bob.Overlap([]string{"d9"}); len(o) != 0 {
		t.Errorf("bob's own marks count against him: %+v", o)
	}
	bob.Detach()
	if o := alice.Overlap([]string{"d1"}); len(o) != 0 {
		t.Errorf("a detached viewer still overlaps: %+v", o)
	}
}

// The journal keeps only the results some attached view has not pulled:
// a view that keeps up leaves it empty, one that lags keeps what it has
// not seen (and gets it, in order), and detaching it lets them go. The
// latest status of a deployment the store drops is forgotten.
func TestJournalKeepsOnlyWhatAViewHasNotPulled(t *testing.T) {
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	e := New(Config{Client: c, Now: func() time.Time { return now }})
	status := func(id string) Result {
		return Result{Job: model.Job{Kind: model.JobStatus, ID: id}, At: now,
			Status: &api.DeploymentStatus{RequestID: id, CurrentStatus: api.StatusReady, StartTime: api.V1Time(now)}}
	}
	e.apply(status("000000000000")) // no view attached: nobody needs it
	if n := len(e.journal); n != 0 {
		t.Fatalf("%d results journaled with no view attached", n)
	}
	quick, slow := e.Attach(), e.Attach()
	if u := slow.Pull(); !u.Missed || len(u.Results) != 1 { // from before it came: the latest per fetch
		t.Fatalf("a view attached late pulled %d results (missed %v), want the one latest", len(u.Results), u.Missed)
	}
	quick.Pull()
	ids := []string{"0123456789ab", "123456789abc", "23456789abcd"}
	for _, id := range ids {
		e.apply(status(id))
		quick.Pull()
	}
	if n := len(e.journal); n != len(ids) {
		t.Fatalf("%d results journaled, want the %d the slow view has not pulled", n, len(ids))
	}
	u := slow.Pull()
	if u.Missed || len(u.Results) != len(ids) || u.Results[0].Job.ID != ids[0] || u.Results[2].Job.ID != ids[2] {
		t.Fatalf("the slow view pulled %d results (missed %v): %+v", len(u.Results), u.Missed, u.Results)
	}
	if n := len(e.journal); n != 0 {
		t.Fatalf("%d results journaled after both views pulled", n)
	}
	e.apply(status("3456789abcde"))
	slow.Detach()
	if n := len(e.journal); n != 1 {
		t.Fatalf("%d results journaled; the quick view has not pulled one", n)
	}
	quick.Pull()
	if n := len(e.journal); n != 0 {
		t.Fatalf("%d results journaled after the last view pulled", n)
	}
	if _, ok := e.latest[Key(model.Job{Kind: model.JobStatus, ID: ids[0]})]; !ok {
		t.Fatalf("no latest status kept for %s: keys %v", ids[0], len(e.latest))
	}
	e.apply(Result{Job: model.Job{Kind: model.JobStatus, ID: ids[0]}, At: now, Err: &api.APIError{StatusCode: 404, Message: "not found"}})
	if r, ok := e.latest[Key(model.Job{Kind: model.JobStatus, ID: ids[0]})]; ok && r.Err == nil {
		t.Fatalf("the latest status of %s, gone, is still kept", ids[0])
	}
}
