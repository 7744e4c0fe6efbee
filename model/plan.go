package model

import (
	"slices"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// startGrace is how long after it was planned a job may still not have
// taken its token from the client's bucket: the UI starts it in a
// goroutine, and Plan can run again before that goroutine does. Until then
// it counts against its group's budget.
const startGrace = 250 * time.Millisecond

// recoveryResetEvery is the least time between two resets of every
// backoff on the API's recovery (see Plan).
const recoveryResetEvery = time.Minute

// planner collects one Plan call's jobs inside the budget.
type planner struct {
	now      time.Time
	b        Budget
	gen      uint64
	reserved map[api.Group]int // planned jobs that may not hold their token yet
	avail    map[api.Group]int
	jobs     []Job
	wake     time.Time
}

// left is how many more jobs of g the budget allows now.
func (p *planner) left(g api.Group) int {
	n, ok := p.avail[g]
	if !ok {
		n = max(0, p.b.Available(g)-p.reserved[g])
		p.avail[g] = n
	}
	return n
}

// take spends one token of g, if the group has one now.
func (p *planner) take(g api.Group) bool {
	n := p.left(g)
	if n == 0 {
		return false
	}
	p.avail[g] = n - 1
	return true
}

// wakeAt notes a time something becomes due.
func (p *planner) wakeAt(t time.Time) {
	if !t.After(p.now) {
		t = p.now.Add(budgetRecheck)
	}
	if p.wake.IsZero() || t.Before(p.wake) {
		p.wake = t
	}
}

func (p *planner) add(j Job) {
	j.Gen = p.gen
	p.jobs = append(p.jobs, j)
}

// recurring plans j when f is due and j's group has a token.
func (p *planner) recurring(f *fetch, interval time.Duration, j Job) bool {
	t, ok := f.dueAt(interval)
	switch {
	case !ok:
		return false
	case t.After(p.now):
		p.wakeAt(t)
		return false
	case !p.take(j.Group()):
		p.wakeAt(p.now)
		return false
	}
	f.start(p.now)
	p.add(j)
	return true
}

// Plan returns the jobs to start now, and wake: the earliest time another
// job could become due (zero when nothing will until a job finishes or the
// view changes). It plans at most b.Available(g) jobs of a group, so no job
// waits for the rate limiter. When something is due but its group has no
// token, wake is a moment later.
func (s *Scheduler) Plan(now time.Time, b Budget) (jobs []Job, wake time.Time) {
	if rb, ok := b.(recoveringBudget); ok {
		if n := rb.Recoveries(); n != s.recoveries {
			s.recoveries = n
			// At most once a minute: one endpoint failing on its own while
			// another answers (the list watch polls in every view) makes
			// the API look down and back again and again; resetting each
			// time would retry the failing endpoint in a loop.
			if s.lastReset.IsZero() || now.Sub(s.lastReset) >= recoveryResetEvery {
				s.lastReset = now
				s.ResetBackoffs()
			}
		}
	}
	p := &planner{now: now, b: b, gen: s.gen, reserved: s.reserved(now), avail: map[api.Group]int{}}
	if s.refreshStatus {
		s.refreshStatus, s.statusRefresh = false, now
	}
	if s.list.force && s.needsDeployments() {
		s.planList(p) // ctrl-r: what the user asked for goes first
	}
	s.planListWatch(p) // before the list pass: it takes what is left
	s.planUrgent(p)    // before any other status
	for _, in := range s.interests {
		if in.View == ViewDetail {
			s.planDetail(p, in.Arg)
			s.planDetailMetrics(p, in)
		}
	}
	if s.needsDeployments() {
		s.planList(p)
		s.planStatus(p)
		if s.has(ViewDeployments) {
			s.planSparks(p)
		}
	}
	s.planLogs(p)
	if !s.needsDeployments() {
		s.planWatch(p) // planStatus plans them after the visible rows
	}
	cat := s.cfg.CatalogInterval
	if s.has(ViewLocations) {
		p.recurring(&s.locations, cat, Job{Kind: JobLocations})
	}
	if s.needsFleets() {
		p.recurring(&s.fleets, cat, Job{Kind: JobFleets})
	}
	for _, name := range s.policyFleets() {
		p.recurring(fetchOf(s.policies, name), cat, Job{Kind: JobPolicies, Fleet: name})
	}
	for _, name := range s.hostFleets() {
		p.recurring(fetchOf(s.hosts, name), cat, Job{Kind: JobHosts, Fleet: name})
	}
	if s.needsApps() {
		p.recurring(&s.apps, cat, Job{Kind: JobApps})
	}
	for _, app := range s.versionApps() {
		p.recurring(fetchOf(s.versions, app), cat, Job{Kind: JobVersions, App: app})
	}
	s.eachVersionCount(func(k VersionKey, f *fetch) {
		p.recurring(f, cat, Job{Kind: JobVersionCount, App: k.App, Version: k.Version, Page: 1, Limit: 1, Query: versionCountQuery(k)})
	})
	return p.jobs, p.wake
}

func fetchOf(m map[string]*fetch, key string) *fetch {
	f := m[key]
	if f == nil {
		f = &fetch{}
		m[key] = f
	}
	return f
}

// reserved counts, per group, the jobs planned less than startGrace ago
// that have not finished.
func (s *Scheduler) reserved(now time.Time) map[api.Group]int {
	r := map[api.Group]int{}
	for _, at := range s.statusBusy {
		if now.Sub(at) < startGrace {
			r[api.GroupStatus]++
		}
	}
	count := func(g api.Group, f *fetch) {
		if f.unstarted(now) {
			r[g]++
		}
	}
	count(api.GroupList, &s.list)
	count(api.GroupList, &s.errWatch.f)
	count(api.GroupList, &s.newWatch.f)
	count(api.GroupFleets, &s.fleets)
	count(api.GroupLocations, &s.locations)
	count(api.GroupApps, &s.apps)
	for _, f := range s.versions {
		count(api.GroupApps, f)
	}
	for _, f := range s.versionCounts {
		count(api.GroupList, f)
	}
	for _, f := range s.policies {
		count(api.GroupFleets, f)
	}
	for _, f := range s.hosts {
		count(api.GroupHosts, f)
	}
	for _, f := range s.logs {
		count(api.GroupLogs, f)
	}
	for _, f := range s.metrics {
		count(api.GroupMetrics, f)
	}
	for _, at := range s.sparkBusy {
		if now.Sub(at) < startGrace {
			r[api.GroupMetrics]++
		}
	}
	return r
}

// needsDeployments reports whether some interest shows deployment data
// (a version's page counts the deployments of each version).
func (s *Scheduler) needsDeployments() bool {
	return s.has(ViewDeployments) || s.has(ViewLocations) || s.has(ViewVersions)
}

// needsApps reports whether some interest shows the applications list:
// the applications view, or a versions page (its application's state).
func (s *Scheduler) needsApps() bool { return s.has(ViewApps) || s.has(ViewVersions) }

// versionApps are the applications whose versions the interests need:
// every listed one while ViewApps is shown (its version count), and the
// one of each ViewVersions.
func (s *Scheduler) versionApps() []string {
	var out []string
	if s.has(ViewApps) {
		out = slices.Clone(s.appNames)
	}
	for _, app := range s.args(ViewVersions) {
		if app != "" && !slices.Contains(out, app) {
			out = append(out, app)
		}
	}
	return out
}

// needsFleets reports whether some interest shows the Smart Fleets list:
// the Fleets tab, or the Policies of every fleet.
func (s *Scheduler) needsFleets() bool {
	return s.has(ViewFleets) || slices.Contains(s.args(ViewPolicies), "")
}

// policyFleets are the Smart Fleets whose policies the interests need.
func (s *Scheduler) policyFleets() []string {
	if s.needsFleets() {
		return s.fleetNames
	}
	return s.args(ViewPolicies)
}

// hostFleets are the private fleets whose hosts the interests need.
func (s *Scheduler) hostFleets() []string {
	if s.has(ViewFleets) || slices.Contains(s.args(ViewHosts), "") {
		return s.cfg.PrivateFleets
	}
	return s.args(ViewHosts)
}

// eachActiveFetch calls fn with every recurring fetch of the interests.
func (s *Scheduler) eachActiveFetch(fn func(*fetch)) {
	if s.needsDeployments() {
		fn(&s.list)
	}
	for _, id := range s.args(ViewDetail) {
		fn(fetchOf(s.details, id))
	}
	for _, f := range s.metrics {
		fn(f)
	}
	for _, id := range s.logIDs() {
		fn(fetchOf(s.logs, id))
	}
	if s.has(ViewLocations) {
		fn(&s.locations)
	}
	if s.needsFleets() {
		fn(&s.fleets)
	}
	for _, name := range s.policyFleets() {
		fn(fetchOf(s.policies, name))
	}
	for _, name := range s.hostFleets() {
		fn(fetchOf(s.hosts, name))
	}
	if s.needsApps() {
		fn(&s.apps)
	}
	for _, app := range s.versionApps() {
		fn(fetchOf(s.versions, app))
	}
	s.eachVersionCount(func(_ VersionKey, f *fetch) { fn(f) })
}

// eachVersionCount calls fn with the count fetch of every version of the
// versions pages shown, in page and version order.
func (s *Scheduler) eachVersionCount(fn func(VersionKey, *fetch)) {
	for _, app := range s.args(ViewVersions) {
		for _, v := range s.versionNames[app] {
			k := VersionKey{app, v}
			f := s.versionCounts[k]
			if f == nil {
				f = &fetch{}
				s.versionCounts[k] = f
			}
			fn(k, f)
		}
	}
}

// versionCountQuery is the list query of one version's deployments.
func versionCountQuery(k VersionKey) *api.DeploymentQuery {
	return &api.DeploymentQuery{Filters: []api.QueryFilter{
		{Field: api.FieldApplication, Operator: api.OpEq, Value: k.App},
		{Field: api.FieldVersion, Operator: api.OpEq, Value: k.Version},
	}}
}

// maxListPause caps the pause a long pass earns (see planList).
const maxListPause = time.Minute

// planList plans the next list page: at once inside a pass; otherwise
// ListInterval after the last pass ended, or as long as that pass took if
// longer (at most maxListPause). A large organization's pass runs for many pages (5,000
// deployments: 50 pages, 20 s at the default budget): read back to back,
// the passes would spend the list budget, and the console's CPU on
// decoding them, all the time; the watches (ERROR, new) and the status
// of the rows on screen keep what matters fresh meanwhile (issue 16).
func (s *Scheduler) planList(p *planner) {
	interval := s.ListPause()
	if s.listPage > 0 {
		interval = 0
	}
	page := max(s.listPage, 1)
	if p.recurring(&s.list, interval, Job{Kind: JobListPage, Page: page, Limit: s.cfg.PageSize, Query: s.query}) {
		if page == 1 {
			s.passStart = p.now
		}
		s.listPage = page
	}
}

// planDetail refreshes the status of a deployment open in a detail view.
func (s *Scheduler) planDetail(p *planner, id string) {
	if _, busy := s.statusBusy[id]; id == "" || busy {
		return
	}
	if p.recurring(fetchOf(s.details, id), s.cfg.DetailInterval, Job{Kind: JobStatus, ID: id}) {
		s.statusBusy[id] = p.now
	}
}
