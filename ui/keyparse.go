package ui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
)

// teaKeyNames are the key names Bubble Tea gives non-rune keys (what
// tea.KeyMsg.String returns and key.Matches compares): "enter", "ctrl+x",
// "shift+tab", "f1", " " (space), …
var teaKeyNames = func() map[string]bool {
	names := map[string]bool{}
	for t := tea.KeyType(-256); t < 256; t++ {
		if s := t.String(); s != "" && t != tea.KeyRunes {
			names[s] = true
		}
	}
	return names
}()

// keyAliases are friendlier spellings of keys Bubble Tea names oddly.
var keyAliases = map[string]string{
	"space":      " ",
	"ctrl+space": "ctrl+@", // what terminals send for ctrl+space
	"return":     "enter",
	"escape":     "esc",
	"pageup":     "pgup",
	"pagedown":   "pgdown",
	"del":        "delete",
}

// ParseKey checks a key as a configuration writes it and returns it as
// bindings compare it: a single printable character ("L", "+", " "), a Bubble
// Tea key name ("enter", "esc", "tab", "shift+tab", "up", "pgdown", "f5",
// "ctrl+x", …; case-insensitive), "space", or "alt+" before either.
func ParseKey(s string) (string, error) {
	if isRuneKey(s) {
		return s, nil
	}
	alt := ""
	rest := s
	if len(s) > 4 && strings.EqualFold(s[:4], "alt+") {
		alt, rest = "alt+", s[4:]
		if isRuneKey(rest) {
			return alt + rest, nil
		}
	}
	name := strings.ToLower(strings.TrimSpace(rest))
	if a, ok := keyAliases[name]; ok {
		name = a
	}
	if teaKeyNames[name] {
		return alt + name, nil
	}
	return "", fmt.Errorf("%q is not a key gapdeck can bind%s; use one character (\"L\", \"+\"), a name such as enter, esc, tab, shift+tab, up, pgdown, f5, space, or ctrl+x, alt+x", s, suggestKey(name))
}

// ValidateKey reports whether ParseKey accepts s.
func ValidateKey(s string) error {
	_, err := ParseKey(s)
	return err
}

// isRuneKey is a single printable character (space included).
func isRuneKey(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return size == len(s) && r != utf8.RuneError && (unicode.IsPrint(r) || r == ' ')
}

// suggestKey is ` (did you mean "x"?)` for a near miss of a key name.
func suggestKey(name string) string {
	best, bestDist := "", 3
	names := make([]string, 0, len(teaKeyNames)+len(keyAliases))
	for n := range teaKeyNames {
		names = append(names, n)
	}
	for n := range keyAliases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if d := levenshtein(name, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// KeyConflictError is two actions of one view bound to the same key.
type KeyConflictError struct {
	View    string
	Key     string
	Actions [2]Action
}

func (e *KeyConflictError) Error() string {
	return fmt.Sprintf("%s view: key %q is bound to both %q and %q", e.View, helpKeyNames([]string{e.Key}), e.Actions[0], e.Actions[1])
}

// Conflict is the key and the two action names (config.KeyConflict).
func (e *KeyConflictError) Conflict() (string, [2]string) {
	return e.Key, [2]string{string(e.Actions[0]), string(e.Actions[1])}
}

// Actions that are live everywhere, and those of the top-level tabs.
var (
	globalActions = []Action{ActForceQuit, ActHelp, ActCommand, ActRedraw, ActRefresh, ActBack, ActQuit}
	scrollActions = []Action{ActUp, ActDown, ActTop, ActBottom, ActPageUp, ActPageDown}
	tabActions    = slices.Concat([]Action{ActFilter, ActNextTab, ActPrevTab}, tabKeys)
)

// keyView is a set of actions live at the same time. A key may serve two
// actions only when no view holds both.
type keyView struct {
	name    string
	actions []Action
}

// keyViews lists every view's actions, from its key handling and help.
// Keep it in sync when a view gains a key: TestKeyViewsCoverEveryAction
// fails for an action no view lists.
var keyViews = []keyView{
	{"deployments", slices.Concat(globalActions, scrollActions, tabActions, deploymentKeys())},
	{"fleets", slices.Concat(globalActions, scrollActions, tabActions, []Action{
		ActOpen, ActToggleFleet, ActLinkVersion, ActUnlinkVersion, ActSortName,
	})},
	{"policies", slices.Concat(globalActions, scrollActions, tabActions, []Action{
		ActOpen, ActEditPolicy, ActDeletePolicy, ActSortName,
	})},
	{"locations", slices.Concat(globalActions, scrollActions, tabActions, []Action{
		ActSortCount, ActSortLocation, ActSortCountry,
	})},
	{"hosts", slices.Concat(globalActions, scrollActions, []Action{
		ActFilter, ActOpen, ActMark, ActClearMarks, ActDeploy, ActSortName, ActSortStatus,
	})},
	{"detail", slices.Concat(globalActions, scrollActions, []Action{
		ActJSON, ActLogs, ActCopy, ActToggleMetric, ActWindowPrev, ActWindowNext,
	})},
	{"logs", slices.Concat(globalActions, scrollActions, []Action{
		ActFilter, ActFollow, ActWrap, ActNextMatch, ActPrevMatch, ActFilterLines, ActMoreContext, ActLessContext, ActSaveLogs, ActCrash,
	})},
	{"audit", slices.Concat(globalActions, scrollActions)},
	// Dialogs take every key but redraw, and force-quit, which the console
	// answers first: cancel's ctrl+c acts only when force-quit is moved.
	{"dialog", slices.Concat([]Action{ActRedraw}, scrollActions, dialogActions)},
	{"input line", []Action{ActPress, ActCancel, ActFocusNext}}, // the filter and command line: printable keys are text
	{"tag manager", []Action{ActRedraw, ActUp, ActDown, ActCancel, ActQuit, ActRenameTag, ActDeleteTag}},
}

// dialogActions are the keys of the confirmations and forms.
var dialogActions = []Action{ActConfirm, ActCancel, ActPress, ActFocusNext, ActFocusPrev, ActSwitchButton, ActToggleField}

// Validate checks the key map after Rebind: every key parses and no view
// has two actions on one key (a *KeyConflictError).
func (km *KeyMap) Validate() error {
	for _, a := range km.order {
		for _, k := range km.bindings[a].Keys() {
			if err := ValidateKey(k); err != nil {
				return fmt.Errorf("action %q: %w", a, err)
			}
		}
	}
	for _, v := range keyViews {
		if err := km.CheckConflicts(v.name, v.actions); err != nil {
			return err
		}
	}
	return nil
}
