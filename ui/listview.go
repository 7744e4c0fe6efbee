package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/table"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// rowSet is the data behind a list view: filtered and sorted rows plus the
// operations the view needs. model.Index and model.Deployments fit it.
type rowSet[R any] interface {
	Visible() []R
	Total() int
	Position(key string) int
}

// listSpec describes one table view: its columns, how a row becomes
// cells, and how filter and sort reach the data.
type listSpec[R any] struct {
	name      string
	columns   []table.Column
	cells     func(now time.Time, r R, dst []table.Cell) []table.Cell
	key       func(R) string
	rev       func(now time.Time, r R) uint64 // must change when cells change (including time-based text)
	setFilter func(model.Filter)
	setSort   func(model.Sort) error
	sortKeys  map[Action]string // sort action → column key
	empty     func(f model.Filter) string
	defSort   model.Sort
	note      func() string // optional extra text for the title line
	optional  []string      // column keys hidden until :cols +key shows them
}

// listView is the shared machinery of every table tab: the table, the
// filter, the sort and the data's freshness.
type listView[R any] struct {
	env    *Env
	spec   listSpec[R]
	rows   rowSet[R]
	table  *table.Table
	filter model.Filter
	sort   model.Sort
	fresh  freshness
	width  int
	height int
	// failText and failDrawn cache the rendered failure note (failureNote).
	failText, failDrawn string
}

func newListView[R any](env *Env, spec listSpec[R], rows rowSet[R]) *listView[R] {
	v := &listView[R]{env: env, spec: spec, rows: rows, table: table.New(env.Styles, spec.columns), sort: spec.defSort}
	v.table.SetSort(spec.defSort.Column, spec.defSort.Desc)
	if len(spec.optional) > 0 {
		v.setHidden(spec.optional)
	}
	v.refresh()
	return v
}

// rowsSource adapts the visible rows to the table without copying them.
type rowsSource[R any] struct {
	v    *listView[R]
	rows []R
	now  time.Time
}

func (s *rowsSource[R]) Len() int         { return len(s.rows) }
func (s *rowsSource[R]) Key(i int) string { return s.v.spec.key(s.rows[i]) }
func (s *rowsSource[R]) Rev(i int) uint64 { return s.v.spec.rev(s.now, s.rows[i]) }
func (s *rowsSource[R]) Cells(i int, dst []table.Cell) []table.Cell {
	return s.v.spec.cells(s.now, s.rows[i], dst)
}

// refresh hands the current rows to the table, keeping the cursor on the
// selected row. Cheap: rendering happens lazily in View.
func (v *listView[R]) refresh() {
	selected, had := v.table.SelectedKey()
	src := &rowsSource[R]{v: v, rows: v.rows.Visible(), now: v.env.now()}
	if had {
		if pos := v.rows.Position(selected); pos >= 0 {
			v.table.SetSourceAt(src, pos)
			v.table.SetEmptyText(v.emptyText())
			return
		}
	}
	v.table.SetSource(src)
	v.table.SetEmptyText(v.emptyText())
}

// emptyText explains an empty table: a failed fetch says why; otherwise
// the view's own text says it is syncing (no answer yet), that nothing
// matches the filter, or that there is none.
func (v *listView[R]) emptyText() string {
	// Failing and nothing to show: no rows at all, or rows the filter
	// hides on a tab that never loaded (the Fleets tab lists the
	// profile's private fleets before any answer).
	if v.fresh.err != nil && (v.rows.Total() == 0 || v.fresh.okAt.IsZero()) {
		cause := errorCause(sanitizeLine(v.fresh.err.Error()))
		if api.IsTokenRejected(v.fresh.err) {
			cause = "the API rejected the token" // its status and message: the header and the notice below
		}
		return "Could not load " + strings.ToLower(v.spec.name) + ": " + cause + retryText(v.fresh.err)
	}
	return v.spec.empty(v.filter)
}

