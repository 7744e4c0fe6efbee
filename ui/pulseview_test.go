package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// pulseOf is the open pulse view (fails if another view is open).
func pulseOf(t *testing.T, h *harness) *pulseView {
	t.Helper()
	p, ok := h.app.sub.(*pulseView)
	if !ok {
		t.Fatalf("the pulse is not open; screen:\n%s", h.view())
	}
	return p
}

// p opens the pulse; its organization line counts every deployment of the
// console's store, its ERROR count is the store's, and each app line adds
// up to the enriched rows of that app.
func TestPulseCountsWhatTheStoreHolds(t *testing.T) {
	h := settled(t)
	h.press("p")
	p := pulseOf(t, h)
	all := h.app.store.All()
	errs, byApp := 0, map[string]int{}
	for _, r := range all {
		if r.Enriched && r.Status == api.StatusError {
			errs++
		}
		if r.Enriched {
			byApp[r.App]++
		}
	}
	if p.p.Org.Total != len(all) || p.p.Org.Errors() != errs {
		t.Errorf("org: %d deployments, %d ERROR; the store has %d and %d", p.p.Org.Total, p.p.Org.Errors(), len(all), errs)
	}
	if len(p.p.Apps) != len(byApp) {
		t.Fatalf("%d app lines, want %d", len(p.p.Apps), len(byApp))
	}
	for _, l := range p.p.Apps {
		if l.Total != byApp[l.Name] {
			t.Errorf("app %s: %d, want %d", l.Name, l.Total, byApp[l.Name])
		}
	}
	h.mustContain("Pulse", "organization", "APPS", "VERSIONS", "LOCATIONS", "NEW ERR/MIN")
}

// enter on an app line opens the Deployments tab filtered to that app: every
// row shown is of the app, and esc clears the filter.
func TestPulseEnterFiltersTheDeployments(t *testing.T) {
	h := settled(t)
	h.press("p")
	p := pulseOf(t, h)
	h.press("j", "j") // organization → the APPS title is skipped → the first app
	sel := p.lines[p.cursor].line
	if sel == nil || sel.Scope != "app" {
		t.Fatalf("the cursor is on %+v, want the first app", p.lines[p.cursor])
	}
	h.press("enter")
	if h.app.sub != nil || h.activeName() != "Deployments" {
		t.Fatalf("enter left %T open on %s", h.app.sub, h.activeName())
	}
	if got := h.app.tabs[tabDeployments].filterText(); got != sel.Filter {
		t.Errorf("filter %q, want %q", got, sel.Filter)
	}
	h.settle() // the server selected the rows (the filter is pushed down); wait for their status
	for _, id := range h.deployments().visibleKeys() {
		if r, _ := h.app.store.Get(id); r.App != sel.Name {
			t.Errorf("row %s of app %q shown under %s", id, r.App, sel.Filter)
		}
	}
	h.mustContain("filtered: " + sel.Filter)
}

// A deployment that turns ERROR shows in the pulse's trend of new errors
// within the next computation (at most pulseEvery later), and its app moves
// to the top of the APPS section.
func TestPulseShowsANewError(t *testing.T) {
	h := settled(t)
	h.press("p")
	p := pulseOf(t, h)
	before := p.p.Org.NewErrors[len(p.p.Org.NewErrors)-1]
	var victim *model.DeploymentRow
	for _, r := range h.app.store.All() {
		if r.Enriched && r.Status == api.StatusReady && h.app.tabs[tabDeployments] != nil {
			victim = r
			break
		}
	}
	if victim == nil {
		t.Fatal("no READY deployment to fail")
	}
	if err := h.sim.Fail(victim.ID, "bad build"); err != nil {
		t.Fatal(err)
	}
	h.settle(func() bool {
		r, _ := h.app.store.Get(victim.ID)
		return r != nil && r.Status == api.StatusError && p.p.Org.Errors() > 0 &&
			p.p.Org.NewErrors[len(p.p.Org.NewErrors)-1] > before && !p.computedAt.Before(h.clock.Now().Add(-pulseEvery))
	})
	if top := p.p.Apps[0]; top.Name != victim.App {
		t.Errorf("the first app is %s (%d ERROR), want %s, which just failed", top.Name, top.Errors(), victim.App)
	}
	if !strings.Contains(h.view(), victim.App) {
		t.Errorf("the screen does not name %s:\n%s", victim.App, h.view())
	}
}

// The pulse fits 80x24 and keeps the time to READY column.
func TestPulseNarrow(t *testing.T) {
	h := settled(t, withSize(80, 24))
	h.press("p")
	checkScreen(t, h.view(), 80, 24)
	h.mustContain("NEW ERR/MIN", "READY p50/95")
}

// The ERROR watch's note gives the API's count, says when the read was
// capped, and when it fails; nothing before the first read.
func TestListWatchNote(t *testing.T) {
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		w    model.WatchInfo
		want string
	}{
		{model.WatchInfo{Kind: model.JobErrorWatch}, ""},
		{model.WatchInfo{Kind: model.JobErrorWatch, LastRead: at, Rows: 102, Total: 102}, "102 in ERROR (API count)"},
		{model.WatchInfo{Kind: model.JobErrorWatch, LastRead: at, Rows: 1000, Total: 1690, Capped: true}, "1690 in ERROR (API count; newest 1000 watched)"},
		{model.WatchInfo{Kind: model.JobErrorWatch, LastRead: at, Fails: 3}, "ERROR watch failing (3 in a row; retrying)"},
		{model.WatchInfo{Kind: model.JobNewWatch, LastRead: at, Total: 5}, ""},
	} {
		if got := listWatchNote([]model.WatchInfo{c.w}); got != c.want {
			t.Errorf("listWatchNote(%+v) = %q, want %q", c.w, got, c.want)
		}
	}
}
