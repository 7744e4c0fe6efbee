package keys

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// TestParseKey: what a configuration may write, and what bindings then
// compare against tea.KeyMsg.String.
func TestParseKey(t *testing.T) {
	for in, want := range map[string]string{
		"L": "L", "+": "+", " ": " ", "space": " ", "Space": " ", "é": "é",
		"ctrl+x": "ctrl+x", "Ctrl+X": "ctrl+x", "ctrl+space": "ctrl+@", "alt+x": "alt+x", "alt+L": "alt+L", "alt+enter": "alt+enter",
		"enter": "enter", "esc": "esc", "escape": "esc", "tab": "tab", "shift+tab": "shift+tab",
		"up": "up", "shift+up": "shift+up", "f1": "f1", "F12": "f12", "f20": "f20", "pgup": "pgup", "pagedown": "pgdown",
		"home": "home", "backspace": "backspace", "delete": "delete", "ctrl+\\": "ctrl+\\",
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, wantMsg := range map[string]string{
		"":             "not a key",
		"gg":           "not a key",
		"ctrl+shift+x": "not a key",
		"hyper+x":      "not a key",
		"entr":         `did you mean "enter"?`,
		"f21":          "not a key",
		"\x01":         "not a key",
		"runes":        "not a key",
	} {
		if _, err := Parse(in); err == nil || !strings.Contains(err.Error(), wantMsg) {
			t.Errorf("Parse(%q) error %v, want %q", in, err, wantMsg)
		}
	}
}

// TestParsedKeysMatch: a parsed key matches the key press it names.
func TestParsedKeysMatch(t *testing.T) {
	for in, msg := range map[string]tea.KeyMsg{
		"space":      {Type: tea.KeySpace, Runes: []rune{' '}},
		"ctrl+x":     {Type: tea.KeyCtrlX},
		"ctrl+space": {Type: tea.KeyCtrlAt},
		"alt+x":      {Type: tea.KeyRunes, Runes: []rune{'x'}, Alt: true},
		"L":          {Type: tea.KeyRunes, Runes: []rune{'L'}},
		"shift+tab":  {Type: tea.KeyShiftTab},
		"F5":         {Type: tea.KeyF5},
	} {
		k, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if !key.Matches(msg, key.NewBinding(key.WithKeys(k))) {
			t.Errorf("%q (parsed %q) does not match %q", in, k, msg.String())
		}
	}
}
