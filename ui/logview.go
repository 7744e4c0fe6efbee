package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/termtext"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// Log view texts.
const (
	logNoCrashText  = "no crash recorded"
	logDefaultCtx   = 2
	logMaxCtx       = 50
	logFilterSep    = "--"
	logPrefixLength = 6
)

// logTones are the prefix colours of interleaved streams, in turn.
var logTones = []theme.Tone{theme.ToneInfo, theme.ToneGood, theme.ToneWarn, theme.TonePending, theme.ToneBad, theme.ToneEnded}

// logView shows the live, merged logs of one or more deployments.
//
// Each id has its own model.LogStream, fed by the scheduler's JobLogs
// answers. With one id the view shows that stream's buffer; with several
// it keeps a combined buffer (same cap) of the lines in the order merges
// produced them, each with a coloured "[id] " prefix.
//
// Rendering touches only the lines on screen: the position is the Seq of
// the top line (so evictions do not move the view), or the bottom when
// following.
type logView struct {
	env     *Env
	store   *model.Deployments
	ids     []string
	streams []*model.LogStream
	errs    []error
	gone    []bool
	// loaded marks the streams whose fetch succeeded once; errNote and
	// errEmpty are each failing stream's note for the title (rendered)
	// and its message for an empty view, built when the fetch fails.
	loaded   []bool
	errNote  []string
	errEmpty []string

	combined *model.LogBuffer // nil with one stream
	lastCopy []uint64         // per stream, the combined Seq of its newest line's copy
	prefix   []string         // per stream, styled (or plain without colour)
	plainPfx []string

	width, height int

	follow  bool
	wrap    bool
	top     uint64 // Seq of the top line when not following
	newSeen uint64 // LastSeq when the view stopped following

	// search
	searching bool
	input     filterLine // the search line, with the "Logs" history
	query     string
	hl        string // the query rendered highlighted
	hlCur     string // the query highlighted in the current match
	matchSeq  uint64 // Seq of the current match (0: none)
	matches   []uint64
	scanned   uint64 // matches hold every match up to this Seq

	// filter mode
	filter  bool
	context int
	ftop    int // first entry of the filtered list on screen, when not following
	fcache  []uint64
	fkey    [4]uint64 // what fcache was built from: last Seq, first Seq, context, matches

	crash    bool
	crashTop int
}

func newLogView(env *Env, store *model.Deployments, ids []string) subView {
	v := &logView{env: env, store: store, ids: ids, follow: true, context: logDefaultCtx}
	st := env.Styles
	for i, id := range ids {
		v.streams = append(v.streams, model.NewLogStream(env.LogCap))
		short := id
		if len(short) > logPrefixLength {
			short = short[:logPrefixLength]
		}
		p := "[" + string(termtext.Line(short)) + "] "
		v.plainPfx = append(v.plainPfx, p)
		if st.NoColor {
			v.prefix = append(v.prefix, p)
		} else {
			v.prefix = append(v.prefix, st.Tone[logTones[i%len(logTones)]].Render(p))
		}
	}
	v.errs = make([]error, len(ids))
	v.gone = make([]bool, len(ids))
	v.loaded = make([]bool, len(ids))
	v.errNote = make([]string, len(ids))
	v.errEmpty = make([]string, len(ids))
	if len(ids) > 1 {
		v.combined = model.NewLogBuffer(env.LogCap)
		v.lastCopy = make([]uint64, len(ids))
	}
	v.input = newFilterLine(env.Styles, env.Keys)
	return v
}

// logSearchKind is the logs search's kind in the filter history.
const logSearchKind = "Logs"

func (v *logView) schedule() (model.View, string) { return model.ViewLogs, strings.Join(v.ids, ",") }
func (v *logView) name() termtext.Safe            { return "Logs " + termtext.Line(strings.Join(v.ids, " ")) }

// consumesBack: esc leaves the search line or the crash view first.
func (v *logView) consumesBack() bool { return v.searching || v.crash }

