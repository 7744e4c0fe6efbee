package ui

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
	"github.com/gapdeck/gapdeck/ui/termtext"
	"github.com/gapdeck/gapdeck/ui/theme"
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
	filterable
	visibleKeys() []string
	freshness() *freshness
	dataChanged() // the data it shows changed outside a fetch: rebuild the rows
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

// filterable is a table the `/` line filters: every tab, and a sub-view
// that is a table (the hosts of a private fleet).
type filterable interface {
	setFilter(raw string) error // parse and apply a filter ("" clears it)
	filterText() string         // the filter in force, as typed
	filterKind() string         // its kind in the filter history: "Deployments", "Hosts"
}

// subView is a view opened over a tab (detail, hosts); esc closes it.
type subView interface {
	Component
	schedule() (model.View, string) // what the scheduler should poll while it is open
}

// App is the root model.
type App struct {
	env    *Env
	engine *engine.Engine     // the live data this console watches
	view   *engine.View       // this console's attachment to it
	runs   bool               // the App built the engine and runs it (Init)
	store  *model.Deployments // this view's replica of the deployments
	cat    *catalog
	window model.MetricsWindow // the detail panel's metrics window
	people []engine.Presence   // who else watches the engine (gapdeck serve)
	// pulled is the snapshot of the last engine update (onEngine).
	pulled *engine.Snapshot
	// listWatches are the engine's ERROR and new-deployment watches, as
	// of the last update.
	listWatches []model.WatchInfo
	shared      struct{ marks, stopping []string } // what the engine was last told (shareMarksAndStops)
	tabs        []tab
	active      int
	sub         subView
	mode        mode
	input       textinput.Model // the command line
	filter      filterLine      // the filter line
	inErr       string
	help        help.Model
	width       int
	height      int

	helpOffset int // first line of the help screen when it scrolls

	dialog    dialog         // an open confirmation; it takes every key
	onConfirm func() tea.Cmd // what the dialog confirms
	dlgView   dialogRender   // the dialog as last drawn
	evidence  evidenceCache  // versions' endpoint storage, for the stop dialogs
	deployCat *deployCatalog // the deploy form's application and version lists
	foot      footerCache    // the footer line as last drawn

	stops     stopProgress          // stops followed to TERMINATED (stopprogress.go)
	inflight  map[string]string     // actions sent, not answered: action id → what (audittrail.go)
	auditQ    []auditWrite          // audit records to write before the update's commands run (audittrail.go)
	checks    map[string]*stopCheck // deployments whose stop's answer was lost (audittrail.go)
	quit      quitWait              // quitting, waiting for actions in flight (quit.go)
	deploying map[string]bool       // new deployments watched until READY or ERROR (deployaction.go)

	flashText  termtext.Safe
	flashErr   bool
	flashID    int
	header     string
	hdr        headerCache // what the header was drawn from (chrome.go)
	rateAt     time.Time   // when the header's req/s figure was taken (holdRate)
	tabBar     string
	tabsDrawn  tabBarCache // what the tab bar was drawn from (chrome.go)
	alert      string      // the token-rejected block over the footer, drawn (chrome.go)
	privFleets []string

	switching string       // the profile a switch is under way to
	envBadge  string       // the rendered environment label of the header
	state     *stateKeeper // the remembered view state (it survives switches)

	alerts     alertState // watches, the alert badge, notify_command (watch.go)
	alertsInit tea.Cmd    // what loading the watches had to say, run by Init
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

// build (re)makes everything the console holds for env in place: its
// engine attachment, replica, catalog, tabs, input and chrome. Every other
// field starts from zero, except what must survive a profile switch
// (size, flash sequence number, the remembered view state). New and the
// profile switch both use it.
//
// The engine is env.Engine when the caller runs one (a shared server, a
// test driving it); otherwise the App builds one over env.Client and runs
// it from Init until env.Ctx ends.
func (a *App) build(env *Env) {
	*a = App{width: a.width, height: a.height, flashID: a.flashID, state: a.state}
	privateFleets := env.PrivateFleets
	if env.ReadOnly {
		env.Keys.HideMutating()
	}
	cfg := env.Scheduler
	cfg.PrivateFleets = privateFleets
	a.engine, a.runs = env.Engine, false
	if a.engine == nil {
		a.engine = engine.New(engine.Config{Client: env.Client, Scheduler: cfg, Now: env.now, Log: env.Log, Sparks: env.Sparks, Events: env.Events})
		a.runs = true
	}
	if env.Sparks == nil {
		env.Sparks = a.engine.Sparks()
	}
	a.env = env
	a.view = a.engine.Attach()
	if env.Actor != nil { // the others on a shared engine see who this is
		a.view.SetIdentity(env.Actor.Name, env.Actor.Role)
	}
	a.store = model.NewDeployments()
	store := a.store
	a.window = model.MetricsWindows[0]
	a.cat = newCatalog(privateFleets, store)
	a.help = help.New()
	st := env.Styles // the theme's colours, converted once (bubbles' defaults convert hex on every frame)
	a.help.Styles.ShortKey, a.help.Styles.ShortDesc, a.help.Styles.ShortSeparator = st.HelpKey, st.HelpDesc, st.HelpSep
	a.help.Styles.FullKey, a.help.Styles.FullDesc, a.help.Styles.FullSeparator = st.HelpKey, st.HelpDesc, st.HelpSep
	a.help.Styles.Ellipsis = st.HelpSep
	a.privFleets = privateFleets
	a.input = theme.NewTextInput(st)
	a.input.Prompt = ""
	a.input.CharLimit = 320 // ":report " and a reason of 255
	a.filter = newFilterLine(st, env.Keys)
	a.tabs = []tab{
		newDeploymentsTab(env, store),
		newCatalogTab(env, catalogSpec{
			title: "Fleets", noun: "fleet", view: model.ViewFleets, columns: fleetColumns,
			sortKeys: map[Action]string{ActSortName: "name"}, defSort: model.Sort{Column: "kind"},
			build:   func() ([]*catalogRow, string, bool) { return a.cat.fleetRows(env.now()) },
			kinds:   []model.JobKind{model.JobFleets, model.JobPolicies, model.JobHosts},
			note:    a.cat.fleetsNote,
			subject: catalogSubject,
			help:    []Action{ActOpen, ActToggleFleet, ActLinkVersion, ActUnlinkVersion},
			actions: a.fleetActions(),
		}),
		newCatalogTab(env, catalogSpec{
			title: "Policies", noun: "policy", view: model.ViewPolicies, columns: policyColumns,
			sortKeys: map[Action]string{ActSortName: "name"}, defSort: model.Sort{Column: "name"},
			build:   func() ([]*catalogRow, string, bool) { return a.cat.policyRows(env.now()) },
			kinds:   []model.JobKind{model.JobFleets, model.JobPolicies},
			subject: catalogSubject,
			help:    []Action{ActEditPolicy, ActDeletePolicy},
			actions: a.policyActions(),
		}),
		newCatalogTab(env, catalogSpec{
			title: "Locations", noun: "location", view: model.ViewLocations, columns: locationColumns,
			sortKeys: map[Action]string{ActSortCount: "count", ActSortLocation: "city", ActSortCountry: "country"},
			defSort:  model.Sort{Column: "count", Desc: true},
			build:    func() ([]*catalogRow, string, bool) { return a.cat.locationRows(env.now()) },
			kinds:    []model.JobKind{model.JobLocations},
			note:     a.cat.locationsNote,
		}),
	}
	a.envBadge = renderEnvBadge(env)
	a.alertsInit = a.initAlerts()
	a.applyViewState()
	if a.width > 0 {
		a.layout() // a profile switch keeps the window size
	}
	a.rebuildChrome()
}

// Init implements tea.Model: start the engine (when the App runs it),
// listen to it, and start the clock.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{a.plan(), a.listen(), clockTick(), a.alertsInit}
	if a.runs {
		eng, ctx := a.engine, a.env.Ctx
		cmds = append(cmds, func() tea.Msg {
			eng.Run(ctx)
			return nil
		})
	}
	return tea.Batch(cmds...)
}

