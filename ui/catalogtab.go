package ui

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/table"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// catalogRow is one prebuilt row of a small table (fleets, policies,
// locations, hosts): its cells, what the filter sees and what it sorts by.
type catalogRow struct {
	key    string
	cells  []table.Cell
	text   string              // lowercase filter haystack
	fields map[string][]string // filter field values
	sortBy map[string]sortValue
	rev    uint64
	open   tea.Cmd // what enter does on this row, if anything
	// subject is what the row shows, for the actions on it (a fleetRef on
	// the Fleets tab, a policyRef on the Policies tab); nil elsewhere.
	subject any
}

// sortValue is a column's value for sorting: numeric when num is set.
type sortValue struct {
	s   string
	n   float64
	num bool
}

func (r *catalogRow) Text() string { return r.text }

func (r *catalogRow) Field(name string) ([]string, bool) {
	v, ok := r.fields[name]
	return v, ok
}

// finish computes the haystack and the revision from the cells.
func (r *catalogRow) finish() *catalogRow {
	var b strings.Builder
	h := fnv.New64a()
	for _, c := range r.cells {
		b.WriteString(strings.ToLower(c.Text))
		b.WriteByte(' ')
		h.Write([]byte(c.Text))
		h.Write([]byte{0, byte(c.Tone)})
	}
	r.text = b.String()
	r.rev = h.Sum64()
	return r
}

func lessCatalog(s model.Sort) func(a, b *catalogRow) bool {
	return func(a, b *catalogRow) bool {
		va, vb := a.sortBy[s.Column], b.sortBy[s.Column]
		var less, equal bool
		if va.num && vb.num {
			less, equal = va.n < vb.n, va.n == vb.n
		} else {
			less, equal = va.s < vb.s, va.s == vb.s
		}
		if equal {
			return a.key < b.key
		}
		return less != s.Desc
	}
}

// catalogRows holds a table's rows in an incremental index.
type catalogRows struct {
	idx    *model.Index[*catalogRow]
	filter model.Filter
}

func newCatalogRows(def model.Sort) *catalogRows {
	return &catalogRows{idx: model.NewIndex(func(r *catalogRow) string { return r.key }, lessCatalog(def))}
}

func (c *catalogRows) Visible() []*catalogRow  { return c.idx.Visible() }
func (c *catalogRows) Total() int              { return c.idx.Total() }
func (c *catalogRows) Position(key string) int { return c.idx.Position(key) }

// replace makes rows the table's content: changed rows are re-put, gone
// rows deleted, unchanged rows left alone (their render cache stays warm).
func (c *catalogRows) replace(rows []*catalogRow) {
	keep := make(map[string]bool, len(rows))
	for _, r := range rows {
		keep[r.key] = true
		if old, ok := c.idx.Get(r.key); ok && old.rev == r.rev {
			continue
		}
		c.idx.Put(r)
	}
	var gone []string
	for _, r := range c.idx.All() {
		if !keep[r.key] {
			gone = append(gone, r.key)
		}
	}
	for _, k := range gone { // not while ranging: Delete reuses All's storage
		c.idx.Delete(k)
	}
}

func (c *catalogRows) setFilter(f model.Filter) {
	c.filter = f
	if f.Empty() {
		c.idx.SetFilter(nil)
		return
	}
	c.idx.SetFilter(func(r *catalogRow) bool { return f.Match(r) })
}

func (c *catalogRows) setSort(s model.Sort) error {
	c.idx.SetLess(lessCatalog(s))
	return nil
}

// catalogTab is a tab over prebuilt rows. Its build function turns the
// shared catalog into rows whenever the tab's data changed.
type catalogTab struct {
	env     *Env
	title   string
	mview   model.View
	rows    *catalogRows
	list    *listView[*catalogRow]
	build   func() ([]*catalogRow, string, bool) // rows, the empty-table text, and whether the data answered
	empty   string
	synced  bool          // the data answered once: an empty table under a filter is "no match", not "syncing"
	noteOf  func() string // the title line's extra text, read with the rows
	note    string
	kinds   []model.JobKind // results this tab shows
	help    []Action
	actions map[Action]rowAction
	// subject names what a job fetched ("Smart Fleets", "hosts of
	// alpha-fleet") on a tab fed by several fetches; nil on the others.
	subject func(model.Job) string
	// failed holds the fetches (by fetchKey) whose last try failed, and
	// loaded those that succeeded once: one fetch's success must not hide
	// another's failure (the hosts of a private fleet answering while the
	// Smart Fleets fail).
	failed map[string]failedFetch
	loaded map[string]bool
}

