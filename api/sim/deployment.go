package sim

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// tag is a deployment tag with its timestamps.
type tag struct {
	name             string
	created, updated time.Time
}

// deployment is one simulated deployment. Its state at any time is a pure
// function of its schedule plus the external events applied to it (stops,
// tag changes).
type deployment struct {
	index       uint64
	seed        uint64 // per-deployment hash seed for logs, metrics and sockets
	id          string
	app         *app
	version     string
	loc         int
	created     time.Time
	sched       schedule
	maxDuration int
	publicIP    string
	ports       map[string]api.Port
	stopKey     string
	deleteToken string
	logsLink    string
	hostID      string
	tags        []tag
	endCounted  bool // the world counted its termination (world.live)
	pos         int  // its index in the world's deps
}

// deploySpec is what a deploy request fixes; zero fields are drawn at random.
type deploySpec struct {
	app         *app
	version     string
	loc         int // -1: draw one
	tags        []string
	randomTags  bool
	hostID      string
	publicIP    string
	logStorage  bool
	allocFailed bool // could not be placed: ERROR at once (422)
	maxDuration int  // the version's max_duration in minutes; 0: drawn
}

// newDeployment creates deployment number index at created. Everything
// random comes from the deployment's own generator, seeded from (seed, index).
func newDeployment(seed int64, index uint64, created time.Time, spec deploySpec, taken func(string) bool) *deployment {
	r := newRand(seed, saltDepl, index)
	d := &deployment{index: index, seed: hash(uint64(seed), index), created: created}
	d.id = newRequestID(d.seed, taken)
	d.app = spec.app
	if d.app == nil {
		d.app = pickApp(r)
	}
	d.version = spec.version
	if d.version == "" {
		d.version = pickVersion(r, d.app)
	}
	d.loc = spec.loc
	if d.loc < 0 {
		d.loc = pick(r, indexes(len(locations)), func(i int) float64 { return locations[i].weight })
	}
	d.maxDuration = maxDurations[r.IntN(len(maxDurations))] // drawn even when fixed: same seed, same world
	if spec.maxDuration != 0 {
		d.maxDuration = spec.maxDuration
	}
	switch vs := versionSpecOf(d.app, d.version); {
	case spec.allocFailed:
		d.sched = allocationFailure(r, created)
	case vs.pullTimesOut:
		d.sched = imagePullTimeout(r, created, vs.timeToDeploy)
	default:
		d.sched = buildSchedule(r, created, d.app, locations[d.loc].City, d.maxDuration)
	}
	d.publicIP = spec.publicIP
	if d.publicIP == "" {
		d.publicIP = fmt.Sprintf("100.%d.%d.%d", 10+d.loc, r.IntN(256), 1+r.IntN(254))
	}
	d.ports = makePorts(r, d.app, d.fqdn())
	d.stopKey = strconv.Itoa(100 + r.IntN(9900))
	d.deleteToken = fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
	// Logs are stored when the deploy asked for it, for some of the drawn
	// ones (deploys that asked), and always for a version with endpoint
	// storage. (The draw stays where it was: same seed, same world.)
	if spec.logStorage || r.Float64() < 0.15 || versionStorage(d.app, d.version) != "" {
		d.logsLink = d.storedLogsLink()
	}
	d.hostID = spec.hostID
	names := spec.tags
	if spec.randomTags {
		names = randomTags(r, locations[d.loc].Continent)
	}
	for _, n := range names {
		if d.tagIndex(n) < 0 {
			d.tags = append(d.tags, tag{name: n, created: created, updated: created})
		}
	}
	return d
}

// newRequestID derives a 12-hex-digit request ID not yet taken.
func newRequestID(seed uint64, taken func(string) bool) string {
	for attempt := uint64(0); ; attempt++ {
		id := fmt.Sprintf("%012x", hash(seed, 0x1d, attempt)&0xffffffffffff)
		if taken == nil || !taken(id) {
			return id
		}
	}
}

func pickApp(r *rand.Rand) *app {
	i := pick(r, indexes(len(apps)), func(i int) float64 { return apps[i].weight })
	return &apps[i]
}

// pickVersion prefers the newest deployable version.
func pickVersion(r *rand.Rand, a *app) string {
	latest := a.latestVersion()
	if r.Float64() < 0.7 {
		return latest
	}
	for _, v := range a.versions {
		if v != latest && v != oversizedVersion {
			return v
		}
	}
	return latest
}

func randomTags(r *rand.Rand, continent string) []string {
	var tags []string
	switch u := r.Float64(); {
	case u < 0.6:
		tags = append(tags, "production")
	case u < 0.75:
		tags = append(tags, "staging")
	case u < 0.85:
		tags = append(tags, "canary")
	}
	if r.Float64() < 0.12 {
		tags = append(tags, "tournament")
	}
	if continent == "Europe" && r.Float64() < 0.4 {
		tags = append(tags, "eu-event")
	}
	return tags
}

func indexes(n int) []int {
	xs := make([]int, n)
	for i := range xs {
		xs[i] = i
	}
	return xs
}

