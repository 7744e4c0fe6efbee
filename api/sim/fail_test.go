package sim

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// Fail turns a READY deployment ERROR at the clock's reading, with its
// error_detail; the status and the ERROR-filtered list show it from then
// on, and it cannot fail twice.
func TestFailStagesAnErrorNow(t *testing.T) {
	e := newEnv(t, Config{})
	d := e.find(func(d *deployment, now time.Time) bool { return d.running(now) && len(d.sched.crashes) == 0 })
	if err := e.srv.Fail(d.id, "OOM in match 7"); err != nil {
		t.Fatal(err)
	}
	st := e.status(d.id)
	if st.CurrentStatus != api.StatusError || st.ErrorDetail != "OOM in match 7" || st.LastStatus != api.StatusReady {
		t.Fatalf("after Fail: status %s (last %s), error_detail %q; want ERROR after READY with the detail", st.CurrentStatus, st.LastStatus, st.ErrorDetail)
	}
	found := false
	for _, it := range e.listAll(`{"filters":[{"field":"status","operator":"eq","value":"error"}]}`) {
		found = found || it.RequestID == d.id
	}
	if !found {
		t.Errorf("the ERROR-filtered list does not show %s", d.id)
	}
	if err := e.srv.Fail(d.id, ""); !errors.Is(err, ErrCannotFail) {
		t.Errorf("failing it again: %v, want ErrCannotFail", err)
	}
	if err := e.srv.Fail("nope", ""); !errors.Is(err, ErrUnknownDeployment) {
		t.Errorf("failing an unknown id: %v, want ErrUnknownDeployment", err)
	}
	e.clock.Advance(16 * time.Minute)
	if st := e.status(d.id); !st.CurrentStatus.Ended() {
		t.Errorf("16 minutes after failing it is %s, want it cleaned up like any ERROR", st.CurrentStatus)
	}
}

// The sim-only route does the same over HTTP, with the org token; the body
// is the error_detail.
func TestFailRoute(t *testing.T) {
	e := newEnv(t, Config{})
	d := e.find(func(d *deployment, now time.Time) bool { return d.running(now) })
	r := e.do(http.MethodPost, "/_sim/fail/"+d.id, []byte("bad build 1.4.2"))
	var st api.DeploymentStatus
	e.expect(r, http.StatusOK, &st)
	if st.CurrentStatus != api.StatusError || st.ErrorDetail != "bad build 1.4.2" {
		t.Errorf("answer: %s %q, want ERROR with the body as detail", st.CurrentStatus, st.ErrorDetail)
	}
	e.expect(e.do(http.MethodPost, "/_sim/fail/"+d.id, nil), http.StatusConflict, nil)
	e.expect(e.do(http.MethodPost, "/_sim/fail/unknown-id", nil), http.StatusNotFound, nil)
	e.expect(e.doWith(http.MethodPost, "/_sim/fail/"+d.id, nil, nil), http.StatusUnauthorized, nil)
}
