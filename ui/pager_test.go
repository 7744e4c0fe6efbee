package ui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// rewriting lets edit change the simulator's JSON answers to GET path
// prefix (the decoded body, the request).
func rewriting(prefix string, edit func(body any, r *http.Request) any) harnessOption {
	return withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || len(r.URL.Path) < len(prefix) || r.URL.Path[:len(prefix)] != prefix {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			if rec.Code != http.StatusOK {
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.Code)
				w.Write(rec.Body.Bytes())
				return
			}
			var body any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				panic(err)
			}
			out, err := json.Marshal(edit(body, r))
			if err != nil {
				panic(err)
			}
			w.Header().Set("Content-Type", "application/json")
			w.Write(bytes.TrimSpace(out))
		})
	})
}

// listWatchRequest reports whether r is a read of the engine's ERROR or
// new-deployment watch (model/listwatch.go), not of the list pass. (The
// new-deployment watch's first read asks what a pass's first page asks.)
func listWatchRequest(r *http.Request) bool {
	q := r.URL.Query().Get("query")
	return strings.Contains(q, `"value":"error"`) || strings.Contains(q, `"operator":"gte"`)
}

// listLog records the pages of /v1/deployments asked for.
type listLog struct {
	mu    sync.Mutex
	pages []int
	num   []int  // num_pages of each answer
	hide  string // a request_id left out of every answer
}

func (l *listLog) record(r *http.Request) int {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pages = append(l.pages, page)
	return page
}

func (l *listLog) stats() (n, maxPage int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, p := range l.pages {
		maxPage = max(maxPage, p)
	}
	return len(l.pages), maxPage
}

func (l *listLog) hidden() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.hide
}

func (l *listLog) setHidden(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hide = id
}

// The vendor's example pagination (has_next true on the only page, whose
// next_page_number is the page itself) made the list pass read pages
// 1→506 in 70 s and never end. Now a pass is the one page.
func TestListPassStopsOnTheVendorPaginationExample(t *testing.T) {
	t.Parallel()
	var log listLog
	h := newHarness(t, rewriting("/v1/deployments", func(body any, r *http.Request) any {
		if r.URL.Path != "/v1/deployments" || listWatchRequest(r) {
			return body
		}
		log.record(r)
		m := body.(map[string]any)
		m["pagination"] = map[string]any{"number": 1, "next_page_number": 1, "previous_page_number": nil,
			"paginator": map[string]any{"num_pages": 1}, "has_next": true, "has_previous": false}
		return m
	}))
	for range 70 {
		h.tick(time.Second)
	}
	n, maxPage := log.stats()
	t.Logf("70 s: %d list requests, last page asked %d", n, maxPage)
	if maxPage != 1 || n > 40 {
		t.Fatalf("%d list requests up to page %d in 70 s; want page 1 only, one pass every 2 s", n, maxPage)
	}
}

// A server that always says has_next with a next page number past the
// page (as the spec allows) but the right num_pages: each pass ends at
// num_pages, so a deployment gone from the list is dropped at pass end.
func TestListPassEndsAtNumPagesAndDropsVanished(t *testing.T) {
	t.Parallel()
	var log listLog
	h := newHarness(t, rewriting("/v1/deployments", func(body any, r *http.Request) any {
		if r.URL.Path != "/v1/deployments" || listWatchRequest(r) {
			return body
		}
		page := log.record(r)
		m := body.(map[string]any)
		pg := m["pagination"].(map[string]any)
		log.mu.Lock()
		log.num = append(log.num, int(pg["paginator"].(map[string]any)["num_pages"].(float64)))
		log.mu.Unlock()
		pg["has_next"], pg["next_page_number"] = true, page+1
		if hide := log.hidden(); hide != "" {
			var kept []any
			for _, d := range m["data"].([]any) {
				if d.(map[string]any)["request_id"] != hide {
					kept = append(kept, d)
				}
			}
			m["data"] = kept
		}
		return m
	}))
	h.settle()
	rows := h.app.store.All()
	victim := rows[len(rows)/2].ID
	log.setHidden(victim)
	for range 20 {
		h.tick(time.Second)
	}
	n, maxPage := log.stats()
	t.Logf("%d list requests, last page asked %d", n, maxPage)
	log.mu.Lock()
	defer log.mu.Unlock()
	for i := 1; i < len(log.pages); i++ {
		if p := log.pages[i]; p != 1 && p > log.num[i-1] {
			t.Fatalf("asked page %d after an answer with num_pages %d: %v", p, log.num[i-1], log.pages)
		}
	}
	if _, ok := h.app.store.Get(victim); ok {
		t.Errorf("%s vanished from the list but is still shown after 20 s", victim)
	}
}