// capturesInput: while the search line is open, every key is typed into it.
func (v *logView) capturesInput() bool { return v.searching }

// Init implements tea.Model.
func (v *logView) Init() tea.Cmd { return nil }

// SetSize implements Component.
func (v *logView) SetSize(w, h int) {
	v.width, v.height = w, h // the search line is cut at the width, as the filter line
}

// buf is the buffer on screen.
func (v *logView) buf() *model.LogBuffer {
	if v.combined != nil {
		return v.combined
	}
	return v.streams[0].Buffer()
}

// bodyHeight is the number of log rows: all but the title and the search
// line.
func (v *logView) bodyHeight() int {
	h := v.height - 1
	if v.searching {
		h--
	}
	return max(1, h)
}

// streamOf is the index of the stream of id, or -1.
func (v *logView) streamOf(id string) int {
	for i, s := range v.ids {
		if s == id {
			return i
		}
	}
	return -1
}

// merge folds one snapshot of stream i in.
func (v *logView) merge(i int, snap *api.ContainerLogs) {
	before := v.streams[i].Buffer().LastSeq()
	if v.streams[i].Merge(snap).Replaced {
		v.replaced(i, before)
	}
	v.appended(i, before)
}

// replaced updates what depends on stream i's line seq, a provisional
// line that a merge rewrote in place: its copy in the combined buffer and
// whether the search matches it.
func (v *logView) replaced(i int, seq uint64) {
	b := v.streams[i].Buffer()
	k, ok := b.Index(seq)
	if !ok {
		return
	}
	l := b.Line(k)
	if v.combined != nil {
		seq = v.lastCopy[i]
		if !v.combined.Replace(seq, model.LogLine{Kind: l.Kind, Text: v.prefix[i] + l.Text, Plain: v.plainPfx[i] + l.Plain}) {
			return
		}
		l = v.combined.Line(mustIndex(v.combined, seq))
	}
	if v.query == "" || seq > v.scanned {
		return
	}
	at, found := slices.BinarySearch(v.matches, seq)
	switch hit := strings.Contains(l.Plain, v.query); {
	case hit && !found:
		v.matches = slices.Insert(v.matches, at, seq)
	case !hit && found:
		v.matches = slices.Delete(v.matches, at, at+1)
	}
}

// mustIndex is b.Index(seq) for a line known to be held.
func mustIndex(b *model.LogBuffer, seq uint64) int {
	k, _ := b.Index(seq)
	return k
}

// terminate marks stream i ended.
func (v *logView) terminate(i int) {
	v.gone[i] = true
	before := v.streams[i].Buffer().LastSeq()
	v.streams[i].Terminated()
	v.appended(i, before)
}

// appended copies stream i's lines after Seq before to the combined
// buffer (several streams) and scans them for the search.
func (v *logView) appended(i int, before uint64) {
	if v.combined != nil {
		b := v.streams[i].Buffer()
		added := b.LastSeq() - before
		n := b.Len()
		if added < uint64(n) {
			n = int(added)
		}
		for k := b.Len() - n; k < b.Len(); k++ {
			l := b.Line(k)
			v.combined.Append(model.LogLine{Kind: l.Kind, Text: v.prefix[i] + l.Text, Plain: v.plainPfx[i] + l.Plain})
			v.lastCopy[i] = v.combined.LastSeq()
		}
	}
	v.scan()
}

// Update implements tea.Model.
func (v *logView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case jobDoneMsg:
		if msg.job.Kind != model.JobLogs {
			return v, nil
		}
		i := v.streamOf(msg.job.ID)
		if i < 0 {
			return v, nil
		}
		switch {
		case api.IsNotFound(msg.err):
			v.setErr(i, nil)
			v.terminate(i)
		case msg.err != nil:
			v.setErr(i, msg.err)
		default:
			v.setErr(i, nil)
			v.loaded[i] = true
			v.merge(i, msg.logs)
		}
		return v, nil
	case tea.KeyMsg:
		return v, v.onKey(msg)
	}
	if v.searching {
		return v, v.input.Update(msg) // the cursor's blink
	}
	return v, nil
}

