package api_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
)

// Contract tests of the applications, versions, endpoint storage and
// report calls: the client against the simulator, every exchange
// validated against the v1 spec.

func TestContractApps(t *testing.T) {
	c := newContract(t)
	apps, err := c.client.AllApps(c.ctx)
	noErr(t, err)
	var names []string
	for _, a := range apps {
		names = append(names, a.Name)
		if !a.IsActive || a.CreateTime.IsZero() || a.LastUpdated.Before(a.CreateTime.Time) {
			t.Errorf("app %+v", a)
		}
	}
	if want := []string{"kart-racing", "arena-shooter", "cozy-farm", "battle-royale"}; !slices.Equal(names, want) {
		t.Fatalf("apps %v, want %v", names, want)
	}

	// Pages of two: the pager reads them all, page by page.
	p1, err := c.client.Apps(c.ctx, 1, 2)
	noErr(t, err)
	p2, err := c.client.Apps(c.ctx, 2, 2)
	noErr(t, err)
	if len(p1.Applications) != 2 || len(p2.Applications) != 2 || p1.TotalCount != 4 || !p1.Pagination.HasNext || p2.Pagination.HasNext {
		t.Fatalf("pages of 2: %+v / %+v", p1, p2)
	}
	if p2.Applications[1].Name != "battle-royale" {
		t.Fatalf("page 2 %+v", p2.Applications)
	}

	a, err := c.client.App(c.ctx, "cozy-farm")
	noErr(t, err)
	if a.Name != "cozy-farm" || !a.IsActive {
		t.Fatalf("app %+v", a)
	}
	_, err = c.client.App(c.ctx, "no-such-game")
	wantAPIError(t, err, http.StatusNotFound, "no-such-game")

	c.clock.Advance(time.Minute)
	a, err = c.client.SetAppActive(c.ctx, "cozy-farm", false)
	noErr(t, err)
	if a.IsActive || !a.LastUpdated.After(a.CreateTime.Time) {
		t.Fatalf("after disabling: %+v", a)
	}
	a, err = c.client.App(c.ctx, "cozy-farm")
	noErr(t, err)
	if a.IsActive {
		t.Fatal("the app is active again on the next read")
	}
	_, err = c.client.SetAppActive(c.ctx, "no-such-game", true)
	wantAPIError(t, err, http.StatusNotFound, "no-such-game")

	_, err = c.client.ReadOnlyView().SetAppActive(c.ctx, "cozy-farm", true)
	if !errors.Is(err, api.ErrReadOnly) {
		t.Fatalf("read-only SetAppActive: %v", err)
	}
}

