package ui

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api/sim"
)

// TestTabCountAfterAFailedFirstFetch: a tab whose first fetch failed has
// no count to show: the tab bar says "?" (not 0, which reads as "none")
// and the tab says why; once a fetch succeeds the count comes back.
func TestTabCountAfterAFailedFirstFetch(t *testing.T) {
	h := newHarness(t, withoutInit())
	h.sim.SetFaults(sim.Faults{Error500: 1})
	h.pump(h.app.Init())
	h.tick(time.Second)
	if bar := h.tabBar(); !strings.Contains(bar, "1 Deployments ?") || strings.Contains(bar, "Deployments 0") {
		t.Fatalf("tab bar after a failed first fetch: %q, want \"1 Deployments ?\"", bar)
	}
	// The list's own 500, or the API down after the list watches' 500s:
	// either way the 500 is named.
	h.mustContain("Could not load deployments:", "Internal Server Error")
	if title := h.title(); strings.Contains(title, "Deployments 0") || !strings.Contains(title, "NO DATA") {
		t.Fatalf("title %q: want NO DATA and no count of 0", title)
	}
	h.press("2")
	h.pump()
	// The list and its ERROR and new-deployment watches failed three times
	// in a row: the API is down, and the next request (the fleets) waits
	// for the probe, at most 2 s later.
	for i := 0; i < 3 && !strings.Contains(h.tabBar(), "2 Fleets 2"); i++ {
		h.tick(time.Second)
	}
	// The private fleets of the configuration are rows whatever the API
	// says: they are counted, and each says why it has no data. Policies
	// (fetched with the fleets) have nothing to count.
	if bar := h.tabBar(); !strings.Contains(bar, "2 Fleets 2") || !strings.Contains(bar, "3 Policies ?") {
		t.Fatalf("tab bar after the Fleets fetch failed: %q, want \"2 Fleets 2\" and \"3 Policies ?\"", bar)
	}
	// The list's 500s marked the API unreachable, so the hosts were not
	// even asked for: the cell says so, reason first.
	h.mustContain("alpha-fleet", "error: not sent: th")
	h.press("3")
	h.pump()
	h.mustContain("Could not load policies")

	h.sim.SetFaults(sim.Faults{})
	h.press("1")
	h.settle()
	// The simulated world moves on while the API recovers: any count of
	// 300 or more (the world's size) is right, "?" or 0 is not.
	if bar := h.tabBar(); !regexp.MustCompile(`1 Deployments 3\d\d `).MatchString(bar) {
		t.Fatalf("tab bar once the API answers: %q", bar)
	}
}
