package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
)

// ListDeployments returns one page of the organization's deployments. The
// list carries no status, app, version or location: use DeploymentStatus.
func (c *Client) ListDeployments(ctx context.Context, p ListDeploymentsParams) (*DeploymentList, error) {
	q := pageQuery(p.Page, p.Limit)
	if p.Query != nil && (len(p.Query.Filters) > 0 || len(p.Query.OrderBy) > 0) {
		if err := p.Query.Validate(); err != nil {
			return nil, fmt.Errorf("api: deployments query: %w", err)
		}
		b, err := json.Marshal(p.Query)
		if err != nil {
			return nil, fmt.Errorf("api: deployments query: %w", err)
		}
		q.Set("query", string(b))
	}
	return get[DeploymentList](ctx, c, "/v1/deployments", q)
}

// MaxPageSize is the page size the all-pages iterators ask for.
const MaxPageSize = 100

// AllDeployments iterates over every page of the deployments list until
// the pager stops (see Pager). It stops at the first error, which it yields.
func (c *Client) AllDeployments(ctx context.Context, query *DeploymentQuery, pageSize int) iter.Seq2[Deployment, error] {
	if pageSize <= 0 {
		pageSize = MaxPageSize
	}
	return func(yield func(Deployment, error) bool) {
		var pg Pager
		for page := 1; page > 0; {
			list, err := c.ListDeployments(ctx, ListDeploymentsParams{Page: page, Limit: pageSize, Query: query})
			if err != nil {
				yield(Deployment{}, err)
				return
			}
			for _, d := range list.Data {
				if !yield(d, nil) {
					return
				}
			}
			page, _ = pg.Next(list.PageInfo())
		}
		c.logPagerStop("/v1/deployments", &pg)
	}
}

// DeploymentStatus returns everything the API knows about one deployment,
// filed under the id asked for. A 200 the spec allows but that is not
// about that deployment (a null body, another request_id) is a
// *StatusUnusableError: callers back off as after any error.
func (c *Client) DeploymentStatus(ctx context.Context, requestID string) (*DeploymentStatus, error) {
	st, err := get[DeploymentStatus](ctx, c, "/v1/status/"+seg(requestID), nil)
	if err != nil {
		return nil, err
	}
	switch {
	case st == nil || string(bytes.TrimSpace(st.raw)) == "null":
		err = &StatusUnusableError{RequestID: requestID, Reason: "the API answered null"}
	case st.Loose.unusable != "":
		err = &StatusUnusableError{RequestID: requestID, Reason: "the answer is " + st.Loose.unusable}
	case st.RequestID == "":
		st.RequestID = requestID // no id in the answer: it is the one asked for
	case st.RequestID != requestID:
		err = &StatusUnusableError{RequestID: requestID, Reason: "the API answered about another deployment (" + clipID(st.RequestID) + ")"}
	}
	if err != nil {
		c.log.Debug("api status answer unusable", "path", "/v1/status/"+seg(requestID), "reason", err.(*StatusUnusableError).Reason)
		return nil, err
	}
	return st, nil
}

// StatusUnusableError is a status answer that cannot be filed under the
// deployment asked for.
type StatusUnusableError struct {
	RequestID string // the id asked for
	Reason    string // what was wrong with the answer
}

func (e *StatusUnusableError) Error() string {
	return "api: status of " + e.RequestID + " unavailable: " + e.Reason
}

// StatusUnusable returns the reason when err is a *StatusUnusableError.
func StatusUnusable(err error) (reason string, ok bool) {
	var e *StatusUnusableError
	if errors.As(err, &e) {
		return e.Reason, true
	}
	return "", false
}

// clipID shortens an id the API sent for a message (at most 40 bytes).
func clipID(id string) string {
	if len(id) > 40 {
		return id[:40] + "…"
	}
	return id
}

