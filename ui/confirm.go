package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/ui/theme"
)

// dialogResult is what a dialog reports when it closes.
type dialogResult int

// Dialog results. A dialog stays dialogOpen until it is confirmed or
// cancelled; after that every Update reports the same result again.
const (
	dialogOpen dialogResult = iota
	dialogConfirmed
	dialogCancelled
)

// dialogFrame is what both dialogs share: a sanitized title and body (the
// body scrolls when it does not fit) and the styles, built once.
type dialogFrame struct {
	box   lipgloss.Style // st.Dialog: border and padding
	title lipgloss.Style
	muted lipgloss.Style
	sel   lipgloss.Style
	errSt lipgloss.Style
	keys  *KeyMap // every key a dialog answers comes from the keymap

	titleText string
	lines     []string // sanitized body lines
	offset    int      // first body line shown
	shown     int      // body lines as last drawn, long ones wrapped
}

func newDialogFrame(st *theme.Styles, km *KeyMap, title string, lines []string) dialogFrame {
	f := dialogFrame{
		keys: km,
		box:  st.Dialog, title: st.Title, muted: st.Muted, sel: st.Selected,
		errSt:     st.FlashError,
		titleText: sanitizeLine(title),
		lines:     make([]string, len(lines)),
	}
	for i, l := range lines {
		f.lines[i] = sanitizeLine(l)
	}
	return f
}

// is reports whether msg triggers action act in a dialog. When the
// dialog takes text (typing), a printable key is text, never an action:
// only an action's other keys (esc, enter, tab…) act there.
func (f *dialogFrame) is(msg tea.KeyMsg, act Action, typing bool) bool {
	if typing && (msg.Type == tea.KeyRunes || msg.Type == tea.KeySpace) {
		return false
	}
	return f.keys.Is(msg, act)
}

// scroll handles the keys that move the body (the keymap's up, down, page
// and top/bottom actions); it reports whether msg was one. typing: the
// dialog takes text, so printable keys (j, k, g…) are not scroll keys.
func (f *dialogFrame) scroll(msg tea.KeyMsg, typing bool) bool {
	last := max(len(f.lines), f.shown) - 1
	switch {
	case f.is(msg, ActUp, typing):
		f.offset--
	case f.is(msg, ActDown, typing):
		f.offset++
	case f.is(msg, ActPageUp, typing):
		f.offset -= 10
	case f.is(msg, ActPageDown, typing):
		f.offset += 10
	case f.is(msg, ActTop, typing):
		f.offset = 0
	case f.is(msg, ActBottom, typing):
		f.offset = last
	default:
		return false
	}
	f.offset = max(min(f.offset, last), 0)
	return true
}

// bodyWindow renders at most rows lines of the body from offset, with
// "… N more above" and "… and N more" markers for what is cut.
func (f *dialogFrame) bodyWindow(lines []string, rows int) []string {
	n := len(lines)
	if rows <= 0 || n == 0 {
		return nil
	}
	if n <= rows {
		return lines
	}
	if rows == 1 {
		return []string{f.muted.Render(fmt.Sprintf("… %d lines", n))}
	}
	// At the end the top marker takes a row and there is no bottom one.
	off := min(f.offset, n-(rows-1))
	out := make([]string, 0, rows)
	items := rows
	if off > 0 {
		out = append(out, f.muted.Render(fmt.Sprintf("… %d more above", off)))
		items--
	}
	if off+items < n {
		items--
	}
	out = append(out, lines[off:off+items]...)
	if rest := n - off - items; rest > 0 {
		out = append(out, f.muted.Render(fmt.Sprintf("… and %d more (↑/↓ scroll)", rest)))
	}
	return out
}

