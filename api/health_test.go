package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// poll60s calls a status and a list every 200 ms of virtual time for d, as
// a console that ignored Available would, and returns the last errors.
func pollFor(c *Client, clock *virtualClock, d time.Duration) (statusErr, listErr error) {
	end := clock.Now().Add(d)
	for clock.Now().Before(end) {
		for range 3 {
			_, statusErr = c.DeploymentStatus(context.Background(), "abc")
		}
		_, listErr = c.ListDeployments(context.Background(), ListDeploymentsParams{})
		clock.Sleep(context.Background(), 200*time.Millisecond)
	}
	return statusErr, listErr
}

// logBuffer is a debug logger whose lines a test can read.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.buf.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (l *logBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.buf.String(), s)
}

// A revoked token stops every request at once: the client refuses them
// without sending (a NotSentError matching ErrTokenRejected) and tries the
// token once a minute. Target: ≤ 12 requests in 60 s; it was one per
// call, at full budget.
func TestRevokedTokenStopsPolling(t *testing.T) {
	clock := newVirtualClock()
	var calls, accept atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if accept.Load() == 1 && r.Header.Get("Authorization") == "token fresh-token" {
			io.WriteString(w, `{"data":[],"request_id":"abc"}`)
			return
		}
		w.WriteHeader(401)
		io.WriteString(w, `{"message":"Invalid Token"}`)
	}, func(o *Options) { o.Clock = clock })
	start := clock.Now()
	statusErr, listErr := pollFor(c, clock, 50*time.Second)
	var ns *NotSentError
	if !IsTokenRejected(statusErr) || !IsTokenRejected(listErr) || !errors.As(listErr, &ns) {
		t.Errorf("errors after 60 s: %v / %v, want requests refused as token rejected", statusErr, listErr)
	}
	h := c.Health()
	if h.State != HealthTokenRejected || h.Status != 401 || !strings.Contains(h.Reason, "Invalid Token") || !h.Since.Equal(start) {
		t.Errorf("health = %+v", h)
	}
	if !h.RetryAt.After(clock.Now()) || h.RetryAt.Sub(clock.Now()) > time.Minute {
		t.Errorf("next probe at %v, now %v: want within a minute", h.RetryAt, clock.Now())
	}
	for _, g := range Groups {
		if c.Available(g) != 0 {
			t.Errorf("%s has budget while the token is rejected", g)
		}
	}
	pollFor(c, clock, 15*time.Second) // past the first minute: one probe
	n := calls.Load()
	t.Logf("token revoked for 65 s: %d requests sent", n)
	if n > 12 || n < 2 {
		t.Errorf("%d requests in 65 s with a revoked token, want the first and one probe a minute (≤ 12)", n)
	}

	// The console re-read the token source: the new token is tried at once.
	accept.Store(1)
	before := calls.Load()
	if err := c.SetToken("fresh-token"); err != nil {
		t.Fatal(err)
	}
	if c.Available(GroupList) == 0 {
		t.Error("after SetToken no group may send the probe")
	}
	if _, err := c.ListDeployments(context.Background(), ListDeploymentsParams{}); err != nil {
		t.Fatalf("with the new token: %v", err)
	}
	if calls.Load() != before+1 {
		t.Errorf("SetToken then one list sent %d requests", calls.Load()-before)
	}
	if h := c.Health(); h.State != HealthOK || c.Recoveries() != 1 {
		t.Errorf("after the new token: health %+v, recoveries %d", h, c.Recoveries())
	}
	if _, err := c.DeploymentStatus(context.Background(), "abc"); err != nil {
		t.Errorf("status after recovery: %v", err)
	}
}

// ctrl+r (Probe) tries a rejected token at once instead of in a minute.
func TestProbeTriesARejectedTokenAtOnce(t *testing.T) {
	clock := newVirtualClock()
	var calls, fixed atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if fixed.Load() == 1 {
			io.WriteString(w, `{"request_id":"abc"}`)
			return
		}
		w.WriteHeader(403)
	}, func(o *Options) { o.Clock = clock })
	c.DeploymentStatus(context.Background(), "abc")
	if _, err := c.DeploymentStatus(context.Background(), "abc"); !errors.Is(err, ErrTokenRejected) || calls.Load() != 1 {
		t.Fatalf("second call: %v after %d requests", err, calls.Load())
	}
	fixed.Store(1)
	c.Probe()
	if _, err := c.DeploymentStatus(context.Background(), "abc"); err != nil || calls.Load() != 2 {
		t.Fatalf("after Probe: %v, %d requests", err, calls.Load())
	}
	if c.Health().State != HealthOK {
		t.Errorf("health %+v", c.Health())
	}
}

