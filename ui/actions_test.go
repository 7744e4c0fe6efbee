package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/audittest"
	"github.com/gapdeck/gapdeck/model/events"
)

const (
	stopRoute     = "DELETE /v1/stop/{id}"
	bulkStopRoute = "POST /v1/deployments/bulk-stop"
)

// withAudit gives the harness an audit log in a temp dir and returns its path.
func withAudit(t *testing.T, h *harness) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	log, err := model.OpenAuditLog(path, harnessToken)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	h.env.Audit = log
	return path
}

func (h *harness) calls(route string) int64 { return h.sim.Counters().ByRoute[route].Calls }

func TestStopConfirmationDefaultsToCancel(t *testing.T) {
	h := settled(t)
	id := h.selectedID()
	h.press("ctrl+d")
	if h.app.dialog == nil {
		t.Fatal("ctrl+d opened no confirmation")
	}
	h.mustContain("Stop deployment "+id+"?", id, "up ", "Cancel", "Stop")
	for _, cancel := range []string{"enter", "n", "esc"} {
		if h.app.dialog == nil {
			h.press("ctrl+d")
		}
		h.press(cancel)
		if h.app.dialog != nil {
			t.Fatalf("%s did not close the confirmation", cancel)
		}
	}
	if n := h.calls(stopRoute); n != 0 {
		t.Fatalf("%d stop requests sent without a confirmation", n)
	}
	h.mustContain("cancelled: nothing was sent")
}

func TestStopConfirmedIsSentReportedAndAudited(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	id := h.selectedID()
	h.press("ctrl+d", "y")
	if n := h.calls(stopRoute); n != 1 {
		t.Fatalf("%d stop requests, want 1", n)
	}
	foot := h.footer()
	if !strings.Contains(foot, "(200)") && !strings.Contains(foot, "(202)") && !strings.Contains(foot, "(410)") {
		t.Errorf("footer %q does not report the stop's outcome", foot)
	}
	entries, err := audittest.ReadActions(path, 10)
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit = %v, %v", entries, err)
	}
	e := entries[0]
	if e.Action != "stop" || len(e.Targets) != 1 || e.Targets[0] != id || e.HTTPStatus == 0 || e.Outcome == "" || e.APIHost == "" {
		t.Errorf("audit entry %+v", e)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), harnessToken) {
		t.Error("the audit file holds the token")
	}
	// The outcome is in the engine's incident feed too, for every console.
	var feed []string
	for _, ev := range h.app.engine.Events().All() {
		if ev.Kind == events.KindAction {
			feed = append(feed, ev.Message)
		}
	}
	if len(feed) != 1 || !strings.Contains(feed[0], " stopped "+id+": "+e.Outcome) {
		t.Errorf("incident feed actions %q, want the stop of %s: %s", feed, id, e.Outcome)
	}
}

func TestStopRefusedInReadOnly(t *testing.T) {
	h := settled(t, withReadOnly())
	h.press("ctrl+d")
	if h.app.dialog != nil {
		t.Fatal("read-only mode opened a stop confirmation")
	}
	if n := h.calls(stopRoute); n != 0 {
		t.Fatalf("%d stop requests in read-only mode", n)
	}
	h.mustContain("read-only: stopping deployments is disabled")
	h.press("?")
	h.mustNotContain("ctrl+d")
}

func TestBulkStopNeedsTheTypedCount(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	d := deploymentsTabOf(h)
	marked := markThree(t, h)
	h.press("ctrl+d")
	h.mustContain("Stop 3 deployments?", marked[0], marked[1], marked[2])
	h.press("y")
	h.typeText("2")
	h.press("enter")
	if h.app.dialog == nil || h.calls(bulkStopRoute) != 0 {
		t.Fatal("a wrong count (or y) confirmed the bulk stop")
	}
	h.press("backspace", "backspace")
	h.typeText("3")
	h.press("enter")
	if h.app.dialog != nil || h.calls(bulkStopRoute) != 1 {
		t.Fatalf("typing the count did not send one bulk stop (dialog open %v, %d requests)", h.app.dialog != nil, h.calls(bulkStopRoute))
	}
	h.mustContain("bulk stop accepted: 3 of 3 will stop")
	if len(d.marks) != 0 {
		t.Errorf("marks kept after the bulk stop: %v", d.marks)
	}
	entries, err := audittest.ReadActions(path, 10)
	if err != nil || len(entries) != 1 || entries[0].Action != "bulk-stop" || len(entries[0].Targets) != 3 {
		t.Fatalf("audit = %+v, %v", entries, err)
	}
}

