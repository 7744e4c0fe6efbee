package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// Benchmark sizes: the Deployments tab at 200x50.
const benchW, benchH = 200, 50

// benchNow is the fixed instant of every benchmark.
var benchNow = time.Date(2026, time.May, 4, 12, 0, 0, 0, time.UTC)

// benchApps, benchCities are what synthetic deployments run and where.
var (
	benchApps = []struct{ name, version string }{
		{"kart-racing", "2026.04.2"}, {"arena-shooter", "v1.9.3"}, {"cozy-farm", "0.15.1"}, {"battle-royale", "season-12"},
	}
	benchCities = []api.Location{
		{City: "Montreal", Country: "Canada", Continent: "North America"},
		{City: "Frankfurt", Country: "Germany", Continent: "Europe"},
		{City: "Tokyo", Country: "Japan", Continent: "Asia"},
		{City: "São Paulo", Country: "Brazil", Continent: "South America"},
		{City: "Ashburn", Country: "United States", Continent: "North America"},
	}
)

// benchDeployment is deployment i of a synthetic organization: its list
// item and its status answer. The same i always gives the same values.
func benchDeployment(i int) (api.Deployment, *api.DeploymentStatus) {
	id := fmt.Sprintf("%012x", uint64(i+1)*0x9E3779B97F4A7C15>>16)
	start := api.Time{Time: benchNow.Add(-time.Duration(i*7+3) * time.Second)}
	sockets, used := api.Int(16), api.Int(i%17)
	port := api.Port{Name: "gameport", Link: id + ".pr.edgegap.net:31502", Internal: 7777, External: api.Int(30000 + i%2000), Protocol: "UDP"}
	d := api.Deployment{
		RequestID: id, FQDN: id + ".pr.edgegap.net", StartTime: start, Ready: true,
		PublicIP: fmt.Sprintf("100.%d.%d.%d", 10+i%30, i/256%256, i%256),
		Ports:    map[string]api.Port{"gameport": port}, Tags: []string{"production", fmt.Sprintf("match-%d", i%50)},
		Sockets: &sockets, SocketsUsage: &used,
	}
	app, loc := benchApps[i%len(benchApps)], benchCities[i%len(benchCities)]
	st := &api.DeploymentStatus{
		RequestID: id, FQDN: d.FQDN, AppName: app.name, AppVersion: app.version, CurrentStatus: api.StatusReady,
		Running: true, StartTime: start, Ports: d.Ports, PublicIP: d.PublicIP, Location: &loc, Tags: d.Tags,
		Sockets: &sockets, SocketsUsage: &used, MaxDuration: 480,
	}
	return d, st
}

// benchStore is a store holding n enriched deployments, and the status
// answers it was enriched from.
func benchStore(b *testing.B, store *model.Deployments, n int) []*api.DeploymentStatus {
	b.Helper()
	list := make([]api.Deployment, n)
	statuses := make([]*api.DeploymentStatus, n)
	for i := range n {
		list[i], statuses[i] = benchDeployment(i)
	}
	store.BeginCycle()
	store.ApplyList(list, benchNow)
	store.EndCycle()
	for _, st := range statuses {
		store.ApplyStatus(st, benchNow)
	}
	if store.Total() != n {
		b.Fatalf("store holds %d rows, want %d", store.Total(), n)
	}
	return statuses
}

// benchEnv is an Env on a frozen clock whose client is never called.
func benchEnv(b *testing.B) *Env {
	b.Helper()
	clock := sim.NewFakeClock(benchNow)
	client, err := api.New(api.Options{BaseURL: "http://localhost", Token: "bench", Clock: apiClock{FakeClock: clock}})
	if err != nil {
		b.Fatal(err)
	}
	env := &Env{Client: client, Styles: theme.NewStyles(theme.Default(), false), Keys: DefaultKeyMap(), Now: clock.Now, Ctx: context.Background()}
	drive(env, nil) // never cycled: the benchmarks feed the engine themselves
	return env
}

// statusFlipper produces, for iteration i, a status answer that changes
// one visible row: it flips that row between READY and ERROR.
type statusFlipper struct {
	ready, failed []*api.DeploymentStatus // per visible row
	isErr         []bool
}

