package ui

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Fields of testForm.
const (
	tfName = iota
	tfOn
	tfCount
	tfMax
)

func nonEmpty(v string) error {
	if v == "" {
		return errors.New("required")
	}
	return nil
}

func positiveInt(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return errors.New("a whole number ≥ 1")
	}
	return nil
}

// testForm has a text field, a toggle, two numbers and a cross-field
// check (max ≥ count).
func testForm() *formDialog {
	return newForm(confirmStyles(), DefaultKeyMap(), "Edit thing", []string{"thing abc"}, []formField{
		{Label: "name", Validate: nonEmpty, Placeholder: "a name"},
		{Label: "enabled", Toggle: true, On: true},
		{Label: "count", Value: "2", Validate: positiveInt},
		{Label: "max", Value: "5", Validate: positiveInt},
	}, "Save", func(f *formDialog) (int, error) {
		c, err1 := strconv.Atoi(f.Value(tfCount))
		m, err2 := strconv.Atoi(f.Value(tfMax))
		if err1 == nil && err2 == nil && m < c {
			return tfMax, errors.New("max must be ≥ count")
		}
		return -1, nil
	})
}

func formKeys(d *formDialog, keys ...string) dialogResult {
	r := dialogOpen
	for _, k := range keys {
		r = d.Update(dlgKey(k))
	}
	return r
}

func formText(d *formDialog, s string) {
	for _, r := range s {
		d.Update(dlgKey(string(r)))
	}
}

func formView(d *formDialog) string { return ansi.Strip(d.View(100, 30)) }

func TestFormNavigationWraps(t *testing.T) {
	d := testForm()
	if d.focus != tfName {
		t.Fatalf("first focus = %d, want the first field", d.focus)
	}
	formKeys(d, "tab")
	if d.focus != tfOn {
		t.Fatalf("tab: focus %d", d.focus)
	}
	formKeys(d, "down", "down")
	if d.focus != tfMax {
		t.Fatalf("down down: focus %d", d.focus)
	}
	formKeys(d, "up")
	if d.focus != tfCount {
		t.Fatalf("up: focus %d", d.focus)
	}
	formKeys(d, "enter") // enter on a text field moves on
	if d.focus != tfMax {
		t.Fatalf("enter: focus %d", d.focus)
	}
	formKeys(d, "tab")
	if d.focus != d.cancelFocus() || !strings.Contains(formView(d), "[ Cancel ]") {
		t.Fatalf("after the last field Cancel should be focused, focus %d:\n%s", d.focus, formView(d))
	}
	formKeys(d, "right")
	if d.focus != d.actionFocus() || !strings.Contains(formView(d), "[ Save ]") {
		t.Fatalf("right: focus %d", d.focus)
	}
	formKeys(d, "tab")
	if d.focus != tfName {
		t.Fatalf("tab past the buttons should wrap to the first field, focus %d", d.focus)
	}
	formKeys(d, "shift+tab")
	if d.focus != d.actionFocus() {
		t.Fatalf("shift+tab from the first field should wrap to the action, focus %d", d.focus)
	}
}

func TestFormToggle(t *testing.T) {
	d := testForm()
	formKeys(d, "tab")
	if !d.On(tfOn) || !strings.Contains(formView(d), "[x] yes") {
		t.Fatal("toggle should start on")
	}
	formKeys(d, "space")
	if d.On(tfOn) || !strings.Contains(formView(d), "[ ] no") {
		t.Fatalf("space should flip the toggle off:\n%s", formView(d))
	}
	formKeys(d, "x")
	if !d.On(tfOn) {
		t.Fatal("x should flip it back on")
	}
	formKeys(d, "left")
	if d.On(tfOn) {
		t.Fatal("left should flip it")
	}
	if d.Value(tfOn) != "" {
		t.Fatal("a toggle has no text value")
	}
}

func TestFormTypingAndValues(t *testing.T) {
	d := testForm()
	formText(d, "  web  ")
	if got := d.Value(tfName); got != "web" {
		t.Fatalf("Value = %q, want trimmed web", got)
	}
	formKeys(d, "tab", "tab", "backspace")
	formText(d, "3")
	if got := d.Value(tfCount); got != "3" {
		t.Fatalf("count = %q", got)
	}
	// j/k/h/l and y/n are text in a text field, not navigation.
	formKeys(d, "up", "up")
	formText(d, "jkhlyn")
	if got := d.Value(tfName); got != "web  jkhlyn" {
		t.Fatalf("name = %q", got)
	}
}

