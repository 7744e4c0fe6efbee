package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// budget is a fixed Budget.
type budget map[api.Group]int

func (b budget) Available(g api.Group) int { return b[g] }

// plenty lets every group start 100 requests.
var plenty = budget{api.GroupList: 100, api.GroupStatus: 100, api.GroupFleets: 100, api.GroupLocations: 100, api.GroupHosts: 100, api.GroupLogs: 100, api.GroupMetrics: 100, api.GroupApps: 100}

var errBoom = errors.New("boom")

func describe(jobs []Job) string {
	var out []string
	for _, j := range jobs {
		s := j.Kind.String()
		switch j.Kind {
		case JobListPage:
			s += fmt.Sprintf("#%d", j.Page)
		case JobStatus, JobLogs, JobMetrics:
			s += ":" + j.ID
		case JobPolicies, JobHosts:
			s += ":" + j.Fleet
		case JobVersions:
			s += ":" + j.App
		case JobVersionCount:
			s += ":" + j.App + "/" + j.Version
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// storeWith lists ids (newest first) and enriches the given ones at the
// given times.
func storeWith(ids []string, enrichedAt map[string]time.Time) *Deployments {
	d := NewDeployments()
	d.BeginCycle()
	for i, id := range ids {
		d.ApplyList([]api.Deployment{listItem(id, time.Duration(i)*time.Second)}, t0.Add(-time.Hour))
	}
	for id, at := range enrichedAt {
		r, _ := d.Get(id)
		d.ApplyStatus(statusOf(api.Deployment{RequestID: id, StartTime: api.V1Time(r.Started)}, api.StatusReady, "a", "v", "c"), at)
	}
	return d
}

func TestSchedulerReadsListPagesOneAtATimeAndPausesBetweenPasses(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
	jobs, _ := s.Plan(t0, plenty)
	if describe(jobs) != "list#1" {
		t.Fatalf("plan %q", describe(jobs))
	}
	j := jobs[0]
	q, _ := json.Marshal(j.Query)
	if j.Limit != 100 || string(q) != `{"order_by":[{"field":"created_at","order":"desc"}]}` {
		t.Fatalf("job %+v query %s", j, q)
	}
	if jobs, wake := s.Plan(t0, plenty); len(jobs) != 0 || !wake.IsZero() {
		t.Fatalf("planned %q while page 1 is in flight (wake %v)", describe(jobs), wake)
	}
	if !s.Finished(j, t0.Add(time.Second), nil, true) {
		t.Fatal("page 1 stale")
	}
	jobs, _ = s.Plan(t0.Add(time.Second), plenty)
	if describe(jobs) != "list#2" {
		t.Fatalf("plan %q", describe(jobs))
	}
	s.Finished(jobs[0], t0.Add(2*time.Second), nil, false)
	jobs, wake := s.Plan(t0.Add(2*time.Second), plenty)
	if len(jobs) != 0 || !wake.Equal(t0.Add(4*time.Second)) {
		t.Fatalf("plan %q wake %v, want the next pass ListInterval after the last", describe(jobs), wake)
	}
	if jobs, _ := s.Plan(t0.Add(4*time.Second), plenty); describe(jobs) != "list#1" {
		t.Fatalf("plan %q", describe(jobs))
	}
}

func TestSchedulerKeepsToTheUserQueryOrder(t *testing.T) {
	s := NewScheduler(SchedulerConfig{PageSize: 50, ListWatchInterval: -1}, NewDeployments())
	s.SetQuery(&api.DeploymentQuery{
		Filters: []api.QueryFilter{{Field: "status", Operator: "eq", Value: "ready"}},
		OrderBy: []api.QueryOrder{{Field: "created_at", Order: "asc"}},
	})
	jobs, _ := s.Plan(t0, plenty)
	q, _ := json.Marshal(jobs[0].Query)
	if jobs[0].Limit != 50 || string(q) != `{"filters":[{"field":"status","operator":"eq","value":"ready"}],"order_by":[{"field":"created_at","order":"asc"}]}` {
		t.Fatalf("query %s", q)
	}
}

func TestSchedulerSetQueryRestartsThePassAndDropsStalePages(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
	jobs, _ := s.Plan(t0, plenty)
	s.Finished(jobs[0], t0, nil, true)
	jobs, _ = s.Plan(t0, plenty)
	page2 := jobs[0]
	gen := s.Gen()
	q := mustParse(t, "status:err").DeploymentQuery()
	s.SetQuery(q)
	if s.Gen() == gen {
		t.Fatal("SetQuery did not bump the generation")
	}
	if jobs, _ := s.Plan(t0, plenty); len(jobs) != 0 {
		t.Fatalf("a new page overlaps the one in flight: %q", describe(jobs))
	}
	if !s.Stale(page2) || s.Finished(page2, t0, nil, true) {
		t.Fatal("a page of the old query is fresh")
	}
	jobs, _ = s.Plan(t0, plenty)
	if describe(jobs) != "list#1" || jobs[0].Query.Filters[0].Value != "error" || s.Stale(jobs[0]) {
		t.Fatalf("plan %q %+v", describe(jobs), jobs)
	}
	gen = s.Gen()
	s.SetQuery(mustParse(t, "status:err").DeploymentQuery())
	if s.Gen() != gen {
		t.Fatal("an unchanged query bumped the generation")
	}
}

func TestSchedulerFetchesOnlyTheActiveView(t *testing.T) {
	cfg := SchedulerConfig{PrivateFleets: []string{"alpha", "beta"}, ListWatchInterval: -1} // the list watch: listwatch_test.go
	cases := []struct {
		view View
		arg  string
		want string
	}{
		{ViewDeployments, "", "list#1 status:d0"},
		{ViewLocations, "", "list#1 status:d0 locations"},
		{ViewFleets, "", "fleets policies:f1 policies:f2 hosts:alpha hosts:beta"},
		{ViewPolicies, "", "fleets policies:f1 policies:f2"},
		{ViewPolicies, "f2", "policies:f2"},
		{ViewHosts, "", "hosts:alpha hosts:beta"},
		{ViewHosts, "beta", "hosts:beta"},
		{ViewDetail, "d0", "status:d0 metrics:d0"},
	}
	for _, c := range cases {
		s := NewScheduler(cfg, storeWith([]string{"d0"}, nil))
		s.SetFleets([]string{"f1", "f2"})
		gen := s.Gen()
		s.SetView(c.view, c.arg)
		if s.Gen() == gen {
			t.Errorf("%v: SetView did not bump the generation", c.view)
		}
		if v, arg := s.View(); v != c.view || arg != c.arg {
			t.Errorf("View() = %v %q", v, arg)
		}
		jobs, _ := s.Plan(t0, plenty)
		if got := describe(jobs); got != c.want {
			t.Errorf("%v %q: plan %q, want %q", c.view, c.arg, got, c.want)
		}
		for _, j := range jobs {
			if j.Gen != s.Gen() {
				t.Errorf("job %v planned with generation %d, current %d", j.Kind, j.Gen, s.Gen())
			}
		}
	}
}

func TestSchedulerStatusPriority(t *testing.T) {
	ids := []string{"v1", "v2", "v3", "v4", "b1", "b2", "b3", "b4", "b5"}
	now := t0
	store := storeWith(ids, map[string]time.Time{
		"v1": now.Add(-30 * time.Second), // visible, stale
		"v2": now.Add(-5 * time.Second),  // visible, fresh
		"v4": now.Add(-20 * time.Second), // visible, staler than v1? no: 20 < 30
		"b1": now.Add(-90 * time.Second), // background, past BackgroundInterval
		"b2": now.Add(-30 * time.Second), // background, fresh enough
		"b5": now.Add(-120 * time.Second),
	})
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, store)
	s.SetView(ViewDeployments, "")
	s.SetVisible([]string{"v4", "v3", "v2", "v1"})
	st := budget{api.GroupStatus: 100}
	jobs, _ := s.Plan(now, st)
	// Visible: never enriched (v3), then oldest (v1, v4); v2 is fresh.
	// Background: never enriched in store order (b3, b4), then the oldest
	// past BackgroundInterval (b5, b1); b2 is fresh enough.
	if got := describe(jobs); got != "status:v3 status:v1 status:v4 status:b3 status:b4 status:b5 status:b1" {
		t.Fatalf("plan %q", got)
	}
}

func TestSchedulerPlansInsideTheBudgetAndNeverTwiceInFlight(t *testing.T) {
	var ids []string
	for i := range 20 {
		ids = append(ids, fmt.Sprintf("d%02d", i))
	}
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, storeWith(ids, nil))
	s.SetVisible(ids[:5])
	b := budget{api.GroupStatus: 3, api.GroupList: 0}
	seen := map[string]bool{}
	now := t0
	for round := range 4 {
		jobs, wake := s.Plan(now, b)
		if len(jobs) != 3 {
			t.Fatalf("round %d: %d jobs for a budget of 3: %q", round, len(jobs), describe(jobs))
		}
		for _, j := range jobs {
			if seen[j.ID] {
				t.Fatalf("%s planned while in flight", j.ID)
			}
			seen[j.ID] = true
		}
		if !wake.Equal(now.Add(budgetRecheck)) {
			t.Fatalf("wake %v: due work without budget should re-plan soon", wake)
		}
		// Jobs planned a moment ago may not hold their token yet: they
		// still count against the budget.
		if jobs, _ := s.Plan(now.Add(startGrace-time.Millisecond), b); len(jobs) != 0 {
			t.Fatalf("round %d: planned %q over jobs that may not have started", round, describe(jobs))
		}
		now = now.Add(startGrace)
	}
	if s.InFlight() != 12 {
		t.Fatalf("InFlight %d", s.InFlight())
	}
	if jobs, _ := s.Plan(now, budget{}); len(jobs) != 0 {
		t.Fatal("planned without budget")
	}
}

func TestSchedulerBacksOffAndRetries(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, storeWith([]string{"a", "b"}, nil))
	s.SetVisible([]string{"a", "b"})
	now := t0
	jobs, _ := s.Plan(now, plenty)
	if describe(jobs) != "list#1 status:a status:b" {
		t.Fatalf("plan %q", describe(jobs))
	}
	rateLimited := &api.APIError{StatusCode: http.StatusTooManyRequests}
	s.Finished(jobs[0], now, rateLimited, false)
	s.Finished(jobs[1], now, errBoom, false)
	s.Finished(jobs[2], now, &api.APIError{StatusCode: http.StatusNotFound}, false)
	if retry, ok := s.NextRetry(now); !ok || !retry.Equal(now.Add(2*time.Second)) {
		t.Fatalf("NextRetry %v %v", retry, ok)
	}
	// b answered 404: the UI drops it (MarkGone); nothing retries it.
	s.store.MarkGone("b")
	jobs, wake := s.Plan(now.Add(time.Second), plenty)
	if len(jobs) != 0 || !wake.Equal(now.Add(2*time.Second)) {
		t.Fatalf("plan %q wake %v during the backoff", describe(jobs), wake)
	}
	now = now.Add(2 * time.Second)
	jobs, _ = s.Plan(now, plenty)
	if describe(jobs) != "list#1 status:a" {
		t.Fatalf("plan %q after the backoff", describe(jobs))
	}
	s.Finished(jobs[0], now, errBoom, false)
	if retry, _ := s.NextRetry(now); !retry.Equal(now.Add(4 * time.Second)) {
		t.Fatalf("second backoff until %v", retry)
	}
	s.Finished(jobs[1], now, nil, false)
	for range 10 {
		now = now.Add(time.Minute)
		jobs, _ := s.Plan(now, budget{api.GroupList: 1})
		s.Finished(jobs[0], now, errBoom, false)
	}
	if retry, _ := s.NextRetry(now); retry.Sub(now) != 30*time.Second {
		t.Fatalf("backoff is not capped at 30s: %v", retry.Sub(now))
	}
	s.Refresh()
	if jobs, _ := s.Plan(now, plenty); describe(jobs) != "list#1 status:a" {
		t.Fatalf("Refresh did not retry at once: %q", describe(jobs))
	}
}

