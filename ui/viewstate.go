package ui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/termtext"
)

// saveViewStateAfter is how long a changed view state waits before it is
// written, so a burst of sort keys or filter typing is one write.
const saveViewStateAfter = time.Second

// stateKeeper holds the remembered view state across profile switches.
type stateKeeper struct {
	state   *model.ViewState // what the console shows now
	saved   *model.ViewState // what the file holds
	path    string           // empty: not saved
	pending bool             // a save timer is armed
	warned  bool             // a save error was shown (once is enough)

	writeMu sync.Mutex // serializes the writes (commands, Shutdown)
	gen     int        // the generation of the last snapshot handed to a write
	written int        // the generation on file: an older write is skipped
}

// setProfile records the profile now in use.
func (k *stateKeeper) setProfile(name string) { k.state.Profile = name }

// listState is a tab's table seen by the view state: its sort and hidden
// columns (its filter is not remembered: see model.ViewState). Every *listView implements it.
type listState interface {
	tabState() model.TabState
	applyTabState(model.TabState)
	columnKeys() (shown, hidden []string)
	setHidden(keys []string)
}

// listOf is the table of tab t (nil for a tab without one).
func listOf(t tab) listState {
	switch t := t.(type) {
	case *deploymentsTab:
		return t.list
	case *catalogTab:
		return t.list
	}
	return nil
}

// tabFilters are the tabs' filters in force, by tab name: they carry over
// a profile switch (the same session), unlike a new run.
func (a *App) tabFilters() map[string]string {
	out := map[string]string{}
	for _, t := range a.tabs {
		if f := t.filterText(); f != "" {
			out[t.name()] = f
		}
	}
	return out
}

// restoreTabFilters applies filters taken by tabFilters to the tabs.
func (a *App) restoreTabFilters(filters map[string]string) {
	if len(filters) == 0 {
		return
	}
	for _, t := range a.tabs {
		if f, ok := filters[t.name()]; ok {
			_ = t.setFilter(f) // it parsed a moment ago
		}
	}
	a.afterFilter()
}

// applyViewState applies the remembered state to the freshly built tabs;
// the first build adopts env.State and reports, once, why it could not be
// loaded.
func (a *App) applyViewState() {
	if a.state == nil {
		st := a.env.State
		if st == nil {
			st = &model.ViewState{}
		}
		if st.Profile == "" && !a.env.Demo {
			st.Profile = a.env.Profile
		}
		a.state = &stateKeeper{state: st, saved: st.Clone(), path: a.env.StatePath}
		if a.env.StateErr != nil {
			a.flashID++
			a.flashText, a.flashErr = termtext.Error(a.env.StateErr), true
		}
	}
	a.env.State = a.state.state
	for _, t := range a.tabs {
		if l := listOf(t); l != nil {
			if ts, ok := a.state.state.Tabs[t.name()]; ok {
				l.applyTabState(ts)
			}
		}
	}
	a.afterFilter() // the Deployments filter's API query
}

// collectViewState reads every tab's state into the remembered state.
func (a *App) collectViewState() {
	tabs := make(map[string]model.TabState, len(a.tabs))
	for _, t := range a.tabs {
		if l := listOf(t); l != nil {
			if ts := l.tabState(); !ts.Equal(model.TabState{}) {
				tabs[t.name()] = ts
			}
		}
	}
	a.state.state.Tabs = tabs
}

// noteViewState is called by Root after each message: when the view state
// (sorts, columns, filter history) changed since the last save it arms
// one save timer.
func (a *App) noteViewState(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case engineMsg, clockMsg, flashExpiredMsg, saveViewStateMsg:
		return nil // they never change a sort, the columns or the filter history
	}
	k := a.state
	if k.pending {
		return nil
	}
	a.collectViewState()
	if k.state.Equal(k.saved) {
		return nil
	}
	k.pending = true
	return tea.Tick(saveViewStateAfter, func(time.Time) tea.Msg { return saveViewStateMsg{} })
}

