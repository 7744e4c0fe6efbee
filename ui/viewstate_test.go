package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/model"
)

// rememberedWorld is a profile world whose view state lives at path.
func rememberedWorld(t *testing.T, path string) *profileWorld {
	t.Helper()
	return newProfileWorld(t, func(w *profileWorld) {
		st, err := model.LoadViewState(path)
		w.alpha.env.State, w.alpha.env.StatePath, w.alpha.env.StateErr = st, path, err
	})
}

// tabStateOf is tab i's sort and hidden columns.
func (w *profileWorld) tabStateOf(i int) model.TabState { return listOf(w.app.tabs[i]).tabState() }

func TestViewStateIsRememberedAcrossRuns(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "gapdeck", "state.json")
	w := rememberedWorld(t, path)
	w.rootKey("A") // by age, reversed: oldest first
	w.rootKey("/")
	for _, r := range "status:ready" {
		w.rootKey(string(r))
	}
	w.rootKey("enter")
	w.command("cols -ip -tags")
	w.rootKey("3") // Policies
	w.rootKey("N") // by name again: descending
	w.command("profile beta")
	w.settle()

	want := map[int]model.TabState{
		tabDeployments: {Sort: "age", Desc: true, Hidden: []string{"ip", "tags"}},
		tabPolicies:    {Sort: "name", Desc: true},
	}
	if got := w.tabStateOf(tabDeployments); !got.Equal(want[tabDeployments]) {
		t.Fatalf("Deployments state %+v, want %+v (kept across the switch)", got, want[tabDeployments])
	}
	if got := w.app.tabs[tabDeployments].filterText(); got != "status:ready" {
		t.Fatalf("Deployments filter %q after the switch, want status:ready (the same session keeps it)", got)
	}
	// The change armed one debounced save; it has not been written yet.
	if !w.app.state.pending {
		t.Fatal("no save armed after the view state changed")
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the state was written before the debounce fired")
	}
	w.send(saveViewStateMsg{})
	if w.app.state.pending {
		t.Fatal("the save timer is still armed after it fired")
	}
	saved, err := model.LoadViewState(path)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Profile != "beta" {
		t.Fatalf("saved profile %q, want beta", saved.Profile)
	}
	if got := saved.Filters("Deployments"); !slices.Equal(got, []string{"status:ready"}) {
		t.Fatalf("saved Deployments filter history %q, want [status:ready]", got)
	}

	// A new console (the next run) starts with all of it.
	w2 := rememberedWorld(t, path)
	for i, ts := range want {
		if got := w2.tabStateOf(i); !got.Equal(ts) {
			t.Errorf("restored tab %d: %+v, want %+v", i, got, ts)
		}
	}
	w2.mustNotContain("filter: status:ready", "PUBLIC IP", "TAGS")
	if w2.app.engine == nil || w2.app.tabs[tabDeployments].(*deploymentsTab).list.sort != (model.Sort{Column: "age", Desc: true}) {
		t.Fatal("the Deployments sort was not restored")
	}
	// The filter is not: every row shows; it is one up away.
	if got := w2.app.tabs[tabDeployments].filterText(); got != "" {
		t.Fatalf("a new run started with the filter %q", got)
	}
	if got := w2.app.state.state.Filters("Deployments"); !slices.Equal(got, []string{"status:ready"}) {
		t.Fatalf("filter history %q after the restart", got)
	}
	// Nothing changed: no save is armed.
	w2.rootKey("j")
	if w2.app.state.pending {
		t.Fatal("a save was armed though nothing remembered changed")
	}
	// Shutdown writes what changed since the last save, without waiting.
	w2.command("cols +ip")
	if err := w2.root.Shutdown(); err != nil {
		t.Fatal(err)
	}
	if !w2.alpha.closed.Load() {
		t.Fatal("Shutdown did not close the current Env")
	}
	saved, _ = model.LoadViewState(path)
	if got := saved.Tabs["Deployments"].Hidden; !slices.Equal(got, []string{"tags"}) {
		t.Fatalf("hidden after Shutdown %v, want [tags]", got)
	}
}

func TestCorruptViewStateIsReportedOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := rememberedWorld(t, path)
	if !strings.Contains(w.footer(), "was corrupt, moved aside") {
		t.Fatalf("footer %q, want the corrupt state reported", w.footer())
	}
	w.command("profile beta")
	w.settle()
	w.mustNotContain("corrupt")
	w.rootKey("A")
	w.send(saveViewStateMsg{})
	st, err := model.LoadViewState(path)
	if err != nil || st.Tabs["Deployments"].Sort != "age" {
		t.Fatalf("the corrupt file was not replaced: %+v, %v", st, err)
	}
}

func TestViewStateSaveFailureIsShownOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	w := rememberedWorld(t, filepath.Join(blocker, "state.json"))
	w.rootKey("A")
	w.send(saveViewStateMsg{})
	if !strings.Contains(w.footer(), "could not remember the view state") {
		t.Fatalf("footer %q", w.footer())
	}
	w.rootKey("esc")
	w.rootKey("A")
	w.send(flashMsg{text: "other"})
	w.send(saveViewStateMsg{})
	if strings.Contains(w.footer(), "could not remember") {
		t.Fatal("the save error was shown twice")
	}
}

func TestViewStateIgnoresWhatNoLongerApplies(t *testing.T) {
	t.Parallel()
	w := newProfileWorld(t, func(w *profileWorld) {
		w.alpha.env.State = &model.ViewState{Tabs: map[string]model.TabState{
			"Deployments": {Sort: "nonsense", Filter: "app=", Hidden: []string{"nope", "ports"}},
			"Locations":   {Sort: "city"},
		}}
	})
	d := w.tabStateOf(tabDeployments)
	if d.Sort != "" || !slices.Equal(d.Hidden, []string{"ports"}) {
		t.Fatalf("Deployments %+v: want the default sort and only the known column hidden", d)
	}
	if l := w.tabStateOf(tabLocations); l.Sort != "city" || l.Desc {
		t.Fatalf("Locations %+v, want sorted by city", l)
	}
}

func TestColsCommand(t *testing.T) {
	t.Parallel()
	w := newProfileWorld(t)
	w.command("cols")
	for _, want := range []string{"Deployments columns: id status app", "hidden: lifetime"} { // lifetime is optional: hidden until asked for
		if !strings.Contains(w.footer(), want) {
			t.Fatalf("footer %q lacks %q", w.footer(), want)
		}
	}
	w.mustContain("PUBLIC IP")
	w.command("cols -ip")
	w.mustNotContain("PUBLIC IP")
	if !strings.Contains(w.footer(), "hidden: ip") {
		t.Fatalf("footer %q", w.footer())
	}
	if got := w.app.completions("cols -i"); !slices.Equal(got, []string{"cols -id"}) {
		t.Fatalf("completions %q", got)
	}
	if got := w.app.completions("columns +"); !slices.Equal(got, []string{"columns +ip", "columns +lifetime"}) {
		t.Fatalf("completions %q", got)
	}
	if got := w.app.completions("cols +ip -ag"); !slices.Equal(got, []string{"cols +ip -age"}) {
		t.Fatalf("completions %q", got)
	}
	w.command("cols +ip")
	w.mustContain("PUBLIC IP")
	w.mustNotContain(" LEFT")
	w.command("cols +lifetime")
	w.mustContain(" LEFT")
	if ts := w.app.tabs[tabDeployments].(*deploymentsTab).list.tabState(); !slices.Equal(ts.Shown, []string{"lifetime"}) || len(ts.Hidden) != 0 {
		t.Fatalf("tab state %+v: want the optional lifetime remembered as shown, nothing hidden", ts)
	}
	w.command("cols -lifetime")
	w.mustNotContain(" LEFT")
	if ts := w.app.tabs[tabDeployments].(*deploymentsTab).list.tabState(); len(ts.Shown)+len(ts.Hidden) != 0 {
		t.Fatalf("tab state %+v: an optional column hidden again is the default", ts)
	}
	for _, tc := range []struct{ line, want string }{
		{"cols -nope", `Deployments has no column "nope"`},
		{"cols ip", `"ip": write -column to hide it`},
		{"cols -id -status -app -version -location -age -ip -ports -tags -sockets -cpu -mem", "at least one column must stay shown"},
	} {
		w.command(tc.line)
		if !strings.Contains(w.footer(), tc.want) {
			t.Fatalf(":%s: footer %q, want %q", tc.line, w.footer(), tc.want)
		}
	}
	// Each tab has its own columns.
	w.rootKey("2")
	w.command("cols")
	if !strings.Contains(w.footer(), "Fleets columns:") {
		t.Fatalf("footer %q", w.footer())
	}
}

// The view state is written by a command, off the UI goroutine: the update
// that fires the save only takes the snapshot.
func TestViewStateSavedOffTheUIGoroutine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "gapdeck", "state.json")
	w := rememberedWorld(t, path)
	w.rootKey("A")
	w.settle()
	cmd := w.update(saveViewStateMsg{})
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the update wrote the view state on the UI goroutine")
	}
	if cmd == nil {
		t.Fatal("no command writes the view state")
	}
	w.pump(cmd)
	saved, err := model.LoadViewState(path)
	if err != nil || saved == nil {
		t.Fatalf("after the command: %v, %v", saved, err)
	}
	if got := saved.Tabs["Deployments"]; got.Sort != "age" {
		t.Errorf("saved Deployments state %+v, want the age sort", got)
	}
}
