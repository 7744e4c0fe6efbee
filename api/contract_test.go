package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/internal/spectest"
	"github.com/gapdeck/gapdeck/api/sim"
)

// Contract tests: every client method against the simulator, success and
// error paths, with every request and response validated against the
// official OpenAPI specs by spectest's transport.

const simToken = "sim-token-6d2f"

var simEpoch = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

type contract struct {
	t      *testing.T
	ctx    context.Context
	clock  *sim.FakeClock
	sim    *sim.Server
	client *api.Client
	specs  *spectest.Transport
}

func newContract(t *testing.T) *contract {
	t.Helper()
	clock := sim.NewFakeClock(simEpoch)
	s := sim.New(sim.Config{Token: simToken, Seed: 42, Deployments: 60, Clock: clock, DisableRateLimits: true})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	tr := spectest.Load(t).Transport(srv.Client().Transport)
	c, err := api.New(api.Options{BaseURL: srv.URL, Token: simToken, HTTPClient: &http.Client{Transport: tr}, BudgetFraction: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Check(t) })
	seen.add(tr)
	return &contract{t: t, ctx: context.Background(), clock: clock, sim: s, client: c, specs: tr}
}

// clientOperations are the spec operations the client implements: the
// contract tests must exercise each with a 2xx answer, and those in
// errorPaths with an error answer too.
var clientOperations = []string{
	"deployment-list", "deployment-get", "deployment-delete", "deployment-bulk-delete",
	"deployment-self-delete", "deployment-logs-get", "deployment-metrics-get", "deployment-create",
	"location-list", "deployment-tag-create", "deployment-tag-list", "deployment-tag-get",
	"deployment-tag-update", "deployment-tag-delete",
	"v2-deployment-create", "private-fleet-hosts-list", "private-fleets-deployment-create",
	"fleets", "fleet-create", "fleet-get", "fleet-update", "fleet-delete",
	"fleet-link-app-version", "fleet-unlink-app-version",
	"fleet-policies-list", "fleet-policies-create", "fleet-policies-get",
	"fleet-policies-update", "fleet-policies-delete",
	"application-list", "application-get", "application-update", "app-version-list",
	"app-version-get", "app-version-update", "endpoints-list", "deployment-report",
}

var errorPaths = []string{
	"deployment-list", "deployment-get", "deployment-delete", "deployment-self-delete",
	"deployment-logs-get", "deployment-metrics-get", "deployment-create", "deployment-tag-create",
	"deployment-tag-list", "deployment-tag-get", "deployment-tag-update", "deployment-tag-delete",
	"v2-deployment-create", "private-fleet-hosts-list", "private-fleets-deployment-create",
	"fleets", "fleet-get", "fleet-unlink-app-version", "fleet-policies-list", "fleet-policies-get",
	"application-get", "application-update", "app-version-list", "app-version-get",
	"app-version-update", "deployment-report",
}

// seen collects the operations every contract test exercised.
var seen operationLog

type operationLog struct {
	mu         sync.Mutex
	transports []*spectest.Transport
}

func (l *operationLog) add(tr *spectest.Transport) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.transports = append(l.transports, tr)
}

// coverageGaps lists client operations the run did not exercise.
func (l *operationLog) coverageGaps() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	exercised := map[string]bool{}
	for _, tr := range l.transports {
		for _, op := range tr.Operations() {
			id, status, _ := strings.Cut(op, " ")
			class := "error"
			if strings.HasPrefix(status, "2") || status == "410" && id == "deployment-delete" {
				class = "ok"
			}
			exercised[id+" "+class] = true
		}
	}
	var gaps []string
	for _, id := range clientOperations {
		if !exercised[id+" ok"] {
			gaps = append(gaps, id+" (success)")
		}
	}
	for _, id := range errorPaths {
		if !exercised[id+" error"] {
			gaps = append(gaps, id+" (error)")
		}
	}
	return gaps
}

// TestMain runs the tests and, when the whole suite ran, fails if a client
// operation was never exercised against the simulator.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if f := flag.Lookup("test.run"); code == 0 && f != nil && f.Value.String() == "" && !testing.Short() {
		if gaps := seen.coverageGaps(); len(gaps) > 0 {
			fmt.Fprintf(os.Stderr, "contract coverage: operations never exercised: %s\n", strings.Join(gaps, ", "))
			code = 1
		}
	}
	os.Exit(code)
}

