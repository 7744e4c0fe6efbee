package events

import (
	"fmt"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// StormQuiet is how long without a 429 pause ends a rate-limit storm: the
// pauses of a storm come and go (each lasts a Retry-After), and the feed
// says once that it started and once that it ended.
const StormQuiet = 30 * time.Second

// healthSeen is what the recorder last knew of the API's health.
type healthSeen struct {
	state api.HealthState
	since time.Time // when state was first observed
	// The 429 storm: from its first pause until StormQuiet after its
	// last one.
	storm      bool
	stormStart time.Time
	stormLast  time.Time // the last observation rate limited
	storm429s  int64     // the client's 429 count when the storm started
}

// ObserveHealth takes the client's health read at at, after an answer
// was applied, and rateLimited, the client's count of 429s so far (-1:
// unknown). A change of state is an event: DEGRADED (warning), DOWN and
// TOKEN-REJECTED (error), back to OK (info). Rate limiting is coalesced
// into a storm: one warning when the first 429 pauses a group, one
// "recovered" with the count of 429s once StormQuiet passed without one.
// The first state seen is the baseline unless it is a problem. Messages
// quote Health.Reason, which never holds the token.
func (r *Recorder) ObserveHealth(h api.Health, rateLimited int64, at time.Time) {
	hs := &r.health
	if h.State == api.HealthRateLimited {
		hs.stormLast = at
		if !hs.storm {
			hs.storm, hs.stormStart, hs.storm429s = true, at, rateLimited
			msg := "rate limited: " + h.Reason
			if !h.RetryAt.IsZero() {
				msg += fmt.Sprintf(", paused for %s", ago(h.RetryAt.Sub(at)))
			}
			r.record(Event{At: at, Severity: Warning, Kind: KindAPI, Object: apiObject(h), To: h.State.String(), Message: msg})
		}
	} else if hs.storm && at.Sub(hs.stormLast) >= StormQuiet {
		hs.storm = false
		msg := "rate limiting over after " + ago(hs.stormLast.Sub(hs.stormStart)+StormQuiet)
		if rateLimited >= 0 && hs.storm429s >= 0 {
			msg += fmt.Sprintf(": %d 429s", rateLimited-hs.storm429s)
		}
		r.record(Event{At: at, Severity: Info, Kind: KindAPI, Object: Object{Type: ObjectAPI, ID: "api"},
			From: api.HealthRateLimited.String(), To: h.State.String(), Message: msg})
	}
	prev, prevSince := hs.state, hs.since
	if h.State == prev || h.State == api.HealthUnknown {
		return
	}
	hs.state, hs.since = h.State, at
	if h.State == api.HealthRateLimited || prev == api.HealthRateLimited && h.State == api.HealthOK {
		return // the storm's own events
	}
	e := Event{At: at, Kind: KindAPI, Object: apiObject(h), From: prev.String(), To: h.State.String()}
	if prev == api.HealthUnknown {
		e.From = ""
	}
	switch h.State {
	case api.HealthOK:
		if prev == api.HealthUnknown {
			return // the baseline
		}
		e.Severity, e.Message = Info, "API recovered: was "+prev.String()+" for "+ago(at.Sub(prevSince))
	case api.HealthDegraded:
		e.Severity, e.Message = Warning, "API degraded: "+h.Reason
	case api.HealthDown:
		e.Severity, e.Message = Error, "API down: "+h.Reason
	case api.HealthTokenRejected:
		e.Severity, e.Message = Error, "token rejected: "+h.Reason
	default:
		return
	}
	r.record(e)
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
