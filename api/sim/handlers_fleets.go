package sim

import (
	"net/http"
	"slices"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// The legacy Smart Fleets endpoints. Where the legacy swagger declares no
// 409 (fleet and policy creation), name conflicts answer 400.

type fleetListWire struct {
	Fleets     []api.Fleet      `json:"fleets"`
	Pagination legacyPagination `json:"pagination"`
}

type policyListWire struct {
	Policies   []api.Policy     `json:"policies"`
	Pagination legacyPagination `json:"pagination"`
}

// listFleets is GET /v1/fleets.
func (s *Server) listFleets(c *call) reply {
	number, limit, err := pageParams(c.query(), defaultPageLimit)
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	p := newPage(number, limit, len(s.fleets.fleets))
	out := fleetListWire{Fleets: []api.Fleet{}, Pagination: p.legacy()}
	for _, f := range paged(s.fleets.fleets, p) {
		out.Fleets = append(out.Fleets, f.view())
	}
	return ok(out)
}

// createFleet is POST /v1/fleet.
func (s *Server) createFleet(c *call) reply {
	var body api.FleetCreate
	if err := decodeBody(c.body, &body); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if err := validateFleetName(body.Name); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if _, exists := s.fleets.get(body.Name); exists {
		return errorf(http.StatusBadRequest, "Fleet %q already exists", body.Name)
	}
	f := &smartFleet{name: body.Name, enabled: body.Enabled, created: c.now, updated: c.now}
	s.fleets.fleets = append(s.fleets.fleets, f)
	return ok(f.view())
}

// fleet finds the {fleet} of the call or answers 404.
func (s *Server) fleet(c *call) (*smartFleet, reply, bool) {
	f, found := s.fleets.get(c.param("fleet"))
	if !found {
		return nil, errorf(http.StatusNotFound, "Fleet %q not found", c.param("fleet")), false
	}
	return f, reply{}, true
}

// getFleet is GET /v1/fleet/{fleet}.
func (s *Server) getFleet(c *call) reply {
	f, rep, found := s.fleet(c)
	if !found {
		return rep
	}
	return ok(f.view())
}

// updateFleet is PATCH /v1/fleet/{fleet}: rename and/or enable.
func (s *Server) updateFleet(c *call) reply {
	f, rep, found := s.fleet(c)
	if !found {
		return rep
	}
	var body api.FleetUpdate
	if err := decodeBody(c.body, &body); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if body.Name != nil && *body.Name != f.name {
		if err := validateFleetName(*body.Name); err != nil {
			return errorf(http.StatusBadRequest, "%v", err)
		}
		if _, exists := s.fleets.get(*body.Name); exists {
			return errorf(http.StatusBadRequest, "Fleet %q already exists", *body.Name)
		}
		f.name = *body.Name
	}
	if body.Enabled != nil {
		f.enabled = *body.Enabled
	}
	f.updated = c.now
	return ok(f.view())
}

// deleteFleet is DELETE /v1/fleet/{fleet}.
func (s *Server) deleteFleet(c *call) reply {
	f, rep, found := s.fleet(c)
	if !found {
		return rep
	}
	s.fleets.remove(f.name)
	return ok(api.MessageResponse{Message: "Fleet " + f.name + " deleted"})
}

// linkFleetVersion is PUT /v1/fleet/{fleet}/app/{app}/version/{version}.
func (s *Server) linkFleetVersion(c *call) reply {
	f, rep, found := s.fleet(c)
	if !found {
		return rep
	}
	appName, version := c.param("app"), c.param("version")
	if a, known := findApp(appName); !known || !a.hasVersion(version) {
		return errorf(http.StatusNotFound, "Application %q has no version %q", appName, version)
	}
	l, linked := f.link(appName, version)
	if !linked {
		l = &fleetLink{app: appName, version: version, created: c.now}
		f.links = append(f.links, l)
	}
	l.updated = c.now
	return ok(l.view(f.name))
}

// unlinkFleetVersion is DELETE /v1/fleet/{fleet}/app/{app}/version/{version}.
func (s *Server) unlinkFleetVersion(c *call) reply {
	f, rep, found := s.fleet(c)
	if !found {
		return rep
	}
	l, linked := f.link(c.param("app"), c.param("version"))
	if !linked {
		return errorf(http.StatusNotFound, "Version %s/%s is not linked to fleet %q", c.param("app"), c.param("version"), f.name)
	}
	f.links = slices.DeleteFunc(f.links, func(x *fleetLink) bool { return x == l })
	return noContent()
}

// listPolicies is GET /v1/fleet/{fleet}/policies.
func (s *Server) listPolicies(c *call) reply {
	f, rep, found := s.fleet(c)
	if !found {
		return rep
	}
	number, limit, err := pageParams(c.query(), defaultPageLimit)
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	p := newPage(number, limit, len(f.policies))
	out := policyListWire{Policies: []api.Policy{}, Pagination: p.legacy()}
	for _, pol := range paged(f.policies, p) {
		out.Policies = append(out.Policies, pol.view())
	}
	return ok(out)
}

// createPolicy is POST /v1/fleet/{fleet}/policies.
func (s *Server) createPolicy(c *call) reply {
	f, rep, found := s.fleet(c)
	if !found {
		return rep
	}
	var body api.PolicyCreate
	if err := decodeBody(c.body, &body); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if err := validatePolicy(body); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if _, exists := f.policy(body.Name); exists {
		return errorf(http.StatusBadRequest, "Policy %q already exists in fleet %q", body.Name, f.name)
	}
	p := &policy{created: c.now}
	p.set(body, c.now)
	f.policies = append(f.policies, p)
	return ok(p.view())
}

// validatePolicy checks bounds, type and data of a policy.
func validatePolicy(p api.PolicyCreate) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return validatePolicyData(p.Type, p.Data)
}

