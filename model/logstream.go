package model

import (
	"fmt"
	"hash/maphash"
	"strings"
	"unicode/utf8"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/ui/termtext"
)

// MaxLineBytes caps one log line: the bytes beyond it are cut (the line
// says how many), so one runaway line cannot hold megabytes per buffer
// slot.
const MaxLineBytes = 16 << 10

// logTailLines is how many of the last complete lines a stream remembers (as
// hashes) to find where a new snapshot overlaps what it has seen.
const logTailLines = 64

// Marker texts.
const (
	logGapText        = "… lines not retrieved: the log moved faster than it was polled (how many, if any, is unknown: the API gives no line numbers) …"
	logTerminatedText = "— deployment terminated; logs are no longer served —"
)

// MergeResult tells what one snapshot changed.
type MergeResult struct {
	Added     int  // lines appended, markers included: the growth of Buffer().LastSeq()
	Gap       bool // a LineGap marker was appended
	Restarted bool // a LineRestart marker was appended
	Pending   bool // the snapshot ends in an incomplete line (shown provisionally)
	// Replaced: the provisional line that was the newest before the merge
	// got new text in place (its Seq kept), because the snapshot extended
	// or completed it.
	Replaced bool
}

// LogStream turns the snapshots the API serves (the whole current log, or
// its last part) into one stream that loses nothing it was shown, repeats
// nothing and stays within its buffer's cap.
//
// It remembers hashes of the last 64 complete lines it has seen, not the
// snapshots: Merge finds where a new snapshot's lines continue that tail
// by scanning the snapshot backwards from its end, so its cost follows the
// new part of the snapshot, not its size, and an unchanged snapshot costs
// no allocation. Every line kept is a copy that shares no memory with the
// snapshot.
//
// Markers stand where continuity is lost: LineGap when a snapshot does not
// overlap the lines seen before (the API's window slid past lines never
// served, or possibly just past the last line seen: with no line numbers
// the two look alike), LineRestart when the container restarted, and
// LineTerminated once the deployment has ended.
type LogStream struct {
	buf  *LogBuffer
	seed maphash.Seed
	tail logTail

	// Shape of the last snapshot merged, for telling restarts from gaps.
	prevLen      int // bytes of Logs
	prevComplete int // bytes of its complete lines
	prevLines    int // its complete lines: exact, or a lower bound once the window slides

	restarts int64 // crash_data.restart_count last seen

	pending     string // the incomplete last line, raw (capped at MaxLineBytes)
	pendingHash uint64
	pendingLen  int
	// prov: the buffer's newest line, Seq provSeq, is the provisional
	// incomplete line: the next complete line (or a longer incomplete one)
	// replaces it in place. replaced notes that a merge did so.
	prov     bool
	provSeq  uint64
	replaced bool

	crashLogs  string
	crashHash  uint64
	haveCrash  bool
	crash      *api.CrashData
	link       string // sanitized
	linkRaw    string
	snapshots  int
	terminated bool
}

// NewLogStream returns an empty stream whose buffer holds capLines lines
// (capLines <= 0: DefaultLogCap).
func NewLogStream(capLines int) *LogStream {
	return &LogStream{buf: NewLogBuffer(capLines), seed: maphash.MakeSeed()}
}

// Buffer is the stream's lines.
func (s *LogStream) Buffer() *LogBuffer { return s.buf }

// Crash returns the last crash_logs seen, sanitized line by line with
// colours kept, and the last crash_data seen (nil if none; do not modify).
func (s *LogStream) Crash() (logs string, data *api.CrashData) { return s.crashLogs, s.crash }

// LogsLink is the last logs_link seen ("" if none).
func (s *LogStream) LogsLink() string { return s.link }

// Snapshots is the number of snapshots merged.
func (s *LogStream) Snapshots() int { return s.snapshots }

// Terminated appends the LineTerminated marker, once: the deployment has
// ended and its logs are no longer served. An incomplete last line already
// shown stays as it is (it will never be completed). It returns false if
// the marker was already added. Merge ignores snapshots after it.
func (s *LogStream) Terminated() bool {
	if s.terminated {
		return false
	}
	s.terminated = true
	s.prov = false
	s.pending = ""
	s.buf.Append(LogLine{Kind: LineTerminated, Text: logTerminatedText, Plain: logTerminatedText})
	return true
}

