package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func (e *testEnv) logs(id string) api.ContainerLogs {
	e.t.Helper()
	var l api.ContainerLogs
	e.get("/v1/deployment/"+id+"/container-logs", http.StatusOK, &l)
	return l
}

func lineCount(s string) int { return strings.Count(s, "\n") }

func TestLogsGrowOnlyWhileRunning(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	var ids []string
	for i := 0; i < 5; i++ {
		var dep api.DeployV2Response
		e.expect(e.do(http.MethodPost, "/v2/deployments", v2Body("cozy-farm", "0.15.1")), http.StatusAccepted, &dep)
		ids = append(ids, dep.RequestID)
		if l := e.logs(dep.RequestID); l.Logs != "" || l.Encoding != "utf-8" || l.CrashData != nil || l.CrashLogs != nil {
			t.Fatalf("logs before READY: %+v", l)
		}
	}
	id := ""
	e.advanceUntil(time.Second, 2*time.Minute, func() bool {
		for _, x := range ids {
			if e.status(x).CurrentStatus == api.StatusReady {
				id = x
				return true
			}
		}
		return false
	})
	e.clock.Advance(30 * time.Second)
	first := e.logs(id).Logs
	e.clock.Advance(30 * time.Second)
	second := e.logs(id).Logs
	if lineCount(first) < 10 || lineCount(second) <= lineCount(first) || !strings.HasPrefix(second, first) || !strings.HasSuffix(second, "\n") {
		t.Fatalf("logs did not grow by appending: %d then %d lines", lineCount(first), lineCount(second))
	}
	if second != e.logs(id).Logs {
		t.Fatal("the same instant gave different logs")
	}
	e.expect(e.do(http.MethodDelete, "/v1/stop/"+id, nil), http.StatusOK, nil)
	stopped := e.logs(id).Logs
	e.clock.Advance(2 * time.Second)
	if e.status(id).CurrentStatus != api.StatusTerminating || e.logs(id).Logs != stopped {
		t.Fatal("logs grew while TERMINATING")
	}
	e.clock.Advance(15 * time.Second)
	r := e.do(http.MethodGet, "/v1/deployment/"+id+"/container-logs", nil)
	if r.status != http.StatusNotFound || !strings.Contains(message(t, r), "terminated") {
		t.Fatalf("logs after TERMINATED: %d %s", r.status, r.body)
	}
}

func TestLogsSlidingWindow(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true, LogWindowLines: 50})
	d := e.find(func(d *deployment, now time.Time) bool {
		return inStatus(api.StatusReady)(d, now) && len(d.sched.crashes) == 0 && d.sched.termStart.Sub(now) > time.Hour
	})
	a := e.logs(d.id).Logs
	e.clock.Advance(time.Minute)
	b := e.logs(d.id).Logs
	if lineCount(a) != 50 || lineCount(b) != 50 || a == b {
		t.Fatalf("window: %d and %d lines", lineCount(a), lineCount(b))
	}
	// The window slid: b's first line is later in the log than a's.
	aLines, bLines := strings.Split(a, "\n"), strings.Split(b, "\n")
	if aLines[0] >= bLines[0] || !strings.Contains(a, bLines[0]) {
		t.Fatalf("window did not slide: %q then %q", aLines[0], bLines[0])
	}
}

func TestLogsCarryColourAndHostileSequences(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	missing := map[string]string{
		"SGR red":       "\x1b[31mERROR\x1b[0m",
		"SGR yellow":    "\x1b[33mWARN",
		"OSC title":     "\x1b]0;pwned\x07",
		"OSC 52":        "\x1b]52;c;cm0gLXJmIH4=\x07",
		"clear + home":  "\x1b[2J\x1b[H",
		"cursor up":     "\x1b[5A",
		"bare CR":       "hello\rSERVER",
		"progress bars": "0%\rLoading",
	}
	for _, d := range e.srv.world.deps {
		if len(missing) == 0 {
			break
		}
		if !d.running(e.srv.now()) {
			continue
		}
		logs := e.logs(d.id).Logs
		for name, seq := range missing {
			if strings.Contains(logs, seq) {
				delete(missing, name)
			}
		}
	}
	for name, seq := range missing {
		t.Errorf("no %s (%q) in the logs", name, seq)
	}
	linked := 0
	for _, d := range e.srv.world.deps {
		if d.logsLink != "" {
			linked++
		}
	}
	if linked == 0 || linked == len(e.srv.world.deps) {
		t.Errorf("%d of %d deployments have a logs_link", linked, len(e.srv.world.deps))
	}
}

func TestLogsCrashLoopRestart(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	d := e.find(func(d *deployment, now time.Time) bool {
		n, _ := d.sched.restartsAt(now)
		return d.running(now) && n > 0 && n < len(d.sched.crashes)
	})
	before := e.logs(d.id)
	if before.CrashData == nil || before.CrashLogs == nil || before.CrashData.RestartCount < 1 {
		t.Fatalf("crash-looper without crash data: %+v", before.CrashData)
	}
	if code := before.CrashData.ExitCode; code != 137 && code != 139 {
		t.Fatalf("exit code %d", code)
	}
	n, _ := d.sched.restartsAt(e.srv.now())
	next := d.sched.crashes[n]
	e.clock.Set(next.Add(-time.Second))
	grown := e.logs(d.id)
	e.clock.Set(next.Add(3 * time.Second))
	after := e.logs(d.id)
	if after.CrashData.RestartCount != grown.CrashData.RestartCount+1 {
		t.Fatalf("restart count %d then %d", grown.CrashData.RestartCount, after.CrashData.RestartCount)
	}
	if lineCount(after.Logs) >= lineCount(grown.Logs) || !strings.Contains(after.Logs, "dedicated server") {
		t.Fatalf("the log did not start over: %d then %d lines", lineCount(grown.Logs), lineCount(after.Logs))
	}
	if !strings.HasSuffix(*after.CrashLogs, crashKinds[d.sched.crashKind].fatal+"\n") {
		t.Fatalf("crash logs end with %q", (*after.CrashLogs)[max(0, len(*after.CrashLogs)-80):])
	}
}
