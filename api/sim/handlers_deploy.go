package sim

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/gapdeck/gapdeck/api"
)

// allocationFailedMessage is the 422 message of deploys that cannot be placed.
const allocationFailedMessage = "Couldn't Allocate Server"

// createFailed creates a deployment that could not be allocated (ERROR at
// once) and answers 422 with its request ID.
func (s *Server) createFailed(c *call, spec deploySpec) reply {
	spec.allocFailed = true
	d := s.world.create(c.now, spec)
	return jsonReply(http.StatusUnprocessableEntity, api.DeployV2Response{RequestID: d.id, Message: allocationFailedMessage})
}

// validateTags checks the tags of a deploy request.
func validateTags(tags []string) error {
	for _, t := range tags {
		if err := api.ValidateTag(t); err != nil {
			return fmt.Errorf("tags: %v", err)
		}
	}
	return nil
}

// deployV1 is the deprecated POST /v1/deploy.
func (s *Server) deployV1(c *call) reply {
	var req api.DeployV1Request
	if err := decodeBody(c.body, &req); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	switch {
	case req.AppName == "":
		return errorf(http.StatusBadRequest, "app_name is required")
	case len(req.IPList) > 0 && len(req.GeoIPList) > 0:
		return errorf(http.StatusBadRequest, "ip_list and geo_ip_list are mutually exclusive")
	}
	if err := validateTags(req.Tags); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if err := validateLocationFilters(req.Filters); err != nil {
		return errorf(http.StatusBadRequest, "filters: %v", err)
	}
	a, found := findApp(req.AppName)
	if !found {
		return errorf(http.StatusNotFound, "App %q not found", req.AppName)
	}
	version := req.VersionName
	if version == "" {
		version = a.latestVersion()
	}
	if !a.hasVersion(version) {
		return errorf(http.StatusNotFound, "Version %q of app %q not found", version, a.name)
	}
	if msg := s.catalog.refusal(a.name, version); msg != "" {
		return errorf(http.StatusBadRequest, "%s", msg)
	}
	users := v1UserPoints(req)
	spec := deploySpec{app: a, version: version, loc: -1, tags: req.Tags, logStorage: req.ContainerLogStorage != nil && req.ContainerLogStorage.Enabled,
		maxDuration: s.catalog.maxDuration(a.name, version)}
	cands := candidates(a.name, version, req.Filters)
	if len(cands) == 0 {
		return s.createFailed(c, spec)
	}
	spec.loc = nearest(cands, users)
	d := s.world.create(c.now, spec)
	filters := req.Filters
	if filters == nil {
		filters = []api.LocationFilter{}
	}
	return ok(api.DeployV1Response{
		RequestID: d.id, RequestDNS: d.fqdn(), RequestApp: a.name, RequestVersion: version,
		RequestUserCount: api.Int(max(1, len(req.IPList)+len(req.GeoIPList))), Filters: filters,
		Tags: req.Tags, ContainerLogStorage: req.ContainerLogStorage, Location: req.Location, APSortStrategy: req.APSortStrategy,
	})
}

// v2Spec validates a v2 deploy body: the app version, users, tags, env vars
// and resources. A failed check is a 400 reply.
func v2Spec(req api.DeployV2Request) (deploySpec, []point, *reply) {
	fail := func(field, format string, args ...any) (deploySpec, []point, *reply) {
		rep := v2Error(http.StatusBadRequest, field, format, args...)
		return deploySpec{}, nil, &rep
	}
	a, found := findApp(req.Application)
	if !found || !a.hasVersion(req.Version) {
		return fail("version", "Invalid Application or Application Version: %q %q", req.Application, req.Version)
	}
	users, err := v2UserPoints(req.Users)
	if err != nil {
		return fail("users", "%v", err)
	}
	if err := validateTags(req.Tags); err != nil {
		return fail("tags", "%v", err)
	}
	for i, e := range req.EnvironmentVariables {
		if e.Key == "" {
			return fail("environment_variables", "environment_variables[%d]: key is required", i)
		}
	}
	if r := req.Resources; r != nil && (r.CPUUnits < 100 || r.MemoryMiB < 100) {
		return fail("resources", "resources.cpu_units and resources.memory_mib must be at least 100")
	}
	return deploySpec{app: a, version: req.Version, loc: -1, tags: req.Tags}, users, nil
}