func TestSchedulerRefreshMakesTheActiveViewDue(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, storeWith([]string{"a"}, map[string]time.Time{"a": t0}))
	s.SetVisible([]string{"a"})
	s.SetView(ViewLocations, "")
	now := t0.Add(time.Second)
	jobs, _ := s.Plan(now, plenty)
	if describe(jobs) != "list#1 locations" {
		t.Fatalf("plan %q", describe(jobs))
	}
	s.Finished(jobs[0], now, nil, false)
	s.Finished(jobs[1], now, nil, false)
	if jobs, wake := s.Plan(now, plenty); len(jobs) != 0 || !wake.Equal(now.Add(2*time.Second)) {
		t.Fatalf("plan %q wake %v", describe(jobs), wake)
	}
	s.Refresh()
	jobs, _ = s.Plan(now, plenty)
	if got := describe(jobs); got != "list#1 status:a locations" {
		t.Fatalf("after Refresh: %q", got)
	}
}

func TestSchedulerWakesWhenTheNextFetchIsDue(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, storeWith([]string{"a", "b"}, map[string]time.Time{"a": t0, "b": t0}))
	s.SetVisible([]string{"a"})
	jobs, _ := s.Plan(t0, plenty)
	s.Finished(jobs[0], t0, nil, false) // the list pass ends at t0
	_, wake := s.Plan(t0.Add(time.Second), plenty)
	if !wake.Equal(t0.Add(2 * time.Second)) {
		t.Fatalf("wake %v, want the next list pass", wake)
	}
	s.SetView(ViewFleets, "")
	jobs, _ = s.Plan(t0, plenty)
	for _, j := range jobs {
		s.Finished(j, t0, nil, false)
	}
	if _, wake := s.Plan(t0, plenty); !wake.Equal(t0.Add(DefaultCatalogInterval)) {
		t.Fatalf("wake %v, want the catalog interval", wake)
	}
	// Visible rows are due StatusInterval after their status.
	s.SetView(ViewDeployments, "")
	s.cfg.ListInterval = time.Hour
	if _, wake := s.Plan(t0.Add(3*time.Second), plenty); !wake.Equal(t0.Add(DefaultStatusInterval)) {
		t.Fatalf("wake %v, want a's status refresh", wake)
	}
}

