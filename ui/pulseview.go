package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/events"
	"github.com/gapdeck/gapdeck/model/pulse"
	"github.com/gapdeck/gapdeck/ui/termtext"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// pulseEvery is the shortest pause between two computations of the pulse
// (50,000 rows take tens of milliseconds).
const pulseEvery = 2 * time.Second

// pulseView is ":pulse": one screen answering "how bad, and where?" —
// counts by status for the organization, then by app, version and
// location, with 15-minute trends of new ERRORs and new deployments per
// minute and time-to-READY p50/p95. enter on a line opens the Deployments
// tab filtered to it. It reads the console's replica of the deployments
// and the engine's event log, and recomputes at most every 2 s while the
// data moves.
type pulseView struct {
	env           *Env
	rows          func() []*model.DeploymentRow // every deployment, unfiltered
	rev           func() uint64                 // moves when rows change
	log           *events.Log
	open          func(filter string) tea.Cmd // the Deployments tab, filtered
	watches       func() []model.WatchInfo    // the engine's list watches
	width, height int

	errs    []events.Event // the ERROR transitions of the last 15 minutes
	seenSeq uint64         // the log's seq last read

	p          pulse.Pulse
	computedAt time.Time
	computedOn uint64 // rev when computed
	computed   bool
	dirty      bool // the log brought new errors since

	lines  []pulseLine // the selectable lines, in display order
	cursor int
	offset int
}

// pulseLine is one line of the screen: a section title or a group.
type pulseLine struct {
	section string // set for a section title (not selectable)
	line    *pulse.Line
}

func newPulseView(env *Env, rows func() []*model.DeploymentRow, rev func() uint64, log *events.Log, open func(string) tea.Cmd, watches func() []model.WatchInfo) *pulseView {
	v := &pulseView{env: env, rows: rows, rev: rev, log: log, open: open, watches: watches}
	v.recompute()
	return v
}

func (v *pulseView) schedule() (model.View, string) { return model.ViewDeployments, "" }
func (v *pulseView) name() termtext.Safe            { return "Pulse" }

// ShortHelp implements help.KeyMap.
func (v *pulseView) ShortHelp() []key.Binding {
	return v.env.Keys.Bindings(ActUp, ActDown, ActOpen, ActBack, ActHelp)
}

// FullHelp implements help.KeyMap.
func (v *pulseView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

// Init implements tea.Model.
func (v *pulseView) Init() tea.Cmd { return nil }

// SetSize implements Component.
func (v *pulseView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.clamp()
}

// dataChanged is called when the engine's data moved outside a fetch.
func (v *pulseView) dataChanged() { v.maybeRecompute() }

// readEvents keeps the ERROR transitions of the last 15 minutes.
func (v *pulseView) readEvents(now time.Time) {
	if v.log == nil {
		return
	}
	for _, e := range v.log.Since(v.seenSeq) {
		v.seenSeq = e.Seq
		if e.Kind == events.KindStatus && e.To == api.StatusError.Name() {
			v.errs = append(v.errs, e)
			v.dirty = true
		}
	}
	cut := now.Add(-pulse.Minutes * time.Minute)
	i := 0
	for i < len(v.errs) && v.errs[i].At.Before(cut) {
		i++
	}
	v.errs = v.errs[i:]
}

// maybeRecompute recomputes when the data moved and pulseEvery passed.
func (v *pulseView) maybeRecompute() {
	now := v.env.now()
	if v.computed && now.Sub(v.computedAt) < pulseEvery && !now.Before(v.computedAt) {
		return
	}
	v.readEvents(now)
	if v.computed && v.rev() == v.computedOn && !v.dirty && now.Truncate(time.Minute).Equal(v.computedAt.Truncate(time.Minute)) {
		return // nothing moved, and the trends have not shifted a minute
	}
	v.recompute()
}

// recompute builds the pulse and the screen's lines.
func (v *pulseView) recompute() {
	now := v.env.now()
	v.readEvents(now)
	v.p = pulse.Compute(v.rows(), v.errs, now)
	v.computedAt, v.computedOn, v.computed, v.dirty = now, v.rev(), true, false
	var selected string
	if v.cursor >= 0 && v.cursor < len(v.lines) && v.lines[v.cursor].line != nil {
		selected = string(v.lines[v.cursor].line.Scope) + "\x00" + v.lines[v.cursor].line.Name
	}
	v.lines = v.lines[:0]
	v.lines = append(v.lines, pulseLine{line: &v.p.Org})
	for _, sec := range []struct {
		title string
		lines []pulse.Line
	}{{"APPS", v.p.Apps}, {"VERSIONS", v.p.Versions}, {"LOCATIONS", v.p.Locations}} {
		if len(sec.lines) == 0 {
			continue
		}
		v.lines = append(v.lines, pulseLine{section: sec.title})
		for i := range sec.lines {
			v.lines = append(v.lines, pulseLine{line: &sec.lines[i]})
		}
	}
	v.cursor = 0
	for i, l := range v.lines {
		if l.line != nil && string(l.line.Scope)+"\x00"+l.line.Name == selected {
			v.cursor = i
		}
	}
	v.clamp()
}

// bodyHeight is how many lines fit under the title and the header.
func (v *pulseView) bodyHeight() int { return max(1, v.height-3) }

func (v *pulseView) clamp() {
	v.cursor = min(max(v.cursor, 0), max(len(v.lines)-1, 0))
	if v.cursor < v.offset {
		v.offset = v.cursor
	}
	if h := v.bodyHeight(); v.cursor >= v.offset+h {
		v.offset = v.cursor - h + 1
	}
	v.offset = max(0, min(v.offset, len(v.lines)-v.bodyHeight()))
}

// move puts the cursor on the next selectable line in direction dir.
func (v *pulseView) move(dir, steps int) {
	for ; steps > 0; steps-- {
		i := v.cursor + dir
		for i >= 0 && i < len(v.lines) && v.lines[i].line == nil {
			i += dir
		}
		if i < 0 || i >= len(v.lines) {
			break
		}
		v.cursor = i
	}
	v.clamp()
}

// Update implements tea.Model.
func (v *pulseView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case jobDoneMsg, clockMsg:
		v.maybeRecompute()
	case tea.KeyMsg:
		km := v.env.Keys
		page := max(1, v.bodyHeight()-1)
		switch {
		case km.Is(msg, ActDown):
			v.move(1, 1)
		case km.Is(msg, ActUp):
			v.move(-1, 1)
		case km.Is(msg, ActPageDown):
			v.move(1, page)
		case km.Is(msg, ActPageUp):
			v.move(-1, page)
		case km.Is(msg, ActTop):
			v.cursor = 0
			v.clamp()
		case km.Is(msg, ActBottom):
			v.move(1, len(v.lines))
		case km.Is(msg, ActOpen):
			if v.cursor < len(v.lines) && v.lines[v.cursor].line != nil {
				return v, v.open(v.lines[v.cursor].line.Filter)
			}
		}
	}
	return v, nil
}

