package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testToken = "tok-3f9a1c2e-secret"

// virtualClock advances only when someone sleeps: tests of backoff and
// pauses run instantly and can read exactly how long the client waited.
type virtualClock struct {
	mu      sync.Mutex
	now     time.Time
	slept   []time.Duration
	onSleep func() // called after each sleep, outside the lock
}

func newVirtualClock() *virtualClock {
	return &virtualClock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
}

func (v *virtualClock) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

func (v *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mu.Lock()
	v.now = v.now.Add(d)
	v.slept = append(v.slept, d)
	hook := v.onSleep
	v.mu.Unlock()
	if hook != nil {
		hook()
	}
	return nil
}

func (v *virtualClock) totalSlept() time.Duration {
	v.mu.Lock()
	defer v.mu.Unlock()
	var t time.Duration
	for _, d := range v.slept {
		t += d
	}
	return t
}

func newTestClient(t *testing.T, h http.HandlerFunc, mod func(*Options)) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	opts := Options{BaseURL: srv.URL, Token: testToken, Version: "1.2.3", HTTPClient: srv.Client()}
	if mod != nil {
		mod(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewRefusesPlainHTTPExceptLoopback(t *testing.T) {
	cases := []struct {
		url  string
		ok   bool
		want string
	}{
		{"", true, ""},
		{"https://api.edgegap.com", true, ""},
		{"https://staging-api.edgegap.com/", true, ""},
		{"http://127.0.0.1:8787", true, ""},
		{"http://localhost:8787", true, ""},
		{"http://[::1]:8787", true, ""},
		{"http://api.edgegap.com", false, "refusing plain http://"},
		{"http://10.0.0.5:8787", false, "refusing plain http://"},
		{"ftp://api.edgegap.com", false, "not supported"},
		{"api.edgegap.com", false, "not an absolute URL"},
		{"https://user:pw@api.edgegap.com", false, "must not carry credentials"},
	}
	for _, tc := range cases {
		_, err := New(Options{BaseURL: tc.url, Token: testToken})
		if tc.ok != (err == nil) {
			t.Errorf("New(%q): err = %v, want ok=%v", tc.url, err, tc.ok)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%q): err = %q, want it to mention %q", tc.url, err, tc.want)
		}
	}
	if _, err := New(Options{}); err == nil || !strings.Contains(err.Error(), "EDGEGAP_API_TOKEN") {
		t.Errorf("New without token: err = %v, want a hint about EDGEGAP_API_TOKEN", err)
	}
	for _, f := range []float64{-0.1, 1.5, math.NaN(), math.Inf(1)} {
		if _, err := New(Options{Token: testToken, BudgetFraction: f}); err == nil {
			t.Errorf("budget fraction %g accepted", f)
		}
	}
}

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	var path string
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		got, path = r.Header.Clone(), r.URL.EscapedPath()
		io.WriteString(w, `{"request_id":"abc/../x y","current_status":"Status.READY"}`)
	}, nil)
	st, err := c.DeploymentStatus(context.Background(), "abc/../x y")
	if err != nil {
		t.Fatal(err)
	}
	if st.CurrentStatus != StatusReady {
		t.Errorf("status = %q", st.CurrentStatus)
	}
	if string(st.Raw()) != `{"request_id":"abc/../x y","current_status":"Status.READY"}` {
		t.Errorf("Raw() = %s, want the body as sent", st.Raw())
	}
	if a := got.Get("Authorization"); a != "token "+testToken {
		t.Errorf("Authorization = %q", a)
	}
	if ua := got.Get("User-Agent"); ua != "gapdeck/1.2.3" {
		t.Errorf("User-Agent = %q", ua)
	}
	if path != "/v1/status/abc%2F..%2Fx%20y" {
		t.Errorf("path = %q: ids must be escaped as one segment", path)
	}
}

func TestTokenPrefixNotDoubled(t *testing.T) {
	var auth string
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		io.WriteString(w, `{}`)
	}, func(o *Options) { o.Token = "token " + testToken })
	if _, err := c.DeploymentStatus(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	if auth != "token "+testToken {
		t.Errorf("Authorization = %q, want a single token prefix", auth)
	}
}

