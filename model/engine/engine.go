// Package engine owns everything live for one organization: the API
// client, the scheduler, the deployments store and the catalog. It runs on
// its own goroutine (Run), plans for the union of what every attached view
// shows, applies each answer once, and publishes immutable snapshots with
// a version number and a change notice. Views never write to it: they
// attach (Attach) and send intents ("these rows are on my screen", "open
// this log stream", "refresh").
//
// The engine has no Bubble Tea and does no terminal output.
package engine

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/events"
)

// Config is what an Engine is built from. Client is required.
type Config struct {
	Client    *api.Client
	Scheduler model.SchedulerConfig // its PrivateFleets are the profile's
	// Now is the engine's clock (default time.Now); tests share the
	// simulator's fake clock.
	Now func() time.Time
	// Log receives the list pass's stop rule and similar debug lines.
	Log *slog.Logger
	// Sparks holds the deployments table's sparklines (default: a new
	// store of model.DefaultSparkRows).
	Sparks *model.SparkStore
	// Events is where the engine records what its polling observes (the
	// incident feed; default: a new log of events.DefaultCapacity). When
	// it holds events of a previous run (read back from its file), the
	// newest one's time is when this engine takes over: deployments
	// created since (while gapdeck was closed) are reported as appeared,
	// once; older ones were seen then.
	Events *events.Log
}

// journalSize bounds the results kept for views that have not pulled
// them; a view further behind gets the latest answer per key instead.
const journalSize = 4096

// Engine is the live data of one organization. Its methods are safe for
// concurrent use.
type Engine struct {
	client *api.Client
	now    func() time.Time
	log    *slog.Logger
	kick   chan struct{} // an intent changed what is due (buffered 1)
	done   chan Result   // answers of jobs Run started

	mu       sync.Mutex
	store    *model.Deployments
	sched    *model.Scheduler
	cat      *model.Catalog
	sparks   *model.SparkStore
	events   *events.Recorder
	views    []*View
	nextView int
	seq      uint64            // results applied
	journal  []Result          // the last results, oldest first
	latest   map[string]Result // the last result per Key, for views that fell behind
	version  uint64
	snap     *Snapshot // the current version's snapshot, built on demand
	closed   bool

	notices   []Notice // the last announcements, oldest first
	noticeSeq uint64

	capNoted map[model.JobKind]bool // watch reads capped, said once in the log
}

// New builds an engine. It does nothing until Run or Cycle.
func New(cfg Config) *Engine {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sparks := cfg.Sparks
	if sparks == nil {
		sparks = model.NewSparkStore(model.DefaultSparkRows)
	}
	evlog := cfg.Events
	if evlog == nil {
		evlog = events.NewLog(0)
	}
	started := now()
	if last, ok := evlog.Newest(); ok && last.At.Before(started) {
		started = last.At
	}
	store := model.NewDeployments()
	sched := model.NewScheduler(cfg.Scheduler, store)
	sched.SetInterests(nil)
	sched.SetSparks(sparks)
	return &Engine{
		client: cfg.Client, now: now, log: log,
		kick: make(chan struct{}, 1), done: make(chan Result, 64),
		store: store, sched: sched, cat: model.NewCatalog(cfg.Scheduler.PrivateFleets), sparks: sparks,
		events: events.NewRecorder(evlog, started),
		latest: map[string]Result{},
	}
}

// Client is the engine's API client (its health and budget are shared by
// every view).
func (e *Engine) Client() *api.Client { return e.client }

// Events is the incident feed the engine records into. It is safe to
// read from any goroutine.
func (e *Engine) Events() *events.Log { return e.events.Log() }

// Sparks is the sparkline store the engine fills.
func (e *Engine) Sparks() *model.SparkStore { return e.sparks }

// Run plans and fetches until ctx ends: each answer is applied as it
// arrives and the next plan follows at once; between answers it sleeps
// until the scheduler's wake time or an intent. When it returns, every
// job it started has answered.
func (e *Engine) Run(ctx context.Context) {
	inFlight := 0
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		jobs, wake := e.plan(e.now())
		for _, j := range jobs {
			inFlight++
			go func() { e.done <- fetch(ctx, e.client, e.now, j) }()
		}
		timer.Reset(sleepUntil(wake, e.now()))
		select {
		case r := <-e.done:
			inFlight--
			e.apply(r)
		case <-e.kick:
		case <-timer.C:
		case <-ctx.Done():
			for ; inFlight > 0; inFlight-- {
				<-e.done // the client returns at once on a cancelled ctx
			}
			e.close()
			return
		}
	}
}

// sleepUntil is how long Run sleeps for a wake time (none: a minute, the
// scheduler is re-asked anyway).
func sleepUntil(wake, now time.Time) time.Duration {
	if wake.IsZero() {
		return time.Minute
	}
	return max(wake.Sub(now), 10*time.Millisecond)
}

