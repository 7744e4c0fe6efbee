package ui

import (
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/watchlist"
	"github.com/gapdeck/gapdeck/ui/table"
)

// watchesColumns are the :watch list's columns.
var watchesColumns = []table.Column{
	{Key: "kind", Title: "KIND", Width: 10},
	{Key: "value", Title: "WATCHED", MinWidth: 20, Flex: 1},
}

// watchesView is :watch: what this console watches; x (or ctrl+d)
// stops watching the selected one, at once (it changes nothing in the
// organization, so it is not confirmed).
type watchesView struct {
	env    *Env
	list   *watchlist.List
	rows   []watchlist.Watch
	tbl    *table.Table
	width  int
	height int
}

func newWatchesView(env *Env, list *watchlist.List) *watchesView {
	v := &watchesView{env: env, list: list, tbl: table.New(env.Styles, watchesColumns)}
	v.refresh()
	return v
}

func (v *watchesView) schedule() (model.View, string) { return model.ViewDeployments, "" }

// Init implements tea.Model.
func (v *watchesView) Init() tea.Cmd { return nil }

// SetSize implements Component.
func (v *watchesView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.tbl.SetSize(w, max(1, h-1))
}

// refresh shows the list as it is now.
func (v *watchesView) refresh() {
	v.rows = v.list.All()
	v.tbl.SetSource(watchRows(v.rows))
	v.tbl.SetEmptyText("Nothing watched: w on a deployment, or :watch app|version|location|tag <value>")
}

// Update implements tea.Model.
func (v *watchesView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return v, nil
	}
	km := v.env.Keys
	switch {
	case km.Is(k, ActUp):
		v.tbl.MoveBy(-1)
	case km.Is(k, ActDown):
		v.tbl.MoveBy(1)
	case km.Is(k, ActTop):
		v.tbl.Top()
	case km.Is(k, ActBottom):
		v.tbl.Bottom()
	case km.Is(k, ActUnwatch):
		if len(v.rows) == 0 {
			return v, nil
		}
		w := v.rows[v.tbl.Cursor()]
		return v, func() tea.Msg { return unwatchMsg{watch: w} }
	}
	return v, nil
}

// View implements tea.Model.
func (v *watchesView) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	st := v.env.Styles
	title := st.Title.Render("Watches") + st.Muted.Render("  "+strconv.Itoa(len(v.rows))+" watched · warnings and errors ring the bell · x unwatch")
	return padLine(title, v.width) + "\n" + v.tbl.View()
}

// ShortHelp implements help.KeyMap.
func (v *watchesView) ShortHelp() []key.Binding {
	return v.env.Keys.Bindings(ActBack, ActUnwatch, ActEvents, ActUp, ActDown, ActHelp)
}

// FullHelp implements help.KeyMap.
func (v *watchesView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

// watchRows are the watches as table rows.
type watchRows []watchlist.Watch

func (r watchRows) Len() int         { return len(r) }
func (r watchRows) Key(i int) string { return r[i].String() }
func (r watchRows) Rev(int) uint64   { return 0 }
func (r watchRows) Cells(i int, dst []table.Cell) []table.Cell {
	return append(dst[:0], table.Cell{Text: string(r[i].Kind)}, table.Cell{Text: r[i].Value})
}
