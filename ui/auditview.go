package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/termtext"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// Audit view tuning.
const (
	// auditLimit is how many of the newest entries the view reads.
	auditLimit = 500
	// auditReread is the shortest pause between two reads of the file.
	auditReread = 2 * time.Second
)

// Audit table column widths (the targets column takes what is left).
const (
	auditTimeW   = 19 // "2006-01-02 15:04:05"
	auditActionW = 14 // the longest action, "deploy-private"
	auditHTTPW   = 4
	auditSepW    = 2
)

// auditView shows the newest actions of the audit log, newest first: time,
// action, targets, outcome and HTTP status of each mutating action. The
// records of one action (attempted, its outcome, a later resolution) are
// one row: an attempt without an outcome reads "in flight" while this
// console waits for its answer, "no outcome recorded" otherwise; an
// unknown outcome and its resolution read "resolved: … ← unknown …". It
// rereads the file as jobs finish and the clock ticks, at most every 2 s.
type auditView struct {
	env           *Env
	width, height int

	entries []model.AuditAction // newest first
	err     error
	readAt  time.Time // env clock when the file was last read
	read    bool
	offset  int // first entry on screen
}

func newAuditView(env *Env) subView {
	v := &auditView{env: env}
	v.reload()
	return v
}

func (v *auditView) schedule() (model.View, string) { return model.ViewDeployments, "" }
func (v *auditView) name() termtext.Safe            { return "Audit" }

// Init implements tea.Model.
func (v *auditView) Init() tea.Cmd { return nil }

// SetSize implements Component.
func (v *auditView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.clamp()
}

// reload reads the newest entries of the audit file.
func (v *auditView) reload() {
	v.readAt, v.read = v.env.now(), true
	if v.env.Audit == nil {
		v.entries, v.err = nil, nil
		return
	}
	entries, err := model.ReadAudit(v.env.Audit.Path(), auditLimit)
	v.err = err
	if err != nil {
		return // keep what was shown
	}
	entries = append(entries, v.env.Audit.Unwritten()...) // begun, their record on its way to the file
	acts := model.PairAudit(entries)
	slices.Reverse(acts)
	v.entries = acts
	v.clamp()
}

// maybeReload rereads the file unless it was read less than 2 s ago.
func (v *auditView) maybeReload() {
	now := v.env.now()
	if !v.read || now.Sub(v.readAt) >= auditReread || now.Before(v.readAt) {
		v.reload()
	}
}

// bodyHeight is how many entries fit under the title and column header.
func (v *auditView) bodyHeight() int { return max(1, v.height-2) }

// clamp keeps the offset inside the entries.
func (v *auditView) clamp() {
	v.offset = min(v.offset, len(v.entries)-v.bodyHeight())
	v.offset = max(v.offset, 0)
}

// Update implements tea.Model.
func (v *auditView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case jobDoneMsg, clockMsg:
		v.maybeReload()
	case tea.KeyMsg:
		km := v.env.Keys
		page := max(1, v.bodyHeight()-1)
		switch {
		case km.Is(msg, ActDown):
			v.offset++
		case km.Is(msg, ActUp):
			v.offset--
		case km.Is(msg, ActPageDown):
			v.offset += page
		case km.Is(msg, ActPageUp):
			v.offset -= page
		case km.Is(msg, ActTop):
			v.offset = 0
		case km.Is(msg, ActBottom):
			v.offset = len(v.entries)
		}
		v.clamp()
	}
	return v, nil
}

// columns are the widths of the outcome and targets columns at width w.
func auditColumns(w int) (targets, outcome int) {
	rest := w - auditTimeW - auditActionW - auditHTTPW - 4*auditSepW
	outcome = max(10, rest*3/5) // an unknown outcome and its resolution need room
	targets = max(0, rest-outcome)
	return targets, outcome
}

// auditCell pads or cuts s to exactly w cells.
func auditCell(s string, w int) string { return padLine(s, w) }

// auditTime is an entry's time in UTC: HH:MM:SS today, with the date
// otherwise.
func auditTime(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04:05")
	}
	return t.Format("2006-01-02 15:04:05")
}