// provHeld reports whether the buffer's newest line is the provisional
// one (it is not after a Clear or once later lines evicted it).
func (s *LogStream) provHeld() bool {
	return s.prov && s.buf.Len() > 0 && s.buf.LastSeq() == s.provSeq
}

// put appends l, or puts it in place of the provisional line: the next
// complete line is that line completed.
func (s *LogStream) put(l LogLine) {
	if s.provHeld() {
		s.buf.replaceLast(l)
		s.replaced = true
	} else {
		s.buf.Append(l)
	}
	s.prov = false
}

// showPending shows the snapshot's incomplete last line: in place of the
// provisional line still held when it changed, else as a new provisional
// line. A snapshot without one leaves a provisional line as it is.
func (s *LogStream) showPending(partial string) {
	if logTrimCR(partial) == "" {
		return
	}
	held := s.provHeld()
	if !s.notePending(partial) && held {
		return // unchanged: no work, no allocation
	}
	p := logTrimCR(s.pending)
	size := len(p)
	if len(s.pending) < s.pendingLen {
		size = s.pendingLen // the copy was capped
	}
	l := logLineOf(p, size)
	if held {
		s.buf.replaceLast(l)
		s.replaced = true
		return
	}
	s.buf.Append(l)
	s.prov, s.provSeq = true, s.buf.LastSeq()
}

// Merge folds one snapshot into the stream. Lines are split on "\n" ("\r\n"
// is one line end); a last line without "\n" is incomplete: it is shown as
// a provisional line, which the next complete line (or a longer
// incomplete one) replaces in place, keeping its Seq, so it is never
// shown twice. A marker ends it as shown. The lines after the part that
// overlaps the tail seen so far are appended; with no overlap, a LineGap
// or LineRestart marker comes first, then all of the snapshot's lines.
//
// A restart is a rise of crash_data.restart_count, or a log that shrank to
// a new start: fewer lines and fewer bytes than the last snapshot, with no
// overlap or with an overlap that reaches back to the snapshot's first
// line. An empty snapshot (no complete line) changes nothing unless the
// restart count rose. A nil snapshot, and any after Terminated, is ignored.
func (s *LogStream) Merge(snap *api.ContainerLogs) MergeResult {
	if snap == nil || s.terminated {
		return MergeResult{}
	}
	first := s.snapshots == 0
	s.snapshots++
	bump := s.noteCrash(snap, first)
	s.noteLink(snap.LogsLink)
	complete, partial := logSplitPartial(snap.Logs)
	res := MergeResult{Pending: partial != ""}
	before := s.buf.LastSeq()
	s.replaced = false
	switch {
	case bump > 0:
		res.Restarted = true
		s.startOver(logRestartText(bump, snap.CrashData), LineRestart, complete)
	case complete == "":
	case s.tail.n == 0:
		s.appendAll(complete)
	default:
		s.mergeTail(snap.Logs, complete, &res)
	}
	if bump > 0 || complete != "" {
		s.prevLen, s.prevComplete = len(snap.Logs), len(complete)
	}
	s.showPending(partial)
	res.Added, res.Replaced = int(s.buf.LastSeq()-before), s.replaced
	return res
}

// mergeTail merges complete, the snapshot's complete lines, after the tail
// seen so far.
func (s *LogStream) mergeTail(logs, complete string, res *MergeResult) {
	end, walked, atStart, ok := s.findOverlap(complete)
	if !ok {
		n := strings.Count(complete, "\n")
		if n < s.prevLines && len(logs) < s.prevLen {
			res.Restarted = true
			s.startOver(logRestartText(0, nil), LineRestart, complete)
		} else {
			res.Gap = true
			s.startOver(logGapText, LineGap, complete)
		}
		return
	}
	fresh := complete[end:]
	m := strings.Count(fresh, "\n")
	lines := s.linesInOverlap(end, walked, atStart) + m
	if atStart && lines < s.prevLines && len(logs) < s.prevLen {
		res.Restarted = true
		s.startOver(logRestartText(0, nil), LineRestart, complete)
		return
	}
	s.appendLines(fresh, m)
	s.prevLines = lines
}

