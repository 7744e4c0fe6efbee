package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// The filter line starts a new filter, keeps the old one in history (up,
// down), and the history survives the run.

// A filter remembered by an older run (a state file that held it as the
// tab's filter) hides nothing at the next start: every row shows, the
// sort is restored, and the filter is one up away.
func TestLastSessionFilterDoesNotHideRows(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "gapdeck", "state.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	old := `{"tabs": {"Deployments": {"sort": "age", "desc": true, "filter": "status:error"},
		"Fleets": {"filter": "alpha"}}}`
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	h := settled(t, withStateFile(path))
	if h.env.StateErr != nil {
		t.Fatalf("the old state file did not load: %v", h.env.StateErr)
	}
	d := h.deployments()
	if f := d.filterText(); f != "" {
		t.Fatalf("the console started with the filter %q", f)
	}
	if d.list.sort != (model.Sort{Column: "age", Desc: true}) {
		t.Fatalf("sort %+v: the sort must still be restored", d.list.sort)
	}
	total := h.app.store.Total()
	if total < 250 || h.app.store.Len() != total {
		t.Fatalf("%d of %d deployments shown, want all (about 300)", h.app.store.Len(), total)
	}
	if strings.Contains(h.title(), "filter:") || strings.Contains(h.title(), " of ") {
		t.Fatalf("title %q: no filter is in force", h.title())
	}
	statuses := map[string]bool{}
	for _, r := range h.app.store.Rows() { // the rows the table shows, all pages
		if r.Enriched {
			statuses[r.Status.Name()] = true
		}
	}
	if len(statuses) < 2 || !statuses[api.StatusReady.Name()] {
		t.Fatalf("the rows have the statuses %v: the old filter status:error still applies", statuses)
	}
	h.press("2")
	if got := h.column("name"); len(got) < 3 {
		t.Fatalf("Fleets shows %v: the old filter still applies", got)
	}
	// The old filters are in the history, one up away.
	if got := h.app.state.state.Filters("Deployments"); !slices.Equal(got, []string{"status:error"}) {
		t.Fatalf("Deployments history %q, want [status:error]", got)
	}
	h.press("1", "/")
	if !strings.Contains(h.line(-2), "up: status:error") {
		t.Fatalf("input line %q does not offer the history", h.line(-2))
	}
	h.press("up")
	if got := h.app.filter.Value(); got != "status:error" {
		t.Fatalf("up recalled %q, want status:error", got)
	}
	if d.filterText() != "status:error" {
		t.Fatalf("the recalled filter did not apply: %q", d.filterText())
	}
}

// `/` then typing replaces the filter in force (it never appends); while
// the line is empty the old filter stays in force and on the title; up and
// down walk the history; enter on an empty line clears the filter; the
// history is saved with the view state.
func TestFilterLineStartsNewFilterWithHistory(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	h := settled(t, withStateFile(path))
	d := h.deployments()
	submit := func(f string) {
		t.Helper()
		h.press("/")
		h.typeText(f)
		h.press("enter")
		if got := d.filterText(); got != f {
			t.Fatalf("filter %q after typing %q", got, f)
		}
	}
	submit("status:ready")

	h.press("/")
	if got := h.app.filter.Value(); got != "" {
		t.Fatalf("/ opened holding %q: typing would append to it", got)
	}
	in := h.line(-2)
	for _, want := range []string{"typing replaces status:ready · enter clears it", "up: status:ready"} {
		if !strings.Contains(in, want) {
			t.Fatalf("input line %q lacks %q", in, want)
		}
	}
	if !strings.Contains(h.title(), "filter: status:ready") || d.filterText() != "status:ready" {
		t.Fatalf("while the line is empty the filter in force must stay, and show: title %q", h.title())
	}
	h.typeText("app:kart")
	if got := d.filterText(); got != "app:kart" {
		t.Fatalf("typing made the filter %q, want app:kart (a new filter, not appended)", got)
	}
	if !strings.Contains(h.title(), "filter: app:kart") || strings.Contains(h.title(), "status:ready") {
		t.Fatalf("title %q", h.title())
	}
	h.press("enter")

	// History: newest first, up and down walk it, the draft comes back.
	h.press("/")
	h.typeText("cit")
	steps := []struct{ key, want string }{
		{"up", "app:kart"}, {"up", "status:ready"}, {"up", "status:ready"}, // the oldest: stays
		{"down", "app:kart"}, {"down", "cit"}, {"down", "cit"},
	}
	for i, s := range steps {
		h.press(s.key)
		if got := h.app.filter.Value(); got != s.want {
			t.Fatalf("step %d (%s): line %q, want %q", i, s.key, got, s.want)
		}
	}
	// A recalled entry can be edited; submitting it makes it the newest.
	for range len("cit") {
		h.press("backspace")
	}
	h.press("up", "up")
	h.typeText(" app:kart")
	h.press("enter")
	if got := d.filterText(); got != "status:ready app:kart" {
		t.Fatalf("edited recall: filter %q", got)
	}
	want := []string{"status:ready app:kart", "app:kart", "status:ready"}
	if got := h.app.state.state.Filters("Deployments"); !slices.Equal(got, want) {
		t.Fatalf("history %q, want %q", got, want)
	}
	// Submitting an entry already in the history moves it up, once.
	submit("app:kart")
	want = []string{"app:kart", "status:ready app:kart", "status:ready"}
	if got := h.app.state.state.Filters("Deployments"); !slices.Equal(got, want) {
		t.Fatalf("history %q, want %q", got, want)
	}

	// enter on the empty line clears the filter (as its hint said).
	h.press("/", "enter")
	if f := d.filterText(); f != "" || h.app.store.Len() != h.app.store.Total() {
		t.Fatalf("enter on an empty line kept the filter %q", f)
	}
	// esc leaves and clears what was typed; nothing is recorded.
	h.press("/")
	h.typeText("zzz")
	h.press("esc")
	if f := d.filterText(); f != "" || slices.Contains(h.app.state.state.Filters("Deployments"), "zzz") {
		t.Fatalf("esc: filter %q, history %q", f, h.app.state.state.Filters("Deployments"))
	}

	// Each table kind has its own history.
	h.press("2", "/")
	h.press("up")
	if got := h.app.filter.Value(); got != "" {
		t.Fatalf("Fleets recalled %q from the Deployments history", got)
	}
	h.press("esc")

	// The history is saved with the view state.
	h.send(saveViewStateMsg{})
	// The save runs as a command; on a loaded machine it can outlast the
	// harness's grace for commands, and then finishes in the background.
	var saved *model.ViewState
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var err error
		saved, err = model.LoadViewState(path)
		if err == nil && slices.Equal(saved.Filters("Deployments"), want) || time.Now().After(deadline) {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if got := saved.Filters("Deployments"); !slices.Equal(got, want) {
		t.Fatalf("saved history %q, want %q", got, want)
	}
	for name, ts := range saved.Tabs {
		if ts.Filter != "" {
			t.Fatalf("saved tab %s with the active filter %q", name, ts.Filter)
		}
	}
}

// The hosts of a private fleet filter with the same line and history;
// esc clears the filter before it closes the view.
func TestHostsFilterLine(t *testing.T) {
	t.Parallel()
	h := settled(t)
	fleet := h.sim.PrivateFleetNames()[0]
	h.send(openHostsMsg{fleet: fleet})
	h.settle(func() bool { return len(h.rows()) > 1 })
	all := len(h.rows())
	h.press("/")
	h.typeText("zzz-no-host")
	h.press("enter")
	h.mustContain("No host matches zzz-no-host")
	if got := h.app.state.state.Filters("Hosts"); !slices.Equal(got, []string{"zzz-no-host"}) {
		t.Fatalf("Hosts history %q", got)
	}
	h.press("esc")
	if h.app.sub == nil {
		t.Fatal("esc closed the hosts view instead of clearing its filter")
	}
	if got := len(h.rows()); got != all {
		t.Fatalf("%d rows after esc, want %d", got, all)
	}
	h.press("/", "up")
	if got := h.app.filter.Value(); got != "zzz-no-host" {
		t.Fatalf("up recalled %q", got)
	}
	h.press("esc", "esc")
	if h.app.sub != nil {
		t.Fatal("esc with no filter did not close the hosts view")
	}
}

// The logs view's search uses the same line: / starts a new search, up
// recalls the earlier ones (their own "Logs" history), enter on an empty
// line ends the search.
func TestLogSearchLineHistory(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("1", "l")
	v, ok := h.app.sub.(*logView)
	if !ok {
		t.Fatalf("the logs view is not open (sub = %T)", h.app.sub)
	}
	search := func(q string) {
		t.Helper()
		h.press("/")
		if got := v.input.Value(); got != "" {
			t.Fatalf("/ opened the search holding %q", got)
		}
		h.typeText(q)
		h.press("enter")
		if v.query != q {
			t.Fatalf("query %q after typing %q", v.query, q)
		}
	}
	search("abc")
	h.press("/")
	h.mustContain("typing replaces abc · enter clears it")
	h.press("esc")
	search("def")
	h.press("/", "up")
	if got := v.input.Value(); got != "def" {
		t.Fatalf("up recalled %q, want def", got)
	}
	h.press("up", "enter")
	if v.query != "abc" {
		t.Fatalf("query %q, want the recalled abc", v.query)
	}
	if got := h.app.state.state.Filters(logSearchKind); !slices.Equal(got, []string{"abc", "def"}) {
		t.Fatalf("logs history %q, want [abc def]", got)
	}
	if got := h.app.state.state.Filters("Deployments"); len(got) != 0 {
		t.Fatalf("the logs searches went into the Deployments history: %q", got)
	}
	h.press("/", "enter")
	if v.query != "" {
		t.Fatalf("enter on an empty line kept the search %q", v.query)
	}
}
