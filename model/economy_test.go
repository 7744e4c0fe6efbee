package model_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
)

// inProcess is an http.RoundTripper that serves requests with a handler,
// in process.
type inProcess struct{ h http.Handler }

func (rt inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	rt.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// noWaitClock is the client's clock over the simulator's fake clock. The
// scheduler must never make the client wait, so any request to sleep a
// positive duration fails the test.
type noWaitClock struct {
	t     *testing.T
	clock *sim.FakeClock
}

func (c noWaitClock) Now() time.Time { return c.clock.Now() }

func (c noWaitClock) Sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		c.t.Errorf("the client was asked to sleep %v: the scheduler planned past the budget", d)
	}
	return ctx.Err()
}

// economy is a console session driven against the simulator on a fake clock.
type economy struct {
	t      *testing.T
	clock  *sim.FakeClock
	srv    *sim.Server
	client *api.Client
	store  *model.Deployments
	sched  *model.Scheduler
	fleets map[string][]api.Policy
}

func newEconomy(t *testing.T, deployments int, cfg model.SchedulerConfig) *economy {
	t.Helper()
	start := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	clock := sim.NewFakeClock(start)
	srv := sim.New(sim.Config{Token: "economy-token", Seed: 11, Deployments: deployments, Clock: clock})
	client, err := api.New(api.Options{
		BaseURL:    "http://127.0.0.1",
		Token:      "economy-token",
		HTTPClient: &http.Client{Transport: inProcess{srv}},
		Clock:      noWaitClock{t, clock},
	})
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewDeployments()
	return &economy{t: t, clock: clock, srv: srv, client: client, store: store,
		sched: model.NewScheduler(cfg, store), fleets: map[string][]api.Policy{}}
}

// step plans and runs jobs until the plan is empty, at the current time.
func (e *economy) step() {
	for range 20 {
		jobs, _ := e.sched.Plan(e.clock.Now(), e.client)
		if len(jobs) == 0 {
			return
		}
		for _, j := range jobs {
			e.run(j)
		}
	}
}

// run performs one job synchronously and folds its result into the store,
// as the UI does.
func (e *economy) run(j model.Job) {
	ctx := context.Background()
	now := e.clock.Now()
	switch j.Kind {
	case model.JobListPage:
		list, err := e.client.ListDeployments(ctx, api.ListDeploymentsParams{Page: j.Page, Limit: j.Limit, Query: j.Query})
		hasNext := err == nil && list.Pagination.HasNext
		if !e.sched.Finished(j, now, err, hasNext) || err != nil {
			e.check(err)
			return
		}
		if j.Page == 1 {
			e.store.BeginCycle()
		}
		e.store.ApplyList(list.Data, now)
		if !hasNext {
			e.store.EndCycle()
		}
	case model.JobErrorWatch, model.JobNewWatch:
		list, err := e.client.ListDeployments(ctx, api.ListDeploymentsParams{Page: j.Page, Limit: j.Limit, Query: j.Query})
		more := false
		if err == nil {
			_, more, _ = e.sched.WatchPage(j, list, now)
		}
		e.sched.Finished(j, now, err, more)
		e.check(err)
	case model.JobStatus:
		st, err := e.client.DeploymentStatus(ctx, j.ID)
		e.sched.Finished(j, now, err, false)
		switch {
		case api.IsNotFound(err):
			e.store.MarkGone(j.ID)
		case err != nil:
			e.check(err)
		default:
			e.store.ApplyStatus(st, now)
		}
	case model.JobFleets:
		fleets, err := e.client.AllFleets(ctx)
		e.sched.Finished(j, now, err, false)
		e.check(err)
		names := make([]string, len(fleets))
		for i, f := range fleets {
			names[i] = f.Name
		}
		e.sched.SetFleets(names)
	case model.JobPolicies:
		ps, err := e.client.AllPolicies(ctx, j.Fleet)
		e.sched.Finished(j, now, err, false)
		e.check(err)
		e.fleets[j.Fleet] = ps
	case model.JobLocations:
		_, err := e.client.Locations(ctx, api.LocationsParams{Limit: api.MaxPageSize})
		e.sched.Finished(j, now, err, false)
		e.check(err)
	case model.JobHosts:
		_, err := e.client.Hosts(ctx, j.Fleet)
		e.sched.Finished(j, now, err, false)
		e.check(err)
	}
}

func (e *economy) check(err error) {
	if err != nil {
		e.t.Errorf("%v", err)
	}
}

