package events

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// Recorder turns what the engine's polling observes into events. It
// remembers the last observation of each deployment and records an event
// only when a new observation differs, so a deployment seen again by
// another request (the list, its status, the error watch) is not an event
// twice. It is not safe for concurrent use: the engine calls it under its
// lock.
type Recorder struct {
	log     *Log
	started time.Time // deployments created before were there already: not "appeared"
	deps    map[string]*deployment
	gone    int // deployments gone since the last sweep of deps

	logs        map[string]*logsSeen             // deployment id → its last container logs answer
	fleets      map[string]api.Fleet             // the Smart Fleets last listed, by name
	fleetsKnown bool                             // fleets holds a baseline
	smartGone   bool                             // the fleets list answered 404 (deprecated)
	policies    map[string]map[string]api.Policy // fleet → policy name → policy
	health      healthSeen
}

// deployment is what the recorder last knew of one deployment.
type deployment struct {
	status      api.Status
	statusAt    time.Time // when status was last observed
	errorDetail string
	tags        []string
	tagsKnown   bool
	app         string
	version     string
	location    string
	gone        bool
	goneAt      time.Time
	// detailKnown: a status answer was read (error_detail has a
	// baseline); news: it appeared or changed status while watched, so
	// its first error_detail is news too.
	detailKnown bool
	news        bool
}

// forgetGoneAfter is how long the recorder remembers a deployment after it
// went (a late 404 or list page then is not news), before forgetting it so
// a long-running server's memory stays bounded by the live population.
const forgetGoneAfter = time.Hour

// NewRecorder records into log. Deployments created before started are
// taken as already there when first seen (no "appeared" event).
func NewRecorder(log *Log, started time.Time) *Recorder {
	return &Recorder{log: log, started: started, deps: map[string]*deployment{},
		logs: map[string]*logsSeen{}, fleets: map[string]api.Fleet{}, policies: map[string]map[string]api.Policy{}}
}

// Log is where the recorder records.
func (r *Recorder) Log() *Log { return r.log }

// dep is the memory of id, made on first sight; first says it was new.
func (r *Recorder) dep(id string) (d *deployment, first bool) {
	d, ok := r.deps[id]
	if !ok {
		d = &deployment{}
		r.deps[id] = d
	}
	return d, !ok
}

// object names deployment id with what is known of it.
func (r *Recorder) object(id string) Object {
	o := Object{Type: ObjectDeployment, ID: id}
	if d := r.deps[id]; d != nil {
		o.App, o.Version, o.Location = d.app, d.version, d.location
		o.Tags = slices.Clone(d.tags)
	}
	return o
}

func (r *Recorder) record(e Event) Event { return r.log.Append(e) }

// ObserveListed takes a page of the deployments list read at at: new
// deployments (created since the recorder started) appear, and tags
// added or removed since the last look are events.
func (r *Recorder) ObserveListed(items []api.Deployment, at time.Time) {
	for i := range items {
		it := &items[i]
		if it.RequestID == "" {
			continue
		}
		d, first := r.dep(it.RequestID)
		if first && !it.StartTime.IsZero() && !it.StartTime.Before(r.started) {
			d.news = true
			r.record(Event{At: at, Severity: Info, Kind: KindAppeared, Object: r.object(it.RequestID),
				Message: "new deployment listed"})
		}
		r.observeTags(it.RequestID, d, it.Tags, at)
		if d.gone {
			d.gone = false
		}
	}
}

// ObserveStatus takes the status answer for id read at at: a status
// transition, error_detail set or changed, tags added or removed.
func (r *Recorder) ObserveStatus(id string, st *api.DeploymentStatus, at time.Time) {
	if st == nil || id == "" {
		return
	}
	d, first := r.dep(id)
	d.app, d.version = cmpOr(st.AppName, d.app), cmpOr(st.AppVersion, d.version)
	if st.Location != nil {
		d.location = cmpOr(locationName(st.Location), d.location)
	}
	if first && !st.StartTime.IsZero() && !st.StartTime.Before(r.started) {
		d.news = true
		r.record(Event{At: at, Severity: Info, Kind: KindAppeared, Object: r.object(id), Message: "new deployment"})
	}
	r.observeStatus(id, d, st.CurrentStatus, at, "")
	if !d.detailKnown && !d.news {
		// The first status read of a deployment that was there before and
		// did not change since: its error_detail is the baseline (a
		// deployment in ERROR for hours is not news at every start).
		d.errorDetail = strings.TrimSpace(st.ErrorDetail)
	} else {
		r.observeErrorDetail(id, d, st.ErrorDetail, at)
	}
	d.detailKnown = true
	r.observeTags(id, d, st.Tags, at)
}

