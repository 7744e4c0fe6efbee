package model

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"
	"weak"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/ui/termtext"
	"github.com/gapdeck/gapdeck/ui/termtext/termtexttest"
)

// snap is a snapshot of logs.
func logSnap(logs string) *api.ContainerLogs {
	return &api.ContainerLogs{Logs: logs, Encoding: "utf-8"}
}

// logCrashed is a snapshot of logs with crash data: restarts crashes so far.
func logCrashed(logs string, exit int64, msg string, restarts int64) *api.ContainerLogs {
	s := logSnap(logs)
	s.CrashData = &api.CrashData{ExitCode: api.Int(exit), Message: msg, RestartCount: api.Int(restarts)}
	return s
}

// lines renders a stream for comparison: log lines as their Plain text,
// markers as <gap>, <restart>, <terminated>.
func streamLines(b *LogBuffer) []string {
	out := make([]string, 0, b.Len())
	for i := range b.Len() {
		l := b.Line(i)
		if l.Kind == LineLog {
			out = append(out, l.Plain)
		} else {
			out = append(out, "<"+l.Kind.String()+">")
		}
	}
	return out
}

// merge merges snapshots in order and returns the last result.
func mergeAll(s *LogStream, snaps ...*api.ContainerLogs) MergeResult {
	var r MergeResult
	for _, sn := range snaps {
		r = s.Merge(sn)
	}
	return r
}

func wantStream(t *testing.T, s *LogStream, want ...string) {
	t.Helper()
	if got := streamLines(s.Buffer()); !slices.Equal(got, want) {
		t.Fatalf("stream = %q\nwant     %q", got, want)
	}
	for i := range s.Buffer().Len() {
		if l := s.Buffer().Line(i); l.Seq != s.Buffer().Line(0).Seq+uint64(i) {
			t.Fatalf("Seq not consecutive at %d: %d", i, l.Seq)
		}
	}
}

func TestLogStreamOverlap(t *testing.T) {
	s := NewLogStream(0)
	if r := s.Merge(logSnap("a\nb\nc\n")); r != (MergeResult{Added: 3}) {
		t.Fatalf("first merge: %+v", r)
	}
	if r := s.Merge(logSnap("a\nb\nc\n")); r != (MergeResult{}) {
		t.Fatalf("same snapshot: %+v", r)
	}
	if r := s.Merge(logSnap("b\nc\nd\ne\n")); r != (MergeResult{Added: 2}) {
		t.Fatalf("slid window: %+v", r)
	}
	wantStream(t, s, "a", "b", "c", "d", "e")
	if s.Snapshots() != 3 {
		t.Fatalf("Snapshots() = %d", s.Snapshots())
	}
}

func TestLogStreamPendingLine(t *testing.T) {
	s := NewLogStream(0)
	if r := s.Merge(logSnap("a\nb\npar")); r != (MergeResult{Added: 3, Pending: true}) {
		t.Fatalf("%+v", r)
	}
	wantStream(t, s, "a", "b", "par")
	if r := s.Merge(logSnap("a\nb\npartial")); r != (MergeResult{Pending: true, Replaced: true}) {
		t.Fatalf("partial grew: %+v", r)
	}
	wantStream(t, s, "a", "b", "partial")
	if r := s.Merge(logSnap("a\nb\npartial line\n")); r != (MergeResult{Replaced: true}) {
		t.Fatalf("partial completed: %+v", r)
	}
	wantStream(t, s, "a", "b", "partial line")

	// A provisional line cut off by a restart stays as it was shown: the
	// container wrote it before it died.
	s.Merge(logSnap("a\nb\npartial line\nhal"))
	s.Merge(logCrashed("new run\n", 1, "boom", 1))
	wantStream(t, s, "a", "b", "partial line", "hal", "<restart>", "new run")

	// Terminated keeps the provisional line as shown, not repeated.
	s.Merge(logCrashed("new run\nlast words", 1, "boom", 1))
	if !s.Terminated() {
		t.Fatal("Terminated() = false")
	}
	wantStream(t, s, "a", "b", "partial line", "hal", "<restart>", "new run", "last words", "<terminated>")
}