func TestAPIErrorsAreTypedAndNeverCarryTheToken(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		body       string
		wantMsg    string
		wantDetail string
	}{
		{"json message", 404, `{"message":"Deployment not found"}`, "Deployment not found", ""},
		{"v2 details", 400, `{"message":"bad","details":{"users":"required"}}`, "bad", `{"users":"required"}`},
		{"message list", 400, `{"message":["a","b"]}`, "a; b", ""},
		{"html", 502, `<html><body>Bad Gateway</body></html>`, "<html><body>Bad Gateway</body></html>", ""},
		{"empty", 403, ``, "", ""},
		{"echoed token", 401, `{"message":"Invalid Token ` + testToken + `"}`, "Invalid Token [redacted]", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}, func(o *Options) { o.MaxRetries = -1 })
			_, err := c.DeploymentStatus(context.Background(), "abc")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %T %v, want *APIError", err, err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Message != tc.wantMsg || apiErr.Details != tc.wantDetail {
				t.Errorf("got %+v", apiErr)
			}
			if apiErr.Method != "GET" || apiErr.Path != "/v1/status/abc" {
				t.Errorf("method/path = %s %s", apiErr.Method, apiErr.Path)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error string leaks the token: %s", err)
			}
			if StatusOf(err) != tc.status {
				t.Errorf("StatusOf = %d", StatusOf(err))
			}
		})
	}
}

// A 404 or 409 is the API answering about the request: health stays OK.
// 5xx and auth failures are the API failing.
func TestClientErrorsAreAnswersForHealth(t *testing.T) {
	for _, tc := range []struct {
		status int
		failed bool
	}{{404, false}, {409, false}, {422, false}, {401, true}, {403, true}, {500, true}} {
		c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			io.WriteString(w, `{"message":"no"}`)
		}, func(o *Options) { o.MaxRetries = -1 })
		if _, err := c.DeploymentStatus(context.Background(), "a"); StatusOf(err) != tc.status {
			t.Fatalf("%d: err = %v", tc.status, err)
		}
		st := c.Stats().Group(GroupStatus)
		if got := st.Failed == 1 && st.LastError != ""; got != tc.failed {
			t.Errorf("%d counted as a failure = %v, want %v (%+v)", tc.status, got, tc.failed, st)
		}
		if !tc.failed && st.LastSuccess.IsZero() {
			t.Errorf("%d: the API answered but LastSuccess is unset", tc.status)
		}
	}
}

func TestNetworkErrorsNeverCarryTheToken(t *testing.T) {
	c, err := New(Options{BaseURL: "http://127.0.0.1:1", Token: testToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DeploymentStatus(context.Background(), "abc")
	var rerr *RequestError
	if !errors.As(err, &rerr) {
		t.Fatalf("err = %T %v, want *RequestError", err, err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("leaks token: %s", err)
	}
	if st := c.Stats().Group(GroupStatus); st.Failed != 1 || st.LastError == "" {
		t.Errorf("stats after network error: %+v", st)
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select { // hang past the client's timeout
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		io.WriteString(w, `{"request_id":"abc"}`)
	}, func(o *Options) { o.Timeout = 100 * time.Millisecond })
	defer close(release)
	start := time.Now()
	st, err := c.DeploymentStatus(context.Background(), "abc")
	if err != nil || st.RequestID != "abc" {
		t.Fatalf("a GET that timed out once should succeed on retry: %v", err)
	}
	if calls.Load() != 2 || time.Since(start) > 5*time.Second {
		t.Errorf("attempts = %d after %v", calls.Load(), time.Since(start))
	}

	calls.Store(0)
	_, err = c.CreateDeploymentTag(context.Background(), "abc", "t")
	var rerr *RequestError
	if !errors.As(err, &rerr) || !errors.Is(err, context.DeadlineExceeded) || calls.Load() != 1 {
		t.Errorf("a mutation that times out: err = %v after %d attempts, want one attempt ending in a deadline", err, calls.Load())
	}
}

func TestLogLinesNeverCarryTheToken(t *testing.T) {
	logger, logs := captureLog()
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			w.WriteHeader(429)
		case 2:
			w.WriteHeader(401)
			io.WriteString(w, `{"message":"Invalid Token `+testToken+`"}`)
		default:
			io.WriteString(w, `{}`)
		}
	}, func(o *Options) { o.Logger = logger; o.Clock = newVirtualClock() })
	c.DeploymentStatus(context.Background(), "abc")
	c.DeploymentStatus(context.Background(), "abc")
	if logs() == "" {
		t.Fatal("nothing was logged: the test proves nothing")
	}
	if strings.Contains(logs(), testToken) {
		t.Errorf("the log holds the token:\n%s", logs())
	}
	if st := c.Stats(); strings.Contains(st.LastError, testToken) {
		t.Errorf("stats last error holds the token: %s", st.LastError)
	}
}

