package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/watchlist"
	"github.com/gapdeck/gapdeck/ui/termtext"
)

// detailView shows everything the status endpoint returns about one
// deployment, laid out for reading, or its raw JSON (y). c copies the
// request id, FQDN or a port link through OSC 52. m switches the body
// between the fields and the metrics panel (charts and stats of the
// deployment's metrics; [ and ] change the window).
type detailView struct {
	env      *Env
	store    *model.Deployments
	id       string
	json     bool
	copying  bool // waiting for i/f/l after c
	vp       viewport.Model
	rev      uint64 // row revision the content was built from
	width    int
	height   int
	built    bool
	lastJSON bool
	metrics  *metricsPanel
	showMet  bool // the body is the metrics panel (m)
	// statusErr is the last status fetch of this deployment that failed
	// (nil once one succeeds), shown while there is no status to show.
	statusErr   error
	statusErrAt time.Time
	// evs are the deployment's events, for its timeline (detail_timeline.go).
	evs deploymentEvents
}

func newDetailView(env *Env, store *model.Deployments, id string, asJSON bool) *detailView {
	d := &detailView{env: env, store: store, id: id, json: asJSON, vp: viewport.New(0, 0), metrics: newMetricsPanel(env)}
	d.vp.KeyMap = viewport.KeyMap{} // keys come from our keymap
	return d
}

func (d *detailView) schedule() (model.View, string) { return model.ViewDetail, d.id }
func (d *detailView) name() termtext.Safe            { return "Deployment " + termtext.Line(d.id) }

// consumesBack: esc leaves copy mode before it leaves the view.
func (d *detailView) consumesBack() bool { return d.copying }

// Init implements tea.Model.
func (d *detailView) Init() tea.Cmd { return nil }

// SetSize implements Component.
func (d *detailView) SetSize(w, h int) {
	d.width, d.height = w, h
	d.vp.Width, d.vp.Height = w, max(1, h-1)
	d.built = false
	d.rebuild()
	d.metrics.setSize(w, max(0, h-1))
	d.refreshMetrics()
}

// rebuild lays the content out again when the data or the mode changed.
func (d *detailView) rebuild() {
	row, ok := d.store.Get(d.id)
	var rev uint64
	if ok {
		rev = row.Rev
	}
	newEvents := d.evs.pull(d.id)
	if d.built && rev == d.rev && d.lastJSON == d.json && !newEvents {
		return
	}
	d.built, d.rev, d.lastJSON = true, rev, d.json
	switch {
	case ok && row.Detail == nil && row.StatusProblem != "":
		d.vp.SetContent(d.notice("Status unavailable: " + termtext.Line(row.StatusProblem) + " (retrying with backoff)"))
	case (!ok || row.Detail == nil) && d.statusErr != nil:
		d.vp.SetContent(d.notice("Could not load the status of " + termtext.Line(d.id) + ": " +
			termtext.Line(failureReason(d.statusErr)) + termtext.Line(retryText(d.statusErr))))
	case !ok || row.Detail == nil:
		d.vp.SetContent(styled(d.env.Styles.Muted, "Loading the status of "+termtext.Line(d.id)+"…"))
	case d.json:
		d.vp.SetContent(d.staleNote(row) + prettyJSON(row.Detail))
	default:
		d.vp.SetContent(d.staleNote(row) + d.layout(row))
	}
}

// staleNote is a line above a status that is not current: the last status
// answer was unusable, or the last fetch failed ("" when neither).
func (d *detailView) staleNote(row *model.DeploymentRow) string {
	now := d.env.now()
	var note termtext.Safe
	switch {
	case row.StatusProblem != "":
		note = termtext.Format("Status unavailable since %s (%s ago): %s; shown: the status of %s ago (retrying with backoff)",
			row.StatusProblemSince.UTC().Format("15:04:05 UTC"), formatAge(now.Sub(row.StatusProblemSince)),
			row.StatusProblem, formatAge(now.Sub(row.EnrichedAt)))
	case d.statusErr != nil:
		note = termtext.Format("Status refresh failed %s ago: %s; shown: the status of %s ago (retrying with backoff; ctrl+r now)",
			formatAge(now.Sub(d.statusErrAt)), failureReason(d.statusErr), formatAge(now.Sub(row.EnrichedAt)))
	default:
		return ""
	}
	return d.notice(note) + "\n"
}

