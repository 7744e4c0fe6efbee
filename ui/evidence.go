package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/termtext"
)

// Stops that keep the evidence (API-NOTES §6.3). A deployment's container
// logs are deleted at stop unless its app version has endpoint storage.
// The stop dialogs learn, when they open, whether each target's version
// has it, say plainly when logs will be lost, and offer to save each
// deployment's current logs to a local file first or, when the
// organization has storage endpoints, to send
// container_log_storage=<endpoint> with the stop (a bulk stop then sends
// one stop request per deployment: the bulk-stop request has no such
// parameter). The audit records the
// choice.

// evidenceTTL is how long a version's endpoint storage and the list of
// storage endpoints are trusted. They change rarely (a version is edited
// in the dashboard); a short TTL bounds the requests a burst of stops
// makes (one GET per distinct version per TTL) while a change is still
// seen within minutes.
const evidenceTTL = 2 * time.Minute

// maxEvidence bounds the version reads of one stop dialog: a bulk stop
// across more distinct versions leaves the rest "not checked". A
// variable only so a test can lower it.
var maxEvidence = 16

// versionKey names an app version.
type versionKey struct{ app, version string }

func (k versionKey) String() string { return k.app + " " + k.version }

// versionFact is what a version read taught: its endpoint storage ("" for
// none), or why it could not be read.
type versionFact struct {
	storage string
	err     string
	at      time.Time
}

// evidenceCache holds, for the session, the versions' endpoint storage
// and the organization's storage endpoints, each for evidenceTTL.
type evidenceCache struct {
	versions     map[versionKey]versionFact
	endpoints    []string
	endpointsErr string
	endpointsAt  time.Time
}

// evidenceMsg is the answer of the reads a stop dialog asked for.
type evidenceMsg struct {
	sentFrom
	versions     map[versionKey]versionFact
	endpoints    []string
	endpointsErr string
	readEnds     bool // the endpoints were read (else the cache's stand)
	at           time.Time
}

// logChoice is what the user chose to do with the logs before a stop.
type logChoice int

const (
	logsAsIs      logChoice = iota // stop; the logs go unless the version keeps them
	logsSaveFirst                  // save each target's current logs to a file, then stop
	logsToStorage                  // send container_log_storage=<endpoint> with the stop
)

// stopEvidence is what a stop dialog knows of its targets' logs.
type stopEvidence struct {
	pending   bool
	notKept   []string // targets whose version has no endpoint storage
	unknown   []string // targets whose version is not known or could not be read
	why       string   // why the first unknown one could not be checked
	lost      []string // the versions without endpoint storage
	kept      []string // the endpoint storages of the versions that have one
	endpoints []string // the organization's storage endpoints
}

// atRisk is every target whose logs may be deleted at stop.
func (e stopEvidence) atRisk() []string { return slices.Concat(e.notKept, e.unknown) }

// targetVersions maps the targets to their versions; those whose version
// is not known yet (not enriched) map to the zero key.
func (a *App) targetVersions(ids []string) map[string]versionKey {
	out := make(map[string]versionKey, len(ids))
	for _, id := range ids {
		if row, ok := a.store.Get(id); ok && row.Enriched && row.App != "" && row.Version != "" {
			out[id] = versionKey{row.App, row.Version}
		} else {
			out[id] = versionKey{}
		}
	}
	return out
}

