package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The answers below are the vendor's documented examples
// (testdata/examples) with one field changed to a value the spec allows
// (a plain string where the spec types the field as a string, a numeric
// field the spec types loosely) but the console cannot read, plus a row
// without its id. Before tolerant decoding each of them failed the whole
// page ("unrecognised timestamp …").
var oddAnswers = map[string]string{
	"/v1/deployments": `{"data":[
	  {"request_id":"2d35052ec4e9","fqdn":"abc123.test.edgegap.com","start_time":"yesterday","ready":true,"public_ip":"100.10.0.85",
	   "ports":{"7777":{"external":31669,"internal":7777,"protocol":"UDP","name":"7777","tls_upgrade":false,"link":"example.com:31669","proxy":65002},"note":"not a port"},
	   "tags":["production"],"sockets":"5","sockets_usage":"2","is_joinable_by_session":true,"brand_new_key":{"a":1}},
	  {"request_id":"","fqdn":"no-id.example"},
	  {"fqdn":"missing-id.example"},
	  42,
	  {"request_id":"7f3c","fqdn":"ok.example","start_time":"2025-06-20 12:00:43.066217","ready":false,"public_ip":"1.2.3.4","tags":[],"sockets":{"n":1}}],
	 "total_count":5,"pagination":{"number":1,"next_page_number":1,"previous_page_number":1,"paginator":{"num_pages":1},"has_next":true,"has_previous":true},"message":[""]}`,
	"/v1/status/c0653765de3b": `{"request_id":"c0653765de3b","fqdn":"abc123.test.edgegap.com","app_name":"test","app_version":"v1","current_status":"Status.DEPLOYING",
	  "running":true,"start_time":"not a time","removal_time":"2025-06-20 12:00:43.066217","elapsed_time":{"s":1},"last_status":"Status.SEEKING",
	  "error":false,"error_detail":"","public_ip":"100.10.0.85","tags":["production"],"sockets":"5","sockets_usage":"2","command":"","arguments":"","max_duration":1,
	  "location":{"city":"Montreal","country":"Canada","latitude":{"deg":45}}}`,
	"/v1/fleets": `{"fleets":[{"name":"fleet_name","enabled":false,"create_time":"last week","last_updated":"2022-01-01 00:00:00.000000"},
	  {"name":"","enabled":true},{"name":"second","enabled":true,"create_time":"2022-01-01 00:00:00.000000","last_updated":17}],
	 "pagination":{"number":1,"next_page_number":1,"previous_page_number":1,"paginator":{"num_pages":1},"has_next":true,"has_previous":true}}`,
	"/v1/fleet/fleet_name": `{"name":"fleet_name","enabled":false,"create_time":"2022-01-01T00:00:00+02:00[Europe/Paris]","last_updated":"2022-01-01 00:00:00.000000"}`,
	"/v1/fleet/fleet_name/policies": `{"policies":[{"name":"policy_name","enabled":true,"type":"Location","minimum":{"x":1},"maximum":1,"threshold":"high",
	   "data":{"filters":[{"field":"city","values":["Montreal"],"filter_type":"any"}]},"create_time":"2022-01-01 00:00:00.000000","last_updated":"tomorrow"}],
	 "pagination":{"number":1,"next_page_number":1,"previous_page_number":1,"paginator":{"num_pages":1},"has_next":true,"has_previous":true}}`,
	"/v1/locations": `{"locations":[{"city":"Montreal","continent":"North America","country":"Canada","timezone":"Eastern Time","administrative_division":"Quebec",
	   "latitude":"north","longitude":"-73.2693626","type":"standard","tags":[{"key":"key","value":"value"}]},
	  {"continent":"Europe"},
	  {"city":"Paris","country":"France","latitude":48.85,"longitude":2.35}],"messages":[""]}`,
	"/v2/private-fleets/pf/hosts": `{"data":[{"host_id":"h-1","status":"ACTIVE","ip_address":"1.2.3.4","latitude":1,"longitude":2,"city":"Montreal","country":"Canada",
	   "continent":"North America","allocated_cpu_units":512,"allocated_memory_mb":1024,"allocatable_cpu_units":2048,"allocatable_memory_mb":4096,"beacon":null,
	   "created_at":"sometime","updated_at":true,"centroid":{"label":"mtl","latitude":1,"longitude":2,"radius_km":"far","desired_host_count":1},
	   "delete_schedule":null,"fleet_host_specifications":{"cpu_units":2048,"memory_mb":4096,"base_clock_speed_mhz":3000}},
	  {"status":"ACTIVE"}],"total_count":2}`,
}

