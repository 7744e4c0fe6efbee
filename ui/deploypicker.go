package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
)

// The deploy form's pickers: the application and version fields complete
// from the API's lists (GET /v1/apps, GET /v1/app/{app}/versions), read
// when the form opens. Inactive versions (and applications) are shown as
// such and refused at submit; the chosen version's caching_percent and
// max_duration are shown under its field.

// maxPickerApps bounds the version lists read for the form: the versions
// of at most this many applications (the apps list itself is read through
// the one pager, whose page and row ceilings apply).
const maxPickerApps = 20

// goodCaching is the caching_percent under which deploys pull the image
// (API-NOTES §6.2: above 0.8 is good coverage).
const goodCaching = 0.8

// maxShownChoices is how many choices a field lists under it.
const maxShownChoices = 8

// deployCatalog is what the pickers know: the applications and each one's
// versions, as read at at; err says why a list could not be read.
type deployCatalog struct {
	loading  bool
	at       time.Time
	apps     []api.Application
	versions map[string][]api.AppVersion
	err      string            // the applications could not be listed
	appErr   map[string]string // an application's versions could not be listed
	skipped  int               // applications whose versions were not read (maxPickerApps)
}

// deployCatalogMsg is the answer of the pickers' reads.
type deployCatalogMsg struct {
	sentFrom
	cat *deployCatalog
}

// loadDeployCatalog reads the lists unless the cache is fresh
// (evidenceTTL): the applications, then the versions of each (at most
// maxPickerApps), each read once, never retried here. It returns nil when
// nothing needs reading.
func (a *App) loadDeployCatalog() tea.Cmd {
	now := a.env.now()
	if c := a.deployCat; c != nil && (c.loading || c.err == "" && now.Sub(c.at) < evidenceTTL) {
		return nil
	}
	a.deployCat = &deployCatalog{loading: true}
	ctx, c, o := a.sender()
	return func() tea.Msg {
		cat := &deployCatalog{at: now, versions: map[string][]api.AppVersion{}, appErr: map[string]string{}}
		apps, err := c.AllApps(ctx)
		if err != nil {
			cat.err = errorCause(err.Error())
			return deployCatalogMsg{sentFrom: o, cat: cat}
		}
		slices.SortFunc(apps, func(x, y api.Application) int { return strings.Compare(x.Name, y.Name) })
		cat.apps = apps
		for i, app := range apps {
			if i >= maxPickerApps {
				cat.skipped = len(apps) - i
				break
			}
			vs, err := c.AllAppVersions(ctx, app.Name)
			if err != nil {
				cat.appErr[app.Name] = errorCause(err.Error())
				continue
			}
			cat.versions[app.Name] = vs
		}
		return deployCatalogMsg{sentFrom: o, cat: cat}
	}
}

// onDeployCatalog keeps the lists and redraws an open deploy form.
func (a *App) onDeployCatalog(m deployCatalogMsg) {
	a.deployCat = m.cat
	if f, ok := a.dialog.(*formDialog); ok {
		f.layout()
		a.dlgView.dirty = true
	}
}

// app finds an application by name.
func (c *deployCatalog) app(name string) (api.Application, bool) {
	i := slices.IndexFunc(c.apps, func(x api.Application) bool { return x.Name == name })
	if i < 0 {
		return api.Application{}, false
	}
	return c.apps[i], true
}

// version finds a version of an application.
func (c *deployCatalog) version(app, name string) (api.AppVersion, bool) {
	vs := c.versions[app]
	i := slices.IndexFunc(vs, func(v api.AppVersion) bool { return v.Name == name })
	if i < 0 {
		return api.AppVersion{}, false
	}
	return vs[i], true
}

// appNames are the applications' names.
func (c *deployCatalog) appNames() []string {
	out := make([]string, len(c.apps))
	for i, x := range c.apps {
		out[i] = x.Name
	}
	return out
}

// versionNames are the names of app's versions, newest first.
func (c *deployCatalog) versionNames(app string) []string {
	vs := c.versions[app]
	out := make([]string, 0, len(vs))
	for i := len(vs) - 1; i >= 0; i-- {
		out = append(out, vs[i].Name)
	}
	return out
}

// choices is a field's list of choices that start with text, with
// "(inactive)" after those that refuse deployments.
func choices(names []string, text string, inactive func(string) bool) string {
	var shown []string
	more := 0
	for _, n := range names {
		if !strings.HasPrefix(n, text) {
			continue
		}
		if len(shown) == maxShownChoices {
			more++
			continue
		}
		if inactive(n) {
			n += " (inactive)"
		}
		shown = append(shown, n)
	}
	if len(shown) == 0 {
		return ""
	}
	s := strings.Join(shown, " · ")
	if more > 0 {
		s += fmt.Sprintf(" · … %d more", more)
	}
	return s
}

