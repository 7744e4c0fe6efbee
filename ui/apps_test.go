package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/theme"
)

const versionPatchRoute = "PATCH /v1/app/{app}/version/{version}"

// openApps opens the applications and waits until every one's versions
// are read.
func (h *harness) openApps() *appsView {
	h.t.Helper()
	h.press("v")
	v, ok := h.app.sub.(*appsView)
	if !ok {
		h.t.Fatalf("v opened %T, want the applications", h.app.sub)
	}
	h.settle(func() bool {
		if !h.app.cat.AppsLoaded {
			return false
		}
		for _, a := range h.app.cat.Apps {
			if _, ok := h.app.cat.Versions[a.Name]; !ok {
				return false
			}
		}
		return true
	})
	return v
}

// onSubRow puts the cursor of a catalog sub-view on the row key.
func (h *harness) onSubRow(t *catalogTab, key string) {
	h.t.Helper()
	h.settle(func() bool { return t.rows.Position(key) >= 0 })
	h.press("home")
	for range t.rows.Total() {
		if r, ok := t.list.selected(); ok && r.key == key {
			return
		}
		h.press("down")
	}
	h.t.Fatalf("row %s not reached on %s:\n%s", key, t.title, h.view())
}

// openVersions opens the versions page of app from the applications.
func (h *harness) openVersions(app string) *versionsView {
	h.t.Helper()
	apps := h.openApps()
	h.onSubRow(apps.catalogTab, app)
	h.press("enter")
	v, ok := h.app.sub.(*versionsView)
	if !ok || v.app != app {
		h.t.Fatalf("enter opened %T, want the versions of %s", h.app.sub, app)
	}
	h.settle(func() bool { _, ok := h.app.cat.Versions[app]; return ok })
	return v
}

// cellOf is the cell of column key on the row of a catalog table.
func cellOf(t *testing.T, tab *catalogTab, row, col string, cols []string) (string, theme.Tone) {
	t.Helper()
	for _, r := range tab.rows.Visible() {
		if r.key != row {
			continue
		}
		for i, c := range cols {
			if c == col {
				return r.cells[i].Text, r.cells[i].Tone
			}
		}
	}
	t.Fatalf("no cell %s of row %s", col, row)
	return "", 0
}

func versionCols() []string {
	out := make([]string, len(versionColumns))
	for i, c := range versionColumns {
		out[i] = c.Key
	}
	return out
}

