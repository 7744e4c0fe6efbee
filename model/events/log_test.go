package events

import (
	"fmt"
	"testing"
	"time"
)

func TestLogKeepsTheNewestAndNumbersThem(t *testing.T) {
	l := NewLog(3)
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		l.Append(Event{At: t0.Add(time.Duration(i) * time.Second), Message: string(rune('a' + i))})
	}
	all := l.All()
	if len(all) != 3 || l.Len() != 3 || l.Seq() != 5 {
		t.Fatalf("held %d (Len %d, Seq %d), want 3, 3, 5", len(all), l.Len(), l.Seq())
	}
	for i, want := range []string{"c", "d", "e"} {
		if all[i].Message != want || all[i].Seq != uint64(i+3) {
			t.Errorf("event %d = %q seq %d, want %q seq %d", i, all[i].Message, all[i].Seq, want, i+3)
		}
	}
	if got := l.Since(4); len(got) != 1 || got[0].Message != "e" {
		t.Errorf("Since(4) = %+v, want only e", got)
	}
	if got := l.Since(1); len(got) != 3 {
		t.Errorf("Since(1), older than the oldest held, = %d events, want all 3", len(got))
	}
	if got := l.Since(5); got != nil {
		t.Errorf("Since(newest) = %+v, want none", got)
	}
}

// The recorder forgets deployments an hour after they went, so a server
// running for days keeps only about the live population in memory; a
// deployment gone recently is not gone twice.
func TestRecorderForgetsTheLongGone(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	r := NewRecorder(NewLog(0), t0)
	for i := range 300 {
		r.ObserveGone(fmt.Sprint("old-", i), "no longer listed in two passes", t0)
	}
	r.ObserveGone("old-1", "its status answered 404", t0.Add(time.Minute))
	if n := r.Log().Len(); n != 300 {
		t.Fatalf("%d gone events, want 300 (old-1 once)", n)
	}
	later := t0.Add(2 * time.Hour)
	for i := range 256 {
		r.ObserveGone(fmt.Sprint("new-", i), "no longer listed in two passes", later)
	}
	if n := len(r.deps); n != 256 {
		t.Errorf("the recorder remembers %d deployments, want the 256 gone recently", n)
	}
}
