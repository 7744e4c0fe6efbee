package spectest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestLoad(t *testing.T) {
	s := Load(t)
	if s != Load(t) {
		t.Fatal("Load is not memoized")
	}
	ids := map[string]Operation{}
	count := map[string]int{}
	for _, op := range s.AllOperations() {
		ids[op.ID()] = op
		count[op.Spec]++
	}
	if count[V1] == 0 || count[V2] != 3 || count[Legacy] != 12 {
		t.Errorf("operations per spec = %v, want v1 > 0, v2 = 3, legacy = 12 (Smart Fleets only)", count)
	}
	for id, want := range map[string]Operation{
		"deployment-get":                   {V1, "GET", "/v1/status/{deployment_id}", "deployment-get"},
		"deployment-report":                {V1, "POST", "/v1/deployments/{deployment_id}:report", "deployment-report"},
		"v2-deployment-create":             {V2, "POST", "/v2/deployments", "v2-deployment-create"},
		"private-fleet-hosts-list":         {V2, "GET", "/v2/private-fleets/{fleet-name}/hosts", "private-fleet-hosts-list"},
		"fleet-policies-delete":            {Legacy, "DELETE", "/v1/fleet/{fleet_name}/policies/{policy_name}", "fleet-policies-delete"},
		"fleets":                           {Legacy, "GET", "/v1/fleets", "fleets"},
		"private-fleets-deployment-create": {V2, "POST", "/v2/private-fleets/deployments", "private-fleets-deployment-create"},
	} {
		if got := ids[id]; got != want {
			t.Errorf("operation %s = %+v, want %+v", id, got, want)
		}
	}
}

// TestPatchesNeededAndSufficient shows that each vendor document fails
// kin-openapi's Validate for exactly the defects patch fixes (v2 is valid
// as published and needs only the 429 answer), and passes once patched.
func TestPatchesNeededAndSufficient(t *testing.T) {
	for _, tc := range []struct {
		spec    string
		defects []string // substrings of the unpatched Validate error; none: valid as published
	}{
		{V1, []string{
			"invalid default: number must be at least 15", // (v1-a)
			`doesn't match the format "date-time"`,        // (v1-b)
			`doesn't match the format "date"`,             // (v1-b) MetricsModel.timestamps
			"invalid example: number must be at least 1",  // (v1-c) page/limit; raw's example is hidden behind the metrics date-time error
		}},
		{V2, nil},
		{Legacy, []string{
			"value of version must be a non-empty string",     // (legacy-b)
			`Error at "/pagination": value must be an object`, // (legacy-c)
			`Error at "/data/0": doesn't match schema`,        // (legacy-c)
		}},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			doc, err := loadRaw(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			err = doc.Validate(context.Background(), openapi3.EnableMultiError())
			switch {
			case len(tc.defects) == 0 && err != nil:
				t.Errorf("unpatched %s should be valid: %v", tc.spec, err)
			case len(tc.defects) > 0 && err == nil:
				t.Errorf("unpatched %s is valid: drop the patches", tc.spec)
			}
			for _, d := range tc.defects {
				if err != nil && !strings.Contains(err.Error(), d) {
					t.Errorf("unpatched %s: no %q in\n%v", tc.spec, d, err)
				}
			}
			if err := patch(tc.spec, doc); err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(context.Background()); err != nil {
				t.Errorf("patched %s: %v", tc.spec, err)
			}
			if err := patch(tc.spec, doc); err == nil {
				t.Errorf("patching %s twice should report the already-applied fixes", tc.spec)
			}
		})
	}
}