func TestAppsViewListsApplicationsAndOpensAVersionsPage(t *testing.T) {
	h := settled(t, withSize(200, 40))
	apps := h.openApps()
	h.mustContain("Applications", "kart-racing", "VERSIONS", "INACTIVE VERSIONS")
	n, _ := cellOf(t, apps.catalogTab, "kart-racing", "versions", []string{"name", "active", "versions"})
	if want := len(h.app.cat.Versions["kart-racing"]); n != itoa(want) || want == 0 {
		t.Fatalf("kart-racing shows %q versions, the catalog has %d", n, want)
	}

	h.onSubRow(apps.catalogTab, "kart-racing")
	h.press("enter")
	vv, ok := h.app.sub.(*versionsView)
	if !ok {
		t.Fatalf("enter opened %T", h.app.sub)
	}
	h.settle(func() bool { return vv.rows.Total() > 0 })
	h.mustContain("Versions of kart-racing", "2026.04.2", "studio-logs-s3", noStorage, "CACHING", "MAX DUR", "STATUS MIX")
	cols := versionCols()
	if s, _ := cellOf(t, vv.catalogTab, "2026.04.2", "storage", cols); s != "studio-logs-s3" {
		t.Fatalf("2026.04.2 storage %q", s)
	}
	// Low image caching is a warning; good caching is not.
	if s, tone := cellOf(t, vv.catalogTab, "oversized", "caching", cols); tone != theme.ToneWarn {
		t.Fatalf("oversized caching %q tone %v, want a warning below 80%%", s, tone)
	}
	if s, tone := cellOf(t, vv.catalogTab, "2026.04.2", "caching", cols); s != "93%" || tone != theme.ToneGood {
		t.Fatalf("2026.04.2 caching %q tone %v", s, tone)
	}
	// The live count is the API's count of the version's deployments
	// (what enter then lists); the mix is of those whose status was read,
	// the others counted as "?".
	h.settle(func() bool {
		_, ok := h.app.cat.VersionCounts[model.VersionKey{App: "kart-racing", Version: "2026.04.2"}]
		return ok
	})
	l, err := h.client.ListDeployments(context.Background(), api.ListDeploymentsParams{Page: 1, Limit: 1, Query: &api.DeploymentQuery{Filters: []api.QueryFilter{
		{Field: api.FieldApplication, Operator: api.OpEq, Value: "kart-racing"}, {Field: api.FieldVersion, Operator: api.OpEq, Value: "2026.04.2"}}}})
	if err != nil {
		t.Fatal(err)
	}
	known := 0
	for _, r := range h.app.store.All() {
		if r.Enriched && r.App == "kart-racing" && r.Version == "2026.04.2" {
			known++
		}
	}
	if s, _ := cellOf(t, vv.catalogTab, "2026.04.2", "count", cols); s != itoa(int(l.TotalCount)) || l.TotalCount == 0 {
		t.Fatalf("2026.04.2 shows %s deployments, the API counts %d", s, l.TotalCount)
	}
	if mix, _ := cellOf(t, vv.catalogTab, "2026.04.2", "mix", cols); int(l.TotalCount) > known && !strings.HasSuffix(mix, itoa(int(l.TotalCount)-known)+" ?") {
		t.Fatalf("2026.04.2 mix %q: %d of %d known, want the rest as ?", mix, known, l.TotalCount)
	}

	// esc goes back to the applications, enter on a version to its deployments.
	h.press("esc")
	if _, ok := h.app.sub.(*appsView); !ok {
		t.Fatalf("esc on a versions page opened %T, want the applications", h.app.sub)
	}
	h.press("enter")
	vv = h.app.sub.(*versionsView)
	h.onSubRow(vv.catalogTab, "2026.04.2")
	h.press("enter")
	if h.app.sub != nil || h.app.active != tabDeployments {
		t.Fatalf("enter on a version left sub %T, tab %d", h.app.sub, h.app.active)
	}
	if f := h.app.tabs[tabDeployments].filterText(); f != "app=kart-racing version=2026.04.2" {
		t.Fatalf("the Deployments tab's filter is %q", f)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// The applications and versions are read only while they are shown.
func TestAppsArePolledOnlyWhileShown(t *testing.T) {
	h := settled(t)
	appsCalls := func() int64 { return h.sim.Counters().ByGroup[api.GroupApps].Calls }
	if n := appsCalls(); n != 0 {
		t.Fatalf("%d apps requests before :apps", n)
	}
	h.openApps()
	if appsCalls() == 0 {
		t.Fatal("the applications view read nothing")
	}
	h.press("esc")
	before := appsCalls()
	for range 3 {
		h.tick(time.Minute)
	}
	if n := appsCalls(); n != before {
		t.Fatalf("%d apps requests after the view closed", n-before)
	}
}

func TestKillSwitchDisablesAVersionTypedOptimisticAudited(t *testing.T) {
	h := settled(t, withSize(200, 40))
	path := withAudit(t, h)
	vv := h.openVersions("kart-racing")
	h.settle(func() bool { r, _, _ := h.app.cat.runningOf("kart-racing", "2026.04.2"); return r > 0 })
	h.onSubRow(vv.catalogTab, "2026.04.2")
	running, _, _ := h.app.cat.runningOf("kart-racing", "2026.04.2")

	h.press("x")
	if _, ok := h.app.dialog.(*typedConfirm); !ok {
		t.Fatalf("x on a version with running deployments opened %T, want a typed confirmation", h.app.dialog)
	}
	h.mustContain("Disable kart-racing 2026.04.2?",
		"No new deployments of kart-racing 2026.04.2; the "+itoa(running)+" running ones are not stopped.",
		"type 2026.04.2")
	h.typeText("2026.04.1")
	h.press("enter")
	if h.app.dialog == nil || h.calls(versionPatchRoute) != 0 {
		t.Fatal("a wrong name closed the dialog or sent the change")
	}
	for range len("2026.04.1") {
		h.press("backspace")
	}
	h.typeText("2026.04.2")
	cmd := h.update(keyMsg("enter"))
	if v, _ := h.app.cat.Version("kart-racing", "2026.04.2"); v.Active() {
		t.Fatal("the row does not show the version disabled at once")
	}
	h.pump(cmd)
	if n := h.calls(versionPatchRoute); n != 1 {
		t.Fatalf("%d PATCH requests, want 1", n)
	}
	sv, err := h.client.AppVersion(context.Background(), "kart-racing", "2026.04.2")
	if err != nil || sv.Active() {
		t.Fatalf("the simulator's version: %+v %v", sv, err)
	}
	h.mustContain("kart-racing 2026.04.2 disabled: no new deployments")
	e := lastAudit(t, path, 1)
	if e.Action != versionDisable || e.Targets[0] != "kart-racing 2026.04.2" || e.Outcome != "ok" || !strings.HasPrefix(e.Detail, "is_active yes → no") {
		t.Fatalf("audit entry %+v", e)
	}

	// A deploy of it is refused with the API's message.
	_, err = h.client.DeployV2(context.Background(), api.DeployV2Request{Application: "kart-racing", Version: "2026.04.2",
		Users: []api.DeployUser{{UserType: "ip_address", UserData: api.DeployUserIP{IPAddress: "1.2.3.4"}}}})
	if err == nil || !strings.Contains(err.Error(), "is not active") {
		t.Fatalf("deploying a disabled version: %v", err)
	}

	// Enabling asks a plain confirmation.
	h.press("x")
	if _, ok := h.app.dialog.(*confirmDialog); !ok {
		t.Fatalf("x on a disabled version opened %T", h.app.dialog)
	}
	h.mustContain("Enable kart-racing 2026.04.2?", "is_active no → yes")
	h.press("y")
	if v, _ := h.app.cat.Version("kart-racing", "2026.04.2"); !v.Active() {
		t.Fatal("enable did not reach the row")
	}
	if e := lastAudit(t, path, 2); e.Action != versionEnable || e.Outcome != "ok" {
		t.Fatalf("audit entry %+v", e)
	}
}

func TestKillSwitchRollsBackOnFailure(t *testing.T) {
	h := settled(t, withSize(200, 40), withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/v1/app/") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				w.Write([]byte(`{"message":"Your plan does not allow this change"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	path := withAudit(t, h)
	apps := h.openApps()
	h.onSubRow(apps.catalogTab, "cozy-farm")
	h.press("x")
	h.mustContain("Disable cozy-farm?", "No new deployments of any version of cozy-farm")
	if _, typed := h.app.dialog.(*typedConfirm); typed {
		h.typeText("cozy-farm")
		h.press("enter")
	} else {
		h.press("y")
	}
	if a, _ := h.app.cat.App("cozy-farm"); !a.IsActive {
		t.Fatal("the failed disable was not rolled back")
	}
	h.mustContain("disable cozy-farm failed: 403 Your plan does not allow this change")
	if e := lastAudit(t, path, 1); e.Action != appDisable || !strings.HasPrefix(e.Outcome, "failed") || e.HTTPStatus != http.StatusForbidden {
		t.Fatalf("audit entry %+v", e)
	}
}

func TestKillSwitchRefusedReadOnly(t *testing.T) {
	h := settled(t, withReadOnly())
	apps := h.openApps()
	h.onSubRow(apps.catalogTab, "kart-racing")
	h.press("x")
	if h.app.dialog != nil {
		t.Fatal("read-only mode opened the kill switch dialog")
	}
	h.mustContain("read-only")
	if n := h.sim.Counters().ByRoute["PATCH /v1/app/{app}"].Calls; n != 0 {
		t.Fatalf("%d PATCH requests in read-only mode", n)
	}
}

// TestAppsGoldens keeps the applications, a version's page and the kill
// switch dialog (testdata/TestAppsGoldens). Regenerate with:
// go test ./ui/ -run TestAppsGoldens -update
func TestAppsGoldens(t *testing.T) {
	cases := []struct {
		name string
		open func(h *harness)
		wait string
	}{
		{"apps", func(h *harness) { h.openApps() }, "VERSIONS"},
		{"versions", func(h *harness) { h.openVersions("kart-racing") }, "STATUS MIX"},
		{"killswitch", func(h *harness) {
			vv := h.openVersions("kart-racing")
			h.onSubRow(vv.catalogTab, "2026.04.2")
			h.press("x")
		}, "Disable"},
	}
	for _, c := range cases {
		for _, size := range bothSizes {
			w, hh := size[0], size[1]
			t.Run(c.name+"/"+itoa(w)+"x"+itoa(hh), func(t *testing.T) {
				t.Parallel()
				h := newHarness(t, withSize(w, hh))
				h.settle()
				c.open(h)
				out := programScreen(t, h, w, hh, nil, c.wait)
				teatest.RequireEqualOutput(t, []byte(out))
			})
		}
	}
}
