package api

import (
	"context"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// Applications, their versions, the endpoint storage endpoints and the
// deployment report (v1 spec; API-NOTES §6.2–6.5). The lists are read
// through the one pager; the mutations are refused in read-only mode.

func appPath(app string) string { return "/v1/app/" + seg(app) }

func versionPath(app, version string) string {
	return appPath(app) + "/version/" + seg(version)
}

// Apps lists one page of the organization's applications.
func (c *Client) Apps(ctx context.Context, page, limit int) (*ApplicationList, error) {
	return get[ApplicationList](ctx, c, "/v1/apps", pageQuery(page, limit))
}

// AllApps returns every application, reading the pages until the pager
// stops.
func (c *Client) AllApps(ctx context.Context) ([]Application, error) {
	return readAll(c, "/v1/apps", func(page int) ([]Application, PageInfo, error) {
		l, err := c.Apps(ctx, page, MaxPageSize)
		if err != nil {
			return nil, PageInfo{}, err
		}
		return l.Applications, PageInfo{Rows: l.Loose.sentRows(len(l.Applications)), TotalCount: int(l.TotalCount), Pagination: l.Pagination}, nil
	})
}

// App returns one application.
func (c *Client) App(ctx context.Context, app string) (*Application, error) {
	if app == "" {
		return nil, fmt.Errorf("api: no application name")
	}
	return get[Application](ctx, c, appPath(app), nil)
}

// SetAppActive enables or disables new deployments of every version of an
// application (PATCH /v1/app/{app} with only is_active). Running
// deployments are not stopped.
func (c *Client) SetAppActive(ctx context.Context, app string, active bool) (*Application, error) {
	if app == "" {
		return nil, fmt.Errorf("api: no application name")
	}
	return mutate[Application](ctx, c, http.MethodPatch, appPath(app), AppUpdate{IsActive: active})
}

// AppVersions lists one page of an application's versions.
func (c *Client) AppVersions(ctx context.Context, app string, page, limit int) (*AppVersionList, error) {
	if app == "" {
		return nil, fmt.Errorf("api: no application name")
	}
	return get[AppVersionList](ctx, c, appPath(app)+"/versions", pageQuery(page, limit))
}

// AllAppVersions returns every version of an application, reading the
// pages until the pager stops.
func (c *Client) AllAppVersions(ctx context.Context, app string) ([]AppVersion, error) {
	return readAll(c, appPath(app)+"/versions", func(page int) ([]AppVersion, PageInfo, error) {
		l, err := c.AppVersions(ctx, app, page, MaxPageSize)
		if err != nil {
			return nil, PageInfo{}, err
		}
		return l.Versions, PageInfo{Rows: l.Loose.sentRows(len(l.Versions)), TotalCount: int(l.TotalCount), Pagination: l.Pagination}, nil
	})
}

// AppVersion returns one version of an application.
func (c *Client) AppVersion(ctx context.Context, app, version string) (*AppVersion, error) {
	if app == "" || version == "" {
		return nil, fmt.Errorf("api: an application version needs an application and a version name")
	}
	return get[AppVersion](ctx, c, versionPath(app, version), nil)
}

// UpdateAppVersion changes is_active (the kill switch: no new deployments
// of the version; running ones are not stopped) and/or max_duration
// (minutes, -1..1440) of a version, and returns the version as the API
// has it now.
func (c *Client) UpdateAppVersion(ctx context.Context, app, version string, u AppVersionUpdate) (*AppVersion, error) {
	switch {
	case app == "" || version == "":
		return nil, fmt.Errorf("api: an application version needs an application and a version name")
	case u.IsActive == nil && u.MaxDuration == nil:
		return nil, fmt.Errorf("api: nothing to change in %s %s", app, version)
	case u.MaxDuration != nil && (*u.MaxDuration < -1 || *u.MaxDuration > 1440):
		return nil, fmt.Errorf("api: max_duration must be between -1 and 1440 minutes, got %d", *u.MaxDuration)
	}
	out, err := mutate[AppVersionUpdated](ctx, c, http.MethodPatch, versionPath(app, version), u)
	if err != nil {
		return nil, err
	}
	if !out.Success || out.Version == nil {
		return nil, fmt.Errorf("api: PATCH %s: the API did not confirm the change (success %v)", versionPath(app, version), out.Success)
	}
	return out.Version, nil
}

// SetAppVersionActive is UpdateAppVersion of is_active alone.
func (c *Client) SetAppVersionActive(ctx context.Context, app, version string, active bool) (*AppVersion, error) {
	return c.UpdateAppVersion(ctx, app, version, AppVersionUpdate{IsActive: &active})
}

// StorageEndpoints lists one page of the endpoint storage endpoints.
func (c *Client) StorageEndpoints(ctx context.Context, page, limit int) (*StorageEndpointList, error) {
	return get[StorageEndpointList](ctx, c, "/v1/storage/endpoints", pageQuery(page, limit))
}

// AllStorageEndpoints returns every endpoint storage endpoint, reading the
// pages while the answers say there are more (the spec leaves the
// pagination block untyped; without one the first page is all).
func (c *Client) AllStorageEndpoints(ctx context.Context) ([]StorageEndpoint, error) {
	return readAll(c, "/v1/storage/endpoints", func(page int) ([]StorageEndpoint, PageInfo, error) {
		l, err := c.StorageEndpoints(ctx, page, MaxPageSize)
		if err != nil {
			return nil, PageInfo{}, err
		}
		return l.Endpoints, PageInfo{Rows: l.Loose.sentRows(len(l.Endpoints)), TotalCount: int(l.TotalCount), Pagination: l.Pagination}, nil
	})
}

// ValidateReportReason checks a report reason the way the API does: 1–255
// characters.
func ValidateReportReason(reason string) error {
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return fmt.Errorf("a report needs a reason")
	case n > MaxReportReason:
		return fmt.Errorf("the report reason is %d characters; the API takes at most %d", n, MaxReportReason)
	}
	return nil
}

// ReportDeployment reports a deployment to Edgegap (POST
// /v1/deployments/{id}:report) with a reason of 1–255 characters and
// optional metadata. The API answers 200, or 503 when it cannot take
// reports now (an *APIError). It is not retried: a report sent twice is
// two reports.
func (c *Client) ReportDeployment(ctx context.Context, requestID string, r ReportRequest) error {
	if err := ValidateReportReason(r.Reason); err != nil {
		return fmt.Errorf("api: %w", err)
	}
	if requestID == "" {
		return fmt.Errorf("api: a report needs a deployment")
	}
	if r.Metadata == nil {
		r.Metadata = map[string]any{}
	}
	_, err := mutate[struct{}](ctx, c, http.MethodPost, reportPath(requestID), r)
	return err
}

func reportPath(requestID string) string { return "/v1/deployments/" + seg(requestID) + ":report" }