// render lays out title, body and footer in the dialog box, centred in
// width×height: exactly height lines of exactly width cells. footer[0] is
// essential (buttons or input); the other footer lines (hints) and the
// blank separators are dropped first when the height is short, then the
// body is cut.
func (f *dialogFrame) render(footer []string, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	frameW, frameH := f.box.GetHorizontalFrameSize(), f.box.GetVerticalFrameSize()
	avail := height - frameH // content rows
	maxInner := width - frameW
	if avail < 2 || maxInner < 8 {
		// No room for a box: a bare title and the essential footer.
		var lines []string
		if f.titleText != "" {
			lines = append(lines, f.title.Render(f.titleText))
		}
		if len(footer) > 0 {
			lines = append(lines, footer[0])
		}
		return fitBlock(lines, width, height)
	}

	head := []string{}
	if f.titleText != "" {
		head = append(head, f.title.Render(f.titleText))
	}
	need := func(blanks bool, foot int) int {
		n := len(head) + foot
		if blanks {
			n += 2
		}
		if len(f.lines) > 0 {
			n++ // at least one body row
		}
		return n
	}
	foot := len(footer)
	blanks := true
	for need(blanks, foot) > avail && foot > 1 {
		foot--
	}
	if need(blanks, foot) > avail {
		blanks = false
	}
	if need(blanks, foot) > avail && len(head) > 0 {
		head = nil
	}
	used := len(head) + foot
	if blanks {
		used++ // above the footer
		if len(head) > 0 {
			used++ // below the title
		}
	}
	lines := wrapLines(f.lines, maxInner)
	f.shown = len(lines)
	body := f.bodyWindow(lines, avail-used)

	content := make([]string, 0, avail)
	content = append(content, head...)
	if blanks && len(head) > 0 {
		content = append(content, "")
	}
	content = append(content, body...)
	if blanks {
		content = append(content, "")
	}
	content = append(content, footer[:foot]...)

	inner := 0
	for _, l := range content {
		inner = max(inner, visibleWidth(l))
	}
	inner = min(max(inner, min(36, maxInner)), maxInner)
	for i, l := range content {
		content[i] = padLine(l, inner)
	}
	boxed := f.box.Render(strings.Join(content, "\n"))
	return fitBlock(strings.Split(boxed, "\n"), width, height)
}

// wrapLines wraps the lines wider than width (a warning must not lose its
// end to the box's edge); it returns lines itself when none is.
func wrapLines(lines []string, width int) []string {
	var out []string
	for i, l := range lines {
		if visibleWidth(l) <= width {
			if out != nil {
				out = append(out, l)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(lines)+4), lines[:i]...)
		}
		out = append(out, strings.Split(ansi.Wrap(l, width, ""), "\n")...)
	}
	if out == nil {
		return lines
	}
	return out
}

// buttons is the Cancel / action button row; a focused button is
// bracketed and highlighted, so the focus shows without colours too.
func (f *dialogFrame) buttons(action string, cancelFocused, actionFocused bool) string {
	button := func(label string, focused bool) string {
		if focused {
			return f.sel.Render("[ " + label + " ]")
		}
		return "  " + label + "  "
	}
	return button("Cancel", cancelFocused) + "   " + button(action, actionFocused)
}

// fitBlock centres lines in width×height, cutting what does not fit, so
// the result is exactly height lines of exactly width cells.
func fitBlock(lines []string, width, height int) string {
	if len(lines) > height {
		lines = lines[:height]
	}
	bw := 0
	for _, l := range lines {
		bw = max(bw, visibleWidth(l))
	}
	left := max((width-bw)/2, 0)
	top := max((height-len(lines))/2, 0)
	blank := strings.Repeat(" ", width)
	pad := strings.Repeat(" ", left)
	out := make([]string, 0, height)
	for range top {
		out = append(out, blank)
	}
	for _, l := range lines {
		out = append(out, padLine(pad+l, width))
	}
	for len(out) < height {
		out = append(out, blank)
	}
	return strings.Join(out, "\n")
}

// confirmDialog asks to confirm one action. Every key comes from the
// keymap (group DIALOGS, defaults in brackets). Cancel is focused first.
// The focus rule: the press key [enter] activates the focused button, so a
// reflexive enter cancels; the confirm key [y] is an explicit answer and
// confirms whichever button is focused, as the cancel key [n/esc] cancels
// whichever is. focus-next, focus-prev and switch-button [tab, shift+tab,
// left/right/h/l] move the focus; the scroll keys (up, down, page, top,
// bottom) move a long body.
type confirmDialog struct {
	frame  dialogFrame
	action string
	focus  int // 0 Cancel, 1 the action
	result dialogResult
	hint   string // the key hint under the buttons, from the keymap
}

// newConfirm builds a confirmation of action (the button label, e.g.
// "Stop") with a title and body lines (untrusted: they are sanitized).
func newConfirm(st *theme.Styles, km *KeyMap, title string, lines []string, action string) *confirmDialog {
	action = sanitizeLine(action)
	hint := km.hintKeys(ActConfirm) + " " + strings.ToLower(action) + " · " + km.hintKeys(ActCancel) + " cancel · " + km.hintKeys(ActFocusNext) + " move"
	return &confirmDialog{frame: newDialogFrame(st, km, title, lines), action: action, hint: hint}
}

