package ui

import (
	"encoding/json"
	"errors"
	"github.com/gapdeck/gapdeck/model/audittest"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/model"
)

// loseAnswers lets the simulator carry out the requests match selects,
// then loses their answers, as a connection reset after the server acted
// does.
type loseAnswers struct {
	next  http.RoundTripper
	match func(*http.Request) bool
	lost  atomic.Int64
}

func (l *loseAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := l.next.RoundTrip(r)
	if err != nil || !l.match(r) {
		return res, err
	}
	res.Body.Close()
	l.lost.Add(1)
	return nil, errors.New("read tcp 127.0.0.1:50112->127.0.0.1:443: read: connection reset by peer")
}

// losing is a harness option losing the answers of the requests with
// method whose path starts with prefix; lost counts them.
func losing(method, prefix string, lost **loseAnswers) harnessOption {
	return withTransport(func(next http.RoundTripper) http.RoundTripper {
		l := &loseAnswers{next: next, match: func(r *http.Request) bool {
			return r.Method == method && strings.HasPrefix(r.URL.Path, prefix)
		}}
		*lost = l
		return l
	})
}

// auditRecord is one raw line of the audit file.
type auditRecord struct {
	ID      string   `json:"id"`
	Action  string   `json:"action"`
	Targets []string `json:"targets"`
	Outcome string   `json:"outcome"`
}

