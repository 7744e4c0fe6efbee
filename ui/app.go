// Package ui is gapdeck's console: Bubble Tea models and views over the
// model package's state and the api client.
package ui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/termtext"
)

// Component is what every view implements: a Bubble Tea model with its own
// key help and a size.
type Component interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
}

// tab is a top-level view with an entry in the tab bar.
type tab interface {
	Component
	name() string
	count() int
	view() model.View
	owns(k model.JobKind) bool
	setFilter(raw string) error
	filterText() string
	visibleKeys() []string
	freshness() *freshness
}

// Tab positions, matching the 1–4 keys.
const (
	tabDeployments = iota
	tabFleets
	tabPolicies
	tabLocations
)

// mode is what the keyboard currently drives.
type mode int

const (
	modeNormal mode = iota
	modeFilter
	modeCommand
	modeHelp
)

// subView is a view opened over a tab (detail, hosts); esc closes it.
type subView interface {
	Component
	schedule() (model.View, string) // what the scheduler should poll while it is open
}

// appAction is a message that applies itself to the App: the results of
// actions and the dialogs and forms views ask for. Each feature defines its
// own messages in its own file instead of growing Update.
type appAction interface {
	applyTo(a *App) tea.Cmd
}

// App is the root model.
type App struct {
	env    *Env
	store  *model.Deployments
	sched  *model.Scheduler
	cat    *catalog
	tabs   []tab
	active int
	sub    subView
	mode   mode
	input  textinput.Model
	inErr  string
	help   help.Model
	width  int
	height int

	helpOffset int // first line of the help screen when it scrolls

	dialog    dialog         // an open confirmation; it takes every key
	onConfirm func() tea.Cmd // what the dialog confirms
	dlgView   dialogRender   // the dialog as last drawn
	foot      footerCache    // the footer line as last drawn

	stops     stopProgress          // stops followed to TERMINATED (stopprogress.go)
	inflight  map[string]string     // actions sent, not answered: action id → what (audittrail.go)
	checks    map[string]*stopCheck // deployments whose stop's answer was lost (audittrail.go)
	quit      quitWait              // quitting, waiting for actions in flight (quit.go)
	deploying map[string]bool       // new deployments watched until READY or ERROR (deployaction.go)

	flashText  termtext.Safe
	flashErr   bool
	flashID    int
	wakeSeq    int
	wakeAt     time.Time
	header     string
	tabBar     string
	alert      string // the token-rejected block over the footer, drawn (chrome.go)
	privFleets []string

	epoch     int          // bumped by a profile switch; older results are dropped
	switching string       // the profile a switch is under way to
	envBadge  string       // the rendered environment label of the header
	state     *stateKeeper // the remembered view state (it survives switches)
}

// flashFor is how long a flash message stays.
const flashFor = 6 * time.Second

// New builds the console over env. privateFleets, when given, replace
// env.PrivateFleets (the profile's private fleets).
func New(env *Env, privateFleets []string) *App {
	if privateFleets != nil {
		env.PrivateFleets = privateFleets
	}
	a := &App{}
	a.build(env)
	return a
}

