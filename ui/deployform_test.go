package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
)

const (
	deployV2Route      = "POST /v2/deployments"
	deployPrivateRoute = "POST /v2/private-fleets/deployments"
	deployApp          = "kart-racing"
	deployVersion      = "2026.04.2"
)

// withDeploySeed seeds the simulator: its 5% of deployments that fail
// before READY are drawn from the seed, and the tests that follow a deploy
// to READY need one whose new deployment does not.
func withDeploySeed(seed int64) harnessOption { return func(c *harnessConfig) { c.seed = seed } }

// readySeed is a simulator seed whose next deployments reach READY.
const readySeed = 8

// bodyRecorder keeps the bodies of the POST requests it passes on.
type bodyRecorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	bodies map[string][][]byte // by path
}

// RoundTrip implements http.RoundTripper.
func (r *bodyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		r.mu.Lock()
		r.bodies[req.URL.Path] = append(r.bodies[req.URL.Path], b)
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

// sent are the bodies posted to path.
func (r *bodyRecorder) sent(path string) [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.bodies[path])
}

// recordBodies gives the app a client (as the harness builds it) whose
// POST bodies are kept, so a test can check exactly what was sent.
func recordBodies(t *testing.T, h *harness) *bodyRecorder {
	t.Helper()
	rec := &bodyRecorder{next: sim.Transport(h.sim), bodies: map[string][][]byte{}}
	c, err := api.New(api.Options{
		BaseURL: "http://localhost", Token: harnessToken, HTTPClient: &http.Client{Transport: rec},
		BudgetFraction: 1, Clock: apiClock{h.clock, false}, ReadOnly: h.env.ReadOnly,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.client, h.env.Client = c, c
	return rec
}

// deployDialog is the open deploy form.
func (h *harness) deployDialog() *formDialog {
	h.t.Helper()
	f, ok := h.app.dialog.(*formDialog)
	if !ok {
		h.t.Fatalf("the open dialog is %T, want the deploy form\n%s", h.app.dialog, h.view())
	}
	return f
}

// setDeployField focuses field i of the open form, clears it and types value.
func (h *harness) setDeployField(i int, value string) {
	h.t.Helper()
	f := h.deployDialog()
	for f.focus != i {
		h.press("tab")
	}
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU}) // delete to the start of the line
	h.typeText(value)
	if got := f.Value(i); got != strings.TrimSpace(value) {
		h.t.Fatalf("field %d holds %q after typing %q", i, got, value)
	}
}

// submitDeploy moves to the Deploy button and presses enter.
func (h *harness) submitDeploy() {
	h.t.Helper()
	f := h.deployDialog()
	for f.focus != f.actionFocus() {
		h.press("tab")
	}
	h.press("enter")
}

// fillDeploy fills the form's common fields.
func (h *harness) fillDeploy(app, version, users, tags, env string) {
	h.t.Helper()
	h.setDeployField(fieldApp, app)
	h.setDeployField(fieldVersion, version)
	h.setDeployField(fieldUsers, users)
	h.setDeployField(fieldTags, tags)
	h.setDeployField(fieldEnv, env)
}