// noMatchText is the text of a table the filter f leaves empty after its
// data answered: "No deployment matches status:error — esc clears the
// filter". noun names one row.
func noMatchText(km *KeyMap, noun string, f model.Filter) string {
	s := "No " + noun + " matches " + sanitizeLine(f.Raw)
	if k := km.textKey(ActBack); k != "" {
		s += " — " + k + " clears the filter"
	}
	return s
}

// setFilter parses and applies a `/` filter.
func (v *listView[R]) setFilter(raw string) error {
	f, err := model.ParseFilter(raw)
	if err != nil {
		return err
	}
	v.filter = f
	v.spec.setFilter(f)
	v.refresh()
	return nil
}

// handleKey runs navigation and sort keys; it reports whether it used msg.
func (v *listView[R]) handleKey(msg tea.KeyMsg) bool {
	km := v.env.Keys
	switch {
	case km.Is(msg, ActUp):
		v.table.MoveBy(-1)
	case km.Is(msg, ActDown):
		v.table.MoveBy(1)
	case km.Is(msg, ActTop):
		v.table.Top()
	case km.Is(msg, ActBottom):
		v.table.Bottom()
	case km.Is(msg, ActPageUp):
		v.table.MoveBy(-v.table.PageSize())
	case km.Is(msg, ActPageDown):
		v.table.MoveBy(v.table.PageSize())
	default:
		for act, col := range v.spec.sortKeys {
			if km.Is(msg, act) {
				v.sortBy(col)
				return true
			}
		}
		return false
	}
	return true
}

// sortBy sorts by a column; the same column again reverses the order.
func (v *listView[R]) sortBy(col string) {
	s := model.Sort{Column: col}
	if v.sort.Column == col {
		s.Desc = !v.sort.Desc
	}
	if err := v.spec.setSort(s); err != nil {
		return
	}
	v.sort = s
	v.table.SetSort(s.Column, s.Desc)
	v.refresh()
	v.table.Top() // a new order is read from its top (ERROR first, newest first)
}

func (v *listView[R]) setSize(w, h int) {
	v.width, v.height = w, h
	v.table.SetSize(w, max(1, h-1))
}

// selected returns the row under the cursor.
func (v *listView[R]) selected() (R, bool) {
	var zero R
	rows := v.rows.Visible()
	i := v.table.Cursor()
	if i < 0 || i >= len(rows) {
		return zero, false
	}
	return rows[i], true
}

// visibleKeys lists the keys of the rows on screen, for the scheduler.
func (v *listView[R]) visibleKeys() []string {
	rows := v.rows.Visible()
	from, to := v.table.VisibleRange()
	keys := make([]string, 0, max(0, to-from))
	for i := from; i < to && i < len(rows); i++ {
		keys = append(keys, v.spec.key(rows[i]))
	}
	return keys
}

// title is the line above the table: name, counts, filter, sort, freshness.
func (v *listView[R]) title() string {
	st := v.env.Styles
	var b strings.Builder
	b.WriteString(st.Title.Render(v.spec.name))
	switch shown, total := len(v.rows.Visible()), v.rows.Total(); {
	case total == 0 && v.fresh.okAt.IsZero():
		// Nothing loaded yet: no count (a 0 reads as "none"); the badge
		// or the table says loading or why not.
	case shown != total:
		fmt.Fprintf(&b, " %d of %d", shown, total)
	default:
		fmt.Fprintf(&b, " %d", total)
	}
	if !v.filter.Empty() {
		b.WriteString(st.Muted.Render("  filter: "))
		b.WriteString(sanitizeLine(v.filter.Raw))
	}
	if stale := v.fresh.staleText(v.env.now()); stale != "" {
		b.WriteString("  ")
		b.WriteString(st.BadgeStale.Render(stale))
	}
	if note := v.failureNote(v.rows.Total()); note != "" {
		b.WriteString("  ")
		b.WriteString(note)
	}
	if v.spec.note != nil {
		if n := v.spec.note(); n != "" {
			b.WriteString("  ")
			b.WriteString(st.Muted.Render(n))
		}
	}
	return b.String()
}