// Column widths of the pulse table.
const (
	pulseNumW   = 6 // TOTAL, READY, ERROR, OTHER, ?
	pulseTrendW = pulse.Minutes
	pulseTTRW   = 13 // "1m05s / 2m10s"
)

// pulseColumns says which optional columns fit at width w and how wide the
// name column is.
func pulseColumns(w int) (name int, other, newTrend bool) {
	fixed := 3*(pulseNumW+1) + (pulseTrendW + 2) + (pulseTTRW + 1)
	other = w-fixed-2*(pulseNumW+1)-(pulseTrendW+2) >= 16
	newTrend = w-fixed-(pulseTrendW+2) >= 14
	if other {
		fixed += 2 * (pulseNumW + 1)
	}
	if newTrend {
		fixed += pulseTrendW + 2
	}
	return max(8, w-fixed), other, newTrend
}

// View implements tea.Model: exactly height lines of width cells.
func (v *pulseView) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	st := v.env.Styles
	out := make([]string, 0, v.height)
	add := func(s string) {
		if len(out) < v.height {
			out = append(out, padLine(s, v.width))
		}
	}
	org := v.p.Org
	summary := "  " + plural(org.Total, "deployment")
	if n, ok := listWatchErrors(v.watches()); ok {
		summary += fmt.Sprintf(" · %d in ERROR (API count)", n)
	} else {
		summary += fmt.Sprintf(" · %d ERROR", org.Errors())
	}
	if org.Unknown > 0 {
		summary += fmt.Sprintf(" · %d status not read yet", org.Unknown)
	}
	if v.width >= 100 {
		summary += " · at " + v.computedAt.UTC().Format("15:04:05") + " · enter: those deployments"
	}
	add(st.Title.Render("Pulse") + st.Muted.Render(summary))
	nameW, other, newTrend := pulseColumns(v.width)
	num := func(s string) string { return fmt.Sprintf("%*s ", pulseNumW, s) }
	hdr := padLine("", nameW) + num("TOTAL") + num("READY") + num("ERROR")
	if other {
		hdr += num("OTHER") + num("?")
	}
	hdr += " " + padLine("NEW ERR/MIN", pulseTrendW) + " "
	if newTrend {
		hdr += " " + padLine("NEW DEP/MIN", pulseTrendW) + " "
	}
	hdr += padLine("READY p50/95", pulseTTRW)
	add(st.TableHeader.Render(padLine(hdr, v.width)))
	if org.Total == 0 {
		add(st.Muted.Render("  no deployments yet (syncing…, or none in this organization)"))
	}
	for i := v.offset; i < len(v.lines) && len(out) < v.height; i++ {
		l := v.lines[i]
		if l.line == nil {
			add(st.Muted.Render(l.section))
			continue
		}
		add(v.renderLine(l.line, i == v.cursor, nameW, other, newTrend))
	}
	for len(out) < v.height {
		add("")
	}
	return strings.Join(out, "\n")
}

