package model

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// SchedulerConfig are the Scheduler's intervals; zero fields take the
// defaults.
type SchedulerConfig struct {
	ListInterval       time.Duration // pause between full list passes, at least as long as the last pass took; default 2s
	StatusInterval     time.Duration // refresh of visible rows' status; default 10s
	BackgroundInterval time.Duration // refresh of non-visible rows' status; default 60s
	CatalogInterval    time.Duration // fleets, policies, locations, hosts; default 45s
	DetailInterval     time.Duration // status of the deployment open in ViewDetail; default 3s
	LogsInterval       time.Duration // container logs of each stream open in ViewLogs; default 2s
	MetricsInterval    time.Duration // metrics panel of ViewDetail; default 15s (sparklines: SparkEvery)
	WatchInterval      time.Duration // status of watched deployments (Watch), in every view; default 3s
	ListWatchInterval  time.Duration // the ERROR and new-deployment watch on the list, in every view; default 5s, < 0: off
	PageSize           int           // default 100
	PrivateFleets      []string      // names from the profile (the API cannot list them)
}

// Defaults of SchedulerConfig.
const (
	DefaultListInterval       = 2 * time.Second
	DefaultStatusInterval     = 10 * time.Second
	DefaultBackgroundInterval = 60 * time.Second
	DefaultCatalogInterval    = 45 * time.Second
	DefaultDetailInterval     = 3 * time.Second
	DefaultLogsInterval       = 2 * time.Second
	DefaultMetricsInterval    = 15 * time.Second
	DefaultWatchInterval      = 3 * time.Second
	DefaultListWatchInterval  = 5 * time.Second
	DefaultPageSize           = api.MaxPageSize
)

// budgetRecheck is how soon to plan again when something is due but its
// group has no token: the smallest budget (2.5 req/s at the default
// fraction) refills a token in 400 ms.
const budgetRecheck = 200 * time.Millisecond

func (c SchedulerConfig) withDefaults() SchedulerConfig {
	c.ListInterval = cmpOr(c.ListInterval, DefaultListInterval)
	c.StatusInterval = cmpOr(c.StatusInterval, DefaultStatusInterval)
	c.BackgroundInterval = cmpOr(c.BackgroundInterval, DefaultBackgroundInterval)
	c.CatalogInterval = cmpOr(c.CatalogInterval, DefaultCatalogInterval)
	c.DetailInterval = cmpOr(c.DetailInterval, DefaultDetailInterval)
	c.LogsInterval = cmpOr(c.LogsInterval, DefaultLogsInterval)
	c.MetricsInterval = cmpOr(c.MetricsInterval, DefaultMetricsInterval)
	c.WatchInterval = cmpOr(c.WatchInterval, DefaultWatchInterval)
	c.ListWatchInterval = cmpOr(c.ListWatchInterval, DefaultListWatchInterval)
	c.PageSize = cmpOr(c.PageSize, DefaultPageSize)
	c.PrivateFleets = slices.Clone(c.PrivateFleets)
	return c
}

func cmpOr[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}

// Scheduler decides what to fetch next, inside the client's rate budget.
// It only plans for the active view, never lets a fetch overlap itself,
// never plans a request its group has no token for (so the client never
// waits), and backs off a failed fetch while the store keeps the last good
// data.
//
// The UI calls Plan, runs the jobs, folds each answer into its store unless
// Finished says it is stale, and plans again when a job finishes or at the
// wake time Plan returned.
//
// Deployments are read in passes of list pages, newest first (order_by
// created_at desc unless the pushed-down query orders them), so new
// deployments show up on page 1 early; the next page starts when the
// previous one finished, the next pass ListInterval after a pass ended.
// Whatever the views show, the list watch (see planListWatch) reads the
// deployments in ERROR and the newest deployments every
// ListWatchInterval, before the pass's pages when both are due.
// Status enrichment asks, in order: the deployments the list watch just
// noticed (see WatchPage), visible rows whose status is older than
// StatusInterval (never-enriched first, then oldest), watched deployments
// due after WatchInterval (see Watch), non-visible rows never enriched
// (in the store's order), non-visible rows older than BackgroundInterval
// (oldest first).
type Scheduler struct {
	cfg   SchedulerConfig
	store *Deployments
	gen   uint64

	interests []Interest // what the attached views show; the first is View()

	query     *api.DeploymentQuery // the list query, with its order
	list      fetch                // the current page; last: when the last page answered
	listPage  int                  // next page of the current pass; 0: between passes
	passStart time.Time            // when the current pass's first page was planned
	lastPass  time.Duration        // how long the last complete pass took
	listPager api.Pager            // the current pass's stop rules (see ListPage)
	listNext  int                  // the page the pager chose after the last answer
	listGen   uint64               // list pages planned before this generation are stale
	visible   []string
	isVisible map[string]bool

	statusBusy    map[string]time.Time // status requests in flight, by when planned
	statusRetry   map[string]fetch     // failed status requests
	refreshStatus bool                 // Refresh asked; applied at the next Plan
	statusRefresh time.Time            // visible rows enriched before this are due
	details       map[string]*fetch    // the status of each deployment open in a ViewDetail
	fleets        fetch
	locations     fetch
	fleetNames    []string
	policies      map[string]*fetch
	hosts         map[string]*fetch
	apps          fetch                 // the applications, while ViewApps is shown
	appNames      []string              // learned from the applications list (SetApps)
	versions      map[string]*fetch     // each application's versions, while shown
	versionNames  map[string][]string   // each application's version names (SetVersions)
	versionCounts map[VersionKey]*fetch // the count of each version's deployments, while its page is shown

	logs      map[string]*fetch    // container logs per open stream
	logsGone  map[string]bool      // streams whose logs answered 404 (terminated)
	metrics   map[string]*fetch    // each detail panel's metrics, by metricsKey
	window    MetricsWindow        // the window of interests that name none
	sparks    *SparkStore          // per-row sparklines (nil: none)
	sparkBusy map[string]time.Time // sparkline requests in flight, by when planned

	watched    map[string]*fetch // statuses followed in every view (Watch)
	watchOrder []string          // watched ids, first watched first

	errWatch    *listWatch        // the ERROR watch (see listwatch.go)
	newWatch    *listWatch        // the new-deployment watch
	urgent      map[string]*fetch // priority statuses of what the watch noticed
	urgentOrder []string          // urgent ids, first noticed first

	enrichQueue *enrichQueue // the store's rows as background enrichment reads them

	recoveries uint64    // the budget's Recoveries when last seen
	lastReset  time.Time // when a recovery last reset every backoff
}

