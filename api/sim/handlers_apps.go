package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/gapdeck/gapdeck/api"
)

// Applications, versions, endpoint storage and deployment reports, shaped
// as the v1 spec's Application, AppVersion and EndpointStorage schemas.
// The wire types below carry what the API sends, secrets included (the
// client's types do not keep them).

// appImage is the base64 image every application has (a 1×1 PNG).
const appImage = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

// appsPageLimit is the page size of the applications and versions lists
// when no limit is given.
const appsPageLimit = 20

type applicationWire struct {
	Name        string   `json:"name"`
	IsActive    bool     `json:"is_active"`
	Image       string   `json:"image"`
	CreateTime  api.Time `json:"create_time"`
	LastUpdated api.Time `json:"last_updated"`
}

type appPortWire struct {
	Port       int    `json:"port"`
	Protocol   string `json:"protocol"`
	ToCheck    bool   `json:"to_check"`
	TLSUpgrade bool   `json:"tls_upgrade"`
	Name       string `json:"name"`
}

type envWire struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	IsHidden bool   `json:"is_hidden"`
}

type versionWire struct {
	Name                          string        `json:"name"`
	CreateTime                    api.Time      `json:"create_time"`
	LastUpdated                   api.Time      `json:"last_updated"`
	IsActive                      bool          `json:"is_active"`
	ReqCPU                        int           `json:"req_cpu"`
	ReqMemory                     int           `json:"req_memory"`
	ReqVideo                      int           `json:"req_video"`
	DockerRepository              string        `json:"docker_repository"`
	PrivateUsername               string        `json:"private_username"`
	PrivateToken                  string        `json:"private_token"`
	DockerImage                   string        `json:"docker_image"`
	DockerTag                     string        `json:"docker_tag"`
	VerifyImage                   bool          `json:"verify_image"`
	ForceCache                    bool          `json:"force_cache"`
	CachingPercent                float64       `json:"caching_percent"`
	TimeToDeploy                  int           `json:"time_to_deploy"`
	MaxDuration                   int           `json:"max_duration"`
	RestartPolicy                 string        `json:"restart_policy"`
	TerminationGracePeriodSeconds int           `json:"termination_grace_period_seconds"`
	WillDeployInMainlandChina     bool          `json:"will_deploy_in_mainland_china"`
	Ports                         []appPortWire `json:"ports"`
	Envs                          []envWire     `json:"envs"`
	EndpointStorage               string        `json:"endpoint_storage,omitempty"`
}

type endpointWire struct {
	Name         string   `json:"name"`
	AccessKeyID  string   `json:"access_key_id"`
	Endpoint     string   `json:"endpoint"`
	Bucket       string   `json:"bucket"`
	OutputFormat string   `json:"output_format"`
	CreateTime   api.Time `json:"create_time"`
	LastUpdated  api.Time `json:"last_updated"`
}

// storageEndpoints are the organization's endpoint storage endpoints.
func (s *Server) storageEndpoints() []endpointWire {
	at := api.V1Time(s.start.Add(-90 * 24 * time.Hour))
	return []endpointWire{
		{Name: storageNDJSON, AccessKeyID: simAccessKeyND, Endpoint: "https://fra1.digitaloceanspaces.example.com", Bucket: "studio-logs-ndjson", OutputFormat: "NDJSON", CreateTime: at, LastUpdated: at},
		{Name: storageS3, AccessKeyID: simAccessKeyS3, Endpoint: "https://s3.us-east-1.example.com", Bucket: "studio-game-logs", OutputFormat: "TEXT", CreateTime: at, LastUpdated: at},
	}
}

// hasStorageEndpoint reports whether an endpoint storage called name exists.
func (s *Server) hasStorageEndpoint(name string) bool {
	for _, e := range s.storageEndpoints() {
		if e.Name == name {
			return true
		}
	}
	return false
}

// KnownSecrets lists every secret value the simulator's answers carry
// (registry credentials, a readable env value, storage access keys): a
// test can check that none of them survives redaction.
func KnownSecrets() []string {
	return []string{simRegistryUser, simRegistryToken, simSharedSecret, simAccessKeyS3, simAccessKeyND}
}

func (a *appState) wire() applicationWire {
	return applicationWire{Name: a.app.name, IsActive: a.active, Image: appImage, CreateTime: api.V1Time(a.created), LastUpdated: api.V1Time(a.updated)}
}

