package sim

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// Lifecycle tuning. Dwell times are drawn per deployment.
const (
	failureRate   = 0.05 // share of deployments that end in ERROR before READY
	crashLoopRate = 0.04 // share of READY deployments whose container keeps restarting
	forgetAfter   = 15 * time.Minute
)

// Error details of the pre-READY failures.
const (
	failNoCapacity = iota
	failPullTimeout
	failPortCheck
	failKinds
)

// transition is the moment a deployment enters a status.
type transition struct {
	at     time.Time
	status api.Status
}

// schedule is a deployment's precomputed life: the path up to READY or
// ERROR, then when it starts terminating and how long that takes. Stops move
// termStart earlier; nothing else changes after creation.
type schedule struct {
	path        []transition // INITIALIZING … ending with READY or ERROR
	errorDetail string
	termStart   time.Time
	termDwell   time.Duration
	crashes     []time.Time // container restarts while READY (crash-loopers)
	crashKind   int
}

// settled is the final status of the path: READY or ERROR.
func (s *schedule) settled() transition { return s.path[len(s.path)-1] }

// terminatedAt is when the deployment becomes TERMINATED.
func (s *schedule) terminatedAt() time.Time { return s.termStart.Add(s.termDwell) }

// readyAt is when the deployment became READY, or zero if it failed.
func (s *schedule) readyAt() time.Time {
	if st := s.settled(); st.status == api.StatusReady {
		return st.at
	}
	return time.Time{}
}

// statusAt returns the current and previous status at t.
func (s *schedule) statusAt(t time.Time) (cur, last api.Status) {
	switch {
	case !t.Before(s.terminatedAt()):
		return api.StatusTerminated, api.StatusTerminating
	case !t.Before(s.termStart):
		return api.StatusTerminating, s.settled().status
	}
	i := 0
	for i+1 < len(s.path) && !s.path[i+1].at.After(t) {
		i++
	}
	if i > 0 {
		last = s.path[i-1].status
	}
	return s.path[i].status, last
}

// shift moves the whole schedule by d.
func (s *schedule) shift(d time.Duration) {
	for i := range s.path {
		s.path[i].at = s.path[i].at.Add(d)
	}
	s.termStart = s.termStart.Add(d)
	for i := range s.crashes {
		s.crashes[i] = s.crashes[i].Add(d)
	}
}

// restartsAt counts the container restarts up to t and returns when the
// current run started (READY time or the last restart).
func (s *schedule) restartsAt(t time.Time) (count int, runStart time.Time) {
	if t.After(s.termStart) {
		t = s.termStart
	}
	runStart = s.readyAt()
	for _, c := range s.crashes {
		if c.After(t) {
			break
		}
		count++
		runStart = c
	}
	return count, runStart
}

// pathBuilder appends transitions while walking time forward.
type pathBuilder struct {
	r    *rand.Rand
	t    time.Time
	path []transition
}

func (b *pathBuilder) enter(st api.Status) { b.path = append(b.path, transition{b.t, st}) }

func (b *pathBuilder) wait(lo, hi time.Duration) { b.t = b.t.Add(between(b.r, lo, hi)) }

// buildSchedule draws a deployment's life from its own generator.
func buildSchedule(r *rand.Rand, created time.Time, a *app, city string, maxDuration int) schedule {
	fails := r.Float64() < failureRate
	failKind := r.IntN(failKinds)
	b := &pathBuilder{r: r, t: created}
	var s schedule
	fail := func(detail string) {
		b.enter(api.StatusError)
		s.errorDetail = detail
	}
	b.enter(api.StatusInitializing)
	b.wait(time.Second, 3*time.Second)
	b.enter(api.StatusSeeking)
	if fails && failKind == failNoCapacity {
		b.wait(2*time.Second, 8*time.Second)
		fail("Couldn't allocate server: no capacity in " + city)
	} else {
		b.wait(time.Second, 4*time.Second)
		b.enter(api.StatusSeeked)
		b.wait(500*time.Millisecond, 2*time.Second)
		b.deployAndScan(fails, failKind, a, fail)
	}
	s.path = b.path
	s.termDwell = between(r, 3*time.Second, 15*time.Second)
	settled := s.settled()
	if settled.status == api.StatusError {
		s.termStart = settled.at.Add(between(r, 10*time.Minute, 20*time.Minute))
		return s
	}
	s.termStart = settled.at.Add(drawLifetime(r, maxDuration))
	if r.Float64() < crashLoopRate {
		s.crashKind = r.IntN(len(crashKinds))
		for c := settled.at.Add(between(r, 30*time.Second, 2*time.Minute)); c.Before(s.termStart); c = c.Add(between(r, 30*time.Second, 2*time.Minute)) {
			s.crashes = append(s.crashes, c)
		}
	}
	return s
}

