package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var tStore = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

func openStore(t *testing.T, path string, log *Log, o StoreOptions) (*Store, LoadReport) {
	t.Helper()
	if o.Now == nil {
		o.Now = func() time.Time { return tStore }
	}
	s, rep, err := Open(path, log, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, rep
}

// Severity is its name in JSON and reads back; an unknown name is an
// error that says which names there are.
func TestSeverityJSON(t *testing.T) {
	for _, s := range []Severity{Info, Warning, Error} {
		b, err := json.Marshal(Event{Severity: s})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"severity":"`+s.String()+`"`) {
			t.Errorf("%v marshals as %s", s, b)
		}
		var back Event
		if err := json.Unmarshal(b, &back); err != nil || back.Severity != s {
			t.Errorf("%s reads back as %v (%v)", b, back.Severity, err)
		}
	}
	var e Event
	err := json.Unmarshal([]byte(`{"severity":"fatal"}`), &e)
	if err == nil || !strings.Contains(err.Error(), "info, warning or error") {
		t.Errorf("unknown severity: %v", err)
	}
	if _, err := json.Marshal(Event{Severity: 7}); err == nil {
		t.Error("severity 7 marshalled")
	}
}

// Events written by one run are read back by the next (the newest 24 h),
// in order, numbered on: the directory is made 0700 and the file 0600.
func TestStoreRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "events")
	path := filepath.Join(dir, "prod.jsonl")
	log := NewLog(0)
	s, rep := openStore(t, path, log, StoreOptions{})
	if rep != (LoadReport{}) {
		t.Fatalf("a new file loaded %+v", rep)
	}
	log.Append(Event{At: tStore.Add(-30 * time.Hour), Severity: Info, Kind: KindAppeared, Object: Object{Type: ObjectDeployment, ID: "old"}, Message: "too old to come back"})
	want := []Event{
		{At: tStore.Add(-time.Hour), Severity: Error, Kind: KindStatus, Object: Object{Type: ObjectDeployment, ID: "d-1", App: "kart", Tags: []string{"eu"}},
			From: "READY", To: "ERROR", Stale: 2 * time.Second, Message: "READY → ERROR"},
		{At: tStore.Add(-time.Minute), Severity: Warning, Kind: KindRestart, Object: Object{Type: ObjectDeployment, ID: "d-2"}, Message: "restarted (exit 137: OOM killed), 3 restarts"},
		{At: tStore, Severity: Info, Kind: KindAction, Actor: "alice", Object: Object{Type: ObjectDeployment, ID: "d-1"}, Message: "alice stopped d-1: ok"},
	}
	for _, e := range want {
		log.Append(e)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for p, mode := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v (%v), want %v", p, fi.Mode().Perm(), err, mode)
		}
	}

	again := NewLog(0)
	s2, rep := openStore(t, path, again, StoreOptions{})
	if rep.Loaded != 3 || rep.Old != 1 || rep.Skipped != 0 {
		t.Fatalf("loaded %+v, want 3 loaded and 1 too old", rep)
	}
	got := again.All()
	for i := range want {
		w := want[i]
		w.Seq = uint64(i + 2)
		if fmt.Sprint(got[i]) != fmt.Sprint(w) || !got[i].At.Equal(w.At) {
			t.Errorf("event %d read back as\n%+v\nwant\n%+v", i, got[i], w)
		}
	}
	if e := again.Append(Event{At: tStore, Message: "next"}); e.Seq != 5 {
		t.Errorf("the next event is numbered %d, want 5", e.Seq)
	}
	s2.Sync()
	data, _ := os.ReadFile(path)
	if n := bytes.Count(data, []byte("\n")); n != 5 {
		t.Errorf("the file holds %d lines, want 5 (4 + the new one)", n)
	}
}

// A line that is not an event (corrupt, cut short by a crash) is skipped
// and counted, and the file goes on: the next event starts its own line.
func TestStoreSkipsUnreadableLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.jsonl")
	good := func(seq int) string {
		b, _ := json.Marshal(Event{Seq: uint64(seq), At: tStore, Kind: KindTags, Message: fmt.Sprint("event ", seq)})
		return string(b) + "\n"
	}
	content := good(1) + "{not json\n" + good(2) + "\n" + good(2) + `{"seq":9,"at":"2026-12-03T12:00:00Z","severity":"fatal"}` + "\n" + good(3) + `{"seq":4,"at":"2026-12-0`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	log := NewLog(0)
	s, rep := openStore(t, path, log, StoreOptions{})
	// {not json, the repeated seq 2, the unknown severity, the cut line.
	if rep.Loaded != 3 || rep.Skipped != 4 {
		t.Fatalf("loaded %+v, want 3 loaded, 4 skipped", rep)
	}
	log.Append(Event{At: tStore, Message: "after the cut"})
	s.Sync()
	again := NewLog(0)
	_, rep = openStore(t, path, again, StoreOptions{})
	if rep.Loaded != 4 || rep.Skipped != 4 {
		t.Fatalf("second load %+v, want the new event read too", rep)
	}
	if all := again.All(); all[3].Message != "after the cut" || all[3].Seq != 4 {
		t.Errorf("last event %+v", all[3])
	}
}

// Past its cap the file keeps its newest half, whole lines, replaced at
// once (no temporary file left), and the log goes on being written.
func TestStoreCapKeepsTheNewestHalf(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "prod.jsonl")
	const capBytes = 8 << 10
	log := NewLog(0)
	s, _ := openStore(t, path, log, StoreOptions{MaxBytes: capBytes})
	for i := range 400 {
		log.Append(Event{At: tStore, Kind: KindStatus, Message: fmt.Sprintf("event %03d %s", i, strings.Repeat("x", 40))})
		if i%10 == 9 {
			s.Sync()
		}
		if fi, err := os.Stat(path); err != nil || fi.Size() > capBytes+2048 {
			t.Fatalf("after event %d the file is %d bytes (%v), cap %d", i, fi.Size(), err, capBytes)
		}
	}
	s.Sync()
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d files, want the events file only", len(entries))
	}
	again := NewLog(0)
	_, rep := openStore(t, path, again, StoreOptions{MaxBytes: capBytes})
	all := again.All()
	if rep.Skipped != 0 || len(all) == 0 || all[len(all)-1].Message[:9] != "event 399" {
		t.Fatalf("read back %+v, last %+v", rep, all[len(all)-1])
	}
	// The writer goroutine also writes (and compacts) as events come, so
	// the file is anywhere between just compacted and just under the cap.
	if fi, err := os.Stat(path); err != nil || fi.Size() < capBytes/2-256 || fi.Size() > capBytes+2048 {
		t.Errorf("the file is %d bytes (%v) after compacting to half of %d", fi.Size(), err, capBytes)
	}
	if rep.Loaded >= 200 {
		t.Errorf("kept %d events of 400 under an %d-byte cap", rep.Loaded, capBytes)
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq != all[i-1].Seq+1 {
			t.Fatalf("a gap in the kept events at %d: %d after %d", i, all[i].Seq, all[i-1].Seq)
		}
	}
}

// The writer goroutine writes what is appended without anyone calling
// Sync; Close writes the rest.
func TestStoreWritesInTheBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.jsonl")
	log := NewLog(0)
	s, _ := openStore(t, path, log, StoreOptions{})
	log.Append(Event{At: tStore, Message: "one"})
	deadline := time.Now().Add(5 * time.Second)
	for {
		if data, _ := os.ReadFile(path); bytes.Contains(data, []byte(`"one"`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("after 5 s the event is not in the file")
		}
		time.Sleep(5 * time.Millisecond)
	}
	log.Append(Event{At: tStore, Message: "two"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); !bytes.Contains(data, []byte(`"two"`)) {
		t.Error("Close did not write the last event")
	}
	log.Append(Event{At: tStore, Message: "three"}) // after Close: memory only, no panic
}
