package model

import (
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
		out[i] = *byKey[k]
	}
	return out
}
