package api_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
)

// Real-time tests of the client's budget against the simulator, which
// enforces the documented limits per token and answers 429 past them.

func startSim(t *testing.T, cfg sim.Config) (*sim.Server, *httptest.Server) {
	t.Helper()
	if cfg.Token == "" {
		cfg.Token = simToken
	}
	s := sim.New(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

// Many goroutines hammering through one client: the simulator serves no
// 429 and every GET endpoint group stays within budget × documented limit.
func TestHammeringStaysInsideTheBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time test")
	}
	s, srv := startSim(t, sim.Config{Seed: 3, Deployments: 80})
	c, err := api.New(api.Options{BaseURL: srv.URL, Token: simToken, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ids := s.LiveRequestIDs()
	fleets := s.PrivateFleetNames()
	if len(fleets) == 0 {
		t.Fatal("the simulator has no private fleet: the hosts group goes untested")
	}
	const workers = 40
	const duration = 2500 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				id := ids[(w*31+i)%len(ids)]
				var err error
				switch (w + i) % 10 {
				case 0:
					_, err = c.ListDeployments(ctx, api.ListDeploymentsParams{Limit: 10})
				case 1, 2:
					_, err = c.DeploymentStatus(ctx, id)
				case 3:
					_, err = c.Locations(ctx, api.LocationsParams{})
				case 4:
					_, err = c.ContainerLogs(ctx, id)
				case 5:
					_, err = c.Metrics(ctx, id, api.MetricsParams{})
				case 6:
					_, err = c.DeploymentTags(ctx, id, 1, 10)
				case 7:
					_, err = c.Fleets(ctx, 1, 10)
				case 8:
					_, err = c.Hosts(ctx, fleets[i%len(fleets)])
				case 9:
					_, err = c.Policies(ctx, "fleet-does-not-exist", 1, 10)
				}
				if err != nil && !errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil && !api.IsNotFound(err) {
					t.Errorf("worker %d: %v", w, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()

	counters := s.Counters()
	stats := c.Stats()
	for _, g := range []api.Group{api.GroupList, api.GroupStatus, api.GroupLocations, api.GroupLogs, api.GroupMetrics, api.GroupTags, api.GroupFleets, api.GroupHosts} {
		got := counters.ByGroup[g]
		if got.RateLimited != 0 {
			t.Errorf("%s: simulator served %d 429s", g, got.RateLimited)
		}
		gs := stats.Group(g)
		allowed := gs.Budget*elapsed + float64(max(1, int(gs.Budget))) + 1
		if float64(got.Calls) > allowed {
			t.Errorf("%s: %d calls in %.2fs, budget allows %.0f (%.2f/s)", g, got.Calls, elapsed, allowed, gs.Budget)
		}
		if got.Calls < int64(gs.Budget*elapsed/2) {
			t.Errorf("%s: only %d calls in %.2fs: the budget is not being used", g, got.Calls, elapsed)
		}
		if gs.Sent != got.Calls {
			t.Errorf("%s: client counted %d sent, simulator %d", g, gs.Sent, got.Calls)
		}
		t.Logf("%s: %d calls in %.2fs = %.2f/s (budget %.2f/s, limit %.0f/s)", g, got.Calls, elapsed, float64(got.Calls)/elapsed, gs.Budget, gs.Limit)
	}
	if stats.RateLimited != 0 {
		t.Errorf("client saw %d 429s", stats.RateLimited)
	}
}

// requestLog records, per endpoint group, when each request left and what
// came back, so the test can check the client honoured Retry-After.
type requestLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	hits []hit
}

type hit struct {
	group      api.Group
	sent, done time.Time
	status     int
	retryAfter string
}

func (l *requestLog) RoundTrip(r *http.Request) (*http.Response, error) {
	h := hit{group: api.GroupForPath(r.Method, r.URL.Path), sent: time.Now()}
	res, err := l.next.RoundTrip(r)
	h.done = time.Now()
	if err == nil {
		h.status, h.retryAfter = res.StatusCode, res.Header.Get("Retry-After")
	}
	l.mu.Lock()
	l.hits = append(l.hits, h)
	l.mu.Unlock()
	return res, err
}

// Under a 429 storm the client backs off: it honours Retry-After when the
// server sends it, uses jittered backoff when it does not, pauses the whole
// group, and its counters report the 429s.
func TestBacksOffUnderA429Storm(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time test")
	}
	for _, omit := range []bool{false, true} {
		t.Run("omitRetryAfter="+strconv.FormatBool(omit), func(t *testing.T) {
			s, srv := startSim(t, sim.Config{Seed: 5, Deployments: 40, OmitRetryAfter: omit, Faults: sim.Faults{RateLimit429: 0.4}})
			log := &requestLog{next: srv.Client().Transport}
			c, err := api.New(api.Options{BaseURL: srv.URL, Token: simToken, HTTPClient: &http.Client{Transport: log}, MaxRetries: 8})
			if err != nil {
				t.Fatal(err)
			}
			ids := s.LiveRequestIDs()
			const workers, perWorker = 3, 2
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range perWorker {
						if _, err := c.DeploymentStatus(ctx, ids[w*perWorker+i]); err != nil && ctx.Err() == nil {
							t.Errorf("status: %v", err)
						}
					}
				}()
			}
			wg.Wait()

			served := s.Counters().ByGroup[api.GroupStatus].RateLimited
			st := c.Stats().Group(api.GroupStatus)
			if served == 0 {
				t.Fatal("the storm produced no 429: the test proves nothing")
			}
			if st.RateLimited != served {
				t.Errorf("client counted %d 429s, simulator served %d", st.RateLimited, served)
			}
			if st.LastError == "" || st.Succeeded != workers*perWorker {
				t.Errorf("stats = %+v", st)
			}
			// After every 429 no request of the group leaves until the pause
			// is over (a few ms of slack for requests that had already passed
			// the limiter when the 429 arrived).
			log.mu.Lock()
			defer log.mu.Unlock()
			const slack = 20 * time.Millisecond
			for _, h := range log.hits {
				if h.status != http.StatusTooManyRequests {
					continue
				}
				if omit {
					if h.retryAfter != "" {
						t.Errorf("simulator sent Retry-After %q though told not to", h.retryAfter)
					}
					continue
				}
				secs, _ := strconv.Atoi(h.retryAfter)
				if secs < 1 {
					t.Fatalf("429 without a usable Retry-After (%q)", h.retryAfter)
				}
				pauseEnd := h.done.Add(time.Duration(secs) * time.Second)
				for _, o := range log.hits {
					if o.sent.After(h.done.Add(slack)) && o.sent.Before(pauseEnd.Add(-slack)) {
						t.Errorf("a request left %v after a 429 with Retry-After %ds", o.sent.Sub(h.done), secs)
					}
				}
			}
		})
	}
}

