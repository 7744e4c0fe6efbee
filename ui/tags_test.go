package ui

import (
	"context"
	"github.com/gapdeck/gapdeck/model/audittest"
	"slices"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/model"
)

const (
	tagCreateRoute = "POST /v1/deployments/{id}/tags"
	tagRenameRoute = "PATCH /v1/deployments/{id}/tags/{tag}"
	tagDeleteRoute = "DELETE /v1/deployments/{id}/tags/{tag}"
)

// serverTags is what the simulator holds as id's tags.
func serverTags(t *testing.T, h *harness, id string) []string {
	t.Helper()
	l, err := h.client.DeploymentTags(context.Background(), id, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(l.Tags))
	for _, tg := range l.Tags {
		out = append(out, tg.Name)
	}
	return out
}

// rowTags is what the store shows as id's tags.
func rowTags(t *testing.T, h *harness, id string) []string {
	t.Helper()
	r, ok := h.app.store.Get(id)
	if !ok {
		t.Fatalf("%s not in the store", id)
	}
	return r.Tags
}

// rowLine is the screen line of id's row.
func rowLine(h *harness, id string) string {
	for _, l := range h.rows() {
		if strings.Contains(l, id) {
			return l
		}
	}
	return ""
}

func auditActions(t *testing.T, path string) []model.AuditEntry {
	t.Helper()
	entries, err := audittest.ReadActions(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestAddTagValidatesConfirmsSendsAndAudits(t *testing.T) {
	h := settled(t, withSize(200, 40))
	path := withAudit(t, h)
	id := h.selectedID()
	h.press("t")
	if _, ok := h.app.dialog.(*tagInputDialog); !ok {
		t.Fatalf("t opened %T, want the tag input", h.app.dialog)
	}
	h.mustContain("Add a tag", id)

	// Empty: enter shows the error, nothing is sent.
	h.press("enter")
	h.mustContain("tag must be 1–40 characters, got 0")
	if _, ok := h.app.dialog.(*tagInputDialog); !ok {
		t.Fatal("an empty tag closed the input")
	}
	// 41 characters: the error shows while typing; enter does nothing.
	h.typeText(strings.Repeat("x", 41))
	h.mustContain("got 41")
	h.press("enter")
	if _, ok := h.app.dialog.(*tagInputDialog); !ok {
		t.Fatal("a 41-character tag closed the input")
	}
	for range 41 {
		h.press("backspace")
	}
	h.typeText("blue-team")
	h.mustNotContain("tag must be")
	h.press("enter")
	if _, ok := h.app.dialog.(*confirmDialog); !ok {
		t.Fatalf("a valid tag opened %T, want a confirmation", h.app.dialog)
	}
	h.mustContain("Add tag blue-team to 1 deployment?", "[ Cancel ]")
	h.press("enter") // Cancel is focused
	if h.app.dialog != nil || h.calls(tagCreateRoute) != 0 {
		t.Fatalf("enter on the confirmation sent %d requests", h.calls(tagCreateRoute))
	}
	h.mustContain("cancelled: nothing was sent")
	if slices.Contains(rowTags(t, h, id), "blue-team") {
		t.Fatal("a cancelled tag shows in the row")
	}

	h.press("t")
	h.typeText("blue-team")
	h.press("enter")
	cmd := h.update(keyMsg("y"))
	// At once, before the answer.
	if !slices.Contains(rowTags(t, h, id), "blue-team") || !strings.Contains(rowLine(h, id), "blue-team") {
		t.Fatalf("the tags column does not show the tag at once: %q", rowLine(h, id))
	}
	h.pump(cmd)
	if n := h.calls(tagCreateRoute); n != 1 {
		t.Fatalf("%d create requests, want 1", n)
	}
	if !slices.Contains(serverTags(t, h, id), "blue-team") {
		t.Fatalf("the simulator's tags of %s: %v", id, serverTags(t, h, id))
	}
	h.mustContain("tag blue-team added to " + id)
	entries := auditActions(t, path)
	if len(entries) != 1 || entries[0].Action != "tag-add" || entries[0].Targets[0] != id || entries[0].Outcome != "ok" || entries[0].HTTPStatus == 0 {
		t.Fatalf("audit = %+v", entries)
	}
}

func TestAddTagToMarkedDeployments(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	marked := markThree(t, h)
	h.press("t")
	h.mustContain("3 marked deployments")
	h.typeText("canary")
	h.press("enter")
	h.mustContain("Add tag canary to 3 deployments?")
	h.press("y")
	if n := h.calls(tagCreateRoute); n != 3 {
		t.Fatalf("%d create requests, want 3", n)
	}
	for _, id := range marked {
		if !slices.Contains(serverTags(t, h, id), "canary") || !slices.Contains(rowTags(t, h, id), "canary") {
			t.Errorf("%s: server %v, row %v", id, serverTags(t, h, id), rowTags(t, h, id))
		}
	}
	if entries := auditActions(t, path); len(entries) != 3 {
		t.Fatalf("audit = %+v", entries)
	}
}

func TestAddDuplicateTagRollsBackAndReports(t *testing.T) {
	h := settled(t)
	path := withAudit(t, h)
	id := h.selectedID()
	if _, err := h.client.CreateDeploymentTag(context.Background(), id, "dup"); err != nil {
		t.Fatal(err)
	}
	before := slices.Clone(rowTags(t, h, id)) // the row has not seen "dup" yet
	if slices.Contains(before, "dup") {
		t.Skip("the row already shows the tag")
	}
	h.press("t")
	h.typeText("dup")
	h.press("enter", "y")
	h.mustContain(id + " already has tag dup")
	if h.app.flashText == "" || !h.app.flashErr {
		t.Error("the duplicate is not reported as an error")
	}
	entries := auditActions(t, path)
	if len(entries) != 1 || !strings.HasPrefix(entries[0].Outcome, "failed") || entries[0].HTTPStatus != 409 {
		t.Fatalf("audit = %+v", entries)
	}
	// The server has it: the row shows it once, whatever the rollback did.
	if n := countOf(rowTags(t, h, id), "dup"); n != 1 {
		t.Fatalf("row tags %v", rowTags(t, h, id))
	}
}

func TestAddTagFailureRollsBack(t *testing.T) {
	h := settled(t)
	id := h.selectedID()
	before := slices.Clone(rowTags(t, h, id))
	// The optimistic change, then a failed answer.
	h.app.setRowTags(id, applyTagOp(before, tagAdd, "zz", ""))
	_, cmd := h.app.Update(tagDoneMsg{sentFrom: sentFrom{h.app.view}, op: tagAdd, id: id, tag: "zz", optimist: true, err: errTest("api: 500 boom")})
	if cmd == nil {
		t.Fatal("tagDoneMsg not handled")
	}
	if !slices.Equal(rowTags(t, h, id), before) {
		t.Fatalf("not rolled back: %v, want %v", rowTags(t, h, id), before)
	}
	if !strings.Contains(string(h.app.flashText), "failed") {
		t.Fatalf("flash %q", h.app.flashText)
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

func countOf(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

func TestManageTagsRenameThenDelete(t *testing.T) {
	h := settled(t, withSize(200, 40))
	path := withAudit(t, h)
	id := h.selectedID()
	ctx := context.Background()
	for _, tg := range []string{"alpha", "beta"} {
		if _, err := h.client.CreateDeploymentTag(ctx, id, tg); err != nil {
			t.Fatal(err)
		}
	}
	// Show them in the row as a list pass would.
	h.app.setRowTags(id, serverTags(t, h, id))

	h.press("T")
	if _, ok := h.app.dialog.(*tagManager); !ok {
		t.Fatalf("T opened %T", h.app.dialog)
	}
	h.mustContain("Tags of "+id, "alpha", "beta")
	cur := h.app.dialog.(*tagManager)
	// Choose beta.
	for cur.chosen() != "beta" {
		h.press("j")
	}
	h.press("r")
	if _, ok := h.app.dialog.(*tagInputDialog); !ok {
		t.Fatalf("r opened %T", h.app.dialog)
	}
	for range len("beta") {
		h.press("backspace")
	}
	h.press("enter")
	h.mustContain("tag must be 1–40 characters")
	h.typeText("gamma")
	h.press("enter")
	h.mustContain("Rename tag beta to gamma on " + id + "?")
	h.press("enter") // Cancel
	if h.calls(tagRenameRoute) != 0 {
		t.Fatal("rename sent without confirmation")
	}

	h.press("T")
	for h.app.dialog.(*tagManager).chosen() != "beta" {
		h.press("j")
	}
	h.press("r")
	for range len("beta") {
		h.press("backspace")
	}
	h.typeText("gamma")
	h.press("enter")
	cmd := h.update(keyMsg("y"))
	if got := rowTags(t, h, id); !slices.Contains(got, "gamma") || slices.Contains(got, "beta") {
		t.Fatalf("row tags at once: %v", got)
	}
	h.pump(cmd)
	if h.calls(tagRenameRoute) != 1 {
		t.Fatalf("%d rename requests", h.calls(tagRenameRoute))
	}
	if got := serverTags(t, h, id); !slices.Contains(got, "gamma") || slices.Contains(got, "beta") {
		t.Fatalf("server tags after rename: %v", got)
	}

	h.press("T")
	for h.app.dialog.(*tagManager).chosen() != "alpha" {
		h.press("k")
	}
	h.press("d")
	h.mustContain("Delete tag alpha from " + id + "?")
	h.press("n")
	if h.calls(tagDeleteRoute) != 0 {
		t.Fatal("delete sent without confirmation")
	}
	h.press("T")
	for h.app.dialog.(*tagManager).chosen() != "alpha" {
		h.press("k")
	}
	h.press("d", "y")
	if h.calls(tagDeleteRoute) != 1 {
		t.Fatalf("%d delete requests", h.calls(tagDeleteRoute))
	}
	if got := serverTags(t, h, id); slices.Contains(got, "alpha") {
		t.Fatalf("server tags after delete: %v", got)
	}
	if got := rowTags(t, h, id); slices.Contains(got, "alpha") {
		t.Fatalf("row tags after delete: %v", got)
	}
	if line := rowLine(h, id); strings.Contains(line, "alpha") || !strings.Contains(line, "gamma") {
		t.Fatalf("row line %q", line)
	}
	entries := auditActions(t, path)
	var acts []string
	for _, e := range entries {
		acts = append(acts, e.Action+":"+e.Outcome)
	}
	if !slices.Equal(acts, []string{"tag-rename:ok", "tag-delete:ok"}) {
		t.Fatalf("audit = %v", acts)
	}
	h.press("esc")
	h.press("T", "esc")
	if h.app.dialog != nil {
		t.Fatal("esc did not close the tag manager")
	}
}

func TestTagsRefusedInReadOnly(t *testing.T) {
	h := settled(t, withReadOnly())
	id := h.selectedID()
	before := serverTags(t, h, id)
	h.press("t")
	if h.app.dialog != nil {
		t.Fatal("read-only opened the tag input")
	}
	h.mustContain("read-only: tagging is disabled")
	h.press("T")
	if h.app.dialog != nil {
		t.Fatal("read-only opened the tag manager")
	}
	for _, r := range []string{tagCreateRoute, tagRenameRoute, tagDeleteRoute} {
		if n := h.calls(r); n != 0 {
			t.Fatalf("%d %s requests in read-only mode", n, r)
		}
	}
	if got := serverTags(t, h, id); !slices.Equal(got, before) {
		t.Fatalf("server tags changed: %v → %v", before, got)
	}
	// The client refuses too.
	if _, err := h.client.CreateDeploymentTag(context.Background(), id, "x"); err == nil {
		t.Fatal("the read-only client sent a tag")
	}
}
