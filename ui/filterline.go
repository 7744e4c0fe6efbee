package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/ui/theme"
)

// filterLine is the `/` line of a table, shared by every table that
// filters (the tabs, the hosts view, and any table added later) and by
// the logs view's search:
//
//   - it opens empty: what is typed is a new filter, never appended to
//     the one in force;
//   - the filter in force when it opened (kept) stays applied, and shown
//     in the table's title, while the line is empty;
//   - up and down (their keys that are not text) walk the table kind's
//     history, newest first, as in a shell; a recalled entry can be
//     edited; down past the newest entry brings back what was typed;
//   - the owner decides what enter and esc do (the App: enter keeps the
//     line's filter, or clears the filter when the line is empty, and
//     records it in the history; esc clears it).
//
// The owner calls Open on `/`, Key for each key while it is open, Filter
// for what the table must show after each key, and View to draw it.
type filterLine struct {
	input textinput.Model
	keys  *KeyMap
	st    *theme.Styles
	kept  string   // the filter in force when the line opened
	hist  []string // the kind's history when the line opened, newest first
	pos   int      // -1: the line holds the draft; else it holds hist[pos] (maybe edited)
	draft string   // what was typed before walking the history
	hint  string   // the empty line's hint, rendered by Open
}

// newFilterLine is a closed filter line drawn with st, its keys from km.
func newFilterLine(st *theme.Styles, km *KeyMap) filterLine {
	in := theme.NewTextInput(st)
	in.Prompt = ""
	in.CharLimit = 256
	return filterLine{input: in, keys: km, st: st, pos: -1}
}

// Open starts a new filter on a table whose filter in force is kept and
// whose kind's history is hist (newest first; the line keeps the slice
// and never changes it). It returns the cursor's blink.
func (f *filterLine) Open(kept string, hist []string) tea.Cmd {
	f.kept, f.hist, f.pos, f.draft = kept, hist, -1, ""
	f.hint = f.renderHint()
	f.input.SetValue("")
	return f.input.Focus()
}

// Close blurs the line.
func (f *filterLine) Close() { f.input.Blur() }

// Key handles a key while the line is open: the history keys walk the
// history; every other key edits the line.
func (f *filterLine) Key(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyRunes && msg.Type != tea.KeySpace { // printable keys are text
		switch {
		case f.keys.Is(msg, ActUp):
			f.walk(1)
			return nil
		case f.keys.Is(msg, ActDown):
			f.walk(-1)
			return nil
		}
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return cmd
}

// Update passes a message that is not a key (the cursor's blink).
func (f *filterLine) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return cmd
}

// walk moves step entries older (1) or newer (-1) in the history; it
// stops at both ends.
func (f *filterLine) walk(step int) {
	to := f.pos + step
	if to < -1 || to >= len(f.hist) {
		return
	}
	if f.pos == -1 {
		f.draft = f.input.Value()
	}
	f.pos = to
	if to == -1 {
		f.input.SetValue(f.draft)
	} else {
		f.input.SetValue(f.hist[to])
	}
	f.input.CursorEnd()
}

// Value is the text on the line.
func (f *filterLine) Value() string { return f.input.Value() }

// Filter is the filter the table shows now: the line's text, or the
// filter kept from before while the line is empty.
func (f *filterLine) Filter() string {
	if strings.TrimSpace(f.input.Value()) == "" {
		return f.kept
	}
	return f.input.Value()
}

// View is the text being edited, then, while the line is empty, what
// typing and enter would do and where the history is: "typing replaces
// status:error · enter clears it · up: app=kart".
func (f *filterLine) View() string {
	v := f.input.View()
	if f.hint == "" || strings.TrimSpace(f.input.Value()) != "" {
		return v
	}
	return v + f.hint
}

// renderHint is the empty line's hint ("" for none), rendered once per
// Open: View runs on every frame.
func (f *filterLine) renderHint() string {
	var hints []string
	if f.kept != "" {
		hints = append(hints, "typing replaces "+sanitizeLine(f.kept)+" · "+f.keys.textKey(ActPress)+" clears it")
	}
	if up := f.keys.textKey(ActUp); len(f.hist) > 0 && up != "" {
		hints = append(hints, up+": "+sanitizeLine(f.hist[0]))
	}
	if len(hints) == 0 {
		return ""
	}
	return "  " + f.st.Muted.Render(strings.Join(hints, " · "))
}
