package ui

import (
	"fmt"
	"net/http"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// The kill switch: x on an application or a version toggles is_active.
// Disabling refuses new deployments and leaves the running ones alone; the
// dialog says so with their count, and asks for the name typed when some
// may be running. The row changes at once and rolls back on failure.

// Kill switch operations, as audited.
const (
	versionDisable = "version-disable"
	versionEnable  = "version-enable"
	appDisable     = "app-disable"
	appEnable      = "app-enable"
)

// runningOf counts the deployments of app (version "": every version)
// neither ended nor in ERROR. For a version whose deployments the API
// counted (its page is open) that is its count less those known to have
// ended or failed; otherwise the ones whose status was read. complete is
// false when the count is not exact; note then says how.
func (c *catalog) runningOf(app, version string) (running int, complete bool, note string) {
	all := c.deployments.All()
	usage, known := model.VersionUsages(all)
	if version != "" {
		k := model.VersionKey{App: app, Version: version}
		if total, ok := c.VersionCounts[k]; ok {
			u := usage[k]
			running = max(total-(u.Count-u.Running), u.Running)
			if unread := total - u.Count; unread > 0 {
				return running, false, fmt.Sprintf("(the API counts %d; %d of them not read yet, some may have ended)", total, unread)
			}
			return running, true, ""
		}
	}
	for k, u := range usage {
		if k.App == app && (version == "" || k.Version == version) {
			running += u.Running
		}
	}
	if known < len(all) {
		return running, false, "(counted among the deployments whose status gapdeck has read; others may run it too)"
	}
	return running, true, ""
}

// askToggleActive confirms flipping is_active of the selected application
// or version.
func (a *App) askToggleActive(row *catalogRow, ok bool) tea.Cmd {
	if !ok {
		return a.setFlash("no application or version selected", true)
	}
	var app, version, name, what string
	var was bool
	switch ref := row.subject.(type) {
	case appRef:
		ap, found := a.cat.App(ref.app)
		if !found {
			return a.setFlash("application "+ref.app+" is no longer listed", true)
		}
		app, name, was, what = ref.app, ref.app, ap.IsActive, "any version of "+ref.app
	case versionRef:
		v, found := a.cat.Version(ref.app, ref.version)
		if !found {
			return a.setFlash(ref.app+" "+ref.version+" is no longer listed", true)
		}
		app, version, name, was = ref.app, ref.version, ref.version, v.Active()
		what = ref.app + " " + ref.version
	default:
		return a.setFlash("no application or version selected", true)
	}
	subject := app
	if version != "" {
		subject = app + " " + version
	}
	if was { // disabling
		running, complete, note := a.cat.runningOf(app, version)
		lines := []string{fmt.Sprintf("No new deployments of %s; the %d running ones are not stopped.", what, running)}
		if running == 1 {
			lines[0] = "No new deployments of " + what + "; the 1 running one is not stopped."
		}
		if note != "" {
			lines = append(lines, note)
		}
		lines = append(lines, "is_active yes → no. Enabling it again takes x once more.")
		title := "Disable " + subject + "?"
		if running > 0 || !complete {
			a.dialog = newTypedConfirm(a.env.Styles, a.env.Keys, title, lines, "Disable", name)
		} else {
			a.dialog = newConfirm(a.env.Styles, a.env.Keys, title, lines, "Disable")
		}
		a.onConfirm = func() tea.Cmd { return a.sendToggleActive(app, version, false, running) }
		return nil
	}
	lines := []string{"New deployments of " + what + " will be accepted again.", "is_active no → yes."}
	if version != "" {
		if ap, ok := a.cat.App(app); ok && !ap.IsActive {
			lines = append(lines, "The application "+app+" itself is disabled: deploys stay refused until it is enabled.")
		}
	}
	a.dialog = newConfirm(a.env.Styles, a.env.Keys, "Enable "+subject+"?", lines, "Enable")
	a.onConfirm = func() tea.Cmd { return a.sendToggleActive(app, version, true, 0) }
	return nil
}

// appToggleDoneMsg is the answer to a kill switch.
type appToggleDoneMsg struct {
	sentFrom
	act          string // the audit's action id
	app, version string // version "": the application
	active       bool   // what was asked
	running      int    // the running deployments the dialog counted
	optimist     bool   // the row was changed before the answer
	gotApp       *api.Application
	gotVersion   *api.AppVersion
	err          error
}

// toggleOp is the audited operation of a kill switch.
func toggleOp(version string, active bool) string {
	switch {
	case version == "" && active:
		return appEnable
	case version == "":
		return appDisable
	case active:
		return versionEnable
	}
	return versionDisable
}

// toggleAudit is the audit entry of a kill switch.
func toggleAudit(app, version string, active bool, running int) model.AuditEntry {
	target := app
	if version != "" {
		target = app + " " + version
	}
	detail := "is_active " + yesNo(!active) + " → " + yesNo(active)
	if !active {
		detail += fmt.Sprintf("; %d running deployments not stopped", running)
	}
	return model.AuditEntry{Action: toggleOp(version, active), Targets: []string{target}, Detail: detail}
}

// setActive shows active on the application's or version's row at once;
// it reports whether the catalog knew it.
func (a *App) setActive(app, version string, active bool) bool {
	if version == "" {
		ap, ok := a.cat.App(app)
		if !ok {
			return false
		}
		ap.IsActive = active
		a.view.NoteApp(ap)
	} else {
		v, ok := a.cat.Version(app, version)
		if !ok {
			return false
		}
		v.IsActive = &active
		a.view.NoteVersion(app, v)
	}
	a.catchUp()
	a.appsChanged()
	return true
}

// appsChanged rebuilds the open applications or versions view.
func (a *App) appsChanged() {
	switch v := a.sub.(type) {
	case *appsView:
		v.dataChanged()
	case *versionsView:
		v.dataChanged()
	}
}

// sendToggleActive shows the new state at once and sends it.
func (a *App) sendToggleActive(app, version string, active bool, running int) tea.Cmd {
	optimist := a.setActive(app, version, active)
	entry := toggleAudit(app, version, active, running)
	act := a.beginAction(entry, entry.Action+" of "+entry.Targets[0])
	ctx, c, o := a.sender()
	return func() tea.Msg {
		m := appToggleDoneMsg{sentFrom: o, act: act, app: app, version: version, active: active, running: running, optimist: optimist}
		if version == "" {
			m.gotApp, m.err = c.SetAppActive(ctx, app, active)
		} else {
			m.gotVersion, m.err = c.SetAppVersionActive(ctx, app, version, active)
		}
		return m
	}
}

// onAppToggleDone reports and audits a kill switch; a failure rolls the row
// back, an unknown outcome re-reads it.
func (a *App) onAppToggleDone(m appToggleDoneMsg) tea.Cmd {
	entry := toggleAudit(m.app, m.version, m.active, m.running)
	entry.ID = m.act
	subject := entry.Targets[0]
	verb := "disable"
	if m.active {
		verb = "enable"
	}
	if m.err != nil {
		if unknown, why := a.auditFailed(entry, m.err); unknown {
			return tea.Batch(a.setFlash(verb+" "+subject+": outcome unknown ("+why+") — re-reading it…", true), a.refreshCatalog())
		}
		if m.optimist {
			a.setActive(m.app, m.version, !m.active)
		}
		return tea.Batch(a.setFlash(verb+" "+subject+" failed: "+apiCause(m.err), true), a.refreshCatalog())
	}
	entry.Outcome, entry.HTTPStatus = "ok", http.StatusOK
	a.audit(entry)
	got := m.active
	switch {
	case m.gotVersion != nil && m.gotVersion.Name == m.version:
		got = m.gotVersion.Active()
		a.view.NoteVersion(m.app, *m.gotVersion)
	case m.gotApp != nil && m.gotApp.Name == m.app:
		got = m.gotApp.IsActive
		a.view.NoteApp(*m.gotApp)
	}
	a.catchUp()
	a.appsChanged()
	if got != m.active {
		return tea.Batch(a.setFlash(subject+": the API answered is_active "+yesNo(got)+" after "+verb, true), a.refreshCatalog())
	}
	text := subject + " enabled: new deployments are accepted"
	if !m.active {
		text = fmt.Sprintf("%s disabled: no new deployments; %d running not stopped", subject, m.running)
	}
	return tea.Batch(a.setFlash(text, false), a.refreshCatalog())
}

// openApps shows the applications (unless they are open).
func (a *App) openApps() tea.Cmd {
	if _, open := a.sub.(*appsView); open {
		return nil
	}
	return a.openSub(a.newAppsView())
}

// appCompletions are the known applications starting with prefix.
func (a *App) appCompletions(prefix string) []string {
	var out []string
	for _, name := range a.cat.AppNames() {
		if strings.HasPrefix(name, prefix) {
			out = append(out, name)
		}
	}
	return out
}
