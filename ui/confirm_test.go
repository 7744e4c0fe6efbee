package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/ui/theme"
)

func confirmStyles() *theme.Styles { return theme.NewStyles(theme.Default(), false) }

func dlgKey(s string) tea.KeyMsg {
	switch s {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func stopDialog() *confirmDialog {
	return newConfirm(confirmStyles(), DefaultKeyMap(), "Stop deployment?", []string{
		"id        abc123", "app       game-server", "version   v1.2.3", "location  Frankfurt, DE", "uptime    3h12m",
	}, "Stop")
}

func TestConfirmCancelFocusedFirst(t *testing.T) {
	d := stopDialog()
	if d.focus != 0 {
		t.Fatal("Cancel should be focused first")
	}
	if !strings.Contains(d.View(80, 24), "[ Cancel ]") {
		t.Errorf("view does not show Cancel focused:\n%s", d.View(80, 24))
	}
	if r := d.Update(dlgKey("enter")); r != dialogCancelled {
		t.Fatalf("enter on Cancel = %v, want cancelled", r)
	}
	// Closed dialogs keep their result.
	if r := d.Update(dlgKey("y")); r != dialogCancelled {
		t.Fatalf("after close = %v", r)
	}
}

func TestConfirmKeys(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		want dialogResult
	}{
		{[]string{"y"}, dialogConfirmed},
		{[]string{"Y"}, dialogConfirmed},
		{[]string{"n"}, dialogCancelled},
		{[]string{"N"}, dialogCancelled},
		{[]string{"esc"}, dialogCancelled},
		{[]string{"ctrl+c"}, dialogCancelled},
		{[]string{"tab", "enter"}, dialogConfirmed},
		{[]string{"right", "enter"}, dialogConfirmed},
		{[]string{"l", "enter"}, dialogConfirmed},
		{[]string{"shift+tab", "enter"}, dialogConfirmed},
		{[]string{"left", "enter"}, dialogConfirmed},
		{[]string{"h", "enter"}, dialogConfirmed},
		{[]string{"tab", "tab", "enter"}, dialogCancelled},
		{[]string{"l", "h", "enter"}, dialogCancelled},
		{[]string{"tab", "esc"}, dialogCancelled},
		{[]string{"tab", "n"}, dialogCancelled},
	} {
		d := stopDialog()
		var r dialogResult
		for i, k := range tc.keys {
			r = d.Update(dlgKey(k))
			if i < len(tc.keys)-1 && r != dialogOpen {
				t.Fatalf("%v: closed early at %q", tc.keys, k)
			}
		}
		if r != tc.want {
			t.Errorf("%v: got %v, want %v", tc.keys, r, tc.want)
		}
	}
}

func TestConfirmFocusShown(t *testing.T) {
	d := stopDialog()
	d.Update(dlgKey("tab"))
	v := d.View(80, 24)
	if !strings.Contains(v, "[ Stop ]") || strings.Contains(v, "[ Cancel ]") {
		t.Errorf("focus on Stop not shown:\n%s", v)
	}
}

func TestConfirmOtherKeysDoNothing(t *testing.T) {
	d := stopDialog()
	for _, k := range []string{"x", "q", "s", "1", " ", "space", "up", "down", "j", "k", "ctrl+d", "backspace"} {
		if r := d.Update(dlgKey(k)); r != dialogOpen {
			t.Fatalf("key %q closed the dialog: %v", k, r)
		}
	}
	if d.focus != 0 {
		t.Fatal("focus moved")
	}
	if r := d.Update(dlgKey("enter")); r != dialogCancelled {
		t.Fatalf("enter = %v, want cancelled", r)
	}
}

func TestTypedConfirm(t *testing.T) {
	newD := func() *typedConfirm {
		return newTypedConfirm(confirmStyles(), DefaultKeyMap(), "Stop 3 deployments?", []string{"a", "b", "c"}, "Stop", "3")
	}

	d := newD()
	if r := d.Update(dlgKey("enter")); r != dialogOpen {
		t.Fatalf("empty enter = %v", r)
	}
	if !strings.Contains(d.View(80, 24), "type 3 to confirm") {
		t.Errorf("hint missing:\n%s", d.View(80, 24))
	}
	d.Update(dlgKey("4"))
	if strings.Contains(d.View(80, 24), "type 3 to confirm") {
		t.Error("hint should clear when typing")
	}
	if r := d.Update(dlgKey("enter")); r != dialogOpen {
		t.Fatalf("wrong text enter = %v", r)
	}
	if !strings.Contains(d.View(80, 24), "type 3 to confirm") {
		t.Error("hint missing after wrong text")
	}
	d.Update(dlgKey("backspace"))
	d.Update(dlgKey("3"))
	if r := d.Update(dlgKey("enter")); r != dialogConfirmed {
		t.Fatalf("right text enter = %v", r)
	}

	d = newD()
	d.Update(dlgKey("3"))
	if r := d.Update(dlgKey("esc")); r != dialogCancelled {
		t.Fatalf("esc = %v", r)
	}

	d = newD()
	for _, k := range []string{"y", "Y", "n"} {
		if r := d.Update(dlgKey(k)); r != dialogOpen {
			t.Fatalf("%q = %v, want open", k, r)
		}
	}
	if d.Value() != "yYn" {
		t.Fatalf("typed %q, want %q", d.Value(), "yYn")
	}
	if r := d.Update(dlgKey("enter")); r != dialogOpen {
		t.Fatalf("enter with yYn = %v", r)
	}

	// "33" is not "3".
	d = newD()
	d.Update(dlgKey("3"))
	d.Update(dlgKey("3"))
	if r := d.Update(dlgKey("enter")); r != dialogOpen {
		t.Fatalf("33 = %v", r)
	}
}

func checkViewSize(t *testing.T, name, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Fatalf("%s %dx%d: %d lines", name, w, h, len(lines))
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("%s %dx%d: line %d is %d wide: %q", name, w, h, i, got, l)
		}
	}
}

