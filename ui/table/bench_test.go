package table

import (
	"fmt"
	"testing"

	bubbles "github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/gapdeck/gapdeck/ui/theme"
)

// benchColumns are the Deployments tab's columns but the sparklines
// (ui/deployments.go), all visible at 200 cells.
var benchColumns = []Column{
	{Key: "id", Title: "REQUEST ID", Width: 13},
	{Key: "status", Title: "STATUS", Width: 12},
	{Key: "app", Title: "APP", MinWidth: 8, Flex: 2},
	{Key: "version", Title: "VERSION", MinWidth: 7, Flex: 1},
	{Key: "location", Title: "LOCATION", MinWidth: 10, Flex: 2},
	{Key: "age", Title: "AGE", Width: 6, Align: AlignRight},
	{Key: "ip", Title: "PUBLIC IP", Width: 15, Hide: 110},
	{Key: "ports", Title: "PORTS", MinWidth: 10, Flex: 2, Hide: 150},
	{Key: "tags", Title: "TAGS", MinWidth: 8, Flex: 2, Hide: 125},
	{Key: "sockets", Title: "SOCKETS", Width: 8, Align: AlignRight, Hide: 95},
}

const (
	benchWidth, benchHeight = 200, 50
	benchChanged            = 5 // rows changed per refresh, all on screen
	benchAgeCol             = 5
)

var (
	benchStatuses  = []string{"READY", "READY", "READY", "DEPLOYING", "ERROR", "TERMINATED"}
	benchTones     = map[string]theme.Tone{"READY": theme.ToneGood, "DEPLOYING": theme.TonePending, "ERROR": theme.ToneBad, "TERMINATED": theme.ToneEnded}
	benchLocations = []string{"Montréal, Canada", "Frankfurt am Main, Germany", "Tokyo, Japan", "São Paulo, Brazil", "Ashburn, United States"}
	benchAges      = func() []string {
		a := make([]string, 120)
		for i := range a {
			a[i] = fmt.Sprintf("%dm", i)
		}
		return a
	}()
)

// benchSource is a synthetic page of deployments: cells are formatted once,
// as a tab's model would keep them.
type benchSource struct {
	keys []string
	revs []uint64
	rows [][]Cell
}

func (s *benchSource) Len() int         { return len(s.keys) }
func (s *benchSource) Key(i int) string { return s.keys[i] }
func (s *benchSource) Rev(i int) uint64 { return s.revs[i] }
func (s *benchSource) Cells(i int, dst []Cell) []Cell {
	return append(dst[:0], s.rows[i]...)
}

func newBenchSource(n int) *benchSource {
	s := &benchSource{keys: make([]string, n), revs: make([]uint64, n), rows: make([][]Cell, n)}
	for i := range n {
		status := benchStatuses[i%len(benchStatuses)]
		s.keys[i] = fmt.Sprintf("%012x", uint64(i)*2654435761%(1<<48))
		s.revs[i] = 1
		s.rows[i] = []Cell{
			{Text: s.keys[i], Tone: theme.ToneMuted},
			{Text: status, Tone: benchTones[status]},
			{Text: fmt.Sprintf("game-server-%d", i%40)},
			{Text: fmt.Sprintf("v1.%d.%d", i%7, i%13)},
			{Text: benchLocations[i%len(benchLocations)]},
			{Text: benchAges[i%len(benchAges)]},
			{Text: fmt.Sprintf("203.0.%d.%d", i/256%256, i%256)},
			{Text: "7777/udp→31502, 7778/tcp→31503"},
			{Text: fmt.Sprintf("prod,eu-west,match-%d", i)},
			{Text: "35/64", Tone: theme.ToneInfo},
		}
	}
	return s
}

// refresh changes benchChanged visible rows: a new age and a new Rev.
func (s *benchSource) refresh(iter, visible int) {
	for k := range benchChanged {
		i := (iter*benchChanged + k) % visible
		s.rows[i][benchAgeCol].Text = benchAges[iter%len(benchAges)]
		s.revs[i]++
	}
}

// benchProfile renders with 256 colours, as on a typical terminal, so the
// styles cost what they cost in real use.
func benchProfile(b *testing.B) {
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.ANSI256)
	b.Cleanup(func() { lipgloss.SetColorProfile(prev) })
}

// BenchmarkTableView measures one data refresh (5 visible rows changed,
// SetSource again) followed by View at 200x50, for this table and for
// bubbles/table as the baseline.
func BenchmarkTableView(b *testing.B) {
	benchProfile(b)
	st := theme.NewStyles(theme.Default(), false)
	for _, n := range []int{100, 10000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			src := newBenchSource(n)
			tb := New(st, benchColumns)
			tb.SetSize(benchWidth, benchHeight)
			tb.SetSort("age", true)
			tb.SetSource(src)
			tb.View()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				src.refresh(i, tb.PageSize())
				tb.SetSource(src)
				_ = tb.View()
			}
		})
	}
	b.Run("bubbles-table/rows=10000", func(b *testing.B) {
		src := newBenchSource(10000)
		layout := New(st, benchColumns)
		layout.SetSize(benchWidth, benchHeight)
		cols := make([]bubbles.Column, 0, len(layout.layout))
		for _, lc := range layout.layout {
			// bubbles pads each cell by one cell on both sides.
			cols = append(cols, bubbles.Column{Title: benchColumns[lc.idx].Title, Width: max(1, lc.width-1)})
		}
		rows := make([]bubbles.Row, src.Len())
		for i := range rows {
			row := make(bubbles.Row, len(src.rows[i]))
			for j, c := range src.rows[i] {
				row[j] = c.Text
			}
			rows[i] = row
		}
		m := bubbles.New(bubbles.WithColumns(cols), bubbles.WithRows(rows), bubbles.WithFocused(true),
			bubbles.WithWidth(benchWidth), bubbles.WithHeight(benchHeight))
		_ = m.View()
		visible := benchHeight - 1
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			for k := range benchChanged {
				rows[(i*benchChanged+k)%visible][benchAgeCol] = benchAges[i%len(benchAges)]
			}
			m.SetRows(rows)
			_ = m.View()
		}
	})
}

// BenchmarkTableViewUnchanged is View with nothing changed, which Bubble Tea
// does after every message (spinner ticks, key presses in other panes).
func BenchmarkTableViewUnchanged(b *testing.B) {
	benchProfile(b)
	src := newBenchSource(10000)
	tb := New(theme.NewStyles(theme.Default(), false), benchColumns)
	tb.SetSize(benchWidth, benchHeight)
	tb.SetSource(src)
	tb.View()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = tb.View()
	}
}
