package watchlist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/model/events"
)

func depEvent(id, app, ver, loc string, tags ...string) events.Event {
	return events.Event{Severity: events.Error, Kind: events.KindStatus,
		Object: events.Object{Type: events.ObjectDeployment, ID: id, App: app, Version: ver, Location: loc, Tags: tags}}
}

func mustParse(t *testing.T, kind, value string) Watch {
	t.Helper()
	w, err := Parse(kind, value)
	if err != nil {
		t.Fatalf("Parse(%q, %q): %v", kind, value, err)
	}
	return w
}

func TestMatch(t *testing.T) {
	e := depEvent("abc123", "kart-racing", "v1.9.3", "Frankfurt, Germany", "canary", "eu")
	fleet := events.Event{Object: events.Object{Type: events.ObjectFleet, ID: "kart-racing"}}
	loc := events.Event{Object: events.Object{Type: events.ObjectLocation, ID: "Frankfurt, Germany"}}
	cases := []struct {
		kind, value string
		ev          events.Event
		want        bool
	}{
		{"deployment", "abc123", e, true},
		{"deployment", "abc12", e, false},
		{"app", "Kart-Racing", e, true},
		{"app", "kart", e, false},
		{"app", "kart-racing", fleet, false}, // a fleet named like the app is not the app
		{"version", "kart-racing/v1.9.3", e, true},
		{"version", "kart-racing/v1.9", e, false},
		{"version", "other/v1.9.3", e, false},
		{"location", "frankfurt", e, true},
		{"location", "Frankfurt, Germany", e, true},
		{"location", "Germany", e, false},
		{"location", "frankfurt", loc, true},
		{"tag", "CANARY", e, true},
		{"tag", "can", e, false},
		{"app", "kart-racing", depEvent("x", "", "", ""), false}, // status never read
	}
	for _, c := range cases {
		w := mustParse(t, c.kind, c.value)
		if got := w.Match(c.ev); got != c.want {
			t.Errorf("%s matches %+v = %v, want %v", w, c.ev.Object, got, c.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	cases := map[[2]string]string{
		{"colour", "red"}:     "unknown watch kind",
		{"app", "  "}:         "missing",
		{"version", "kart"}:   "<app>/<version>",
		{"version", "/v1"}:    "<app>/<version>",
		{"tag", "a\x1b[2Jb"}:  "control characters",
		{"deployment", ""}:    "missing",
		{"location", "x\ny"}:  "control characters",
		{"version", "kart/ "}: "<app>/<version>",
	}
	for in, want := range cases {
		_, err := Parse(in[0], in[1])
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q, %q) = %v, want an error with %q", in[0], in[1], err, want)
		}
	}
}

func TestListAddRemoveMatching(t *testing.T) {
	l := NewList([]Watch{mustParse(t, "app", "kart"), mustParse(t, "app", "KART"), mustParse(t, "tag", "eu")})
	if l.Len() != 2 {
		t.Fatalf("duplicates kept: %v", l.All())
	}
	if l.Add(mustParse(t, "app", "Kart")) {
		t.Error("Add of a watched app returned true")
	}
	w, ok := l.Matching(depEvent("d1", "other", "v1", "", "eu"))
	if !ok || w.Kind != KindTag {
		t.Errorf("Matching = %v %v, want the tag watch", w, ok)
	}
	if !l.Remove(mustParse(t, "tag", "EU")) || l.Len() != 1 {
		t.Errorf("Remove failed: %v", l.All())
	}
	if _, ok := l.Matching(depEvent("d1", "other", "v1", "", "eu")); ok {
		t.Error("a removed watch still matches")
	}
}

func TestCoalescerOnePerObjectPerMinute(t *testing.T) {
	c := NewCoalescer(0)
	t0 := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	at := func(id string, d time.Duration) events.Event {
		e := depEvent(id, "a", "v", "")
		e.At = t0.Add(d)
		return e
	}
	steps := []struct {
		e    events.Event
		want bool
	}{
		{at("d1", 0), true},
		{at("d1", 10*time.Second), false},
		{at("d2", 20*time.Second), true}, // another object
		{at("d1", 59*time.Second), false},
		{at("d1", 60*time.Second), true}, // a minute later
		{at("d1", 61*time.Second), false},
	}
	for i, s := range steps {
		if got := c.Allow(s.e); got != s.want {
			t.Errorf("step %d (%s at +%s): Allow = %v, want %v", i, s.e.Object.ID, s.e.At.Sub(t0), got, s.want)
		}
	}
	for i := range 200 { // memory is pruned as windows pass
		c.Allow(at("x"+string(rune('a'+i%26))+string(rune('a'+i/26)), time.Duration(i)*time.Minute))
	}
	if len(c.last) > 65 {
		t.Errorf("coalescer keeps %d objects", len(c.last))
	}
}

func TestStorePerProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "watches.json")
	if l, err := Load(path, "prod"); err != nil || l.Len() != 0 {
		t.Fatalf("missing file: %v, %v", l.All(), err)
	}
	prod := NewList([]Watch{mustParse(t, "app", "kart"), mustParse(t, "version", "kart/v2")})
	if err := Save(path, "prod", prod); err != nil {
		t.Fatal(err)
	}
	if err := Save(path, "staging", NewList([]Watch{mustParse(t, "tag", "canary")})); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path, "prod")
	if err != nil || got.Len() != 2 || got.All()[1].Value != "kart/v2" {
		t.Fatalf("prod reloaded: %v, %v", got.All(), err)
	}
	st, _ := Load(path, "staging")
	if st.Len() != 1 {
		t.Fatalf("staging reloaded: %v", st.All())
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, %v; want 0600", fi.Mode(), err)
	}
	if err := Save(path, "prod", &List{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := Load(path, "prod"); got.Len() != 0 {
		t.Errorf("emptied prod still has %v", got.All())
	}
	if err := os.WriteFile(path, []byte("{nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, "prod"); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt file: %v", err)
	}
	if err := Save(path, "prod", prod); err == nil {
		t.Error("Save overwrote a corrupt file")
	}
}