func (v *logView) onKey(msg tea.KeyMsg) tea.Cmd {
	km := v.env.Keys
	if v.searching {
		switch msg.Type {
		case tea.KeyEnter: // a new search; on an empty line, no search
			v.searching = false
			v.input.Close()
			q := v.input.Value()
			if strings.TrimSpace(q) == "" {
				q = ""
			} else if v.env.State != nil {
				v.env.State.AddFilter(logSearchKind, q)
			}
			v.setQuery(q)
			return nil
		case tea.KeyEsc:
			v.searching = false
			v.input.Close()
			return nil
		}
		return v.input.Key(msg)
	}
	if v.crash {
		switch {
		case km.Is(msg, ActCrash), km.Is(msg, ActBack), km.Is(msg, ActQuit):
			v.crash = false
		case km.Is(msg, ActDown):
			v.crashTop++
		case km.Is(msg, ActUp):
			v.crashTop = max(0, v.crashTop-1)
		case km.Is(msg, ActTop):
			v.crashTop = 0
		}
		return nil
	}
	body := v.bodyHeight()
	switch {
	case km.Is(msg, ActFilter): // a new search; the last ones are behind up
		v.searching = true
		return v.input.Open(v.query, v.env.State.Filters(logSearchKind))
	case km.Is(msg, ActFollow):
		v.setFollow(!v.follow)
	case km.Is(msg, ActWrap):
		v.pin()
		v.wrap = !v.wrap
	case km.Is(msg, ActNextMatch):
		v.jumpMatch(true)
	case km.Is(msg, ActPrevMatch):
		v.jumpMatch(false)
	case km.Is(msg, ActFilterLines):
		v.filter = !v.filter
		v.setFollow(true)
	case km.Is(msg, ActMoreContext):
		v.context = min(logMaxCtx, v.context+1)
	case km.Is(msg, ActLessContext):
		v.context = max(0, v.context-1)
	case km.Is(msg, ActSaveLogs):
		return v.save()
	case km.Is(msg, ActCrash):
		v.crash, v.crashTop = true, 0
	case km.Is(msg, ActUp):
		v.scroll(-1)
	case km.Is(msg, ActDown):
		v.scroll(1)
	case km.Is(msg, ActPageUp):
		v.scroll(-max(1, body-1))
	case km.Is(msg, ActPageDown):
		v.scroll(max(1, body-1))
	case km.Is(msg, ActTop):
		v.pin()
		v.follow = false
		if v.filter {
			v.ftop = 0
		} else if b := v.buf(); b.Len() > 0 {
			v.top = b.Line(0).Seq
		}
	case km.Is(msg, ActBottom):
		v.setFollow(true)
	}
	return nil
}

// setFollow turns following on (back to the bottom) or off (frozen where
// the view is).
func (v *logView) setFollow(on bool) {
	if on {
		v.follow = true
		return
	}
	v.pin()
	v.follow = false
}

// pin freezes the current position: the top line becomes a Seq.
func (v *logView) pin() {
	if !v.follow {
		return
	}
	v.newSeen = v.buf().LastSeq()
	if v.filter {
		v.ftop = max(0, len(v.filterEntries())-v.bodyHeight())
		return
	}
	v.top = v.seqAt(v.bottomTop())
}

// seqAt is the Seq of line i of the buffer (0 when empty).
func (v *logView) seqAt(i int) uint64 {
	b := v.buf()
	if b.Len() == 0 {
		return 0
	}
	return b.Line(min(max(i, 0), b.Len()-1)).Seq
}

// topIndex is the index of the top line when not following.
func (v *logView) topIndex() int {
	b := v.buf()
	if i, ok := b.Index(v.top); ok {
		return i
	}
	if b.Len() > 0 && v.top > b.LastSeq() {
		return b.Len() - 1
	}
	return 0 // evicted: the oldest line held
}

