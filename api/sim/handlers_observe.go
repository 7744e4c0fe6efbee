package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// containerLogs is GET /v1/deployment/{id}/container-logs.
func (s *Server) containerLogs(c *call) reply {
	d, rep, found := s.deployment(c)
	if !found {
		return rep
	}
	if d.terminated(c.now) && d.logsLink == "" {
		return errorf(http.StatusNotFound, "deployment %s is terminated; container logs are no longer available", d.id)
	}
	// With log storage (the version's endpoint storage, or asked for at
	// deploy or stop), the logs outlive the deployment: the answer keeps
	// the last lines it wrote, with logs_link to the stored copy.
	return ok(d.containerLogs(c.now, s.cfg.LogWindowLines))
}

// deploymentMetrics is GET /v1/metrics/deployment/{id}?start_time&end_time&steps&raw.
func (s *Server) deploymentMetrics(c *call) reply {
	d, rep, found := s.deployment(c)
	if !found {
		return rep
	}
	q := c.query()
	if raw := q.Get("raw"); raw != "" {
		if _, err := strconv.ParseBool(raw); err != nil {
			return errorf(http.StatusBadRequest, "raw must be true or false, got %q", raw)
		}
	}
	start, end := d.created, c.now
	if t := d.sched.terminatedAt(); t.Before(end) {
		end = t
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"start_time", &start}, {"end_time", &end}} {
		if v := q.Get(p.name); v != "" {
			t, err := parseMetricsQueryTime(v)
			if err != nil {
				return errorf(http.StatusUnprocessableEntity, "%s %q does not match %s (for example %s)", p.name, v, metricsTimeForm, metricsTimeExample)
			}
			*p.dst = t
		}
	}
	start = start.Truncate(time.Second)
	if end.After(c.now) {
		end = c.now
	}
	if end.Before(start) {
		return errorf(http.StatusUnprocessableEntity, "start_time %s is after end_time %s", api.FormatMetricsTime(start), api.FormatMetricsTime(end))
	}
	step := defaultStep(start, end)
	if v := q.Get("steps"); v != "" {
		var err error
		if step, err = parseStep(v); err != nil {
			return errorf(http.StatusBadRequest, "%v", err)
		}
	}
	if n := bucketCount(start, end, step); n > maxMetricPoints {
		return errorf(http.StatusUnprocessableEntity, "time range holds %d points at steps %s; the limit is %d", n, q.Get("steps"), maxMetricPoints)
	}
	return ok(d.metrics(start, end, step))
}

// parseStep parses steps such as "30s", "1m", "5m", "1h": whole seconds, at
// least one.
func parseStep(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second || d%time.Second != 0 {
		return 0, fmt.Errorf("steps must be a duration of whole seconds such as 30s, 1m, 5m or 1h, got %q", s)
	}
	return d, nil
}
