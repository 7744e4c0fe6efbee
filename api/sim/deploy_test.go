package sim

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// v2Body is a v2 deploy body for one user in Montreal.
func v2Body(app, version string) api.DeployV2Request {
	return api.DeployV2Request{Application: app, Version: version, Users: []api.DeployUser{api.GeoUser(45.5, -73.56)}, Tags: []string{"sim-test"}}
}

func TestDeployV1(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	loc := &api.LatLong{Latitude: 48.85, Longitude: 2.35}
	var resp api.DeployV1Response
	e.expect(e.do(http.MethodPost, "/v1/deploy", api.DeployV1Request{AppName: "kart-racing", IPList: []string{"1.2.3.4", "5.6.7.8"}, Tags: []string{"v1"}, Location: loc}), http.StatusOK, &resp)
	if !requestIDPattern.MatchString(resp.RequestID) || resp.RequestDNS != resp.RequestID+".pr.edgegap.net" ||
		resp.RequestApp != "kart-racing" || resp.RequestVersion != "2026.04.2" || resp.RequestUserCount != 2 || resp.Filters == nil {
		t.Fatalf("v1 deploy: %+v", resp)
	}
	st := e.status(resp.RequestID)
	if st.CurrentStatus != api.StatusInitializing || !slices.Equal(st.Tags, []string{"v1"}) {
		t.Fatalf("new v1 deployment: %+v", st)
	}
	filtered := api.DeployV1Request{AppName: "cozy-farm", VersionName: "0.14.0", Filters: []api.LocationFilter{{Field: "continent", Values: []string{"Asia"}, FilterType: "any"}}}
	e.expect(e.do(http.MethodPost, "/v1/deploy", filtered), http.StatusOK, &resp)
	if st := e.status(resp.RequestID); st.Location.Continent != "Asia" {
		t.Fatalf("filters ignored: %+v", st.Location)
	}
	for body, want := range map[string]int{
		`{"app_name":"nope"}`:                            http.StatusNotFound,
		`{"app_name":"kart-racing","version_name":"v9"}`: http.StatusNotFound,
		`{"version_name":"v9"}`:                          http.StatusBadRequest,
		`{"app_name":"kart-racing","ip_list":["1.1.1.1"],"geo_ip_list":[{"ip":"1.1.1.1","latitude":1,"longitude":1}]}`: http.StatusBadRequest,
		`{"app_name":"kart-racing","filters":[{"field":"planet","values":["Mars"],"filter_type":"any"}]}`:              http.StatusBadRequest,
		`{"app_name":"kart-racing","tags":[""]}`:                http.StatusBadRequest,
		`{"app_name":"kart-racing","version_name":"oversized"}`: http.StatusUnprocessableEntity,
	} {
		if r := e.do(http.MethodPost, "/v1/deploy", []byte(body)); r.status != want || message(t, r) == "" {
			t.Errorf("%s: %d %s, want %d", body, r.status, r.body, want)
		}
	}
}

func TestDeployV2WalksLifecycle(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	ids := map[string]bool{}
	for i := 0; i < 12; i++ {
		var resp api.DeployV2Response
		e.expect(e.do(http.MethodPost, "/v2/deployments", v2Body("arena-shooter", "v1.9.3")), http.StatusAccepted, &resp)
		ids[resp.RequestID] = true
	}
	if len(ids) != 12 {
		t.Fatalf("request IDs repeat: %v", ids)
	}
	settled := map[string]api.Status{}
	e.advanceUntil(time.Second, 2*time.Minute, func() bool {
		for id := range ids {
			if st := e.status(id); st.CurrentStatus.Settled() {
				settled[id] = st.CurrentStatus
				if !slices.Contains(st.Tags, "sim-test") || st.AppName != "arena-shooter" || st.Location.Continent != "North America" {
					t.Fatalf("deployed %+v", st)
				}
			}
		}
		return len(settled) == len(ids)
	})
	ready := 0
	for _, st := range settled {
		if st == api.StatusReady {
			ready++
		}
	}
	if ready < 9 {
		t.Fatalf("only %d of 12 reached READY", ready)
	}
}