func TestDeployFormValidationErrorsBlockSubmit(t *testing.T) {
	h := settled(t, withSize(200, 50))
	for _, tc := range []struct {
		name, want string
		field      int
		value      string
	}{
		{"no app", "application is required", fieldApp, ""},
		{"app with a space", "application cannot contain spaces", fieldApp, "kart racing"},
		{"no version", "version is required", fieldVersion, ""},
		{"no users", "at least one user is required", fieldUsers, ""},
		{"not an IP", `"1.2.3" is neither an IP address nor latitude,longitude`, fieldUsers, "1.2.3"},
		{"second user bad", `user 2: "host.example" is neither`, fieldUsers, "1.2.3.4; host.example"},
		{"stray semicolon", "user 2: empty user", fieldUsers, "1.2.3.4;"},
		{"latitude range", "latitude must be between -90 and 90, got 91", fieldUsers, "91,10"},
		{"longitude range", "longitude must be between -180 and 180, got -180.5", fieldUsers, "45,-180.5"},
		{"latitude not a number", `latitude "north" is not a number`, fieldUsers, "north,10"},
		{"longitude NaN", `longitude "NaN" is not a number`, fieldUsers, "10,NaN"},
		{"tag too long", "tag 2: tag must be 1–40 characters, got 41", fieldTags, "ok," + strings.Repeat("x", 41)},
		{"empty tag", "tag 2: tag must be 1–40 characters, got 0", fieldTags, "a,,b"},
		{"tag twice", `tag "a" is listed twice`, fieldTags, "a,b,a"},
		{"env without =", `variable 1: "MODE" needs KEY=VALUE`, fieldEnv, "MODE"},
		{"env empty key", "variable 2: the key is empty", fieldEnv, "A=1;=2"},
		{"env key with a space", `variable 1: key "MY KEY" contains a space`, fieldEnv, "MY KEY=1"},
		{"env key twice", "variable A is set twice", fieldEnv, "A=1;A=2"},
		{"env stray semicolon", "variable 2 is empty", fieldEnv, "A=1;;B=2"},
	} {
		h.press("n")
		h.fillDeploy(deployApp, deployVersion, "1.2.3.4", "", "")
		h.setDeployField(tc.field, tc.value)
		h.submitDeploy()
		f := h.deployDialog() // still open
		if f.focus != tc.field {
			t.Errorf("%s: the focus is on %d, want the field in error %d", tc.name, f.focus, tc.field)
		}
		h.mustContain("✗ ", tc.want)
		h.press("esc")
		if h.app.dialog != nil {
			t.Fatalf("%s: esc left %T open", tc.name, h.app.dialog)
		}
	}
	if n := h.calls(deployV2Route); n != 0 {
		t.Fatalf("%d deploys sent by invalid forms", n)
	}
}

func TestDeployFormShowsErrorsWhileTyping(t *testing.T) {
	h := settled(t, withSize(200, 50))
	h.press("n")
	h.deployDialog()
	h.mustContain("New deployment", "POST /v2/deployments", "Application", "Users", "Env vars", "[ ] no")
	h.setDeployField(fieldUsers, "91,0")
	h.mustContain("✗ latitude must be between -90 and 90, got 91")
	h.setDeployField(fieldUsers, "45.5,-73.56; 2001:db8::1")
	h.mustNotContain("✗ latitude")
}

func TestDeployPrefillsTheSelectedRowsAppAndVersion(t *testing.T) {
	h := settled(t)
	row, _ := h.app.store.Get(h.selectedID())
	h.press("n")
	f := h.deployDialog()
	if f.Value(fieldApp) != row.App || f.Value(fieldVersion) != row.Version {
		t.Fatalf("form prefilled %q %q, want the selected row's %q %q", f.Value(fieldApp), f.Value(fieldVersion), row.App, row.Version)
	}
}

func TestDeployCancelSendsNothing(t *testing.T) {
	h := settled(t, withSize(200, 50))
	path := withAudit(t, h)
	// esc in the form.
	h.press("n")
	h.fillDeploy(deployApp, deployVersion, "1.2.3.4", "", "")
	h.press("esc")
	h.mustContain("cancelled: nothing was sent")
	// The form's Cancel button.
	h.press("n")
	h.fillDeploy(deployApp, deployVersion, "1.2.3.4", "", "")
	f := h.deployDialog()
	for f.focus != f.cancelFocus() {
		h.press("tab")
	}
	h.press("enter")
	if h.app.dialog != nil {
		t.Fatalf("Cancel left %T open", h.app.dialog)
	}
	// Submitted: the confirmation focuses Cancel; enter and n cancel.
	for _, key := range []string{"enter", "n", "esc"} {
		h.press("n")
		h.fillDeploy(deployApp, deployVersion, "1.2.3.4", "blue", "A=1")
		h.submitDeploy()
		if _, ok := h.app.dialog.(*confirmDialog); !ok {
			t.Fatalf("a valid form opened %T, want the confirmation", h.app.dialog)
		}
		h.mustContain("Deploy "+deployApp+" "+deployVersion+"?", "[ Cancel ]", "users        1.2.3.4", "tags         blue", "env          A=1", deployV2Route)
		h.press(key)
		if h.app.dialog != nil {
			t.Fatalf("%s on the confirmation left %T open", key, h.app.dialog)
		}
		h.mustContain("cancelled: nothing was sent")
	}
	if n := h.calls(deployV2Route); n != 0 {
		t.Fatalf("%d deploys sent after cancelling", n)
	}
	if e := auditActions(t, path); len(e) != 0 {
		t.Fatalf("cancelled deploys audited: %+v", e)
	}
}

