package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// watchPage is a page of n rows of a list of total, ids prefix-<i>.
func watchPage(prefix string, page, n, total int) *api.DeploymentList {
	l := &api.DeploymentList{TotalCount: api.Int(total)}
	for i := range n {
		l.Data = append(l.Data, listItem(fmt.Sprintf("%s-%d", prefix, (page-1)*100+i), time.Duration(i)*time.Second))
	}
	pages := max(1, (total+99)/100)
	l.Pagination.Number = api.Int(page)
	l.Pagination.Paginator.NumPages = api.Int(pages)
	if page < pages {
		next := api.Int(page + 1)
		l.Pagination.HasNext, l.Pagination.NextPageNumber = true, &next
	}
	return l
}

func kinds(jobs []Job, k JobKind) []Job {
	return slices.DeleteFunc(slices.Clone(jobs), func(j Job) bool { return j.Kind != k })
}

// With no view the watch still reads, ERROR first; with the Deployments
// view and one list token, the watch takes it and the pass waits.
func TestListWatchRunsFirstInEveryView(t *testing.T) {
	s := NewScheduler(SchedulerConfig{}, NewDeployments())
	s.SetInterests(nil)
	jobs, _ := s.Plan(t0, plenty)
	if got := describe(jobs); got != "error-watch new-watch" {
		t.Fatalf("no view: plan %q, want the two watch reads", got)
	}
	q, _ := json.Marshal(jobs[0].Query)
	if want := `{"filters":[{"field":"status","operator":"eq","value":"error"}],"order_by":[{"field":"created_at","order":"desc"}]}`; string(q) != want {
		t.Errorf("ERROR watch query %s, want %s", q, want)
	}

	s = NewScheduler(SchedulerConfig{}, NewDeployments())
	jobs, _ = s.Plan(t0, budget{api.GroupList: 1, api.GroupStatus: 10})
	if got := describe(jobs); got != "error-watch" {
		t.Errorf("one list token: plan %q, want the ERROR watch first", got)
	}
}

// A read goes page after page to the pager's end or the ceiling; it is
// handed back whole, the baseline with nothing new, the next with what it
// did not show before, whose status is then asked before any other.
func TestListWatchReadsPagesAndPrioritizesWhatIsNew(t *testing.T) {
	s := NewScheduler(SchedulerConfig{}, storeWith([]string{"v0", "v1"}, nil))
	s.SetVisible([]string{"v0", "v1"})
	now := t0
	readErrors := func(total int, prefix string) *WatchRead {
		t.Helper()
		var read *WatchRead
		for page := 1; ; page++ {
			jobs, _ := s.Plan(now, plenty)
			w := kinds(jobs, JobErrorWatch)
			if len(w) != 1 || w[0].Page != page {
				t.Fatalf("page %d: plan %q", page, describe(jobs))
			}
			for _, j := range jobs {
				if j.Kind != JobErrorWatch {
					s.Finished(j, now, errBoom, false) // only the watch matters here
				}
			}
			r, more, _ := s.WatchPage(w[0], watchPage(prefix, page, min(100, total-(page-1)*100), total), now)
			s.Finished(w[0], now, nil, more)
			if !more {
				read = r
				break
			}
		}
		return read
	}
	base := readErrors(150, "e")
	if base == nil || len(base.Items) != 150 || len(base.New) != 0 || !base.Prev.IsZero() {
		t.Fatalf("baseline %+v, want 150 rows and nothing new", base)
	}
	jobs, wake := s.Plan(now, plenty)
	if len(kinds(jobs, JobErrorWatch)) != 0 || wake.After(now.Add(DefaultListWatchInterval)) {
		t.Errorf("right after a read: plan %q, wake %v", describe(jobs), wake)
	}
	now = now.Add(DefaultListWatchInterval)
	next := readErrors(150, "f") // another 150: all new
	if len(next.New) != 150 || !next.Prev.Equal(t0) {
		t.Fatalf("second read: %d new, prev %v", len(next.New), next.Prev)
	}
	if got := s.Urgent(); len(got) != maxUrgent || got[0] != "f-0" {
		t.Errorf("urgent %d ids starting %v, want the first %d noticed", len(got), got[:1], maxUrgent)
	}
	if got := s.Watches()[0].Unqueued; got != 150-maxUrgent {
		t.Errorf("%d noticed ids said unqueued, want %d", got, 150-maxUrgent)
	}
	jobs, _ = s.Plan(now, budget{api.GroupStatus: 3})
	if got := describe(jobs); got != "status:f-0 status:f-1 status:f-2" {
		t.Errorf("status plan %q, want the noticed ones before the rows on screen", got)
	}
	for _, j := range jobs {
		s.Finished(j, now, nil, false)
	}
	if got := s.Urgent(); len(got) != maxUrgent-3 {
		t.Errorf("%d urgent after 3 answers, want %d", len(got), maxUrgent-3)
	}
	// 1,500 in ERROR: the read stops at the ceiling and says so.
	now = now.Add(DefaultListWatchInterval + time.Minute)
	readErrors(1500, "g")
	if w := s.Watches()[0]; !w.Capped || w.Rows != MaxErrorWatchPages*100 || w.Total != 1500 {
		t.Errorf("capped read: %+v", w)
	}
}

