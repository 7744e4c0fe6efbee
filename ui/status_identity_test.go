package ui

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// statusCounts counts the status requests per requested id.
type statusCounts struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *statusCounts) add(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[id]++
}

func (c *statusCounts) of(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[id]
}

func (c *statusCounts) most() (id string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.n {
		if v > n {
			id, n = k, v
		}
	}
	return id, n
}

// A status answer the spec allows but that is not about the id asked for
// (a null body, or another request_id) was ignored: the row stayed "never
// enriched", was due again at once, and drew ~1,000 requests in 70 s while
// the detail view sat on "Loading…". Now the row is marked "status
// unavailable" with the reason, backs off like an error, and the detail
// view says why.
func TestUnusableStatusAnswerBacksOffAndIsShown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		answer func(body any, id string) any
		reason string
	}{
		{"null", func(any, string) any { return nil }, "null"},
		{"other id", func(body any, id string) any {
			m := body.(map[string]any)
			m["request_id"] = "zz" + id
			return m
		}, "another deployment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			counts := &statusCounts{n: map[string]int{}}
			h := newHarness(t, rewriting("/v1/status/", func(body any, r *http.Request) any {
				id := strings.TrimPrefix(r.URL.Path, "/v1/status/")
				counts.add(id)
				return tc.answer(body, id)
			}))
			for range 70 {
				h.tick(time.Second)
			}
			id, n := counts.most()
			t.Logf("70 s: at most %d status requests for one row (%s)", n, id)
			if n > 10 {
				t.Errorf("%d status requests in 70 s for %s, want ≤ 10 (backoff)", n, id)
			}
			// The first row on screen whose status was asked for (the newest
			// rows may have appeared a moment ago).
			pos := -1
			for i, id := range h.rowIDs() {
				if counts.of(id) > 0 {
					pos = i
					break
				}
			}
			if pos < 0 {
				t.Fatal("no row on screen had its status asked for")
			}
			rowID := h.rowIDs()[pos]
			row, ok := h.app.store.Get(rowID)
			if !ok || !strings.Contains(row.StatusProblem, tc.reason) {
				t.Fatalf("row %s: status problem %q, want it to mention %q", rowID, row.StatusProblem, tc.reason)
			}
			if got := strings.Join(h.column("status"), "|"); !strings.Contains(got, "|unavailable") {
				t.Errorf("STATUS column does not say unavailable: %s", got)
			}
			for range pos {
				h.press("down")
			}
			h.press("enter")
			screen := ansi.Strip(h.view())
			if strings.Contains(screen, "Loading the status") || !strings.Contains(screen, "Status unavailable") || !strings.Contains(screen, tc.reason) {
				t.Fatalf("detail view does not show the reason:\n%s", screen)
			}
		})
	}
}

// A failing status fetch left the detail view on "Loading…" with no
// message; now it says what failed, and that it retries.
func TestDetailShowsAFailedStatusFetch(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/v1/status/") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadGateway)
				w.Write([]byte(`{"message":"upstream status service down"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	h.press("enter")
	for range 10 {
		h.tick(time.Second)
	}
	screen := ansi.Strip(h.view())
	if strings.Contains(screen, "Loading the status") || !strings.Contains(screen, "Could not load the status") ||
		!strings.Contains(screen, "upstream status service down") {
		t.Fatalf("detail view does not show the failure:\n%s", screen)
	}
}
