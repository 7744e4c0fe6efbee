package sim

import (
	"cmp"
	"fmt"
	"math"
	"net"
	"slices"

	"github.com/gapdeck/gapdeck/api"
)

// point is a latitude/longitude pair in degrees.
type point struct{ lat, long float64 }

// distanceKm is the great-circle distance between a and b.
func distanceKm(a, b point) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLong := (b.lat-a.lat)*rad, (b.long-a.long)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.lat*rad)*math.Cos(b.lat*rad)*math.Sin(dLong/2)*math.Sin(dLong/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

func locationPoint(i int) point {
	return point{float64(locations[i].Latitude), float64(locations[i].Longitude)}
}

// ipPoint geolocates an IP deterministically onto one of the locations.
func ipPoint(ip string) point { return locationPoint(int(hashString(ip) % uint64(len(locations)))) }

// candidates are the locations matching the filters with capacity for the
// app version.
func candidates(appName, version string, filters []api.LocationFilter) []int {
	var out []int
	for i := range locations {
		if hasCapacity(appName, version, i) && matchesLocationFilters(locations[i].Location, filters) {
			out = append(out, i)
		}
	}
	return out
}

// matchesLocationFilters applies v1 deploy filters (any/all/not per field).
func matchesLocationFilters(l api.Location, filters []api.LocationFilter) bool {
	value := map[string]string{"city": l.City, "country": l.Country, "continent": l.Continent, "administrative_division": l.AdministrativeDivision}
	for _, f := range filters {
		if !api.MatchValues(f.FilterType, f.Values, func(v string) bool { return value[f.Field] == v }) {
			return false
		}
	}
	return true
}

// nearest picks the candidate closest to the users' average position, or the
// busiest candidate when there are no users.
func nearest(cands []int, users []point) int {
	if len(users) == 0 {
		return slices.MaxFunc(cands, func(a, b int) int {
			return cmp.Compare(locations[a].weight, locations[b].weight)
		})
	}
	var c point
	for _, u := range users {
		c.lat += u.lat / float64(len(users))
		c.long += u.long / float64(len(users))
	}
	return slices.MinFunc(cands, func(a, b int) int {
		return cmp.Compare(distanceKm(c, locationPoint(a)), distanceKm(c, locationPoint(b)))
	})
}

// nearestLocation is the location closest to p.
func nearestLocation(p point) int { return nearest(indexes(len(locations)), []point{p}) }

// v2UserPoints validates the v2 users and returns their positions.
func v2UserPoints(users []api.DeployUser) ([]point, error) {
	if len(users) == 0 {
		return nil, fmt.Errorf("at least one user is required")
	}
	pts := make([]point, 0, len(users))
	for i, u := range users {
		switch u.UserType {
		case api.UserTypeIP:
			if net.ParseIP(u.UserData.IPAddress) == nil {
				return nil, fmt.Errorf("users[%d]: user_data.ip_address %q is not an IP address", i, u.UserData.IPAddress)
			}
			pts = append(pts, ipPoint(u.UserData.IPAddress))
		case api.UserTypeGeo:
			lat, long := u.UserData.Latitude, u.UserData.Longitude
			if lat == nil || long == nil || math.Abs(*lat) > 90 || math.Abs(*long) > 180 {
				return nil, fmt.Errorf("users[%d]: user_data needs latitude (-90..90) and longitude (-180..180)", i)
			}
			pts = append(pts, point{*lat, *long})
		default:
			return nil, fmt.Errorf("users[%d]: user_type must be ip_address or geo_coordinates, got %q", i, u.UserType)
		}
	}
	return pts, nil
}

// v1UserPoints returns the positions of the v1 deploy users.
func v1UserPoints(req api.DeployV1Request) []point {
	var pts []point
	for _, ip := range req.IPList {
		pts = append(pts, ipPoint(ip))
	}
	for _, g := range req.GeoIPList {
		pts = append(pts, point{g.Latitude, g.Longitude})
	}
	if req.Location != nil {
		pts = append(pts, point{req.Location.Latitude, req.Location.Longitude})
	}
	return pts
}