func TestContractVersions(t *testing.T) {
	c := newContract(t)
	versions, err := c.client.AllAppVersions(c.ctx, "kart-racing")
	noErr(t, err)
	byName := map[string]api.AppVersion{}
	var names []string
	for _, v := range versions {
		byName[v.Name] = v
		names = append(names, v.Name)
	}
	if want := []string{"2026.03.1", "2026.04.2", "oversized", "2026.05.0-hotfix"}; !slices.Equal(names, want) {
		t.Fatalf("versions %v, want %v", names, want)
	}
	good := byName["2026.04.2"]
	if !good.Active() || good.EndpointStorage != "studio-logs-s3" || good.CachingPercent == nil || *good.CachingPercent < api.CachingGood ||
		good.TimeToDeploy == nil || *good.TimeToDeploy != 120 || good.MaxDuration == nil || *good.MaxDuration != 1440 ||
		good.RestartPolicy != "always" || good.TerminationGracePeriodSeconds == nil || good.ReqCPU != 512 || good.ReqMemory != 1024 ||
		len(good.Ports) != 2 || good.Ports[0].Name != "gameport" || good.Ports[0].Port != 7777 || !good.HasPrivateToken || !good.HasPrivateUsername {
		t.Errorf("2026.04.2: %+v", good)
	}
	if len(good.Envs) != 3 || good.Envs[1].Key != "MM_SHARED_SECRET" || good.Envs[1].IsHidden || !good.Envs[1].HasValue || !good.Envs[2].IsHidden {
		t.Errorf("envs %+v", good.Envs)
	}
	if off := byName["2026.05.0-hotfix"]; off.Active() || off.EndpointStorage != "" {
		t.Errorf("the disabled version: %+v", off)
	}
	if old := byName["2026.03.1"]; old.EndpointStorage != "" {
		t.Errorf("2026.03.1 has endpoint storage %q", old.EndpointStorage)
	}
	cozy, err := c.client.AppVersion(c.ctx, "cozy-farm", "0.15.1")
	noErr(t, err)
	if cozy.CachingPercent == nil || *cozy.CachingPercent >= api.CachingGood {
		t.Errorf("cozy-farm 0.15.1 caching %v, want below %g", cozy.CachingPercent, api.CachingGood)
	}
	page, err := c.client.AppVersions(c.ctx, "kart-racing", 2, 3)
	noErr(t, err)
	if len(page.Versions) != 1 || page.Versions[0].Name != "2026.05.0-hotfix" || page.TotalCount != 4 || page.Pagination.HasNext {
		t.Fatalf("page 2 of 3: %+v", page)
	}

	_, err = c.client.AppVersions(c.ctx, "no-such-game", 1, 10)
	wantAPIError(t, err, http.StatusNotFound, "no-such-game")
	_, err = c.client.AppVersion(c.ctx, "kart-racing", "9.9.9")
	wantAPIError(t, err, http.StatusNotFound, "9.9.9")

	// The kill switch and max_duration.
	c.clock.Advance(time.Minute)
	off, err := c.client.SetAppVersionActive(c.ctx, "kart-racing", "2026.04.2", false)
	noErr(t, err)
	if off.Active() || !off.LastUpdated.After(good.LastUpdated.Time) {
		t.Fatalf("after disabling: %+v", off)
	}
	minutes := 90
	v, err := c.client.UpdateAppVersion(c.ctx, "kart-racing", "2026.04.2", api.AppVersionUpdate{MaxDuration: &minutes})
	noErr(t, err)
	if v.MaxDuration == nil || *v.MaxDuration != 90 || v.Active() {
		t.Fatalf("after max_duration: %+v", v)
	}
	// Deployed afterwards, a deployment of the version gets its max_duration.
	_, err = c.client.SetAppVersionActive(c.ctx, "kart-racing", "2026.04.2", true)
	noErr(t, err)
	res, err := c.client.DeployV2(c.ctx, api.DeployV2Request{Application: "kart-racing", Version: "2026.04.2", Users: []api.DeployUser{api.IPUser("203.0.113.7")}})
	noErr(t, err)
	st, err := c.client.DeploymentStatus(c.ctx, res.RequestID)
	noErr(t, err)
	if st.MaxDuration != 90 {
		t.Errorf("a deployment made after max_duration 90 has max_duration %d", st.MaxDuration)
	}
	_, err = c.client.SetAppVersionActive(c.ctx, "kart-racing", "9.9.9", true)
	wantAPIError(t, err, http.StatusNotFound, "9.9.9")
	tooLong := 1441
	if _, err := c.client.UpdateAppVersion(c.ctx, "kart-racing", "2026.04.2", api.AppVersionUpdate{MaxDuration: &tooLong}); err == nil || !strings.Contains(err.Error(), "1440") {
		t.Fatalf("max_duration 1441: %v", err)
	}
	if _, err := c.client.ReadOnlyView().SetAppVersionActive(c.ctx, "kart-racing", "2026.04.2", true); !errors.Is(err, api.ErrReadOnly) {
		t.Fatalf("read-only: %v", err)
	}
}

func TestContractStorageEndpoints(t *testing.T) {
	c := newContract(t)
	eps, err := c.client.AllStorageEndpoints(c.ctx)
	noErr(t, err)
	if len(eps) != 2 || eps[0].Name != "studio-logs-ndjson" || eps[1].Name != "studio-logs-s3" || eps[1].OutputFormat != "TEXT" ||
		!eps[1].HasAccessKeyID || eps[1].Bucket == "" || eps[1].Endpoint == "" {
		t.Fatalf("endpoints %+v", eps)
	}
	if s := fmt.Sprintf("%+v", eps); containsAny(s, sim.KnownSecrets()) != "" {
		t.Fatalf("a decoded endpoint holds the secret %q", containsAny(s, sim.KnownSecrets()))
	}
}

