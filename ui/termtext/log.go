package termtext

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Bytes and limits of the sanitizer.
const (
	ctrlESC = 0x1b // ESC, the 7-bit escape introducer
	ctrlBEL = 0x07 // BEL, which also ends an OSC string
	ctrlDEL = 0x7f // DEL

	logTabStop = 8 // tabs expand to the next multiple of this display column

	// maxSGRParams caps the parameter bytes of a kept SGR sequence; longer
	// ones (no real colour needs them) are dropped like any other sequence.
	maxSGRParams = 96
)

// sgrReset ends every line whose kept colours left a style open.
const sgrReset = "\x1b[0m"

// SanitizeLog makes one line of untrusted container output safe for a
// terminal. It removes every control character and escape sequence: OSC
// (window title, OSC 52 clipboard writes), DCS, SOS, PM and APC strings,
// CSI sequences other than SGR (cursor moves, erase, scroll regions,
// private modes), single-character and nF escapes, C1 controls in both
// their 8-bit and UTF-8 forms, bare CR, backspace, BEL, DEL and the other
// C0 controls. Unterminated sequences are removed up to the end of the
// line.
//
// SGR colour sequences ("\x1b[…m" with only digits, ';' and ':' in their
// parameters, at most 96 bytes of them) are kept when keepColor is true and
// dropped otherwise; 8-bit CSI SGR is rewritten in the 7-bit form. A line
// that keeps a style open gets "\x1b[0m" appended, so colours never bleed
// into the next line.
//
// Bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)
// are shown as "<U+202E>", never obeyed; format characters (zero-width
// spaces and joiners, variation selectors, tags) are removed, and emoji
// sequences terminals draw at different widths (ZWJ sequences, skin tones,
// VS16, flags) are replaced by their first emoji or U+FFFD, so the UI's
// width of the line is the terminal's.
//
// Tabs expand to spaces up to the next multiple of 8 display columns,
// measured like the UI measures text (grapheme clusters, East Asian wide
// characters and emoji count two; colours count zero). Invalid UTF-8 bytes
// become U+FFFD.
//
// A line with no control byte, no DEL, no C1 character, valid UTF-8 and
// nothing normalize changes is returned as is, without allocating. line must not contain '\n': split
// the log into lines first.
func SanitizeLog(line string, keepColor bool) string {
	switch classify(line) {
	case lineASCII:
		return line
	case lineClean:
		return normalize(line)
	}
	return normalizeColored(sanitizeSlow(line, keepColor))
}

// normalizeColored is normalize for a sanitized line that may hold SGR
// sequences. Grapheme clusters are the plain text's (a combining mark
// after a colour sequence belongs to the text before it, not to the
// sequence's final "m"), so the coloured line shows exactly the plain
// line's text: each sequence stays where it was, or moves to the end of
// the cluster it fell inside.
func normalizeColored(s string) string {
	if strings.IndexByte(s, ctrlESC) < 0 || !needsNormalize(s) {
		return normalize(s) // nothing to normalize in its text either: s itself
	}
	type sgrAt struct {
		at  int // offset in the plain text
		seq string
	}
	var seqs []sgrAt
	var plain strings.Builder
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], ctrlESC)
		if j < 0 {
			plain.WriteString(s[i:])
			break
		}
		plain.WriteString(s[i : i+j])
		end := skipSGRSeq(s, i+j+1)
		seqs = append(seqs, sgrAt{plain.Len(), s[i+j : end]})
		i = end
	}
	p := plain.String()
	if !needsNormalize(p) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	k := 0
	for i := 0; i < len(p); {
		for ; k < len(seqs) && seqs[k].at <= i; k++ {
			b.WriteString(seqs[k].seq)
		}
		c, uw := ansi.FirstGraphemeCluster(p[i:], ansi.GraphemeWidth)
		if c == "" { // cannot happen with a non-empty input; never loop
			c, uw = p[i:i+1], 1
		}
		if repl, keep := normalCluster(c, uw); keep {
			b.WriteString(c)
		} else {
			b.WriteString(repl)
		}
		i += len(c)
	}
	for ; k < len(seqs); k++ {
		b.WriteString(seqs[k].seq)
	}
	return b.String()
}