func (p *policy) set(v api.PolicyCreate, now time.Time) {
	p.name, p.enabled, p.typ = v.Name, v.Enabled, v.Type
	p.minimum, p.maximum, p.threshold = v.Minimum, v.Maximum, v.Threshold
	p.data, p.updated = v.Data, now
}

func (p *policy) fields() api.PolicyCreate {
	return api.PolicyCreate{Name: p.name, Enabled: p.enabled, Type: p.typ, Minimum: p.minimum, Maximum: p.maximum, Threshold: p.threshold, Data: p.data}
}

// policyOf finds the {policy} of the {fleet} or answers 404.
func (s *Server) policyOf(c *call) (*smartFleet, *policy, reply, bool) {
	f, rep, found := s.fleet(c)
	if !found {
		return nil, nil, rep, false
	}
	p, found := f.policy(c.param("policy"))
	if !found {
		return nil, nil, errorf(http.StatusNotFound, "Policy %q not found in fleet %q", c.param("policy"), f.name), false
	}
	return f, p, reply{}, true
}

// getPolicy is GET /v1/fleet/{fleet}/policies/{policy}.
func (s *Server) getPolicy(c *call) reply {
	_, p, rep, found := s.policyOf(c)
	if !found {
		return rep
	}
	return ok(p.view())
}

// updatePolicy is PATCH /v1/fleet/{fleet}/policies/{policy}.
func (s *Server) updatePolicy(c *call) reply {
	f, p, rep, found := s.policyOf(c)
	if !found {
		return rep
	}
	var body api.PolicyUpdate
	if err := decodeBody(c.body, &body); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	v := p.fields()
	applyPolicyUpdate(&v, body)
	if err := validatePolicy(v); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if other, exists := f.policy(v.Name); exists && other != p {
		return errorf(http.StatusBadRequest, "Policy %q already exists in fleet %q", v.Name, f.name)
	}
	p.set(v, c.now)
	return ok(p.view())
}

// applyPolicyUpdate overwrites the fields the update sets.
func applyPolicyUpdate(v *api.PolicyCreate, u api.PolicyUpdate) {
	if u.Name != nil {
		v.Name = *u.Name
	}
	if u.Enabled != nil {
		v.Enabled = *u.Enabled
	}
	if u.Type != nil {
		v.Type = *u.Type
	}
	if u.Minimum != nil {
		v.Minimum = *u.Minimum
	}
	if u.Maximum != nil {
		v.Maximum = *u.Maximum
	}
	if u.Threshold != nil {
		v.Threshold = *u.Threshold
	}
	if len(u.Data) > 0 {
		v.Data = u.Data
	}
}

// deletePolicy is DELETE /v1/fleet/{fleet}/policies/{policy}.
func (s *Server) deletePolicy(c *call) reply {
	f, p, rep, found := s.policyOf(c)
	if !found {
		return rep
	}
	f.policies = slices.DeleteFunc(f.policies, func(x *policy) bool { return x == p })
	return ok(api.MessageResponse{Message: "Policy " + p.name + " deleted"})
}
