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
