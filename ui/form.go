package ui

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/ui/termtext"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// formField describes one field of a formDialog: a line of text, or a
// yes/no toggle when Toggle is set.
type formField struct {
	Label       string
	Value       string             // the text's initial value
	Placeholder string             // shown while the text is empty
	Validate    func(string) error // checks the trimmed text; nil accepts anything
	Width       int                // input width in cells (default 32)
	Limit       int                // character limit (default 256)

	Toggle bool // a yes/no field: space, x, left/right flip it
	On     bool // a toggle's initial state

	// Complete lists what the text could become (whole values, for the
	// focused field's focus-next key to complete to their longest common
	// prefix when that is longer than the text); nil: no completion.
	Complete func(f *formDialog, text string) []string
	// Notes are lines shown under the field (its choices, what the value
	// means); nil: none. Untrusted: they are sanitized.
	Notes func(f *formDialog, text string, focused bool) []string
}

// formCheck validates the form as a whole (e.g. maximum ≥ minimum). It
// names the field the error belongs to (shown under it), or -1 for the
// form. It runs while other fields may still be invalid: it should accept
// (return -1, nil) what it cannot compare yet, their own errors show.
type formCheck func(f *formDialog) (field int, err error)

// formDialog is a multi-field form: text fields and toggles, then a
// Cancel / action button row.
//
// Keys: tab/down/enter move to the next field, shift+tab/up to the
// previous; on a toggle space/x/left/right flip it; on the buttons
// left/right/tab move, enter activates the focused one (Cancel is focused
// first when the row is reached); esc and ctrl+c cancel anywhere.
// A field's error shows under it once the field was edited or a submit was
// refused; submit is refused while any error remains, and the focus goes
// to the first field in error.
type formDialog struct {
	frame   dialogFrame
	intro   []string // sanitized lines above the fields
	fields  []formField
	inputs  []textinput.Model // one per field (unused for toggles)
	on      []bool
	touched []bool
	check   formCheck
	action  string
	hint    string
	labelW  int

	focus     int  // 0..len(fields)-1 a field, then Cancel, then the action
	submitted bool // a submit was tried: show every error
	result    dialogResult
	footer    []string // built by layout, after every key
}

// newForm builds a form titled title with intro lines (untrusted: they are
// sanitized) above fields, submitted by the action button (e.g. "Save").
// check may be nil. The first field is focused.
func newForm(st *theme.Styles, km *KeyMap, title string, intro []string, fields []formField, action string, check formCheck) *formDialog {
	d := &formDialog{
		frame:   newDialogFrame(st, km, title, intro),
		fields:  fields,
		inputs:  make([]textinput.Model, len(fields)),
		on:      make([]bool, len(fields)),
		touched: make([]bool, len(fields)),
		check:   check,
		action:  sanitizeLine(action),
		hint: km.textKey(ActFocusNext) + "/↑/↓ move · " + km.firstKey(ActToggleField) + " toggle · " +
			km.textKey(ActPress) + " on " + sanitizeLine(action) + " submits · " + km.textKey(ActCancel) + " cancel",
	}
	d.intro = d.frame.lines
	for i, f := range fields {
		d.labelW = max(d.labelW, visibleWidth(f.Label))
		d.on[i] = f.On
		if f.Toggle {
			continue
		}
		w, limit := f.Width, f.Limit
		if w <= 0 {
			w = 32
		}
		if limit <= 0 {
			limit = 256
		}
		in := newInput(st, "", limit, w)
		in.Placeholder = f.Placeholder
		in.SetValue(inputValue(f.Value))
		in.Blur()
		d.inputs[i] = in
	}
	d.setFocus(0)
	d.layout()
	return d
}

// inputValue is a prefilled value (often from the API: an app, a version)
// as an input may hold it: without control, bidi or format characters
// and with the emoji sequences terminals measure differently replaced
// (termtext.Clipboard), so the field draws as wide as the form thinks.
func inputValue(v string) string {
	clean, _, err := termtext.Clipboard(v)
	if err != nil {
		return ""
	}
	return clean
}

