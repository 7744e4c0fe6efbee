package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/model/events"
	"github.com/gapdeck/gapdeck/model/watchlist"
)

// syncBuffer is a bytes.Buffer the bell command may write from its
// goroutine while the test reads it.
type bellBuffer struct{ ch chan []byte }

func (b *bellBuffer) Write(p []byte) (int, error) {
	b.ch <- append([]byte(nil), p...)
	return len(p), nil
}

// bells is every BEL written so far.
func (b *bellBuffer) bells() int {
	n := 0
	for {
		select {
		case p := <-b.ch:
			n += bytes.Count(p, []byte{'\a'})
		default:
			return n
		}
	}
}

// failAndWait makes id turn ERROR in the simulator and ticks until the
// engine's status polling records it (the visible rows' status every 10 s).
func failAndWait(t *testing.T, h *harness, id string) {
	t.Helper()
	if err := h.sim.Fail(id, "Pull image timeout exceeded"); err != nil {
		t.Fatal(err)
	}
	for range 30 {
		for _, e := range h.app.engine.Events().All() {
			if e.Object.ID == id && e.Kind == events.KindStatus && e.To == "ERROR" {
				return
			}
		}
		h.tick(time.Second)
	}
	t.Fatalf("the engine did not record %s turning ERROR in 30 s", id)
}

func TestWatchedDeploymentFailureRingsFlashesAndBadges(t *testing.T) {
	t.Parallel()
	h := settled(t)
	bell := &bellBuffer{ch: make(chan []byte, 16)}
	h.env.Bell = bell
	h.env.WatchesPath = filepath.Join(t.TempDir(), "watches.json")
	id := h.selectedID()
	other := h.rowIDs()[1]

	h.press("w")
	if !strings.Contains(h.footer(), "watching deployment "+id) {
		t.Fatalf("w did not say what it watches: %q", h.footer())
	}
	data, err := os.ReadFile(h.env.WatchesPath)
	if err != nil || !strings.Contains(string(data), id) {
		t.Fatalf("the watch was not saved: %s, %v", data, err)
	}

	failAndWait(t, h, other) // not watched: no alert
	if n := bell.bells(); n != 0 || strings.Contains(h.header(), "!1") {
		t.Fatalf("an unwatched failure rang %d bells; header %q", n, h.header())
	}

	failAndWait(t, h, id)
	// The status transition and its error_detail are two error events
	// about one object: one alert.
	if n := bell.bells(); n != 1 {
		t.Errorf("bells = %d, want 1 (coalesced)", n)
	}
	if !strings.Contains(h.header(), "!1") {
		t.Errorf("header has no !1 badge: %q", h.header())
	}
	if f := h.footer(); !strings.Contains(f, "watched deployment "+id) || !strings.Contains(f, "ERROR") {
		t.Errorf("flash does not name the object and the event: %q", f)
	}

	h.press("E")
	if strings.Contains(h.header(), "!1") {
		t.Errorf(":events did not clear the badge: %q", h.header())
	}
	h.mustContain("Events", "SEVERITY", "→ ERROR")
	found := false
	for _, r := range h.rows() {
		found = found || (strings.Contains(r, id) && strings.Contains(r, "→ ERROR"))
	}
	if !found {
		t.Errorf("the feed does not show the watched failure: %q", h.rows())
	}

	// W: warnings and errors only; every row left is an error.
	h.press("W")
	for _, r := range h.rows() {
		if !strings.Contains(r, "error") {
			t.Errorf("W kept a row that is not a warning or error: %q", r)
		}
	}
	h.mustContain("[warnings and errors only: W]")

	// The shared filter line drives the feed.
	h.press("/")
	h.typeText("id:" + other)
	h.press("enter")
	for _, r := range h.rows() {
		if !strings.Contains(r, other) {
			t.Errorf("filter id:%s kept %q", other, r)
		}
	}
	// enter goes to the deployment's detail, with its timeline.
	h.press("enter")
	if _, ok := h.app.sub.(*detailView); !ok {
		t.Fatalf("enter did not open the detail: %T", h.app.sub)
	}
	h.mustContain("TIMELINE", "time to READY", "24 h cleanup", "→ ERROR")

	// A minute later, the same object alerts again; within it, not.
	h.press("esc")
	h.app.engine.Events().Append(events.Event{At: h.clock.Now(), Severity: events.Warning, Kind: events.KindRestart,
		Object: events.Object{Type: events.ObjectDeployment, ID: id}, Message: "restarted"})
	h.send(engineMsgFor(h))
	if n := bell.bells(); n != 0 {
		t.Errorf("a repeat within the minute rang %d", n)
	}
	h.clock.Advance(time.Minute)
	h.app.engine.Events().Append(events.Event{At: h.clock.Now(), Severity: events.Warning, Kind: events.KindRestart,
		Object: events.Object{Type: events.ObjectDeployment, ID: id}, Message: "restarted again"})
	h.send(engineMsgFor(h))
	if n := bell.bells(); n != 1 {
		t.Errorf("a repeat a minute later rang %d, want 1", n)
	}
}