func clockTick() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return clockMsg{} })
}

// plan tells the engine what this console shows: the active view (or the
// open sub-view) and the rows on screen. The engine plans for every
// attached console; nothing is fetched from here.
func (a *App) plan() tea.Cmd {
	in := model.Interest{View: a.tabs[a.active].view(), Window: a.window}
	if a.sub != nil {
		in.View, in.Arg = a.sub.schedule()
	}
	a.view.Show(in, a.tabs[a.active].visibleKeys())
	a.shareMarksAndStops()
	return nil
}

// shareMarksAndStops tells the engine this person's marks and the
// deployments they are stopping, when they changed, for the others'
// confirmations (engine.View.Overlap).
func (a *App) shareMarksAndStops() {
	var marked, stopping []string
	if d, ok := a.deployments(); ok {
		marked = d.marked()
	}
	if a.stops.tracker != nil {
		stopping = a.stops.tracker.Pending()
	}
	if !slices.Equal(marked, a.shared.marks) {
		a.shared.marks = marked
		a.view.SetMarks(marked)
	}
	if !slices.Equal(stopping, a.shared.stopping) {
		a.shared.stopping = stopping
		a.view.SetStopping(stopping)
	}
}

// Update implements tea.Model. While the console waits to quit, the last
// answer of an action in flight quits it.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := a.update(msg)
	if a.quit.active && len(a.inflight) == 0 {
		a.quit.active = false
		return a, a.withAudit(tea.Batch(cmd, tea.Quit))
	}
	return a, a.withAudit(cmd)
}

