// Package termtext is the one way text from outside (API answers, error
// bodies, container logs, file names, the user's own input) reaches the
// terminal. It removes or shows in print every control character and
// escape sequence, shows bidirectional controls as <U+202E>, and replaces
// the grapheme clusters that terminals and the UI measure differently, so
// that nothing printed can retitle the window, write the clipboard, move
// the cursor, reorder what the user reads, or wrap a line the UI fitted.
//
// Display text has its own type, Safe. The UI's drawing helpers take Safe,
// and the only ways to make one from a string variable are this package's
// sanitizers: forgetting to sanitize does not compile. (String constants
// convert implicitly: the program's own text is trusted.)
package termtext

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Safe is text that is safe to print on one terminal line: no control
// character (no newline either), no escape sequence, no bidi control, and
// only grapheme clusters whose width terminals agree on. Build it with
// Line, Format, Join or from a string constant; never convert a variable.
type Safe string

// String returns the text.
func (s Safe) String() string { return string(s) }

// Line makes untrusted text safe for one screen line. Tab, CR, LF, VT, FF,
// NEL and the line and paragraph separators become spaces; the other C0
// controls and DEL are shown in caret notation ("^[" for ESC, so an
// escape sequence is printed, not obeyed); C1 controls and invalid UTF-8
// bytes become "?"; bidi controls are shown as "<U+202E>"; format
// characters (zero-width spaces and joiners, variation selectors, tags)
// are removed, and emoji sequences terminals draw at different widths
// (ZWJ sequences, skin tones, VS16, flags) are replaced by their first
// emoji or U+FFFD. Printable ASCII is returned as is, without allocating.
func Line(s string) Safe {
	if isPrintableASCII(s) {
		return Safe(s)
	}
	return Safe(normalize(printable(s)))
}

// Lines splits untrusted multi-line text at its line breaks (LF, CRLF) and
// makes every line safe.
func Lines(s string) []Safe {
	parts := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := make([]Safe, len(parts))
	for i, p := range parts {
		out[i] = Line(p)
	}
	return out
}

// Join joins safe parts with a safe separator.
func Join(parts []Safe, sep Safe) Safe {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(string(sep))
		}
		b.WriteString(string(p))
	}
	return Safe(b.String())
}

// JoinLines joins lines with "\n", for a block of several screen lines.
// The result is not a Safe (a Safe is one line) but holds nothing else
// than the safe lines and their line breaks.
func JoinLines(lines []Safe) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(string(l))
	}
	return b.String()
}

// Format is fmt.Sprintf for display text: the format is trusted (a
// constant or a Safe), and every argument that carries text is sanitized
// with Line first: strings, errors, fmt.Stringers, byte slices and
// anything else printed with %v. Numbers, booleans, durations and times
// are printed as fmt prints them. The result is made safe once more, so
// a verb such as %q or %x cannot smuggle anything through.
func Format(format Safe, args ...any) Safe {
	clean := make([]any, len(args))
	for i, a := range args {
		clean[i] = safeArg(a)
	}
	return Line(fmt.Sprintf(string(format), clean...))
}

// safeArg is a's value with its text sanitized.
func safeArg(a any) any {
	switch v := a.(type) {
	case Safe:
		return string(v)
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, time.Duration:
		return v
	case string:
		return string(Line(v))
	case []byte:
		return string(Line(string(v)))
	case error:
		return string(Line(v.Error()))
	case time.Time:
		return v
	case fmt.Stringer:
		return string(Line(v.String()))
	}
	return string(Line(fmt.Sprint(a)))
}

// Error is the text of err for display, sanitized ("" for nil).
func Error(err error) Safe {
	if err == nil {
		return ""
	}
	return Line(err.Error())
}

// isPrintableASCII reports whether s holds only bytes 0x20–0x7E.
func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// printable replaces the control characters and invalid bytes of s (see
// Line). Bidi controls were already made visible by normalize.
func printable(s string) string {
	var b []byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var repl string
		switch {
		case r == utf8.RuneError && size == 1:
			repl = "?"
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			repl = " "
		case r < 0x20 || r == 0x7f:
			repl = string([]byte{'^', byte(r) ^ 0x40})
		case r >= 0x80 && r < 0xa0:
			repl = "?"
		case isBidi(r):
			repl = visibleBidi(r)
		default:
			if b != nil {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(s)+8), s[:i]...)
		}
		b = append(b, repl...)
		i += size
	}
	if b == nil {
		return s
	}
	return string(b)
}

// ErrNothingToCopy is returned by Clipboard when nothing printable is left.
var ErrNothingToCopy = errors.New("nothing printable left to copy")

// Clipboard cleans untrusted text before it is put on the clipboard, where
// a paste into a shell would run whatever follows a newline: escape
// sequences are removed whole, every control character (CR, LF and tab
// included), bidi control and format character is removed, and so are
// the emoji sequences Line replaces. It reports whether anything was
// removed, and ErrNothingToCopy when nothing printable is left.
func Clipboard(s string) (clean string, changed bool, err error) {
	// Line breaks, tabs and bidi controls go first (invalid bytes stay
	// as they are: an 8-bit C1 control must still open its sequence).
	var flat []byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !(r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || isBidi(r)) {
			flat = append(flat, s[i:i+size]...)
		}
		i += size
	}
	// Then escape sequences, whole, the other controls and format
	// characters; emoji sequences are replaced as on screen.
	clean = strings.TrimSpace(SanitizeLog(string(flat), false))
	if clean == "" {
		return "", s != "", ErrNothingToCopy
	}
	return clean, clean != s, nil
}

// Check reports the first thing in s, a rendered screen, that must never
// reach a terminal: an escape sequence other than SGR ("\x1b[…m"), a C0
// control other than '\n', DEL, a C1 control, a bidi control, a format
// character, or invalid UTF-8. It returns nil when s is clean. Tests use
// it on every view; it is cheap enough for a debug assertion.
func Check(s string) error {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Errorf("invalid UTF-8 byte %#x at %d", s[i], i)
		case r == 0x1b:
			n := sgrLen(s[i:])
			if n == 0 {
				return fmt.Errorf("escape sequence %q at %d", clip(s[i:]), i)
			}
			i += n
			continue
		case r == '\n':
		case r < 0x20 || r == 0x7f:
			return fmt.Errorf("control %#x at %d", r, i)
		case r >= 0x80 && r < 0xa0:
			return fmt.Errorf("C1 control %#x at %d", r, i)
		case isBidi(r):
			return fmt.Errorf("bidi control %U at %d", r, i)
		case invisible(r):
			return fmt.Errorf("format character %U at %d", r, i)
		}
		i += size
	}
	return nil
}

// sgrLen is the length of the SGR sequence s starts with, or 0.
func sgrLen(s string) int {
	if len(s) < 3 || s[1] != '[' {
		return 0
	}
	for i := 2; i < len(s); i++ {
		switch c := s[i]; {
		case c == 'm':
			return i + 1
		case c >= '0' && c <= '9' || c == ';' || c == ':':
		default:
			return 0
		}
	}
	return 0
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 16 {
		return s[:16]
	}
	return s
}