// While every request fails, every group slows down together: after
// downAfterFailures failures in a row only one probe leaves at a time,
// backing off with jitter up to 30 s. The first answered probe reopens
// every group at once.
func TestAPIDownSlowsEveryGroupTogether(t *testing.T) {
	clock := newVirtualClock()
	var calls, up atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if up.Load() == 0 {
			panic(http.ErrAbortHandler) // the connection drops: no answer
		}
		io.WriteString(w, `{"data":[],"request_id":"abc"}`)
	}, func(o *Options) { o.Clock = clock })
	statusErr, _ := pollFor(c, clock, 60*time.Second)
	n := calls.Load()
	t.Logf("API down for 60 s: %d requests sent", n)
	if n > 20 {
		t.Errorf("%d requests in 60 s of a dead API, want ≤ 20", n)
	}
	h := c.Health()
	if h.State != HealthDown || h.Reason == "" || !h.RetryAt.After(clock.Now()) || h.RetryAt.Sub(clock.Now()) > downBackoffCap {
		t.Errorf("health = %+v (now %v)", h, clock.Now())
	}
	var re *RequestError
	if !errors.As(statusErr, &re) && !errors.Is(statusErr, ErrAPIDown) {
		t.Errorf("status error %v", statusErr)
	}
	for _, g := range Groups {
		if c.Available(g) != 0 {
			t.Errorf("%s has budget while the API is down", g)
		}
	}
	up.Store(1)
	back := clock.Now()
	var recovered time.Time
	for clock.Now().Sub(back) < time.Minute {
		if _, err := c.DeploymentStatus(context.Background(), "abc"); err == nil {
			recovered = clock.Now()
			break
		}
		clock.Sleep(context.Background(), 200*time.Millisecond)
	}
	if recovered.IsZero() {
		t.Fatal("no success within a minute of the API coming back")
	}
	t.Logf("first success %v after the API came back", recovered.Sub(back).Round(time.Millisecond))
	if recovered.Sub(back) > downBackoffCap+time.Second {
		t.Errorf("first success %v after the API came back", recovered.Sub(back))
	}
	if c.Health().State == HealthDown || c.Available(GroupList) == 0 || c.Recoveries() != 1 {
		t.Errorf("after the first success: health %+v, list budget %d", c.Health(), c.Available(GroupList))
	}
}

// One Retry-After: 86400 pauses only its group, for at most 60 s; the
// request is not held inside the client for the pause; ctrl+r (Probe)
// sends one request at once and its answer ends the pause.
func TestLongRetryAfterIsCappedAndProbed(t *testing.T) {
	clock := newVirtualClock()
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "86400")
			w.WriteHeader(429)
			return
		}
		io.WriteString(w, `{"data":[],"request_id":"abc"}`)
	}, func(o *Options) { o.Clock = clock })
	start := clock.Now()
	if _, err := c.DeploymentStatus(context.Background(), "abc"); !IsRateLimited(err) {
		t.Fatalf("err = %v", err)
	}
	if waited := clock.Now().Sub(start); waited > maxInlineWait {
		t.Errorf("the caller was held %v inside the client", waited)
	}
	h := c.Health()
	if h.State != HealthRateLimited || h.Group != GroupStatus || h.RetryAt.Sub(clock.Now()) != 60*time.Second {
		t.Errorf("health = %+v, want status paused 60 s", h)
	}
	_, err := c.DeploymentStatus(context.Background(), "abc")
	if !errors.Is(err, ErrPaused) || calls.Load() != 1 {
		t.Errorf("during the pause: %v, %d requests", err, calls.Load())
	}
	if _, err := c.ListDeployments(context.Background(), ListDeploymentsParams{}); err != nil {
		t.Errorf("another group during the pause: %v", err)
	}
	c.Probe()
	if c.Available(GroupStatus) != 1 {
		t.Errorf("probe armed: status budget %d, want 1", c.Available(GroupStatus))
	}
	if _, err := c.DeploymentStatus(context.Background(), "abc"); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if h := c.Health(); h.State != HealthOK || c.Available(GroupStatus) == 0 {
		t.Errorf("after the probe: %+v", h)
	}
}

