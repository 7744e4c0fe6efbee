package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/events"
	"github.com/gapdeck/gapdeck/model/watchlist"
	"github.com/gapdeck/gapdeck/ui/table"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// eventsColumns are the :events table's columns.
var eventsColumns = []table.Column{
	{Key: "time", Title: "TIME (UTC)", Width: 11}, // "15:04:05", "01-02 15:04"
	{Key: "severity", Title: "SEVERITY", Width: 8},
	{Key: "kind", Title: "KIND", Width: 12, Hide: 100},
	{Key: "object", Title: "OBJECT", MinWidth: 24, Flex: 1}, // an id and its app
	{Key: "message", Title: "MESSAGE", MinWidth: 20, Flex: 3},
}

// eventsKeep is how many events the view holds at most: the engine's log
// keeps as many (events.DefaultCapacity), so the view never shows more
// history than the log had.
const eventsKeep = events.DefaultCapacity

// eventsView is the incident feed (:events, E): every event the engine
// recorded, newest first, with the shared `/` filter, W for warnings and
// errors only, enter to go to the event's object and w to watch it.
//
// It reads the log incrementally (Since its last Seq) and keeps the
// filtered index incrementally: new events are tested and appended; only a
// filter change tests every event again. The table renders only the rows
// on screen, so 50,000 events cost nothing in View.
type eventsView struct {
	env    *Env
	log    *events.Log
	seq    uint64         // the last event read
	all    []events.Event // oldest first
	hay    []string       // each event's lowercase filter text, as all
	idx    []int          // positions in all that pass, oldest first
	filter model.Filter
	warn   bool // warnings and errors only
	tbl    *table.Table
	width  int
	height int
	title  string // the title line, drawn when something in it changes
	src    eventsSource
	// watchNote sums up the engine's ERROR watch (listWatchNote); note is
	// what the title shows of it.
	watchNote func() string
	note      string
}

func newEventsView(env *Env, log *events.Log, watchNote func() string) *eventsView {
	v := &eventsView{env: env, log: log, watchNote: watchNote, tbl: table.New(env.Styles, eventsColumns)}
	v.src.v = v
	v.pull()
	return v
}

func (v *eventsView) schedule() (model.View, string) { return model.ViewDeployments, "" }

// Init implements tea.Model.
func (v *eventsView) Init() tea.Cmd { return nil }

// SetSize implements Component.
func (v *eventsView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.tbl.SetSize(w, max(1, h-1))
	v.drawTitle()
}

// pull reads the events recorded since the last read and adds those that
// pass the filter to the index.
func (v *eventsView) pull() {
	if v.log == nil {
		return
	}
	fresh := v.log.Since(v.seq)
	if len(fresh) == 0 && v.title != "" {
		return
	}
	for _, e := range fresh {
		v.seq = e.Seq
		v.all = append(v.all, e)
		v.hay = append(v.hay, eventHaystack(e))
		if v.passes(len(v.all) - 1) {
			v.idx = append(v.idx, len(v.all)-1)
		}
	}
	if len(v.all) > eventsKeep+eventsKeep/4 { // drop the oldest, now and then
		drop := len(v.all) - eventsKeep
		v.all = append(v.all[:0:0], v.all[drop:]...)
		v.hay = append(v.hay[:0:0], v.hay[drop:]...)
		v.refilter()
		return
	}
	v.install()
}

// refilter tests every event again (the filter or W changed).
func (v *eventsView) refilter() {
	v.idx = v.idx[:0]
	for i := range v.all {
		if v.passes(i) {
			v.idx = append(v.idx, i)
		}
	}
	v.install()
}

// install hands the index to the table, keeping the cursor on its event.
func (v *eventsView) install() {
	v.src.now = v.env.now()
	if key, ok := v.tbl.SelectedKey(); ok {
		if seq, err := strconv.ParseUint(key, 10, 64); err == nil {
			if pos, ok := v.position(seq); ok {
				v.tbl.SetSourceAt(&v.src, pos)
				v.drawTitle()
				return
			}
		}
	}
	v.tbl.SetSource(&v.src)
	v.tbl.SetEmptyText(v.emptyText())
	v.drawTitle()
}

