package api

import (
	"errors"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"
)

// DefaultRepeatLimit is how many identical answers to one GET the client
// accepts within RepeatWindow before it refuses the next one. The console's
// fastest default schedule (the deployments list and the logs tail every
// 2 s) repeats a quiet resource 30 times a minute; twice that is a loop.
const DefaultRepeatLimit = 60

// RepeatLimitFor is the repeat limit for a console whose fastest refresh
// interval is fastest: DefaultRepeatLimit, or twice the polls a minute of
// an interval faster than 2 s.
func RepeatLimitFor(fastest time.Duration) int {
	if fastest <= 0 {
		return DefaultRepeatLimit
	}
	perMinute := int((RepeatWindow + fastest - 1) / fastest)
	return max(DefaultRepeatLimit, 2*perMinute)
}

// RepeatWindow is the span the repeat guard counts identical answers in.
const RepeatWindow = time.Minute

// ErrRepeated is the reason of a GET refused by the repeat guard: the same
// request got the same answer more than the limit allows within a minute,
// which only a loop in the console does. It is logged as a bug.
var ErrRepeated = errors.New("the same request got the same answer too often in a minute (a gapdeck bug, logged)")

// repeatGuard is the client's last resort against a caller stuck in a
// loop: whatever the scheduler asks, one GET (method, path and query)
// answered identically (status and body) more than limit times within
// RepeatWindow is refused until the oldest of those answers leaves the
// window. A different answer starts the count again. Mutations are not
// counted: they are never sent without a person asking.
type repeatGuard struct {
	limit int
	clock Clock
	log   *slog.Logger

	mu        sync.Mutex
	seen      map[string]*repeatRecord
	lastPrune time.Time
}

// repeatRecord is the identical-answer history of one request.
type repeatRecord struct {
	sum     uint64      // hash of the last answer's status and body
	times   []time.Time // when that answer came, oldest first, within the window
	refused int         // refusals since the last answer, for the log
}

func newRepeatGuard(limit int, clock Clock, log *slog.Logger) *repeatGuard {
	return &repeatGuard{limit: limit, clock: clock, log: log, seen: map[string]*repeatRecord{}}
}

// admit refuses key when its last answer came back identically limit
// times within the window; RetryAt is when the oldest of them ages out.
func (g *repeatGuard) admit(method, key string) error {
	if g == nil || g.limit <= 0 {
		return nil
	}
	now := g.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.seen[key]
	if r == nil {
		return nil
	}
	r.times = dropBefore(r.times, now.Add(-RepeatWindow))
	if len(r.times) < g.limit {
		return nil
	}
	r.refused++
	retry := r.times[0].Add(RepeatWindow)
	if r.refused == 1 {
		g.log.Error("api repeat guard refused a request: a loop in gapdeck (bug)",
			"method", method, "path", key, "identical_answers", len(r.times), "window", RepeatWindow, "retry_at", retry.Format(time.RFC3339))
	}
	return &NotSentError{Method: method, Path: key, Reason: ErrRepeated, RetryAt: retry}
}

// answered records an answer to key.
func (g *repeatGuard) answered(key string, status int, body []byte) {
	if g == nil || g.limit <= 0 {
		return
	}
	h := fnv.New64a()
	h.Write([]byte{byte(status >> 8), byte(status)})
	h.Write(body)
	sum := h.Sum64()
	now := g.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pruneLocked(now)
	r := g.seen[key]
	if r == nil {
		r = &repeatRecord{}
		g.seen[key] = r
	}
	if r.sum != sum || len(r.times) == 0 {
		r.sum, r.times = sum, r.times[:0]
	}
	r.times = append(dropBefore(r.times, now.Add(-RepeatWindow)), now)
	r.refused = 0
}

// pruneLocked forgets requests not answered within the window, at most
// once per window, so the map holds only what is being polled.
func (g *repeatGuard) pruneLocked(now time.Time) {
	if now.Sub(g.lastPrune) < RepeatWindow {
		return
	}
	g.lastPrune = now
	cutoff := now.Add(-RepeatWindow)
	for k, r := range g.seen {
		if len(r.times) == 0 || r.times[len(r.times)-1].Before(cutoff) {
			delete(g.seen, k)
		}
	}
}

// dropBefore removes the times before cutoff from the sorted slice ts.
func dropBefore(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && ts[i].Before(cutoff) {
		i++
	}
	if i == 0 {
		return ts
	}
	return append(ts[:0], ts[i:]...)
}
