package model

import (
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// CleanupAfter is Edgegap's cleanup policy: a deployment is terminated 24 h
// after it started (API notes §6.4).
const CleanupAfter = 24 * time.Hour

// LifetimeWarn is how close to its end a deployment's time left is
// highlighted.
const LifetimeWarn = 10 * time.Minute

// Lifetime is how long a deployment has before it is terminated: the
// nearer of its version's max_duration (minutes, counted from READY) and
// the 24 h cleanup (from its start).
type Lifetime struct {
	Left time.Duration // the nearer end; negative: overdue
	// ByMaxDuration: the nearer end is max_duration's (else the
	// cleanup's).
	ByMaxDuration bool
}

// Warn reports whether the end is within LifetimeWarn.
func (l Lifetime) Warn() bool { return l.Left < LifetimeWarn }

// LifetimeOf is the time left of r at now, as of its last status (ok is
// false before a status was read, once the deployment ended, or without a
// start time). readyAt is when it became READY (zero: derived from the
// status's elapsed_time, seconds since READY as of the answer).
func LifetimeOf(r *DeploymentRow, now, readyAt time.Time) (l Lifetime, ok bool) {
	if r == nil || !r.Enriched || r.Detail == nil || r.Status.Ended() || r.Status == api.StatusError {
		return Lifetime{}, false
	}
	s := r.Detail
	start := s.StartTime.Time
	if start.IsZero() {
		start = r.Started
	}
	if start.IsZero() {
		return Lifetime{}, false
	}
	l.Left = start.Add(CleanupAfter).Sub(now)
	if readyAt.IsZero() && (s.CurrentStatus == api.StatusReady || s.ElapsedTime > 0) {
		readyAt = r.EnrichedAt.Add(-time.Duration(s.ElapsedTime) * time.Second)
	}
	if m := int64(s.MaxDuration); m > 0 && !readyAt.IsZero() {
		if left := readyAt.Add(time.Duration(m) * time.Minute).Sub(now); left < l.Left {
			l.Left, l.ByMaxDuration = left, true
		}
	}
	return l, true
}
