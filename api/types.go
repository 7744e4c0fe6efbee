package api

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Wire types of the Edgegap REST API. Field names and JSON keys follow the
// official OpenAPI specs (v1, v2) and the legacy 2024 swagger for Smart Fleets.
// Numbers use Int/Float so numeric strings decode; timestamps use Time.

// Pagination is the page block of paginated list responses. The next and
// previous page numbers are null at the ends.
type Pagination struct {
	Number             Int       `json:"number"`
	NextPageNumber     *Int      `json:"next_page_number"`
	PreviousPageNumber *Int      `json:"previous_page_number"`
	Paginator          Paginator `json:"paginator"`
	HasNext            bool      `json:"has_next"`
	HasPrevious        bool      `json:"has_previous"`
}

// Paginator holds the page count.
type Paginator struct {
	NumPages Int `json:"num_pages"`
}

// Port is one exposed port of a deployment.
type Port struct {
	Name       string `json:"name"`
	Link       string `json:"link"`
	Internal   Int    `json:"internal"`
	External   Int    `json:"external"`
	Protocol   string `json:"protocol"`
	TLSUpgrade bool   `json:"tls_upgrade"`
	Proxy      *Int   `json:"proxy,omitempty"`
}

// LocationTag is a key/value tag on a location (legacy `?tags=true`).
type LocationTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Location is a place where deployments run.
type Location struct {
	City                   string        `json:"city"`
	Country                string        `json:"country"`
	Continent              string        `json:"continent"`
	AdministrativeDivision string        `json:"administrative_division"`
	Timezone               string        `json:"timezone"`
	Latitude               Float         `json:"latitude"`
	Longitude              Float         `json:"longitude"`
	Type                   string        `json:"type,omitempty"`
	Tags                   []LocationTag `json:"tags,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// Session is a (legacy) session attached to a deployment.
type Session struct {
	SessionID string `json:"session_id"`
	Status    Status `json:"status"`
	Ready     bool   `json:"ready"`
	Linked    bool   `json:"linked"`
	Kind      string `json:"kind"`
	UserCount Int    `json:"user_count"`
}

// Deployment is one item of the deployments list. The list does not carry
// status, app, version or location: those come from DeploymentStatus.
type Deployment struct {
	RequestID           string          `json:"request_id"`
	FQDN                string          `json:"fqdn"`
	StartTime           Time            `json:"start_time"`
	Ready               bool            `json:"ready"`
	PublicIP            string          `json:"public_ip"`
	Ports               map[string]Port `json:"ports,omitempty"`
	Tags                []string        `json:"tags"`
	Sockets             *Int            `json:"sockets,omitempty"`
	SocketsUsage        *Int            `json:"sockets_usage,omitempty"`
	IsJoinableBySession *bool           `json:"is_joinable_by_session,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// DeploymentList is a page of GET /v1/deployments.
type DeploymentList struct {
	Data       []Deployment `json:"data"`
	TotalCount Int          `json:"total_count"`
	Pagination Pagination   `json:"pagination"`
	Message    []string     `json:"message,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// DeploymentStatus is GET /v1/status/{request_id}: everything known about
// one deployment.
type DeploymentStatus struct {
	RequestID          string          `json:"request_id"`
	FQDN               string          `json:"fqdn"`
	AppName            string          `json:"app_name"`
	AppVersion         string          `json:"app_version"`
	CurrentStatus      Status          `json:"current_status"`
	Running            bool            `json:"running"`
	WhitelistingActive bool            `json:"whitelisting_active"`
	StartTime          Time            `json:"start_time"`
	RemovalTime        *Time           `json:"removal_time,omitempty"`
	ElapsedTime        Int             `json:"elapsed_time"`
	LastStatus         Status          `json:"last_status,omitempty"`
	Error              bool            `json:"error"`
	ErrorDetail        string          `json:"error_detail"`
	Ports              map[string]Port `json:"ports,omitempty"`
	PublicIP           string          `json:"public_ip"`
	Sessions           []Session       `json:"sessions,omitempty"`
	Location           *Location       `json:"location,omitempty"`
	Tags               []string        `json:"tags"`
	Sockets            *Int            `json:"sockets,omitempty"`
	SocketsUsage       *Int            `json:"sockets_usage,omitempty"`
	Command            string          `json:"command"`
	Arguments          string          `json:"arguments"`
	MaxDuration        Int             `json:"max_duration"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`

	raw     json.RawMessage
	rawSize int
}

// Raw is the body the API sent for this status, its secrets replaced by
// "•••" (see Redact): nil when the value was
// not read from an API answer, or when the body was over MaxRawBytes (see
// RawSize; the decoded value, clipped, is all that is kept).
func (s *DeploymentStatus) Raw() json.RawMessage { return s.raw }

// RawSize is the size in bytes of the body this status was decoded from
// (0 when it was not read from an API answer).
func (s *DeploymentStatus) RawSize() int { return s.rawSize }

func (s *DeploymentStatus) setRaw(b []byte) {
	s.raw, s.rawSize = nil, len(b)
	if len(b) <= MaxRawBytes {
		s.raw = append(json.RawMessage(nil), Redact(b)...) // sessions may carry authorization tokens
	}
}

// QueryFilter is one filter of the deployments list `query` parameter.
// Value is a scalar for eq/neq/lt/lte/gt/gte and a list for in/nin.
type QueryFilter struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Value    any    `json:"value"`
}

// QueryOrder is one `order_by` entry of the deployments list query.
type QueryOrder struct {
	Field string `json:"field"`
	Order string `json:"order"`
}

// DeploymentQuery is the JSON `query` parameter of GET /v1/deployments.
type DeploymentQuery struct {
	Filters []QueryFilter `json:"filters,omitempty"`
	OrderBy []QueryOrder  `json:"order_by,omitempty"`
}

// Query filter fields and operators accepted by the deployments list.
const (
	FieldStatus      = "status"
	FieldRequestID   = "request_id"
	FieldTags        = "tags"
	FieldApplication = "application"
	FieldVersion     = "version"
	FieldCreatedAt   = "created_at"

	OpEq  = "eq"
	OpNeq = "neq"
	OpIn  = "in"
	OpNin = "nin"
	OpLt  = "lt"
	OpLte = "lte"
	OpGt  = "gt"
	OpGte = "gte"
)

// QueryFields lists the filterable fields of the deployments list.
var QueryFields = []string{FieldStatus, FieldRequestID, FieldTags, FieldApplication, FieldVersion, FieldCreatedAt}

// QueryOperators lists the operators of the deployments list query.
var QueryOperators = []string{OpEq, OpNeq, OpIn, OpNin, OpLt, OpLte, OpGt, OpGte}

// Validate checks the query the way the API does: known fields and
// operators, list values for in/nin, and at most one filter per field.
func (q *DeploymentQuery) Validate() error {
	if q == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, f := range q.Filters {
		if !slices.Contains(QueryFields, f.Field) {
			return fmt.Errorf("unknown filter field %q", f.Field)
		}
		if !slices.Contains(QueryOperators, f.Operator) {
			return fmt.Errorf("unknown filter operator %q", f.Operator)
		}
		if seen[f.Field] {
			return fmt.Errorf("two filters on field %q", f.Field)
		}
		seen[f.Field] = true
		_, isList := f.Value.([]string)
		if _, ok := f.Value.([]any); ok {
			isList = true
		}
		if (f.Operator == OpIn || f.Operator == OpNin) != isList {
			return fmt.Errorf("operator %q on %q needs %s value", f.Operator, f.Field, map[bool]string{true: "a list", false: "a single"}[f.Operator == OpIn || f.Operator == OpNin])
		}
	}
	for _, o := range q.OrderBy {
		if o.Order != "asc" && o.Order != "desc" {
			return fmt.Errorf("order_by %q: order must be asc or desc", o.Field)
		}
	}
	return nil
}

// ListDeploymentsParams are the parameters of GET /v1/deployments.
type ListDeploymentsParams struct {
	Page  int // 1-based; 0 means the API default
	Limit int // 0 means the API default
	Query *DeploymentQuery
}

// StopOutcome tells what a stop request did.
type StopOutcome int

const (
	// StopAccepted (202): the deployment is not READY/ERROR yet; it stops once it gets there.
	StopAccepted StopOutcome = iota + 1
	// StopStopping (200): the deployment was READY/ERROR and is stopping now.
	StopStopping
	// StopAlreadyTerminated (410): the deployment was already terminated.
	StopAlreadyTerminated
)

// String names the outcome for people.
func (o StopOutcome) String() string {
	switch o {
	case StopAccepted:
		return "accepted (stops once READY or ERROR)"
	case StopStopping:
		return "stopping"
	case StopAlreadyTerminated:
		return "already terminated"
	}
	return "unknown"
}

// StopResult is the typed result of DELETE /v1/stop/{id} (and self-stop).
type StopResult struct {
	Outcome    StopOutcome
	HTTPStatus int
	Message    string
	Summary    *DeploymentStatus // set on 200
}

// StopResponse is the 200/202 body of the stop endpoints.
type StopResponse struct {
	Message           string            `json:"message"`
	DeploymentSummary *DeploymentStatus `json:"deployment_summary,omitempty"`
}

// StopOptions are the optional parameters of a stop.
type StopOptions struct {
	// ContainerLogStorage is "true", "false" or an endpoint storage name; empty omits it.
	ContainerLogStorage string
}

// Bulk-stop filter fields and match types.
const (
	BulkFieldRequestID      = "request_id"
	BulkFieldDeploymentTags = "deployment_tags"

	MatchAny = "any"
	MatchAll = "all"
	MatchNot = "not"
)

// MatchValues applies a filter_type to values: MatchAny holds when has is
// true for at least one value, MatchAll when for every one, MatchNot when
// for none. Any other filter type matches nothing.
func MatchValues(filterType string, values []string, has func(string) bool) bool {
	switch filterType {
	case MatchAny:
		return slices.ContainsFunc(values, has)
	case MatchAll:
		return !slices.ContainsFunc(values, func(v string) bool { return !has(v) })
	case MatchNot:
		return !slices.ContainsFunc(values, has)
	}
	return false
}

// BulkStopFilter selects deployments for a bulk stop.
type BulkStopFilter struct {
	Field      string   `json:"field"`
	Values     []string `json:"values"`
	FilterType string   `json:"filter_type"`
}

// BulkStopRequest is the body of POST /v1/deployments/bulk-stop.
type BulkStopRequest struct {
	Filters []BulkStopFilter `json:"filters"`
}

// BulkStopItem is one deployment the server will stop.
type BulkStopItem struct {
	RequestID string `json:"request_id"`
}

// BulkStopResult is the 202 body of a bulk stop.
type BulkStopResult struct {
	Processable []BulkStopItem `json:"processable"`
}

// CrashData describes the last crash of a deployment's container.
type CrashData struct {
	ExitCode     Int    `json:"exit_code"`
	Message      string `json:"message"`
	RestartCount Int    `json:"restart_count"`
}

// ContainerLogs is a snapshot of a deployment's container logs.
type ContainerLogs struct {
	Logs      string     `json:"logs"`
	Encoding  string     `json:"encoding,omitempty"`
	CrashLogs *string    `json:"crash_logs"`
	CrashData *CrashData `json:"crash_data"`
	LogsLink  *string    `json:"logs_link"`
}

// MetricSeries is one metric over time.
type MetricSeries struct {
	Labels     []string `json:"labels"`
	Datasets   []Float  `json:"datasets"`
	Timestamps []Time   `json:"timestamps"`
}

// MetricTotals are the cumulative network and disk counters.
type MetricTotals struct {
	ReceiveTotal   MetricSeries `json:"receive_total"`
	TransmitTotal  MetricSeries `json:"transmit_total"`
	DiskReadTotal  MetricSeries `json:"disk_read_total"`
	DiskWriteTotal MetricSeries `json:"disk_write_total"`
}

// NetworkMetrics are network receive/transmit series.
type NetworkMetrics struct {
	Receive  MetricSeries `json:"receive"`
	Transmit MetricSeries `json:"transmit"`
}

// Metrics is GET /v1/metrics/deployment/{id}. The API does not document
// units; see the console's legend for the assumptions made.
type Metrics struct {
	Total            MetricTotals   `json:"total"`
	CPU              MetricSeries   `json:"cpu"`
	CPUThrottleRate  *MetricSeries  `json:"cpu_throttle_rate,omitempty"`
	CPUThrottleTotal *MetricSeries  `json:"cpu_throttle_total,omitempty"`
	Mem              MetricSeries   `json:"mem"`
	Network          NetworkMetrics `json:"network"`
}

// MetricsParams are the optional parameters of the metrics endpoint.
type MetricsParams struct {
	Start, End Time   // zero: the API default (deployment start / now)
	Steps      string // "30s", "1m", "5m", "10m", "1h"; empty: API default
	Raw        bool
}

// LatLong is a coordinate pair.
type LatLong struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// GeoIP is an IP with its coordinates (v1 deploy).
type GeoIP struct {
	IP        string  `json:"ip"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// EnvVar is an environment variable injected into a deployment.
type EnvVar struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	IsHidden bool   `json:"is_hidden"`
}

// ContainerLogStorage selects endpoint storage for logs.
type ContainerLogStorage struct {
	Enabled         bool   `json:"enabled"`
	EndpointStorage string `json:"endpoint_storage"`
}

// LocationFilter filters locations by city/country/continent/... (v1 deploy,
// Smart Fleet policies).
type LocationFilter struct {
	Field      string   `json:"field"`
	Values     []string `json:"values"`
	FilterType string   `json:"filter_type"`
}

// DeployV1Request is the body of the deprecated POST /v1/deploy.
type DeployV1Request struct {
	AppName                  string               `json:"app_name"`
	VersionName              string               `json:"version_name,omitempty"`
	IsPublicApp              *bool                `json:"is_public_app,omitempty"`
	IPList                   []string             `json:"ip_list,omitempty"`
	GeoIPList                []GeoIP              `json:"geo_ip_list,omitempty"`
	TelemetryProfileUUIDList []string             `json:"telemetry_profile_uuid_list,omitempty"`
	EnvVars                  []EnvVar             `json:"env_vars,omitempty"`
	SkipTelemetry            *bool                `json:"skip_telemetry,omitempty"`
	Location                 *LatLong             `json:"location,omitempty"`
	WebhookURL               string               `json:"webhook_url,omitempty"`
	Tags                     []string             `json:"tags,omitempty"`
	ContainerLogStorage      *ContainerLogStorage `json:"container_log_storage,omitempty"`
	Filters                  []LocationFilter     `json:"filters,omitempty"`
	APSortStrategy           string               `json:"ap_sort_strategy,omitempty"`
	Command                  *string              `json:"command,omitempty"`
	Arguments                *string              `json:"arguments,omitempty"`
}

// DeployV1Response is the 200 body of POST /v1/deploy.
type DeployV1Response struct {
	RequestID           string               `json:"request_id"`
	RequestDNS          string               `json:"request_dns"`
	RequestApp          string               `json:"request_app"`
	RequestVersion      string               `json:"request_version"`
	RequestUserCount    Int                  `json:"request_user_count"`
	Filters             []LocationFilter     `json:"filters"`
	Tags                []string             `json:"tags,omitempty"`
	ContainerLogStorage *ContainerLogStorage `json:"container_log_storage,omitempty"`
	Location            *LatLong             `json:"location,omitempty"`
	APSortStrategy      string               `json:"ap_sort_strategy,omitempty"`
}

// v2 user types.
const (
	UserTypeIP  = "ip_address"
	UserTypeGeo = "geo_coordinates"
)

// DeployUser is a player the v2 deploy places the server near.
type DeployUser struct {
	UserType string       `json:"user_type"`
	UserData DeployUserIP `json:"user_data"`
}

// DeployUserIP holds either an IP address or coordinates.
type DeployUserIP struct {
	IPAddress string   `json:"ip_address,omitempty"`
	Latitude  *float64 `json:"latitude,omitempty"`
	Longitude *float64 `json:"longitude,omitempty"`
}

// IPUser is a v2 deploy user given by IP address.
func IPUser(ip string) DeployUser {
	return DeployUser{UserType: UserTypeIP, UserData: DeployUserIP{IPAddress: ip}}
}

// GeoUser is a v2 deploy user given by coordinates.
func GeoUser(lat, long float64) DeployUser {
	return DeployUser{UserType: UserTypeGeo, UserData: DeployUserIP{Latitude: &lat, Longitude: &long}}
}

// Resources overrides the app version's CPU and memory (v2).
type Resources struct {
	CPUUnits  int `json:"cpu_units"`
	MemoryMiB int `json:"memory_mib"`
}

// Webhook is a URL called on a deployment event.
type Webhook struct {
	URL string `json:"url"`
}

// DeployV2Request is the body of POST /v2/deployments.
type DeployV2Request struct {
	Application            string       `json:"application"`
	Version                string       `json:"version"`
	Resources              *Resources   `json:"resources,omitempty"`
	RequireCachedLocations *bool        `json:"require_cached_locations,omitempty"`
	Users                  []DeployUser `json:"users"`
	EnvironmentVariables   []EnvVar     `json:"environment_variables,omitempty"`
	Tags                   []string     `json:"tags,omitempty"`
	WebhookOnReady         *Webhook     `json:"webhook_on_ready,omitempty"`
	WebhookOnError         *Webhook     `json:"webhook_on_error,omitempty"`
	WebhookOnTerminated    *Webhook     `json:"webhook_on_terminated,omitempty"`
}

// PrivateFleetDeployRequest is the body of POST /v2/private-fleets/deployments.
type PrivateFleetDeployRequest struct {
	PrivateHostIDs []string `json:"private_host_ids"`
	DeployV2Request
}

// DeployV2Response is the 202 body of the v2 deploys (and, with a message,
// their 422 body).
type DeployV2Response struct {
	RequestID string `json:"request_id"`
	Message   string `json:"message,omitempty"`
}

// DeploymentTag is a tag of a deployment.
type DeploymentTag struct {
	Name        string `json:"name"`
	CreateTime  *Time  `json:"create_time,omitempty"`
	LastUpdated *Time  `json:"last_updated,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// DeploymentTagList is GET /v1/deployments/{id}/tags.
type DeploymentTagList struct {
	Tags       []DeploymentTag `json:"tags"`
	TotalCount Int             `json:"total_count"`
	Count      *Int            `json:"count,omitempty"`
	Pagination *Pagination     `json:"pagination,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// TagName is the body of tag create and rename.
type TagName struct {
	Name string `json:"name"`
}

// MaxTagLength is the longest deployment tag the API accepts.
const MaxTagLength = 40

// ValidateTag checks a deployment tag name as the spec does (1–40 chars).
func ValidateTag(name string) error {
	n := len([]rune(name))
	if n < 1 || n > MaxTagLength {
		return fmt.Errorf("tag must be 1–%d characters, got %d", MaxTagLength, n)
	}
	return nil
}

// LocationList is GET /v1/locations.
type LocationList struct {
	Locations  []Location  `json:"locations"`
	Messages   []string    `json:"messages"`
	TotalCount Int         `json:"total_count"`
	Pagination *Pagination `json:"pagination,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// LocationsParams are the parameters of GET /v1/locations.
type LocationsParams struct {
	App, Version string // only locations with capacity for this app version
	Type         string // legacy: "standard"
	Tags         bool   // legacy: include location tags
	Page, Limit  int
}

// Fleet is a (legacy) Smart Fleet.
type Fleet struct {
	Name        string `json:"name"`
	Enabled     bool   `json:"enabled"`
	CreateTime  *Time  `json:"create_time,omitempty"`
	LastUpdated *Time  `json:"last_updated,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// FleetList is GET /v1/fleets.
type FleetList struct {
	Fleets     []Fleet     `json:"fleets"`
	Pagination *Pagination `json:"pagination,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// FleetCreate is the body of POST /v1/fleet.
type FleetCreate struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
}

// FleetUpdate is the body of PATCH /v1/fleet/{fleet}; nil fields are left as they are.
type FleetUpdate struct {
	Name    *string `json:"name,omitempty"`
	Enabled *bool   `json:"enabled,omitempty"`
}

// FleetAppVersion is a link between a Smart Fleet and an app version.
type FleetAppVersion struct {
	App         string `json:"app"`
	AppVersion  string `json:"app_version"`
	Fleet       string `json:"fleet"`
	CreateTime  *Time  `json:"create_time,omitempty"`
	LastUpdated *Time  `json:"last_updated,omitempty"`
}

// Policy types.
const (
	PolicyLocation    = "Location"
	PolicyTag         = "Tag"
	PolicyCoordinates = "Coordinates"
)

// Policy is a Smart Fleet policy. Data's shape depends on Type; for
// Location it is {"filters":[LocationFilter...]} (see LocationFilters).
type Policy struct {
	Name        string          `json:"name"`
	Enabled     bool            `json:"enabled"`
	Type        string          `json:"type"`
	Minimum     Int             `json:"minimum"`
	Maximum     *Int            `json:"maximum,omitempty"`
	Threshold   Float           `json:"threshold"`
	Data        json.RawMessage `json:"data"`
	CreateTime  *Time           `json:"create_time,omitempty"`
	LastUpdated *Time           `json:"last_updated,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// PolicyFilters is the `data` of a Location policy.
type PolicyFilters struct {
	Filters []LocationFilter `json:"filters"`
}

// LocationFilters decodes the filters of a Location policy's data (nil for
// other types or empty data).
func (p Policy) LocationFilters() ([]LocationFilter, error) {
	if len(p.Data) == 0 || string(p.Data) == "null" {
		return nil, nil
	}
	var d PolicyFilters
	if err := json.Unmarshal(p.Data, &d); err != nil {
		return nil, fmt.Errorf("policy %q data: %w", p.Name, err)
	}
	return d.Filters, nil
}

// PolicyList is GET /v1/fleet/{fleet}/policies.
type PolicyList struct {
	Policies   []Policy    `json:"policies"`
	Pagination *Pagination `json:"pagination,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// PolicyCreate is the body of POST /v1/fleet/{fleet}/policies.
type PolicyCreate struct {
	Name      string          `json:"name"`
	Enabled   bool            `json:"enabled"`
	Type      string          `json:"type"`
	Minimum   int             `json:"minimum"`
	Maximum   int             `json:"maximum"`
	Threshold float64         `json:"threshold"`
	Data      json.RawMessage `json:"data"`
}

// PolicyUpdate is the body of PATCH /v1/fleet/{fleet}/policies/{policy};
// nil fields are left as they are.
type PolicyUpdate struct {
	Name      *string         `json:"name,omitempty"`
	Enabled   *bool           `json:"enabled,omitempty"`
	Type      *string         `json:"type,omitempty"`
	Minimum   *int            `json:"minimum,omitempty"`
	Maximum   *int            `json:"maximum,omitempty"`
	Threshold *float64        `json:"threshold,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
	// The server sets these; the documented PATCH payload repeats them.
	CreateTime  *Time `json:"create_time,omitempty"`
	LastUpdated *Time `json:"last_updated,omitempty"`
}

// Validate checks policy bounds as the API documents them.
func (p PolicyCreate) Validate() error {
	return validatePolicy(p.Name, p.Type, p.Minimum, p.Maximum, p.Threshold)
}

func validatePolicy(name, typ string, min, max int, threshold float64) error {
	switch {
	case name == "":
		return fmt.Errorf("policy name is required")
	case typ != PolicyLocation && typ != PolicyTag && typ != PolicyCoordinates:
		return fmt.Errorf("policy type must be Location, Tag or Coordinates, got %q", typ)
	case min < 1:
		return fmt.Errorf("minimum must be at least 1, got %d", min)
	case max < 1:
		return fmt.Errorf("maximum must be at least 1, got %d", max)
	case max < min:
		return fmt.Errorf("maximum (%d) is below minimum (%d)", max, min)
	case threshold < 0.1 || threshold > 1:
		return fmt.Errorf("threshold must be between 0.1 and 1, got %g", threshold)
	}
	return nil
}

// MessageResponse is a body that only carries a message.
type MessageResponse struct {
	Message string `json:"message"`
}

// Host statuses of private fleets.
const (
	HostPending = "PENDING"
	HostActive  = "ACTIVE"
)

// Beacon is a host's ping beacon.
type Beacon struct {
	TCPPort   Int    `json:"tcp_port"`
	UDPPort   Int    `json:"udp_port"`
	IPAddress string `json:"ip_address"`
}

// Centroid is the area a private fleet host serves.
type Centroid struct {
	Label            string `json:"label"`
	Latitude         Float  `json:"latitude"`
	Longitude        Float  `json:"longitude"`
	RadiusKm         Float  `json:"radius_km"`
	DesiredHostCount Int    `json:"desired_host_count"`
}

// DeleteSchedule is a host's planned removal.
type DeleteSchedule struct {
	UUID        string `json:"uuid"`
	ScheduledAt Time   `json:"scheduled_at"`
}

// HostSpecs are a host's hardware specifications.
type HostSpecs struct {
	CPUUnits          Int `json:"cpu_units"`
	MemoryMB          Int `json:"memory_mb"`
	BaseClockSpeedMHz Int `json:"base_clock_speed_mhz"`
}

// Host is a private fleet host (1024 CPU units = 1 vCPU). Nullable fields
// are pointers and encode as null.
type Host struct {
	HostID                  string          `json:"host_id"`
	Status                  string          `json:"status"`
	IPAddress               *string         `json:"ip_address"`
	Latitude                *Float          `json:"latitude"`
	Longitude               *Float          `json:"longitude"`
	City                    *string         `json:"city"`
	Country                 *string         `json:"country"`
	Continent               *string         `json:"continent"`
	AllocatedCPUUnits       *Int            `json:"allocated_cpu_units"`
	AllocatedMemoryMB       Int             `json:"allocated_memory_mb"`
	AllocatableCPUUnits     *Int            `json:"allocatable_cpu_units"`
	AllocatableMemoryMB     *Int            `json:"allocatable_memory_mb"`
	Beacon                  *Beacon         `json:"beacon"`
	CreatedAt               Time            `json:"created_at"`
	UpdatedAt               Time            `json:"updated_at"`
	Centroid                Centroid        `json:"centroid"`
	DeleteSchedule          *DeleteSchedule `json:"delete_schedule"`
	FleetHostSpecifications HostSpecs       `json:"fleet_host_specifications"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// HostList is GET /v2/private-fleets/{fleet}/hosts.
type HostList struct {
	Data       []Host      `json:"data"`
	TotalCount Int         `json:"total_count"`
	Pagination *Pagination `json:"pagination,omitempty"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}
