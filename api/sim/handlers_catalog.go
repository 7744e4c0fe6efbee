package sim

import (
	"net/http"
	"strconv"

	"github.com/gapdeck/gapdeck/api"
)

// listLocations is GET /v1/locations?app&version&type&tags&page&limit.
// app and version go together and keep only the locations with capacity
// for that version.
func (s *Server) listLocations(c *call) reply {
	q := c.query()
	number, limit, err := pageParams(q, maxPageLimit)
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	appName, version, typ := q.Get("app"), q.Get("version"), q.Get("type")
	if (appName == "") != (version == "") {
		return errorf(http.StatusBadRequest, "app and version must be given together")
	}
	if appName != "" {
		if a, found := findApp(appName); !found || !a.hasVersion(version) {
			return errorf(http.StatusBadRequest, "Application %q has no version %q", appName, version)
		}
	}
	withTags := false
	if v := q.Get("tags"); v != "" {
		if withTags, err = strconv.ParseBool(v); err != nil {
			return errorf(http.StatusBadRequest, "tags must be true or false, got %q", v)
		}
	}
	var matched []api.Location
	for i, l := range locations {
		if (typ != "" && typ != locationType) || (appName != "" && !hasCapacity(appName, version, i)) {
			continue
		}
		v := l.Location
		v.Type = locationType
		if withTags {
			v.Tags = locationTags(l)
		}
		matched = append(matched, v)
	}
	p := newPage(number, limit, len(matched))
	pagination := p.v1()
	return ok(api.LocationList{
		Locations:  append([]api.Location{}, paged(matched, p)...),
		Messages:   []string{},
		TotalCount: api.Int(len(matched)),
		Pagination: &pagination,
	})
}

// listHosts is GET /v2/private-fleets/{fleet}/hosts. The spec declares no
// 404, so an unknown fleet is a 400.
func (s *Server) listHosts(c *call) reply {
	fleet := c.param("fleet")
	var data []api.Host
	for _, h := range s.hosts {
		if h.fleet == fleet {
			data = append(data, s.hostView(h, c.now))
		}
	}
	if data == nil {
		return v2Error(http.StatusBadRequest, "fleet-name", "Private fleet %q not found", fleet)
	}
	pagination := newPage(1, len(data), len(data)).v1()
	return ok(api.HostList{Data: data, TotalCount: api.Int(len(data)), Pagination: &pagination})
}
