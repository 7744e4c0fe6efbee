package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

const testToken = "test-token-0000"

// epoch is the simulated start of every test world.
var epoch = time.Date(2026, 5, 12, 14, 0, 0, 0, time.UTC)

// testEnv is a simulator on a fake clock.
type testEnv struct {
	t     *testing.T
	srv   *Server
	clock *FakeClock
}

// newEnv builds a simulator with rate limits off unless cfg says otherwise.
func newEnv(t *testing.T, cfg Config) *testEnv {
	t.Helper()
	clock := NewFakeClock(epoch)
	if cfg.Token == "" {
		cfg.Token = testToken
	}
	if cfg.Seed == 0 {
		cfg.Seed = 42
	}
	cfg.Clock = clock
	return &testEnv{t: t, srv: New(cfg), clock: clock}
}

// response is a recorded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with the org token and returns the answer.
func (e *testEnv) do(method, target string, body any) response {
	e.t.Helper()
	return e.doWith(method, target, body, map[string]string{"Authorization": "token " + testToken})
}

// doWith sends a request with exactly the given headers.
func (e *testEnv) doWith(method, target string, body any, headers map[string]string) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(body); err != nil {
				e.t.Fatal(err)
			}
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, target, rd)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// get sends a GET and decodes the JSON answer into v, requiring status want.
func (e *testEnv) get(target string, want int, v any) {
	e.t.Helper()
	e.expect(e.do(http.MethodGet, target, nil), want, v)
}

// expect checks the status and decodes the body into v (if not nil).
func (e *testEnv) expect(r response, want int, v any) {
	e.t.Helper()
	if r.status != want {
		e.t.Fatalf("status %d, want %d; body %s", r.status, want, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			e.t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

// message decodes {"message"} from a response.
func message(t *testing.T, r response) string {
	t.Helper()
	var m struct{ Message string }
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return m.Message
}

// queryURL builds /v1/deployments?query=<json>&extra.
func queryURL(query string, extra string) string {
	u := "/v1/deployments?query=" + url.QueryEscape(query)
	if extra != "" {
		u += "&" + extra
	}
	return u
}

// status fetches GET /v1/status/{id}.
func (e *testEnv) status(id string) api.DeploymentStatus {
	e.t.Helper()
	var st api.DeploymentStatus
	e.get("/v1/status/"+id, http.StatusOK, &st)
	return st
}

// find returns a known deployment matching ok at the current time.
func (e *testEnv) find(ok func(d *deployment, now time.Time) bool) *deployment {
	e.t.Helper()
	now := e.srv.now()
	e.srv.mu.Lock()
	defer e.srv.mu.Unlock()
	e.srv.world.advance(now)
	for _, d := range e.srv.world.deps {
		if ok(d, now) {
			return d
		}
	}
	e.t.Fatal("no deployment matches")
	return nil
}

// inStatus matches deployments currently in st.
func inStatus(st api.Status) func(*deployment, time.Time) bool {
	return func(d *deployment, now time.Time) bool {
		cur, _ := d.status(now)
		return cur == st
	}
}

// advanceUntil moves the clock in steps until cond holds, failing after limit.
func (e *testEnv) advanceUntil(step, limit time.Duration, cond func() bool) {
	e.t.Helper()
	for waited := time.Duration(0); !cond(); waited += step {
		if waited > limit {
			e.t.Fatalf("condition not met within %v", limit)
		}
		e.clock.Advance(step)
	}
}

// listAll fetches every page of GET /v1/deployments for a query.
func (e *testEnv) listAll(query string) []api.Deployment {
	e.t.Helper()
	var all []api.Deployment
	for page := 1; ; page++ {
		var l api.DeploymentList
		e.get(queryURL(query, fmt.Sprintf("limit=100&page=%d", page)), http.StatusOK, &l)
		all = append(all, l.Data...)
		if !l.Pagination.HasNext {
			return all
		}
	}
}
