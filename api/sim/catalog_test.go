package sim

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	"github.com/gapdeck/gapdeck/api"
)

func TestLocations(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, DisableRateLimits: true})
	var all api.LocationList
	e.get("/v1/locations", http.StatusOK, &all)
	if len(all.Locations) < 20 || int(all.TotalCount) != len(all.Locations) || all.Pagination == nil || all.Messages == nil {
		t.Fatalf("locations: %d of %d", len(all.Locations), all.TotalCount)
	}
	cities := map[string]bool{}
	for _, l := range all.Locations {
		if l.City == "" || l.Country == "" || l.Continent == "" || l.AdministrativeDivision == "" || l.Timezone == "" ||
			l.Latitude < -90 || l.Latitude > 90 || l.Longitude < -180 || l.Longitude > 180 || (l.Latitude == 0 && l.Longitude == 0) || l.Tags != nil {
			t.Fatalf("incomplete location %+v", l)
		}
		cities[l.City] = true
	}
	for _, city := range []string{"Montreal", "Frankfurt", "Tokyo", "São Paulo", "Sydney", "Singapore"} {
		if !cities[city] {
			t.Errorf("no %s", city)
		}
	}

	var page api.LocationList
	e.get("/v1/locations?limit=10&page=2", http.StatusOK, &page)
	if len(page.Locations) != 10 || page.Locations[0].City != all.Locations[10].City || !page.Pagination.HasPrevious {
		t.Fatalf("page 2: %+v", page.Pagination)
	}

	var fit api.LocationList
	e.get("/v1/locations?app=kart-racing&version=2026.04.2&tags=true&type=standard", http.StatusOK, &fit)
	if len(fit.Locations) == 0 || len(fit.Locations) >= len(all.Locations) || len(fit.Locations[0].Tags) == 0 {
		t.Fatalf("capacity subset: %d of %d", len(fit.Locations), len(all.Locations))
	}
	var again api.LocationList
	e.get("/v1/locations?app=kart-racing&version=2026.04.2&tags=true", http.StatusOK, &again)
	if !slices.EqualFunc(fit.Locations, again.Locations, func(a, b api.Location) bool { return a.City == b.City }) {
		t.Fatal("capacity subset is not stable")
	}
	var none api.LocationList
	e.get("/v1/locations?app=kart-racing&version=oversized", http.StatusOK, &none)
	e.get("/v1/locations?type=premium", http.StatusOK, &page)
	if len(none.Locations) != 0 || len(page.Locations) != 0 || page.Pagination.Paginator.NumPages != 1 {
		t.Fatalf("oversized fits %d locations; type=premium has %d", len(none.Locations), len(page.Locations))
	}
	for _, q := range []string{"app=nope&version=x", "app=kart-racing", "version=x", "tags=maybe", "limit=0"} {
		if r := e.do(http.MethodGet, "/v1/locations?"+q, nil); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", q, r.status)
		}
	}
}

func TestPrivateFleetHosts(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, DisableRateLimits: true})
	if names := e.srv.PrivateFleetNames(); !slices.Equal(names, []string{"alpha-fleet", "beta-fleet"}) {
		t.Fatalf("fleets %v", names)
	}
	states := map[string]int{}
	for _, fleet := range e.srv.PrivateFleetNames() {
		r := e.do(http.MethodGet, "/v2/private-fleets/"+fleet+"/hosts", nil)
		for _, key := range []string{`"ip_address":null`, `"allocated_cpu_units":null`, `"beacon":null`, `"delete_schedule":null`} {
			if !bytes.Contains(r.body, []byte(key)) {
				t.Errorf("%s hosts lack %s", fleet, key)
			}
		}
		var hosts api.HostList
		e.expect(r, http.StatusOK, &hosts)
		if int(hosts.TotalCount) != len(hosts.Data) || hosts.Pagination == nil || hosts.Pagination.Number != 1 {
			t.Fatalf("%s: %+v", fleet, hosts.Pagination)
		}
		for _, h := range hosts.Data {
			states[h.Status]++
			switch h.Status {
			case api.HostPending:
				if h.IPAddress != nil || h.City != nil || h.Latitude != nil || h.AllocatedCPUUnits != nil || h.AllocatableCPUUnits != nil || h.Beacon != nil {
					t.Errorf("PENDING host with details: %+v", h)
				}
			case api.HostActive:
				if h.IPAddress == nil || h.City == nil || h.Country == nil || h.AllocatedCPUUnits == nil || *h.AllocatedCPUUnits > h.FleetHostSpecifications.CPUUnits {
					t.Errorf("ACTIVE host without details: %+v", h)
				}
			default:
				t.Errorf("host status %q", h.Status)
			}
			if h.CreatedAt.IsZero() || h.Centroid.Label == "" || h.FleetHostSpecifications.CPUUnits == 0 {
				t.Errorf("host %s lacks required fields", h.HostID)
			}
		}
	}
	if states[api.HostPending] == 0 || states[api.HostActive] == 0 {
		t.Fatalf("host states %v", states)
	}
	var v v2ErrorBody
	e.expect(e.do(http.MethodGet, "/v2/private-fleets/nope/hosts", nil), http.StatusBadRequest, &v)
	if v.Message == "" || v.Details == nil {
		t.Fatalf("unknown fleet: %+v", v)
	}
}

func TestApps(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5})
	a := e.srv.Apps()
	if len(a) < 4 {
		t.Fatalf("apps %v", a)
	}
	for name, versions := range a {
		if len(versions) < 3 || !slices.Contains(versions, oversizedVersion) {
			t.Errorf("%s versions %v", name, versions)
		}
	}
	a["kart-racing"][0] = "mutated"
	if e.srv.Apps()["kart-racing"][0] == "mutated" {
		t.Fatal("Apps exposes internal state")
	}
}
