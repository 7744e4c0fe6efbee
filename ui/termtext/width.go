package termtext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
)

// Terminals and the UI's width functions disagree on some grapheme
// clusters: tmux and most terminals measure code point by code point
// (wcwidth), while the UI measures clusters (ansi.StringWidth, grapheme clusters). A ZWJ emoji
// sequence is 2 cells for the UI and up to 8 for tmux; a VS16 emoji is 2
// for the UI and 1 for tmux. A line the UI fitted to the screen then
// wraps in the terminal and scrolls it. normalize replaces every cluster
// the two ways of measuring disagree on by something they agree on, so a
// width computed by the UI is the width the terminal draws.

// Replacement is what stands for a cluster no width agrees on.
const Replacement = "\uFFFD"

// isBidi reports whether r is a bidirectional formatting character: the
// embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069, the
// marks U+200E, U+200F and U+061C. In text from the API they can make a
// line read differently from what it holds (a file name "exe.txt" that is
// "txt.exe"), so they are shown as <U+202E> and never passed through.
func isBidi(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

// visibleBidi is the printable stand-in of a bidi control: "<U+202E>".
func visibleBidi(r rune) string {
	return "<U+" + strings.ToUpper(strconv.FormatInt(int64(r), 16)) + ">"
}

// isEmojiModifier reports whether r is a skin tone modifier.
func isEmojiModifier(r rune) bool { return r >= 0x1f3fb && r <= 0x1f3ff }

// isRegionalIndicator reports whether r is a regional indicator, a half
// of a flag: terminals draw a pair as 1, 2 or 4 cells.
func isRegionalIndicator(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// isVariationSelector reports whether r selects a variation (VS1–VS16,
// VS17–VS256): VS16 makes a 1-cell symbol a 2-cell emoji for some
// measures and not for others.
func isVariationSelector(r rune) bool {
	return r >= 0xfe00 && r <= 0xfe0f || r >= 0xe0100 && r <= 0xe01ef
}

// invisible reports whether r is a format character (soft hyphen, zero
// width space and joiners, word joiner, BOM, tag characters, …) that has
// no business on a console line: it draws nothing, or something different
// in every terminal.
func invisible(r rune) bool { return unicode.Is(unicode.Cf, r) || isVariationSelector(r) }

// plainRanges are runs of code points that never join a neighbour into
// a cluster (no marks, joiners, selectors, Hangul jamo or emoji), never
// are format characters, and measure the same for the UI and for
// terminals (TestPlainRangesAgree checks every one): Latin, Greek,
// Cyrillic, common punctuation, basic arrows, box drawing, kana, CJK
// ideographs, Hangul syllables, fullwidth forms. Text made of them and of
// the code points below U+0300 (but the soft hyphen) needs no cluster
// pass, which keeps the UI's common text cheap.
var plainRanges = [][2]rune{
	{0x0370, 0x0482}, {0x048a, 0x052f}, // Greek, Cyrillic
	{0x1e00, 0x1fff},                   // Latin Extended Additional, Greek Extended
	{0x2010, 0x2027}, {0x2030, 0x205e}, // punctuation (not U+2028-U+202F, U+205F on)
	{0x2190, 0x2193},                   // ← ↑ → ↓
	{0x2500, 0x259f},                   // box drawing, blocks
	{0x3041, 0x3096}, {0x30a1, 0x30fa}, // kana
	{0x3400, 0x4dbf}, {0x4e00, 0x9fff}, // CJK ideographs
	{0xac00, 0xd7a3}, // Hangul syllables
	{0xff01, 0xff60}, // fullwidth forms
}

// plainRune reports whether r is in plainRanges.
func plainRune(r rune) bool {
	for _, rg := range plainRanges {
		if r < rg[0] {
			return false
		}
		if r <= rg[1] {
			return true
		}
	}
	return false
}

// needsNormalize reports whether s may hold a cluster normalize changes:
// a code point from U+0300 on outside plainRanges, or a soft hyphen.
// Invalid UTF-8 counts as needing it (normalize leaves it alone).
func needsNormalize(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0xad || r >= 0x300 && !plainRune(r) || r == utf8.RuneError && size == 1 {
			return true
		}
		i += size
	}
	return false
}

// runeWidths is the width of the runes of c added up, as a terminal that
// measures code points (tmux, wcwidth) sees them.
func runeWidths(c string) int {
	w := 0
	for _, r := range c {
		w += runewidth.RuneWidth(r)
	}
	return w
}

// normalize makes s measure the same for the UI and for terminals (see
// above): bidi controls become visible ("<U+202E>"), format characters are
// removed, a cluster holding a joiner, a variation selector, a skin tone or
// a regional indicator is replaced by its first code point (the base
// emoji), and any other cluster whose widths disagree becomes U+FFFD.
// Control characters and invalid UTF-8 are left for the caller. s itself
// is returned when nothing changes.
func normalize(s string) string {
	if !needsNormalize(s) {
		return s
	}
	var b []byte // nil until something changes
	for i := 0; i < len(s); {
		c, uw := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
		if c == "" { // cannot happen with a non-empty input; never loop
			c, uw = s[i:i+1], 1
		}
		repl, keep := normalCluster(c, uw)
		if !keep && b == nil {
			b = append(make([]byte, 0, len(s)+8), s[:i]...)
		}
		if b != nil {
			if keep {
				b = append(b, c...)
			} else {
				b = append(b, repl...)
			}
		}
		i += len(c)
	}
	if b == nil {
		return s
	}
	return string(b)
}

// normalCluster decides one cluster of width uw (as the UI measures it):
// keep it, or replace it by repl.
func normalCluster(c string, uw int) (repl string, keep bool) {
	r0, n := utf8.DecodeRuneInString(c)
	if r0 < 0x80 && n == len(c) {
		return "", true
	}
	if !utf8.ValidString(c) {
		return "", true // invalid UTF-8: the caller's business
	}
	odd := false // a part some terminals draw and others do not
	for _, r := range c {
		if isBidi(r) || invisible(r) || isEmojiModifier(r) || isRegionalIndicator(r) {
			odd = true
			break
		}
	}
	if !odd && uw == runeWidths(c) {
		return "", true
	}
	return baseOf(c), false
}

// baseOf is what stands for a cluster normalCluster refused: its bidi
// controls shown, its first code point when that one is drawn alike
// everywhere, or else nothing (a format character) or U+FFFD.
func baseOf(c string) string {
	r0, n := utf8.DecodeRuneInString(c)
	switch {
	case isBidi(r0):
		// A bidi control is a cluster of its own (it is a Control for
		// grapheme breaking), so the rest of c is empty.
		return visibleBidi(r0) + normalize(c[n:])
	case invisible(r0):
		return ""
	case r0 < 0x20 || r0 == 0x7f || r0 >= 0x80 && r0 < 0xa0:
		return string(r0) // a control: the caller's business
	case isRegionalIndicator(r0) || isEmojiModifier(r0) || unicode.In(r0, unicode.M):
		return Replacement
	}
	if ansi.StringWidth(c[:n]) != runewidth.RuneWidth(r0) {
		return Replacement
	}
	return c[:n]
}
