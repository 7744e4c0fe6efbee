package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// world is the deployment population. It advances lazily: arrivals up to a
// given time are drawn from the world generator in order, and deployments
// terminated for longer than forgetAfter are dropped.
type world struct {
	seed        int64
	target      int
	rng         *rand.Rand
	nextIndex   uint64
	deps        []*deployment // creation order
	byID        map[string]*deployment
	nextArrival time.Time
	meanSpan    time.Duration
	// accepts says whether an arrival may start (nil: all); a refused one
	// is dropped, as a deploy of a disabled version is.
	accepts func(*deployment) bool
}

// maxSpan bounds a deployment's whole life (12 h READY at most, plus the
// way up and down).
const maxSpan = 12*time.Hour + 5*time.Minute

// newWorld creates target live deployments at now, as a snapshot of the
// steady state: a deployment is caught alive with a probability
// proportional to its life span (rejection sampling) and at a uniform point
// of that span, so old and long-lived deployments are represented as they
// would be in a world that has been running for a while.
func newWorld(seed int64, target int, now time.Time) *world {
	w := &world{seed: seed, target: max(target, 0), rng: newRand(seed, saltWorld, 0), byID: map[string]*deployment{}}
	var spans time.Duration
	drawn := 0
	for len(w.deps) < w.target {
		d := w.draw(now, deploySpec{loc: -1, randomTags: true})
		span := d.sched.terminatedAt().Sub(now)
		spans += span
		drawn++
		if w.rng.Float64()*float64(maxSpan) >= float64(span) {
			continue
		}
		age := time.Duration(w.rng.Float64() * float64(span)).Truncate(time.Millisecond)
		d.created = d.created.Add(-age)
		d.sched.shift(-age)
		for j := range d.tags {
			d.tags[j].created, d.tags[j].updated = d.created, d.created
		}
		w.add(d)
	}
	slices.SortStableFunc(w.deps, func(a, b *deployment) int { return a.created.Compare(b.created) })
	w.meanSpan = time.Hour
	if drawn > 0 {
		w.meanSpan = spans / time.Duration(drawn)
		w.nextArrival = now.Add(w.gap(now))
	}
	return w
}

// draw makes the next deployment, created at t, without adding it.
func (w *world) draw(t time.Time, spec deploySpec) *deployment {
	d := newDeployment(w.seed, w.nextIndex, t, spec, func(id string) bool { return w.byID[id] != nil })
	w.nextIndex++
	return d
}

// add makes d known.
func (w *world) add(d *deployment) {
	w.deps = append(w.deps, d)
	w.byID[d.id] = d
}

// create adds a new deployment created at t.
func (w *world) create(t time.Time, spec deploySpec) *deployment {
	d := w.draw(t, spec)
	w.add(d)
	return d
}

// gap draws the time to the next arrival: a Poisson process whose rate
// keeps the live population near target.
func (w *world) gap(t time.Time) time.Duration {
	ratio := float64(w.live(t)) / float64(w.target)
	factor := math.Min(4, math.Max(0.25, ratio*ratio))
	mean := float64(w.meanSpan) / float64(w.target) * factor
	g := time.Duration(w.rng.ExpFloat64() * mean).Truncate(time.Millisecond)
	return max(g, time.Millisecond)
}

// live counts the deployments not TERMINATED at t.
func (w *world) live(t time.Time) int {
	n := 0
	for _, d := range w.deps {
		if !d.terminated(t) {
			n++
		}
	}
	return n
}

// advance brings the population to now.
func (w *world) advance(now time.Time) {
	for w.target > 0 && !w.nextArrival.After(now) {
		t := w.nextArrival
		w.prune(t)
		if d := w.draw(t, deploySpec{loc: -1, randomTags: true}); w.accepts == nil || w.accepts(d) {
			w.add(d)
		}
		w.nextArrival = t.Add(w.gap(t))
	}
	w.prune(now)
}

// prune forgets deployments terminated more than forgetAfter before t.
func (w *world) prune(t time.Time) {
	keep := w.deps[:0]
	for _, d := range w.deps {
		if t.Sub(d.sched.terminatedAt()) >= forgetAfter {
			delete(w.byID, d.id)
			continue
		}
		keep = append(keep, d)
	}
	clear(w.deps[len(keep):])
	w.deps = keep
}

// get returns the deployment with the given request ID.
func (w *world) get(id string) (*deployment, bool) {
	d, ok := w.byID[id]
	return d, ok
}

// liveAt returns the deployments not TERMINATED at t, oldest first.
func (w *world) liveAt(t time.Time) []*deployment {
	var out []*deployment
	for _, d := range w.deps {
		if !d.terminated(t) {
			out = append(out, d)
		}
	}
	sortDeployments(out)
	return out
}

// sortDeployments orders by creation time, then request ID.
func sortDeployments(ds []*deployment) {
	slices.SortStableFunc(ds, func(a, b *deployment) int {
		if c := a.created.Compare(b.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
}
