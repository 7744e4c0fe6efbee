package pulse

import (
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/events"
)

var now = time.Date(2026, 12, 3, 15, 30, 20, 0, time.UTC)

// row is an enriched deployment created ago before now, READY after
// readyAfter (0: in status st instead).
func row(id, app, version, city string, st api.Status, ago, readyAfter time.Duration) *model.DeploymentRow {
	r := &model.DeploymentRow{ID: id, Started: now.Add(-ago), Enriched: true, EnrichedAt: now.Add(-2 * time.Second),
		Status: st, App: app, Version: version, City: city, Country: "Canada"}
	r.Detail = &api.DeploymentStatus{RequestID: id}
	if st == api.StatusReady {
		readyAt := r.Started.Add(readyAfter)
		r.Detail.ElapsedTime = api.Int(r.EnrichedAt.Sub(readyAt) / time.Second)
	}
	return r
}

func TestComputeCountsTrendsAndTimeToReady(t *testing.T) {
	rows := []*model.DeploymentRow{
		row("a1", "kart", "v2", "Montreal", api.StatusReady, 10*time.Minute, 20*time.Second),
		row("a2", "kart", "v2", "Montreal", api.StatusReady, 5*time.Minute, 40*time.Second),
		row("a3", "kart", "v3", "Los Angeles", api.StatusError, 3*time.Minute, 0),
		row("a4", "kart", "v3", "Los Angeles", api.StatusError, 10*time.Second, 0),
		row("b1", "chess", "1.0", "Montreal", api.StatusReady, 3*time.Hour, 10*time.Second), // too old for time to READY
		{ID: "u1", Started: now.Add(-15 * time.Second)},                                     // never enriched
	}
	evs := []events.Event{
		{At: now.Add(-2 * time.Minute), Kind: events.KindStatus, To: "ERROR", Object: events.Object{Type: events.ObjectDeployment, ID: "a3"}},
		{At: now.Add(-10 * time.Second), Kind: events.KindStatus, To: "ERROR", Object: events.Object{Type: events.ObjectDeployment, ID: "a4"}},
		{At: now.Add(-20 * time.Minute), Kind: events.KindStatus, To: "ERROR", Object: events.Object{Type: events.ObjectDeployment, ID: "a1"}}, // outside the window
		{At: now.Add(-time.Minute), Kind: events.KindStatus, To: "READY", Object: events.Object{Type: events.ObjectDeployment, ID: "a2"}},      // not an error
	}
	p := Compute(rows, evs, now)

	if p.Org.Total != 6 || p.Org.Unknown != 1 || p.Org.Errors() != 2 || p.Org.ByStatus[api.StatusReady] != 3 {
		t.Errorf("org: total %d unknown %d errors %d ready %d, want 6 1 2 3", p.Org.Total, p.Org.Unknown, p.Org.Errors(), p.Org.ByStatus[api.StatusReady])
	}
	if got := p.Org.NewErrors; got[Minutes-1] != 1 || got[Minutes-3] != 1 || sum(got) != 2 {
		t.Errorf("org new errors per minute = %v, want one now and one two minutes ago", got)
	}
	if got := p.Org.NewDeployments; got[Minutes-1] != 2 || sum(got) != 5 {
		t.Errorf("org new deployments per minute = %v, want 2 this minute (a4, u1), 5 in 15 minutes", got)
	}
	if p.Org.ReadyCount != 2 || p.Org.TimeToReadyP50 != 20*time.Second || p.Org.TimeToReadyP95 != 40*time.Second {
		t.Errorf("org time to READY: %d rows, p50 %s p95 %s; want 2, 20s, 40s", p.Org.ReadyCount, p.Org.TimeToReadyP50, p.Org.TimeToReadyP95)
	}
	if len(p.Apps) != 2 || p.Apps[0].Name != "kart" || p.Apps[0].Errors() != 2 || p.Apps[0].Filter != "app=kart" {
		t.Fatalf("apps = %+v, want kart (2 errors) first", p.Apps)
	}
	if p.Versions[0].Name != "kart/v3" || p.Versions[0].Filter != "app=kart version=v3" || sum(p.Versions[0].NewErrors) != 2 {
		t.Errorf("worst version = %q (filter %q, %d new errors), want kart/v3 with 2", p.Versions[0].Name, p.Versions[0].Filter, sum(p.Versions[0].NewErrors))
	}
	la := p.Locations[0]
	if la.Name != "Los Angeles, Canada" || la.Filter != `city="Los Angeles" country=Canada` {
		t.Errorf("worst location = %q filter %q", la.Name, la.Filter)
	}
	// The location's filter reads back and matches its rows only.
	f, err := model.ParseFilter(la.Filter)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Terms) != 2 || f.Terms[0].Value != "los angeles" || !f.Terms[0].Exact {
		t.Errorf("parsed %q: %+v", la.Filter, f.Terms)
	}
}

func TestComputeEmpty(t *testing.T) {
	p := Compute(nil, nil, now)
	if p.Org.Total != 0 || len(p.Apps) != 0 || p.Org.ReadyCount != 0 {
		t.Errorf("empty pulse = %+v", p)
	}
}

func BenchmarkCompute50k(b *testing.B) {
	rows := make([]*model.DeploymentRow, 50_000)
	apps := []string{"kart", "chess", "arena", "royale"}
	cities := []string{"Montreal", "Los Angeles", "Frankfurt", "Tokyo", "Sydney", "Paris"}
	for i := range rows {
		rows[i] = row("d"+string(rune('a'+i%26))+time.Duration(i).String(), apps[i%4], "v"+string(rune('0'+i%7)), cities[i%6], api.AllStatuses[i%len(api.AllStatuses)], time.Duration(i%3600)*time.Second, 25*time.Second)
	}
	evs := make([]events.Event, 5000)
	for i := range evs {
		evs[i] = events.Event{At: now.Add(-time.Duration(i%900) * time.Second), Kind: events.KindStatus, To: "ERROR", Object: events.Object{Type: events.ObjectDeployment, ID: rows[i*7].ID}}
	}
	b.ReportAllocs()
	for b.Loop() {
		Compute(rows, evs, now)
	}
}