// Update handles a key and reports whether the dialog closed.
func (d *confirmDialog) Update(msg tea.KeyMsg) dialogResult {
	if d.result != dialogOpen {
		return d.result
	}
	f := &d.frame
	switch {
	case f.is(msg, ActConfirm, false):
		d.result = dialogConfirmed
	case f.is(msg, ActCancel, false):
		d.result = dialogCancelled
	case f.is(msg, ActPress, false):
		if d.focus == 1 {
			d.result = dialogConfirmed
		} else {
			d.result = dialogCancelled
		}
	case f.is(msg, ActFocusNext, false), f.is(msg, ActFocusPrev, false), f.is(msg, ActSwitchButton, false):
		d.focus = 1 - d.focus
	default:
		f.scroll(msg, false)
	}
	return d.result
}

// View is the dialog centred in width×height: exactly height lines, each
// exactly width cells wide.
func (d *confirmDialog) View(width, height int) string {
	buttons := d.frame.buttons(d.action, d.focus == 0, d.focus == 1)
	hint := d.frame.muted.Render(d.hint)
	return d.frame.render([]string{buttons, hint}, width, height)
}

// inputDialog asks for one line of text and closes confirmed once check
// accepts it; esc cancels. The check's error is shown after a refused
// enter, and also while typing when errWhileTyping is set.
type inputDialog struct {
	frame          dialogFrame
	input          textinput.Model
	check          func(string) error
	errWhileTyping bool
	showErr        bool
	hint           string
	result         dialogResult
}

// newInput builds the text input of an inputDialog.
func newInput(st *theme.Styles, prompt string, limit, width int) textinput.Model {
	in := theme.NewTextInput(st)
	in.Prompt = prompt
	in.PromptStyle = st.Prompt
	in.CharLimit = limit
	in.Width = width
	in.Cursor.SetMode(cursor.CursorStatic) // no blink: Update has no Cmd to return
	in.Focus()
	return in
}

// Value is the text typed so far.
func (d *inputDialog) Value() string { return d.input.Value() }

// Update handles a key and reports whether the dialog closed.
func (d *inputDialog) Update(msg tea.KeyMsg) dialogResult {
	if d.result != dialogOpen {
		return d.result
	}
	switch {
	case d.frame.is(msg, ActCancel, true):
		d.result = dialogCancelled
		return d.result
	case d.frame.is(msg, ActPress, true):
		if d.check(d.input.Value()) == nil {
			d.result = dialogConfirmed
		} else {
			d.showErr = true
		}
		return d.result
	}
	if d.frame.scroll(msg, true) {
		return d.result
	}
	before := d.input.Value()
	d.input, _ = d.input.Update(msg)
	if d.input.Value() != before {
		d.showErr = d.errWhileTyping
	}
	return d.result
}

// View is the dialog centred in width×height: exactly height lines, each
// exactly width cells wide.
func (d *inputDialog) View(width, height int) string {
	footer := []string{d.input.View()}
	if err := d.check(d.input.Value()); err != nil && d.showErr {
		footer = append(footer, d.frame.errSt.Render(err.Error()))
	}
	footer = append(footer, d.frame.muted.Render(d.hint))
	return d.frame.render(footer, width, height)
}

// typedConfirm requires typing an exact word or number (e.g. the count of
// deployments) before the action can run; y is just a letter here.
type typedConfirm struct{ inputDialog }

// newTypedConfirm builds a typed confirmation: the user must type want
// and press enter to run action (the label, e.g. "Stop").
func newTypedConfirm(st *theme.Styles, km *KeyMap, title string, lines []string, action, want string) *typedConfirm {
	shown := sanitizeLine(want)
	return &typedConfirm{inputDialog{
		frame: newDialogFrame(st, km, title, lines),
		input: newInput(st, "> ", max(len(want)+16, 32), max(len(want)+4, 12)),
		check: func(v string) error {
			if strings.TrimSpace(v) == want {
				return nil
			}
			return errors.New("type " + shown + " to confirm")
		},
		hint: "type " + shown + " and " + km.textKey(ActPress) + " to " + strings.ToLower(sanitizeLine(action)) + " · " + km.textKey(ActCancel) + " cancel",
	}}
}