func TestSchedulerDetail(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
	s.SetView(ViewDetail, "x")
	jobs, _ := s.Plan(t0, plenty)
	if describe(jobs) != "status:x metrics:x" {
		t.Fatalf("plan %q", describe(jobs))
	}
	if jobs, _ := s.Plan(t0, plenty); len(jobs) != 0 {
		t.Fatal("the detail status was planned twice")
	}
	for _, j := range jobs {
		s.Finished(j, t0, nil, false)
	}
	jobs, wake := s.Plan(t0.Add(time.Second), plenty)
	if len(jobs) != 0 || !wake.Equal(t0.Add(3*time.Second)) {
		t.Fatalf("plan %q wake %v", describe(jobs), wake)
	}
	// The metrics panel refreshes at its own pace.
	if jobs, _ := s.Plan(t0.Add(DefaultMetricsInterval), plenty); describe(jobs) != "status:x metrics:x" {
		t.Fatalf("plan %q", describe(jobs))
	}
	// Another deployment: due at once.
	s.SetView(ViewDetail, "y")
	if jobs, _ := s.Plan(t0.Add(time.Second), plenty); describe(jobs) != "status:y metrics:y" {
		t.Fatalf("plan %q", describe(jobs))
	}
}

func TestSchedulerSetFleetsForgetsRemovedFleets(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
	s.SetView(ViewPolicies, "")
	s.SetFleets([]string{"a", "b"})
	jobs, _ := s.Plan(t0, plenty)
	if describe(jobs) != "fleets policies:a policies:b" {
		t.Fatalf("plan %q", describe(jobs))
	}
	s.SetFleets([]string{"b"})
	if len(s.policies) != 1 {
		t.Fatalf("policies of removed fleets kept: %v", s.policies)
	}
	for _, j := range jobs {
		s.Finished(j, t0, nil, false) // a's answer after its removal is harmless
	}
}

