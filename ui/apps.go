package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/table"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// The applications view (`:apps`, v) and one application's versions page
// (enter on an application). Both are sub-views over the tabs, fed by the
// engine's catalog while they are open (model.ViewApps, ViewVersions);
// x on a row is the kill switch (appactions.go).

// appRef names the application on an Apps row; versionRef the version on
// a versions row.
type (
	appRef     struct{ app string }
	versionRef struct{ app, version string }
)

// openVersionsMsg asks the root to open an application's versions page
// over the applications view.
type openVersionsMsg struct{ app string }

// reopenSubMsg asks the root to show a sub-view again (esc on a versions
// page goes back to the applications it was opened from).
type reopenSubMsg struct{ v subView }

// noStorage is what a version without endpoint storage says.
const noStorage = "none: logs are lost at stop"

// ---- Applications

var appColumns = []table.Column{
	{Key: "name", Title: "NAME", MinWidth: 12, Flex: 2},
	{Key: "active", Title: "ACTIVE", Width: 6},
	{Key: "versions", Title: "VERSIONS", Width: 8, Align: table.AlignRight},
	{Key: "inactive", Title: "INACTIVE VERSIONS", MinWidth: 17, Flex: 2, Hide: 90},
	{Key: "created", Title: "CREATED", Width: 7, Align: table.AlignRight},
	{Key: "updated", Title: "UPDATED", Width: 7, Align: table.AlignRight},
}

func (c *catalog) appRows(now time.Time) ([]*catalogRow, string, bool) {
	rows := make([]*catalogRow, 0, len(c.Apps))
	for _, app := range c.Apps {
		count, tone, inactive := "…", theme.ToneMuted, "—"
		if vs, ok := c.Versions[app.Name]; ok {
			count, tone = strconv.Itoa(len(vs)), theme.ToneNormal
			var off []string
			for _, v := range vs {
				if !v.Active() {
					off = append(off, v.Name)
				}
			}
			if len(off) > 0 {
				inactive = strings.Join(off, ", ")
			}
		} else if c.VersionsErr[app.Name] != nil {
			count, tone = "error", theme.ToneBad
		}
		name := app.Name
		rows = append(rows, (&catalogRow{
			key: app.Name,
			cells: []table.Cell{text(app.Name), activeCell(app.IsActive), toned(count, tone), text(inactive),
				known(app.Loose, "create_time", text(ageOfTime(now, app.CreateTime.Time))),
				known(app.Loose, "last_updated", text(ageOfTime(now, app.LastUpdated.Time)))},
			fields:  fields("app", app.Name),
			sortBy:  map[string]sortValue{"name": str(app.Name)},
			open:    func() tea.Msg { return openVersionsMsg{app: name} },
			subject: appRef{app: app.Name},
		}).finish())
	}
	if !c.AppsLoaded {
		return rows, "Syncing applications…", false
	}
	return rows, "No applications in this organization", true
}

func activeCell(active bool) table.Cell {
	if active {
		return toned("yes", theme.ToneGood)
	}
	return toned("no", theme.ToneBad)
}

// appsView is the applications, as a sub-view.
type appsView struct{ *catalogTab }

func (v *appsView) schedule() (model.View, string) { return model.ViewApps, "" }

// Update is the table's, for the results of its own fetches.
func (v *appsView) Update(msg tea.Msg) (tea.Model, tea.Cmd) { return v, v.updateOwn(msg) }

// ShortHelp is the footer's: v, listed in the full help, would crowd out
// ? there.
func (v *appsView) ShortHelp() []key.Binding {
	return v.env.Keys.Bindings(ActOpen, ActFilter, ActCommand, ActHelp)
}
func (v *appsView) filterKind() string { return "Apps" }

// newAppsView is the applications view.
func (a *App) newAppsView() subView {
	return &appsView{newCatalogTab(a.env, catalogSpec{
		title: "Applications", noun: "application", view: model.ViewApps, columns: appColumns,
		sortKeys: map[Action]string{ActSortName: "name"}, defSort: model.Sort{Column: "name"},
		build:   func() ([]*catalogRow, string, bool) { return a.cat.appRows(a.env.now()) },
		kinds:   []model.JobKind{model.JobApps, model.JobVersions},
		note:    func() string { return "enter: its versions · x: enable/disable new deployments" },
		subject: appsSubject,
		help:    []Action{ActOpen, ActToggleActive, ActApps},
		actions: map[Action]rowAction{ActToggleActive: requestRow(ActToggleActive)},
	})}
}