// deployAndScan walks DEPLOYING ↔ SCANNING (5–40 s of deploying in total)
// and ends in READY, or in ERROR for the pull and port-check failures.
func (b *pathBuilder) deployAndScan(fails bool, failKind int, a *app, fail func(string)) {
	b.enter(api.StatusDeploying)
	if fails && failKind == failPullTimeout {
		b.wait(20*time.Second, 40*time.Second)
		fail("Pull image timeout exceeded")
		return
	}
	cycles := 1 + b.r.IntN(2)
	total := between(b.r, 5*time.Second, 40*time.Second)
	for i := 0; i < cycles; i++ {
		if i > 0 {
			b.enter(api.StatusDeploying)
		}
		b.t = b.t.Add(total / time.Duration(cycles))
		b.enter(api.StatusScanning)
		if fails && failKind == failPortCheck {
			b.wait(5*time.Second, 15*time.Second)
			p := a.ports[0]
			fail(fmt.Sprintf("Port check failed: %d/%s not responding", p.internal, p.protocol))
			return
		}
		b.wait(time.Second, 5*time.Second)
	}
	b.enter(api.StatusReady)
}

// allocationFailure is the schedule of a deployment that could not be
// placed at all (v2 422): ERROR at once, cleaned up later.
func allocationFailure(r *rand.Rand, created time.Time) schedule {
	return schedule{
		path: []transition{
			{created, api.StatusInitializing},
			{created, api.StatusSeeking},
			{created, api.StatusError},
		},
		errorDetail: "Couldn't Allocate Server",
		termStart:   created.Add(between(r, 10*time.Minute, 20*time.Minute)),
		termDwell:   between(r, 3*time.Second, 15*time.Second),
	}
}

// imagePullTimeout is the life of a deployment whose image download
// takes longer than the version's time_to_deploy: placed, then ERROR when
// the download times out.
func imagePullTimeout(r *rand.Rand, created time.Time, timeToDeploy int) schedule {
	seeked := created.Add(between(r, time.Second, 3*time.Second))
	return schedule{
		path: []transition{
			{created, api.StatusInitializing},
			{created, api.StatusSeeking},
			{seeked, api.StatusSeeked},
			{seeked, api.StatusDeploying},
			{seeked.Add(time.Duration(timeToDeploy) * time.Second), api.StatusError},
		},
		errorDetail: fmt.Sprintf("Image download did not finish within time_to_deploy (%ds)", timeToDeploy),
		termStart:   created.Add(between(r, 10*time.Minute, 20*time.Minute)),
		termDwell:   between(r, 3*time.Second, 15*time.Second),
	}
}

// drawLifetime draws how long a deployment stays READY: mostly a match
// (minutes to an hour), sometimes a long session, capped by max_duration.
func drawLifetime(r *rand.Rand, maxDuration int) time.Duration {
	var d time.Duration
	switch u := r.Float64(); {
	case u < 0.7:
		d = between(r, 3*time.Minute, 45*time.Minute)
	case u < 0.95:
		d = between(r, 45*time.Minute, 3*time.Hour)
	default:
		d = between(r, 3*time.Hour, 12*time.Hour)
	}
	if limit := time.Duration(maxDuration) * time.Minute; maxDuration > 0 && d > limit {
		d = limit
	}
	return d
}

// maxDurations are the max_duration values (minutes) the population uses.
var maxDurations = []int{60, 120, 240, 480, 720, 1440}

// crashKind is how a crash-looping container dies.
type crashKind struct {
	exitCode int
	message  string
	fatal    string
}

var crashKinds = []crashKind{
	{137, "OOM killed", "fatal error: runtime: out of memory"},
	{139, "Segmentation fault", "Segmentation fault (core dumped)"},
}

// failAt rewrites the schedule so the deployment enters ERROR at t with
// detail (a simulated crash of a running build): the path is cut at t,
// crashes after t never happen, and it is cleaned up like any ERROR.
func (s *schedule) failAt(t time.Time, detail string) {
	i := 0
	for i < len(s.path) && !s.path[i].at.After(t) {
		i++
	}
	s.path = append(s.path[:i:i], transition{t, api.StatusError})
	s.errorDetail = detail
	s.termStart = t.Add(15 * time.Minute)
	n := 0
	for n < len(s.crashes) && !s.crashes[n].After(t) {
		n++
	}
	s.crashes = s.crashes[:n]
}
