package ui

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/watchlist"
	"github.com/gapdeck/gapdeck/ui/table"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// deploymentsTab lists every deployment of the organization. The list
// endpoint lacks status, app, version and location, so rows are enriched
// from the status endpoint; a row not yet enriched says so.
type deploymentsTab struct {
	env    *Env
	store  *model.Deployments
	list   *listView[*model.DeploymentRow]
	sparks *sparkCache // rendered CPU/MEM bars, by (id, Fetched)
	// listEvery is the profile's list interval; the engine's pause between
	// passes (longer after a long pass) may stretch the list's freshness.
	listEvery time.Duration

	marks    map[string]bool // marked request ids; they follow the id across refreshes
	lastMark string          // the last id marked, where a range mark starts
}

var deploymentColumns = []table.Column{
	{Key: "id", Title: "REQUEST ID", Width: 13}, // the id, then ✓ when marked
	{Key: "status", Title: "STATUS", Width: 12},
	{Key: "app", Title: "APP", MinWidth: 8, Flex: 2},
	{Key: "version", Title: "VERSION", MinWidth: 7, Flex: 1},
	{Key: "location", Title: "LOCATION", MinWidth: 10, Flex: 2},
	{Key: "age", Title: "AGE", Width: 6, Align: table.AlignRight},
	{Key: "ip", Title: "PUBLIC IP", Width: 15, Hide: 110},
	{Key: "ports", Title: "PORTS", MinWidth: 10, Flex: 2, Hide: 150},
	{Key: "tags", Title: "TAGS", MinWidth: 8, Flex: 2, Hide: 125},
	{Key: "sockets", Title: "SOCKETS", Width: 8, Align: table.AlignRight, Hide: 95},
	{Key: "cpu", Title: "CPU", Width: sparkCells, Hide: 100},
	{Key: "mem", Title: "MEM", Width: sparkCells, Hide: 135},
	// lifetime is optional (:cols +lifetime): the time left before
	// max_duration or the 24 h cleanup, whichever comes first.
	{Key: "lifetime", Title: "LEFT", Width: 9, Align: table.AlignRight},
}

func newDeploymentsTab(env *Env, store *model.Deployments) *deploymentsTab {
	t := &deploymentsTab{env: env, store: store, sparks: newSparkCache(), marks: map[string]bool{}}
	t.list = newListView(env, listSpec[*model.DeploymentRow]{
		name:      "Deployments",
		columns:   deploymentColumns,
		cells:     t.cells,
		key:       func(r *model.DeploymentRow) string { return r.ID },
		rev:       t.rev,
		setFilter: store.SetFilter,
		setSort:   store.SetSort,
		sortKeys:  deploymentSortKeys,
		empty:     t.emptyText,
		defSort:   store.Sort(),
		optional:  []string{"lifetime"},
	}, deploymentRows{store})
	t.listEvery = cmp.Or(env.Scheduler.ListInterval, model.DefaultListInterval)
	t.list.fresh.every = t.listEvery
	return t
}

// deploymentRows adapts the store to the list view.
type deploymentRows struct{ d *model.Deployments }

func (r deploymentRows) Visible() []*model.DeploymentRow { return r.d.Rows() }
func (r deploymentRows) Total() int                      { return r.d.Total() }
func (r deploymentRows) Position(id string) int          { return r.d.Position(id) }

func (t *deploymentsTab) emptyText(f model.Filter) string {
	switch {
	case t.store.Total() == 0 && (t.list == nil || t.list.fresh.okAt.IsZero()):
		return "Syncing deployments…" // never "none" before the API answered
	case !f.Empty():
		return noMatchText(t.env.Keys, "deployment", f)
	}
	return "No deployments"
}

// deploymentRev changes whenever the row's cells change, including the age.
func deploymentRev(now time.Time, r *model.DeploymentRow) uint64 {
	return r.Rev<<24 | tableAgeBucket(now.Sub(r.Started))&(1<<24-1)
}

// rev is deploymentRev with the row's sparkline data mixed in, so a new
// sparkline re-renders the row and nothing else does.
func (t *deploymentsTab) rev(now time.Time, r *model.DeploymentRow) uint64 {
	rev := deploymentRev(now, r) ^ sparkStamp(t.env.Sparks, r.ID)
	if l, ok := model.LifetimeOf(r, now, time.Time{}); ok {
		rev ^= ageBucket(l.Left) << 32 // the LEFT column's text and tone
	}
	if t.marks[r.ID] {
		rev ^= 1 << 63
	}
	return rev
}