// scroll moves by n lines; reaching the bottom resumes following.
func (v *logView) scroll(n int) {
	if v.follow && n >= 0 {
		return
	}
	v.pin()
	v.follow = false
	if v.filter {
		entries := v.filterEntries()
		bottom := max(0, len(entries)-v.bodyHeight())
		v.ftop = max(0, v.ftop+n)
		if v.ftop >= bottom {
			v.setFollow(true)
		}
		return
	}
	bottom := v.bottomTop()
	i := max(0, v.topIndex()+n)
	if i >= bottom && n > 0 {
		v.setFollow(true)
		return
	}
	v.top = v.seqAt(min(i, bottom))
}

// rows is how many screen rows line l takes.
func (v *logView) rows(l model.LogLine) int {
	if !v.wrap || v.width <= 0 {
		return 1
	}
	w := ansi.StringWidth(l.Plain)
	if w <= v.width {
		return 1
	}
	return (w + v.width - 1) / v.width
}

// bottomTop is the index of the top line when the last line is at the
// bottom of the screen.
func (v *logView) bottomTop() int {
	b := v.buf()
	n := b.Len()
	if !v.wrap {
		return max(0, n-v.bodyHeight())
	}
	used, i := 0, n
	for i > 0 {
		r := v.rows(b.Line(i - 1))
		if used+r > v.bodyHeight() && used > 0 {
			break
		}
		used += r
		i--
	}
	return i
}

// setQuery sets the search and rescans the buffer.
func (v *logView) setQuery(q string) {
	v.query = q
	v.matches, v.scanned, v.matchSeq = v.matches[:0], 0, 0
	v.fcache = nil
	v.hl, v.hlCur = "", ""
	if q != "" {
		v.hl = v.env.Styles.Selected.Render(q)
		v.hlCur = v.env.Styles.TabActive.Render(q)
	}
	v.scan()
}

// scan finds the matches among lines not scanned yet and forgets evicted
// ones.
func (v *logView) scan() {
	b := v.buf()
	if v.query == "" || b.Len() == 0 {
		v.scanned = b.LastSeq()
		return
	}
	first := b.Line(0).Seq
	drop := 0
	for drop < len(v.matches) && v.matches[drop] < first {
		drop++
	}
	if drop > 0 {
		v.matches = append(v.matches[:0], v.matches[drop:]...)
	}
	start := 0
	if v.scanned >= first {
		start = int(v.scanned-first) + 1
	}
	for k := start; k < b.Len(); k++ {
		l := b.Line(k)
		if strings.Contains(l.Plain, v.query) {
			v.matches = append(v.matches, l.Seq)
		}
	}
	v.scanned = b.LastSeq()
}

// jumpMatch moves to the next (or previous) match and freezes there.
func (v *logView) jumpMatch(next bool) {
	if len(v.matches) == 0 {
		return
	}
	b := v.buf()
	from := v.matchSeq
	v.pin()
	if from == 0 {
		if next {
			from = v.top
			if from > 0 {
				from--
			}
		} else {
			from = b.LastSeq() + 1
		}
	}
	target := uint64(0)
	if next {
		for _, m := range v.matches {
			if m > from {
				target = m
				break
			}
		}
		if target == 0 {
			target = v.matches[0] // wrap around
		}
	} else {
		for k := len(v.matches) - 1; k >= 0; k-- {
			if v.matches[k] < from {
				target = v.matches[k]
				break
			}
		}
		if target == 0 {
			target = v.matches[len(v.matches)-1]
		}
	}
	v.matchSeq = target
	v.follow = false
	if v.filter {
		for k, e := range v.filterEntries() {
			if e == target {
				v.ftop = max(0, k-v.bodyHeight()/3)
				break
			}
		}
		return
	}
	i, ok := b.Index(target)
	if !ok {
		return
	}
	v.top = v.seqAt(min(max(0, i-v.bodyHeight()/3), v.bottomTop()))
}

