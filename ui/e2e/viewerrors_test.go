package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// startFailingProxy puts a reverse proxy in front of the simulator at
// base that answers 502 {"message": …} to the GETs under a prefix whose
// switch is on. It returns the proxy's base URL.
func startFailingProxy(t *testing.T, base string, fail map[string]*atomic.Bool) string {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for prefix, on := range fail {
			if on.Load() && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, prefix) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprintf(w, `{"message":"injected failure of %s"}`, prefix)
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestE2EViewErrors runs the console in tmux against the simulator behind
// startFailingProxy: a status refresh that fails keeps the detail with a
// "Status refresh failed" note, which goes once the status answers again;
// metrics that fail from the start say so in the metrics panel instead of
// charts of zeros (issue 11, item 7).
func TestE2EViewErrors(t *testing.T) {
	requireTmux(t)
	bin := gapdeckBinary(t)
	var status, metrics atomic.Bool
	metrics.Store(true)
	base := startFailingProxy(t, startSim(t, bin), map[string]*atomic.Bool{"/v1/status/": &status, "/v1/metrics/": &metrics})
	dir := t.TempDir()
	s := startTmux(t, fmt.Sprintf("EDGEGAP_API_TOKEN=%s XDG_STATE_HOME=%q NO_COLOR=1 %q --api-url %q --log-file %q; echo GAPDECK-EXITED $?; sleep 60",
		e2eToken, dir, bin, base, filepath.Join(dir, "log")))

	s.waitFor("deployment rows", func(scr string) bool { return rowRE.MatchString(scr) })
	s.keys("Enter")
	s.waitText("GENERAL", "PORTS")
	status.Store(true)
	s.waitText("Status refresh failed", "HTTP 502: injected failure of /v1/status/", "GENERAL")

	s.keys("m")
	s.waitText("Could not load the metrics of the last 5m: HTTP 502: injected failure of /v1/metrics/")
	s.keys("m")
	// The API answers again. Both: while metrics fail, the health is
	// UNREACHABLE, and ctrl+r's probe may be a metrics request that fails
	// again and backs off past the wait (seen under load in CI).
	status.Store(false)
	metrics.Store(false)
	s.keys("C-r") // the note says so: past the backoff the failures built up
	s.waitFor("the note to go", func(scr string) bool {
		return !strings.Contains(scr, "Status refresh failed") && strings.Contains(scr, "GENERAL")
	})

	s.escape()
	s.keys("q")
	if scr := s.waitText("GAPDECK-EXITED"); !strings.Contains(scr, "GAPDECK-EXITED 0") {
		t.Fatalf("gapdeck did not exit with 0:\n%s", scr)
	}
}
