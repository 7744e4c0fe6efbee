package api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Locations lists the locations deployments can run in. With App and
// Version, only those with capacity for that version.
func (c *Client) Locations(ctx context.Context, p LocationsParams) (*LocationList, error) {
	q := pageQuery(p.Page, p.Limit)
	if p.App != "" {
		q.Set("app", p.App)
	}
	if p.Version != "" {
		q.Set("version", p.Version)
	}
	if p.Type != "" {
		q.Set("type", p.Type)
	}
	if p.Tags {
		q.Set("tags", "true")
	}
	return get[LocationList](ctx, c, "/v1/locations", q)
}

// AllLocations returns every location, reading all the pages (the
// endpoint is paginated; p.Page is ignored, p.Limit defaults to
// MaxPageSize).
func (c *Client) AllLocations(ctx context.Context, p LocationsParams) ([]Location, error) {
	if p.Limit <= 0 {
		p.Limit = MaxPageSize
	}
	return readAll(c, "/v1/locations", func(page int) ([]Location, PageInfo, error) {
		p.Page = page
		l, err := c.Locations(ctx, p)
		if err != nil {
			return nil, PageInfo{}, err
		}
		return l.Locations, PageInfo{Rows: l.Loose.sentRows(len(l.Locations)), TotalCount: int(l.TotalCount), Pagination: l.Pagination}, nil
	})
}

func tagsPath(requestID string) string { return "/v1/deployments/" + seg(requestID) + "/tags" }

// DeploymentTags lists a deployment's tags (page and limit optional).
func (c *Client) DeploymentTags(ctx context.Context, requestID string, page, limit int) (*DeploymentTagList, error) {
	return get[DeploymentTagList](ctx, c, tagsPath(requestID), pageQuery(page, limit))
}

// AllDeploymentTags returns every tag of a deployment, reading the pages
// until the pager stops.
func (c *Client) AllDeploymentTags(ctx context.Context, requestID string) ([]DeploymentTag, error) {
	return readAll(c, tagsPath(requestID), func(page int) ([]DeploymentTag, PageInfo, error) {
		l, err := c.DeploymentTags(ctx, requestID, page, MaxPageSize)
		if err != nil {
			return nil, PageInfo{}, err
		}
		return l.Tags, PageInfo{Rows: l.Loose.sentRows(len(l.Tags)), TotalCount: int(l.TotalCount), Pagination: l.Pagination}, nil
	})
}

// DeploymentTag returns one tag of a deployment.
func (c *Client) DeploymentTag(ctx context.Context, requestID, name string) (*DeploymentTag, error) {
	return get[DeploymentTag](ctx, c, tagsPath(requestID)+"/"+seg(name), nil)
}

// CreateDeploymentTag adds a tag (1–40 characters) to a deployment.
func (c *Client) CreateDeploymentTag(ctx context.Context, requestID, name string) (*DeploymentTag, error) {
	if err := ValidateTag(name); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	return mutate[DeploymentTag](ctx, c, http.MethodPost, tagsPath(requestID), TagName{Name: name})
}

// RenameDeploymentTag renames a deployment's tag.
func (c *Client) RenameDeploymentTag(ctx context.Context, requestID, oldName, newName string) (*DeploymentTag, error) {
	if err := ValidateTag(newName); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	return mutate[DeploymentTag](ctx, c, http.MethodPatch, tagsPath(requestID)+"/"+seg(oldName), TagName{Name: newName})
}

// DeleteDeploymentTag removes a tag from a deployment.
func (c *Client) DeleteDeploymentTag(ctx context.Context, requestID, name string) error {
	_, err := mutate[struct{}](ctx, c, http.MethodDelete, tagsPath(requestID)+"/"+seg(name), nil)
	return err
}

func fleetPath(fleet string) string { return "/v1/fleet/" + seg(fleet) }

// Fleets lists one page of Smart Fleets (legacy; 404 on accounts after the
// 2026-03-01 deprecation).
func (c *Client) Fleets(ctx context.Context, page, limit int) (*FleetList, error) {
	return get[FleetList](ctx, c, "/v1/fleets", pageQuery(page, limit))
}

// AllFleets returns every Smart Fleet, reading the pages until the pager
// stops.
func (c *Client) AllFleets(ctx context.Context) ([]Fleet, error) {
	return readAll(c, "/v1/fleets", func(page int) ([]Fleet, PageInfo, error) {
		l, err := c.Fleets(ctx, page, MaxPageSize)
		if err != nil {
			return nil, PageInfo{}, err
		}
		return l.Fleets, PageInfo{Rows: l.Loose.sentRows(len(l.Fleets)), Pagination: l.Pagination}, nil
	})
}

// Fleet returns one Smart Fleet.
func (c *Client) Fleet(ctx context.Context, name string) (*Fleet, error) {
	return get[Fleet](ctx, c, fleetPath(name), nil)
}

