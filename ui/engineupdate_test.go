package ui

import (
	"testing"

	"github.com/gapdeck/gapdeck/api"
)

// An engine notice whose change the last Pull already took brings an
// update without results on the same snapshot: it rebuilds no tab (the
// Locations rows count every deployment: most of an idle console's work
// at 5,000 deployments, once per session under gapdeck serve). A change
// outside a fetch (an action's answer) still rebuilds them.
func TestUpdateOnSameSnapshotRebuildsNoTab(t *testing.T) {
	h := newHarness(t, withDeployments(60))
	a := h.app
	loc := a.tabs[tabLocations].(*catalogTab)
	builds := 0
	build := loc.build
	loc.build = func() ([]*catalogRow, string, bool) {
		builds++
		return build()
	}

	deliver(a) // anything the harness left
	builds = 0
	a.Update(engineMsg{view: a.view, update: a.view.Pull()})
	if builds != 0 {
		t.Fatalf("an update with nothing new rebuilt the Locations rows %d times", builds)
	}

	id := a.store.All()[0].ID
	a.view.NoteStatus(&api.DeploymentStatus{RequestID: id, CurrentStatus: api.StatusError, Error: true})
	deliver(a)
	if builds != 1 {
		t.Fatalf("an action's answer (no result, a new snapshot) rebuilt the Locations rows %d times, want 1", builds)
	}
}
