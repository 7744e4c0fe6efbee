package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func metricsURL(id, start, end, steps string) string {
	q := url.Values{}
	for k, v := range map[string]string{"start_time": start, "end_time": end, "steps": steps} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return "/v1/metrics/deployment/" + id + "?" + q.Encode()
}

func allSeries(m api.Metrics) map[string]api.MetricSeries {
	return map[string]api.MetricSeries{
		"receive_total": m.Total.ReceiveTotal, "transmit_total": m.Total.TransmitTotal,
		"disk_read_total": m.Total.DiskReadTotal, "disk_write_total": m.Total.DiskWriteTotal,
		"cpu": m.CPU, "cpu_throttle_rate": *m.CPUThrottleRate, "cpu_throttle_total": *m.CPUThrottleTotal,
		"mem": m.Mem, "receive": m.Network.Receive, "transmit": m.Network.Transmit,
	}
}

func TestMetricsRangeAndSteps(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	d := e.find(func(d *deployment, now time.Time) bool {
		return d.running(now) && now.Sub(d.sched.readyAt()) > 2*time.Hour
	})
	now := e.clock.Now()
	start, end := now.Add(-time.Hour), now.Add(-30*time.Minute)
	var m api.Metrics
	e.get(metricsURL(d.id, api.FormatMetricsTime(start), api.FormatMetricsTime(end), "1m"), http.StatusOK, &m)
	for name, s := range allSeries(m) {
		if len(s.Labels) != 31 || len(s.Datasets) != 31 || len(s.Timestamps) != 31 {
			t.Fatalf("%s: %d labels, %d values, %d timestamps, want 31", name, len(s.Labels), len(s.Datasets), len(s.Timestamps))
		}
		if s.Labels[0] != "00:00:00" || s.Labels[30] != "00:30:00" || !s.Timestamps[0].Equal(start.Truncate(time.Second)) || !s.Timestamps[30].Equal(end.Truncate(time.Second)) {
			t.Fatalf("%s: labels %s..%s, timestamps %v..%v", name, s.Labels[0], s.Labels[30], s.Timestamps[0], s.Timestamps[30])
		}
		for _, v := range s.Datasets {
			if v != api.Float(int64(v)) || v < 0 {
				t.Fatalf("%s: value %v is not a non-negative integer", name, v)
			}
		}
	}
	for _, v := range m.CPU.Datasets {
		if v > 100 {
			t.Fatalf("cpu %v%%", v)
		}
	}
	for _, s := range []api.MetricSeries{m.Total.ReceiveTotal, m.Total.TransmitTotal, m.Total.DiskReadTotal, m.Total.DiskWriteTotal, *m.CPUThrottleTotal} {
		if !slices.IsSorted(s.Datasets) || s.Datasets[0] >= s.Datasets[30] && s.Datasets[30] != 0 {
			t.Fatalf("total not increasing: %v", s.Datasets)
		}
	}
	if m.Network.Receive.Datasets[5] == 0 || m.Mem.Datasets[5] == 0 {
		t.Fatal("a running deployment reports no traffic or memory")
	}

	// A wider, coarser window agrees on the shared instants.
	var wide api.Metrics
	e.get(metricsURL(d.id, api.FormatMetricsTime(start.Add(-10*time.Minute)), api.FormatMetricsTime(end), "5m"), http.StatusOK, &wide)
	if wide.CPU.Datasets[2] != m.CPU.Datasets[0] || wide.Total.ReceiveTotal.Datasets[8] != m.Total.ReceiveTotal.Datasets[30] {
		t.Fatal("overlapping queries disagree")
	}
	// Later queries of the same past window give the same numbers.
	e.clock.Advance(10 * time.Minute)
	var again api.Metrics
	e.get(metricsURL(d.id, api.FormatMetricsTime(start), api.FormatMetricsTime(end), "1m"), http.StatusOK, &again)
	if !slices.Equal(again.Total.TransmitTotal.Datasets, m.Total.TransmitTotal.Datasets) || !slices.Equal(again.Mem.Datasets, m.Mem.Datasets) {
		t.Fatal("the same window changed over time")
	}
}

