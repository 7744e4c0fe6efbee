package ui

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/linechart/timeserieslinechart"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// metricsLegend states the unit assumptions (see the model's Unit constants).
const metricsLegend = "units assumed — the API does not document them: CPU % of allocation, memory MB, network and disk B/s"

// Chart layout bounds.
const (
	metricsMinChart = 3 // chart rows (plot and time axis) below which a chart is not drawn
	metricsBlockHdr = 2 // title/current line and min/max/avg line above each chart
)

// metricsPanel is the detail view's metrics: one ntcharts time-series chart
// per model.MetricKind with its current/min/max/avg, for one window of
// model.MetricsWindows. Everything is laid out and drawn in Update (when the
// data, the window or the size change); view returns the cached text.
type metricsPanel struct {
	env     *Env
	win     int  // index into model.MetricsWindows
	pending bool // the window was changed here: ignore answers for others
	data    *model.DeploymentMetrics
	width   int
	height  int
	text    string // exactly height lines, none wider than width
	dirty   bool
}

func newMetricsPanel(env *Env) *metricsPanel { return &metricsPanel{env: env, dirty: true} }

// window is the window shown.
func (p *metricsPanel) window() model.MetricsWindow { return model.MetricsWindows[p.win] }

func windowIndex(steps string) int {
	for i, w := range model.MetricsWindows {
		if w.Steps == steps {
			return i
		}
	}
	return -1
}

// apply folds a detail-panel metrics answer for id in; false when msg is
// not one (or is for another window than the one asked for here).
func (p *metricsPanel) apply(msg jobDoneMsg, id string) bool {
	if msg.job.Kind != model.JobMetrics || msg.job.Spark || msg.job.ID != id {
		return false
	}
	idx := windowIndex(msg.job.Metrics.Steps)
	if idx < 0 {
		return false
	}
	if idx != p.win {
		if p.pending {
			return false // an answer for the previous window
		}
		p.win, p.data = idx, nil // the scheduler's window (kept from an earlier panel)
	}
	p.pending = false
	if p.data == nil {
		p.data = p.window().NewMetrics()
	}
	if msg.err != nil {
		p.data.Fail(msg.err)
	} else {
		p.data.Apply(msg.metrics, msg.at)
	}
	p.dirty = true
	return true
}

// shift moves to the previous (-1) or next (+1) window, cycling, and asks
// the root to fetch it.
func (p *metricsPanel) shift(delta int) tea.Cmd {
	n := len(model.MetricsWindows)
	p.win = ((p.win+delta)%n + n) % n
	p.pending, p.data, p.dirty = true, nil, true
	w := p.window()
	return func() tea.Msg { return metricsWindowMsg{window: w} }
}

func (p *metricsPanel) setSize(w, h int) {
	if w != p.width || h != p.height {
		p.width, p.height, p.dirty = w, h, true
	}
}

// refresh lays the panel out again if anything changed.
func (p *metricsPanel) refresh() {
	if !p.dirty {
		return
	}
	p.dirty = false
	p.text = strings.Join(p.layout(), "\n")
}

// view is the panel as refresh last laid it out.
func (p *metricsPanel) view() string { return p.text }

// layout builds the panel's lines: a status line, the legend, then the
// charts in a grid (fewer charts, or stats lines only, when room is short).
func (p *metricsPanel) layout() []string {
	w, h := p.width, p.height
	if w <= 0 || h <= 0 {
		return nil
	}
	st := p.env.Styles
	out := make([]string, 0, h)
	out = append(out, padLine(p.statusLine(), w))
	for _, l := range legendLines(w) {
		out = append(out, padLine(st.Muted.Render(l), w))
	}
	avail := h - len(out)
	if avail > 0 {
		switch {
		case p.data == nil || (p.data.Fetched.IsZero() && p.data.Err == nil):
			out = append(out, padLine(st.Muted.Render("Loading metrics for the last "+p.window().Name+"…"), w))
		case p.data.Fetched.IsZero(): // failed before any data: no charts of zeros
			msg := "Could not load the metrics of the last " + p.window().Name + ": " + failureReason(p.data.Err) + retryText(p.data.Err)
			for _, l := range strings.Split(ansi.Wrap(msg, w, ""), "\n") {
				out = append(out, padLine(st.Tone[theme.ToneBad].Render(l), w))
			}
		default:
			out = append(out, p.grid(w, avail)...)
		}
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", w))
	}
	return out[:h]
}

// legendLines is the legend on one line, or broken after its colon when
// it does not fit.
func legendLines(w int) []string {
	if len([]rune(metricsLegend)) <= w {
		return []string{metricsLegend}
	}
	head, tail, _ := strings.Cut(metricsLegend, ": ")
	return []string{head + ":", "  " + tail}
}

// statusLine names the window and the keys, and tells the data's age or error.
func (p *metricsPanel) statusLine() string {
	st := p.env.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render("METRICS"))
	for i, win := range model.MetricsWindows {
		b.WriteString(" ")
		if i == p.win {
			b.WriteString(st.Tone[theme.ToneInfo].Render("[" + win.Name + "]"))
		} else {
			b.WriteString(st.Muted.Render(" " + win.Name + " "))
		}
	}
	b.WriteString(st.Muted.Render("  [ ] window · m fields"))
	switch {
	case p.data == nil || (p.data.Fetched.IsZero() && p.data.Err == nil):
	case p.data.Err != nil && p.data.Fetched.IsZero():
		b.WriteString("  " + st.Tone[theme.ToneBad].Render("could not load: "+failureReason(p.data.Err)))
	case p.data.Err != nil:
		b.WriteString(st.Muted.Render("  as of " + p.data.Fetched.UTC().Format("15:04:05 UTC")))
		b.WriteString("  " + st.Tone[theme.ToneBad].Render("refresh failed: "+failureReason(p.data.Err)+retryText(p.data.Err)))
	default:
		b.WriteString(st.Muted.Render("  as of " + p.data.Fetched.UTC().Format("15:04:05 UTC")))
	}
	return b.String()
}