// linesInOverlap counts the lines of the snapshot's overlap with the
// last one (its first end bytes): exact when the walk back reached the
// snapshot's start or nothing was dropped from the front since the last
// snapshot, else a lower bound (each dropped line took at least one byte).
func (s *LogStream) linesInOverlap(end, walked int, atStart bool) int {
	switch dropped := s.prevComplete - end; {
	case atStart:
		return walked
	case dropped == 0:
		return s.prevLines
	case dropped > 0:
		return max(walked, s.prevLines-dropped)
	}
	return walked
}

// startOver clears the tail, appends a marker, then all of complete. A
// provisional line stays as shown, before the marker.
func (s *LogStream) startOver(text string, kind LineKind, complete string) int {
	s.tail.reset()
	s.prov = false
	s.buf.Append(LogLine{Kind: kind, Text: text, Plain: text})
	return 1 + s.appendAll(complete)
}

// appendAll appends every line of complete, counting them as the shape of
// the snapshot.
func (s *LogStream) appendAll(complete string) int {
	m := strings.Count(complete, "\n")
	s.prevLines = m
	return s.appendLines(complete, m)
}

// appendLines appends the m lines of region (which ends in "\n") and
// pushes their hashes on the tail. Lines that the buffer's cap would evict
// at once are neither sanitized nor copied, only counted (and hashed when
// the tail needs them). It returns m.
func (s *LogStream) appendLines(region string, m int) int {
	keep := min(m, s.buf.Cap())
	walk := max(keep, min(m, logTailLines))
	off := logStartOfLastLines(region, walk)
	if keep < m {
		n := m - keep
		if s.provHeld() {
			n-- // the first line replaces the provisional one, discarded with it
			s.prov, s.replaced = false, true
		}
		s.buf.discard(n)
	}
	for k := m - walk; off < len(region); k++ {
		nl := off + strings.IndexByte(region[off:], '\n')
		raw := logTrimCR(region[off:nl])
		s.tail.push(s.hash(raw))
		if k >= m-keep {
			s.put(logLineOf(raw, len(raw)))
		}
		off = nl + 1
	}
	return m
}

// logLineOf makes the LogLine for one raw line of size bytes, of which raw
// holds at least the first MaxLineBytes: sanitized, capped, copied.
func logLineOf(raw string, size int) LogLine {
	if len(raw) > MaxLineBytes {
		n := MaxLineBytes
		for n > 0 && !utf8.RuneStart(raw[n]) {
			n--
		}
		raw = raw[:n]
	}
	cut := size - len(raw)
	text := termtext.SanitizeLogCopy(raw, true)
	plain := termtext.StripSGR(text)
	if cut > 0 {
		more := fmt.Sprintf(" … [%d more bytes cut]", cut)
		text, plain = text+more, plain+more
	}
	return LogLine{Kind: LineLog, Text: text, Plain: plain}
}

// findOverlap finds the line of complete that continues the seen tail: it
// scans complete backwards from its end for the last seen line and checks
// that the lines before it match the tail (up to 64 of them, or up to the
// snapshot's start). The first candidate that matches, from the end, is the
// longest consistent overlap. end is the offset just past that line,
// walked the number of lines compared, atStart whether they reached the
// snapshot's first line.
func (s *LogStream) findOverlap(complete string) (end, walked int, atStart, ok bool) {
	last := s.tail.at(0)
	for nl := len(complete) - 1; nl >= 0; {
		start := strings.LastIndexByte(complete[:nl], '\n') + 1
		if s.hash(logTrimCR(complete[start:nl])) == last {
			if walked, atStart, ok = s.verify(complete, start); ok {
				return nl + 1, walked, atStart, true
			}
		}
		nl = start - 1
	}
	return 0, 0, false, false
}

// verify checks the lines before the candidate line starting at start
// against the tail.
func (s *LogStream) verify(complete string, start int) (walked int, atStart, ok bool) {
	for walked = 1; walked < s.tail.n; walked++ {
		if start == 0 {
			return walked, true, true
		}
		nl := start - 1
		start = strings.LastIndexByte(complete[:nl], '\n') + 1
		if s.hash(logTrimCR(complete[start:nl])) != s.tail.at(walked) {
			return 0, false, false
		}
	}
	return walked, start == 0, true
}