func TestLogStreamCRLF(t *testing.T) {
	s := NewLogStream(0)
	mergeAll(s, logSnap("a\r\nb\r\n"), logSnap("a\r\nb\r\nc\r\nd"), logSnap("b\r\nc\r\nd\r\n"))
	wantStream(t, s, "a", "b", "c", "d")
	// The same line with a different ending is the same line.
	mergeAll(s, logSnap("c\nd\ne\n"))
	wantStream(t, s, "a", "b", "c", "d", "e")
	// "\r\n" split across snapshots: held back until the "\n" arrives.
	mergeAll(s, logSnap("d\ne\nf\r"), logSnap("d\ne\nf\r\n"))
	wantStream(t, s, "a", "b", "c", "d", "e", "f")
}

func TestLogStreamIdenticalLines(t *testing.T) {
	s := NewLogStream(0)
	mergeAll(s, logSnap("start\ntick\ntick\n"))
	if r := s.Merge(logSnap("start\ntick\ntick\ntick\n")); r.Added != 1 {
		t.Fatalf("one more tick: %+v", r)
	}
	wantStream(t, s, "start", "tick", "tick", "tick")
	// A window of 5 that slid past "start": the longest overlap consistent
	// with the tail (start, tick, tick, tick) is three ticks, so two are new.
	if r := s.Merge(logSnap("tick\ntick\ntick\ntick\ntick\n")); r.Added != 2 || r.Gap {
		t.Fatalf("slid window of ticks: %+v", r)
	}
	wantStream(t, s, "start", "tick", "tick", "tick", "tick", "tick")
	// An empty line repeats like any other.
	mergeAll(s, logSnap("tick\ntick\ntick\n\n\n"), logSnap("tick\n\n\n\n\n"))
	wantStream(t, s, "start", "tick", "tick", "tick", "tick", "tick", "", "", "", "")
}

func TestLogStreamGap(t *testing.T) {
	s := NewLogStream(0)
	mergeAll(s, logSnap("a\nb\nc\n"))
	r := s.Merge(logSnap("x\ny\nz\n"))
	if r != (MergeResult{Added: 4, Gap: true}) {
		t.Fatalf("%+v", r)
	}
	wantStream(t, s, "a", "b", "c", "<gap>", "x", "y", "z")
	if txt := s.Buffer().Line(3).Text; !strings.Contains(txt, "not retrieved") || !strings.Contains(txt, "unknown") {
		t.Fatalf("gap marker %q", txt)
	}
	// The tail restarts after the marker: an overlap with lines before it
	// does not count.
	mergeAll(s, logSnap("y\nz\nw\n"))
	wantStream(t, s, "a", "b", "c", "<gap>", "x", "y", "z", "w")
}

func TestLogStreamShrinkRestart(t *testing.T) {
	s := NewLogStream(0)
	r := mergeAll(s, logSnap("a\nb\nc\n"), logSnap("x\n"))
	if r != (MergeResult{Added: 2, Restarted: true}) {
		t.Fatalf("%+v", r)
	}
	wantStream(t, s, "a", "b", "c", "<restart>", "x")
	if txt := s.Buffer().Line(3).Text; txt != "— container restarted (the log started over) —" {
		t.Fatalf("restart marker %q", txt)
	}

	// The new run printed what the old one ended with: the overlap reaches
	// the snapshot's first line and the log shrank.
	s = NewLogStream(0)
	mergeAll(s, logSnap("x\na\nb\n"), logSnap("a\nb\n"))
	wantStream(t, s, "x", "a", "b", "<restart>", "a", "b")

	// A window that slid past a long line holds fewer bytes but not fewer
	// lines: no restart.
	s = NewLogStream(0)
	mergeAll(s, logSnap(strings.Repeat("L", 200)+"\nb\n"), logSnap("b\nc\n"))
	wantStream(t, s, strings.Repeat("L", 200), "b", "c")

	// An empty snapshot (the container has not written yet) changes
	// nothing; the shorter log after it is a restart.
	s = NewLogStream(0)
	mergeAll(s, logSnap("a\nb\nc\n"), logSnap(""))
	wantStream(t, s, "a", "b", "c")
	mergeAll(s, logSnap("new\n"))
	wantStream(t, s, "a", "b", "c", "<restart>", "new")
}