func TestConfirmViewSizes(t *testing.T) {
	long := make([]string, 500)
	for i := range long {
		long[i] = fmt.Sprintf("dep-%03d  game-server  v1.2.3  Frankfurt, DE  %s", i, strings.Repeat("x", i%150))
	}
	for _, size := range [][2]int{{80, 24}, {200, 50}, {40, 10}, {20, 5}, {10, 3}, {1, 1}, {30, 8}} {
		w, h := size[0], size[1]
		for _, lines := range [][]string{nil, {"one"}, stopDialog().frame.lines, long} {
			c := newConfirm(confirmStyles(), DefaultKeyMap(), "Stop deployments?", lines, "Stop")
			checkViewSize(t, "confirm", c.View(w, h), w, h)
			tc := newTypedConfirm(confirmStyles(), DefaultKeyMap(), "Stop deployments?", lines, "Stop", "500")
			tc.Update(dlgKey("enter")) // show the error hint too
			checkViewSize(t, "typed", tc.View(w, h), w, h)
		}
	}
}

func TestConfirmViewShowsContent(t *testing.T) {
	v := stopDialog().View(80, 24)
	for _, want := range []string{"Stop deployment?", "abc123", "game-server", "v1.2.3", "Frankfurt, DE", "3h12m", "Cancel", "Stop"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if !strings.Contains(v, "╭") {
		t.Errorf("view has no box:\n%s", v)
	}
}

func TestConfirmLongListFits(t *testing.T) {
	long := make([]string, 500)
	for i := range long {
		long[i] = fmt.Sprintf("dep-%03d", i)
	}
	c := newConfirm(confirmStyles(), DefaultKeyMap(), "Stop 500 deployments?", long, "Stop")
	v := c.View(80, 24)
	checkViewSize(t, "confirm", v, 80, 24)
	if !strings.Contains(v, "dep-000") || !strings.Contains(v, "more") {
		t.Errorf("long list not cut with a marker:\n%s", v)
	}
	for _, want := range []string{"Stop 500 deployments?", "Cancel"} {
		if !strings.Contains(v, want) {
			t.Errorf("title or buttons lost: %q\n%s", want, v)
		}
	}
	// Scrolling to the end shows the last line and the "above" marker.
	c.Update(dlgKey("end"))
	v = c.View(80, 24)
	if !strings.Contains(v, "dep-499") || !strings.Contains(v, "more above") {
		t.Errorf("end of list not shown:\n%s", v)
	}
	if c.result != dialogOpen {
		t.Fatal("scrolling closed the dialog")
	}

	tc := newTypedConfirm(confirmStyles(), DefaultKeyMap(), "Stop 500 deployments?", long, "Stop", "500")
	v = tc.View(80, 24)
	checkViewSize(t, "typed", v, 80, 24)
	if !strings.Contains(v, "and 490") && !strings.Contains(v, "more") {
		t.Errorf("typed long list not cut:\n%s", v)
	}
	tc.Update(dlgKey("down"))
	if tc.Value() != "" {
		t.Fatal("down should scroll, not type")
	}
	for _, k := range "500" {
		tc.Update(dlgKey(string(k)))
	}
	if r := tc.Update(dlgKey("enter")); r != dialogConfirmed {
		t.Fatalf("500 enter = %v", r)
	}
}

func TestConfirmSanitizesLines(t *testing.T) {
	c := newConfirm(confirmStyles(), DefaultKeyMap(), "Stop \x1b[31mred\x1b[0m?", []string{"evil\x1b]52;c;aGk=\x07name", "line\nbreak"}, "Stop\r")
	v := c.View(80, 24)
	if strings.ContainsAny(v, "\x1b\x07\r") {
		t.Fatalf("control characters reached the view: %q", v)
	}
	checkViewSize(t, "sanitized", v, 80, 24)
}

// TestConfirmWrapsLongLines: a body line wider than the box is wrapped,
// not cut, so a warning keeps its end; scrolling reaches the last wrapped
// row.
func TestConfirmWrapsLongLines(t *testing.T) {
	warning := "WARNING: the server matches on its own data and may stop deployments not listed here."
	c := newConfirm(confirmStyles(), DefaultKeyMap(), "Stop by tags?", []string{warning, "dep-001"}, "Stop")
	v := ansi.Strip(c.View(60, 24))
	checkViewSize(t, "confirm", v, 60, 24)
	flat := strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╭", " ", "╮", " ", "╰", " ", "╯", " ", "─", " ").Replace(v)), " ")
	if !strings.Contains(flat, warning) || strings.Contains(v, "…") {
		t.Errorf("the warning was cut:\n%s", v)
	}

	long := make([]string, 40)
	for i := range long {
		long[i] = fmt.Sprintf("dep-%03d %s", i, strings.Repeat("x", 70))
	}
	c = newConfirm(confirmStyles(), DefaultKeyMap(), "Stop 40?", long, "Stop")
	c.View(60, 24)
	c.Update(dlgKey("end"))
	if v := c.View(60, 24); !strings.Contains(v, "dep-039") {
		t.Errorf("end did not reach the last line:\n%s", v)
	}
}

// Every key of a confirmation comes from the keymap: rebinding confirm and
// cancel in the configuration moves them, and the old keys no longer act.
func TestDialogKeysComeFromTheKeymap(t *testing.T) {
	h := settled(t)
	if err := h.env.Keys.Rebind(map[string][]string{"confirm": {"!"}, "cancel": {"ctrl+g"}}); err != nil {
		t.Fatalf("the dialog keys are not in the keymap: %v", err)
	}
	if err := h.env.Keys.Validate(); err != nil {
		t.Fatal(err)
	}
	h.press("ctrl+d")
	if h.app.dialog == nil {
		t.Fatal("ctrl+d opened no confirmation")
	}
	h.mustContain("! stop · ctrl+g cancel · tab move")
	h.press("y", "n", "esc")
	if h.app.dialog == nil {
		t.Fatal("a key no longer bound to confirm or cancel closed the confirmation")
	}
	h.press("ctrl+g")
	if h.app.dialog != nil {
		t.Fatal("the rebound cancel key did not close the confirmation")
	}
	h.press("ctrl+d", "!")
	if n := h.calls(stopRoute); n != 1 {
		t.Fatalf("%d stop requests after the rebound confirm key, want 1", n)
	}
}

// The focus rule: enter presses the focused button (Cancel first), while
// the confirm key is an explicit answer that confirms whatever is focused.
func TestConfirmFocusRule(t *testing.T) {
	km := DefaultKeyMap()
	for _, tc := range []struct {
		keys []string
		want dialogResult
	}{
		{[]string{"enter"}, dialogCancelled},
		{[]string{"tab", "enter"}, dialogConfirmed},
		{[]string{"l", "h", "enter"}, dialogCancelled},
		{[]string{"y"}, dialogConfirmed},
		{[]string{"tab", "n"}, dialogCancelled},
	} {
		d := newConfirm(confirmStyles(), km, "Stop?", nil, "Stop")
		got := dialogOpen
		for _, k := range tc.keys {
			got = d.Update(keyMsg(k))
		}
		if got != tc.want {
			t.Errorf("%v: result %v, want %v", tc.keys, got, tc.want)
		}
	}
}

// Each dialog's hint names the keys the keymap gives it, so a rebinding
// shows where it acts.
func TestDialogHintsComeFromTheKeymap(t *testing.T) {
	km := DefaultKeyMap()
	if err := km.Rebind(map[string][]string{
		"confirm": {"!"}, "cancel": {"ctrl+g"}, "press": {"ctrl+o"}, "focus-next": {"ctrl+n"},
		"toggle-field": {"ctrl+t"}, "rename-tag": {"R"}, "delete-tag": {"D"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := km.Validate(); err != nil {
		t.Fatal(err)
	}
	st := confirmStyles()
	for name, tc := range map[string]struct {
		d    dialog
		want string
	}{
		"confirm": {newConfirm(st, km, "Stop?", nil, "Stop"), "! stop · ctrl+g cancel · ctrl+n move"},
		"typed":   {newTypedConfirm(st, km, "Stop 3?", nil, "Stop", "3"), "type 3 and ctrl+o to stop · ctrl+g cancel"},
		"form": {newForm(st, km, "Edit", nil, []formField{{Label: "on", Toggle: true}}, "Save", nil),
			"ctrl+n/↑/↓ move · ctrl+t toggle · ctrl+o on Save submits · ctrl+g cancel"},
		"tags": {&tagManager{frame: newDialogFrame(st, km, "Tags", nil), tags: []string{"a"}}, "j/k choose · R rename · D delete · ctrl+g close"},
	} {
		if got := ansi.Strip(tc.d.View(100, 20)); !strings.Contains(got, tc.want) {
			t.Errorf("%s: hint %q not on screen:\n%s", name, tc.want, got)
		}
	}
	tm := &tagManager{frame: newDialogFrame(st, km, "Tags", nil), tags: []string{"a"}}
	if tm.Update(keyMsg("r")) != dialogOpen || tm.Update(keyMsg("D")) != dialogConfirmed || tm.choice != 'd' {
		t.Errorf("tag manager: r acted or D did not choose delete (choice %q)", tm.choice)
	}
}

// The filter and command lines take their keys from the keymap too:
// rebinding press, cancel and focus-next moves enter, esc and tab there.
func TestInputLineKeysComeFromTheKeymap(t *testing.T) {
	h := settled(t)
	if err := h.env.Keys.Rebind(map[string][]string{"press": {"ctrl+o"}, "cancel": {"ctrl+g"}, "focus-next": {"ctrl+n"}}); err != nil {
		t.Fatal(err)
	}
	h.press(":")
	h.typeText("pol")
	h.send(tea.KeyMsg{Type: tea.KeyCtrlN})
	if got := h.app.input.Value(); got != "policies" {
		t.Fatalf("the rebound completion key gave %q, want policies", got)
	}
	h.press("enter") // no longer runs the command
	if h.app.mode != modeCommand {
		t.Fatal("enter still runs the command line")
	}
	h.send(tea.KeyMsg{Type: tea.KeyCtrlO})
	if h.app.mode != modeNormal || h.activeName() != "Policies" {
		t.Fatalf("the rebound press key did not run :policies (mode %v, tab %s)", h.app.mode, h.activeName())
	}
	h.press("/")
	h.typeText("zzz")
	h.press("esc")
	if h.app.mode != modeFilter {
		t.Fatal("esc still leaves the filter line")
	}
	h.press("ctrl+g")
	if h.app.mode != modeNormal || h.app.tabs[h.app.active].filterText() != "" {
		t.Fatal("the rebound cancel key did not clear and leave the filter")
	}
}
