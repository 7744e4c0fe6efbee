package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/model"
)

func TestLogsOfMarkedDeploymentsInterleave(t *testing.T) {
	h := settled(t)
	h.press("/")
	h.typeText("status:ready")
	h.press("enter")
	// Without marks: the selected deployment's logs.
	id := h.selectedID()
	h.press("l")
	v, ok := h.app.sub.(*logView)
	if !ok || !slices.Equal(v.ids, []string{id}) {
		t.Fatalf("l without marks opened %v, want the logs of %s", h.app.sub, id)
	}
	h.press("esc")
	// With marks: the marked deployments', interleaved, whatever the cursor.
	h.press(" ", "j", " ")
	marked := deploymentsTabOf(h).marked()
	if len(marked) != 2 {
		t.Fatalf("marked %v", marked)
	}
	h.press("k")
	h.press("l")
	v, ok = h.app.sub.(*logView)
	if !ok || !slices.Equal(v.ids, marked) || v.combined == nil {
		t.Fatalf("l with marks opened %+v, want the interleaved logs of %v", h.app.sub, marked)
	}
	if view, arg := h.app.engine.Schedule().View(); view != model.ViewLogs || arg != strings.Join(marked, ",") {
		t.Fatalf("scheduler polls %v %q", view, arg)
	}
	for range 5 {
		h.tick(2 * time.Second)
	}
	h.mustContain("["+marked[0][:6]+"] ", "["+marked[1][:6]+"] ")
}
