package e2e

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/gapdeck/gapdeck/api"
)

// TestPrismProxyAppsCalls sends the client's applications, versions,
// endpoint storage, report and stop-with-log-storage calls through the
// Prism proxies, success and error answers, until a console view uses
// them: Prism validates every request and answer against the v1 spec, and
// a violation .ci/prism-allow.txt does not name fails the test (see
// proxiedSim).
func TestPrismProxyAppsCalls(t *testing.T) {
	requirePrism(t)
	bin := gapdeckBinary(t)
	c := e2eClient(t, startSim(t, bin))
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	wantStatus := func(what string, err error, status int) {
		t.Helper()
		var ae *api.APIError
		if !errors.As(err, &ae) || ae.StatusCode != status {
			t.Errorf("%s: %v, want %d", what, err, status)
		}
	}

	apps, err := c.AllApps(ctx)
	must("apps", err)
	if len(apps) == 0 {
		t.Fatal("no applications")
	}
	for _, a := range apps {
		versions, err := c.AllAppVersions(ctx, a.Name)
		must("versions of "+a.Name, err)
		if len(versions) == 0 {
			t.Fatalf("%s has no versions", a.Name)
		}
		_, err = c.AppVersion(ctx, a.Name, versions[0].Name)
		must("a version of "+a.Name, err)
	}
	_, err = c.App(ctx, apps[0].Name)
	must("an app", err)
	_, err = c.SetAppActive(ctx, "cozy-farm", false)
	must("disable cozy-farm", err)
	_, err = c.SetAppActive(ctx, "cozy-farm", true)
	must("enable cozy-farm", err)
	_, err = c.SetAppVersionActive(ctx, "kart-racing", "2026.04.2", false)
	must("disable a version", err)
	minutes := 600
	_, err = c.UpdateAppVersion(ctx, "kart-racing", "2026.04.2", api.AppVersionUpdate{IsActive: new(true), MaxDuration: &minutes})
	must("enable a version, max_duration", err)
	eps, err := c.AllStorageEndpoints(ctx)
	must("storage endpoints", err)
	if len(eps) == 0 {
		t.Fatal("no storage endpoints")
	}

	page, err := c.ListDeployments(ctx, api.ListDeploymentsParams{Limit: 5})
	must("deployments", err)
	if len(page.Data) < 2 {
		t.Fatalf("%d deployments", len(page.Data))
	}
	must("report", c.ReportDeployment(ctx, page.Data[0].RequestID, api.ReportRequest{Reason: "Prism check", Metadata: map[string]any{"source": "e2e"}}))
	_, err = c.StopDeployment(ctx, page.Data[1].RequestID, api.StopOptions{ContainerLogStorage: eps[0].Name})
	must("stop keeping the logs", err)

	_, err = c.App(ctx, "no-such-game")
	wantStatus("unknown app", err, http.StatusNotFound)
	_, err = c.AppVersion(ctx, "kart-racing", "9.9.9")
	wantStatus("unknown version", err, http.StatusNotFound)
	_, err = c.SetAppVersionActive(ctx, "kart-racing", "9.9.9", true)
	wantStatus("unknown version patched", err, http.StatusNotFound)
	wantStatus("report of an unknown deployment", c.ReportDeployment(ctx, "000000000000", api.ReportRequest{Reason: "gone"}), http.StatusBadRequest)
}
