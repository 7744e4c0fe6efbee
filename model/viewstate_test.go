package model

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestViewStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "state.json")
	want := &ViewState{Profile: "prod", Tabs: map[string]TabState{
		"Deployments": {Sort: "age", Desc: true, Hidden: []string{"ip", "tags"}},
		"Fleets":      {Sort: "name"},
	}, History: map[string][]string{"Deployments": {"status:error", "app=kart"}}}
	if err := SaveViewState(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadViewState(path)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(want) {
		t.Fatalf("loaded %+v, want %+v", got, want)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", info.Mode().Perm())
	}
	// Saving again replaces the file and leaves no temporary file behind.
	want.Profile = "dev"
	if err := SaveViewState(path, want); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d files, want only state.json: %v", len(entries), entries)
	}
	if got, _ := LoadViewState(path); got.Profile != "dev" {
		t.Fatalf("profile %q after the second save, want dev", got.Profile)
	}
}

func TestLoadViewStateMissingIsEmpty(t *testing.T) {
	s, err := LoadViewState(filepath.Join(t.TempDir(), "none.json"))
	if err != nil || s == nil || s.Profile != "" || len(s.Tabs) != 0 {
		t.Fatalf("missing file: %+v, %v; want an empty state and no error", s, err)
	}
}

func TestLoadViewStateCorruptIsReportedAndIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte(`{"profile": "prod", "tabs": {`), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := LoadViewState(path)
	if err == nil || !strings.Contains(err.Error(), "corrupt") || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want one naming the corrupt file", err)
	}
	if s == nil || s.Profile != "" || len(s.Tabs) != 0 {
		t.Fatalf("corrupt file gave %+v, want an empty state", s)
	}
	// The next save replaces it.
	if err := SaveViewState(path, &ViewState{Profile: "dev"}); err != nil {
		t.Fatal(err)
	}
	if s, err := LoadViewState(path); err != nil || s.Profile != "dev" {
		t.Fatalf("after save: %+v, %v", s, err)
	}
}

func TestSaveViewStateUnwritableDirFails(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := SaveViewState(filepath.Join(blocker, "state.json"), &ViewState{})
	if err == nil || !strings.Contains(err.Error(), "view state") {
		t.Fatalf("error %v, want a view state error", err)
	}
}

func TestViewStateCloneIsDeep(t *testing.T) {
	s := &ViewState{Profile: "a", Tabs: map[string]TabState{"Deployments": {Hidden: []string{"ip"}}}}
	c := s.Clone()
	c.Tabs["Deployments"].Hidden[0] = "tags"
	c.Tabs["Fleets"] = TabState{Sort: "name"}
	if s.Tabs["Deployments"].Hidden[0] != "ip" || len(s.Tabs) != 1 {
		t.Fatalf("clone shares data with the original: %+v", s)
	}
	if s.Equal(c) || !s.Equal(s.Clone()) {
		t.Fatal("Equal disagrees with Clone")
	}
	var none *ViewState
	if none.Clone() != nil || !none.Equal(nil) || none.Equal(s) {
		t.Fatal("nil state handling")
	}
}

// TestCorruptViewStateIsMovedAside: a corrupt state file is reported once:
// loading moves it aside (kept for a look, named in the error), so the
// next start is clean even if nothing is saved in between.
func TestCorruptViewStateIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	corrupt := []byte("{\"profile\": \"prod\", \"tabs\": {\x00")
	if err := os.WriteFile(path, corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadViewState(path)
	if err == nil {
		t.Fatal("a corrupt file loaded without an error")
	}
	if _, serr := os.Stat(path); serr == nil {
		t.Fatalf("the corrupt file is still at %s: every start would report it again", path)
	}
	moved, _ := filepath.Glob(filepath.Join(dir, "state.json.corrupt-*"))
	if len(moved) != 1 {
		t.Fatalf("moved copies %v, want one state.json.corrupt-<time>", moved)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), filepath.Base(moved[0])) {
		t.Errorf("error %q does not say where the file went (%s)", err, moved[0])
	}
	if data, _ := os.ReadFile(moved[0]); string(data) != string(corrupt) {
		t.Errorf("the moved copy holds %q, want the original bytes", data)
	}
	// The next start: nothing to report.
	if s, err := LoadViewState(path); err != nil || s.Profile != "" {
		t.Fatalf("second load: %+v, %v; want an empty state and no error", s, err)
	}
	// A second corrupt file later gets its own name, not the first's.
	if err := os.WriteFile(path, []byte("]"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadViewState(path); err == nil {
		t.Fatal("second corrupt file: no error")
	}
	if moved, _ := filepath.Glob(filepath.Join(dir, "state.json.corrupt-*")); len(moved) != 2 {
		t.Fatalf("after a second corrupt file: %v, want two copies", moved)
	}
}

// A state file written when filters were restored still loads: its filters
// become history (behind the newer history entries), never active filters.
func TestLoadViewStateMovesOldFiltersToHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	old := `{"profile": "prod", "tabs": {
		"Deployments": {"sort": "age", "filter": "status:ready", "hidden": ["ip"]},
		"Fleets": {"filter": "alpha"},
		"Policies": {"filter": "radius"}},
	"history": {"Policies": ["paris", "radius"]}}`
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := LoadViewState(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := s.Tabs["Deployments"]; d.Filter != "" || d.Sort != "age" || !slices.Equal(d.Hidden, []string{"ip"}) {
		t.Errorf("Deployments %+v: want the sort and columns, no filter", d)
	}
	if _, ok := s.Tabs["Fleets"]; ok {
		t.Errorf("Fleets kept a tab state %+v: it held only a filter", s.Tabs["Fleets"])
	}
	for kind, want := range map[string][]string{
		"Deployments": {"status:ready"},
		"Fleets":      {"alpha"},
		"Policies":    {"paris", "radius"}, // already there: not twice
	} {
		if got := s.Filters(kind); !slices.Equal(got, want) {
			t.Errorf("%s history %q, want %q", kind, got, want)
		}
	}
	// Saved again, the file holds no active filter.
	if err := SaveViewState(path, s); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), `"filter"`) {
		t.Fatalf("saved state still has an active filter:\n%s", data)
	}
}

func TestAddFilterHistory(t *testing.T) {
	var s ViewState
	s.AddFilter("Deployments", "status:error")
	s.AddFilter("Deployments", "  app=kart ")
	s.AddFilter("Deployments", "")
	s.AddFilter("Deployments", "status:error") // again: moves to the front, once
	s.AddFilter("Fleets", "alpha")
	if got, want := s.Filters("Deployments"), []string{"status:error", "app=kart"}; !slices.Equal(got, want) {
		t.Fatalf("history %q, want %q", got, want)
	}
	if got := s.Filters("Fleets"); !slices.Equal(got, []string{"alpha"}) {
		t.Fatalf("Fleets history %q: kinds must not mix", got)
	}
	for i := range FilterHistoryMax + 10 {
		s.AddFilter("Deployments", fmt.Sprintf("app=a%d", i))
	}
	h := s.Filters("Deployments")
	if len(h) != FilterHistoryMax || h[0] != fmt.Sprintf("app=a%d", FilterHistoryMax+9) {
		t.Fatalf("history of %d, newest %q: want %d, the last added first", len(h), h[0], FilterHistoryMax)
	}
	c := s.Clone()
	c.AddFilter("Deployments", "new")
	if s.Equal(c) || s.Filters("Deployments")[0] == "new" {
		t.Fatal("a clone's history is shared with the original")
	}
	var nilState *ViewState
	if nilState.Filters("Deployments") != nil {
		t.Fatal("a nil state has history")
	}
}
