// Package linediff trims what Bubble Tea v1 sends to the terminal: when
// a frame writes a line again, only the cells that changed are sent,
// placed with a cursor move, instead of the whole line.
//
// Bubble Tea v1's renderer already skips the lines equal to the last
// frame's, but writes every changed line whole: a table row whose age
// went from "3m" to "4m" costs its full width in bytes (with a colour
// escape per cell, about 270 bytes at 200 columns). Issue 16 measured an
// idle console at 57 KB per minute that way, most of it rows where a
// cell or two changed.
//
// A Writer sits between the program and the terminal (tea.WithOutput).
// It understands only the alternate-screen frames of the standard
// renderer (bubbletea v1.3.x standard_renderer.go, flush): cursor home,
// then per line either a bare "\n" (unchanged) or the line, an erase to
// its end when it is shorter than the screen, and "\r\n"; an erase below
// and a cursor position at the end. It keeps what each line shows, as
// cells (a grapheme and the SGR attributes it was drawn with). A line
// written again is compared with what the terminal shows; the changed
// span goes out alone, from a CHA (cursor to column) move. Anything else
// (a first or full repaint, a clear, a resize's repaint, escapes other
// than SGR inside a line, any write that is not a frame) passes through
// unchanged and makes it forget the lines it touches, or all of them, so
// the worst it can do is send what Bubble Tea would have.
package linediff

import (
	"bytes"
	"io"
	"os"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Writer rewrites Bubble Tea frames written to it before they reach out.
type Writer struct {
	mu    sync.Mutex
	out   io.Writer
	lines map[int][]cell // what each screen line shows, when known
	buf   bytes.Buffer
	p     *ansi.Parser
}

// cell is one grapheme on the screen and the SGR sequences in effect
// (concatenated since the last reset; "" for none).
type cell struct {
	g     string
	sgr   string
	width int
}

// New returns a Writer sending to out.
func New(out io.Writer) *Writer {
	return &Writer{out: out, lines: map[int][]cell{}, p: ansi.NewParser()}
}

var (
	home        = []byte(ansi.CursorHomePosition) // "\x1b[H"
	eraseRight  = []byte(ansi.EraseLineRight)     // "\x1b[K"
	eraseBelow  = []byte(ansi.EraseScreenBelow)   // "\x1b[J"
	crlf        = []byte("\r\n")
	resetSGR    = "\x1b[0m"
	maxLineKept = 1000 // lines beyond are never tracked
)

// Write sends p to the terminal, a frame's changed lines as their
// changed cells. It reports len(p) written when the terminal took what
// it was sent.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	out, ok := w.frame(p)
	if !ok {
		clear(w.lines) // not a frame we understand: the screen is unknown
		out = p
	}
	if _, err := w.out.Write(out); err != nil {
		clear(w.lines)
		return 0, err
	}
	return len(p), nil
}

// frame rewrites one standard-renderer frame; false: p is not one.
func (w *Writer) frame(p []byte) ([]byte, bool) {
	if !bytes.HasPrefix(p, home) {
		return nil, false
	}
	body := p[len(home):]
	// A first or full repaint (after a resize, a clear) starts with a
	// carriage return and writes every line: it goes out as it is, and
	// what it shows is all there is on the screen.
	full := bytes.HasPrefix(body, []byte("\r"))
	// The tail: an optional erase below, then the cursor's position.
	end := bytes.LastIndexByte(body, 0x1b)
	if end < 0 || !bytes.HasSuffix(body, []byte("H")) || !isCursorPosition(body[end:]) {
		return nil, false
	}
	tail := body[end:]
	body = body[:end]
	below := false
	if bytes.HasSuffix(body, eraseBelow) {
		below = true
		tail = p[len(home)+len(body)-len(eraseBelow):]
		body = body[:len(body)-len(eraseBelow)]
	}
	segs := bytes.Split(body, []byte("\n"))
	if full {
		clear(w.lines)
		for i, seg := range segs {
			seg = bytes.TrimSuffix(bytes.TrimPrefix(seg, []byte("\r")), []byte("\r"))
			w.remember(i, seg)
		}
		return p, true
	}
	w.buf.Reset()
	w.buf.Write(home)
	for i, seg := range segs {
		last := i == len(segs)-1
		if len(seg) == 0 { // unchanged: the renderer moved down
			if !last {
				w.buf.WriteByte('\n')
			}
			continue
		}
		if !last {
			if !bytes.HasSuffix(seg, []byte("\r")) {
				return nil, false
			}
			seg = seg[:len(seg)-1]
		}
		w.line(i, seg)
		if !last {
			w.buf.Write(crlf)
		}
	}
	if below {
		for i := range w.lines {
			if i >= len(segs) {
				delete(w.lines, i)
			}
		}
	}
	w.buf.Write(tail)
	return w.buf.Bytes(), true
}

// isCursorPosition reports whether s is one CUP sequence ("\x1b[12;1H",
// "\x1b[50;H").
func isCursorPosition(s []byte) bool {
	if len(s) < 3 || s[0] != 0x1b || s[1] != '[' || s[len(s)-1] != 'H' {
		return false
	}
	for _, c := range s[2 : len(s)-1] {
		if (c < '0' || c > '9') && c != ';' {
			return false
		}
	}
	return true
}