// appsSubject names what an apps job fetched, for a failed fetch's note.
func appsSubject(j model.Job) string {
	switch j.Kind {
	case model.JobVersions:
		return "versions of " + sanitizeLine(j.App)
	case model.JobListPage:
		return "deployments list (the status mix)"
	case model.JobVersionCount:
		return "count of " + sanitizeLine(j.App+" "+j.Version)
	}
	return "applications"
}

// updateOwn is Update, except that a sub-view receives every result: only
// those of its own fetches reach the table (a failing list watch is not
// the applications' staleness).
func (t *catalogTab) updateOwn(msg tea.Msg) tea.Cmd {
	if r, ok := msg.(jobDoneMsg); ok && !t.owns(r.job.Kind) {
		return nil
	}
	_, cmd := t.Update(msg)
	return cmd
}

// ---- One application's versions

var versionColumns = []table.Column{
	{Key: "name", Title: "VERSION", MinWidth: 16, Flex: 1},
	{Key: "active", Title: "ACTIVE", Width: 6},
	{Key: "created", Title: "CREATED", Width: 8, Align: table.AlignRight, Hide: 100},
	{Key: "caching", Title: "CACHING", Width: 7, Align: table.AlignRight},
	{Key: "deploytime", Title: "TTD", Width: 5, Align: table.AlignRight, Hide: 110},
	{Key: "maxdur", Title: "MAX DUR", Width: 8, Align: table.AlignRight, Hide: 90},
	{Key: "restart", Title: "RESTART", Width: 10, Hide: 130},
	{Key: "cpu", Title: "CPU", Width: 4, Align: table.AlignRight, Hide: 130},
	{Key: "memory", Title: "MEM MB", Width: 6, Align: table.AlignRight, Hide: 130},
	{Key: "gpu", Title: "GPU", Width: 3, Align: table.AlignRight, Hide: 140},
	{Key: "storage", Title: "LOG STORAGE", MinWidth: 27, Flex: 1},
	{Key: "ports", Title: "PORTS", MinWidth: 10, Flex: 1, Hide: 130},
	{Key: "count", Title: "DEPLOYS", Width: 7, Align: table.AlignRight},
	{Key: "mix", Title: "STATUS MIX", MinWidth: 12, Flex: 3},
}

func (c *catalog) versionRows(app string, now time.Time) ([]*catalogRow, string, bool) {
	vs, ok := c.Versions[app]
	if !ok {
		if err := c.VersionsErr[app]; err != nil {
			return nil, "Could not load the versions of " + sanitizeLine(app) + ": " + errorSummary(err), false
		}
		return nil, "Syncing the versions of " + sanitizeLine(app) + "…", false
	}
	usage, _ := model.VersionUsages(c.deployments.All())
	rows := make([]*catalogRow, 0, len(vs))
	for _, v := range vs {
		key := model.VersionKey{App: app, Version: v.Name}
		u := usage[key]
		count, mix, mixTone := versionCount(u, c.VersionCounts, key)
		storage, storageTone := v.EndpointStorage, theme.ToneNormal
		if storage == "" {
			storage, storageTone = noStorage, theme.ToneWarn
		}
		version := v.Name
		filter := "app=" + model.QuoteFilterValue(app) + " version=" + model.QuoteFilterValue(v.Name)
		rows = append(rows, (&catalogRow{
			key: v.Name,
			cells: []table.Cell{text(v.Name), activeCell(v.Active()),
				known(v.Loose, "create_time", text(ageOfTime(now, v.CreateTime.Time))),
				known(v.Loose, "caching_percent", cachingCell(v.CachingPercent)),
				known(v.Loose, "time_to_deploy", text(secondsText(v.TimeToDeploy))),
				known(v.Loose, "max_duration", text(maxDurationText(v.MaxDuration))),
				text(orDash(v.RestartPolicy)),
				known(v.Loose, "req_cpu", text(units(int64(v.ReqCPU)))),
				known(v.Loose, "req_memory", text(strconv.FormatInt(int64(v.ReqMemory), 10))),
				known(v.Loose, "req_video", text(units(int64(v.ReqVideo)))),
				toned(storage, storageTone), text(portsText(v.Ports)),
				text(count), toned(mix, mixTone)},
			fields: fields("version", v.Name, "storage", v.EndpointStorage),
			sortBy: map[string]sortValue{"name": str(v.Name), "count": num(float64(max(u.Count, c.VersionCounts[key]))),
				"created": num(float64(v.CreateTime.Unix()))},
			open:    func() tea.Msg { return switchTabMsg{tab: tabDeployments, filter: filter} },
			subject: versionRef{app: app, version: version},
		}).finish())
	}
	return rows, "No versions of " + sanitizeLine(app), true
}

