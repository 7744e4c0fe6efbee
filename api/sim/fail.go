package sim

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// Errors of Fail.
var (
	ErrUnknownDeployment = errors.New("no such deployment")
	ErrCannotFail        = errors.New("the deployment is already in ERROR or ending")
)

// defaultFailDetail is the error_detail of a failure staged without one.
const defaultFailDetail = "Container exited: simulated failure"

// Fail makes deployment id turn ERROR now, with detail as its
// error_detail ("": a default): what tests and the sim-only route
// POST /_sim/fail/{id} use to stage an incident at a chosen time.
func (s *Server) Fail(id, detail string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.world.advance(now)
	_, err := s.failLocked(id, detail, now)
	return err
}

// failLocked makes id turn ERROR at now (the lock held).
func (s *Server) failLocked(id, detail string, now time.Time) (*deployment, error) {
	d, ok := s.world.get(id)
	if !ok || d.terminated(now) {
		return nil, fmt.Errorf("%s: %w", id, ErrUnknownDeployment)
	}
	if cur, _ := d.status(now); cur == api.StatusError || cur.Ended() {
		return nil, fmt.Errorf("%s is %s: %w", id, cur.Name(), ErrCannotFail)
	}
	if detail == "" {
		detail = defaultFailDetail
	}
	d.sched.failAt(now, detail)
	s.world.rescheduled(d)
	return d, nil
}

// simFail is POST /_sim/fail/{id}, the simulator's own route (not the
// API's, authenticated like it): the body, if any, is the error_detail.
// It answers the deployment's new status.
func (s *Server) simFail(c *call) reply {
	detail := strings.TrimSpace(string(c.body))
	if len(detail) > 200 {
		detail = detail[:200]
	}
	d, err := s.failLocked(c.param("id"), detail, c.now)
	switch {
	case errors.Is(err, ErrUnknownDeployment):
		return errorf(http.StatusNotFound, "%v", err)
	case err != nil:
		return errorf(http.StatusConflict, "%v", err)
	}
	return ok(d.statusView(c.now))
}
