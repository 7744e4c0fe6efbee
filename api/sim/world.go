package sim

import (
	"container/heap"
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
	endNs       []int64       // deps[i]'s termination time (Unix ns): scans touch no deployment
	byID        map[string]*deployment
	nextArrival time.Time
	meanSpan    time.Duration
	// accepts says whether an arrival may start (nil: all); a refused one
	// is dropped, as a deploy of a disabled version is.
	accepts func(*deployment) bool

	// Bookkeeping that keeps an arrival O(log n) at 50,000 deployments
	// (live and prune would otherwise scan the population per arrival).
	ends       endHeap   // when each deployment terminates (stale entries are skipped)
	liveCount  int       // deployments added whose termination ends has not passed
	countedTo  time.Time // the last time live counted up to
	nextForget time.Time // the earliest a deployment may be forgotten; zero: unknown
	sorted     bool      // deps are in byCreation order (arrivals keep it)
}

// endEntry is a deployment's termination time as last scheduled.
type endEntry struct {
	at time.Time
	d  *deployment
}

// endHeap is a min-heap of termination times.
type endHeap []endEntry

func (h endHeap) Len() int           { return len(h) }
func (h endHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h endHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *endHeap) Push(x any)        { *h = append(*h, x.(endEntry)) }
func (h *endHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = endEntry{}
	*h = old[:len(old)-1]
	return e
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
	w.sort()
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

// add makes d known; it is live when added.
func (w *world) add(d *deployment) {
	if n := len(w.deps); n > 0 && byCreation(w.deps[n-1], d) > 0 {
		w.sorted = false
	}
	d.pos = len(w.deps)
	w.deps = append(w.deps, d)
	w.endNs = append(w.endNs, 0)
	w.byID[d.id] = d
	w.liveCount++
	w.rescheduled(d)
}

// sort puts deps in byCreation order.
func (w *world) sort() {
	slices.SortStableFunc(w.deps, byCreation)
	for i, d := range w.deps {
		d.pos = i
		w.endNs[i] = d.sched.terminatedAt().UnixNano()
	}
	w.sorted = true
}

// rescheduled notes that d's termination time may have changed (a stop,
// a staged failure): call it after every change to d.sched.
func (w *world) rescheduled(d *deployment) {
	end := d.sched.terminatedAt()
	if d.pos < len(w.deps) && w.deps[d.pos] == d {
		w.endNs[d.pos] = end.UnixNano()
	}
	heap.Push(&w.ends, endEntry{at: end, d: d})
	if forget := end.Add(forgetAfter); w.nextForget.IsZero() || forget.Before(w.nextForget) {
		w.nextForget = forget
	}
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

// live counts the deployments not TERMINATED at t: from the heap of
// termination times when t does not go back, by a scan otherwise.
func (w *world) live(t time.Time) int {
	if t.Before(w.countedTo) {
		n := 0
		for _, d := range w.deps {
			if !d.terminated(t) {
				n++
			}
		}
		return n
	}
	w.countedTo = t
	for len(w.ends) > 0 && !w.ends[0].at.After(t) {
		e := heap.Pop(&w.ends).(endEntry)
		switch end := e.d.sched.terminatedAt(); {
		case e.d.endCounted:
		case !end.After(t):
			e.d.endCounted = true
			w.liveCount--
		default: // moved later: wait for the new time
			heap.Push(&w.ends, endEntry{at: end, d: e.d})
		}
	}
	return w.liveCount
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
// It scans only once one may be due (nextForget).
func (w *world) prune(t time.Time) {
	if !w.nextForget.IsZero() && t.Before(w.nextForget) {
		return
	}
	w.nextForget = time.Time{}
	keep := w.deps[:0]
	for i, d := range w.deps {
		forget := d.sched.terminatedAt().Add(forgetAfter)
		if !t.Before(forget) {
			delete(w.byID, d.id)
			continue
		}
		if w.nextForget.IsZero() || forget.Before(w.nextForget) {
			w.nextForget = forget
		}
		d.pos = len(keep)
		w.endNs[d.pos] = w.endNs[i]
		keep = append(keep, d)
	}
	clear(w.deps[len(keep):])
	w.deps, w.endNs = keep, w.endNs[:len(keep)]
}

// get returns the deployment with the given request ID.
func (w *world) get(id string) (*deployment, bool) {
	d, ok := w.byID[id]
	return d, ok
}

// liveAt returns the deployments not TERMINATED at t, oldest first.
func (w *world) liveAt(t time.Time) []*deployment {
	return w.selectLive(t, nil, nil)
}

// selectLive appends to buf the deployments not TERMINATED at t that
// match keep (nil: all), oldest first, in one pass over the population.
func (w *world) selectLive(t time.Time, keep func(*deployment) bool, buf []*deployment) []*deployment {
	if !w.sorted {
		w.sort()
	}
	tn := t.UnixNano()
	for i, end := range w.endNs {
		if end > tn && (keep == nil || keep(w.deps[i])) {
			buf = append(buf, w.deps[i])
		}
	}
	return buf
}

// sortDeployments orders by creation time, then request ID. The
// population is kept in creation order, so this is mostly a check.
func sortDeployments(ds []*deployment) {
	if !slices.IsSortedFunc(ds, byCreation) {
		slices.SortStableFunc(ds, byCreation)
	}
}

func byCreation(a, b *deployment) int {
	if c := a.created.Compare(b.created); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}
