package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// Following stops: after a stop or a bulk stop is accepted, the console
// watches every deployment being stopped until it is TERMINATED (or gone,
// or out of time) and shows a progress line above the footer, then a
// summary there.

// stopTimeout is how long a stopped deployment may take to terminate
// before the summary reports it as still running.
const stopTimeout = model.DefaultStopTimeout

// stopSummaryFor is how long the summary stays above the footer.
const stopSummaryFor = 30 * time.Second

// stopBarWidth is the width of the progress bar in cells.
const stopBarWidth = 20

// stopProgress is the App's stop tracker and its line, built in Update.
type stopProgress struct {
	tracker *model.StopTracker
	line    string    // "" when nothing is shown
	doneAt  time.Time // when the summary was first shown; zero while waiting
}

// height is how many lines the stop line takes from the content.
func (p *stopProgress) height() int {
	if p.line == "" {
		return 0
	}
	return 1
}

// trackStops follows ids, whose stop was accepted, and records failed as
// refused (reason: why). A summary still on screen makes way for a new
// batch.
func (a *App) trackStops(ids, failed []string, reason string) {
	if len(ids) == 0 && len(failed) == 0 {
		return
	}
	now := a.env.now()
	p := &a.stops
	if p.tracker == nil {
		p.tracker = model.NewStopTracker(stopTimeout)
	}
	if p.tracker.Done() {
		p.tracker.Reset()
		p.doneAt = time.Time{}
	}
	p.tracker.Track(ids, now)
	p.tracker.Fail(failed, reason, now)
	a.view.Watch(ids...)
	a.refreshStops(now)
}

// observeStop folds a status answer of a tracked deployment in.
func (a *App) observeStop(id string, st *api.DeploymentStatus, err error) {
	p := &a.stops
	if p.tracker == nil || !p.tracker.Tracks(id) {
		return
	}
	if p.tracker.Observe(id, st, err) {
		a.refreshStops(a.env.now())
	}
}

// observeStopJob is observeStop for a scheduler job's answer.
func (a *App) observeStopJob(msg jobDoneMsg) {
	if msg.job.Kind == model.JobStatus {
		a.observeStop(msg.job.ID, msg.status, msg.err)
	}
}

// tickStops runs every second: it ends the waits past the timeout, moves
// the elapsed time on and takes the summary away after stopSummaryFor.
func (a *App) tickStops() {
	p := &a.stops
	if p.tracker == nil || !p.tracker.Active() {
		return
	}
	now := a.env.now()
	if !p.doneAt.IsZero() && now.Sub(p.doneAt) >= stopSummaryFor {
		p.tracker.Reset()
		p.doneAt = time.Time{}
		a.setStopLine("")
		return
	}
	p.tracker.Expire(now)
	a.refreshStops(now)
}

// refreshStops lets the scheduler forget the deployments no longer waited
// for and rebuilds the line: the bar while waiting, then the summary.
func (a *App) refreshStops(now time.Time) {
	p := &a.stops
	a.view.Unwatch(p.tracker.Resolved()...)
	if p.tracker.Done() {
		if p.doneAt.IsZero() {
			p.doneAt = now
		}
		a.setStopLine(a.stopSummaryLine())
		return
	}
	a.setStopLine(a.stopProgressLine(now))
}

// setStopLine shows line above the footer ("" hides it); the content gives
// up or gets back its last line.
func (a *App) setStopLine(line string) {
	had := a.stops.line != ""
	a.stops.line = line
	if had != (line != "") {
		a.layout()
	}
}

// stopBar is a bar of stopBarWidth cells, done of total filled, and
// "done/total terminated".
func (a *App) stopBar(done, total int) string {
	st := a.env.Styles
	fill := 0
	if total > 0 {
		fill = done * stopBarWidth / total
	}
	return st.HealthOK.Render(strings.Repeat("█", fill)) + st.Muted.Render(strings.Repeat("░", stopBarWidth-fill)) +
		fmt.Sprintf(" %d/%d terminated", done, total)
}

// stopProgressLine is the line while stops are waited for:
// "stopping ████░░░░ 1/3 terminated · 1 failed · 12s (gives up after 5m)".
func (a *App) stopProgressLine(now time.Time) string {
	st := a.env.Styles
	pr := a.stops.tracker.Progress()
	var b strings.Builder
	b.WriteString(st.HeaderKey.Render("stopping "))
	b.WriteString(a.stopBar(pr.Terminated, pr.Total))
	if pr.Failed > 0 {
		b.WriteString(st.FlashError.Render(fmt.Sprintf(" · %d failed", pr.Failed)))
	}
	if pr.TimedOut > 0 {
		b.WriteString(st.FlashError.Render(fmt.Sprintf(" · %d still running", pr.TimedOut)))
	}
	b.WriteString(st.Muted.Render(fmt.Sprintf(" · %s (gives up after %s)", formatAge(now.Sub(a.stops.tracker.Started())), formatAge(a.stops.tracker.Timeout()))))
	return b.String()
}

// stopSummaryLine is the line once nothing is waited for: how many
// terminated, which are still running after the timeout, which failed.
func (a *App) stopSummaryLine() string {
	st := a.env.Styles
	t := a.stops.tracker
	pr := t.Progress()
	s := t.Summary()
	var b strings.Builder
	b.WriteString(st.HeaderKey.Render("stop done "))
	b.WriteString(a.stopBar(pr.Terminated, pr.Total))
	if len(s.Failed) > 0 {
		parts := make([]string, len(s.Failed))
		for i, it := range s.Failed {
			parts[i] = it.ID + " (" + failure(it) + ")"
		}
		b.WriteString(st.FlashError.Render(fmt.Sprintf(" · %d failed: %s", len(s.Failed), strings.Join(parts, ", "))))
	}
	if len(s.Running) > 0 {
		parts := make([]string, len(s.Running))
		for i, it := range s.Running {
			parts[i] = it.ID + " (" + lastSeen(it) + ")"
		}
		b.WriteString(st.FlashError.Render(fmt.Sprintf(" · %d still running after %s: %s", len(s.Running), formatAge(t.Timeout()), strings.Join(parts, ", "))))
	}
	return b.String()
}

// lastSeen is the last status read of a deployment still running, or
// why none could be read.
func lastSeen(it model.StopItem) string {
	switch {
	case it.Last != "":
		return sanitizeLine(it.Last.Name())
	case it.Note != "":
		return "status unknown: " + sanitizeLine(errorCause(it.Note))
	}
	return "status unknown"
}

// failure is why a stop failed.
func failure(it model.StopItem) string {
	if it.Last == api.StatusError {
		return sanitizeLine("still ERROR: " + it.Note)
	}
	return sanitizeLine(it.Note)
}