// notice is an error message wrapped to the view's width, each line in
// the error style.
func (d *detailView) notice(msg termtext.Safe) string {
	lines := strings.Split(ansi.Wrap(string(msg), max(20, d.width), ""), "\n") // wrapping adds only newlines
	for i, l := range lines {
		lines[i] = styled(d.env.Styles.FlashError, termtext.Line(l))
	}
	return strings.Join(lines, "\n")
}

// noting reports whether the detail shows a note whose ages move on.
func (d *detailView) noting() bool {
	row, ok := d.store.Get(d.id)
	return ok && (row.StatusProblem != "" || d.statusErr != nil)
}

// prettyJSON indents the body the API sent (or, without one, the decoded
// value), every line made safe: control characters shown in print (an
// escape the API sent as \u001b stays in JSON's own notation, one it sent
// raw shows as ^[), bidi controls as <U+202E>.
func prettyJSON(st *api.DeploymentStatus) string {
	raw := st.Raw()
	var buf bytes.Buffer
	if len(raw) == 0 {
		raw, _ = json.Marshal(st)
		raw = api.Redact(raw) // the decoded value is redacted as the body was
		if n := st.RawSize(); n > api.MaxRawBytes {
			fmt.Fprintf(&buf, "(the answer was %d bytes, over the %d KiB kept: this is its decoded value, long texts clipped)\n", n, api.MaxRawBytes>>10)
		}
	}
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(termtext.Line(string(raw)))
	}
	return termtext.JoinLines(termtext.Lines(buf.String()))
}

// styled renders safe text in a style, which adds only SGR sequences.
func styled(st lipgloss.Style, s termtext.Safe) string { return st.Render(string(s)) }

// layout is the readable form of a status. Every value the API sent goes
// through termtext: the helpers below take termtext.Safe, not strings.
func (d *detailView) layout(row *model.DeploymentRow) string {
	st := d.env.Styles
	s := row.Detail
	now := d.env.now()
	var b strings.Builder
	line := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
		b.WriteByte('\n')
	}
	kv := func(k termtext.Safe, v termtext.Safe) {
		if v == "" {
			v = "—"
		}
		line("  ", styled(st.DetailKey, termtext.Format("%-18s", k)), " ", styled(st.DetailValue, v))
	}
	section := func(title termtext.Safe) { line("\n", styled(st.Title, title)) }
	text := termtext.Line

	status := styled(st.Tone[StatusTone(s.CurrentStatus)], text(s.CurrentStatus.Name()))
	line(styled(st.Title, text(s.RequestID)), "  ", status, "  ", string(text(s.AppName)), " ", string(text(s.AppVersion)))
	if s.Error || s.ErrorDetail != "" {
		detail := text(s.ErrorDetail)
		if detail == "" {
			detail = "the deployment reports an error (no detail given)"
		}
		line("\n", styled(st.ErrorBox, "ERROR  "+detail))
	}

	section("TIMELINE")
	d.timeline(row, kv, line)

	section("GENERAL")
	kv("fqdn", text(s.FQDN))
	kv("public ip", text(s.PublicIP))
	kv("running", termtext.Format("%v", s.Running))
	kv("last status", text(s.LastStatus.Name()))
	kv("started", asSent(s.Loose, "start_time", text(timeAndAge(now, s.StartTime.Time))))
	kv("elapsed (ready)", asSent(s.Loose, "elapsed_time", text(formatAge(secondsDur(int64(s.ElapsedTime))))))
	if s.RemovalTime != nil {
		kv("removal", text(timeAndAge(now, s.RemovalTime.Time)))
	}
	kv("max duration", asSent(s.Loose, "max_duration", text(maxDuration(int64(s.MaxDuration)))))
	kv("command", text(s.Command))
	kv("arguments", text(s.Arguments))
	kv("whitelisting", termtext.Format("%v", s.WhitelistingActive))
	if s.Sockets != nil {
		kv("sockets", termtext.Format("%d/%d used", derefInt(s.SocketsUsage), int64(*s.Sockets)))
	}
	kv("tags", text(strings.Join(s.Tags, ", ")))

	if l := s.Location; l != nil {
		section("LOCATION")
		kv("city", text(joinNonEmpty(", ", l.City, l.AdministrativeDivision)))
		kv("country", text(joinNonEmpty(", ", l.Country, l.Continent)))
		kv("timezone", text(l.Timezone))
		kv("lat/long", asSent(l.Loose, "latitude", asSent(l.Loose, "longitude", termtext.Format("%.5f, %.5f", float64(l.Latitude), float64(l.Longitude)))))
	}

	section("PORTS")
	names := make([]string, 0, len(s.Ports))
	for n := range s.Ports {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		line("  ", styled(st.Muted, "none"))
	}
	for _, n := range names {
		p := s.Ports[n]
		var tls termtext.Safe
		if p.TLSUpgrade {
			tls = " tls"
		}
		line(string(termtext.Format("  %-12s %-5s %5d → %-5d %s%s", n, p.Protocol, int64(p.Internal), int64(p.External), p.Link, tls)))
	}

	if len(s.Sessions) > 0 {
		section("SESSIONS")
		for _, ses := range s.Sessions {
			line(string(termtext.Format("  %-14s %-10s %-8s users %d ready %v linked %v", ses.SessionID, ses.Status.Name(), ses.Kind, int64(ses.UserCount), ses.Ready, ses.Linked)))
		}
	}
	problems := s.Loose.Problems()
	if s.Location != nil {
		for _, p := range s.Location.Loose.Problems() {
			p.Field = "location." + p.Field
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		section("NOT UNDERSTOOD (shown as ?)")
		for _, p := range problems {
			line("  ", styled(st.DetailKey, termtext.Format("%-18s", p.Field)), " ", styled(st.DetailValue, text(string(p.Raw))), " ", styled(st.Muted, text("— "+p.Err)))
		}
	}
	line("\n", styled(st.Muted, "status as of "+text(formatAge(now.Sub(row.EnrichedAt)))+" ago · y raw JSON · c copy"))
	return b.String()
}