// NewScheduler returns a scheduler for the Deployments view that reads
// row freshness from store.
func NewScheduler(cfg SchedulerConfig, store *Deployments) *Scheduler {
	s := &Scheduler{
		cfg:           cfg.withDefaults(),
		store:         store,
		isVisible:     map[string]bool{},
		statusBusy:    map[string]time.Time{},
		statusRetry:   map[string]fetch{},
		details:       map[string]*fetch{},
		metrics:       map[string]*fetch{},
		policies:      map[string]*fetch{},
		hosts:         map[string]*fetch{},
		versions:      map[string]*fetch{},
		versionNames:  map[string][]string{},
		versionCounts: map[VersionKey]*fetch{},
		logs:          map[string]*fetch{},
		logsGone:      map[string]bool{},
		sparkBusy:     map[string]time.Time{},
		watched:       map[string]*fetch{},
		window:        MetricsWindows[0],
		errWatch:      newListWatch(JobErrorWatch),
		newWatch:      newListWatch(JobNewWatch),
		urgent:        map[string]*fetch{},
		enrichQueue:   newEnrichQueue(),
	}
	s.query = listQuery(nil)
	s.interests = []Interest{{View: ViewDeployments}}
	return s
}

// listQuery is the user's pushed-down query, ordered newest first unless it
// orders itself.
func listQuery(q *api.DeploymentQuery) *api.DeploymentQuery {
	out := &api.DeploymentQuery{}
	if q != nil {
		out.Filters = slices.Clone(q.Filters)
		out.OrderBy = slices.Clone(q.OrderBy)
	}
	if len(out.OrderBy) == 0 {
		out.OrderBy = []api.QueryOrder{{Field: api.FieldCreatedAt, Order: "desc"}}
	}
	return out
}

// Gen is the current generation; it bumps on SetView and on SetQuery.
func (s *Scheduler) Gen() uint64 { return s.gen }

// Interest is one thing an attached view shows: a view and its argument
// (see SetView) and, for ViewDetail, the metrics window of its panel (zero:
// the scheduler's window, see SetMetricsWindow).
type Interest struct {
	View   View
	Arg    string
	Window MetricsWindow
}

// View is the first interest's view and argument: the active view when one
// view is attached.
func (s *Scheduler) View() (View, string) {
	if len(s.interests) == 0 {
		return ViewDeployments, ""
	}
	return s.interests[0].View, s.interests[0].Arg
}

// Interests are what the scheduler plans for.
func (s *Scheduler) Interests() []Interest { return slices.Clone(s.interests) }

// SetView makes v the only interest: the active view of a single console.
// arg is the private fleet for ViewHosts and the Smart Fleet for
// ViewPolicies ("" = all), the request id for ViewDetail, the request ids
// separated by commas for ViewLogs, the application for ViewVersions. See
// SetInterests.
func (s *Scheduler) SetView(v View, arg string) {
	s.SetInterests([]Interest{{View: v, Arg: arg}})
}

