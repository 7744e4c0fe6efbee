package model

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func ptrInt(n int) *api.Int { v := api.Int(n); return &v }

// listItem is a list entry started `age` before t0.
func listItem(id string, age time.Duration, tags ...string) api.Deployment {
	return api.Deployment{
		RequestID: id, FQDN: id + ".pr.edgegap.net", StartTime: api.V1Time(t0.Add(-age)),
		Ready: true, PublicIP: "203.0.113.7", Tags: tags,
		Ports: map[string]api.Port{
			"web":  {Internal: 8080, External: 31001, Protocol: "TCP"},
			"game": {Internal: 7777, External: 31669, Protocol: "UDP"},
		},
		Sockets: ptrInt(10), SocketsUsage: ptrInt(3),
	}
}

// statusOf is the status answer matching listItem, in status st.
func statusOf(d api.Deployment, st api.Status, app, version, city string) *api.DeploymentStatus {
	return &api.DeploymentStatus{
		RequestID: d.RequestID, FQDN: d.FQDN, AppName: app, AppVersion: version,
		CurrentStatus: st, Running: d.Ready, StartTime: d.StartTime, ElapsedTime: 42,
		Ports: d.Ports, PublicIP: d.PublicIP, Tags: d.Tags, Sockets: d.Sockets, SocketsUsage: d.SocketsUsage,
		Location: &api.Location{City: city, Country: "Germany", Continent: "Europe"},
	}
}

func rowIDs(rows []*DeploymentRow) []string { return IDs(rows) }

func TestDeploymentRowFromList(t *testing.T) {
	d := NewDeployments()
	d.ApplyList([]api.Deployment{listItem("a1", time.Minute, "eu", "canary")}, t0)
	r, ok := d.Get("a1")
	if !ok {
		t.Fatal("row missing")
	}
	if r.PortsSummary != "7777/udp→31669 +1" || r.Ports[0].Name != "game" {
		t.Errorf("ports %q %+v", r.PortsSummary, r.Ports)
	}
	if !slices.Equal(r.Tags, []string{"canary", "eu"}) || !r.HasSockets || r.Sockets != 10 || r.SocketsUsage != 3 {
		t.Errorf("row %+v", r)
	}
	if r.Enriched || r.Status != "" || r.Detail != nil || !r.FirstSeen.Equal(t0) || r.Rev == 0 {
		t.Errorf("row %+v", r)
	}
	if vals, known := r.Field("status"); known || len(vals) != 0 {
		t.Errorf("status known before enrichment: %v %v", vals, known)
	}
	if vals, known := r.Field("tag"); !known || !slices.Equal(vals, []string{"canary", "eu"}) {
		t.Errorf("tags %v %v", vals, known)
	}
	if r.StatusAge(t0.Add(5*time.Second)) != 5*time.Second {
		t.Error("an unenriched row's status is as old as the row")
	}
}

