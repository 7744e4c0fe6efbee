package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// The App as a whole: the harness is deterministic, and any size of
// terminal, however it changes, gets a view that fits.

func TestHarnessIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := settled(t), settled(t)
	if a.view() != b.view() {
		t.Fatalf("two harnesses differ:\n%s\n---\n%s", a.view(), b.view())
	}
	for _, k := range []string{"2", "3", "4", "1", "enter"} {
		a.press(k)
		b.press(k)
		if a.view() != b.view() {
			t.Fatalf("after %q two harnesses differ:\n%s\n---\n%s", k, a.view(), b.view())
		}
	}
}

func TestResize(t *testing.T) {
	t.Parallel()
	sizes := [][2]int{{80, 24}, {120, 40}, {300, 100}, {120, 40}, {80, 24}, {40, 12}, {120, 40}}
	views := []struct {
		name string
		keys []string
	}{
		{"deployments", []string{"1"}},
		{"fleets", []string{"2"}},
		{"policies", []string{"3"}},
		{"locations", []string{"4"}},
		{"filter", []string{"1", "/", "k", "a"}},
		{"command", []string{":", "h"}},
		{"help", []string{"1", "?"}},
		{"detail", []string{"1", "enter"}},
		{"json", []string{"1", "enter", "y"}},
		{"hosts", []string{"2", "enter"}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			h := settled(t)
			h.press(v.keys...)
			for _, s := range sizes {
				h.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
				checkScreen(t, h.view(), s[0], s[1])
				h.tick(time.Second) // data and clock updates keep the shape
				checkScreen(t, h.view(), s[0], s[1])
			}
		})
	}
}

// TestTinyTerminalFits: however small the terminal, the view must not be
// taller than it (Bubble Tea would scroll the header away). Today the
// chrome and a table header need 5 lines (6 with the filter line).
func TestTinyTerminalFits(t *testing.T) {
	t.Parallel()
	h := settled(t)
	for _, keys := range [][]string{{"1"}, {"4"}, {"1", "enter"}, {"1", "/"}} {
		h.press(keys...)
		for _, s := range [][2]int{{20, 4}, {30, 5}, {10, 2}} {
			h.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
			if n := strings.Count(h.view(), "\n") + 1; n > s[1] {
				t.Errorf("%v at %dx%d: the view has %d lines", keys, s[0], s[1], n)
			}
		}
		h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
		h.press("esc")
	}
}

func TestResizeKeepsSelection(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("pgdown", "j")
	id := h.selectedID()
	for _, s := range [][2]int{{80, 24}, {300, 100}, {120, 40}} {
		h.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
		if got := h.selectedID(); got != id {
			t.Fatalf("%dx%d: selection moved to %s from %s", s[0], s[1], got, id)
		}
		if !slices.ContainsFunc(h.rows(), func(r string) bool { return strings.HasPrefix(r, ">"+id) }) {
			t.Fatalf("%dx%d: selected row not on screen:\n%s", s[0], s[1], h.view())
		}
	}
}
