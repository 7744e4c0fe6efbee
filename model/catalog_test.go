package model

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func enrichedRow(id string, st api.Status, city, country string) *DeploymentRow {
	r := &DeploymentRow{ID: id, Enriched: true, Status: st, City: city, Country: country, Continent: "Europe"}
	r.finish()
	return r
}

func TestLocationRows(t *testing.T) {
	locs := []api.Location{
		{City: "Frankfurt", Country: "Germany", Continent: "Europe", Timezone: "Europe/Berlin", Latitude: 50.1},
		{City: "Tokyo", Country: "Japan", Continent: "Asia", Latitude: 35.7},
		{City: "Frankfurt", Country: "Germany"}, // duplicate: ignored
	}
	raw := &DeploymentRow{ID: "raw"}
	raw.finish()
	deps := []*DeploymentRow{
		enrichedRow("a", api.StatusReady, "Frankfurt", "Germany"),
		enrichedRow("b", api.StatusError, "frankfurt", "germany"),
		enrichedRow("c", api.StatusReady, "Frankfurt", "Germany"),
		enrichedRow("d", api.StatusDeploying, "Lyon", "France"),
		raw, // not enriched: not counted
	}
	rows := LocationRows(locs, deps)
	var got []string
	for _, r := range rows {
		got = append(got, r.Key)
	}
	if !slices.Equal(got, []string{"frankfurt/germany", "tokyo/japan", "lyon/france"}) {
		t.Fatalf("rows %v", got)
	}
	fra := rows[0]
	if fra.Count != 3 || fra.Mix[api.StatusReady] != 2 || fra.Mix[api.StatusError] != 1 || fra.Location.Timezone != "Europe/Berlin" {
		t.Fatalf("frankfurt %+v", fra)
	}
	if rows[1].Count != 0 || rows[2].Count != 1 || rows[2].Location.Continent != "Europe" {
		t.Fatalf("rows %+v", rows)
	}
}

func TestPolicySummary(t *testing.T) {
	for _, tt := range []struct {
		p    api.Policy
		want string
	}{
		{api.Policy{Type: api.PolicyLocation,
			Data: json.RawMessage(`{"filters":[{"field":"continent","values":["Europe"],"filter_type":"any"},{"field":"city","values":["Paris","Lyon"],"filter_type":"not"}]}`)},
			"continent any Europe; city not Paris, Lyon"},
		{api.Policy{Type: api.PolicyTag, Data: json.RawMessage(`{"tags":["eu-event"]}`)}, "tags eu-event"},
		{api.Policy{Type: api.PolicyCoordinates, Data: json.RawMessage(`{"latitude":48.85,"longitude":2.35,"radius_km":500}`)}, "48.85, 2.35 within 500 km"},
	} {
		if got := PolicySummary(tt.p); got != tt.want {
			t.Errorf("%s policy: %q, want %q", tt.p.Type, got, tt.want)
		}
	}
}

func TestSummarizeHosts(t *testing.T) {
	s := func(v string) *string { return &v }
	n := func(v int) *api.Int { x := api.Int(v); return &x }
	hosts := []api.Host{
		{HostID: "h1", Status: api.HostActive, City: s("Montreal"), IPAddress: s("198.51.100.23"),
			AllocatedCPUUnits: n(2048), AllocatableCPUUnits: n(7936), AllocatedMemoryMB: 4096, AllocatableMemoryMB: n(15872),
			CreatedAt: api.V1Time(t0.Add(-time.Hour))},
		{HostID: "h2", Status: api.HostActive, City: s("Toronto"), IPAddress: s("198.51.100.57"),
			AllocatedCPUUnits: n(1024), AllocatableCPUUnits: n(7936), AllocatedMemoryMB: 1024, AllocatableMemoryMB: n(15872),
			CreatedAt: api.V1Time(t0.Add(-2 * time.Hour))},
		{HostID: "h3", Status: api.HostPending, CreatedAt: api.V1Time(t0)},
	}
	sum := SummarizeHosts("alpha", hosts)
	if sum.Hosts != 3 || sum.ByStatus[api.HostActive] != 2 || sum.ByStatus[api.HostPending] != 1 ||
		sum.CPUAllocated != 3072 || sum.CPUAllocatable != 15872 || sum.CPUUnknown != 1 ||
		sum.MemAllocatedMB != 5120 || sum.MemAllocatableMB != 31744 || sum.MemUnknown != 1 {
		t.Fatalf("summary %+v", sum)
	}
	if !slices.Equal(sum.Statuses(), []string{"ACTIVE", "PENDING"}) {
		t.Fatalf("statuses %v", sum.Statuses())
	}
}
