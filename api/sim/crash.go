package sim

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ErrCannotCrash is Crash on a deployment that is not READY: only a
// running container can crash.
var ErrCannotCrash = errors.New("the deployment is not READY")

// Crash makes deployment id's container crash now and restart, as a
// crash-looper's restarts do: its container logs carry the crash data
// (exit code, message, restart count) from now on. It returns the restart
// count. Tests use it to stage a crash at a chosen time.
func (s *Server) Crash(id string) (restarts int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.world.advance(now)
	d, ok := s.world.get(id)
	if !ok || d.terminated(now) {
		return 0, fmt.Errorf("%s: %w", id, ErrUnknownDeployment)
	}
	if !d.running(now) {
		cur, _ := d.status(now)
		return 0, fmt.Errorf("%s is %s: %w", id, cur.Name(), ErrCannotCrash)
	}
	i, _ := slices.BinarySearchFunc(d.sched.crashes, now, func(c, t time.Time) int { return c.Compare(t) })
	if i > 0 && !d.sched.crashes[i-1].Before(now) || i < len(d.sched.crashes) && d.sched.crashes[i].Equal(now) {
		return 0, fmt.Errorf("%s crashed at this very instant already: %w", id, ErrCannotCrash)
	}
	d.sched.crashes = slices.Insert(d.sched.crashes, i, now)
	n, _ := d.sched.restartsAt(now)
	return n, nil
}