func newStatusFlipper(statuses []*api.DeploymentStatus, visible []string) *statusFlipper {
	f := &statusFlipper{isErr: make([]bool, len(visible))}
	byID := map[string]*api.DeploymentStatus{}
	for _, st := range statuses {
		byID[st.RequestID] = st
	}
	for _, id := range visible {
		r := byID[id]
		e := *r
		e.CurrentStatus, e.Error, e.ErrorDetail = api.StatusError, true, "container exited with code 1"
		f.ready, f.failed = append(f.ready, r), append(f.failed, &e)
	}
	return f
}

// next is iteration i's status answer.
func (f *statusFlipper) next(i int) *api.DeploymentStatus {
	k := i % len(f.ready)
	f.isErr[k] = !f.isErr[k]
	if f.isErr[k] {
		return f.failed[k]
	}
	return f.ready[k]
}

// applyStatus is what the console does with one status answer: the engine
// applies it, the console pulls the change (its replica syncs) and
// updates its views.
func applyStatus(app *App, st *api.DeploymentStatus) {
	app.view.NoteStatus(st)
	u := app.view.Pull()
	u.Results = []engine.Result{{Job: model.Job{Kind: model.JobStatus, ID: st.RequestID}, At: benchNow, Status: st}}
	app.Update(engineMsg{view: app.view, update: u})
}

// BenchmarkDeploymentsView measures one realistic refresh of the
// Deployments tab at 200x50 (a status answer that changes one visible
// row, routed as a jobDoneMsg through Update) followed by View, against
// bubbles/table doing the same (change one row, SetRows, View).
func BenchmarkDeploymentsView(b *testing.B) {
	benchProfile(b)
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			env := benchEnv(b)
			store := model.NewDeployments()
			statuses := benchStore(b, store, n)
			tab := newDeploymentsTab(env, store)
			tab.SetSize(benchW, benchH)
			tab.View()
			flip := newStatusFlipper(statuses, tab.visibleKeys())
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				store.ApplyStatus(flip.next(i), benchNow)
				tab.dataChanged()
				_ = tab.View()
			}
		})
	}
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("app/rows=%d", n), func(b *testing.B) {
			app := benchApp(b, n)
			flip := newStatusFlipper(benchAnswers(n), app.tabs[tabDeployments].visibleKeys())
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				applyStatus(app, flip.next(i))
				_ = app.View()
			}
		})
	}
	b.Run("bubbles-table/rows=10000", func(b *testing.B) {
		const n = 10000
		cols := []table.Column{
			{Title: "REQUEST ID", Width: 12}, {Title: "STATUS", Width: 12}, {Title: "APP", Width: 24}, {Title: "VERSION", Width: 12},
			{Title: "LOCATION", Width: 24}, {Title: "AGE", Width: 6}, {Title: "PUBLIC IP", Width: 15}, {Title: "PORTS", Width: 24},
			{Title: "TAGS", Width: 24}, {Title: "SOCKETS", Width: 7},
		}
		rows := make([]table.Row, n)
		for i := range n {
			d, st := benchDeployment(i)
			rows[i] = table.Row{d.RequestID, st.CurrentStatus.Name(), st.AppName, st.AppVersion,
				st.Location.City + ", " + st.Location.Country, formatAge(benchNow.Sub(d.StartTime.Time)), d.PublicIP,
				"7777/udp→31502", strings.Join(d.Tags, ","), "3/16"}
		}
		t := table.New(table.WithColumns(cols), table.WithRows(rows), table.WithHeight(benchH-1), table.WithWidth(benchW), table.WithFocused(true))
		t.View()
		b.ReportAllocs()

		for i := 0; b.Loop(); i++ {
			k := i % (benchH - 2)
			if rows[k][1] == "READY" {
				rows[k][1] = "ERROR"
			} else {
				rows[k][1] = "READY"
			}
			t.SetRows(rows)
			_ = t.View()
		}
	})
}

// benchAnswers are the status answers of benchDeployment 0..n-1.
func benchAnswers(n int) []*api.DeploymentStatus {
	out := make([]*api.DeploymentStatus, n)
	for i := range n {
		_, out[i] = benchDeployment(i)
	}
	return out
}