// SetInterests makes the scheduler plan for the union of what every
// attached view shows (duplicates are planned once). It bumps the
// generation; a detail, a metrics window or a log stream no longer shown
// forgets its schedule, so showing it again fetches at once; a list pass in progress
// resumes when a view that needs the list comes back. With no interest
// only watched deployments and the list watch are polled.
func (s *Scheduler) SetInterests(list []Interest) {
	s.gen++
	s.interests = slices.Clone(list)
	details, logs, panels := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, in := range s.interests {
		switch in.View {
		case ViewDetail:
			details[in.Arg] = true
			panels[metricsKey(in.Arg, s.windowOf(in))] = true
		case ViewLogs:
			for _, id := range splitIDs(in.Arg) {
				logs[id] = true
			}
		}
	}
	for id := range s.details {
		if !details[id] {
			delete(s.details, id)
		}
	}
	for key := range s.metrics {
		if !panels[key] {
			delete(s.metrics, key) // a window no panel shows: due at once when one does again
		}
	}
	for id := range s.logs {
		if !logs[id] {
			delete(s.logs, id)
			delete(s.logsGone, id)
		}
	}
	shown := s.versionApps()
	for app := range s.versions {
		if !slices.Contains(shown, app) {
			delete(s.versions, app) // shown again: read at once
		}
	}
	s.forgetCounts()
}

// forgetCounts drops the count fetches of versions no page shows.
func (s *Scheduler) forgetCounts() {
	pages := s.args(ViewVersions)
	for k := range s.versionCounts {
		if !slices.Contains(pages, k.App) || !slices.Contains(s.versionNames[k.App], k.Version) {
			delete(s.versionCounts, k)
		}
	}
}

// SetVersions tells the version names of app learned from its versions
// list: while its page is shown, each one's deployments are counted.
func (s *Scheduler) SetVersions(app string, names []string) {
	s.versionNames[app] = slices.Clone(names)
	s.forgetCounts()
}

// has reports whether some interest shows v.
func (s *Scheduler) has(v View) bool {
	return slices.ContainsFunc(s.interests, func(in Interest) bool { return in.View == v })
}

// args are the arguments of the interests showing v, each once, in order.
func (s *Scheduler) args(v View) []string {
	var out []string
	for _, in := range s.interests {
		if in.View == v && !slices.Contains(out, in.Arg) {
			out = append(out, in.Arg)
		}
	}
	return out
}

// SetQuery sets the pushed-down filter of the deployments list. When it
// changes, the list pass restarts at page 1 now, the generation bumps, and
// the pages of the old query still in flight become stale.
func (s *Scheduler) SetQuery(q *api.DeploymentQuery) {
	next := listQuery(q)
	a, _ := json.Marshal(next)
	b, _ := json.Marshal(s.query)
	if string(a) == string(b) {
		return
	}
	s.gen++
	s.query, s.listGen, s.listPage = next, s.gen, 1
	s.list.fails, s.list.retryAt = 0, time.Time{}
}

// SetVisible tells which deployments are on screen, in screen order.
func (s *Scheduler) SetVisible(ids []string) {
	s.visible = slices.Clone(ids)
	clear(s.isVisible)
	for _, id := range ids {
		s.isVisible[id] = true
	}
}

// SetFleets tells the Smart Fleet names learned from the fleets list; their
// policies are fetched per fleet.
func (s *Scheduler) SetFleets(names []string) {
	s.fleetNames = slices.Clone(names)
	for name := range s.policies {
		if !slices.Contains(names, name) {
			delete(s.policies, name)
		}
	}
}

// SetApps tells the application names learned from the applications
// list; while ViewApps is shown their versions are read too (for the
// version count).
func (s *Scheduler) SetApps(names []string) {
	s.appNames = slices.Clone(names)
	shown := s.versionApps()
	for app := range s.versions {
		if !slices.Contains(shown, app) {
			delete(s.versions, app)
		}
	}
}

// Refresh makes the active view's fetches due now (ctrl-r), past any
// backoff, including the status of the rows on screen; plan again right
// after. A list pass in progress just goes on.
func (s *Scheduler) Refresh() {
	s.eachActiveFetch((*fetch).refresh)
	if s.needsDeployments() {
		s.refreshStatus = true
		for _, id := range s.visible {
			delete(s.statusRetry, id)
		}
	}
}

// ResetBackoffs forgets every failure backoff, of every view: the API is
// back (Plan calls it when the client's Recoveries moves), so each fetch
// is due at its normal interval, not after up to 30 s of backoff kept from
// the failure.
func (s *Scheduler) ResetBackoffs() {
	for _, f := range []*fetch{&s.list, &s.fleets, &s.locations, &s.apps, &s.errWatch.f, &s.newWatch.f} {
		f.resetBackoff()
	}
	for _, m := range []map[string]*fetch{s.details, s.metrics, s.policies, s.hosts, s.versions, s.logs, s.watched, s.urgent} {
		for _, f := range m {
			f.resetBackoff()
		}
	}
	for _, f := range s.versionCounts {
		f.resetBackoff()
	}
	clear(s.statusRetry)
}