func TestJobGroups(t *testing.T) {
	want := map[JobKind]api.Group{
		JobListPage: api.GroupList, JobStatus: api.GroupStatus, JobFleets: api.GroupFleets,
		JobPolicies: api.GroupFleets, JobLocations: api.GroupLocations, JobHosts: api.GroupHosts,
	}
	kinds := make([]int, 0, len(want))
	for k, g := range want {
		kinds = append(kinds, int(k))
		if got := (Job{Kind: k}).Group(); got != g {
			t.Errorf("%v: group %q, want %q", k, got, g)
		}
	}
	sort.Ints(kinds)
	if !slices.Equal(kinds, []int{0, 1, 2, 3, 4, 5}) || ViewDetail.String() != "detail" || JobHosts.String() != "hosts" {
		t.Fatal("kinds")
	}
}

// The list pass follows the same pager rules as every list: the vendor's
// example (has_next true on its only page, next_page_number 1) ends the
// pass after page 1; the next pass waits ListInterval.
func TestSchedulerListPassEndsByThePagerRules(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
	one := api.Int(1)
	vendor := api.PageInfo{Rows: 1, TotalCount: 1, Pagination: &api.Pagination{
		Number: 1, NextPageNumber: &one, Paginator: api.Paginator{NumPages: 1}, HasNext: true}}
	jobs, _ := s.Plan(t0, plenty)
	if describe(jobs) != "list#1" {
		t.Fatalf("plan %q", describe(jobs))
	}
	more, stop := s.ListPage(jobs[0], vendor)
	if more || stop != api.StopNoNext {
		t.Fatalf("more %v, stop %q; want the pass ended by next_page_number", more, stop)
	}
	s.Finished(jobs[0], t0, nil, more)
	if jobs, _ := s.Plan(t0.Add(time.Second), plenty); len(jobs) != 0 {
		t.Fatalf("planned %q 1 s after the pass ended", describe(jobs))
	}
	if jobs, _ := s.Plan(t0.Add(3*time.Second), plenty); describe(jobs) != "list#1" {
		t.Fatalf("plan %q after ListInterval, want a new pass from page 1", describe(jobs))
	}
}

