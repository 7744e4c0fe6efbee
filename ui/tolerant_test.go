package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// setEach sets key to value in every object of body[list] (body[list] is
// an array of objects), or in body itself when list is "".
func setEach(body any, list, key string, value any) any {
	m, ok := body.(map[string]any)
	if !ok {
		return body
	}
	if list == "" {
		m[key] = value
		return m
	}
	rows, _ := m[list].([]any)
	for _, r := range rows {
		if o, ok := r.(map[string]any); ok {
			o[key] = value
		}
	}
	return m
}

// A start_time the spec types as a plain string holding "yesterday" used
// to fail the whole page: "Could not load deployments: unrecognised
// timestamp …" while the header said "API OK". Now the rows show, their
// AGE is "?", the header says what was not understood, and the detail
// view shows the value as sent.
func TestOddStartTimeShowsAsUnknown(t *testing.T) {
	t.Parallel()
	h := newHarness(t, rewriting("/v1/", func(body any, r *http.Request) any {
		switch {
		case r.URL.Path == "/v1/deployments":
			return setEach(body, "data", "start_time", "yesterday")
		case strings.HasPrefix(r.URL.Path, "/v1/status/"):
			return setEach(body, "", "start_time", "yesterday")
		}
		return body
	}))
	for range 5 {
		h.tick(time.Second)
	}
	screen := ansi.Strip(h.view())
	if strings.Contains(screen, "Could not load") || len(h.rowIDs()) == 0 {
		t.Fatalf("the deployments did not show:\n%s", screen)
	}
	for i, age := range h.column("age") {
		if strings.TrimSpace(age) != "?" {
			t.Errorf("row %d AGE = %q, want ?", i, age)
		}
	}
	if hdr := h.header(); !strings.Contains(hdr, "DEGRADED") || !strings.Contains(hdr, "not understood") {
		t.Errorf("header = %q, want DEGRADED … not understood", hdr)
	}
	h.press("enter")
	h.tick(time.Second)
	screen = ansi.Strip(h.view())
	if !strings.Contains(screen, `? (sent "yesterday")`) || !strings.Contains(screen, "NOT UNDERSTOOD") {
		t.Fatalf("the detail view does not show the value as sent:\n%s", screen)
	}
}

// A Smart Fleet last_updated, a policy threshold and a location latitude
// that do not parse show as "?" in their tables; the rows and their other
// columns show.
func TestOddCatalogFieldsShowAsUnknown(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withSize(160, 40), rewriting("/v1/", func(body any, r *http.Request) any {
		switch p := r.URL.Path; {
		case p == "/v1/fleets":
			return setEach(body, "fleets", "last_updated", "soon")
		case strings.HasSuffix(p, "/policies"):
			return setEach(body, "policies", "threshold", "high")
		case p == "/v1/locations":
			return setEach(body, "locations", "latitude", "north")
		}
		return body
	}))
	for range 5 {
		h.tick(time.Second)
	}
	for _, tc := range []struct{ tab, col, other string }{{"2", "updated", "name"}, {"3", "threshold", "min"}, {"4", "latlong", "city"}} {
		h.press(tc.tab)
		h.tick(time.Second)
		cells, others := h.column(tc.col), h.column(tc.other)
		if len(cells) == 0 {
			t.Fatalf("tab %s has no rows:\n%s", tc.tab, ansi.Strip(h.view()))
		}
		smart := 0
		for i, c := range cells {
			if tc.tab == "2" && !strings.HasPrefix(strings.TrimSpace(h.column("kind")[i]), "smart") {
				continue // private fleets have no last_updated
			}
			smart++
			if strings.TrimSpace(c) != "?" || strings.TrimSpace(others[i]) == "" {
				t.Errorf("tab %s row %d: %s = %q, %s = %q; want ? and a value", tc.tab, i, tc.col, c, tc.other, others[i])
			}
		}
		if smart == 0 {
			t.Errorf("tab %s: no smart fleet row", tc.tab)
		}
	}
}
