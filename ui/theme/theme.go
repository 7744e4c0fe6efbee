package theme

import (
	"fmt"
	"strconv"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Theme holds the semantic colours of the console. Every colour is a
// lipgloss.AdaptiveColor so it reads on dark and light backgrounds; lipgloss
// degrades them to the terminal's colour profile (TrueColor, 256, 16, none).
type Theme struct {
	// Accent marks titles, active tabs and key hints.
	Accent lipgloss.AdaptiveColor
	// Border is the colour of box borders and rules.
	Border lipgloss.AdaptiveColor
	// Muted is secondary text (labels, descriptions, empty-state text).
	Muted lipgloss.AdaptiveColor
	// Text is the primary foreground.
	Text lipgloss.AdaptiveColor
	// Subtle is for separators and other barely-there decoration.
	Subtle lipgloss.AdaptiveColor

	// Good is the READY tone.
	Good lipgloss.AdaptiveColor
	// Warn is for crash-looping or degraded things.
	Warn lipgloss.AdaptiveColor
	// Bad is the ERROR tone.
	Bad lipgloss.AdaptiveColor
	// Info is for informational flashes and neutral highlights.
	Info lipgloss.AdaptiveColor
	// Pending is for in-progress states (INITIALIZING … DEPLOYING).
	Pending lipgloss.AdaptiveColor
	// Ended is for TERMINATING and TERMINATED.
	Ended lipgloss.AdaptiveColor

	// SelectedFg and SelectedBg colour the row under the cursor.
	SelectedFg, SelectedBg lipgloss.AdaptiveColor

	// BadgeDemoBg is the background of the DEMO badge (simulator profile).
	BadgeDemoBg lipgloss.AdaptiveColor
	// BadgeReadOnlyBg is the background of the READ-ONLY badge.
	BadgeReadOnlyBg lipgloss.AdaptiveColor
}

// Default returns gapdeck's built-in theme.
func Default() Theme {
	c := func(light, dark string) lipgloss.AdaptiveColor {
		return lipgloss.AdaptiveColor{Light: light, Dark: dark}
	}
	return Theme{
		Accent: c("#0B6BCB", "#5FAFFF"),
		Border: c("#C4C8CE", "#3A3F4B"),
		Muted:  c("#6E7781", "#8B929C"),
		Text:   c("#1F2328", "#E6E8EB"),
		Subtle: c("#D0D7DE", "#4A4F5B"),

		Good:    c("#1A7F37", "#3FB950"),
		Warn:    c("#9A6700", "#D29922"),
		Bad:     c("#CF222E", "#F85149"),
		Info:    c("#0969DA", "#58A6FF"),
		Pending: c("#0E7490", "#39C5CF"),
		Ended:   c("#6E7781", "#8B949E"),

		SelectedFg: c("#0B1F33", "#FFFFFF"),
		SelectedBg: c("#CCE5FF", "#264F78"),

		BadgeDemoBg:     c("#8250DF", "#8957E5"),
		BadgeReadOnlyBg: c("#BC4C00", "#DB6D28"),
	}
}

// themeColor is a configurable colour of the Theme.
type themeColor struct {
	name  string
	color func(*Theme) *lipgloss.AdaptiveColor
}

// themeColors names the Theme's colours for configuration (theme: {accent:
// "#5fafff"}), in the order the example documents them.
var themeColors = []themeColor{
	{"accent", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Accent }},
	{"border", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Border }},
	{"muted", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Muted }},
	{"text", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Text }},
	{"subtle", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Subtle }},
	{"good", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Good }},
	{"warn", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Warn }},
	{"error", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Bad }},
	{"info", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Info }},
	{"pending", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Pending }},
	{"ended", func(t *Theme) *lipgloss.AdaptiveColor { return &t.Ended }},
	{"selected_fg", func(t *Theme) *lipgloss.AdaptiveColor { return &t.SelectedFg }},
	{"selected_bg", func(t *Theme) *lipgloss.AdaptiveColor { return &t.SelectedBg }},
	{"badge_demo", func(t *Theme) *lipgloss.AdaptiveColor { return &t.BadgeDemoBg }},
	{"badge_readonly", func(t *Theme) *lipgloss.AdaptiveColor { return &t.BadgeReadOnlyBg }},
}

// ColorNames are the colour names a configuration may set, in the order
// the configuration example documents them.
func ColorNames() []string {
	names := make([]string, len(themeColors))
	for i, c := range themeColors {
		names[i] = c.name
	}
	return names
}

// WithColors returns t with the named colours replaced (one colour for
// dark and light backgrounds alike). Colours are lipgloss strings, already
// validated ("#5fafff", "196"); an unknown name is an error.
func (t Theme) WithColors(colors map[string]string) (Theme, error) {
	for name, c := range colors {
		found := false
		for _, tc := range themeColors {
			if tc.name == name {
				*tc.color(&t) = lipgloss.AdaptiveColor{Light: c, Dark: c}
				found = true
			}
		}
		if !found {
			return t, fmt.Errorf("unknown theme colour %q", name)
		}
	}
	return t, nil
}

// forProfile returns t with every colour converted to what profile shows
// (ANSI or 256-colour indexes; true colour keeps the hex values).
func (t Theme) forProfile(profile termenv.Profile) Theme {
	for _, tc := range themeColors {
		c := tc.color(&t)
		c.Light, c.Dark = forProfile(profile, c.Light), forProfile(profile, c.Dark)
	}
	return t
}

// forProfile converts one lipgloss colour string ("#5fafff", "196") to the
// nearest colour of profile, as lipgloss would when rendering.
func forProfile(profile termenv.Profile, c string) string {
	switch conv := profile.Color(c).(type) {
	case termenv.ANSIColor:
		return strconv.Itoa(int(conv))
	case termenv.ANSI256Color:
		return strconv.Itoa(int(conv))
	}
	return c
}