// captureLog returns a debug logger and a function returning what it wrote.
func captureLog() (*slog.Logger, func() string) {
	var buf strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	return logger, func() string {
		mu.Lock()
		defer mu.Unlock()
		return buf.String()
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestMalformedSuccessIsADecodeError(t *testing.T) {
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"request_id": "abc", "current_sta`)
	}, nil)
	_, err := c.DeploymentStatus(context.Background(), "abc")
	var derr *DecodeError
	if !errors.As(err, &derr) || derr.StatusCode != 200 {
		t.Fatalf("err = %v, want *DecodeError for a 200", err)
	}
}

func TestGETsRetryOn5xxButMutationsDoNot(t *testing.T) {
	var calls atomic.Int32
	handler := func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.WriteHeader(503)
			io.WriteString(w, `{"message":"try later"}`)
			return
		}
		io.WriteString(w, `{"name":"ok"}`)
	}
	clock := newVirtualClock()
	c := newTestClient(t, handler, func(o *Options) { o.Clock = clock })
	if _, err := c.DeploymentTag(context.Background(), "abc", "ok"); err != nil {
		t.Fatalf("GET after two 503s: %v", err)
	}
	if calls.Load() != 3 {
		t.Errorf("GET attempts = %d, want 3", calls.Load())
	}
	if clock.totalSlept() <= 0 {
		t.Error("retries did not back off")
	}

	calls.Store(0)
	_, err := c.CreateDeploymentTag(context.Background(), "abc", "ok")
	if StatusOf(err) != 503 || calls.Load() != 1 {
		t.Errorf("POST: err = %v after %d attempts; a mutation must not be retried on 5xx", err, calls.Load())
	}
}

func TestRetriesAreBounded(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(500)
	}, func(o *Options) { o.Clock = newVirtualClock(); o.MaxRetries = 2 })
	_, err := c.DeploymentStatus(context.Background(), "a")
	if StatusOf(err) != 500 || calls.Load() != 3 {
		t.Errorf("err = %v, attempts = %d, want 500 after 3 attempts", err, calls.Load())
	}
}

func TestStopIsRetriedBecauseItIsIdempotent(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(502)
			return
		}
		w.WriteHeader(410)
		io.WriteString(w, `{"message":"Instance Already terminated"}`)
	}, func(o *Options) { o.Clock = newVirtualClock() })
	res, err := c.StopDeployment(context.Background(), "abc", StopOptions{})
	if err != nil || res.Outcome != StopAlreadyTerminated || res.HTTPStatus != 410 || res.Message != "Instance Already terminated" {
		t.Fatalf("res = %+v, err = %v", res, err)
	}
}

func TestStopOutcomes(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		outcome StopOutcome
		summary bool
	}{
		{200, `{"message":"Instance abc will be deleted","deployment_summary":{"request_id":"abc","current_status":"Status.READY","sockets":"5"}}`, StopStopping, true},
		{202, `{"message":"abc - Delete request will be processed soon"}`, StopAccepted, false},
		{410, `{"message":"Instance Already terminated"}`, StopAlreadyTerminated, false},
	}
	for _, tc := range cases {
		var query string
		c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			query = r.URL.RawQuery
			w.WriteHeader(tc.status)
			io.WriteString(w, tc.body)
		}, nil)
		res, err := c.StopDeployment(context.Background(), "abc", StopOptions{ContainerLogStorage: "my-endpoint"})
		if err != nil {
			t.Fatalf("%d: %v", tc.status, err)
		}
		if res.Outcome != tc.outcome || (res.Summary != nil) != tc.summary || res.Message == "" {
			t.Errorf("%d: %+v", tc.status, res)
		}
		if tc.summary && (res.Summary.RequestID != "abc" || *res.Summary.Sockets != 5) {
			t.Errorf("summary = %+v", res.Summary)
		}
		if query != "container_log_storage=my-endpoint" {
			t.Errorf("query = %q", query)
		}
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"0.5":                           500 * time.Millisecond,
		"-4":                            0,
		"junk":                          0,
		"Mon, 23 Nov 2026 12:00:07 GMT": 7 * time.Second,
		"Mon, 23 Nov 2026 11:00:00 GMT": 0,
		"86400":                         60 * time.Second, // capped
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestHonoursRetryAfterOn429(t *testing.T) {
	for _, header := range []string{"2", "Mon, 23 Nov 2026 12:00:02 GMT"} {
		var calls atomic.Int32
		clock := newVirtualClock()
		c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				w.Header().Set("Retry-After", header)
				w.WriteHeader(429)
				io.WriteString(w, `{"message":"Too Many Requests"}`)
				return
			}
			io.WriteString(w, `{"request_id":"abc"}`)
		}, func(o *Options) { o.Clock = clock })
		if _, err := c.DeploymentStatus(context.Background(), "abc"); err != nil {
			t.Fatalf("Retry-After %q: %v", header, err)
		}
		if got := clock.totalSlept(); got < 2*time.Second || got > 2*time.Second+time.Second {
			t.Errorf("Retry-After %q: client waited %v, want about 2s", header, got)
		}
		st := c.Stats().Group(GroupStatus)
		if st.RateLimited != 1 || st.Sent != 2 || st.Succeeded != 1 {
			t.Errorf("stats = %+v", st)
		}
	}
}