// update handles one message.
func (a *App) update(msg tea.Msg) tea.Cmd {
	_, cmd := a.updateMsg(msg)
	return cmd
}

// updateMsg is Update without the quit check. It is the console's one
// routing table: every message the App handles has its case here, and
// each case calls the feature's handler (in the feature's file).
func (a *App) updateMsg(msg tea.Msg) (tea.Model, tea.Cmd) {
	if o, ok := msg.(fromView); ok && o.origin() != a.view {
		return a, nil // an action's answer from the profile before a switch
	}
	if r, ok := msg.(request); ok && a.env.ReadOnly {
		return a, a.refuseReadOnly(readOnlyRefusal[r.requested()]) // the one read-only guard
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.layout()
		return a, nil
	case engineMsg:
		if msg.view != a.view {
			return a, nil // from the engine of the profile before a switch
		}
		return a, tea.Batch(a.onEngine(msg.update), a.listen())
	case clockMsg:
		a.tickStops()
		a.tabs[a.active].Update(msg)
		if a.sub != nil {
			a.sub.Update(msg)
		}
		a.tickChrome()
		return a, clockTick()
	case flashMsg:
		return a, a.setFlash(msg.text, msg.isErr)
	case auditWriteFailedMsg:
		return a, a.setFlash("could not write the audit log: "+string(termtext.Error(msg.err)), true)
	case flashExpiredMsg:
		if msg.id == a.flashID {
			a.flashText = ""
		}
		return a, nil
	case openDetailMsg:
		return a, a.openSub(a.newDetail(msg.id, msg.json))
	case watchMsg:
		return a, a.onWatch(msg.watch)
	case unwatchMsg:
		return a, a.onUnwatch(msg.watch)
	case gotoObjectMsg:
		return a, a.gotoObject(msg.obj)
	case notifyDoneMsg:
		return a, a.onNotifyDone(msg)
	case openHostsMsg:
		return a, a.openSub(a.newHostsView(msg.fleet))
	case openVersionsMsg:
		return a, a.openSub(a.newVersionsView(msg.app, a.sub))
	case reopenSubMsg:
		return a, a.openSub(msg.v)
	case appToggleDoneMsg:
		return a, a.onAppToggleDone(msg)
	case openStopMsg:
		return a, a.askStop(msg.ids)
	case stopByTagsMsg:
		return a, a.askStopByTags(msg.arg)
	case catalogActionMsg:
		return a, a.onCatalogAction(msg)
	case openTagMsg:
		return a, a.askAddTag(msg.ids)
	case openTagsMsg:
		return a, a.openTags(msg.id)
	case stopDoneMsg:
		return a, a.onStopDone(msg)
	case bulkStopDoneMsg:
		return a, a.onBulkStopDone(msg)
	case evidenceMsg:
		a.onEvidence(msg)
		return a, nil
	case logsSavedMsg:
		return a, a.onLogsSaved(msg)
	case deployCatalogMsg:
		a.onDeployCatalog(msg)
		return a, nil
	case openReportMsg:
		return a, a.askReport(msg)
	case reportDoneMsg:
		return a, a.onReportDone(msg)
	case openLogsMsg:
		if len(msg.ids) == 0 {
			return a, a.setFlash("no deployment to show logs of", true)
		}
		return a, a.openSub(newLogView(a.env, a.store, msg.ids))
	case metricsWindowMsg:
		a.window = msg.window
		return a, a.plan()
	case switchTabMsg:
		cmd := a.switchTab(msg.tab)
		if msg.filter != "" {
			if err := a.tabs[msg.tab].setFilter(msg.filter); err == nil {
				a.afterFilter()
			}
		}
		return a, cmd
	case openDeployMsg:
		return a, a.askDeploy(deployDraft{app: msg.app, version: msg.version})
	case openHostDeployMsg:
		return a, a.onOpenHostDeploy(msg)
	case deployDoneMsg:
		return a, a.onDeployDone(msg)
	case tagDoneMsg:
		return a, a.onTagDone(msg)
	case tagCheckMsg:
		return a, a.onTagCheck(msg)
	case fleetToggleDoneMsg:
		return a, a.onFleetToggleDone(msg)
	case fleetLinkDoneMsg:
		return a, a.onFleetLinkDone(msg)
	case fleetCheckMsg:
		return a, a.onFleetCheck(msg)
	case policyDoneMsg:
		return a, a.onPolicyDone(msg)
	case policyCheckMsg:
		return a, a.onPolicyCheck(msg)
	case tokenReloadedMsg:
		return a, a.onTokenReloaded(msg)
	case profileSwitchedMsg:
		return a, a.onProfileSwitched(msg)
	case saveViewStateMsg:
		return a, a.onSaveViewState()
	case viewStateSaveFailedMsg:
		return a, a.onViewStateSaveFailed(msg)
	case QuitMsg:
		return a, a.requestQuit(msg.Reason, msg.Now)
	case quitTickMsg:
		return a, a.tickQuit()
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			return a, a.splitKeys(msg)
		}
		return a, a.onKey(msg)
	}
	switch a.mode {
	case modeFilter:
		return a, a.filter.Update(msg) // cursor blink
	case modeCommand:
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

// onEngine takes what the engine applied since the last update: the
// replica catches up with the snapshot, the catalog is the snapshot's, and
// each result goes to the views that show it (their freshness, log
// streams, metric panels) and to the stop and deploy trackers.
func (a *App) onEngine(u engine.Update) tea.Cmd {
	a.store.Sync(u.Snapshot.Deployments)
	a.cat.Catalog = u.Snapshot.Catalog
	a.people = u.Snapshot.People
	a.listWatches = u.Snapshot.Watches
	if d, ok := a.tabs[tabDeployments].(*deploymentsTab); ok {
		d.notePause(u.Snapshot.ListPause)
	}
	var cmds []tea.Cmd
	for _, r := range u.Results {
		cmds = append(cmds, a.onResult(jobDone(r)))
	}
	// An update without results on the snapshot of the last one changed
	// nothing: its notice came while the last Pull took what it announced
	// (the engine makes a new snapshot at every change). Rebuilding every
	// tab for it (the Locations rows count every deployment) was most of
	// an idle console's own work.
	moved := u.Snapshot != a.pulled
	a.pulled = u.Snapshot
	if len(u.Results) == 0 && moved { // the data moved outside a fetch (an action's answer)
		for _, t := range a.tabs {
			t.dataChanged()
		}
		if c, ok := a.sub.(interface{ dataChanged() }); ok {
			c.dataChanged()
		}
	}
	cmds = append(cmds, a.checkAlerts())
	a.followOthersStops(u.Notices)
	if n := len(u.Notices); n > 0 { // what the others did
		texts := make([]string, n)
		for i, no := range u.Notices {
			texts[i] = no.Name + ": " + no.Text
		}
		cmds = append(cmds, a.setFlash(strings.Join(texts, " · "), false))
	}
	a.rebuildChrome()
	cmds = append(cmds, a.plan())
	return tea.Batch(cmds...)
}

// catchUp brings the replica and the catalog to the engine's current
// snapshot at once: after an intent that changed the data (an action's
// answer), before the change notice arrives.
func (a *App) catchUp() {
	snap := a.engine.Snapshot()
	a.store.Sync(snap.Deployments)
	a.cat.Catalog = snap.Catalog
}

// onResult hands one result to the views that own its kind.
func (a *App) onResult(msg jobDoneMsg) tea.Cmd {
	if (msg.job.Kind == model.JobFleets || msg.job.Kind == model.JobPolicies) && api.IsNotFound(msg.err) {
		msg.err = nil // Smart Fleets deprecated: an answer (the catalog says so), not a failure
	}
	var cmds []tea.Cmd
	for i, t := range a.tabs {
		if !t.owns(msg.job.Kind) {
			continue
		}
		if r, ok := t.(interface{ record(jobDoneMsg) }); ok && i != a.active && msg.job.Kind == model.JobLocations {
			r.record(msg) // its freshness only: its rows (costly) are built when it is shown
			continue
		}
		_, cmd := t.Update(msg)
		cmds = append(cmds, cmd)
	}
	if a.active == tabLocations && (msg.job.Kind == model.JobStatus || msg.job.Kind == model.JobListPage) {
		a.tabs[tabLocations].dataChanged()
	}
	if a.sub != nil {
		_, cmd := a.sub.Update(msg)
		cmds = append(cmds, cmd)
	}
	a.observeStopJob(msg)
	a.observeDeployJob(msg)
	cmds = append(cmds, a.resolveStopJob(msg))
	return tea.Batch(cmds...)
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
	case km.Is(msg, ActPulse):
		if _, open := a.sub.(*pulseView); !open {
			return a.openPulse()
		}
	case km.Is(msg, ActEvents):
		return a.openEvents()
	case km.Is(msg, ActApps):
		return a.openApps()
	}
	if f, ok := a.sub.(filterable); ok { // a table over the tab: / filters it, esc first clears it
		switch {
		case km.Is(msg, ActFilter):
			return a.openFilter()
		case km.Is(msg, ActBack) && f.filterText() != "":
			a.applyFilter("")
			return a.plan()
		}
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
		return a.openFilter()
	case km.Is(msg, ActBack):
		if a.tabs[a.active].filterText() != "" {
			a.applyFilter("")
		}
		return nil
	case km.Is(msg, ActNextTab):
		return a.switchTab((a.active + 1) % len(a.tabs))
	case km.Is(msg, ActPrevTab):
		return a.switchTab((a.active + len(a.tabs) - 1) % len(a.tabs))
	}
	for i, act := range tabKeys { // the i-th tab's key
		if i < len(a.tabs) && km.Is(msg, act) {
			return a.switchTab(i)
		}
	}
	marks := a.markCount()
	_, cmd := a.tabs[a.active].Update(msg)
	if a.markCount() != marks {
		a.rebuildChrome() // the header shows the marked count
	}
	return tea.Batch(cmd, a.plan())
}

