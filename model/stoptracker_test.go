package model

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

func stopStatus(id string, st api.Status) *api.DeploymentStatus {
	return &api.DeploymentStatus{RequestID: id, CurrentStatus: st}
}

func TestStopTrackerFollowsToTerminated(t *testing.T) {
	tr := NewStopTracker(0)
	if tr.Timeout() != DefaultStopTimeout || tr.Active() || tr.Done() {
		t.Fatalf("new tracker: timeout %v active %v done %v", tr.Timeout(), tr.Active(), tr.Done())
	}
	tr.Track([]string{"a", "b", "c"}, t0)
	if p := tr.Progress(); p != (StopProgress{Total: 3, Pending: 3}) {
		t.Fatalf("progress %+v", p)
	}
	if !tr.Observe("a", stopStatus("a", api.StatusTerminating), nil) {
		t.Fatal("TERMINATING after nothing is no change")
	}
	if tr.Observe("a", stopStatus("a", api.StatusTerminating), nil) {
		t.Fatal("the same answer twice is a change")
	}
	tr.Observe("a", stopStatus("a", api.StatusTerminated), nil)
	tr.Observe("b", nil, &api.APIError{StatusCode: http.StatusNotFound})
	if p := tr.Progress(); p != (StopProgress{Total: 3, Pending: 1, Terminated: 2}) {
		t.Fatalf("progress %+v", p)
	}
	if tr.Done() || !slices.Equal(tr.Pending(), []string{"c"}) || !slices.Equal(tr.Resolved(), []string{"a", "b"}) {
		t.Fatalf("done %v pending %v resolved %v", tr.Done(), tr.Pending(), tr.Resolved())
	}
	if tr.Observe("a", stopStatus("a", api.StatusReady), nil) {
		t.Fatal("an answer after TERMINATED changed the item")
	}
	if tr.Observe("zzz", stopStatus("zzz", api.StatusTerminated), nil) {
		t.Fatal("an untracked id changed the tracker")
	}
	tr.Observe("c", nil, &api.APIError{StatusCode: http.StatusGone})
	if !tr.Done() {
		t.Fatal("not done with everything terminated")
	}
	s := tr.Summary()
	if s.Terminated != 3 || len(s.Running) != 0 || len(s.Failed) != 0 {
		t.Fatalf("summary %+v", s)
	}
}

func TestStopTrackerErrorsKeepWaiting(t *testing.T) {
	tr := NewStopTracker(time.Minute)
	tr.Track([]string{"a", "b"}, t0)
	tr.Observe("a", nil, &api.APIError{StatusCode: http.StatusInternalServerError, Message: "boom"})
	st := stopStatus("b", api.StatusError)
	st.ErrorDetail = "Pull image timeout exceeded"
	tr.Observe("b", st, nil)
	items := tr.Items()
	if items[0].State != StopPending || items[0].Note == "" || items[1].State != StopPending || items[1].Note != "Pull image timeout exceeded" {
		t.Fatalf("items %+v", items)
	}
	if !tr.Tracks("a") || !tr.Tracks("b") || tr.Tracks("c") {
		t.Fatal("Tracks")
	}
}

func TestStopTrackerTimeoutSplitsRunningAndFailed(t *testing.T) {
	tr := NewStopTracker(5 * time.Minute)
	tr.Track([]string{"ready", "err", "done"}, t0)
	tr.Fail([]string{"refused"}, "not processable", t0)
	tr.Observe("ready", stopStatus("ready", api.StatusReady), nil)
	errSt := stopStatus("err", api.StatusError)
	errSt.ErrorDetail = "no capacity"
	tr.Observe("err", errSt, nil)
	tr.Observe("done", stopStatus("done", api.StatusTerminated), nil)
	if tr.Expire(t0.Add(5*time.Minute - time.Second)) {
		t.Fatal("expired before the timeout")
	}
	if !tr.Expire(t0.Add(5 * time.Minute)) {
		t.Fatal("nothing expired at the timeout")
	}
	if !tr.Done() {
		t.Fatal("not done after the timeout")
	}
	s := tr.Summary()
	if s.Terminated != 1 {
		t.Errorf("terminated %d", s.Terminated)
	}
	if len(s.Running) != 1 || s.Running[0].ID != "ready" || s.Running[0].Last != api.StatusReady {
		t.Errorf("running %+v", s.Running)
	}
	if len(s.Failed) != 2 || s.Failed[0].ID != "err" || s.Failed[0].Note != "no capacity" || s.Failed[1].ID != "refused" || s.Failed[1].Note != "not processable" {
		t.Errorf("failed %+v", s.Failed)
	}
	if p := tr.Progress(); p != (StopProgress{Total: 4, Terminated: 1, Failed: 2, TimedOut: 1}) {
		t.Errorf("progress %+v", p)
	}
}

func TestStopTrackerTracksEachStopFromItsOwnStart(t *testing.T) {
	tr := NewStopTracker(time.Minute)
	tr.Track([]string{"a"}, t0)
	tr.Track([]string{"b"}, t0.Add(30*time.Second))
	if !tr.Started().Equal(t0) {
		t.Fatalf("started %v", tr.Started())
	}
	tr.Expire(t0.Add(time.Minute))
	if got := tr.Pending(); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("pending after a's timeout: %v", got)
	}
	tr.Track([]string{"a"}, t0.Add(time.Minute)) // stopped again: waited for again
	if got := tr.Pending(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("pending after a new stop of a: %v", got)
	}
	tr.Reset()
	if tr.Active() || len(tr.Items()) != 0 || tr.Tracks("a") {
		t.Fatal("Reset kept items")
	}
}
