package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// :cols +lifetime shows the LEFT column: the time left before
// max_duration or the 24 h cleanup, a warning in the last 10 minutes.
func TestLifetimeColumnIsOptionalAndWarnsAtTheEnd(t *testing.T) {
	h := settled(t)
	h.mustNotContain(" LEFT ")
	h.press(":")
	h.typeText("cols +lifetime")
	h.press("enter")
	h.mustContain(" LEFT")
	id := h.selectedID()
	r, _ := h.app.store.Get(id)
	l, ok := model.LifetimeOf(r, h.env.now(), time.Time{})
	if !ok {
		t.Fatalf("no lifetime for the enriched row %s (%s)", id, r.Status.Name())
	}
	if got := h.column("lifetime"); len(got) == 0 || got[0] != formatAge(l.Left) {
		t.Fatalf("LEFT column %q, want %q first", got, formatAge(l.Left))
	}
	if c := lifetimeCell(h.env.now(), r); c.Tone == theme.ToneWarn {
		t.Fatalf("%s left is not the last 10 minutes, but the cell warns", c.Text)
	}
	near := h.env.now().Add(l.Left - 5*time.Minute)
	if c := lifetimeCell(near, r); c.Tone != theme.ToneWarn || c.Text != "5m" {
		t.Fatalf("5 minutes before the end the cell is %q tone %v", c.Text, c.Tone)
	}
}

// The detail's TIMELINE highlights the end that is less than 10 minutes
// away.
func TestDetailTimelineHighlightsTheLastTenMinutes(t *testing.T) {
	h := settled(t)
	id := h.selectedID()
	h.press("enter")
	h.mustContain("TIMELINE", "24 h cleanup")
	h.mustNotContain("ends within 10 min")
	r, _ := h.app.store.Get(id)
	h.clock.Advance(r.Detail.StartTime.Add(model.CleanupAfter - 4*time.Minute).Sub(h.env.now()))
	h.update(clockMsg{}) // re-render at the new time, without fetching
	var cleanup string
	for _, l := range h.lines() {
		if strings.Contains(l, "24 h cleanup") {
			cleanup = l
		}
	}
	if !strings.Contains(cleanup, "4m left") || !strings.Contains(cleanup, "◂ ends within 10 min") {
		t.Fatalf("the cleanup line 4 minutes before it: %q\n%s", cleanup, h.view())
	}
}