// noErr stops the test on an unexpected error.
func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantStatus checks err is an *APIError with the given HTTP status.
func wantStatus(t *testing.T, what string, err error, status int) {
	t.Helper()
	var apiErr *api.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
		t.Errorf("%s: err = %v, want HTTP %d", what, err, status)
		return
	}
	if apiErr.Message == "" {
		t.Errorf("%s: %d without a message", what, status)
	}
}

// findByStatus returns a live deployment in the wanted status, advancing
// simulated time until one exists.
func (c *contract) findByStatus(want api.Status) *api.DeploymentStatus {
	c.t.Helper()
	for range 120 {
		for _, id := range c.sim.LiveRequestIDs() {
			st, err := c.client.DeploymentStatus(c.ctx, id)
			noErr(c.t, err)
			if st.CurrentStatus == want {
				return st
			}
		}
		c.clock.Advance(5 * time.Second)
	}
	c.t.Fatalf("no deployment reached %s", want)
	return nil
}

// waitFor advances simulated time until the deployment reaches want.
func (c *contract) waitFor(id string, want api.Status) {
	c.t.Helper()
	for range 200 {
		st, err := c.client.DeploymentStatus(c.ctx, id)
		if err == nil && st.CurrentStatus == want {
			return
		}
		c.clock.Advance(2 * time.Second)
	}
	c.t.Fatalf("%s never reached %s", id, want)
}

func (c *contract) deployV2(tags ...string) string {
	c.t.Helper()
	app, version := c.anyAppVersion()
	res, err := c.client.DeployV2(c.ctx, api.DeployV2Request{
		Application: app, Version: version, Users: []api.DeployUser{api.IPUser("203.0.113.7")}, Tags: tags,
		EnvironmentVariables: []api.EnvVar{{Key: "MAP", Value: "forest", IsHidden: false}},
	})
	noErr(c.t, err)
	if len(res.RequestID) != 12 {
		c.t.Fatalf("v2 deploy request id = %q", res.RequestID)
	}
	return res.RequestID
}

func (c *contract) anyAppVersion() (string, string) {
	apps := c.sim.Apps()
	names := make([]string, 0, len(apps))
	for a := range apps {
		names = append(names, a)
	}
	slices.Sort(names)
	return names[0], apps[names[0]][0]
}

func TestContractListAndIterate(t *testing.T) {
	c := newContract(t)
	page, err := c.client.ListDeployments(c.ctx, api.ListDeploymentsParams{Page: 1, Limit: 7})
	noErr(t, err)
	total := int(page.TotalCount)
	if total < 40 || len(page.Data) != 7 || !page.Pagination.HasNext || page.Pagination.NextPageNumber == nil || *page.Pagination.NextPageNumber != 2 {
		t.Fatalf("page 1: total %d, %d rows, pagination %+v", total, len(page.Data), page.Pagination)
	}
	var all []string
	for d, err := range c.client.AllDeployments(c.ctx, nil, 9) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, d.RequestID)
	}
	if len(all) != total {
		t.Errorf("iterator yielded %d, total_count %d", len(all), total)
	}
	if uniq := slices.Compact(slices.Sorted(slices.Values(all))); len(uniq) != len(all) {
		t.Error("iterator yielded duplicates")
	}
	last, err := c.client.ListDeployments(c.ctx, api.ListDeploymentsParams{Page: int(page.Pagination.Paginator.NumPages), Limit: 7})
	noErr(t, err)
	if last.Pagination.HasNext || last.Pagination.NextPageNumber != nil {
		t.Errorf("last page pagination = %+v, want no next page", last.Pagination)
	}

	// An iterator stops when the consumer does.
	n := 0
	for range c.client.AllDeployments(c.ctx, nil, 5) {
		if n++; n == 3 {
			break
		}
	}

	_, err = c.client.ListDeployments(c.ctx, api.ListDeploymentsParams{Limit: 5000})
	wantStatus(t, "limit 5000", err, http.StatusBadRequest)
}