// matchIndex is the 1-based position of the current match (0: none).
func (v *logView) matchIndex() int {
	for k, m := range v.matches {
		if m == v.matchSeq {
			return k + 1
		}
	}
	return 0
}

// filterEntries are the Seqs shown in filter mode: matches with their
// context, 0 standing for a "--" separator between groups.
func (v *logView) filterEntries() []uint64 {
	b := v.buf()
	if v.query == "" || len(v.matches) == 0 || b.Len() == 0 {
		return nil
	}
	first, last := b.Line(0).Seq, b.LastSeq()
	key := [4]uint64{last, first, uint64(v.context), uint64(len(v.matches))}
	if v.fcache != nil && key == v.fkey {
		return v.fcache
	}
	k := uint64(v.context)
	out := make([]uint64, 0, len(v.matches)*(2*v.context+1))
	var end uint64 // last Seq emitted
	for _, m := range v.matches {
		lo := first
		if m > first+k {
			lo = m - k
		}
		hi := min(m+k, last)
		if end != 0 && lo > end+1 {
			out = append(out, 0)
		}
		if lo <= end {
			lo = end + 1
		}
		for s := lo; s <= hi; s++ {
			out = append(out, s)
		}
		end = max(end, hi)
	}
	v.fcache, v.fkey = out, key
	return out
}

// save writes the buffer, as plain text, to a new file in
// model.SavedLogsDir (0700) and flashes its full path. There is no
// fallback: when that directory cannot be made the flash says why.
func (v *logView) save() tea.Cmd {
	b := v.buf()
	lines := make([]string, b.Len())
	for i := range lines {
		lines[i] = b.Line(i).Plain
	}
	ids, at := v.ids, v.env.now()
	return func() tea.Msg {
		path, err := writeSavedLogs(ids, at, lines)
		if err != nil {
			return flashMsg{text: "save logs: " + err.Error(), isErr: true}
		}
		return flashMsg{text: fmt.Sprintf("saved %d lines to %s", len(lines), path)}
	}
}

// writeSavedLogs writes lines, one a line, to a new file named after ids
// and at in model.SavedLogsDir (made 0700; the file is 0600, never
// overwritten) and returns its full path. There is no fallback: when the
// directory cannot be made the error says why. It does file I/O: call it
// from a command, off the UI goroutine.
func writeSavedLogs(ids []string, at time.Time, lines []string) (string, error) {
	dir := model.SavedLogsDir()
	path := filepath.Join(dir, savedLogsName(ids, at))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot create %s: %w (set XDG_STATE_HOME to a writable directory)", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil { // ours: saved logs are private
		return "", err
	}
	var sb strings.Builder
	for _, l := range lines {
		sb.WriteString(l)
		sb.WriteByte('\n')
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	_, err = f.WriteString(sb.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}

// savedLogsName is the file name of a save: gapdeck-logs-<ids>-<time>.log.
// The request ids come from the API, so only letters, digits and '-' of
// them are kept ('/' or ".." must not leave the directory) and their part
// is capped well below the file name limit.
func savedLogsName(ids []string, at time.Time) string {
	const maxIDs = 120
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte('_')
		}
		for _, r := range id {
			switch {
			case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-':
				b.WriteRune(r)
			default:
				b.WriteByte('_')
			}
		}
		if b.Len() > maxIDs {
			break
		}
	}
	part := b.String()
	if len(part) > maxIDs {
		part = part[:maxIDs]
	}
	return fmt.Sprintf("gapdeck-logs-%s-%s.log", part, at.UTC().Format("20060102T150405.000"))
}

// View implements tea.Model.
func (v *logView) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(v.width * v.height * 2)
	if v.crash {
		v.crashView(&b)
		return b.String()
	}
	b.WriteString(v.title())
	rows := v.bodyHeight()
	written := 0
	emit := func(s string) bool {
		if written == rows {
			return false
		}
		b.WriteByte('\n')
		b.WriteString(padLine(s, v.width))
		written++
		return true
	}
	if v.filter {
		v.filterBody(emit, rows)
	} else {
		v.body(emit, rows)
	}
	for written < rows {
		emit("")
	}
	if v.searching {
		b.WriteByte('\n')
		b.WriteString(padLine(v.env.Styles.Prompt.Render("/")+v.input.View(), v.width))
	}
	return b.String()
}