func TestLogStreamRestartCount(t *testing.T) {
	s := NewLogStream(0)
	crash := "old line\n\x1b[31mFATAL\x1b[0m out of memory\x1b]0;x\x07\n"
	first := logCrashed("a\nb\n", 137, "OOM killed", 3)
	first.CrashLogs = &crash
	if r := s.Merge(first); r.Restarted {
		t.Fatal("a restart count on the first snapshot is not a restart seen")
	}
	// Same content, but the count rose: the log started over and happens
	// to print the same lines.
	if r := s.Merge(logCrashed("a\nb\n", 137, "OOM killed", 4)); r != (MergeResult{Added: 3, Restarted: true}) {
		t.Fatalf("%+v", r)
	}
	wantStream(t, s, "a", "b", "<restart>", "a", "b")
	if txt := s.Buffer().Line(2).Text; txt != "— container restarted (exit 137: OOM killed, restart #4) —" {
		t.Fatalf("restart marker %q", txt)
	}
	s.Merge(logCrashed("c\n", 1, "boom\x1b[2J", 6))
	if txt := s.Buffer().Line(5).Text; txt != "— container restarted 2 times (exit 1: boom, restart #6) —" {
		t.Fatalf("restart marker %q", txt)
	}
	logs, data := s.Crash()
	if logs != "old line\n\x1b[31mFATAL\x1b[0m out of memory" {
		t.Errorf("Crash() logs = %q", logs)
	}
	if data == nil || data.RestartCount != 6 || data.ExitCode != 1 || data.Message != "boom" {
		t.Errorf("Crash() data = %+v", data)
	}
}

func TestLogStreamTerminated(t *testing.T) {
	s := NewLogStream(0)
	link := "https://storage.example/logs/abc"
	sn := logSnap("a\n")
	sn.LogsLink = &link
	s.Merge(sn)
	if !s.Terminated() || s.Terminated() {
		t.Fatal("Terminated must add its marker once")
	}
	if r := s.Merge(logSnap("a\nb\n")); r != (MergeResult{}) {
		t.Fatalf("merge after Terminated: %+v", r)
	}
	wantStream(t, s, "a", "<terminated>")
	if l := s.Buffer().Line(1); l.Text != "— deployment terminated; logs are no longer served —" || l.Plain != l.Text {
		t.Fatalf("terminated marker %+v", l)
	}
	if s.LogsLink() != link {
		t.Fatalf("LogsLink() = %q", s.LogsLink())
	}
}

func TestLogStreamSanitizes(t *testing.T) {
	s := NewLogStream(0)
	s.Merge(logSnap("\x1b[33mWARN \x1b[0m slow\r\nChat: \x1b]52;c;cm0=\x07gg\x1b[2J\x1b[H\n\x1b[1mbold\n"))
	want := []LogLine{
		{Seq: 1, Text: "\x1b[33mWARN \x1b[0m slow", Plain: "WARN  slow"},
		{Seq: 2, Text: "Chat: gg", Plain: "Chat: gg"},
		{Seq: 3, Text: "\x1b[1mbold\x1b[0m", Plain: "bold"},
	}
	for i, w := range want {
		if got := s.Buffer().Line(i); got != w {
			t.Errorf("Line(%d) = %+v, want %+v", i, got, w)
		}
	}
}

func TestLogStreamLongLine(t *testing.T) {
	s := NewLogStream(0)
	long := strings.Repeat("é", MaxLineBytes) // 2 bytes each
	s.Merge(logSnap(long + "\nnext\n"))
	l := s.Buffer().Line(0)
	want := strings.Repeat("é", MaxLineBytes/2) + fmt.Sprintf(" … [%d more bytes cut]", MaxLineBytes)
	if l.Text != want || l.Plain != want {
		t.Fatalf("long line: %d bytes %q…", len(l.Text), l.Text[len(l.Text)-40:])
	}
	// The cut line still anchors the overlap.
	s.Merge(logSnap(long + "\nnext\nthird\n"))
	wantStream(t, s, want, "next", "third")
}