// checkEvidence reads what the cache does not hold fresh: one GET per
// distinct version of the targets (at most maxEvidence) and the
// storage endpoints once. Each read is made once, never retried here (the
// client's own retry of idempotent reads applies); a failure leaves the
// version "not checked", which the dialog says. It returns nil when
// everything is fresh.
func (a *App) checkEvidence(ids []string) tea.Cmd {
	now := a.env.now()
	var todo []versionKey
	for _, k := range a.targetVersions(ids) {
		if k == (versionKey{}) || slices.Contains(todo, k) {
			continue
		}
		if f, ok := a.evidence.versions[k]; ok && now.Sub(f.at) < evidenceTTL && f.err == "" {
			continue
		}
		todo = append(todo, k)
	}
	slices.SortFunc(todo, func(x, y versionKey) int { return strings.Compare(x.String(), y.String()) })
	if len(todo) > maxEvidence {
		todo = todo[:maxEvidence]
	}
	readEnds := a.evidence.endpointsAt.IsZero() || now.Sub(a.evidence.endpointsAt) >= evidenceTTL || a.evidence.endpointsErr != ""
	if len(todo) == 0 && !readEnds {
		return nil
	}
	ctx, c, o := a.sender()
	return func() tea.Msg {
		m := evidenceMsg{sentFrom: o, versions: map[versionKey]versionFact{}, readEnds: readEnds, at: now}
		for _, k := range todo {
			v, err := c.AppVersion(ctx, k.app, k.version)
			switch {
			case err != nil:
				m.versions[k] = versionFact{err: errorCause(err.Error()), at: now}
			default:
				m.versions[k] = versionFact{storage: v.EndpointStorage, at: now}
			}
		}
		if readEnds {
			eps, err := c.AllStorageEndpoints(ctx)
			if err != nil {
				m.endpointsErr = errorCause(err.Error())
			}
			for _, e := range eps {
				m.endpoints = append(m.endpoints, e.Name)
			}
		}
		return m
	}
}

// onEvidence keeps what the reads taught and updates an open stop dialog.
func (a *App) onEvidence(m evidenceMsg) {
	if a.evidence.versions == nil {
		a.evidence.versions = map[versionKey]versionFact{}
	}
	for k, f := range m.versions {
		a.evidence.versions[k] = f
	}
	if m.readEnds {
		a.evidence.endpoints, a.evidence.endpointsErr, a.evidence.endpointsAt = m.endpoints, m.endpointsErr, m.at
	}
	if d, ok := a.dialog.(*stopConfirm); ok {
		d.setEvidence(a.evidenceFor(d.ids, false))
		a.dlgView.dirty = true
	}
}

// evidenceFor is what the cache says of the targets' logs; pending: the
// reads are still under way, so what is missing is "checking".
func (a *App) evidenceFor(ids []string, pending bool) stopEvidence {
	var e stopEvidence
	if pending {
		e.pending = true
		return e
	}
	for _, id := range ids {
		k := a.targetVersions([]string{id})[id]
		f, ok := a.evidence.versions[k]
		switch {
		case k == (versionKey{}):
			e.unknown = append(e.unknown, id)
			if e.why == "" {
				e.why = "its app version is not known yet"
			}
		case !ok:
			e.unknown = append(e.unknown, id)
			if e.why == "" {
				e.why = k.String() + " was not checked"
			}
		case f.err != "":
			e.unknown = append(e.unknown, id)
			if e.why == "" {
				e.why = "reading " + k.String() + ": " + f.err
			}
		case f.storage == "":
			e.notKept = append(e.notKept, id)
			if !slices.Contains(e.lost, k.String()) {
				e.lost = append(e.lost, k.String())
			}
		default:
			if !slices.Contains(e.kept, f.storage) {
				e.kept = append(e.kept, f.storage)
			}
		}
	}
	e.endpoints = a.evidence.endpoints
	return e
}

// stopConfirm is the stop or bulk-stop confirmation with what happens to
// the logs: it wraps the confirmation (a confirmDialog for one
// deployment, a typedConfirm of the count for several) and adds the
// evidence lines and the save-logs-first [s] and log-storage [o] keys
// (group DIALOGS), offered once the dialog knows logs are at risk. In the
// typed confirmation a key that is part of the count is typed, never a
// choice.
type stopConfirm struct {
	inner    dialog
	frame    *dialogFrame
	hint     *string
	baseHint string
	keys     *KeyMap
	base     []string // the targets' lines
	ids      []string
	want     string // the count to type; "" for one deployment
	ev       stopEvidence
	choice   logChoice
	endpoint int // the chosen endpoint when choice is logsToStorage
}

// newStopConfirm wraps a confirmation of stopping ids; the evidence is
// pending until setEvidence.
func newStopConfirm(km *KeyMap, inner dialog, base, ids []string, want string) *stopConfirm {
	d := &stopConfirm{inner: inner, keys: km, base: base, ids: ids, want: want, ev: stopEvidence{pending: true}}
	switch in := inner.(type) {
	case *confirmDialog:
		d.frame, d.hint = &in.frame, &in.hint
	case *typedConfirm:
		d.frame, d.hint = &in.frame, &in.hint
	}
	d.baseHint = *d.hint
	d.render()
	return d
}