func TestDeployV2AppearsSelectedAndIsFollowedToReady(t *testing.T) {
	h := settled(t, withSize(200, 50), withDeploySeed(readySeed))
	path := withAudit(t, h)
	rec := recordBodies(t, h)
	h.press("/") // a filter the new deployment does not match is cleared
	h.typeText("nomatch-zzz")
	h.press("enter")
	h.press("n")
	h.fillDeploy(deployApp, deployVersion, "1.2.3.4; 45.5,-73.56", "blue-team, wave-2", "MODE=ranked;SECRET=s3cr3t")
	for h.deployDialog().focus != fieldHideEnv {
		h.press("tab")
	}
	h.press(" ") // hide env values
	h.submitDeploy()
	h.mustContain("SECRET=•••• (hidden)")
	h.mustNotContain("s3cr3t")
	h.press("y")

	if n := h.calls(deployV2Route); n != 1 {
		t.Fatalf("%d deploys sent, want 1", n)
	}
	var sent api.DeployV2Request
	if err := json.Unmarshal(rec.sent("/v2/deployments")[0], &sent); err != nil {
		t.Fatal(err)
	}
	wantUsers := []api.DeployUser{api.IPUser("1.2.3.4"), api.GeoUser(45.5, -73.56)}
	if sent.Application != deployApp || sent.Version != deployVersion || !slices.Equal(sent.Tags, []string{"blue-team", "wave-2"}) ||
		len(sent.Users) != 2 || sent.Users[0] != wantUsers[0] || *sent.Users[1].UserData.Latitude != 45.5 || *sent.Users[1].UserData.Longitude != -73.56 ||
		!slices.Equal(sent.EnvironmentVariables, []api.EnvVar{{Key: "MODE", Value: "ranked", IsHidden: true}, {Key: "SECRET", Value: "s3cr3t", IsHidden: true}}) {
		t.Fatalf("sent %+v", sent)
	}

	// The simulator knows the new deployment; the console shows it at once, selected.
	live := h.sim.LiveRequestIDs()
	id := ""
	for _, r := range h.app.store.All() {
		if slices.Contains(r.Tags, "wave-2") {
			id = r.ID
		}
	}
	if id == "" || !slices.Contains(live, id) {
		t.Fatalf("new deployment %q not in the store or not live in the simulator", id)
	}
	if h.activeName() != "Deployments" || h.selectedID() != id || h.deployments().filterText() != "" {
		t.Fatalf("tab %s, selected %s, filter %q; want %s selected, no filter", h.activeName(), h.selectedID(), h.deployments().filterText(), id)
	}
	h.mustContain("request "+id+" accepted (202)", id)
	if !slices.Contains(h.app.engine.Schedule().Watched, id) {
		t.Fatalf("the scheduler does not watch %s: %v", id, h.app.engine.Schedule().Watched)
	}

	// Followed through its statuses to READY, even from another tab.
	h.press("2")
	var seen []api.Status
	h.settle(func() bool {
		r, ok := h.app.store.Get(id)
		if ok && r.Enriched && (len(seen) == 0 || seen[len(seen)-1] != r.Status) {
			seen = append(seen, r.Status)
		}
		return ok && r.Enriched && (r.Status == api.StatusReady || r.Status == api.StatusError)
	})
	r, _ := h.app.store.Get(id)
	switch {
	case r.Status == api.StatusError:
		t.Fatalf("the simulator drew an ERROR for %s (statuses %v): pick another readySeed", id, seen)
	case r.App != deployApp || r.Version != deployVersion:
		t.Fatalf("row %s shows %s %s", id, r.App, r.Version)
	case len(seen) < 2:
		t.Errorf("statuses seen %v: the row went straight to READY, not followed", seen)
	}
	t.Logf("statuses of %s as the console saw them: %v", id, seen)
	if slices.Contains(h.app.engine.Schedule().Watched, id) {
		t.Fatalf("%s is still watched once READY", id)
	}
	h.press("1")
	h.mustContain(id, "READY")
	st, err := h.client.DeploymentStatus(context.Background(), id)
	if err != nil || st.CurrentStatus != api.StatusReady {
		t.Fatalf("simulator status of %s: %v %v", id, st, err)
	}

	e := auditActions(t, path)
	if len(e) != 1 || e[0].Action != "deploy" || !slices.Equal(e[0].Targets, []string{id}) || e[0].HTTPStatus != http.StatusAccepted || e[0].Outcome != "accepted" ||
		!strings.Contains(e[0].Detail, deployApp+" "+deployVersion) || !strings.Contains(e[0].Detail, "users 1.2.3.4 45.5,-73.56") || strings.Contains(e[0].Detail, "s3cr3t") {
		t.Fatalf("audit %+v", e)
	}
}