// viewport is the first n visible rows.
func (e *economy) viewport(n int) []*model.DeploymentRow {
	rows := e.store.Rows()
	return rows[:min(n, len(rows))]
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// TestAPIEconomy drives the Deployments tab for 10 simulated minutes over a
// 5000-deployment organization: the scheduler stays inside the budget
// (never a 429, never a wait in the client) and keeps the status of the
// rows on screen fresh. Under the race detector the simulator's own cost
// (it scans its whole population on every request) takes about a minute
// for 5000 deployments, so the organization shrinks to 1000 there; the
// scheduler's share of the time is a few percent either way.
func TestAPIEconomy(t *testing.T) {
	deployments := 5000
	if raceEnabled {
		deployments = 1000 // see raceEnabled
	}
	const (
		duration = 10 * time.Minute
		step     = 50 * time.Millisecond
		viewport = 40
		warmup   = 2 * time.Minute
	)
	cfg := model.SchedulerConfig{}
	e := newEconomy(t, deployments, cfg)
	start := e.clock.Now()
	var ages []time.Duration
	nextSample := start.Add(warmup)
	wall := time.Now()
	for e.clock.Now().Before(start.Add(duration)) {
		e.sched.SetVisible(model.IDs(e.viewport(viewport)))
		e.step()
		if now := e.clock.Now(); !now.Before(nextSample) {
			for _, r := range e.viewport(viewport) {
				ages = append(ages, r.StatusAge(now))
			}
			nextSample = nextSample.Add(time.Second)
		}
		e.clock.Advance(step)
	}

	seconds := duration.Seconds()
	counters := e.srv.Counters()
	var total int64
	for _, g := range api.Groups {
		got := counters.ByGroup[g]
		total += got.Calls
		if got.RateLimited != 0 {
			t.Errorf("%s: the simulator served %d 429s", g, got.RateLimited)
		}
		limit, _ := api.DocumentedLimit(g)
		budget := limit * api.DefaultBudgetFraction
		allowed := int64(budget*seconds) + int64(max(1, int(budget)))
		if got.Calls > allowed {
			t.Errorf("%s: %d calls in %v, budget allows %d", g, got.Calls, duration, allowed)
		}
		if got.Calls > 0 {
			t.Logf("%-9s %5d calls  %.2f req/s  (budget %.2f req/s, %d allowed)", g, got.Calls, float64(got.Calls)/seconds, budget, allowed)
		}
	}
	p50, p95 := percentile(ages, 0.50), percentile(ages, 0.95)
	enriched := 0
	for _, r := range e.store.All() {
		if r.Enriched {
			enriched++
		}
	}
	t.Logf("total %d calls (%.2f req/s); visible status age over the last %v: p50 %v, p95 %v, max %v (%d samples)",
		total, float64(total)/seconds, duration-warmup, p50, p95, percentile(ages, 1), len(ages))
	t.Logf("organization: %d deployments; store: %d rows (%d live in the simulator), %d enriched; wall time %v",
		deployments, e.store.Total(), len(e.srv.LiveRequestIDs()), enriched, time.Since(wall).Round(time.Millisecond))
	if limit := 2 * model.DefaultStatusInterval; p95 > limit {
		t.Errorf("p95 status age of visible rows is %v, want ≤ %v", p95, limit)
	}
	if len(ages) == 0 {
		t.Error("no samples")
	}
}

// TestViewsFetchOnlyWhatTheyShow walks the console through every view on a
// fake clock: each view calls only its own endpoint groups, inside the
// budget and without a wait in the client.
func TestViewsFetchOnlyWhatTheyShow(t *testing.T) {
	// The list watch polls in every view (TestAPIEconomy counts it): off.
	e := newEconomy(t, 200, model.SchedulerConfig{PrivateFleets: []string{"alpha-fleet", "beta-fleet"}, ListWatchInterval: -1})
	phases := []struct {
		view   model.View
		arg    string
		groups []api.Group
	}{
		{model.ViewDeployments, "", []api.Group{api.GroupList, api.GroupStatus}},
		{model.ViewFleets, "", []api.Group{api.GroupFleets, api.GroupHosts}},
		{model.ViewPolicies, "", []api.Group{api.GroupFleets}},
		{model.ViewHosts, "beta-fleet", []api.Group{api.GroupHosts}},
		{model.ViewLocations, "", []api.Group{api.GroupList, api.GroupStatus, api.GroupLocations}},
		{model.ViewDetail, "", []api.Group{api.GroupStatus}},
	}
	const phase = 90 * time.Second
	for _, p := range phases {
		if p.view == model.ViewDetail {
			p.arg = e.store.Rows()[0].ID
		}
		e.sched.SetView(p.view, p.arg)
		before := e.srv.Counters()
		end := e.clock.Now().Add(phase)
		for e.clock.Now().Before(end) {
			if p.view == model.ViewDeployments {
				e.sched.SetVisible(model.IDs(e.viewport(40)))
			} else {
				e.sched.SetVisible(nil)
			}
			e.step()
			e.clock.Advance(100 * time.Millisecond)
		}
		after := e.srv.Counters()
		for _, g := range api.Groups {
			calls := after.ByGroup[g].Calls - before.ByGroup[g].Calls
			if after.ByGroup[g].RateLimited != 0 {
				t.Errorf("%v: %s served 429s", p.view, g)
			}
			wanted := slices.Contains(p.groups, g)
			if calls > 0 != wanted {
				t.Errorf("%v: %d %s calls, want them %v", p.view, calls, g, map[bool]string{true: "some", false: "none"}[wanted])
			}
			limit, _ := api.DocumentedLimit(g)
			budget := limit * api.DefaultBudgetFraction
			if allowed := int64(budget*phase.Seconds()) + int64(max(1, int(budget))); calls > allowed {
				t.Errorf("%v: %d %s calls, budget allows %d", p.view, calls, g, allowed)
			}
		}
		if p.view == model.ViewDetail {
			calls := after.ByGroup[api.GroupStatus].Calls - before.ByGroup[api.GroupStatus].Calls
			if want := int64(phase / model.DefaultDetailInterval); calls < want-1 || calls > want+1 {
				t.Errorf("detail: %d status calls in %v, want about %d", calls, phase, want)
			}
		}
	}
	if len(e.fleets) == 0 {
		t.Error("no policies fetched")
	}
}
