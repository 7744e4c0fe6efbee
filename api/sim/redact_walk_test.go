package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// TestRedactionHidesEverySecretOfEveryAnswer walks every route of the
// simulator (a route without a case fails the test, so a new one must be
// added here), collects every JSON answer, success and error, and checks
// that api.Redact leaves none of the known secret values in any of them,
// while the raw answers do carry each secret (the walk finds them).
func TestRedactionHidesEverySecretOfEveryAnswer(t *testing.T) {
	e := newEnv(t, Config{Deployments: 40, DisableRateLimits: true})
	e.clock.Advance(10 * time.Minute)
	live := e.srv.LiveRequestIDs()
	id := live[0]
	stopKey, deleteToken, _ := e.srv.SelfStopCredentials(live[1])
	users := []map[string]string{{"ip_address": "203.0.113.7"}}

	type req struct {
		method, target string
		body           any
		header         map[string]string
	}
	get := func(targets ...string) []req {
		var out []req
		for _, tg := range targets {
			out = append(out, req{method: http.MethodGet, target: tg})
		}
		return out
	}
	var statusAndLogs []string
	for _, d := range live {
		statusAndLogs = append(statusAndLogs, "/v1/status/"+d)
	}
	var logs []string
	for _, d := range live {
		logs = append(logs, "/v1/deployment/"+d+"/container-logs")
	}
	var versions []string
	for name, vs := range e.srv.Apps() {
		for _, v := range vs {
			versions = append(versions, "/v1/app/"+name+"/version/"+v)
		}
		versions = append(versions, "/v1/app/"+name, "/v1/app/"+name+"/versions", "/v1/app/"+name+"/versions?page=2&limit=2")
	}
	cases := map[string][]req{
		"GET /v1/deployments":                                  get("/v1/deployments", "/v1/deployments?page=2&limit=5", "/v1/deployments?limit=0"),
		"GET /v1/status/{id}":                                  get(append(statusAndLogs, "/v1/status/000000000000")...),
		"DELETE /v1/stop/{id}":                                 {{method: http.MethodDelete, target: "/v1/stop/" + live[2]}, {method: http.MethodDelete, target: "/v1/stop/" + live[3] + "?container_log_storage=nowhere"}},
		"POST /v1/deployments/bulk-stop":                       {{method: http.MethodPost, target: "/v1/deployments/bulk-stop", body: map[string]any{"filters": []map[string]any{{"field": "request_id", "values": []string{live[4]}, "filter_type": "any"}}}}},
		"DELETE /v1/self/stop/{id}/{stop_key}":                 {{method: http.MethodDelete, target: "/v1/self/stop/" + live[1] + "/" + stopKey, header: map[string]string{"Authorization": deleteToken}}},
		"GET /v1/deployment/{id}/container-logs":               get(logs...),
		"GET /v1/metrics/deployment/{id}":                      get("/v1/metrics/deployment/"+id, "/v1/metrics/deployment/"+id+"?steps=nonsense"),
		"GET /v1/locations":                                    get("/v1/locations", "/v1/locations?tags=true", "/v1/locations?app=kart-racing&version=2026.04.2"),
		"POST /v1/deployments/{id}:report":                     {{method: http.MethodPost, target: "/v1/deployments/" + id + ":report", body: map[string]any{"reason": "cheater"}}, {method: http.MethodPost, target: "/v1/deployments/" + id + ":report", body: map[string]any{}}},
		"GET /v1/apps":                                         get("/v1/apps", "/v1/apps?page=2&limit=1"),
		"GET /v1/app/{app}":                                    get("/v1/app/kart-racing", "/v1/app/nope"),
		"PATCH /v1/app/{app}":                                  {{method: http.MethodPatch, target: "/v1/app/cozy-farm", body: map[string]any{"is_active": true}}, {method: http.MethodPatch, target: "/v1/app/cozy-farm", body: map[string]any{"is_active": "yes"}}},
		"GET /v1/app/{app}/versions":                           get(versions...),
		"GET /v1/app/{app}/version/{version}":                  get("/v1/app/kart-racing/version/nope"),
		"PATCH /v1/app/{app}/version/{version}":                {{method: http.MethodPatch, target: "/v1/app/kart-racing/version/2026.04.2", body: map[string]any{"max_duration": 600}}, {method: http.MethodPatch, target: "/v1/app/kart-racing/version/2026.04.2", body: map[string]any{"max_duration": 5000}}},
		"GET /v1/storage/endpoints":                            get("/v1/storage/endpoints", "/v1/storage/endpoints?limit=1&page=2"),
		"GET /v1/deployments/{id}/tags":                        get("/v1/deployments/" + id + "/tags"),
		"POST /v1/deployments/{id}/tags":                       {{method: http.MethodPost, target: "/v1/deployments/" + id + "/tags", body: map[string]string{"name": "incident"}}},
		"GET /v1/deployments/{id}/tags/{tag}":                  get("/v1/deployments/" + id + "/tags/incident"),
		"PATCH /v1/deployments/{id}/tags/{tag}":                {{method: http.MethodPatch, target: "/v1/deployments/" + id + "/tags/incident", body: map[string]string{"name": "incident-2"}}},
		"DELETE /v1/deployments/{id}/tags/{tag}":               {{method: http.MethodDelete, target: "/v1/deployments/" + id + "/tags/incident-2"}},
		"GET /v1/fleets":                                       get("/v1/fleets"),
		"POST /v1/fleet":                                       {{method: http.MethodPost, target: "/v1/fleet", body: map[string]any{"name": "walk-fleet", "enabled": true}}},
		"GET /v1/fleet/{fleet}":                                get("/v1/fleet/na-tournament"),
		"PATCH /v1/fleet/{fleet}":                              {{method: http.MethodPatch, target: "/v1/fleet/walk-fleet", body: map[string]any{"enabled": false}}},
		"DELETE /v1/fleet/{fleet}":                             {{method: http.MethodDelete, target: "/v1/fleet/walk-fleet"}},
		"PUT /v1/fleet/{fleet}/app/{app}/version/{version}":    {{method: http.MethodPut, target: "/v1/fleet/eu-casual/app/kart-racing/version/2026.04.2"}},
		"DELETE /v1/fleet/{fleet}/app/{app}/version/{version}": {{method: http.MethodDelete, target: "/v1/fleet/eu-casual/app/kart-racing/version/2026.04.2"}},
		"GET /v1/fleet/{fleet}/policies":                       get("/v1/fleet/na-tournament/policies"),
		"POST /v1/fleet/{fleet}/policies":                      {{method: http.MethodPost, target: "/v1/fleet/na-tournament/policies", body: map[string]any{"name": "p"}}},
		"GET /v1/fleet/{fleet}/policies/{policy}":              get("/v1/fleet/na-tournament/policies/nope"),
		"PATCH /v1/fleet/{fleet}/policies/{policy}":            {{method: http.MethodPatch, target: "/v1/fleet/na-tournament/policies/nope", body: map[string]any{}}},
		"DELETE /v1/fleet/{fleet}/policies/{policy}":           {{method: http.MethodDelete, target: "/v1/fleet/na-tournament/policies/nope"}},
		"POST /v1/deploy":                                      {{method: http.MethodPost, target: "/v1/deploy", body: map[string]any{"app_name": "kart-racing", "version_name": "2026.05.0-hotfix"}}, {method: http.MethodPost, target: "/v1/deploy", body: map[string]any{"app_name": "kart-racing", "ip_list": []string{"203.0.113.7"}}}},
		"POST /v2/deployments":                                 {{method: http.MethodPost, target: "/v2/deployments", body: map[string]any{"application": "arena-shooter", "version": "v2.0.0-rc1", "users": []map[string]any{{"user_type": "ip_address", "user_data": users[0]}}}}},
		"GET /v2/private-fleets/{fleet}/hosts":                 get("/v2/private-fleets/alpha-fleet/hosts"),
		"POST /v2/private-fleets/deployments":                  {{method: http.MethodPost, target: "/v2/private-fleets/deployments", body: map[string]any{}}},
		"POST /_sim/fail/{id}":                                 {{method: http.MethodPost, target: "/_sim/fail/" + live[5], body: []byte("walk")}},
	}
	var answers [][]byte
	for _, rt := range routeTable() {
		key := rt.method + " " + rt.pattern
		reqs, found := cases[key]
		if !found {
			t.Errorf("no case for %s: add its answers to this walk", key)
			continue
		}
		delete(cases, key)
		for _, r := range reqs {
			var resp response
			if r.header != nil {
				resp = e.doWith(r.method, r.target, r.body, r.header)
			} else {
				resp = e.do(r.method, r.target, r.body)
			}
			if resp.status == http.StatusTooManyRequests {
				t.Fatalf("%s %s: 429", r.method, r.target)
			}
			if len(bytes.TrimSpace(resp.body)) > 0 {
				answers = append(answers, resp.body)
			}
		}
	}
	for key := range cases {
		t.Errorf("case %s matches no route", key)
	}

	raw := bytes.Join(answers, []byte("\n"))
	for _, secret := range KnownSecrets() {
		if !bytes.Contains(raw, []byte(secret)) {
			t.Errorf("no answer carries %q: the walk proves nothing about it", secret)
		}
	}
	redactedAny := 0
	for _, body := range answers {
		red := api.Redact(body)
		for _, secret := range KnownSecrets() {
			if bytes.Contains(red, []byte(secret)) {
				t.Fatalf("%q survives redaction of %s", secret, clipBody(body))
			}
		}
		if !json.Valid(red) {
			t.Fatalf("redaction of %s is not JSON: %s", clipBody(body), clipBody(red))
		}
		if !bytes.Equal(red, body) {
			redactedAny++
		}
		// What the console needs stays: env keys, endpoint storage, the
		// storage endpoints' names and buckets.
		if bytes.Contains(body, []byte(`"envs"`)) {
			for _, keep := range []string{`"MM_SHARED_SECRET"`, `"is_hidden":false`, `"caching_percent"`, `"docker_image"`} {
				if !bytes.Contains(red, []byte(keep)) {
					t.Errorf("redaction of a version lost %s: %s", keep, clipBody(red))
				}
			}
		}
	}
	t.Logf("%d answers walked, %d of them had something to hide", len(answers), redactedAny)
}

func clipBody(b []byte) string {
	s := string(b)
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return strings.TrimSpace(s)
}
