package keys

import (
	"fmt"
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

// Parse checks a key as a configuration writes it and returns it as
// bindings compare it: a single printable character ("L", "+", " "), a Bubble
// Tea key name ("enter", "esc", "tab", "shift+tab", "up", "pgdown", "f5",
// "ctrl+x", …; case-insensitive), "space", or "alt+" before either.
func Parse(s string) (string, error) {
	if IsRune(s) {
		return s, nil
	}
	alt := ""
	rest := s
	if len(s) > 4 && strings.EqualFold(s[:4], "alt+") {
		alt, rest = "alt+", s[4:]
		if IsRune(rest) {
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

// Validate reports whether Parse accepts s.
func Validate(s string) error {
	_, err := Parse(s)
	return err
}

// IsRune reports whether key is a single printable character (space
// included): text, where a dialog takes typing.
func IsRune(s string) bool {
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
