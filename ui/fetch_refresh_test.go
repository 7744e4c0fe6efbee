package ui

import (
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/api"
)

// Refreshing: ctrl+r and the schedule's generations.

func TestRefreshKey(t *testing.T) {
	t.Parallel()
	h := settled(t)
	before := h.sim.Counters().ByGroup[api.GroupList].Calls
	cmd := h.update(keyMsg("ctrl+r"))
	if cmd == nil {
		t.Fatal("ctrl+r returned no command")
	}
	h.pump(cmd)
	if after := h.sim.Counters().ByGroup[api.GroupList].Calls; after <= before {
		t.Fatalf("ctrl+r fetched no list page (%d → %d calls)", before, after)
	}
	if !strings.Contains(h.footer(), "Refreshing…") {
		t.Fatalf("footer %q", h.footer())
	}
}

func TestStaleGenerationDropped(t *testing.T) {
	t.Parallel()
	h := settled(t)
	g0 := h.app.engine.Schedule().Gen
	h.press("2", "1")
	if g := h.app.engine.Schedule().Gen; g <= g0 {
		t.Fatalf("switching views kept generation %d", g)
	}
	g1 := h.app.engine.Schedule().Gen
	h.press("/")
	h.typeText("kart")
	if g := h.app.engine.Schedule().Gen; g != g1 {
		t.Fatalf("a free-text filter (not pushed down) bumped the generation %d → %d", g1, g)
	}
	h.typeText(" status:error")
	h.press("enter")
	g2 := h.app.engine.Schedule().Gen
	if g2 <= g1 {
		t.Fatalf("a pushed-down filter kept generation %d", g2)
	}
	h.press("esc")
	// A list page of an older generation reaching the engine is dropped
	// there (model/engine: TestStaleListPageDropped).
}
