package ui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// Filtering (/): live, cleared, invalid, on every tab.

// filterCase is a filter typed on the Deployments tab and what every row
// on screen must then satisfy. A status term is pushed down into the list
// query: once a list pass under it answered, the server vouches for the
// rows it returned, which show before their own status arrives.
type filterCase struct {
	name   string
	filter string
	pushed bool // part of the filter goes into the list query
	ok     func(r *model.DeploymentRow) bool
}

var filterCases = []filterCase{
	{"free text", "kart", false, func(r *model.DeploymentRow) bool { return strings.Contains(r.Text(), "kart") }},
	{"status", "status:error", true, func(r *model.DeploymentRow) bool { return r.Status == api.StatusError || !r.Enriched }},
	{"status prefix", "status:rea", true, func(r *model.DeploymentRow) bool { return r.Status == api.StatusReady || !r.Enriched }},
	{"app", "app:kart", false, func(r *model.DeploymentRow) bool { return strings.Contains(r.App, "kart") }},
	{"exact app", "app=cozy-farm", true, func(r *model.DeploymentRow) bool { return r.App == "cozy-farm" || !r.Enriched }},
	{"city", "city:paris", false, func(r *model.DeploymentRow) bool { return r.City == "Paris" }},
	{"country", "country:canada", false, func(r *model.DeploymentRow) bool { return r.Country == "Canada" }},
	{"inverted", "!kart", false, func(r *model.DeploymentRow) bool { return !strings.Contains(r.Text(), "kart") }},
	{"two terms", "app:arena city:tokyo", false, func(r *model.DeploymentRow) bool { return r.App == "arena-shooter" && r.City == "Tokyo" }},
}

func TestFilterLive(t *testing.T) {
	t.Parallel()
	for _, tc := range filterCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := settled(t)
			total, gen := h.app.store.Total(), h.app.engine.Schedule().Gen
			h.press("/")
			if h.app.mode != modeFilter {
				t.Fatal("/ did not open the filter")
			}
			h.typeText(tc.filter)
			// Live: the rows are filtered before enter.
			checkFiltered(t, h, tc)
			if !strings.HasPrefix(h.line(-2), "/"+tc.filter) {
				t.Fatalf("input line %q", h.line(-2))
			}
			h.press("enter")
			if h.app.mode != modeNormal || h.deployments().filterText() != tc.filter {
				t.Fatalf("enter: mode %d, filter %q", h.app.mode, h.deployments().filterText())
			}
			checkFiltered(t, h, tc)
			if !strings.Contains(h.title(), "filter: "+tc.filter) {
				t.Fatalf("title %q does not show the filter", h.title())
			}
			if got := h.app.engine.Schedule().Gen != gen; got != tc.pushed {
				t.Fatalf("pushed down: %v, want %v", got, tc.pushed)
			}
			// esc in normal mode clears it; every row comes back (after a
			// list pass when the server filtered them).
			h.press("esc")
			if h.deployments().filterText() != "" || h.app.store.Len() != h.app.store.Total() {
				t.Fatalf("esc kept the filter %q", h.deployments().filterText())
			}
			h.settle(func() bool { return h.app.store.Total() >= total-5 })
		})
	}
}

// checkFiltered fails unless every row on screen passes tc and the title
// counts them.
func checkFiltered(t *testing.T, h *harness, tc filterCase) {
	t.Helper()
	ids := h.rowIDs()
	if len(ids) == 1 && strings.HasPrefix(h.rows()[0], " No deployment matches") {
		return
	}
	for _, id := range ids {
		r, ok := h.app.store.Get(id)
		if !ok || !tc.ok(r) {
			t.Fatalf("filter %q shows %s:\n%s", tc.filter, id, h.view())
		}
	}
	if len(ids) == 0 {
		t.Fatalf("filter %q shows nothing, not even the empty text:\n%s", tc.filter, h.view())
	}
	// "n of total" while filtering locally; once a pushed-down query was
	// listed the store only holds what the server matched: "n".
	want := regexp.MustCompile(fmt.Sprintf(`^Deployments (%d of \d+|%[1]d  )`, h.app.store.Len()))
	if !want.MatchString(h.title()) {
		t.Fatalf("title %q does not count the matches", h.title())
	}
}

func TestFilterEscClears(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("/")
	h.typeText("app:cozy")
	if h.app.store.Len() == h.app.store.Total() {
		t.Fatal("the filter did not apply while typing")
	}
	h.press("esc")
	if h.app.mode != modeNormal || h.deployments().filterText() != "" || h.app.store.Len() != h.app.store.Total() {
		t.Fatalf("esc in the filter: mode %d filter %q, %d of %d", h.app.mode, h.deployments().filterText(), h.app.store.Len(), h.app.store.Total())
	}
	if strings.Contains(h.title(), "filter:") {
		t.Fatalf("title still shows a filter: %q", h.title())
	}
}

func TestFilterNoMatch(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("/")
	h.typeText("zzzzzz")
	h.press("enter")
	h.mustContain("No deployment matches zzzzzz", "Deployments 0 of ")
}