// auditRecords reads every line of the audit file, raw (not paired).
func auditRecords(t *testing.T, path string) []auditRecord {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []auditRecord
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if line == "" {
			continue
		}
		var r auditRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

// outcomes are the outcomes recorded for action, in order, checking they
// all share one action id.
func outcomes(t *testing.T, recs []auditRecord, action string) []string {
	t.Helper()
	var out []string
	id := ""
	for _, r := range recs {
		if r.Action != action {
			continue
		}
		if id == "" {
			id = r.ID
		}
		if r.ID == "" || r.ID != id {
			t.Fatalf("%s records do not share one action id: %+v", action, recs)
		}
		out = append(out, r.Outcome)
	}
	return out
}

// A stop the API carried out but whose answer was lost is audited as
// attempted, then unknown (not failed), the footer says so, and the
// status re-read records that it was stopped.
func TestStopWithLostAnswerIsUnknownThenResolvedByStatus(t *testing.T) {
	var lost *loseAnswers
	h := settled(t, losing(http.MethodDelete, "/v1/stop/", &lost))
	path := withAudit(t, h)
	id := h.selectedID()
	h.press("ctrl+d", "y")
	if lost.lost.Load() == 0 {
		t.Fatal("no stop answer was lost")
	}
	foot := h.footer()
	if !strings.Contains(foot, "stop of "+id+": outcome unknown (connection lost after sending) — checking status…") {
		t.Errorf("footer %q does not say the outcome is unknown", foot)
	}
	got := outcomes(t, auditRecords(t, path), "stop")
	if len(got) != 2 || got[0] != "attempted" || !strings.HasPrefix(got[1], "unknown — check: connection lost after sending") {
		t.Fatalf("stop outcomes %q, want attempted then unknown — check", got)
	}
	// The simulator did stop it; the console finds out by reading its status.
	h.settle(func() bool { return len(outcomes(t, auditRecords(t, path), "stop")) == 3 })
	got = outcomes(t, auditRecords(t, path), "stop")
	if !strings.HasPrefix(got[2], "resolved: stopped") {
		t.Fatalf("stop outcomes %q, want the re-read to resolve it as stopped", got)
	}
	h.mustContain("stop of " + id + " was carried out")
	if slices.Contains(h.app.engine.Schedule().Watched, id) && (h.app.stops.tracker == nil || !h.app.stops.tracker.Tracks(id)) {
		t.Error("the deployment is still watched after its stop was resolved")
	}
}

// A bulk stop whose answer was lost: unknown, then each target resolved.
func TestBulkStopWithLostAnswerIsUnknownThenResolved(t *testing.T) {
	var lost *loseAnswers
	h := settled(t, losing(http.MethodPost, "/v1/deployments/bulk-stop", &lost))
	path := withAudit(t, h)
	h.press(" ", "j", " ")
	h.press("ctrl+d")
	h.typeText("2")
	h.press("enter")
	if lost.lost.Load() == 0 {
		t.Fatal("no bulk stop answer was lost")
	}
	if foot := h.footer(); !strings.Contains(foot, "bulk stop of 2 deployments: outcome unknown (connection lost after sending)") {
		t.Errorf("footer %q does not say the outcome is unknown", foot)
	}
	h.settle(func() bool { return len(outcomes(t, auditRecords(t, path), "bulk-stop")) == 4 })
	got := outcomes(t, auditRecords(t, path), "bulk-stop")
	if got[0] != "attempted" || !strings.HasPrefix(got[1], "unknown — check") || !strings.HasPrefix(got[2], "resolved: stopped") || !strings.HasPrefix(got[3], "resolved: stopped") {
		t.Fatalf("bulk-stop outcomes %q, want attempted, unknown, then both resolved stopped", got)
	}
}

// A tag added by the API whose answer was lost: unknown, then the tags
// are re-read (one request) and the add is recorded as done.
func TestTagWithLostAnswerIsResolvedByRereadingTags(t *testing.T) {
	var lost *loseAnswers
	h := settled(t, withSize(200, 40), losing(http.MethodPost, "/v1/deployments/", &lost))
	path := withAudit(t, h)
	id := h.selectedID()
	h.press("t")
	h.typeText("canary")
	h.press("enter", "y")
	if lost.lost.Load() == 0 {
		t.Fatal("no tag answer was lost")
	}
	got := outcomes(t, auditRecords(t, path), "tag-add")
	if len(got) != 3 || got[0] != "attempted" || !strings.HasPrefix(got[1], "unknown — check: connection lost after sending") || got[2] != "resolved: done (tags re-read)" {
		t.Fatalf("tag-add outcomes %q, want attempted, unknown, resolved: done", got)
	}
	h.mustContain("tag-add on " + id + " was carried out")
	if row, _ := h.app.store.Get(id); !slices.Contains(row.Tags, "canary") {
		t.Errorf("row tags %v lack the tag the server has", row.Tags)
	}
}

// q while a stop waits for its answer does not quit: the footer counts
// down, and the answer, once in, is audited and quits.
func TestQuitWaitsForActionInFlight(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	id := h.selectedID()
	h.press("ctrl+d")
	stop := h.update(keyMsg("y")) // the stop is sent; its answer is not in yet
	h.press("q")
	if h.quits != 0 {
		t.Fatal("q quit with a stop in flight: its outcome would never be audited")
	}
	if foot := h.footer(); !strings.Contains(foot, "waiting for 1 action in flight (stop of "+id+") to finish… 10s — press ctrl+c again to quit now") {
		t.Fatalf("footer %q shows no countdown", foot)
	}
	h.clock.Advance(3 * time.Second)
	h.send(quitTickMsg{})
	if foot := h.footer(); !strings.Contains(foot, "to finish… 7s") {
		t.Errorf("footer %q: the countdown did not move", foot)
	}
	h.pump(stop) // the answer comes in
	if h.quits != 1 {
		t.Fatalf("%d quits after the last answer, want 1", h.quits)
	}
	got := outcomes(t, auditRecords(t, path), "stop")
	if len(got) != 2 || got[0] != "attempted" || got[1] == "" || strings.HasPrefix(got[1], "unknown") {
		t.Fatalf("stop outcomes %q, want attempted then its answer", got)
	}
}

// Past the countdown (or on ctrl+c again, or a second signal) the console
// quits and records what is still in flight as unknown.
func TestQuitRecordsActionsStillInFlightAsUnknown(t *testing.T) {
	for _, tc := range []struct {
		name string
		stop func(h *harness)
	}{
		{"countdown", func(h *harness) { h.clock.Advance(quitWaitMax); h.send(quitTickMsg{}) }},
		{"ctrl+c again", func(h *harness) { h.press("ctrl+c") }},
		{"second signal", func(h *harness) { h.send(QuitMsg{Reason: "SIGTERM"}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := settled(t)
			path := withAudit(t, h)
			h.press("ctrl+d")
			_ = h.update(keyMsg("y")) // never answered
			h.send(QuitMsg{Reason: "SIGTERM"})
			if h.quits != 0 {
				t.Fatal("SIGTERM quit at once with a stop in flight")
			}
			tc.stop(h)
			if h.quits != 1 {
				t.Fatalf("%d quits, want 1", h.quits)
			}
			got := outcomes(t, auditRecords(t, path), "stop")
			if len(got) != 2 || got[0] != "attempted" || got[1] != "unknown — quit before answer: check the targets" {
				t.Fatalf("stop outcomes %q, want attempted then unknown — quit before answer", got)
			}
		})
	}
}

// Root.Shutdown (after the program ended any other way) records what is
// still in flight.
func TestShutdownRecordsActionsInFlight(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	h.press("ctrl+d")
	_ = h.update(keyMsg("y"))
	if err := NewRoot(h.app).Shutdown(); err != nil {
		t.Fatal(err)
	}
	got := outcomes(t, auditRecords(t, path), "stop")
	if len(got) != 2 || !strings.HasPrefix(got[1], "unknown — quit before answer") {
		t.Fatalf("stop outcomes %q after Shutdown", got)
	}
}

// With nothing in flight, q and a signal quit at once.
func TestQuitWithNothingInFlightIsImmediate(t *testing.T) {
	h := settled(t)
	h.press("q")
	h.send(QuitMsg{Reason: "SIGHUP"})
	if h.quits != 2 {
		t.Fatalf("%d quits, want 2", h.quits)
	}
}

// isStop selects the stop requests.
func isStop(r *http.Request) bool {
	return r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v1/stop/")
}

// overTCP sends every request over a real HTTP connection to a local
// server in front of the simulator (next): stops are carried out, then
// their connection is hijacked and closed without an answer (the answer
// lost after the server acted), or, with refuse, sent to a port nothing
// listens on (never sent).
func overTCP(t *testing.T, refuse bool) harnessOption {
	return withTransport(func(next http.RoundTripper) http.RoundTripper {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.URL.Scheme, r.URL.Host, r.RequestURI = "http", "localhost", ""
			res, err := next.RoundTrip(r)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer res.Body.Close()
			if isStop(r) {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close()
				}
				return
			}
			for k, vs := range res.Header {
				w.Header()[k] = vs
			}
			w.WriteHeader(res.StatusCode)
			_, _ = io.Copy(w, res.Body)
		}))
		t.Cleanup(srv.Close)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := ln.Addr().String()
		ln.Close()
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.URL.Host = strings.TrimPrefix(srv.URL, "http://")
			if refuse && isStop(r) {
				r.URL.Host = closed
			}
			r.Host = r.URL.Host
			return tr.RoundTrip(r)
		})
	})
}