// cells is deploymentCells followed by the CPU and MEM sparklines.
func (t *deploymentsTab) cells(now time.Time, r *model.DeploymentRow, dst []table.Cell) []table.Cell {
	dst = deploymentCells(now, r, dst)
	if t.marks[r.ID] {
		dst[0].Text += "✓"
	}
	cpu, mem := t.sparks.bars(t.env.Sparks, r.ID)
	return append(dst, cpu, mem, lifetimeCell(now, r))
}

// lifetimeCell is the time left before max_duration or the 24 h cleanup,
// toned as a warning in the last 10 minutes.
func lifetimeCell(now time.Time, r *model.DeploymentRow) table.Cell {
	l, ok := model.LifetimeOf(r, now, time.Time{})
	if !ok {
		return table.Cell{Text: "—", Tone: theme.ToneMuted}
	}
	tone := theme.ToneNormal
	if l.Warn() {
		tone = theme.ToneWarn
	}
	if l.Left < 0 {
		return table.Cell{Text: "overdue", Tone: tone}
	}
	return table.Cell{Text: formatAge(l.Left), Tone: tone}
}

func deploymentCells(now time.Time, r *model.DeploymentRow, dst []table.Cell) []table.Cell {
	idTone, statusText, statusTone := theme.ToneNormal, "enriching…", theme.ToneMuted
	app, version, location := "…", "…", "…"
	if r.StatusProblem != "" && !r.Enriched {
		statusText, statusTone = "unavailable", theme.ToneWarn
	}
	if r.Enriched {
		statusText, statusTone = r.Status.Name(), StatusTone(r.Status)
		app, version = r.App, r.Version
		location = joinNonEmpty(", ", r.City, r.Country)
		if r.CrashLooping() {
			statusText, statusTone = statusText+" ↻", theme.ToneWarn
		}
		if r.StatusProblem != "" { // the last answer was unusable: this status is older
			statusText = statusText + " ?"
			if statusTone != theme.ToneBad {
				statusTone = theme.ToneWarn
			}
		}
		if r.Status == api.StatusError {
			idTone = theme.ToneBad
		}
	}
	sockets := "—"
	if r.HasSockets {
		sockets = strconv.Itoa(r.SocketsUsage) + "/" + strconv.Itoa(r.Sockets)
	}
	age, ports := ageOfTime(now, r.Started), r.PortsSummary
	if r.UnknownField("start_time") {
		age = unknownText
	}
	if r.UnknownField("ports") || r.UnknownField("ports.") {
		ports = joinNonEmpty(" ", ports, unknownText)
	}
	if r.UnknownField("sockets") || r.UnknownField("sockets_usage") {
		sockets = unknownText
	}
	return append(dst[:0],
		table.Cell{Text: r.ID, Tone: idTone},
		table.Cell{Text: statusText, Tone: statusTone},
		table.Cell{Text: app},
		table.Cell{Text: version},
		table.Cell{Text: location},
		table.Cell{Text: age},
		table.Cell{Text: r.PublicIP},
		table.Cell{Text: ports},
		table.Cell{Text: strings.Join(r.Tags, ",")},
		table.Cell{Text: sockets},
	)
}

func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// pruneMarks drops the marks of deployments no longer in the store.
func (t *deploymentsTab) pruneMarks() {
	for id := range t.marks {
		if _, ok := t.store.Get(id); !ok {
			delete(t.marks, id)
		}
	}
	if !t.marks[t.lastMark] {
		t.lastMark = ""
	}
}

// toggleMark marks or unmarks the selected row and moves down.
func (t *deploymentsTab) toggleMark() {
	row, ok := t.list.selected()
	if !ok {
		return
	}
	if t.marks[row.ID] {
		delete(t.marks, row.ID)
	} else {
		t.marks[row.ID], t.lastMark = true, row.ID
	}
	t.list.refresh()
	t.list.table.MoveBy(1)
}

// markRange marks every row from the last mark to the selected one.
func (t *deploymentsTab) markRange() {
	row, ok := t.list.selected()
	if !ok {
		return
	}
	from := t.store.Position(t.lastMark)
	to := t.store.Position(row.ID)
	if from < 0 {
		from = to
	}
	if from > to {
		from, to = to, from
	}
	rows := t.store.Rows()
	for i := from; i <= to && i < len(rows); i++ {
		t.marks[rows[i].ID] = true
	}
	t.lastMark = row.ID
	t.list.refresh()
}