// A disabled version refuses new deployments through v1 and v2 with the
// simulator's 400 (the API documents no message), and so does a version
// of a disabled app.
func TestContractDisabledVersionRefusesDeploys(t *testing.T) {
	c := newContract(t)
	users := []api.DeployUser{api.IPUser("203.0.113.7")}
	_, err := c.client.DeployV2(c.ctx, api.DeployV2Request{Application: "kart-racing", Version: "2026.05.0-hotfix", Users: users})
	wantAPIError(t, err, http.StatusBadRequest, "kart-racing 2026.05.0-hotfix is not active")

	_, err = c.client.DeployV2(c.ctx, api.DeployV2Request{Application: "kart-racing", Version: "2026.04.2", Users: users})
	noErr(t, err)
	_, err = c.client.SetAppVersionActive(c.ctx, "kart-racing", "2026.04.2", false)
	noErr(t, err)
	_, err = c.client.DeployV2(c.ctx, api.DeployV2Request{Application: "kart-racing", Version: "2026.04.2", Users: users})
	wantAPIError(t, err, http.StatusBadRequest, "kart-racing 2026.04.2 is not active")
	_, err = c.client.DeployV1(c.ctx, api.DeployV1Request{AppName: "kart-racing", VersionName: "2026.04.2", IPList: []string{"203.0.113.7"}})
	wantAPIError(t, err, http.StatusBadRequest, "is not active")
	pf := api.PrivateFleetDeployRequest{PrivateHostIDs: []string{"alpha-north-america-95fab093"},
		DeployV2Request: api.DeployV2Request{Application: "kart-racing", Version: "2026.04.2", Users: users}}
	_, err = c.client.DeployPrivateFleet(c.ctx, pf)
	wantAPIError(t, err, http.StatusBadRequest, "kart-racing 2026.04.2 is not active")
	_, err = c.client.SetAppVersionActive(c.ctx, "kart-racing", "2026.04.2", true)
	noErr(t, err)
	_, err = c.client.DeployPrivateFleet(c.ctx, pf)
	noErr(t, err)
	_, err = c.client.DeployV2(c.ctx, api.DeployV2Request{Application: "kart-racing", Version: "2026.04.2", Users: users})
	noErr(t, err)

	_, err = c.client.SetAppActive(c.ctx, "battle-royale", false)
	noErr(t, err)
	_, err = c.client.DeployV2(c.ctx, api.DeployV2Request{Application: "battle-royale", Version: "season-12", Users: users})
	wantAPIError(t, err, http.StatusBadRequest, "Application battle-royale is not active")
}

// The world stops drawing arrivals of a disabled version, and the running
// ones are not stopped.
func TestDisabledVersionGetsNoNewArrivals(t *testing.T) {
	c := newContract(t)
	before := map[string]bool{}
	for _, id := range c.sim.LiveRequestIDs() {
		before[id] = true
	}
	_, err := c.client.SetAppVersionActive(c.ctx, "kart-racing", "2026.04.2", false)
	noErr(t, err)
	_, err = c.client.SetAppVersionActive(c.ctx, "kart-racing", "2026.03.1", false)
	noErr(t, err)
	arrived := 0
	for range 60 {
		c.clock.Advance(time.Minute)
		for _, id := range c.sim.LiveRequestIDs() {
			if before[id] {
				continue
			}
			before[id] = true
			arrived++
			st, err := c.client.DeploymentStatus(c.ctx, id)
			noErr(t, err)
			if st.AppName == "kart-racing" {
				t.Fatalf("a new deployment of disabled kart-racing %s arrived: %s", st.AppVersion, id)
			}
		}
	}
	if arrived == 0 {
		t.Fatal("no deployment arrived in an hour: the test proves nothing")
	}
}

// A version whose image download exceeds time_to_deploy: its deployments
// go to ERROR once the download times out, not before.
func TestContractImagePullTimeout(t *testing.T) {
	c := newContract(t)
	v, err := c.client.AppVersion(c.ctx, "arena-shooter", "v2.0.0-rc1")
	noErr(t, err)
	if v.TimeToDeploy == nil || *v.TimeToDeploy != 30 {
		t.Fatalf("time_to_deploy %v", v.TimeToDeploy)
	}
	res, err := c.client.DeployV2(c.ctx, api.DeployV2Request{Application: "arena-shooter", Version: "v2.0.0-rc1", Users: []api.DeployUser{api.IPUser("203.0.113.7")}})
	noErr(t, err)
	c.clock.Advance(20 * time.Second)
	st, err := c.client.DeploymentStatus(c.ctx, res.RequestID)
	noErr(t, err)
	if st.CurrentStatus != api.StatusDeploying {
		t.Fatalf("after 20 s: %s, want DEPLOYING", st.CurrentStatus)
	}
	c.clock.Advance(15 * time.Second)
	st, err = c.client.DeploymentStatus(c.ctx, res.RequestID)
	noErr(t, err)
	if st.CurrentStatus != api.StatusError || !st.Error || !strings.Contains(st.ErrorDetail, "time_to_deploy (30s)") {
		t.Fatalf("after 35 s: %s %q, want ERROR from the image download", st.CurrentStatus, st.ErrorDetail)
	}
}

