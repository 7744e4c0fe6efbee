package ui

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/sparkline"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/table"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// Sparklines of the Deployments table: CPU and memory bars drawn by
// ntcharts' sparkline once per data change per row, kept as plain text
// (the table applies the tone) so the table's row cache stays warm.

// sparkCells is the width of a sparkline column: one bar per sample.
const sparkCells = 10

// sparkWarnCPU is the CPU percentage above which the CPU bars are toned Warn.
const sparkWarnCPU = 85

// sparkPlaceholder stands for "no data yet": never a line of zeros.
var sparkPlaceholder = strings.Repeat("·", sparkCells)

// sparkCacheMax bounds the rendered-bars cache; beyond it the cache starts
// over (the store itself keeps at most DefaultSparkRows rows).
const sparkCacheMax = 2 * model.DefaultSparkRows

// sparkBars is one row's rendered bars.
type sparkBars struct {
	fetched  time.Time
	cpu, mem string
	cpuTone  theme.Tone
}

// sparkCache renders and keeps each row's bars keyed by (id, Fetched).
type sparkCache struct {
	rows map[string]sparkBars
}

func newSparkCache() *sparkCache { return &sparkCache{rows: map[string]sparkBars{}} }

// sparkStamp is the part of a row's revision that changes when its
// sparklines do: zero while there is no data.
func sparkStamp(store *model.SparkStore, id string) uint64 {
	if store == nil {
		return 0
	}
	rm, ok := store.Get(id)
	if !ok {
		return 0
	}
	stamp := uint64(rm.Fetched.UnixNano()) * 0x9E3779B97F4A7C15
	if rm.Err != nil { // the failure mark, and what it says
		stamp ^= uint64(api.StatusOf(rm.Err)+1) << 40
	}
	return stamp
}

// sparkFailed is the cell of a row whose sparklines failed before any
// data: "✗ HTTP 502", "✗ not sent", "✗ failed" (the full reason is in
// the detail's metrics panel).
func sparkFailed(err error) table.Cell {
	text := "✗ failed"
	var notSent *api.NotSentError
	switch {
	case api.StatusOf(err) != 0:
		text = "✗ HTTP " + strconv.Itoa(api.StatusOf(err))
	case errors.As(err, &notSent):
		text = "✗ not sent"
	}
	return table.Cell{Text: text, Tone: theme.ToneBad}
}

// bars returns the row's CPU and memory cells: placeholders (muted) until
// a fetch answered with points, a failure mark when fetches failed before
// any did, muted bars while the last refresh failed.
func (c *sparkCache) bars(store *model.SparkStore, id string) (cpu, mem table.Cell) {
	placeholder := table.Cell{Text: sparkPlaceholder, Tone: theme.ToneMuted}
	if store == nil {
		return placeholder, placeholder
	}
	rm, ok := store.Get(id)
	if !ok {
		return placeholder, placeholder
	}
	if rm.Fetched.IsZero() { // failed before any data
		failed := sparkFailed(rm.Err)
		return failed, failed
	}
	b, hit := c.rows[id]
	if !hit || !b.fetched.Equal(rm.Fetched) {
		b = renderSparkBars(rm)
		if len(c.rows) >= sparkCacheMax {
			clear(c.rows)
		}
		c.rows[id] = b
	}
	cpu, mem = placeholder, placeholder
	if b.cpu != "" {
		cpu = table.Cell{Text: b.cpu, Tone: b.cpuTone}
	}
	if b.mem != "" {
		mem = table.Cell{Text: b.mem}
	}
	if rm.Err != nil { // the last refresh failed: older bars, muted
		cpu.Tone, mem.Tone = theme.ToneMuted, theme.ToneMuted
	}
	return cpu, mem
}

// renderSparkBars draws a row's bars: CPU on a fixed 0–100 % scale,
// memory scaled to its own peak (the allocation is not known).
func renderSparkBars(rm model.RowMetrics) sparkBars {
	b := sparkBars{fetched: rm.Fetched, cpuTone: theme.ToneNormal}
	cpu := lastValues(rm.CPU, sparkCells)
	if len(cpu) > 0 {
		peak := 100.0
		for _, v := range cpu {
			peak = max(peak, v)
		}
		b.cpu = drawSpark(cpu, peak)
		if cpu[len(cpu)-1] > sparkWarnCPU {
			b.cpuTone = theme.ToneWarn
		}
	}
	if mem := lastValues(rm.Mem, sparkCells); len(mem) > 0 {
		peak := 1.0
		for _, v := range mem {
			peak = max(peak, v)
		}
		b.mem = drawSpark(mem, peak)
	}
	return b
}

// lastValues is the values of the newest n points of s.
func lastValues(s *model.Series, n int) []float64 {
	if s == nil {
		return nil
	}
	pts := s.Points()
	if len(pts) > n {
		pts = pts[len(pts)-n:]
	}
	out := make([]float64, len(pts))
	for i, p := range pts {
		out[i] = p.V
	}
	return out
}

// drawSpark renders vs (at most sparkCells) as one line of block
// characters, right-aligned; every sample shows at least the lowest bar so
// a measured zero differs from "no sample". Plain text: ANSI stripped.
func drawSpark(vs []float64, peak float64) string {
	sl := sparkline.New(sparkCells, 1, sparkline.WithNoAutoMaxValue(), sparkline.WithMaxValue(peak))
	floor := peak / 8
	for _, v := range vs {
		sl.Push(max(v, floor))
	}
	sl.DrawColumnsOnly()
	line := ansi.Strip(sl.View())
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return padLine(line, sparkCells)
}
