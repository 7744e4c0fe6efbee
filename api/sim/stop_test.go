package sim

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func TestStopPreReadyThenTerminated(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	var dep api.DeployV2Response
	e.expect(e.do(http.MethodPost, "/v2/deployments", v2Body("kart-racing", "2026.04.2")), http.StatusAccepted, &dep)
	id := dep.RequestID
	var resp api.StopResponse
	e.expect(e.do(http.MethodDelete, "/v1/stop/"+id, nil), http.StatusAccepted, &resp)
	if resp.Message != id+" - Delete request will be processed soon" || resp.DeploymentSummary != nil {
		t.Fatalf("202 body %+v", resp)
	}
	if st := e.status(id); st.CurrentStatus != api.StatusInitializing {
		t.Fatalf("stop must wait for READY or ERROR, got %s", st.CurrentStatus)
	}
	sawTerminating := false
	e.advanceUntil(time.Second, 3*time.Minute, func() bool {
		st := e.status(id).CurrentStatus
		sawTerminating = sawTerminating || st == api.StatusTerminating
		if st == api.StatusReady {
			t.Fatal("a stopped deployment stayed READY")
		}
		if st == api.StatusTerminating {
			e.expect(e.do(http.MethodDelete, "/v1/stop/"+id, nil), http.StatusAccepted, nil)
		}
		return st == api.StatusTerminated
	})
	if !sawTerminating {
		t.Error("never saw TERMINATING")
	}
	r := e.do(http.MethodDelete, "/v1/stop/"+id, nil)
	if r.status != http.StatusGone || message(t, r) != "Instance Already terminated" {
		t.Fatalf("after termination: %d %s", r.status, r.body)
	}
}

func TestStopReadyAnswersSummary(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	for _, st := range []api.Status{api.StatusReady, api.StatusError} {
		d := e.find(inStatus(st))
		var resp api.StopResponse
		e.expect(e.do(http.MethodDelete, "/v1/stop/"+d.id+"?container_log_storage=true", nil), http.StatusOK, &resp)
		s := resp.DeploymentSummary
		if resp.Message == "" || s == nil || s.RequestID != d.id || s.CurrentStatus != api.StatusTerminating || s.LastStatus != st {
			t.Fatalf("stop %s: %+v", st, resp)
		}
		e.clock.Advance(16 * time.Second)
		if got := e.status(d.id).CurrentStatus; got != api.StatusTerminated {
			t.Fatalf("16s after stop: %s", got)
		}
	}
	if r := e.do(http.MethodDelete, "/v1/stop/ffffffffffff", nil); r.status != http.StatusNotFound {
		t.Fatalf("unknown id: %d", r.status)
	}
}

func TestBulkStop(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	ready := expectedIDs(e, inStatus(api.StatusReady))
	bulk := func(filters ...api.BulkStopFilter) []string {
		var res api.BulkStopResult
		e.expect(e.do(http.MethodPost, "/v1/deployments/bulk-stop", api.BulkStopRequest{Filters: filters}), http.StatusAccepted, &res)
		var ids []string
		for _, p := range res.Processable {
			ids = append(ids, p.RequestID)
		}
		return ids
	}
	byID := bulk(api.BulkStopFilter{Field: "request_id", Values: ready[:3], FilterType: "any"})
	if !slices.Equal(slices.Sorted(slices.Values(byID)), slices.Sorted(slices.Values(ready[:3]))) {
		t.Fatalf("by id: %v, want %v", byID, ready[:3])
	}
	for _, id := range byID {
		if st := e.status(id).CurrentStatus; st != api.StatusTerminating {
			t.Fatalf("%s is %s after bulk stop", id, st)
		}
	}
	tagged := func(pred func(d *deployment) bool) []string {
		return expectedIDs(e, func(d *deployment, _ time.Time) bool { return pred(d) })
	}
	wantAll := tagged(func(d *deployment) bool { return d.hasTag("production") && d.hasTag("tournament") })
	if got := bulk(api.BulkStopFilter{Field: "deployment_tags", Values: []string{"production", "tournament"}, FilterType: "all"}); !slices.Equal(got, wantAll) || len(got) == 0 {
		t.Fatalf("tags all: %v, want %v", got, wantAll)
	}
	wantAny := tagged(func(d *deployment) bool { return d.hasTag("canary") || d.hasTag("eu-event") })
	if got := bulk(api.BulkStopFilter{Field: "deployment_tags", Values: []string{"canary", "eu-event"}, FilterType: "any"}); !slices.Equal(got, wantAny) || len(got) == 0 {
		t.Fatalf("tags any: %d, want %d", len(got), len(wantAny))
	}
	wantNot := tagged(func(d *deployment) bool { return !d.hasTag("production") && d.app.name == "cozy-farm" })
	cozy := tagged(func(d *deployment) bool { return d.app.name == "cozy-farm" })
	got := bulk(
		api.BulkStopFilter{Field: "deployment_tags", Values: []string{"production"}, FilterType: "not"},
		api.BulkStopFilter{Field: "request_id", Values: cozy, FilterType: "any"},
	)
	if !slices.Equal(got, wantNot) || len(got) == 0 {
		t.Fatalf("tags not + ids: %d, want %d", len(got), len(wantNot))
	}
	for _, body := range []string{
		`{"filters":[]}`,
		`{"filters":[{"field":"app","values":["x"],"filter_type":"any"}]}`,
		`{"filters":[{"field":"request_id","values":["x"],"filter_type":"some"}]}`,
		`{"filters":[{"field":"request_id","values":[],"filter_type":"any"}]}`,
		`not json`,
	} {
		if r := e.do(http.MethodPost, "/v1/deployments/bulk-stop", []byte(body)); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", body, r.status)
		}
	}
}

func TestSelfStop(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	d := e.find(inStatus(api.StatusReady))
	key, token, ok := e.srv.SelfStopCredentials(d.id)
	if !ok || key == "" || token == "" {
		t.Fatal("no credentials")
	}
	if _, _, ok := e.srv.SelfStopCredentials("ffffffffffff"); ok {
		t.Fatal("credentials for an unknown deployment")
	}
	path := "/v1/self/stop/" + d.id + "/" + key
	for _, tc := range []struct {
		path, auth string
		want       int
	}{
		{path, "", http.StatusUnauthorized},
		{path, "token " + testToken, http.StatusUnauthorized},
		{"/v1/self/stop/" + d.id + "/1", token, http.StatusForbidden},
		{"/v1/self/stop/ffffffffffff/" + key, token, http.StatusNotFound},
	} {
		h := map[string]string{}
		if tc.auth != "" {
			h["Authorization"] = tc.auth
		}
		if r := e.doWith(http.MethodDelete, tc.path, nil, h); r.status != tc.want {
			t.Errorf("%s with %q: %d %s, want %d", tc.path, tc.auth, r.status, r.body, tc.want)
		}
	}
	var resp api.StopResponse
	e.expect(e.doWith(http.MethodDelete, path, nil, map[string]string{"authorization": token}), http.StatusOK, &resp)
	if resp.DeploymentSummary == nil || resp.DeploymentSummary.CurrentStatus != api.StatusTerminating {
		t.Fatalf("self-stop: %+v", resp)
	}
	e.expect(e.doWith(http.MethodDelete, path, nil, map[string]string{"authorization": token}), http.StatusAccepted, nil)
}
