package model

import (
	"fmt"
	"testing"
)

func TestLogBufferRing(t *testing.T) {
	b := NewLogBuffer(3)
	if b.Cap() != 3 || b.Len() != 0 || b.LastSeq() != 0 {
		t.Fatalf("new buffer: cap %d len %d last %d", b.Cap(), b.Len(), b.LastSeq())
	}
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		b.Append(LogLine{Seq: 99, Text: s})
	}
	if b.Len() != 3 || b.Dropped() != 2 || b.LastSeq() != 5 {
		t.Fatalf("len %d dropped %d last %d, want 3 2 5", b.Len(), b.Dropped(), b.LastSeq())
	}
	for i, want := range []string{"c", "d", "e"} {
		l := b.Line(i)
		if l.Text != want || l.Plain != want || l.Seq != uint64(i+3) {
			t.Errorf("Line(%d) = %+v, want %q seq %d", i, l, want, i+3)
		}
	}
	if i, ok := b.Index(4); !ok || i != 1 {
		t.Errorf("Index(4) = %d, %v; want 1, true", i, ok)
	}
	for _, seq := range []uint64{0, 2, 6} {
		if _, ok := b.Index(seq); ok {
			t.Errorf("Index(%d) found a line not held", seq)
		}
	}
	b.Clear()
	if b.Len() != 0 || b.Dropped() != 2 || b.LastSeq() != 5 {
		t.Fatalf("after Clear: len %d dropped %d last %d", b.Len(), b.Dropped(), b.LastSeq())
	}
	b.Append(LogLine{Text: "\x1b[31mf\x1b[0m"})
	if l := b.Line(0); l.Seq != 6 || l.Plain != "f" {
		t.Errorf("after Clear: %+v, want seq 6 with Plain filled in", l)
	}
	defer func() {
		if recover() == nil {
			t.Error("Line out of range did not panic")
		}
	}()
	b.Line(1)
}

func TestLogBufferDefaultCapAndGrowth(t *testing.T) {
	if c := NewLogBuffer(0).Cap(); c != DefaultLogCap {
		t.Fatalf("cap %d, want DefaultLogCap", c)
	}
	b := NewLogBuffer(100)
	for range 1000 {
		b.Append(LogLine{Text: "x"})
	}
	if cap(b.lines) != 100 || b.Len() != 100 || b.Dropped() != 900 {
		t.Fatalf("ring cap %d len %d dropped %d, want 100 100 900", cap(b.lines), b.Len(), b.Dropped())
	}
	for i := range b.Len() {
		if got := b.Line(i).Seq; got != uint64(901+i) {
			t.Fatalf("Line(%d).Seq = %d, want %d", i, got, 901+i)
		}
	}
}

func TestLogBufferDiscard(t *testing.T) {
	b := NewLogBuffer(2)
	b.Append(LogLine{Text: "a"})
	b.discard(5)
	b.Append(LogLine{Text: "g"})
	b.Append(LogLine{Text: "h"})
	if b.Len() != 2 || b.Dropped() != 6 || b.LastSeq() != 8 || b.Line(0).Seq != 7 {
		t.Fatalf("len %d dropped %d last %d first %d, want 2 6 8 7", b.Len(), b.Dropped(), b.LastSeq(), b.Line(0).Seq)
	}
}

// TestLogBufferReplace: Replace rewrites a held line in place, keeping its
// Seq, also once the ring has wrapped; a line not held is left alone.
func TestLogBufferReplace(t *testing.T) {
	b := NewLogBuffer(3)
	for i := range 5 {
		b.Append(LogLine{Text: fmt.Sprint("line ", i)})
	}
	if !b.Replace(4, LogLine{Text: "\x1b[31mred\x1b[0m", Seq: 99}) {
		t.Fatal("Replace(4) = false for a held line")
	}
	if l := b.Line(1); l.Seq != 4 || l.Plain != "red" || l.Text != "\x1b[31mred\x1b[0m" {
		t.Fatalf("line 1 = %+v", l)
	}
	if b.Replace(2, LogLine{Text: "gone"}) || b.Replace(6, LogLine{Text: "future"}) {
		t.Fatal("Replace of a line not held reported true")
	}
	if b.Len() != 3 || b.LastSeq() != 5 || b.Line(0).Text != "line 2" || b.Line(2).Text != "line 4" {
		t.Fatalf("len %d last %d lines %q %q", b.Len(), b.LastSeq(), b.Line(0).Text, b.Line(2).Text)
	}
}
