package model

import (
	"context"
	"math"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
)

// sleepingClock is the simulator's fake clock as the client's clock: a
// client sleep moves it, so pauses and backoffs end. The driver below runs
// one job at a time, so the clock never races.
type sleepingClock struct{ *sim.FakeClock }

func (c sleepingClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.Advance(d)
	}
	return nil
}

// faultyAPI is a simulator behind a switch: the token revoked (401 to
// every request) or the API down (every connection dropped), counting the
// requests that reached it.
type faultyAPI struct {
	sim     http.Handler
	clock   *sim.FakeClock
	revoked atomic.Bool
	down    atomic.Bool
	calls   atomic.Int64

	mu   sync.Mutex
	sent map[api.Group][]time.Time // when each request arrived, by group
}

func (f *faultyAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	f.mu.Lock()
	g := api.GroupForPath(r.Method, r.URL.Path)
	f.sent[g] = append(f.sent[g], f.clock.Now())
	f.mu.Unlock()
	switch {
	case f.down.Load():
		panic(http.ErrAbortHandler)
	case f.revoked.Load():
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"Invalid Token"}`))
		return
	}
	f.sim.ServeHTTP(w, r)
}

// console is the scheduler, store and client of a console, run by drive
// the way the UI runs them (one job at a time): headless, on fake time.
type console struct {
	t      *testing.T
	clock  *sim.FakeClock
	api    *faultyAPI
	client *api.Client
	store  *Deployments
	sched  *Scheduler
	listAt time.Time // when a list page last answered
}

const consoleToken = "model-test-token"

func newConsole(t *testing.T) *console { return newConsoleWith(t, 60) }

func newConsoleWith(t *testing.T, deployments int) *console {
	clock := sim.NewFakeClock(t0)
	s := sim.New(sim.Config{Token: consoleToken, Seed: 4, Deployments: deployments, Clock: clock, DisableRateLimits: true})
	f := &faultyAPI{sim: s, clock: clock, sent: map[api.Group][]time.Time{}}
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: consoleToken,
		HTTPClient: &http.Client{Transport: sim.Transport(f)}, Clock: sleepingClock{clock}})
	if err != nil {
		t.Fatal(err)
	}
	store := NewDeployments()
	sched := NewScheduler(SchedulerConfig{}, store)
	sched.SetView(ViewDeployments, "")
	return &console{t: t, clock: clock, api: f, client: c, store: store, sched: sched}
}

// drive plans and runs jobs until d has passed on the fake clock.
func (c *console) drive(d time.Duration) {
	end := c.clock.Now().Add(d)
	for c.clock.Now().Before(end) {
		jobs, wake := c.sched.Plan(c.clock.Now(), c.client)
		for _, j := range jobs {
			c.run(j)
		}
		if len(jobs) > 0 {
			continue
		}
		if wake.IsZero() || wake.After(end) {
			wake = end
		}
		c.clock.Set(wake)
	}
}

func (c *console) run(j Job) {
	ctx := context.Background()
	var err error
	hasNext := false
	switch j.Kind {
	case JobListPage:
		var l *api.DeploymentList
		l, err = c.client.ListDeployments(ctx, api.ListDeploymentsParams{Page: j.Page, Limit: j.Limit, Query: j.Query})
		if err == nil {
			if j.Page == 1 {
				c.store.BeginCycle()
			}
			c.store.ApplyList(l.Data, c.clock.Now())
			hasNext = l.Pagination.HasNext
			if !hasNext {
				c.store.EndCycle()
			}
			c.listAt = c.clock.Now()
		}
	case JobStatus:
		var st *api.DeploymentStatus
		st, err = c.client.DeploymentStatus(ctx, j.ID)
		if err == nil {
			c.store.ApplyStatus(st, c.clock.Now())
		}
	case JobErrorWatch, JobNewWatch: // the list watch polls in every view
		var l *api.DeploymentList
		l, err = c.client.ListDeployments(ctx, api.ListDeploymentsParams{Page: j.Page, Limit: j.Limit, Query: j.Query})
		if err == nil {
			_, hasNext, _ = c.sched.WatchPage(j, l, c.clock.Now())
		}
	default:
		c.t.Fatalf("unexpected job %v", j.Kind)
	}
	c.sched.Finished(j, c.clock.Now(), err, hasNext)
}

// refresh is ctrl+r: the client probes, the active view is due now.
func (c *console) refresh() {
	c.client.Probe()
	c.sched.Refresh()
}

// The Deployments view polling a revoked token for 60 s sends at most 12
// requests (target of issue 10; it sent one per due fetch, 554 in 90 s),
// and once the token is good again ctrl+r brings the list back at once,
// not after the backoffs kept from the failure.
func TestRevokedTokenPollingIsBoundedAndRecovers(t *testing.T) {
	c := newConsole(t)
	c.sched.SetVisible(firstIDs(c, 20))
	c.drive(10 * time.Second)
	if c.listAt.IsZero() {
		t.Fatal("no list before the revocation")
	}
	c.api.revoked.Store(true)
	before := c.api.calls.Load()
	c.drive(60 * time.Second)
	n := c.api.calls.Load() - before
	t.Logf("token revoked for 60 s: %d requests", n)
	if n > 12 {
		t.Errorf("%d requests in 60 s with a revoked token, want ≤ 12", n)
	}
	if h := c.client.Health(); h.State != api.HealthTokenRejected {
		t.Fatalf("health %+v", h)
	}
	c.api.revoked.Store(false)
	c.refresh()
	back := c.clock.Now()
	c.drive(100 * time.Millisecond)
	if c.listAt.Before(back) {
		t.Errorf("ctrl+r after the token came back: no list page within 100 ms (last %v, back %v)", c.listAt, back)
	}
	c.drive(3 * time.Second)
	if h := c.client.Health(); h.State != api.HealthOK {
		t.Errorf("health after recovery %+v", h)
	}
	if at, ok := c.sched.NextRetry(c.clock.Now()); ok {
		t.Errorf("a backoff until %v survived the recovery", at)
	}
}

// A dead API for 60 s: every group slows together (bounded requests), and
// the first answered probe brings every fetch back within a few seconds
// (it took 10 s for the list, 22 s for the logs view: per-fetch backoffs).
func TestDownAPIPollingIsBoundedAndRecovers(t *testing.T) {
	c := newConsole(t)
	c.sched.SetVisible(firstIDs(c, 20))
	c.drive(10 * time.Second)
	c.api.down.Store(true)
	before := c.api.calls.Load()
	c.drive(60 * time.Second)
	n := c.api.calls.Load() - before
	t.Logf("API down for 60 s: %d requests", n)
	if n > 20 {
		t.Errorf("%d requests in 60 s of a dead API, want ≤ 20", n)
	}
	if h := c.client.Health(); h.State != api.HealthDown {
		t.Fatalf("health %+v", h)
	}
	c.api.down.Store(false)
	back := c.clock.Now()
	probeAt := c.client.Health().RetryAt // the client's next probe
	for c.client.Health().State != api.HealthOK && c.clock.Now().Sub(back) < time.Minute {
		c.drive(100 * time.Millisecond)
	}
	first := c.clock.Now()
	t.Logf("first answer %v after the API came back (probe due %v after)", first.Sub(back).Round(time.Millisecond), probeAt.Sub(back).Round(time.Millisecond))
	if first.After(probeAt.Add(time.Second)) {
		t.Errorf("first answer %v after the API came back, but the client's probe was due after %v: the scheduler sat on its own backoff", first.Sub(back), probeAt.Sub(back))
	}
	c.drive(3 * time.Second)
	if c.listAt.Before(first) {
		t.Errorf("no list page within 3 s of the first answer (last %v, first answer %v)", c.listAt, first)
	}
	for _, id := range firstIDs(c, 5) {
		if r, _ := c.store.Get(id); r.EnrichedAt.Before(first) {
			t.Errorf("visible row %s not enriched within 3 s of the first answer (at %v)", id, r.EnrichedAt)
		}
	}
}

// firstIDs are the ids of the first n rows of the store.
func firstIDs(c *console, n int) []string {
	c.drive(3 * time.Second)
	var ids []string
	for _, r := range c.store.Rows() {
		if len(ids) == n {
			break
		}
		ids = append(ids, r.ID)
	}
	if len(ids) == 0 {
		c.t.Fatal("the store is empty")
	}
	return ids
}

// Normal polling of a large organization (statuses to enrich for minutes)
// keeps every sliding second of every group inside the budget rounded up:
// the client shapes requests per second, and the scheduler's planning by
// Available still uses the budget.
func TestPollingKeepsEverySlidingSecondInsideTheBudget(t *testing.T) {
	c := newConsoleWith(t, 600)
	c.sched.SetVisible(firstIDs(c, 30))
	c.drive(60 * time.Second)
	c.api.mu.Lock()
	defer c.api.mu.Unlock()
	for _, g := range []api.Group{api.GroupList, api.GroupStatus} {
		at := slices.Clone(c.api.sent[g])
		slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
		most, lo := 0, 0
		for hi := range at {
			for at[hi].Sub(at[lo]) >= time.Second {
				lo++
			}
			most = max(most, hi-lo+1)
		}
		gs := c.client.Stats().Group(g)
		ceiling := int(math.Ceil(gs.Budget))
		t.Logf("%s: %d requests in 63 s, sliding 1 s maximum %d (budget %.2f/s → at most %d)", g, len(at), most, gs.Budget, ceiling)
		if most > ceiling {
			t.Errorf("%s: %d requests within one second, budget %.2f/s", g, most, gs.Budget)
		}
		if float64(len(at)) < gs.Budget*63*0.5 && g == api.GroupStatus {
			t.Errorf("%s: only %d requests in 63 s: the budget is not used", g, len(at))
		}
	}
}
