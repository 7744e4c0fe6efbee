package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/ui/termtext"
)

// errorCause is the end of an error chain's text ("dial tcp …: connect:
// connection refused" → "connection refused"), which is what a person
// needs in a one-line header.
func errorCause(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return msg
}

// countdown is the time left until t, in whole seconds rounded up (so a
// wait shows "1s" until it is over, never "0s" before it is) up to 99 s.
func countdown(t, now time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "now"
	}
	d = (d + time.Second - 1).Truncate(time.Second)
	if d < 100*time.Second {
		return fmt.Sprintf("in %ds", int(d/time.Second))
	}
	return "in " + formatAge(d)
}

// usedBudget is the budget of the endpoint groups the console has used:
// the ceiling its current rate is measured against.
func usedBudget(s api.Stats) float64 {
	var b float64
	for _, g := range s.Groups {
		if g.Sent > 0 {
			b += g.Budget
		}
	}
	return b
}

// rebuildChrome renders the header and the tab bar; called in Update when
// something they show changes, never in View. The header is drawn again
// only when an event changed what it shows (the health state, marks, the
// people online, the width, …): its figures that move with time (req/s,
// 429s, "last OK 3s ago", countdowns) are taken again then, and otherwise
// only on the clock (tickChrome), so a burst of answers within a second
// leaves the header's text, and the terminal's line, as they were.
func (a *App) rebuildChrome() {
	h, s := a.env.Client.Health(), a.env.Client.Stats()
	ev := a.headerEvents(h, s)
	if !a.hdr.valid || ev != a.hdr.in.events {
		now := a.env.now()
		a.drawHeader(headerInputs{events: ev, figures: a.holdRate(a.headerFigures(h, s, now), now)})
	}
	a.tabBar = a.tabLine()
}

// tickChrome is the clock's once-a-second look at the header: the
// figures are taken again and the header drawn again when its text would
// change.
func (a *App) tickChrome() {
	h, s, now := a.env.Client.Health(), a.env.Client.Stats(), a.env.now()
	in := headerInputs{events: a.headerEvents(h, s), figures: a.holdRate(a.headerFigures(h, s, now), now)}
	if !a.hdr.valid || in != a.hdr.in {
		a.drawHeader(in)
	}
	a.tabBar = a.tabLine()
}

// rateEvery is how long the header's req/s figure holds: the rate is
// measured over the last 10 s, and taken on every tick its tenths would
// move nearly every second, each move a repaint of the header's line.
const rateEvery = 5 * time.Second

// holdRate keeps the req/s figure the header shows until rateEvery has
// passed since it was taken, so f changes only when something else in it
// does; past that f's rate is the one shown from now on. Requests starting
// or stopping (a figure of zero, before or now) are news: no hold.
func (a *App) holdRate(f headerFigures, now time.Time) headerFigures {
	const zero = "0.0"
	shown := a.hdr.in.figures.rate
	if a.hdr.valid && shown != "" && (shown == zero) == (f.rate == zero) && now.Sub(a.rateAt) < rateEvery && now.Sub(a.rateAt) >= 0 {
		f.rate = a.hdr.in.figures.rate
		return f
	}
	a.rateAt = now
	return f
}

// headerCache is the header as last drawn and what it was drawn from.
type headerCache struct {
	valid bool
	in    headerInputs
}

// headerInputs is everything the header and the token-rejected alert
// show: equal inputs draw the same text.
type headerInputs struct {
	events  headerEvents
	figures headerFigures
}

// headerEvents is what the header shows that changes on events.
type headerEvents struct {
	width                  int
	profile, badge, host   string
	demo, readOnly         bool
	others, marked, unseen int
	state                  api.HealthState
	reason                 string
	status                 int
	group                  api.Group
	retrying               bool
	tokenSource            string
	budget                 string // the budget of the groups in use: moves when one is first used
}

// headerFigures is what the header shows that moves with time, as the
// text it shows: taken on the clock, or with an event's change.
type headerFigures struct {
	rate, limited string // "1.2", "0"
	retry         string // the countdown to RetryAt ("in 42s"), or ""
	lastOK        string // the age of the last success ("3s"), or ""
	rejectedFor   string // how long the token has been rejected, or ""
}