// hash is the hash of one raw line.
func (s *LogStream) hash(line string) uint64 { return maphash.String(s.seed, line) }

// noteCrash records crash_logs and crash_data and returns how many times
// the container restarted since the last snapshot (0 for the first).
func (s *LogStream) noteCrash(snap *api.ContainerLogs, first bool) int64 {
	if snap.CrashLogs != nil {
		if h := s.hash(*snap.CrashLogs); !s.haveCrash || h != s.crashHash {
			s.crashLogs, s.crashHash, s.haveCrash = sanitizeLogBlock(*snap.CrashLogs), h, true
		}
	}
	cd := snap.CrashData
	if cd == nil {
		return 0
	}
	if s.crash == nil || *s.crash != *cd {
		c := *cd
		c.Message = termtext.SanitizeLog(c.Message, false)
		if s.crash == nil || *s.crash != c {
			s.crash = &c
		}
	}
	n := int64(cd.RestartCount)
	bump := n - s.restarts
	s.restarts = n
	if first || bump < 0 {
		return 0
	}
	return bump
}

// noteLink records logs_link.
func (s *LogStream) noteLink(link *string) {
	if link != nil && *link != s.linkRaw {
		s.linkRaw = strings.Clone(*link)
		s.link = termtext.SanitizeLog(s.linkRaw, false)
	}
}

// notePending remembers the incomplete last line, copying it only when it
// changed; it reports whether it did.
func (s *LogStream) notePending(partial string) bool {
	h := s.hash(partial)
	if h == s.pendingHash && len(partial) == s.pendingLen {
		return false
	}
	s.pendingHash, s.pendingLen = h, len(partial)
	s.pending = strings.Clone(partial[:min(len(partial), MaxLineBytes+utf8.UTFMax)])
	return true
}

// logRestartText is the LineRestart marker for n restarts (0: detected from
// the log starting over) described by cd.
func logRestartText(n int64, cd *api.CrashData) string {
	if cd == nil || n == 0 {
		return "— container restarted (the log started over) —"
	}
	times := ""
	if n > 1 {
		times = fmt.Sprintf(" %d times", n)
	}
	msg := termtext.SanitizeLog(cd.Message, false)
	if msg != "" {
		msg = ": " + msg
	}
	return fmt.Sprintf("— container restarted%s (exit %d%s, restart #%d) —", times, int64(cd.ExitCode), msg, int64(cd.RestartCount))
}

// sanitizeLogBlock sanitizes a multi-line text line by line, colours kept.
func sanitizeLogBlock(text string) string {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = termtext.SanitizeLog(logTrimCR(l), true)
	}
	return strings.Join(lines, "\n")
}

// logSplitPartial splits logs into its complete lines (ending in "\n") and
// the incomplete last line.
func logSplitPartial(logs string) (complete, partial string) {
	i := strings.LastIndexByte(logs, '\n')
	return logs[:i+1], logs[i+1:]
}

// logStartOfLastLines is the offset where the last k lines of region (which
// ends in "\n" and holds at least k lines) begin.
func logStartOfLastLines(region string, k int) int {
	end := len(region)
	for ; k > 0; k-- {
		end = strings.LastIndexByte(region[:end-1], '\n') + 1
	}
	return end
}

// logTrimCR drops the '\r' of a "\r\n" line end.
func logTrimCR(line string) string {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}

// logTail is a ring of the hashes of the last complete lines seen, since
// the last marker.
type logTail struct {
	h    [logTailLines]uint64
	n    int // hashes held
	next int // where the next one goes
}

// push adds the hash of the newest line.
func (t *logTail) push(h uint64) {
	t.h[t.next] = h
	t.next = (t.next + 1) % logTailLines
	t.n = min(t.n+1, logTailLines)
}

// at returns the hash of the k-th newest line (0: the newest); k < n.
func (t *logTail) at(k int) uint64 {
	return t.h[(t.next-1-k+2*logTailLines)%logTailLines]
}

// reset forgets every line.
func (t *logTail) reset() { t.n, t.next = 0, 0 }