// setEvidence replaces what the dialog knows of the logs.
func (d *stopConfirm) setEvidence(e stopEvidence) {
	d.ev = e
	if len(e.atRisk()) == 0 || d.choice == logsToStorage && len(e.endpoints) == 0 {
		d.choice = logsAsIs
	}
	d.render()
}

func (d *stopConfirm) bulk() bool { return d.want != "" }

// canStorage: container_log_storage can be sent to an endpoint that
// exists. The bulk-stop request has no such parameter, so with it a bulk
// stop becomes one stop request per deployment.
func (d *stopConfirm) canStorage() bool { return len(d.ev.endpoints) > 0 }

// offers reports whether the evidence keys act now.
func (d *stopConfirm) offers() bool { return !d.ev.pending && len(d.ev.atRisk()) > 0 }

// Update handles the evidence keys, then passes the rest to the
// confirmation.
func (d *stopConfirm) Update(msg tea.KeyMsg) dialogResult {
	typed := d.bulk() && msg.Type == tea.KeyRunes && strings.ContainsAny(string(msg.Runes), d.want)
	if d.offers() && !typed {
		switch {
		case d.keys.Is(msg, ActSaveFirst):
			if d.choice == logsSaveFirst {
				d.choice = logsAsIs
			} else {
				d.choice = logsSaveFirst
			}
			d.render()
			return dialogOpen
		case d.keys.Is(msg, ActLogStorage) && d.canStorage():
			switch {
			case d.choice != logsToStorage:
				d.choice, d.endpoint = logsToStorage, 0
			case d.endpoint+1 < len(d.ev.endpoints):
				d.endpoint++
			default:
				d.choice = logsAsIs
			}
			d.render()
			return dialogOpen
		}
	}
	return d.inner.Update(msg)
}

// View draws the confirmation.
func (d *stopConfirm) View(width, height int) string { return d.inner.View(width, height) }

// storageName is the chosen endpoint storage.
func (d *stopConfirm) storageName() string {
	if d.choice != logsToStorage || d.endpoint >= len(d.ev.endpoints) {
		return ""
	}
	return d.ev.endpoints[d.endpoint]
}

// render rebuilds the body and the hint from the evidence and the choice.
func (d *stopConfirm) render() {
	lines := slices.Clone(d.base)
	lines = append(lines, "")
	e := d.ev
	switch {
	case e.pending:
		lines = append(lines, "checking whether the logs are kept…")
	case len(e.atRisk()) == 0:
		lines = append(lines, "The logs are kept: endpoint storage "+strings.Join(e.kept, ", ")+" uploads them at stop.")
	default:
		if n := len(e.notKept); n > 0 {
			lines = append(lines, fmt.Sprintf("The container logs of %s will be deleted at stop: %s has no endpoint storage.", plural(n, "deployment"), strings.Join(e.lost, ", ")))
		}
		if n := len(e.unknown); n > 0 {
			lines = append(lines, fmt.Sprintf("Could not check whether the logs of %s are kept (%s): they may be deleted at stop.", plural(n, "deployment"), e.why))
		}
		switch d.choice {
		case logsSaveFirst:
			lines = append(lines, fmt.Sprintf("Chosen: save the current logs of %s to %s, then stop.", plural(len(d.ids), "deployment"), model.SavedLogsDir()))
		case logsToStorage:
			if d.bulk() {
				lines = append(lines, fmt.Sprintf("Chosen: send container_log_storage=%s: %d stop requests, one per deployment (the bulk-stop request has no such parameter).", d.storageName(), len(d.ids)))
			} else {
				lines = append(lines, "Chosen: send container_log_storage="+d.storageName()+" with the stop (the logs go to that endpoint).")
			}
		default:
			lines = append(lines, "Chosen: stop without keeping the logs.")
		}
		if d.canStorage() {
			lines = append(lines, "Storage endpoints: "+strings.Join(e.endpoints, ", ")+".")
		}
	}
	d.frame.lines = make([]string, len(lines))
	for i, l := range lines {
		d.frame.lines[i] = string(termtext.Line(l))
	}
	hint := d.baseHint
	if d.offers() {
		hint += " · " + d.keys.hintKeys(ActSaveFirst) + " save logs first"
		if d.canStorage() {
			hint += " · " + d.keys.hintKeys(ActLogStorage) + " endpoint storage"
		}
	}
	*d.hint = hint
}