// build (re)makes everything the console holds for env in place: store,
// scheduler, catalog, tabs, input and chrome. Every other field starts
// from zero, except what must survive a profile switch (size, epoch,
// timer and flash sequence numbers, the remembered view state). New and
// the profile switch both use it.
func (a *App) build(env *Env) {
	*a = App{
		width: a.width, height: a.height, epoch: a.epoch,
		wakeSeq: a.wakeSeq, flashID: a.flashID, state: a.state,
	}
	privateFleets := env.PrivateFleets
	store := model.NewDeployments()
	if env.ReadOnly {
		env.Keys.HideMutating()
	}
	if env.Sparks == nil {
		env.Sparks = model.NewSparkStore(model.DefaultSparkRows)
	}
	cfg := env.Scheduler
	cfg.PrivateFleets = privateFleets
	a.env = env
	a.store = store
	a.sched = model.NewScheduler(cfg, store)
	a.cat = newCatalog(privateFleets, store)
	a.help = help.New()
	st := env.Styles // the theme's colours, converted once (bubbles' defaults convert hex on every frame)
	a.help.Styles.ShortKey, a.help.Styles.ShortDesc, a.help.Styles.ShortSeparator = st.HelpKey, st.HelpDesc, st.HelpSep
	a.help.Styles.FullKey, a.help.Styles.FullDesc, a.help.Styles.FullSeparator = st.HelpKey, st.HelpDesc, st.HelpSep
	a.help.Styles.Ellipsis = st.HelpSep
	a.privFleets = privateFleets
	a.input = textinput.New()
	a.input.Prompt = ""
	a.input.CharLimit = 256
	a.tabs = []tab{
		newDeploymentsTab(env, store),
		newCatalogTab(env, catalogSpec{
			title: "Fleets", view: model.ViewFleets, columns: fleetColumns,
			sortKeys: map[Action]string{ActSortName: "name"}, defSort: model.Sort{Column: "kind"},
			build:   func() ([]*catalogRow, string) { return a.cat.fleetRows(env.now()) },
			kinds:   []model.JobKind{model.JobFleets, model.JobPolicies, model.JobHosts},
			note:    a.cat.fleetsNote,
			subject: catalogSubject,
			help:    []Action{ActOpen, ActToggleFleet, ActLinkVersion, ActUnlinkVersion},
			actions: a.fleetActions(),
		}),
		newCatalogTab(env, catalogSpec{
			title: "Policies", view: model.ViewPolicies, columns: policyColumns,
			sortKeys: map[Action]string{ActSortName: "name"}, defSort: model.Sort{Column: "name"},
			build:   func() ([]*catalogRow, string) { return a.cat.policyRows(env.now()) },
			kinds:   []model.JobKind{model.JobFleets, model.JobPolicies},
			subject: catalogSubject,
			help:    []Action{ActEditPolicy, ActDeletePolicy},
			actions: a.policyActions(),
		}),
		newCatalogTab(env, catalogSpec{
			title: "Locations", view: model.ViewLocations, columns: locationColumns,
			sortKeys: map[Action]string{ActSortCount: "count", ActSortLocation: "city", ActSortCountry: "country"},
			defSort:  model.Sort{Column: "count", Desc: true},
			build:    func() ([]*catalogRow, string) { return a.cat.locationRows(env.now()) },
			kinds:    []model.JobKind{model.JobLocations},
			note:     a.cat.locationsNote,
		}),
	}
	a.sched.SetView(model.ViewDeployments, "")
	a.sched.SetSparks(env.Sparks)
	a.envBadge = renderEnvBadge(env)
	a.applyViewState()
	if a.width > 0 {
		a.layout() // a profile switch keeps the window size
	}
	a.rebuildChrome()
}

// Init implements tea.Model: start polling and the clock.
func (a *App) Init() tea.Cmd {
	return tea.Batch(a.plan(), clockTick())
}

func clockTick() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return clockMsg{} })
}

// plan asks the scheduler for due work and arms one wake-up timer.
func (a *App) plan() tea.Cmd {
	now := a.env.now()
	jobs, wake := a.sched.Plan(now, a.env.Client)
	cmds := make([]tea.Cmd, 0, len(jobs)+1)
	for _, j := range jobs {
		cmds = append(cmds, runJob(a.env.Ctx, a.env.Client, a.env.now, j, a.epoch))
	}
	if !wake.IsZero() && (a.wakeAt.IsZero() || wake.Before(a.wakeAt) || !a.wakeAt.After(now)) {
		a.wakeSeq++
		a.wakeAt = wake
		seq := a.wakeSeq
		d := max(wake.Sub(now), 10*time.Millisecond)
		cmds = append(cmds, tea.Tick(d, func(time.Time) tea.Msg { return wakeMsg{seq: seq} }))
	}
	return tea.Batch(cmds...)
}

// Update implements tea.Model. While the console waits to quit, the last
// answer of an action in flight quits it.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := a.update(msg)
	if a.quit.active && len(a.inflight) == 0 {
		a.quit.active = false
		return a, tea.Batch(cmd, tea.Quit)
	}
	return a, cmd
}

// update handles one message.
func (a *App) update(msg tea.Msg) tea.Cmd {
	_, cmd := a.updateMsg(msg)
	return cmd
}

