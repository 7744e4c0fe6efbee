package ui

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gapdeck/gapdeck/model/audittest"
)

const (
	versionRoute   = "GET /v1/app/{app}/version/{version}"
	endpointsRoute = "GET /v1/storage/endpoints"
	logsRoute      = "GET /v1/deployment/{id}/container-logs"
)

// filterTo narrows the Deployments tab to filter and returns the ids it
// shows, at least min of them.
func filterTo(t *testing.T, h *harness, filter string, min int) []string {
	t.Helper()
	h.press("/")
	h.typeText(filter)
	h.press("enter")
	h.settle()
	ids := h.rowIDs()
	if len(ids) < min {
		t.Fatalf("filter %q shows %d deployments, want at least %d", filter, len(ids), min)
	}
	return ids
}

// noStorageFilter is a filter on READY deployments of a version without
// endpoint storage; withStorageFilter, of one that has it (the simulator's
// catalog, api/sim/versions.go).
const (
	noStorageFilter   = "app=kart-racing version=2026.03.1 status:ready"
	withStorageFilter = "app=kart-racing version=2026.04.2 status:ready"
)

// stopQueries records the container_log_storage of every stop request.
type stopQueries struct {
	mu   sync.Mutex
	seen []string
}

func (q *stopQueries) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v1/stop/") {
			q.mu.Lock()
			q.seen = append(q.seen, r.URL.Query().Get("container_log_storage"))
			q.mu.Unlock()
		}
		return next.RoundTrip(r)
	})
}

// TestStopDialogSaysTheLogsWillBeDeleted: a stop of a deployment whose
// version has no endpoint storage says so plainly and offers to save the
// logs and to send container_log_storage; the version and the endpoints
// are read once, and a second dialog within the TTL reads nothing.
func TestStopDialogSaysTheLogsWillBeDeleted(t *testing.T) {
	h := settled(t)
	filterTo(t, h, noStorageFilter, 1)
	before := h.calls(versionRoute)
	h.press("ctrl+d")
	h.mustContain("The container logs of 1 deployment will be deleted at stop: kart-racing 2026.03.1 has no endpoint storage.",
		"Chosen: stop without keeping the logs.", "Storage endpoints: studio-logs-ndjson, studio-logs-s3.",
		"s save logs first", "o endpoint storage")
	if n := h.calls(versionRoute) - before; n != 1 {
		t.Errorf("%d version reads, want 1", n)
	}
	if n := h.calls(endpointsRoute); n != 1 {
		t.Errorf("%d storage endpoint reads, want 1", n)
	}
	h.press("esc")
	h.press("ctrl+d")
	if n := h.calls(versionRoute) - before; n != 1 {
		t.Errorf("a second dialog read the version again: %d reads", n)
	}
	h.mustContain("will be deleted at stop")
	h.press("esc")
	if h.calls(stopRoute) != 0 {
		t.Fatal("a cancelled dialog sent a stop")
	}
	// Past the TTL the version and the endpoints are read again, once.
	for k, f := range h.app.evidence.versions {
		f.at = f.at.Add(-evidenceTTL)
		h.app.evidence.versions[k] = f
	}
	h.app.evidence.endpointsAt = h.app.evidence.endpointsAt.Add(-evidenceTTL)
	h.press("ctrl+d")
	if n := h.calls(versionRoute) - before; n != 2 {
		t.Errorf("%d version reads after the TTL, want 2", n)
	}
	if n := h.calls(endpointsRoute); n != 2 {
		t.Errorf("%d storage endpoint reads after the TTL, want 2", n)
	}
	h.press("esc")
}

// TestStopDialogReadsAtMostMaxEvidenceVersions: a bulk stop across more
// versions than maxEvidence reads only that many; the rest are
// "not checked", which the dialog says, and s is still offered.
func TestStopDialogReadsAtMostMaxEvidenceVersions(t *testing.T) {
	h := settled(t)
	var ids []string
	seen := map[versionKey]bool{}
	for _, r := range h.app.store.All() {
		k := versionKey{r.App, r.Version}
		if r.Enriched && !seen[k] {
			seen[k] = true
			ids = append(ids, r.ID)
		}
	}
	if len(ids) < 3 {
		t.Fatalf("the world has %d versions", len(ids))
	}
	h.app.evidence.versions = nil
	defer func(n int) { maxEvidence = n }(maxEvidence)
	maxEvidence = 2
	before := h.calls(versionRoute)
	h.send(openStopMsg{ids: ids})
	if n := h.calls(versionRoute) - before; n != 2 {
		t.Errorf("%d version reads for %d versions, want the ceiling 2", n, len(ids))
	}
	d := h.app.dialog.(*stopConfirm)
	if len(d.ev.unknown) == 0 || !strings.Contains(strings.Join(d.frame.lines, "\n"), "was not checked") {
		t.Errorf("the versions over the ceiling are not said to be unchecked: %+v", d.ev)
	}
	if !d.offers() {
		t.Error("save logs first is not offered for unchecked deployments")
	}
}