// saveViewStateMsg fires when the view state should be written.
type saveViewStateMsg struct{}

// viewStateSaveFailedMsg reports that the view state could not be written.
type viewStateSaveFailedMsg struct{ err error }

// onSaveViewState writes the view state in a command, off the UI
// goroutine (see saveViewState); a failure comes back as
// viewStateSaveFailedMsg.
func (a *App) onSaveViewState() tea.Cmd {
	a.state.pending = false
	write := a.viewStateWrite()
	if write == nil {
		return nil
	}
	return func() tea.Msg {
		if err := write(); err != nil {
			return viewStateSaveFailedMsg{err: err}
		}
		return nil
	}
}

// onViewStateSaveFailed shows the first failure to save the view state.
func (a *App) onViewStateSaveFailed(m viewStateSaveFailedMsg) tea.Cmd {
	if a.state.warned {
		return nil
	}
	a.state.warned = true
	return a.setFlash(m.err.Error(), true)
}

// saveViewState writes the view state now if it changed since the last
// save: for Root.Shutdown, once the program has stopped.
func (a *App) saveViewState() error {
	if write := a.viewStateWrite(); write != nil {
		return write()
	}
	return nil
}

// viewStateWrite takes a snapshot of the view state, if it changed since
// the last save, and returns the write of it (nil: nothing to write).
// Writes run in the order of their snapshots; one that lost the race to a
// newer snapshot is skipped.
func (a *App) viewStateWrite() func() error {
	k := a.state
	a.collectViewState()
	if k.state.Equal(k.saved) || k.path == "" {
		k.saved = k.state.Clone()
		return nil
	}
	snap := k.state.Clone()
	k.saved = snap // on failure too: the next change tries again, not every second
	k.gen++
	gen, path := k.gen, k.path
	return func() error {
		k.writeMu.Lock()
		defer k.writeMu.Unlock()
		if gen < k.written {
			return nil // a newer snapshot is on file
		}
		k.written = gen
		if err := model.SaveViewState(path, snap); err != nil {
			return fmt.Errorf("could not remember the view state: %w", err)
		}
		return nil
	}
}

// hideAlways as a Column.Hide hides the column at every width.
const hideAlways = math.MaxInt

// tabState is the view's sort (when not the default) and hidden columns.
// Its filter is not part of it: filters are remembered as history only.
func (v *listView[R]) tabState() model.TabState {
	var ts model.TabState
	if v.sort != v.spec.defSort {
		ts.Sort, ts.Desc = v.sort.Column, v.sort.Desc
	}
	shown, hidden := v.columnKeys()
	for _, k := range hidden {
		if !slices.Contains(v.spec.optional, k) { // optional ones are hidden unless Shown
			ts.Hidden = append(ts.Hidden, k)
		}
	}
	for _, k := range shown {
		if slices.Contains(v.spec.optional, k) {
			ts.Shown = append(ts.Shown, k)
		}
	}
	return ts
}

// applyTabState restores a remembered sort and hidden columns; what no
// longer applies (a sort column the view lacks, an unknown column) is
// ignored. A filter is never restored: a console opened in an incident
// must not hide rows behind a filter typed last week (LoadViewState moved
// an old file's filter into the history, one up away on the filter line).
func (v *listView[R]) applyTabState(ts model.TabState) {
	if ts.Sort != "" && v.sortable(ts.Sort) {
		s := model.Sort{Column: ts.Sort, Desc: ts.Desc}
		if v.spec.setSort(s) == nil {
			v.sort = s
			v.table.SetSort(s.Column, s.Desc)
		}
	}
	hidden := slices.Clone(ts.Hidden)
	for _, k := range v.spec.optional {
		if !slices.Contains(ts.Shown, k) && !slices.Contains(hidden, k) {
			hidden = append(hidden, k)
		}
	}
	v.setHidden(hidden)
	v.refresh()
}

