package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func TestListPagination(t *testing.T) {
	e := newEnv(t, Config{Deployments: 25, DisableRateLimits: true})
	var l api.DeploymentList
	e.get("/v1/deployments", http.StatusOK, &l)
	p := l.Pagination
	if len(l.Data) != 10 || l.TotalCount != 25 || p.Number != 1 || p.Paginator.NumPages != 3 || !p.HasNext || p.HasPrevious || p.PreviousPageNumber != nil || p.NextPageNumber == nil || *p.NextPageNumber != 2 {
		t.Fatalf("page 1: %d items, %+v", len(l.Data), l)
	}
	r := e.do(http.MethodGet, "/v1/deployments?page=3", nil)
	e.expect(r, http.StatusOK, &l)
	p = l.Pagination
	if len(l.Data) != 5 || p.HasNext || p.NextPageNumber != nil || *p.PreviousPageNumber != 2 {
		t.Fatalf("page 3: %d items, %+v", len(l.Data), p)
	}
	for _, key := range []string{`"next_page_number":null`, `"message":[]`} {
		if !strings.Contains(string(r.body), key) {
			t.Errorf("page 3 lacks %s: %s", key, r.body)
		}
	}
	e.get("/v1/deployments?page=9", http.StatusOK, &l)
	if len(l.Data) != 0 || l.TotalCount != 25 {
		t.Fatalf("page past the end: %+v", l)
	}
	all := e.listAll("")
	ids := make([]string, len(all))
	for i, d := range all {
		ids[i] = d.RequestID
	}
	if len(all) != 25 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 25 {
		t.Fatalf("pages do not partition the list: %v", ids)
	}
	for _, q := range []string{"limit=0", "limit=101", "limit=x", "page=0", "page=-2"} {
		if r := e.do(http.MethodGet, "/v1/deployments?"+q, nil); r.status != http.StatusBadRequest || message(t, r) == "" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	e.get(queryURL(`{"filters":[{"field":"request_id","operator":"eq","value":"nothing"}]}`, ""), http.StatusOK, &l)
	if l.TotalCount != 0 || l.Pagination.Paginator.NumPages != 1 || l.Data == nil {
		t.Fatalf("empty result: %+v", l)
	}
}

func TestListDefaultOrderAndExclusion(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	e.clock.Advance(20 * time.Minute)
	all := e.listAll("")
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if a.StartTime.After(b.StartTime.Time) || (a.StartTime.Equal(b.StartTime.Time) && a.RequestID > b.RequestID) {
			t.Fatalf("not ordered by created_at then request_id at %d", i)
		}
	}
	if len(all) != len(e.srv.LiveRequestIDs()) {
		t.Fatalf("list has %d, live %d", len(all), len(e.srv.LiveRequestIDs()))
	}
	for _, d := range all {
		if st := e.status(d.RequestID); st.CurrentStatus == api.StatusTerminated {
			t.Fatalf("TERMINATED %s listed", d.RequestID)
		}
	}
}

// listIDs returns the request IDs matching a query.
func listIDs(e *testEnv, query string) []string {
	var ids []string
	for _, d := range e.listAll(query) {
		ids = append(ids, d.RequestID)
	}
	return ids
}

// expectedIDs lists the live deployments matching pred, in list order.
func expectedIDs(e *testEnv, pred func(d *deployment, now time.Time) bool) []string {
	now := e.srv.now()
	var ids []string
	for _, d := range e.srv.world.liveAt(now) {
		if pred(d, now) {
			ids = append(ids, d.id)
		}
	}
	return ids
}

