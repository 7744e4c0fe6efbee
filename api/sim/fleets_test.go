package sim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func TestFleetsSeeded(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, DisableRateLimits: true})
	r := e.do(http.MethodGet, "/v1/fleets", nil)
	if strings.Contains(string(r.body), "null") {
		t.Fatalf("legacy pagination must leave out absent page numbers: %s", r.body)
	}
	var fleets api.FleetList
	e.expect(r, http.StatusOK, &fleets)
	if len(fleets.Fleets) < 3 || fleets.Pagination == nil || fleets.Pagination.Paginator.NumPages != 1 {
		t.Fatalf("fleets %+v", fleets)
	}
	types := map[string]bool{}
	for _, f := range fleets.Fleets {
		var pols api.PolicyList
		e.get("/v1/fleet/"+f.Name+"/policies", http.StatusOK, &pols)
		for _, p := range pols.Policies {
			types[p.Type] = true
			if p.Minimum < 1 || p.Maximum == nil || *p.Maximum < 1 || p.Threshold < 0.1 || p.Threshold > 1 || !json.Valid(p.Data) || p.CreateTime == nil {
				t.Errorf("policy %+v", p)
			}
			if p.Type == api.PolicyLocation {
				if fs, err := p.LocationFilters(); err != nil || len(fs) == 0 {
					t.Errorf("location policy %s: %v %v", p.Name, fs, err)
				}
			}
		}
	}
	for _, typ := range []string{api.PolicyLocation, api.PolicyTag, api.PolicyCoordinates} {
		if !types[typ] {
			t.Errorf("no %s policy", typ)
		}
	}
	var page api.FleetList
	e.get("/v1/fleets?limit=1&page=2", http.StatusOK, &page)
	if len(page.Fleets) != 1 || *page.Pagination.NextPageNumber != 3 || *page.Pagination.PreviousPageNumber != 1 {
		t.Fatalf("page 2 of 1: %+v", page.Pagination)
	}
}