// asSent is v, or "? (sent …)" with the value as the API sent it when
// field did not parse.
func asSent(l api.Loose, field string, v termtext.Safe) termtext.Safe {
	if raw, ok := l.Field(field); ok {
		return unknownText + " (sent " + termtext.Line(string(raw)) + ")"
	}
	return v
}

func secondsDur(s int64) time.Duration { return time.Duration(s) * time.Second }

// timeAndAge is "2026-11-23 05:14:45 UTC (12m ago)".
func timeAndAge(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	rel := formatAge(now.Sub(t)) + " ago"
	if t.After(now) {
		rel = "in " + formatAge(t.Sub(now))
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC") + " (" + rel + ")"
}

func maxDuration(m int64) string {
	if m <= 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%d min", m)
}

func derefInt(p *api.Int) int64 {
	if p == nil {
		return 0
	}
	return int64(*p)
}

// Update implements tea.Model.
func (d *detailView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case jobDoneMsg:
		if msg.job.Kind == model.JobStatus && msg.job.ID == d.id {
			if msg.err != nil || d.statusErr != nil {
				d.built = false
			}
			d.statusErr, d.statusErrAt = msg.err, msg.at
		}
		d.metrics.apply(msg, d.id)
		d.refreshMetrics()
		d.rebuild()
	case clockMsg:
		if d.noting() || !d.json {
			d.built = false // the note's ages, the timeline's
		}
		d.rebuild()
	case tea.KeyMsg:
		return d, d.onKey(msg)
	}
	return d, nil
}