// body renders the buffer from the top line (or the bottom when following).
func (v *logView) body(emit func(string) bool, rows int) {
	buf := v.buf()
	if buf.Len() == 0 {
		emit(v.env.Styles.Muted.Render(v.emptyText()))
		return
	}
	start := v.bottomTop()
	if !v.follow {
		start = min(v.topIndex(), start)
	}
	for i := start; i < buf.Len(); i++ {
		if !v.emitLine(emit, buf.Line(i)) {
			return
		}
	}
}

// filterBody renders the matching lines with their context.
func (v *logView) filterBody(emit func(string) bool, rows int) {
	if v.query == "" {
		emit(v.env.Styles.Muted.Render("filter: press / to search; only matching lines are shown"))
		return
	}
	entries := v.filterEntries()
	if len(entries) == 0 {
		emit(v.env.Styles.Muted.Render("no line matches " + sanitizeLine(v.query)))
		return
	}
	start := max(0, len(entries)-rows)
	if !v.follow {
		start = min(v.ftop, start)
	}
	buf := v.buf()
	for _, s := range entries[start:] {
		if s == 0 {
			if !emit(v.env.Styles.Muted.Render(logFilterSep)) {
				return
			}
			continue
		}
		i, ok := buf.Index(s)
		if !ok {
			continue
		}
		if !v.emitLine(emit, buf.Line(i)) {
			return
		}
	}
}

// emitLine renders one line (several rows when wrapping); false once the
// screen is full.
func (v *logView) emitLine(emit func(string) bool, l model.LogLine) bool {
	st := v.env.Styles
	text := l.Text
	if st.NoColor {
		text = l.Plain
	}
	switch {
	case v.query != "" && strings.Contains(l.Plain, v.query):
		hl := v.hl
		if l.Seq == v.matchSeq {
			hl = v.hlCur
		}
		text = strings.ReplaceAll(l.Plain, v.query, hl)
	case l.Kind != model.LineLog:
		text = st.Tone[theme.ToneWarn].Render(l.Plain)
		if v.combined != nil {
			text = l.Text // keep the prefix colour
		}
	}
	if !v.wrap || v.rows(l) == 1 {
		return emit(text)
	}
	for _, part := range strings.Split(ansi.Hardwrap(text, v.width, true), "\n") {
		if !emit(part) {
			return false
		}
	}
	return true
}

// setErr records stream i's last fetch failure (nil: it succeeded) and
// builds what the view says of it.
func (v *logView) setErr(i int, err error) {
	v.errs[i] = err
	if err == nil {
		v.errNote[i], v.errEmpty[i] = "", ""
		return
	}
	reason := failureReason(err) + retryText(err)
	note := "refresh failed: " + reason
	if !v.loaded[i] {
		note = "could not load: " + reason
	}
	if len(v.ids) > 1 {
		note = sanitizeLine(v.ids[i]) + ": " + note
	}
	v.errNote[i] = v.env.Styles.Tone[theme.ToneBad].Render(note)
	v.errEmpty[i] = "Could not load the logs of " + sanitizeLine(v.ids[i]) + ": " + reason
	if v.loaded[i] {
		v.errEmpty[i] = "No log lines yet from " + sanitizeLine(v.ids[i]) + "; refresh failed: " + reason
	}
}

// emptyText is what an empty buffer shows.
func (v *logView) emptyText() string {
	for _, e := range v.errEmpty {
		if e != "" {
			return e
		}
	}
	return "waiting for logs…"
}