// A pass of many pages earns a pause as long as it took (at most
// maxListPause) before the next: read back to back, a large
// organization's passes would spend the list budget all the time.
func TestSchedulerLongPassPausesAsLong(t *testing.T) {
	for _, tc := range []struct {
		pages int
		each  time.Duration
		pause time.Duration
	}{
		{1, 0, DefaultListInterval},             // one page: the interval
		{10, 2 * time.Second, 18 * time.Second}, // page 1 at 0, the last answered at 18 s
		{100, 2 * time.Second, maxListPause},    // 198 s: capped
	} {
		s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
		now := t0
		for page := 1; page <= tc.pages; page++ {
			jobs, _ := s.Plan(now, plenty)
			if want := fmt.Sprintf("list#%d", page); describe(jobs) != want {
				t.Fatalf("%d pages: plan %q at page %d, want %s", tc.pages, describe(jobs), page, want)
			}
			more := page < tc.pages
			s.ListPage(jobs[0], api.PageInfo{Rows: 100, TotalCount: 100 * tc.pages, Pagination: &api.Pagination{Number: api.Int(page), HasNext: more}})
			if page > 1 || tc.pages == 1 {
				now = now.Add(tc.each)
			}
			s.Finished(jobs[0], now, nil, more)
		}
		if jobs, _ := s.Plan(now.Add(tc.pause-time.Millisecond), plenty); len(jobs) != 0 {
			t.Fatalf("%d pages of %s: planned %q %s after the pass ended, before its pause %s", tc.pages, tc.each, describe(jobs), tc.pause-time.Millisecond, tc.pause)
		}
		if jobs, _ := s.Plan(now.Add(tc.pause), plenty); describe(jobs) != "list#1" {
			t.Fatalf("%d pages of %s: plan %q %s after the pass, want a new pass", tc.pages, tc.each, describe(jobs), tc.pause)
		}
	}
}
