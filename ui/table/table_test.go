package table

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/gapdeck/gapdeck/ui/termtext"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// sliceSource is a Source over rows held in memory.
type sliceSource struct {
	keys  []string
	revs  []uint64
	rows  [][]Cell
	cells int // Cells calls
}

func (s *sliceSource) Len() int         { return len(s.keys) }
func (s *sliceSource) Key(i int) string { return s.keys[i] }
func (s *sliceSource) Rev(i int) uint64 { return s.revs[i] }
func (s *sliceSource) Cells(i int, dst []Cell) []Cell {
	s.cells++
	return append(dst[:0], s.rows[i]...)
}

// add appends a row of plain cells.
func (s *sliceSource) add(key string, texts ...string) *sliceSource {
	row := make([]Cell, len(texts))
	for i, t := range texts {
		row[i] = Cell{Text: t}
	}
	s.keys, s.revs, s.rows = append(s.keys, key), append(s.revs, 1), append(s.rows, row)
	return s
}

// numbered is a source of n rows keyed "k0".."k(n-1)" with one cell each.
func numbered(n int) *sliceSource {
	s := &sliceSource{}
	for i := range n {
		s.add(fmt.Sprintf("k%d", i), fmt.Sprintf("row %d", i))
	}
	return s
}

// withProfile switches lipgloss's colour profile for the rest of the test.
func withProfile(t *testing.T, p termenv.Profile) {
	t.Helper()
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(p)
	t.Cleanup(func() { lipgloss.SetColorProfile(prev) })
}

// checkShape fails unless view has exactly h lines of exactly w cells.
func checkShape(t *testing.T, view string, w, h int) []string {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), h, view)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, got, w, l)
		}
	}
	return lines
}

var smallColumns = []Column{
	{Key: "id", Title: "ID", Width: 6},
	{Key: "name", Title: "NAME", MinWidth: 4},
	{Key: "age", Title: "AGE", Width: 4, Align: AlignRight},
}

func TestTableViewExact(t *testing.T) {
	tb := New(theme.NewStyles(theme.Default(), false), smallColumns)
	tb.SetSize(30, 5)
	tb.SetSort("name", true)
	tb.SetSource((&sliceSource{}).
		add("a", "a1", "web", "5s").
		add("b", "b2", "a-very-long-application-name", "12m").
		add("c", "c3333333", "x", "123456"))
	want := []string{
		" ID     NAME▼              AGE",
		">a1     web                 5s",
		" b2     a-very-long-appl…  12m",
		" c3333… x                 123…",
		"                              ",
	}
	got := checkShape(t, tb.View(), 30, 5)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}

	tb.SetSort("age", false)
	if got := strings.Split(tb.View(), "\n")[0]; got != " ID     NAME              AGE▲" {
		t.Errorf("ascending header: %q", got)
	}
}

// TestTableColumnSpan: ColumnSpan says where each column's cells are on a
// line, so the text cut there is the column's (header and rows), and a
// hidden or unknown column has none.
func TestTableColumnSpan(t *testing.T) {
	cols := append(slices.Clone(smallColumns), Column{Key: "wide", Title: "WIDE", Width: 3, Hide: 40})
	tb := New(theme.NewStyles(theme.Default(), false), cols)
	tb.SetSize(30, 3)
	tb.SetSource((&sliceSource{}).add("a", "a1", "web", "5s", "w"))
	lines := checkShape(t, tb.View(), 30, 3)
	for key, want := range map[string][2]string{"id": {"ID", "a1"}, "name": {"NAME", "web"}, "age": {"AGE", "5s"}} {
		x, w, ok := tb.ColumnSpan(key)
		if !ok {
			t.Fatalf("column %q not laid out", key)
		}
		for i, text := range want {
			if got := strings.TrimSpace(ansi.Strip(ansi.Cut(lines[i], x, x+w))); got != text {
				t.Errorf("%s line %d: cells [%d,%d) hold %q, want %q", key, i, x, x+w, got, text)
			}
		}
	}
	if _, _, ok := tb.ColumnSpan("wide"); ok {
		t.Error("a column hidden below 40 cells has a span at 30")
	}
	if _, _, ok := tb.ColumnSpan("nope"); ok {
		t.Error("an unknown column has a span")
	}
	got := tb.Columns()
	if len(got) != len(cols) || got[3].Key != "wide" {
		t.Fatalf("Columns() = %+v, want every column, hidden ones included", got)
	}
	got[0].Title = "changed"
	if tb.Columns()[0].Title != "ID" {
		t.Error("Columns() shares the table's slice")
	}
}