// Value is the trimmed text of field i ("" for a toggle).
func (d *formDialog) Value(i int) string {
	if i < 0 || i >= len(d.fields) || d.fields[i].Toggle {
		return ""
	}
	return strings.TrimSpace(d.inputs[i].Value())
}

// On is the state of toggle i.
func (d *formDialog) On(i int) bool { return i >= 0 && i < len(d.on) && d.on[i] }

// fieldErr is field i's own error, or the form check's when it names i.
func (d *formDialog) fieldErr(i int) error {
	if err := d.ownErr(i); err != nil {
		return err
	}
	return d.checkErr(i)
}

// ownErr is field i's Validate error.
func (d *formDialog) ownErr(i int) error {
	if f := d.fields[i]; !f.Toggle && f.Validate != nil {
		return f.Validate(d.Value(i))
	}
	return nil
}

// checkErr is the form check's error when it names field i.
func (d *formDialog) checkErr(i int) error {
	if d.check != nil {
		if at, err := d.check(d); err != nil && at == i {
			return err
		}
	}
	return nil
}

// formErr is the form check's error when it names no field.
func (d *formDialog) formErr() error {
	if d.check == nil {
		return nil
	}
	if at, err := d.check(d); err != nil && (at < 0 || at >= len(d.fields)) {
		return err
	}
	return nil
}

// firstInvalid is the first field in error, len(fields) for a form-level
// error, or -1 when the form is valid.
func (d *formDialog) firstInvalid() int {
	for i := range d.fields {
		if d.fieldErr(i) != nil {
			return i
		}
	}
	if d.formErr() != nil {
		return len(d.fields)
	}
	return -1
}

func (d *formDialog) cancelFocus() int { return len(d.fields) }
func (d *formDialog) actionFocus() int { return len(d.fields) + 1 }

// setFocus moves the focus (wrapping around) and the text cursor with it.
func (d *formDialog) setFocus(i int) {
	n := len(d.fields) + 2
	d.focus = ((i % n) + n) % n
	for j := range d.fields {
		if d.fields[j].Toggle {
			continue
		}
		if j == d.focus {
			d.inputs[j].Focus()
		} else {
			d.inputs[j].Blur()
		}
	}
}

// Update handles a key and reports whether the form closed.
func (d *formDialog) Update(msg tea.KeyMsg) dialogResult {
	if d.result != dialogOpen {
		return d.result
	}
	defer d.layout()
	f := &d.frame
	buttons := d.focus == d.cancelFocus() || d.focus == d.actionFocus()
	typing := !buttons && !d.fields[d.focus].Toggle // printable keys are text
	switch {
	case f.is(msg, ActCancel, typing):
		d.result = dialogCancelled
		return d.result
	case f.is(msg, ActFocusNext, typing) && !buttons && d.complete():
		d.touched[d.focus] = true
		return d.result
	case f.is(msg, ActFocusNext, typing), f.is(msg, ActDown, typing):
		d.setFocus(d.focus + 1)
		return d.result
	case f.is(msg, ActFocusPrev, typing), f.is(msg, ActUp, typing):
		d.setFocus(d.focus - 1)
		return d.result
	}
	switch {
	case buttons:
		d.buttonKey(msg)
	case d.fields[d.focus].Toggle:
		switch {
		case f.is(msg, ActToggleField, false), f.is(msg, ActSwitchButton, false):
			d.on[d.focus] = !d.on[d.focus]
			d.touched[d.focus] = true
		case f.is(msg, ActPress, false):
			d.setFocus(d.focus + 1)
		}
	case f.is(msg, ActPress, true):
		d.touched[d.focus] = true
		d.setFocus(d.focus + 1)
	default:
		before := d.inputs[d.focus].Value()
		d.inputs[d.focus], _ = d.inputs[d.focus].Update(msg)
		if d.inputs[d.focus].Value() != before {
			d.touched[d.focus] = true
		}
	}
	return d.result
}

