package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// Quitting: q, ctrl+c, and back out of sub-views first.

// isQuit reports whether cmd's message is tea.QuitMsg (tea.Quit).
func isQuit(t *testing.T, cmd tea.Cmd) bool {
	t.Helper()
	return cmdMsg(t, cmd) == tea.QuitMsg{}
}

func TestQuit(t *testing.T) {
	t.Parallel()
	h := settled(t)
	if !isQuit(t, h.update(keyMsg("q"))) {
		t.Fatal("q at top level does not quit")
	}
	if !isQuit(t, h.update(keyMsg("ctrl+c"))) {
		t.Fatal("ctrl+c does not quit")
	}
	h.pump(h.update(keyMsg(":")))
	h.typeText("q")
	if !isQuit(t, h.update(keyMsg("enter"))) {
		t.Fatal(":q does not quit")
	}
}

func TestQuitGoesBackFromSubViews(t *testing.T) {
	t.Parallel()
	h := settled(t)
	views := []struct {
		name string
		open func()
	}{
		{"detail (enter)", func() { h.press("enter") }},
		{"detail (d)", func() { h.press("d") }},
		{"raw JSON", func() { h.press("y") }},
		{"hosts", func() { h.press(":"); h.typeText("hosts a"); h.press("tab", "enter") }},
	}
	for _, v := range views {
		v.open()
		if h.app.sub == nil {
			t.Fatalf("%s: nothing opened", v.name)
		}
		h.press("q")
		if h.app.sub != nil || h.quits != 0 {
			t.Fatalf("q in %s: sub %T, quits %d", v.name, h.app.sub, h.quits)
		}
	}
}

func TestCtrlCQuitsAnywhere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		keys []string
	}{
		{"normal", nil},
		{"filter", []string{"/", "a"}},
		{"command", []string{":", "f"}},
		{"help", []string{"?"}},
		{"detail", []string{"enter"}},
		{"copy", []string{"enter", "c"}},
		{"hosts", []string{"2", "enter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := settled(t)
			h.press(tt.keys...)
			if !isQuit(t, h.update(keyMsg("ctrl+c"))) {
				t.Fatalf("ctrl+c in %s does not quit", tt.name)
			}
		})
	}
}

func TestQInFilterTypes(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("/", "q")
	if h.app.filter.Value() != "q" || h.quits != 0 {
		t.Fatalf("q in the filter: input %q, quits %d", h.app.filter.Value(), h.quits)
	}
}
