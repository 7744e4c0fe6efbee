package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// openAudit types the :audit command.
func (h *harness) openAudit() {
	h.t.Helper()
	h.press(":")
	h.typeText("audit")
	h.press("enter")
	if _, ok := h.app.sub.(*auditView); !ok {
		h.t.Fatalf(":audit opened no audit view; screen:\n%s", ansi.Strip(h.view()))
	}
}

func TestAuditViewShowsTheStop(t *testing.T) {
	h := settled(t)
	withAudit(t, h)
	id := h.selectedID()
	h.press("ctrl+d", "y")
	if n := h.calls(stopRoute); n != 1 {
		t.Fatalf("%d stop requests, want 1", n)
	}
	h.openAudit()
	h.mustContain("Audit log", "1 action,", "stop", id)
	v := ansi.Strip(h.view())
	var row string
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, id) {
			row = l
			break
		}
	}
	if !strings.Contains(row, "12:0") { // the harness clock: 2026-05-04 12:00 UTC, today
		t.Errorf("the audit row lacks today's time: %q", row)
	}
	if !strings.Contains(row, "stopping") && !strings.Contains(row, "accepted") && !strings.Contains(row, "already terminated") {
		t.Errorf("the audit row lacks the outcome: %q", row)
	}
	if !strings.Contains(row, "200") && !strings.Contains(row, "202") && !strings.Contains(row, "410") {
		t.Errorf("the audit row lacks the HTTP status: %q", row)
	}
	h.press("esc")
	if h.app.sub != nil {
		t.Fatal("esc did not close the audit view")
	}
	h.mustContain("REQUEST ID")
}

func TestAuditViewRereadsAndOrdersNewestFirst(t *testing.T) {
	h := settled(t)
	withAudit(t, h)
	h.openAudit()
	h.mustContain("no actions recorded yet")
	yesterday := h.clock.Now().Add(-24 * time.Hour)
	for i, e := range []model.AuditEntry{
		{Time: yesterday, Action: "stop", Targets: []string{"aaaaaaaaaaaa"}, Outcome: "failed: boom\x1b[31m", HTTPStatus: 500},
		{Time: h.clock.Now(), Action: "bulk-stop", Targets: []string{"bbbbbbbbbbbb", "cccccccccccc"}, Outcome: "accepted: 2 processable", HTTPStatus: 202},
	} {
		if err := h.env.Audit.Append(e); err != nil {
			t.Fatal(i, err)
		}
	}
	h.tick(3 * time.Second) // past the 2 s reread pause
	h.mustContain("2 actions,", "bbbbbbbbbbbb cccccccccccc", "failed: boom", yesterday.Format("2006-01-02"))
	if strings.Contains(h.view(), "\x1b[31m") && strings.Contains(ansi.Strip(h.view()), "[31m") {
		t.Error("an escape sequence from the file reached the screen")
	}
	lines := h.lines()
	iNew, iOld := -1, -1
	for i, l := range lines {
		if strings.Contains(l, "bbbbbbbbbbbb") {
			iNew = i
		}
		if strings.Contains(l, "aaaaaaaaaaaa") {
			iOld = i
		}
	}
	if iNew < 0 || iOld < 0 || iNew > iOld {
		t.Fatalf("not newest first (new at %d, old at %d):\n%s", iNew, iOld, strings.Join(lines, "\n"))
	}
	// Scrolling: G shows the last entry at the top at least; g goes back.
	v := h.app.sub.(*auditView)
	h.press("G")
	h.press("g")
	if v.offset != 0 {
		t.Errorf("g left offset %d", v.offset)
	}
}

func TestAuditViewScrolls(t *testing.T) {
	h := settled(t, withSize(80, 24))
	withAudit(t, h)
	for i := range 60 {
		if err := h.env.Audit.Append(model.AuditEntry{Time: h.clock.Now(), Action: "tag-add", Targets: []string{strings.Repeat("x", 11) + string(rune('a'+i%26))}, Outcome: "ok", HTTPStatus: 200}); err != nil {
			t.Fatal(err)
		}
	}
	h.openAudit()
	v := h.app.sub.(*auditView)
	h.press("j", "j")
	if v.offset != 2 {
		t.Fatalf("j j: offset %d", v.offset)
	}
	h.press("k")
	if v.offset != 1 {
		t.Fatalf("k: offset %d", v.offset)
	}
	h.press("pgdown")
	if v.offset <= 1 {
		t.Fatalf("pgdown: offset %d", v.offset)
	}
	h.press("G")
	if want := 60 - v.bodyHeight(); v.offset != want {
		t.Fatalf("G: offset %d, want %d", v.offset, want)
	}
	h.press("pgup", "g")
	if v.offset != 0 {
		t.Fatalf("g: offset %d", v.offset)
	}
	checkScreen(t, h.view(), 80, 24)
}

func TestAuditViewWithoutLog(t *testing.T) {
	h := settled(t)
	h.env.Audit = nil
	h.openAudit()
	h.mustContain("no audit log is being written")
	checkScreen(t, h.view(), 120, 40)
}

func TestAuditViewSizes(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		h := settled(t, withSize(sz.w, sz.h))
		withAudit(t, h)
		id := h.selectedID()
		h.press("ctrl+d", "y")
		if err := h.env.Audit.Append(model.AuditEntry{Time: h.clock.Now(), Action: "bulk-stop",
			Targets: strings.Fields(strings.Repeat("0123456789ab ", 20)), Outcome: "failed: " + strings.Repeat("very long message ", 10), HTTPStatus: 503}); err != nil {
			t.Fatal(err)
		}
		h.openAudit()
		h.mustContain(id)
		checkScreen(t, h.view(), sz.w, sz.h)
		sub := h.app.sub.View()
		lines := strings.Split(sub, "\n")
		if want := h.app.contentHeight(); len(lines) != want {
			t.Fatalf("%dx%d: the audit view has %d lines, want %d", sz.w, sz.h, len(lines), want)
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != sz.w {
				t.Fatalf("%dx%d: audit line %d is %d cells wide, want %d: %q", sz.w, sz.h, i, w, sz.w, l)
			}
		}
		// The bad outcome is toned.
		_, ow := auditColumns(sz.w)
		want := h.env.Styles.Tone[theme.ToneBad].Render(auditCell("failed: "+strings.Repeat("very long message ", 10), ow))
		if !strings.Contains(sub, want) {
			t.Errorf("%dx%d: the failed outcome is not toned Bad", sz.w, sz.h)
		}
	}
}

// TestAuditViewShowsWholeActionNames: the longest actions the console
// audits are not cut at 80 columns.
func TestAuditViewShowsWholeActionNames(t *testing.T) {
	h := settled(t, withSize(80, 24))
	withAudit(t, h)
	actions := []string{"deploy-private", "fleet-disable", "policy-delete", "fleet-unlink", "bulk-stop", "tag-rename"}
	for _, a := range actions {
		if err := h.env.Audit.Append(model.AuditEntry{Time: h.clock.Now(), Action: a, Targets: []string{"t"}, Outcome: "ok", HTTPStatus: 200}); err != nil {
			t.Fatal(err)
		}
	}
	h.openAudit()
	h.mustContain(actions...)
}
