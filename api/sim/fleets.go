package sim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// smartFleet is a legacy Smart Fleet with its policies and linked versions.
type smartFleet struct {
	name             string
	enabled          bool
	created, updated time.Time
	policies         []*policy
	links            []*fleetLink
}

// policy is a Smart Fleet policy.
type policy struct {
	name             string
	enabled          bool
	typ              string
	minimum, maximum int
	threshold        float64
	data             json.RawMessage
	created, updated time.Time
}

// fleetLink links an app version to a fleet.
type fleetLink struct {
	app, version     string
	created, updated time.Time
}

// fleetStore holds the Smart Fleets in creation order.
type fleetStore struct{ fleets []*smartFleet }

// newFleetStore seeds three fleets with Location, Tag and Coordinates
// policies and linked versions.
func newFleetStore(now time.Time) *fleetStore {
	days := func(n int) time.Time { return now.Add(-time.Duration(n) * 24 * time.Hour) }
	pol := func(name, typ string, min, max int, threshold float64, data string, created time.Time) *policy {
		return &policy{name: name, enabled: true, typ: typ, minimum: min, maximum: max, threshold: threshold, data: json.RawMessage(data), created: created, updated: created}
	}
	link := func(app, version string, created time.Time) *fleetLink {
		return &fleetLink{app: app, version: version, created: created, updated: created}
	}
	return &fleetStore{fleets: []*smartFleet{
		{name: "na-tournament", enabled: true, created: days(40), updated: days(3), policies: []*policy{
			pol("quebec-core", api.PolicyLocation, 2, 10, 0.8, `{"filters":[{"field":"city","values":["Montreal","Toronto"],"filter_type":"any"}]}`, days(40)),
			pol("us-east", api.PolicyLocation, 1, 6, 0.75, `{"filters":[{"field":"country","values":["United States"],"filter_type":"any"},{"field":"city","values":["Ashburn","Miami"],"filter_type":"any"}]}`, days(12)),
		}, links: []*fleetLink{link("kart-racing", "2026.04.2", days(3))}},
		{name: "eu-casual", enabled: true, created: days(25), updated: days(25), policies: []*policy{
			pol("eu-event-tagged", api.PolicyTag, 1, 4, 0.9, `{"tags":["eu-event"]}`, days(25)),
			pol("paris-radius", api.PolicyCoordinates, 1, 3, 0.6, `{"latitude":48.856614,"longitude":2.352222,"radius_km":500}`, days(10)),
		}, links: []*fleetLink{link("cozy-farm", "0.15.1", days(8))}},
		{name: "apac-ranked", enabled: false, created: days(60), updated: days(14), policies: []*policy{
			pol("asia-no-india", api.PolicyLocation, 1, 8, 0.7, `{"filters":[{"field":"continent","values":["Asia"],"filter_type":"any"},{"field":"country","values":["India"],"filter_type":"not"}]}`, days(60)),
		}, links: []*fleetLink{link("arena-shooter", "v1.9.3", days(14)), link("battle-royale", "season-12", days(14))}},
	}}
}

func (st *fleetStore) get(name string) (*smartFleet, bool) {
	for _, f := range st.fleets {
		if f.name == name {
			return f, true
		}
	}
	return nil, false
}

func (st *fleetStore) remove(name string) {
	st.fleets = slices.DeleteFunc(st.fleets, func(f *smartFleet) bool { return f.name == name })
}

func (f *smartFleet) policy(name string) (*policy, bool) {
	for _, p := range f.policies {
		if p.name == name {
			return p, true
		}
	}
	return nil, false
}

func (f *smartFleet) link(app, version string) (*fleetLink, bool) {
	for _, l := range f.links {
		if l.app == app && l.version == version {
			return l, true
		}
	}
	return nil, false
}

func (f *smartFleet) view() api.Fleet {
	created, updated := api.V1Time(f.created), api.V1Time(f.updated)
	return api.Fleet{Name: f.name, Enabled: f.enabled, CreateTime: &created, LastUpdated: &updated}
}

func (p *policy) view() api.Policy {
	created, updated := api.V1Time(p.created), api.V1Time(p.updated)
	maximum := api.Int(p.maximum)
	return api.Policy{
		Name: p.name, Enabled: p.enabled, Type: p.typ, Minimum: api.Int(p.minimum), Maximum: &maximum,
		Threshold: api.Float(p.threshold), Data: p.data, CreateTime: &created, LastUpdated: &updated,
	}
}

func (l *fleetLink) view(fleet string) api.FleetAppVersion {
	created, updated := api.V1Time(l.created), api.V1Time(l.updated)
	return api.FleetAppVersion{App: l.app, AppVersion: l.version, Fleet: fleet, CreateTime: &created, LastUpdated: &updated}
}

// validateFleetName checks a fleet name.
func validateFleetName(name string) error {
	if strings.TrimSpace(name) == "" || len(name) > 100 {
		return fmt.Errorf("fleet name must be 1–100 characters")
	}
	return nil
}

// locationFilterFields are the fields Location policies and v1 deploy
// filters may use.
var locationFilterFields = []string{"city", "country", "continent", "administrative_division"}

// validateLocationFilters checks location filters.
func validateLocationFilters(filters []api.LocationFilter) error {
	for _, f := range filters {
		if !slices.Contains(locationFilterFields, f.Field) {
			return fmt.Errorf("filter field must be one of %s, got %q", strings.Join(locationFilterFields, ", "), f.Field)
		}
		if !slices.Contains([]string{api.MatchAny, api.MatchAll, api.MatchNot}, f.FilterType) {
			return fmt.Errorf("filter_type must be any, all or not, got %q", f.FilterType)
		}
	}
	return nil
}

// validatePolicyData checks that data is an object and, for Location
// policies, holds valid filters.
func validatePolicyData(typ string, data json.RawMessage) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		return fmt.Errorf("data must be a JSON object")
	}
	if typ != api.PolicyLocation {
		return nil
	}
	var pf api.PolicyFilters
	if err := json.Unmarshal(data, &pf); err != nil {
		return fmt.Errorf("data.filters: %v", err)
	}
	return validateLocationFilters(pf.Filters)
}
