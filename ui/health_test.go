package ui

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
)

// counting counts the requests that reach the simulator.
func counting(n *atomic.Int64) harnessOption {
	return withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			next.ServeHTTP(w, r)
		})
	})
}

// A token revoked while the console runs: polling stops at once (at most
// 12 requests in 60 s; it was hundreds, all 401, with "retry in 0s"), the
// header says TOKEN REJECTED, a line names the token source and what to
// do, and ctrl+r re-reads the source: with the new token the data is back
// at once.
func TestRevokedTokenStopsPollingAndCtrlRReloads(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	h := settled(t, counting(&calls))
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(harnessToken), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env.TokenSource = "token_file " + tokenFile
	reloads := 0
	h.env.ReloadToken = func(context.Context) (string, error) {
		reloads++
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return "", err
		}
		return "token_file " + tokenFile, h.client.SetToken(strings.TrimSpace(string(b)))
	}

	h.sim.SetToken("rotated-token")
	before := calls.Load()
	for range 60 {
		h.tick(time.Second)
	}
	n := calls.Load() - before
	t.Logf("token revoked for 60 s: %d requests", n)
	if n > 12 {
		t.Errorf("%d requests in 60 s with a revoked token, want ≤ 12", n)
	}
	hdr := h.header()
	if !regexp.MustCompile(`API TOKEN REJECTED retry in \d+s · 401`).MatchString(hdr) {
		t.Errorf("header %q", hdr)
	}
	view := h.view()
	for _, want := range []string{"The API rejected the token from token_file " + tokenFile, "Invalid Token", "ctrl+r"} {
		if !strings.Contains(view, want) {
			t.Errorf("screen lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "rotated-token") || strings.Contains(view, harnessToken) {
		t.Error("a token is on screen")
	}
	checkScreen(t, view, 120, 40)

	// The token in the file is rotated too; ctrl+r re-reads it.
	if err := os.WriteFile(tokenFile, []byte("rotated-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	at := h.clock.Now()
	h.press("ctrl+r")
	if reloads != 1 {
		t.Fatalf("ctrl+r re-read the token %d times", reloads)
	}
	if hdr := h.header(); !strings.Contains(hdr, "API OK") {
		t.Errorf("after ctrl+r with the new token: header %q", hdr)
	}
	if strings.Contains(h.view(), "rejected the token") {
		t.Error("the token-rejected line stays after recovery")
	}
	if ok := h.app.tabs[tabDeployments].freshness().okAt; ok.Before(at) {
		t.Errorf("the list last loaded at %v, before ctrl+r at %v", ok, at)
	}
	if strings.Contains(h.title(), "STALE") {
		t.Errorf("title %q after recovery", h.title())
	}
}

// 100 % malformed answers leave the header on API OK no more: DEGRADED
// with the reason.
func TestHeaderShowsMalformedAnswers(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.sim.SetFaults(sim.Faults{Malformed: 1})
	h.settle(func() bool { return strings.Contains(h.header(), "API DEGRADED") })
	if !strings.Contains(h.header(), "bad JSON from") {
		t.Errorf("header %q does not say why", h.header())
	}
}

// One 429 with Retry-After: 86400 pauses its group for 60 s at most, the
// header counts down, ctrl+r probes at once and ends the pause, and the
// data is marked STALE while it is older than its interval.
func TestLongRetryAfterCountdownStaleAndProbe(t *testing.T) {
	t.Parallel()
	var storm atomic.Bool
	h := settled(t, withHandler(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if storm.Load() && r.URL.Path == "/v1/deployments" {
				w.Header().Set("Retry-After", "86400")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"message":"Too Many Requests"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}))
	storm.Store(true)
	h.settle(func() bool { return strings.Contains(h.header(), "API RATE-LIMITED") })
	if !regexp.MustCompile(`RATE-LIMITED retry in (60|59|58)s · list`).MatchString(h.header()) {
		t.Errorf("header %q: want the list group and a 60 s countdown", h.header())
	}
	for range 20 {
		h.tick(time.Second)
	}
	if !regexp.MustCompile(`retry in (40|39|38)s`).MatchString(h.header()) {
		t.Errorf("20 s later: header %q", h.header())
	}
	if !regexp.MustCompile(`STALE \d+s`).MatchString(h.title()) {
		t.Errorf("the list is 20 s old but the title says %q", h.title())
	}
	storm.Store(false)
	at := h.clock.Now()
	h.press("ctrl+r")
	if hdr := h.header(); strings.Contains(hdr, "RATE-LIMITED") {
		t.Errorf("after a successful probe: header %q", hdr)
	}
	if ok := h.app.tabs[tabDeployments].freshness().okAt; ok.Before(at) {
		t.Errorf("ctrl+r during the pause fetched no list (last %v)", ok)
	}
	if strings.Contains(h.title(), "STALE") {
		t.Errorf("title %q after the probe", h.title())
	}
}

// Data older than its interval is STALE whatever the reason, even when no
// fetch failed (here the console got no wake-up for 20 s).
func TestStaleMarkerByAge(t *testing.T) {
	t.Parallel()
	h := settled(t)
	if strings.Contains(h.title(), "STALE") {
		t.Fatalf("fresh title %q", h.title())
	}
	h.clock.Advance(20 * time.Second)
	h.update(clockMsg{}) // the clock, and no engine answer
	if !strings.Contains(h.title(), "STALE 2") {
		t.Errorf("list 20 s old (interval 2 s): title %q", h.title())
	}
}

// TestRejectedTokenFromTheStartSaysPollingStopped: a console whose token
// is refused before anything loaded does not promise "(retrying)" under
// an empty list: polling is stopped until the token is fixed.
func TestRejectedTokenFromTheStartSaysPollingStopped(t *testing.T) {
	h := newHarness(t, withoutInit())
	h.sim.SetToken("rotated-token")
	h.pump(h.app.Init())
	for range 3 {
		h.tick(time.Second)
	}
	h.mustContain("Could not load deployments", "(polling stopped until the token is fixed: see below)")
	if view := h.view(); strings.Contains(view, "(retrying)") {
		t.Errorf("the list promises a retry while polling is stopped:\n%s", view)
	}
}

// A large organization's list pass earns a pause as long as it took: the
// list between two passes is older than the list interval, not STALE
// (the marker would blink after every pass).
func TestLongListPassIsNotStaleDuringItsPause(t *testing.T) {
	t.Parallel()
	h := settled(t, withDeployments(12000)) // 120 pages: 12 s a pass at the test's budget
	longest := time.Duration(0)
	for range 90 {
		h.tick(time.Second)
		longest = max(longest, h.app.env.Engine.Snapshot().ListPause)
		if title := h.title(); strings.Contains(title, "STALE") {
			t.Fatalf("the list is marked stale during its pause (%s): %q", h.app.env.Engine.Snapshot().ListPause, title)
		}
	}
	if longest <= staleAfter(model.DefaultListInterval) {
		t.Fatalf("the longest pause between passes was %s: the test proves nothing", longest)
	}
}