// Regression: stopping a row that then leaves the filter (status:ready →
// TERMINATING) must refresh the table in the same Update; the frame drawn
// right after the stop's answer used to read a stale row slice (a crash in
// the real binary).
func TestStopUnderAFilterRefreshesTheTable(t *testing.T) {
	h := settled(t)
	h.press("/")
	h.typeText("status:ready")
	h.press("enter")
	id := h.selectedID()
	h.press("/", "up")   // the filter just kept, recalled to be edited
	h.typeText(" " + id) // only that row: its stale entry would be on screen
	h.press("enter")
	res, err := h.client.StopDeployment(context.Background(), id, api.StopOptions{})
	if err != nil || res.Summary == nil {
		t.Fatalf("stop: %+v, %v", res, err)
	}
	h.update(stopDoneMsg{sentFrom: sentFrom{h.app.view}, id: id, res: res}) // no pumping: look at the very next frame
	view := h.view()
	if pos := deploymentsTabOf(h).store.Position(id); pos >= 0 {
		t.Errorf("%s still listed under status:ready after it started terminating", id)
	}
	if !strings.Contains(view, "No deployment matches") {
		t.Errorf("the next frame does not show the empty filter result:\n%s", view)
	}
}

// command types a `:` command and runs it.
func (h *harness) command(line string) {
	h.t.Helper()
	h.press(":")
	h.typeText(line)
	h.press("enter")
}

func TestStopByTagPreviewsWarnsAndNeedsTheCount(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	d := deploymentsTabOf(h)
	tag := ""
	for _, r := range d.store.All() {
		if len(r.Tags) > 0 {
			tag = r.Tags[0]
			break
		}
	}
	if tag == "" {
		t.Fatal("no tagged deployment in the simulated world")
	}
	known := 0
	for _, r := range d.store.All() {
		if tagsMatch(r.Tags, []string{tag}, api.MatchAny) {
			known++
		}
	}
	h.command("stop tag=" + tag)
	if h.app.dialog == nil {
		t.Fatal(":stop tag= opened no confirmation")
	}
	h.mustContain("WARNING: the server matches on its own data", fmt.Sprintf("%d deployments gapdeck knows match", known))
	h.press("enter")
	if h.calls(bulkStopRoute) != 0 || h.app.dialog == nil {
		t.Fatal("enter without the typed count sent the bulk stop")
	}
	h.typeText(strconv.Itoa(known))
	h.press("enter")
	if h.calls(bulkStopRoute) != 1 {
		t.Fatalf("%d bulk-stop requests after typing the count", h.calls(bulkStopRoute))
	}
	h.mustContain("bulk stop accepted")
	entries, err := audittest.ReadActions(path, 5)
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Detail, "tag="+tag+" any") {
		t.Fatalf("audit = %+v, %v", entries, err)
	}
}

func TestStopByTagRefusals(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"stop", "usage: :stop tag="},
		{"stop tag=", "usage: :stop tag="},
		{"stop tag=canary some", "match must be any, all or not"},
		{"stop tag=" + strings.Repeat("x", 41), "tag must be 1–40 characters"},
		{"stop tag=no-such-tag-zz", "nothing sent"},
	} {
		h := settled(t)
		h.command(tc.line)
		if h.app.dialog != nil || h.calls(bulkStopRoute) != 0 {
			t.Errorf("%q: opened a confirmation or sent a request", tc.line)
		}
		h.mustContain(tc.want)
	}
	h := settled(t, withReadOnly())
	h.command("stop tag=canary")
	if h.app.dialog != nil || h.calls(bulkStopRoute) != 0 {
		t.Error("read-only: :stop tag= was not refused")
	}
	h.mustContain("read-only")
}