// StopDeployment asks the API to stop a deployment. Its three answers are
// distinct outcomes, none an error: 200 (stopping now), 202 (stops once
// READY or ERROR) and 410 (already terminated). Stop is idempotent, so it
// is retried on network errors and 5xx.
func (c *Client) StopDeployment(ctx context.Context, requestID string, opts StopOptions) (*StopResult, error) {
	if err := c.mutating(); err != nil {
		return nil, err
	}
	return c.stop(ctx, call{method: http.MethodDelete, path: "/v1/stop/" + seg(requestID), query: stopQuery(opts), idempotent: true, ok: []int{http.StatusGone}})
}

// SelfStop is the deployment's own stop call, authenticated with its
// ARBITRIUM_DELETE_TOKEN and the stop key from ARBITRIUM_DELETE_URL.
func (c *Client) SelfStop(ctx context.Context, requestID, stopKey, deleteToken string, opts StopOptions) (*StopResult, error) {
	if err := c.mutating(); err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Authorization", deleteToken)
	return c.stop(ctx, call{method: http.MethodDelete, path: "/v1/self/stop/" + seg(requestID) + "/" + seg(stopKey), query: stopQuery(opts), header: h, noAuth: true, idempotent: true, ok: []int{http.StatusGone}})
}

func stopQuery(opts StopOptions) url.Values {
	if opts.ContainerLogStorage == "" {
		return nil
	}
	return url.Values{"container_log_storage": {opts.ContainerLogStorage}}
}

func (c *Client) stop(ctx context.Context, cl call) (*StopResult, error) {
	resp, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	res := &StopResult{HTTPStatus: resp.status}
	switch resp.status {
	case http.StatusGone:
		res.Outcome = StopAlreadyTerminated
		res.Message = c.apiError(cl.method, cl.path, resp).Message
		return res, nil
	case http.StatusAccepted:
		res.Outcome = StopAccepted
	case http.StatusOK:
		res.Outcome = StopStopping
	default:
		return nil, fmt.Errorf("api: %s %s: unexpected %d answer to a stop", cl.method, cl.path, resp.status)
	}
	body, err := decodeNoting[StopResponse](c, cl.method, cl.path, resp)
	if err != nil {
		return nil, err
	}
	res.Message, res.Summary = body.Message, body.DeploymentSummary
	return res, nil
}

// BulkStop stops every deployment matching all the filters (on the
// server's data, not on what a screen shows) and returns those it will stop.
func (c *Client) BulkStop(ctx context.Context, req BulkStopRequest) (*BulkStopResult, error) {
	if len(req.Filters) == 0 {
		return nil, fmt.Errorf("api: bulk stop needs at least one filter")
	}
	for _, f := range req.Filters {
		if f.Field != BulkFieldRequestID && f.Field != BulkFieldDeploymentTags {
			return nil, fmt.Errorf("api: bulk stop filter field must be %q or %q, got %q", BulkFieldRequestID, BulkFieldDeploymentTags, f.Field)
		}
		if f.FilterType != MatchAny && f.FilterType != MatchAll && f.FilterType != MatchNot {
			return nil, fmt.Errorf("api: bulk stop filter_type must be any, all or not, got %q", f.FilterType)
		}
		if len(f.Values) == 0 {
			return nil, fmt.Errorf("api: bulk stop filter on %s has no values", f.Field)
		}
	}
	return mutate[BulkStopResult](ctx, c, http.MethodPost, "/v1/deployments/bulk-stop", req)
}

// BulkStopByRequestIDs stops exactly the given deployments.
func (c *Client) BulkStopByRequestIDs(ctx context.Context, requestIDs ...string) (*BulkStopResult, error) {
	return c.BulkStop(ctx, BulkStopRequest{Filters: []BulkStopFilter{{Field: BulkFieldRequestID, Values: requestIDs, FilterType: MatchAny}}})
}