func TestDeployV2Errors(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	for body, field := range map[string]string{
		`{"application":"nope","version":"x","users":[{"user_type":"ip_address","user_data":{"ip_address":"1.2.3.4"}}]}`:                                                              "version",
		`{"application":"kart-racing","version":"2026.04.2","users":[]}`:                                                                                                              "users",
		`{"application":"kart-racing","version":"2026.04.2","users":[{"user_type":"ip_address","user_data":{"ip_address":"nope"}}]}`:                                                  "users",
		`{"application":"kart-racing","version":"2026.04.2","users":[{"user_type":"geo_coordinates","user_data":{"latitude":91,"longitude":0}}]}`:                                     "users",
		`{"application":"kart-racing","version":"2026.04.2","users":[{"user_type":"carrier_pigeon","user_data":{}}]}`:                                                                 "users",
		`{"application":"kart-racing","version":"2026.04.2","users":[{"user_type":"ip_address","user_data":{"ip_address":"1.2.3.4"}}],"tags":["` + strings.Repeat("x", 41) + `"]}`:    "tags",
		`{"application":"kart-racing","version":"2026.04.2","users":[{"user_type":"ip_address","user_data":{"ip_address":"1.2.3.4"}}],"resources":{"cpu_units":50,"memory_mib":512}}`: "resources",
	} {
		var v v2ErrorBody
		e.expect(e.do(http.MethodPost, "/v2/deployments", []byte(body)), http.StatusBadRequest, &v)
		if v.Message == "" || v.Details[field] == "" {
			t.Errorf("%s: %+v, want details on %s", body, v, field)
		}
	}
	oversized := v2Body("battle-royale", "oversized")
	big := v2Body("battle-royale", "season-12")
	big.Resources = &api.Resources{CPUUnits: maxCPUUnits + 1, MemoryMiB: 2048}
	for _, body := range []api.DeployV2Request{oversized, big} {
		var resp api.DeployV2Response
		e.expect(e.do(http.MethodPost, "/v2/deployments", body), http.StatusUnprocessableEntity, &resp)
		if resp.Message != "Couldn't Allocate Server" || !requestIDPattern.MatchString(resp.RequestID) {
			t.Fatalf("422 body %+v", resp)
		}
		st := e.status(resp.RequestID)
		if st.CurrentStatus != api.StatusError || !st.Error || st.ErrorDetail != "Couldn't Allocate Server" {
			t.Fatalf("422 deployment: %+v", st)
		}
	}
}

func TestDeployPrivateFleet(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	body := func(hosts ...string) api.PrivateFleetDeployRequest {
		return api.PrivateFleetDeployRequest{PrivateHostIDs: hosts, DeployV2Request: v2Body("kart-racing", "2026.04.2")}
	}
	var resp api.DeployV2Response
	e.expect(e.do(http.MethodPost, "/v2/private-fleets/deployments", body("beta-asia-6a7b8c9d", "beta-asia-1f2e3d4c")), http.StatusAccepted, &resp)
	st := e.status(resp.RequestID)
	if st.Location.City != "Tokyo" || st.PublicIP != "192.0.2.44" {
		t.Fatalf("placed at %s (%s), want the first ACTIVE host in Tokyo", st.Location.City, st.PublicIP)
	}
	var hosts api.HostList
	e.get("/v2/private-fleets/beta-fleet/hosts", http.StatusOK, &hosts)
	for _, h := range hosts.Data {
		if h.HostID == "beta-asia-1f2e3d4c" && *h.AllocatedCPUUnits != hostReservedCPU+512 {
			t.Fatalf("host allocation %d", *h.AllocatedCPUUnits)
		}
	}
	e.expect(e.do(http.MethodPost, "/v2/private-fleets/deployments", body("beta-asia-6a7b8c9d", "beta-oceania-77aa88bb")), http.StatusUnprocessableEntity, &resp)
	if resp.RequestID == "" || e.status(resp.RequestID).CurrentStatus != api.StatusError {
		t.Fatalf("no ACTIVE host: %+v", resp)
	}
	for _, b := range []api.PrivateFleetDeployRequest{body(), body("nope"), body("beta-asia-1f2e3d4c", "beta-asia-1f2e3d4c"), {PrivateHostIDs: []string{"beta-asia-1f2e3d4c"}}} {
		if r := e.do(http.MethodPost, "/v2/private-fleets/deployments", b); r.status != http.StatusBadRequest || message(t, r) == "" {
			t.Errorf("%+v: %d %s", b, r.status, r.body)
		}
	}
}
