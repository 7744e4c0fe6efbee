package model

import (
	"slices"

	"github.com/gapdeck/gapdeck/api"
)

// ApplyApps folds the applications list in.
func (c *Catalog) ApplyApps(apps []api.Application, err error) error {
	if err == nil {
		c.Apps, c.AppsLoaded = apps, true
		for name := range c.Versions { // an application no longer listed: its versions go too
			if !slices.ContainsFunc(apps, func(a api.Application) bool { return a.Name == name }) {
				delete(c.Versions, name)
				delete(c.VersionsErr, name)
			}
		}
	}
	return err
}

// ApplyVersions folds one application's versions in (a 404: the
// application is gone, an answer).
func (c *Catalog) ApplyVersions(app string, versions []api.AppVersion, err error) error {
	delete(c.VersionsErr, app)
	switch {
	case api.IsNotFound(err):
		delete(c.Versions, app)
		return nil
	case err == nil:
		c.Versions[app] = versions
	default:
		c.VersionsErr[app] = err
	}
	return err
}

// ApplyVersionCount folds in the API's count of one version's
// deployments.
func (c *Catalog) ApplyVersionCount(app, version string, total int, err error) error {
	if err == nil {
		c.VersionCounts[VersionKey{app, version}] = total
	}
	return err
}

// AppNames are the applications' names, in the API's order.
func (c *Catalog) AppNames() []string {
	names := make([]string, len(c.Apps))
	for i, a := range c.Apps {
		names[i] = a.Name
	}
	return names
}

// App is the application named name, if the catalog lists it.
func (c *Catalog) App(name string) (api.Application, bool) {
	i := slices.IndexFunc(c.Apps, func(a api.Application) bool { return a.Name == name })
	if i < 0 {
		return api.Application{}, false
	}
	return c.Apps[i], true
}

// Version is the version of app named name, if the catalog has it.
func (c *Catalog) Version(app, name string) (api.AppVersion, bool) {
	vs := c.Versions[app]
	i := slices.IndexFunc(vs, func(v api.AppVersion) bool { return v.Name == name })
	if i < 0 {
		return api.AppVersion{}, false
	}
	return vs[i], true
}

// PutApp replaces the application named a.Name with a (an action's
// answer, or its optimistic change); it reports whether the catalog had
// it.
func (c *Catalog) PutApp(a api.Application) bool {
	i := slices.IndexFunc(c.Apps, func(o api.Application) bool { return o.Name == a.Name })
	if i < 0 {
		return false
	}
	c.Apps = slices.Clone(c.Apps)
	c.Apps[i] = a
	return true
}

// PutVersion replaces the version v.Name of app with v; it reports
// whether the catalog had it.
func (c *Catalog) PutVersion(app string, v api.AppVersion) bool {
	vs := c.Versions[app]
	i := slices.IndexFunc(vs, func(o api.AppVersion) bool { return o.Name == v.Name })
	if i < 0 {
		return false
	}
	vs = slices.Clone(vs)
	vs[i] = v
	c.Versions[app] = vs
	return true
}