// headerEvents reads the event inputs of the header.
func (a *App) headerEvents(h api.Health, s api.Stats) headerEvents {
	ev := headerEvents{
		width: a.width, profile: a.env.Profile, badge: a.envBadge, host: a.env.Client.Host(),
		demo: a.env.Demo, readOnly: a.env.ReadOnly,
		others: max(0, len(a.people)-1), marked: a.markCount(), unseen: a.alerts.unseen,
		state: h.State, retrying: !h.RetryAt.IsZero(),
		budget: strconv.FormatFloat(usedBudget(s), 'f', 1, 64),
	}
	switch h.State {
	case api.HealthDegraded, api.HealthDown:
		ev.reason = h.Reason
	case api.HealthRateLimited:
		ev.group = h.Group
	case api.HealthTokenRejected:
		ev.reason, ev.status, ev.tokenSource = h.Reason, h.Status, a.env.TokenSource
	}
	return ev
}

// headerFigures reads the header's figures at now.
func (a *App) headerFigures(h api.Health, s api.Stats, now time.Time) headerFigures {
	f := headerFigures{
		rate:    strconv.FormatFloat(s.Rate, 'f', 1, 64),
		limited: strconv.FormatInt(s.RateLimited, 10),
	}
	if !h.RetryAt.IsZero() {
		f.retry = countdown(h.RetryAt, now)
	}
	if !s.LastSuccess.IsZero() && h.State != api.HealthTokenRejected {
		f.lastOK = formatAge(now.Sub(s.LastSuccess))
	}
	if h.State == api.HealthTokenRejected {
		f.rejectedFor = formatAge(now.Sub(h.Since))
	}
	return f
}

// drawHeader renders the header and the alert block from in.
func (a *App) drawHeader(in headerInputs) {
	a.hdr = headerCache{valid: true, in: in}
	a.header = truncateLine(a.headerLine(in), a.width) // unpadded: the renderer erases the rest of the line
	had := a.alertHeight()
	a.alert = a.alertText(in)
	if had != a.alertHeight() {
		a.layout() // the alert takes lines from the view, or gives them back
	}
}

// headerLine is the header's text from in: who and where, the badges,
// the API's health, req/s used/budget and the 429s.
func (a *App) headerLine(in headerInputs) string {
	st := a.env.Styles
	ev, f := in.events, in.figures
	var b strings.Builder
	b.WriteString(st.Title.Render("gapdeck"))
	if ev.profile != "" {
		b.WriteString(" ")
		b.WriteString(st.HeaderValue.Render(ev.profile))
	}
	if ev.badge != "" { // "prod", in its colour, before anything an 80-column header may cut
		b.WriteString(" ")
		b.WriteString(ev.badge)
	}
	b.WriteString(" ")
	b.WriteString(st.Muted.Render(ev.host))
	if ev.demo {
		b.WriteString(" ")
		b.WriteString(st.BadgeDemo.Render("DEMO"))
	}
	if ev.readOnly {
		b.WriteString(" ")
		b.WriteString(st.BadgeReadOnly.Render("READ-ONLY"))
	}
	if ev.others > 0 { // on a shared console: :who lists them
		b.WriteString(" ")
		b.WriteString(st.HeaderValue.Render(fmt.Sprintf("+%d online", ev.others)))
	}
	if ev.marked > 0 { // early: it must survive an 80-column header
		b.WriteString(" ")
		b.WriteString(st.BadgeStale.Render(fmt.Sprintf("%d MARKED", ev.marked)))
	}
	if ev.unseen > 0 { // alerts about watched things not seen in :events yet
		b.WriteString(" ")
		b.WriteString(st.BadgeStale.Render(fmt.Sprintf("!%d", ev.unseen)))
	}
	a.healthText(&b, in)
	fmt.Fprintf(&b, "  %s %s", st.HeaderKey.Render("req/s"), st.HeaderValue.Render(f.rate+"/"+ev.budget))
	fmt.Fprintf(&b, "  %s %s", st.HeaderKey.Render("429s"), st.HeaderValue.Render(f.limited))
	return b.String()
}

