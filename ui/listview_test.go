package ui

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api/sim"
)

// The list views: the cursor and the freshness of their rows.

func TestCursorKeys(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tbl := h.deployments().list.table
	page := tbl.PageSize()
	total := h.app.store.Len()
	tests := []struct {
		key  string
		want int
	}{
		{"j", 1}, {"j", 2}, {"down", 3}, {"k", 2}, {"up", 1}, {"k", 0}, {"k", 0},
		{"pgdown", page}, {"pgdown", 2 * page}, {"pgup", page}, {"ctrl+f", 2 * page}, {"ctrl+b", page},
		{"G", total - 1}, {"j", total - 1}, {"g", 0}, {"end", total - 1}, {"home", 0},
	}
	for _, tt := range tests {
		h.press(tt.key)
		if c := tbl.Cursor(); c != tt.want {
			t.Fatalf("%q: cursor %d, want %d", tt.key, c, tt.want)
		}
		from, _ := tbl.VisibleRange()
		rows := h.rows()
		if !strings.HasPrefix(rows[tt.want-from], ">") {
			t.Fatalf("%q: row %d is not marked:\n%s", tt.key, tt.want, h.view())
		}
		marked := 0
		for _, r := range rows {
			if strings.HasPrefix(r, ">") {
				marked++
			}
		}
		if marked != 1 {
			t.Fatalf("%q: %d rows marked", tt.key, marked)
		}
	}
}

func TestFailedListKeepsRowsAndShowsStale(t *testing.T) {
	t.Parallel()
	h := settled(t)
	rows := h.rowIDs()
	h.sim.SetFaults(sim.Faults{Error500: 1})
	stale := regexp.MustCompile(`STALE (\d+)s`)
	h.settle(func() bool { return stale.MatchString(h.title()) })
	first := stale.FindStringSubmatch(h.title())[1]
	if got := h.rowIDs(); !slices.Equal(got, rows) {
		t.Fatalf("rows changed after a failed fetch:\n%s", h.view())
	}
	h.mustNotContain("enriching…")
	// The age moves on.
	h.tick(5 * time.Second)
	if m := stale.FindStringSubmatch(h.title()); m == nil || m[1] == first {
		t.Fatalf("stale age did not move: %q (was %ss)", h.title(), first)
	}
	// Keys still work.
	h.press("j")
	if h.deployments().list.table.Cursor() != 1 {
		t.Fatal("j does not move the cursor while stale")
	}
	h.press("2", "1", "enter")
	h.mustContain("GENERAL")
	h.press("esc")
	// Recovery clears the marker.
	h.sim.SetFaults(sim.Faults{})
	h.settle(func() bool { return !strings.Contains(h.title(), "STALE") })
}