// Stale reports whether j's result must be dropped: a list page planned
// before the query changed. Other answers stay true whenever they arrive.
func (s *Scheduler) Stale(j Job) bool {
	return j.Kind == JobListPage && j.Gen < s.listGen
}

// ListPause is the pause before the next list pass: ListInterval, or as
// long as the last pass took, up to a minute (see planList).
func (s *Scheduler) ListPause() time.Duration {
	return max(s.cfg.ListInterval, min(s.lastPass, maxListPause))
}

// ListPage feeds the answer to list page j into the pass's pager (the
// same stop rules as every paginated read, see api.Pager) and reports
// whether the pass goes on; if not, the rule that ended it. Call it for a
// fresh page before Finished, and pass more to Finished.
func (s *Scheduler) ListPage(j Job, info api.PageInfo) (more bool, stop api.PageStop) {
	if j.Page <= 1 {
		s.listPager = api.Pager{}
	}
	next, stop := s.listPager.Next(info)
	s.listNext = next
	return next > 0, stop
}

// Finished records the end of j at now (err: it failed; hasNext: a list
// or watch page has more after it) and reports whether the result is fresh; false:
// drop it. After an error the fetch is retried after a backoff
// (2 s·2^(n-1), at most 30 s); a status answering 404 is not retried (the
// deployment is gone: call Deployments.MarkGone).
func (s *Scheduler) Finished(j Job, now time.Time, err error, hasNext bool) (fresh bool) {
	switch j.Kind {
	case JobListPage:
		s.list.inFlight = false
		if s.Stale(j) {
			return false
		}
		s.list.finish(now, err)
		if err == nil {
			s.listPage = j.Page + 1
			if s.listNext > j.Page {
				s.listPage = s.listNext
			}
			if !hasNext {
				s.listPage = 0
				s.lastPass = now.Sub(s.passStart)
			}
		}
		s.listNext = 0
	case JobStatus:
		delete(s.statusBusy, j.ID)
		s.finishStatus(j.ID, now, err)
		s.finishWatch(j.ID, now, err)
		s.finishUrgent(j.ID, now, err)
		if f := s.details[j.ID]; f != nil {
			f.finish(now, err)
		}
	case JobFleets:
		s.fleets.finish(now, err)
	case JobLocations:
		s.locations.finish(now, err)
	case JobPolicies:
		if f := s.policies[j.Fleet]; f != nil {
			f.finish(now, err)
		}
	case JobHosts:
		if f := s.hosts[j.Fleet]; f != nil {
			f.finish(now, err)
		}
	case JobApps:
		s.apps.finish(now, err)
	case JobVersions:
		if f := s.versions[j.App]; f != nil {
			f.finish(now, err)
		}
	case JobVersionCount:
		if f := s.versionCounts[VersionKey{j.App, j.Version}]; f != nil {
			f.finish(now, err)
		}
	case JobLogs, JobMetrics:
		s.finishObserve(j, now, err)
	case JobErrorWatch, JobNewWatch:
		s.finishListWatch(j, now, err, hasNext)
	}
	return true
}

func (s *Scheduler) finishStatus(id string, now time.Time, err error) {
	if err == nil || api.IsNotFound(err) {
		delete(s.statusRetry, id)
		return
	}
	f := s.statusRetry[id]
	f.finish(now, err)
	s.statusRetry[id] = f
}

// NextRetry is the earliest retry of a failed fetch of the active view, if
// one is waiting: for the header's "retrying in 8 s".
func (s *Scheduler) NextRetry(now time.Time) (time.Time, bool) {
	var best time.Time
	found := false
	consider := func(f *fetch) {
		if t, ok := f.pendingRetry(now); ok && (!found || t.Before(best)) {
			best, found = t, true
		}
	}
	s.eachActiveFetch(consider)
	if s.needsDeployments() {
		for _, f := range s.statusRetry {
			consider(&f)
		}
	}
	return best, found
}

// InFlight is how many planned jobs have not finished.
func (s *Scheduler) InFlight() int {
	n := len(s.statusBusy)
	for _, f := range []*fetch{&s.list, &s.fleets, &s.locations, &s.apps, &s.errWatch.f, &s.newWatch.f} {
		if f.inFlight {
			n++
		}
	}
	n += len(s.sparkBusy)
	for _, m := range []map[string]*fetch{s.metrics, s.policies, s.hosts, s.versions, s.logs} { // details: counted in statusBusy
		for _, f := range m {
			if f.inFlight {
				n++
			}
		}
	}
	for _, f := range s.versionCounts {
		if f.inFlight {
			n++
		}
	}
	return n
}
