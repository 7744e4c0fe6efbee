package api

import (
	"encoding/json"
	"fmt"
)

// Wire types of the applications, versions and endpoint storage endpoints
// (v1 spec, tags Applications, Versioning and Endpoint Storage). None of
// them holds a secret the API sends: registry credentials, env values and
// storage keys are reduced to "is there one" flags (see Redact for the raw
// bodies).

// Application is one application of the organization.
type Application struct {
	Name        string `json:"name"`
	IsActive    bool   `json:"is_active"`
	CreateTime  Time   `json:"create_time"`
	LastUpdated Time   `json:"last_updated"`

	// Loose holds the values that did not parse (see Loose). The base64
	// `image` the API sends is not kept.
	Loose Loose `json:"-"`
}

// ApplicationList is a page of GET /v1/apps.
type ApplicationList struct {
	Applications []Application `json:"applications"`
	TotalCount   Int           `json:"total_count"`
	Pagination   *Pagination   `json:"pagination"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// AppVersionPort is one port an application version exposes.
type AppVersionPort struct {
	Port       Int    `json:"port"`
	Protocol   string `json:"protocol"`
	ToCheck    *bool  `json:"to_check,omitempty"`
	TLSUpgrade bool   `json:"tls_upgrade"`
	Name       string `json:"name"`
}

// AppVersionEnv is one environment variable injected into a version's
// deployments. Its value is never kept: the API returns the value of a
// variable not marked hidden, but the console shows it as "•••" like the
// hidden ones (HasValue says whether there was one).
type AppVersionEnv struct {
	Key      string
	IsHidden bool
	HasValue bool
}

// UnmarshalJSON reads key and is_hidden and notes whether a value was
// sent, without keeping it.
func (e *AppVersionEnv) UnmarshalJSON(b []byte) error {
	var w struct {
		Key      string          `json:"key"`
		IsHidden bool            `json:"is_hidden"`
		Value    json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("api: environment variable: %w", errWithoutValue(err))
	}
	*e = AppVersionEnv{Key: w.Key, IsHidden: w.IsHidden, HasValue: hasJSONValue(w.Value)}
	return nil
}

// MarshalJSON writes the variable with its value as "•••" (the console
// never holds the value).
func (e AppVersionEnv) MarshalJSON() ([]byte, error) {
	v := ""
	if e.HasValue {
		v = Redacted
	}
	return json.Marshal(struct {
		Key      string `json:"key"`
		Value    string `json:"value"`
		IsHidden bool   `json:"is_hidden"`
	}{e.Key, v, e.IsHidden})
}

// errWithoutValue keeps a decode error from quoting JSON input (it never
// does for type errors, but a syntax error names only an offset).
func errWithoutValue(err error) error {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Errorf("field %s: a JSON %s is not what the console expects here", te.Field, te.Value)
	}
	return err
}

// hasJSONValue reports whether raw is a value other than null or "".
func hasJSONValue(raw json.RawMessage) bool {
	s := string(raw)
	return s != "" && s != "null" && s != `""`
}

// AppVersion is one version of an application: what its deployments run
// and how (API-NOTES §6.2). The registry credentials are not kept:
// HasPrivateUsername and HasPrivateToken say whether the API holds them.
type AppVersion struct {
	Name        string `json:"name"`
	CreateTime  Time   `json:"create_time"`
	LastUpdated Time   `json:"last_updated"`
	// IsActive enables deployments of the version (nil: not sent, which
	// the spec defaults to true; see Active).
	IsActive *bool `json:"is_active,omitempty"`
	// ReqCPU is in vCPU units (1024 = 1 vCPU), ReqMemory in MB, ReqVideo
	// in GPU units (1024 = 1 GPU).
	ReqCPU           Int    `json:"req_cpu"`
	ReqMemory        Int    `json:"req_memory"`
	ReqVideo         Int    `json:"req_video"`
	DockerRepository string `json:"docker_repository"`
	DockerImage      string `json:"docker_image"`
	DockerTag        string `json:"docker_tag"`
	VerifyImage      bool   `json:"verify_image"`
	ForceCache       bool   `json:"force_cache"`
	// CachingPercent is the global image caching on a 0–1 scale (nil: not
	// sent); below CachingGood deploys pull the image and are slow.
	CachingPercent *Float `json:"caching_percent,omitempty"`
	// TimeToDeploy is the seconds an image download may take before the
	// deployment goes to ERROR (nil: not sent).
	TimeToDeploy *Int `json:"time_to_deploy,omitempty"`
	// MaxDuration is the minutes a deployment may run before it is stopped
	// (-1..1440; nil: not sent, the API's default is 1440).
	MaxDuration *Int `json:"max_duration,omitempty"`
	// RestartPolicy is always, never or on_failure.
	RestartPolicy                 string           `json:"restart_policy"`
	TerminationGracePeriodSeconds *Int             `json:"termination_grace_period_seconds,omitempty"`
	WillDeployInMainlandChina     bool             `json:"will_deploy_in_mainland_china"`
	DNSConfig                     string           `json:"dns_config,omitempty"`
	Ports                         []AppVersionPort `json:"ports"`
	Envs                          []AppVersionEnv  `json:"envs"`
	// EndpointStorage names the endpoint storage the deployments' logs are
	// uploaded to at stop; "" means none: their logs are lost at stop.
	EndpointStorage string `json:"endpoint_storage,omitempty"`

	// HasPrivateUsername and HasPrivateToken say whether the API sent
	// registry credentials (never kept, never shown).
	HasPrivateUsername bool `json:"-"`
	HasPrivateToken    bool `json:"-"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// CachingGood is the caching_percent above which the vendor calls the
// image coverage good.
const CachingGood = 0.8

// Active reports whether new deployments of the version are allowed
// (is_active, true when the API did not send it).
func (v *AppVersion) Active() bool { return v.IsActive == nil || *v.IsActive }

// AppVersionList is a page of GET /v1/app/{app}/versions.
type AppVersionList struct {
	Versions   []AppVersion `json:"versions"`
	TotalCount Int          `json:"total_count"`
	Pagination *Pagination  `json:"pagination"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// AppVersionUpdate is the body of PATCH /v1/app/{app}/version/{version}:
// only the fields the console changes. Nil fields are left out.
type AppVersionUpdate struct {
	IsActive    *bool `json:"is_active,omitempty"`
	MaxDuration *int  `json:"max_duration,omitempty"`
}

// AppVersionUpdated is the answer of PATCH /v1/app/{app}/version/{version}.
type AppVersionUpdated struct {
	Success bool        `json:"success"`
	Version *AppVersion `json:"version"`
}

// AppUpdate is the body of PATCH /v1/app/{app}: only is_active.
type AppUpdate struct {
	IsActive bool `json:"is_active"`
}

// StorageEndpoint is one endpoint storage (an S3-compatible bucket the
// deployments' logs can be uploaded to). Its access key is not kept:
// HasAccessKeyID says whether the API sent one.
type StorageEndpoint struct {
	Name         string `json:"name"`
	Endpoint     string `json:"endpoint"`
	Bucket       string `json:"bucket"`
	OutputFormat string `json:"output_format"`
	CreateTime   Time   `json:"create_time"`
	LastUpdated  Time   `json:"last_updated"`

	HasAccessKeyID bool `json:"-"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// StorageEndpointList is a page of GET /v1/storage/endpoints. The spec
// leaves the pagination block untyped; it is read like the others when
// present.
type StorageEndpointList struct {
	Endpoints  []StorageEndpoint `json:"endpoints"`
	TotalCount Int               `json:"total_count"`
	Pagination *Pagination       `json:"pagination"`

	// Loose holds the values that did not parse (see Loose).
	Loose Loose `json:"-"`
}

// ReportRequest is the body of POST /v1/deployments/{id}:report.
type ReportRequest struct {
	Reason   string         `json:"reason"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

// MaxReportReason is the longest report reason the API accepts, in
// characters.
const MaxReportReason = 255