// updateMsg is Update without the quit check.
func (a *App) updateMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.layout()
		return a, nil
	case wakeMsg:
		if msg.seq != a.wakeSeq {
			return a, nil // superseded timer
		}
		a.wakeAt = time.Time{}
		return a, a.plan()
	case clockMsg:
		a.tickStops()
		a.tabs[a.active].Update(msg)
		if a.sub != nil {
			a.sub.Update(msg)
		}
		a.rebuildChrome()
		return a, clockTick()
	case jobDoneMsg:
		return a, a.onJobDone(msg)
	case flashMsg:
		return a, a.setFlash(msg.text, msg.isErr)
	case flashExpiredMsg:
		if msg.id == a.flashID {
			a.flashText = ""
		}
		return a, nil
	case openDetailMsg:
		return a, a.openSub(newDetailView(a.env, a.store, msg.id, msg.json))
	case openHostsMsg:
		return a, a.openSub(a.newHostsView(msg.fleet))
	case openStopMsg:
		return a, a.askStop(msg.ids)
	case openTagMsg:
		return a, a.askAddTag(msg.ids)
	case openTagsMsg:
		return a, a.openTags(msg.id)
	case stopDoneMsg:
		return a, a.onStopDone(msg)
	case bulkStopDoneMsg:
		return a, a.onBulkStopDone(msg)
	case openLogsMsg:
		if len(msg.ids) == 0 {
			return a, a.setFlash("no deployment to show logs of", true)
		}
		return a, a.openSub(newLogView(a.env, a.store, msg.ids))
	case metricsWindowMsg:
		a.sched.SetMetricsWindow(msg.window)
		return a, a.plan()
	case switchTabMsg:
		cmd := a.switchTab(msg.tab)
		if msg.filter != "" {
			if err := a.tabs[msg.tab].setFilter(msg.filter); err == nil {
				a.afterFilter()
			}
		}
		return a, cmd
	case epochMsg:
		if msg.epoch != a.epoch {
			return a, nil // a result from the profile before a switch
		}
		return a.updateMsg(msg.msg)
	case appAction:
		return a, msg.applyTo(a)
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return a, a.splitKeys(msg)
		}
		return a, a.onKey(msg)
	}
	if a.mode == modeFilter || a.mode == modeCommand {
		var cmd tea.Cmd
		a.input, cmd = a.input.Update(msg) // cursor blink
		return a, cmd
	}
	if a.sub != nil {
		_, cmd := a.sub.Update(msg)
		return a, cmd
	}
	_, cmd := a.tabs[a.active].Update(msg)
	return a, cmd
}

// splitKeys handles a burst of typed characters (Bubble Tea delivers keys
// that arrive together, as over SSH or from tmux, as one message) one key
// at a time, so "/status:err" opens the filter and then types into it.
func (a *App) splitKeys(msg tea.KeyMsg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(msg.Runes))
	for _, r := range msg.Runes {
		cmds = append(cmds, a.onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
	}
	return tea.Batch(cmds...)
}

// onJobDone drops stale results, applies fresh ones and plans more work.
func (a *App) onJobDone(msg jobDoneMsg) tea.Cmd {
	if msg.epoch != a.epoch {
		return nil // from the profile before a switch: its scheduler is gone
	}
	if msg.job.Kind == model.JobListPage && msg.list != nil && !a.sched.Stale(msg.job) {
		var stop api.PageStop
		msg.listMore, stop = a.sched.ListPage(msg.job, msg.list.PageInfo())
		if stop != "" && a.env.Log != nil {
			a.env.Log.Debug("list pass ended", "path", "/v1/deployments", "page", msg.job.Page, "rule", string(stop))
		}
	}
	hasNext := msg.listMore
	schedErr := msg.err
	if (msg.job.Kind == model.JobFleets || msg.job.Kind == model.JobPolicies) && api.IsNotFound(msg.err) {
		schedErr = nil // Smart Fleets deprecated: an answer, poll at the normal pace
	}
	if !a.sched.Finished(msg.job, msg.at, schedErr, hasNext) {
		return a.plan() // stale: a newer generation owns this view now
	}
	if msg.job.Kind == model.JobMetrics && msg.job.Spark {
		if msg.err != nil {
			a.env.Sparks.Fail(msg.job.ID, msg.at, msg.err)
		} else {
			a.env.Sparks.Apply(msg.job.ID, msg.metrics, msg.at)
		}
	}
	if isCatalogJob(msg.job.Kind) {
		msg.err = a.cat.apply(msg)
		if msg.job.Kind == model.JobFleets {
			a.sched.SetFleets(a.cat.fleetNames())
		}
	}
	var cmds []tea.Cmd
	for i, t := range a.tabs {
		if t.owns(msg.job.Kind) && (i == a.active || msg.job.Kind != model.JobLocations) {
			_, cmd := t.Update(msg)
			cmds = append(cmds, cmd)
		}
	}
	if a.active == tabLocations && (msg.job.Kind == model.JobStatus || msg.job.Kind == model.JobListPage) {
		a.tabs[tabLocations].Update(catalogChangedMsg{})
	}
	if a.sub != nil {
		_, cmd := a.sub.Update(msg)
		cmds = append(cmds, cmd)
	}
	a.observeStopJob(msg)
	a.observeDeployJob(msg)
	cmds = append(cmds, a.resolveStopJob(msg))
	a.sched.SetVisible(a.tabs[a.active].visibleKeys())
	a.rebuildChrome()
	cmds = append(cmds, a.plan())
	return tea.Batch(cmds...)
}