func TestListFilters(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	e.clock.Advance(3 * time.Minute)
	e.listAll("") // advance the world
	sample := e.find(func(d *deployment, now time.Time) bool {
		return inStatus(api.StatusReady)(d, now) && d.created.After(epoch.Add(-time.Hour))
	})
	other := e.find(func(d *deployment, now time.Time) bool { return d != sample && !d.terminated(now) })
	created := api.V1Time(sample.created).String()
	createdISO := sample.created.Format(time.RFC3339Nano)
	has := func(tag string) func(*deployment, time.Time) bool {
		return func(d *deployment, _ time.Time) bool { return d.hasTag(tag) }
	}
	status := func(d *deployment, now time.Time) api.Status { s, _ := d.status(now); return s }
	cases := []struct {
		filter string
		want   func(d *deployment, now time.Time) bool
	}{
		{`{"field":"status","operator":"eq","value":"ready"}`, inStatus(api.StatusReady)},
		{`{"field":"status","operator":"eq","value":"Status.ERROR"}`, inStatus(api.StatusError)},
		{`{"field":"status","operator":"eq","value":"status.error"}`, inStatus(api.StatusError)},
		{`{"field":"status","operator":"neq","value":"READY"}`, func(d *deployment, now time.Time) bool { return status(d, now) != api.StatusReady }},
		{`{"field":"status","operator":"in","value":["deploying","scanning"]}`, func(d *deployment, now time.Time) bool {
			return status(d, now) == api.StatusDeploying || status(d, now) == api.StatusScanning
		}},
		{`{"field":"status","operator":"nin","value":["ready","error"]}`, func(d *deployment, now time.Time) bool { return !status(d, now).Settled() }},
		{fmt.Sprintf(`{"field":"request_id","operator":"eq","value":%q}`, sample.id), func(d *deployment, _ time.Time) bool { return d == sample }},
		{fmt.Sprintf(`{"field":"request_id","operator":"in","value":[%q,%q]}`, sample.id, other.id), func(d *deployment, _ time.Time) bool { return d == sample || d == other }},
		{fmt.Sprintf(`{"field":"request_id","operator":"nin","value":[%q]}`, sample.id), func(d *deployment, _ time.Time) bool { return d != sample }},
		{`{"field":"tags","operator":"eq","value":"tournament"}`, has("tournament")},
		{`{"field":"tags","operator":"neq","value":"production"}`, func(d *deployment, now time.Time) bool { return !d.hasTag("production") }},
		{`{"field":"tags","operator":"in","value":["canary","staging"]}`, func(d *deployment, now time.Time) bool { return d.hasTag("canary") || d.hasTag("staging") }},
		{`{"field":"tags","operator":"nin","value":["production","eu-event"]}`, func(d *deployment, now time.Time) bool { return !d.hasTag("production") && !d.hasTag("eu-event") }},
		{`{"field":"application","operator":"eq","value":"cozy-farm"}`, func(d *deployment, _ time.Time) bool { return d.app.name == "cozy-farm" }},
		{`{"field":"application","operator":"in","value":["kart-racing","battle-royale"]}`, func(d *deployment, _ time.Time) bool {
			return d.app.name == "kart-racing" || d.app.name == "battle-royale"
		}},
		{`{"field":"version","operator":"neq","value":"v1.9.3"}`, func(d *deployment, _ time.Time) bool { return d.version != "v1.9.3" }},
		{`{"field":"version","operator":"nin","value":["season-12","0.15.1"]}`, func(d *deployment, _ time.Time) bool { return d.version != "season-12" && d.version != "0.15.1" }},
		{fmt.Sprintf(`{"field":"created_at","operator":"eq","value":%q}`, created), func(d *deployment, _ time.Time) bool { return d.created.Equal(sample.created) }},
		{fmt.Sprintf(`{"field":"created_at","operator":"lt","value":%q}`, created), func(d *deployment, _ time.Time) bool { return d.created.Before(sample.created) }},
		{fmt.Sprintf(`{"field":"created_at","operator":"lte","value":%q}`, createdISO), func(d *deployment, _ time.Time) bool { return !d.created.After(sample.created) }},
		{fmt.Sprintf(`{"field":"created_at","operator":"gt","value":%q}`, createdISO), func(d *deployment, _ time.Time) bool { return d.created.After(sample.created) }},
		{fmt.Sprintf(`{"field":"created_at","operator":"gte","value":%q}`, created), func(d *deployment, _ time.Time) bool { return !d.created.Before(sample.created) }},
		{`{"field":"is_joinable_by_session","operator":"eq","value":true}`, func(d *deployment, now time.Time) bool { return *d.listItem(now).IsJoinableBySession }},
		{`{"field":"available_session_sockets","operator":"gte","value":10}`, func(d *deployment, now time.Time) bool { return availableSockets(d, now) >= 10 }},
	}
	for _, tc := range cases {
		got := listIDs(e, `{"filters":[`+tc.filter+`]}`)
		want := expectedIDs(e, tc.want)
		if !slices.Equal(got, want) {
			t.Errorf("filter %s: got %d ids, want %d", tc.filter, len(got), len(want))
		}
		if len(want) == 0 && !strings.Contains(tc.filter, "request_id") {
			t.Errorf("filter %s matches nothing: a weak test", tc.filter)
		}
	}
	combined := listIDs(e, `{"filters":[{"field":"status","operator":"eq","value":"ready"},{"field":"tags","operator":"eq","value":"production"}]}`)
	if want := expectedIDs(e, func(d *deployment, now time.Time) bool {
		return inStatus(api.StatusReady)(d, now) && d.hasTag("production")
	}); !slices.Equal(combined, want) {
		t.Errorf("two fields: %d ids, want %d", len(combined), len(want))
	}
}