func (d *detailView) onKey(msg tea.KeyMsg) tea.Cmd {
	km := d.env.Keys
	if d.copying {
		d.copying = false
		return d.copy(msg.String())
	}
	switch {
	case km.Is(msg, ActJSON):
		d.json = !d.json
		d.rebuild()
		d.vp.GotoTop()
	case km.Is(msg, ActToggleMetric):
		d.showMet = !d.showMet
		d.refreshMetrics()
	case km.Is(msg, ActWindowPrev):
		cmd := d.metrics.shift(-1)
		d.refreshMetrics()
		return cmd
	case km.Is(msg, ActWindowNext):
		cmd := d.metrics.shift(+1)
		d.refreshMetrics()
		return cmd
	case km.Is(msg, ActWatch):
		w := watchlist.Watch{Kind: watchlist.KindDeployment, Value: d.id}
		return func() tea.Msg { return watchMsg{watch: w} }
	case km.Is(msg, ActLogs):
		id := d.id
		return func() tea.Msg { return openLogsMsg{ids: []string{id}} }
	case km.Is(msg, ActCopy):
		d.copying = true
		return flashCmd("copy: i request id · f FQDN · l link of the first port · esc cancel", false)
	case km.Is(msg, ActUp):
		d.vp.ScrollUp(1)
	case km.Is(msg, ActDown):
		d.vp.ScrollDown(1)
	case km.Is(msg, ActPageUp):
		d.vp.PageUp()
	case km.Is(msg, ActPageDown):
		d.vp.PageDown()
	case km.Is(msg, ActTop):
		d.vp.GotoTop()
	case km.Is(msg, ActBottom):
		d.vp.GotoBottom()
	}
	return nil
}

// copy puts the chosen value on the clipboard through OSC 52, cleaned of
// control, bidi and format characters first (see copyCleaned).
func (d *detailView) copy(choice string) tea.Cmd {
	row, ok := d.store.Get(d.id)
	var what, value string
	switch choice {
	case "i":
		what, value = "request id", d.id
	case "f":
		if ok {
			what, value = "FQDN", row.FQDN
		}
	case "l":
		if ok && len(row.Ports) > 0 {
			what, value = "link", row.Ports[0].Link
		}
	default:
		return flashCmd("copy cancelled", false)
	}
	if value == "" {
		return flashCmd("nothing to copy: no "+what+" yet", true)
	}
	return copyCleaned(d.env.Clipboard, what, value)
}

// copyCleaned copies value (what names it in the flash) through OSC 52.
// Text from the API may hold a newline and a command after it, which a
// paste into a shell would run, or escapes and bidi controls: the copy is
// cleaned of every control, bidi and format character (termtext.Clipboard)
// and the flash says so; a value with nothing printable left is refused.
func copyCleaned(w io.Writer, what, value string) tea.Cmd {
	clean, changed, err := termtext.Clipboard(value)
	if err != nil {
		return flashCmd("not copied: the "+what+" holds only control characters", true)
	}
	if err := copyToClipboard(w, clean); err != nil {
		return flashCmd("copy failed: "+err.Error(), true)
	}
	if changed {
		return flashCmd("copied "+what+" (control characters removed) "+clean+" (OSC 52)", false)
	}
	return flashCmd("copied "+what+" "+clean+" (OSC 52)", false)
}

// View implements tea.Model.
func (d *detailView) View() string {
	mode := "detail"
	switch {
	case d.showMet:
		mode = "metrics"
	case d.json:
		mode = "raw JSON"
	}
	title := styled(d.env.Styles.Title, d.name()) + d.env.Styles.Muted.Render("  "+mode)
	if d.showMet {
		return padLine(title, d.width) + "\n" + d.metrics.view()
	}
	return padLine(title, d.width) + "\n" + d.vp.View()
}

// ShortHelp implements help.KeyMap.
func (d *detailView) ShortHelp() []key.Binding {
	return d.env.Keys.Bindings(ActBack, ActLogs, ActJSON, ActCopy, ActToggleMetric, ActWatch, ActUp, ActDown, ActHelp)
}

// FullHelp implements help.KeyMap.
func (d *detailView) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		d.env.Keys.Bindings(ActBack, ActLogs, ActJSON, ActCopy, ActWatch),
		d.env.Keys.Bindings(ActToggleMetric, ActWindowPrev, ActWindowNext),
	}
}

// refreshMetrics lays the metrics panel out again when it shows and its
// data, window or size changed.
func (d *detailView) refreshMetrics() {
	if d.showMet {
		d.metrics.refresh()
	}
}