func TestApplyStatusEnrichesAndKeepsRevWhenNothingChanged(t *testing.T) {
	d := NewDeployments()
	item := listItem("a1", time.Minute)
	d.ApplyList([]api.Deployment{item}, t0)
	before, _ := d.Get("a1")

	if !d.ApplyStatus(statusOf(item, api.StatusReady, "kart-racing", "v1.9.3", "Frankfurt"), t0.Add(time.Second)) {
		t.Fatal("first status: no change reported")
	}
	r, _ := d.Get("a1")
	if r == before || before.Enriched {
		t.Fatal("the row was modified in place, not copied")
	}
	if !r.Enriched || r.Status != api.StatusReady || r.App != "kart-racing" || r.City != "Frankfurt" || r.Detail == nil || r.Rev <= before.Rev {
		t.Fatalf("enriched row %+v", r)
	}
	if r.Text() == before.Text() {
		t.Fatal("the haystack was not rebuilt")
	}

	// The same answer again (only the elapsed time moved): same Rev, newer EnrichedAt.
	again := statusOf(item, api.StatusReady, "kart-racing", "v1.9.3", "Frankfurt")
	again.ElapsedTime = 99
	storeRev := d.Rev()
	if d.ApplyStatus(again, t0.Add(11*time.Second)) {
		t.Fatal("an unchanged status reported a change")
	}
	r2, _ := d.Get("a1")
	if r2.Rev != r.Rev || !r2.EnrichedAt.Equal(t0.Add(11*time.Second)) || d.Rev() != storeRev {
		t.Fatalf("Rev %d→%d, EnrichedAt %v, store rev %d→%d", r.Rev, r2.Rev, r2.EnrichedAt, storeRev, d.Rev())
	}

	// The same list page again: nothing changes, enrichment stays.
	if n := d.ApplyList([]api.Deployment{item}, t0.Add(12*time.Second)); n != 0 {
		t.Fatalf("unchanged list page changed %d rows", n)
	}
	r3, _ := d.Get("a1")
	if r3 != r2 {
		t.Fatal("an unchanged list entry replaced the row")
	}

	// A real change bumps the Rev and keeps enrichment.
	item.SocketsUsage = ptrInt(4)
	if n := d.ApplyList([]api.Deployment{item}, t0.Add(13*time.Second)); n != 1 {
		t.Fatalf("changed %d rows", n)
	}
	r4, _ := d.Get("a1")
	if r4.Rev <= r3.Rev || !r4.Enriched || r4.App != "kart-racing" || r4.SocketsUsage != 4 {
		t.Fatalf("row after a list change %+v", r4)
	}
	if d.ApplyStatus(statusOf(item, api.StatusTerminating, "kart-racing", "v1.9.3", "Frankfurt"), t0.Add(14*time.Second)) == false {
		t.Fatal("a status change was not reported")
	}
	if d.ApplyStatus(statusOf(listItem("zz", 0), api.StatusReady, "x", "y", "z"), t0) {
		t.Fatal("a status for a deployment the list never showed was applied")
	}
	if _, ok := d.Get("zz"); ok {
		t.Fatal("ApplyStatus created a row")
	}
}

func TestCyclesDropRowsMissedTwiceOrEnded(t *testing.T) {
	d := NewDeployments()
	pass := func(ids ...string) []string {
		d.BeginCycle()
		var page []api.Deployment
		for _, id := range ids {
			page = append(page, listItem(id, time.Minute))
		}
		d.ApplyList(page, t0)
		removed := d.EndCycle()
		slices.Sort(removed)
		return removed
	}
	if got := pass("a", "b", "c", "d"); len(got) != 0 {
		t.Fatalf("first pass removed %v", got)
	}
	// c's last status says it is ending: one miss is enough.
	d.ApplyStatus(statusOf(listItem("c", time.Minute), api.StatusTerminated, "app", "v1", "Paris"), t0)
	if got := pass("a", "d"); !slices.Equal(got, []string{"c"}) {
		t.Fatalf("second pass removed %v, want [c] (b may have slipped between pages)", got)
	}
	if _, ok := d.Get("b"); !ok {
		t.Fatal("b dropped after one miss")
	}
	if got := pass("a", "b"); len(got) != 0 {
		t.Fatalf("third pass removed %v (b came back, d missed once)", got)
	}
	if got := pass("a"); !slices.Equal(got, []string{"d"}) {
		t.Fatalf("fourth pass removed %v, want [d]", got)
	}
	if got := pass("a"); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("fifth pass removed %v, want [b]", got)
	}
	if got := rowIDs(d.All()); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("rows %v", got)
	}
}

func TestRowsListedUnderAnotherQueryLeaveAfterOneMiss(t *testing.T) {
	d := NewDeployments()
	d.BeginCycle()
	d.ApplyList([]api.Deployment{listItem("a", time.Minute), listItem("b", 2*time.Minute)}, t0)
	d.EndCycle()
	d.SetFilter(mustParse(t, "status:err"))
	// Unenriched rows listed without the status query do not pass it.
	if d.Len() != 0 {
		t.Fatalf("visible %v", rowIDs(d.Rows()))
	}
	d.BeginCycle()
	d.ApplyList([]api.Deployment{listItem("b", 2*time.Minute)}, t0)
	if got := rowIDs(d.Rows()); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("visible %v, want [b] (the server selected it)", got)
	}
	if got := d.EndCycle(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("removed %v", got)
	}
}

