package ui

import (
	"errors"
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
		got, err := ParseKey(in)
		if err != nil || got != want {
			t.Errorf("ParseKey(%q) = %q, %v; want %q", in, got, err, want)
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
		if _, err := ParseKey(in); err == nil || !strings.Contains(err.Error(), wantMsg) {
			t.Errorf("ParseKey(%q) error %v, want %q", in, err, wantMsg)
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
		k, err := ParseKey(in)
		if err != nil {
			t.Fatal(err)
		}
		if !key.Matches(msg, key.NewBinding(key.WithKeys(k))) {
			t.Errorf("%q (parsed %q) does not match %q", in, k, msg.String())
		}
	}
}

func TestKeyMapValidate(t *testing.T) {
	if err := DefaultKeyMap().Validate(); err != nil {
		t.Fatalf("default keys: %v", err)
	}
	for _, tc := range []struct {
		rebind map[string][]string
		want   string // "" valid
	}{
		{map[string][]string{"stop": {"ctrl+x"}, "logs": {"l", "ctrl+o"}}, ""},
		{map[string][]string{"logs": {"L"}}, `deployments view: key "L" is bound to both "logs" and "sort-location"`},
		{map[string][]string{"follow": {"/"}}, `logs view: key "/" is bound to both "filter" and "follow"`},
		{map[string][]string{"metrics-panel": {"q"}}, `detail view: key "q" is bound to both "quit" and "metrics-panel"`},
		{map[string][]string{"sort-name": {" "}}, `hosts view: key "space" is bound to both "mark" and "sort-name"`},
		{map[string][]string{"stop": {"ctrl+shift+d"}}, `action "stop": "ctrl+shift+d" is not a key`},
		// Same key in views never open together: allowed.
		{map[string][]string{"save-logs": {"S"}}, ""},
	} {
		km := DefaultKeyMap()
		if err := km.Rebind(tc.rebind); err != nil {
			t.Fatal(err)
		}
		err := km.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.rebind, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want %q", tc.rebind, err, tc.want)
		}
	}
	km := DefaultKeyMap()
	_ = km.Rebind(map[string][]string{"logs": {"L"}})
	var kc *KeyConflictError
	if err := km.Validate(); !errors.As(err, &kc) {
		t.Fatalf("conflict error %T", err)
	}
	if k, acts := kc.Conflict(); k != "L" || acts != [2]string{"logs", "sort-location"} {
		t.Errorf("Conflict() = %q %q", k, acts)
	}
}

// TestKeyViewsCoverEveryAction: every action belongs to a view in
// keyViews, so Validate checks its conflicts. A new action must be added to
// the views that handle it.
func TestKeyViewsCoverEveryAction(t *testing.T) {
	in := map[Action]bool{}
	for _, v := range keyViews {
		for _, a := range v.actions {
			in[a] = true
		}
	}
	for _, a := range DefaultKeyMap().Actions() {
		if !in[a] {
			t.Errorf("action %q is in no keyViews entry (ui/keyparse.go)", a)
		}
	}
}