// SanitizeLogCopy is SanitizeLog, except that the result never shares
// memory with line: a log buffer that keeps it does not pin the page of
// raw bytes line was cut from.
func SanitizeLogCopy(line string, keepColor bool) string {
	switch classify(line) {
	case lineASCII:
		return strings.Clone(line)
	case lineClean:
		if n := normalize(line); n != line || len(n) == 0 {
			return n
		}
		return strings.Clone(line)
	}
	return normalizeColored(sanitizeSlow(line, keepColor))
}

// StripSGR returns s without its SGR sequences: the colour-off form of a
// sanitized line (LogLine.Text → LogLine.Plain). Other ESC sequences, which
// sanitized text never holds, are cut at the ESC. s itself is returned when
// it holds no ESC.
func StripSGR(s string) string {
	i := strings.IndexByte(s, ctrlESC)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[skipSGRSeq(s, i+1):]
		i = strings.IndexByte(s, ctrlESC)
	}
	b.WriteString(s)
	return b.String()
}

// skipSGRSeq returns the end of the CSI sequence whose ESC precedes offset i,
// or i when no '[' follows the ESC.
func skipSGRSeq(s string, i int) int {
	if i >= len(s) || s[i] != '[' {
		return i
	}
	for i++; i < len(s); i++ {
		if c := s[i]; c >= 0x40 && c <= 0x7e {
			return i + 1
		}
	}
	return i
}

// cleanLine tells what SanitizeLog's fast path may skip.
type cleanLine uint8

const (
	lineDirty cleanLine = iota // a control, DEL, C1 or invalid UTF-8
	lineASCII                  // printable ASCII: nothing to do at all
	lineClean                  // valid UTF-8 without controls: normalize only
)

// classify tells whether line needs sanitizing (a C0 control, DEL, a C1
// character, invalid UTF-8), only normalizing, or nothing.
func classify(line string) cleanLine {
	ascii := true
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c < 0x20 || c == ctrlDEL {
			return lineDirty
		}
		if c >= 0x80 {
			ascii = false
			if c == 0xc2 && i+1 < len(line) && line[i+1] < 0xa0 {
				return lineDirty // a C1 character in UTF-8 (or invalid UTF-8)
			}
		}
	}
	switch {
	case ascii:
		return lineASCII
	case utf8.ValidString(line):
		return lineClean
	}
	return lineDirty
}

// sanitizer is the slow path of SanitizeLog: a single left-to-right pass
// that copies text and skips sequences.
type sanitizer struct {
	src    string
	out    strings.Builder
	keep   bool // keep SGR sequences
	styled bool // the last kept SGR opened a style
	col    int  // display columns written before seg
	seg    int  // offset in out of the text not yet measured for tabs
}

// sanitizeSlow sanitizes a line classify found dirty. The result is
// always a fresh string that shares no memory with line.
func sanitizeSlow(line string, keepColor bool) string {
	s := sanitizer{src: line, keep: keepColor}
	s.out.Grow(len(line) + len(sgrReset))
	for i := 0; i < len(line); {
		i = s.step(i)
	}
	if s.styled {
		s.out.WriteString(sgrReset)
	}
	return s.out.String()
}

// step handles the character at offset i and returns the next offset.
func (s *sanitizer) step(i int) int {
	c := s.src[i]
	switch {
	case c == ctrlESC:
		return s.escape(i + 1)
	case c == '\t':
		s.tab()
		return i + 1
	case c < 0x20 || c == ctrlDEL:
		return i + 1 // C0 control (CR, BS, BEL, …) or DEL: dropped
	case c < 0x80:
		s.out.WriteByte(c)
		return i + 1
	}
	return s.nonASCII(i)
}

// nonASCII handles the byte ≥ 0x80 at offset i: a UTF-8 character, a C1
// control (8-bit or UTF-8 encoded) or an invalid byte.
func (s *sanitizer) nonASCII(i int) int {
	r, size := utf8.DecodeRuneInString(s.src[i:])
	switch {
	case r == utf8.RuneError && size == 1:
		if c := s.src[i]; c <= 0x9f {
			return s.c1(c, i+1) // 8-bit C1 control
		}
		s.out.WriteString("\uFFFD")
		return i + 1
	case r >= 0x80 && r <= 0x9f:
		return s.c1(byte(r), i+size)
	}
	s.out.WriteString(s.src[i : i+size])
	return i + size
}

