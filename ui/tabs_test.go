package ui

import (
	"strings"
	"testing"
)

// Tabs: switching by number and the counts in the tab bar.

func TestTabSwitching(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tests := []struct {
		key  string
		want string
	}{
		{"2", "Fleets"}, {"3", "Policies"}, {"4", "Locations"}, {"1", "Deployments"},
		{"tab", "Fleets"}, {"tab", "Policies"}, {"tab", "Locations"}, {"tab", "Deployments"},
		{"shift+tab", "Locations"}, {"shift+tab", "Policies"}, {"4", "Locations"}, {"tab", "Deployments"},
	}
	for i, tt := range tests {
		h.press(tt.key)
		if got := h.activeName(); got != tt.want {
			t.Fatalf("step %d: %q shows %s, want %s", i, tt.key, got, tt.want)
		}
		if !strings.HasPrefix(h.title(), tt.want) {
			t.Fatalf("step %d: title line %q does not start with %s", i, h.title(), tt.want)
		}
		if v, _ := h.app.engine.Schedule().View(); v != h.app.tabs[h.app.active].view() {
			t.Fatalf("step %d: scheduler polls %v while %s is shown", i, v, tt.want)
		}
	}
}

// TestTabCountsWaitForTheirData: a tab not fetched yet shows "…", not a
// count of 0 that reads as "none"; once fetched it shows its count.
func TestTabCountsWaitForTheirData(t *testing.T) {
	h := settled(t)
	h.mustContain("1 Deployments 300", "2 Fleets …", "3 Policies …", "4 Locations …")
	h.press("3")
	h.settle()
	h.mustContain("2 Fleets 5", "3 Policies 5", "4 Locations …")
}