// versionCount is a version's DEPLOYS and STATUS MIX cells: the API's
// count of its deployments when read (else the ones known here), and the
// mix of those whose status was read, "N ?" for the others.
func versionCount(u model.VersionUsage, counts map[model.VersionKey]int, key model.VersionKey) (string, string, theme.Tone) {
	mix, tone := statusMix(u.Mix)
	total, ok := counts[key]
	if !ok {
		return strconv.Itoa(u.Count), mix, tone
	}
	if unknown := total - u.Count; unknown > 0 {
		if u.Count == 0 {
			mix, tone = "", theme.ToneMuted
		} else {
			mix += ", "
		}
		mix += strconv.Itoa(unknown) + " ?"
	}
	return strconv.Itoa(max(total, u.Count)), mix, tone
}

// versionsNote is the versions page's title line: the application's
// state, and how far the deployment counts reach.
func (c *catalog) versionsNote(app string) string {
	state := "app active: …"
	if a, ok := c.App(app); ok {
		state = "app active: " + yesNo(a.IsActive)
	}
	all := c.deployments.All()
	_, known := model.VersionUsages(all)
	if known == len(all) {
		return state + " · enter: its deployments · x: enable/disable"
	}
	return state + fmt.Sprintf(" · status mix from %d of %d deployments (? not read yet)", known, len(all))
}

// cachingCell is caching_percent as a percentage, toned warn below the
// vendor's "good coverage" (0.8): deploys of the version pull the image.
func cachingCell(p *api.Float) table.Cell {
	if p == nil {
		return toned("—", theme.ToneMuted)
	}
	s := strconv.Itoa(int(float64(*p)*100+0.5)) + "%"
	if float64(*p) < api.CachingGood {
		return toned(s, theme.ToneWarn)
	}
	return toned(s, theme.ToneGood)
}

// secondsText is a time_to_deploy.
func secondsText(p *api.Int) string {
	if p == nil {
		return "—"
	}
	return formatAge(time.Duration(*p) * time.Second)
}

// maxDurationText is a version's max_duration (minutes; -1 or 0: none).
func maxDurationText(p *api.Int) string {
	switch {
	case p == nil:
		return "1440m" // the API's default
	case *p <= 0:
		return "none"
	}
	return strconv.FormatInt(int64(*p), 10) + "m"
}

// units is a CPU or GPU request in whole units (1024 = 1).
func units(n int64) string {
	if n == 0 {
		return "0"
	}
	return strconv.FormatFloat(float64(n)/1024, 'f', -1, 64)
}

// portsText lists a version's ports: "7777/udp, 80/tcp".
func portsText(ps []api.AppVersionPort) string {
	if len(ps) == 0 {
		return "—"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = strconv.Itoa(int(p.Port)) + "/" + strings.ToLower(p.Protocol)
	}
	return strings.Join(parts, ", ")
}

// versionsView is one application's versions, as a sub-view; esc goes
// back to the applications it was opened from.
type versionsView struct {
	*catalogTab
	app    string
	parent subView
}

func (v *versionsView) schedule() (model.View, string) { return model.ViewVersions, v.app }
func (v *versionsView) filterKind() string             { return "Versions" }
func (v *versionsView) consumesBack() bool             { return v.parent != nil }

// Update sends esc and q back to the applications; the rest is the
// table's.
func (v *versionsView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && v.parent != nil && (v.env.Keys.Is(k, ActBack) || v.env.Keys.Is(k, ActQuit)) {
		parent := v.parent
		return v, func() tea.Msg { return reopenSubMsg{v: parent} }
	}
	if r, ok := msg.(jobDoneMsg); ok && r.job.Kind == model.JobStatus {
		if r.err == nil {
			v.rebuild() // a status names a deployment's version: the counts move
		}
		return v, nil
	}
	return v, v.catalogTab.updateOwn(msg)
}

// newVersionsView is the versions page of app; parent is the view to go
// back to (nil: esc closes it).
func (a *App) newVersionsView(app string, parent subView) subView {
	return &versionsView{app: app, parent: parent, catalogTab: newCatalogTab(a.env, catalogSpec{
		title: "Versions of " + sanitizeLine(app), noun: "version", view: model.ViewVersions, columns: versionColumns,
		sortKeys: map[Action]string{ActSortName: "name", ActSortCount: "count"}, defSort: model.Sort{Column: "created", Desc: true},
		build:   func() ([]*catalogRow, string, bool) { return a.cat.versionRows(app, a.env.now()) },
		kinds:   []model.JobKind{model.JobVersions, model.JobApps, model.JobListPage, model.JobVersionCount},
		note:    func() string { return a.cat.versionsNote(app) },
		subject: appsSubject,
		help:    []Action{ActOpen, ActToggleActive},
		actions: map[Action]rowAction{ActToggleActive: requestRow(ActToggleActive)},
	})}
}