func TestContractListFilters(t *testing.T) {
	c := newContract(t)
	c.clock.Advance(2 * time.Minute)
	ready, err := c.client.ListDeployments(c.ctx, api.ListDeploymentsParams{Limit: 100, Query: &api.DeploymentQuery{
		Filters: []api.QueryFilter{{Field: api.FieldStatus, Operator: api.OpEq, Value: "ready"}},
		OrderBy: []api.QueryOrder{{Field: "created_at", Order: "desc"}},
	}})
	noErr(t, err)
	if len(ready.Data) == 0 {
		t.Fatal("no READY deployments")
	}
	for i, d := range ready.Data {
		st, err := c.client.DeploymentStatus(c.ctx, d.RequestID)
		noErr(t, err)
		if st.CurrentStatus != api.StatusReady || !d.Ready {
			t.Errorf("%s listed as ready but is %s", d.RequestID, st.CurrentStatus)
		}
		if i > 0 && d.StartTime.After(ready.Data[i-1].StartTime.Time) {
			t.Errorf("order_by created_at desc not honoured at row %d", i)
		}
	}
	app, _ := c.anyAppVersion()
	byApp, err := c.client.ListDeployments(c.ctx, api.ListDeploymentsParams{Limit: 100, Query: &api.DeploymentQuery{
		Filters: []api.QueryFilter{{Field: api.FieldApplication, Operator: api.OpIn, Value: []string{app}}},
	}})
	noErr(t, err)
	for _, d := range byApp.Data {
		st, err := c.client.DeploymentStatus(c.ctx, d.RequestID)
		noErr(t, err)
		if st.AppName != app {
			t.Errorf("%s has app %s, want %s", d.RequestID, st.AppName, app)
		}
	}
	id := c.deployV2("contract-canary")
	tagged, err := c.client.ListDeployments(c.ctx, api.ListDeploymentsParams{Query: &api.DeploymentQuery{
		Filters: []api.QueryFilter{{Field: api.FieldTags, Operator: api.OpEq, Value: "contract-canary"}},
	}})
	noErr(t, err)
	if len(tagged.Data) != 1 || tagged.Data[0].RequestID != id {
		t.Errorf("tag filter returned %+v, want only %s", tagged.Data, id)
	}
}

func TestContractStatus(t *testing.T) {
	c := newContract(t)
	st := c.findByStatus(api.StatusReady)
	if !st.Running || st.AppName == "" || st.AppVersion == "" || st.Location == nil || st.Location.City == "" || len(st.Ports) == 0 || st.FQDN == "" || st.StartTime.IsZero() {
		t.Errorf("READY status lacks fields: %+v", st)
	}
	_, err := c.client.DeploymentStatus(c.ctx, "000000000000")
	if !api.IsNotFound(err) {
		t.Errorf("unknown id: err = %v, want 404", err)
	}
}

func TestContractStop(t *testing.T) {
	c := newContract(t)
	ready := c.findByStatus(api.StatusReady)
	res, err := c.client.StopDeployment(c.ctx, ready.RequestID, api.StopOptions{ContainerLogStorage: "false"})
	noErr(t, err)
	if res.Outcome != api.StopStopping || res.HTTPStatus != 200 || res.Summary == nil || res.Summary.RequestID != ready.RequestID {
		t.Errorf("stop READY: %+v", res)
	}
	c.waitFor(ready.RequestID, api.StatusTerminated)
	again, err := c.client.StopDeployment(c.ctx, ready.RequestID, api.StopOptions{})
	noErr(t, err)
	if again.Outcome != api.StopAlreadyTerminated || again.HTTPStatus != 410 {
		t.Errorf("stop TERMINATED: %+v", again)
	}

	fresh := c.deployV2()
	early, err := c.client.StopDeployment(c.ctx, fresh, api.StopOptions{})
	noErr(t, err)
	if early.Outcome != api.StopAccepted || early.HTTPStatus != 202 || early.Message == "" {
		t.Errorf("stop while deploying: %+v", early)
	}
	c.waitFor(fresh, api.StatusTerminated)

	_, err = c.client.StopDeployment(c.ctx, "000000000000", api.StopOptions{})
	wantStatus(t, "stop unknown", err, http.StatusNotFound)
}