func TestMetricsDefaultsAndZeroBeforeReady(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	var dep api.DeployV2Response
	e.expect(e.do(http.MethodPost, "/v2/deployments", v2Body("kart-racing", "2026.04.2")), http.StatusAccepted, &dep)
	e.clock.Advance(5 * time.Second)
	var m api.Metrics
	e.get("/v1/metrics/deployment/"+dep.RequestID, http.StatusOK, &m)
	if n := len(m.CPU.Datasets); n != 1 {
		t.Fatalf("default range of a 5 s old deployment: %d points", n)
	}
	for name, s := range allSeries(m) {
		if s.Datasets[0] != 0 {
			t.Fatalf("%s = %v before READY", name, s.Datasets[0])
		}
	}
	e.clock.Advance(time.Hour)
	e.get("/v1/metrics/deployment/"+dep.RequestID, http.StatusOK, &m)
	if n := len(m.CPU.Datasets); n < 60 || n > 500 {
		t.Fatalf("default range of an hour: %d points", n)
	}
	if !m.CPU.Timestamps[0].Equal(epoch) {
		t.Fatalf("default start %v, want the deployment start %v", m.CPU.Timestamps[0], epoch)
	}
}

func TestMetricsErrors(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	d := e.find(inStatus(api.StatusReady))
	now := e.clock.Now()
	past := api.FormatMetricsTime(now.Add(-time.Hour))
	for _, tc := range []struct {
		start, end, steps string
		want              int
	}{
		{"yesterday", "", "", http.StatusUnprocessableEntity},
		{"", "2026-13-45 99:00:00", "", http.StatusUnprocessableEntity},
		{api.FormatMetricsTime(now.Add(-time.Minute)), past, "", http.StatusUnprocessableEntity},
		{api.FormatMetricsTime(now.Add(-24 * time.Hour)), "", "30s", http.StatusUnprocessableEntity},
		{past, "", "fast", http.StatusBadRequest},
		{past, "", "0s", http.StatusBadRequest},
		{past, "", "500ms", http.StatusBadRequest},
		{past, api.FormatMetricsTime(now.Add(time.Hour)), "1m", http.StatusOK}, // end clamped to now
	} {
		r := e.do(http.MethodGet, metricsURL(d.id, tc.start, tc.end, tc.steps), nil)
		if r.status != tc.want || message(t, r) == "" && tc.want != http.StatusOK {
			t.Errorf("%+v: %d %s", tc, r.status, r.body)
		}
	}
	if r := e.do(http.MethodGet, "/v1/metrics/deployment/"+d.id+"?raw=maybe", nil); r.status != http.StatusBadRequest {
		t.Errorf("raw=maybe: %d", r.status)
	}
	if r := e.do(http.MethodGet, "/v1/metrics/deployment/ffffffffffff", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown id: %d", r.status)
	}
}

// TestMetricsQueryTimeForm: the metrics endpoint takes start_time and
// end_time only in the documented form %Y-%m-%d %H:%M:%S.%f (Python's %f:
// one to six fractional digits, as in the reference's example
// "2021-07-10 00:00:00.00") and answers any other form with 422 and the
// v1 error body {"message": ...}.
func TestMetricsQueryTimeForm(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	d := e.find(inStatus(api.StatusReady))
	at := e.clock.Now().Add(-10 * time.Minute).UTC()
	day := at.Format("2006-01-02 15:04:05")
	for _, tc := range []struct {
		start string
		want  int
	}{
		{day + ".000000", http.StatusOK},
		{day + ".00", http.StatusOK},
		{day + ".5", http.StatusOK},
		{api.FormatMetricsTime(at), http.StatusOK},
		{day, http.StatusUnprocessableEntity},                                      // no fraction
		{day + ".", http.StatusUnprocessableEntity},                                // empty fraction
		{day + ".1234567", http.StatusUnprocessableEntity},                         // more than six digits
		{at.Format(time.RFC3339), http.StatusUnprocessableEntity},                  // ISO 8601
		{at.Format("2006-01-02"), http.StatusUnprocessableEntity},                  // date only
		{" " + day + ".000000", http.StatusUnprocessableEntity},                    // padded
		{at.Format("2006-01-02 15:04:05.000000Z"), http.StatusUnprocessableEntity}, // zone
	} {
		for _, name := range []string{"start_time", "end_time"} {
			u := "/v1/metrics/deployment/" + d.id + "?" + url.Values{name: {tc.start}}.Encode()
			r := e.do(http.MethodGet, u, nil)
			if r.status != tc.want {
				t.Errorf("%s=%q: %d, want %d", name, tc.start, r.status, tc.want)
				continue
			}
			if tc.want == http.StatusOK {
				continue
			}
			var body map[string]any
			if err := json.Unmarshal(r.body, &body); err != nil || len(body) != 1 {
				t.Errorf("%s=%q: 422 body %s is not {\"message\": ...}", name, tc.start, r.body)
				continue
			}
			msg, _ := body["message"].(string)
			if !strings.Contains(msg, name) || !strings.Contains(msg, "%Y-%m-%d %H:%M:%S.%f") || !strings.Contains(msg, strconv.Quote(tc.start)) {
				t.Errorf("%s=%q: message %q does not name the parameter, the value and the expected form", name, tc.start, msg)
			}
		}
	}
}
