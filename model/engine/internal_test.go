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
