package ui

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

const (
	appsRoute     = "GET /v1/apps"
	versionsRoute = "GET /v1/app/{app}/versions"
)

// TestDeployPickersCompleteFromTheAPIsLists: the form reads the
// applications and their versions once when it opens (not again within
// the TTL); the application field lists and completes the names, the
// version field the application's versions, the inactive one marked.
func TestDeployPickersCompleteFromTheAPIsLists(t *testing.T) {
	h := settled(t, withSize(200, 50))
	h.press("n")
	apps := h.calls(appsRoute)
	if apps != 1 || h.calls(versionsRoute) < 3 {
		t.Fatalf("the form read the apps %d times and versions %d times", apps, h.calls(versionsRoute))
	}
	h.setDeployField(fieldApp, "kart")
	h.mustContain("apps: kart-racing (tab completes)")
	h.press("tab")
	f := h.deployDialog()
	if f.Value(fieldApp) != "kart-racing" || f.focus != fieldApp {
		t.Fatalf("tab completed to %q (focus %d), want kart-racing on the same field", f.Value(fieldApp), f.focus)
	}
	h.press("tab")
	if f.focus != fieldVersion {
		t.Fatalf("a complete value: tab should move on, focus %d", f.focus)
	}
	h.setDeployField(fieldVersion, "2026.0")
	h.mustContain("versions: 2026.05.0-hotfix (inactive) · 2026.04.2 · 2026.03.1")
	h.setDeployField(fieldVersion, "2026.04")
	h.press("tab")
	if f.Value(fieldVersion) != "2026.04.2" {
		t.Fatalf("version completed to %q", f.Value(fieldVersion))
	}
	h.mustContain("caching 93%", "max_duration 1440 min")
	h.press("esc")
	versions := h.calls(versionsRoute)
	h.press("n")
	if h.calls(appsRoute) != 1 || h.calls(versionsRoute) != versions {
		t.Error("a second form within the TTL read the lists again")
	}
}

// TestDeployPickerShowsCachingAndMaxDuration: a version under 80%
// caching warns that deploys will be slow; a short max_duration is shown.
func TestDeployPickerShowsCachingAndMaxDuration(t *testing.T) {
	h := settled(t, withSize(200, 50))
	h.press("n")
	h.setDeployField(fieldApp, "cozy-farm")
	h.setDeployField(fieldVersion, "0.15.1")
	h.mustContain("⚠ caching 42% (under 80%): deploys will pull the image and be slow")
	h.setDeployField(fieldVersion, "0.14.0")
	h.mustContain("caching 93%", "max_duration 240 min")
	h.mustNotContain("will pull the image")
}

// TestDeployPickerRefusesAnInactiveVersion: the inactive version is
// refused at submit with what to do; nothing is sent.
func TestDeployPickerRefusesAnInactiveVersion(t *testing.T) {
	h := settled(t, withSize(200, 50))
	h.press("n")
	h.fillDeploy("kart-racing", "2026.05.0-hotfix", "1.2.3.4", "", "")
	h.mustContain("✗ inactive: deployments of this version are disabled")
	h.submitDeploy()
	f := h.deployDialog()
	if f.result != dialogOpen || f.focus != fieldVersion {
		t.Fatalf("the form closed (%v) or did not focus the version (%d)", f.result, f.focus)
	}
	h.mustContain("kart-racing 2026.05.0-hotfix is inactive: it refuses new deployments (enable the version first)")
	if n := h.calls("POST /v2/deployments"); n != 0 {
		t.Fatalf("%d deploys sent", n)
	}
	// An active version of the same application goes on to the confirmation.
	h.setDeployField(fieldVersion, "2026.04.2")
	h.submitDeploy()
	h.mustContain("Deploy kart-racing 2026.04.2?")
}

// TestDeployPickerSaysWhenTheListsCannotBeRead: a failed apps list is
// said under the field and the name can still be typed.
func TestDeployPickerSaysWhenTheListsCannotBeRead(t *testing.T) {
	var on atomic.Bool
	on.Store(true)
	h := settled(t, withSize(200, 50), failingWhile("/v1/apps", http.StatusBadRequest, "apps listing refused", &on))
	h.press("n")
	h.mustContain("could not list the applications:", "(type the name)")
	h.setDeployField(fieldApp, "kart-racing")
	if f := h.deployDialog(); f.Value(fieldApp) != "kart-racing" {
		t.Fatalf("app %q", f.Value(fieldApp))
	}
	if !strings.Contains(h.view(), "apps listing refused") {
		t.Errorf("the failure does not say what the API answered:\n%s", h.view())
	}
}
