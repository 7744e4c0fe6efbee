package e2e

import (
	"strings"
	"testing"
)

// The Prism stage's own parts, checked without Prism: the allow-list
// file, the reading of Prism's sl-violations header, the routing.

func TestPrismAllowListNamesOnlyDocumentedDefects(t *testing.T) {
	allow, err := loadAllowList()
	if err != nil {
		t.Fatal(err)
	}
	if len(allow) == 0 || len(allow) > 8 {
		t.Fatalf(".ci/prism-allow.txt has %d entries; it should hold a few documented spec defects", len(allow))
	}
	for _, c := range []struct {
		v    prismViolation
		want bool
	}{
		{prismViolation{Method: "GET", Path: "/v1/status/0261ffc742e2", Location: "response.body.start_time", Code: "format"}, true},
		{prismViolation{Method: "DELETE", Path: "/v1/stop/0261ffc742e2", Location: "response.body.deployment_summary.removal_time", Code: "format"}, true},
		{prismViolation{Method: "GET", Path: "/v1/metrics/deployment/0261ffc742e2", Location: "request.query.start_time", Code: "format"}, true},
		{prismViolation{Method: "GET", Path: "/v1/metrics/deployment/0261ffc742e2", Location: "response.body.total.receive_total.timestamps.3", Code: "truncated"}, true},
		{prismViolation{Method: "DELETE", Path: "/v1/fleet/eu/policies/p1", Location: "response", Code: "-"}, true},
		// Not defects of the specs: a wrong type, a missing field, a
		// request the specs do not describe, another status code.
		{prismViolation{Method: "GET", Path: "/v1/status/0261ffc742e2", Location: "response.body.start_time", Code: "type"}, false},
		{prismViolation{Method: "GET", Path: "/v1/status/0261ffc742e2", Location: "response.body", Code: "required"}, false},
		{prismViolation{Method: "GET", Path: "/v1/deployments", Location: "request.query.limit", Code: "format"}, false},
		{prismViolation{Method: "GET", Path: "/v1/nowhere", Location: "request", Code: "NO_PATH_MATCHED_ERROR"}, false},
		{prismViolation{Method: "DELETE", Path: "/v1/stop/0261ffc742e2", Location: "response", Code: "-"}, false},
	} {
		if got := allowedBy(allow, c.v) != ""; got != c.want {
			t.Errorf("allowed(%s) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestPrismViolationsHeaderEvenWhenCut(t *testing.T) {
	whole := `[{"location":["response","body","start_time"],"severity":"Error","code":"format","message":"m1"},{"location":["response"],"severity":"Error","message":"m2"}]`
	got := parseViolations("GET", "/v1/status/a", "v1", whole)
	if len(got) != 2 || got[0].Location != "response.body.start_time" || got[0].Code != "format" || got[1].Code != "-" {
		t.Fatalf("parse(whole) = %+v", got)
	}
	cut := "Too many violations! " + whole[:strings.Index(whole, `"message":"m2"`)]
	got = parseViolations("GET", "/v1/status/a", "v1", cut)
	if len(got) != 2 || got[0].Code != "format" || got[1].Code != "truncated" || got[1].Location != "response.body.start_time" {
		t.Fatalf("parse(cut) = %+v", got)
	}
	if got := parseViolations("GET", "/v1/status/a", "v1", "garbage"); len(got) != 1 || got[0].Code != "unreadable" {
		t.Fatalf("parse(garbage) = %+v", got)
	}
}

func TestPrismSpecForPath(t *testing.T) {
	for path, want := range map[string]string{
		"/v1/deployments":                      "v1",
		"/v1/status/abc":                       "v1",
		"/v1/locations":                        "v1",
		"/v1/fleets":                           "legacy",
		"/v1/fleet":                            "legacy",
		"/v1/fleet/eu/policies/p1":             "legacy",
		"/v1/fleetwood":                        "v1",
		"/v2/deployments":                      "v2",
		"/v2/private-fleets/alpha-fleet/hosts": "v2",
	} {
		if got := prismSpecFor(path); got != want {
			t.Errorf("prismSpecFor(%q) = %s, want %s", path, got, want)
		}
	}
}