func TestTableHiddenColumnsAtNarrowWidth(t *testing.T) {
	cols := []Column{
		{Key: "id", Title: "REQUEST ID", Width: 12},
		{Key: "status", Title: "STATUS", Width: 12},
		{Key: "app", Title: "APP", MinWidth: 8, Flex: 2},
		{Key: "location", Title: "LOCATION", MinWidth: 10, Flex: 2},
		{Key: "age", Title: "AGE", Width: 6, Align: AlignRight},
		{Key: "ip", Title: "PUBLIC IP", Width: 15, Hide: 110},
		{Key: "tags", Title: "TAGS", MinWidth: 8, Flex: 2, Hide: 125},
	}
	src := (&sliceSource{}).add("k", "0123456789ab", "READY", "my-game", "Montréal, Canada", "3m", "203.0.113.10", "prod,eu")
	tb := New(theme.NewStyles(theme.Default(), false), cols)
	tb.SetSource(src)
	for _, tc := range []struct {
		width      int
		shown, hid []string
	}{
		{80, []string{"REQUEST ID", "STATUS", "APP", "LOCATION", "AGE"}, []string{"PUBLIC IP", "TAGS"}},
		{110, []string{"LOCATION", "PUBLIC IP"}, []string{"TAGS"}},
		{125, []string{"PUBLIC IP", "TAGS"}, nil},
	} {
		tb.SetSize(tc.width, 3)
		lines := checkShape(t, tb.View(), tc.width, 3)
		for _, s := range tc.shown {
			if !strings.Contains(lines[0], s) {
				t.Errorf("width %d: header %q lacks %q", tc.width, lines[0], s)
			}
		}
		for _, s := range tc.hid {
			if strings.Contains(lines[0], s) {
				t.Errorf("width %d: header %q shows hidden %q", tc.width, lines[0], s)
			}
		}
	}
}

func TestTableLayout(t *testing.T) {
	widths := func(tb *Table) []int {
		var w []int
		for _, lc := range tb.layout {
			w = append(w, lc.width)
		}
		return w
	}
	for _, tc := range []struct {
		name  string
		cols  []Column
		width int
		want  []int
		tail  int
	}{
		{"flex shares", []Column{{Width: 5}, {Flex: 2}, {Flex: 1}}, 1 + 5 + 1 + 30 + 1, []int{5, 20, 10}, 0},
		{"min width pins", []Column{{Flex: 1, MinWidth: 12}, {Flex: 3}}, 1 + 20 + 1, []int{12, 8}, 0},
		{"rounding goes to the last flexible column", []Column{{}, {}, {}}, 1 + 10 + 2, []int{3, 3, 4}, 0},
		{"fixed only leaves a tail", []Column{{Width: 3}, {Width: 4}}, 20, []int{3, 4}, 11},
		{"too narrow clips right to left", []Column{{Width: 6}, {Width: 6}, {Width: 6}}, 1 + 6 + 1 + 3, []int{6, 3}, 0},
		{"nothing fits", []Column{{Width: 6}}, 1, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := New(theme.NewStyles(theme.Default(), false), tc.cols)
			tb.SetSize(tc.width, 2)
			if got := widths(tb); fmt.Sprint(got) != fmt.Sprint(tc.want) || tb.tail != tc.tail {
				t.Errorf("widths %v tail %d, want %v tail %d", got, tb.tail, tc.want, tc.tail)
			}
			tb.SetSource(numbered(3))
			checkShape(t, tb.View(), tc.width, 2)
		})
	}
}