// benchApp is the whole console at 200x50 over n enriched deployments,
// its scheduler told a list pass is under way so it plans nothing new.
func benchApp(b *testing.B, n int) *App {
	b.Helper()
	app := New(benchEnv(b), nil)
	app.Update(tea.WindowSizeMsg{Width: benchW, Height: benchH})
	for i := range n {
		d, st := benchDeployment(i)
		app.view.NoteListed(d)
		app.view.NoteStatus(st)
	}
	app.Update(engineMsg{view: app.view, update: app.view.Pull()})
	if app.store.Total() != n {
		b.Fatalf("the console holds %d rows, want %d", app.store.Total(), n)
	}
	app.View()
	return app
}

// BenchmarkFilter measures one keystroke added to the `/` filter, through
// App.Update in filter mode, followed by View. The keystroke is undone
// with the timer stopped, so every iteration narrows the full list.
func BenchmarkFilter(b *testing.B) {
	benchProfile(b)
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			app := benchApp(b, n)
			app.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/")})
			typed := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("k")}
			undo := tea.KeyMsg{Type: tea.KeyBackspace}
			b.ReportAllocs()
			for b.Loop() {
				app.Update(typed)
				_ = app.View()
				b.StopTimer()
				app.Update(undo)
				_ = app.View()
				b.StartTimer()
			}
			if app.mode != modeFilter || app.store.Len() != n {
				b.Fatalf("filter mode %d, %d rows visible", app.mode, app.store.Len())
			}
		})
	}
}

// BenchmarkStopProgress measures the status path while a bulk stop of 50
// deployments is followed to TERMINATED: a status answer of a tracked
// deployment through App.Update (tracker, progress line, header), then
// View, at 200x50 over 10,000 rows.
func BenchmarkStopProgress(b *testing.B) {
	benchProfile(b)
	const n, stopping = 10000, 50
	app := benchApp(b, n)
	answers := benchAnswers(n)
	ids := make([]string, stopping)
	for i := range ids {
		ids[i] = answers[n-1-i].RequestID // off screen: followed by Watch
	}
	app.trackStops(ids, nil, "")
	if app.stops.height() == 0 {
		b.Fatal("no stop line")
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		st := *answers[n-1-i%stopping]
		st.CurrentStatus = api.StatusTerminating // still in progress: the line keeps counting
		applyStatus(app, &st)
		_ = app.View()
	}
}

// BenchmarkDeployFormKey measures one keystroke typed into the deploy form
// (validation and the form's lines rebuilt) followed by View, at 200x50.
func BenchmarkDeployFormKey(b *testing.B) {
	benchProfile(b)
	app := benchApp(b, 100)
	if _, cmd := app.Update(keyMsg("n")); cmd != nil {
		app.Update(cmd()) // the tab asks the App to open the form
	}
	form, ok := app.dialog.(*formDialog)
	if !ok {
		b.Fatalf("n opened %T, not the deploy form", app.dialog)
	}
	app.Update(keyMsg("down"))
	app.Update(keyMsg("down")) // the users field
	keys := []tea.KeyMsg{keyMsg("1"), keyMsg("backspace")}
	b.ReportAllocs()
	typed := 0
	for ; b.Loop(); typed++ {
		app.Update(keys[typed%2])
		_ = app.View()
	}
	if want := strings.Repeat("1", typed%2); form.Value(2) != want {
		b.Fatalf("users field = %q after %d keys, want %q", form.Value(2), typed, want)
	}
}

// BenchmarkCursorKey measures one keystroke moving the cursor in the
// Deployments tab (down, then back up, a hundred rows each way, so the
// table scrolls both ways) through App.Update, followed by View, at
// 200x50 over 50,000 deployments.
func BenchmarkCursorKey(b *testing.B) {
	benchProfile(b)
	const n, sweep = 50000, 100
	app := benchApp(b, n)
	down, up := keyMsg("down"), keyMsg("up")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k := down
		if i/sweep%2 == 1 {
			k = up
		}
		app.Update(k)
		_ = app.View()
	}
	if id, ok := app.tabs[tabDeployments].(*deploymentsTab).selectedID(); !ok || app.store.Position(id) >= 2*sweep {
		b.Fatalf("cursor on %q (%v), past the sweep", id, ok)
	}
}