func (a *appState) versionWire(v *versionState) versionWire {
	w := versionWire{
		Name: v.name, CreateTime: api.V1Time(v.created), LastUpdated: api.V1Time(v.updated), IsActive: v.active,
		ReqCPU: a.app.cpuUnits, ReqMemory: a.app.memoryMB, DockerRepository: "registry.edgegap.com",
		PrivateUsername: simRegistryUser, PrivateToken: simRegistryToken,
		DockerImage: "example-studio/" + a.app.name, DockerTag: v.name, VerifyImage: true,
		ForceCache: v.forceCache, CachingPercent: v.caching, TimeToDeploy: v.timeToDeploy,
		MaxDuration: v.maxDuration, RestartPolicy: v.restart, TerminationGracePeriodSeconds: v.grace,
		EndpointStorage: v.storage, Ports: []appPortWire{}, Envs: []envWire{},
	}
	if v.name == oversizedVersion {
		w.ReqCPU, w.ReqMemory = 2*maxCPUUnits, 4*maxCPUUnits
	}
	for _, p := range a.app.ports {
		w.Ports = append(w.Ports, appPortWire{Port: p.internal, Protocol: p.protocol, ToCheck: true, TLSUpgrade: p.tlsUpgrade, Name: p.name})
	}
	for _, e := range v.envs {
		w.Envs = append(w.Envs, envWire{Key: e.key, Value: e.value, IsHidden: e.hidden})
	}
	return w
}

// findAppState finds the {app} of the call or answers 404.
func (s *Server) findAppState(c *call) (*appState, reply, bool) {
	name := c.param("app")
	a, found := s.catalog.app(name)
	if !found {
		return nil, errorf(http.StatusNotFound, "Application %s not found", name), false
	}
	return a, reply{}, true
}

// findVersionState finds the {app} and {version} of the call or answers 404.
func (s *Server) findVersionState(c *call) (*appState, *versionState, reply, bool) {
	a, rep, found := s.findAppState(c)
	if !found {
		return nil, nil, rep, false
	}
	v, found := a.version(c.param("version"))
	if !found {
		return nil, nil, errorf(http.StatusNotFound, "Version %s of application %s not found", c.param("version"), a.app.name), false
	}
	return a, v, reply{}, true
}

// listApps is GET /v1/apps?page&limit.
func (s *Server) listApps(c *call) reply {
	number, limit, err := pageParams(c.query(), appsPageLimit)
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	all := make([]applicationWire, 0, len(s.catalog.apps))
	for _, a := range s.catalog.apps {
		all = append(all, a.wire())
	}
	p := newPage(number, limit, len(all))
	return ok(struct {
		Applications []applicationWire `json:"applications"`
		TotalCount   int               `json:"total_count"`
		Pagination   api.Pagination    `json:"pagination"`
	}{append([]applicationWire{}, paged(all, p)...), len(all), p.v1()})
}

// getApp is GET /v1/app/{app}.
func (s *Server) getApp(c *call) reply {
	a, rep, found := s.findAppState(c)
	if !found {
		return rep
	}
	return ok(a.wire())
}

// patchBody reads a PATCH body as an object of raw members: 400 when it
// is not one.
func patchBody(body []byte) (map[string]json.RawMessage, *reply) {
	var m map[string]json.RawMessage
	if err := decodeBody(body, &m); err != nil || m == nil {
		rep := errorf(http.StatusBadRequest, "the body must be a JSON object")
		if err != nil {
			rep = errorf(http.StatusBadRequest, "%v", err)
		}
		return nil, &rep
	}
	return m, nil
}

// boolMember reads an optional boolean member.
func boolMember(m map[string]json.RawMessage, name string) (*bool, error) {
	raw, found := m[name]
	if !found {
		return nil, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, fmt.Errorf("%s must be true or false", name)
	}
	return &b, nil
}

// updateApp is PATCH /v1/app/{app}: is_active is applied; a new name is
// refused (the simulator does not rename), an image is accepted and
// ignored.
func (s *Server) updateApp(c *call) reply {
	a, rep, found := s.findAppState(c)
	if !found {
		return rep
	}
	m, bad := patchBody(c.body)
	if bad != nil {
		return *bad
	}
	active, err := boolMember(m, "is_active")
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if raw, found := m["name"]; found {
		var name string
		if json.Unmarshal(raw, &name) != nil || name != a.app.name {
			return errorf(http.StatusBadRequest, "name: the simulator does not rename applications")
		}
	}
	if active != nil {
		a.active = *active
		a.updated = c.now
	}
	return ok(a.wire())
}