// engineMsgFor is an engine update with nothing in it but the snapshot:
// what the console gets when events were recorded outside a fetch.
func engineMsgFor(h *harness) engineMsg {
	return engineMsg{view: h.app.view, update: h.app.view.Pull()}
}

func TestWatchCommandListAndUnwatch(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.env.WatchesPath = filepath.Join(t.TempDir(), "watches.json")
	run := func(line string) {
		h.press(":")
		h.typeText(line)
		h.press("enter")
	}
	run("watch app kart-racing")
	h.mustContain("watching app kart-racing")
	run("watch version kart")
	if !strings.Contains(h.footer(), "<app>/<version>") {
		t.Errorf("a bad version is not explained: %q", h.footer())
	}
	run("watch colour red")
	if !strings.Contains(h.footer(), "unknown watch kind") {
		t.Errorf("an unknown kind is not explained: %q", h.footer())
	}
	run("watch tag canary")
	run("watch tag canary")
	h.mustContain("already watching tag canary")

	run("watch")
	h.mustContain("Watches", "2 watched", "kart-racing", "canary")
	h.press("x") // the first row: app kart-racing
	h.mustContain("unwatched app kart-racing")
	if got := h.app.alerts.list.All(); len(got) != 1 || got[0].Value != "canary" {
		t.Errorf("after x: %v", got)
	}
	l, err := watchlist.Load(h.env.WatchesPath, "demo")
	if err != nil || l.Len() != 1 {
		t.Errorf("saved watches: %v, %v", l.All(), err)
	}
}

func TestEventsEnterOnGoneDeploymentSaysSo(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.app.engine.Events().Append(events.Event{At: h.clock.Now(), Severity: events.Info, Kind: events.KindGone,
		Object: events.Object{Type: events.ObjectDeployment, ID: "0000deadbeef"}, Message: "gone: no longer listed"})
	h.press("E", "enter")
	if _, ok := h.app.sub.(*eventsView); !ok {
		t.Errorf("enter on a gone deployment left the feed for %T", h.app.sub)
	}
	if f := h.footer(); !strings.Contains(f, "deployment 0000deadbeef is gone") {
		t.Errorf("footer %q", f)
	}
}

func TestNotifyCommandGetsTheEventOnStdin(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "got.json")
	e := events.Event{Seq: 9, At: t0, Severity: events.Error, Kind: events.KindStatus, To: "ERROR",
		Object: events.Object{Type: events.ObjectDeployment, ID: "abc123abc123"}, Message: "READY → ERROR"}
	// The test's program is a shell because it must write a file; the
	// console itself never adds one.
	msg := runNotify(context.Background(), []string{"sh", "-c", `cat > "$0"`, out}, e, nil)().(notifyDoneMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	data, _ := os.ReadFile(out)
	var got events.Event
	if err := json.Unmarshal(data, &got); err != nil || got.Object.ID != e.Object.ID || got.To != "ERROR" {
		t.Errorf("stdin was %q (%v)", data, err)
	}
	fail := runNotify(context.Background(), []string{"sh", "-c", "echo no route to pager >&2; exit 3"}, e, nil)().(notifyDoneMsg)
	if fail.err == nil || !strings.Contains(fail.err.Error(), "exit status 3: no route to pager") {
		t.Errorf("failure = %v", fail.err)
	}
	missing := runNotify(context.Background(), []string{"/nonexistent/pager"}, e, nil)().(notifyDoneMsg)
	if missing.err == nil {
		t.Error("a missing program did not fail")
	}
}