func TestTableCursorAndScrolling(t *testing.T) {
	tb := New(theme.NewStyles(theme.Default(), false), []Column{{Key: "n", Title: "N"}})
	tb.SetSize(20, 6) // 5 rows on screen
	tb.SetSource(numbered(20))
	if tb.PageSize() != 5 {
		t.Fatalf("PageSize %d", tb.PageSize())
	}
	check := func(step string, cursor, from, to int) {
		t.Helper()
		f, e := tb.VisibleRange()
		if tb.Cursor() != cursor || f != from || e != to {
			t.Errorf("%s: cursor %d range [%d,%d), want %d [%d,%d)", step, tb.Cursor(), f, e, cursor, from, to)
		}
		lines := checkShape(t, tb.View(), 20, tb.PageSize()+1)
		if want := fmt.Sprintf(">row %d", cursor); !strings.HasPrefix(lines[1+cursor-from], want) {
			t.Errorf("%s: selected line %q, want prefix %q", step, lines[1+cursor-from], want)
		}
		if key, ok := tb.SelectedKey(); !ok || key != fmt.Sprintf("k%d", cursor) {
			t.Errorf("%s: SelectedKey %q %v", step, key, ok)
		}
	}
	check("start", 0, 0, 5)
	tb.MoveBy(-1)
	check("clamped at top", 0, 0, 5)
	tb.MoveBy(4)
	check("last visible", 4, 0, 5)
	tb.MoveBy(1)
	check("scrolls one", 5, 1, 6)
	tb.MoveBy(tb.PageSize())
	check("page down", 10, 6, 11)
	tb.MoveBy(-tb.PageSize())
	check("page up keeps window", 5, 5, 10)
	tb.Bottom()
	check("bottom", 19, 15, 20)
	tb.MoveBy(100)
	check("clamped at bottom", 19, 15, 20)
	tb.Top()
	check("top", 0, 0, 5)
	tb.SetCursor(12)
	check("set cursor", 12, 8, 13)
	tb.SetCursor(-3)
	check("set cursor clamps", 0, 0, 5)

	tb.Bottom()
	tb.SetSize(20, 11) // taller: no empty lines below the last row
	check("grown at bottom", 19, 10, 20)
	tb.SetSize(20, 3)
	check("shrunk keeps cursor visible", 19, 18, 20)
}

func TestTableSourceFollowsKey(t *testing.T) {
	tb := New(theme.NewStyles(theme.Default(), false), []Column{{Key: "n", Title: "N"}})
	tb.SetSize(20, 6)
	src := numbered(100)
	tb.SetSource(src)
	tb.SetCursor(50)
	from, _ := tb.VisibleRange() // cursor on the bottom line of the window
	line := 50 - from

	// Rows inserted above: the tab finds k50 at index 90 and says so.
	moved := numbered(100)
	moved.keys[90], moved.keys[50] = moved.keys[50], moved.keys[90]
	tb.SetSourceAt(moved, 90)
	if key, _ := tb.SelectedKey(); tb.Cursor() != 90 || key != "k50" {
		t.Fatalf("SetSourceAt: cursor %d key %q", tb.Cursor(), key)
	}
	if f, _ := tb.VisibleRange(); 90-f != line {
		t.Errorf("selected row moved on screen: line %d, want %d", 90-f, line)
	}

	// Negative index: the key is gone, stay at the same index.
	tb.SetSourceAt(numbered(100), -1)
	if tb.Cursor() != 90 {
		t.Errorf("key gone: cursor %d, want 90", tb.Cursor())
	}
	// Fewer rows: clamp.
	tb.SetSourceAt(numbered(10), -1)
	if tb.Cursor() != 9 {
		t.Errorf("shrunk: cursor %d, want 9", tb.Cursor())
	}

	// SetSource finds the key nearby (within a page) without help.
	tb.SetSource(numbered(100))
	tb.SetCursor(40)
	near := numbered(100)
	near.keys[42], near.keys[40] = near.keys[40], near.keys[42]
	tb.SetSource(near)
	if key, _ := tb.SelectedKey(); tb.Cursor() != 42 || key != "k40" {
		t.Errorf("SetSource nearby: cursor %d key %q", tb.Cursor(), key)
	}
	// Far away: SetSource does not scan everything; the index stays.
	far := numbered(100)
	far.keys[99], far.keys[40] = "k40", "gone"
	tb.SetSource(far)
	if tb.Cursor() != 42 {
		t.Errorf("SetSource far: cursor %d, want 42", tb.Cursor())
	}

	// Empty source: no selection.
	tb.SetSource(numbered(0))
	if _, ok := tb.SelectedKey(); ok || tb.Cursor() != 0 {
		t.Errorf("empty: cursor %d selected %v", tb.Cursor(), ok)
	}
}