// isCatalogJob reports whether results of kind k go to the catalog.
func isCatalogJob(k model.JobKind) bool {
	switch k {
	case model.JobFleets, model.JobPolicies, model.JobHosts, model.JobLocations:
		return true
	}
	return false
}

func (a *App) setFlash(text string, isErr bool) tea.Cmd {
	a.flashID++
	a.flashText, a.flashErr = termtext.Line(text), isErr
	id := a.flashID
	return tea.Tick(flashFor, func(time.Time) tea.Msg { return flashExpiredMsg{id: id} })
}

// onKey routes a key: input modes first, then global keys, then the view.
func (a *App) onKey(msg tea.KeyMsg) tea.Cmd {
	km := a.env.Keys
	if a.quit.active {
		return a.quitKey(msg)
	}
	if km.Is(msg, ActForceQuit) {
		return a.requestQuit("ctrl+c", false)
	}
	if km.Is(msg, ActRedraw) && a.mode != modeFilter && a.mode != modeCommand {
		return tea.ClearScreen // in every view, dialogs and help included
	}
	if a.dialog != nil {
		return a.dialogKey(msg)
	}
	switch a.mode {
	case modeFilter:
		return a.filterKey(msg)
	case modeCommand:
		return a.commandKey(msg)
	case modeHelp:
		switch {
		case km.Is(msg, ActBack), km.Is(msg, ActHelp), km.Is(msg, ActQuit):
			a.mode = modeNormal
		case km.Is(msg, ActDown):
			a.helpOffset++
		case km.Is(msg, ActUp):
			a.helpOffset--
		case km.Is(msg, ActPageDown):
			a.helpOffset += a.contentHeight() - 1
		case km.Is(msg, ActPageUp):
			a.helpOffset -= a.contentHeight() - 1
		case km.Is(msg, ActTop):
			a.helpOffset = 0
		}
		return nil
	}
	if c, ok := a.sub.(interface{ capturesInput() bool }); ok && c.capturesInput() {
		_, cmd := a.sub.Update(msg) // a sub-view's own input line (logs search)
		return cmd
	}
	switch {
	case km.Is(msg, ActHelp):
		a.mode = modeHelp
		return nil
	case km.Is(msg, ActCommand):
		return a.startInput(modeCommand, "")
	case km.Is(msg, ActRefresh):
		return a.refresh()
	}
	if a.sub != nil {
		if km.Is(msg, ActBack) || km.Is(msg, ActQuit) {
			if c, ok := a.sub.(interface{ consumesBack() bool }); ok && c.consumesBack() {
				_, cmd := a.sub.Update(msg)
				return cmd
			}
			return a.closeSub()
		}
		_, cmd := a.sub.Update(msg)
		return cmd
	}
	switch {
	case km.Is(msg, ActQuit):
		return a.requestQuit("q", false)
	case km.Is(msg, ActFilter):
		return a.startInput(modeFilter, a.tabs[a.active].filterText())
	case km.Is(msg, ActBack):
		if a.tabs[a.active].filterText() != "" {
			a.applyFilter("")
		}
		return nil
	case km.Is(msg, ActNextTab):
		return a.switchTab((a.active + 1) % len(a.tabs))
	case km.Is(msg, ActPrevTab):
		return a.switchTab((a.active + len(a.tabs) - 1) % len(a.tabs))
	case km.Is(msg, ActTab1):
		return a.switchTab(tabDeployments)
	case km.Is(msg, ActTab2):
		return a.switchTab(tabFleets)
	case km.Is(msg, ActTab3):
		return a.switchTab(tabPolicies)
	case km.Is(msg, ActTab4):
		return a.switchTab(tabLocations)
	}
	marks := a.markCount()
	_, cmd := a.tabs[a.active].Update(msg)
	a.sched.SetVisible(a.tabs[a.active].visibleKeys())
	if a.markCount() != marks {
		a.rebuildChrome() // the header shows the marked count
	}
	return cmd
}

// markCount is how many deployments are marked.
func (a *App) markCount() int {
	if d, ok := a.tabs[tabDeployments].(*deploymentsTab); ok {
		return len(d.marks)
	}
	return 0
}

