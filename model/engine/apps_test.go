package engine_test

import (
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// The applications and a version's page reach the snapshot's catalog
// while a view shows them, and no apps request is made once none does. A
// kill switch's optimistic change (NoteVersion) is in the next snapshot.
func TestEngineReadsAppsOnlyWhileShownAndNotesAVersion(t *testing.T) {
	w := newWorld(t)
	v := w.engine.Attach()
	v.Show(model.Interest{View: model.ViewApps}, nil)
	w.run(t, 2*time.Second)
	cat := w.engine.Snapshot().Catalog
	if !cat.AppsLoaded || len(cat.Apps) == 0 {
		t.Fatalf("apps not loaded: %+v", cat.Apps)
	}
	if _, ok := cat.Versions["kart-racing"]; !ok {
		t.Fatalf("the apps view did not read the versions of kart-racing (for the count): %v", cat.VersionsErr)
	}
	ver, ok := cat.Version("kart-racing", "2026.04.2")
	if !ok || !ver.Active() {
		t.Fatalf("kart-racing 2026.04.2: %+v %v", ver, ok)
	}

	off := false
	ver.IsActive = &off
	before := w.engine.Snapshot().Version
	v.NoteVersion("kart-racing", ver)
	snap := w.engine.Snapshot()
	if got, _ := snap.Catalog.Version("kart-racing", "2026.04.2"); snap.Version == before || got.Active() {
		t.Fatalf("NoteVersion not in the next snapshot (version %d→%d, active %v)", before, snap.Version, got.Active())
	}
	if got, _ := cat.Version("kart-racing", "2026.04.2"); !got.Active() {
		t.Fatal("NoteVersion changed an older snapshot's catalog")
	}

	// A versions page counts each version's deployments through the
	// list's total_count.
	v.Show(model.Interest{View: model.ViewVersions, Arg: "kart-racing"}, nil)
	w.run(t, 2*time.Second)
	counts := w.engine.Snapshot().Catalog.VersionCounts
	if n, ok := counts[model.VersionKey{App: "kart-racing", Version: "2026.04.2"}]; !ok || n == 0 {
		t.Fatalf("no count of kart-racing 2026.04.2 deployments: %v", counts)
	}
	for k := range counts {
		if k.App != "kart-racing" {
			t.Fatalf("counted %v, of an application no page shows", k)
		}
	}

	v.Show(model.Interest{View: model.ViewFleets}, nil)
	w.run(t, time.Second)
	calls := w.sim.Counters().ByGroup[api.GroupApps].Calls
	w.run(t, 3*model.DefaultCatalogInterval)
	if n := w.sim.Counters().ByGroup[api.GroupApps].Calls; n != calls {
		t.Fatalf("%d apps requests with no view showing them", n-calls)
	}
}