func TestFleetCRUD(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, DisableRateLimits: true})
	var f api.Fleet
	e.expect(e.do(http.MethodPost, "/v1/fleet", api.FleetCreate{Name: "crud", Enabled: true}), http.StatusOK, &f)
	if f.Name != "crud" || !f.Enabled || f.CreateTime == nil {
		t.Fatalf("created %+v", f)
	}
	for _, body := range []string{`{"name":"crud"}`, `{"name":""}`, `{}`, `nope`} {
		if r := e.do(http.MethodPost, "/v1/fleet", []byte(body)); r.status != http.StatusBadRequest {
			t.Errorf("create %s: %d", body, r.status)
		}
	}
	e.clock.Advance(time.Minute)
	off, name := false, "crud-2"
	e.expect(e.do(http.MethodPatch, "/v1/fleet/crud", api.FleetUpdate{Name: &name, Enabled: &off}), http.StatusOK, &f)
	if f.Name != "crud-2" || f.Enabled || !f.LastUpdated.After(f.CreateTime.Time) {
		t.Fatalf("updated %+v", f)
	}
	taken := "eu-casual"
	if r := e.do(http.MethodPatch, "/v1/fleet/crud-2", api.FleetUpdate{Name: &taken}); r.status != http.StatusBadRequest {
		t.Fatalf("rename onto an existing fleet: %d", r.status)
	}
	e.get("/v1/fleet/crud-2", http.StatusOK, &f)
	if r := e.do(http.MethodGet, "/v1/fleet/crud", nil); r.status != http.StatusNotFound {
		t.Fatalf("old name: %d", r.status)
	}

	var link api.FleetAppVersion
	e.expect(e.do(http.MethodPut, "/v1/fleet/crud-2/app/cozy-farm/version/0.15.1", nil), http.StatusOK, &link)
	if link.App != "cozy-farm" || link.AppVersion != "0.15.1" || link.Fleet != "crud-2" || link.CreateTime == nil {
		t.Fatalf("link %+v", link)
	}
	if r := e.do(http.MethodPut, "/v1/fleet/crud-2/app/cozy-farm/version/9.9", nil); r.status != http.StatusNotFound {
		t.Fatalf("link an unknown version: %d", r.status)
	}
	if r := e.do(http.MethodDelete, "/v1/fleet/crud-2/app/cozy-farm/version/0.15.1", nil); r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("unlink: %d %s", r.status, r.body)
	}
	if r := e.do(http.MethodDelete, "/v1/fleet/crud-2/app/cozy-farm/version/0.15.1", nil); r.status != http.StatusNotFound {
		t.Fatalf("unlink twice: %d", r.status)
	}

	policy := `{"name":"p","enabled":true,"type":"Location","minimum":1,"maximum":4,"threshold":0.5,"data":{"filters":[{"field":"country","values":["Canada"],"filter_type":"any"}]}}`
	var p api.Policy
	e.expect(e.do(http.MethodPost, "/v1/fleet/crud-2/policies", []byte(policy)), http.StatusOK, &p)
	if p.Name != "p" || *p.Maximum != 4 || p.Threshold != 0.5 {
		t.Fatalf("policy %+v", p)
	}
	for _, body := range []string{
		policy, // duplicate name
		`{"name":"q","enabled":true,"type":"Region","minimum":1,"maximum":4,"threshold":0.5,"data":{}}`,
		`{"name":"q","enabled":true,"type":"Tag","minimum":0,"maximum":4,"threshold":0.5,"data":{}}`,
		`{"name":"q","enabled":true,"type":"Tag","minimum":1,"threshold":0.5,"data":{}}`,
		`{"name":"q","enabled":true,"type":"Tag","minimum":1,"maximum":4,"threshold":1.5,"data":{}}`,
		`{"name":"q","enabled":true,"type":"Tag","minimum":1,"maximum":4,"threshold":0.5,"data":[1]}`,
		`{"name":"q","enabled":true,"type":"Location","minimum":1,"maximum":4,"threshold":0.5,"data":{"filters":[{"field":"planet","values":["x"],"filter_type":"any"}]}}`,
	} {
		if r := e.do(http.MethodPost, "/v1/fleet/crud-2/policies", []byte(body)); r.status != http.StatusBadRequest || message(t, r) == "" {
			t.Errorf("create policy %s: %d", body, r.status)
		}
	}
	threshold := 0.9
	e.expect(e.do(http.MethodPatch, "/v1/fleet/crud-2/policies/p", api.PolicyUpdate{Threshold: &threshold}), http.StatusOK, &p)
	if p.Threshold != 0.9 || *p.Maximum != 4 {
		t.Fatalf("patched %+v", p)
	}
	bad := 0.01
	if r := e.do(http.MethodPatch, "/v1/fleet/crud-2/policies/p", api.PolicyUpdate{Threshold: &bad}); r.status != http.StatusBadRequest {
		t.Fatalf("patch out of bounds: %d", r.status)
	}
	e.get("/v1/fleet/crud-2/policies/p", http.StatusOK, &p)
	var msg api.MessageResponse
	e.expect(e.do(http.MethodDelete, "/v1/fleet/crud-2/policies/p", nil), http.StatusOK, &msg)
	if msg.Message == "" {
		t.Fatal("policy delete without a message")
	}
	if r := e.do(http.MethodGet, "/v1/fleet/crud-2/policies/p", nil); r.status != http.StatusNotFound {
		t.Fatalf("deleted policy: %d", r.status)
	}
	e.expect(e.do(http.MethodDelete, "/v1/fleet/crud-2", nil), http.StatusOK, &msg)
	for _, target := range []string{"/v1/fleet/crud-2", "/v1/fleet/crud-2/policies"} {
		if r := e.do(http.MethodGet, target, nil); r.status != http.StatusNotFound {
			t.Errorf("%s after delete: %d", target, r.status)
		}
	}
}

func TestLegacyFleetsDeprecation(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, DisableRateLimits: true, DisableLegacyFleets: true})
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/v1/fleets"},
		{http.MethodPost, "/v1/fleet"},
		{http.MethodGet, "/v1/fleet/na-tournament"},
		{http.MethodGet, "/v1/fleet/na-tournament/policies"},
		{http.MethodPut, "/v1/fleet/x/app/y/version/z"},
		{http.MethodGet, "/v1/fleet/x/unknown/path"},
		{http.MethodPost, "/v1/fleets"},
	} {
		r := e.do(tc.method, tc.path, nil)
		if r.status != http.StatusNotFound || !strings.Contains(message(t, r), "deprecated on 2026-03-01") {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, r.status, r.body)
		}
	}
	if r := e.doWith(http.MethodGet, "/v1/fleets", nil, nil); r.status != http.StatusUnauthorized {
		t.Errorf("auth still applies: %d", r.status)
	}
	e.srv.SetLegacyFleets(true)
	e.expect(e.do(http.MethodGet, "/v1/fleets", nil), http.StatusOK, nil)
	e.srv.SetLegacyFleets(false)
	e.expect(e.do(http.MethodGet, "/v1/fleets", nil), http.StatusNotFound, nil)
}
