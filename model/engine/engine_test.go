package engine_test

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
)

var t0 = time.Date(2026, time.May, 4, 12, 0, 0, 0, time.UTC)

const token = "engine-test-token"

// fakeSleep adapts the simulator's clock to api.Clock: waits cost no time.
type fakeSleep struct{ *sim.FakeClock }

func (fakeSleep) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// world is a simulator and an engine over it on one fake clock.
type world struct {
	clock  *sim.FakeClock
	sim    *sim.Server
	engine *engine.Engine
}

func newWorld(t *testing.T) *world {
	t.Helper()
	clock := sim.NewFakeClock(t0)
	s := sim.New(sim.Config{Token: token, Seed: 11, Deployments: 80, Clock: clock, DisableRateLimits: true})
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: token, BudgetFraction: 1,
		HTTPClient: &http.Client{Transport: sim.Transport(s)}, Clock: fakeSleep{clock}})
	if err != nil {
		t.Fatal(err)
	}
	return &world{clock: clock, sim: s, engine: engine.New(engine.Config{
		Client: c, Now: clock.Now, Scheduler: model.SchedulerConfig{PrivateFleets: s.PrivateFleetNames()},
	})}
}

// viewer is a test's stand-in for a console: its own replica of the
// deployments with its own filter and sort, and the rows on its screen.
type viewer struct {
	v       *engine.View
	rows    *model.Deployments
	screen  int // rows on screen
	results int
}

func attach(w *world, screen int) *viewer {
	vw := &viewer{v: w.engine.Attach(), rows: model.NewDeployments(), screen: screen}
	vw.v.Show(model.Interest{View: model.ViewDeployments}, nil)
	return vw
}

// sync pulls what changed and tells the engine what is on screen.
func (vw *viewer) sync() {
	select {
	case <-vw.v.Changed():
	default:
		return
	}
	u := vw.v.Pull()
	vw.results += len(u.Results)
	vw.rows.Sync(u.Snapshot.Deployments)
	rows := vw.rows.Rows()
	vw.v.Show(model.Interest{View: model.ViewDeployments}, model.IDs(rows[:min(vw.screen, len(rows))]))
}

// run drives the engine for d of simulated time in 500 ms steps, every
// viewer syncing after each cycle.
func (w *world) run(t *testing.T, d time.Duration, viewers ...*viewer) {
	ctx := context.Background()
	for end := w.clock.Now().Add(d); w.clock.Now().Before(end); w.clock.Advance(500 * time.Millisecond) {
		for range 20 {
			n, _ := w.engine.Cycle(ctx)
			for _, vw := range viewers {
				vw.sync()
			}
			if n == 0 {
				break
			}
		}
	}
}

func requests(s *sim.Server) map[api.Group]int64 {
	out := map[api.Group]int64{}
	for g, c := range s.Counters().ByGroup {
		out[g] = c.Calls
	}
	return out
}