// grid draws as many charts as fit in w×h.
func (p *metricsPanel) grid(w, h int) []string {
	cols := 1
	switch {
	case w >= 180:
		cols = 3
	case w >= 70:
		cols = 2
	}
	const gap = 1
	cw := (w - (cols-1)*gap) / cols
	n := int(model.MetricKindCount)
	rows := (n + cols - 1) / cols
	block := metricsBlockHdr + metricsMinChart
	if h/rows < block {
		rows = h / block
		n = min(n, rows*cols)
	}
	if rows == 0 {
		return p.statsLines(w, h)
	}
	chartH := h/rows - metricsBlockHdr
	end := p.data.Fetched
	if end.IsZero() {
		end = p.env.now()
	}
	start := end.Add(-p.window().Span)
	var out []string
	for r := 0; r < rows; r++ {
		var blocks [][]string
		for c := 0; c < cols; c++ {
			k := model.MetricKind(r*cols + c)
			if int(k) >= n {
				break
			}
			blocks = append(blocks, p.chartBlock(k, cw, chartH, start, end))
		}
		for i := 0; i < metricsBlockHdr+chartH; i++ {
			var line strings.Builder
			for c, bl := range blocks {
				if c > 0 {
					line.WriteString(strings.Repeat(" ", gap))
				}
				line.WriteString(bl[i])
			}
			out = append(out, padLine(line.String(), w))
		}
	}
	return out
}

// statsLines is one line per series when no chart fits.
func (p *metricsPanel) statsLines(w, h int) []string {
	end := p.data.Fetched
	start := end.Add(-p.window().Span)
	var out []string
	for k := model.MetricKind(0); k < model.MetricKindCount && len(out) < h; k++ {
		s := model.StatsOf(p.data.Series[k].Window(start, end))
		out = append(out, padLine(p.titleText(k, s)+"  "+p.env.Styles.Muted.Render(statsText(k, s)), w))
	}
	return out
}

// titleText is "CPU (%) now 12.5%".
func (p *metricsPanel) titleText(k model.MetricKind, s model.SeriesStats) string {
	st := p.env.Styles
	t := st.Title.Render(k.Title()) + st.Muted.Render(" ("+k.Unit()+")")
	if s.N == 0 {
		return t + st.Muted.Render("  no data in window")
	}
	return t + "  now " + st.DetailValue.Render(model.Humanize(s.Current, k.Unit()))
}

// statsText is "min 1% · max 40% · avg 12%".
func statsText(k model.MetricKind, s model.SeriesStats) string {
	if s.N == 0 {
		return ""
	}
	u := k.Unit()
	return "min " + model.Humanize(s.Min, u) + " · max " + model.Humanize(s.Max, u) + " · avg " + model.Humanize(s.Avg, u)
}

// chartBlock is one series: its title and stats lines, then its chart,
// every line exactly cw cells.
func (p *metricsPanel) chartBlock(k model.MetricKind, cw, ch int, start, end time.Time) []string {
	st := p.env.Styles
	pts := p.data.Series[k].Window(start, end)
	s := model.StatsOf(pts)
	out := make([]string, 0, metricsBlockHdr+ch)
	out = append(out, padLine(p.titleText(k, s), cw), padLine(st.Muted.Render(statsText(k, s)), cw))

	ymax := math.Max(1, s.Max*1.1)
	chart := timeserieslinechart.New(cw, ch,
		timeserieslinechart.WithYRange(0, ymax),
		timeserieslinechart.WithTimeRange(start, end),
		timeserieslinechart.WithXYSteps(2, 1),
		timeserieslinechart.WithXLabelFormatter(clockLabel),
		timeserieslinechart.WithYLabelFormatter(shortLabel),
		timeserieslinechart.WithAxesStyles(st.Muted, st.Muted),
		timeserieslinechart.WithStyle(st.Tone[theme.ToneInfo]),
	)
	chart.SetViewTimeAndYRange(start, end, 0, ymax)
	for _, pt := range pts {
		chart.Push(timeserieslinechart.TimePoint{Time: pt.T, Value: pt.V})
	}
	chart.Draw()
	lines := strings.Split(chart.View(), "\n")
	for i := 0; i < ch; i++ {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		out = append(out, padLine(l, cw))
	}
	return out
}

// clockLabel labels the time axis in UTC (as the detail's times are).
func clockLabel(_ int, v float64) string {
	return time.Unix(int64(v), 0).UTC().Format("15:04")
}

// shortLabel labels the value axis compactly: 950, 1.2k, 3.4M.
func shortLabel(_ int, v float64) string {
	for _, s := range []string{"", "k", "M", "G", "T"} {
		if math.Abs(v) < 999.5 || s == "T" {
			if math.Abs(v) >= 10 || v == math.Trunc(v) {
				return strconv.FormatFloat(v, 'f', 0, 64) + s
			}
			return strconv.FormatFloat(v, 'f', 1, 64) + s
		}
		v /= 1000
	}
	return ""
}
