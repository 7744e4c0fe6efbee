// Package pulse answers "how bad, and where?" in one computation: counts
// by status for the whole organization, then by app, by version and by
// location, each with a 15-minute trend of new ERRORs and of new
// deployments per minute, and time-to-READY percentiles of recent
// deployments. It reads the engine's rows and its event log; it keeps no
// state and has no Bubble Tea.
package pulse

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/events"
)

// Minutes is the length of the trends, one bucket per minute.
const Minutes = 15

// RecentFor is how recent a deployment must be (created) for its time to
// READY to count.
const RecentFor = time.Hour

// Scope is what a line of the pulse groups by.
type Scope string

// Scopes, in display order.
const (
	ScopeOrg      Scope = "organization"
	ScopeApp      Scope = "app"
	ScopeVersion  Scope = "version"
	ScopeLocation Scope = "location"
)

// Line is one group's figures.
type Line struct {
	Scope Scope
	Name  string // the app, "app/version", "city, country"; "" for the organization
	// Filter is the Deployments tab filter that shows this group's rows
	// ("" for the organization).
	Filter string

	Total    int
	ByStatus map[api.Status]int // enriched rows by status
	Unknown  int                // rows whose status was never read

	// NewErrors and NewDeployments count, per minute, the deployments that
	// turned ERROR and that were created; index Minutes-1 is the current
	// minute.
	NewErrors      [Minutes]int
	NewDeployments [Minutes]int

	// TimeToReady are the p50 and p95 of the time from creation to READY
	// of the deployments created in the last RecentFor that reached READY
	// (ReadyCount of them; zero: none).
	TimeToReadyP50, TimeToReadyP95 time.Duration
	ReadyCount                     int
}

// Errors is how many of the group's deployments are in ERROR now.
func (l *Line) Errors() int { return l.ByStatus[api.StatusError] }

// Pulse is the whole picture at At.
type Pulse struct {
	At        time.Time
	Org       Line
	Apps      []Line // worst first: most ERRORs, then most deployments, then name
	Versions  []Line
	Locations []Line
}

// Compute builds the pulse at now from every deployment row the engine
// holds and the events it recorded (only those of the last Minutes are
// read: pass the tail of the log).
func Compute(rows []*model.DeploymentRow, evs []events.Event, now time.Time) Pulse {
	p := Pulse{At: now, Org: Line{Scope: ScopeOrg, ByStatus: map[api.Status]int{}}}
	apps, versions, locations := groups{}, groups{}, groups{}
	byID := make(map[string]*model.DeploymentRow, len(rows))
	start := minuteStart(now).Add(-(Minutes - 1) * time.Minute)
	ttr := map[*Line][]time.Duration{}
	for _, r := range rows {
		byID[r.ID] = r
		lines := []*Line{&p.Org}
		if r.Enriched {
			lines = append(lines,
				apps.line(ScopeApp, r.App, "app="+model.QuoteFilterValue(r.App)),
				versions.line(ScopeVersion, r.App+"/"+r.Version, "app="+model.QuoteFilterValue(r.App)+" version="+model.QuoteFilterValue(r.Version)),
				locations.line(ScopeLocation, locationName(r.City, r.Country), locationFilter(r.City, r.Country)))
		}
		ready, hasReady := readyAfter(r)
		for _, l := range lines {
			l.Total++
			if r.Enriched && r.Status != "" {
				l.ByStatus[r.Status]++
			} else {
				l.Unknown++
			}
			if i, ok := bucket(r.Started, start); ok {
				l.NewDeployments[i]++
			}
			if hasReady && now.Sub(r.Started) <= RecentFor {
				ttr[l] = append(ttr[l], ready)
			}
		}
	}
	for _, e := range evs {
		if e.Kind != events.KindStatus || e.To != api.StatusError.Name() || e.Object.Type != events.ObjectDeployment {
			continue
		}
		i, ok := bucket(e.At, start)
		if !ok {
			continue
		}
		p.Org.NewErrors[i]++
		if r, ok := byID[e.Object.ID]; ok && r.Enriched {
			apps[r.App].NewErrors[i]++
			versions[r.App+"/"+r.Version].NewErrors[i]++
			locations[locationName(r.City, r.Country)].NewErrors[i]++
		} else if e.Object.App != "" {
			if l := apps[e.Object.App]; l != nil {
				l.NewErrors[i]++
			}
		}
	}
	for l, ds := range ttr {
		slices.Sort(ds)
		l.ReadyCount = len(ds)
		l.TimeToReadyP50 = percentile(ds, 50)
		l.TimeToReadyP95 = percentile(ds, 95)
	}
	p.Apps, p.Versions, p.Locations = apps.sorted(), versions.sorted(), locations.sorted()
	return p
}

// groups are the lines of one scope by name.
type groups map[string]*Line

func (g groups) line(scope Scope, name, filter string) *Line {
	l := g[name]
	if l == nil {
		l = &Line{Scope: scope, Name: name, Filter: filter, ByStatus: map[api.Status]int{}}
		g[name] = l
	}
	return l
}

// sorted lists the lines worst first.
func (g groups) sorted() []Line {
	out := make([]Line, 0, len(g))
	for _, l := range g {
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b Line) int {
		return cmp.Or(
			cmp.Compare(b.Errors(), a.Errors()),
			cmp.Compare(sum(b.NewErrors), sum(a.NewErrors)),
			cmp.Compare(b.Total, a.Total),
			cmp.Compare(a.Name, b.Name))
	})
	return out
}

func sum(xs [Minutes]int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// readyAfter is how long after its creation r became READY: the status
// answer's elapsed_time counts seconds since READY, so READY was at
// EnrichedAt - elapsed.
func readyAfter(r *model.DeploymentRow) (time.Duration, bool) {
	if !r.Enriched || r.Status != api.StatusReady || r.Detail == nil || r.Started.IsZero() || r.EnrichedAt.IsZero() {
		return 0, false
	}
	readyAt := r.EnrichedAt.Add(-time.Duration(r.Detail.ElapsedTime) * time.Second)
	d := readyAt.Sub(r.Started)
	if d < 0 {
		return 0, false
	}
	return d.Round(time.Second), true
}

// percentile is the nearest-rank percentile of sorted ds.
func percentile(ds []time.Duration, pct int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	rank := (pct*len(ds) + 99) / 100
	return ds[max(rank, 1)-1]
}

func minuteStart(t time.Time) time.Time { return t.Truncate(time.Minute) }

// bucket is t's minute in the trend that starts at start.
func bucket(t, start time.Time) (int, bool) {
	if t.IsZero() || t.Before(start) {
		return 0, false
	}
	i := int(t.Sub(start) / time.Minute)
	if i >= Minutes {
		return 0, false // a clock ahead of ours: not in the window
	}
	return i, true
}

func locationName(city, country string) string {
	switch {
	case city != "" && country != "":
		return city + ", " + country
	case city != "":
		return city
	case country != "":
		return country
	}
	return "unknown location"
}

// locationFilter is the filter of a location: city and country, exact.
func locationFilter(city, country string) string {
	var terms []string
	if city != "" {
		terms = append(terms, "city="+model.QuoteFilterValue(city))
	}
	if country != "" {
		terms = append(terms, "country="+model.QuoteFilterValue(country))
	}
	return strings.Join(terms, " ")
}
