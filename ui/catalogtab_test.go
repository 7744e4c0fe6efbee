package ui

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The catalog tabs (fleets, policies): opening rows, Smart Fleets.

func TestOpenFleetRows(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("2") // private fleets sort first (kind ascending)
	h.press("enter")
	if hv, ok := h.app.sub.(*hostsView); !ok || hv.fleet != "alpha-fleet" {
		t.Fatalf("enter on alpha-fleet opened %T", h.app.sub)
	}
	h.press("esc", "G", "enter") // the last row is a Smart Fleet: its policies
	if h.activeName() != "Policies" || h.app.sub != nil {
		t.Fatalf("enter on a Smart Fleet shows %s", h.activeName())
	}
	if f := h.app.tabs[tabPolicies].filterText(); f != "na-tournament" {
		t.Fatalf("policies filtered by %q", f)
	}
	for _, r := range h.rows() {
		if !strings.Contains(r, "na-tournament") {
			t.Fatalf("policy row %q is not na-tournament's", r)
		}
	}
}

func TestSmartFleetsDeprecated(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, h *harness) {
		t.Helper()
		h.press("3")
		h.mustContain("Smart Fleets are not available on this account: Edgegap deprecated them on 2026-03-01")
		h.mustNotContain("STALE")
		h.press("2")
		if got := h.rowIDs(); !slices.Equal(got, []string{"private", "private"}) {
			t.Fatalf("fleets rows: %v\n%s", got, h.view())
		}
		h.mustContain("alpha-fleet", "beta-fleet", "Smart Fleets: deprecated on 2026-03-01")
		h.mustNotContain("STALE", "smart ")
	}
	t.Run("from the start", func(t *testing.T) {
		t.Parallel()
		check(t, settled(t, withoutLegacyFleets()))
	})
	t.Run("while running", func(t *testing.T) {
		t.Parallel()
		h := settled(t)
		h.press("3")
		h.mustContain("na-tournament")
		h.sim.SetLegacyFleets(false)
		noPanic(t, "Smart Fleets rows disappearing", func() { h.press("ctrl+r") })
		check(t, h)
	})
}

// TestSmartFleets404KeepsHealth: a Smart Fleets 404 is the expected answer
// of every account since the deprecation, not an API failure; the header
// must not call the API degraded or down for it.
func TestSmartFleets404KeepsHealth(t *testing.T) {
	t.Parallel()
	h := settled(t, withoutLegacyFleets())
	h.press("3")
	if hdr := h.header(); !strings.Contains(hdr, "API OK") {
		t.Errorf("after a Smart Fleets 404 the header says %q", hdr)
	}
	h.tick(45 * time.Second) // sit on the Policies tab for a while
	h.tick(time.Second)
	if hdr := h.header(); !strings.Contains(hdr, "API OK") {
		t.Errorf("on the Policies tab of an account without Smart Fleets the header says %q", hdr)
	}
}
