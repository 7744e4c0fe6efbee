package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// sparkColumns finds the CPU and MEM columns' cell offsets in the table
// header line (the titles start their columns).
func sparkColumns(t *testing.T, h *harness) (cpu, mem int) {
	t.Helper()
	hdr := h.line(3)
	cpu, mem = strings.Index(hdr, "CPU"), strings.Index(hdr, "MEM")
	if cpu < 0 {
		t.Fatalf("no CPU column in %q", hdr)
	}
	return ansi.StringWidth(hdr[:cpu]), func() int {
		if mem < 0 {
			return -1
		}
		return ansi.StringWidth(hdr[:mem])
	}()
}

// cellAt is the sparkCells-wide text of line l at cell offset col.
func cellAt(l string, col int) string {
	return ansi.Cut(l, col, col+sparkCells)
}

func isBars(s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(" ▁▂▃▄▅▆▇█", r) {
			return false
		}
	}
	return true
}

func TestSparklinesForReadyRows(t *testing.T) {
	h := newHarness(t, withSize(200, 50))
	h.settle()
	cpuCol, memCol := sparkColumns(t, h)
	if memCol < 0 {
		t.Fatal("no MEM column at 200 wide")
	}
	// Let the scheduler fetch every visible READY row's sparklines.
	for range 12 {
		h.tick(5 * time.Second)
	}
	tab := h.app.tabs[tabDeployments].(*deploymentsTab)
	ready, bars := 0, 0
	for i, id := range tab.visibleKeys() {
		row, _ := h.app.store.Get(id)
		line := h.rows()[i]
		if !strings.HasPrefix(line, id) && !strings.Contains(line, id) {
			t.Fatalf("row %d is not %s: %q", i, id, line)
		}
		cpu, mem := cellAt(line, cpuCol), cellAt(line, memCol)
		rm, ok := h.env.Sparks.Get(id)
		switch {
		case ok && rm.CPU.Len() > 0:
			bars++
			if !isBars(cpu) || !isBars(mem) {
				t.Errorf("%s has data but shows %q / %q", id, cpu, mem)
			}
		default:
			if cpu != sparkPlaceholder || mem != sparkPlaceholder {
				t.Errorf("%s (status %s) has no data but shows %q / %q, want the placeholder", id, row.Status.Name(), cpu, mem)
			}
		}
		if row.Status == api.StatusReady {
			ready++
			if !ok || rm.Fetched.IsZero() {
				t.Errorf("READY row %s was never fetched", id)
			}
		}
	}
	checkScreen(t, h.view(), 200, 50)
	if testing.Verbose() {
		t.Log("\n" + ansi.Strip(h.view()))
	}
	if ready == 0 || bars == 0 {
		t.Fatalf("want visible READY rows with bars, got ready=%d bars=%d:\n%s", ready, bars, ansi.Strip(h.view()))
	}
}

func TestSparklinePlaceholderBeforeFetch(t *testing.T) {
	cache := newSparkCache()
	store := model.NewSparkStore(10)
	if cpu, mem := cache.bars(store, "x"); cpu.Text != sparkPlaceholder || mem.Text != sparkPlaceholder || cpu.Tone != theme.ToneMuted {
		t.Fatalf("never fetched: %+v %+v", cpu, mem)
	}
	store.Requested("x", t0)
	if cpu, _ := cache.bars(store, "x"); cpu.Text != sparkPlaceholder {
		t.Fatalf("in flight: %+v", cpu)
	}
	if sparkStamp(store, "x") != 0 {
		t.Fatal("a row without data must not change its revision")
	}
	store.Fail("x", t0, nil) // failed before any data: a failure mark, still no line of zeros
	if cpu, mem := cache.bars(store, "x"); cpu.Text != "✗ failed" || mem.Text != "✗ failed" || cpu.Tone != theme.ToneBad {
		t.Fatalf("failed: %+v %+v", cpu, mem)
	}
	if sparkStamp(store, "x") == 0 {
		t.Fatal("a failure must change the row's revision (its cells say it)")
	}
}