// healthText writes the header's API state: "API OK last OK 3s ago",
// "API DEGRADED <reason>", "API RATE-LIMITED retry in 42s · status",
// "API UNREACHABLE retry in 8s · <reason> last OK 1m ago", "API TOKEN
// REJECTED retry in 55s · 401". The reason comes from the API: it goes through
// sanitizeLine.
func (a *App) healthText(b *strings.Builder, in headerInputs) {
	st := a.env.Styles
	ev, f := in.events, in.figures
	b.WriteString("  API ")
	switch ev.state {
	case api.HealthOK:
		b.WriteString(st.HealthOK.Render("OK"))
	case api.HealthDegraded:
		b.WriteString(st.HealthDegraded.Render("DEGRADED"))
	case api.HealthRateLimited:
		b.WriteString(st.HealthDegraded.Render("RATE-LIMITED"))
	case api.HealthDown:
		b.WriteString(st.HealthDown.Render("UNREACHABLE"))
	case api.HealthTokenRejected:
		b.WriteString(st.HealthDown.Render("TOKEN REJECTED"))
	default:
		b.WriteString(st.Muted.Render("connecting…"))
	}
	// The countdown first: an 80-column header cuts what comes last.
	if ev.retrying {
		fmt.Fprintf(b, " %s", st.Muted.Render("retry "+f.retry+" ·"))
	}
	switch ev.state {
	case api.HealthDegraded, api.HealthDown:
		if ev.reason != "" {
			b.WriteString(" ")
			b.WriteString(st.FlashError.Render(truncateLine(sanitizeLine(ev.reason), 40)))
		}
	case api.HealthRateLimited:
		b.WriteString(" ")
		b.WriteString(st.Muted.Render(string(ev.group)))
	case api.HealthTokenRejected:
		if ev.status != 0 {
			b.WriteString(" ")
			b.WriteString(st.FlashError.Render(strconv.Itoa(ev.status)))
		}
	}
	if f.lastOK != "" {
		fmt.Fprintf(b, " %s", st.Muted.Render("last OK "+f.lastOK+" ago"))
	}
}

// alertText is the block over the footer while the API rejects the
// token: what happened, what to do, where the token came from; wrapped to
// the width, at most maxAlertLines lines. Empty otherwise.
func (a *App) alertText(in headerInputs) string {
	if in.events.state != api.HealthTokenRejected || a.width <= 0 {
		return ""
	}
	src := a.env.TokenSource
	if src == "" {
		src = "its source"
	}
	what := "rotate it in the Edgegap dashboard, fix " + src + ", then press ctrl+r to re-read it"
	if src == "EDGEGAP_API_TOKEN" {
		what = "rotate it in the Edgegap dashboard and restart gapdeck with the new EDGEGAP_API_TOKEN (read at start); ctrl+r tries again"
	}
	msg := fmt.Sprintf("The API rejected the token from %s (%s, %s ago): %s. Polling is stopped: one try a minute.",
		src, in.events.reason, in.figures.rejectedFor, what)
	lines := strings.Split(ansi.Wrap(sanitizeLine(msg), a.width, ""), "\n")
	if len(lines) > maxAlertLines {
		lines = lines[:maxAlertLines]
	}
	for i, l := range lines {
		lines[i] = padLine(a.env.Styles.FlashError.Render(l), a.width)
	}
	return strings.Join(lines, "\n")
}

// maxAlertLines bounds the token-rejected block.
const maxAlertLines = 3

// alertHeight is how many lines the alert block takes.
func (a *App) alertHeight() int {
	if a.alert == "" {
		return 0
	}
	return strings.Count(a.alert, "\n") + 1
}

// tabLine is the tab bar: each tab's number, name and count, the active
// one (or the open sub-view's name) highlighted. It is rendered again only
// when a label, the active tab or the width changed (see tabBarCache):
// answers change a count far less often than they arrive.
func (a *App) tabLine() string {
	c := &a.tabsDrawn
	labels := c.next[:0]
	for i, t := range a.tabs {
		// A 0 would read as "none": "…" until the first fetch answers, "?"
		// when it failed (the tab says why) with nothing to count (private
		// fleets named in the configuration are rows without any fetch).
		count := "…"
		switch f, n := t.freshness(), t.count(); {
		case !f.okAt.IsZero(), f.err != nil && n > 0:
			count = strconv.Itoa(n)
		case f.err != nil:
			count = "?"
		}
		labels = append(labels, " "+strconv.Itoa(i+1)+" "+t.name()+" "+count+" ")
	}
	var sub termtext.Safe
	hasSub := false
	if a.sub != nil {
		if n, ok := a.sub.(interface{ name() termtext.Safe }); ok {
			sub, hasSub = n.name(), true
		}
	}
	active := a.active
	if a.sub != nil {
		active = -1
	}
	c.next = labels
	if c.valid && c.width == a.width && c.active == active && c.sub == sub && c.hasSub == hasSub && slices.Equal(c.labels, labels) {
		return c.text
	}
	st := a.env.Styles
	var b strings.Builder
	for i, label := range labels {
		if i == active {
			b.WriteString(st.TabActive.Render(label))
		} else {
			b.WriteString(st.TabInactive.Render(label))
		}
	}
	if hasSub {
		b.WriteString(st.TabActive.Render(string(" " + sub + " ")))
	}
	c.labels, c.next = labels, c.labels
	c.valid, c.width, c.active, c.sub, c.hasSub = true, a.width, active, sub, hasSub
	c.text = truncateLine(b.String(), a.width) // unpadded, as the header
	return c.text
}

