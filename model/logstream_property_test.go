package model

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/ui/termtext"
)

// logPropContainer is the ground truth of a property run: a container whose
// runs write lines, some of them repeated values, served through a window
// of the last w complete lines plus, sometimes, the line being written.
type logPropContainer struct {
	rng      *rand.Rand
	run      int      // restart_count
	lines    []string // complete lines of the current run, raw
	crlf     []bool   // whether each line ended in "\r\n"
	next     string   // the line being written
	nextCRLF bool
	uniq     int
}

func newLogPropContainer(seed uint64) *logPropContainer {
	c := &logPropContainer{rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
	c.next, c.nextCRLF = c.newLine()
	return c
}

// newLine draws a line: a third are repeated values (ticks, empty lines,
// coloured and hostile lines), the rest unique.
func (c *logPropContainer) newLine() (string, bool) {
	crlf := c.rng.IntN(4) == 0
	switch r := c.rng.IntN(100); {
	case r < 20:
		return "tick", crlf
	case r < 25:
		return "", crlf
	case r < 29:
		return "heartbeat ok", crlf
	case r < 32:
		return "\x1b[33mWARN\x1b[0m slow tick", crlf
	case r < 34:
		return "chat: \x1b]0;pwned\x07gg\x1b[2J\rbanned", crlf
	case r < 35:
		return "tab\there", crlf
	}
	c.uniq++
	return fmt.Sprintf("event %d of run %d", c.uniq, c.run), crlf
}

func (c *logPropContainer) write(n int) {
	for range n {
		c.lines = append(c.lines, c.next)
		c.crlf = append(c.crlf, c.nextCRLF)
		c.next, c.nextCRLF = c.newLine()
	}
}

func (c *logPropContainer) restart() {
	c.run++
	c.lines, c.crlf = nil, nil
}

// snapshot serves the last w complete lines, and with partial a prefix of
// the line being written. It returns the window's first line index.
func (c *logPropContainer) snapshot(w int, partial bool) (*api.ContainerLogs, int, string) {
	lo := max(0, len(c.lines)-w)
	var b strings.Builder
	for i := lo; i < len(c.lines); i++ {
		b.WriteString(c.lines[i])
		if c.crlf[i] {
			b.WriteString("\r\n")
		} else {
			b.WriteString("\n")
		}
	}
	part := ""
	if partial && c.next != "" {
		k := 1 + c.rng.IntN(len(c.next))
		part = c.next[:k]
		if k == len(c.next) && c.nextCRLF && c.rng.IntN(2) == 0 {
			part += "\r"
		}
	}
	b.WriteString(part)
	sn := &api.ContainerLogs{Logs: b.String(), Encoding: "utf-8"}
	if c.run > 0 {
		sn.CrashData = &api.CrashData{ExitCode: 137, Message: "OOM killed", RestartCount: api.Int(c.run)}
	}
	return sn, lo, part
}

// logPropItem is one expected line of the stream.
type logPropItem struct {
	kind  LineKind
	plain string // for LineLog
}

// logPropOracle is what a perfect merger shows, given the true position of
// every window. A run's lines written after its last poll are never
// served: the restart marker stands for them. A window that does not
// overlap the lines seen is marked with one gap marker, even when it starts
// right after them (nothing was lost, but with no line numbers nothing
// can tell).
type logPropOracle struct {
	want    []logPropItem
	started bool // a snapshot was merged
	run     int  // the run of the last snapshot merged
	seg     int  // first line (index in the run) since the last marker
	hi      int  // lines of the run seen
	// held: a provisional line is shown, prov (sanitized), from the
	// incomplete line provRaw.
	held          bool
	prov, provRaw string
}

// expect returns the lines merging the window [lo, len(c.lines)) must
// append, and whether the window is ambiguous: the information a merger
// has (the last 64 lines seen since the last marker, and the window)
// cannot tell the truth from another history, so no merger could be
// exact. Ambiguous polls are not merged.
func (o *logPropOracle) expect(c *logPropContainer, lo int) (exp []logPropItem, gap, restart, ambiguous bool) {
	n := len(c.lines)
	win := c.lines[lo:n]
	switch {
	case o.started && c.run != o.run:
		return append([]logPropItem{{kind: LineRestart}}, logItems(win)...), false, true, false
	case n == lo:
		return nil, false, false, false
	case o.hi == o.seg: // nothing seen since the last marker: no anchor
		return logItems(win), false, false, o.started && lo > o.hi
	}
	tail := c.lines[max(o.seg, o.hi-logTailLines):o.hi]
	j, ok := logRefOverlap(tail, win)
	if lo < o.hi {
		return logItems(c.lines[o.hi:n]), false, false, !ok || j != o.hi-1-lo
	}
	return append([]logPropItem{{kind: LineGap}}, logItems(win)...), true, false, ok
}

// advance records a merged window and returns the MergeResult a merge
// must give. A provisional line (the incomplete last line, shown) is
// replaced in place by the next complete line or a changed incomplete one,
// and kept as shown before a marker.
func (o *logPropOracle) advance(c *logPropContainer, lo int, exp []logPropItem, gap, restart bool, part string) MergeResult {
	n := len(c.lines)
	switch {
	case restart || gap || (!o.started && n > lo):
		o.seg, o.hi = lo, n
	case n > lo:
		o.hi = n
	}
	o.started, o.run = true, c.run
	r := MergeResult{Added: len(exp), Gap: gap, Restarted: restart, Pending: part != ""}
	if len(exp) > 0 && o.held {
		if exp[0].kind == LineLog {
			r.Added--
			r.Replaced = true
		} else {
			o.want = append(o.want, logPropItem{kind: LineLog, plain: o.prov})
		}
		o.held = false
	}
	o.want = append(o.want, exp...)
	if p := logTrimCR(part); p != "" {
		switch {
		case !o.held:
			r.Added++
		case part != o.provRaw:
			r.Replaced = true
		}
		o.held, o.prov, o.provRaw = true, termtext.SanitizeLog(p, false), part
	}
	return r
}

// logRefOverlap is the reference merger: the last index j of win such that
// win[..j] ends with the tail (compared over as many lines as both have),
// the longest consistent overlap.
func logRefOverlap(tail, win []string) (int, bool) {
	for j := len(win) - 1; j >= 0; j-- {
		ok := true
		for i := 0; i < len(tail) && i <= j && ok; i++ {
			ok = win[j-i] == tail[len(tail)-1-i]
		}
		if ok {
			return j, true
		}
	}
	return 0, false
}

func logItems(lines []string) []logPropItem {
	out := make([]logPropItem, len(lines))
	for i, l := range lines {
		out[i] = logPropItem{kind: LineLog, plain: termtext.SanitizeLog(l, false)}
	}
	return out
}

// logPropStats sums what the seeds exercised.
type logPropStats struct {
	polls, gaps, restarts, pending, repeatAnchors int
	// Ambiguous polls, not merged: no anchor (nothing seen since a
	// restart, and lines skipped), an overlap that looks longer than it is,
	// a gap that looks like an overlap.
	ambiguous, noAnchor, falseLonger, falseOverlap int
}

// TestMergeProperty cuts random logs into random windows (sizes from 1 to
// a few hundred lines, polls at random times so that some see nothing new,
// some overlap a lot and some skip lines), with incomplete last lines, CRLF
// endings, repeated lines and restarts, and checks that the stream is
// exactly the truth with one marker per gap and per restart, in a large
// buffer and in a small one.
func TestMergeProperty(t *testing.T) {
	var total logPropStats
	for seed := range uint64(300) {
		st := runLogMergeProperty(t, seed)
		total.polls += st.polls
		total.ambiguous += st.ambiguous
		total.noAnchor += st.noAnchor
		total.falseLonger += st.falseLonger
		total.falseOverlap += st.falseOverlap
		total.gaps += st.gaps
		total.restarts += st.restarts
		total.pending += st.pending
		total.repeatAnchors += st.repeatAnchors
		if t.Failed() {
			t.Fatalf("seed %d failed", seed)
		}
	}
	t.Logf("%+v", total)
	if total.gaps < 100 || total.restarts < 100 || total.pending < 100 || total.repeatAnchors < 100 {
		t.Errorf("the seeds exercise too little: %+v", total)
	}
	if total.ambiguous*10 > total.polls {
		t.Errorf("too many ambiguous polls: %+v", total)
	}
}

func runLogMergeProperty(t *testing.T, seed uint64) logPropStats {
	c := newLogPropContainer(seed)
	rng := c.rng
	var w int
	switch rng.IntN(4) {
	case 0:
		w = 1 + rng.IntN(8)
	case 1, 2:
		w = 1 + rng.IntN(100)
	default:
		w = 64 + rng.IntN(200)
	}
	smallCap := 1 + rng.IntN(80)
	big, small := NewLogStream(1<<20), NewLogStream(smallCap)
	var o logPropOracle
	var st logPropStats
	runMerged := false
	for range 150 + rng.IntN(150) {
		if runMerged && rng.IntN(30) == 0 {
			c.restart()
			runMerged = false
		}
		switch r := rng.IntN(100); {
		case r < 35:
		case r < 75:
			c.write(1 + rng.IntN(3))
		case r < 93:
			c.write(1 + rng.IntN(w))
		default:
			c.write(w + rng.IntN(2*w+1))
		}
		if rng.IntN(3) == 0 {
			continue
		}
		sn, lo, part := c.snapshot(w, rng.IntN(3) == 0)
		st.polls++
		exp, gap, restart, ambiguous := o.expect(c, lo)
		if ambiguous {
			st.ambiguous++
			switch {
			case o.hi == o.seg:
				st.noAnchor++
			case lo < o.hi:
				st.falseLonger++
			default:
				st.falseOverlap++
			}
			continue
		}
		if c.run == o.run && o.hi > o.seg && lo < o.hi && countLine(c.lines[lo:], c.lines[o.hi-1]) > 1 {
			st.repeatAnchors++ // the last line seen appears more than once in the window
		}
		r := big.Merge(sn)
		small.Merge(sn)
		if want := o.advance(c, lo, exp, gap, restart, part); r != want {
			t.Errorf("seed %d poll %d: Merge = %+v, want %+v\nsnapshot %q", seed, st.polls, r, want, sn.Logs)
			return st
		}
		runMerged = true
		st.gaps += logB2i(gap)
		st.restarts += logB2i(restart)
		st.pending += logB2i(part != "")
	}
	big.Terminated()
	small.Terminated()
	if o.held {
		o.want = append(o.want, logPropItem{kind: LineLog, plain: o.prov})
	}
	o.want = append(o.want, logPropItem{kind: LineTerminated})
	checkLogPropStream(t, seed, "big", big.Buffer(), o.want)
	checkLogPropStream(t, seed, fmt.Sprintf("cap %d", smallCap), small.Buffer(), o.want)
	return st
}

// checkLogPropStream checks that b holds the last lines of want, numbered
// 1…len(want).
func checkLogPropStream(t *testing.T, seed uint64, name string, b *LogBuffer, want []logPropItem) {
	t.Helper()
	if b.LastSeq() != uint64(len(want)) || b.Dropped() != uint64(len(want)-b.Len()) || b.Len() != min(len(want), b.Cap()) {
		t.Errorf("seed %d %s: last %d dropped %d len %d, want %d lines", seed, name, b.LastSeq(), b.Dropped(), b.Len(), len(want))
		return
	}
	off := len(want) - b.Len()
	for i := range b.Len() {
		l, w := b.Line(i), want[off+i]
		if l.Seq != uint64(off+i+1) || l.Kind != w.kind || (w.kind == LineLog && l.Plain != w.plain) {
			t.Errorf("seed %d %s: line %d = %d %v %q, want %v %q", seed, name, i, l.Seq, l.Kind, l.Plain, w.kind, w.plain)
			return
		}
		if l.Plain != termtext.StripSGR(l.Text) {
			t.Errorf("seed %d %s: line %d Plain %q is not Text %q without SGR", seed, name, i, l.Plain, l.Text)
			return
		}
	}
}

func countLine(lines []string, line string) (n int) {
	for _, l := range lines {
		n += logB2i(l == line)
	}
	return n
}

func logB2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