// deployments is the Deployments tab (checked: false if the tabs were
// built without it).
func (a *App) deployments() (*deploymentsTab, bool) {
	d, ok := a.tabs[tabDeployments].(*deploymentsTab)
	return d, ok
}

// markCount is how many deployments are marked.
func (a *App) markCount() int {
	if d, ok := a.deployments(); ok {
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
	if i == tabLocations {
		t.dataChanged()
	}
	a.rebuildChrome()
	a.layout()
	return a.plan()
}

func (a *App) openSub(v subView) tea.Cmd {
	a.sub = v
	a.mode = modeNormal
	a.layout()
	return tea.Batch(v.Init(), a.plan())
}

func (a *App) closeSub() tea.Cmd {
	a.sub = nil
	a.layout()
	return a.plan()
}

// newDetail is the detail view of deployment id, with its timeline from
// the engine's events.
func (a *App) newDetail(id string, asJSON bool) *detailView {
	d := newDetailView(a.env, a.store, id, asJSON)
	d.evs.log = a.engine.Events()
	return d
}

// newHostsView is the hosts of one private fleet, as a sub-view.
func (a *App) newHostsView(fleet string) subView {
	h := &hostsView{fleet: fleet, marks: map[string]bool{}}
	h.catalogTab = newCatalogTab(a.env, catalogSpec{
		title: "Hosts of " + fleet, noun: "host", view: model.ViewHosts, columns: hostColumns,
		sortKeys: map[Action]string{ActSortName: "name", ActSortStatus: "status"}, defSort: model.Sort{Column: "name"},
		build: func() ([]*catalogRow, string, bool) { return h.markRows(a.cat.hostRows(fleet, a.env.now())) },
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
func (h *hostsView) filterKind() string             { return "Hosts" }

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
	pos := 0
	for range n {
		i := strings.IndexByte(s[pos:], '\n')
		if i < 0 {
			return s
		}
		pos += i + 1
	}
	return s[:pos-1]
}