// ObserveListedStatus takes deployments a status-filtered list read at at
// showed in status (the engine's watch for ERROR): each one not already
// known in that status is a transition. prevRead is when the same list was
// read before (zero: never; then nothing is a transition, it is the
// baseline).
func (r *Recorder) ObserveListedStatus(items []api.Deployment, status api.Status, at, prevRead time.Time) {
	for i := range items {
		id := items[i].RequestID
		if id == "" {
			continue
		}
		d, _ := r.dep(id)
		if prevRead.IsZero() {
			if d.status == "" {
				d.status, d.statusAt = status, at
			}
			continue
		}
		r.observeStatus(id, d, status, at, "not in the "+status.Name()+" list "+ago(at.Sub(prevRead))+" before")
	}
}

// observeStatus records a transition of d to status (seen at at).
func (r *Recorder) observeStatus(id string, d *deployment, status api.Status, at time.Time, prevNote string) {
	if status == "" {
		return
	}
	prev, prevAt := d.status, d.statusAt
	d.status, d.statusAt = status, at
	if prev == status {
		return
	}
	if prev == "" && prevNote == "" {
		return // the first look: nothing is known to have changed
	}
	e := Event{At: at, Severity: statusSeverity(status), Kind: KindStatus, Object: r.object(id), To: status.Name()}
	switch {
	case prev != "":
		e.From, e.Stale = prev.Name(), at.Sub(prevAt)
		e.Message = fmt.Sprintf("%s → %s (previous look %s before)", prev.Name(), status.Name(), ago(e.Stale))
	default:
		e.Message = fmt.Sprintf("now %s (%s)", status.Name(), prevNote)
	}
	d.news = true
	r.record(e)
}

// observeErrorDetail records error_detail set or changed.
func (r *Recorder) observeErrorDetail(id string, d *deployment, detail string, at time.Time) {
	detail = strings.TrimSpace(detail)
	if detail == d.errorDetail {
		return
	}
	d.errorDetail = detail
	if detail == "" {
		return
	}
	r.record(Event{At: at, Severity: Error, Kind: KindErrorDetail, Object: r.object(id), Message: "error: " + firstLine(detail)})
}

// observeTags records tags added or removed (not at the first look).
func (r *Recorder) observeTags(id string, d *deployment, tags []string, at time.Time) {
	if d.tagsKnown && sameTags(d.tags, tags) {
		return // the common case, every page: no allocation
	}
	tags = slices.Sorted(slices.Values(tags))
	known := d.tagsKnown
	old := d.tags
	d.tags, d.tagsKnown = tags, true
	if !known || slices.Equal(old, tags) {
		return
	}
	var added, removed []string
	for _, t := range tags {
		if !slices.Contains(old, t) {
			added = append(added, t)
		}
	}
	for _, t := range old {
		if !slices.Contains(tags, t) {
			removed = append(removed, t)
		}
	}
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "+"+strings.Join(added, " +"))
	}
	if len(removed) > 0 {
		parts = append(parts, "-"+strings.Join(removed, " -"))
	}
	r.record(Event{At: at, Severity: Info, Kind: KindTags, Object: r.object(id), Message: "tags " + strings.Join(parts, " ")})
}

// sameTags reports whether tags are known, in the same (sorted) order;
// tags in another order compare unequal and take the slow path.
func sameTags(known, tags []string) bool {
	if len(known) != len(tags) {
		return false
	}
	for i, t := range tags {
		if known[i] != t {
			return false
		}
	}
	return true
}

// ObserveGone records that deployment id ended or left the list at at;
// why says how it was seen ("status answered 404", "no longer listed").
func (r *Recorder) ObserveGone(id, why string, at time.Time) {
	d, _ := r.dep(id)
	if d.gone {
		return
	}
	d.gone, d.goneAt = true, at
	delete(r.logs, id)
	r.gone++
	if r.gone >= 256 { // now and then: forget those gone long ago
		r.gone = 0
		for id, d := range r.deps {
			if d.gone && at.Sub(d.goneAt) > forgetGoneAfter {
				delete(r.deps, id)
			}
		}
	}
	r.record(Event{At: at, Severity: Info, Kind: KindGone, Object: r.object(id), From: d.status.Name(), Message: "gone: " + why})
}

// statusSeverity is how much a transition to s matters.
func statusSeverity(s api.Status) Severity {
	if s == api.StatusError {
		return Error
	}
	return Info
}

func locationName(l *api.Location) string {
	switch {
	case l.City != "" && l.Country != "":
		return l.City + ", " + l.Country
	case l.City != "":
		return l.City
	}
	return l.Country
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// ago formats a duration for messages: "3s", "2m10s", "1h5m".
func ago(d time.Duration) string {
	switch {
	case d < time.Second:
		return "<1s"
	case d < time.Minute:
		return d.Truncate(time.Second).String()
	case d < time.Hour:
		return d.Truncate(time.Second).String()
	}
	return d.Truncate(time.Minute).String()
}

func cmpOr(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}