// position is the row (newest first) of the event numbered seq.
func (v *eventsView) position(seq uint64) (int, bool) {
	lo, hi := 0, len(v.idx) // idx ascends by Seq
	for lo < hi {
		m := (lo + hi) / 2
		if v.all[v.idx[m]].Seq < seq {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(v.idx) && v.all[v.idx[lo]].Seq == seq {
		return len(v.idx) - 1 - lo, true
	}
	return 0, false
}

func (v *eventsView) emptyText() string {
	switch {
	case len(v.all) == 0:
		return "No events yet: gapdeck records what its polling sees change from now on"
	case v.warn && v.filter.Empty():
		return "No warnings or errors (W shows every event)"
	}
	return "No event matches the filter"
}

// passes reports whether the i-th event passes W and the filter.
func (v *eventsView) passes(i int) bool {
	e := &v.all[i]
	if v.warn && e.Severity < events.Warning {
		return false
	}
	return v.filter.Empty() || v.filter.Match(eventRow{e: e, hay: v.hay[i]})
}

// setFilter parses and applies a `/` filter (the console's filter line).
func (v *eventsView) setFilter(raw string) error {
	f, err := model.ParseFilter(raw)
	if err != nil {
		return err
	}
	v.filter = f
	v.refilter()
	return nil
}

func (v *eventsView) filterText() string { return v.filter.Raw }

// filterKind names the feed's filters in main's filter history (its
// filterable interface has this method; the merge keeps that interface).
func (v *eventsView) filterKind() string { return "Events" }

// selected is the event under the cursor.
func (v *eventsView) selected() (events.Event, bool) {
	if len(v.idx) == 0 {
		return events.Event{}, false
	}
	return v.src.at(v.tbl.Cursor()), true
}

// Update implements tea.Model.
func (v *eventsView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case jobDoneMsg, clockMsg:
		v.pull()
		if v.watchNote() != v.note {
			v.drawTitle()
		}
	case tea.KeyMsg:
		km := v.env.Keys
		switch {
		case km.Is(msg, ActUp):
			v.tbl.MoveBy(-1)
		case km.Is(msg, ActDown):
			v.tbl.MoveBy(1)
		case km.Is(msg, ActTop):
			v.tbl.Top()
		case km.Is(msg, ActBottom):
			v.tbl.Bottom()
		case km.Is(msg, ActPageUp):
			v.tbl.MoveBy(-v.tbl.PageSize())
		case km.Is(msg, ActPageDown):
			v.tbl.MoveBy(v.tbl.PageSize())
		case km.Is(msg, ActWarnOnly):
			v.warn = !v.warn
			v.refilter()
		case km.Is(msg, ActOpen):
			if e, ok := v.selected(); ok {
				o := e.Object
				return v, func() tea.Msg { return gotoObjectMsg{obj: o} }
			}
		case km.Is(msg, ActWatch):
			if e, ok := v.selected(); ok {
				w, ok := watchOf(e.Object)
				if !ok {
					return v, flashCmd("cannot watch "+string(e.Object.Type)+" objects: watch a deployment, app, version, location or tag", true)
				}
				return v, func() tea.Msg { return watchMsg{watch: w} }
			}
		}
	}
	return v, nil
}

// watchOf is the watch w on an event's object makes: the deployment, or
// the location.
func watchOf(o events.Object) (watchlist.Watch, bool) {
	switch o.Type {
	case events.ObjectDeployment:
		return watchlist.Watch{Kind: watchlist.KindDeployment, Value: o.ID}, true
	case events.ObjectLocation:
		return watchlist.Watch{Kind: watchlist.KindLocation, Value: o.ID}, true
	}
	return watchlist.Watch{}, false
}

// drawTitle renders the title line: counts, W, the filter.
func (v *eventsView) drawTitle() {
	st := v.env.Styles
	var b strings.Builder
	b.WriteString("  ")
	if len(v.idx) == len(v.all) {
		b.WriteString(plural(len(v.all), "event") + ", newest first")
	} else {
		b.WriteString(strconv.Itoa(len(v.idx)) + " of " + plural(len(v.all), "event") + ", newest first")
	}
	if v.warn {
		b.WriteString("  [warnings and errors only: W]")
	}
	if v.filter.Raw != "" {
		b.WriteString("  filter: " + sanitizeLine(v.filter.Raw))
	}
	v.note = v.watchNote()
	if v.note != "" {
		b.WriteString("  · " + v.note)
	}
	v.title = padLine(st.Title.Render("Events")+st.Muted.Render(b.String()), v.width)
}

// View implements tea.Model.
func (v *eventsView) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	return v.title + "\n" + v.tbl.View()
}