// oddClient serves oddAnswers and logs into the returned buffer.
func oddClient(t *testing.T) (*Client, func() string) {
	t.Helper()
	logger, logs := captureLog()
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		body, ok := oddAnswers[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, body)
	}, func(o *Options) { o.Logger = logger; o.Clock = newVirtualClock() })
	return c, logs
}

// wantOdd checks that field of l was kept raw as want.
func wantOdd(t *testing.T, what string, l Loose, field, want string) {
	t.Helper()
	raw, ok := l.Field(field)
	if !ok {
		t.Errorf("%s: field %q not marked unknown (unknown: %v)", what, field, l.Problems())
		return
	}
	if string(raw) != want {
		t.Errorf("%s: field %q kept as %s, want %s", what, field, raw, want)
	}
}

func TestOneOddFieldDoesNotFailThePage(t *testing.T) {
	ctx := context.Background()
	c, _ := oddClient(t)

	t.Run("deployments", func(t *testing.T) {
		var rows []Deployment
		for d, err := range c.AllDeployments(ctx, nil, 0) {
			if err != nil {
				t.Fatalf("the page failed: %v", err)
			}
			rows = append(rows, d)
		}
		if len(rows) != 2 || rows[0].RequestID != "2d35052ec4e9" || rows[1].RequestID != "7f3c" {
			t.Fatalf("rows = %+v, want the two rows with an id", rows)
		}
		d := rows[0]
		wantOdd(t, "row 1", d.Loose, "start_time", `"yesterday"`)
		wantOdd(t, "row 1", d.Loose, "ports.note", `"not a port"`)
		if d.FQDN != "abc123.test.edgegap.com" || !d.Ready || d.PublicIP != "100.10.0.85" || len(d.Tags) != 1 || d.Sockets == nil || *d.Sockets != 5 {
			t.Errorf("the rest of row 1 was not decoded: %+v", d)
		}
		if p, ok := d.Ports["7777"]; !ok || p.External != 31669 || len(d.Ports) != 1 {
			t.Errorf("ports = %+v, want the good port 7777 only", d.Ports)
		}
		if !d.StartTime.IsZero() {
			t.Errorf("start_time = %v, want zero (unknown)", d.StartTime)
		}
		wantOdd(t, "row 2", rows[1].Loose, "sockets", `{"n":1}`)
		if rows[1].StartTime.IsZero() || rows[1].PublicIP != "1.2.3.4" {
			t.Errorf("row 2 lost its good fields: %+v", rows[1])
		}
	})

	t.Run("status", func(t *testing.T) {
		st, err := c.DeploymentStatus(ctx, "c0653765de3b")
		if err != nil {
			t.Fatalf("status failed: %v", err)
		}
		wantOdd(t, "status", st.Loose, "start_time", `"not a time"`)
		wantOdd(t, "status", st.Loose, "elapsed_time", `{"s":1}`)
		if st.CurrentStatus != StatusDeploying || st.AppName != "test" || st.RemovalTime == nil || st.MaxDuration != 1 {
			t.Errorf("the rest of the status was not decoded: %+v", st)
		}
		if st.Location == nil || st.Location.City != "Montreal" {
			t.Fatalf("location = %+v", st.Location)
		}
		wantOdd(t, "status location", st.Location.Loose, "latitude", `{"deg":45}`)
		if !strings.Contains(string(st.Raw()), `"not a time"`) {
			t.Errorf("the raw JSON view lost the odd value: %s", st.Raw())
		}
	})

	t.Run("fleets", func(t *testing.T) {
		fleets, err := c.AllFleets(ctx)
		if err != nil {
			t.Fatalf("fleets failed: %v", err)
		}
		if len(fleets) != 2 || fleets[0].Name != "fleet_name" || fleets[1].Name != "second" {
			t.Fatalf("fleets = %+v, want fleet_name and second", fleets)
		}
		wantOdd(t, "fleet 1", fleets[0].Loose, "create_time", `"last week"`)
		if fleets[0].LastUpdated == nil {
			t.Errorf("fleet 1 lost last_updated")
		}
		wantOdd(t, "fleet 2", fleets[1].Loose, "last_updated", `17`)
		if !fleets[1].Enabled || fleets[1].CreateTime == nil {
			t.Errorf("fleet 2 lost its good fields: %+v", fleets[1])
		}
		f, err := c.Fleet(ctx, "fleet_name")
		if err != nil {
			t.Fatalf("one fleet failed: %v", err)
		}
		wantOdd(t, "fleet", f.Loose, "create_time", `"2022-01-01T00:00:00+02:00[Europe/Paris]"`)
	})

	t.Run("policies", func(t *testing.T) {
		ps, err := c.AllPolicies(ctx, "fleet_name")
		if err != nil {
			t.Fatalf("policies failed: %v", err)
		}
		if len(ps) != 1 {
			t.Fatalf("policies = %+v", ps)
		}
		p := ps[0]
		wantOdd(t, "policy", p.Loose, "minimum", `{"x":1}`)
		wantOdd(t, "policy", p.Loose, "threshold", `"high"`)
		wantOdd(t, "policy", p.Loose, "last_updated", `"tomorrow"`)
		if p.Type != PolicyLocation || p.Maximum == nil || *p.Maximum != 1 || p.CreateTime == nil || len(p.Data) == 0 {
			t.Errorf("the rest of the policy was not decoded: %+v", p)
		}
	})

	t.Run("locations", func(t *testing.T) {
		ls, err := c.AllLocations(ctx, LocationsParams{})
		if err != nil {
			t.Fatalf("locations failed: %v", err)
		}
		if len(ls) != 2 || ls[0].City != "Montreal" || ls[1].City != "Paris" {
			t.Fatalf("locations = %+v, want Montreal and Paris", ls)
		}
		wantOdd(t, "location", ls[0].Loose, "latitude", `"north"`)
		if ls[0].Longitude == 0 || ls[0].Country != "Canada" || len(ls[0].Tags) != 1 {
			t.Errorf("the rest of the location was not decoded: %+v", ls[0])
		}
	})

	t.Run("hosts", func(t *testing.T) {
		hl, err := c.Hosts(ctx, "pf")
		if err != nil {
			t.Fatalf("hosts failed: %v", err)
		}
		if len(hl.Data) != 1 || hl.Data[0].HostID != "h-1" {
			t.Fatalf("hosts = %+v, want h-1 only", hl.Data)
		}
		h := hl.Data[0]
		wantOdd(t, "host", h.Loose, "created_at", `"sometime"`)
		wantOdd(t, "host", h.Loose, "updated_at", `true`)
		wantOdd(t, "host", h.Loose, "centroid.radius_km", `"far"`)
		if h.Centroid.Label != "mtl" || h.AllocatedMemoryMB != 1024 || h.FleetHostSpecifications.CPUUnits != 2048 {
			t.Errorf("the rest of the host was not decoded: %+v", h)
		}
	})
}