// TestStopDialogWhileCheckingAndWhenKept: before the reads answer the
// dialog says it is checking and cancel works; a version with endpoint
// storage says the logs are kept and offers no choice.
func TestStopDialogWhileCheckingAndWhenKept(t *testing.T) {
	h := settled(t)
	filterTo(t, h, withStorageFilter, 1)
	open := cmdMsg(t, h.update(keyMsg("ctrl+d"))) // the request to stop
	cmd := h.update(open)                         // the dialog opens; its reads are not run yet
	h.mustContain("checking whether the logs are kept…")
	h.mustNotContain("save logs first")
	h.press("esc")
	if h.app.dialog != nil {
		t.Fatal("esc did not cancel while checking")
	}
	h.pump(cmd) // the answer arrives after the dialog closed: nothing breaks
	h.press("ctrl+d")
	h.mustContain("The logs are kept: endpoint storage studio-logs-s3 uploads them at stop.")
	h.mustNotContain("save logs first", "will be deleted")
	path := withAudit(t, h)
	h.press("s", "y") // s is no choice here; y stops
	entries, err := audittest.ReadActions(path, 10)
	if err != nil || len(entries) != 1 || entries[0].Detail != "logs kept: endpoint storage studio-logs-s3" {
		t.Fatalf("audit %+v, %v", entries, err)
	}
}

// TestStopSavesTheLogsFirst: s then y saves the deployment's current logs
// to a file under $XDG_STATE_HOME/gapdeck/logs, shows its path, then
// stops it; the audit says where the logs went.
func TestStopSavesTheLogsFirst(t *testing.T) {
	dir := t.TempDir()
	stateHome(t, filepath.Join(dir, "state"), filepath.Join(dir, "home"))
	h := settled(t)
	path := withAudit(t, h)
	id := filterTo(t, h, noStorageFilter, 1)[0]
	h.press("ctrl+d", "s")
	h.mustContain("Chosen: save the current logs of 1 deployment to")
	if body := strings.Join(h.app.dialog.(*stopConfirm).frame.lines, "\n"); !strings.Contains(body, filepath.Join(dir, "state", "gapdeck", "logs")+", then stop.") {
		t.Errorf("the dialog does not name the directory:\n%s", body)
	}
	logsBefore := h.calls(logsRoute)
	h.press("y")
	if n := h.calls(logsRoute) - logsBefore; n != 1 {
		t.Errorf("%d container-logs reads, want 1", n)
	}
	if n := h.calls(stopRoute); n != 1 {
		t.Fatalf("%d stops after saving, want 1", n)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "state", "gapdeck", "logs", "gapdeck-logs-"+id+"-*.log"))
	if len(files) != 1 {
		t.Fatalf("saved files %v, want one for %s", files, id)
	}
	body, err := os.ReadFile(files[0])
	if err != nil || len(strings.TrimSpace(string(body))) == 0 {
		t.Fatalf("saved file %s: %q, %v", files[0], body, err)
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("saved file mode %v, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(string(h.app.flashText), "logs saved to "+files[0]) {
		t.Errorf("flash %q does not show the saved file", h.app.flashText)
	}
	entries, err := audittest.ReadActions(path, 10)
	if err != nil || len(entries) != 1 || entries[0].Detail != "logs saved to "+files[0] {
		t.Fatalf("audit %+v, %v", entries, err)
	}
}

// TestBulkStopSavesEachDeploymentsLogs: the bulk-stop dialog offers the
// same choice (s is not part of the count), saves one file per
// deployment, then sends the one bulk stop.
func TestBulkStopSavesEachDeploymentsLogs(t *testing.T) {
	dir := t.TempDir()
	stateHome(t, filepath.Join(dir, "state"), filepath.Join(dir, "home"))
	h := settled(t)
	path := withAudit(t, h)
	filterTo(t, h, noStorageFilter, 3)
	marked := markThree(t, h)
	h.press("ctrl+d")
	h.mustContain("The container logs of 3 deployments will be deleted at stop",
		"· s save logs first · o endpoint storage")
	h.press("s")
	h.typeText("3")
	h.press("enter")
	if n := h.calls(bulkStopRoute); n != 1 {
		t.Fatalf("%d bulk stops, want 1", n)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "state", "gapdeck", "logs", "*.log"))
	if len(files) != 3 {
		t.Fatalf("saved %v, want one file per deployment", files)
	}
	for _, id := range marked {
		if !slices.ContainsFunc(files, func(f string) bool { return strings.Contains(filepath.Base(f), id) }) {
			t.Errorf("no saved file for %s in %v", id, files)
		}
	}
	entries, err := audittest.ReadActions(path, 10)
	if err != nil || len(entries) != 1 || !strings.HasPrefix(entries[0].Detail, "logs saved to ") || strings.Count(entries[0].Detail, ".log") != 3 {
		t.Fatalf("audit %+v, %v", entries, err)
	}
}