// ShortHelp implements help.KeyMap.
func (v *eventsView) ShortHelp() []key.Binding {
	return v.env.Keys.Bindings(ActBack, ActOpen, ActWarnOnly, ActWatch, ActFilter, ActHelp)
}

// FullHelp implements help.KeyMap.
func (v *eventsView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp(), v.env.Keys.Bindings(ActUp, ActDown, ActTop, ActBottom, ActPageUp, ActPageDown)}
}

// eventsSource shows the index newest first, without copying it.
type eventsSource struct {
	v   *eventsView
	now time.Time
}

func (s *eventsSource) at(i int) events.Event { return s.v.all[s.v.idx[len(s.v.idx)-1-i]] }
func (s *eventsSource) Len() int              { return len(s.v.idx) }
func (s *eventsSource) Key(i int) string      { return strconv.FormatUint(s.at(i).Seq, 10) }
func (s *eventsSource) Rev(i int) uint64      { return 0 } // events never change
func (s *eventsSource) Cells(i int, dst []table.Cell) []table.Cell {
	e := s.v.all[s.v.idx[len(s.v.idx)-1-i]]
	return append(dst[:0],
		table.Cell{Text: eventTime(e.At, s.now)},
		table.Cell{Text: e.Severity.String(), Tone: severityTone(e.Severity)},
		table.Cell{Text: string(e.Kind)},
		table.Cell{Text: objectText(e.Object)},
		table.Cell{Text: e.Message}, // untrusted: the table sanitizes every cell (termtext.Line)
	)
}

// eventTime is "15:04:05" (UTC) today, "01-02 15:04" another day.
func eventTime(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04:05")
	}
	return t.Format("01-02 15:04")
}

// severityTone colours a severity.
func severityTone(s events.Severity) theme.Tone {
	switch s {
	case events.Error:
		return theme.ToneBad
	case events.Warning:
		return theme.ToneWarn
	}
	return theme.ToneMuted
}

// objectText names an event's object in a cell: a deployment by its id
// (and app), a fleet, policy or location by name.
func objectText(o events.Object) string {
	switch o.Type {
	case events.ObjectDeployment:
		if o.App != "" {
			return o.ID + " " + o.App
		}
		return o.ID
	case events.ObjectFleet:
		return "fleet " + o.ID
	case events.ObjectPolicy:
		return "policy " + o.ID
	case events.ObjectAPI:
		return "api " + o.ID
	}
	return o.ID
}

// eventHaystack is what free text in the filter searches: severity, kind,
// object and message, lowercase.
func eventHaystack(e events.Event) string {
	return strings.ToLower(e.Severity.String() + " " + string(e.Kind) + " " + objectText(e.Object) + " " +
		e.Object.Location + " " + strings.Join(e.Object.Tags, " ") + " " + e.Message)
}

// eventRow is an event as the `/` filter tests it: status is the
// severity or the status it moved to, type the kind or the object's type,
// id and name the object, app, version, city, country and tag what was
// known of a deployment.
type eventRow struct {
	e   *events.Event
	hay string
}

func (r eventRow) Text() string { return r.hay }
func (r eventRow) Field(name string) ([]string, bool) {
	e := r.e
	low := strings.ToLower
	switch name {
	case "status":
		return []string{e.Severity.String(), low(e.To)}, true
	case "type":
		return []string{string(e.Kind), string(e.Object.Type)}, true
	case "id", "name", "fleet":
		return []string{low(e.Object.ID)}, true
	case "app":
		return []string{low(e.Object.App)}, true
	case "version":
		return []string{low(e.Object.Version)}, true
	case "city", "country":
		city, country, _ := strings.Cut(low(e.Object.Location), ",")
		if name == "city" {
			return []string{strings.TrimSpace(city)}, true
		}
		return []string{strings.TrimSpace(country)}, true
	case "tag":
		tags := make([]string, len(e.Object.Tags))
		for i, t := range e.Object.Tags {
			tags[i] = low(t)
		}
		return tags, true
	}
	return nil, true
}