// renderLine draws one group.
func (v *pulseView) renderLine(l *pulse.Line, selected bool, nameW int, other, newTrend bool) string {
	st := v.env.Styles
	tones := st.Tone
	if selected {
		tones = st.SelectedTone
	}
	name := l.Name
	if l.Scope == pulse.ScopeOrg {
		name = "organization"
	}
	num := func(n int, tone theme.Tone) string {
		return tones[tone].Render(fmt.Sprintf("%*d", pulseNumW, n)) + tones[theme.ToneNormal].Render(" ")
	}
	errTone := theme.ToneNormal
	if l.Errors() > 0 {
		errTone = theme.ToneBad
	}
	ready := l.ByStatus[api.StatusReady]
	s := tones[theme.ToneNormal].Render(padLine(" "+string(termtext.Line(name)), nameW)) +
		num(l.Total, theme.ToneNormal) + num(ready, theme.ToneGood) + num(l.Errors(), errTone)
	if other {
		s += num(l.Total-ready-l.Errors()-l.Unknown, theme.TonePending) + num(l.Unknown, theme.ToneMuted)
	}
	s += tones[theme.ToneNormal].Render(" ") + tones[theme.ToneBad].Render(trendBars(l.NewErrors)) + tones[theme.ToneNormal].Render(" ")
	if newTrend {
		s += tones[theme.ToneNormal].Render(" ") + tones[theme.ToneInfo].Render(trendBars(l.NewDeployments)) + tones[theme.ToneNormal].Render(" ")
	}
	ttr := "–"
	if l.ReadyCount > 0 {
		ttr = shortDur(l.TimeToReadyP50) + " / " + shortDur(l.TimeToReadyP95)
	}
	s += tones[theme.ToneNormal].Render(padLine(ttr, pulseTTRW))
	if selected {
		return st.Selected.Render(padLine(s, v.width))
	}
	return s
}

// trendBars draws per-minute counts as bars scaled to their maximum: "·"
// for a minute with none, so zero never looks like a small value.
func trendBars(counts [pulse.Minutes]int) string {
	const bars = "▁▂▃▄▅▆▇█"
	peak := 0
	for _, c := range counts {
		peak = max(peak, c)
	}
	var b strings.Builder
	for _, c := range counts {
		if c == 0 {
			b.WriteString("·")
			continue
		}
		level := (c*8 + peak - 1) / peak // 1..8
		b.WriteString(string([]rune(bars)[level-1]))
	}
	return b.String()
}

// shortDur is a duration in at most two units: "42s", "1m05s", "2h10m".
func shortDur(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// openPulse opens :pulse on this console's rows and the engine's events.
func (a *App) openPulse() tea.Cmd {
	store := a.store
	return a.openSub(newPulseView(a.env, store.All, store.Rev, a.engine.Events(), a.openDeploymentsFiltered,
		func() []model.WatchInfo { return a.listWatches }))
}

// openDeploymentsFiltered shows the Deployments tab with filter (""
// clears it), saying so; the filter joins the tab's history.
func (a *App) openDeploymentsFiltered(filter string) tea.Cmd {
	cmd := a.switchTab(tabDeployments)
	a.applyFilter(filter)
	if a.inErr != "" {
		err := a.inErr
		a.inErr = ""
		return tea.Batch(cmd, a.setFlash("could not filter on "+filter+": "+err, true))
	}
	if filter == "" {
		return tea.Batch(cmd, a.plan(), a.setFlash("every deployment", false))
	}
	a.state.state.AddFilter(a.filterTarget().filterKind(), filter) // one up away once changed
	return tea.Batch(cmd, a.plan(), a.setFlash("filtered: "+filter+" (esc clears)", false))
}

// listWatchErrors is the API's count of deployments in ERROR from the
// last read of the engine's ERROR watch (false: none yet, or failing).
func listWatchErrors(ws []model.WatchInfo) (int, bool) {
	for _, w := range ws {
		if w.Kind == model.JobErrorWatch && !w.LastRead.IsZero() && w.Fails == 0 {
			return w.Total, true
		}
	}
	return 0, false
}

// listWatchNote sums up the engine's ERROR watch for the feed and the
// pulse: the API's own count of deployments in ERROR (the watch reads the
// list filtered on status, so this is the whole organization's, even where
// gapdeck has not read every status), whether the read was capped, or that
// it is failing. "" before its first read.
func listWatchNote(ws []model.WatchInfo) string {
	for _, w := range ws {
		if w.Kind != model.JobErrorWatch {
			continue
		}
		switch {
		case w.Fails > 0:
			return fmt.Sprintf("ERROR watch failing (%d in a row; retrying)", w.Fails)
		case w.LastRead.IsZero():
			return ""
		case w.Capped:
			return fmt.Sprintf("%d in ERROR (API count; newest %d watched)", w.Total, w.Rows)
		}
		return fmt.Sprintf("%d in ERROR (API count)", w.Total)
	}
	return ""
}
