package engine_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
	"github.com/gapdeck/gapdeck/model/events"
)

// strictClock is the engine client's clock over the simulator's: the
// scheduler plans only what the budget allows, so a request that would
// have to wait for the rate limiter fails the test.
type strictClock struct {
	t     *testing.T
	clock *sim.FakeClock
}

func (c strictClock) Now() time.Time { return c.clock.Now() }

func (c strictClock) Sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		c.t.Errorf("the client was asked to wait %v: a request was planned past the budget", d)
	}
	return ctx.Err()
}

// listKinds counts the engine's list requests by what they read: the
// full pass, the ERROR watch, the new-deployment watch (the watch's
// baseline page reads like the pass and counts as it).
type listKinds struct {
	rt     http.RoundTripper
	mu     sync.Mutex
	counts map[string]int
}

func (l *listKinds) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/v1/deployments" {
		kind, q := "pass", r.URL.Query().Get("query")
		switch {
		case strings.Contains(q, `"value":"error"`):
			kind = "error-watch"
		case strings.Contains(q, `"operator":"gte"`):
			kind = "new-watch"
		}
		l.mu.Lock()
		l.counts[kind]++
		l.mu.Unlock()
	}
	return l.rt.RoundTrip(r)
}

func (l *listKinds) snapshot() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for k, v := range l.counts {
		out[k] = v
	}
	return out
}

// noticeWorld is an organization of n deployments on the simulator, with
// its rate limits on, and an engine at the default budget over it.
type noticeWorld struct {
	t      *testing.T
	clock  *sim.FakeClock
	sim    *sim.Server
	engine *engine.Engine
	game   *api.Client // the game's backend: creates deployments
	log    *events.Log
	lists  *listKinds
}

// newNoticeWorld builds it; strict: a request that would wait for the
// rate limiter (or for the client's own retry backoff) fails the test.
func newNoticeWorld(t *testing.T, n int, strict bool) *noticeWorld {
	t.Helper()
	clock := sim.NewFakeClock(t0)
	s := sim.New(sim.Config{Token: token, Seed: 23, Deployments: n, Clock: clock})
	var engineClock api.Clock = fakeSleep{clock}
	if strict {
		engineClock = strictClock{t, clock}
	}
	lists := &listKinds{rt: sim.Transport(s), counts: map[string]int{}}
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: token,
		HTTPClient: &http.Client{Transport: lists}, Clock: engineClock})
	if err != nil {
		t.Fatal(err)
	}
	game, err := api.New(api.Options{BaseURL: "http://localhost", Token: token,
		HTTPClient: &http.Client{Transport: sim.Transport(s)}, Clock: fakeSleep{clock}})
	if err != nil {
		t.Fatal(err)
	}
	log := events.NewLog(0)
	return &noticeWorld{t: t, clock: clock, sim: s, game: game, log: log, lists: lists, engine: engine.New(engine.Config{
		Client: c, Now: clock.Now, Events: log, Scheduler: model.SchedulerConfig{PrivateFleets: s.PrivateFleetNames()},
	})}
}

// step runs what is due now, then moves the clock by d.
func (w *noticeWorld) step(d time.Duration) {
	for range 20 {
		if n, _ := w.engine.Cycle(context.Background()); n == 0 {
			break
		}
	}
	w.clock.Advance(d)
}

// deploy creates a deployment as the game's backend would.
func (w *noticeWorld) deploy() string {
	w.t.Helper()
	r, err := w.game.DeployV2(context.Background(), api.DeployV2Request{Application: "arena-shooter", Version: "v1.9.3",
		Users: []api.DeployUser{api.IPUser("81.2.69.160")}})
	if err != nil {
		w.t.Fatalf("deploy: %v", err)
	}
	return r.RequestID
}

// failOne makes a live deployment that is not in ERROR or ending turn
// ERROR now and returns its id.
func (w *noticeWorld) failOne(rng *rand.Rand, live []string, taken map[string]bool) string {
	w.t.Helper()
	for range 200 {
		id := live[rng.IntN(len(live))]
		if taken[id] {
			continue
		}
		err := w.sim.Fail(id, "Container exited with code 137: OOM killed")
		switch {
		case err == nil:
			taken[id] = true
			return id
		case errors.Is(err, sim.ErrCannotFail), errors.Is(err, sim.ErrUnknownDeployment):
		default:
			w.t.Fatal(err)
		}
	}
	w.t.Fatal("no deployment could be made to fail")
	return ""
}