func TestTagsMatchSemantics(t *testing.T) {
	have := []string{"canary", "eu"}
	for _, tc := range []struct {
		want  []string
		match string
		ok    bool
	}{
		{[]string{"canary"}, api.MatchAny, true},
		{[]string{"canary", "prod"}, api.MatchAny, true},
		{[]string{"canary", "prod"}, api.MatchAll, false},
		{[]string{"canary", "eu"}, api.MatchAll, true},
		{[]string{"prod"}, api.MatchNot, true},
		{[]string{"eu"}, api.MatchNot, false},
	} {
		if got := tagsMatch(have, tc.want, tc.match); got != tc.ok {
			t.Errorf("tagsMatch(%v, %v, %s) = %v", have, tc.want, tc.match, got)
		}
	}
}

// TestReadOnlyRefusalSaysWhy: a refusal names what is disabled and why,
// the flag by default or the profile that is read-only.
func TestReadOnlyRefusalSaysWhy(t *testing.T) {
	h := settled(t, withReadOnly())
	h.press("ctrl+d")
	h.mustContain("read-only: stopping deployments is disabled (started with --readonly)")
	h.env.ReadOnlyReason = "profile prod is read-only"
	h.press("t")
	h.mustContain("read-only: tagging is disabled (profile prod is read-only)")
}

// The read-only guard is one place: every request message of a mutating
// action is refused by App.updateMsg before it opens anything, with what
// read-only disables; every mutating key has its refusal.
func TestReadOnlyGuardRefusesEveryRequest(t *testing.T) {
	for _, act := range mutating {
		if readOnlyRefusal[act] == "" {
			t.Errorf("mutating action %s has no read-only refusal", act)
		}
	}
	h := settled(t, withReadOnly())
	id := h.selectedID()
	for _, tc := range []struct {
		msg  request
		want string
	}{
		{openStopMsg{ids: []string{id}}, "stopping deployments"},
		{stopByTagsMsg{arg: "tag=x"}, "stopping deployments"},
		{openTagMsg{ids: []string{id}}, "tagging"},
		{openTagsMsg{id: id}, "tagging"},
		{openDeployMsg{app: "a", version: "v"}, "deploying"},
		{openHostDeployMsg{fleet: "f", hosts: []string{"h"}}, "deploying"},
		{catalogActionMsg{act: ActToggleFleet}, "changing fleets and policies"},
		{catalogActionMsg{act: ActLinkVersion}, "changing fleets and policies"},
		{catalogActionMsg{act: ActUnlinkVersion}, "changing fleets and policies"},
		{catalogActionMsg{act: ActEditPolicy}, "changing fleets and policies"},
		{catalogActionMsg{act: ActDeletePolicy}, "changing fleets and policies"},
	} {
		h.send(tc.msg)
		if h.app.dialog != nil {
			t.Fatalf("%T %v opened a dialog in read-only mode", tc.msg, tc.msg.requested())
		}
		h.mustContain("read-only: " + tc.want + " is disabled")
	}
}

// Each Deployments row action is declared once (deploymentActions): its
// key, its help line and its key view derive from that table.
func TestDeploymentActionsDeclaredOnce(t *testing.T) {
	h := settled(t)
	d, ok := h.app.deployments()
	if !ok {
		t.Fatal("no Deployments tab")
	}
	help := d.FullHelp()[0]
	listed := deploymentActions
	if len(help) != len(listed) {
		t.Fatalf("%d help lines for %d listed actions", len(help), len(listed))
	}
	var view []Action
	for _, v := range keyViews {
		if v.name == "deployments" {
			view = v.actions
		}
	}
	for i, da := range listed {
		b := h.env.Keys.Binding(da.act)
		if help[i].Help() != b.Help() {
			t.Errorf("help line %d is %q, want %s's %q", i, help[i].Help(), da.act, b.Help())
		}
	}
	for _, da := range deploymentActions {
		if !slices.Contains(view, da.act) {
			t.Errorf("%s is not in the deployments key view", da.act)
		}
	}
	for act := range deploymentSortKeys {
		if !slices.Contains(view, act) {
			t.Errorf("sort %s is not in the deployments key view", act)
		}
	}
	// A rebinding moves the key of the switch too.
	if err := h.env.Keys.Rebind(map[string][]string{"detail": {"D"}}); err != nil {
		t.Fatal(err)
	}
	h.press("D")
	if h.app.sub == nil {
		t.Fatal("the rebound detail key opened nothing")
	}
}
