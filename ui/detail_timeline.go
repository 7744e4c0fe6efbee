package ui

import (
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/events"
	"github.com/gapdeck/gapdeck/ui/termtext"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// cleanupAfter is Edgegap's cleanup policy: a deployment is terminated 24 h
// after it started (API notes §6.4).
const cleanupAfter = model.CleanupAfter

// timelineMax is how many of a deployment's events its detail lists; the
// rest are in :events.
const timelineMax = 8

// deploymentEvents follows one deployment's events in the engine's log,
// reading only what was recorded since the last look.
type deploymentEvents struct {
	log  *events.Log
	seq  uint64
	mine []events.Event // oldest first
}

// pull reads the new events; it reports whether one was about id.
func (t *deploymentEvents) pull(id string) bool {
	if t.log == nil {
		return false
	}
	got := false
	for _, e := range t.log.Since(t.seq) {
		t.seq = e.Seq
		if e.Object.Type == events.ObjectDeployment && e.Object.ID == id {
			t.mine = append(t.mine, e)
			got = true
		}
	}
	return got
}

// readyAt is when the deployment became READY: the transition gapdeck saw,
// else derived from the status (elapsed_time is seconds since READY, as
// of the answer); false if it is not READY yet.
func (t *deploymentEvents) readyAt(row *model.DeploymentRow) (time.Time, bool) {
	for _, e := range t.mine {
		if e.Kind == events.KindStatus && e.To == api.StatusReady.Name() {
			return e.At, true
		}
	}
	s := row.Detail
	if s.CurrentStatus == api.StatusReady || s.ElapsedTime > 0 {
		return row.EnrichedAt.Add(-secondsDur(int64(s.ElapsedTime))), true
	}
	return time.Time{}, false
}

// timeline writes the TIMELINE section of a deployment's detail: its age,
// time to READY, time left before max_duration and the 24 h cleanup, then
// its newest events.
func (d *detailView) timeline(row *model.DeploymentRow, kv func(k, v termtext.Safe), line func(...string)) {
	st := d.env.Styles
	s := row.Detail
	now := d.env.now()
	start := s.StartTime.Time
	if !start.IsZero() {
		kv("age", termtext.Line(formatAge(now.Sub(start))))
	}
	ready, isReady := d.evs.readyAt(row)
	switch {
	case isReady && !start.IsZero():
		kv("time to READY", termtext.Line(preciseDur(ready.Sub(start))+" (READY at "+ready.UTC().Format("15:04:05")+" UTC)"))
	case s.CurrentStatus == api.StatusError:
		kv("time to READY", "never READY (ERROR)")
	default:
		kv("time to READY", "not READY yet")
	}
	// leftKV writes a time left, highlighted in the last 10 minutes.
	leftKV := func(k termtext.Safe, left time.Duration, suffix string) {
		v := termtext.Line(leftText(left) + suffix)
		if left >= model.LifetimeWarn {
			kv(k, v)
			return
		}
		line("  ", styled(st.DetailKey, termtext.Format("%-18s", k)), " ", styled(st.Tone[theme.ToneWarn], v), " ",
			styled(st.Tone[theme.ToneWarn], "◂ ends within 10 min"))
	}
	maxMin := int64(s.MaxDuration)
	switch {
	case maxMin <= 0:
		kv("max_duration", "none")
	case !isReady:
		kv("max_duration", termtext.Format("%d min, counted once READY", maxMin))
	default:
		leftKV("max_duration", ready.Add(time.Duration(maxMin)*time.Minute).Sub(now), termtext.Format(" (%d min after READY)", maxMin).String())
	}
	if !start.IsZero() {
		leftKV("24 h cleanup", start.Add(cleanupAfter).Sub(now), "")
	}
	if len(d.evs.mine) == 0 {
		line("  ", styled(st.Muted, "no events recorded for it yet (gapdeck records the changes its polling sees)"))
		return
	}
	n := 0
	for i := len(d.evs.mine) - 1; i >= 0 && n < timelineMax; i, n = i-1, n+1 {
		e := d.evs.mine[i]
		sev := termtext.Format("%-7s", e.Severity)
		line("  ", styled(st.Muted, termtext.Line(eventTime(e.At, now))), " ",
			styled(st.Tone[severityTone(e.Severity)], sev), " ",
			styled(st.DetailValue, termtext.Line(e.Message)))
	}
	if more := len(d.evs.mine) - n; more > 0 {
		line("  ", styled(st.Muted, termtext.Format("… %d older: E, then / id:%s", more, d.id)))
	}
}

// leftText is "42m left", or "overdue by 3m".
func leftText(d time.Duration) string {
	if d < 0 {
		return "overdue by " + formatAge(-d)
	}
	return formatAge(d) + " left"
}

// preciseDur is a duration to the second: "47s", "1m5s", then formatAge.
func preciseDur(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < time.Hour {
		return d.Round(time.Second).String()
	}
	return formatAge(d)
}
