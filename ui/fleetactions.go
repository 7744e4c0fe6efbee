package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// Smart Fleet operations, as audited.
const (
	fleetEnable  = "fleet-enable"
	fleetDisable = "fleet-disable"
	fleetLink    = "fleet-link"
	fleetUnlink  = "fleet-unlink"
)

// fleetActions are the Fleets tab's keys on the selected row.
func (a *App) fleetActions() map[Action]rowAction {
	return map[Action]rowAction{
		ActToggleFleet:   requestRow(ActToggleFleet),
		ActLinkVersion:   requestRow(ActLinkVersion),
		ActUnlinkVersion: requestRow(ActUnlinkVersion),
	}
}

// smartFleetOf is the Smart Fleet on row, or the message saying why there
// is none (no row, a private fleet). what is the action, for the message.
func smartFleetOf(row *catalogRow, ok bool, what string) (string, string) {
	if !ok {
		return "", "no fleet selected"
	}
	ref, isFleet := row.subject.(fleetRef)
	switch {
	case !isFleet:
		return "", "no fleet selected"
	case !ref.smart:
		return "", ref.name + " is a private fleet: only Smart Fleets can " + what + " (private fleets are managed through their hosts)"
	}
	return ref.name, ""
}

// fleetIndex is the position of the Smart Fleet name in the catalog, or -1.
func (c *catalog) fleetIndex(name string) int {
	for i, f := range c.Fleets {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// askToggleFleet confirms flipping the selected Smart Fleet's enabled flag.
func (a *App) askToggleFleet(row *catalogRow, ok bool) tea.Cmd {
	name, why := smartFleetOf(row, ok, "be enabled or disabled")
	if why != "" {
		return a.setFlash(why, true)
	}
	i := a.cat.fleetIndex(name)
	if i < 0 {
		return a.setFlash("Smart Fleet "+name+" is no longer listed", true)
	}
	was := a.cat.Fleets[i].Enabled
	verb := "Enable"
	if was {
		verb = "Disable"
	}
	lines := []string{
		"Smart Fleet " + name + ": enabled " + yesNo(was) + " → " + yesNo(!was),
		policyCountLine(a.cat, name),
	}
	a.dialog = newConfirm(a.env.Styles, a.env.Keys, verb+" Smart Fleet "+name+"?", lines, verb)
	a.onConfirm = func() tea.Cmd { return a.sendToggleFleet(name, !was) }
	return nil
}

func policyCountLine(c *catalog, fleet string) string {
	ps, ok := c.Policies[fleet]
	if !ok {
		return "its policies are not read yet"
	}
	n := fmt.Sprintf("%d policies", len(ps))
	if len(ps) == 1 {
		n = "1 policy"
	}
	return n + " (they apply only while the fleet is enabled)"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// setFleetEnabled shows enabled in the fleet's row at once; it reports
// whether the catalog knew the fleet.
func (a *App) setFleetEnabled(name string, enabled bool) bool {
	i := a.cat.fleetIndex(name)
	if i < 0 {
		return false
	}
	f := a.cat.Fleets[i]
	f.Enabled = enabled
	a.noteFleet(f)
	return true
}

// noteFleet shows a fleet an action changed: the engine keeps it until the
// next read of the fleets.
func (a *App) noteFleet(f api.Fleet) {
	a.view.NoteFleet(f)
	a.catchUp()
	a.catalogChanged()
}

// catalogChanged rebuilds the tabs built from the catalog.
func (a *App) catalogChanged() {
	a.tabs[tabFleets].dataChanged()
	a.tabs[tabPolicies].dataChanged()
}

// fleetToggleDoneMsg is the answer to a fleet's enabled change.
type fleetToggleDoneMsg struct {
	sentFrom
	act      string // the audit's action id
	name     string
	enabled  bool // what was asked
	optimist bool // the row was changed before the answer
	fleet    *api.Fleet
	err      error
}

// sendToggleFleet shows the new flag at once and sends the change.
func (a *App) sendToggleFleet(name string, enabled bool) tea.Cmd {
	optimist := a.setFleetEnabled(name, enabled)
	op := fleetDisable
	if enabled {
		op = fleetEnable
	}
	act := a.beginAction(fleetToggleAudit(op, name, enabled), op+" of "+name)
	ctx, c, o := a.sender()
	return func() tea.Msg {
		f, err := c.UpdateFleet(ctx, name, api.FleetUpdate{Enabled: &enabled})
		return fleetToggleDoneMsg{sentFrom: o, act: act, name: name, enabled: enabled, optimist: optimist, fleet: f, err: err}
	}
}

// onFleetToggleDone reports and audits the change; a failure rolls the row back.
func (a *App) onFleetToggleDone(m fleetToggleDoneMsg) tea.Cmd {
	op, verb := fleetDisable, "disable"
	if m.enabled {
		op, verb = fleetEnable, "enable"
	}
	entry := fleetToggleAudit(op, m.name, m.enabled)
	entry.ID = m.act
	if m.err != nil {
		if unknown, why := a.auditFailed(entry, m.err); unknown {
			return tea.Batch(a.setFlash(op+" of Smart Fleet "+m.name+": outcome unknown ("+why+") — re-reading the fleet…", true), a.checkFleet(m.act, op, m))
		}
		if m.optimist {
			a.setFleetEnabled(m.name, !m.enabled)
		}
		return a.fleetFailure(verb+" Smart Fleet "+m.name, m.err, true)
	}
	entry.Outcome, entry.HTTPStatus = "ok", http.StatusOK
	a.audit(entry)
	if m.fleet != nil && m.fleet.Name == m.name {
		a.noteFleet(*m.fleet)
	}
	text := "Smart Fleet " + m.name + " " + verb + "d"
	if m.fleet != nil && m.fleet.Enabled != m.enabled {
		text = "Smart Fleet " + m.name + ": the API answered enabled " + yesNo(m.fleet.Enabled) + " after " + verb
		return tea.Batch(a.setFlash(text, true), a.refreshCatalog())
	}
	return tea.Batch(a.setFlash(text, false), a.refreshCatalog())
}

// fleetToggleAudit is the audit entry of a fleet's enabled change.
func fleetToggleAudit(op, name string, enabled bool) model.AuditEntry {
	return model.AuditEntry{Action: op, Targets: []string{name}, Detail: "enabled " + yesNo(!enabled) + " → " + yesNo(enabled)}
}

// refreshCatalog polls the active view again (after a change, so the
// catalog follows the server).
func (a *App) refreshCatalog() tea.Cmd {
	a.view.Refresh()
	return a.plan()
}

// fleetFailure reports a failed Smart Fleet or policy request with its
// cause. A 404 is explained: Smart Fleets were deprecated, or the thing is
// gone; the catalog is re-read either way.
func (a *App) fleetFailure(what string, err error, fleetLevel bool) tea.Cmd {
	text := what + " failed: " + apiCause(err)
	if api.IsNotFound(err) {
		var ae *api.APIError
		errors.As(err, &ae)
		msg := strings.ToLower(ae.Message)
		switch {
		case strings.Contains(msg, "deprecat"): // the answer says it
		case fleetLevel || msg == "" || msg == "not found":
			text += " (Smart Fleets were deprecated on 2026-03-01: this account may no longer have them)"
		}
		return tea.Batch(a.setFlash(text, true), a.refreshCatalog())
	}
	return a.setFlash(text, true)
}

// apiCause is the cause of a failed request as the user should read it:
// the status and the API's message (and the request id it names, if any),
// or the error's last part for other failures.
func apiCause(err error) string {
	var ae *api.APIError
	if !errors.As(err, &ae) {
		if errors.Is(err, api.ErrReadOnly) {
			return "refused: the client is read-only"
		}
		return errorCause(err.Error())
	}
	msg := ae.Message
	if msg == "" {
		msg = http.StatusText(ae.StatusCode)
	}
	s := strconv.Itoa(ae.StatusCode) + " " + msg
	if ae.RequestID != "" {
		s += " (request id " + ae.RequestID + ")"
	}
	return s
}

// Fields of the link form.
const (
	linkApp = iota
	linkVersion
)

// askFleetLink asks for the app version to link to (or unlink from) the
// selected Smart Fleet, then confirms it. The API lists no linked
// versions, so they are typed.
func (a *App) askFleetLink(row *catalogRow, ok bool, op string) tea.Cmd {
	name, why := smartFleetOf(row, ok, "link app versions")
	if why != "" {
		return a.setFlash(why, true)
	}
	title, verb, prep := "Link an app version to "+name, "Link", "to"
	intro := "The app version will be deployable on Smart Fleet " + name + "."
	if op == fleetUnlink {
		title, verb, prep = "Unlink an app version from "+name, "Unlink", "from"
		intro = "The API does not list linked versions: type the one to unlink."
	}
	form := newForm(a.env.Styles, a.env.Keys, title, []string{intro}, []formField{
		{Label: "application", Placeholder: "app name", Validate: required("the application")},
		{Label: "version", Placeholder: "version name", Validate: required("the version")},
	}, "Next", nil)
	a.dialog = form
	a.onConfirm = func() tea.Cmd {
		app, version := form.Value(linkApp), form.Value(linkVersion)
		q := fmt.Sprintf("%s %s %s %s Smart Fleet %s?", verb, app, version, prep, name)
		a.dialog = newConfirm(a.env.Styles, a.env.Keys, q, []string{"fleet " + name, "application " + app, "version " + version}, verb)
		a.onConfirm = func() tea.Cmd { return a.sendFleetLink(op, name, app, version) }
		return nil
	}
	return nil
}

// required is a form validation: the value must not be empty.
func required(what string) func(string) error {
	return func(v string) error {
		if v == "" {
			return errors.New(what + " is required")
		}
		return nil
	}
}

// fleetLinkDoneMsg is the answer to a link or unlink.
type fleetLinkDoneMsg struct {
	sentFrom
	act                 string // the audit's action id
	op                  string // fleetLink or fleetUnlink
	fleet, app, version string
	err                 error
}

// sendFleetLink links or unlinks app version on fleet.
func (a *App) sendFleetLink(op, fleet, app, version string) tea.Cmd {
	act := a.beginAction(model.AuditEntry{Action: op, Targets: []string{fleet}, Detail: "app " + app + " version " + version}, op+" of "+fleet)
	ctx, c, o := a.sender()
	return func() tea.Msg {
		var err error
		if op == fleetLink {
			_, err = c.LinkFleetAppVersion(ctx, fleet, app, version)
		} else {
			err = c.UnlinkFleetAppVersion(ctx, fleet, app, version)
		}
		return fleetLinkDoneMsg{sentFrom: o, act: act, op: op, fleet: fleet, app: app, version: version, err: err}
	}
}

// onFleetLinkDone reports and audits a link or unlink.
func (a *App) onFleetLinkDone(m fleetLinkDoneMsg) tea.Cmd {
	entry := model.AuditEntry{ID: m.act, Action: m.op, Targets: []string{m.fleet}, Detail: "app " + m.app + " version " + m.version}
	what := "link " + m.app + " " + m.version + " to Smart Fleet " + m.fleet
	done := m.app + " " + m.version + " linked to Smart Fleet " + m.fleet
	status := http.StatusOK
	if m.op == fleetUnlink {
		what = "unlink " + m.app + " " + m.version + " from Smart Fleet " + m.fleet
		done = m.app + " " + m.version + " unlinked from Smart Fleet " + m.fleet
		status = http.StatusNoContent
	}
	if m.err != nil {
		if unknown, why := a.auditFailed(entry, m.err); unknown {
			// The API lists no linked versions: nothing to re-read.
			return a.setFlash(what+": outcome unknown ("+why+"): the API cannot list linked versions — check it in the dashboard", true)
		}
		return a.fleetFailure(what, m.err, false)
	}
	entry.Outcome, entry.HTTPStatus = "ok", status
	a.audit(entry)
	return a.setFlash(done, false)
}
