package ui

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// failingWhile answers code with {"message": message} to every GET whose
// path starts with prefix while on is set; otherwise the simulator answers.
func failingWhile(prefix string, code int, message string, on *atomic.Bool) harnessOption {
	return withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if on.Load() && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, prefix) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(code)
				w.Write([]byte(`{"message":"` + message + `"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	})
}

// screen is the screen without colours and without the header line (whose
// API state names the last failure, whatever the view shows).
func (h *harness) screen() string { return strings.Join(h.lines()[1:], "\n") }

// ticks moves the clock n seconds, one at a time.
func (h *harness) ticks(n int) {
	for range n {
		h.tick(time.Second)
	}
}

// A Smart Fleets failure was shown on the Policies tab only: the Fleets tab
// (which has the private fleets' rows) said nothing. Now the Fleets tab says
// what failed, and the message goes once a fetch succeeds.
func TestFleetsTabShowsSmartFleetsFailure(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	on.Store(true)
	h := newHarness(t, failingWhile("/v1/fleets", http.StatusBadGateway, "fleet service down", &on))
	h.press("2")
	h.ticks(5)
	s := h.screen()
	if !strings.Contains(s, "Smart Fleets") || !strings.Contains(s, "fleet service down") || strings.Contains(s, "Syncing") {
		t.Fatalf("the Fleets tab does not show the Smart Fleets failure:\n%s", s)
	}
	on.Store(false)
	h.ticks(100)
	s = h.screen()
	if strings.Contains(s, "fleet service down") || !strings.Contains(s, "smart ") {
		t.Fatalf("the failure is still shown after a fetch succeeded, or no Smart Fleet:\n%s", s)
	}
}

// A Smart Fleets refresh that fails after a success keeps the fleets on
// screen and says the refresh failed, on the Fleets and the Policies tab.
func TestSmartFleetsRefreshFailureKeepsRows(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	h := newHarness(t, failingWhile("/v1/fleets", http.StatusBadGateway, "fleet service down", &on))
	h.press("2")
	h.ticks(5)
	if s := h.screen(); !strings.Contains(s, "smart ") {
		t.Fatalf("no Smart Fleet loaded:\n%s", s)
	}
	on.Store(true)
	h.ticks(100)
	for _, tab := range []string{"2", "3"} {
		h.press(tab)
		s := h.screen()
		if !strings.Contains(s, "refresh failed") || !strings.Contains(s, "fleet service down") {
			t.Errorf("tab %s does not say the refresh failed:\n%s", tab, s)
		}
	}
	h.press("2")
	if s := h.screen(); !strings.Contains(s, "smart ") {
		t.Fatalf("the Smart Fleets were blanked by a failed refresh:\n%s", s)
	}
}

// Locations that fail the first time say why, not "Syncing locations…".
func TestLocationsFailureShown(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	on.Store(true)
	h := newHarness(t, failingWhile("/v1/locations", http.StatusBadGateway, "locations service down", &on))
	h.ticks(15) // some deployments enriched: their places are rows
	h.press("4")
	h.ticks(5)
	s := h.screen()
	if !strings.Contains(s, "locations service down") || strings.Contains(s, "Syncing") {
		t.Fatalf("the Locations tab does not show the failure:\n%s", s)
	}
	on.Store(false)
	h.ticks(100)
	if s := h.screen(); strings.Contains(s, "locations service down") {
		t.Fatalf("the failure is still shown after a fetch succeeded:\n%s", s)
	}
}

// A private fleet's hosts that fail the first time say why in the hosts
// view; a later failure keeps the hosts and says the refresh failed.
func TestHostsFailureShown(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	on.Store(true)
	h := newHarness(t, failingWhile("/v2/private-fleets/", http.StatusBadGateway, "hosts service down", &on))
	h.press("2", "enter") // private fleets sort first
	h.ticks(5)
	s := h.screen()
	if !strings.Contains(s, "hosts service down") || strings.Contains(s, "Syncing") {
		t.Fatalf("the hosts view does not show the failure:\n%s", s)
	}
	on.Store(false)
	h.ticks(100)
	s = h.screen()
	if strings.Contains(s, "hosts service down") || strings.Contains(s, "Syncing") {
		t.Fatalf("the failure is still shown after a fetch succeeded:\n%s", s)
	}
	rows := len(h.rows())
	on.Store(true)
	h.ticks(100)
	s = h.screen()
	if !strings.Contains(s, "refresh failed") || !strings.Contains(s, "hosts service down") || len(h.rows()) != rows {
		t.Fatalf("a failed refresh does not keep the hosts (%d rows, had %d) with a note:\n%s", len(h.rows()), rows, s)
	}
}

// statusNullWhile answers a null status body while on is set.
func statusNullWhile(on *atomic.Bool) harnessOption {
	return rewriting("/v1/status/", func(body any, _ *http.Request) any {
		if on.Load() {
			return nil
		}
		return body
	})
}

// An enriched row whose later status answer was unusable showed no sign of
// it: the old status read as current in the list and the detail. Now the
// list marks it and the detail says since when and why, keeping the data.
func TestEnrichedRowShowsLaterUnusableStatus(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	h := newHarness(t, statusNullWhile(&on))
	h.ticks(15)
	id := h.rowIDs()[0]
	row, ok := h.app.store.Get(id)
	if !ok || !row.Enriched {
		t.Fatalf("row %s not enriched after 15 s", id)
	}
	statusOf := func() (string, int) {
		for i, r := range h.rowIDs() {
			if r == id {
				return h.column("status")[i], i
			}
		}
		t.Fatalf("row %s is gone", id)
		return "", 0
	}
	before, _ := statusOf()
	on.Store(true)
	h.ticks(40)
	row, _ = h.app.store.Get(id)
	if row.StatusProblem == "" {
		t.Fatalf("row %s: no status problem after 40 s of null answers", id)
	}
	got, pos := statusOf()
	if got == before || !strings.HasPrefix(got, row.Status.Name()) {
		t.Errorf("STATUS of %s is %q (was %q): want the old status, marked", id, got, before)
	}
	h.press("home")
	for range pos {
		h.press("down")
	}
	h.press("enter")
	s := h.screen()
	if !strings.Contains(s, "Status unavailable since") || !strings.Contains(s, "null") || !strings.Contains(s, "GENERAL") {
		t.Fatalf("the detail does not keep the old status and say why it is unavailable:\n%s", s)
	}
	on.Store(false)
	h.ticks(40)
	if s := h.screen(); strings.Contains(s, "Status unavailable") || !strings.Contains(s, "GENERAL") {
		t.Fatalf("the note stays after a usable answer:\n%s", s)
	}
}

// A status refresh that fails after the detail showed a status keeps it on
// screen and says the refresh failed; a later success removes the note.
func TestDetailKeepsStatusWhenRefreshFails(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	h := newHarness(t, failingWhile("/v1/status/", http.StatusBadGateway, "upstream status service down", &on))
	h.press("enter")
	h.ticks(5)
	if s := h.screen(); !strings.Contains(s, "GENERAL") {
		t.Fatalf("no status in the detail:\n%s", s)
	}
	on.Store(true)
	h.ticks(40)
	s := h.screen()
	if !strings.Contains(s, "GENERAL") || !strings.Contains(s, "refresh failed") || !strings.Contains(s, "upstream status service down") {
		t.Fatalf("the detail does not keep the status with a refresh-failed note:\n%s", s)
	}
	on.Store(false)
	h.ticks(60)
	if s := h.screen(); strings.Contains(s, "refresh failed") {
		t.Fatalf("the note stays after a successful refresh:\n%s", s)
	}
}

// The metrics panel says a failed fetch, never "Loading metrics…" after
// one; a later failure keeps the charts, their time, and says it failed.
func TestMetricsPanelShowsFailures(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	on.Store(true)
	h := newHarness(t, failingWhile("/v1/metrics/", http.StatusBadGateway, "metrics store down", &on))
	h.press("enter", "m")
	h.ticks(5)
	s := h.screen()
	if strings.Contains(s, "Loading metrics") || !strings.Contains(s, "metrics store down") {
		t.Fatalf("the metrics panel does not show the failure:\n%s", s)
	}
	on.Store(false)
	h.ticks(40)
	if s := h.screen(); strings.Contains(s, "metrics store down") || !strings.Contains(s, "as of") {
		t.Fatalf("the failure stays after a fetch succeeded:\n%s", s)
	}
	on.Store(true)
	h.ticks(40)
	s = h.screen()
	if !strings.Contains(s, "as of") || !strings.Contains(s, "refresh failed") || !strings.Contains(s, "metrics store down") {
		t.Fatalf("a failed refresh does not keep the data's time with a note:\n%s", s)
	}
}

// A row whose sparklines failed to load says so in its cells instead of
// the "no data yet" dots.
func TestSparklineFailureShown(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	on.Store(true)
	h := newHarness(t, withSize(200, 50), failingWhile("/v1/metrics/", http.StatusBadGateway, "metrics store down", &on))
	for range 12 {
		h.tick(5 * time.Second)
	}
	failed := 0
	for _, c := range h.column("cpu") {
		if strings.HasPrefix(c, "✗") {
			failed++
		}
	}
	if failed == 0 {
		t.Fatalf("no CPU cell says its fetch failed: %q", h.column("cpu"))
	}
}

// The logs view says a failed fetch with its cause (not "waiting for
// logs…"); a later failure keeps the lines and says the refresh failed.
func TestLogsViewShowsFailures(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	on.Store(true)
	h := newHarness(t, failingWhile("/v1/deployment/", http.StatusBadGateway, "log service down", &on))
	h.settle()
	h.send(openLogsMsg{ids: readyIDs(h)[:1]}) // a READY deployment has log lines
	h.ticks(5)
	s := h.screen()
	if strings.Contains(s, "waiting for logs") || !strings.Contains(s, "Could not load the logs") || !strings.Contains(s, "HTTP 502: log service down") {
		t.Fatalf("the logs view does not show the failure:\n%s", s)
	}
	on.Store(false)
	h.ticks(10)
	s = h.screen()
	if strings.Contains(s, "log service down") || strings.Contains(s, "Could not load") {
		t.Fatalf("the failure stays after a fetch succeeded:\n%s", s)
	}
	lines := h.lines()[3]
	if strings.TrimSpace(lines) == "" {
		t.Fatalf("no log line:\n%s", s)
	}
	on.Store(true)
	h.ticks(10)
	s = h.screen()
	if !strings.Contains(s, "refresh failed: HTTP 502: log service down") || h.lines()[3] != lines {
		t.Fatalf("a failed refresh does not keep the lines with a note:\n%s", s)
	}
}

// A Smart Fleet whose policies fail to load says so on the Policies tab
// (which fleet, why) and in the Fleets tab's POLICIES column, instead of
// "…" (loading) for ever.
func TestPoliciesFailureShown(t *testing.T) {
	t.Parallel()
	var on atomic.Bool
	on.Store(true)
	h := newHarness(t, failingWhile("/v1/fleet/", http.StatusBadGateway, "policy service down", &on))
	h.press("2")
	h.ticks(5)
	for _, c := range h.column("policies")[2:] { // private fleets sort first
		if c != "error" {
			t.Errorf("POLICIES of a Smart Fleet is %q, want error: %q", c, h.column("policies"))
		}
	}
	h.press("3")
	s := h.screen()
	if !strings.Contains(s, "Could not load policies") || !strings.Contains(s, "policy service down") || strings.Contains(s, "Syncing") {
		t.Fatalf("the Policies tab does not show the failure:\n%s", s)
	}
	on.Store(false)
	h.ticks(100)
	if s := h.screen(); strings.Contains(s, "policy service down") {
		t.Fatalf("the failure stays after a fetch succeeded:\n%s", s)
	}
}

// An organization whose locations answer is empty (a page with none, as
// a schema-valid mock sends) says so; it stayed on "Syncing locations…".
func TestLocationsEmptyAnswerShown(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			empty := map[string]string{
				"/v1/locations":   `{"locations":[],"messages":[],"total_count":0}`,
				"/v1/deployments": `{"data":[],"total_count":0,"pagination":{"number":1,"has_next":false,"paginator":{"num_pages":1}}}`,
			}
			if body, ok := empty[r.URL.Path]; ok && r.Method == http.MethodGet {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(body))
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	h.press("4")
	h.settle(func() bool { return !strings.Contains(h.view(), "Syncing locations") })
	h.mustContain("No locations: the API lists none")
}
