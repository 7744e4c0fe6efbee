package sim

import "net/http"

// routeTable lists every endpoint the simulator serves.
func routeTable() []*route {
	return []*route{
		{method: http.MethodGet, pattern: "/v1/deployments", handle: (*Server).listDeployments},
		{method: http.MethodGet, pattern: "/v1/status/{id}", handle: (*Server).getStatus},
		{method: http.MethodDelete, pattern: "/v1/stop/{id}", handle: (*Server).stopDeployment},
		{method: http.MethodPost, pattern: "/v1/deployments/bulk-stop", handle: (*Server).bulkStop},
		{method: http.MethodDelete, pattern: "/v1/self/stop/{id}/{stop_key}", handle: (*Server).selfStop, noAuth: true},
		{method: http.MethodGet, pattern: "/v1/deployment/{id}/container-logs", handle: (*Server).containerLogs},
		{method: http.MethodGet, pattern: "/v1/metrics/deployment/{id}", handle: (*Server).deploymentMetrics},
		{method: http.MethodGet, pattern: "/v1/locations", handle: (*Server).listLocations},
		{method: http.MethodPost, pattern: "/v1/deployments/{id}:report", handle: (*Server).reportDeployment},

		{method: http.MethodGet, pattern: "/v1/apps", handle: (*Server).listApps},
		{method: http.MethodGet, pattern: "/v1/app/{app}", handle: (*Server).getApp},
		{method: http.MethodPatch, pattern: "/v1/app/{app}", handle: (*Server).updateApp},
		{method: http.MethodGet, pattern: "/v1/app/{app}/versions", handle: (*Server).listVersions},
		{method: http.MethodGet, pattern: "/v1/app/{app}/version/{version}", handle: (*Server).getVersion},
		{method: http.MethodPatch, pattern: "/v1/app/{app}/version/{version}", handle: (*Server).updateVersion},
		{method: http.MethodGet, pattern: "/v1/storage/endpoints", handle: (*Server).listStorageEndpoints},

		{method: http.MethodGet, pattern: "/v1/deployments/{id}/tags", handle: (*Server).listTags},
		{method: http.MethodPost, pattern: "/v1/deployments/{id}/tags", handle: (*Server).createTag},
		{method: http.MethodGet, pattern: "/v1/deployments/{id}/tags/{tag}", handle: (*Server).getTag},
		{method: http.MethodPatch, pattern: "/v1/deployments/{id}/tags/{tag}", handle: (*Server).renameTag},
		{method: http.MethodDelete, pattern: "/v1/deployments/{id}/tags/{tag}", handle: (*Server).deleteTag},

		{method: http.MethodGet, pattern: "/v1/fleets", handle: (*Server).listFleets},
		{method: http.MethodPost, pattern: "/v1/fleet", handle: (*Server).createFleet},
		{method: http.MethodGet, pattern: "/v1/fleet/{fleet}", handle: (*Server).getFleet},
		{method: http.MethodPatch, pattern: "/v1/fleet/{fleet}", handle: (*Server).updateFleet},
		{method: http.MethodDelete, pattern: "/v1/fleet/{fleet}", handle: (*Server).deleteFleet},
		{method: http.MethodPut, pattern: "/v1/fleet/{fleet}/app/{app}/version/{version}", handle: (*Server).linkFleetVersion},
		{method: http.MethodDelete, pattern: "/v1/fleet/{fleet}/app/{app}/version/{version}", handle: (*Server).unlinkFleetVersion},
		{method: http.MethodGet, pattern: "/v1/fleet/{fleet}/policies", handle: (*Server).listPolicies},
		{method: http.MethodPost, pattern: "/v1/fleet/{fleet}/policies", handle: (*Server).createPolicy},
		{method: http.MethodGet, pattern: "/v1/fleet/{fleet}/policies/{policy}", handle: (*Server).getPolicy},
		{method: http.MethodPatch, pattern: "/v1/fleet/{fleet}/policies/{policy}", handle: (*Server).updatePolicy},
		{method: http.MethodDelete, pattern: "/v1/fleet/{fleet}/policies/{policy}", handle: (*Server).deletePolicy},

		{method: http.MethodPost, pattern: "/v1/deploy", handle: (*Server).deployV1},
		{method: http.MethodPost, pattern: "/v2/deployments", handle: (*Server).deployV2},
		{method: http.MethodGet, pattern: "/v2/private-fleets/{fleet}/hosts", handle: (*Server).listHosts},
		{method: http.MethodPost, pattern: "/v2/private-fleets/deployments", handle: (*Server).deployPrivate},

		// The simulator's own: stage an incident.
		{method: http.MethodPost, pattern: "/_sim/fail/{id}", handle: (*Server).simFail},
	}
}
