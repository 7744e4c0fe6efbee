package sim

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func TestAuth(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5})
	for _, tc := range []struct {
		header, want string
	}{
		{"", "Missing Token"},
		{"token wrong", "Invalid Token"},
		{testToken, "Invalid Token"},
		{"Bearer " + testToken, "Invalid Token"},
		{"token token " + testToken, "Invalid Token"},
	} {
		h := map[string]string{}
		if tc.header != "" {
			h["Authorization"] = tc.header
		}
		r := e.doWith(http.MethodGet, "/v1/deployments", nil, h)
		if r.status != http.StatusUnauthorized || message(t, r) != tc.want {
			t.Errorf("Authorization %q: %d %s", tc.header, r.status, r.body)
		}
		if bytes.Contains(r.body, []byte(testToken)) {
			t.Errorf("the token was echoed: %s", r.body)
		}
	}
	if r := e.do(http.MethodGet, "/v1/deployments", nil); r.status != http.StatusOK {
		t.Fatalf("valid token: %d", r.status)
	}
}

func TestRoutingErrors(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5})
	r := e.do(http.MethodGet, "/v1/nope", nil)
	if r.status != http.StatusNotFound || message(t, r) != "Not Found" || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("unknown path: %d %v %s", r.status, r.header, r.body)
	}
	r = e.do(http.MethodPut, "/v1/locations", nil)
	if r.status != http.StatusMethodNotAllowed || message(t, r) == "" || r.header.Get("Allow") != http.MethodGet {
		t.Fatalf("wrong method: %d %v %s", r.status, r.header, r.body)
	}
	r = e.do(http.MethodPost, "/v1/fleet/x", nil)
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, PATCH, DELETE" {
		t.Fatalf("wrong method on a fleet: %d %v", r.status, r.header)
	}
}

func TestRateLimits(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5})
	// The list group allows 10 per second.
	for i := 0; i < 10; i++ {
		if r := e.do(http.MethodGet, "/v1/deployments", nil); r.status != http.StatusOK {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
	r := e.do(http.MethodGet, "/v1/deployments", nil)
	if r.status != http.StatusTooManyRequests || message(t, r) == "" {
		t.Fatalf("11th request: %d %s", r.status, r.body)
	}
	if n, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || n < 1 {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	// Groups have their own buckets: status allows 20.
	id := e.srv.LiveRequestIDs()[0]
	for i := 0; i < 20; i++ {
		if r := e.do(http.MethodGet, "/v1/status/"+id, nil); r.status != http.StatusOK {
			t.Fatalf("status request %d: %d", i, r.status)
		}
	}
	if r := e.do(http.MethodGet, "/v1/status/"+id, nil); r.status != http.StatusTooManyRequests {
		t.Fatalf("21st status request: %d", r.status)
	}
	// Tokens refill with simulated time.
	e.clock.Advance(time.Second)
	if r := e.do(http.MethodGet, "/v1/deployments", nil); r.status != http.StatusOK {
		t.Fatalf("after a second: %d", r.status)
	}
	c := e.srv.Counters()
	if got := c.ByGroup[api.GroupList]; got.Calls != 12 || got.RateLimited != 1 {
		t.Errorf("list group %+v", got)
	}
	if got := c.ByRoute["GET /v1/status/{id}"]; got.Calls != 21 || got.RateLimited != 1 {
		t.Errorf("status route %+v", got)
	}
}

func TestRateLimitWithoutRetryAfter(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, OmitRetryAfter: true})
	var r response
	for i := 0; i < 11; i++ {
		r = e.do(http.MethodGet, "/v1/locations", nil)
	}
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("status %d", r.status)
	}
	if _, has := r.header["Retry-After"]; has {
		t.Fatalf("Retry-After present: %v", r.header)
	}
}

func TestRateLimitsDisabled(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, DisableRateLimits: true})
	for i := 0; i < 50; i++ {
		if r := e.do(http.MethodGet, "/v1/locations", nil); r.status != http.StatusOK {
			t.Fatalf("request %d: %d", i, r.status)
		}
	}
}

func TestCountersPerRoute(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, DisableRateLimits: true})
	id := e.srv.LiveRequestIDs()[0]
	e.do(http.MethodGet, "/v1/status/"+id, nil)
	e.do(http.MethodGet, "/v1/status/"+id, nil)
	e.do(http.MethodGet, "/v1/deployments/"+id+"/tags", nil)
	e.do(http.MethodGet, "/v2/private-fleets/alpha-fleet/hosts", nil)
	e.doWith(http.MethodGet, "/v1/locations", nil, nil) // 401s count too
	e.do(http.MethodGet, "/nowhere", nil)               // unknown paths do not
	c := e.srv.Counters()
	for route, want := range map[string]int64{
		"GET /v1/status/{id}":                  2,
		"GET /v1/deployments/{id}/tags":        1,
		"GET /v2/private-fleets/{fleet}/hosts": 1,
		"GET /v1/locations":                    1,
	} {
		if got := c.ByRoute[route].Calls; got != want {
			t.Errorf("%s: %d calls, want %d", route, got, want)
		}
	}
	for g, want := range map[api.Group]int64{api.GroupStatus: 2, api.GroupTags: 1, api.GroupHosts: 1, api.GroupLocations: 1} {
		if got := c.ByGroup[g].Calls; got != want {
			t.Errorf("group %s: %d calls, want %d", g, got, want)
		}
	}
	if len(c.ByRoute) != 4 {
		t.Errorf("routes counted: %v", c.ByRoute)
	}
}

func TestConcurrentRequests(t *testing.T) {
	e := newEnv(t, Config{Deployments: 50, DisableRateLimits: true, Faults: Faults{Malformed: 0.1}})
	ids := e.srv.LiveRequestIDs()
	targets := []string{"/v1/deployments?limit=100", "/v1/status/" + ids[0], "/v1/deployment/" + ids[1] + "/container-logs",
		"/v1/metrics/deployment/" + ids[2], "/v2/private-fleets/alpha-fleet/hosts", "/v1/fleets", "/v1/locations"}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				e.do(http.MethodGet, targets[(g+i)%len(targets)], nil)
				if i%10 == 0 {
					e.do(http.MethodPost, "/v2/deployments", v2Body("kart-racing", "2026.04.2"))
					e.clock.Advance(time.Second)
				}
			}
		}()
	}
	wg.Wait()
	var calls int64
	for _, c := range e.srv.Counters().ByRoute {
		calls += c.Calls
	}
	if calls != 8*(30+3) {
		t.Fatalf("%d calls counted, want %d", calls, 8*33)
	}
}