func TestMarkGone(t *testing.T) {
	d := NewDeployments()
	d.BeginCycle()
	d.ApplyList([]api.Deployment{listItem("a", time.Minute), listItem("b", time.Minute)}, t0)
	rev := d.Rev()
	d.MarkGone("a")
	if _, ok := d.Get("a"); ok || d.Total() != 1 || d.Rev() == rev {
		t.Fatal("MarkGone kept the row")
	}
	// A page fetched before the 404 does not bring it back in this pass.
	d.ApplyList([]api.Deployment{listItem("a", time.Minute)}, t0)
	if _, ok := d.Get("a"); ok {
		t.Fatal("a came back in the same pass")
	}
	d.EndCycle()
	d.BeginCycle()
	d.ApplyList([]api.Deployment{listItem("a", time.Minute)}, t0)
	if _, ok := d.Get("a"); !ok {
		t.Fatal("a is listed again in a new pass but was not added")
	}
}

func TestDeploymentsFilterFollowsEnrichment(t *testing.T) {
	d := NewDeployments()
	items := []api.Deployment{listItem("a", 1*time.Minute), listItem("b", 2*time.Minute), listItem("c", 3*time.Minute)}
	d.ApplyList(items, t0)
	d.SetFilter(mustParse(t, "frank"))
	if d.Len() != 0 || d.Total() != 3 {
		t.Fatalf("Len %d Total %d", d.Len(), d.Total())
	}
	d.ApplyStatus(statusOf(items[1], api.StatusReady, "kart", "v1", "Frankfurt"), t0)
	if got := rowIDs(d.Rows()); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("visible %v", got)
	}
	d.SetFilter(mustParse(t, "frankf")) // narrows
	if got := rowIDs(d.Rows()); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("visible %v", got)
	}
	if d.Position("b") != 0 || d.Position("a") != -1 {
		t.Fatal("Position")
	}
	d.SetFilter(Filter{})
	if got := rowIDs(d.Rows()); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("visible %v", got)
	}
	if d.Filter().Raw != "" {
		t.Fatal("Filter()")
	}
}

func TestDeploymentsSort(t *testing.T) {
	d := NewDeployments()
	items := []api.Deployment{listItem("a", 3*time.Minute), listItem("b", 1*time.Minute), listItem("c", 2*time.Minute)}
	d.ApplyList(items, t0)
	if got := rowIDs(d.Rows()); !slices.Equal(got, []string{"b", "c", "a"}) {
		t.Fatalf("default order %v, want newest first", got)
	}
	if err := d.SetSort(Sort{Column: "colour"}); err == nil || d.Sort() != DefaultDeploymentSort {
		t.Fatal("an unknown column was accepted")
	}
	rev := d.Rev()
	if err := d.SetSort(Sort{Column: "id", Desc: true}); err != nil {
		t.Fatal(err)
	}
	if got := rowIDs(d.Rows()); !slices.Equal(got, []string{"c", "b", "a"}) || d.Rev() == rev {
		t.Fatalf("id desc %v", got)
	}
	// A row whose sort key changes moves.
	d.SetSort(Sort{Column: "status"})
	d.ApplyStatus(statusOf(items[2], api.StatusError, "x", "v", "p"), t0)
	if got := rowIDs(d.Rows()); got[0] != "c" {
		t.Fatalf("status order %v", got)
	}
}