// makePorts maps the app's ports to random external ports (30000–59999).
func makePorts(r *rand.Rand, a *app, fqdn string) map[string]api.Port {
	ports := make(map[string]api.Port, len(a.ports))
	for _, p := range a.ports {
		ext := 30000 + r.IntN(30000)
		link := fmt.Sprintf("%s:%d", fqdn, ext)
		if p.tlsUpgrade {
			link = "https://" + link
		}
		ports[p.name] = api.Port{
			Name: p.name, Link: link, Internal: api.Int(p.internal), External: api.Int(ext),
			Protocol: p.protocol, TLSUpgrade: p.tlsUpgrade,
		}
	}
	return ports
}

func (d *deployment) fqdn() string { return d.id + ".pr.edgegap.net" }

// storedLogsLink is where the container logs are kept once log storage is on.
func (d *deployment) storedLogsLink() string {
	return fmt.Sprintf("https://logs.example-studio.com/edgegap/%s/%s.log", d.app.name, d.id)
}

// status returns the current and previous status at t.
func (d *deployment) status(t time.Time) (cur, last api.Status) { return d.sched.statusAt(t) }

// terminated reports whether the deployment is TERMINATED at t.
func (d *deployment) terminated(t time.Time) bool { return !t.Before(d.sched.terminatedAt()) }

// running reports whether the deployment is READY at t.
func (d *deployment) running(t time.Time) bool {
	cur, _ := d.status(t)
	return cur == api.StatusReady
}

// readyUntil is the end of the READY period as seen at t (t itself while READY).
func (d *deployment) readyUntil(t time.Time) time.Time {
	if t.After(d.sched.termStart) {
		return d.sched.termStart
	}
	return t
}

// elapsed is the number of seconds since READY (frozen once terminating).
func (d *deployment) elapsed(t time.Time) int {
	ready := d.sched.readyAt()
	if ready.IsZero() || t.Before(ready) {
		return 0
	}
	return int(d.readyUntil(t).Sub(ready) / time.Second)
}

// socketsUsage is how many of the sockets players hold at t: a new draw
// every minute while READY.
func (d *deployment) socketsUsage(t time.Time) int {
	if !d.running(t) {
		return 0
	}
	return int(unit(hash(d.seed, 0x50c, uint64(t.Unix()/60))) * float64(d.app.sockets+1))
}

func (d *deployment) tagNames() []string {
	names := make([]string, 0, len(d.tags))
	for _, t := range d.tags {
		names = append(names, t.name)
	}
	return names
}

func (d *deployment) tagIndex(name string) int {
	for i, t := range d.tags {
		if t.name == name {
			return i
		}
	}
	return -1
}

func (d *deployment) hasTag(name string) bool { return d.tagIndex(name) >= 0 }

// statusView is the /v1/status body at t.
func (d *deployment) statusView(t time.Time) *api.DeploymentStatus {
	cur, last := d.status(t)
	l := locations[d.loc].Location
	sockets, usage := api.Int(d.app.sockets), api.Int(d.socketsUsage(t))
	v := &api.DeploymentStatus{
		RequestID: d.id, FQDN: d.fqdn(), AppName: d.app.name, AppVersion: d.version,
		CurrentStatus: cur, LastStatus: last, Running: cur == api.StatusReady,
		StartTime: api.V1Time(d.created), ElapsedTime: api.Int(d.elapsed(t)),
		Error: d.sched.errorDetail != "" && !t.Before(d.sched.settled().at), Ports: d.ports,
		PublicIP: d.publicIP, Location: &l, Tags: d.tagNames(),
		Sockets: &sockets, SocketsUsage: &usage, MaxDuration: api.Int(d.maxDuration),
	}
	if v.Error {
		v.ErrorDetail = d.sched.errorDetail
	}
	if cur.Ended() {
		rt := api.V1Time(d.sched.terminatedAt())
		v.RemovalTime = &rt
	}
	return v
}

// joinable reports whether a player can join at t: READY with a free socket.
func (d *deployment) joinable(t time.Time) bool {
	return d.running(t) && d.socketsUsage(t) < d.app.sockets
}

// listItem is the deployment's row in GET /v1/deployments at t.
func (d *deployment) listItem(t time.Time) api.Deployment {
	ready := d.running(t)
	sockets, usage := api.Int(d.app.sockets), api.Int(d.socketsUsage(t))
	joinable := d.joinable(t)
	return api.Deployment{
		RequestID: d.id, FQDN: d.fqdn(), StartTime: api.V1Time(d.created), Ready: ready,
		PublicIP: d.publicIP, Ports: d.ports, Tags: d.tagNames(),
		Sockets: &sockets, SocketsUsage: &usage, IsJoinableBySession: &joinable,
	}
}

// stop applies a stop request at t: at once when READY or ERROR, once it
// gets there otherwise.
func (d *deployment) stop(t time.Time) api.StopOutcome {
	cur, _ := d.status(t)
	switch {
	case cur == api.StatusTerminated:
		return api.StopAlreadyTerminated
	case cur == api.StatusTerminating:
		return api.StopAccepted
	case cur.Settled():
		d.sched.termStart = t
		return api.StopStopping
	}
	if settle := d.sched.settled().at; settle.Before(d.sched.termStart) {
		d.sched.termStart = settle
	}
	return api.StopAccepted
}
