package sim

import (
	"errors"
	"testing"
	"time"
)

// Crash restarts a READY deployment's container now: the logs carry crash
// data from then on, the restart count moves with each crash, and only a
// READY deployment can crash.
func TestCrashStagesARestartNow(t *testing.T) {
	e := newEnv(t, Config{DisableRateLimits: true})
	d := e.find(func(d *deployment, now time.Time) bool {
		return d.running(now) && len(d.sched.crashes) == 0 && d.sched.termStart.Sub(now) > time.Hour
	})
	if l := e.logs(d.id); l.CrashData != nil {
		t.Fatalf("crash data before any crash: %+v", l.CrashData)
	}
	n, err := e.srv.Crash(d.id)
	if err != nil || n != 1 {
		t.Fatalf("Crash: %d restarts, %v", n, err)
	}
	l := e.logs(d.id)
	if l.CrashData == nil || l.CrashData.RestartCount != 1 || l.CrashData.ExitCode != 137 || l.CrashData.Message != "OOM killed" || l.CrashLogs == nil {
		t.Fatalf("after the crash: %+v", l.CrashData)
	}
	if _, err := e.srv.Crash(d.id); !errors.Is(err, ErrCannotCrash) {
		t.Errorf("a second crash at the same instant: %v, want ErrCannotCrash", err)
	}
	e.clock.Advance(10 * time.Second)
	if n, err := e.srv.Crash(d.id); err != nil || n != 2 {
		t.Fatalf("second Crash: %d restarts, %v", n, err)
	}
	if l := e.logs(d.id); l.CrashData == nil || l.CrashData.RestartCount != 2 {
		t.Fatalf("after the second crash: %+v", l.CrashData)
	}
	if err := e.srv.Fail(d.id, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Crash(d.id); !errors.Is(err, ErrCannotCrash) {
		t.Errorf("crashing an ERROR deployment: %v, want ErrCannotCrash", err)
	}
	if _, err := e.srv.Crash("nope"); !errors.Is(err, ErrUnknownDeployment) {
		t.Errorf("crashing an unknown id: %v, want ErrUnknownDeployment", err)
	}
}