func TestDeploymentRowsAreCopiedOnWrite(t *testing.T) {
	d := NewDeployments()
	var page []api.Deployment
	for i := range 50 {
		page = append(page, listItem(fmt.Sprintf("d%02d", i), time.Duration(i)*time.Second))
	}
	d.ApplyList(page, t0)
	held := slices.Clone(d.Rows())
	snapshot := make([]DeploymentRow, len(held))
	for i, r := range held {
		snapshot[i] = *r
	}
	for i, it := range page {
		d.ApplyStatus(statusOf(it, api.StatusReady, "app", "v1", "Paris"), t0)
		it.SocketsUsage = ptrInt(i)
		d.ApplyList([]api.Deployment{it}, t0)
	}
	for i, r := range held {
		if r.Enriched || r.Rev != snapshot[i].Rev || r.SocketsUsage != snapshot[i].SocketsUsage {
			t.Fatalf("row %s was modified in place", r.ID)
		}
	}
}

// A status problem on an enriched row keeps its status and notes since
// when it is unavailable: the first unusable answer, kept while the reason
// changes, cleared by the next usable answer.
func TestStatusProblemKeepsStatusAndSince(t *testing.T) {
	d := NewDeployments()
	item := listItem("a", time.Minute)
	d.ApplyList([]api.Deployment{item}, t0)
	d.ApplyStatus(statusOf(item, api.StatusReady, "kart-racing", "v1.9.3", "Frankfurt"), t0)
	if !d.MarkStatusProblem("a", "the API answered null", t0.Add(10*time.Second)) {
		t.Fatal("the first problem did not change the row")
	}
	d.MarkStatusProblem("a", "the answer is about another deployment", t0.Add(20*time.Second))
	r, _ := d.Get("a")
	if !r.Enriched || r.Status != api.StatusReady || r.StatusProblem != "the answer is about another deployment" ||
		!r.StatusProblemSince.Equal(t0.Add(10*time.Second)) {
		t.Fatalf("row after two problems: enriched %v status %s problem %q since %s", r.Enriched, r.Status.Name(), r.StatusProblem, r.StatusProblemSince)
	}
	d.ApplyStatus(statusOf(item, api.StatusReady, "kart-racing", "v1.9.3", "Frankfurt"), t0.Add(30*time.Second))
	if r, _ := d.Get("a"); r.StatusProblem != "" || !r.StatusProblemSince.IsZero() {
		t.Fatalf("a usable answer left the problem %q since %s", r.StatusProblem, r.StatusProblemSince)
	}
}

// The end of a pass tells why it dropped each row: ended (its last status
// said so), unlisted (two misses), or only out of a changed pushed-down
// query, which is not the deployment gone.
func TestEndCycleRemovalsTellWhy(t *testing.T) {
	d := NewDeployments()
	pass := func(ids ...string) []Removal {
		d.BeginCycle()
		var page []api.Deployment
		for _, id := range ids {
			page = append(page, listItem(id, time.Minute))
		}
		d.ApplyList(page, t0)
		out := d.EndCycleRemovals()
		slices.SortFunc(out, func(a, b Removal) int { return cmp.Compare(a.ID, b.ID) })
		return out
	}
	pass("a", "b", "c")
	d.ApplyStatus(statusOf(listItem("c", time.Minute), api.StatusTerminating, "app", "v1", "Paris"), t0)
	if got := pass("a"); len(got) != 1 || got[0] != (Removal{ID: "c", Reason: RemovedEnded, Status: api.StatusTerminating}) {
		t.Fatalf("second pass removed %+v, want c ended (TERMINATING)", got)
	}
	if got := pass("a"); len(got) != 1 || got[0].ID != "b" || got[0].Reason != RemovedUnlisted || !got[0].Reason.Gone() {
		t.Fatalf("third pass removed %+v, want b no longer listed", got)
	}
	// The user filters on the server: a, listed under the old query, is
	// dropped at the first miss, and not as gone.
	d.SetPushdown(mustParse(t, "status:err"))
	got := pass()
	if len(got) != 1 || got[0].ID != "a" || got[0].Reason != RemovedQuery || got[0].Reason.Gone() {
		t.Fatalf("pass under a new query removed %+v, want a out of the query", got)
	}
	if RemovedQuery.String() != "out of the query" || RemovedEnded.String() != "ended" {
		t.Errorf("reasons read %q, %q", RemovedQuery, RemovedEnded)
	}
}