// TestBulkStopWithContainerLogStorageStopsEachDeployment: the bulk-stop
// request has no container_log_storage, so choosing it sends one stop per
// deployment, each carrying it and audited with it.
func TestBulkStopWithContainerLogStorageStopsEachDeployment(t *testing.T) {
	q := &stopQueries{}
	h := settled(t, withTransport(q.wrap))
	path := withAudit(t, h)
	filterTo(t, h, noStorageFilter, 3)
	marked := markThree(t, h)
	h.press("ctrl+d", "o")
	h.mustContain("Chosen: send container_log_storage=studio-logs-ndjson: 3 stop requests, one per deployment")
	h.typeText("3")
	h.press("enter")
	if n := h.calls(bulkStopRoute); n != 0 {
		t.Fatalf("%d bulk stops, want none", n)
	}
	if len(q.seen) != 3 || slices.ContainsFunc(q.seen, func(s string) bool { return s != "studio-logs-ndjson" }) {
		t.Fatalf("stops sent container_log_storage %q, want studio-logs-ndjson three times", q.seen)
	}
	entries, err := audittest.ReadActions(path, 10)
	if err != nil || len(entries) != 3 {
		t.Fatalf("audit %+v, %v", entries, err)
	}
	for _, e := range entries {
		if e.Action != "stop" || e.Detail != "container_log_storage=studio-logs-ndjson" || len(e.Targets) != 1 || !slices.Contains(marked, e.Targets[0]) {
			t.Errorf("audit entry %+v", e)
		}
	}
}

// TestStopIsNotSentWhenTheLogsCannotBeSaved: when a save fails nothing is
// stopped and the footer says why.
func TestStopIsNotSentWhenTheLogsCannotBeSaved(t *testing.T) {
	dir := t.TempDir()
	blocked := filepath.Join(dir, "file")
	if err := os.WriteFile(blocked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	stateHome(t, blocked, filepath.Join(dir, "home")) // a file: no directory can be made under it
	h := settled(t)
	filterTo(t, h, noStorageFilter, 1)
	h.press("ctrl+d", "s", "y")
	if n := h.calls(stopRoute); n != 0 {
		t.Fatalf("%d stops although the logs could not be saved", n)
	}
	if !h.app.flashErr || !strings.Contains(string(h.app.flashText), "nothing was stopped") {
		t.Errorf("flash %q (error %v)", h.app.flashText, h.app.flashErr)
	}
}

// TestStopSendsContainerLogStorage: o chooses the first endpoint, again
// the next; the stop carries container_log_storage=<name>, the simulator
// keeps the logs (logs_link after the stop) and the audit says so.
func TestStopSendsContainerLogStorage(t *testing.T) {
	q := &stopQueries{}
	h := settled(t, withTransport(q.wrap))
	path := withAudit(t, h)
	id := filterTo(t, h, noStorageFilter, 1)[0]
	h.press("ctrl+d", "o")
	h.mustContain("Chosen: send container_log_storage=studio-logs-ndjson with the stop")
	h.press("o")
	h.mustContain("Chosen: send container_log_storage=studio-logs-s3 with the stop")
	h.press("y")
	if len(q.seen) != 1 || q.seen[0] != "studio-logs-s3" {
		t.Fatalf("stops sent container_log_storage %q, want [studio-logs-s3]", q.seen)
	}
	if !strings.Contains(string(h.app.flashText), "container_log_storage=studio-logs-s3") {
		t.Errorf("flash %q", h.app.flashText)
	}
	logs, err := h.client.ContainerLogs(h.env.Ctx, id)
	if err != nil || logs.LogsLink == nil || *logs.LogsLink == "" {
		t.Errorf("after the stop the simulator keeps no logs link: %+v, %v", logs, err)
	}
	entries, err := audittest.ReadActions(path, 10)
	if err != nil || len(entries) != 1 || entries[0].Detail != "container_log_storage=studio-logs-s3" {
		t.Fatalf("audit %+v, %v", entries, err)
	}
}

// TestStopWithoutChoiceAuditsLogsNotKept: a plain stop of a version
// without storage records "logs not kept" and sends no parameter.
func TestStopWithoutChoiceAuditsLogsNotKept(t *testing.T) {
	q := &stopQueries{}
	h := settled(t, withTransport(q.wrap))
	path := withAudit(t, h)
	filterTo(t, h, noStorageFilter, 1)
	h.press("ctrl+d", "o", "o", "o", "y") // o cycles through both endpoints back to none
	if len(q.seen) != 1 || q.seen[0] != "" {
		t.Fatalf("stops sent container_log_storage %q, want none", q.seen)
	}
	entries, err := audittest.ReadActions(path, 10)
	if err != nil || len(entries) != 1 || entries[0].Detail != "logs not kept" {
		t.Fatalf("audit %+v, %v", entries, err)
	}
}