// fetchKey names one fetch a catalog tab shows: its kind and fleet.
func fetchKey(j model.Job) string { return fmt.Sprintf("%d/%s", j.Kind, j.Fleet) }

// failedFetch is a fetch whose last try failed.
type failedFetch struct {
	job model.Job
	at  time.Time
	err error
}

// record notes a fetch's outcome in the tab's freshness. The tab is
// failing while any of its fetches' last try failed; the note names the
// fetch (on a tab fed by several) and says whether it ever loaded.
func (t *catalogTab) record(msg jobDoneMsg) {
	k := fetchKey(msg.job)
	if msg.err != nil {
		ff := failedFetch{job: msg.job, at: msg.at, err: msg.err}
		t.failed[k] = ff
		t.fail(ff)
		return
	}
	delete(t.failed, k)
	t.loaded[k] = true
	t.list.fresh.ok(msg.at)
	first := ""
	for key := range t.failed { // another fetch still failing: the first by key, for a steady note
		if first == "" || key < first {
			first = key
		}
	}
	if first != "" {
		t.fail(t.failed[first])
	}
}

// fail marks the tab's freshness failed by ff.
func (t *catalogTab) fail(ff failedFetch) {
	f := &t.list.fresh
	okAt := f.okAt
	if !t.loaded[fetchKey(ff.job)] {
		f.okAt = time.Time{} // this fetch never loaded: "could not load", not "refresh failed"
	}
	f.fail(ff.at, ff.err)
	f.okAt = okAt
	if t.subject != nil {
		f.note = t.subject(ff.job) + ": " + f.note
	}
}

// rowAction is what a key does to a catalog tab's selected row (ok is false
// when the table is empty).
type rowAction func(row *catalogRow, ok bool) tea.Cmd

type catalogSpec struct {
	title    string
	noun     string // one row, for "No host matches …"
	view     model.View
	columns  []table.Column
	sortKeys map[Action]string
	defSort  model.Sort
	// build makes the rows from the catalog, with the text of an empty
	// table ("Syncing fleets…", why it could not load, "No policies") and
	// whether the data answered (false: the text says why there is none).
	build   func() ([]*catalogRow, string, bool)
	kinds   []model.JobKind // results this tab shows (the root applies them to the catalog first)
	note    func() string   // extra text on the title line, if any
	help    []Action
	actions map[Action]rowAction   // keys that act on the selected row (list them in help too)
	subject func(model.Job) string // names the fetch of a job, when the tab shows several kinds
}

func newCatalogTab(env *Env, spec catalogSpec) *catalogTab {
	t := &catalogTab{env: env, title: spec.title, mview: spec.view, rows: newCatalogRows(spec.defSort), build: spec.build, noteOf: spec.note, kinds: spec.kinds, help: spec.help, actions: spec.actions,
		subject: spec.subject, failed: map[string]failedFetch{}, loaded: map[string]bool{}}
	t.list = newListView(env, listSpec[*catalogRow]{
		name:      spec.title,
		columns:   spec.columns,
		cells:     func(_ time.Time, r *catalogRow, dst []table.Cell) []table.Cell { return append(dst[:0], r.cells...) },
		key:       func(r *catalogRow) string { return r.key },
		rev:       func(_ time.Time, r *catalogRow) uint64 { return r.rev },
		setFilter: t.rows.setFilter,
		setSort:   t.rows.setSort,
		sortKeys:  spec.sortKeys,
		empty: func(f model.Filter) string {
			if !f.Empty() && t.synced {
				return noMatchText(env.Keys, spec.noun, f)
			}
			return t.empty // syncing, why not, or none
		},
		defSort: spec.defSort,
		note:    func() string { return t.note }, // read in rebuild, not on every View (the Locations note counts every deployment)
	}, t.rows)
	t.list.fresh.every = cmp.Or(env.Scheduler.CatalogInterval, model.DefaultCatalogInterval)
	t.rebuild()
	return t
}

