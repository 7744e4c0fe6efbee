package ui

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/gapdeck/gapdeck/model/events"
)

// feedFixture appends a fixed incident to the engine's log: events of
// every object type about the first rows on screen, one with hostile
// text. Their times follow the harness's clock (after what the engine
// recorded itself), as they would have been recorded.
func feedFixture(hs *harness) {
	ids := hs.rowIDs()
	now := hs.clock.Now()
	dep := func(i int) events.Object {
		row, _ := hs.app.store.Get(ids[i])
		return events.Object{Type: events.ObjectDeployment, ID: ids[i], App: row.App, Version: row.Version, Location: "Frankfurt, Germany"}
	}
	log := hs.app.engine.Events()
	add := func(at time.Duration, sev events.Severity, kind events.Kind, o events.Object, msg, to string) {
		log.Append(events.Event{At: now.Add(at), Severity: sev, Kind: kind, Object: o, Message: msg, To: to})
	}
	add(0, events.Info, events.KindAppeared, dep(2), "new deployment listed", "")
	add(1*time.Second, events.Info, events.KindStatus, dep(0), "DEPLOYING → READY (previous look 10s before)", "READY")
	add(3*time.Second, events.Info, events.KindFleet, events.Object{Type: events.ObjectFleet, ID: "eu-smart"}, "fleet disabled", "")
	add(6*time.Second, events.Warning, events.KindPolicy, events.Object{Type: events.ObjectPolicy, ID: "eu-smart/frankfurt"}, "policy maximum 20 → 4", "")
	add(8*time.Second, events.Warning, events.KindAPI, events.Object{Type: events.ObjectAPI, ID: "status"}, "API degraded: HTTP 502 twice in 15s", "")
	add(10*time.Second, events.Warning, events.KindRestart, dep(0), "container restarted (restart count 2)", "")
	add(12*time.Second, events.Error, events.KindStatus, dep(0), "READY → ERROR (previous look 10s before)", "ERROR")
	add(13*time.Second, events.Error, events.KindErrorDetail, dep(0), "error: \x1b[31mPull image timeout exceeded\u202e", "")
	add(30*time.Second, events.Info, events.KindTags, dep(1), "tags +canary", "")
	add(38*time.Second, events.Info, events.KindGone, dep(1), "gone: no longer listed", "")
}

// TestEventGoldens keeps the :events feed and the detail's timeline at
// 120x40 and 80x24 (Ascii, fixed clock). Regenerate with:
// go test ./ui/ -run TestEventGoldens -update
func TestEventGoldens(t *testing.T) {
	cases := []struct {
		name, wait string
		keys       []string
	}{
		{"events", "SEVERITY", []string{"E"}},
		{"events-warnings", "warnings and errors only", []string{"E", "W"}},
		{"timeline", "TIMELINE", []string{"enter"}},
	}
	for _, gc := range cases {
		for _, size := range bothSizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", gc.name, w, h), func(t *testing.T) {
				t.Parallel()
				hs := newHarness(t, withSize(w, h))
				hs.settle()
				hs.press("2", "3", "4", "1")
				feedFixture(hs)
				out := programScreen(t, hs, w, h, gc.keys, gc.wait)
				teatest.RequireEqualOutput(t, []byte(out))
			})
		}
	}
}