func TestFormValidationInline(t *testing.T) {
	d := testForm()
	if strings.Contains(formView(d), "required") {
		t.Fatal("an untouched field shows no error before a submit")
	}
	// Editing a field shows its error at once.
	formKeys(d, "tab", "tab", "backspace")
	formText(d, "0")
	if v := formView(d); !strings.Contains(v, "✗ a whole number ≥ 1") {
		t.Fatalf("count 0 should show its error inline:\n%s", v)
	}
	// The cross-field check names its field.
	formKeys(d, "backspace")
	formText(d, "9")
	if v := formView(d); !strings.Contains(v, "max must be ≥ count") || strings.Contains(v, "whole number") {
		t.Fatalf("count 9 > max 5 should show the cross-field error only:\n%s", v)
	}
	// Submit is refused and the focus goes to the first field in error
	// (the untouched empty name, whose error now shows too).
	if r := formKeys(d, "tab", "tab", "tab", "enter"); r != dialogOpen {
		t.Fatalf("submit of an invalid form = %v, want still open", r)
	}
	if d.focus != tfName {
		t.Fatalf("focus after a refused submit = %d, want the name", d.focus)
	}
	if v := formView(d); !strings.Contains(v, "✗ required") {
		t.Fatalf("after a submit every error shows:\n%s", v)
	}
	formText(d, "web")
	if r := formKeys(d, "shift+tab", "enter"); r != dialogOpen || d.focus != tfMax {
		t.Fatalf("submit with max < count = %v focus %d, want open on max", r, d.focus)
	}
	formKeys(d, "backspace")
	formText(d, "10")
	if r := formKeys(d, "tab", "tab", "enter"); r != dialogConfirmed {
		t.Fatalf("submit of a valid form = %v\n%s", r, formView(d))
	}
	if d.Value(tfMax) != "10" || d.Value(tfCount) != "9" || d.Value(tfName) != "web" || !d.On(tfOn) {
		t.Fatalf("values after submit: %q %q %q %v", d.Value(tfName), d.Value(tfCount), d.Value(tfMax), d.On(tfOn))
	}
	// Closed forms keep their result.
	if r := formKeys(d, "esc"); r != dialogConfirmed {
		t.Fatalf("after close = %v", r)
	}
}

func TestFormFormLevelError(t *testing.T) {
	d := newForm(confirmStyles(), DefaultKeyMap(), "Pick", nil, []formField{
		{Label: "a"}, {Label: "b"},
	}, "Go", func(f *formDialog) (int, error) {
		if f.Value(0) == "" && f.Value(1) == "" {
			return -1, errors.New("fill a or b")
		}
		return -1, nil
	})
	if r := formKeys(d, "tab", "tab", "right", "enter"); r != dialogOpen {
		t.Fatalf("empty form submitted: %v", r)
	}
	if v := formView(d); !strings.Contains(v, "✗ fill a or b") {
		t.Fatalf("the form-level error should show by the buttons:\n%s", v)
	}
	if d.focus != d.actionFocus() {
		t.Fatalf("a form-level error keeps the focus on the button, got %d", d.focus)
	}
	formKeys(d, "tab")
	formText(d, "x")
	if r := formKeys(d, "shift+tab", "enter"); r != dialogConfirmed {
		t.Fatalf("valid form = %v", r)
	}
}

func TestFormCancel(t *testing.T) {
	for _, keys := range [][]string{
		{"esc"},
		{"ctrl+c"},
		{"tab", "esc"},
		{"up", "up", "enter"}, // shift to Cancel from the first field, enter on it
	} {
		d := testForm()
		formText(d, "web")
		if r := formKeys(d, keys...); r != dialogCancelled {
			t.Errorf("%v = %v, want cancelled", keys, r)
		}
	}
	// Reaching the buttons focuses Cancel first: enter there cancels even
	// a valid form.
	d := testForm()
	formText(d, "web")
	if r := formKeys(d, "tab", "tab", "tab", "tab", "enter"); r != dialogCancelled {
		t.Fatalf("enter on the first button = %v, want cancelled", r)
	}
}

func TestFormViewFitsAndSanitizes(t *testing.T) {
	d := newForm(confirmStyles(), DefaultKeyMap(), "Edit \x1b[31mred", []string{"intro \x1b]0;x\x07line"}, []formField{
		{Label: "name", Value: "v", Placeholder: "p"},
		{Label: "enabled", Toggle: true},
	}, "Save", nil)
	for _, sz := range [][2]int{{100, 30}, {60, 12}, {40, 6}, {20, 3}} {
		v := d.View(sz[0], sz[1])
		lines := strings.Split(v, "\n")
		if len(lines) != sz[1] {
			t.Fatalf("%v: %d lines", sz, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w != sz[0] {
				t.Fatalf("%v: line width %d: %q", sz, w, l)
			}
		}
		if strings.Contains(ansi.Strip(v), "\x1b") || strings.Contains(v, "\x07") {
			t.Fatalf("%v: escape sequences leaked", sz)
		}
	}
	// Many fields in a short window: the focused one stays visible.
	fields := make([]formField, 20)
	for i := range fields {
		fields[i] = formField{Label: "field" + strconv.Itoa(i)}
	}
	d = newForm(confirmStyles(), DefaultKeyMap(), "Long", nil, fields, "Go", nil)
	for range 15 {
		formKeys(d, "tab")
	}
	if v := ansi.Strip(d.View(80, 14)); !strings.Contains(v, "field15") {
		t.Fatalf("focused field15 not visible:\n%s", v)
	}
}