// clearMarks unmarks every row.
func (t *deploymentsTab) clearMarks() {
	clear(t.marks)
	t.lastMark = ""
	t.list.refresh()
}

// marked lists the marked request ids in screen order, then any marked
// row the filter hides (in the store's order). It costs O(marks·log rows)
// while every marked row is shown: the App asks after every answer.
func (t *deploymentsTab) marked() []string {
	if len(t.marks) == 0 {
		return nil
	}
	type shown struct {
		id  string
		pos int
	}
	vis := make([]shown, 0, len(t.marks))
	for id := range t.marks {
		if i := t.store.Position(id); i >= 0 {
			vis = append(vis, shown{id, i})
		}
	}
	slices.SortFunc(vis, func(a, b shown) int { return cmp.Compare(a.pos, b.pos) })
	out := make([]string, 0, len(t.marks))
	for _, s := range vis {
		out = append(out, s.id)
	}
	if len(out) < len(t.marks) {
		for _, r := range t.store.All() {
			if t.marks[r.ID] && t.store.Position(r.ID) < 0 {
				out = append(out, r.ID)
			}
		}
	}
	return out
}

// targets are the marked request ids, or the selected row's when none is
// marked.
func (t *deploymentsTab) targets() []string {
	ids := t.marked()
	if row, ok := t.list.selected(); ok && len(ids) == 0 {
		ids = []string{row.ID}
	}
	return ids
}

// apply notes a list page's answer (the engine already folded it into the
// store the replica follows): the list is fresh, or stale with the error.
// One row's failed status does not make the list stale; the header shows it.
func (t *deploymentsTab) apply(msg jobDoneMsg) {
	if msg.job.Kind == model.JobListPage {
		if msg.err != nil {
			t.list.fresh.fail(msg.at, msg.err)
			return
		}
		t.list.fresh.ok(msg.at)
	}
	if len(t.marks) > 0 {
		t.pruneMarks()
	}
	t.list.refresh()
}

// notePause stretches the list's freshness to the engine's pause between
// passes: the list is STALE only past the pass's own pause.
func (t *deploymentsTab) notePause(pause time.Duration) {
	t.list.fresh.every = max(t.listEvery, pause)
}

// dataChanged redraws the rows: the store changed outside a fetch (a
// stop's summary, a tag).
func (t *deploymentsTab) dataChanged() { t.list.refresh() }

// selectedID is the request id of the row under the cursor.
func (t *deploymentsTab) selectedID() (string, bool) { return t.list.table.SelectedKey() }

// selectID moves the cursor to deployment id; false when it is not listed.
func (t *deploymentsTab) selectID(id string) bool {
	i := t.store.Position(id)
	if i < 0 {
		return false
	}
	t.list.table.SetCursor(i)
	return true
}

// Init implements tea.Model.
func (t *deploymentsTab) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (t *deploymentsTab) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case jobDoneMsg:
		t.apply(msg)
	case clockMsg:
		t.list.refresh() // ages move on
	case tea.KeyMsg:
		if t.list.handleKey(msg) {
			return t, nil
		}
		for _, d := range deploymentActions {
			if t.env.Keys.Is(msg, d.act) {
				return t, d.run(t)
			}
		}
	}
	return t, nil
}

// deploymentAction is one key of the Deployments tab on its rows: the
// key switch (Update), the help (FullHelp) and the key views (keyViews)
// all derive from deploymentActions, so an action is declared once.
type deploymentAction struct {
	act Action
	run func(t *deploymentsTab) tea.Cmd // what the key does; it may do nothing (no row)
}