// CreateFleet creates a Smart Fleet.
func (c *Client) CreateFleet(ctx context.Context, f FleetCreate) (*Fleet, error) {
	if f.Name == "" {
		return nil, fmt.Errorf("api: fleet name is required")
	}
	return mutate[Fleet](ctx, c, http.MethodPost, "/v1/fleet", f)
}

// UpdateFleet renames a Smart Fleet or toggles it.
func (c *Client) UpdateFleet(ctx context.Context, name string, u FleetUpdate) (*Fleet, error) {
	return mutate[Fleet](ctx, c, http.MethodPatch, fleetPath(name), u)
}

// DeleteFleet deletes a Smart Fleet.
func (c *Client) DeleteFleet(ctx context.Context, name string) (*MessageResponse, error) {
	return mutate[MessageResponse](ctx, c, http.MethodDelete, fleetPath(name), nil)
}

func fleetVersionPath(fleet, app, version string) string {
	return fleetPath(fleet) + "/app/" + seg(app) + "/version/" + seg(version)
}

// LinkFleetAppVersion links an app version to a Smart Fleet.
func (c *Client) LinkFleetAppVersion(ctx context.Context, fleet, app, version string) (*FleetAppVersion, error) {
	return mutate[FleetAppVersion](ctx, c, http.MethodPut, fleetVersionPath(fleet, app, version), nil)
}

// UnlinkFleetAppVersion unlinks an app version from a Smart Fleet.
func (c *Client) UnlinkFleetAppVersion(ctx context.Context, fleet, app, version string) error {
	_, err := mutate[struct{}](ctx, c, http.MethodDelete, fleetVersionPath(fleet, app, version), nil)
	return err
}

func policiesPath(fleet string) string { return fleetPath(fleet) + "/policies" }

// Policies lists one page of a Smart Fleet's policies.
func (c *Client) Policies(ctx context.Context, fleet string, page, limit int) (*PolicyList, error) {
	return get[PolicyList](ctx, c, policiesPath(fleet), pageQuery(page, limit))
}

// AllPolicies returns every policy of a Smart Fleet.
func (c *Client) AllPolicies(ctx context.Context, fleet string) ([]Policy, error) {
	return readAll(c, policiesPath(fleet), func(page int) ([]Policy, PageInfo, error) {
		l, err := c.Policies(ctx, fleet, page, MaxPageSize)
		if err != nil {
			return nil, PageInfo{}, err
		}
		return l.Policies, PageInfo{Rows: l.Loose.sentRows(len(l.Policies)), Pagination: l.Pagination}, nil
	})
}

// Policy returns one policy of a Smart Fleet.
func (c *Client) Policy(ctx context.Context, fleet, name string) (*Policy, error) {
	return get[Policy](ctx, c, policiesPath(fleet)+"/"+seg(name), nil)
}

// CreatePolicy adds a policy to a Smart Fleet after checking its bounds.
func (c *Client) CreatePolicy(ctx context.Context, fleet string, p PolicyCreate) (*Policy, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	return mutate[Policy](ctx, c, http.MethodPost, policiesPath(fleet), p)
}

// UpdatePolicy changes the given fields of a policy.
func (c *Client) UpdatePolicy(ctx context.Context, fleet, name string, u PolicyUpdate) (*Policy, error) {
	if u.Threshold != nil && (*u.Threshold < 0.1 || *u.Threshold > 1) {
		return nil, fmt.Errorf("api: threshold must be between 0.1 and 1, got %g", *u.Threshold)
	}
	if u.Minimum != nil && *u.Minimum < 1 {
		return nil, fmt.Errorf("api: minimum must be at least 1, got %d", *u.Minimum)
	}
	if u.Maximum != nil && *u.Maximum < 1 {
		return nil, fmt.Errorf("api: maximum must be at least 1, got %d", *u.Maximum)
	}
	if u.Minimum != nil && u.Maximum != nil && *u.Maximum < *u.Minimum {
		return nil, fmt.Errorf("api: maximum (%d) is below minimum (%d)", *u.Maximum, *u.Minimum)
	}
	return mutate[Policy](ctx, c, http.MethodPatch, policiesPath(fleet)+"/"+seg(name), u)
}

// DeletePolicy deletes a policy of a Smart Fleet.
func (c *Client) DeletePolicy(ctx context.Context, fleet, name string) (*MessageResponse, error) {
	return mutate[MessageResponse](ctx, c, http.MethodDelete, policiesPath(fleet)+"/"+seg(name), nil)
}

// Hosts lists the hosts of a private fleet (the API cannot list the fleets
// themselves: their names come from configuration).
func (c *Client) Hosts(ctx context.Context, fleet string) (*HostList, error) {
	return get[HostList](ctx, c, "/v2/private-fleets/"+seg(fleet)+"/hosts", url.Values{})
}