func TestFilterInvalidFieldKeepsOldFilter(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("/")
	h.typeText("app:kart")
	h.press("enter")
	before := h.rowIDs()

	// Pasted at once: the bad term never parses.
	h.press("/")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("app:kart colour:red"), Paste: true})
	in := h.line(-2)
	if !strings.Contains(in, `unknown filter field "colour"`) || !strings.Contains(in, "status, app, version") {
		t.Fatalf("input line %q does not explain the bad field", in)
	}
	if got := h.deployments().filterText(); got != "app:kart" {
		t.Fatalf("the filter became %q", got)
	}
	if got := h.rowIDs(); !slices.Equal(got, before) {
		t.Fatalf("rows changed under a bad filter")
	}
	if !strings.Contains(h.title(), "filter: app:kart") {
		t.Fatalf("title %q", h.title())
	}
	h.press("enter") // refused while it does not parse
	if h.app.mode != modeFilter {
		t.Fatal("enter accepted a bad filter")
	}
	// Fixing it applies it, in place of the old one.
	for range len("colour:red") {
		h.press("backspace")
	}
	h.typeText("city:tokyo")
	h.press("enter")
	if h.app.mode != modeNormal || h.deployments().filterText() != "app:kart city:tokyo" {
		t.Fatalf("fixed filter: mode %d, %q", h.app.mode, h.deployments().filterText())
	}

	// Typed key by key, the last filter that parsed stays: "colour" was
	// free text until the colon made it a field. (Recalled with up, the
	// last filter is edited, not typed again.)
	h.press("/", "up")
	h.typeText(" colour:")
	if got := h.deployments().filterText(); got != "app:kart city:tokyo colour" {
		t.Fatalf("typed bad field: filter %q", got)
	}
	if !strings.Contains(h.line(-2), `unknown filter field "colour"`) {
		t.Fatalf("input line %q", h.line(-2))
	}
}

func TestFilterBurstOfRunes(t *testing.T) {
	t.Parallel()
	h := settled(t)
	// tmux, SSH and fast typists deliver several keys in one message.
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/status:err")})
	if h.app.mode != modeFilter || h.app.filter.Value() != "status:err" {
		t.Fatalf("burst: mode %d, input %q", h.app.mode, h.app.filter.Value())
	}
	h.settle() // the rows the server matched get their status
	checkFiltered(t, h, filterCase{filter: "status:err", ok: func(r *model.DeploymentRow) bool { return r.Status == api.StatusError }})

	// The same burst in normal mode with keys the tab knows moves the cursor.
	h.press("esc", "g")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	if c := h.deployments().list.table.Cursor(); c != 3 {
		t.Fatalf("burst jjj: cursor %d, want 3", c)
	}
}

func TestFilterOtherTabs(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tests := []struct {
		tab, filter, column string
		want                []string
	}{
		{"2", "alpha", "name", []string{"alpha-fleet"}},
		{"2", "!smart", "name", []string{"alpha-fleet", "beta-fleet"}},
		{"4", "country:japan", "city", []string{"Tokyo"}},
		{"4", "continent:oceania", "city", []string{"Sydney"}},
		{"3", "fleet:eu-casual", "fleet", []string{"eu-casual", "eu-casual"}},
		{"3", "radius", "name", []string{"paris-radius"}},
	}
	for _, tt := range tests {
		h.press(tt.tab, "/")
		h.typeText(tt.filter)
		h.press("enter")
		if got := h.column(tt.column); !slices.Equal(got, tt.want) {
			t.Errorf("tab %s filter %q: %v, want %v\n%s", tt.tab, tt.filter, got, tt.want, h.view())
		}
		if !strings.Contains(h.title(), "filter: "+tt.filter) {
			t.Errorf("tab %s: title %q", tt.tab, h.title())
		}
		h.press("esc")
	}
	h.press("2", "/")
	h.typeText("nothing-like-this")
	h.mustContain("No fleet matches nothing-like-this — esc clears the filter")
}

// TestClearingFilterShowsTop: after esc clears a filter the cursor stays
// on the row it was on; when that row fits on the first page, the page
// must start at the top, not at the selected row with the newest
// deployments hidden above it.
func TestClearingFilterShowsTop(t *testing.T) {
	t.Parallel()
	h := settled(t, withSize(120, 60)) // the error row of this world is row 35
	h.press("/")
	h.typeText("status:error")
	h.press("enter")
	h.settle(func() bool { return h.app.store.Total() < 300 }) // the pushed-down pass answered
	id := h.selectedID()
	h.press("esc")
	h.settle(func() bool { return h.app.store.Total() >= 300 })
	pos := h.app.store.Position(id)
	if pos >= h.deployments().list.table.PageSize() {
		t.Fatalf("selected %s is row %d, not on the first page: the test needs a taller screen", id, pos)
	}
	if from, _ := h.deployments().list.table.VisibleRange(); from != 0 {
		t.Fatalf("selected %s is row %d, on the first page, but the screen starts at row %d:\n%s", id, pos, from, h.view())
	}
}
