package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// second attaches another console to the harness's engine, as a second
// operator of `gapdeck serve` would be: its own Env (keys, size), the
// same engine and clock.
func (h *harness) second() *App {
	env := *h.env
	env.Keys = DefaultKeyMap()
	b := New(&env, h.sim.PrivateFleetNames())
	b.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	b.Init() // its interest; the harness runs the engine
	return b
}

// deliver gives b what the engine applied since it last looked.
func deliver(b *App) {
	select {
	case <-b.view.Changed():
		b.Update(engineMsg{view: b.view, update: b.view.Pull()})
	default:
	}
}

// requestsOver runs the harness (and the extra consoles) for d of
// simulated time in two-second steps (the list interval) and returns the
// API requests made.
func requestsOver(h *harness, d time.Duration, extra ...*App) int64 {
	for end := h.clock.Now().Add(d); h.clock.Now().Before(end); {
		h.tick(2 * time.Second)
		for _, b := range extra {
			deliver(b)
			b.Update(clockMsg{})
		}
	}
	var n int64
	for _, c := range h.sim.Counters().ByGroup {
		n += c.Calls
	}
	return n
}

// Two consoles on one engine for 10 simulated minutes make the requests
// one console makes (±5%), show the same data, and each keeps its own
// cursor, filter and sort.
func TestTwoConsolesShareOneEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("10 simulated minutes")
	}
	t.Parallel()
	one := newHarness(t, withDeployments(60))
	solo := requestsOver(one, 10*time.Minute)

	two := newHarness(t, withDeployments(60))
	b := two.second()
	deliver(b) // what the engine already has
	b.Update(keyMsg("j"))
	b.Update(keyMsg("j")) // its own cursor, on the same screen of rows
	pair := requestsOver(two, 10*time.Minute, b)
	t.Logf("API requests in 10 simulated minutes: one console %d, two consoles %d", solo, pair)
	if diff := float64(pair - solo); diff > 0.05*float64(solo) || diff < -0.05*float64(solo) {
		t.Errorf("two consoles made %d requests, one console %d: more than 5%% apart", pair, solo)
	}

	a := two.app
	if a.store.Total() == 0 || a.store.Total() != b.store.Total() {
		t.Fatalf("the consoles hold %d and %d deployments", a.store.Total(), b.store.Total())
	}
	for _, r := range a.store.All() {
		if rb, ok := b.store.Get(r.ID); !ok || rb != r {
			t.Fatalf("deployment %s differs between the consoles", r.ID)
		}
	}
	selected := func(app *App) string {
		r, _ := app.tabs[tabDeployments].(*deploymentsTab).list.selected()
		return r.ID
	}
	if selected(a) == selected(b) {
		t.Error("the cursors moved together")
	}
	// b filters and sorts; a is untouched.
	before := model.IDs(a.store.Rows())
	b.Update(keyMsg("/"))
	for _, r := range "status:ready" {
		b.Update(keyMsg(string(r)))
	}
	b.Update(keyMsg("enter"))
	b.Update(keyMsg("I")) // by request id
	deliver(b)
	if got := model.IDs(a.store.Rows()); !slices.Equal(got, before) {
		t.Error("a filter and a sort in one console changed the other's rows")
	}
	for _, r := range b.store.Rows() {
		if r.Status != api.StatusReady && r.Status != "" {
			t.Fatalf("b's filter shows %s in %s", r.ID, r.Status)
		}
	}
	if !slices.IsSortedFunc(b.store.Rows(), func(x, y *model.DeploymentRow) int {
		switch {
		case x.ID < y.ID:
			return -1
		case x.ID > y.ID:
			return 1
		}
		return 0
	}) {
		t.Error("b is not sorted by request id")
	}
	if len(b.store.Rows()) >= len(before) {
		t.Errorf("b's filter kept %d of %d rows", len(b.store.Rows()), len(before))
	}
}

// On a shared engine each console shows how many others are on it, :who
// lists them, and what one announces reaches the others as a flash.
func TestConsolesSeeEachOther(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withDeployments(40))
	h.app.view.SetIdentity("alice@laptop", "operator")
	env := *h.env
	env.Keys = DefaultKeyMap()
	env.Actor = &model.Actor{Name: "bob@desk", Role: "viewer"}
	b := New(&env, h.sim.PrivateFleetNames())
	b.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	b.Init()
	h.tick(time.Second)
	deliver(b)
	if !strings.Contains(h.header(), "+1 online") {
		t.Errorf("alice's header %q does not count bob", h.header())
	}
	h.command("who")
	for _, want := range []string{"alice@laptop (operator, since", "deployments, you)", "bob@desk (viewer, since"} {
		if !strings.Contains(h.footer(), want) {
			t.Errorf(":who footer %q lacks %q", h.footer(), want)
		}
	}
	h.app.view.Announce("stopped 3 deployments", "", nil)
	deliver(b)
	if v := ansi.Strip(b.View()); !strings.Contains(v, "alice@laptop: stopped 3 deployments") {
		t.Errorf("bob does not see alice's notice:\n%s", v)
	}
	h.pump()
	if strings.Contains(h.footer(), "alice@laptop: stopped") {
		t.Error("alice sees her own notice")
	}
	b.view.Detach()
	h.tick(time.Second)
	if strings.Contains(h.header(), "online") {
		t.Errorf("after bob left, alice's header %q still counts him", h.header())
	}
}

// A bulk stop on a shared engine names what the others are doing with the
// same deployments, and once sent every console follows the same stop.
func TestSharedBulkStop(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.app.view.SetIdentity("alice@laptop", "operator")
	env := *h.env
	env.Keys = DefaultKeyMap()
	env.Actor = &model.Actor{Name: "bob@desk", Role: "operator"}
	b := New(&env, h.sim.PrivateFleetNames())
	b.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	b.Init()
	deliver(b)
	ids := markThreeReady(t, h)
	bob, ok := b.deployments()
	if !ok {
		t.Fatal("bob has no deployments tab")
	}
	for _, id := range ids[:2] { // bob marked two of them
		bob.marks[id] = true
	}
	b.plan() // tells the engine
	h.press("ctrl+d")
	h.mustContain("NOTE: bob@desk marked 2 of these.")
	h.typeText("3")
	h.press("enter")
	if h.calls(bulkStopRoute) == 0 {
		t.Fatalf("no bulk stop was sent:\n%s", h.view())
	}
	h.pump()
	deliver(b)
	if b.stops.line == "" || !strings.Contains(ansi.Strip(b.View()), "0/3 terminated") {
		t.Fatalf("bob does not follow alice's stop:\n%s", ansi.Strip(b.View()))
	}
	if got := sortedIDs(b.stops.tracker.Pending()); !slices.Equal(got, sortedIDs(ids)) {
		t.Errorf("bob follows %v, alice stopped %v", got, ids)
	}
}

func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}
