package api

import (
	"context"
	"math"
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
	// freeze the console: a group is never paused longer than this by one
	// answer.
	maxRetryAfter = 60 * time.Second
	// maxInlineWait is the longest pause a request waits out inside the
	// client; past it the request is refused (a *NotSentError) so its
	// caller is not blocked and can show the countdown instead.
	maxInlineWait = 5 * time.Second
	rateWindow    = 10 // seconds over which the live rate is measured
	// windowSpan is the sliding window the per-second promise is kept in:
	// any ceil(budget)+1 requests of a group leave at least this far
	// apart. The margin covers the moment between a request's slot and
	// its bytes reaching the server.
	windowSpan = time.Second + 25*time.Millisecond
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

// groupLimiter is the token bucket, the sliding window, the 429 pause and
// the live counters of one endpoint group. A pause applies to every caller
// of the group.
//
// The bucket (rate budget, burst floor(budget)) keeps the average within
// the budget; alone it would let a 1 s window hold a full burst plus a
// second of refill, twice the budget. The sliding window keeps every span
// of windowSpan to at most ceil(budget) requests: each request takes a
// slot no earlier than windowSpan after the slot ceil(budget) requests
// before it.
type groupLimiter struct {
	group      Group
	limit      float64
	documented bool
	budget     float64
	burst      int
	bucket     *rate.Limiter
	clock      Clock

	mu           sync.Mutex
	slots        []time.Time // the last len(slots) send slots, oldest at next
	next         int
	pausedUntil  time.Time
	probe        bool // Probe: the next request ignores the pause
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
		slots:  make([]time.Time, windowSize(budget)),
		clock:  clock,
	}
}

// windowSize is how many requests one sliding second may hold: the budget
// rounded up (2.5 req/s: 3 in a second, 2.5 on average).
func windowSize(budget float64) int {
	return max(1, int(math.Ceil(budget-1e-9)))
}

// reserveLocked takes the next send slot at or after now: after the
// bucket's token time tb, windowSpan after the slot len(slots) requests
// back, and not before the last slot. The caller holds g.mu.
func (g *groupLimiter) reserveLocked(now, tb time.Time) time.Time {
	t := now
	if tb.After(t) {
		t = tb
	}
	if w := g.slots[g.next].Add(windowSpan); w.After(t) {
		t = w
	}
	last := g.slots[(g.next+len(g.slots)-1)%len(g.slots)]
	if last.After(t) {
		t = last
	}
	g.slots[g.next] = t
	g.next = (g.next + 1) % len(g.slots)
	return t
}

// wait blocks until the group may send one request: past any 429 pause,
// with a token from the bucket and a slot in the sliding window. A pause
// longer than maxInlineWait is not waited out: wait returns a
// *NotSentError at once (errPaused), unless Probe armed the group, whose
// next request then ignores the pause. probe reports that this request is
// that probe.
//
// A 429 can arrive while a caller sleeps for its slot, so the pause is
// checked again after every sleep: no request leaves during a pause (its
// slot is then taken again after the pause; the unused one only makes the
// window stricter).
func (g *groupLimiter) wait(ctx context.Context) (probe bool, err error) {
	for {
		now := g.clock.Now()
		g.mu.Lock()
		pause := g.pausedUntil.Sub(now)
		if pause > 0 && g.probe {
			g.probe, probe, pause = false, true, 0
		}
		if pause > maxInlineWait {
			until := g.pausedUntil
			g.mu.Unlock()
			return false, &pausedError{group: g.group, until: until}
		}
		var at time.Time
		if pause <= 0 {
			token := g.bucket.ReserveN(now, 1)
			at = g.reserveLocked(now, now.Add(token.DelayFrom(now)))
		}
		g.mu.Unlock()
		if pause > 0 {
			if err := g.clock.Sleep(ctx, pause); err != nil {
				return false, err
			}
			continue
		}
		if d := at.Sub(now); d > 0 {
			if err := g.clock.Sleep(ctx, d); err != nil {
				return false, err
			}
		}
		g.mu.Lock()
		paused := !probe && g.pausedUntil.After(g.clock.Now())
		g.mu.Unlock()
		if !paused {
			return probe, nil
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

// succeed counts an answer; probe: it answered the Probe that ignored the
// pause, which ends the pause.
func (g *groupLimiter) succeed(probe bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if probe {
		g.pausedUntil = time.Time{}
	}
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
// waiting: 0 while paused (1 when Probe armed the group), else the whole
// tokens in the bucket, at most the free slots of the sliding window.
func (g *groupLimiter) available() int {
	now := g.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pausedUntil.After(now) {
		if g.probe {
			return 1
		}
		return 0
	}
	free := 0
	for i := range g.slots {
		s := g.slots[(g.next+i)%len(g.slots)]
		if s.Add(windowSpan).After(now) {
			break
		}
		free++
	}
	if last := g.slots[(g.next+len(g.slots)-1)%len(g.slots)]; last.After(now) {
		free = 0
	}
	return min(free, max(0, int(g.bucket.TokensAt(now))))
}

// armProbe lets the next request of a paused group ignore the pause.
func (g *groupLimiter) armProbe() {
	now := g.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pausedUntil.After(now) {
		g.probe = true
	}
}

// pausedUntilTime is the end of the group's 429 pause (zero or past: none).
func (g *groupLimiter) pausedUntilTime() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.pausedUntil
}