func TestListOrderBy(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	desc := e.listAll(`{"order_by":[{"field":"created_at","order":"desc"}]}`)
	for i := 1; i < len(desc); i++ {
		if desc[i-1].StartTime.Before(desc[i].StartTime.Time) {
			t.Fatalf("created_at desc broken at %d", i)
		}
	}
	bySockets := e.listAll(`{"order_by":[{"field":"available_session_sockets","order":"asc"}]}`)
	for i := 1; i < len(bySockets); i++ {
		a, b := bySockets[i-1], bySockets[i]
		if *a.Sockets-*a.SocketsUsage > *b.Sockets-*b.SocketsUsage {
			t.Fatalf("available_session_sockets asc broken at %d", i)
		}
	}
}

func TestListQueryErrors(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, DisableRateLimits: true})
	for query, want := range map[string]string{
		`{"filters":[`: "not valid JSON",
		`{"filters":[{"field":"status","operator":"eq","value":"ready"},{"field":"status","operator":"eq","value":"error"}]}`: "two filters",
		`{"filters":[{"field":"colour","operator":"eq","value":"red"}]}`:                                                      "unknown filter field",
		`{"filters":[{"field":"status","operator":"like","value":"ready"}]}`:                                                  "unknown filter operator",
		`{"filters":[{"field":"status","operator":"in","value":"ready"}]}`:                                                    "needs a list",
		`{"filters":[{"field":"status","operator":"eq","value":["ready"]}]}`:                                                  "needs a single",
		`{"filters":[{"field":"status","operator":"eq","value":"sleeping"}]}`:                                                 "unknown status",
		`{"filters":[{"field":"status","operator":"lt","value":"ready"}]}`:                                                    "not supported",
		`{"filters":[{"field":"created_at","operator":"gt","value":"yesterday"}]}`:                                            "not a timestamp",
		`{"filters":[{"field":"tags","operator":"gt","value":"a"}]}`:                                                          "not supported",
		`{"filters":[{"field":"tags","operator":"eq"}]}`:                                                                      "needs a value",
		`{"order_by":[{"field":"request_id","order":"asc"}]}`:                                                                 "cannot order by",
		`{"order_by":[{"field":"created_at","order":"up"}]}`:                                                                  "asc or desc",
	} {
		r := e.do(http.MethodGet, queryURL(query, ""), nil)
		if r.status != http.StatusBadRequest || !strings.Contains(message(t, r), want) {
			t.Errorf("query %s: %d %s, want 400 mentioning %q", query, r.status, r.body, want)
		}
	}
}