// roundTripFunc is a function as an http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Over a real connection: a stop whose connection is reset after the
// server acted is unknown, then resolved by its status; a stop whose
// connection was refused was never sent and failed.
func TestStopOverTCPLostAnswerIsUnknownRefusedDialIsFailed(t *testing.T) {
	t.Run("reset after acting", func(t *testing.T) {
		h := settled(t, overTCP(t, false))
		path := withAudit(t, h)
		id := h.selectedID()
		h.press("ctrl+d", "y")
		if foot := h.footer(); !strings.Contains(foot, "stop of "+id+": outcome unknown (connection lost after sending)") {
			t.Fatalf("footer %q", foot)
		}
		h.settle(func() bool { return len(outcomes(t, auditRecords(t, path), "stop")) == 3 })
		got := outcomes(t, auditRecords(t, path), "stop")
		if got[0] != "attempted" || !strings.HasPrefix(got[1], "unknown — check: connection lost after sending") || !strings.HasPrefix(got[2], "resolved: stopped") {
			t.Fatalf("stop outcomes %q", got)
		}
	})
	t.Run("dial refused", func(t *testing.T) {
		h := settled(t, overTCP(t, true))
		path := withAudit(t, h)
		id := h.selectedID()
		h.press("ctrl+d", "y")
		if foot := h.footer(); !strings.Contains(foot, "stop "+id+" failed") {
			t.Fatalf("footer %q, want the stop failed", foot)
		}
		got := outcomes(t, auditRecords(t, path), "stop")
		if len(got) != 2 || got[0] != "attempted" || !strings.HasPrefix(got[1], "failed: ") || !strings.Contains(got[1], "connection refused") {
			t.Fatalf("stop outcomes %q, want attempted then failed (connection refused)", got)
		}
		if slices.Contains(h.app.engine.Schedule().Watched, id) {
			t.Error("a stop never sent is being checked")
		}
	})
}

