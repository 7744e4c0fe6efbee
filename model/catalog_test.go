package model

import (
	"encoding/json"
	"slices"
	"strings"
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
	if !slices.Equal(fra.MixStatuses(), []api.Status{api.StatusError, api.StatusReady}) {
		t.Fatalf("mix order %v", fra.MixStatuses())
	}
	if rows[1].Count != 0 || rows[2].Count != 1 || rows[2].Location.Continent != "Europe" {
		t.Fatalf("rows %+v", rows)
	}
	if !mustParse(t, "continent:asi").Match(rows[1]) || mustParse(t, "city:tok").Match(rows[0]) || !mustParse(t, "berlin").Match(rows[0]) {
		t.Fatal("location filter")
	}
	// Rev is derived from the content.
	again := LocationRows(locs, deps)
	if again[0].Rev != rows[0].Rev {
		t.Fatal("unchanged row changed Rev")
	}
	if LocationRows(locs, deps[1:])[0].Rev == rows[0].Rev {
		t.Fatal("a changed count kept the Rev")
	}
}

func TestLocationLess(t *testing.T) {
	rows := LocationRows([]api.Location{
		{City: "Paris", Country: "France", Latitude: 48},
		{City: "Austin", Country: "USA", AdministrativeDivision: "Texas", Latitude: 30},
		{City: "Oslo", Country: "Norway", Latitude: 59},
	}, []*DeploymentRow{enrichedRow("a", api.StatusReady, "Oslo", "Norway"), enrichedRow("b", api.StatusReady, "Oslo", "Norway"), enrichedRow("c", api.StatusReady, "Paris", "France")})
	order := func(s Sort) string {
		less, err := LocationLess(s)
		if err != nil {
			t.Fatal(err)
		}
		x := NewIndex(func(r LocationRow) string { return r.Key }, less)
		for _, r := range rows {
			x.Put(r)
		}
		var out []string
		for _, r := range x.All() {
			out = append(out, r.Location.City)
		}
		return strings.Join(out, " ")
	}
	cases := map[Sort]string{
		{Column: "city"}:                 "Austin Oslo Paris",
		{Column: "country"}:              "Paris Oslo Austin",
		{Column: "count"}:                "Austin Paris Oslo",
		{Column: "count", Desc: true}:    "Oslo Paris Austin",
		{Column: "latlong"}:              "Austin Paris Oslo",
		{Column: "division"}:             "Austin Oslo Paris", // no division: last, by city
		{Column: "division", Desc: true}: "Austin Oslo Paris",
	}
	for s, want := range cases {
		if got := order(s); got != want {
			t.Errorf("%+v: %s, want %s", s, got, want)
		}
	}
	if _, err := LocationLess(Sort{Column: "mix"}); err == nil {
		t.Error("mix sorts")
	}
}

func TestFleetAndPolicyRows(t *testing.T) {
	maximum := api.Int(4)
	policies := map[string][]api.Policy{
		"eu": {
			{Name: "west", Enabled: true, Type: api.PolicyLocation, Minimum: 1, Maximum: &maximum, Threshold: 0.5,
				Data: json.RawMessage(`{"filters":[{"field":"continent","values":["Europe"],"filter_type":"any"},{"field":"city","values":["Paris","Lyon"],"filter_type":"not"}]}`)},
			{Name: "tagged", Type: api.PolicyTag, Minimum: 2, Data: json.RawMessage(`{"tags":["eu-event"]}`)},
		},
		"na": {{Name: "near", Enabled: true, Type: api.PolicyCoordinates, Minimum: 1, Data: json.RawMessage(`{"latitude":48.85,"longitude":2.35,"radius_km":500}`)}},
	}
	fleets := FleetRows([]api.Fleet{{Name: "eu", Enabled: true}, {Name: "na"}, {Name: "asia"}}, policies)
	if fleets[0].Policies != 2 || fleets[0].EnabledPolicies != 1 || !fleets[0].PoliciesKnown || fleets[2].PoliciesKnown {
		t.Fatalf("fleets %+v", fleets)
	}
	if !mustParse(t, "disabled").Match(fleets[1]) || !mustParse(t, "name:eu").Match(fleets[0]) || fleets[0].Key() != "eu" {
		t.Fatal("fleet filter")
	}
	less, _ := FleetLess(Sort{Column: "policies", Desc: true})
	if !less(fleets[0], fleets[1]) || !less(fleets[1], fleets[2]) {
		t.Fatal("fleets by policies: unknown counts last")
	}

	rows := PolicyRows(policies)
	var summaries []string
	for _, r := range rows {
		summaries = append(summaries, r.Key()+": "+r.FiltersSummary)
	}
	want := []string{
		"eu/west: continent any Europe; city not Paris, Lyon",
		"eu/tagged: tags eu-event",
		"na/near: 48.85, 2.35 within 500 km",
	}
	if !slices.Equal(summaries, want) {
		t.Fatalf("summaries\n%s\nwant\n%s", strings.Join(summaries, "\n"), strings.Join(want, "\n"))
	}
	if !mustParse(t, "fleet:na type:coord").Match(rows[2]) || mustParse(t, "fleet:na").Match(rows[0]) || !mustParse(t, "lyon").Match(rows[0]) {
		t.Fatal("policy filter")
	}
	pless, _ := PolicyLess(Sort{Column: "max"})
	if !pless(rows[0], rows[1]) || pless(rows[1], rows[0]) {
		t.Fatal("policies without a maximum sort last")
	}
	for _, cols := range [][]Column{FleetColumns, PolicyColumns, HostColumns, LocationColumns} {
		for _, c := range cols {
			if c.SortKey == 0 {
				continue
			}
			var err error
			switch {
			case slices.Equal(cols, FleetColumns):
				_, err = FleetLess(Sort{Column: c.Key})
			case slices.Equal(cols, PolicyColumns):
				_, err = PolicyLess(Sort{Column: c.Key})
			case slices.Equal(cols, HostColumns):
				_, err = HostLess(Sort{Column: c.Key})
			default:
				_, err = LocationLess(Sort{Column: c.Key})
			}
			if err != nil {
				t.Errorf("column %s has a sort key but does not sort: %v", c.Key, err)
			}
		}
	}
}

func TestHostRowsAndSummary(t *testing.T) {
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
	rows := HostRows("alpha", hosts)
	if rows[0].Key() != "alpha/h1" || !mustParse(t, "status:pend").Match(rows[2]) || !mustParse(t, "city:toron").Match(rows[1]) {
		t.Fatal("host rows")
	}
	less, _ := HostLess(Sort{Column: "cpu"})
	if !less(rows[1], rows[0]) || !less(rows[0], rows[2]) {
		t.Fatal("hosts by cpu: pending last")
	}
	age, _ := HostLess(Sort{Column: "age"})
	if !age(rows[2], rows[0]) {
		t.Fatal("hosts by age: newest first")
	}
}
