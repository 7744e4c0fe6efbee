package model

import (
	"fmt"

	"github.com/gapdeck/gapdeck/ui/termtext"
)

// DefaultLogCap is the number of lines a log buffer holds when no cap is
// given: ten times k9s' 5,000, about 10 MB of typical 100-byte lines (twice
// that for coloured lines, which keep a plain copy).
const DefaultLogCap = 50_000

// LineKind tells log lines from the markers gapdeck inserts.
type LineKind uint8

// Kinds of LogLine.
const (
	LineLog        LineKind = iota // a line of the container's log
	LineGap                        // lines between two snapshots were never served
	LineRestart                    // the container restarted; its log started over
	LineTerminated                 // the deployment ended; no more lines will come
)

// String names the kind.
func (k LineKind) String() string {
	switch k {
	case LineLog:
		return "log"
	case LineGap:
		return "gap"
	case LineRestart:
		return "restart"
	case LineTerminated:
		return "terminated"
	}
	return fmt.Sprintf("LineKind(%d)", uint8(k))
}

// LogLine is one line of a stream, already sanitized for the terminal.
type LogLine struct {
	Seq  uint64   // 1-based position in the stream (markers included), never reused
	Kind LineKind // LineLog, or a marker
	// Text is the sanitized line with its SGR colours kept (see termtext.SanitizeLog);
	// every style it opens is reset by its end. Markers carry their message.
	Text string
	// Plain is Text without SGR, for searching and for colour-off rendering.
	// It is the same string as Text when Text has no SGR.
	Plain string
}

// LogBuffer is a ring buffer of lines with a cap; the oldest lines are
// dropped when it is full. The lines it holds always have consecutive Seq
// numbers. Memory grows with use up to the cap, never beyond.
type LogBuffer struct {
	lines   []LogLine // the ring; len(lines) == cap once full
	head    int       // index in lines of the oldest line once full
	cap     int
	dropped uint64
	lastSeq uint64
}

// NewLogBuffer returns an empty buffer holding at most capLines lines;
// capLines <= 0 means DefaultLogCap.
func NewLogBuffer(capLines int) *LogBuffer {
	if capLines <= 0 {
		capLines = DefaultLogCap
	}
	return &LogBuffer{cap: capLines}
}

// Append adds l as the newest line, dropping the oldest one when the
// buffer is full. Append stamps l.Seq (LastSeq()+1) whatever it held, and
// fills an empty Plain from Text.
func (b *LogBuffer) Append(l LogLine) {
	b.lastSeq++
	l.Seq = b.lastSeq
	if l.Plain == "" {
		l.Plain = termtext.StripSGR(l.Text)
	}
	if len(b.lines) < b.cap {
		b.grow()
		b.lines = append(b.lines, l)
		return
	}
	b.lines[b.head] = l
	b.head++
	if b.head == len(b.lines) {
		b.head = 0
	}
	b.dropped++
}

// replaceLast puts l in place of the newest line, keeping its Seq. The
// buffer must not be empty.
func (b *LogBuffer) replaceLast(l LogLine) { b.Replace(b.lastSeq, l) }

// Replace puts l in place of the line with this Seq, keeping the Seq, and
// fills an empty Plain from Text: the way to update a copy of a
// provisional line (see LogStream.Merge). It reports false, changing
// nothing, when that line is not held.
func (b *LogBuffer) Replace(seq uint64, l LogLine) bool {
	i, ok := b.Index(seq)
	if !ok {
		return false
	}
	i += b.head
	if i >= len(b.lines) {
		i -= len(b.lines)
	}
	l.Seq = seq
	if l.Plain == "" {
		l.Plain = termtext.StripSGR(l.Text)
	}
	b.lines[i] = l
	return true
}

// grow makes room for one more line without ever reserving beyond the cap.
func (b *LogBuffer) grow() {
	if len(b.lines) < cap(b.lines) {
		return
	}
	n := min(max(2*cap(b.lines), 64), b.cap)
	lines := make([]LogLine, len(b.lines), n)
	copy(lines, b.lines)
	b.lines = lines
}

// Len is the number of lines held.
func (b *LogBuffer) Len() int { return len(b.lines) }

// Line returns the i-th line held, 0 being the oldest. It panics when i is
// out of [0, Len()).
func (b *LogBuffer) Line(i int) LogLine {
	if i < 0 || i >= len(b.lines) {
		panic(fmt.Sprintf("model: LogBuffer.Line(%d) out of range [0, %d)", i, len(b.lines)))
	}
	i += b.head
	if i >= len(b.lines) {
		i -= len(b.lines)
	}
	return b.lines[i]
}

// Index returns the position of the line with this Seq, if it is held:
// the way for a view to keep its place while old lines are dropped.
func (b *LogBuffer) Index(seq uint64) (int, bool) {
	first := b.lastSeq - uint64(len(b.lines)) + 1
	if len(b.lines) == 0 || seq < first || seq > b.lastSeq {
		return 0, false
	}
	return int(seq - first), true
}

// Dropped is the number of lines evicted so far to stay within the cap.
func (b *LogBuffer) Dropped() uint64 { return b.dropped }

// LastSeq is the Seq of the newest line appended, 0 before the first.
func (b *LogBuffer) LastSeq() uint64 { return b.lastSeq }

// Cap is the most lines the buffer holds.
func (b *LogBuffer) Cap() int { return b.cap }

// Clear forgets every line held (k9s' clear-buffer key). Seq numbers go on
// from LastSeq; cleared lines do not count as Dropped.
func (b *LogBuffer) Clear() {
	clear(b.lines)
	b.lines = b.lines[:0]
	b.head = 0
}

// discard accounts for n lines appended and dropped at once, with every
// line held: it is only called when at least Cap() lines follow, which
// would evict all of them anyway. It saves sanitizing lines that could
// never be shown.
func (b *LogBuffer) discard(n int) {
	b.dropped += uint64(len(b.lines)) + uint64(n)
	b.lastSeq += uint64(n)
	b.Clear()
}