// switchTab shows tab i and points the scheduler at it.
func (a *App) switchTab(i int) tea.Cmd {
	if a.sub != nil {
		a.sub = nil
	}
	a.active = i
	t := a.tabs[i]
	a.sched.SetView(t.view(), "")
	if i == tabLocations {
		t.Update(catalogChangedMsg{})
	}
	a.sched.SetVisible(t.visibleKeys())
	a.rebuildChrome()
	a.layout()
	return a.plan()
}

func (a *App) openSub(v subView) tea.Cmd {
	a.sub = v
	a.mode = modeNormal
	view, arg := v.schedule()
	a.sched.SetView(view, arg)
	a.layout()
	return tea.Batch(v.Init(), a.plan())
}

func (a *App) closeSub() tea.Cmd {
	a.sub = nil
	a.sched.SetView(a.tabs[a.active].view(), "")
	a.sched.SetVisible(a.tabs[a.active].visibleKeys())
	a.layout()
	return a.plan()
}

// newHostsView is the hosts of one private fleet, as a sub-view.
func (a *App) newHostsView(fleet string) subView {
	h := &hostsView{fleet: fleet, marks: map[string]bool{}}
	h.catalogTab = newCatalogTab(a.env, catalogSpec{
		title: "Hosts of " + fleet, view: model.ViewHosts, columns: hostColumns,
		sortKeys: map[Action]string{ActSortName: "name", ActSortStatus: "status"}, defSort: model.Sort{Column: "name"},
		build: func() ([]*catalogRow, string) { return h.markRows(a.cat.hostRows(fleet, a.env.now())) },
		kinds: []model.JobKind{model.JobHosts},
		help:  []Action{ActMark, ActClearMarks, ActDeploy},
	})
	return h
}

// hostsView shows one private fleet's hosts; marked hosts are the targets
// of a deploy (hostmarks.go).
type hostsView struct {
	*catalogTab
	fleet string
	marks map[string]bool // marked host ids
}

func (h *hostsView) schedule() (model.View, string) { return model.ViewHosts, h.fleet }

// layout sizes every view to the space left by the header and footer.
func (a *App) layout() {
	h := a.contentHeight()
	for _, t := range a.tabs {
		t.SetSize(a.width, h)
	}
	if a.sub != nil {
		a.sub.SetSize(a.width, h)
	}
	a.help.Width = a.width
	a.rebuildChrome()
}

// contentHeight is what is left for the active view.
func (a *App) contentHeight() int {
	h := a.height - 3 - a.stops.height() // header, tab bar, footer, the stop line
	h -= a.alertHeight()                 // the token-rejected block
	if a.mode == modeFilter || a.mode == modeCommand {
		h--
	}
	return max(1, h)
}

// View implements tea.Model.
func (a *App) View() string {
	if a.width == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(a.width * a.height * 2)
	b.WriteString(a.header)
	b.WriteByte('\n')
	b.WriteString(a.tabBar)
	b.WriteByte('\n')
	switch {
	case a.dialog != nil:
		b.WriteString(a.dialogView())
	case a.mode == modeHelp:
		b.WriteString(a.helpView(a.contentHeight()))
	case a.sub != nil:
		b.WriteString(a.sub.View())
	default:
		b.WriteString(a.tabs[a.active].View())
	}
	b.WriteByte('\n')
	if a.mode == modeFilter || a.mode == modeCommand {
		b.WriteString(a.inputLine())
		b.WriteByte('\n')
	}
	b.WriteString(a.footer())
	return clipLines(b.String(), a.height)
}

// dialogRender memoizes the open dialog's drawing: a dialog changes only
// on its keys, so the clock, poll answers and flashes that arrive while it
// is open do not draw its box again.
type dialogRender struct {
	of    dialog
	w, h  int
	dirty bool
	text  string
}

// dialogView is the open dialog, drawn again only when it changed (a key,
// another dialog) or the space for it did.
func (a *App) dialogView() string {
	d, h := &a.dlgView, a.contentHeight()
	if d.of != a.dialog || d.dirty || d.w != a.width || d.h != h {
		d.text = a.dialog.View(a.width, h)
		d.of, d.w, d.h, d.dirty = a.dialog, a.width, h, false
	}
	return d.text
}

// clipLines keeps the first n lines of s, so a tiny terminal never scrolls
// the header away.
func clipLines(s string, n int) string {
	if n <= 0 {
		return ""
	}
	i := 0
	for pos := 0; pos < len(s); pos++ {
		if s[pos] == '\n' {
			if i++; i == n {
				return s[:pos]
			}
		}
	}
	return s
}
