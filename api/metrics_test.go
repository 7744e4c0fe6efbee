package api_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
)

// metricsTimeRE is the documented %Y-%m-%d %H:%M:%S.%f form, with the
// six fractional digits the client sends.
var metricsTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$`)

// TestMetricsQueryTimesDocumentedForm: the client sends start_time and
// end_time as %Y-%m-%d %H:%M:%S.%f with six digits, and the simulator,
// which accepts only that form, answers with the series asked for.
func TestMetricsQueryTimesDocumentedForm(t *testing.T) {
	clock := sim.NewFakeClock(simEpoch)
	s := sim.New(sim.Config{Token: simToken, Seed: 42, Deployments: 30, Clock: clock, DisableRateLimits: true})
	var mu sync.Mutex
	var sent [][2]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if q := r.URL.Query(); q.Has("start_time") || q.Has("end_time") {
			mu.Lock()
			sent = append(sent, [2]string{q.Get("start_time"), q.Get("end_time")})
			mu.Unlock()
		}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := api.New(api.Options{BaseURL: srv.URL, Token: simToken, HTTPClient: srv.Client(), BudgetFraction: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var id string
	for range 120 {
		for _, live := range s.LiveRequestIDs() {
			if st, err := c.DeploymentStatus(ctx, live); err == nil && st.CurrentStatus == api.StatusReady {
				id = live
			}
		}
		if id != "" {
			break
		}
		clock.Advance(5 * time.Second)
	}
	if id == "" {
		t.Fatal("no READY deployment in the simulator")
	}
	clock.Advance(10 * time.Minute)
	// A start with a sub-second part: the fraction is sent, truncated to
	// microseconds, never rounded into the next second.
	end := api.V1Time(clock.Now().Add(-time.Second))
	start := api.V1Time(end.Add(-5*time.Minute + 123456789*time.Nanosecond))
	m, err := c.Metrics(ctx, id, api.MetricsParams{Start: start, End: end, Steps: "30s"})
	if err != nil {
		t.Fatalf("metrics with start %v, end %v: %v", start, end, err)
	}
	if len(m.CPU.Datasets) < 9 {
		t.Errorf("5 minutes at 30s: %d points", len(m.CPU.Datasets))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 1 {
		t.Fatalf("sent %d metrics queries, want 1", len(sent))
	}
	for i, v := range sent[0] {
		if !metricsTimeRE.MatchString(v) {
			t.Errorf("query time %d = %q, want %%Y-%%m-%%d %%H:%%M:%%S.%%f with 6 digits", i, v)
		}
	}
	if want := start.UTC().Format("2006-01-02 15:04:05") + ".123456"; sent[0][0] != want {
		t.Errorf("start_time %q, want %q", sent[0][0], want)
	}
}

// TestFormatMetricsTime pins the wire form, in UTC whatever the zone.
func TestFormatMetricsTime(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 17, 36, 0, time.FixedZone("CET", 3600))
	if got, want := api.FormatMetricsTime(at), "2026-12-03 08:17:36.000000"; got != want {
		t.Errorf("FormatMetricsTime = %q, want %q", got, want)
	}
	at = time.Date(2026, 12, 3, 8, 17, 36, 999999999, time.UTC)
	if got, want := api.FormatMetricsTime(at), "2026-12-03 08:17:36.999999"; got != want {
		t.Errorf("FormatMetricsTime = %q, want %q", got, want)
	}
}
