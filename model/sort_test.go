package model

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// sortRows are deployments covering every column, plus one unenriched row
// ("raw") with nothing but list fields.
func sortRows() []*DeploymentRow {
	mk := func(id string, st api.Status, app, version, city, ip string, age time.Duration, usage int, tags ...string) *DeploymentRow {
		r := &DeploymentRow{ID: id, Enriched: true, Status: st, App: app, Version: version, City: city, Country: "X",
			PublicIP: ip, Started: t0.Add(-age), HasSockets: true, Sockets: 10, SocketsUsage: usage, Tags: tags}
		r.Ports = []api.Port{{Name: "p", Internal: api.Int(7000 + usage), External: 1, Protocol: "udp"}}
		r.PortsSummary = portsSummary(r.Ports)
		r.finish()
		return r
	}
	raw := &DeploymentRow{ID: "raw", Started: t0.Add(-90 * time.Second)}
	raw.finish()
	return []*DeploymentRow{
		mk("d1", api.StatusReady, "kart", "v1.10.0", "Paris", "10.0.0.10", 3*time.Minute, 5, "b"),
		mk("d2", api.StatusError, "arena", "v1.9.3", "Frankfurt", "10.0.0.9", 1*time.Minute, 1, "a"),
		mk("d3", api.StatusDeploying, "Kart", "v1.2", "amsterdam", "9.0.0.1", 2*time.Minute, 9),
		mk("d4", api.Status("Status.WEIRD"), "zeta", "v2", "Zurich", "", 4*time.Minute, 0, "a", "c"),
		raw,
	}
}

func sortedIDs(t *testing.T, s Sort) []string {
	t.Helper()
	less, err := DeploymentLess(s)
	if err != nil {
		t.Fatal(err)
	}
	x := NewIndex(func(r *DeploymentRow) string { return r.ID }, less)
	for _, r := range sortRows() {
		x.Put(r)
	}
	return IDs(x.All())
}

func TestDeploymentSortColumns(t *testing.T) {
	cases := []struct {
		column    string
		asc, desc string
	}{
		{"id", "d1 d2 d3 d4 raw", "raw d4 d3 d2 d1"},
		{"status", "d2 d3 d1 d4 raw", "d4 d1 d3 d2 raw"},  // ERROR, DEPLOYING, READY, undocumented; unenriched last
		{"app", "d2 d3 d1 d4 raw", "d4 d1 d3 d2 raw"},     // arena, Kart v1.2, kart v1.10.0, zeta
		{"version", "d3 d2 d1 d4 raw", "d4 d1 d2 d3 raw"}, // v1.2 < v1.9.3 < v1.10.0 < v2
		{"location", "d3 d2 d1 d4 raw", "d4 d1 d2 d3 raw"},
		{"age", "d2 raw d3 d1 d4", "d4 d1 d3 raw d2"}, // ascending: youngest first
		{"ip", "d3 d2 d1 d4 raw", "d1 d2 d3 d4 raw"},  // 9.0.0.1 < 10.0.0.9 < 10.0.0.10; none last
		{"sockets", "d4 d2 d1 d3 raw", "d3 d1 d2 d4 raw"},
		{"tags", "d2 d4 d1 d3 raw", "d1 d4 d2 d3 raw"},
		{"ports", "d4 d2 d1 d3 raw", "d3 d1 d2 d4 raw"},
	}
	for _, c := range cases {
		if got := strings.Join(sortedIDs(t, Sort{Column: c.column}), " "); got != c.asc {
			t.Errorf("%s ascending: %s, want %s", c.column, got, c.asc)
		}
		if got := strings.Join(sortedIDs(t, Sort{Column: c.column, Desc: true}), " "); got != c.desc {
			t.Errorf("%s descending: %s, want %s", c.column, got, c.desc)
		}
	}
}

func TestEveryDeploymentColumnSorts(t *testing.T) {
	for _, c := range DeploymentColumns {
		if _, err := DeploymentLess(Sort{Column: c.Key}); err != nil {
			t.Errorf("%s: %v", c.Key, err)
		}
	}
	_, err := DeploymentLess(Sort{Column: "colour"})
	if err == nil || !strings.Contains(err.Error(), "status") {
		t.Fatalf("unknown column: %v", err)
	}
	keys := map[rune]bool{}
	for _, c := range DeploymentColumns {
		if c.SortKey != 0 && keys[c.SortKey] {
			t.Errorf("sort key %c used twice", c.SortKey)
		}
		keys[c.SortKey] = true
	}
}

func TestNaturalCompare(t *testing.T) {
	ordered := []string{"", "a", "v1", "v1.2", "v1.9.3", "v1.10", "v1.10.1", "v2", "V3", "v10", "x"}
	for i := range ordered {
		for j := range ordered {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := naturalCompare(ordered[i], ordered[j]); got != want {
				t.Errorf("naturalCompare(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
	if naturalCompare("v01", "v1") != 0 || !slices.IsSortedFunc([]string{"a9", "a10"}, naturalCompare) {
		t.Error("leading zeros / digit runs")
	}
}