// tabBarCache is the tab bar as last drawn and what it was drawn from.
type tabBarCache struct {
	valid        bool
	width        int
	active       int // -1 while a sub-view is open
	sub          termtext.Safe
	hasSub       bool
	labels, next []string // the labels drawn, and a buffer for the next ones
	text         string   // padded to width
}

// activeHelp is the key help of what currently has the keyboard.
func (a *App) activeHelp() help.KeyMap {
	if a.mode == modeHelp {
		return helpScreenKeys{a.env.Keys}
	}
	return a.viewHelp()
}

// viewHelp is the key help of the active view (sub-view or tab).
func (a *App) viewHelp() help.KeyMap {
	if a.sub != nil {
		return a.sub
	}
	return a.tabs[a.active]
}

// helpScreenKeys is the footer's help while the help screen is open.
type helpScreenKeys struct{ km *KeyMap }

func (h helpScreenKeys) ShortHelp() []key.Binding {
	return h.km.Bindings(ActBack, ActDown, ActUp, ActPageDown)
}

func (h helpScreenKeys) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }

// footer is the flash message, or the short help of the active view,
// under the stop line while stops are followed (see stopProgress).
func (a *App) footer() string {
	var b strings.Builder
	if a.stops.line != "" {
		b.WriteString(padLine(a.stops.line, a.width))
		b.WriteByte('\n')
	}
	if a.alert != "" {
		b.WriteString(a.alert)
		b.WriteByte('\n')
	}
	b.WriteString(a.footerLine())
	return b.String()
}

// footerLine is the flash message, or the short help of the active view.
// View asks for it on every frame; it is drawn again only when the flash,
// the width or the keys shown changed (see footerCache).
func (a *App) footerLine() string {
	c := &a.foot
	if a.flashText != "" {
		if !c.valid || !c.isFlash || c.width != a.width || c.flash != a.flashText || c.flashErr != a.flashErr {
			style := a.env.Styles.FlashInfo
			if a.flashErr {
				style = a.env.Styles.FlashError
			}
			*c = footerCache{valid: true, isFlash: true, width: a.width, flash: a.flashText, flashErr: a.flashErr,
				text: padLine(styled(style, a.flashText), a.width)}
		}
		return c.text
	}
	bindings := a.activeHelp().ShortHelp()
	if !c.valid || c.isFlash || c.width != a.width || !c.sameKeys(bindings) {
		*c = footerCache{valid: true, width: a.width, keys: shownKeys(bindings),
			text: padLine(a.help.ShortHelpView(bindings), a.width)}
	}
	return c.text
}

// footerCache is the footer line as last drawn and what it was drawn from.
type footerCache struct {
	valid, isFlash bool
	width          int
	flash          termtext.Safe
	flashErr       bool
	keys           []key.Help // the enabled bindings' help, in order
	text           string
}

// shownKeys is what the short help shows of bindings: the enabled ones'
// key and description.
func shownKeys(bindings []key.Binding) []key.Help {
	out := make([]key.Help, 0, len(bindings))
	for _, b := range bindings {
		if b.Enabled() {
			out = append(out, b.Help())
		}
	}
	return out
}

// sameKeys reports whether bindings show what the cached line shows.
func (c *footerCache) sameKeys(bindings []key.Binding) bool {
	i := 0
	for _, b := range bindings {
		if !b.Enabled() {
			continue
		}
		if i == len(c.keys) || b.Help() != c.keys[i] {
			return false
		}
		i++
	}
	return i == len(c.keys)
}

