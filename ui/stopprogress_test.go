package ui

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
)

const statusRoute = "GET /v1/status/{id}"

// progressRE reads "k/N terminated" off the stop line.
var progressRE = regexp.MustCompile(`(\d+)/(\d+) terminated`)

// stopLine is the line above the footer ("" when the stop line is not
// shown), without styling.
func (h *harness) stopLine() string {
	if h.app.stops.line == "" {
		return ""
	}
	return h.line(-2)
}

// sorted is a sorted copy of ids.
func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// markThreeReady shows only READY rows and marks the first three.
func markThreeReady(t *testing.T, h *harness) []string {
	t.Helper()
	h.press("/")
	h.typeText("status:ready")
	h.press("enter")
	return markThree(t, h)
}

// bulkStopMarked stops the marked deployments, typing their count.
func bulkStopMarked(h *harness, n string) {
	h.t.Helper()
	h.press("ctrl+d")
	h.typeText(n)
	h.press("enter")
	if h.calls(bulkStopRoute) == 0 {
		h.t.Fatalf("no bulk stop was sent:\n%s", h.view())
	}
}

func TestStopProgressFollowsABulkStopToTheSummary(t *testing.T) {
	h := settled(t)
	ids := markThreeReady(t, h)
	bulkStopMarked(h, "3")
	line := h.stopLine()
	if !strings.Contains(line, "stopping") || !strings.Contains(line, "0/3 terminated") || !strings.Contains(line, "gives up after 5m") {
		t.Fatalf("stop line %q, want the bar at 0/3", line)
	}
	h.mustContain("bulk stop accepted: 3 of 3 will stop") // the footer still speaks
	checkScreen(t, h.view(), 120, 40)
	if got := sorted(h.app.engine.Schedule().Watched); !slices.Equal(got, sorted(ids)) {
		t.Fatalf("watched %v, want %v", got, ids)
	}
	// Away from the Deployments tab the statuses are still read.
	h.press("2")
	before := h.calls(statusRoute)
	seen := map[string]bool{}
	h.settle(func() bool {
		if m := progressRE.FindStringSubmatch(h.stopLine()); m != nil {
			seen[m[1]] = true
		}
		return strings.Contains(h.stopLine(), "stop done")
	})
	if h.calls(statusRoute) == before {
		t.Fatal("no status was read on the Fleets tab")
	}
	line = h.stopLine()
	if !strings.Contains(line, "3/3 terminated") || strings.Contains(line, "failed") || strings.Contains(line, "still running") {
		t.Fatalf("summary %q, want 3/3 terminated and nothing else", line)
	}
	if !seen["0"] || !seen["3"] {
		t.Errorf("the bar went through %v", seen)
	}
	if w := h.app.engine.Schedule().Watched; len(w) != 0 {
		t.Errorf("still watching %v after they terminated", w)
	}
	for _, id := range ids {
		st, err := h.client.DeploymentStatus(context.Background(), id)
		if err != nil || st.CurrentStatus != api.StatusTerminated {
			t.Errorf("%s on the simulator: %v, %v", id, st, err)
		}
	}
	checkScreen(t, h.view(), 120, 40)
	// The summary goes away after a while and the content gets its line back.
	h.tick(stopSummaryFor)
	if h.app.stops.line != "" {
		t.Fatalf("the summary is still shown after %s: %q", stopSummaryFor, h.stopLine())
	}
	if got := h.app.contentHeight(); got != 40-3 {
		t.Errorf("content height %d after the summary, want 37", got)
	}
	checkScreen(t, h.view(), 120, 40)
}

func TestStopProgressReportsFailedAndStillRunningAfterTheTimeout(t *testing.T) {
	h := settled(t, withSize(200, 40)) // the whole summary fits
	ids := markThreeReady(t, h)
	// ids[0] is stopped behind the console's back and terminates before the
	// bulk stop: the server does not process it.
	if _, err := h.client.StopDeployment(context.Background(), ids[0], api.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(20 * time.Second)
	bulkStopMarked(h, "3")
	h.mustContain("bulk stop accepted: 2 of 3 will stop", "not processable: "+ids[0])
	line := h.stopLine()
	if !strings.Contains(line, "0/3 terminated") || !strings.Contains(line, "1 failed") {
		t.Fatalf("stop line %q, want 0/3 and 1 failed", line)
	}
	if got := sorted(h.app.engine.Schedule().Watched); !slices.Equal(got, sorted(ids[1:])) {
		t.Fatalf("watched %v, want %v (the refused one is not waited for)", got, ids[1:])
	}
	// The status budget went on the 20 s of polls due when the keys were
	// pressed; within seconds the watched statuses are read.
	for range 5 {
		h.tick(time.Second)
	}
	// From now on no status can be read: nobody confirms the others ended.
	h.sim.SetFaults(sim.Faults{Error500: 1})
	h.tick(4 * time.Minute)
	if line := h.stopLine(); !strings.Contains(line, "stopping") || !strings.Contains(line, "0/3 terminated") {
		t.Fatalf("gave up early: %q", line)
	}
	h.tick(time.Minute + time.Second)
	line = h.stopLine()
	for _, want := range []string{
		"stop done", "0/3 terminated",
		"1 failed: " + ids[0] + " (not processable)",
		"2 still running after 5m: ", ids[1] + " (TERMINATING)", ids[2] + " (TERMINATING)",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("summary lacks %q:\n%s", want, line)
		}
	}
	if w := h.app.engine.Schedule().Watched; len(w) != 0 {
		t.Errorf("still watching %v after the timeout", w)
	}
	checkScreen(t, h.view(), 200, 40)
}

func TestStopProgressFollowsASingleStop(t *testing.T) {
	h := settled(t)
	h.press("/")
	h.typeText("status:ready")
	h.press("enter")
	id := h.selectedID()
	h.press("ctrl+d", "y")
	if line := h.stopLine(); !strings.Contains(line, "0/1 terminated") {
		t.Fatalf("stop line %q", line)
	}
	h.settle(func() bool { return strings.Contains(h.stopLine(), "stop done") })
	if line := h.stopLine(); !strings.Contains(line, "1/1 terminated") {
		t.Fatalf("summary %q", line)
	}
	if st, err := h.client.DeploymentStatus(context.Background(), id); err != nil || st.CurrentStatus != api.StatusTerminated {
		t.Fatalf("%s: %v, %v", id, st, err)
	}
}

// The line is built in Update: View only copies it.
func TestStopProgressLineIsPrebuilt(t *testing.T) {
	h := settled(t)
	h.app.trackStops([]string{"aaaaaaaaaaaa", "bbbbbbbbbbbb"}, []string{"cccccccccccc"}, "not processable")
	line := h.app.stops.line
	h.app.observeStop("aaaaaaaaaaaa", &api.DeploymentStatus{RequestID: "aaaaaaaaaaaa", CurrentStatus: api.StatusTerminated}, nil)
	if h.app.stops.line == line {
		t.Fatal("a TERMINATED answer did not rebuild the line")
	}
	if got := progressRE.FindString(h.stopLine()); got != "1/3 terminated" {
		t.Fatalf("line %q", h.stopLine())
	}
	if h.app.stops.tracker.Progress() != (model.StopProgress{Total: 3, Pending: 1, Terminated: 1, Failed: 1}) {
		t.Fatalf("progress %+v", h.app.stops.tracker.Progress())
	}
	const bar = "██████░░░░░░░░░░░░░░" // 1 of 3 of 20 cells
	if !strings.Contains(h.stopLine(), bar) {
		t.Fatalf("line %q lacks the bar %q", h.stopLine(), bar)
	}
}