// deploymentActions are the Deployments tab's row keys, in help order.
var deploymentActions = []deploymentAction{
	{ActOpen, (*deploymentsTab).openDetail},
	{ActDetail, (*deploymentsTab).openDetail},
	{ActJSON, func(t *deploymentsTab) tea.Cmd {
		return t.withSelected(func(id string) tea.Msg { return openDetailMsg{id: id, json: true} })
	}},
	{ActLogs, func(t *deploymentsTab) tea.Cmd {
		if len(t.marks) > 0 {
			ids := t.marked() // their streams interleaved
			return func() tea.Msg { return openLogsMsg{ids: ids} }
		}
		return t.withSelected(func(id string) tea.Msg { return openLogsMsg{ids: []string{id}} })
	}},
	{ActDeploy, func(t *deploymentsTab) tea.Cmd {
		var m openDeployMsg // prefilled with the selected row's app and version
		if row, ok := t.list.selected(); ok && row.Enriched {
			m.app, m.version = row.App, row.Version
		}
		return func() tea.Msg { return m }
	}},
	{ActStop, func(t *deploymentsTab) tea.Cmd {
		ids := t.targets()
		return func() tea.Msg { return openStopMsg{ids: ids} }
	}},
	{ActTag, func(t *deploymentsTab) tea.Cmd {
		ids := t.targets()
		return func() tea.Msg { return openTagMsg{ids: ids} }
	}},
	{ActTags, func(t *deploymentsTab) tea.Cmd {
		return t.withSelected(func(id string) tea.Msg { return openTagsMsg{id: id} })
	}},
	{ActMark, func(t *deploymentsTab) tea.Cmd { t.toggleMark(); return nil }},
	{ActMarkRange, func(t *deploymentsTab) tea.Cmd { t.markRange(); return nil }},
	{ActClearMarks, func(t *deploymentsTab) tea.Cmd { t.clearMarks(); return nil }},
	{ActWatch, func(t *deploymentsTab) tea.Cmd {
		return t.withSelected(func(id string) tea.Msg {
			return watchMsg{watch: watchlist.Watch{Kind: watchlist.KindDeployment, Value: id}}
		})
	}},
}

// deploymentSortKeys are the Deployments tab's sort keys and the columns
// they sort by.
var deploymentSortKeys = map[Action]string{
	ActSortID: "id", ActSortStatus: "status", ActSortApp: "app", ActSortVersion: "version",
	ActSortLocation: "location", ActSortAge: "age", ActSortIP: "ip", ActSortSockets: "sockets",
}

// deploymentKeys is every key of the Deployments tab besides the global,
// scroll and tab keys: its row actions and its sort keys.
func deploymentKeys() []Action {
	out := make([]Action, 0, len(deploymentActions)+len(deploymentSortKeys))
	for _, d := range deploymentActions {
		out = append(out, d.act)
	}
	sorts := slices.Collect(maps.Keys(deploymentSortKeys))
	slices.Sort(sorts)
	return append(out, sorts...)
}

// openDetail opens the selected deployment's detail.
func (t *deploymentsTab) openDetail() tea.Cmd {
	return t.withSelected(func(id string) tea.Msg { return openDetailMsg{id: id} })
}

// withSelected is the command of msg(id) for the selected row's id, or
// nil when no row is selected.
func (t *deploymentsTab) withSelected(msg func(id string) tea.Msg) tea.Cmd {
	id, ok := t.selectedID()
	if !ok {
		return nil
	}
	return func() tea.Msg { return msg(id) }
}

// View implements tea.Model.
func (t *deploymentsTab) View() string { return t.list.view() }

// SetSize implements Component.
func (t *deploymentsTab) SetSize(w, h int) { t.list.setSize(w, h) }

// ShortHelp implements help.KeyMap.
func (t *deploymentsTab) ShortHelp() []key.Binding {
	return t.env.Keys.Bindings(ActOpen, ActLogs, ActJSON, ActFilter, ActCommand, ActHelp)
}

// FullHelp implements help.KeyMap.
func (t *deploymentsTab) FullHelp() [][]key.Binding {
	acts := make([]Action, 0, len(deploymentActions))
	for _, d := range deploymentActions {
		acts = append(acts, d.act)
	}
	return [][]key.Binding{t.env.Keys.Bindings(acts...), t.list.sortHelp()}
}

func (t *deploymentsTab) owns(k model.JobKind) bool {
	return k == model.JobListPage || k == model.JobStatus || k == model.JobMetrics
}

func (t *deploymentsTab) name() string               { return "Deployments" }
func (t *deploymentsTab) count() int                 { return t.store.Total() }
func (t *deploymentsTab) view() model.View           { return model.ViewDeployments }
func (t *deploymentsTab) setFilter(raw string) error { return t.list.setFilter(raw) }
func (t *deploymentsTab) filterText() string         { return t.list.filter.Raw }
func (t *deploymentsTab) filterKind() string         { return "Deployments" }
func (t *deploymentsTab) visibleKeys() []string      { return t.list.visibleKeys() }
func (t *deploymentsTab) freshness() *freshness      { return &t.list.fresh }
