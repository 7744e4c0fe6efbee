package ui

import (
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/model/audittest"
)

const reportRoute = "POST /v1/deployments/{id}:report"

// TestReportConfirmedSentOnceAndAudited: `:report <reason>` on the
// selected deployment shows the deployment and the reason, sends one
// report once confirmed (the simulator has it), flashes the 200 and
// audits it with the reason.
func TestReportConfirmedSentOnceAndAudited(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	id := h.selectedID()
	h.command("report players stuck at 0 ticks since 12:03")
	h.mustContain("Report deployment "+id+" to Edgegap?", "Reason: players stuck at 0 ticks since 12:03", "[ Cancel ]")
	if h.calls(reportRoute) != 0 {
		t.Fatal("the report was sent before it was confirmed")
	}
	h.press("y")
	reports := h.sim.Reports()
	if len(reports) != 1 || reports[0].RequestID != id || reports[0].Reason != "players stuck at 0 ticks since 12:03" {
		t.Fatalf("simulator reports %+v", reports)
	}
	if got := string(h.app.flashText); got != "reported "+id+" to Edgegap (200)" || h.app.flashErr {
		t.Errorf("flash %q (error %v)", got, h.app.flashErr)
	}
	entries, err := audittest.ReadActions(path, 10)
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit %+v, %v", entries, err)
	}
	if e := entries[0]; e.Action != "report" || e.Outcome != "ok" || e.HTTPStatus != 200 || e.Detail != "reason: players stuck at 0 ticks since 12:03" || len(e.Targets) != 1 || e.Targets[0] != id {
		t.Errorf("audit entry %+v", e)
	}
}

// TestReportUnavailableIsSaidAndNotRetried: a 503 is flashed as "try
// later", audited as failed, and the report is sent exactly once.
func TestReportUnavailableIsSaidAndNotRetried(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	h.sim.SetReportUnavailable(true)
	h.command("report crash loop")
	h.press("y")
	if n := h.calls(reportRoute); n != 1 {
		t.Fatalf("%d report requests, want exactly 1", n)
	}
	if got := string(h.app.flashText); !strings.Contains(got, "Edgegap could not take the report now, try later (503)") || !h.app.flashErr {
		t.Errorf("flash %q (error %v)", got, h.app.flashErr)
	}
	entries, err := audittest.ReadActions(path, 10)
	if err != nil || len(entries) != 1 || !strings.HasPrefix(entries[0].Outcome, "failed") || entries[0].HTTPStatus != 503 {
		t.Fatalf("audit %+v, %v", entries, err)
	}
}

// TestReportFromTheDetail: the detail's deployment is the one reported;
// cancelling sends nothing.
func TestReportFromTheDetail(t *testing.T) {
	h := settled(t)
	h.press("j", "j")
	id := h.selectedID()
	h.press("enter")
	h.command("report desync")
	h.mustContain("Report deployment " + id + " to Edgegap?")
	h.press("enter") // Cancel is focused
	if h.calls(reportRoute) != 0 || len(h.sim.Reports()) != 0 {
		t.Fatal("a cancelled report was sent")
	}
	h.command("report desync")
	h.press("y")
	if r := h.sim.Reports(); len(r) != 1 || r[0].RequestID != id {
		t.Fatalf("reports %+v, want one of %s", r, id)
	}
}

// TestReportRefusals: no reason, a reason over 255 characters, and
// read-only mode are refused with the reason why; nothing is sent.
func TestReportRefusals(t *testing.T) {
	h := settled(t)
	h.command("report")
	if got := string(h.app.flashText); !strings.Contains(got, "a report needs a reason") {
		t.Errorf("empty reason: flash %q", got)
	}
	h.command("report " + strings.Repeat("x", 256))
	if got := string(h.app.flashText); !strings.Contains(got, "the report reason is 256 characters; the API takes at most 255") {
		t.Errorf("long reason: flash %q", got)
	}
	if h.app.dialog != nil || h.calls(reportRoute) != 0 {
		t.Fatal("a refused report opened a dialog or was sent")
	}
	ro := settled(t, withReadOnly())
	ro.command("report crash")
	if ro.app.dialog != nil || ro.calls(reportRoute) != 0 {
		t.Fatal("read-only mode opened or sent a report")
	}
	ro.mustContain("read-only: reporting deployments is disabled")
}