// Logs after stop: kept (logs_link, the last lines) for a version with
// endpoint storage or a stop with container_log_storage, lost (404) for
// the others.
func TestContractLogsKeptOrLostAfterStop(t *testing.T) {
	c := newContract(t)
	deploy := func(app, version string) string {
		res, err := c.client.DeployV2(c.ctx, api.DeployV2Request{Application: app, Version: version, Users: []api.DeployUser{api.IPUser("203.0.113.7")}})
		noErr(t, err)
		return res.RequestID
	}
	stored := deploy("kart-racing", "2026.04.2") // endpoint storage
	plain := deploy("kart-racing", "2026.03.1")  // none
	asked := deploy("cozy-farm", "0.14.0")       // none, but the stop asks
	unknown := deploy("arena-shooter", "v1.8.0") // none, a stop to an unknown endpoint
	for _, id := range []string{stored, plain, asked, unknown} {
		c.waitFor(id, api.StatusReady)
	}
	c.clock.Advance(30 * time.Second)
	logs := map[string]string{}
	for _, id := range []string{stored, plain, asked} {
		l, err := c.client.ContainerLogs(c.ctx, id)
		noErr(t, err)
		if l.Logs == "" {
			t.Fatalf("%s has no logs while READY", id)
		}
		logs[id] = l.Logs
	}
	_, err := c.client.StopDeployment(c.ctx, unknown, api.StopOptions{ContainerLogStorage: "nowhere"})
	wantAPIError(t, err, http.StatusBadRequest, "nowhere")
	for id, opt := range map[string]string{stored: "", plain: "", asked: "studio-logs-ndjson"} {
		_, err := c.client.StopDeployment(c.ctx, id, api.StopOptions{ContainerLogStorage: opt})
		noErr(t, err)
	}
	for _, id := range []string{stored, plain, asked} {
		c.waitFor(id, api.StatusTerminated)
	}
	c.clock.Advance(time.Minute)
	for _, id := range []string{stored, asked} {
		l, err := c.client.ContainerLogs(c.ctx, id)
		noErr(t, err)
		if l.LogsLink == nil || *l.LogsLink == "" || !strings.Contains(l.Logs, lastLine(logs[id])) {
			t.Errorf("%s after stop: link %v, logs %q; want the link and the lines it wrote", id, l.LogsLink, l.Logs)
		}
	}
	_, err = c.client.ContainerLogs(c.ctx, plain)
	wantAPIError(t, err, http.StatusNotFound, "no longer available")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestContractReport(t *testing.T) {
	c := newContract(t)
	id := c.sim.LiveRequestIDs()[0]
	noErr(t, c.client.ReportDeployment(c.ctx, id, api.ReportRequest{Reason: "player reports a cheater", Metadata: map[string]any{"ticket": "SUP-1234"}}))
	reports := c.sim.Reports()
	if len(reports) != 1 || reports[0].RequestID != id || reports[0].Reason != "player reports a cheater" || reports[0].Metadata["ticket"] != "SUP-1234" {
		t.Fatalf("reports %+v", reports)
	}

	c.sim.SetReportUnavailable(true)
	err := c.client.ReportDeployment(c.ctx, id, api.ReportRequest{Reason: "again"})
	wantAPIError(t, err, http.StatusServiceUnavailable, "")
	if n := c.sim.Counters().ByRoute["POST /v1/deployments/{id}:report"].Calls; n != 2 {
		t.Fatalf("%d report requests; a 503 must not be retried (a report sent twice is two reports)", n)
	}
	c.sim.SetReportUnavailable(false)

	err = c.client.ReportDeployment(c.ctx, "000000000000", api.ReportRequest{Reason: "gone"})
	wantAPIError(t, err, http.StatusBadRequest, "not found")

	for _, reason := range []string{"", strings.Repeat("é", 256)} {
		if err := c.client.ReportDeployment(c.ctx, id, api.ReportRequest{Reason: reason}); err == nil {
			t.Errorf("a reason of %d characters was sent", len([]rune(reason)))
		}
	}
	if err := c.client.ReportDeployment(c.ctx, id, api.ReportRequest{Reason: strings.Repeat("é", 255)}); err != nil {
		t.Errorf("255 characters: %v", err)
	}
	if err := c.client.ReadOnlyView().ReportDeployment(c.ctx, id, api.ReportRequest{Reason: "x"}); !errors.Is(err, api.ErrReadOnly) {
		t.Errorf("read-only report: %v", err)
	}
}

// wantAPIError checks that err is an *api.APIError with status and a
// message holding msg.
func wantAPIError(t *testing.T, err error, status int, msg string) {
	t.Helper()
	var ae *api.APIError
	if !errors.As(err, &ae) || ae.StatusCode != status || !strings.Contains(ae.Message, msg) {
		t.Fatalf("err = %v, want %d with %q", err, status, msg)
	}
}

// containsAny returns the first of secrets found in s, or "".
func containsAny(s string, secrets []string) string {
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			return sec
		}
	}
	return ""
}
