package model

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// FleetRow is one Smart Fleet with a count of its policies.
type FleetRow struct {
	Fleet           api.Fleet
	Policies        int  // policies of the fleet
	EnabledPolicies int  // of which enabled
	PoliciesKnown   bool // the fleet's policies have been fetched
	Rev             uint64
	hay             haystack
}

// FleetRows builds the fleet rows; policies maps a fleet name to its
// policies (absent: not fetched yet).
func FleetRows(fleets []api.Fleet, policies map[string][]api.Policy) []FleetRow {
	out := make([]FleetRow, 0, len(fleets))
	for _, f := range fleets {
		r := FleetRow{Fleet: f}
		ps, known := policies[f.Name]
		r.PoliciesKnown, r.Policies = known, len(ps)
		for _, p := range ps {
			if p.Enabled {
				r.EnabledPolicies++
			}
		}
		r.Rev = contentRev(r)
		var b haystackBuilder
		b.field("name", true, f.Name).field("fleet", true, f.Name).extra(enabledWord(f.Enabled))
		r.hay = b.build()
		out = append(out, r)
	}
	return out
}

func enabledWord(on bool) string {
	if on {
		return "enabled"
	}
	return "disabled"
}

// Key identifies the row.
func (r FleetRow) Key() string { return r.Fleet.Name }

// Text is the lowercase filter haystack: name and "enabled"/"disabled".
func (r FleetRow) Text() string { return r.hay.Text() }

// Field returns the lowercase values of a filter field (name, fleet).
func (r FleetRow) Field(name string) ([]string, bool) { return r.hay.Field(name) }

// FleetColumns are the Smart Fleets tab's columns.
var FleetColumns = []Column{
	{"name", "NAME", 'N'},
	{"enabled", "ENABLED", 'E'},
	{"policies", "POLICIES", 'P'},
	{"created", "CREATED", 'C'},
	{"updated", "UPDATED", 'U'},
}

func timeOf(t *api.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}

func byFleetName(a, b FleetRow) int { return foldCompare(a.Fleet.Name, b.Fleet.Name) }

var fleetSortKeys = map[string]sortKey[FleetRow]{
	"name":    {cmp: byFleetName},
	"enabled": {cmp: func(a, b FleetRow) int { return then(compareBool(b.Fleet.Enabled, a.Fleet.Enabled), byFleetName(a, b)) }},
	"policies": {known: func(r FleetRow) bool { return r.PoliciesKnown }, cmp: func(a, b FleetRow) int {
		return then(cmp.Compare(a.Policies, b.Policies), byFleetName(a, b))
	}},
	"created": {known: func(r FleetRow) bool { return r.Fleet.CreateTime != nil }, cmp: func(a, b FleetRow) int {
		return timeOf(b.Fleet.CreateTime).Compare(timeOf(a.Fleet.CreateTime))
	}},
	"updated": {known: func(r FleetRow) bool { return r.Fleet.LastUpdated != nil }, cmp: func(a, b FleetRow) int {
		return timeOf(b.Fleet.LastUpdated).Compare(timeOf(a.Fleet.LastUpdated))
	}},
}