// title is the view's first line.
func (v *logView) title() string {
	st := v.env.Styles
	buf := v.buf()
	var t strings.Builder
	t.WriteString(styled(st.Title, v.name()))
	fmt.Fprintf(&t, "  %d lines (cap %d)", buf.Len(), buf.Cap())
	if d := buf.Dropped(); d > 0 {
		fmt.Fprintf(&t, "  %d dropped", d)
	}
	for _, n := range v.errNote { // before the rest: the title is cut at the width
		if n != "" {
			t.WriteString("  " + n)
		}
	}
	if v.follow {
		t.WriteString("  " + st.Tone[theme.ToneGood].Render("FOLLOWING"))
	} else {
		t.WriteString("  " + st.Tone[theme.ToneWarn].Render("PAUSED"))
		if n := buf.LastSeq() - v.newSeen; n > 0 && !v.filter {
			fmt.Fprintf(&t, "  %d new lines ↓", n)
		}
	}
	if v.wrap {
		t.WriteString("  wrap")
	}
	if v.query != "" {
		fmt.Fprintf(&t, "  search %q %d/%d", sanitizeLine(v.query), v.matchIndex(), len(v.matches))
	}
	if v.filter {
		fmt.Fprintf(&t, "  filter ±%d", v.context)
	}
	for _, s := range v.streams {
		if l := s.LogsLink(); l != "" {
			t.WriteString("  " + st.Muted.Render(l))
			break
		}
	}
	return padLine(t.String(), v.width)
}

// crashView renders each stream's last crash.
func (v *logView) crashView(b *strings.Builder) {
	st := v.env.Styles
	var lines []string
	for i, s := range v.streams {
		logs, data := s.Crash()
		lines = append(lines, styled(st.Title, "Crash of "+termtext.Line(v.ids[i])))
		if data == nil && logs == "" {
			lines = append(lines, "  "+logNoCrashText, "")
			continue
		}
		if data != nil {
			lines = append(lines,
				fmt.Sprintf("  %s %d", st.DetailKey.Render("exit code     "), int64(data.ExitCode)),
				fmt.Sprintf("  %s %s", st.DetailKey.Render("message       "), data.Message),
				fmt.Sprintf("  %s %d", st.DetailKey.Render("restart count "), int64(data.RestartCount)))
		}
		if logs != "" {
			lines = append(lines, "", st.DetailKey.Render("  crash logs:"))
			for _, l := range strings.Split(logs, "\n") {
				if st.NoColor {
					l = termtext.StripSGR(l)
				}
				lines = append(lines, "  "+l)
			}
		}
		lines = append(lines, "")
	}
	top := min(v.crashTop, max(0, len(lines)-v.height))
	v.crashTop = top
	for k := 0; k < v.height; k++ {
		if k > 0 {
			b.WriteByte('\n')
		}
		if top+k < len(lines) {
			b.WriteString(padLine(lines[top+k], v.width))
		} else {
			b.WriteString(padLine("", v.width))
		}
	}
}

// ShortHelp implements help.KeyMap.
func (v *logView) ShortHelp() []key.Binding {
	km := v.env.Keys
	return slices.Concat(km.Bindings(ActFollow, ActWrap), v.searchBinding(), km.Bindings(ActFilterLines, ActCrash, ActBack, ActHelp))
}

// searchBinding is the `/` binding, relabelled: in the logs view it searches.
func (v *logView) searchBinding() []key.Binding {
	b := v.env.Keys.Binding(ActFilter)
	b.SetHelp(b.Help().Key, "search")
	return []key.Binding{b}
}

// FullHelp implements help.KeyMap.
func (v *logView) FullHelp() [][]key.Binding {
	km := v.env.Keys
	return [][]key.Binding{
		slices.Concat(km.Bindings(ActFollow, ActWrap), v.searchBinding(), km.Bindings(ActNextMatch, ActPrevMatch, ActFilterLines, ActMoreContext, ActLessContext, ActSaveLogs, ActCrash)),
		km.Bindings(ActUp, ActDown, ActPageUp, ActPageDown, ActTop, ActBottom, ActBack),
	}
}
