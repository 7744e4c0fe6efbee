package sim

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

// The population's bookkeeping (live count, pruning, creation order) gives
// what a scan of the whole population gives, through arrivals, stops and
// staged failures.
func TestWorldBookkeepingMatchesAScan(t *testing.T) {
	e := newEnv(t, Config{Deployments: 400})
	scan := func(at time.Time) int {
		n := 0
		for _, d := range e.srv.world.deps {
			if !d.terminated(at) {
				n++
			}
		}
		return n
	}
	for round := range 40 {
		ids := e.srv.LiveRequestIDs()
		switch round % 3 {
		case 0:
			e.do(http.MethodDelete, "/v1/stop/"+ids[round], nil)
		case 1:
			if err := e.srv.Fail(ids[len(ids)-1-round], ""); err != nil {
				t.Logf("fail: %v", err) // already ERROR or ending: a valid refusal
			}
		}
		e.clock.Advance(47 * time.Second)
		e.srv.mu.Lock()
		now := e.srv.now()
		e.srv.world.advance(now)
		if got, want := e.srv.world.live(now), scan(now); got != want {
			t.Fatalf("round %d: live count %d, a scan counts %d", round, got, want)
		}
		if got, want := len(e.srv.world.liveAt(now)), scan(now); got != want {
			t.Fatalf("round %d: %d live deployments listed, a scan counts %d", round, got, want)
		}
		for _, d := range e.srv.world.deps {
			if now.Sub(d.sched.terminatedAt()) >= forgetAfter {
				t.Fatalf("round %d: %s terminated %v ago is still kept", round, d.id, now.Sub(d.sched.terminatedAt()))
			}
		}
		e.srv.mu.Unlock()
	}
}

// Ordering by created_at alone (the fast path) gives the same order as the
// general stable sort, ties included.
func TestCreatedOrderFastPath(t *testing.T) {
	e := newEnv(t, Config{Deployments: 300})
	e.srv.mu.Lock()
	defer e.srv.mu.Unlock()
	now := e.srv.now()
	live := e.srv.world.liveAt(now)
	live[10].created, live[12].created = live[11].created, live[11].created // ties
	sortDeployments(live)
	for _, order := range []string{"asc", "desc"} {
		q, err := parseDeploymentQuery(`{"order_by":[{"field":"created_at","order":"` + order + `"}]}`)
		if err != nil {
			t.Fatal(err)
		}
		got := q.apply(slices.Clone(live), now)
		general := *q
		general.byCreated = 0
		want := general.apply(slices.Clone(live), now)
		if !slices.Equal(got, want) {
			t.Errorf("order %s: the fast path differs from the stable sort", order)
		}
	}
}

// A world of 50,000 deployments is cheap enough to build and to list for
// the scheduler's tests at scale.
func TestLargeWorldIsCheap(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("50,000 deployments, timed: not under -short or the race detector")
	}
	wall := time.Now()
	e := newEnv(t, Config{Deployments: 50_000})
	built := time.Since(wall)
	wall = time.Now()
	for range 50 {
		e.clock.Advance(200 * time.Millisecond)
		if r := e.do(http.MethodGet, queryURL(`{"filters":[{"field":"status","operator":"eq","value":"error"}],"order_by":[{"field":"created_at","order":"desc"}]}`, "limit=100"), nil); r.status != http.StatusOK {
			t.Fatalf("ERROR list: %d %s", r.status, r.body)
		}
	}
	listed := time.Since(wall) / 50
	wall = time.Now()
	e.clock.Advance(10 * time.Minute)
	e.srv.LiveRequestIDs()
	advanced := time.Since(wall)
	t.Logf("50,000 deployments: built in %v, a filtered list page takes %v, 10 simulated minutes of arrivals %v", built.Round(time.Millisecond), listed.Round(time.Microsecond), advanced.Round(time.Millisecond))
	if advanced > 5*time.Second {
		t.Errorf("10 simulated minutes of arrivals took %v: the world scans its population per arrival", advanced)
	}
}