// appCompletion completes the application field.
func (a *App) appCompletion(_ *formDialog, _ string) []string {
	if c := a.deployCat; c != nil && !c.loading {
		return c.appNames()
	}
	return nil
}

// versionCompletion completes the version field from the application's
// versions.
func (a *App) versionCompletion(f *formDialog, _ string) []string {
	if c := a.deployCat; c != nil && !c.loading {
		return c.versionNames(f.Value(fieldApp))
	}
	return nil
}

// appNotes is what the application field shows under it: the loading
// state or why the list could not be read, the choices while it is
// focused, and an inactive application.
func (a *App) appNotes(_ *formDialog, text string, focused bool) []string {
	c := a.deployCat
	switch {
	case c == nil:
		return nil
	case c.loading:
		return []string{"loading the applications…"}
	case c.err != "":
		return []string{"could not list the applications: " + c.err + " (type the name)"}
	}
	var out []string
	if app, ok := c.app(text); ok && !app.IsActive {
		out = append(out, "✗ "+text+" is inactive: it refuses new deployments")
	}
	if focused {
		if s := choices(c.appNames(), text, func(n string) bool { x, _ := c.app(n); return !x.IsActive }); s != "" && (text == "" || !slices.Contains(c.appNames(), text)) {
			out = append(out, "apps: "+s+" (tab completes)")
		} else if text != "" && !slices.Contains(c.appNames(), text) {
			out = append(out, "not an application the API lists")
		}
	}
	return out
}

// versionNotes is what the version field shows under it: the choices
// while it is focused, and for a known version whether it is active, its
// caching_percent (a warning below goodCaching) and max_duration.
func (a *App) versionNotes(f *formDialog, text string, focused bool) []string {
	c := a.deployCat
	app := f.Value(fieldApp)
	switch {
	case c == nil || c.loading || c.err != "" || app == "":
		return nil
	case c.appErr[app] != "":
		return []string{"could not list the versions of " + app + ": " + c.appErr[app] + " (type the name)"}
	}
	if _, known := c.app(app); !known {
		return nil
	}
	if _, read := c.versions[app]; !read {
		return []string{"the versions of " + app + " were not read (more than " + fmt.Sprint(maxPickerApps) + " applications): type the name"}
	}
	var out []string
	v, ok := c.version(app, text)
	if ok {
		out = append(out, versionFacts(v)...)
	}
	if focused && !ok {
		names := c.versionNames(app)
		if s := choices(names, text, func(n string) bool { x, _ := c.version(app, n); return !x.Active() }); s != "" {
			out = append(out, "versions: "+s+" (tab completes)")
		} else if text != "" {
			out = append(out, "not a version of "+app+" the API lists")
		}
	}
	return out
}

// versionFacts are the lines a chosen version shows: inactive, caching
// and max_duration.
func versionFacts(v api.AppVersion) []string {
	var out []string
	if !v.Active() {
		out = append(out, "✗ inactive: deployments of this version are disabled")
	}
	if v.CachingPercent != nil {
		p := float64(*v.CachingPercent)
		line := fmt.Sprintf("caching %.0f%%", p*100)
		if p < goodCaching {
			line = fmt.Sprintf("⚠ caching %.0f%% (under %.0f%%): deploys will pull the image and be slow", p*100, goodCaching*100)
		}
		out = append(out, line)
	}
	if v.MaxDuration != nil {
		switch m := int(*v.MaxDuration); {
		case m <= 0:
			out = append(out, "max_duration none (Edgegap's 24 h cleanup applies)")
		default:
			out = append(out, fmt.Sprintf("max_duration %d min (%s): deployments are stopped then", m, formatAge(time.Duration(m)*time.Minute)))
		}
	}
	return out
}

// deployCheck refuses, at submit, an inactive application or version the
// API lists (naming the field), with what to do.
func (a *App) deployCheck(f *formDialog) (int, error) {
	c := a.deployCat
	if c == nil || c.loading {
		return -1, nil
	}
	app, version := f.Value(fieldApp), f.Value(fieldVersion)
	if x, ok := c.app(app); ok && !x.IsActive {
		return fieldApp, fmt.Errorf("%s is inactive: it refuses new deployments (enable it first)", app)
	}
	if v, ok := c.version(app, version); ok && !v.Active() {
		return fieldVersion, fmt.Errorf("%s %s is inactive: it refuses new deployments (enable the version first)", app, version)
	}
	return -1, nil
}