func TestLogStreamCapSmallerThanSnapshot(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	all := b.String()
	s := NewLogStream(10)
	if r := s.Merge(logSnap(all)); r.Added != 1000 {
		t.Fatalf("%+v", r)
	}
	buf := s.Buffer()
	if buf.Len() != 10 || buf.Dropped() != 990 || buf.LastSeq() != 1000 || buf.Line(0).Text != "line 990" {
		t.Fatalf("len %d dropped %d last %d first %q", buf.Len(), buf.Dropped(), buf.LastSeq(), buf.Line(0).Text)
	}
	// The tail remembers 64 lines even though the buffer holds 10.
	more := all[strings.Index(all, "line 5\n"):] + "line 1000\nline 1001\n"
	if r := s.Merge(logSnap(more)); r != (MergeResult{Added: 2}) {
		t.Fatalf("%+v", r)
	}
	if buf.Line(9).Text != "line 1001" || buf.Dropped() != 992 {
		t.Fatalf("last %q dropped %d", buf.Line(9).Text, buf.Dropped())
	}
	// A gap bigger than the cap: marker and old lines all dropped at once.
	var c strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&c, "other %d\n", i)
	}
	if r := s.Merge(logSnap(c.String())); r != (MergeResult{Added: 1001, Gap: true}) {
		t.Fatalf("%+v", r)
	}
	if buf.Len() != 10 || buf.LastSeq() != 2003 || buf.Dropped() != 1993 || buf.Line(0).Text != "other 990" {
		t.Fatalf("len %d last %d dropped %d first %q", buf.Len(), buf.LastSeq(), buf.Dropped(), buf.Line(0).Text)
	}
}

// logBig is n lines of about 100 bytes, every 7th coloured, from line
// first on.
func logBig(first, n int) string {
	var b strings.Builder
	b.Grow(n * 110)
	for i := first; i < first+n; i++ {
		if i%7 == 0 {
			fmt.Fprintf(&b, "2026-04-22T12:%02d:%02d.%03dZ \x1b[33mWARN \x1b[0m Tick overran budget: %d.%dms > 16.6ms on map 'Sunset Circuit' line=%d\n", i/3600%60, i/60%60, i%1000, 16+i%9, i%10, i)
		} else {
			fmt.Fprintf(&b, "2026-04-22T12:%02d:%02d.%03dZ INFO  Tick stats: avg 4.%dms p99 7.%dms, %d entities, %d KB/s out line=%d\n", i/3600%60, i/60%60, i%1000, i%10, i%7, 50+i%900, 20+i%400, i)
		}
	}
	return b.String()
}

func TestLogStreamNoChangeAllocs(t *testing.T) {
	log := logBig(0, 5000)
	s := NewLogStream(0)
	s.Merge(logCrashed(log, 137, "OOM killed", 2))
	same := logCrashed(strings.Clone(log), 137, "OOM killed", 2) // equal content, another string
	if n := testing.AllocsPerRun(20, func() { s.Merge(same) }); n != 0 {
		t.Errorf("identical snapshot: %v allocs per merge, want 0", n)
	}
	// The window lost front lines but the tail is unchanged.
	trimmed := logCrashed(log[strings.Index(log, "line=10\n")+8:], 137, "OOM killed", 2)
	if n := testing.AllocsPerRun(20, func() { s.Merge(trimmed) }); n != 0 {
		t.Errorf("same tail: %v allocs per merge, want 0", n)
	}
	// An unchanged incomplete last line, crash data, crash logs and link.
	link, crash := "https://x/logs", "boom\n"
	pending := logCrashed(log+"half a li", 137, "OOM killed", 2)
	pending.LogsLink, pending.CrashLogs = &link, &crash
	s.Merge(pending)
	if n := testing.AllocsPerRun(20, func() { s.Merge(pending) }); n != 0 {
		t.Errorf("same pending line: %v allocs per merge, want 0", n)
	}
	if got := s.Buffer().Len(); got != 5001 {
		t.Fatalf("stream holds %d lines, want 5000 and the provisional one", got)
	}
}