func TestTableEmptyText(t *testing.T) {
	tb := New(theme.NewStyles(theme.Default(), false), smallColumns)
	tb.SetSize(40, 4)
	tb.SetSource(numbered(0))
	lines := checkShape(t, tb.View(), 40, 4)
	if strings.TrimSpace(lines[1]) != "" {
		t.Errorf("no empty text set, got %q", lines[1])
	}
	tb.SetEmptyText("No deployments match status:error")
	lines = checkShape(t, tb.View(), 40, 4)
	if want := " No deployments match status:error      "; lines[1] != want {
		t.Errorf("empty line %q, want %q", lines[1], want)
	}
	tb.SetSize(20, 2)
	lines = checkShape(t, tb.View(), 20, 2)
	if want := " No deployments mat…"; lines[1] != want {
		t.Errorf("truncated empty line %q, want %q", lines[1], want)
	}
	tb.SetSize(20, 1)
	checkShape(t, tb.View(), 20, 1)
}

func TestTableRowCache(t *testing.T) {
	tb := New(theme.NewStyles(theme.Default(), false), smallColumns)
	tb.SetSize(40, 11) // 10 rows on screen
	src := numbered(1000)
	tb.SetSource(src)
	tb.View()
	if tb.renders != 10 {
		t.Fatalf("first View rendered %d rows, want 10 (visible only)", tb.renders)
	}
	tb.View()
	if tb.renders != 10 || src.cells != 10 {
		t.Errorf("unchanged View re-rendered: %d renders, %d Cells calls", tb.renders, src.cells)
	}

	// New data: two visible rows changed, one off screen.
	next := numbered(1000)
	next.revs[3], next.revs[7], next.revs[500] = 2, 2, 2
	next.rows[3][0].Text = "changed"
	tb.SetSource(next)
	if tb.renders != 10 {
		t.Errorf("SetSource rendered")
	}
	view := tb.View()
	if tb.renders != 12 {
		t.Errorf("after 2 changed rows: %d renders, want 12", tb.renders)
	}
	if !strings.Contains(view, "\n chang… ") {
		t.Errorf("changed row not shown:\n%s", view)
	}

	// Moving the cursor renders the two rows whose selection changed, once.
	tb.MoveBy(1)
	tb.View()
	tb.MoveBy(-1)
	tb.View()
	if tb.renders != 14 {
		t.Errorf("cursor moves: %d renders, want 14", tb.renders)
	}

	// A layout change re-renders the visible rows.
	tb.SetSize(50, 11)
	tb.View()
	if tb.renders != 24 {
		t.Errorf("resize: %d renders, want 24", tb.renders)
	}
	// A taller table only renders the rows that came into view.
	tb.SetSize(50, 13)
	tb.View()
	if tb.renders != 26 {
		t.Errorf("taller: %d renders, want 26", tb.renders)
	}

	// Nothing changed: the whole view is reused, without allocating.
	if allocs := testing.AllocsPerRun(10, func() { tb.View() }); allocs != 0 {
		t.Errorf("unchanged View allocates %v times", allocs)
	}

	// Paging through everything keeps the cache bounded.
	for range 200 {
		tb.MoveBy(tb.PageSize())
		tb.View()
	}
	if n := len(tb.cache); n > 2*tb.PageSize()+cacheSlack {
		t.Errorf("cache holds %d rows", n)
	}
}