func TestContractBulkStop(t *testing.T) {
	c := newContract(t)
	a, b := c.deployV2("bulk-a"), c.deployV2("bulk-a", "bulk-b")
	other := c.deployV2("bulk-b")
	res, err := c.client.BulkStopByRequestIDs(c.ctx, a, b)
	noErr(t, err)
	got := []string{}
	for _, p := range res.Processable {
		got = append(got, p.RequestID)
	}
	slices.Sort(got)
	want := []string{a, b}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("bulk by id processable = %v, want %v", got, want)
	}
	byTag, err := c.client.BulkStopByTags(c.ctx, api.MatchAll, "bulk-b")
	noErr(t, err)
	if len(byTag.Processable) == 0 || !slices.ContainsFunc(byTag.Processable, func(p api.BulkStopItem) bool { return p.RequestID == other }) {
		t.Errorf("bulk by tag processable = %v, want it to include %s", byTag.Processable, other)
	}
	c.waitFor(other, api.StatusTerminated)
}

func TestContractSelfStop(t *testing.T) {
	c := newContract(t)
	st := c.findByStatus(api.StatusReady)
	key, token, ok := c.sim.SelfStopCredentials(st.RequestID)
	if !ok {
		t.Fatal("no self-stop credentials")
	}
	if _, err := c.client.SelfStop(c.ctx, st.RequestID, key, "wrong-"+token, api.StopOptions{}); api.StatusOf(err) != 401 && api.StatusOf(err) != 403 {
		t.Errorf("self-stop with a wrong token: err = %v, want 401/403", err)
	}
	res, err := c.client.SelfStop(c.ctx, st.RequestID, key, token, api.StopOptions{})
	noErr(t, err)
	if res.Outcome != api.StopStopping && res.Outcome != api.StopAccepted {
		t.Errorf("self-stop: %+v", res)
	}
	c.waitFor(st.RequestID, api.StatusTerminated)
}

