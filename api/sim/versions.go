package sim

import (
	"fmt"
	"time"
)

// The versions of the simulated applications: what GET
// /v1/app/{app}/versions answers, and what decides whether a deploy is
// accepted and whether the deployments' logs outlive them. The drawn
// world only ever picks an app's versions (see app.versions); the extra
// versions below exist for deploys and for the console to show.

// envSpec is one environment variable of a version.
type envSpec struct {
	key, value string
	hidden     bool
}

// versionSpec is the static description of one application version.
type versionSpec struct {
	name         string
	active       bool    // the initial is_active
	storage      string  // endpoint storage name; "": logs are lost at stop
	caching      float64 // caching_percent, 0–1
	timeToDeploy int     // seconds an image download may take
	pullTimesOut bool    // the image download always exceeds timeToDeploy
	maxDuration  int     // minutes, -1..1440
	restart      string  // always, never, on_failure
	grace        int     // termination_grace_period_seconds
	forceCache   bool
	envs         []envSpec
}

// Endpoint storage names.
const (
	storageS3     = "studio-logs-s3"
	storageNDJSON = "studio-logs-ndjson"
)

// Versions beyond app.versions: never drawn by the world, deployable (or
// not) on request.
const (
	// disabledVersion was disabled after it crashed (is_active false).
	disabledVersion = "2026.05.0-hotfix"
	// slowPullVersion's image download always times out: its deployments
	// go to ERROR after time_to_deploy.
	slowPullVersion = "v2.0.0-rc1"
)

// extraVersions are the versions each app has besides app.versions,
// newest last.
var extraVersions = map[string][]string{
	"kart-racing":   {disabledVersion},
	"arena-shooter": {slowPullVersion},
}

// simRegistryToken and the other values below are the secrets the
// versions and storage endpoints carry, so the redaction has something
// to find (see KnownSecrets).
const (
	simRegistryUser  = "robot$example-studio+pull"
	simRegistryToken = "sim-registry-token-9c4e1a"
	simSharedSecret  = "sim-matchmaker-secret-77b2"
	simAccessKeyS3   = "AKIASIMSTUDIOLOGS0001"
	simAccessKeyND   = "AKIASIMSTUDIOLOGS0002"
)

// versionSpecOf describes version v of app a (every version the app has
// gets one: the table sets what differs from the defaults).
func versionSpecOf(a *app, v string) versionSpec {
	s := versionSpec{
		name: v, active: true, caching: 0.93, timeToDeploy: 120, maxDuration: 1440,
		restart: "always", grace: 30, forceCache: true,
		envs: []envSpec{
			{key: "MM_API_URL", value: "https://mm.example-studio.com/" + a.name},
			{key: "MM_SHARED_SECRET", value: simSharedSecret},
			{key: "ANALYTICS_WRITE_KEY", hidden: true},
		},
	}
	switch a.name + " " + v {
	case "kart-racing 2026.04.2", "battle-royale season-12", "battle-royale season-11":
		s.storage = storageS3
	case "arena-shooter v1.9.3":
		s.storage = storageNDJSON
	case "cozy-farm 0.15.1":
		s.caching, s.forceCache = 0.42, false // a new build, not cached yet: slow deploys
	case "kart-racing " + disabledVersion:
		s.active, s.restart = false, "never"
	case "arena-shooter " + slowPullVersion:
		s.caching, s.forceCache, s.timeToDeploy, s.pullTimesOut = 0.05, false, 30, true
	case "cozy-farm 0.14.0":
		s.maxDuration, s.restart = 240, "on_failure"
	}
	if v == oversizedVersion {
		s.caching = 0
	}
	return s
}

// versionStorage is the endpoint storage of a version ("" for none).
func versionStorage(a *app, v string) string { return versionSpecOf(a, v).storage }

// allVersions lists every version of a, oldest first: the drawn ones, then
// the extra ones.
func (a *app) allVersions() []string {
	return append(append([]string{}, a.versions...), extraVersions[a.name]...)
}

// versionState is a version as the organization has it now.
type versionState struct {
	versionSpec
	created, updated time.Time
}

// appState is an application as the organization has it now.
type appState struct {
	app              *app
	active           bool
	created, updated time.Time
	versions         []*versionState // oldest first
}

// catalog is the organization's applications and versions: static specs
// plus what PATCH changed. The world reads it to refuse arrivals of
// disabled versions. Guarded by the server lock.
type catalog struct {
	apps []*appState
}

// newCatalog creates the applications as they are at start: created
// weeks before it, a version every nine days.
func newCatalog(start time.Time) *catalog {
	c := &catalog{}
	for i := range apps {
		a := &apps[i]
		vs := a.allVersions()
		created := start.Add(-time.Duration(len(vs)+2) * 9 * 24 * time.Hour).Add(time.Duration(i) * 37 * time.Minute)
		st := &appState{app: a, active: true, created: created, updated: created}
		for j, v := range vs {
			at := created.Add(time.Duration(j+1) * 9 * 24 * time.Hour)
			st.versions = append(st.versions, &versionState{versionSpec: versionSpecOf(a, v), created: at, updated: at})
			st.updated = at
		}
		c.apps = append(c.apps, st)
	}
	return c
}

// app finds an application by name.
func (c *catalog) app(name string) (*appState, bool) {
	for _, a := range c.apps {
		if a.app.name == name {
			return a, true
		}
	}
	return nil, false
}

// version finds a version of an application.
func (a *appState) version(name string) (*versionState, bool) {
	for _, v := range a.versions {
		if v.name == name {
			return v, true
		}
	}
	return nil, false
}

// refusal is the message a deploy of app version v gets while it cannot
// be deployed (the app or the version is disabled), or "". The API
// documents no message for it; this one names what is disabled and how
// to enable it.
func (c *catalog) refusal(appName, v string) string {
	a, found := c.app(appName)
	if !found {
		return ""
	}
	if !a.active {
		return fmt.Sprintf("Application %s is not active: deployments are disabled (enable it with is_active)", appName)
	}
	if vs, found := a.version(v); found && !vs.active {
		return fmt.Sprintf("Application version %s %s is not active: deployments are disabled (enable it with is_active)", appName, v)
	}
	return ""
}

// maxDuration is the current max_duration of app version v (0 if unknown):
// what a deployment made now gets.
func (c *catalog) maxDuration(appName, v string) int {
	if a, found := c.app(appName); found {
		if vs, found := a.version(v); found {
			return vs.maxDuration
		}
	}
	return 0
}

// accepts reports whether a new deployment d may start (the world's
// arrivals of a disabled app or version are refused, as the game's
// backend would be).
func (c *catalog) accepts(d *deployment) bool { return c.refusal(d.app.name, d.version) == "" }
