package events

import (
	"fmt"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
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

// A flaky API (DEGRADED, OK, DEGRADED again within a minute) is one
// spell: one warning when it starts, one recovery a minute after its last
// failure; a 429 storm likewise, with its count of 429s.
func TestHealthSpellsAreCoalesced(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	r := NewRecorder(NewLog(0), t0)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	ok := api.Health{State: api.HealthOK}
	deg := api.Health{State: api.HealthDegraded, Reason: "502 Bad Gateway"}
	rl := api.Health{State: api.HealthRateLimited, Reason: "429 Too Many Requests on list", Group: api.GroupList}
	steps := []struct {
		h   api.Health
		n   int64
		sec int
	}{
		{ok, -1, 0}, {deg, -1, 10}, {ok, -1, 30}, {deg, -1, 40}, {ok, -1, 60}, {ok, -1, 90},
		{ok, -1, 101}, // a minute after the last failure: the spell ends
		{rl, 5, 200}, {ok, 9, 210}, {rl, 12, 220}, {ok, 20, 240}, {ok, 20, 251},
	}
	for _, s := range steps {
		r.ObserveHealth(s.h, s.n, at(s.sec))
	}
	var got []string
	for _, e := range r.Log().All() {
		got = append(got, e.Severity.String()+" "+e.Message)
	}
	want := []string{
		"warning API degraded: 502 Bad Gateway",
		"info API recovered: degraded for 45s",
		"warning rate limited: 429 Too Many Requests on list",
		"info rate limiting over after 50s: 15 429s",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events\n%q\nwant\n%q", got, want)
	}
}