func TestSpecFor(t *testing.T) {
	for path, want := range map[string]string{
		"/v1/status/abc":                  V1,
		"/v1/deployments":                 V1,
		"/v1/fleet":                       Legacy,
		"/v1/fleets":                      Legacy,
		"/v1/fleet/f/policies/p":          Legacy,
		"/v1/fleetx":                      V1,
		"/v2/deployments":                 V2,
		"/v2/private-fleets/x/hosts":      V2,
		"/v1/deployments/abc:report":      V1,
		"/v1/self/stop/abc/123":           V1,
		"/v1/metrics/deployment/c0653765": V1,
	} {
		if got := specFor(path); got != want {
			t.Errorf("specFor(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestValidateTimestamp(t *testing.T) {
	for _, ok := range []string{"2025-06-20 12:00:43.066217", "2021-07-14 14:17:37.711", "2021-07-10 00:00:00", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00.123+02:00"} {
		if err := validateTimestamp(ok); err != nil {
			t.Errorf("validateTimestamp(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "yesterday", "2025-06-20", "2025-13-20 12:00:00", "2025-06-20T12:00:00", "1750420843"} {
		if validateTimestamp(bad) == nil {
			t.Errorf("validateTimestamp(%q) accepted", bad)
		}
	}
}

// fakeAPI answers every request with a fixed response and checks that
// the request reached it intact.
type fakeAPI struct {
	status int
	body   string
	header http.Header

	gotBody string
}

func (f *fakeAPI) RoundTrip(req *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body.Close()
	f.gotBody = string(b)
	h := f.header
	if h == nil {
		h = http.Header{"Content-Type": {"application/json"}}
	}
	return &http.Response{
		StatusCode: f.status, Header: h, Request: req,
		Body: io.NopCloser(strings.NewReader(f.body)), ContentLength: int64(len(f.body)),
	}, nil
}

const (
	statusOK = `{"request_id":"c0653765de3b","fqdn":"c0653765de3b.pr.edgegap.net","app_name":"test","app_version":"v1",
		"current_status":"Status.READY","running":true,"start_time":"2025-06-20 12:00:43.066217","elapsed_time":12,
		"max_duration":60,"error":false,"public_ip":"192.0.2.1","tags":["prod"],
		"location":{"city":"Montreal","country":"Canada","continent":"North America","administrative_division":"Quebec",
			"timezone":"Eastern Time","latitude":45.5,"longitude":-73.5}}`
	hostsOK = `{"data":[{"host_id":"alpha-1","status":"ACTIVE","allocated_cpu_units":null,"allocated_memory_mb":2176,
		"created_at":"2025-11-26T16:32:30.825138Z","updated_at":"2025-11-26T16:32:30.825144Z",
		"centroid":{"label":"Alpha","latitude":43.9,"longitude":-78.6,"radius_km":100,"desired_host_count":1},
		"fleet_host_specifications":{"cpu_units":16384,"memory_mb":32768,"base_clock_speed_mhz":2000}}],
		"total_count":1,"pagination":{"number":1,"next_page_number":null,"previous_page_number":null,
		"paginator":{"num_pages":1},"has_next":false,"has_previous":false}}`
	policy = `{"name":"p","enabled":true,"type":"Location","minimum":1,"maximum":2,"threshold":0.5,"data":{"filters":[]}}`
)

func TestTransport(t *testing.T) {
	auth := http.Header{"Authorization": {"token 00000000-0000-0000-0000-000000000000"}}
	for _, tc := range []struct {
		name         string
		method, url  string
		header       http.Header
		body         string
		status       int
		respBody     string
		wantOp       string // Operations() entry
		wantProblems []string
	}{
		{name: "status ok", method: "GET", url: "/v1/status/c0653765de3b", header: auth, status: 200, respBody: statusOK, wantOp: "deployment-get 200"},
		{name: "status RFC 3339 time ok", method: "GET", url: "/v1/status/c0653765de3b", header: auth, status: 200,
			respBody: strings.Replace(statusOK, "2025-06-20 12:00:43.066217", "2025-06-20T12:00:43Z", 1)},
		{name: "status bad time", method: "GET", url: "/v1/status/c0653765de3b", header: auth, status: 200,
			respBody:     strings.Replace(statusOK, "2025-06-20 12:00:43.066217", "yesterday", 1),
			wantProblems: []string{`GET /v1/status/{deployment_id} → 200: `, `"edgegap-timestamp"`}},
		{name: "status missing required fields", method: "GET", url: "/v1/status/c0653765de3b", header: auth, status: 200,
			respBody: `{"request_id":"c0653765de3b"}`, wantProblems: []string{`property "fqdn" is missing`, `property "start_time" is missing`}},
		{name: "status integer sent as string", method: "GET", url: "/v1/status/c0653765de3b", header: auth, status: 200,
			respBody: strings.Replace(statusOK, `"elapsed_time":12`, `"elapsed_time":"12"`, 1), wantProblems: []string{"value must be an integer"}},
		{name: "undeclared status", method: "DELETE", url: "/v1/deployments/c0653765de3b/tags/prod", header: auth, status: 200,
			respBody: `{"message":"ok"}`, wantOp: "deployment-tag-delete 200", wantProblems: []string{"status is not supported"}},
		{name: "tag delete 204", method: "DELETE", url: "/v1/deployments/c0653765de3b/tags/prod", header: auth, status: 204, wantOp: "deployment-tag-delete 204"},
		{name: "wrong content type", method: "GET", url: "/v1/status/c0653765de3b", header: auth, status: 500, respBody: "oops",
			wantProblems: []string{"Content-Type"}},
		{name: "missing token", method: "GET", url: "/v1/status/c0653765de3b", status: 401, respBody: `{"message":"Missing Token"}`,
			wantProblems: []string{"GET /v1/status/{deployment_id} request: ", "missing Authorization header"}},
		{name: "429 on v1 (patched)", method: "GET", url: "/v1/deployments?page=2&limit=20", header: auth, status: 429, respBody: `{"message":"slow down"}`, wantOp: "deployment-list 429"},
		{name: "429 without message", method: "GET", url: "/v1/deployments", header: auth, status: 429, respBody: `{}`, wantProblems: []string{`property "message" is missing`}},
		{name: "list bad page", method: "GET", url: "/v1/deployments?page=0", header: auth, status: 400, respBody: `{"message":"bad page"}`,
			wantProblems: []string{`parameter "page" in query`, "at least 1"}},
		{name: "Accept and Content-Type header params", method: "GET", url: "/v1/deployment/c0653765de3b/container-logs",
			header: http.Header{"Authorization": auth["Authorization"], "Accept": {"application/json"}, "Content-Type": {"application/json"}},
			status: 200, respBody: `{"logs":"hi","crash_logs":null,"crash_data":null,"encoding":"utf-8","logs_link":null}`},
		{name: "metrics v1 query times", method: "GET", url: "/v1/metrics/deployment/c0653765de3b?start_time=2021-07-10+00%3A00%3A00&end_time=2021-07-10+01%3A00%3A00&steps=1m&raw=true",
			header: auth, status: 200, respBody: `{"cpu":{"labels":["00:00:00"],"datasets":[2458],"timestamps":["2021-07-14 14:17:37.711"]}}`},
		{name: "metrics datasets as strings", method: "GET", url: "/v1/metrics/deployment/c0653765de3b", header: auth, status: 200,
			respBody: `{"cpu":{"labels":["00:00:00"],"datasets":["2458"],"timestamps":["2021-07-14 14:17:37.711"]}}`, wantProblems: []string{"value must be an integer"}},
		{name: "bulk stop", method: "POST", url: "/v1/deployments/bulk-stop", header: auth,
			body:   `{"filters":[{"field":"deployment_tags","values":["a"],"filter_type":"all"}]}`,
			status: 202, respBody: `{"processable":[{"request_id":"c0653765de3b"}]}`, wantOp: "deployment-bulk-delete 202"},
		{name: "bulk stop bad field", method: "POST", url: "/v1/deployments/bulk-stop", header: auth,
			body:   `{"filters":[{"field":"status","values":["a"],"filter_type":"any"}]}`,
			status: 400, respBody: `{"message":"bad"}`, wantProblems: []string{"POST /v1/deployments/bulk-stop request: ", "status"}},
		{name: "self stop with delete token", method: "DELETE", url: "/v1/self/stop/c0653765de3b/660", header: http.Header{"Authorization": {"delete-token"}},
			status: 202, respBody: `{"message":"c0653765de3b - Delete request will be processed soon"}`, wantOp: "deployment-self-delete 202"},
		{name: "self stop without token", method: "DELETE", url: "/v1/self/stop/c0653765de3b/660", status: 401, respBody: `{"message":"no"}`,
			wantProblems: []string{`parameter "authorization" in header has an error: value is required but missing`}},
		{name: "report verb", method: "POST", url: "/v1/deployments/c0653765de3b:report", header: auth, body: `{"reason":"cheating"}`, status: 200, wantOp: "deployment-report 200"},
		{name: "v2 deploy", method: "POST", url: "/v2/deployments", header: auth,
			body:   `{"application":"a","version":"v","users":[{"user_type":"ip_address","user_data":{"ip_address":"192.0.2.1"}}]}`,
			status: 202, respBody: `{"request_id":"a69f8e3e0555"}`, wantOp: "v2-deployment-create 202"},
		{name: "v2 deploy no users", method: "POST", url: "/v2/deployments", header: auth, body: `{"application":"a","version":"v","users":[]}`,
			status: 400, respBody: `{"message":"bad"}`, wantProblems: []string{"POST /v2/deployments request: ", "minimum number of items is 1"}},
		{name: "v2 422", method: "POST", url: "/v2/deployments", header: auth,
			body:   `{"application":"a","version":"v","users":[{"user_type":"ip_address","user_data":{"ip_address":"192.0.2.1"}}]}`,
			status: 422, respBody: `{"message":"Couldn't Allocate Server"}`, wantProblems: []string{`property "request_id" is missing`}},
		{name: "v2 hosts (hyphenated param)", method: "GET", url: "/v2/private-fleets/my-fleet/hosts", header: auth, status: 200, respBody: hostsOK, wantOp: "private-fleet-hosts-list 200"},
		{name: "v2 hosts bad status enum", method: "GET", url: "/v2/private-fleets/my-fleet/hosts", header: auth, status: 200,
			respBody: strings.Replace(hostsOK, `"ACTIVE"`, `"RUNNING"`, 1), wantProblems: []string{"value is not one of the allowed values"}},
		{name: "legacy policy delete 200 (patched)", method: "DELETE", url: "/v1/fleet/f/policies/p", header: auth, status: 200, respBody: `{"message":"deleted"}`, wantOp: "fleet-policies-delete 200"},
		{name: "legacy policy create", method: "POST", url: "/v1/fleet/f/policies", header: auth, body: policy, status: 200, respBody: policy, wantOp: "fleet-policies-create 200"},
		{name: "legacy policy threshold too high", method: "POST", url: "/v1/fleet/f/policies", header: auth,
			body: strings.Replace(policy, "0.5", "1.5", 1), status: 400, respBody: `{"message":"bad"}`, wantProblems: []string{"number must be at most 1"}},
		{name: "legacy fleets", method: "GET", url: "/v1/fleets?page=1&limit=10", header: auth, status: 200, respBody: `{"fleets":[{"name":"f","enabled":true}]}`, wantOp: "fleets 200"},
		{name: "legacy fleets deprecated (patched 404)", method: "GET", url: "/v1/fleets", header: auth, status: 404, respBody: `{"message":"Smart Fleets were deprecated"}`, wantOp: "fleets 404"},
		{name: "legacy fleets 410 undeclared", method: "GET", url: "/v1/fleets", header: auth, status: 410, respBody: `{"message":"gone"}`, wantProblems: []string{"status is not supported"}},
		{name: "unknown path", method: "GET", url: "/v1/nowhere", header: auth, status: 404, respBody: `{"message":"nope"}`,
			wantProblems: []string{"GET /v1/nowhere: not an operation of the v1 spec"}},
		{name: "method not allowed", method: "PUT", url: "/v1/status/c0653765de3b", header: auth, status: 405, respBody: `{"message":"nope"}`,
			wantProblems: []string{"method not allowed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := &fakeAPI{status: tc.status, body: tc.respBody}
			if tc.respBody == "" {
				api.header = http.Header{}
			} else if !strings.HasPrefix(tc.respBody, "{") {
				api.header = http.Header{"Content-Type": {"text/plain"}}
			}
			tr := Load(t).Transport(api)
			req, err := http.NewRequest(tc.method, "http://127.0.0.1:1"+tc.url, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header[k] = v
			}
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(got) != tc.respBody || resp.StatusCode != tc.status {
				t.Errorf("caller got %d %q, want %d %q", resp.StatusCode, got, tc.status, tc.respBody)
			}
			if api.gotBody != tc.body {
				t.Errorf("server got body %q, want %q", api.gotBody, tc.body)
			}
			problems := strings.Join(tr.Problems(), "\n")
			if len(tc.wantProblems) == 0 && problems != "" {
				t.Errorf("unexpected problems:\n%s", problems)
			}
			for _, want := range tc.wantProblems {
				if !strings.Contains(problems, want) {
					t.Errorf("no problem mentioning %q in:\n%s", want, problems)
				}
			}
			if tc.wantOp != "" && !slices.Contains(tr.Operations(), tc.wantOp) {
				t.Errorf("Operations() = %v, want %q in it", tr.Operations(), tc.wantOp)
			}
		})
	}
}

// TestTransportHTTPTest runs the Transport in front of a real server on
// 127.0.0.1, concurrently, and checks Operations and Check.
func TestTransportHTTPTest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Missing Token"}`)
			return
		}
		fmt.Fprint(w, statusOK)
	}))
	defer srv.Close()
	tr := Load(t).Transport(srv.Client().Transport)
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v1/status/%012x", srv.URL, i), nil)
			req.Header.Set("Authorization", "token x")
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		})
	}
	wg.Wait()
	tr.Check(t)
	if got, want := tr.Operations(), []string{"deployment-get 200"}; !slices.Equal(got, want) {
		t.Errorf("Operations() = %v, want %v", got, want)
	}
}

func TestValidateStandalone(t *testing.T) {
	s := Load(t)
	if err := s.ValidateResponse("GET", "/v1/status/{request_id}", 200, nil, []byte(statusOK)); err != nil {
		t.Errorf("status template: %v", err)
	}
	if err := s.ValidateResponse("DELETE", "/v1/deployments/{request_id}/tags/{tag_name}", 204, nil, nil); err != nil {
		t.Errorf("tag delete 204: %v", err)
	}
	if err := s.ValidateResponse("GET", "/v1/status/abc", 200, nil, []byte(`{}`)); err == nil {
		t.Error("empty status accepted")
	}
	if err := s.ValidateResponse("GET", "/v1/nowhere", 200, nil, nil); err == nil {
		t.Error("unknown path accepted")
	}
	if err := s.ValidateRequest("POST", "/v1/fleet", nil, []byte(`{"name":"f","enabled":true}`)); err != nil {
		t.Errorf("fleet create: %v", err)
	}
	if err := s.ValidateRequest("POST", "/v1/fleet", nil, []byte(`{"enabled":true}`)); err == nil {
		t.Error("fleet create without name accepted")
	}
}
