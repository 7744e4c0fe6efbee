package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/model/events"
	"github.com/gapdeck/gapdeck/model/watchlist"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// feedEnv is an Env for the events view alone, at a fixed clock.
func feedEnv() *Env {
	now := t0.Add(time.Hour)
	return &Env{Styles: theme.NewStyles(theme.Default(), true), Keys: DefaultKeyMap(), Now: func() time.Time { return now }}
}

// fillLog appends n events: every 10th a warning, every 25th an error,
// about deployments of two apps.
func fillLog(log *events.Log, n int) {
	for i := range n {
		sev, kind, msg := events.Info, events.KindTags, fmt.Sprintf("tags +t%d", i)
		switch {
		case i%25 == 0:
			sev, kind, msg = events.Error, events.KindStatus, "READY → ERROR (previous look 10s before)"
		case i%10 == 0:
			sev, kind, msg = events.Warning, events.KindRestart, "restarted"
		}
		app := "kart-racing"
		if i%2 == 1 {
			app = "space-duel"
		}
		log.Append(events.Event{At: t0.Add(time.Duration(i) * time.Second), Severity: sev, Kind: kind, Message: msg,
			Object: events.Object{Type: events.ObjectDeployment, ID: fmt.Sprintf("%012x", i), App: app, Location: "Frankfurt, Germany"}})
	}
}

func TestEventsViewIncrementalIndex(t *testing.T) {
	log := events.NewLog(0)
	fillLog(log, 100)
	v := newEventsView(feedEnv(), log, func() string { return "" })
	v.SetSize(100, 20)
	if v.src.Len() != 100 || v.src.at(0).Seq != 100 {
		t.Fatalf("rows %d, first seq %d: want 100, newest first", v.src.Len(), v.src.at(0).Seq)
	}
	v.Update(keyMsg("W"))
	// Errors at 0, 25, 50, 75; warnings at 10, 20, 30, 40, 60, 70, 80, 90.
	if got := v.src.Len(); got != 12 {
		t.Fatalf("W rows = %d, want 12", got)
	}
	if err := v.setFilter("app:space"); err != nil {
		t.Fatal(err)
	}
	for i := range v.src.Len() {
		e := v.src.at(i)
		if e.Object.App != "space-duel" || e.Severity < events.Warning {
			t.Errorf("row %d: %+v passes W and app:space", i, e)
		}
	}
	// The cursor stays on its event as new ones arrive on top.
	v.Update(keyMsg("j"))
	sel, _ := v.selected()
	fillLog(log, 50)
	v.pull()
	if now, _ := v.selected(); now.Seq != sel.Seq {
		t.Errorf("cursor moved from event %d to %d", sel.Seq, now.Seq)
	}
	// New events are tested as they arrive (no re-filter).
	for i := range v.src.Len() {
		if e := v.src.at(i); e.Object.App != "space-duel" || e.Severity < events.Warning {
			t.Errorf("appended row %d passes: %+v", i, e)
		}
	}
	if err := v.setFilter("colour:red"); err == nil {
		t.Error("an unknown filter field was accepted")
	}
	screen := ansi.Strip(v.View())
	if n := strings.Count(screen, "\n") + 1; n != 20 {
		t.Errorf("view is %d lines, want 20", n)
	}
	if !strings.Contains(screen, "filter: app:space") || !strings.Contains(screen, "warnings and errors only") {
		t.Errorf("title does not say what is shown:\n%s", screen)
	}
}

func TestEventTimeShowsTheDateOnOtherDays(t *testing.T) {
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	if got := eventTime(now.Add(-time.Hour), now); got != "11:00:00" {
		t.Errorf("today: %q", got)
	}
	if got := eventTime(now.Add(-13*time.Hour), now); got != "05-03 23:00" {
		t.Errorf("yesterday: %q", got)
	}
}

func TestEventsViewSanitizesMessages(t *testing.T) {
	log := events.NewLog(0)
	log.Append(events.Event{At: t0, Severity: events.Error, Kind: events.KindErrorDetail,
		Object:  events.Object{Type: events.ObjectDeployment, ID: "abc\x1b]0;pwn\a"},
		Message: "error: \x1b[2J\u202eevil"})
	v := newEventsView(feedEnv(), log, func() string { return "" })
	v.SetSize(100, 5)
	out := v.View()
	if strings.ContainsAny(out, "\a\u202e") || strings.Contains(out, "\x1b]0") || strings.Contains(out, "\x1b[2J") {
		t.Errorf("raw control text reached the screen: %q", out)
	}
}

// BenchmarkEventsView50k measures what the console pays per frame and per
// update with 50,000 events in the feed.
func BenchmarkEventsView50k(b *testing.B) {
	log := events.NewLog(0)
	fillLog(log, events.DefaultCapacity)
	v := newEventsView(feedEnv(), log, func() string { return "" })
	v.SetSize(120, 37)
	b.Run("View", func(b *testing.B) {
		for b.Loop() {
			_ = v.View()
		}
	})
	b.Run("Update-key", func(b *testing.B) {
		down, up := keyMsg("j"), keyMsg("k")
		i := 0
		for b.Loop() {
			if i++; i%2 == 0 {
				v.Update(down)
			} else {
				v.Update(up)
			}
			_ = v.View()
		}
	})
	b.Run("Update-new-event", func(b *testing.B) {
		for b.Loop() {
			log.Append(events.Event{At: t0, Severity: events.Warning, Kind: events.KindRestart,
				Object: events.Object{Type: events.ObjectDeployment, ID: "abc"}, Message: "restarted"})
			v.Update(clockMsg{})
			_ = v.View()
		}
	})
	b.Run("refilter", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			_ = v.setFilter([]string{"app:kart", "status:err", ""}[i%3])
			_ = v.View()
		}
	})
}

var _ tea.Model = (*eventsView)(nil)

// BenchmarkAppEvents50k is the whole console with the feed open over
// 50,000 events and watches set: a frame (App.View), a key, and an engine
// update bringing one new event that matches a watch (checkAlerts, the
// feed's pull, the header badge).
func BenchmarkAppEvents50k(b *testing.B) {
	h := newHarness(b, withDeployments(50))
	log := h.app.engine.Events()
	fillLog(log, events.DefaultCapacity)
	h.app.alerts.seen = log.Seq()
	h.app.alerts.list.Add(watchlist.Watch{Kind: watchlist.KindApp, Value: "kart-racing"})
	h.app.Update(keyMsg("E"))
	b.Run("View", func(b *testing.B) {
		for b.Loop() {
			_ = h.app.View()
		}
	})
	b.Run("Update-key", func(b *testing.B) {
		down, up := keyMsg("j"), keyMsg("k")
		i := 0
		for b.Loop() {
			if i++; i%2 == 0 {
				h.app.Update(down)
			} else {
				h.app.Update(up)
			}
			_ = h.app.View()
		}
	})
	b.Run("Update-engine-alert", func(b *testing.B) {
		at := t0
		for b.Loop() {
			at = at.Add(2 * time.Minute) // past the coalescing window: every one alerts
			log.Append(events.Event{At: at, Severity: events.Error, Kind: events.KindStatus, To: "ERROR",
				Object: events.Object{Type: events.ObjectDeployment, ID: "abc", App: "kart-racing"}, Message: "READY → ERROR"})
			h.app.Update(engineMsg{view: h.app.view, update: h.app.view.Pull()})
			_ = h.app.View()
		}
	})
}