func TestDeploy422ShowsRequestIDAndMessage(t *testing.T) {
	h := settled(t, withSize(200, 50))
	path := withAudit(t, h)
	h.press("n")
	h.fillDeploy(deployApp, "oversized", "1.2.3.4", "", "")
	h.submitDeploy()
	h.press("y")
	if n := h.calls(deployV2Route); n != 1 {
		t.Fatalf("%d deploys sent, want 1", n)
	}
	e := auditActions(t, path)
	if len(e) != 1 || e[0].HTTPStatus != http.StatusUnprocessableEntity || !strings.HasPrefix(e[0].Outcome, "failed: ") {
		t.Fatalf("audit %+v", e)
	}
	id := e[0].Targets[0]
	if _, err := h.client.DeploymentStatus(context.Background(), id); err != nil {
		t.Fatalf("the 422's request id %q is not a deployment of the simulator: %v", id, err)
	}
	// The form is back, with the values and the API's answer.
	f := h.deployDialog()
	if f.Value(fieldVersion) != "oversized" {
		t.Fatalf("the reopened form lost the version: %q", f.Value(fieldVersion))
	}
	h.mustContain("(request id "+id+"): 422 Unprocessable Entity:", "Couldn't Allocate Server", id+" was created in ERROR")
	if flash := string(h.app.flashText); !strings.Contains(flash, "(request id "+id+"): 422 Unprocessable Entity: Couldn't Allocate Server") {
		t.Fatalf("flash %q lacks the request id and the message", flash)
	}
	if _, ok := h.app.store.Get(id); !ok {
		t.Fatalf("the deployment created in error (%s) is not in the store", id)
	}
	h.press("esc")
	h.settle(func() bool { r, ok := h.app.store.Get(id); return ok && r.Enriched && r.Status == api.StatusError })
}

func TestDeploy400ShowsTheAPIMessage(t *testing.T) {
	h := settled(t, withSize(200, 50))
	path := withAudit(t, h)
	h.press("n")
	h.fillDeploy("no-such-app", "1.0", "1.2.3.4", "", "")
	h.submitDeploy()
	h.press("y")
	h.deployDialog()
	h.mustContain("deploy of no-such-app 1.0 failed: 400 Bad Request: Invalid Application or Application Version")
	e := auditActions(t, path)
	if len(e) != 1 || e[0].HTTPStatus != http.StatusBadRequest || !slices.Equal(e[0].Targets, []string{"no-such-app/1.0"}) {
		t.Fatalf("audit %+v", e)
	}
}

// openHosts opens the hosts of fleet and waits until they are listed.
func (h *harness) openHosts(fleet string) *hostsView {
	h.t.Helper()
	h.command("hosts " + fleet)
	hv, ok := h.app.sub.(*hostsView)
	if !ok {
		h.t.Fatalf(":hosts %s opened %T", fleet, h.app.sub)
	}
	h.settle(func() bool { return h.app.cat.Hosts[fleet] != nil })
	return hv
}