func TestDecodeProblemsAreLoggedOnceAndDegradeHealth(t *testing.T) {
	ctx := context.Background()
	c, logs := oddClient(t)
	for range 3 {
		for _, err := range c.AllDeployments(ctx, nil, 0) {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	h := c.Health()
	if h.State != HealthDegraded {
		t.Fatalf("health = %v, want degraded", h.State)
	}
	// start_time, ports, sockets; the rows without an id are counted apart.
	if !strings.Contains(h.Reason, "3 fields not understood") || !strings.Contains(h.Reason, "3 rows skipped") {
		t.Errorf("reason = %q, want 3 fields not understood and 3 rows skipped", h.Reason)
	}
	log := logs()
	if n := strings.Count(log, "field=deployment.start_time"); n != 1 {
		t.Errorf("start_time logged %d times in 3 passes, want once:\n%s", n, log)
	}
	if !strings.Contains(log, "path=/v1/deployments") || !strings.Contains(log, `raw="\"yesterday\""`) {
		t.Errorf("the log line does not name the endpoint and the value:\n%s", log)
	}
	if !strings.Contains(log, "without an id") {
		t.Errorf("skipped rows are not logged:\n%s", log)
	}
	// The problems age out: a console that stops seeing them is OK again.
	c.clock.(*virtualClock).Sleep(ctx, LooseFor+1)
	if h := c.Health(); h.State != HealthOK {
		t.Errorf("after %v without odd answers health = %v %q, want OK", LooseFor, h.State, h.Reason)
	}
}

func TestLooseRowsReencodeAsTheyWereUnderstood(t *testing.T) {
	var d Deployment
	if err := json.Unmarshal([]byte(`{"request_id":"a","start_time":"x","fqdn":"f"}`), &d); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "Loose") || !strings.Contains(string(b), `"fqdn":"f"`) {
		t.Errorf("re-encoded as %s", b)
	}
}

func TestAPageOfSkippedRowsIsNotAnEmptyPage(t *testing.T) {
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "2" {
			io.WriteString(w, `{"data":[{"request_id":"b"}],"total_count":2,"pagination":{"number":2,"paginator":{"num_pages":2},"has_next":false}}`)
			return
		}
		io.WriteString(w, `{"data":[{"fqdn":"no id"}],"total_count":2,"pagination":{"number":1,"next_page_number":2,"paginator":{"num_pages":2},"has_next":true}}`)
	}, nil)
	var ids []string
	for d, err := range c.AllDeployments(context.Background(), nil, 1) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.RequestID)
	}
	if len(ids) != 1 || ids[0] != "b" {
		t.Errorf("rows = %v, want b from page 2 (page 1 held a row, skipped)", ids)
	}
}
