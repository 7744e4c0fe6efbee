package sim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func TestParseFaults(t *testing.T) {
	f, err := ParseFaults("500=0.05, 429=0.02,latency=300ms,timeout=0.01,malformed=0.01,reset=0.01")
	if err != nil {
		t.Fatal(err)
	}
	want := Faults{Error500: 0.05, RateLimit429: 0.02, Timeout: 0.01, Malformed: 0.01, Reset: 0.01, Latency: 300 * time.Millisecond}
	if f != want {
		t.Fatalf("got %+v, want %+v", f, want)
	}
	if f, err := ParseFaults(""); err != nil || f != (Faults{}) {
		t.Fatalf("empty spec: %+v, %v", f, err)
	}
	for spec, bad := range map[string]string{
		"500=0.05,boom=0.1":   "boom",
		"500":                 "500",
		"500=lots":            "500=lots",
		"429=1.5":             "429=1.5",
		"timeout=-0.1":        "timeout=-0.1",
		"latency=fast":        "latency=fast",
		"latency=-1s":         "latency=-1s",
		"reset=0.1,reset=0.2": "reset=0.2",
		"500=0.6,429=0.6":     "more than 1",
	} {
		_, err := ParseFaults(spec)
		if err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseFaults(%q) = %v, want an error naming %q", spec, err, bad)
		}
	}
}

func TestFaultPickPartitions(t *testing.T) {
	f := Faults{Error500: 0.1, RateLimit429: 0.1, Timeout: 0.1, Malformed: 0.1, Reset: 0.1}
	for u, want := range map[float64]fault{0.05: fault500, 0.15: fault429, 0.25: faultTimeout, 0.35: faultMalformed, 0.45: faultReset, 0.55: faultNone} {
		if got := f.pick(u); got != want {
			t.Errorf("pick(%v) = %v, want %v", u, got, want)
		}
	}
}

func TestFault500And429(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, Faults: Faults{Error500: 1}})
	r := e.do(http.MethodGet, "/v1/deployments", nil)
	if r.status != http.StatusInternalServerError || message(t, r) != "Internal Server Error" {
		t.Fatalf("500 fault: %d %s", r.status, r.body)
	}
	e.srv.SetFaults(Faults{RateLimit429: 1})
	r = e.do(http.MethodGet, "/v1/deployments", nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Fatalf("429 fault: %d %v %s", r.status, r.header, r.body)
	}
	if c := e.srv.Counters().ByRoute["GET /v1/deployments"]; c.Calls != 2 || c.RateLimited != 1 {
		t.Fatalf("counters %+v", c)
	}
}

func TestFaultMalformed(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, Faults: Faults{Malformed: 1}})
	r := e.do(http.MethodGet, "/v1/deployments", nil)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("malformed: %d %v", r.status, r.header)
	}
	if json.Valid(r.body) {
		t.Fatalf("body should not parse: %s", r.body)
	}
}

func TestFaultTimeoutHonoursCancel(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, Faults: Faults{Timeout: 1}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req := httptest.NewRequest(http.MethodGet, "/v1/deployments", nil).WithContext(ctx)
	req.Header.Set("Authorization", "token "+testToken)
	rec := httptest.NewRecorder()
	start := time.Now()
	e.srv.ServeHTTP(rec, req)
	if time.Since(start) < 40*time.Millisecond {
		t.Fatal("timeout fault answered early")
	}
	if rec.Body.Len() != 0 {
		t.Fatalf("timeout fault wrote %q", rec.Body.String())
	}
}

func TestFaultLatency(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, Faults: Faults{Latency: 30 * time.Millisecond}})
	start := time.Now()
	if r := e.do(http.MethodGet, "/v1/locations", nil); r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("answered after %v", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodGet, "/v1/locations", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	if rec.Body.Len() != 0 {
		t.Fatal("a cancelled request was answered")
	}
}

func TestFaultReset(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, Faults: Faults{Reset: 1}})
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/v1/locations", nil)
	req.Header.Set("Authorization", "token "+testToken)
	resp, err := ts.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("expected a connection error, got %d", resp.StatusCode)
	}
	// Without a hijackable writer the handler aborts.
	defer func() {
		if r := recover(); !errors.Is(asError(r), http.ErrAbortHandler) {
			t.Fatalf("recovered %v, want http.ErrAbortHandler", r)
		}
	}()
	e.do(http.MethodGet, "/v1/locations", nil)
}

func asError(v any) error {
	err, _ := v.(error)
	return err
}

func TestFaultsDeterministicPerSeed(t *testing.T) {
	statuses := func() []int {
		e := newEnv(t, Config{Deployments: 5, Faults: Faults{Error500: 0.3, Malformed: 0.2}})
		var out []int
		for i := 0; i < 40; i++ {
			r := e.do(http.MethodGet, "/v1/locations", nil)
			if !json.Valid(r.body) {
				r.status = -1
			}
			out = append(out, r.status)
		}
		return out
	}
	a, b := statuses(), statuses()
	seen := map[int]bool{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d vs %d", i, a[i], b[i])
		}
		seen[a[i]] = true
	}
	if !seen[200] || !seen[500] || !seen[-1] {
		t.Fatalf("expected a mix of outcomes, got %v", seen)
	}
}

// The odd fault serves what the specs allow but the console cannot read:
// timestamps typed as plain strings holding "sometime", and ports with an
// extra non-object entry. The client decodes every row and marks the
// fields unknown.
func TestFaultOddFields(t *testing.T) {
	e := newEnv(t, Config{Deployments: 5, Faults: Faults{Odd: 1}})
	r := e.do(http.MethodGet, "/v1/deployments", nil)
	if r.status != http.StatusOK || !json.Valid(r.body) {
		t.Fatalf("odd: %d %s", r.status, r.body)
	}
	var l api.DeploymentList
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Data) != 5 {
		t.Fatalf("%d rows, want 5: %s", len(l.Data), r.body)
	}
	for _, d := range l.Data {
		if raw, ok := d.Loose.Field("start_time"); !ok || string(raw) != `"sometime"` {
			t.Errorf("%s: start_time not odd: %s", d.RequestID, r.body)
		}
		if len(d.Ports) > 0 && !d.Loose.Unknown("ports.note") {
			t.Errorf("%s: ports without the odd entry: %s", d.RequestID, r.body)
		}
	}
	if _, err := ParseFaults("odd=0.1"); err != nil {
		t.Errorf("odd is not a --faults term: %v", err)
	}
}