func TestDeployPrivateFleetOntoMarkedHosts(t *testing.T) {
	h := settled(t, withSize(200, 50), withDeploySeed(readySeed))
	path := withAudit(t, h)
	rec := recordBodies(t, h)
	hv := h.openHosts("alpha-fleet")
	// Rows by name: alpha-europe-0d9e5c41 (PENDING), alpha-europe-b84f2a10,
	// alpha-north-america-3c1d77e2, alpha-north-america-95fab093.
	h.press("j", " ", " ") // space marks and moves down
	marked := []string{"alpha-europe-b84f2a10", "alpha-north-america-3c1d77e2"}
	if got := hv.targets(); !slices.Equal(got, marked) {
		t.Fatalf("marked %v, want %v", got, marked)
	}
	h.mustContain("alpha-europe-b84f2a10✓", "alpha-north-america-3c1d77e2✓")
	h.mustNotContain("alpha-north-america-95fab093✓")

	before := hostCPU(t, h, "alpha-fleet", marked[0])
	h.press("n")
	f := h.deployDialog()
	if f.Value(fieldHosts) != strings.Join(marked, ", ") {
		t.Fatalf("hosts field %q, want the marked hosts", f.Value(fieldHosts))
	}
	h.mustContain("New deployment on alpha-fleet hosts", deployPrivateRoute)
	h.fillDeploy(deployApp, deployVersion, "45.5,-73.56", "pf", "")
	h.submitDeploy()
	h.mustContain("hosts        " + strings.Join(marked, ", ") + " (fleet alpha-fleet)")
	h.press("y")

	if n := h.calls(deployPrivateRoute); n != 1 || h.calls(deployV2Route) != 0 {
		t.Fatalf("%d private deploys and %d v2 deploys sent, want 1 and 0", n, h.calls(deployV2Route))
	}
	var sent api.PrivateFleetDeployRequest
	if err := json.Unmarshal(rec.sent("/v2/private-fleets/deployments")[0], &sent); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sent.PrivateHostIDs, marked) || sent.Application != deployApp || sent.Version != deployVersion {
		t.Fatalf("sent %+v, want private_host_ids %v", sent, marked)
	}
	// The simulator placed it on the first host.
	if after := hostCPU(t, h, "alpha-fleet", marked[0]); after <= before {
		t.Fatalf("host %s allocated %d CPU units before, %d after", marked[0], before, after)
	}
	e := auditActions(t, path)
	if len(e) != 1 || e[0].Action != "deploy-private" || e[0].HTTPStatus != http.StatusAccepted || !strings.Contains(e[0].Detail, "hosts "+strings.Join(marked, ",")) {
		t.Fatalf("audit %+v", e)
	}
	id := e[0].Targets[0]
	if h.app.sub != nil || h.activeName() != "Deployments" || h.selectedID() != id {
		t.Fatalf("after the deploy: sub %T, tab %s; want %s selected on Deployments", h.app.sub, h.activeName(), id)
	}
	h.settle(func() bool { r, ok := h.app.store.Get(id); return ok && r.Enriched && r.Status == api.StatusReady })
}

// hostCPU is a host's allocated CPU units, as the simulator reports them.
func hostCPU(t *testing.T, h *harness, fleet, id string) api.Int {
	t.Helper()
	l, err := h.client.Hosts(context.Background(), fleet)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range l.Data {
		if host.HostID == id && host.AllocatedCPUUnits != nil {
			return *host.AllocatedCPUUnits
		}
	}
	t.Fatalf("host %s not listed (or no allocation)", id)
	return 0
}

func TestDeployPrivateFleetRefusesHostsNotActive(t *testing.T) {
	h := settled(t, withSize(200, 50))
	hv := h.openHosts("alpha-fleet")
	// No mark: the selected host, the first row, is PENDING.
	if got := hv.targets(); !slices.Equal(got, []string{"alpha-europe-0d9e5c41"}) {
		t.Fatalf("targets %v", got)
	}
	h.press("n")
	const refusal = "host alpha-europe-0d9e5c41 is PENDING: only ACTIVE hosts accept deployments"
	h.mustContain("✗ " + refusal) // said at once
	h.fillDeploy(deployApp, deployVersion, "1.2.3.4", "", "")
	h.submitDeploy()
	if h.deployDialog().focus != fieldHosts {
		t.Fatalf("focus %d, want the hosts field", h.deployDialog().focus)
	}
	h.setDeployField(fieldHosts, "alpha-europe-b84f2a10, nope-1")
	h.mustContain("✗ nope-1 is not a host of alpha-fleet")
	h.setDeployField(fieldHosts, "alpha-europe-b84f2a10, alpha-europe-b84f2a10")
	h.mustContain("✗ host alpha-europe-b84f2a10 is listed twice")
	h.setDeployField(fieldHosts, "")
	h.mustContain("✗ at least one host is required")
	h.press("esc")
	if n := h.calls(deployPrivateRoute); n != 0 {
		t.Fatalf("%d private deploys sent", n)
	}
}