// remember notes what line i shows after seg was written whole.
func (w *Writer) remember(i int, seg []byte) {
	cells, ok := w.cells(bytes.TrimSuffix(seg, eraseRight))
	if !ok || i >= maxLineKept {
		delete(w.lines, i)
		return
	}
	w.lines[i] = cells
}

// line writes screen line i, seg as the renderer wrote it: the changed
// span when the line's cells are known, else seg whole.
func (w *Writer) line(i int, seg []byte) {
	erase := bytes.HasSuffix(seg, eraseRight)
	old, known := w.lines[i]
	w.remember(i, seg)
	cells, readable := w.lines[i]
	if !known || !readable {
		w.buf.Write(seg)
		return
	}
	// The common start, by cells; the common end, when the line keeps its
	// width (else the rest is written and erased as the renderer would).
	p := 0
	for p < len(cells) && p < len(old) && cells[p] == old[p] && plain(cells[p]) {
		p++
	}
	q, oq := len(cells), len(old)
	sameWidth := width(cells) == width(old)
	if sameWidth && allPlain(cells[p:]) && allPlain(old[p:]) {
		for q > p && oq > p && cells[q-1] == old[oq-1] {
			q--
			oq--
		}
	}
	if p == len(cells) && sameWidth && len(cells) == len(old) {
		return // the same cells: nothing to send
	}
	col := width(cells[:p])
	var b bytes.Buffer
	b.WriteString(ansi.CursorHorizontalAbsolute(col + 1))
	sgr := "\x00" // the terminal's attributes are unknown here
	for _, c := range cells[p:q] {
		if c.sgr != sgr {
			b.WriteString(resetSGR)
			b.WriteString(c.sgr)
			sgr = c.sgr
		}
		b.WriteString(c.g)
	}
	if sgr != "" && sgr != "\x00" {
		b.WriteString(resetSGR)
	}
	if !sameWidth && erase {
		b.Write(eraseRight)
	}
	if !sameWidth && !erase && width(cells) < width(old) {
		b.Write(eraseRight) // cannot happen with the renderer; be safe
	}
	if b.Len() >= len(seg) {
		w.buf.Write(seg) // the whole line is as short
		return
	}
	w.buf.Write(b.Bytes())
}

// plain reports whether c is one rune one column wide. A cursor move
// lands after the cells before it only where the terminal agrees on their
// widths; past a wide or combined character it may not (emoji widths
// differ between terminals), so the changed span starts there instead.
func plain(c cell) bool {
	return c.width == 1 && utf8.RuneCountInString(c.g) == 1
}

// allPlain reports whether every cell is plain.
func allPlain(cells []cell) bool {
	for _, c := range cells {
		if !plain(c) {
			return false
		}
	}
	return true
}

// width is the columns cells take.
func width(cells []cell) int {
	n := 0
	for _, c := range cells {
		n += c.width
	}
	return n
}

// cells splits a line into cells; false when it holds anything but
// printable text and SGR sequences (such a line is never diffed).
func (w *Writer) cells(text []byte) ([]cell, bool) {
	var out []cell
	sgr := ""
	var state byte
	for len(text) > 0 {
		seq, wd, n, st := ansi.DecodeSequence(text, state, w.p)
		state = st
		switch {
		case n == 0:
			return nil, false
		case seq[0] == 0x1b:
			if !isSGR(seq) {
				return nil, false
			}
			if isReset(seq) {
				sgr = ""
			} else {
				sgr += string(seq)
			}
		case seq[0] < 0x20 || seq[0] == 0x7f:
			return nil, false // a control character
		default:
			if wd == 0 {
				return nil, false // zero-width: leave it to whole lines
			}
			out = append(out, cell{g: string(seq), sgr: sgr, width: wd})
		}
		text = text[n:]
	}
	return out, true
}

// isSGR reports whether seq is "ESC [ params m".
func isSGR(seq []byte) bool {
	if len(seq) < 3 || seq[1] != '[' || seq[len(seq)-1] != 'm' {
		return false
	}
	for _, c := range seq[2 : len(seq)-1] {
		if (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// isReset reports whether an SGR sequence resets every attribute.
func isReset(seq []byte) bool {
	params := string(seq[2 : len(seq)-1])
	return params == "" || params == "0"
}

// File is a Writer that is also the terminal's file, so Bubble Tea can
// still read the terminal's size and put it in raw mode through it.
type File struct {
	*Writer
	f *os.File
}

// NewFile returns a File writing through a Writer to f.
func NewFile(f *os.File) *File { return &File{Writer: New(f), f: f} }

// Read reads from the terminal.
func (f *File) Read(p []byte) (int, error) { return f.f.Read(p) }

// Close closes the terminal's file.
func (f *File) Close() error { return f.f.Close() }

// Fd is the terminal's file descriptor.
func (f *File) Fd() uintptr { return f.f.Fd() }