// Answers that are not the expected JSON, and 4xx that say the console or
// its configuration is wrong, make the health DEGRADED with the reason,
// and each kind of failure is logged once, not per request.
func TestFailuresThatLookedHealthyDegrade(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		list   bool
		want   string
	}{
		{"malformed", 200, `{"request_id": "ab`, false, "bad JSON from status: unexpected end of JSON input"},
		{"431", 431, `too big`, false, "431 Request Header Fields Too Large"},
		{"405", 405, ``, false, "405 Method Not Allowed"},
		{"400 on a GET", 400, `{"message":"bad query"}`, false, "400 Bad Request: bad query"},
		{"404 on the list", 404, `{"message":"Not Found"}`, true, "404 Not Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newVirtualClock()
			logs := &logBuffer{}
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}, func(o *Options) { o.Clock = clock; o.Logger = logs.logger(); o.MaxRetries = -1 })
			for range 20 {
				if tc.list {
					c.ListDeployments(context.Background(), ListDeploymentsParams{})
				} else {
					c.DeploymentStatus(context.Background(), "abc")
				}
				clock.Sleep(context.Background(), time.Second)
			}
			h := c.Health()
			if h.State != HealthDegraded || !strings.Contains(h.Reason, tc.want) {
				t.Errorf("health = %+v, want DEGRADED with %q", h, tc.want)
			}
			if n := logs.count("msg=\"api failure\""); n != 1 {
				t.Errorf("%d failure lines for 20 identical failures, want 1", n)
			}
			clock.Sleep(context.Background(), DegradedFor)
			if h := c.Health(); h.State == HealthDegraded {
				t.Errorf("still DEGRADED %v after the last failure: %+v", DegradedFor, h)
			}
		})
	}
	// A 404 about a deployment is an answer: health stays OK.
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }, nil)
	c.DeploymentStatus(context.Background(), "gone")
	if h := c.Health(); h.State != HealthOK {
		t.Errorf("after a status 404: %+v", h)
	}
}

// An answer to a request sent before the token was rejected does not
// reopen the gate: only the probe, sent with the token as it is now, can.
func TestLateAnswerDoesNotReopenARejectedToken(t *testing.T) {
	clock := newVirtualClock()
	c, err := New(Options{Token: testToken, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	c.observe(outcomeAuth, false, GroupStatus, "GET", "/v1/status/a", 401, "401 Unauthorized: Invalid Token")
	c.observe(outcomeAnswer, false, GroupList, "GET", "/v1/deployments", 0, "") // sent before the 401
	if h := c.Health(); h.State != HealthTokenRejected {
		t.Fatalf("a late answer reopened the gate: %+v", h)
	}
	c.Probe()
	probe, err := c.admit("GET", "/v1/deployments")
	if !probe || err != nil {
		t.Fatalf("admit after Probe: %v %v", probe, err)
	}
	c.observe(outcomeAnswer, true, GroupList, "GET", "/v1/deployments", 0, "")
	if h := c.Health(); h.State != HealthOK {
		t.Errorf("the probe's answer did not reopen the gate: %+v", h)
	}
}

// Connection refused for 60 s (nothing listens): the client backs off
// every group together; the request count is bounded.
func TestConnectionRefusedIsBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	var calls atomic.Int32
	clock := newVirtualClock()
	c, err := New(Options{BaseURL: "http://" + addr, Token: testToken, Clock: clock,
		HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			calls.Add(1)
			return http.DefaultTransport.RoundTrip(r)
		})}})
	if err != nil {
		t.Fatal(err)
	}
	_, listErr := pollFor(c, clock, 60*time.Second)
	t.Logf("connection refused for 60 s: %d requests", calls.Load())
	if calls.Load() > 20 {
		t.Errorf("%d requests in 60 s of connection refused, want ≤ 20", calls.Load())
	}
	if h := c.Health(); h.State != HealthDown || !strings.Contains(h.Reason, "connection refused") {
		t.Errorf("health %+v", h)
	}
	if !errors.Is(listErr, ErrAPIDown) && !strings.Contains(listErr.Error(), "connection refused") {
		t.Errorf("list error %v", listErr)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