// rebuild turns the catalog into rows (and the note).
func (t *catalogTab) rebuild() {
	rows, empty, synced := t.build()
	t.empty, t.synced = empty, synced
	if t.noteOf != nil {
		t.note = t.noteOf()
	}
	t.rows.replace(rows)
	t.list.refresh()
}

// Init implements tea.Model.
func (t *catalogTab) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (t *catalogTab) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case jobDoneMsg:
		t.record(msg)
		t.rebuild()
	case tea.KeyMsg:
		if t.list.handleKey(msg) {
			return t, nil
		}
		if t.env.Keys.Is(msg, ActOpen) {
			if row, ok := t.list.selected(); ok && row.open != nil {
				return t, row.open
			}
		}
		for act, run := range t.actions {
			if t.env.Keys.Is(msg, act) {
				row, ok := t.list.selected()
				return t, run(row, ok)
			}
		}
	}
	return t, nil
}

// dataChanged rebuilds the rows: the shared data they come from changed
// outside a fetch (an action's answer, another tab's switch).
func (t *catalogTab) dataChanged() { t.rebuild() }

// View implements tea.Model.
func (t *catalogTab) View() string { return t.list.view() }

// SetSize implements Component.
func (t *catalogTab) SetSize(w, h int) { t.list.setSize(w, h) }

// ShortHelp implements help.KeyMap.
// The row actions (t.actions) are in the full help only, as on the
// Deployments tab: the footer keeps room for / : ?.
func (t *catalogTab) ShortHelp() []key.Binding {
	short := make([]Action, 0, len(t.help)+3)
	for _, a := range t.help {
		if _, rowAction := t.actions[a]; !rowAction {
			short = append(short, a)
		}
	}
	return t.env.Keys.Bindings(append(short, ActFilter, ActCommand, ActHelp)...)
}

// FullHelp implements help.KeyMap.
func (t *catalogTab) FullHelp() [][]key.Binding {
	return [][]key.Binding{t.env.Keys.Bindings(t.help...), t.list.sortHelp()}
}

// owns reports whether results of kind k concern this tab.
func (t *catalogTab) owns(k model.JobKind) bool {
	for _, o := range t.kinds {
		if o == k {
			return true
		}
	}
	return false
}

func (t *catalogTab) name() string               { return t.title }
func (t *catalogTab) count() int                 { return t.rows.Total() }
func (t *catalogTab) view() model.View           { return t.mview }
func (t *catalogTab) setFilter(raw string) error { return t.list.setFilter(raw) }
func (t *catalogTab) filterText() string         { return t.list.filter.Raw }
func (t *catalogTab) filterKind() string         { return t.title }
func (t *catalogTab) visibleKeys() []string      { return nil }
func (t *catalogTab) freshness() *freshness      { return &t.list.fresh }

// cell helpers for row builders.
func text(s string) table.Cell { return table.Cell{Text: s} }

// unknownText is the cell of a field the API sent but the console could
// not read; the detail and raw JSON views show the value as sent.
const unknownText = "?"

// known is c, or "?" when field of the row did not parse (see api.Loose).
func known(l api.Loose, field string, c table.Cell) table.Cell {
	if l.Unknown(field) {
		return table.Cell{Text: unknownText}
	}
	return c
}
func toned(s string, t theme.Tone) table.Cell { return table.Cell{Text: s, Tone: t} }
func str(s string) sortValue                  { return sortValue{s: strings.ToLower(s)} }
func num(n float64) sortValue                 { return sortValue{n: n, num: true} }
func fields(kv ...string) map[string][]string {
	m := make(map[string][]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = append(m[kv[i]], strings.ToLower(kv[i+1]))
	}
	return m
}

// selectRow moves the cursor to the first shown row match accepts; false
// if no shown row does.
func (t *catalogTab) selectRow(match func(*catalogRow) bool) bool {
	for i, r := range t.rows.Visible() {
		if match(r) {
			t.list.table.SetCursor(i)
			return true
		}
	}
	return false
}