func TestSparklineBarsAndTone(t *testing.T) {
	store := model.NewSparkStore(10)
	var cpu, mem api.MetricSeries
	for i := range 12 {
		ts := t0.Add(time.Duration(i-11) * model.SparkStep)
		cpu.Timestamps = append(cpu.Timestamps, api.V1Time(ts))
		cpu.Datasets = append(cpu.Datasets, api.Float(float64(i*9)))
		mem.Timestamps = append(mem.Timestamps, api.V1Time(ts))
		mem.Datasets = append(mem.Datasets, api.Float(512))
	}
	store.Apply("x", &api.Metrics{CPU: cpu, Mem: mem}, t0)
	cache := newSparkCache()
	c, m := cache.bars(store, "x")
	if !isBars(c.Text) || ansi.StringWidth(c.Text) != sparkCells || !isBars(m.Text) {
		t.Fatalf("bars %q %q", c.Text, m.Text)
	}
	if c.Tone != theme.ToneWarn { // last CPU value is 99%
		t.Errorf("CPU tone %v, want Warn above %d%%", c.Tone, sparkWarnCPU)
	}
	if m.Text != strings.Repeat("█", sparkCells) {
		t.Errorf("flat memory at its peak: %q", m.Text)
	}
	// Cached by (id, Fetched): the same string until the next answer.
	c2, _ := cache.bars(store, "x")
	if c2.Text != c.Text || len(cache.rows) != 1 {
		t.Fatal("cache not used")
	}
	stamp := sparkStamp(store, "x")
	store.Apply("x", &api.Metrics{CPU: cpu, Mem: mem}, t0.Add(time.Minute))
	if sparkStamp(store, "x") == stamp {
		t.Fatal("revision unchanged by new data")
	}
}

func TestSparklineRowCacheWarm(t *testing.T) {
	h := newHarness(t, withSize(200, 50))
	h.settle()
	for range 12 {
		h.tick(5 * time.Second)
	}
	tab := h.app.tabs[tabDeployments].(*deploymentsTab)
	first := h.app.View()
	before := tab.list.table.Renders()
	tab.list.refresh() // nothing changed: every row comes from the cache
	h.app.View()
	if got := tab.list.table.Renders() - before; got != 0 {
		t.Fatalf("%d rows re-rendered though nothing changed", got)
	}
	for range 3 {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'j'}})
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'k'}})
	}
	h.app.View()
	// Moving the cursor re-renders at most the rows it touched.
	if got := tab.list.table.Renders() - before; got > 12 {
		t.Errorf("%d rows re-rendered with no data change", got)
	}
	if ansi.Strip(h.app.View()) != ansi.Strip(first) {
		t.Errorf("screen changed without a data change")
	}
}

// openMetrics opens the first READY row's detail and shows its metrics.
func openMetrics(t *testing.T, h *harness) *detailView {
	t.Helper()
	h.settle()
	tab := h.app.tabs[tabDeployments].(*deploymentsTab)
	for i, id := range tab.visibleKeys() {
		if r, _ := h.app.store.Get(id); r.Status == api.StatusReady {
			tab.list.table.SetCursor(i)
			break
		}
	}
	h.press("enter")
	d, ok := h.app.sub.(*detailView)
	if !ok {
		t.Fatalf("no detail view: %T", h.app.sub)
	}
	h.settle(func() bool { return d.metrics.data != nil && !d.metrics.data.Fetched.IsZero() })
	return d
}

func TestMetricsPanelToggleAndStats(t *testing.T) {
	h := newHarness(t)
	d := openMetrics(t, h)
	h.mustContain("GENERAL")
	h.mustNotContain(metricsLegend)
	h.press("m")
	if !d.showMet {
		t.Fatal("m did not show the panel")
	}
	h.mustContain(metricsLegend, "METRICS", "[5m]", "CPU (%)", "Memory (MB)", "Net receive (B/s)",
		"Net transmit (B/s)", "Disk read (B/s)", "Disk write (B/s)")
	h.mustNotContain("GENERAL")
	data := d.metrics.data
	window := func(k model.MetricKind) model.SeriesStats {
		return model.StatsOf(data.Series[k].Window(data.Fetched.Add(-d.metrics.window().Span), data.Fetched))
	}
	st := window(model.MetricCPU)
	if st.N == 0 {
		t.Fatal("no CPU points")
	}
	h.mustContain("now "+model.Humanize(st.Current, model.UnitCPU),
		"min "+model.Humanize(st.Min, model.UnitCPU)+" · max "+model.Humanize(st.Max, model.UnitCPU)+" · avg "+model.Humanize(st.Avg, model.UnitCPU))
	mem := window(model.MetricMem)
	h.mustContain("now " + model.Humanize(mem.Current, model.UnitMem))
	checkScreen(t, h.view(), 120, 40)
	h.press("m")
	h.mustContain("GENERAL")
	h.mustNotContain(metricsLegend)
}

