package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ansiNames are the 16 terminal colours by name, as ANSI indexes.
var ansiNames = map[string]int{
	"black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
	"gray": 8, "grey": 8, "bright-black": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
	"bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
}

// ParseColor checks a colour and returns it as lipgloss reads it: "#rgb" or
// "#rrggbb" (returned as lower-case "#rrggbb"), an ANSI index "0".."255", or
// one of the 16 terminal colour names (red, bright-red, gray, …) returned as
// its index.
func ParseColor(s string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(t, "#"):
		hex := t[1:]
		if len(hex) == 3 {
			hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
		}
		if len(hex) == 6 {
			if _, err := strconv.ParseUint(hex, 16, 32); err == nil {
				return "#" + hex, nil
			}
		}
		return "", fmt.Errorf("%q is not a hex colour; write #rgb or #rrggbb, e.g. #5fafff", s)
	case t != "" && t[0] >= '0' && t[0] <= '9':
		n, err := strconv.Atoi(t)
		if err != nil || n > 255 {
			return "", fmt.Errorf("%q is not an ANSI colour; use 0 to 255", s)
		}
		return strconv.Itoa(n), nil
	}
	name := strings.NewReplacer("_", "-", " ", "-").Replace(t)
	if !strings.Contains(name, "-") && strings.HasPrefix(name, "bright") {
		name = "bright-" + strings.TrimPrefix(name, "bright")
	}
	if i, ok := ansiNames[name]; ok {
		return strconv.Itoa(i), nil
	}
	names := make([]string, 0, len(ansiNames))
	for n := range ansiNames {
		names = append(names, n)
	}
	sort.Strings(names)
	return "", fmt.Errorf("unknown colour %q%s; use #rrggbb, an ANSI index 0-255 or a name (red, bright-red, gray, …)", s, didYouMean(name, names))
}
