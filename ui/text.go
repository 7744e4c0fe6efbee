package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/ui/termtext"
)

// formatAge is a compact duration: "42s", "7m", "3h12m", "2d4h".
func formatAge(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd%dh", days, h)
}

// tableAge is a table cell's age: formatAge from a minute up, and "<1m"
// below. A table shows many rows at once; ages counting seconds would
// repaint every young row's line once a second (issue 16: three quarters
// of an idle console's bytes to the terminal), and a minute is as precise
// as a row needs: the detail view counts the seconds.
func tableAge(d time.Duration) string {
	if d < time.Minute {
		return "<1m"
	}
	return formatAge(d)
}

// tableAgeBucket changes exactly when tableAge's text changes.
func tableAgeBucket(d time.Duration) uint64 {
	if d < time.Minute {
		return 0
	}
	return ageBucket(d)
}

// ageBucket changes exactly when formatAge's text changes, so render
// caches can key on it.
func ageBucket(d time.Duration) uint64 {
	switch {
	case d < 0:
		return 0
	case d < time.Minute:
		return uint64(d / time.Second)
	case d < time.Hour:
		return 100 + uint64(d/time.Minute)
	case d < 24*time.Hour:
		return 1000 + uint64(d/time.Minute)
	}
	return 1_000_000 + uint64(d/time.Hour)
}

// sanitizeLine makes untrusted text printable on one screen line, for
// sinks that take strings (table cells, dialogs, flashes): termtext.Line,
// the one sanitizing path of the UI.
func sanitizeLine(s string) string { return string(termtext.Line(s)) }

// truncateLine cuts a (possibly styled) line to width cells.
func truncateLine(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// padLine pads a (possibly styled) line with spaces to width cells.
func padLine(s string, width int) string {
	s = truncateLine(s, width)
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// visibleWidth is the display width of a (possibly styled) string.
func visibleWidth(s string) int { return ansi.StringWidth(s) }