// Two views on one engine for 10 simulated minutes cost the API what one
// view showing the same screen costs (±5%), see the same data, and keep
// their own filter and sort.
func TestTwoViewsShareOneEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("10 simulated minutes")
	}
	one := newWorld(t)
	solo := attach(one, 20)
	one.run(t, 10*time.Minute, solo)

	two := newWorld(t)
	a, b := attach(two, 20), attach(two, 20)
	two.run(t, 10*time.Minute, a, b)

	soloReq, twoReq := requests(one.sim), requests(two.sim)
	var soloTotal, twoTotal int64
	for g, n := range soloReq {
		soloTotal += n
		t.Logf("%-9s one view %5d, two views %5d", g, n, twoReq[g])
	}
	for _, n := range twoReq {
		twoTotal += n
	}
	t.Logf("total     one view %5d, two views %5d", soloTotal, twoTotal)
	if soloTotal == 0 || math.Abs(float64(twoTotal-soloTotal)) > 0.05*float64(soloTotal) {
		t.Errorf("two views made %d requests, one view %d: more than 5%% apart", twoTotal, soloTotal)
	}
	if a.rows.Total() == 0 || a.rows.Total() != b.rows.Total() {
		t.Fatalf("views hold %d and %d rows", a.rows.Total(), b.rows.Total())
	}
	snap := two.engine.Snapshot().Deployments
	for _, r := range a.rows.All() {
		rb, ok := b.rows.Get(r.ID)
		rs, _ := snap.Get(r.ID)
		if !ok || rb != r || rs != r {
			t.Fatalf("row %s differs between the views and the engine", r.ID)
		}
	}
	// Each keeps its own sort and filter. (Two views showing
	// different rows cost the union of their screens' status refreshes.)
	if err := b.rows.SetSort(model.Sort{Column: "id", Desc: true}); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(model.IDs(a.rows.Rows()), model.IDs(b.rows.Rows())) {
		t.Error("the views' sorts are their own, yet their orders are equal")
	}
	if !slices.IsSortedFunc(b.rows.Rows(), func(x, y *model.DeploymentRow) int { return -strings.Compare(x.ID, y.ID) }) {
		t.Error("view b is not in its own order (id, descending)")
	}
	// A filter on one view leaves the other whole.
	f, err := model.ParseFilter("status:ready")
	if err != nil {
		t.Fatal(err)
	}
	a.rows.SetFilter(f)
	if a.rows.Len() >= b.rows.Len() || b.rows.Len() != b.rows.Total() {
		t.Errorf("filtered view shows %d, unfiltered %d of %d", a.rows.Len(), b.rows.Len(), b.rows.Total())
	}
}

// A view sees what the engine applied; detached, its interests leave the
// plan and with no view only the list watch keeps its pace (no list pass,
// no status but the priority ones of what the watch noticed).
func TestDetachedViewsStopThePolling(t *testing.T) {
	w := newWorld(t)
	vw := attach(w, 20)
	w.run(t, time.Minute, vw)
	if vw.rows.Total() == 0 || vw.results == 0 {
		t.Fatalf("the view saw %d rows and %d results", vw.rows.Total(), vw.results)
	}
	vw.v.Detach()
	before := requests(w.sim)
	seq := w.engine.Events().Seq()
	w.run(t, 5*time.Minute)
	after := requests(w.sim)
	// Two one-page reads (ERROR, new) per ListWatchInterval.
	if got, most := after[api.GroupList]-before[api.GroupList], int64(2*(5*time.Minute/model.DefaultListWatchInterval)+2); got > most {
		t.Errorf("with no view attached: %d list requests in 5 minutes, the watch alone makes at most %d", got, most)
	}
	noticed := map[string]bool{}
	for _, e := range w.engine.Events().Since(seq) {
		noticed[e.Object.ID] = true
	}
	if got := after[api.GroupStatus] - before[api.GroupStatus]; got > int64(len(noticed)) {
		t.Errorf("with no view attached: %d status requests, more than the %d deployments the watch noticed", got, len(noticed))
	}
}

// Run, on its own goroutine and real time, publishes to attached views
// and, when its context ends, returns after its jobs and marks the last
// snapshot Closed.
func TestRunPublishesUntilCancelled(t *testing.T) {
	s := sim.New(sim.Config{Token: token, Seed: 5, Deployments: 40})
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: token, HTTPClient: &http.Client{Transport: sim.Transport(s)}})
	if err != nil {
		t.Fatal(err)
	}
	e := engine.New(engine.Config{Client: c})
	v := e.Attach()
	v.Show(model.Interest{View: model.ViewDeployments}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { e.Run(ctx); close(stopped) }()
	rows := model.NewDeployments()
	deadline := time.After(10 * time.Second)
	for rows.Total() < 40 {
		select {
		case <-v.Changed():
			rows.Sync(v.Pull().Snapshot.Deployments)
		case <-deadline:
			t.Fatalf("after 10 s the view holds %d of 40 rows", rows.Total())
		}
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if !v.Pull().Snapshot.Closed {
		t.Error("the last snapshot does not say the engine closed")
	}
}
