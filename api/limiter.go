package api

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Clock is the client's view of time. Sleep returns early with ctx.Err()
// when ctx is done. Tests inject a virtual clock.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff bounds for 429s without Retry-After and for retried GETs.
const (
	backoffBase = 500 * time.Millisecond
	backoffCap  = 30 * time.Second
	// maxRetryAfter caps a server-sent Retry-After so a bogus value cannot
	// freeze the console.
	maxRetryAfter = 5 * time.Minute
	rateWindow    = 10 // seconds over which the live rate is measured
)

// fullJitter is exponential backoff with full jitter: a uniform duration in
// [0, min(cap, base*2^attempt)).
func fullJitter(attempt int) time.Duration {
	ceiling := backoffBase << min(attempt, 16)
	if ceiling <= 0 || ceiling > backoffCap {
		ceiling = backoffCap
	}
	return time.Duration(rand.Int64N(int64(ceiling)) + 1)
}

// groupLimiter is the token bucket, the 429 pause and the live counters of
// one endpoint group. A pause applies to every caller of the group.
type groupLimiter struct {
	group      Group
	limit      float64
	documented bool
	budget     float64
	burst      int
	bucket     *rate.Limiter
	clock      Clock

	mu           sync.Mutex
	pausedUntil  time.Time
	backoffTries int
	sent         int64
	succeeded    int64
	failed       int64
	rateLimited  int64
	lastSuccess  time.Time
	lastError    string
	lastErrorAt  time.Time
	perSecond    [rateWindow]int64
	perSecondAt  [rateWindow]int64 // unix second each slot counts
}

func newGroupLimiter(g Group, fraction float64, clock Clock) *groupLimiter {
	limit, documented := DocumentedLimit(g)
	budget := limit * fraction
	burst := max(1, int(budget))
	return &groupLimiter{
		group: g, limit: limit, documented: documented, budget: budget, burst: burst,
		bucket: rate.NewLimiter(rate.Limit(budget), burst),
		clock:  clock,
	}
}

// wait blocks until the group may send one request: past any 429 pause and
// with a token from the bucket.
//
// A 429 can arrive while a caller sleeps for its token, so the pause is
// checked again after every sleep: no request leaves during a pause.
func (g *groupLimiter) wait(ctx context.Context) error {
	var token *rate.Reservation
	for {
		now := g.clock.Now()
		g.mu.Lock()
		pause := g.pausedUntil.Sub(now)
		g.mu.Unlock()
		delay := pause
		if pause <= 0 {
			if token != nil {
				return nil
			}
			token = g.bucket.ReserveN(now, 1)
			delay = token.DelayFrom(now)
			if delay <= 0 {
				return nil
			}
		}
		if err := g.clock.Sleep(ctx, delay); err != nil {
			if token != nil {
				token.CancelAt(g.clock.Now())
			}
			return err
		}
	}
}

// sentOne counts a request leaving for the server.
func (g *groupLimiter) sentOne() {
	now := g.clock.Now()
	sec := now.Unix()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sent++
	i := sec % rateWindow
	if g.perSecondAt[i] != sec {
		g.perSecondAt[i] = sec
		g.perSecond[i] = 0
	}
	g.perSecond[i]++
}

// pause stops the whole group for retryAfter, or, when the server gave no
// Retry-After, for an exponential backoff with full jitter. It returns the
// pause applied.
func (g *groupLimiter) pause(retryAfter time.Duration) time.Duration {
	now := g.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rateLimited++
	d := retryAfter
	if d <= 0 {
		d = fullJitter(g.backoffTries)
		g.backoffTries++
	}
	if until := now.Add(d); until.After(g.pausedUntil) {
		g.pausedUntil = until
	}
	g.lastError = "rate limited (429)"
	g.lastErrorAt = now
	return d
}

func (g *groupLimiter) succeed() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.succeeded++
	g.backoffTries = 0
	g.lastSuccess = g.clock.Now()
}

func (g *groupLimiter) fail(msg string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failed++
	g.lastError = msg
	g.lastErrorAt = g.clock.Now()
}

// GroupStats are the live counters of one endpoint group.
type GroupStats struct {
	Group       Group
	Limit       float64 // documented (or assumed) organization limit, req/s
	Documented  bool    // whether Edgegap documents Limit
	Budget      float64 // this client's share: Limit × budget fraction, req/s
	Sent        int64   // requests sent (each retry counts)
	Succeeded   int64   // answers: 2xx, and 4xx about the request itself (404, 409, 422…)
	Failed      int64   // 5xx, 401/403 and network errors
	RateLimited int64   // 429s seen
	Rate        float64 // requests/second over the last 10 s
	Backoff     time.Duration
	LastSuccess time.Time
	LastError   string
	LastErrorAt time.Time
}

func (g *groupLimiter) stats() GroupStats {
	now := g.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	var recent int64
	sec := now.Unix()
	for i := range rateWindow {
		if sec-g.perSecondAt[i] < rateWindow {
			recent += g.perSecond[i]
		}
	}
	return GroupStats{
		Group: g.group, Limit: g.limit, Documented: g.documented, Budget: g.budget,
		Sent: g.sent, Succeeded: g.succeeded, Failed: g.failed, RateLimited: g.rateLimited,
		Rate:        float64(recent) / rateWindow,
		Backoff:     max(0, g.pausedUntil.Sub(now)),
		LastSuccess: g.lastSuccess, LastError: g.lastError, LastErrorAt: g.lastErrorAt,
	}
}

// Stats is a snapshot of the client's counters for the console's header.
type Stats struct {
	BudgetFraction float64
	Groups         []GroupStats
	Sent           int64
	RateLimited    int64
	Rate           float64       // req/s over the last 10 s, all groups
	Budget         float64       // sum of the groups' budgets, req/s
	Backoff        time.Duration // longest current pause of any group
	LastSuccess    time.Time
	LastError      string
	LastErrorAt    time.Time
}

// Group returns the stats of g (zero value when unknown).
func (s Stats) Group(g Group) GroupStats {
	for _, gs := range s.Groups {
		if gs.Group == g {
			return gs
		}
	}
	return GroupStats{}
}

// available is how many requests the group may start now without
// waiting: 0 while paused, else the whole tokens in the bucket.
func (g *groupLimiter) available() int {
	now := g.clock.Now()
	g.mu.Lock()
	paused := g.pausedUntil.After(now)
	g.mu.Unlock()
	if paused {
		return 0
	}
	return max(0, int(g.bucket.TokensAt(now)))
}