// listVersions is GET /v1/app/{app}/versions?page&limit.
func (s *Server) listVersions(c *call) reply {
	a, rep, found := s.findAppState(c)
	if !found {
		return rep
	}
	number, limit, err := pageParams(c.query(), appsPageLimit)
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	all := make([]versionWire, 0, len(a.versions))
	for _, v := range a.versions {
		all = append(all, a.versionWire(v))
	}
	p := newPage(number, limit, len(all))
	return ok(struct {
		Versions   []versionWire  `json:"versions"`
		TotalCount int            `json:"total_count"`
		Pagination api.Pagination `json:"pagination"`
	}{append([]versionWire{}, paged(all, p)...), len(all), p.v1()})
}

// getVersion is GET /v1/app/{app}/version/{version}.
func (s *Server) getVersion(c *call) reply {
	a, v, rep, found := s.findVersionState(c)
	if !found {
		return rep
	}
	return ok(a.versionWire(v))
}

// updateVersion is PATCH /v1/app/{app}/version/{version}: is_active and
// max_duration are applied (max_duration to the deployments deployed
// afterwards; the drawn world's arrivals keep their own draws); the other
// fields of the spec's body are accepted and ignored.
func (s *Server) updateVersion(c *call) reply {
	a, v, rep, found := s.findVersionState(c)
	if !found {
		return rep
	}
	m, bad := patchBody(c.body)
	if bad != nil {
		return *bad
	}
	active, err := boolMember(m, "is_active")
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	var maxDuration *int
	if raw, found := m["max_duration"]; found {
		var n int
		if json.Unmarshal(raw, &n) != nil {
			return errorf(http.StatusBadRequest, "max_duration must be an integer number of minutes")
		}
		if n < -1 || n > 1440 {
			return errorf(http.StatusBadRequest, "max_duration must be between -1 and 1440, got %d", n)
		}
		maxDuration = &n
	}
	if active != nil {
		v.active = *active
	}
	if maxDuration != nil {
		v.maxDuration = *maxDuration
	}
	if active != nil || maxDuration != nil {
		v.updated = c.now
	}
	return ok(struct {
		Success bool        `json:"success"`
		Version versionWire `json:"version"`
	}{true, a.versionWire(v)})
}

// listStorageEndpoints is GET /v1/storage/endpoints?page&limit.
func (s *Server) listStorageEndpoints(c *call) reply {
	number, limit, err := pageParams(c.query(), appsPageLimit)
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	all := s.storageEndpoints()
	p := newPage(number, limit, len(all))
	return ok(struct {
		Endpoints  []endpointWire `json:"endpoints"`
		TotalCount int            `json:"total_count"`
		Pagination api.Pagination `json:"pagination"`
	}{append([]endpointWire{}, paged(all, p)...), len(all), p.v1()})
}

// Report is a deployment report the simulator received.
type Report struct {
	RequestID string
	Reason    string
	Metadata  map[string]any
	At        time.Time
}

// maxReports is how many reports the simulator keeps.
const maxReports = 1000

// Reports returns the deployment reports received (the last maxReports),
// oldest first.
func (s *Server) Reports() []Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Report(nil), s.reports...)
}

// SetReportUnavailable makes the report endpoint answer 503 Service
// Unavailable (its documented failure) until turned off.
func (s *Server) SetReportUnavailable(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.report503 = down
}

// reportDeployment is POST /v1/deployments/{id}:report: 200 with no body,
// 400 for a bad body or an unknown deployment (the spec declares no 404),
// 503 while reports are unavailable.
func (s *Server) reportDeployment(c *call) reply {
	d, found := s.world.get(c.param("id"))
	if !found {
		return errorf(http.StatusBadRequest, "Deployment %s not found", c.param("id"))
	}
	var req struct {
		Reason   *string        `json:"reason"`
		Metadata map[string]any `json:"metadata"`
	}
	if err := decodeBody(c.body, &req); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	switch {
	case req.Reason == nil:
		return errorf(http.StatusBadRequest, "reason is required")
	case utf8.RuneCountInString(*req.Reason) < 1 || utf8.RuneCountInString(*req.Reason) > api.MaxReportReason:
		return errorf(http.StatusBadRequest, "reason must be 1 to %d characters, got %d", api.MaxReportReason, utf8.RuneCountInString(*req.Reason))
	}
	if s.report503 {
		return errorf(http.StatusServiceUnavailable, "Service Unavailable: reports cannot be taken now, try again later")
	}
	if len(s.reports) == maxReports { // a long-running sim keeps the newest
		s.reports = append(s.reports[:0], s.reports[1:]...)
	}
	s.reports = append(s.reports, Report{RequestID: d.id, Reason: *req.Reason, Metadata: req.Metadata, At: c.now})
	return reply{status: http.StatusOK}
}