// failureNote is the last failed fetch, rendered, while the table shows
// rows (an empty table says it in its body instead). The rendering is
// kept until the text changes: View asks for it on every frame.
func (v *listView[R]) failureNote(total int) string {
	if v.fresh.err == nil || total == 0 {
		return ""
	}
	if v.fresh.note != v.failText {
		v.failText = v.fresh.note
		v.failDrawn = v.env.Styles.Tone[theme.ToneBad].Render(v.failText)
	}
	return v.failDrawn
}

func (v *listView[R]) view() string {
	return truncateLine(v.title(), v.width) + "\n" + v.table.View()
}

// sortHelp lists the sort keys of the view.
func (v *listView[R]) sortHelp() []key.Binding {
	acts := make([]Action, 0, len(v.spec.sortKeys))
	for _, a := range v.env.Keys.Actions() {
		if _, ok := v.spec.sortKeys[a]; ok {
			acts = append(acts, a)
		}
	}
	return v.env.Keys.Bindings(acts...)
}

// freshness remembers when a view's data last loaded and whether the last
// attempt failed, for the STALE marker.
type freshness struct {
	okAt  time.Time
	err   error
	errAt time.Time
	every time.Duration // how often the data is fetched (0: age alone never marks it)
	// note is what the title says of err while older rows are shown:
	// "refresh failed: HTTP 502: … (retrying; ctrl+r now)", or for a tab
	// fed by several fetches, which one ("Smart Fleets: could not load: …").
	note string
}

// staleGrace is how much later than its interval data may arrive before it
// is marked STALE on age alone: at least staleGraceMin, so a slow page or a
// budget wait does not make the marker blink.
const staleGraceMin = 5 * time.Second

// staleAfter is the age past which data fetched every `every` is STALE.
func staleAfter(every time.Duration) time.Duration { return every + max(every, staleGraceMin) }

func (f *freshness) ok(at time.Time) { f.okAt, f.err, f.note = at, nil, "" }

func (f *freshness) fail(at time.Time, err error) {
	f.err, f.errAt = err, at
	f.note = "refresh failed: " + failureReason(err) + retryText(err)
	if f.okAt.IsZero() {
		f.note = "could not load: " + failureReason(err) + retryText(err)
	}
}

// failureReason is a failed fetch's cause, short and specific, for a
// view's note: "HTTP 502: upstream down", "not sent: the API is down
// (…)", or the error's own text (a timeout, an answer not understood).
func failureReason(err error) string {
	var ae *api.APIError
	if errors.As(err, &ae) {
		s := fmt.Sprintf("HTTP %d %s", ae.StatusCode, http.StatusText(ae.StatusCode))
		if ae.Message != "" {
			s = fmt.Sprintf("HTTP %d: %s", ae.StatusCode, ae.Message)
		}
		return sanitizeLine(s)
	}
	var notSent *api.NotSentError
	if errors.As(err, &notSent) {
		return errorSummary(err)
	}
	return sanitizeLine(err.Error())
}

// retryText says what happens next after a failed fetch.
func retryText(err error) string {
	if api.IsTokenRejected(err) {
		return " (polling stopped until the token is fixed: see below)"
	}
	return " (retrying; ctrl+r now)"
}

// staleText is "STALE 42s" while the last fetch failed and older data is
// shown, or while the data is older than staleAfter its interval, whatever
// the reason (paused, refused, a request that does not answer).
func (f *freshness) staleText(now time.Time) string {
	age := now.Sub(f.okAt)
	switch {
	case f.err != nil && f.okAt.IsZero():
		return "NO DATA"
	case f.err != nil, !f.okAt.IsZero() && f.every > 0 && age > staleAfter(f.every):
		return "STALE " + formatAge(age)
	}
	return ""
}