// The audit view shows one row per action: in flight while this console
// waits for its answer, unknown when the attempt has no outcome, and an
// unknown outcome followed by its resolution.
func TestAuditViewPairsAttemptsAndOutcomes(t *testing.T) {
	h := settled(t, withSize(160, 30))
	withAudit(t, h)
	for _, e := range []model.AuditEntry{
		{ID: "a1", Action: "stop", Targets: []string{"aaaaaaaaaaaa"}, Outcome: model.OutcomeAttempted},
		{ID: "a1", Action: "stop", Targets: []string{"aaaaaaaaaaaa"}, Outcome: "unknown — check: connection lost after sending"},
		{ID: "a1", Action: "stop", Targets: []string{"aaaaaaaaaaaa"}, Outcome: "resolved: stopped (status TERMINATING)"},
		{ID: "b2", Action: "tag-add", Targets: []string{"bbbbbbbbbbbb"}, Outcome: model.OutcomeAttempted},
	} {
		if err := h.env.Audit.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	h.press("ctrl+d")
	_ = h.update(keyMsg("y")) // a stop in flight in this console
	h.openAudit()
	h.mustContain("3 actions,", "resolved: stopped (status TERMINATING) ← unknown — check",
		"unknown — attempted, no outcome recorded", "in flight (attempted, no answer yet)")
	if strings.Count(ansi.Strip(h.view()), "aaaaaaaaaaaa") != 1 {
		t.Error("the three records of one action are not one row")
	}
}

// esc cancels a quit asked with q, not one a signal asked (the process is
// ending: main ends it after a grace period).
func TestQuitEscStaysOnlyForKeys(t *testing.T) {
	h := settled(t)
	h.press("ctrl+d")
	_ = h.update(keyMsg("y"))
	h.send(QuitMsg{Reason: "SIGTERM"})
	if foot := h.footer(); !strings.Contains(foot, "quit now (SIGTERM)") {
		t.Fatalf("footer %q does not name the signal", foot)
	}
	h.press("esc")
	if !h.app.quit.active {
		t.Fatal("esc cancelled a quit a signal asked for")
	}
	h.app.quit = quitWait{}
	h.press("q")
	if foot := h.footer(); !strings.Contains(foot, "(esc: stay)") {
		t.Fatalf("footer %q does not offer esc", foot)
	}
	h.press("esc")
	if h.app.quit.active || h.quits != 0 {
		t.Fatal("esc did not cancel the quit asked with q")
	}
	h.mustContain("not quitting: 1 action in flight")
}

// The audit is written off the UI goroutine: the update that confirms a
// stop writes nothing itself; its command writes the attempt, and only
// then is the request sent; the outcome follows the answer.
func TestAuditWrittenOffTheUIGoroutineBeforeTheRequest(t *testing.T) {
	var path string
	var onFileAtRequest atomic.Int32 // audit lines on file when the stop arrived
	h := settled(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v1/stop/") {
				raw, _ := os.ReadFile(path)
				onFileAtRequest.Store(int32(strings.Count(string(raw), "\n")))
			}
			next.ServeHTTP(w, r)
		})
	}))
	path = withAudit(t, h)
	h.press("ctrl+d")
	cmd := h.update(keyMsg("y"))
	if raw, _ := os.ReadFile(path); len(raw) != 0 {
		t.Fatalf("the update wrote the audit on the UI goroutine:\n%s", raw)
	}
	h.pump(cmd)
	if n := h.calls(stopRoute); n != 1 {
		t.Fatalf("%d stop requests, want 1", n)
	}
	if got := onFileAtRequest.Load(); got != 1 {
		t.Errorf("%d audit lines on file when the request arrived, want the attempt (1)", got)
	}
	entries, err := audittest.ReadActions(path, 0)
	if err != nil || len(entries) != 1 || entries[0].Outcome == model.OutcomeAttempted {
		t.Fatalf("audit after the answer = %+v, %v", entries, err)
	}
}