// complete completes the focused field to the longest common prefix of
// its candidates that start with its text, and reports whether that
// changed the text (else focus-next moves on).
func (d *formDialog) complete() bool {
	f := d.fields[d.focus]
	if f.Toggle || f.Complete == nil {
		return false
	}
	text := d.inputs[d.focus].Value()
	var common string
	n := 0
	for _, c := range f.Complete(d, text) {
		if !strings.HasPrefix(c, text) {
			continue
		}
		if n == 0 {
			common = c
		} else {
			for !strings.HasPrefix(c, common) {
				_, size := utf8.DecodeLastRuneInString(common)
				common = common[:len(common)-size]
			}
		}
		n++
	}
	if n == 0 || len(common) <= len(text) {
		return false
	}
	d.inputs[d.focus].SetValue(inputValue(common))
	d.inputs[d.focus].CursorEnd()
	return true
}

// buttonKey handles a key on the button row.
func (d *formDialog) buttonKey(msg tea.KeyMsg) {
	switch {
	case d.frame.is(msg, ActSwitchButton, false):
		if d.focus == d.cancelFocus() {
			d.setFocus(d.actionFocus())
		} else {
			d.setFocus(d.cancelFocus())
		}
	case d.frame.is(msg, ActPress, false):
		if d.focus == d.cancelFocus() {
			d.result = dialogCancelled
			return
		}
		d.submitted = true
		switch bad := d.firstInvalid(); {
		case bad < 0:
			d.result = dialogConfirmed
		case bad < len(d.fields):
			d.setFocus(bad)
		}
	}
}

// fieldLines renders field i and, when shown, its error under it.
func (d *formDialog) fieldLines(i int) []string {
	f := d.fields[i]
	mark := "  "
	if i == d.focus {
		mark = d.frame.sel.Render(">") + " "
	}
	label := sanitizeLine(f.Label)
	label += strings.Repeat(" ", max(d.labelW-visibleWidth(label), 0))
	var value string
	if f.Toggle {
		value = "[ ] no"
		if d.on[i] {
			value = "[x] yes"
		}
		if i == d.focus {
			value = d.frame.sel.Render(value)
		}
	} else {
		value = d.inputs[i].View()
	}
	out := []string{mark + label + "  " + value}
	if f.Notes != nil {
		pad := strings.Repeat(" ", 2+d.labelW+2)
		for _, n := range f.Notes(d, d.Value(i), i == d.focus) {
			out = append(out, pad+d.frame.muted.Render(sanitizeLine(n)))
		}
	}
	// A field's own error shows once it was edited; the form check's as
	// soon as any field was (it compares several).
	err := error(nil)
	if d.submitted || d.touched[i] {
		err = d.ownErr(i)
	}
	if err == nil && (d.submitted || slices.Contains(d.touched, true)) {
		err = d.checkErr(i)
	}
	if err != nil {
		pad := strings.Repeat(" ", 2+d.labelW+2)
		out = append(out, pad+d.frame.errSt.Render("✗ "+sanitizeLine(err.Error())))
	}
	return out
}

// layout builds the body and footer lines (after every key, so View only
// places them). The body scrolls to keep the focus in view.
func (d *formDialog) layout() {
	lines := make([]string, 0, len(d.intro)+2*len(d.fields)+1)
	lines = append(lines, d.intro...)
	if len(d.intro) > 0 {
		lines = append(lines, "")
	}
	focusLine := len(lines)
	for i := range d.fields {
		if i == d.focus {
			focusLine = len(lines)
		}
		lines = append(lines, d.fieldLines(i)...)
	}
	if d.focus >= len(d.fields) {
		focusLine = len(lines) - 1
	}
	d.frame.lines = lines
	d.frame.offset = max(focusLine-2, 0)

	footer := []string{d.frame.buttons(d.action, d.focus == d.cancelFocus(), d.focus == d.actionFocus())}
	if d.submitted {
		if err := d.formErr(); err != nil {
			footer = append(footer, d.frame.errSt.Render("✗ "+sanitizeLine(err.Error())))
		}
	}
	d.footer = append(footer, d.frame.muted.Render(d.hint))
}

// View is the form centred in width×height: exactly height lines, each
// exactly width cells wide.
func (d *formDialog) View(width, height int) string {
	return d.frame.render(d.footer, width, height)
}
