package api

import (
	"net/http"
	"strings"
)

// Group is an endpoint group: the unit of rate limiting. The API documents
// per-organization limits for some groups; the others get a conservative
// default.
type Group string

// Endpoint groups.
const (
	GroupList      Group = "list"      // GET /v1/deployments (documented 10/s)
	GroupStatus    Group = "status"    // GET /v1/status/{id} (documented 20/s)
	GroupDeploy    Group = "deploy"    // v1 deploy, v2 deploy, private fleet deploy (documented 40/s)
	GroupHosts     Group = "hosts"     // GET /v2/private-fleets/{fleet}/hosts (documented 10/s)
	GroupStop      Group = "stop"      // stop, self-stop, bulk-stop
	GroupLogs      Group = "logs"      // container logs
	GroupMetrics   Group = "metrics"   // deployment metrics
	GroupTags      Group = "tags"      // deployment tags
	GroupLocations Group = "locations" // locations
	GroupFleets    Group = "fleets"    // Smart Fleets and policies
	GroupApps      Group = "apps"      // applications, versions, endpoint storage
	GroupReport    Group = "report"    // deployment reports
)

// Groups lists every endpoint group in display order.
var Groups = []Group{GroupList, GroupStatus, GroupDeploy, GroupHosts, GroupStop, GroupLogs, GroupMetrics, GroupTags, GroupLocations, GroupFleets, GroupApps, GroupReport}

// DefaultUndocumentedLimit is the requests/second assumed for groups whose
// limit Edgegap does not document: as low as the lowest documented one.
const DefaultUndocumentedLimit = 10

// DocumentedLimit is the organization-wide requests/second limit of g, and
// whether Edgegap documents it.
func DocumentedLimit(g Group) (perSecond float64, documented bool) {
	switch g {
	case GroupList, GroupHosts:
		return 10, true
	case GroupStatus:
		return 20, true
	case GroupDeploy:
		return 40, true
	}
	return DefaultUndocumentedLimit, false
}

// GroupForPath classifies a request by method and URL path (v2 paths with
// their /v2 prefix). Paths outside the API return "".
func GroupForPath(method, path string) Group {
	p := strings.TrimSuffix(path, "/")
	switch {
	case p == "/v1/deployments" && method == http.MethodGet:
		return GroupList
	case strings.HasPrefix(p, "/v1/status/"):
		return GroupStatus
	case p == "/v1/deploy", p == "/v2/deployments", p == "/v2/private-fleets/deployments":
		return GroupDeploy
	case strings.HasPrefix(p, "/v2/private-fleets/") && strings.HasSuffix(p, "/hosts"):
		return GroupHosts
	case strings.HasPrefix(p, "/v1/stop/"), strings.HasPrefix(p, "/v1/self/stop/"), p == "/v1/deployments/bulk-stop":
		return GroupStop
	case strings.HasPrefix(p, "/v1/deployment/") && strings.HasSuffix(p, "/container-logs"):
		return GroupLogs
	case strings.HasPrefix(p, "/v1/metrics/deployment/"):
		return GroupMetrics
	case strings.HasPrefix(p, "/v1/deployments/") && strings.HasSuffix(p, ":report"):
		return GroupReport
	case strings.HasPrefix(p, "/v1/deployments/") && strings.Contains(p, "/tags"):
		return GroupTags
	case strings.HasPrefix(p, "/v1/locations"):
		return GroupLocations
	case p == "/v1/fleets", p == "/v1/fleet", strings.HasPrefix(p, "/v1/fleet/"):
		return GroupFleets
	case p == "/v1/apps", strings.HasPrefix(p, "/v1/app/"), p == "/v1/storage/endpoints":
		return GroupApps
	}
	return ""
}