// fits reports whether the request can be allocated at all.
func fits(req api.DeployV2Request) bool {
	return req.Version != oversizedVersion && (req.Resources == nil || req.Resources.CPUUnits <= maxCPUUnits)
}

// deployV2 is POST /v2/deployments: 202 {request_id}, or 422 with the
// request ID of a deployment created in ERROR.
func (s *Server) deployV2(c *call) reply {
	var req api.DeployV2Request
	if err := decodeBody(c.body, &req); err != nil {
		return v2Error(http.StatusBadRequest, "", "%v", err)
	}
	spec, users, rep := v2Spec(req)
	if rep != nil {
		return *rep
	}
	if msg := s.catalog.refusal(spec.app.name, spec.version); msg != "" {
		return v2Error(http.StatusBadRequest, "version", "%s", msg)
	}
	spec.maxDuration = s.catalog.maxDuration(spec.app.name, spec.version)
	cands := candidates(spec.app.name, spec.version, nil)
	if !fits(req) || len(cands) == 0 {
		spec.loc = nearestLocation(users[0])
		return s.createFailed(c, spec)
	}
	spec.loc = nearest(cands, users)
	d := s.world.create(c.now, spec)
	return jsonReply(http.StatusAccepted, api.DeployV2Response{RequestID: d.id})
}

// deployPrivate is POST /v2/private-fleets/deployments: placed on the first
// ACTIVE host listed; 422 when none is ACTIVE.
func (s *Server) deployPrivate(c *call) reply {
	var req api.PrivateFleetDeployRequest
	if err := decodeBody(c.body, &req); err != nil {
		return v2Error(http.StatusBadRequest, "", "%v", err)
	}
	hosts, rep := s.requestedHosts(req.PrivateHostIDs)
	if rep != nil {
		return *rep
	}
	spec, _, rep := v2Spec(req.DeployV2Request)
	if rep != nil {
		return *rep
	}
	if msg := s.catalog.refusal(spec.app.name, spec.version); msg != "" {
		return v2Error(http.StatusBadRequest, "version", "%s", msg)
	}
	spec.maxDuration = s.catalog.maxDuration(spec.app.name, spec.version)
	if i := slices.IndexFunc(hosts, func(h hostSpec) bool { return h.status == api.HostActive }); i >= 0 && fits(req.DeployV2Request) {
		h := hosts[i]
		spec.loc, spec.hostID, spec.publicIP = locationByCity(h.city), h.id, h.ip
		d := s.world.create(c.now, spec)
		return jsonReply(http.StatusAccepted, api.DeployV2Response{RequestID: d.id})
	}
	c0 := hosts[0].centroid
	spec.loc = nearestLocation(point{float64(c0.Latitude), float64(c0.Longitude)})
	return s.createFailed(c, spec)
}

// requestedHosts checks private_host_ids: at least one, unique, all known.
func (s *Server) requestedHosts(ids []string) ([]hostSpec, *reply) {
	fail := func(format string, args ...any) ([]hostSpec, *reply) {
		rep := v2Error(http.StatusBadRequest, "private_host_ids", format, args...)
		return nil, &rep
	}
	if len(ids) == 0 {
		return fail("private_host_ids needs at least one host ID")
	}
	seen := map[string]bool{}
	hosts := make([]hostSpec, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			return fail("private_host_ids lists %q twice", id)
		}
		seen[id] = true
		h, found := s.host(id)
		if !found {
			return fail("private host %q not found in any fleet", id)
		}
		hosts = append(hosts, h)
	}
	return hosts, nil
}