// c1 skips the C1 control code whose introducer ends at offset i, with the
// string or CSI sequence it opens.
func (s *sanitizer) c1(code byte, i int) int {
	switch code {
	case 0x9b: // CSI
		return s.csi(i)
	case 0x9d: // OSC
		return s.skipString(i, true)
	case 0x90, 0x98, 0x9e, 0x9f: // DCS, SOS, PM, APC
		return s.skipString(i, false)
	}
	return i
}

// escape skips the ESC sequence whose ESC ends at offset i.
func (s *sanitizer) escape(i int) int {
	if i >= len(s.src) {
		return i
	}
	switch c := s.src[i]; {
	case c == '[':
		return s.csi(i + 1)
	case c == ']':
		return s.skipString(i+1, true)
	case c == 'P' || c == 'X' || c == '^' || c == '_':
		return s.skipString(i+1, false)
	case c >= 0x20 && c <= 0x2f: // nF: intermediates, then a final byte
		for i < len(s.src) && s.src[i] >= 0x20 && s.src[i] <= 0x2f {
			i++
		}
		if i < len(s.src) && s.src[i] >= 0x30 && s.src[i] <= 0x7e {
			i++
		}
		return i
	case c >= 0x30 && c <= 0x7e: // Fp, Fe, Fs: ESC 7, ESC c, ESC M, …
		return i + 1
	}
	return i // a lone ESC: dropped, the next byte is handled on its own
}

// csi skips the CSI sequence whose introducer ends at offset i, keeping it
// when it is an SGR sequence and colours are kept. A sequence cut short by
// the end of the line or by a byte that cannot belong to it is dropped up
// to that byte, which is then handled on its own.
func (s *sanitizer) csi(i int) int {
	src := s.src
	start := i
	for i < len(src) && src[i] >= 0x30 && src[i] <= 0x3f {
		i++
	}
	params, inter := src[start:i], i
	for i < len(src) && src[i] >= 0x20 && src[i] <= 0x2f {
		i++
	}
	if i >= len(src) || src[i] < 0x40 || src[i] > 0x7e {
		return i
	}
	if src[i] == 'm' && i == inter {
		s.sgr(params)
	}
	return i + 1
}

// sgr keeps the SGR sequence with these parameters if it is safe to.
func (s *sanitizer) sgr(params string) {
	if !s.keep || len(params) > maxSGRParams {
		return
	}
	reset := true
	for i := 0; i < len(params); i++ {
		switch c := params[i]; {
		case c == '0' || c == ';':
		case c >= '1' && c <= '9' || c == ':':
			reset = false
		default:
			return // private parameters (<=>?): not a colour
		}
	}
	s.out.WriteString("\x1b[")
	s.out.WriteString(params)
	s.out.WriteByte('m')
	s.styled = !reset
}

// skipString skips a control string (OSC, DCS, SOS, PM, APC) whose
// introducer ends at offset i, up to its string terminator: ESC '\', 8-bit
// or UTF-8 ST, and for OSC also BEL. An ESC that does not start ST aborts
// the string and starts the next sequence. An unterminated string runs to
// the end of the line.
func (s *sanitizer) skipString(i int, belEnds bool) int {
	src := s.src
	for i < len(src) {
		c := src[i]
		switch {
		case c == ctrlBEL && belEnds:
			return i + 1
		case c == ctrlESC:
			if i+1 < len(src) && src[i+1] == '\\' {
				return i + 2
			}
			return i
		case c < 0x80:
			i++
		default:
			r, size := utf8.DecodeRuneInString(src[i:])
			if r == 0x9c || (size == 1 && c == 0x9c) {
				return i + size
			}
			i += size
		}
	}
	return i
}

// tab writes spaces up to the next tab stop.
func (s *sanitizer) tab() {
	s.col += ansi.StringWidth(normalize(s.out.String()[s.seg:]))
	n := logTabStop - s.col%logTabStop
	for range n {
		s.out.WriteByte(' ')
	}
	s.col += n
	s.seg = s.out.Len()
}