// firstEvent is when the feed first showed match for id (zero: never).
func firstEvent(evs []events.Event, id string, match func(events.Event) bool) time.Time {
	for _, e := range evs {
		if e.Object.ID == id && match(e) {
			return e.At
		}
	}
	return time.Time{}
}

func isErrorTransition(e events.Event) bool {
	return e.Kind == events.KindStatus && e.To == api.StatusError.Name()
}

func isAppeared(e events.Event) bool { return e.Kind == events.KindAppeared }

// noticeFigures are what one time-to-notice run measured.
type noticeFigures struct {
	errors, created []time.Duration // per staged incident, transition → event
	perMinute       map[api.Group]float64
}

// runNotice drives an engine with the Deployments view open (a full list
// pass always competing for the list budget) over an organization of n
// deployments for d of simulated time: after a warm-up of a full pass,
// `failures` deployments turn ERROR and `creations` are created, at spread
// times. Every incident must reach the feed; no request may be refused by
// the budget or answered 429.
func runNotice(t *testing.T, n int, d time.Duration, failures, creations int) noticeFigures {
	t.Helper()
	wall := time.Now()
	w := newNoticeWorld(t, n, true)
	built := time.Since(wall)
	view := w.engine.Attach()
	defer view.Detach()
	view.Show(model.Interest{View: model.ViewDeployments}, nil)

	const step = 250 * time.Millisecond
	warmup := 30 * time.Second
	for end := w.clock.Now().Add(warmup); w.clock.Now().Before(end); {
		w.step(step)
	}
	// The rows on screen: the newest 40, as a console opened at the top.
	replica := model.NewDeployments()
	replica.Sync(view.Pull().Snapshot.Deployments)
	rows := replica.Rows()
	view.Show(model.Interest{View: model.ViewDeployments}, model.IDs(rows[:min(40, len(rows))]))

	rng := rand.New(rand.NewPCG(uint64(n), 7))
	start := w.clock.Now()
	before, listsBefore := w.sim.Counters(), w.lists.snapshot()
	failedAt, createdAt := map[string]time.Time{}, map[string]time.Time{}
	taken := map[string]bool{}
	var failTimes, createTimes []time.Time
	for i := range failures {
		failTimes = append(failTimes, start.Add(d*time.Duration(i)/time.Duration(failures)+time.Duration(rng.Int64N(int64(d)/int64(failures)))))
	}
	for i := range creations {
		createTimes = append(createTimes, start.Add(d*time.Duration(i)/time.Duration(creations)+time.Duration(rng.Int64N(int64(d)/int64(creations)))))
	}
	live := w.sim.LiveRequestIDs()
	end := start.Add(d)
	for now := w.clock.Now(); now.Before(end); now = w.clock.Now() {
		for len(failTimes) > 0 && !failTimes[0].After(now) {
			failTimes = failTimes[1:]
			failedAt[w.failOne(rng, live, taken)] = now
		}
		for len(createTimes) > 0 && !createTimes[0].After(now) {
			createTimes = createTimes[1:]
			createdAt[w.deploy()] = now
		}
		w.step(step)
	}
	// Time for the last incidents to be noticed.
	for settle := w.clock.Now().Add(40 * time.Second); w.clock.Now().Before(settle); {
		w.step(step)
	}
	elapsed := w.clock.Now().Sub(start)

	evs := w.log.All()
	var f noticeFigures
	for id, at := range failedAt {
		seen := firstEvent(evs, id, isErrorTransition)
		if seen.IsZero() {
			t.Errorf("%s turned ERROR at %v and the feed never showed it", id, at.Sub(start))
			continue
		}
		f.errors = append(f.errors, seen.Sub(at))
	}
	for id, at := range createdAt {
		seen := firstEvent(evs, id, isAppeared)
		if seen.IsZero() {
			t.Errorf("%s was created at %v and the feed never showed it", id, at.Sub(start))
			continue
		}
		f.created = append(f.created, seen.Sub(at))
	}
	after := w.sim.Counters()
	f.perMinute = map[api.Group]float64{}
	for _, g := range api.Groups {
		c := after.ByGroup[g]
		if c.RateLimited != 0 {
			t.Errorf("%s: the simulator answered %d requests 429", g, c.RateLimited)
		}
		calls := c.Calls - before.ByGroup[g].Calls
		if calls == 0 {
			continue
		}
		f.perMinute[g] = float64(calls) / elapsed.Minutes()
		if g == api.GroupDeploy {
			continue // the game's backend, not gapdeck
		}
		limit, _ := api.DocumentedLimit(g)
		budget := limit * api.DefaultBudgetFraction
		if allowed := int64(budget*elapsed.Seconds()) + int64(max(1, int(budget))); calls > allowed {
			t.Errorf("%s: %d requests in %v, the budget allows %d", g, calls, elapsed, allowed)
		}
	}
	lists := w.lists.snapshot()
	t.Logf("%d deployments (world built in %v, run in %v wall time): %d ERROR, %d created over %v",
		n, built.Round(time.Millisecond), time.Since(wall).Round(time.Millisecond), len(failedAt), len(createdAt), d)
	t.Logf("time to notice ERROR: p50 %v, p95 %v, max %v; new deployment: p50 %v, p95 %v, max %v",
		percentile(f.errors, 0.5), percentile(f.errors, 0.95), percentile(f.errors, 1),
		percentile(f.created, 0.5), percentile(f.created, 0.95), percentile(f.created, 1))
	for _, g := range api.Groups {
		if m, ok := f.perMinute[g]; ok {
			limit, _ := api.DocumentedLimit(g)
			t.Logf("  %-8s %6.1f req/min (budget %.0f req/min)", g, m, limit*api.DefaultBudgetFraction*60)
		}
	}
	for _, k := range []string{"pass", "error-watch", "new-watch"} {
		t.Logf("  list %-11s %6.1f req/min", k, float64(lists[k]-listsBefore[k])/elapsed.Minutes())
	}
	for _, wi := range w.engine.Snapshot().Watches {
		t.Logf("  %s: last read %d rows of %d (capped %v)", wi.Kind, wi.Rows, wi.Total, wi.Capped)
	}
	return f
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// checkNotice asserts the p95 time to notice of both kinds of incident.
func checkNotice(t *testing.T, f noticeFigures, p95 time.Duration) {
	t.Helper()
	if got := percentile(f.errors, 0.95); got > p95 {
		t.Errorf("p95 time to notice an ERROR is %v, want ≤ %v", got, p95)
	}
	if got := percentile(f.created, 0.95); got > p95 {
		t.Errorf("p95 time to notice a new deployment is %v, want ≤ %v", got, p95)
	}
}

// With 5,000 deployments and the Deployments view open, a deployment that
// turns ERROR, or a new one, is in the feed within 10 s (p95).
func TestTimeToNotice5k(t *testing.T) {
	if testing.Short() {
		t.Skip("10 simulated minutes over 5,000 deployments")
	}
	n := 5000
	if raceEnabled {
		n = 2000 // the race detector slows the simulator's scans
	}
	checkNotice(t, runNotice(t, n, 10*time.Minute, 30, 20), 10*time.Second)
}

// With 50,000 deployments a full list pass takes minutes; the watch still
// notices within 30 s (p95). Five simulated minutes (an incident every
// 10 s) keep the simulator's share of the run, which scans its whole
// population for each list request, near 20 s of wall time.
func TestTimeToNotice50k(t *testing.T) {
	if testing.Short() {
		t.Skip("50,000 deployments")
	}
	if raceEnabled {
		t.Skip("the race detector slows the 50,000-deployment simulator past a minute; TestTimeToNotice5k runs under it")
	}
	checkNotice(t, runNotice(t, 50_000, 5*time.Minute, 30, 20), 30*time.Second)
}

// The watch runs with no view attached: the feed does not depend on what
// is on screen. Its rows stay out of the store, and only the list group
// and the priority statuses are spent.
func TestListWatchRunsWithNoView(t *testing.T) {
	w := newNoticeWorld(t, 300, true)
	for range 40 { // 10 s: the baseline reads
		w.step(250 * time.Millisecond)
	}
	live := w.sim.LiveRequestIDs()
	failed := w.failOne(rand.New(rand.NewPCG(1, 2)), live, map[string]bool{})
	created := w.deploy()
	at := w.clock.Now()
	for range 60 {
		w.step(250 * time.Millisecond)
	}
	evs := w.log.All()
	if seen := firstEvent(evs, failed, isErrorTransition); seen.IsZero() || seen.Sub(at) > 10*time.Second {
		t.Errorf("ERROR of %s noticed at %v after it happened, want within 10 s", failed, seen.Sub(at))
	}
	if seen := firstEvent(evs, created, isAppeared); seen.IsZero() || seen.Sub(at) > 10*time.Second {
		t.Errorf("new deployment %s noticed at %v after it was created, want within 10 s", created, seen.Sub(at))
	}
	var detail bool
	for _, e := range evs {
		if e.Object.ID == failed && e.Kind == events.KindErrorDetail {
			detail = e.Object.App != "" && e.Object.Location != ""
		}
	}
	if !detail {
		t.Errorf("no error detail with app and location for %s: its status was not fetched", failed)
	}
	if n := w.engine.Snapshot().Deployments.Len(); n != 0 {
		t.Errorf("the store holds %d rows with no view attached: watch rows entered it", n)
	}
	c := w.sim.Counters()
	for g, gc := range c.ByGroup {
		if g != api.GroupList && g != api.GroupStatus && g != api.GroupDeploy && gc.Calls > 0 {
			t.Errorf("%d %s requests with no view attached", gc.Calls, g)
		}
	}
	// 25 s of watching: 2 reads (ERROR, new) every 5 s at most.
	if got, most := c.ByGroup[api.GroupList].Calls, int64(2*(25/5+1)); got > most || got < 4 {
		t.Errorf("%d list requests in 25 s with no view, want 4 to %d", got, most)
	}
	watches := w.engine.Snapshot().Watches
	if len(watches) != 2 || watches[0].LastRead.IsZero() || watches[1].LastRead.IsZero() {
		t.Errorf("watches: %+v, want two that have read", watches)
	}
}

// A failing watch backs off (2 s, 4 s, … at most 30 s) instead of asking
// again every plan, then comes back and notices what it missed.
func TestListWatchBacksOff(t *testing.T) {
	w := newNoticeWorld(t, 300, false)
	for range 40 {
		w.step(250 * time.Millisecond)
	}
	base := w.sim.Counters().ByGroup[api.GroupList].Calls
	w.sim.SetFaults(sim.Faults{Error500: 1})
	for range 4 * 60 { // a minute of 500s
		w.step(250 * time.Millisecond)
	}
	failing := w.sim.Counters().ByGroup[api.GroupList].Calls - base
	watches := w.engine.Snapshot().Watches
	// Without backoff: 2 watches every 5 s = 24 in a minute, each retried
	// by the client; with it, 2 s, 4 s, 8 s, 16 s, 30 s: at most 6 tries each.
	if failing > 2*6*3 {
		t.Errorf("%d list requests in a minute of failures: the watch does not back off", failing)
	}
	for _, wi := range watches {
		if wi.Fails < 3 || !wi.Retry.After(w.clock.Now().Add(-30*time.Second)) {
			t.Errorf("%s watch after a minute of failures: %d fails, retry at %v", wi.Kind, wi.Fails, wi.Retry)
		}
	}
	failed := w.failOne(rand.New(rand.NewPCG(3, 4)), w.sim.LiveRequestIDs(), map[string]bool{})
	at := w.clock.Now()
	w.sim.SetFaults(sim.Faults{})
	for range 4 * 45 {
		w.step(250 * time.Millisecond)
	}
	if seen := firstEvent(w.log.All(), failed, isErrorTransition); seen.IsZero() || seen.Sub(at) > 40*time.Second {
		t.Errorf("ERROR of %s noticed %v after the API came back, want within the 30 s backoff ceiling and a read", failed, seen.Sub(at))
	}
	t.Logf("%d list requests in a minute of 500s; watches then: %+v", failing, watches)
}