// FleetLess returns the order of s over fleet rows. Ascending enabled puts
// enabled fleets first; ascending created/updated is newest first.
func FleetLess(s Sort) (func(a, b FleetRow) bool, error) {
	return lessBy("fleets", FleetColumns, fleetSortKeys, s)
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// PolicyRow is one Smart Fleet policy.
type PolicyRow struct {
	Fleet          string
	Policy         api.Policy
	FiltersSummary string // what the policy selects, in one line
	Rev            uint64
	hay            haystack
}

// PolicyRows builds the policy rows of every fleet in policies, by fleet
// name then policy order.
func PolicyRows(policies map[string][]api.Policy) []PolicyRow {
	var out []PolicyRow
	for _, fleet := range slices.Sorted(maps.Keys(policies)) {
		for _, p := range policies[fleet] {
			r := PolicyRow{Fleet: fleet, Policy: p, FiltersSummary: PolicySummary(p)}
			r.Rev = contentRev(r)
			var b haystackBuilder
			b.field("fleet", true, fleet).field("name", true, p.Name).field("type", true, p.Type).
				extra(r.FiltersSummary, enabledWord(p.Enabled))
			r.hay = b.build()
			out = append(out, r)
		}
	}
	return out
}

// Key identifies the row: "fleet/policy".
func (r PolicyRow) Key() string { return r.Fleet + "/" + r.Policy.Name }

// Text is the lowercase filter haystack: fleet, name, type, summary and
// "enabled"/"disabled".
func (r PolicyRow) Text() string { return r.hay.Text() }

// Field returns the lowercase values of a filter field (fleet, name, type).
func (r PolicyRow) Field(name string) ([]string, bool) { return r.hay.Field(name) }

// PolicySummary says in one line what a policy selects: its location
// filters ("continent any Europe, North America"), its tags, or its
// coordinates and radius; the raw data for anything else.
func PolicySummary(p api.Policy) string {
	switch p.Type {
	case api.PolicyLocation:
		filters, err := p.LocationFilters()
		if err != nil {
			break
		}
		parts := make([]string, len(filters))
		for i, f := range filters {
			parts[i] = strings.TrimSpace(f.Field + " " + f.FilterType + " " + strings.Join(f.Values, ", "))
		}
		return strings.Join(parts, "; ")
	case api.PolicyTag:
		var d struct{ Tags []string }
		if json.Unmarshal(p.Data, &d) == nil && d.Tags != nil {
			return "tags " + strings.Join(d.Tags, ", ")
		}
	case api.PolicyCoordinates:
		var d struct {
			Latitude  api.Float `json:"latitude"`
			Longitude api.Float `json:"longitude"`
			RadiusKm  api.Float `json:"radius_km"`
		}
		if json.Unmarshal(p.Data, &d) == nil {
			return fmt.Sprintf("%s, %s within %s km", fmtFloat(d.Latitude), fmtFloat(d.Longitude), fmtFloat(d.RadiusKm))
		}
	}
	if len(p.Data) == 0 || string(p.Data) == "null" {
		return ""
	}
	return string(p.Data)
}

func fmtFloat(f api.Float) string { return strconv.FormatFloat(float64(f), 'f', -1, 64) }

// PolicyColumns are the policies tab's columns.
var PolicyColumns = []Column{
	{"fleet", "FLEET", 'F'},
	{"name", "NAME", 'N'},
	{"type", "TYPE", 'T'},
	{"enabled", "ENABLED", 'E'},
	{"min", "MIN", 'M'},
	{"max", "MAX", 'X'},
	{"threshold", "THRESHOLD", 'H'},
	{"filters", "SELECTS", 0},
}

func byPolicyKey(a, b PolicyRow) int {
	return then(foldCompare(a.Fleet, b.Fleet), foldCompare(a.Policy.Name, b.Policy.Name))
}

func policyKey(c func(a, b PolicyRow) int) sortKey[PolicyRow] {
	return sortKey[PolicyRow]{cmp: func(a, b PolicyRow) int { return then(c(a, b), byPolicyKey(a, b)) }}
}

var policySortKeys = map[string]sortKey[PolicyRow]{
	"fleet":   {cmp: byPolicyKey},
	"name":    policyKey(func(a, b PolicyRow) int { return foldCompare(a.Policy.Name, b.Policy.Name) }),
	"type":    policyKey(func(a, b PolicyRow) int { return strings.Compare(a.Policy.Type, b.Policy.Type) }),
	"enabled": policyKey(func(a, b PolicyRow) int { return compareBool(b.Policy.Enabled, a.Policy.Enabled) }),
	"min":     policyKey(func(a, b PolicyRow) int { return cmp.Compare(a.Policy.Minimum, b.Policy.Minimum) }),
	"max": {known: func(r PolicyRow) bool { return r.Policy.Maximum != nil }, cmp: func(a, b PolicyRow) int {
		return then(cmp.Compare(*a.Policy.Maximum, *b.Policy.Maximum), byPolicyKey(a, b))
	}},
	"threshold": policyKey(func(a, b PolicyRow) int { return cmp.Compare(a.Policy.Threshold, b.Policy.Threshold) }),
}

// PolicyLess returns the order of s over policy rows. Ascending enabled
// puts enabled policies first; policies without a maximum sort last by max.
func PolicyLess(s Sort) (func(a, b PolicyRow) bool, error) {
	return lessBy("policies", PolicyColumns, policySortKeys, s)
}
