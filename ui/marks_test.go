package ui

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
)

// markThree marks the first three rows with space and returns their ids.
func markThree(t *testing.T, h *harness) []string {
	t.Helper()
	h.press(" ", " ", " ")
	marked := deploymentsTabOf(h).marked()
	if len(marked) != 3 {
		t.Fatalf("marked %v", marked)
	}
	return marked
}

// deploymentsTabOf returns the harness app's Deployments tab.
func deploymentsTabOf(h *harness) *deploymentsTab {
	return h.app.tabs[tabDeployments].(*deploymentsTab)
}

func TestMarkToggleMovesDownAndShowsInHeader(t *testing.T) {
	h := settled(t)
	first := h.selectedID()
	h.press(" ")
	d := deploymentsTabOf(h)
	if !d.marks[first] || len(d.marks) != 1 {
		t.Fatalf("marks = %v, want only %s", d.marks, first)
	}
	if h.selectedID() == first {
		t.Error("space did not move the cursor down")
	}
	h.mustContain(first+"✓", "1 MARKED")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if !strings.Contains(h.header(), "1 MARKED") {
		t.Errorf("the marked count is cut off an 80-column header: %q", h.header())
	}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.press("k", " ") // back up, unmark
	if len(d.marks) != 0 {
		t.Fatalf("space on a marked row left marks %v", d.marks)
	}
	if strings.Contains(h.header(), "MARKED") {
		t.Errorf("header still shows marks: %q", h.header())
	}
}

func TestMarkRangeAndClear(t *testing.T) {
	h := settled(t)
	rows := deploymentsTabOf(h).store.Rows()
	h.press(" ")           // marks row 0, cursor on row 1
	h.press("j", "j", "j") // cursor on row 4
	h.press("ctrl+@")      // marks rows 0..4
	d := deploymentsTabOf(h)
	for i := 0; i <= 4; i++ {
		if !d.marks[rows[i].ID] {
			t.Errorf("row %d (%s) not marked by the range", i, rows[i].ID)
		}
	}
	if len(d.marks) != 5 || d.marks[rows[5].ID] {
		t.Errorf("range marked %d rows, want 5", len(d.marks))
	}
	if got := d.marked(); len(got) != 5 || got[0] != rows[0].ID {
		t.Errorf("marked() = %v", got)
	}
	h.mustContain("5 MARKED")
	h.press("ctrl+\\")
	if len(d.marks) != 0 {
		t.Errorf("ctrl+\\ left marks %v", d.marks)
	}
}

func TestMarksFollowIDsAndDropWhenGone(t *testing.T) {
	h := settled(t)
	d := deploymentsTabOf(h)
	a := h.selectedID()
	h.press(" ")
	b := h.selectedID()
	h.press(" ")
	h.press("S") // re-sort: the marks stay on the same deployments
	if !d.marks[a] || !d.marks[b] || len(d.marks) != 2 {
		t.Fatalf("after a sort, marks = %v, want %s and %s", d.marks, a, b)
	}
	h.mustContain(a+"✓", b+"✓")

	// Stop a through the API; once it is gone from the list its mark drops.
	if _, err := h.client.StopDeployment(context.Background(), a, api.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	h.settle(func() bool {
		_, present := d.store.Get(a)
		return !present
	})
	if d.marks[a] || !d.marks[b] {
		t.Errorf("after %s ended, marks = %v, want only %s", a, d.marks, b)
	}
}