// View implements tea.Model: exactly height lines of width cells.
func (v *auditView) View() string {
	if v.width <= 0 || v.height <= 0 {
		return ""
	}
	st := v.env.Styles
	lines := make([]string, 0, v.height)
	add := func(s string) {
		if len(lines) < v.height {
			lines = append(lines, padLine(s, v.width))
		}
	}
	switch {
	case v.env.Audit == nil:
		add(st.Title.Render("Audit log"))
		add("")
		add(st.Muted.Render("  no audit log is being written (actions are not recorded in this session)"))
	default:
		count := auditCount(len(v.entries)) + ", newest first"
		if v.err != nil && len(v.entries) == 0 {
			count = "not read" // "0 actions" would say none were recorded
		}
		title := st.Title.Render("Audit log") + st.Muted.Render(fmt.Sprintf("  %s  %s", count, sanitizeLine(v.env.Audit.Path())))
		add(title)
		tw, ow := auditColumns(v.width)
		sep := strings.Repeat(" ", auditSepW)
		hdr := auditCell("TIME (UTC)", auditTimeW) + sep + auditCell("ACTION", auditActionW) + sep + auditCell("TARGETS", tw) + sep + auditCell("OUTCOME", ow) + sep + auditCell("HTTP", auditHTTPW)
		add(st.TableHeader.Render(hdr))
		if v.err != nil {
			add(st.Tone[theme.ToneBad].Render("  could not read the audit log: " + sanitizeLine(v.err.Error())))
		}
		if len(v.entries) == 0 && v.err == nil {
			add(st.Muted.Render("  no actions recorded yet"))
		}
		now := v.env.now()
		for i := v.offset; i < len(v.entries) && len(lines) < v.height; i++ {
			e := v.entries[i]
			targets := make([]string, len(e.Targets))
			for j, t := range e.Targets {
				targets[j] = sanitizeLine(t)
			}
			outcome, tone := v.outcome(e)
			status := ""
			if e.HTTPStatus != 0 {
				status = strconv.Itoa(e.HTTPStatus)
			}
			row := auditCell(auditTime(e.Time, now), auditTimeW) + sep +
				auditCell(sanitizeLine(e.Action), auditActionW) + sep +
				auditCell(strings.Join(targets, " "), tw) + sep +
				st.Tone[tone].Render(auditCell(outcome, ow)) + sep +
				auditCell(status, auditHTTPW)
			add(row)
		}
	}
	for len(lines) < v.height {
		lines = append(lines, strings.Repeat(" ", v.width))
	}
	return strings.Join(lines, "\n")
}

// outcome is what the view shows of an action's outcome, and its tone.
func (v *auditView) outcome(e model.AuditAction) (string, theme.Tone) {
	if e.Open {
		if v.env.Audit != nil && v.env.Audit.IsPending(e.ID) {
			return "in flight (attempted, no answer yet)", theme.TonePending
		}
		return "unknown — attempted, no outcome recorded: check the targets", theme.ToneWarn
	}
	// Newest first: a resolution reads before the unknown it resolves.
	outs := slices.Clone(e.Outcomes)
	slices.Reverse(outs)
	text := sanitizeLine(strings.Join(outs, " ← "))
	switch {
	case strings.HasPrefix(e.Outcome, "failed"), strings.HasPrefix(e.Outcome, model.OutcomeResolved+": not"):
		return text, theme.ToneBad
	case strings.HasPrefix(e.Outcome, model.OutcomeUnknown):
		return text, theme.ToneWarn
	}
	return text, theme.ToneNormal
}

// ShortHelp implements help.KeyMap.
func (v *auditView) ShortHelp() []key.Binding {
	return v.env.Keys.Bindings(ActUp, ActDown, ActTop, ActBottom, ActBack, ActHelp)
}

// FullHelp implements help.KeyMap.
func (v *auditView) FullHelp() [][]key.Binding {
	return [][]key.Binding{v.ShortHelp()}
}

// auditCount is "1 action" or "n actions".
func auditCount(n int) string {
	if n == 1 {
		return "1 action"
	}
	return strconv.Itoa(n) + " actions"
}