// slidingMax is the most requests of one group that left inside any
// half-open window [t, t+span) of the log, by the time each left.
func slidingMax(hits []hit, g api.Group, span time.Duration) int {
	var at []time.Time
	for _, h := range hits {
		if h.group == g {
			at = append(at, h.sent)
		}
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	best, lo := 0, 0
	for hi := range at {
		for at[hi].Sub(at[lo]) >= span {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// The budget is a promise per second: no sliding 1 s window holds more
// than the budget (rounded up) of any group, neither while the client is
// hammered nor under a 429 storm. A token bucket whose burst is a second
// of budget lets a window hold twice that (a full bucket, then a second of
// refill).
func TestEverySlidingSecondStaysInsideTheBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time test")
	}
	for _, storm := range []float64{0, 0.3} {
		t.Run(fmt.Sprintf("429=%g", storm), func(t *testing.T) {
			// A 2-core machine running other test binaries can starve the
			// client's goroutines, which then send together what the limiter
			// admitted apart; one more run tells that from a real excess.
			problems := slidingSecondRun(t, storm)
			if len(problems) > 0 {
				t.Logf("first run: %s; running again (a loaded machine bunches requests)", strings.Join(problems, "; "))
				problems = slidingSecondRun(t, storm)
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// slidingSecondRun hammers a client for 3.5 s and returns what broke the
// budget, if anything.
func slidingSecondRun(t *testing.T, storm float64) (problems []string) {
	s, srv := startSim(t, sim.Config{Seed: 9, Deployments: 60, Faults: sim.Faults{RateLimit429: storm}})
	log := &requestLog{next: srv.Client().Transport}
	c, err := api.New(api.Options{BaseURL: srv.URL, Token: simToken, HTTPClient: &http.Client{Transport: log}, MaxRetries: 2})
	if err != nil {
		t.Fatal(err)
	}
	ids := s.LiveRequestIDs()
	ctx, cancel := context.WithTimeout(context.Background(), 3500*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				switch (w + i) % 3 {
				case 0:
					c.ListDeployments(ctx, api.ListDeploymentsParams{Limit: 10})
				default:
					c.DeploymentStatus(ctx, ids[(w*7+i)%len(ids)])
				}
			}
		}()
	}
	wg.Wait()
	log.mu.Lock()
	defer log.mu.Unlock()
	if storm > 0 && s.Counters().ByGroup[api.GroupStatus].RateLimited == 0 {
		t.Fatal("the storm produced no 429: the test proves nothing")
	}
	for _, g := range []api.Group{api.GroupList, api.GroupStatus} {
		gs := c.Stats().Group(g)
		ceiling := int(math.Ceil(gs.Budget))
		got := slidingMax(log.hits, g, time.Second)
		t.Logf("%s: sliding 1 s maximum %d requests, budget %.2f/s × limit → at most %d (%d sent)", g, got, gs.Budget, ceiling, gs.Sent)
		if got > ceiling {
			problems = append(problems, fmt.Sprintf("%s: %d requests left within one second; the budget is %.2f/s (at most %d)", g, got, gs.Budget, ceiling))
		}
		if gs.Sent < int64(gs.Budget) {
			problems = append(problems, fmt.Sprintf("%s: only %d sent in 3.5 s: the budget is not being used", g, gs.Sent))
		}
	}
	return problems
}
