package model

import (
	"slices"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// SetSparks gives the scheduler the per-row sparkline store: in the
// Deployments view it fetches metrics for visible READY rows whose
// sparklines are older than SparkEvery.
func (s *Scheduler) SetSparks(st *SparkStore) { s.sparks = st }

// SetMetricsWindow sets the window of detail panels whose interest names
// none; their metrics are due now.
func (s *Scheduler) SetMetricsWindow(w MetricsWindow) {
	s.window = w
	clear(s.metrics)
}

// MetricsWindow is the window of detail panels whose interest names none.
func (s *Scheduler) MetricsWindow() MetricsWindow { return s.window }

// logIDs are the streams of every open logs view, each once.
func (s *Scheduler) logIDs() []string {
	var out []string
	for _, arg := range s.args(ViewLogs) {
		for _, id := range splitIDs(arg) {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// splitIDs splits a ViewLogs argument into request ids.
func splitIDs(arg string) []string {
	if arg == "" {
		return nil
	}
	return strings.Split(arg, ",")
}

// metricsKey names one detail panel's metrics schedule: a deployment and
// a window.
func metricsKey(id string, w MetricsWindow) string { return id + "@" + w.Name }

// windowOf is in's metrics window, or the scheduler's.
func (s *Scheduler) windowOf(in Interest) MetricsWindow {
	if in.Window.Name != "" {
		return in.Window
	}
	return s.window
}

// planLogs polls each open stream's container logs every LogsInterval,
// until its logs answer 404 (the deployment ended).
func (s *Scheduler) planLogs(p *planner) {
	for _, id := range s.logIDs() {
		if !s.logsGone[id] {
			p.recurring(fetchOf(s.logs, id), s.cfg.LogsInterval, Job{Kind: JobLogs, ID: id})
		}
	}
}

// planDetailMetrics refreshes a detail panel's metrics window.
func (s *Scheduler) planDetailMetrics(p *planner, in Interest) {
	if in.Arg == "" {
		return
	}
	w := s.windowOf(in)
	p.recurring(fetchOf(s.metrics, metricsKey(in.Arg, w)), s.cfg.MetricsInterval, Job{Kind: JobMetrics, ID: in.Arg, Window: w.Name, Metrics: w.Params(p.now)})
}

// planSparks fetches sparklines for visible READY rows that are due, at
// most one request per row per SparkEvery, inside the metrics budget.
func (s *Scheduler) planSparks(p *planner) {
	if s.sparks == nil {
		return
	}
	ready := false
	for _, id := range s.visible {
		row, ok := s.store.Get(id)
		if !ok || row.Status != api.StatusReady {
			continue
		}
		ready = true
		if _, busy := s.sparkBusy[id]; busy || !s.sparks.Due(id, p.now, SparkEvery) {
			continue
		}
		if !p.take(api.GroupMetrics) {
			p.wakeAt(p.now)
			return
		}
		s.sparks.Requested(id, p.now)
		s.sparkBusy[id] = p.now
		p.add(Job{Kind: JobMetrics, ID: id, Spark: true, Metrics: SparkParams(p.now)})
	}
	if ready {
		p.wakeAt(p.now.Add(SparkEvery / 6)) // rows come due one by one
	}
}

// finishObserve records the end of a logs or metrics job.
func (s *Scheduler) finishObserve(j Job, now time.Time, err error) {
	switch {
	case j.Kind == JobLogs:
		f := fetchOf(s.logs, j.ID)
		if api.IsNotFound(err) {
			f.inFlight = false
			s.logsGone[j.ID] = true // terminated: logs are no longer served
			return
		}
		f.finish(now, err)
	case j.Spark:
		delete(s.sparkBusy, j.ID)
	default:
		if f := s.metrics[j.ID+"@"+j.Window]; f != nil {
			f.finish(now, err)
		}
	}
}