// BulkStopByTags stops the deployments whose tags match: MatchAny (any of
// the tags), MatchAll (all of them) or MatchNot (none of them).
func (c *Client) BulkStopByTags(ctx context.Context, match string, tags ...string) (*BulkStopResult, error) {
	return c.BulkStop(ctx, BulkStopRequest{Filters: []BulkStopFilter{{Field: BulkFieldDeploymentTags, Values: tags, FilterType: match}}})
}

// ContainerLogs returns a snapshot of a deployment's container logs (the
// API serves the current log, or its last part, only while it runs).
func (c *Client) ContainerLogs(ctx context.Context, requestID string) (*ContainerLogs, error) {
	return get[ContainerLogs](ctx, c, "/v1/deployment/"+seg(requestID)+"/container-logs", nil)
}

// Metrics returns a deployment's metrics series.
func (c *Client) Metrics(ctx context.Context, requestID string, p MetricsParams) (*Metrics, error) {
	q := url.Values{}
	if !p.Start.IsZero() {
		q.Set("start_time", FormatMetricsTime(p.Start.Time))
	}
	if !p.End.IsZero() {
		q.Set("end_time", FormatMetricsTime(p.End.Time))
	}
	if p.Steps != "" {
		q.Set("steps", p.Steps)
	}
	if p.Raw {
		q.Set("raw", "true")
	}
	return get[Metrics](ctx, c, "/v1/metrics/deployment/"+seg(requestID), q)
}

// DeployV1 creates a deployment through POST /v1/deploy.
//
// Deprecated: Edgegap deprecated this endpoint (spec 2026.04.24); use DeployV2.
func (c *Client) DeployV1(ctx context.Context, req DeployV1Request) (*DeployV1Response, error) {
	if req.AppName == "" {
		return nil, fmt.Errorf("api: deploy needs an application name")
	}
	return mutate[DeployV1Response](ctx, c, http.MethodPost, "/v1/deploy", req)
}

// DeployV2 creates a deployment. On 422 ("Couldn't Allocate Server") the
// API still created a deployment (in error): both the response carrying its
// request ID and an *APIError are returned.
func (c *Client) DeployV2(ctx context.Context, req DeployV2Request) (*DeployV2Response, error) {
	if err := validateDeployV2(req); err != nil {
		return nil, err
	}
	return c.deployV2(ctx, "/v2/deployments", req)
}

// DeployPrivateFleet creates a deployment on private fleet hosts (tried
// before overflowing to the cloud). A 422 is handled as in DeployV2.
func (c *Client) DeployPrivateFleet(ctx context.Context, req PrivateFleetDeployRequest) (*DeployV2Response, error) {
	if len(req.PrivateHostIDs) == 0 {
		return nil, fmt.Errorf("api: private fleet deploy needs at least one host")
	}
	seen := map[string]bool{}
	for _, h := range req.PrivateHostIDs {
		if seen[h] {
			return nil, fmt.Errorf("api: host %q is listed twice", h)
		}
		seen[h] = true
	}
	if err := validateDeployV2(req.DeployV2Request); err != nil {
		return nil, err
	}
	return c.deployV2(ctx, "/v2/private-fleets/deployments", req)
}

func validateDeployV2(req DeployV2Request) error {
	switch {
	case req.Application == "":
		return fmt.Errorf("api: deploy needs an application")
	case req.Version == "":
		return fmt.Errorf("api: deploy needs a version")
	case len(req.Users) == 0:
		return fmt.Errorf("api: deploy needs at least one user (IP address or coordinates)")
	}
	return nil
}

func (c *Client) deployV2(ctx context.Context, path string, body any) (*DeployV2Response, error) {
	if err := c.mutating(); err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, call{method: http.MethodPost, path: path, body: body, ok: []int{http.StatusUnprocessableEntity}})
	if err != nil {
		return nil, err
	}
	out, err := decodeNoting[DeployV2Response](c, http.MethodPost, path, resp)
	if err != nil {
		return nil, err
	}
	if resp.status == http.StatusUnprocessableEntity {
		return out, c.apiError(http.MethodPost, path, resp)
	}
	return out, nil
}