// Cycle plans what is due now, fetches it (concurrently) and applies the
// answers in plan order. It returns how many jobs ran and when the
// scheduler next expects work. Tests drive an engine with Cycle and a
// fake clock instead of Run; never use both on one engine.
func (e *Engine) Cycle(ctx context.Context) (jobs int, wake time.Time) {
	planned, wake := e.plan(e.now())
	results := make([]Result, len(planned))
	var wg sync.WaitGroup
	for i, j := range planned {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = fetch(ctx, e.client, e.now, j)
		}()
	}
	wg.Wait()
	for _, r := range results {
		e.apply(r)
	}
	return len(planned), wake
}

// plan asks the scheduler for due work.
func (e *Engine) plan(now time.Time) ([]model.Job, time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, time.Time{}
	}
	return e.sched.Plan(now, e.client)
}

// apply folds one answer into the store, the catalog and the scheduler,
// journals it and tells every view.
func (e *Engine) apply(r Result) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return
	}
	j := r.Job
	e.observeHealthLocked()
	if j.Kind == model.JobListPage && r.List != nil && !e.sched.Stale(j) {
		var stop api.PageStop
		r.ListMore, stop = e.sched.ListPage(j, r.List.PageInfo())
		if stop != "" {
			e.log.Debug("list pass ended", "path", "/v1/deployments", "page", j.Page, "rule", string(stop))
		}
	}
	var read *model.WatchRead
	if (j.Kind == model.JobErrorWatch || j.Kind == model.JobNewWatch) && r.List != nil {
		var stop api.PageStop
		read, r.ListMore, stop = e.sched.WatchPage(j, r.List, r.At)
		if read != nil {
			e.log.Debug("list watch read", "watch", j.Kind.String(), "pages", j.Page, "rows", len(read.Items),
				"new", len(read.New), "rule", string(stop))
			if read.Capped {
				e.noteCapped(j.Kind, r.List)
			} else {
				delete(e.capNoted, j.Kind) // the next time it is capped is news again
			}
		}
	}
	schedErr := r.Err
	if (j.Kind == model.JobFleets || j.Kind == model.JobPolicies) && api.IsNotFound(r.Err) {
		schedErr = nil // Smart Fleets deprecated: an answer, poll at the normal pace
	}
	if j.Kind == model.JobVersions && api.IsNotFound(r.Err) {
		schedErr = nil // the application is gone: an answer
	}
	if !e.sched.Finished(j, r.At, schedErr, r.ListMore) {
		return // a list page of a query no view asks for any more
	}
	switch j.Kind {
	case model.JobListPage, model.JobStatus:
		e.applyDeployments(r)
	case model.JobFleets:
		e.cat.ApplyFleets(r.Fleets, r.Err)
		e.events.ObserveFleets(r.Fleets, r.Err, r.At)
		e.sched.SetFleets(e.cat.FleetNames())
	case model.JobPolicies:
		e.cat.ApplyPolicies(j.Fleet, r.Policies, r.Err)
		e.events.ObservePolicies(j.Fleet, r.Policies, r.Err, r.At)
	case model.JobLogs:
		if r.Err == nil {
			e.events.ObserveLogs(j.ID, r.Logs, r.At)
		}
	case model.JobHosts:
		e.cat.ApplyHosts(j.Fleet, r.Hosts, r.Err)
	case model.JobLocations:
		e.cat.ApplyLocations(r.Locations, r.Err)
	case model.JobApps:
		e.cat.ApplyApps(r.Apps, r.Err)
		e.sched.SetApps(e.cat.AppNames())
	case model.JobVersions:
		e.cat.ApplyVersions(j.App, r.Versions, r.Err)
		if r.Err == nil {
			names := make([]string, len(r.Versions))
			for i, v := range r.Versions {
				names[i] = v.Name
			}
			e.sched.SetVersions(j.App, names)
		}
	case model.JobVersionCount:
		total := 0
		if r.List != nil {
			total = int(r.List.TotalCount)
		}
		e.cat.ApplyVersionCount(j.App, j.Version, total, r.Err)
	case model.JobErrorWatch, model.JobNewWatch:
		e.applyWatch(read)
	case model.JobMetrics:
		if j.Spark {
			if r.Err != nil {
				e.sparks.Fail(j.ID, r.At, r.Err)
			} else {
				e.sparks.Apply(j.ID, r.Metrics, r.At)
			}
		}
	}
	e.seq++
	r.Seq = e.seq
	if len(e.journal) >= journalSize {
		e.journal = append(make([]Result, 0, journalSize), e.journal[journalSize/2:]...)
	}
	e.journal = append(e.journal, r)
	e.trimJournalLocked()
	e.latest[Key(j)] = r
	e.changedLocked()
}