// The new-deployment watch reads one page for its baseline, then asks for
// what was created since the newest it saw.
func TestNewWatchFollowsTheWatermark(t *testing.T) {
	s := NewScheduler(SchedulerConfig{}, NewDeployments())
	s.SetInterests(nil)
	jobs, _ := s.Plan(t0, plenty)
	nw := kinds(jobs, JobNewWatch)[0]
	if len(nw.Query.Filters) != 0 {
		t.Fatalf("baseline query %+v", nw.Query)
	}
	page := watchPage("n", 1, 100, 5000)
	read, more, stop := s.WatchPage(nw, page, t0)
	if more || read == nil || stop != api.StopPageCap || read.Capped {
		t.Fatalf("baseline: more %v, stop %q, read %+v", more, stop, read)
	}
	s.Finished(nw, t0, nil, false)
	newest := page.Data[0].StartTime
	for _, d := range page.Data {
		if d.StartTime.After(newest.Time) {
			newest = d.StartTime
		}
	}
	jobs, _ = s.Plan(t0.Add(DefaultListWatchInterval), plenty)
	nw = kinds(jobs, JobNewWatch)[0]
	if f := nw.Query.Filters; len(f) != 1 || f[0].Field != api.FieldCreatedAt || f[0].Operator != api.OpGte || f[0].Value != newest.String() {
		t.Errorf("next query %+v, want created_at gte %s", nw.Query, newest)
	}
}

// A failed watch page backs off and starts its read again from page 1.
func TestListWatchBacksOffAfterAFailure(t *testing.T) {
	s := NewScheduler(SchedulerConfig{}, NewDeployments())
	s.SetInterests(nil)
	now := t0
	for i, want := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second} {
		jobs, _ := s.Plan(now, plenty)
		ew := kinds(jobs, JobErrorWatch)
		if len(ew) != 1 || ew[0].Page != 1 {
			t.Fatalf("attempt %d: plan %q", i, describe(jobs))
		}
		for _, j := range jobs {
			s.Finished(j, now, errBoom, false)
		}
		if w := s.Watches()[0]; w.Fails != i+1 || !w.Retry.Equal(now.Add(want)) {
			t.Errorf("after failure %d: %+v, want a retry in %v", i+1, w, want)
		}
		if jobs, _ := s.Plan(now.Add(want-time.Millisecond), plenty); len(kinds(jobs, JobErrorWatch)) != 0 {
			t.Errorf("after failure %d: asked again before the backoff", i+1)
		}
		now = now.Add(want)
	}
}

// recovering is a budget whose API recovers when told.
type recovering struct {
	budget
	n uint64
}

func (r *recovering) Recoveries() uint64 { return r.n }

// One endpoint failing on its own while the watch answers makes the API
// look down and back again and again: a recovery resets every backoff at
// most once a minute, so the failing fetch keeps backing off.
func TestRecoveriesResetBackoffsAtMostOnceAMinute(t *testing.T) {
	s := NewScheduler(SchedulerConfig{ListWatchInterval: -1}, NewDeployments())
	s.SetView(ViewFleets, "")
	b := &recovering{budget: plenty}
	now := t0
	fail := func() {
		t.Helper()
		jobs, _ := s.Plan(now, b)
		fleets := slices.ContainsFunc(jobs, func(j Job) bool { return j.Kind == JobFleets })
		for _, j := range jobs {
			s.Finished(j, now, errBoom, false)
		}
		if !fleets {
			t.Fatalf("fleets not asked at %v: plan %q", now.Sub(t0), describe(jobs))
		}
	}
	fail()
	b.n++ // the API is back: the fleets are due at once
	fail()
	b.n++ // back again 0 s later: the backoff (2 s) stands
	if jobs, _ := s.Plan(now, b); slices.ContainsFunc(jobs, func(j Job) bool { return j.Kind == JobFleets }) {
		t.Errorf("a second recovery within a minute reset the backoff: plan %q", describe(jobs))
	}
	now = now.Add(time.Minute)
	b.n++
	fail() // a minute later a recovery resets again
}