// TestLogStreamMemoryNotPinned keeps one line of a large snapshot and
// checks, with a weak pointer to the snapshot's bytes, that the garbage
// collector frees the snapshot: no kept line points into it.
func TestLogStreamMemoryNotPinned(t *testing.T) {
	build := func() string { return logBig(0, 20_000) + "a pending line" } // ~2 MB, on the heap
	// Control: a substring does pin its snapshot, and the check sees it.
	log := build()
	wp := weak.Make(unsafe.StringData(log))
	sub := log[100:200]
	log = ""
	runtime.GC()
	if wp.Value() == nil {
		t.Fatal("control failed: a kept substring did not pin the snapshot")
	}
	runtime.KeepAlive(sub)

	for _, keep := range []int{1, 3, 100} {
		s := NewLogStream(keep)
		log := build()
		wp := weak.Make(unsafe.StringData(log))
		s.Merge(logSnap(log))
		log = ""
		runtime.GC()
		runtime.GC()
		if wp.Value() != nil {
			t.Errorf("cap %d: the snapshot is still reachable after GC: a kept line pins it", keep)
		}
		if s.Buffer().Len() != keep {
			t.Fatalf("cap %d: holds %d", keep, s.Buffer().Len())
		}
		runtime.KeepAlive(s)
	}
}

// FuzzLogStreamMerge merges arbitrary snapshots, restart counts and a
// tiny cap, and checks the stream's invariants: Added is the growth of
// LastSeq, Seq numbers are consecutive, every line is sanitized and its
// Plain is its Text without SGR.
func FuzzLogStreamMerge(f *testing.F) {
	f.Add("a\nb\nc\n", "b\nc\nd\npar", "x\r\ny\n", uint8(0), uint8(1), uint8(3))
	f.Add("tick\ntick\n", "tick\ntick\ntick\n", "", uint8(0), uint8(0), uint8(0))
	f.Add(termtexttest.Hostile[0]+"\n"+termtexttest.Hostile[8]+"\n", termtexttest.Hostile[5]+"\n", "\x9b2J\n", uint8(2), uint8(2), uint8(9))
	f.Fuzz(func(t *testing.T, a, b, c string, ra, rb, rc uint8) {
		s := NewLogStream(int(rc%8) + 1)
		for i, logs := range []string{a, b, c, b, a} {
			sn := logCrashed(logs, 1, "boom", int64([]uint8{ra, rb, rc, rc, rc}[i]%4))
			before := s.Buffer().LastSeq()
			r := s.Merge(sn)
			if got := s.Buffer().LastSeq() - before; got != uint64(r.Added) {
				t.Fatalf("merge %d: Added %d, LastSeq grew %d", i, r.Added, got)
			}
		}
		s.Terminated()
		buf := s.Buffer()
		for i := range buf.Len() {
			l := buf.Line(i)
			if l.Seq != buf.LastSeq()-uint64(buf.Len()-1-i) {
				t.Fatalf("line %d: Seq %d, LastSeq %d, Len %d", i, l.Seq, buf.LastSeq(), buf.Len())
			}
			if l.Plain != termtext.StripSGR(l.Text) {
				t.Fatalf("line %d: Plain %q, Text %q", i, l.Plain, l.Text)
			}
			checkSanitized(t, l.Text, true, l.Text)
		}
	})
}

// checkSanitized asserts that out, the sanitized form of in, holds nothing
// a terminal would obey and is stable under sanitizing again.
func checkSanitized(t *testing.T, in string, keep bool, out string) {
	t.Helper()
	if err := termtext.Check(out); err != nil {
		t.Fatalf("sanitized %q = %q: %v", in, out, err)
	}
	if again := termtext.SanitizeLog(out, keep); again != out {
		t.Fatalf("sanitizing is not idempotent on %q: %q → %q", in, out, again)
	}
}

// TestLogStreamSpecExampleLog: the spec's example container log is one
// line without a trailing newline, "Logs of the container". It is shown,
// not held back.
func TestLogStreamSpecExampleLog(t *testing.T) {
	s := NewLogStream(0)
	if r := s.Merge(logSnap("Logs of the container")); r != (MergeResult{Added: 1, Pending: true}) {
		t.Fatalf("spec example: %+v", r)
	}
	wantStream(t, s, "Logs of the container")
	// The same snapshot again changes nothing.
	if r := s.Merge(logSnap("Logs of the container")); r != (MergeResult{Pending: true}) {
		t.Fatalf("same snapshot: %+v", r)
	}
	wantStream(t, s, "Logs of the container")
	s.Terminated()
	wantStream(t, s, "Logs of the container", "<terminated>")
}

