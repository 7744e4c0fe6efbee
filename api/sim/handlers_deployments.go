package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// defaultPageLimit is the page size of lists when no limit is given.
const defaultPageLimit = 10

// deploymentListWire is api.DeploymentList with `message` always present.
type deploymentListWire struct {
	api.DeploymentList
	Message []string `json:"message"`
}

// listDeployments is GET /v1/deployments: the deployments not TERMINATED,
// filtered, ordered and paginated.
func (s *Server) listDeployments(c *call) reply {
	q := c.query()
	number, limit, err := pageParams(q, defaultPageLimit)
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	query, err := parseDeploymentQuery(q.Get("query"))
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	ds := query.list(s.world, c.now, s.listBuf)
	defer func() { s.listBuf = ds[:0] }()
	p := newPage(number, limit, len(ds))
	items := make([]api.Deployment, 0, limit)
	for _, d := range paged(ds, p) {
		items = append(items, d.listItem(c.now))
	}
	return ok(deploymentListWire{
		DeploymentList: api.DeploymentList{Data: items, TotalCount: api.Int(len(ds)), Pagination: p.v1()},
		Message:        []string{},
	})
}

// deployment finds the {id} of the call or answers 404.
func (s *Server) deployment(c *call) (*deployment, reply, bool) {
	id := c.param("id")
	d, found := s.world.get(id)
	if !found {
		return nil, errorf(http.StatusNotFound, "Deployment %s not found", id), false
	}
	return d, reply{}, true
}

// getStatus is GET /v1/status/{id}.
func (s *Server) getStatus(c *call) reply {
	d, rep, found := s.deployment(c)
	if !found {
		return rep
	}
	return ok(d.statusView(c.now))
}

// stopDeployment is DELETE /v1/stop/{id}.
func (s *Server) stopDeployment(c *call) reply {
	d, rep, found := s.deployment(c)
	if !found {
		return rep
	}
	return s.stopReply(d, c.now, c.query().Get("container_log_storage"))
}

// stopReply stops d and answers like the stop endpoints: 200 with a summary
// when READY/ERROR, 202 while it gets there or terminates, 410 once gone.
func (s *Server) stopReply(d *deployment, now time.Time, logStorage string) reply {
	if logStorage != "" && logStorage != "true" && logStorage != "false" && !s.hasStorageEndpoint(logStorage) {
		return errorf(http.StatusBadRequest, "container_log_storage: endpoint storage %q not found", logStorage)
	}
	outcome := d.stop(now)
	s.world.rescheduled(d)
	if outcome != api.StopAlreadyTerminated && logStorage != "" && logStorage != "false" && d.logsLink == "" {
		d.logsLink = d.storedLogsLink()
	}
	switch outcome {
	case api.StopAlreadyTerminated:
		return errorf(http.StatusGone, "Instance Already terminated")
	case api.StopAccepted:
		return jsonReply(http.StatusAccepted, api.StopResponse{Message: d.id + " - Delete request will be processed soon"})
	}
	return ok(api.StopResponse{Message: "Instance " + d.id + " will be deleted", DeploymentSummary: d.statusView(now)})
}

// selfStop is DELETE /v1/self/stop/{id}/{stop_key}, authenticated by the
// deployment's own delete token instead of the organization token.
func (s *Server) selfStop(c *call) reply {
	d, rep, found := s.deployment(c)
	if !found {
		return rep
	}
	token := c.r.Header.Get("Authorization")
	switch {
	case token == "":
		return errorf(http.StatusUnauthorized, "Missing Token")
	case token != d.deleteToken:
		return errorf(http.StatusUnauthorized, "Invalid Token")
	case c.param("stop_key") != d.stopKey:
		return errorf(http.StatusForbidden, "Invalid stop key for deployment %s", d.id)
	}
	if d.terminated(c.now) {
		// The spec declares no 410 for self-stop.
		return errorf(http.StatusNotFound, "Instance Already terminated")
	}
	return s.stopReply(d, c.now, c.query().Get("container_log_storage"))
}

// bulkStop is POST /v1/deployments/bulk-stop.
func (s *Server) bulkStop(c *call) reply {
	var req api.BulkStopRequest
	if err := decodeBody(c.body, &req); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if err := validateBulkFilters(req.Filters); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	out := api.BulkStopResult{Processable: []api.BulkStopItem{}}
	for _, d := range s.world.liveAt(c.now) {
		if bulkMatches(req.Filters, d) {
			d.stop(c.now)
			s.world.rescheduled(d)
			out.Processable = append(out.Processable, api.BulkStopItem{RequestID: d.id})
		}
	}
	return jsonReply(http.StatusAccepted, out)
}

func validateBulkFilters(filters []api.BulkStopFilter) error {
	if len(filters) == 0 {
		return fmt.Errorf("at least one filter is required")
	}
	for _, f := range filters {
		switch {
		case f.Field != api.BulkFieldRequestID && f.Field != api.BulkFieldDeploymentTags:
			return fmt.Errorf("filter field must be request_id or deployment_tags, got %q", f.Field)
		case !slices.Contains([]string{api.MatchAny, api.MatchAll, api.MatchNot}, f.FilterType):
			return fmt.Errorf("filter_type must be any, all or not, got %q", f.FilterType)
		case len(f.Values) == 0:
			return fmt.Errorf("filter on %s needs at least one value", f.Field)
		}
	}
	return nil
}

// bulkMatches reports whether d matches every filter.
func bulkMatches(filters []api.BulkStopFilter, d *deployment) bool {
	for _, f := range filters {
		has := d.hasTag
		if f.Field == api.BulkFieldRequestID {
			has = func(v string) bool { return strings.EqualFold(v, d.id) }
		}
		if !api.MatchValues(f.FilterType, f.Values, has) {
			return false
		}
	}
	return true
}
