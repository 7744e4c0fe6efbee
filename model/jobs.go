package model

import (
	"errors"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// View is a console tab whose data the Scheduler keeps fresh.
type View int

// The views.
const (
	ViewDeployments View = iota
	ViewFleets
	ViewPolicies
	ViewLocations
	ViewHosts
	ViewDetail
	ViewLogs     // arg: request ids separated by commas
	ViewApps     // the applications, with each one's versions (for their count)
	ViewVersions // arg: the application whose versions are shown
)

var viewNames = [...]string{"deployments", "fleets", "policies", "locations", "hosts", "detail", "logs", "apps", "versions"}

// String names the view.
func (v View) String() string {
	if v >= 0 && int(v) < len(viewNames) {
		return viewNames[v]
	}
	return "view?"
}

// JobKind is what a Job fetches.
type JobKind int

// The kinds of fetch.
const (
	JobListPage     JobKind = iota // GET /v1/deployments, one page
	JobStatus                      // GET /v1/status/{ID}
	JobFleets                      // every Smart Fleet
	JobPolicies                    // every policy of one Smart Fleet
	JobLocations                   // GET /v1/locations
	JobHosts                       // the hosts of one private fleet
	JobLogs                        // GET /v1/deployment/{ID}/container-logs
	JobMetrics                     // GET /v1/metrics/deployment/{ID}
	JobErrorWatch                  // GET /v1/deployments?query=status eq error: one page of the ERROR watch (see Scheduler.WatchPage)
	JobNewWatch                    // GET /v1/deployments?query=created_at gte …: one page of the new-deployment watch
	JobApps                        // every application (GET /v1/apps, all pages)
	JobVersions                    // every version of one application (GET /v1/app/{app}/versions, all pages)
	JobVersionCount                // GET /v1/deployments?query=application eq … and version eq …, limit 1: its total_count
)

var jobNames = [...]string{"list", "status", "fleets", "policies", "locations", "hosts", "logs", "metrics", "error-watch", "new-watch", "apps", "versions", "version-count"}

// String names the kind.
func (k JobKind) String() string {
	if k >= 0 && int(k) < len(jobNames) {
		return jobNames[k]
	}
	return "job?"
}

// Job is one fetch the Scheduler planned. The UI runs it through the
// client, then reports it with Scheduler.Finished.
type Job struct {
	Kind    JobKind
	Gen     uint64               // generation when planned; see Scheduler.Stale
	Page    int                  // JobListPage, JobErrorWatch, JobNewWatch, JobVersionCount: 1-based
	Limit   int                  // JobListPage, JobErrorWatch, JobNewWatch, JobVersionCount
	Query   *api.DeploymentQuery // JobListPage, JobErrorWatch, JobNewWatch, JobVersionCount
	ID      string               // JobStatus, JobLogs, JobMetrics
	Fleet   string               // JobPolicies (Smart Fleet name) / JobHosts (private fleet name)
	App     string               // JobVersions, JobVersionCount: the application
	Version string               // JobVersionCount: the version

	Metrics api.MetricsParams // JobMetrics: the range and step asked for
	Window  string            // JobMetrics for a detail panel: the window's name
	Spark   bool              // JobMetrics: for a table row's sparklines (else the detail panel)
}

// Group is the endpoint group whose budget the job spends.
func (j Job) Group() api.Group {
	switch j.Kind {
	case JobListPage, JobErrorWatch, JobNewWatch, JobVersionCount:
		return api.GroupList
	case JobStatus:
		return api.GroupStatus
	case JobFleets, JobPolicies:
		return api.GroupFleets
	case JobLocations:
		return api.GroupLocations
	case JobHosts:
		return api.GroupHosts
	case JobLogs:
		return api.GroupLogs
	case JobMetrics:
		return api.GroupMetrics
	case JobApps, JobVersions:
		return api.GroupApps
	}
	return ""
}

// Budget tells how many requests of a group may start now without waiting
// for the rate limiter. *api.Client satisfies it.
type Budget interface {
	Available(g api.Group) int
}

// recoveringBudget is a Budget that counts the API's recoveries (from a
// down API or a rejected token); *api.Client is one. When the count moves,
// Plan drops every backoff kept from the failure, so data comes back at
// the next plan instead of after up to retryCap.
type recoveringBudget interface {
	Budget
	Recoveries() uint64
}

// Backoff after failed fetches: retryBase·2^(n-1), at most retryCap.
const (
	retryBase = 2 * time.Second
	retryCap  = 30 * time.Second
)

// retryDelay is the wait before the next attempt after n failures in a row.
func retryDelay(n int) time.Duration {
	d := retryBase << min(max(n-1, 0), 8)
	return min(d, retryCap)
}

// fetch tracks one recurring fetch: whether it is in flight, when it last
// succeeded, whether the user asked for it now, and its error backoff.
type fetch struct {
	inFlight bool
	started  time.Time // when it was last planned
	last     time.Time // last success; zero: never
	force    bool      // Refresh: due now
	fails    int       // failures in a row
	retryAt  time.Time // no attempt before this after a failure
}

// dueAt is when the fetch is due given its interval; ok is false while it
// is in flight (its end triggers a new plan anyway).
func (f *fetch) dueAt(interval time.Duration) (t time.Time, ok bool) {
	if f.inFlight {
		return time.Time{}, false
	}
	if !f.force && !f.last.IsZero() {
		t = f.last.Add(interval)
	}
	if f.retryAt.After(t) {
		t = f.retryAt
	}
	return t, true
}

func (f *fetch) start(now time.Time) {
	f.inFlight, f.force, f.started = true, false, now
}

// unstarted reports whether the fetch was planned so recently that its
// request may not have taken its token yet (see startGrace).
func (f *fetch) unstarted(now time.Time) bool {
	return f.inFlight && now.Sub(f.started) < startGrace
}

func (f *fetch) finish(now time.Time, err error) {
	f.inFlight = false
	if err != nil {
		f.fails++
		f.retryAt = retryAfter(now, err, f.fails)
		return
	}
	f.fails, f.retryAt, f.last = 0, time.Time{}, now
}

// retryAfter is when to try again after the n-th failure in a row: when
// the client sends again if it refused the request without sending (token
// rejected, API down, group paused: it knows), else after retryDelay(n).
func retryAfter(now time.Time, err error, n int) time.Time {
	var ns *api.NotSentError
	if errors.As(err, &ns) {
		if ns.RetryAt.After(now) {
			return ns.RetryAt
		}
		return now.Add(budgetRecheck)
	}
	return now.Add(retryDelay(n))
}

// resetBackoff forgets the failures: the fetch is due at its interval.
func (f *fetch) resetBackoff() {
	f.fails, f.retryAt = 0, time.Time{}
}

// refresh makes the fetch due now, past any backoff.
func (f *fetch) refresh() {
	f.force, f.retryAt = true, time.Time{}
}

// pendingRetry is the retry time of a failed fetch, if it lies after now.
func (f *fetch) pendingRetry(now time.Time) (time.Time, bool) {
	return f.retryAt, f.fails > 0 && f.retryAt.After(now)
}