// auditDetail is what the audit records of the choice.
func (d *stopConfirm) auditDetail() string {
	switch {
	case d.choice == logsToStorage:
		return "container_log_storage=" + d.storageName()
	case d.ev.pending:
		return "logs not checked"
	case len(d.ev.atRisk()) == 0:
		return "logs kept: endpoint storage " + strings.Join(d.ev.kept, ", ")
	}
	return "logs not kept"
}

// confirmStop runs the confirmed stop with the chosen handling of the
// logs.
func (a *App) confirmStop(d *stopConfirm) tea.Cmd {
	switch d.choice {
	case logsSaveFirst:
		return a.saveLogsThenStop(d.ids)
	case logsToStorage:
		// One stop each: the bulk-stop request has no container_log_storage.
		cmds := make([]tea.Cmd, 0, len(d.ids))
		for _, id := range d.ids {
			cmds = append(cmds, a.sendStop(id, api.StopOptions{ContainerLogStorage: d.storageName()}, d.auditDetail()))
		}
		return tea.Batch(cmds...)
	}
	if len(d.ids) == 1 {
		return a.sendStop(d.ids[0], api.StopOptions{}, d.auditDetail())
	}
	return a.sendBulkStop(d.ids, d.auditDetail())
}

// logsSavedMsg is the answer of save-logs-first: the file of each
// deployment, or why its logs could not be saved.
type logsSavedMsg struct {
	sentFrom
	ids    []string
	paths  []string // in ids order, for those saved
	failed []string // "<id>: <why>"
}

// saveLogsThenStop reads each target's current logs once (one request a
// deployment, in turn; not retried here), writes each to its own file in
// model.SavedLogsDir, then stops them (logsSavedMsg). Lines are written
// sanitized and without colour.
func (a *App) saveLogsThenStop(ids []string) tea.Cmd {
	ctx, c, o := a.sender()
	at := a.env.now()
	flash := a.setFlash(fmt.Sprintf("saving the logs of %s before the stop…", plural(len(ids), "deployment")), false)
	return tea.Batch(flash, func() tea.Msg {
		m := logsSavedMsg{sentFrom: o, ids: ids}
		for _, id := range ids {
			logs, err := c.ContainerLogs(ctx, id)
			if err != nil {
				m.failed = append(m.failed, id+": "+errorCause(err.Error()))
				continue
			}
			text := strings.TrimSuffix(logs.Logs, "\n")
			var lines []string
			if text != "" {
				for _, l := range strings.Split(text, "\n") {
					lines = append(lines, termtext.SanitizeLog(l, false))
				}
			}
			path, err := writeSavedLogs([]string{id}, at, lines)
			if err != nil {
				m.failed = append(m.failed, id+": "+err.Error())
				continue
			}
			m.paths = append(m.paths, path)
		}
		return m
	})
}

// onLogsSaved stops the deployments once every one's logs are saved. If
// one could not be saved nothing is stopped: the evidence comes first,
// and a new ctrl+d can stop without saving.
func (a *App) onLogsSaved(m logsSavedMsg) tea.Cmd {
	if len(m.failed) > 0 {
		text := "could not save the logs of " + strings.Join(m.failed, "; ") + ": nothing was stopped"
		if len(m.paths) > 0 {
			text += " (saved: " + strings.Join(m.paths, ", ") + ")"
		}
		return a.setFlash(text+"; stop again to stop without saving", true)
	}
	detail := "logs saved to " + strings.Join(m.paths, ", ")
	if len(m.ids) == 1 {
		return a.sendStop(m.ids[0], api.StopOptions{}, detail)
	}
	return a.sendBulkStop(m.ids, detail)
}

// evidenceNote is what a stop's flash says first about the logs: where
// they were saved or sent ("" when nothing was done).
func evidenceNote(detail string) string {
	if strings.HasPrefix(detail, "logs saved to ") || strings.HasPrefix(detail, "container_log_storage=") {
		return detail
	}
	return ""
}