// trimJournalLocked drops the results every attached view has pulled (all
// of them with no view attached: a view attaching starts from the
// snapshot). Kept, a list page holds a hundred decoded deployments: a full
// journal of them was most of the heap at 50,000 deployments (issue 16).
func (e *Engine) trimJournalLocked() {
	seen := e.seq
	for _, v := range e.views {
		seen = min(seen, v.seen)
	}
	i := 0
	for i < len(e.journal) && e.journal[i].Seq <= seen {
		i++
	}
	if i > 0 {
		e.journal = slices.Delete(e.journal, 0, i) // zeroes what it drops
	}
}

// forgetLocked drops the latest results kept for deployment id, gone from
// the store: without it they would pile up as deployments come and go.
// (The detail's metric windows, one deployment at a time, stay.)
func (e *Engine) forgetLocked(id string) {
	for _, k := range []model.Job{{Kind: model.JobStatus, ID: id}, {Kind: model.JobLogs, ID: id}, {Kind: model.JobMetrics, ID: id, Spark: true}} {
		delete(e.latest, Key(k))
	}
}

// applyDeployments folds a list page or a status answer into the store.
func (e *Engine) applyDeployments(r Result) {
	j := r.Job
	switch {
	case j.Kind == model.JobListPage && r.Err == nil:
		if j.Page == 1 {
			e.store.BeginCycle()
		}
		e.store.ApplyList(r.List.Data, r.At)
		e.events.ObserveListed(r.List.Data, r.At)
		if !r.ListMore {
			for _, rm := range e.store.EndCycleRemovals() {
				if rm.Reason != model.RemovedQuery {
					e.forgetLocked(rm.ID)
				}
				switch rm.Reason {
				case model.RemovedEnded:
					e.events.ObserveGone(rm.ID, "ended ("+rm.Status.Name()+" last seen)", r.At)
				case model.RemovedUnlisted:
					e.events.ObserveGone(rm.ID, "no longer listed in two passes", r.At)
				} // RemovedQuery: only out of the pushed-down query, not gone
			}
		}
	case j.Kind != model.JobStatus:
	case api.IsNotFound(r.Err):
		e.store.MarkGone(j.ID)
		e.forgetLocked(j.ID)
		e.events.ObserveGone(j.ID, "its status answered 404", r.At)
	case r.Err != nil:
		if reason, ok := api.StatusUnusable(r.Err); ok {
			e.store.MarkStatusProblem(j.ID, reason, r.At)
		}
	default:
		e.store.ApplyStatus(r.Status, r.At)
		e.events.ObserveStatus(j.ID, r.Status, r.At)
	}
}

// applyWatch feeds a complete read of the list watch to the incident
// feed. Its rows stay out of the store: the list pass shows them in its
// own time, and the event is what matters now.
func (e *Engine) applyWatch(read *model.WatchRead) {
	switch {
	case read == nil:
	case read.Kind == model.JobErrorWatch:
		e.events.ObserveListedStatus(read.Items, api.StatusError, read.At, read.Prev)
	default:
		e.events.ObserveListed(read.Items, read.At)
	}
}

// noteCapped says once in the debug log that a watch read stopped at its
// page ceiling (Snapshot.Watches says so while it lasts).
func (e *Engine) noteCapped(k model.JobKind, last *api.DeploymentList) {
	if e.capNoted[k] {
		return
	}
	if e.capNoted == nil {
		e.capNoted = map[model.JobKind]bool{}
	}
	e.capNoted[k] = true
	e.log.Debug("list watch read stopped at its page ceiling; older rows are left to the full list pass",
		"watch", k.String(), "total_count", int(last.TotalCount))
}

// observeHealthLocked records the API's health after an answer; the
// client's 429 count is read only while rate limiting lasts.
func (e *Engine) observeHealthLocked() {
	h := e.client.Health()
	n := int64(-1)
	if h.State == api.HealthRateLimited || e.events.Storming() {
		n = e.client.Stats().RateLimited
	}
	e.events.ObserveHealth(h, n, e.now())
}

// changedLocked starts a new version and tells every view.
func (e *Engine) changedLocked() {
	e.version++
	e.snap = nil
	for _, v := range e.views {
		select {
		case v.notice <- struct{}{}:
		default: // a notice is already waiting: the view pulls everything
		}
	}
}

// wakeRun makes Run plan again now (an intent changed what is due).
func (e *Engine) wakeRun() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

// close stops the engine: no more plans or answers; views see Closed.
func (e *Engine) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closed = true
	e.changedLocked()
}

