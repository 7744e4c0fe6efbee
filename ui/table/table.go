package table

import (
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/gapdeck/gapdeck/ui/termtext"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// Align is the horizontal alignment of a column's title and cells.
type Align uint8

// The alignments.
const (
	AlignLeft Align = iota
	AlignRight
)

// Column describes one table column. A column with Width > 0 is fixed; a
// column with Width == 0 is flexible and shares the width left over by the
// fixed columns and the separators in proportion to Flex (0 counts as 1),
// never getting less than MinWidth (at least 1).
type Column struct {
	// Key names the column for SetSort.
	Key string
	// Title is the header text.
	Title string
	// Width is the fixed width in cells (0 = flexible).
	Width int
	// MinWidth is the least width of a flexible column.
	MinWidth int
	// Flex is a flexible column's share of the remaining width.
	Flex int
	// Align aligns the title and the cells.
	Align Align
	// Hide hides the column while the table is narrower than Hide cells
	// (0 = never), so an 80-column terminal still shows the essentials.
	Hide int
}

// Cell is one cell of a row. Text is plain, untrusted text: the table
// passes it through termtext.Line (tab, CR and LF become spaces, other C0
// controls and DEL caret notation such as "^[", C1 controls and invalid
// UTF-8 "?", bidi controls "<U+202E>", emoji sequences terminals measure
// differently their first emoji), so no escape sequence reaches the
// terminal and no row is wider in the terminal than in the table, and
// truncates it with "…" by display width.
type Cell struct {
	// Text is what the cell shows.
	Text string
	// Tone colours it; theme.ToneNormal is the terminal's own foreground.
	Tone theme.Tone
}

// Source gives the table its rows without copying them. It is a
// snapshot: the table reads it during SetSource/SetSourceAt and View, so its
// rows must stay valid until the next SetSource or SetSourceAt.
type Source interface {
	// Len is the number of rows.
	Len() int
	// Key identifies row i across refreshes; keys must be unique.
	Key(i int) string
	// Rev must change whenever row i's cells change: the table reuses the
	// rendered row while (Key, Rev) is unchanged.
	Rev(i int) uint64
	// Cells appends row i's cells, one per column in column order (all
	// columns, hidden ones included), to dst[:0] and returns the result.
	Cells(i int, dst []Cell) []Cell
}

// gutterWidth is the cell at the start of every line. It is blank, except
// on the selected row when the colour profile is Ascii: with no escape
// sequences at all, a '>' there is the only way to show the cursor.
const gutterWidth = 1

// cellEllipsis ends truncated text.
const cellEllipsis = "…"

// The sort indicators the header puts after the sorted column's title
// (plain text, fine without colours).
const (
	AscMark  = "▲"
	DescMark = "▼"
)

// colLayout is a column as laid out at the current size.
type colLayout struct {
	idx   int // index in Table.cols and in the source's cells
	width int
	right bool
}

// rowEntry is a cached rendered row: the plain and the selected rendering of
// one (Key, Rev) in the current layout.
type rowEntry struct {
	rev   uint64
	frame uint64    // last View that used it
	have  [2]bool   // [0] plain, [1] selected
	lines [2]string // rendered lines, exactly width cells
}

// cacheSlack is how many entries beyond the visible rows the row cache may
// hold before it drops those not used in the last few frames.
const cacheSlack = 32

// cacheFrames is how many Views an unused cache entry survives.
const cacheFrames = 2

// Table is a fast, read-only table for Bubble Tea views. It renders only the
// visible rows, caches each rendered row by (Key, Rev, selected) until the
// row's Rev or the layout changes, and emits exactly height lines of exactly
// width cells. When no visible line changed, View returns the previous
// string without allocating.
//
// A Table is not a tea.Model: the owner routes keys to MoveBy, Top, Bottom
// and SetCursor, and prints View.
type Table struct {
	st            *theme.Styles
	cols          []Column
	width, height int

	src    Source
	n      int // src.Len()
	cursor int
	offset int // first visible row
	selKey string
	hasSel bool

	sortKey   string
	sortDesc  bool
	emptyText string

	// Layout, computed by relayout on SetSize, SetColumns and SetStyles.
	layout []colLayout
	tail   int    // unused cells at the end of each line
	blank  string // a line of width spaces

	// Colour state: the profile and background the caches were built for.
	profile   termenv.Profile
	dark      bool
	colorSeen bool
	tones     [2][theme.ToneCount]styleWrap // [selected][tone]
	marker    bool                          // mark the selected row in the gutter

	header    string // rendered header line, "" = stale
	emptyLine string // rendered empty-text line, "" = stale

	// The last View and the lines it was built from; "" = stale.
	view               string
	viewHeader         string
	viewEmpty          string
	viewRows, nextRows []string

	cache map[string]*rowEntry
	frame uint64

	cells []Cell // scratch for Cells
	line  []byte // scratch for a line
	seg   []byte // scratch for a styled segment

	renders int // rows rendered since creation (Renders)
}

// New returns an empty table with the given styles and columns. Call
// SetSize before View.
func New(st *theme.Styles, cols []Column) *Table {
	t := &Table{st: st, cache: make(map[string]*rowEntry)}
	t.SetColumns(cols)
	return t
}

// SetColumns replaces the columns and recomputes the layout.
func (t *Table) SetColumns(cols []Column) {
	t.cols = append(t.cols[:0], cols...)
	t.relayout()
}

// Columns is a copy of the columns, hidden ones included, in order.
func (t *Table) Columns() []Column { return slices.Clone(t.cols) }

// SetStyles replaces the styles (for example after a theme change).
func (t *Table) SetStyles(st *theme.Styles) {
	t.st = st
	t.colorSeen = false
	t.relayout()
}

// SetSize sets the table's size in cells; height includes the header line.
func (t *Table) SetSize(width, height int) {
	if width == t.width && height == t.height {
		return
	}
	widthChanged := width != t.width
	t.width, t.height = max(0, width), max(0, height)
	if widthChanged { // rows depend on the width only
		t.relayout()
	}
	t.view = ""
	t.scrollTo(t.cursor)
}

// SetSource installs new data (nil means no rows). It is cheap: nothing is
// rendered until View. The cursor follows the selected row's Key: SetSource looks for it at the
// cursor's index and within a page around it (O(visible), never a scan of
// all rows); if the row is not there, the cursor stays at the same index,
// clamped. When the caller can find the selected key's new index in O(1)
// (a tab with an index by key), use SetSourceAt instead, which is exact
// however far the row moved.
func (t *Table) SetSource(src Source) {
	old := t.cursor
	t.src = orNoRows(src)
	t.n = t.src.Len()
	if t.hasSel {
		if i, ok := t.findNear(t.selKey, old); ok {
			t.follow(old, i)
			return
		}
	}
	t.follow(old, old)
}

// SetSourceAt installs new data like SetSource, with the cursor on row
// cursor: the new index of the previously selected key, which the caller
// knows from its model. A negative cursor means the key is gone: the cursor
// stays at the same index, clamped. The selected row keeps its line on
// screen when possible.
func (t *Table) SetSourceAt(src Source, cursor int) {
	old := t.cursor
	t.src = orNoRows(src)
	t.n = t.src.Len()
	if cursor < 0 {
		cursor = old
	}
	t.follow(old, cursor)
}

// noRows is the empty source that stands for a nil one.
type noRows struct{}

func (noRows) Len() int                       { return 0 }
func (noRows) Key(int) string                 { return "" }
func (noRows) Rev(int) uint64                 { return 0 }
func (noRows) Cells(_ int, dst []Cell) []Cell { return dst[:0] }

// orNoRows is src, or an empty source when src is nil.
func orNoRows(src Source) Source {
	if src == nil {
		return noRows{}
	}
	return src
}

// findNear looks for key at index near and then within a page either side.
func (t *Table) findNear(key string, near int) (int, bool) {
	if t.n == 0 {
		return 0, false
	}
	lo, hi := max(0, near-t.PageSize()), min(t.n, near+t.PageSize()+1)
	if near >= lo && near < hi && t.src.Key(near) == key {
		return near, true
	}
	for i := lo; i < hi; i++ {
		if i != near && t.src.Key(i) == key {
			return i, true
		}
	}
	return 0, false
}

// follow moves the cursor from old to i after a data change. When the
// view was scrolled, the window shifts by the same amount so the selected
// row stays on its screen line; at the top it stays at the top, so rows
// arriving above the cursor (a new deployment) are seen.
func (t *Table) follow(old, i int) {
	if t.offset > 0 {
		t.offset += clampIndex(i, 0, t.n-1) - old
	}
	t.scrollTo(i)
}

// SetSort marks the sorted column in the header with ▲ (ascending) or ▼
// (descending); an unknown or empty key marks none. It does not sort: the
// source is already in order.
func (t *Table) SetSort(key string, desc bool) {
	if key != t.sortKey || desc != t.sortDesc {
		t.sortKey, t.sortDesc = key, desc
		t.header = ""
	}
}

// SetEmptyText sets the line shown when the source has no rows
// ("No deployments match status:error").
func (t *Table) SetEmptyText(s string) {
	if s != t.emptyText {
		t.emptyText = s
		t.emptyLine = ""
	}
}

// Cursor is the index of the selected row (0 when there are no rows).
func (t *Table) Cursor() int { return t.cursor }

// SetCursor selects row i, clamped to the rows, and scrolls it into view.
func (t *Table) SetCursor(i int) { t.scrollTo(i) }

// MoveBy moves the cursor by n rows (negative is up), clamped. Use ±1 for
// j/k and ±PageSize() for page up/down.
func (t *Table) MoveBy(n int) { t.scrollTo(t.cursor + n) }

// Top selects the first row.
func (t *Table) Top() { t.scrollTo(0) }

// Bottom selects the last row.
func (t *Table) Bottom() { t.scrollTo(t.n - 1) }

// PageSize is the number of rows on screen (height minus the header).
func (t *Table) PageSize() int { return max(0, t.height-1) }

// SelectedKey is the Key of the selected row; false when there are no rows.
func (t *Table) SelectedKey() (string, bool) { return t.selKey, t.hasSel }

// VisibleRange is the rows on screen: [from, to).
func (t *Table) VisibleRange() (from, to int) {
	return t.offset, min(t.n, t.offset+t.PageSize())
}

// ColumnSpan is where the column with Key key is laid out at the current
// size: its first cell on a line (after the gutter) and its width. ok is
// false while the column is hidden (too narrow a table) or unknown.
func (t *Table) ColumnSpan(key string) (x, width int, ok bool) {
	x = gutterWidth
	for _, lc := range t.layout {
		if t.cols[lc.idx].Key == key {
			return x, lc.width, true
		}
		x += lc.width + 1
	}
	return 0, 0, false
}

// Renders is the number of rows rendered since the table was created: a
// row served from the cache does not count. It shows whether the cache
// works (tests, diagnostics).
func (t *Table) Renders() int { return t.renders }

// scrollTo selects row i (clamped) and moves the window as little as
// possible to show it, never leaving empty lines below the last row when
// there are rows above the window.
func (t *Table) scrollTo(i int) {
	page := max(1, t.PageSize())
	t.cursor = clampIndex(i, 0, t.n-1)
	if t.cursor < t.offset {
		t.offset = t.cursor
	} else if t.cursor >= t.offset+page {
		t.offset = t.cursor - page + 1
	}
	t.offset = clampIndex(t.offset, 0, t.n-page)
	t.hasSel = t.n > 0
	t.selKey = ""
	if t.hasSel {
		t.selKey = t.src.Key(t.cursor)
	}
}

// clampIndex limits v to [lo, hi]; when hi < lo the result is lo.
func clampIndex(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

// relayout computes the column widths for the current size and columns and
// drops everything rendered for the old layout.
func (t *Table) relayout() {
	t.layout = t.layout[:0]
	avail := t.width - gutterWidth
	var fixed, seps, flexShare int
	for i, c := range t.cols {
		if c.Hide > 0 && t.width < c.Hide {
			continue
		}
		t.layout = append(t.layout, colLayout{idx: i, width: max(0, c.Width), right: c.Align == AlignRight})
		fixed += max(0, c.Width)
		flexShare += flexOf(c)
	}
	if len(t.layout) > 1 {
		seps = len(t.layout) - 1
	}
	t.distribute(avail-fixed-seps, flexShare)

	// Clip: whatever does not fit is cut short or dropped, right to left.
	used := 0
	for k := range t.layout {
		sep := min(k, 1)
		if used+sep+t.layout[k].width > avail {
			t.layout[k].width = avail - used - sep
			if t.layout[k].width < 1 {
				t.layout = t.layout[:k]
				break
			}
		}
		used += sep + t.layout[k].width
	}
	t.tail = max(0, avail-used)
	t.blank = strings.Repeat(" ", t.width)
	t.invalidate()
}

// flexOf is a column's flex share: 0 for fixed columns, at least 1 otherwise.
func flexOf(c Column) int {
	if c.Width > 0 {
		return 0
	}
	return max(1, c.Flex)
}

// distribute shares rem cells among the flexible columns of t.layout in
// proportion to their Flex. A column whose share falls below its MinWidth
// is pinned to it and the rest is shared again among the others; rounding
// leftovers go to the last flexible column.
func (t *Table) distribute(rem, share int) {
	pinned := make([]bool, len(t.layout))
	for share > 0 {
		free := rem // cells for the columns not pinned yet
		for k, p := range pinned {
			if p {
				free -= t.layout[k].width
			}
		}
		free = max(0, free)
		given, last, repinned := 0, -1, false
		for k := range t.layout {
			c := t.cols[t.layout[k].idx]
			f := flexOf(c)
			if f == 0 || pinned[k] {
				continue
			}
			w := free * f / share
			if minW := max(1, c.MinWidth); w < minW {
				t.layout[k].width, pinned[k] = minW, true
				share -= f
				repinned = true
				break
			}
			t.layout[k].width = w
			given += w
			last = k
		}
		if !repinned {
			if last >= 0 {
				t.layout[last].width += free - given
			}
			return
		}
	}
}

// invalidate drops every cached rendering.
func (t *Table) invalidate() {
	clear(t.cache)
	t.header, t.emptyLine, t.view = "", "", ""
}

// syncColors notices a change of colour profile or background (which
// change what the styles render) and recomputes the per-tone wrappers.
func (t *Table) syncColors() {
	r := t.st.Renderer
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	p := r.ColorProfile()
	dark := p != termenv.Ascii && r.HasDarkBackground() // no probe when colours are off
	if t.colorSeen && p == t.profile && dark == t.dark {
		return
	}
	t.profile, t.dark, t.colorSeen = p, dark, true
	for i := range theme.ToneCount {
		t.tones[0][i] = wrapOf(t.st.Tone[i])
		t.tones[1][i] = wrapOf(t.st.SelectedTone[i])
	}
	t.marker = p == termenv.Ascii
	t.invalidate()
}

// styleWrap is what an inline style renders around one line of text, so a
// cell can be styled by appending pre, text and suf: lipgloss resolves the
// colours (an adaptive colour down-sampled to the terminal's profile) on
// every Render, which would dominate the cost of a row.
type styleWrap struct {
	pre, suf string
	ok       bool // the wrapper reproduces Render; otherwise call Render
}

// wrapProbe and wrapCheck are the texts wrapOf renders: SGR sequences
// contain neither 'x' nor the check's characters.
const (
	wrapProbe = "x"
	wrapCheck = " a b… 東 "
)

// wrapOf finds the wrapper of style s, if it has one: s must render any
// single line as prefix + line + suffix (true of colours and attributes,
// not of padding, widths or underlined spaces).
func wrapOf(s lipgloss.Style) styleWrap {
	out := s.Render(wrapProbe)
	i := strings.Index(out, wrapProbe)
	if i < 0 {
		return styleWrap{}
	}
	w := styleWrap{pre: out[:i], suf: out[i+len(wrapProbe):]}
	w.ok = s.Render(wrapCheck) == w.pre+wrapCheck+w.suf
	return w
}

// appendStyled appends seg styled with s, whose wrapper is w.
func appendStyled(dst []byte, s lipgloss.Style, w styleWrap, seg []byte) []byte {
	if w.ok {
		dst = append(dst, w.pre...)
		dst = append(dst, seg...)
		return append(dst, w.suf...)
	}
	return append(dst, s.Render(string(seg))...)
}

// View renders the header and the visible rows: exactly height lines, each
// exactly width cells wide, joined by "\n" (no trailing newline). Only rows
// whose (Key, Rev, selected) changed since the last View are rendered again.
// With a zero width or height it returns "".
func (t *Table) View() string {
	if t.width <= 0 || t.height <= 0 {
		return ""
	}
	t.syncColors()
	if t.src != nil && t.src.Len() != t.n { // the source changed behind our back
		t.n = t.src.Len()
		t.scrollTo(t.cursor)
	}
	t.frame++

	header := t.headerLine()
	from, to := t.VisibleRange()
	rows := t.nextRows[:0]
	for i := from; i < to; i++ {
		rows = append(rows, t.row(i))
	}
	empty := ""
	if t.n == 0 && t.emptyText != "" && len(rows)+1 < t.height {
		empty = t.emptyTextLine()
	}
	t.evict(len(rows))
	// Same lines as last time (the same strings, so comparing is cheap):
	// reuse the whole view.
	if t.view != "" && header == t.viewHeader && empty == t.viewEmpty && slices.Equal(rows, t.viewRows) {
		t.nextRows = rows
		return t.view
	}

	var b strings.Builder
	b.Grow(max(len(t.view), t.height*(len(t.blank)+1)))
	b.WriteString(header)
	for _, r := range rows {
		b.WriteByte('\n')
		b.WriteString(r)
	}
	lines := 1 + len(rows)
	if empty != "" {
		b.WriteByte('\n')
		b.WriteString(empty)
		lines++
	}
	for ; lines < t.height; lines++ {
		b.WriteByte('\n')
		b.WriteString(t.blank)
	}
	t.view, t.viewHeader, t.viewEmpty = b.String(), header, empty
	t.viewRows, t.nextRows = rows, t.viewRows
	return t.view
}

// row returns row i rendered, from the cache when its Rev is unchanged.
func (t *Table) row(i int) string {
	key, rev, sel := t.src.Key(i), t.src.Rev(i), 0
	if i == t.cursor {
		sel = 1
	}
	e := t.cache[key]
	switch {
	case e == nil:
		e = &rowEntry{rev: rev}
		t.cache[key] = e
	case e.rev != rev:
		*e = rowEntry{rev: rev}
	}
	if !e.have[sel] {
		e.lines[sel], e.have[sel] = t.renderRow(i, sel == 1), true
	}
	e.frame = t.frame
	return e.lines[sel]
}

// evict keeps the row cache bounded: once it holds more than the visible
// rows plus some slack, entries unused for cacheFrames Views go.
func (t *Table) evict(visible int) {
	if len(t.cache) <= 2*visible+cacheSlack {
		return
	}
	for k, e := range t.cache {
		if e.frame+cacheFrames <= t.frame {
			delete(t.cache, k)
		}
	}
}

// renderRow renders row i. Each cell is sanitized, truncated and padded to
// its column, and only then styled, with the tone's precomputed wrapper.
func (t *Table) renderRow(i int, selected bool) string {
	t.renders++
	t.cells = t.src.Cells(i, t.cells[:0])
	styles, sel := &t.st.Tone, 0
	gutter := byte(' ')
	if selected {
		styles, sel = &t.st.SelectedTone, 1
		if t.marker {
			gutter = '>'
		}
	}
	line := t.line[:0]
	for k, lc := range t.layout {
		var c Cell
		if lc.idx < len(t.cells) {
			c = t.cells[lc.idx]
		}
		if c.Tone >= theme.ToneCount {
			c.Tone = theme.ToneNormal
		}
		t.seg = t.appendSegment(t.seg[:0], k, gutter, c.Text)
		line = appendStyled(line, styles[c.Tone], t.tones[sel][c.Tone], t.seg)
	}
	if len(t.layout) == 0 {
		line = append(append(line, gutter), t.blank[gutterWidth:]...)
	}
	t.line = line
	return string(line)
}

// appendSegment appends column k's part of a line: the gutter before the
// first column, the text fitted to the column, and the separator after it
// (or, after the last column, the unused tail), so a styled segment also
// colours the spaces around it.
func (t *Table) appendSegment(dst []byte, k int, gutter byte, text string) []byte {
	if k == 0 {
		dst = append(dst, gutter)
	}
	lc := t.layout[k]
	dst = appendFitted(dst, text, lc.width, lc.right)
	if k < len(t.layout)-1 {
		return append(dst, ' ')
	}
	return appendCellPad(dst, t.tail)
}

// headerLine returns the header, rendered once per layout, sort and colour
// change.
func (t *Table) headerLine() string {
	if t.header != "" {
		return t.header
	}
	var b strings.Builder
	for k, lc := range t.layout {
		c, style := t.cols[lc.idx], t.st.TableHeader
		title := c.Title
		if c.Key != "" && c.Key == t.sortKey {
			style = t.st.TableHeaderSorted
			arrow := AscMark
			if t.sortDesc {
				arrow = DescMark
			}
			title = truncateCell(title, lc.width-1) + arrow
		}
		b.WriteString(style.Render(string(t.appendSegment(nil, k, ' ', title))))
	}
	if len(t.layout) == 0 {
		b.WriteString(t.blank)
	}
	t.header = b.String()
	return t.header
}

// emptyTextLine returns the empty text, muted and fitted to the line.
func (t *Table) emptyTextLine() string {
	if t.emptyLine == "" {
		line := appendFitted([]byte{' '}, t.emptyText, t.width-gutterWidth, false)
		t.emptyLine = t.st.Muted.Render(string(line))
	}
	return t.emptyLine
}

// appendFitted appends s sanitized, truncated with "…" and padded with
// spaces to exactly width cells (aligned right when right is set).
func appendFitted(dst []byte, s string, width int, right bool) []byte {
	if width <= 0 {
		return dst
	}
	s, ell, w := fitCell(s, width)
	pad := width - w
	if right {
		dst = appendCellPad(dst, pad)
	}
	dst = append(dst, s...)
	if ell {
		dst = append(dst, cellEllipsis...)
	}
	if !right {
		dst = appendCellPad(dst, pad)
	}
	return dst
}

// padSpaces is a run of spaces for appendCellPad.
const padSpaces = "                                                                "

// appendCellPad appends n spaces.
func appendCellPad(dst []byte, n int) []byte {
	for n > 0 {
		k := min(n, len(padSpaces))
		dst = append(dst, padSpaces[:k]...)
		n -= k
	}
	return dst
}

// truncateCell is s sanitized and cut to at most width cells with "…".
func truncateCell(s string, width int) string {
	if width <= 0 {
		return ""
	}
	s, ell, _ := fitCell(s, width)
	if ell {
		return s + cellEllipsis
	}
	return s
}

// fitCell sanitizes s and cuts it to at most width (>= 1) cells. The result
// is head, followed by "…" when ell is set, w cells wide in all. Printable
// ASCII, the common case, costs one pass and no allocation.
func fitCell(s string, width int) (head string, ell bool, w int) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			ascii = false
			break
		}
	}
	if ascii {
		if len(s) <= width {
			return s, false, len(s)
		}
		return s[:width-1], true, width
	}
	s = string(termtext.Line(s))
	w = ansi.StringWidth(s)
	if w > width {
		s = ansi.Truncate(s, width, cellEllipsis)
		w = ansi.StringWidth(s)
	}
	return s, false, w
}