func TestBackoffWithJitterWithoutRetryAfter(t *testing.T) {
	clock := newVirtualClock()
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(429)
	}, func(o *Options) { o.Clock = clock; o.MaxRetries = 5 })
	_, err := c.DeploymentStatus(context.Background(), "abc")
	if !IsRateLimited(err) {
		t.Fatalf("err = %v, want a 429 APIError after retries", err)
	}
	// Six attempts at most; fewer when a backoff grew past maxInlineWait:
	// the client then gives the 429 back instead of holding the caller.
	if n := calls.Load(); n < 1 || n > 6 {
		t.Errorf("attempts = %d, want 1 to 6", n)
	}
	// Full jitter: each pause is in (0, min(cap, base·2^n)].
	var pauses []time.Duration
	for _, d := range clock.slept {
		if d > 0 {
			pauses = append(pauses, d)
		}
	}
	for i, d := range pauses {
		ceiling := min(backoffBase<<i, backoffCap)
		if d > ceiling {
			t.Errorf("pause %d = %v, above its ceiling %v", i, d, ceiling)
		}
	}
	st := c.Stats().Group(GroupStatus)
	if st.RateLimited != int64(calls.Load()) || st.Backoff <= 0 || !strings.Contains(st.LastError, "429") {
		t.Errorf("stats = %+v", st)
	}
}

func TestFullJitterStaysUnderCap(t *testing.T) {
	for attempt := range 40 {
		for range 50 {
			d := fullJitter(attempt)
			if d <= 0 || d > backoffCap {
				t.Fatalf("fullJitter(%d) = %v", attempt, d)
			}
		}
	}
}

