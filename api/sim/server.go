// Package sim is a deterministic simulator of the Edgegap REST API (v1
// under /v1, v2 under /v2): a living population of deployments with the
// documented lifecycle, logs, metrics, tags, locations, Smart Fleets,
// private fleet hosts, the applications and versions behind the
// deployments (with their kill switch and endpoint storage), deployment
// reports, auth, per-group rate limits and injectable faults.
// With a FakeClock, tests run minutes of simulated time in milliseconds.
package sim

import (
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/gapdeck/gapdeck/api"
)

// Defaults of Config.
const (
	DefaultDeployments    = 300
	DefaultLogWindowLines = 400
)

// Config configures a simulator.
type Config struct {
	Token               string // clients must send `Authorization: token <Token>`
	Seed                int64  // the same seed gives the same world
	Deployments         int    // live deployments to keep around; 0: DefaultDeployments, < 0: none
	DisableLegacyFleets bool   // answer 404 on /v1/fleet* like accounts after the 2026-03-01 deprecation
	OmitRetryAfter      bool   // 429s carry no Retry-After header
	DisableRateLimits   bool   // never answer 429 for rate (faults still can)
	Faults              Faults // injected failures
	Clock               Clock  // nil: RealClock
	LogWindowLines      int    // container logs serve only the last N lines; 0: DefaultLogWindowLines
}

// Counter counts the requests of one endpoint group or route.
type Counter struct {
	Calls       int64 // requests received
	RateLimited int64 // 429s served (rate limit or injected)
}

// Counters are the request counters per endpoint group and per route
// ("GET /v1/status/{id}"). Requests to unknown paths are not counted.
type Counters struct {
	ByGroup map[api.Group]Counter
	ByRoute map[string]Counter
}

// Server is the simulated API. It implements http.Handler and is safe for
// concurrent use.
type Server struct {
	cfg    Config
	clock  Clock
	router *router
	start  time.Time // the clock's reading when the simulator was created

	mu        sync.Mutex
	world     *world
	hosts     []hostSpec
	fleets    *fleetStore
	catalog   *catalog
	reports   []Report
	report503 bool
	legacy    bool
	faults    Faults
	faultRNG  *rand.Rand
	limiters  map[api.Group]*rate.Limiter
	counters  Counters
	listBuf   []*deployment // reused by each list request (the lock held)
}

// New returns a simulator for cfg; the world starts at the clock's reading.
func New(cfg Config) *Server {
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	switch {
	case cfg.Deployments == 0:
		cfg.Deployments = DefaultDeployments
	case cfg.Deployments < 0:
		cfg.Deployments = 0
	}
	if cfg.LogWindowLines <= 0 {
		cfg.LogWindowLines = DefaultLogWindowLines
	}
	s := &Server{
		cfg:      cfg,
		clock:    cfg.Clock,
		router:   newRouter(routeTable()),
		legacy:   !cfg.DisableLegacyFleets,
		faults:   cfg.Faults,
		faultRNG: newRand(cfg.Seed, saltFault, 0),
		limiters: map[api.Group]*rate.Limiter{},
		counters: Counters{ByGroup: map[api.Group]Counter{}, ByRoute: map[string]Counter{}},
	}
	now := s.now()
	s.start = now
	s.catalog = newCatalog(now)
	s.world = newWorld(cfg.Seed, cfg.Deployments, now)
	s.world.accepts = s.catalog.accepts
	s.hosts = privateHosts()
	s.fleets = newFleetStore(now)
	return s
}

// now reads the clock at microsecond precision (the v1 timestamp precision).
func (s *Server) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// Counters returns a copy of the request counters.
func (s *Server) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Counters{ByGroup: map[api.Group]Counter{}, ByRoute: map[string]Counter{}}
	for k, v := range s.counters.ByGroup {
		out.ByGroup[k] = v
	}
	for k, v := range s.counters.ByRoute {
		out.ByRoute[k] = v
	}
	return out
}

// SetLegacyFleets turns the Smart Fleets endpoints on or off (off: 404).
func (s *Server) SetLegacyFleets(enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.legacy = enabled
}

// SetToken changes the organization token the simulator accepts: the old
// one is answered 401 "Invalid Token" from now on, as when it is revoked
// or rotated in the dashboard.
func (s *Server) SetToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.Token = token
}

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// PrivateFleetNames lists the private fleets, sorted.
func (s *Server) PrivateFleetNames() []string {
	var names []string
	for _, h := range s.hosts {
		if !slices.Contains(names, h.fleet) {
			names = append(names, h.fleet)
		}
	}
	slices.Sort(names)
	return names
}

// Apps maps each application to its versions, oldest first. Every app has
// a version named "oversized" that can never be allocated (deploys answer
// 422); kart-racing's newest version is disabled (deploys answer 400) and
// arena-shooter's newest one never finishes its image download (ERROR
// after time_to_deploy).
func (s *Server) Apps() map[string][]string {
	out := map[string][]string{}
	for i := range apps {
		out[apps[i].name] = apps[i].allVersions()
	}
	return out
}

// SelfStopCredentials returns what a deployment's container would find in
// ARBITRIUM_DELETE_URL (the stop key) and ARBITRIUM_DELETE_TOKEN.
func (s *Server) SelfStopCredentials(requestID string) (stopKey, deleteToken string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.world.advance(s.now())
	d, found := s.world.get(requestID)
	if !found {
		return "", "", false
	}
	return d.stopKey, d.deleteToken, true
}

// LiveRequestIDs lists the deployments not TERMINATED now, sorted.
func (s *Server) LiveRequestIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.world.advance(now)
	var ids []string
	for _, d := range s.world.liveAt(now) {
		ids = append(ids, d.id)
	}
	slices.Sort(ids)
	return ids
}
