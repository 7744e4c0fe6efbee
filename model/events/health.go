package events

import (
	"fmt"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// Spells of trouble that come and go are coalesced: the feed says once
// that one started and once that it ended.
const (
	// StormQuiet is how long without a 429 pause ends a rate-limit storm
	// (each pause lasts a Retry-After; a storm is many).
	StormQuiet = 30 * time.Second
	// DegradedQuiet is how long without a failure ends a spell of
	// DEGRADED (each failure keeps the client DEGRADED for
	// api.DegradedFor; a flaky API is many).
	DegradedQuiet = time.Minute
)

// healthSeen is what the recorder last knew of the API's health.
type healthSeen struct {
	// hard is DOWN or TOKEN-REJECTED while it lasts (HealthUnknown: not);
	// the client holds those until a probe is answered, so they do not
	// flap.
	hard      api.HealthState
	hardSince time.Time
	// A spell of DEGRADED: from its first failure until DegradedQuiet
	// after its last.
	degraded      bool
	degradedStart time.Time
	degradedLast  time.Time
	// The 429 storm: from its first pause until StormQuiet after its
	// last one.
	storm      bool
	stormStart time.Time
	stormLast  time.Time // the last observation rate limited
	storm429s  int64     // the client's 429 count when the storm started
}

// ObserveHealth takes the client's health read at at, after an answer
// was applied, and rateLimited, the client's count of 429s so far (-1:
// unknown). DOWN and TOKEN-REJECTED are errors when they start and
// information when the API answers again. DEGRADED (warning) and rate
// limiting (warning) come in spells: one event when a spell starts, one
// when DegradedQuiet or StormQuiet passed without it (the storm's with
// its count of 429s). A healthy start is no event. Messages quote
// Health.Reason, which never holds the token.
func (r *Recorder) ObserveHealth(h api.Health, rateLimited int64, at time.Time) {
	if h.State == api.HealthUnknown {
		return
	}
	r.observeHard(h, at)
	r.observeDegraded(h, at)
	r.observeStorm(h, rateLimited, at)
}

// observeHard records DOWN and TOKEN-REJECTED starting and ending.
func (r *Recorder) observeHard(h api.Health, at time.Time) {
	hs := &r.health
	hard := h.State == api.HealthDown || h.State == api.HealthTokenRejected
	switch {
	case hard && h.State != hs.hard:
		e := Event{At: at, Severity: Error, Kind: KindAPI, Object: apiObject(h), To: h.State.String()}
		if hs.hard != api.HealthUnknown {
			e.From = hs.hard.String()
		}
		if h.State == api.HealthDown {
			e.Message = "API down: " + h.Reason
		} else {
			e.Message = "token rejected: " + h.Reason
		}
		hs.hard, hs.hardSince = h.State, at
		r.record(e)
	case !hard && hs.hard != api.HealthUnknown:
		was := hs.hard
		hs.hard = api.HealthUnknown
		msg := "API recovered: was " + was.String() + " for " + ago(at.Sub(hs.hardSince))
		if h.State != api.HealthOK {
			msg = "API answers again (was " + was.String() + " for " + ago(at.Sub(hs.hardSince)) + ")"
		}
		r.record(Event{At: at, Severity: Info, Kind: KindAPI, Object: Object{Type: ObjectAPI, ID: "api"},
			From: was.String(), To: h.State.String(), Message: msg})
	}
}

// observeDegraded records a spell of DEGRADED starting and ending.
func (r *Recorder) observeDegraded(h api.Health, at time.Time) {
	hs := &r.health
	switch {
	case h.State == api.HealthDegraded:
		hs.degradedLast = at
		if !hs.degraded {
			hs.degraded, hs.degradedStart = true, at
			r.record(Event{At: at, Severity: Warning, Kind: KindAPI, Object: apiObject(h), To: h.State.String(),
				Message: "API degraded: " + h.Reason})
		}
	case !hs.degraded:
	case hs.hard != api.HealthUnknown:
		hs.degraded = false // a worse state took over; its own events tell
	case at.Sub(hs.degradedLast) >= DegradedQuiet:
		hs.degraded = false
		r.record(Event{At: at, Severity: Info, Kind: KindAPI, Object: Object{Type: ObjectAPI, ID: "api"},
			From: api.HealthDegraded.String(), To: h.State.String(),
			Message: "API recovered: degraded for " + ago(hs.degradedLast.Sub(hs.degradedStart)+api.DegradedFor)})
	}
}

// observeStorm records a 429 storm starting and ending.
func (r *Recorder) observeStorm(h api.Health, rateLimited int64, at time.Time) {
	hs := &r.health
	switch {
	case h.State == api.HealthRateLimited:
		hs.stormLast = at
		if hs.storm {
			return
		}
		hs.storm, hs.stormStart, hs.storm429s = true, at, rateLimited
		msg := "rate limited: " + h.Reason
		if !h.RetryAt.IsZero() {
			msg += fmt.Sprintf(", paused for %s", ago(h.RetryAt.Sub(at)))
		}
		r.record(Event{At: at, Severity: Warning, Kind: KindAPI, Object: apiObject(h), To: h.State.String(), Message: msg})
	case hs.storm && at.Sub(hs.stormLast) >= StormQuiet:
		hs.storm = false
		msg := "rate limiting over after " + ago(hs.stormLast.Sub(hs.stormStart)+StormQuiet)
		if rateLimited >= 0 && hs.storm429s >= 0 {
			msg += fmt.Sprintf(": %d 429s", rateLimited-hs.storm429s)
		}
		r.record(Event{At: at, Severity: Info, Kind: KindAPI, Object: Object{Type: ObjectAPI, ID: "api"},
			From: api.HealthRateLimited.String(), To: h.State.String(), Message: msg})
	}
}

// Storming reports whether a 429 storm is under way (its end is not yet
// recorded): the engine then reads the client's 429 count for it.
func (r *Recorder) Storming() bool { return r.health.storm }

// apiObject names what a health event is about: the paused endpoint
// group, or the API.
func apiObject(h api.Health) Object {
	if h.Group != "" {
		return Object{Type: ObjectAPI, ID: string(h.Group)}
	}
	return Object{Type: ObjectAPI, ID: "api"}
}
