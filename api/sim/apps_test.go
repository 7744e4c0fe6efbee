package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// The applications and versions endpoints refuse bad requests with the
// spec's statuses and a message saying what is wrong.
func TestAppsEndpointsRefuseBadRequests(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, DisableRateLimits: true})
	for _, tc := range []struct {
		method, target string
		body           any
		status         int
		msg            string
	}{
		{http.MethodGet, "/v1/app/nope", nil, http.StatusNotFound, "nope not found"},
		{http.MethodGet, "/v1/app/nope/versions", nil, http.StatusNotFound, "nope not found"},
		{http.MethodGet, "/v1/app/kart-racing/version/nope", nil, http.StatusNotFound, "Version nope of application kart-racing"},
		{http.MethodGet, "/v1/apps?limit=0", nil, http.StatusBadRequest, "limit"},
		{http.MethodGet, "/v1/app/kart-racing/versions?page=x", nil, http.StatusBadRequest, "page"},
		{http.MethodPatch, "/v1/app/kart-racing", []byte("{"), http.StatusBadRequest, "invalid JSON"},
		{http.MethodPatch, "/v1/app/kart-racing", []byte("[true]"), http.StatusBadRequest, "JSON"},
		{http.MethodPatch, "/v1/app/kart-racing", map[string]any{"is_active": "no"}, http.StatusBadRequest, "is_active must be true or false"},
		{http.MethodPatch, "/v1/app/kart-racing", map[string]any{"name": "kart-2"}, http.StatusBadRequest, "rename"},
		{http.MethodPatch, "/v1/app/kart-racing/version/2026.04.2", map[string]any{"max_duration": 1441}, http.StatusBadRequest, "between -1 and 1440"},
		{http.MethodPatch, "/v1/app/kart-racing/version/2026.04.2", map[string]any{"max_duration": "1h"}, http.StatusBadRequest, "max_duration must be an integer"},
		{http.MethodPatch, "/v1/app/kart-racing/version/2026.04.2", map[string]any{"is_active": nil}, http.StatusBadRequest, "is_active"},
		{http.MethodPatch, "/v1/app/kart-racing/version/nope", map[string]any{"is_active": true}, http.StatusNotFound, "nope"},
		{http.MethodPut, "/v1/apps", nil, http.StatusMethodNotAllowed, "not allowed"},
		{http.MethodPost, "/v1/deployments/000000000000:report", map[string]any{"reason": "x"}, http.StatusBadRequest, "not found"},
	} {
		r := e.do(tc.method, tc.target, tc.body)
		if r.status != tc.status || !strings.Contains(message(t, r), tc.msg) {
			t.Errorf("%s %s: %d %q, want %d with %q", tc.method, tc.target, r.status, message(t, r), tc.status, tc.msg)
		}
	}
	// Nothing changed.
	var v versionWire
	e.get("/v1/app/kart-racing/version/2026.04.2", http.StatusOK, &v)
	if !v.IsActive || v.MaxDuration != 1440 {
		t.Fatalf("a refused PATCH changed the version: %+v", v)
	}
}

// POST /v1/deployments/{id}:report is routed by its suffix, without
// shadowing bulk-stop; its body is checked like the API's.
func TestReportRoute(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, DisableRateLimits: true})
	id := e.srv.LiveRequestIDs()[0]
	for _, tc := range []struct {
		body   any
		status int
		msg    string
	}{
		{map[string]any{"reason": "cheating", "metadata": map[string]any{"player": "NeonFox"}}, http.StatusOK, ""},
		{map[string]any{}, http.StatusBadRequest, "reason is required"},
		{map[string]any{"reason": ""}, http.StatusBadRequest, "1 to 255"},
		{map[string]any{"reason": strings.Repeat("x", 256)}, http.StatusBadRequest, "got 256"},
		{[]byte("nope"), http.StatusBadRequest, "invalid JSON"},
	} {
		r := e.do(http.MethodPost, "/v1/deployments/"+id+":report", tc.body)
		if r.status != tc.status || (tc.msg != "" && !strings.Contains(message(t, r), tc.msg)) {
			t.Errorf("report %v: %d %s", tc.body, r.status, r.body)
		}
		if tc.status == http.StatusOK && len(r.body) != 0 {
			t.Errorf("a 200 report answered a body: %s", r.body)
		}
	}
	if got := e.srv.Reports(); len(got) != 1 || got[0].RequestID != id || got[0].Metadata["player"] != "NeonFox" {
		t.Fatalf("reports %+v", got)
	}
	e.srv.SetReportUnavailable(true)
	if r := e.do(http.MethodPost, "/v1/deployments/"+id+":report", map[string]any{"reason": "again"}); r.status != http.StatusServiceUnavailable {
		t.Fatalf("while unavailable: %d", r.status)
	}
	if len(e.srv.Reports()) != 1 {
		t.Fatal("a 503 report was kept")
	}
	r := e.do(http.MethodPost, "/v1/deployments/bulk-stop", map[string]any{"filters": []map[string]any{{"field": "request_id", "values": []string{id}, "filter_type": "any"}}})
	if r.status != http.StatusAccepted {
		t.Fatalf("bulk-stop after adding the report route: %d %s", r.status, r.body)
	}
	if got := e.srv.Counters().ByGroup[api.GroupReport].Calls; got != 6 {
		t.Fatalf("%d calls counted in the report group, want 6", got)
	}
}

// Every app's drawn versions keep the world as it was; the catalog lists
// them with the extra ones, times in creation order.
func TestCatalogMatchesTheWorld(t *testing.T) {
	e := newEnv(t, Config{Deployments: 200, DisableRateLimits: true})
	cat := newCatalog(e.clock.Now())
	seen := map[string]bool{}
	for _, id := range e.srv.LiveRequestIDs() {
		st := e.status(id)
		a, found := cat.app(st.AppName)
		if !found {
			t.Fatalf("deployment %s of unknown app %s", id, st.AppName)
		}
		v, found := a.version(st.AppVersion)
		if !found || !v.active {
			t.Fatalf("deployment %s of %s %s: in the catalog %v, active %v", id, st.AppName, st.AppVersion, found, found && v.active)
		}
		seen[st.AppName+" "+st.AppVersion] = true
		if logs := e.do(http.MethodGet, "/v1/deployment/"+id+"/container-logs", nil); v.storage != "" && logs.status == http.StatusOK && !strings.Contains(string(logs.body), `"logs_link"`) {
			t.Errorf("%s of %s %s (endpoint storage) has no logs_link", id, st.AppName, st.AppVersion)
		}
	}
	if len(seen) < 6 {
		t.Fatalf("only %d app versions drawn: %v", len(seen), seen)
	}
	for _, a := range cat.apps {
		for i := 1; i < len(a.versions); i++ {
			if !a.versions[i].created.After(a.versions[i-1].created) || !a.versions[0].created.After(a.created) {
				t.Errorf("%s versions out of order", a.app.name)
			}
		}
		if a.updated.After(e.clock.Now()) || a.versions[len(a.versions)-1].created.After(e.clock.Now().Add(-time.Hour)) {
			t.Errorf("%s has times in the future", a.app.name)
		}
	}
}