// Snapshot is the engine's data at one version. It never changes.
type Snapshot struct {
	Version     uint64
	Deployments model.DeploymentsSnapshot
	Catalog     *model.Catalog // do not modify
	// NextRetry is the earliest retry of a failed fetch of what the views
	// show (zero: none waiting).
	NextRetry time.Time
	// InFlight is how many planned jobs have not answered.
	InFlight int
	// Closed: the engine stopped (its context ended); nothing more comes.
	Closed bool
	// People are the attached viewers with an identity, first attached
	// first.
	People []Presence
	// Watches are the ERROR and new-deployment watch reads of the list
	// (when they last read, how many rows, whether a read was capped at
	// its page ceiling, failures).
	Watches []model.WatchInfo
	// ListPause is the pause before the next full list pass: a large
	// organization's pass earns a longer one (the list is older between
	// passes without being stale).
	ListPause time.Duration
}

// snapshotLocked is the current version's snapshot.
func (e *Engine) snapshotLocked() *Snapshot {
	if e.snap == nil {
		s := &Snapshot{
			Version: e.version, Deployments: e.store.Snapshot(), Catalog: e.cat.Clone(),
			InFlight: e.sched.InFlight(), Closed: e.closed, Watches: e.sched.Watches(),
			ListPause: e.sched.ListPause(),
		}
		if t, ok := e.sched.NextRetry(e.now()); ok {
			s.NextRetry = t
		}
		for _, v := range e.views {
			if v.name != "" {
				s.People = append(s.People, Presence{ViewID: v.id, Name: v.name, Role: v.role, Since: v.since, Where: v.interest.View})
			}
		}
		e.snap = s
	}
	return e.snap
}

// Snapshot is the current data.
func (e *Engine) Snapshot() *Snapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.snapshotLocked()
}

// resultsSinceLocked are the results after seq, and whether the journal
// no longer reaches back that far (then: the latest result per key).
func (e *Engine) resultsSinceLocked(seq uint64) ([]Result, bool) {
	if seq >= e.seq {
		return nil, false
	}
	if len(e.journal) > 0 && e.journal[0].Seq <= seq+1 {
		i, _ := slices.BinarySearchFunc(e.journal, seq+1, func(r Result, s uint64) int {
			switch {
			case r.Seq < s:
				return -1
			case r.Seq > s:
				return 1
			}
			return 0
		})
		return slices.Clone(e.journal[i:]), false
	}
	out := make([]Result, 0, len(e.latest))
	for _, r := range e.latest {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Result) int { return int(a.Seq) - int(b.Seq) })
	return out, true
}

// interestsChangedLocked gives the scheduler the union of what the views
// show, and the list query they agree on.
func (e *Engine) interestsChangedLocked() {
	var ins []model.Interest
	var visible []string
	seen := map[string]bool{}
	var query *model.Filter
	agree := true
	for _, v := range e.views {
		if v.hasInterest {
			ins = append(ins, v.interest)
		}
		for _, id := range v.visible {
			if !seen[id] {
				seen[id] = true
				visible = append(visible, id)
			}
		}
		if in := v.interest.View; in == model.ViewDeployments || in == model.ViewLocations || in == model.ViewVersions {
			f := v.filter
			if in == model.ViewVersions {
				f = model.Filter{} // a version's page counts every deployment of the version
			}
			switch {
			case query == nil:
				query = &f
			case query.PushKey() != f.PushKey():
				agree = false
			}
		}
	}
	if !slices.Equal(ins, e.sched.Interests()) {
		e.sched.SetInterests(ins)
	}
	e.sched.SetVisible(visible)
	var push model.Filter
	if agree && query != nil {
		push = *query
	}
	e.store.SetPushdown(push)
	e.sched.SetQuery(push.DeploymentQuery())
	e.wakeRun()
}

// Schedule is what the engine polls for: diagnostics for a status line
// and for tests.
type Schedule struct {
	Interests []model.Interest // every attached view's, in attach order
	Watched   []string         // deployments followed in every view
	Gen       uint64           // the scheduler's generation (moves when interests or the query change)
	InFlight  int              // planned jobs not answered
}

// View is the first interest's view and argument (the only one with one
// view attached).
func (s Schedule) View() (model.View, string) {
	if len(s.Interests) == 0 {
		return model.ViewDeployments, ""
	}
	return s.Interests[0].View, s.Interests[0].Arg
}

// Window is the first interest's metrics window.
func (s Schedule) Window() model.MetricsWindow {
	if len(s.Interests) == 0 {
		return model.MetricsWindow{}
	}
	return s.Interests[0].Window
}

// Schedule is what the engine polls for now.
func (e *Engine) Schedule() Schedule {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Schedule{Interests: e.sched.Interests(), Watched: e.sched.Watched(), Gen: e.sched.Gen(), InFlight: e.sched.InFlight()}
}
