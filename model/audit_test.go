package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTestAudit(t *testing.T, secrets ...string) *AuditLog {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "gapdeck", "audit.jsonl")
	l, err := OpenAuditLog(path, secrets...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func TestAuditRoundTrip(t *testing.T) {
	l := openTestAudit(t)
	at := time.Date(2026, 11, 23, 8, 4, 5, 123456789, time.FixedZone("CET", 3600))
	in := []AuditEntry{
		{Time: at, Profile: "prod", APIHost: "api.example.com", Action: "stop",
			Targets: []string{"abc123"}, Outcome: "accepted", HTTPStatus: 202},
		{Time: at.Add(time.Second), Profile: "prod", APIHost: "api.example.com", Action: "bulk-stop",
			Targets: []string{"a", "b", "c"}, Outcome: "failed: boom", HTTPStatus: 500, Detail: "2 of 3"},
		{Profile: "demo", Action: "tag-add", Outcome: "refused: read-only"},
	}
	for _, e := range in {
		if err := l.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(`"time":"2026-11-23T07:04:05.123Z"`)) {
		t.Errorf("time not UTC RFC 3339 with ms:\n%s", raw)
	}
	if !bytes.Contains(raw, []byte(`"targets":[]`)) {
		t.Errorf("nil targets should be written as []:\n%s", raw)
	}
	if n := bytes.Count(raw, []byte("\n")); n != 3 {
		t.Fatalf("want 3 lines, got %d", n)
	}

	got, err := ReadAudit(l.Path(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("want 3 entries, got %d", len(got))
	}
	if !got[0].Time.Equal(at.Truncate(time.Millisecond)) || got[0].Time.Location() != time.UTC {
		t.Errorf("time = %v", got[0].Time)
	}
	if got[1].Action != "bulk-stop" || strings.Join(got[1].Targets, ",") != "a,b,c" ||
		got[1].HTTPStatus != 500 || got[1].Detail != "2 of 3" || got[1].Outcome != "failed: boom" {
		t.Errorf("entry 1 = %+v", got[1])
	}
	if got[2].Time.IsZero() {
		t.Error("a zero time should be set to now")
	}
	if got[2].Outcome != "refused: read-only" || got[2].HTTPStatus != 0 {
		t.Errorf("entry 2 = %+v", got[2])
	}
}

func TestAuditConcurrentAppends(t *testing.T) {
	l := openTestAudit(t)
	const workers, each = 20, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				e := AuditEntry{Action: "stop", Targets: []string{fmt.Sprintf("w%d-%d", w, i)},
					Outcome: "ok", Detail: strings.Repeat("x", 300)}
				if err := l.Append(e); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	raw, err := os.ReadFile(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != workers*each {
		t.Fatalf("want %d lines, got %d", workers*each, len(lines))
	}
	seen := map[string]bool{}
	for i, line := range lines {
		var e AuditEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %d invalid: %v: %q", i, err, line)
		}
		if len(e.Targets) != 1 || seen[e.Targets[0]] {
			t.Fatalf("line %d: bad or duplicate target %v", i, e.Targets)
		}
		seen[e.Targets[0]] = true
	}
}

func TestAuditRedactsSecrets(t *testing.T) {
	const token = "tok_S3cr3t-ABCDEFGHIJ"
	l := openTestAudit(t, token, "")
	err := l.Append(AuditEntry{
		Profile: "p-" + token,
		APIHost: token + ".example.com",
		Action:  "stop",
		Targets: []string{"id1", "Bearer " + token},
		Outcome: "failed: 401 bad token " + token,
		Detail:  "Authorization: Bearer " + token + " " + token,
	})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(token)) {
		t.Fatalf("token written to audit file:\n%s", raw)
	}
	if c := bytes.Count(raw, []byte("[redacted]")); c != 6 {
		t.Errorf("want 6 redactions, got %d:\n%s", c, raw)
	}
	got, err := ReadAudit(l.Path(), 1)
	if err != nil || len(got) != 1 {
		t.Fatalf("read: %v %v", got, err)
	}
	if got[0].Targets[0] != "id1" || got[0].Targets[1] != "Bearer [redacted]" {
		t.Errorf("targets = %q", got[0].Targets)
	}
}

func TestAuditRefusesResidualSecret(t *testing.T) {
	// A secret that is part of the marker survives redaction; the entry
	// must be refused rather than written.
	l := openTestAudit(t, "redact")
	if err := l.Append(AuditEntry{Action: "stop", Detail: "redact"}); err == nil {
		t.Fatal("want an error")
	}
	raw, _ := os.ReadFile(l.Path())
	if bytes.Contains(raw, []byte("redact")) {
		t.Fatalf("secret written:\n%s", raw)
	}
}

func TestAuditPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX permissions")
	}
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "audit.jsonl")
	l, err := OpenAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Append(AuditEntry{Action: "stop", Outcome: "ok"}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if p := fi.Mode().Perm(); p != 0o600 {
		t.Errorf("file mode %o, want 600", p)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p := di.Mode().Perm(); p&0o077 != 0 {
		t.Errorf("dir mode %o, want no group/other access", p)
	}

	// An existing, too-open file is tightened.
	loose := filepath.Join(t.TempDir(), "loose.jsonl")
	if err := os.WriteFile(loose, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	l2, err := OpenAuditLog(loose)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	fi, _ = os.Stat(loose)
	if p := fi.Mode().Perm(); p != 0o600 {
		t.Errorf("existing file mode %o, want 600", p)
	}
}

func TestAuditAppendOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	for i := range 3 {
		l, err := OpenAuditLog(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Append(AuditEntry{Action: fmt.Sprint("a", i), Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal("second close:", err)
		}
		if err := l.Append(AuditEntry{Action: "late"}); err == nil {
			t.Fatal("append after close should fail")
		}
	}
	got, err := ReadAudit(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Action != "a0" || got[2].Action != "a2" {
		t.Fatalf("got %+v", got)
	}
}

func TestReadAuditTolerant(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	content := `{"time":"2026-01-01T00:00:00.000Z","action":"stop","targets":["a"],"outcome":"ok","future_field":{"x":1}}` + "\n" +
		"\n" +
		`not json at all` + "\n" +
		`{"time":"2026-01-01T00:00:01.000Z","action":"tag-add","targets":["b"],"outcome":"ok"}` + "\n" +
		`{"time":"2026-01-01T00:00:02.000Z","action":"sto` // truncated by a crash
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadAudit(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Action != "stop" || got[1].Action != "tag-add" {
		t.Fatalf("got %+v", got)
	}

	// A complete last line without a newline is kept.
	if err := os.WriteFile(path, []byte(`{"action":"stop","outcome":"ok"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err = ReadAudit(path, 5)
	if err != nil || len(got) != 1 {
		t.Fatalf("got %+v %v", got, err)
	}
}

func TestReadAuditMissingFile(t *testing.T) {
	got, err := ReadAudit(filepath.Join(t.TempDir(), "nope", "audit.jsonl"), 10)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v %v", got, err)
	}
}

func TestReadAuditLimit(t *testing.T) {
	l := openTestAudit(t)
	for i := range 10 {
		if err := l.Append(AuditEntry{Action: fmt.Sprint(i), Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		limit int
		want  string
	}{
		{0, "0123456789"}, {-1, "0123456789"}, {1, "9"}, {3, "789"},
		{10, "0123456789"}, {25, "0123456789"},
	} {
		got, err := ReadAudit(l.Path(), tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, e := range got {
			b.WriteString(e.Action)
		}
		if b.String() != tc.want {
			t.Errorf("limit %d: got %q, want %q", tc.limit, b.String(), tc.want)
		}
	}
}

func TestDefaultAuditPath(t *testing.T) {
	p := DefaultAuditPath()
	if filepath.Base(p) != "audit.jsonl" || filepath.Base(filepath.Dir(p)) != "gapdeck" {
		t.Errorf("DefaultAuditPath() = %q", p)
	}
}

// An action is written twice, attempt first, with one id; the pending set
// follows it; PairAudit folds the two records into one action.
func TestAuditBeginFinishPairsAttemptAndOutcome(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := OpenAuditLog(path, "tok")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	id, err := l.Begin(AuditEntry{Action: "stop", Targets: []string{"abc"}})
	if err != nil || id == "" {
		t.Fatalf("Begin = %q, %v", id, err)
	}
	if !l.IsPending(id) || l.Pending() != 1 {
		t.Fatalf("after Begin: pending %v/%d, want the action", l.IsPending(id), l.Pending())
	}
	// The attempt is on disk before any outcome.
	got, _ := ReadAudit(path, 0)
	if len(got) != 1 || got[0].ID != id || got[0].Outcome != OutcomeAttempted {
		t.Fatalf("after Begin the file holds %+v, want one attempted record", got)
	}
	if err := l.Finish(AuditEntry{ID: id, Action: "stop", Targets: []string{"abc"}, Outcome: "stopping", HTTPStatus: 200}); err != nil {
		t.Fatal(err)
	}
	if l.IsPending(id) || l.Pending() != 0 {
		t.Fatal("still pending after Finish")
	}
	got, _ = ReadAudit(path, 0)
	if len(got) != 2 || got[1].ID != id || got[1].Outcome != "stopping" {
		t.Fatalf("file holds %+v, want attempt then outcome with one id", got)
	}
	acts := PairAudit(got)
	if len(acts) != 1 || acts[0].Open || acts[0].Outcome != "stopping" || acts[0].HTTPStatus != 200 || acts[0].Action != "stop" {
		t.Fatalf("PairAudit = %+v, want one answered stop", acts)
	}
}

// Abandon writes an unknown outcome for every pending action, once.
func TestAuditAbandonRecordsPendingAsUnknown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := OpenAuditLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a, _ := l.Begin(AuditEntry{Action: "stop", Targets: []string{"a"}})
	b, _ := l.Begin(AuditEntry{Action: "tag-add", Targets: []string{"b"}})
	_ = l.Finish(AuditEntry{ID: b, Action: "tag-add", Targets: []string{"b"}, Outcome: "ok"})
	n, err := l.Abandon("quit before answer")
	if err != nil || n != 1 {
		t.Fatalf("Abandon = %d, %v; want 1 action", n, err)
	}
	if n, _ := l.Abandon("again"); n != 0 {
		t.Fatalf("second Abandon recorded %d more", n)
	}
	got, _ := ReadAudit(path, 0)
	acts := PairAudit(got)
	if len(acts) != 2 {
		t.Fatalf("actions %+v", acts)
	}
	stop := acts[0]
	if stop.ID != a || stop.Open || !strings.HasPrefix(stop.Outcome, OutcomeUnknown) || !strings.Contains(stop.Outcome, "quit before answer") {
		t.Errorf("abandoned stop = %+v, want outcome unknown — quit before answer", stop)
	}
}

// PairAudit: entries without an id stand alone, an attempt without an
// outcome is open, a resolution follows an unknown outcome.
func TestPairAuditFoldsRecordsByID(t *testing.T) {
	es := []AuditEntry{
		{Action: "stop", Targets: []string{"old"}, Outcome: "ok"},
		{ID: "1", Action: "stop", Targets: []string{"x"}, Outcome: OutcomeAttempted},
		{ID: "2", Action: "tag-add", Targets: []string{"y"}, Outcome: OutcomeAttempted},
		{ID: "1", Action: "stop", Targets: []string{"x"}, Outcome: "unknown — check: connection lost after sending"},
		{ID: "1", Action: "stop", Targets: []string{"x"}, Outcome: "resolved: stopped (TERMINATED)"},
	}
	acts := PairAudit(es)
	if len(acts) != 3 {
		t.Fatalf("%d actions, want 3: %+v", len(acts), acts)
	}
	if acts[0].Open || acts[0].Outcome != "ok" {
		t.Errorf("legacy entry = %+v", acts[0])
	}
	if acts[1].Open || len(acts[1].Outcomes) != 2 || acts[1].Outcome != "resolved: stopped (TERMINATED)" {
		t.Errorf("stop = %+v, want unknown then resolved", acts[1])
	}
	if !acts[2].Open {
		t.Errorf("tag-add = %+v, want open (no outcome)", acts[2])
	}
}

// TestAuditAddSecretRedactsALaterToken: a token re-read at run time
// (ctrl+r after a 401) is redacted like the one the log was opened with.
func TestAuditAddSecretRedactsALaterToken(t *testing.T) {
	const first, rotated = "tok_first-ABCDEFGHIJ", "tok_rotated-KLMNOPQRST"
	l := openTestAudit(t, first, "")
	l.AddSecret(rotated)
	l.AddSecret("") // ignored
	if err := l.Append(AuditEntry{Action: "stop", Outcome: "failed: " + rotated + " / " + first}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(rotated)) || bytes.Contains(raw, []byte(first)) {
		t.Fatalf("a token reached the audit file:\n%s", raw)
	}
	if c := bytes.Count(raw, []byte("[redacted]")); c != 2 {
		t.Errorf("want 2 redactions, got %d:\n%s", c, raw)
	}
}

// A reserved attempt (no I/O) is written by WriteBegin once; a quit before
// that writes it, then its unknown outcome; a late WriteBegin then writes
// nothing, so the attempt never follows its outcome.
func TestAuditReserveThenWrite(t *testing.T) {
	l := openTestAudit(t)
	path := l.Path()
	id := l.Reserve(AuditEntry{Action: "stop", Targets: []string{"a"}})
	if raw, _ := os.ReadFile(path); len(raw) != 0 {
		t.Fatalf("Reserve wrote %q", raw)
	}
	if got := l.Unwritten(); len(got) != 1 || got[0].ID != id || got[0].Outcome != OutcomeAttempted {
		t.Fatalf("Unwritten = %+v", got)
	}
	if n, err := l.Abandon("quit before answer"); n != 1 || err != nil {
		t.Fatalf("Abandon = %d, %v", n, err)
	}
	if err := l.WriteBegin(id); err != nil {
		t.Fatal(err)
	}
	id2 := l.Reserve(AuditEntry{Action: "tag-add", Targets: []string{"b"}})
	if err := l.Finish(AuditEntry{ID: id2, Action: "tag-add", Targets: []string{"b"}, Outcome: "done"}); err != nil {
		t.Fatal(err)
	}
	if err := l.WriteBegin(id2); err != nil {
		t.Fatal(err)
	}
	entries, err := ReadAudit(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.ID+" "+e.Outcome)
	}
	want := []string{id + " attempted", id + " unknown — quit before answer: check the targets", id2 + " attempted", id2 + " done"}
	if !slices.Equal(got, want) {
		t.Fatalf("records\n%q\nwant\n%q", got, want)
	}
}

// The person behind an action is recorded, secrets redacted from it too.
func TestAuditRecordsTheActor(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := OpenAuditLog(path, "s3cret-token")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	actor := &Actor{Name: "Alice s3cret-token", Role: "operator", Fingerprint: "SHA256:abc", Remote: "127.0.0.1:50000"}
	if err := l.Append(AuditEntry{Action: "stop", Targets: []string{"d1"}, Outcome: "ok", Actor: actor}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadAudit(path, 10)
	if err != nil || len(got) != 1 || got[0].Actor == nil {
		t.Fatalf("read back %+v, %v", got, err)
	}
	a := got[0].Actor
	if a.Role != "operator" || a.Fingerprint != "SHA256:abc" || a.Remote != "127.0.0.1:50000" || strings.Contains(a.Name, "s3cret") {
		t.Errorf("actor %+v", a)
	}
	if actor.Name != "Alice s3cret-token" {
		t.Error("Append changed the caller's actor")
	}
}