func TestNotifyRunsOneAtATimeWithABoundedQueue(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.env.NotifyCommand = []string{"/nonexistent/pager"}
	al := &h.app.alerts
	var cmds int
	for i := range notifyQueueMax + 5 {
		if h.app.notify(events.Event{Seq: uint64(i)}) != nil {
			cmds++
		}
	}
	if cmds != 1 || len(al.notifyQ) != notifyQueueMax || al.notifyDropped != 4 {
		t.Fatalf("started %d, queued %d, dropped %d", cmds, len(al.notifyQ), al.notifyDropped)
	}
	// Its failure is shown once, and the next queued alert starts.
	next := h.app.onNotifyDone(notifyDoneMsg{view: h.app.view, err: os.ErrNotExist})
	if next == nil || !strings.Contains(h.footer(), "notify_command failed") {
		t.Errorf("footer %q", h.footer())
	}
	h.app.setFlash("something else", false)
	h.app.onNotifyDone(notifyDoneMsg{view: h.app.view, err: os.ErrNotExist})
	if strings.Contains(h.footer(), "notify_command failed") {
		t.Error("a second failure was flashed again")
	}
	if len(al.notifyQ) != notifyQueueMax-2 {
		t.Errorf("queue %d after two completions", len(al.notifyQ))
	}
}

func TestEventsEnterGoesToFleetPolicyLocation(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("2", "3", "4", "1") // load every tab
	pick := func(tab int) *catalogRow {
		rows := h.app.tabs[tab].(*catalogTab).rows.Visible()
		if len(rows) < 2 {
			t.Fatalf("tab %d has %d rows", tab, len(rows))
		}
		return rows[1] // not the first: the cursor must move
	}
	fleet, policy, loc := pick(tabFleets), pick(tabPolicies), pick(tabLocations)
	city, country := loc.fields["city"][0], loc.fields["country"][0]
	cases := []struct {
		obj  events.Object
		tab  int
		want string
	}{
		{events.Object{Type: events.ObjectFleet, ID: strings.SplitN(fleet.key, "/", 2)[1]}, tabFleets, fleet.key},
		{events.Object{Type: events.ObjectPolicy, ID: policy.key}, tabPolicies, policy.key},
		{events.Object{Type: events.ObjectLocation, ID: strings.ToUpper(city[:1]) + city[1:] + ", " + country}, tabLocations, loc.key},
	}
	for _, c := range cases {
		h.app.engine.Events().Append(events.Event{At: h.clock.Now(), Severity: events.Warning, Kind: events.KindFleet, Object: c.obj, Message: "changed"})
		h.press("E", "g", "enter")
		if h.app.sub != nil || h.app.active != c.tab {
			t.Fatalf("%s: enter left sub %T on tab %d, want tab %d", c.obj.ID, h.app.sub, h.app.active, c.tab)
		}
		ct := h.app.tabs[c.tab].(*catalogTab)
		if got, _ := ct.list.table.SelectedKey(); got != c.want {
			t.Errorf("%s: selected %q, want %q", c.obj.ID, got, c.want)
		}
	}
	// Gone from the tab: said so, not silently the first row.
	h.app.engine.Events().Append(events.Event{At: h.clock.Now(), Severity: events.Info, Kind: events.KindFleet,
		Object: events.Object{Type: events.ObjectFleet, ID: "no-such-fleet"}, Message: "went"})
	h.press("E", "g", "enter")
	if f := h.footer(); !strings.Contains(f, "fleet no-such-fleet is not in the Fleets tab") {
		t.Errorf("footer %q", f)
	}
}
