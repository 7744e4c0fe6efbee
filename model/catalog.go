package model

import (
	"maps"
	"slices"

	"github.com/gapdeck/gapdeck/api"
)

// Catalog is the slower-changing data of an organization: Smart Fleets and
// their policies, private fleet hosts and locations. Each Apply replaces a
// slice or a map entry and never changes one in place, so a Clone shares
// the slices safely.
type Catalog struct {
	PrivateFleets []string // from the profile: the API cannot list them
	Fleets        []api.Fleet
	FleetsLoaded  bool
	SmartGone     bool // Smart Fleets answered 404 (deprecated)
	Policies      map[string][]api.Policy
	PoliciesErr   map[string]error // the last policies fetch of a Smart Fleet, when it failed
	Hosts         map[string]*api.HostList
	HostsErr      map[string]error
	Locations     []api.Location
	LocationsRead bool
	// Apps are the applications (read while a view shows them, see
	// ViewApps), Versions each application's versions by application
	// name, VersionsErr the last versions read of an application, when it
	// failed.
	Apps        []api.Application
	AppsLoaded  bool
	Versions    map[string][]api.AppVersion
	VersionsErr map[string]error
	// VersionCounts are the API's count of each version's deployments
	// (the total_count of the list filtered to it), read while its
	// application's versions page is shown.
	VersionCounts map[VersionKey]int
}

// NewCatalog returns an empty catalog for the profile's private fleets.
func NewCatalog(privateFleets []string) *Catalog {
	return &Catalog{
		PrivateFleets: slices.Clone(privateFleets),
		Policies:      map[string][]api.Policy{}, PoliciesErr: map[string]error{}, Hosts: map[string]*api.HostList{}, HostsErr: map[string]error{},
		Versions: map[string][]api.AppVersion{}, VersionsErr: map[string]error{}, VersionCounts: map[VersionKey]int{},
	}
}

// Clone is a copy that later Applies to c do not change.
func (c *Catalog) Clone() *Catalog {
	out := *c
	out.Policies = maps.Clone(c.Policies)
	out.PoliciesErr = maps.Clone(c.PoliciesErr)
	out.Hosts = maps.Clone(c.Hosts)
	out.HostsErr = maps.Clone(c.HostsErr)
	out.Versions = maps.Clone(c.Versions)
	out.VersionsErr = maps.Clone(c.VersionsErr)
	out.VersionCounts = maps.Clone(c.VersionCounts)
	return &out
}

// ApplyFleets folds the Smart Fleets list in. It returns the error to show
// as staleness: a 404 is an answer (Smart Fleets were deprecated), not a
// failure.
func (c *Catalog) ApplyFleets(fleets []api.Fleet, err error) error {
	switch {
	case api.IsNotFound(err):
		c.SmartGone, c.FleetsLoaded, c.Fleets = true, true, nil
		return nil
	case err == nil:
		c.SmartGone, c.FleetsLoaded, c.Fleets = false, true, fleets
	}
	return err
}

// ApplyPolicies folds one Smart Fleet's policies in (a 404: the fleet is
// gone, an answer).
func (c *Catalog) ApplyPolicies(fleet string, policies []api.Policy, err error) error {
	delete(c.PoliciesErr, fleet)
	switch {
	case api.IsNotFound(err):
		delete(c.Policies, fleet)
		return nil
	case err == nil:
		c.Policies[fleet] = policies
	default:
		c.PoliciesErr[fleet] = err
	}
	return err
}

// ApplyHosts folds one private fleet's hosts in.
func (c *Catalog) ApplyHosts(fleet string, hosts *api.HostList, err error) error {
	c.HostsErr[fleet] = err
	if err == nil {
		c.Hosts[fleet] = hosts
	}
	return err
}

// ApplyLocations folds the locations in.
func (c *Catalog) ApplyLocations(locations []api.Location, err error) error {
	if err == nil {
		c.Locations, c.LocationsRead = locations, true
	}
	return err
}

// FleetNames are the Smart Fleets' names, in the API's order.
func (c *Catalog) FleetNames() []string {
	names := make([]string, len(c.Fleets))
	for i, f := range c.Fleets {
		names[i] = f.Name
	}
	return names
}

// PutFleet replaces the Smart Fleet named f.Name with f (an action's
// answer); it reports whether the catalog had it.
func (c *Catalog) PutFleet(f api.Fleet) bool {
	i := slices.IndexFunc(c.Fleets, func(o api.Fleet) bool { return o.Name == f.Name })
	if i < 0 {
		return false
	}
	c.Fleets = slices.Clone(c.Fleets)
	c.Fleets[i] = f
	return true
}

// PutPolicy replaces the policy name of fleet with p, or removes it when
// p is nil; it reports whether the catalog had it.
func (c *Catalog) PutPolicy(fleet, name string, p *api.Policy) bool {
	ps := c.Policies[fleet]
	i := slices.IndexFunc(ps, func(o api.Policy) bool { return o.Name == name })
	if i < 0 {
		return false
	}
	if p == nil {
		c.Policies[fleet] = slices.Delete(slices.Clone(ps), i, i+1)
	} else {
		ps = slices.Clone(ps)
		ps[i] = *p
		c.Policies[fleet] = ps
	}
	return true
}
