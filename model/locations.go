package model

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/gapdeck/gapdeck/api"
)

// LocationRow is one place deployments can run, with how many enriched
// deployments run there and their status mix.
type LocationRow struct {
	Location api.Location
	Key      string // lowercase "city/country"
	Count    int    // enriched deployments in this place
	Mix      map[api.Status]int
	Rev      uint64 // derived from the content: unchanged rows keep it
	hay      haystack
}

// LocationKey identifies a place: lowercase city and country.
func LocationKey(city, country string) string {
	return strings.ToLower(city) + "/" + strings.ToLower(country)
}

// LocationRows counts enriched deployments by city and country. It keeps
// every location of locs (count 0 when nothing runs there) and adds rows
// for places deployments run in that the locations list lacks (from the
// deployment's status answer). Rows come in locs' order, then the extra
// places by key.
func LocationRows(locs []api.Location, deployments []*DeploymentRow) []LocationRow {
	byKey := map[string]*LocationRow{}
	var order []string
	add := func(l api.Location) *LocationRow {
		k := LocationKey(l.City, l.Country)
		if r := byKey[k]; r != nil {
			return r
		}
		r := &LocationRow{Location: l, Key: k, Mix: map[api.Status]int{}}
		byKey[k] = r
		order = append(order, k)
		return r
	}
	for _, l := range locs {
		add(l)
	}
	known := len(order)
	for _, d := range deployments {
		if !d.Enriched || (d.City == "" && d.Country == "") {
			continue
		}
		l := api.Location{City: d.City, Country: d.Country, Continent: d.Continent}
		if d.Detail != nil && d.Detail.Location != nil {
			l = *d.Detail.Location
		}
		r := add(l)
		r.Count++
		r.Mix[d.Status]++
	}
	slices.Sort(order[known:])
	out := make([]LocationRow, len(order))
	for i, k := range order {
		out[i] = byKey[k].finish()
	}
	return out
}

func (r *LocationRow) finish() LocationRow {
	l := r.Location
	r.Rev = contentRev(r)
	var b haystackBuilder
	b.field("city", true, l.City).
		field("country", true, l.Country).
		field("continent", true, l.Continent).
		field("type", true, l.Type).
		extra(l.AdministrativeDivision, l.Timezone)
	r.hay = b.build()
	return *r
}

// Text is the lowercase filter haystack: city, country, continent,
// division, timezone and type.
func (r LocationRow) Text() string { return r.hay.Text() }

// Field returns the lowercase values of a filter field.
func (r LocationRow) Field(name string) ([]string, bool) { return r.hay.Field(name) }

// MixStatuses lists the statuses of Mix in sort order (ERROR first, then
// the lifecycle), for display.
func (r LocationRow) MixStatuses() []api.Status {
	return slices.SortedFunc(maps.Keys(r.Mix), func(a, b api.Status) int {
		return then(cmp.Compare(statusRank(a), statusRank(b)), strings.Compare(string(a), string(b)))
	})
}

// LocationColumns are the Locations tab's columns, in display order.
var LocationColumns = []Column{
	{"city", "CITY", 'I'},
	{"country", "COUNTRY", 'O'},
	{"continent", "CONTINENT", 'N'},
	{"division", "DIVISION", 'D'},
	{"timezone", "TIMEZONE", 'Z'},
	{"latlong", "LAT/LONG", 'L'},
	{"count", "DEPLOYMENTS", 'C'},
	{"mix", "STATUS MIX", 0},
}

// byCity breaks ties between locations.
func byCity(a, b LocationRow) int {
	return then(foldCompare(a.Location.City, b.Location.City), foldCompare(a.Location.Country, b.Location.Country))
}

// textKey sorts by one text field of the location, then by city.
func textKey(field func(api.Location) string) sortKey[LocationRow] {
	return sortKey[LocationRow]{
		known: func(r LocationRow) bool { return field(r.Location) != "" },
		cmp: func(a, b LocationRow) int {
			return then(foldCompare(field(a.Location), field(b.Location)), byCity(a, b))
		},
	}
}

var locationSortKeys = map[string]sortKey[LocationRow]{
	"city":      {cmp: byCity},
	"country":   textKey(func(l api.Location) string { return l.Country }),
	"continent": textKey(func(l api.Location) string { return l.Continent }),
	"division":  textKey(func(l api.Location) string { return l.AdministrativeDivision }),
	"timezone":  textKey(func(l api.Location) string { return l.Timezone }),
	"latlong": {cmp: func(a, b LocationRow) int {
		return then(cmp.Compare(a.Location.Latitude, b.Location.Latitude), cmp.Compare(a.Location.Longitude, b.Location.Longitude))
	}},
	"count": {cmp: func(a, b LocationRow) int { return then(cmp.Compare(a.Count, b.Count), byCity(a, b)) }},
}

// LocationLess returns the order of s over location rows. Ascending count
// is fewest deployments first; rows with no value for a text column sort
// last. The mix column does not sort.
func LocationLess(s Sort) (func(a, b LocationRow) bool, error) {
	return lessBy("locations", LocationColumns, locationSortKeys, s)
}