// helpView lists every key of the active view and the global ones,
// generated from the keymap, then the commands.
func (a *App) helpView(height int) string {
	st := a.env.Styles
	km := a.env.Keys
	sections := []struct {
		title    string
		bindings []key.Binding
	}{
		{"GENERAL", km.Bindings(ActHelp, ActCommand, ActFilter, ActRefresh, ActRedraw, ActPulse, ActEvents, ActBack, ActQuit, ActForceQuit)},
		{"NAVIGATION", km.Bindings(slices.Concat(tabKeys, []Action{ActNextTab, ActPrevTab, ActUp, ActDown, ActTop, ActBottom, ActPageUp, ActPageDown})...)},
	}
	full := a.viewHelp().FullHelp()
	if len(full) > 0 && len(full[0]) > 0 {
		sections = append(sections, struct {
			title    string
			bindings []key.Binding
		}{"VIEW", full[0]})
	}
	if len(full) > 1 && len(full[1]) > 0 {
		sections = append(sections, struct {
			title    string
			bindings []key.Binding
		}{"SORT (again to reverse)", full[1]})
	}
	keyWidth := 0
	for _, sec := range sections {
		for _, bd := range sec.bindings {
			keyWidth = max(keyWidth, len(bd.Help().Key))
		}
	}
	for _, c := range commands {
		keyWidth = max(keyWidth, len(c.usage)+1)
	}
	keyFmt := fmt.Sprintf("%%-%ds", keyWidth)
	var lines []string
	for _, sec := range sections {
		lines = append(lines, st.Title.Render(sec.title))
		for _, bd := range sec.bindings {
			h := bd.Help()
			lines = append(lines, "  "+st.HelpKey.Render(fmt.Sprintf(keyFmt, h.Key))+" "+st.HelpDesc.Render(h.Desc))
		}
		lines = append(lines, "")
	}
	lines = append(lines, st.Title.Render("COMMANDS"))
	for _, c := range commands {
		if c.shared && !a.sharedConsole() {
			continue
		}
		lines = append(lines, "  "+st.HelpKey.Render(fmt.Sprintf(keyFmt, ":"+c.usage))+" "+st.HelpDesc.Render(c.help))
	}
	lines = append(lines, "", st.Title.Render("FILTER"))
	for _, l := range []string{
		"text matches anywhere",
		"field:value matches part of a field:",
		"  status app version city country",
		"  continent tag id ip",
		"app=x version=x tag=x match exactly",
		"  and are sent to the API",
		"a leading ! inverts the filter",
		`city="Los Angeles": quotes keep spaces`,
	} {
		lines = append(lines, "  "+st.HelpDesc.Render(l))
	}
	return layoutHelp(lines, a.width, height, &a.helpOffset)
}

// layoutHelp shows the help in columns of whole sections: as many columns
// as the width takes, as short as they can be; when they are taller than
// the screen they scroll together (offset is the first line shown).
func layoutHelp(lines []string, width, height int, offset *int) string {
	if height < 1 {
		return ""
	}
	var cols [][]string
	var widths []int
	colHeight := height
	for ; ; colHeight++ {
		cols = packSections(lines, colHeight)
		widths = make([]int, len(cols))
		total := 0
		for i, col := range cols {
			for _, l := range col {
				widths[i] = max(widths[i], visibleWidth(l))
			}
			widths[i] += 3
			total += widths[i]
		}
		if total <= width || len(cols) == 1 {
			break
		}
	}
	if len(cols) == 1 {
		widths[0] = width
	}
	rows := strings.Split(joinColumns(cols, widths, width, colHeight), "\n")
	if colHeight <= height {
		*offset = 0
		return joinColumns([][]string{rows}, []int{width}, width, height)
	}
	*offset = max(0, min(*offset, colHeight-height+1))
	view := rows[*offset:]
	if len(view) > height {
		view = append(append([]string(nil), view[:height-1]...), "  ↓ more (j/k, pgdown)")
	}
	return joinColumns([][]string{view}, []int{width}, width, height)
}

// packSections fills columns of at most height lines with the sections
// (runs of lines separated by blank lines), never splitting a section that
// fits in a column.
func packSections(lines []string, height int) [][]string {
	var cols [][]string
	var cur []string
	section := func(sec []string) {
		if len(sec) == 0 {
			return
		}
		gap := 0
		if len(cur) > 0 {
			gap = 1
		}
		if len(cur) > 0 && len(cur)+gap+len(sec) > height {
			cols, cur, gap = append(cols, cur), nil, 0
		}
		if gap == 1 {
			cur = append(cur, "")
		}
		for _, l := range sec {
			if len(cur) == height {
				cols, cur = append(cols, cur), nil
			}
			cur = append(cur, l)
		}
	}
	start := 0
	for i, l := range lines {
		if l == "" {
			section(lines[start:i])
			start = i + 1
		}
	}
	section(lines[start:])
	if len(cur) > 0 {
		cols = append(cols, cur)
	}
	return cols
}

// joinColumns lays columns of the given widths side by side: exactly
// height lines of width.
func joinColumns(cols [][]string, colWidths []int, width, height int) string {
	if height < 1 {
		return ""
	}
	out := make([]string, height)
	for i := range height {
		var b strings.Builder
		for c, col := range cols {
			if i < len(col) {
				b.WriteString(padLine(col[i], colWidths[c]))
			} else {
				b.WriteString(strings.Repeat(" ", colWidths[c]))
			}
		}
		out[i] = padLine(b.String(), width)
	}
	return strings.Join(out, "\n")
}