func TestContractLogs(t *testing.T) {
	c := newContract(t)
	st := c.findByStatus(api.StatusReady)
	c.clock.Advance(30 * time.Second)
	logs, err := c.client.ContainerLogs(c.ctx, st.RequestID)
	noErr(t, err)
	if logs.Logs == "" || !strings.HasSuffix(logs.Logs, "\n") {
		t.Errorf("logs of a running deployment: %q", logs.Logs)
	}
	if _, err := c.client.StopDeployment(c.ctx, st.RequestID, api.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	c.waitFor(st.RequestID, api.StatusTerminated)
	_, err = c.client.ContainerLogs(c.ctx, st.RequestID)
	wantStatus(t, "logs after termination", err, http.StatusNotFound)
	_, err = c.client.ContainerLogs(c.ctx, "000000000000")
	wantStatus(t, "logs of unknown", err, http.StatusNotFound)
}

func TestContractMetrics(t *testing.T) {
	c := newContract(t)
	st := c.findByStatus(api.StatusReady)
	c.clock.Advance(10 * time.Minute)
	end := api.V1Time(c.clock.Now())
	start := api.V1Time(end.Add(-5 * time.Minute))
	m, err := c.client.Metrics(c.ctx, st.RequestID, api.MetricsParams{Start: start, End: end, Steps: "30s"})
	noErr(t, err)
	if n := len(m.CPU.Datasets); n < 9 || n > 12 || len(m.CPU.Timestamps) != n || len(m.Mem.Datasets) != n || len(m.Network.Receive.Datasets) != n || len(m.Total.ReceiveTotal.Datasets) != n {
		t.Errorf("5 minutes at 30s steps gave %d CPU points (mem %d)", n, len(m.Mem.Datasets))
	}
	for _, ts := range m.CPU.Timestamps {
		if ts.Before(start.Add(-time.Minute)) || ts.After(end.Add(time.Minute)) {
			t.Errorf("timestamp %v outside [%v, %v]", ts, start, end)
		}
	}
	_, err = c.client.Metrics(c.ctx, st.RequestID, api.MetricsParams{Start: end, End: start})
	wantStatus(t, "start after end", err, http.StatusUnprocessableEntity)
	raw, err := c.client.Metrics(c.ctx, st.RequestID, api.MetricsParams{Raw: true})
	noErr(t, err)
	if len(raw.CPU.Datasets) == 0 {
		t.Error("default range returned no points")
	}
	_, err = c.client.Metrics(c.ctx, "000000000000", api.MetricsParams{})
	wantStatus(t, "metrics of unknown", err, http.StatusNotFound)
}

func TestContractDeploys(t *testing.T) {
	c := newContract(t)
	app, version := c.anyAppVersion()
	yes := true
	v1, err := c.client.DeployV1(c.ctx, api.DeployV1Request{AppName: app, VersionName: version, IPList: []string{"198.51.100.4"}, Tags: []string{"v1-deploy"}, SkipTelemetry: &yes})
	noErr(t, err)
	if v1.RequestID == "" || v1.RequestApp != app || v1.RequestVersion != version || v1.RequestDNS == "" {
		t.Errorf("v1 deploy: %+v", v1)
	}
	st, err := c.client.DeploymentStatus(c.ctx, v1.RequestID)
	noErr(t, err)
	if st.AppName != app || !slices.Contains(st.Tags, "v1-deploy") {
		t.Errorf("v1 deployment status: %+v", st)
	}
	_, err = c.client.DeployV1(c.ctx, api.DeployV1Request{AppName: "no-such-app", VersionName: "v1"})
	wantStatus(t, "v1 unknown app", err, http.StatusNotFound)

	id := c.deployV2("v2-deploy")
	c.waitFor(id, api.StatusReady)

	res, err := c.client.DeployV2(c.ctx, api.DeployV2Request{Application: app, Version: version, Users: []api.DeployUser{api.GeoUser(45.5, -73.6)}, Resources: &api.Resources{CPUUnits: 1 << 20, MemoryMiB: 1 << 20}})
	var apiErr *api.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 || res == nil || res.RequestID == "" || apiErr.RequestID != res.RequestID {
		t.Fatalf("v2 deploy that cannot allocate: res %+v, err %v", res, err)
	}
	failed, err := c.client.DeploymentStatus(c.ctx, res.RequestID)
	noErr(t, err)
	if failed.CurrentStatus != api.StatusError || !failed.Error || failed.ErrorDetail == "" {
		t.Errorf("the 422 deployment: %+v", failed)
	}
}

func TestContractPrivateFleets(t *testing.T) {
	c := newContract(t)
	fleets := c.sim.PrivateFleetNames()
	if len(fleets) < 2 {
		t.Fatalf("private fleets = %v", fleets)
	}
	var active, pending []string
	nulls := 0
	for _, f := range fleets {
		hosts, err := c.client.Hosts(c.ctx, f)
		noErr(t, err)
		if int(hosts.TotalCount) != len(hosts.Data) {
			t.Errorf("%s: total_count %d for %d hosts", f, hosts.TotalCount, len(hosts.Data))
		}
		for _, h := range hosts.Data {
			switch h.Status {
			case api.HostActive:
				active = append(active, h.HostID)
			case api.HostPending:
				pending = append(pending, h.HostID)
			}
			if h.IPAddress == nil || h.AllocatableCPUUnits == nil || h.Beacon == nil {
				nulls++
			}
		}
	}
	if len(active) == 0 || len(pending) == 0 || nulls == 0 {
		t.Fatalf("hosts: %d active, %d pending, %d with null fields", len(active), len(pending), nulls)
	}
	_, err := c.client.Hosts(c.ctx, "no-such-fleet")
	wantStatus(t, "hosts of unknown fleet", err, http.StatusBadRequest)

	app, version := c.anyAppVersion()
	req := api.PrivateFleetDeployRequest{PrivateHostIDs: []string{active[0]}, DeployV2Request: api.DeployV2Request{Application: app, Version: version, Users: []api.DeployUser{api.IPUser("203.0.113.9")}}}
	ok, err := c.client.DeployPrivateFleet(c.ctx, req)
	noErr(t, err)
	if ok.RequestID == "" {
		t.Error("private fleet deploy: no request id")
	}
	req.PrivateHostIDs = pending
	res, err := c.client.DeployPrivateFleet(c.ctx, req)
	if api.StatusOf(err) != 422 || res == nil || res.RequestID == "" {
		t.Errorf("deploy on pending hosts only: res %+v, err %v", res, err)
	}
}

func TestContractLocations(t *testing.T) {
	c := newContract(t)
	all, err := c.client.Locations(c.ctx, api.LocationsParams{Tags: true, Limit: 100})
	noErr(t, err)
	if len(all.Locations) < 20 || int(all.TotalCount) != len(all.Locations) {
		t.Fatalf("%d locations (total_count %d), want ≥ 20", len(all.Locations), all.TotalCount)
	}
	for _, l := range all.Locations {
		if l.City == "" || l.Country == "" || l.Continent == "" || l.AdministrativeDivision == "" || l.Timezone == "" || (l.Latitude == 0 && l.Longitude == 0) {
			t.Errorf("incomplete location %+v", l)
		}
	}
	app, version := c.anyAppVersion()
	capacity, err := c.client.Locations(c.ctx, api.LocationsParams{App: app, Version: version, Type: "standard", Limit: 100})
	noErr(t, err)
	if len(capacity.Locations) == 0 || len(capacity.Locations) > len(all.Locations) {
		t.Errorf("%d locations with capacity for %s/%s", len(capacity.Locations), app, version)
	}
	page, err := c.client.Locations(c.ctx, api.LocationsParams{Page: 2, Limit: 5})
	noErr(t, err)
	if len(page.Locations) != 5 || page.Pagination == nil || int(page.Pagination.Number) != 2 {
		t.Errorf("page 2 of 5: %d rows, %+v", len(page.Locations), page.Pagination)
	}
}

func TestContractTags(t *testing.T) {
	c := newContract(t)
	id := c.deployV2("start")
	tag, err := c.client.CreateDeploymentTag(c.ctx, id, "incident-42")
	noErr(t, err)
	if tag.Name != "incident-42" || tag.CreateTime == nil {
		t.Errorf("created %+v", tag)
	}
	_, err = c.client.CreateDeploymentTag(c.ctx, id, "incident-42")
	wantStatus(t, "duplicate tag", err, http.StatusConflict)
	got, err := c.client.DeploymentTag(c.ctx, id, "incident-42")
	noErr(t, err)
	if got.Name != "incident-42" {
		t.Errorf("get %+v", got)
	}
	list, err := c.client.DeploymentTags(c.ctx, id, 1, 10)
	noErr(t, err)
	if int(list.TotalCount) != 2 || len(list.Tags) != 2 {
		t.Errorf("list %+v", list)
	}
	renamed, err := c.client.RenameDeploymentTag(c.ctx, id, "incident-42", "incident-43")
	noErr(t, err)
	if renamed.Name != "incident-43" {
		t.Errorf("renamed %+v", renamed)
	}
	_, err = c.client.RenameDeploymentTag(c.ctx, id, "incident-43", "start")
	wantStatus(t, "rename onto an existing tag", err, http.StatusConflict)
	st, err := c.client.DeploymentStatus(c.ctx, id)
	noErr(t, err)
	if !slices.Contains(st.Tags, "incident-43") || slices.Contains(st.Tags, "incident-42") {
		t.Errorf("status tags after rename: %v", st.Tags)
	}
	if err := c.client.DeleteDeploymentTag(c.ctx, id, "incident-43"); err != nil {
		t.Fatal(err)
	}
	_, err = c.client.DeploymentTag(c.ctx, id, "incident-43")
	wantStatus(t, "deleted tag", err, http.StatusNotFound)
	wantStatus(t, "delete missing tag", c.client.DeleteDeploymentTag(c.ctx, id, "nope"), http.StatusNotFound)
	_, err = c.client.DeploymentTags(c.ctx, "000000000000", 0, 0)
	wantStatus(t, "tags of unknown deployment", err, http.StatusNotFound)
}

func TestContractSmartFleets(t *testing.T) {
	c := newContract(t)
	fleets, err := c.client.AllFleets(c.ctx)
	noErr(t, err)
	if len(fleets) < 3 {
		t.Fatalf("%d Smart Fleets, want ≥ 3", len(fleets))
	}
	first, err := c.client.Fleets(c.ctx, 1, 2)
	noErr(t, err)
	if len(first.Fleets) != 2 || first.Pagination == nil || !first.Pagination.HasNext {
		t.Errorf("fleets page 1 of 2: %+v", first)
	}
	name := fleets[0].Name
	f, err := c.client.Fleet(c.ctx, name)
	noErr(t, err)
	if f.Name != name {
		t.Errorf("get fleet %+v", f)
	}
	_, err = c.client.Fleet(c.ctx, "no-such-fleet")
	wantStatus(t, "unknown fleet", err, http.StatusNotFound)

	created, err := c.client.CreateFleet(c.ctx, api.FleetCreate{Name: "contract-fleet", Enabled: false})
	noErr(t, err)
	if created.Name != "contract-fleet" || created.Enabled {
		t.Errorf("created %+v", created)
	}
	on := true
	u, err := c.client.UpdateFleet(c.ctx, "contract-fleet", api.FleetUpdate{Enabled: &on})
	noErr(t, err)
	if !u.Enabled {
		t.Errorf("updated %+v", u)
	}
	app, version := c.anyAppVersion()
	link, err := c.client.LinkFleetAppVersion(c.ctx, "contract-fleet", app, version)
	noErr(t, err)
	if link.App != app || link.AppVersion != version || link.Fleet != "contract-fleet" {
		t.Errorf("link %+v", link)
	}
	if err := c.client.UnlinkFleetAppVersion(c.ctx, "contract-fleet", app, version); err != nil {
		t.Error(err)
	}
	wantStatus(t, "unlink twice", c.client.UnlinkFleetAppVersion(c.ctx, "contract-fleet", app, version), http.StatusNotFound)

	policies, err := c.client.AllPolicies(c.ctx, name)
	noErr(t, err)
	if len(policies) == 0 {
		t.Errorf("fleet %s has no policies", name)
	}
	data, _ := json.Marshal(api.PolicyFilters{Filters: []api.LocationFilter{{Field: "city", Values: []string{"Montreal"}, FilterType: api.MatchAny}}})
	p, err := c.client.CreatePolicy(c.ctx, "contract-fleet", api.PolicyCreate{Name: "montreal", Enabled: true, Type: api.PolicyLocation, Minimum: 1, Maximum: 4, Threshold: 0.8, Data: data})
	noErr(t, err)
	if filters, err := p.LocationFilters(); err != nil || len(filters) != 1 || filters[0].Values[0] != "Montreal" {
		t.Errorf("created policy %+v (%v)", p, err)
	}
	got, err := c.client.Policy(c.ctx, "contract-fleet", "montreal")
	noErr(t, err)
	if got.Threshold != 0.8 {
		t.Errorf("get policy %+v", got)
	}
	maxN, th := 6, 0.5
	pu, err := c.client.UpdatePolicy(c.ctx, "contract-fleet", "montreal", api.PolicyUpdate{Maximum: &maxN, Threshold: &th})
	noErr(t, err)
	if *pu.Maximum != 6 || pu.Threshold != 0.5 || pu.Minimum != 1 {
		t.Errorf("updated policy %+v", pu)
	}
	if _, err := c.client.DeletePolicy(c.ctx, "contract-fleet", "montreal"); err != nil {
		t.Fatal(err)
	}
	_, err = c.client.Policy(c.ctx, "contract-fleet", "montreal")
	wantStatus(t, "deleted policy", err, http.StatusNotFound)
	if _, err := c.client.DeleteFleet(c.ctx, "contract-fleet"); err != nil {
		t.Fatal(err)
	}
	_, err = c.client.Fleet(c.ctx, "contract-fleet")
	wantStatus(t, "deleted fleet", err, http.StatusNotFound)

	c.sim.SetLegacyFleets(false)
	_, err = c.client.Fleets(c.ctx, 0, 0)
	wantStatus(t, "fleets after the deprecation", err, http.StatusNotFound)
	_, err = c.client.AllPolicies(c.ctx, name)
	wantStatus(t, "policies after the deprecation", err, http.StatusNotFound)
}

func TestContractAuth(t *testing.T) {
	c := newContract(t)
	srvURL := c.client.BaseURL()
	bad, err := api.New(api.Options{BaseURL: srvURL, Token: "not-the-token", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.ListDeployments(c.ctx, api.ListDeploymentsParams{})
	if !api.IsUnauthorized(err) || strings.Contains(err.Error(), "not-the-token") {
		t.Errorf("wrong token: err = %v", err)
	}
}