// sortable reports whether the view can sort by col.
func (v *listView[R]) sortable(col string) bool {
	if col == v.spec.defSort.Column {
		return true
	}
	for _, c := range v.spec.sortKeys {
		if c == col {
			return true
		}
	}
	return false
}

// columnKeys lists the keys of the shown and the hidden (:cols) columns.
func (v *listView[R]) columnKeys() (shown, hidden []string) {
	for _, c := range v.table.Columns() {
		if c.Hide == hideAlways {
			hidden = append(hidden, c.Key)
		} else {
			shown = append(shown, c.Key)
		}
	}
	return shown, hidden
}

// setHidden hides exactly the columns named in keys.
func (v *listView[R]) setHidden(keys []string) {
	cols := slices.Clone(v.spec.columns)
	for i := range cols {
		if slices.Contains(keys, cols[i].Key) {
			cols[i].Hide = hideAlways
		}
	}
	v.table.SetColumns(cols)
}

// colsCommand runs `:cols [-col|+col]…` on the active tab: without
// arguments it lists the columns; -col hides one, +col shows it again.
func (a *App) colsCommand(arg string) tea.Cmd {
	t := a.tabs[a.active]
	l := listOf(t)
	if l == nil {
		return a.setFlash("the "+t.name()+" tab has no columns to choose", true)
	}
	shown, hidden := l.columnKeys()
	if arg == "" {
		return a.setFlash(columnsText(t.name(), shown, hidden), false)
	}
	for _, f := range strings.Fields(arg) {
		op, key := f[0], f[1:]
		if (op != '-' && op != '+') || key == "" {
			return a.setFlash(fmt.Sprintf("%q: write -column to hide it, +column to show it (:cols lists them)", f), true)
		}
		if !slices.Contains(shown, key) && !slices.Contains(hidden, key) {
			return a.setFlash(fmt.Sprintf("%s has no column %q (columns: %s)", t.name(), key, strings.Join(append(shown, hidden...), " ")), true)
		}
		shown = slices.DeleteFunc(shown, func(s string) bool { return s == key })
		hidden = slices.DeleteFunc(hidden, func(s string) bool { return s == key })
		if op == '-' {
			hidden = append(hidden, key)
		} else {
			shown = append(shown, key)
		}
	}
	if len(shown) == 0 {
		return a.setFlash("at least one column must stay shown", true)
	}
	l.setHidden(hidden)
	a.layout()
	_, hidden = l.columnKeys()
	return a.setFlash(columnsText(t.name(), nil, hidden), false)
}

// columnsText is the :cols answer: the columns shown and hidden.
func columnsText(tab string, shown, hidden []string) string {
	var b strings.Builder
	b.WriteString(tab)
	if shown != nil {
		b.WriteString(" columns: " + strings.Join(shown, " "))
	}
	if len(hidden) > 0 {
		b.WriteString("  hidden: " + strings.Join(hidden, " "))
	} else {
		b.WriteString("  none hidden")
	}
	b.WriteString("  (:cols -col hides, +col shows)")
	return b.String()
}

// colsCompletions completes the last field of a :cols argument: -col for
// a shown column, +col for a hidden one.
func (a *App) colsCompletions(arg string) []string {
	l := listOf(a.tabs[a.active])
	if l == nil {
		return nil
	}
	head, last := "", arg
	if i := strings.LastIndexByte(arg, ' '); i >= 0 {
		head, last = arg[:i+1], arg[i+1:]
	}
	shown, hidden := l.columnKeys()
	var out []string
	for _, c := range shown {
		if strings.HasPrefix("-"+c, last) {
			out = append(out, head+"-"+c)
		}
	}
	for _, c := range hidden {
		if strings.HasPrefix("+"+c, last) {
			out = append(out, head+"+"+c)
		}
	}
	return out
}