func TestMetricsWindowKeys(t *testing.T) {
	h := newHarness(t)
	d := openMetrics(t, h)
	h.press("m")
	if got := h.app.engine.Schedule().Window(); got.Name != "5m" {
		t.Fatalf("initial window %s", got.Name)
	}
	// ] asks for the next window; the scheduler fetches it at once with its step.
	for _, tc := range []struct {
		key, want string
	}{{"]", "1h"}, {"]", "6h"}, {"]", "24h"}, {"]", "5m"}, {"[", "24h"}, {"[", "6h"}} {
		cmd := h.update(keyMsg(tc.key))
		if cmd == nil {
			t.Fatalf("%s: no command", tc.key)
		}
		wmsg, ok := cmd().(metricsWindowMsg)
		if !ok || wmsg.window.Name != tc.want {
			t.Fatalf("%s: %#v, want window %s", tc.key, wmsg, tc.want)
		}
		plan := h.update(wmsg)
		if got := h.app.engine.Schedule().Window(); got.Name != tc.want {
			t.Fatalf("%s: scheduler window %s, want %s", tc.key, got.Name, tc.want)
		}
		before := h.sim.Counters().ByGroup[api.GroupMetrics].Calls
		h.pump(plan)
		if h.sim.Counters().ByGroup[api.GroupMetrics].Calls == before {
			t.Fatalf("%s: no detail metrics fetched for the new window", tc.key)
		}
		if d.metrics.window().Name != tc.want || d.metrics.data == nil || d.metrics.data.Fetched.IsZero() {
			t.Fatalf("%s: panel window %s, data %v", tc.key, d.metrics.window().Name, d.metrics.data)
		}
		h.mustContain("[" + tc.want + "]")
		checkScreen(t, h.view(), 120, 40)
	}
}

func TestMetricsPanelShapes(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 50}, {60, 12}, {40, 8}} {
		w, ht := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, ht), func(t *testing.T) {
			h := newHarness(t, withSize(w, ht))
			openMetrics(t, h)
			h.press("m")
			checkScreen(t, h.view(), w, ht)
			if testing.Verbose() && w == 80 {
				t.Log("\n" + ansi.Strip(h.view()))
			}
			h.mustContain("METRICS")
			if ht >= 24 {
				h.mustContain("units assumed", "CPU % of allocation, memory MB, network and disk B/s", "CPU (%)")
			}
			for _, k := range []string{"]", "]"} {
				h.press(k)
				checkScreen(t, h.view(), w, ht)
			}
			h.app.Update(tea.WindowSizeMsg{Width: w + 7, Height: ht + 3})
			checkScreen(t, h.view(), w+7, ht+3)
		})
	}
}

func TestMetricsHelp(t *testing.T) {
	h := newHarness(t)
	openMetrics(t, h)
	var keys []string
	for _, col := range h.app.sub.FullHelp() {
		for _, b := range col {
			keys = append(keys, b.Help().Key)
		}
	}
	joined := strings.Join(keys, " ")
	for _, k := range []string{"m", "[", "]"} {
		if !strings.Contains(" "+joined+" ", " "+k+" ") {
			t.Errorf("detail help lacks %q: %v", k, keys)
		}
	}
}

// TestMetricsGoldens is the detail view's metrics panel at 120x40, through
// teatest (see TestGoldens). Regenerate with -update.
func TestMetricsGoldens(t *testing.T) {
	t.Run("detail-metrics/120x40", func(t *testing.T) { metricsGolden(t, 120, 40) })
}

func metricsGolden(t *testing.T, w, ht int) {
	hs := newHarness(t, withSize(w, ht))
	openMetrics(t, hs)
	out := programScreen(t, hs, w, ht, []string{"m"}, "units assumed")
	teatest.RequireEqualOutput(t, []byte(out))
}
