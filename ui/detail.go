package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
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
}

func newDetailView(env *Env, store *model.Deployments, id string, asJSON bool) *detailView {
	d := &detailView{env: env, store: store, id: id, json: asJSON, vp: viewport.New(0, 0), metrics: newMetricsPanel(env)}
	d.vp.KeyMap = viewport.KeyMap{} // keys come from our keymap
	return d
}

func (d *detailView) schedule() (model.View, string) { return model.ViewDetail, d.id }
func (d *detailView) name() string                   { return "Deployment " + d.id }

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
	if d.built && rev == d.rev && d.lastJSON == d.json {
		return
	}
	d.built, d.rev, d.lastJSON = true, rev, d.json
	switch {
	case !ok || row.Detail == nil:
		d.vp.SetContent(d.env.Styles.Muted.Render("Loading the status of " + d.id + "…"))
	case d.json:
		d.vp.SetContent(prettyJSON(row.Detail))
	default:
		d.vp.SetContent(d.layout(row))
	}
}

// prettyJSON indents the body the API sent (or, without one, the decoded
// value), with control characters made visible.
func prettyJSON(st *api.DeploymentStatus) string {
	raw := st.Raw()
	var buf bytes.Buffer
	if len(raw) == 0 {
		raw, _ = json.Marshal(st)
		if n := st.RawSize(); n > api.MaxRawBytes {
			fmt.Fprintf(&buf, "(the answer was %d bytes, over the %d KiB kept: this is its decoded value, long texts clipped)\n", n, api.MaxRawBytes>>10)
		}
	}
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return sanitizeLine(string(raw))
	}
	lines := strings.Split(buf.String(), "\n")
	for i, l := range lines {
		lines[i] = sanitizeLine(l)
	}
	return strings.Join(lines, "\n")
}

// layout is the readable form of a status.
func (d *detailView) layout(row *model.DeploymentRow) string {
	st := d.env.Styles
	s := row.Detail
	now := d.env.now()
	var b strings.Builder
	kv := func(k, v string) {
		if v == "" {
			v = "—"
		}
		fmt.Fprintf(&b, "  %s %s\n", st.DetailKey.Render(fmt.Sprintf("%-18s", k)), st.DetailValue.Render(sanitizeLine(v)))
	}
	section := func(title string) { fmt.Fprintf(&b, "\n%s\n", st.Title.Render(title)) }

	status := st.Tone[StatusTone(s.CurrentStatus)].Render(s.CurrentStatus.Name())
	fmt.Fprintf(&b, "%s  %s  %s %s\n", st.Title.Render(s.RequestID), status, sanitizeLine(s.AppName), sanitizeLine(s.AppVersion))
	if s.Error || s.ErrorDetail != "" {
		detail := s.ErrorDetail
		if detail == "" {
			detail = "the deployment reports an error (no detail given)"
		}
		b.WriteString("\n" + st.ErrorBox.Render("ERROR  "+sanitizeLine(detail)) + "\n")
	}

	section("GENERAL")
	kv("fqdn", s.FQDN)
	kv("public ip", s.PublicIP)
	kv("running", fmt.Sprint(s.Running))
	kv("last status", s.LastStatus.Name())
	kv("started", timeAndAge(now, s.StartTime.Time))
	kv("elapsed (ready)", formatAge(secondsDur(int64(s.ElapsedTime))))
	if s.RemovalTime != nil {
		kv("removal", timeAndAge(now, s.RemovalTime.Time))
	}
	kv("max duration", maxDuration(int64(s.MaxDuration)))
	kv("command", s.Command)
	kv("arguments", s.Arguments)
	kv("whitelisting", fmt.Sprint(s.WhitelistingActive))
	if s.Sockets != nil {
		kv("sockets", fmt.Sprintf("%d/%d used", derefInt(s.SocketsUsage), *s.Sockets))
	}
	kv("tags", strings.Join(s.Tags, ", "))

	if l := s.Location; l != nil {
		section("LOCATION")
		kv("city", joinNonEmpty(", ", l.City, l.AdministrativeDivision))
		kv("country", joinNonEmpty(", ", l.Country, l.Continent))
		kv("timezone", l.Timezone)
		kv("lat/long", fmt.Sprintf("%.5f, %.5f", float64(l.Latitude), float64(l.Longitude)))
	}

	section("PORTS")
	names := make([]string, 0, len(s.Ports))
	for n := range s.Ports {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		b.WriteString("  " + st.Muted.Render("none") + "\n")
	}
	for _, n := range names {
		p := s.Ports[n]
		tls := ""
		if p.TLSUpgrade {
			tls = " tls"
		}
		fmt.Fprintf(&b, "  %-12s %-5s %5d → %-5d %s%s\n", sanitizeLine(n), sanitizeLine(p.Protocol), p.Internal, p.External, sanitizeLine(p.Link), tls)
	}

	if len(s.Sessions) > 0 {
		section("SESSIONS")
		for _, ses := range s.Sessions {
			fmt.Fprintf(&b, "  %-14s %-10s %-8s users %d ready %v linked %v\n", sanitizeLine(ses.SessionID), ses.Status.Name(), sanitizeLine(ses.Kind), ses.UserCount, ses.Ready, ses.Linked)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", st.Muted.Render("status as of "+formatAge(now.Sub(row.EnrichedAt))+" ago · y raw JSON · c copy"))
	return b.String()
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
		d.metrics.apply(msg, d.id)
		d.refreshMetrics()
		d.rebuild()
	case clockMsg:
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
	case km.Is(msg, ActLogs):
		id := d.id
		return func() tea.Msg { return openLogsMsg{ids: []string{id}} }
	case km.Is(msg, ActCopy):
		d.copying = true
		return flashCmd("copy: i request id · f FQDN · l link of the first port · esc cancel", false)
	case km.Is(msg, ActUp):
		d.vp.LineUp(1)
	case km.Is(msg, ActDown):
		d.vp.LineDown(1)
	case km.Is(msg, ActPageUp):
		d.vp.ViewUp()
	case km.Is(msg, ActPageDown):
		d.vp.ViewDown()
	case km.Is(msg, ActTop):
		d.vp.GotoTop()
	case km.Is(msg, ActBottom):
		d.vp.GotoBottom()
	}
	return nil
}

// copy puts the chosen value on the clipboard through OSC 52.
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
	if err := copyToClipboard(d.env.Clipboard, value); err != nil {
		return flashCmd("copy failed: "+err.Error(), true)
	}
	return flashCmd("copied "+what+" "+sanitizeLine(value)+" (OSC 52)", false)
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
	title := d.env.Styles.Title.Render("Deployment "+d.id) + d.env.Styles.Muted.Render("  "+mode)
	if d.showMet {
		return padLine(title, d.width) + "\n" + d.metrics.view()
	}
	return padLine(title, d.width) + "\n" + d.vp.View()
}

// ShortHelp implements help.KeyMap.
func (d *detailView) ShortHelp() []key.Binding {
	return d.env.Keys.Bindings(ActBack, ActLogs, ActJSON, ActCopy, ActToggleMetric, ActUp, ActDown, ActHelp)
}

// FullHelp implements help.KeyMap.
func (d *detailView) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		d.env.Keys.Bindings(ActBack, ActLogs, ActJSON, ActCopy),
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
