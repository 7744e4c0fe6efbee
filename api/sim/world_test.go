package sim

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{12}$`)

func TestInitialWorld(t *testing.T) {
	e := newEnv(t, Config{})
	ids := e.srv.LiveRequestIDs()
	if len(ids) != DefaultDeployments {
		t.Fatalf("%d live deployments, want %d", len(ids), DefaultDeployments)
	}
	cities := map[string]bool{}
	oldest := time.Duration(0)
	for _, d := range e.srv.world.deps {
		if !requestIDPattern.MatchString(d.id) {
			t.Fatalf("request id %q", d.id)
		}
		cities[locations[d.loc].City] = true
		oldest = max(oldest, epoch.Sub(d.created))
	}
	if len(cities) < 20 {
		t.Errorf("deployments in %d cities, want at least 20", len(cities))
	}
	if oldest < 2*time.Hour {
		t.Errorf("oldest deployment started %v ago, want hours", oldest)
	}
}

func TestStatusFields(t *testing.T) {
	e := newEnv(t, Config{})
	d := e.find(inStatus(api.StatusReady))
	st := e.status(d.id)
	if st.FQDN != d.id+".pr.edgegap.net" || !st.Running || st.Error || st.ElapsedTime <= 0 || st.Location == nil || st.Location.City == "" {
		t.Fatalf("READY status: %+v", st)
	}
	if st.LastStatus != api.StatusScanning || st.MaxDuration < 60 || st.MaxDuration > 1440 {
		t.Fatalf("READY last_status/max_duration: %+v", st)
	}
	p, ok := st.Ports["gameport"]
	if !ok || p.External < 30000 || p.External > 59999 || p.Link != st.FQDN+":"+strconv.Itoa(int(p.External)) {
		t.Fatalf("gameport %+v", p)
	}
	d = e.find(inStatus(api.StatusError))
	st = e.status(d.id)
	if !st.Error || st.ErrorDetail == "" || st.Running {
		t.Fatalf("ERROR status: %+v", st)
	}
	r := e.do(http.MethodGet, "/v1/status/ffffffffffff", nil)
	if r.status != http.StatusNotFound || message(t, r) == "" {
		t.Fatalf("unknown id: %d %s", r.status, r.body)
	}
}

// TestLifecycleOverThirtyMinutes runs 300 deployments for 30 simulated
// minutes: every status shows up, deployments arrive and end, and the
// population stays near its target.
func TestLifecycleOverThirtyMinutes(t *testing.T) {
	e := newEnv(t, Config{})
	initial := map[string]bool{}
	for _, id := range e.srv.LiveRequestIDs() {
		initial[id] = true
	}
	seen := map[api.Status]bool{}
	arrived, ended := map[string]bool{}, map[string]bool{}
	details := map[string]bool{}
	for step := 0; step <= 30*60/5; step++ {
		now := e.srv.now()
		e.srv.mu.Lock()
		e.srv.world.advance(now)
		for _, d := range e.srv.world.deps {
			cur, _ := d.status(now)
			seen[cur] = true
			if !initial[d.id] {
				arrived[d.id] = true
			}
			if cur == api.StatusTerminated {
				ended[d.id] = true
			}
			if cur == api.StatusError {
				details[d.sched.errorDetail] = true
			}
		}
		live := e.srv.world.live(now)
		e.srv.mu.Unlock()
		if live < 240 || live > 360 {
			t.Fatalf("after %v: %d live deployments", now.Sub(epoch), live)
		}
		e.clock.Advance(5 * time.Second)
	}
	for _, st := range api.AllStatuses {
		if !seen[st] {
			t.Errorf("status %s never seen", st)
		}
	}
	if len(arrived) < 30 || len(ended) < 30 {
		t.Errorf("%d arrived, %d ended", len(arrived), len(ended))
	}
	if len(details) < 2 {
		t.Errorf("error details seen: %v", details)
	}
}

func TestLifecycleOrder(t *testing.T) {
	e := newEnv(t, Config{})
	next := map[api.Status][]api.Status{
		api.StatusInitializing: {api.StatusSeeking},
		api.StatusSeeking:      {api.StatusSeeked, api.StatusError},
		api.StatusSeeked:       {api.StatusDeploying},
		api.StatusDeploying:    {api.StatusScanning, api.StatusError},
		api.StatusScanning:     {api.StatusDeploying, api.StatusReady, api.StatusError},
	}
	for _, d := range e.srv.world.deps {
		p := d.sched.path
		if p[0].status != api.StatusInitializing || !p[0].at.Equal(d.created) {
			t.Fatalf("%s starts with %v", d.id, p[0])
		}
		for i := 1; i < len(p); i++ {
			if !slices.Contains(next[p[i-1].status], p[i].status) || p[i].at.Before(p[i-1].at) {
				t.Fatalf("%s: %s then %s", d.id, p[i-1].status, p[i].status)
			}
		}
		if !p[len(p)-1].status.Settled() || d.sched.termStart.Before(p[len(p)-1].at) {
			t.Fatalf("%s does not settle before terminating", d.id)
		}
		if dwell := d.sched.termDwell; dwell < 3*time.Second || dwell > 15*time.Second {
			t.Fatalf("%s terminates in %v", d.id, dwell)
		}
	}
}

func TestTerminatedAreForgotten(t *testing.T) {
	e := newEnv(t, Config{Deployments: 20})
	d := e.find(inStatus(api.StatusReady))
	e.expect(e.do(http.MethodDelete, "/v1/stop/"+d.id, nil), http.StatusOK, nil)
	e.clock.Advance(20 * time.Second)
	if st := e.status(d.id); st.CurrentStatus != api.StatusTerminated || st.LastStatus != api.StatusTerminating || st.RemovalTime == nil {
		t.Fatalf("after stop: %+v", st)
	}
	for _, id := range e.srv.LiveRequestIDs() {
		if id == d.id {
			t.Fatal("a TERMINATED deployment is listed as live")
		}
	}
	e.clock.Advance(forgetAfter)
	if r := e.do(http.MethodGet, "/v1/status/"+d.id, nil); r.status != http.StatusNotFound {
		t.Fatalf("after %v: %d", forgetAfter, r.status)
	}
}

func TestDeploymentsOption(t *testing.T) {
	if n := len(newEnv(t, Config{Deployments: 12}).srv.LiveRequestIDs()); n != 12 {
		t.Fatalf("%d live, want 12", n)
	}
	e := newEnv(t, Config{Deployments: -1})
	e.clock.Advance(time.Hour)
	if n := len(e.srv.LiveRequestIDs()); n != 0 {
		t.Fatalf("%d live, want none", n)
	}
}