// A 429 pauses every caller of the group, not only the one that saw it.
func TestPauseAppliesToTheWholeGroup(t *testing.T) {
	clock := newVirtualClock()
	c, err := New(Options{Token: testToken, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	g := c.groups[GroupStatus]
	g.pause(4 * time.Second)
	before := clock.Now()
	if _, err := g.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := clock.Now().Sub(before); waited < 4*time.Second {
		t.Errorf("a second caller waited %v, want ≥ 4s", waited)
	}
	if other := c.groups[GroupList]; other.stats().Backoff != 0 {
		t.Error("the pause leaked into another group")
	}
}

// A 429 that arrives while a caller sleeps for its token still holds that
// caller back: it must not leave during the pause.
func TestPauseArrivingDuringTokenWaitIsHonoured(t *testing.T) {
	clock := newVirtualClock()
	c, err := New(Options{Token: testToken, Clock: clock, BudgetFraction: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	g := c.groups[GroupList] // 1 req/s, burst 1
	if _, err := g.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	fired := false
	clock.onSleep = func() {
		if !fired {
			fired = true
			g.pause(5 * time.Second)
		}
	}
	before := clock.Now()
	if _, err := g.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !fired {
		t.Fatal("the second caller never slept for its token")
	}
	if waited := clock.Now().Sub(before); waited < 5*time.Second {
		t.Errorf("caller left %v after starting to wait, inside a 5s pause that began during its wait", waited)
	}
}

func TestAvailable(t *testing.T) {
	clock := newVirtualClock()
	c, err := New(Options{Token: testToken, Clock: clock, BudgetFraction: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Available(GroupStatus); got != 10 { // 20/s × 0.5, full burst
		t.Fatalf("fresh status budget = %d, want 10", got)
	}
	g := c.groups[GroupStatus]
	for range 10 {
		if _, err := g.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Available(GroupStatus); got != 0 {
		t.Errorf("after spending the burst: %d", got)
	}
	// The bucket holds 3 tokens again 300 ms later, but the sliding second
	// already holds 10 requests: nothing until it has slid past them.
	clock.Sleep(context.Background(), 300*time.Millisecond)
	if got := c.Available(GroupStatus); got != 0 {
		t.Errorf("300ms later: %d, want 0 (the second holds the budget)", got)
	}
	clock.Sleep(context.Background(), windowSpan-300*time.Millisecond)
	if got := c.Available(GroupStatus); got != 10 {
		t.Errorf("a window later: %d, want 10", got)
	}
	g.pause(time.Second)
	if got := c.Available(GroupStatus); got != 0 {
		t.Errorf("while paused: %d", got)
	}
	if c.Available("nope") != 0 {
		t.Error("unknown group has budget")
	}
}

func TestWaitIsCancellable(t *testing.T) {
	c, err := New(Options{Token: testToken, BudgetFraction: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	g := c.groups[GroupList] // 1 req/s, burst 1
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := g.wait(ctx); err != nil {
		t.Fatalf("first token: %v", err)
	}
	start := time.Now()
	if _, err := g.wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second wait: err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 500*time.Millisecond {
		t.Error("cancelled wait did not return promptly")
	}
}

func TestBudgetSizing(t *testing.T) {
	c, err := New(Options{Token: testToken, BudgetFraction: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Group]float64{GroupList: 5, GroupStatus: 10, GroupDeploy: 20, GroupHosts: 5, GroupLogs: DefaultUndocumentedLimit * 0.5}
	st := c.Stats()
	for g, budget := range want {
		if got := st.Group(g).Budget; got != budget {
			t.Errorf("%s budget = %g, want %g", g, got, budget)
		}
	}
	if !st.Group(GroupStatus).Documented || st.Group(GroupTags).Documented {
		t.Error("documented flags wrong")
	}
}

func TestReadOnlyRefusesEveryMutationBeforeIO(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }, func(o *Options) { o.ReadOnly = true })
	ctx := context.Background()
	max := 3
	mutations := map[string]func() error{
		"stop":      func() error { _, err := c.StopDeployment(ctx, "a", StopOptions{}); return err },
		"self-stop": func() error { _, err := c.SelfStop(ctx, "a", "k", "t", StopOptions{}); return err },
		"bulk-stop": func() error { _, err := c.BulkStopByRequestIDs(ctx, "a"); return err },
		"deploy v1": func() error { _, err := c.DeployV1(ctx, DeployV1Request{AppName: "a"}); return err },
		"deploy v2": func() error {
			_, err := c.DeployV2(ctx, DeployV2Request{Application: "a", Version: "v", Users: []DeployUser{IPUser("1.2.3.4")}})
			return err
		},
		"deploy pf": func() error {
			_, err := c.DeployPrivateFleet(ctx, PrivateFleetDeployRequest{PrivateHostIDs: []string{"h"}, DeployV2Request: DeployV2Request{Application: "a", Version: "v", Users: []DeployUser{IPUser("1.2.3.4")}}})
			return err
		},
		"tag create": func() error { _, err := c.CreateDeploymentTag(ctx, "a", "t"); return err },
		"tag rename": func() error { _, err := c.RenameDeploymentTag(ctx, "a", "t", "u"); return err },
		"tag delete": func() error { return c.DeleteDeploymentTag(ctx, "a", "t") },
		"fleet new":  func() error { _, err := c.CreateFleet(ctx, FleetCreate{Name: "f"}); return err },
		"fleet edit": func() error { _, err := c.UpdateFleet(ctx, "f", FleetUpdate{}); return err },
		"fleet del":  func() error { _, err := c.DeleteFleet(ctx, "f"); return err },
		"link":       func() error { _, err := c.LinkFleetAppVersion(ctx, "f", "a", "v"); return err },
		"unlink":     func() error { return c.UnlinkFleetAppVersion(ctx, "f", "a", "v") },
		"policy new": func() error {
			_, err := c.CreatePolicy(ctx, "f", PolicyCreate{Name: "p", Type: PolicyTag, Minimum: 1, Maximum: 2, Threshold: 0.5})
			return err
		},
		"policy edit": func() error { _, err := c.UpdatePolicy(ctx, "f", "p", PolicyUpdate{Maximum: &max}); return err },
		"policy del":  func() error { _, err := c.DeletePolicy(ctx, "f", "p"); return err },
		"app active":  func() error { _, err := c.SetAppActive(ctx, "a", false); return err },
		"version off": func() error { _, err := c.SetAppVersionActive(ctx, "a", "v", false); return err },
		"report":      func() error { return c.ReportDeployment(ctx, "a", ReportRequest{Reason: "cheating"}) },
	}
	for name, fn := range mutations {
		if err := fn(); !errors.Is(err, ErrReadOnly) {
			t.Errorf("%s: err = %v, want ErrReadOnly", name, err)
		}
	}
	if calls.Load() != 0 {
		t.Errorf("%d requests reached the server in read-only mode", calls.Load())
	}
	if !c.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
}

func TestClientSideValidationSendsNothing(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }, nil)
	ctx := context.Background()
	long := strings.Repeat("x", 41)
	bad := 1.5
	checks := map[string]error{}
	_, checks["empty tag"] = c.CreateDeploymentTag(ctx, "a", "")
	_, checks["long tag"] = c.CreateDeploymentTag(ctx, "a", long)
	_, checks["long rename"] = c.RenameDeploymentTag(ctx, "a", "t", long)
	_, checks["threshold"] = c.UpdatePolicy(ctx, "f", "p", PolicyUpdate{Threshold: &bad})
	_, checks["policy min"] = c.CreatePolicy(ctx, "f", PolicyCreate{Name: "p", Type: PolicyLocation, Minimum: 0, Maximum: 2, Threshold: 0.5})
	_, checks["policy type"] = c.CreatePolicy(ctx, "f", PolicyCreate{Name: "p", Type: "Region", Minimum: 1, Maximum: 2, Threshold: 0.5})
	_, checks["bulk no filter"] = c.BulkStop(ctx, BulkStopRequest{})
	_, checks["bulk field"] = c.BulkStop(ctx, BulkStopRequest{Filters: []BulkStopFilter{{Field: "status", Values: []string{"x"}, FilterType: MatchAny}}})
	_, checks["bulk type"] = c.BulkStopByTags(ctx, "some", "t")
	_, checks["bulk empty"] = c.BulkStopByTags(ctx, MatchAny)
	_, checks["v2 no users"] = c.DeployV2(ctx, DeployV2Request{Application: "a", Version: "v"})
	_, checks["pf dup host"] = c.DeployPrivateFleet(ctx, PrivateFleetDeployRequest{PrivateHostIDs: []string{"h", "h"}})
	_, checks["query"] = c.ListDeployments(ctx, ListDeploymentsParams{Query: &DeploymentQuery{Filters: []QueryFilter{{FieldStatus, OpEq, "ready"}, {FieldStatus, OpNeq, "error"}}}})
	for name, err := range checks {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if calls.Load() != 0 {
		t.Errorf("%d invalid requests reached the server", calls.Load())
	}
}

func TestDeployV2422CarriesTheRequestID(t *testing.T) {
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(422)
		io.WriteString(w, `{"request_id":"9f1e2d3c4b5a","message":"Couldn't Allocate Server"}`)
	}, nil)
	res, err := c.DeployV2(context.Background(), DeployV2Request{Application: "a", Version: "v", Users: []DeployUser{GeoUser(45.5, -73.5)}})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 || apiErr.RequestID != "9f1e2d3c4b5a" {
		t.Fatalf("err = %v", err)
	}
	if res == nil || res.RequestID != "9f1e2d3c4b5a" {
		t.Fatalf("res = %+v, want the request id of the deployment created in error", res)
	}
}

func TestStatsRate(t *testing.T) {
	clock := newVirtualClock()
	c := newTestClient(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{}`) }, func(o *Options) { o.Clock = clock; o.BudgetFraction = 1 })
	for range 20 {
		if _, err := c.DeploymentStatus(context.Background(), "a"); err != nil {
			t.Fatal(err)
		}
	}
	st := c.Stats()
	gs := st.Group(GroupStatus)
	if gs.Sent != 20 || gs.Succeeded != 20 || gs.LastSuccess.IsZero() {
		t.Errorf("stats = %+v", gs)
	}
	if gs.Rate != 2 { // 20 requests in the last 10 s window
		t.Errorf("rate = %g, want 2", gs.Rate)
	}
	if st.Sent != 20 || st.Budget <= 0 {
		t.Errorf("totals = %+v", st)
	}
	clock.Sleep(context.Background(), 11*time.Second)
	if r := c.Stats().Group(GroupStatus).Rate; r != 0 {
		t.Errorf("rate 11s later = %g, want 0", r)
	}
}