func TestTableHostileText(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.Ascii, termenv.ANSI256} {
		t.Run(profile.Name(), func(t *testing.T) {
			withProfile(t, profile)
			tb := New(theme.NewStyles(theme.Default(), false), smallColumns)
			tb.SetSize(60, 8)
			src := &sliceSource{}
			for i, s := range []string{"\x1b]0;pwn\x07", "\x1b[2J", "a\rb", "a\tb", "x\ny", "\x9b31m\xff", "\u202eevil", "\u009b2J"} {
				src.add(fmt.Sprint(i), s, s, s)
				src.rows[i][1].Tone = theme.ToneBad
			}
			tb.SetSource(src)
			tb.SetEmptyText("\x1b[2J")
			view := tb.View()
			lines := checkShape(t, view, 60, 8)
			for _, l := range lines {
				clean := ansi.Strip(l) // only our own SGR sequences may remain
				if strings.ContainsAny(clean, "\x1b\x07\r\t\n\u009b\u202e") || strings.ContainsRune(clean, 0xfffd) {
					t.Errorf("control character leaked: %q", clean)
				}
			}
			if profile == termenv.Ascii && strings.ContainsAny(view, "\x1b\x07") {
				t.Errorf("ESC or BEL in Ascii output: %q", view)
			}
			if !strings.Contains(lines[1], "^[]0;pwn^G") {
				t.Errorf("OSC not shown in caret notation: %q", lines[1])
			}
		})
	}
	for in, want := range map[string]string{
		"\x1b]0;pwn\x07": "^[]0;pwn^G",
		"\x1b[2J":        "^[[2J",
		"a\r\nb\tc":      "a  b c",
		"del\x7f":        "del^?",
		"\xff\xfe":       "??",
		"\u0085x":        " x",
		"é\u009b":        "é?",
		"plain":          "plain",
	} {
		if got := string(termtext.Line(in)); got != want {
			t.Errorf("termtext.Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTableWideRunes(t *testing.T) {
	tb := New(theme.NewStyles(theme.Default(), false), []Column{
		{Key: "a", Title: "名前", Width: 5},
		{Key: "b", Title: "B", Width: 4, Align: AlignRight},
		{Key: "c", Title: "C"},
	})
	tb.SetSize(24, 6)
	tb.SetSort("a", false)
	tb.SetSource((&sliceSource{}).
		add("1", "東京都渋谷区", "🚀🚀🚀", "Zürich, Switzerland").
		add("2", "ab東", "é", "👩‍🚀 crew").
		add("3", "日本", "ok", "e\u0301\u0301").
		add("4", "abcd東", "🇫🇷", "x"))
	lines := checkShape(t, tb.View(), 24, 6)
	if !strings.Contains(lines[1], "東京…") || !strings.Contains(lines[1], " 🚀…") {
		t.Errorf("wide truncation: %q", lines[1])
	}
	if !strings.Contains(lines[4], "abcd…") {
		t.Errorf("wide rune at the boundary: %q", lines[4])
	}
	if !strings.HasPrefix(lines[0], " 名前▲") {
		t.Errorf("wide header: %q", lines[0])
	}
}

// sgrColour reports whether s sets a colour (foreground, background or
// extended) in any SGR escape sequence.
func sgrColour(s string) bool {
	for _, m := range sgrPattern.FindAllStringSubmatch(s, -1) {
		for p := range strings.SplitSeq(m[1], ";") {
			if n, err := strconv.Atoi(p); err == nil && (n >= 30 && n <= 49 || n >= 90 && n <= 107) {
				return true
			}
		}
	}
	return false
}

var sgrPattern = regexp.MustCompile("\x1b\\[([0-9;]*)m")

func TestTableColorProfiles(t *testing.T) {
	src := (&sliceSource{}).add("a", "1", "ready", "2s").add("b", "2", "error", "3s")
	src.rows[0][1].Tone, src.rows[1][1].Tone = theme.ToneGood, theme.ToneBad
	for _, tc := range []struct {
		profile termenv.Profile
		noColor bool
	}{
		{termenv.Ascii, false},
		{termenv.ANSI, false},
		{termenv.ANSI256, false},
		{termenv.TrueColor, false},
		{termenv.ANSI, true},
		{termenv.TrueColor, true},
	} {
		t.Run(fmt.Sprintf("%s/nocolor=%v", tc.profile.Name(), tc.noColor), func(t *testing.T) {
			withProfile(t, tc.profile)
			tb := New(theme.NewStyles(theme.Default(), tc.noColor), smallColumns)
			tb.SetSize(30, 4)
			tb.SetSource(src)
			selected := checkShape(t, tb.View(), 30, 4)
			tb.MoveBy(1)
			unselected := checkShape(t, tb.View(), 30, 4)

			view := strings.Join(selected, "\n")
			ascii := tc.profile == termenv.Ascii
			if got := strings.Contains(view, "\x1b"); got == ascii {
				t.Fatalf("ESC in output = %v with profile %s: %q", got, tc.profile.Name(), view)
			}
			if got := sgrColour(view); got != (!ascii && !tc.noColor) {
				t.Errorf("colour in output = %v: %q", got, view)
			}
			// The selected row must be distinguishable from itself unselected.
			if selected[1] == unselected[1] {
				t.Errorf("selected row looks unselected: %q", selected[1])
			}
			if ascii && (!strings.HasPrefix(selected[1], ">") || strings.HasPrefix(unselected[1], ">")) {
				t.Errorf("Ascii cursor marker: %q / %q", selected[1], unselected[1])
			}
			if tc.noColor && !ascii && !strings.Contains(selected[1], "\x1b[1;7m") {
				t.Errorf("NoColor selection is not bold reverse: %q", selected[1])
			}
			if !ascii && ansi.Strip(selected[1])[1:] != ansi.Strip(unselected[1])[1:] {
				t.Errorf("selection changed the text: %q vs %q", selected[1], unselected[1])
			}
		})
	}
}

func TestTableProfileChangeInvalidates(t *testing.T) {
	withProfile(t, termenv.Ascii)
	tb := New(theme.NewStyles(theme.Default(), false), smallColumns)
	tb.SetSize(30, 3)
	src := (&sliceSource{}).add("a", "1", "x", "2s")
	src.rows[0][1].Tone = theme.ToneBad
	tb.SetSource(src)
	if v := tb.View(); strings.Contains(v, "\x1b") {
		t.Fatalf("escape in Ascii: %q", v)
	}
	lipgloss.SetColorProfile(termenv.ANSI256)
	if v := tb.View(); !strings.Contains(v, "\x1b[") {
		t.Errorf("no colour after switching to ANSI256: %q", v)
	}
	prev := lipgloss.HasDarkBackground()
	t.Cleanup(func() { lipgloss.SetHasDarkBackground(prev) })
	lipgloss.SetHasDarkBackground(true)
	dark := tb.View()
	lipgloss.SetHasDarkBackground(false)
	if light := tb.View(); light == dark {
		t.Errorf("same colours on a light background: %q", light)
	}
	lipgloss.SetColorProfile(termenv.Ascii)
	if v := tb.View(); strings.Contains(v, "\x1b") {
		t.Errorf("escape after switching back to Ascii: %q", v)
	}
}

func TestTableOddSources(t *testing.T) {
	tb := New(theme.NewStyles(theme.Default(), false), smallColumns)
	if v := tb.View(); v != "" {
		t.Errorf("unsized View = %q", v)
	}
	tb.SetSize(30, 3)
	checkShape(t, tb.View(), 30, 3) // no source yet
	src := (&sliceSource{}).add("a", "only-one-cell")
	src.rows[0][0].Tone = theme.Tone(200)
	tb.SetSource(src)
	lines := checkShape(t, tb.View(), 30, 3)
	if !strings.HasPrefix(lines[1], ">only-… ") {
		t.Errorf("short row: %q", lines[1])
	}
	tb.SetSource(nil)
	if _, ok := tb.SelectedKey(); ok {
		t.Error("nil source has a selection")
	}
	checkShape(t, tb.View(), 30, 3)
	tb.SetSource(src)
	// Rows removed behind the table's back are clamped, not indexed.
	tb.SetCursor(0)
	src.keys, src.revs, src.rows = nil, nil, nil
	checkShape(t, tb.View(), 30, 3)
}

func TestStyleWrapMatchesRender(t *testing.T) {
	texts := []string{"abc", " a  b ", "東京…", ""}
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		withProfile(t, p)
		for _, noColor := range []bool{false, true} {
			st := theme.NewStyles(theme.Default(), noColor)
			for i, s := range append(st.Tone[:], st.SelectedTone[:]...) {
				w := wrapOf(s)
				if !w.ok {
					t.Errorf("%s noColor=%v style %d: no wrapper", p.Name(), noColor, i)
				}
				for _, txt := range texts {
					if got, want := string(appendStyled(nil, s, w, []byte(txt))), s.Render(txt); got != want {
						t.Errorf("%s noColor=%v style %d %q: %q, Render gives %q", p.Name(), noColor, i, txt, got, want)
					}
				}
			}
		}
	}
	// A style that is more than a wrapper falls back to Render.
	withProfile(t, termenv.ANSI)
	padded := lipgloss.NewStyle().Padding(0, 1).Underline(true)
	w := wrapOf(padded)
	if w.ok {
		t.Fatalf("padded style taken for a wrapper: %+v", w)
	}
	if got, want := string(appendStyled(nil, padded, w, []byte("a b"))), padded.Render("a b"); got != want {
		t.Errorf("fallback: %q, want %q", got, want)
	}
}