func TestDeployRefusedInReadOnly(t *testing.T) {
	h := settled(t, withReadOnly())
	path := withAudit(t, h)
	h.press("n")
	if h.app.dialog != nil {
		t.Fatalf("read-only opened %T", h.app.dialog)
	}
	h.mustContain("read-only: deploying is disabled (started with --readonly)")
	h.openHosts("alpha-fleet")
	h.press(" ", "n")
	if h.app.dialog != nil {
		t.Fatalf("read-only opened %T on the hosts view", h.app.dialog)
	}
	h.mustContain("read-only: deploying is disabled (started with --readonly)")
	// Past the console, the client refuses too.
	if _, err := h.client.DeployV2(context.Background(), api.DeployV2Request{Application: deployApp, Version: deployVersion, Users: []api.DeployUser{api.IPUser("1.2.3.4")}}); err != api.ErrReadOnly {
		t.Fatalf("read-only client deploy: %v", err)
	}
	if h.calls(deployV2Route)+h.calls(deployPrivateRoute) != 0 {
		t.Fatal("a deploy was sent in read-only mode")
	}
	if e := auditActions(t, path); len(e) != 0 {
		t.Fatalf("refusals audited as deploys: %+v", e)
	}
}

func TestDeployHelp(t *testing.T) {
	h := settled(t)
	km := h.env.Keys
	has := func(groups [][]key.Binding, a Action) bool {
		for _, g := range groups {
			for _, b := range g {
				if slices.Equal(b.Keys(), km.Binding(a).Keys()) && b.Help().Desc == km.Binding(a).Help().Desc {
					return true
				}
			}
		}
		return false
	}
	if !has(h.app.viewHelp().FullHelp(), ActDeploy) {
		t.Fatal("the Deployments help lacks n")
	}
	h.openHosts("alpha-fleet")
	full := h.app.viewHelp().FullHelp()
	if !has(full, ActDeploy) || !has(full, ActMark) {
		t.Fatal("the hosts view's help lacks n or space")
	}
	h.press("?")
	h.mustContain("new deployment (hosts: on the marked)", "mark and move down")
}

func TestDeployDraftBuildsTheRequest(t *testing.T) {
	d := deployDraft{
		app: " cozy-farm ", version: "0.15.1", users: " 2001:db8::1 ;-33.86,151.2; 10.0.0.1 ",
		tags: "a, b", env: "MODE = ranked ; TOKEN=x=y", hideEnv: true,
	}
	r, err := d.request()
	if err != nil {
		t.Fatal(err)
	}
	b := r.body
	if b.Application != "cozy-farm" || b.Version != "0.15.1" || !slices.Equal(b.Tags, []string{"a", "b"}) || r.private() {
		t.Fatalf("request %+v", r)
	}
	if len(b.Users) != 3 || b.Users[0] != api.IPUser("2001:db8::1") || b.Users[2] != api.IPUser("10.0.0.1") ||
		b.Users[1].UserType != api.UserTypeGeo || *b.Users[1].UserData.Latitude != -33.86 || *b.Users[1].UserData.Longitude != 151.2 {
		t.Fatalf("users %+v", b.Users)
	}
	if !slices.Equal(b.EnvironmentVariables, []api.EnvVar{{Key: "MODE", Value: "ranked", IsHidden: true}, {Key: "TOKEN", Value: "x=y", IsHidden: true}}) {
		t.Fatalf("env %+v", b.EnvironmentVariables)
	}
	sum := strings.Join(r.summary(), "\n")
	if strings.Contains(sum, "x=y") || !strings.Contains(sum, "TOKEN=•••• (hidden)") || !strings.Contains(sum, "2001:db8::1 · -33.86,151.2 · 10.0.0.1") {
		t.Fatalf("summary:\n%s", sum)
	}
	if detail := r.auditDetail(); strings.Contains(detail, "ranked") || !strings.Contains(detail, "env MODE,TOKEN") {
		t.Fatalf("audit detail %q must name env keys, never values", detail)
	}
	// Empty optional fields send nothing.
	r, err = deployDraft{app: "a", version: "v", users: "1.2.3.4"}.request()
	if err != nil || r.body.Tags != nil || len(r.body.EnvironmentVariables) != 0 {
		t.Fatalf("optional fields: %+v %v", r.body, err)
	}
}

func TestHostMarksClear(t *testing.T) {
	h := settled(t, withSize(200, 50))
	hv := h.openHosts("alpha-fleet")
	h.press("j", " ", " ")
	if len(hv.marks) != 2 {
		t.Fatalf("%d hosts marked, want 2", len(hv.marks))
	}
	h.press("ctrl+\\")
	if len(hv.marks) != 0 {
		t.Fatalf("ctrl+\\ left %d marks", len(hv.marks))
	}
	h.mustNotContain("✓")
	row, _ := hv.list.selected()
	if got := hv.targets(); !slices.Equal(got, []string{row.key}) {
		t.Fatalf("after clearing, n would deploy onto %v, want the selected host %s", got, row.key)
	}
}