// TestLogStreamProvisionalLine: an incomplete last line is shown at once
// and is replaced in place, keeping its Seq, when a later snapshot extends
// or completes it; it is never shown twice.
func TestLogStreamProvisionalLine(t *testing.T) {
	s := NewLogStream(0)
	b := s.Buffer()
	if r := s.Merge(logSnap("abc")); r != (MergeResult{Added: 1, Pending: true}) {
		t.Fatalf("abc: %+v", r)
	}
	wantStream(t, s, "abc")
	if r := s.Merge(logSnap("abcdef\n")); r != (MergeResult{Replaced: true}) {
		t.Fatalf("abcdef\\n: %+v", r)
	}
	wantStream(t, s, "abcdef")
	if b.LastSeq() != 1 || b.Line(0).Seq != 1 {
		t.Fatalf("the completed line took Seq %d (last %d), want the provisional line's 1", b.Line(0).Seq, b.LastSeq())
	}
	if r := s.Merge(logSnap("abcdef\nxyz")); r != (MergeResult{Added: 1, Pending: true}) {
		t.Fatalf("abcdef\\nxyz: %+v", r)
	}
	wantStream(t, s, "abcdef", "xyz")
	if r := s.Merge(logSnap("abcdef\nxyz12")); r != (MergeResult{Pending: true, Replaced: true}) {
		t.Fatalf("extended: %+v", r)
	}
	wantStream(t, s, "abcdef", "xyz12")
	// A snapshot without the incomplete line leaves it shown.
	if r := s.Merge(logSnap("abcdef\n")); r != (MergeResult{}) {
		t.Fatalf("without the partial: %+v", r)
	}
	wantStream(t, s, "abcdef", "xyz12")
	// Completed together with more lines and a new incomplete one.
	if r := s.Merge(logSnap("abcdef\nxyz123\nnext\nne")); r != (MergeResult{Added: 2, Pending: true, Replaced: true}) {
		t.Fatalf("completed with more: %+v", r)
	}
	wantStream(t, s, "abcdef", "xyz123", "next", "ne")
	if b.LastSeq() != 4 {
		t.Fatalf("LastSeq %d, want 4", b.LastSeq())
	}
	// The same text as a new incomplete line after a completed one is a
	// new line.
	s2 := NewLogStream(0)
	mergeAll(s2, logSnap("a\nti"), logSnap("a\nti\nti"))
	wantStream(t, s2, "a", "ti", "ti")
	// CRLF: "abc\r" shows as "abc"; "\r\n" completes it.
	s3 := NewLogStream(0)
	mergeAll(s3, logSnap("x\r\nab"), logSnap("x\r\nabc\r"), logSnap("x\r\nabc\r\n"))
	wantStream(t, s3, "x", "abc")
}

// TestLogStreamProvisionalLineAcrossMarkers: a provisional line that a
// gap or a restart cuts off stays as it was shown, before the marker; the
// terminated marker does not repeat it.
func TestLogStreamProvisionalLineAcrossMarkers(t *testing.T) {
	s := NewLogStream(0)
	mergeAll(s, logSnap("a\nb\nhal"), logCrashed("new run\nlast wo", 1, "boom", 1))
	wantStream(t, s, "a", "b", "hal", "<restart>", "new run", "last wo")
	mergeAll(s, logCrashed("unrelated\n", 1, "boom", 1))
	wantStream(t, s, "a", "b", "hal", "<restart>", "new run", "last wo", "<gap>", "unrelated")
	s.Merge(logCrashed("unrelated\nbye", 1, "boom", 1))
	s.Terminated()
	wantStream(t, s, "a", "b", "hal", "<restart>", "new run", "last wo", "<gap>", "unrelated", "bye", "<terminated>")

	// With a cap of 1 the provisional line is the only one held, and a
	// snapshot that overflows the cap replaces it like any other.
	c := NewLogStream(1)
	mergeAll(c, logSnap("p"), logSnap("pq\nr\ns\nt"))
	wantStream(t, c, "t")
	if b := c.Buffer(); b.LastSeq() != 4 || b.Dropped() != 3 {
		t.Fatalf("cap 1: last %d dropped %d, want 4 and 3", b.LastSeq(), b.Dropped())
	}
}
