// Package api is a typed client for the Edgegap REST API (v1, v2 and the
// legacy Smart Fleets endpoints). It owns authentication, rate limiting
// inside a budget, retries, tolerant decoding and typed errors, so callers
// only ask for data. It never writes the API token into an error or a log.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultBaseURL is the Edgegap API.
const DefaultBaseURL = "https://api.edgegap.com"

// Defaults of Options.
const (
	DefaultTimeout        = 15 * time.Second
	DefaultBudgetFraction = 0.25
	DefaultMaxRetries     = 3
	// maxBodyBytes caps what is read of an answer: container logs are the
	// only large ones (documented answers are a few KB; a 100-row list
	// page about 100 KB).
	maxBodyBytes = 16 << 20
)

// Options configure a Client. Only Token is required.
type Options struct {
	// BaseURL of the API; v2 lives under BaseURL + "/v2". Plain http:// is
	// refused except for loopback hosts (a local simulator).
	BaseURL string
	// Token is the organization's API token, sent as "Authorization: token <Token>".
	Token string
	// Version goes into the User-Agent ("gapdeck/<Version>").
	Version string
	// Timeout of one HTTP attempt (default 15 s).
	Timeout time.Duration
	// BudgetFraction is the share of each documented rate limit this client
	// may use, in (0,1] (default 0.25): the limit is per organization and
	// shared with the game's own backend.
	BudgetFraction float64
	// MaxRetries bounds retries of GETs on 5xx/network errors and of any
	// call on 429 (default 3).
	MaxRetries int
	// ReadOnly makes every mutating method return ErrReadOnly before any I/O.
	ReadOnly bool
	// HTTPClient sends the requests (default: a client with no overall
	// timeout; Timeout applies per attempt). Tests and --demo inject one.
	HTTPClient *http.Client
	// Logger receives one debug line per attempt (never the token).
	Logger *slog.Logger
	// Clock is for tests; default real time.
	Clock Clock
	// RepeatLimit is how many identical answers to one GET within a
	// minute the client accepts before refusing the request as a loop
	// (0: DefaultRepeatLimit; negative: no limit). Callers that poll
	// faster than every 2 s raise it.
	RepeatLimit int
}

// Client talks to the Edgegap API. It is safe for concurrent use.
type Client struct {
	base     *url.URL
	cred     *atomic.Pointer[credential]
	ua       string
	timeout  time.Duration
	retries  int
	readOnly bool
	fraction float64
	http     *http.Client
	log      *slog.Logger
	clock    Clock
	groups   map[Group]*groupLimiter
	gate     *gate
	repeats  *repeatGuard

	mutations *atomic.Int64 // mutating requests waiting for their answer
}

// ReadOnlyView is a client that shares c's token, budget, health and
// counters but refuses every mutating call with ErrReadOnly before any
// I/O: for a viewer of a shared console (gapdeck serve), whose reads
// spend the same budget as everyone's.
func (c *Client) ReadOnlyView() *Client {
	v := *c
	v.readOnly = true
	return &v
}

// credential is the organization token and its Authorization header.
type credential struct {
	token string // trimmed, without a "token " prefix
	auth  string
}

func newCredential(token string) *credential {
	t := strings.TrimPrefix(strings.TrimSpace(token), "token ")
	return &credential{token: t, auth: "token " + t}
}

// SetToken replaces the organization token (the console re-read its
// source after the API rejected the old one). If the token was rejected,
// the next request is let through at once to try the new one. The token
// is never logged.
func (c *Client) SetToken(token string) error {
	if strings.TrimSpace(token) == "" {
		return errors.New("api: the new API token is empty")
	}
	c.cred.Store(newCredential(token))
	c.gate.mu.Lock()
	if c.gate.state == HealthTokenRejected {
		c.gate.probeNow = true
	}
	c.gate.mu.Unlock()
	c.log.Info("api token replaced")
	return nil
}

// MutationsInFlight is how many mutating requests (anything but GET) are
// waiting for their answer, retries included. The console does not switch
// profiles while one is, so its result is still audited.
func (c *Client) MutationsInFlight() int { return int(c.mutations.Load()) }

// New validates opts and returns a Client.
func New(opts Options) (*Client, error) {
	if strings.TrimSpace(opts.Token) == "" {
		return nil, errors.New("api: no API token: set EDGEGAP_API_TOKEN to the token from the Edgegap dashboard")
	}
	base, err := parseBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	fraction := opts.BudgetFraction
	if fraction == 0 {
		fraction = DefaultBudgetFraction
	}
	if !(fraction > 0 && fraction <= 1) { // NaN fails both
		return nil, fmt.Errorf("api: budget fraction must be in (0,1], got %g", fraction)
	}
	c := &Client{
		base:      base,
		ua:        "gapdeck/" + cmpOr(opts.Version, "dev"),
		timeout:   cmpOr(opts.Timeout, DefaultTimeout),
		retries:   opts.MaxRetries,
		readOnly:  opts.ReadOnly,
		fraction:  fraction,
		http:      opts.HTTPClient,
		log:       opts.Logger,
		clock:     opts.Clock,
		groups:    map[Group]*groupLimiter{},
		cred:      &atomic.Pointer[credential]{},
		gate:      &gate{},
		mutations: &atomic.Int64{},
	}
	c.cred.Store(newCredential(opts.Token))
	if c.retries == 0 {
		c.retries = DefaultMaxRetries
	}
	if c.retries < 0 {
		c.retries = 0
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.clock == nil {
		c.clock = realClock{}
	}
	for _, g := range Groups {
		c.groups[g] = newGroupLimiter(g, fraction, c.clock)
	}
	c.repeats = newRepeatGuard(cmpOr(opts.RepeatLimit, DefaultRepeatLimit), c.clock, c.log)
	return c, nil
}

func cmpOr[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}

func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("api: base URL %q is not an absolute URL like %s", raw, DefaultBaseURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("api: base URL must not carry credentials; the token goes in EDGEGAP_API_TOKEN")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("api: refusing plain http:// to %s: the token would cross the network unencrypted; use https:// (http is allowed only for loopback, e.g. a local `gapdeck sim`)", u.Hostname())
		}
	default:
		return nil, fmt.Errorf("api: base URL scheme %q is not supported; use https://", u.Scheme)
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// BaseURL is the API base the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

// Host is the API host, for display.
func (c *Client) Host() string { return c.base.Host }

// ReadOnly reports whether mutating calls are refused.
func (c *Client) ReadOnly() bool { return c.readOnly }

// Available is how many requests of group g could start now without
// waiting for the rate limiter: 0 while a 429 pause lasts, and 0 for every
// group while the token is rejected or the API is down, until a probe is
// due. A scheduler that plans inside this never makes a caller wait past
// the budget.
func (c *Client) Available(g Group) int {
	lim := c.groups[g]
	if lim == nil || !c.open() {
		return 0
	}
	return lim.available()
}

// Stats returns a snapshot of the live counters.
func (c *Client) Stats() Stats {
	s := Stats{BudgetFraction: c.fraction}
	for _, g := range Groups {
		gs := c.groups[g].stats()
		s.Groups = append(s.Groups, gs)
		s.Sent += gs.Sent
		s.RateLimited += gs.RateLimited
		s.Rate += gs.Rate
		s.Budget += gs.Budget
		s.Backoff = max(s.Backoff, gs.Backoff)
		if gs.LastSuccess.After(s.LastSuccess) {
			s.LastSuccess = gs.LastSuccess
		}
		if gs.LastErrorAt.After(s.LastErrorAt) {
			s.LastError, s.LastErrorAt = gs.LastError, gs.LastErrorAt
		}
	}
	return s
}

// call describes one API request.
type call struct {
	method string
	path   string // starting /v1/ or /v2/, already escaped
	query  url.Values
	body   any
	header http.Header
	// idempotent mutating calls (stop) may be retried on 5xx/network errors.
	idempotent bool
	// noAuth skips the organization token (self-stop uses its own).
	noAuth bool
	// ok lists extra statuses that are answers, not errors (410 on stop).
	ok []int
}

// response is a decoded-later answer.
type response struct {
	status int
	body   []byte
	header http.Header
}

func (c *Client) mutating() error {
	if c.readOnly {
		return ErrReadOnly
	}
	return nil
}

// do sends a call inside its group's budget, with retries, and returns the
// response for a 2xx or a listed status; anything else is an *APIError or a
// *RequestError.
func (c *Client) do(ctx context.Context, cl call) (*response, error) {
	group := GroupForPath(cl.method, cl.path)
	lim := c.groups[group]
	if lim == nil {
		return nil, fmt.Errorf("api: %s %s: no endpoint group (bug)", cl.method, cl.path)
	}
	var payload []byte
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("api: %s %s: encoding request: %w", cl.method, cl.path, err)
		}
		payload = b
	}
	display := cl.path
	if len(cl.query) > 0 {
		display += "?" + cl.query.Encode()
	}
	retryable := cl.method == http.MethodGet || cl.idempotent
	if cl.method == http.MethodGet {
		if err := c.repeats.admit(cl.method, display); err != nil {
			return nil, err
		}
	}
	if cl.method != http.MethodGet {
		c.mutations.Add(1)
		defer c.mutations.Add(-1)
	}
	var lastErr error
	sent := false // an attempt may have reached the server
	for attempt := 0; ; attempt++ {
		gateProbe, err := c.admit(cl.method, display)
		if cl.noAuth {
			gateProbe, err = false, nil // self-stop carries its own token
		}
		if err != nil {
			if lastErr != nil {
				return nil, lastErr // a retry the gate closed on: the real failure
			}
			return nil, err
		}
		probe, err := lim.wait(ctx)
		if err != nil {
			c.observe(outcomeCancelled, gateProbe, group, cl.method, display, 0, "")
			var pe *pausedError
			if errors.As(err, &pe) {
				if lastErr != nil {
					return nil, lastErr
				}
				return nil, &NotSentError{Method: cl.method, Path: display, Reason: ErrPaused, Cause: "429 Too Many Requests", RetryAt: pe.until}
			}
			return nil, &RequestError{Method: cl.method, Path: display, Err: err, Sent: sent}
		}
		lim.sentOne()
		start := c.clock.Now()
		resp, wrote, err := c.send(ctx, cl, payload)
		elapsed := c.clock.Now().Sub(start)
		sent = sent || wrote
		if err != nil {
			rerr := &RequestError{Method: cl.method, Path: display, Err: c.redactErr(err), Sent: sent}
			c.log.Debug("api request failed", "group", group, "method", cl.method, "path", display, "attempt", attempt+1, "elapsed", elapsed, "err", rerr.Error())
			if ctx.Err() != nil {
				c.observe(outcomeCancelled, gateProbe, group, cl.method, display, 0, "")
				return nil, rerr
			}
			lim.fail(rerr.Error())
			c.observe(outcomeFailure, gateProbe, group, cl.method, display, 0, errorCause(rerr.Error()))
			lastErr = rerr
			if retryable && attempt < c.retries {
				if c.clock.Sleep(ctx, fullJitter(attempt)) == nil {
					continue
				}
			}
			return nil, rerr
		}
		c.log.Debug("api request", "group", group, "method", cl.method, "path", display, "status", resp.status, "attempt", attempt+1, "elapsed", elapsed, "bytes", len(resp.body))
		if cl.method == http.MethodGet {
			c.repeats.answered(display, resp.status, resp.body)
		}
		switch {
		case resp.status >= 200 && resp.status < 300, slices.Contains(cl.ok, resp.status):
			lim.succeed(probe)
			c.observe(outcomeAnswer, gateProbe, group, cl.method, display, 0, "")
			return resp, nil
		case resp.status == http.StatusTooManyRequests:
			ra := parseRetryAfter(resp.header.Get("Retry-After"), c.clock.Now())
			applied := lim.pause(ra)
			c.observe(outcomeRateLimited, gateProbe, group, cl.method, display, resp.status, "")
			c.log.Debug("api rate limited", "group", group, "retry_after", ra, "pause", applied)
			if attempt < c.retries && applied <= maxInlineWait {
				continue
			}
		case resp.status >= 500 && retryable && attempt < c.retries:
			apiErr := c.apiError(cl.method, display, resp)
			lim.fail(fmt.Sprintf("%d %s", resp.status, http.StatusText(resp.status)))
			c.observe(outcomeFailure, gateProbe, group, cl.method, display, resp.status, statusReason(apiErr))
			lastErr = apiErr
			if c.clock.Sleep(ctx, fullJitter(attempt)) == nil {
				continue
			}
			return nil, apiErr
		}
		apiErr := c.apiError(cl.method, display, resp)
		switch {
		case resp.status == http.StatusTooManyRequests:
		case (resp.status == http.StatusUnauthorized || resp.status == http.StatusForbidden) && !cl.noAuth:
			lim.fail(apiErr.Error())
			c.observe(outcomeAuth, gateProbe, group, cl.method, display, resp.status, statusReason(apiErr))
		case isAnswer(cl.method, group, resp.status):
			lim.succeed(probe) // the API worked; the request itself was refused
			c.observe(outcomeAnswer, gateProbe, group, cl.method, display, 0, "")
		case resp.status >= 400 && resp.status < 500:
			// The API answered, but the console or its configuration is
			// wrong: DEGRADED, not down.
			lim.fail(apiErr.Error())
			c.observe(outcomeUnexpected, gateProbe, group, cl.method, display, resp.status, statusReason(apiErr))
		default:
			lim.fail(apiErr.Error())
			c.observe(outcomeFailure, gateProbe, group, cl.method, display, resp.status, statusReason(apiErr))
		}
		return nil, apiErr
	}
}

// statusReason is an answer's status and message, for the header and the
// failure log: "401 Unauthorized: Invalid Token".
func statusReason(e *APIError) string {
	r := strconv.Itoa(e.StatusCode) + " " + http.StatusText(e.StatusCode)
	if e.Message != "" {
		r += ": " + e.Message
	}
	if len(r) > 120 {
		r = r[:120] + "…"
	}
	return r
}

// errorCause is the end of an error chain's text ("dial tcp …: connect:
// connection refused" → "connection refused").
func errorCause(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return msg
}

// isAnswer reports whether a 4xx is a definitive answer about the request
// rather than a sign the API, the console or its configuration is wrong:
// 404 (the deployment, fleet or tag is not there; but not on the
// deployments list or the locations, which always exist: a 404 there is a
// wrong base URL), 409 and 422, and 400 to a mutation (the input was
// refused). Every other 4xx (a 400 to a GET the console built, 405, 431 from
// an oversized token, …) makes the health DEGRADED; 401/403 reject the
// token and 429 pauses the group, both handled before.
func isAnswer(method string, group Group, status int) bool {
	switch status {
	case http.StatusNotFound:
		return !(method == http.MethodGet && (group == GroupList || group == GroupLocations))
	case http.StatusConflict, http.StatusUnprocessableEntity:
		return true
	case http.StatusBadRequest:
		return method != http.MethodGet
	}
	return false
}

// send performs one HTTP attempt under the per-attempt timeout. wrote
// reports whether the request may have reached the server: false only when
// the transport says it never wrote it (a refused dial, a bad address); a
// transport that does not report writes (tests, the in-process simulator)
// counts as written.
func (c *Client) send(ctx context.Context, cl call, payload []byte) (resp *response, wrote bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := *c.base
	u.Path = c.base.Path + cl.path
	u.RawPath = ""
	if strings.Contains(cl.path, "%") {
		u.RawPath = c.base.EscapedPath() + cl.path
		if p, err := url.PathUnescape(u.RawPath); err == nil {
			u.Path = p
		}
	}
	if len(cl.query) > 0 {
		u.RawQuery = cl.query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	var traced, written atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn:      func(string) { traced.Store(true) },
		WroteRequest: func(httptrace.WroteRequestInfo) { written.Store(true) },
	})
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), body)
	if err != nil {
		return nil, false, err
	}
	for k, vs := range cl.header {
		req.Header[k] = vs
	}
	if !cl.noAuth {
		req.Header.Set("Authorization", c.cred.Load().auth)
	}
	req.Header.Set("User-Agent", c.ua)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, written.Load() || !traced.Load(), err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxBodyBytes))
	if err != nil {
		return nil, true, fmt.Errorf("reading response: %w", err)
	}
	return &response{status: res.StatusCode, body: b, header: res.Header}, true, nil
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		d = time.Duration(secs * float64(time.Second))
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d < 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}

// apiError builds the typed error of a non-2xx answer, JSON or not.
func (c *Client) apiError(method, path string, resp *response) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: resp.status}
	var body struct {
		Message   json.RawMessage `json:"message"`
		Details   json.RawMessage `json:"details"`
		RequestID string          `json:"request_id"`
	}
	if json.Unmarshal(resp.body, &body) == nil {
		e.Message = rawText(body.Message)
		if d := strings.TrimSpace(string(body.Details)); d != "" && d != "null" && d != "{}" {
			e.Details = RedactString(d)
		}
		e.RequestID = body.RequestID
	} else {
		e.Message = strings.TrimSpace(string(resp.body))
		if len(e.Message) > 200 {
			e.Message = e.Message[:200] + "…"
		}
	}
	if resp.status == http.StatusTooManyRequests {
		e.RetryAfter = parseRetryAfter(resp.header.Get("Retry-After"), c.clock.Now())
	}
	e.Message = c.redact(e.Message)
	e.Details = c.redact(e.Details)
	return e
}

// rawText turns a JSON message (string, list of strings or anything) into text.
func rawText(m json.RawMessage) string {
	if len(m) == 0 || string(m) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(m, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(m, &list) == nil {
		return strings.Join(list, "; ")
	}
	return string(m)
}

func (c *Client) redact(s string) string {
	tok := c.cred.Load().token
	if tok == "" || s == "" {
		return s
	}
	return strings.ReplaceAll(s, tok, "[redacted]")
}

func (c *Client) redactErr(err error) error {
	msg := err.Error()
	if red := c.redact(msg); red != msg {
		return errors.New(red)
	}
	return err
}

// RequestError is a request that got no HTTP answer (network error,
// timeout, cancelled context).
type RequestError struct {
	Method, Path string
	Err          error
	// Sent reports that the request may have reached the server before
	// the answer was lost (a reset or timeout after writing it): a
	// mutation's outcome is then unknown, not failed. It is false only
	// when no attempt was written (a refused dial, the budget wait
	// cancelled).
	Sent bool
}

// Error implements error.
func (e *RequestError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err)
}

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// decode unmarshals a response body into v, naming the call on failure.
func decode[T any](method, path string, resp *response) (*T, error) {
	v := new(T)
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return v, nil
	}
	if len(resp.body) >= maxBodyBytes { // send read no further: the JSON is cut
		return nil, &DecodeError{Method: method, Path: path, StatusCode: resp.status,
			Err: fmt.Errorf("the answer is larger than the %d MiB the console reads", maxBodyBytes>>20)}
	}
	if err := json.Unmarshal(resp.body, v); err != nil {
		return nil, &DecodeError{Method: method, Path: path, StatusCode: resp.status, Err: err}
	}
	if c, ok := any(v).(clipper); ok { // see MaxTextBytes
		c.clipTexts()
	}
	if r, ok := any(v).(interface{ setRaw([]byte) }); ok {
		r.setRaw(resp.body)
	}
	return v, nil
}

// DecodeError is a 2xx answer whose body could not be read.
type DecodeError struct {
	Method, Path string
	StatusCode   int
	Err          error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s: %d answer is not the expected JSON: %v", e.Method, e.Path, e.StatusCode, e.Err)
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// get sends a GET and decodes the answer into T.
func get[T any](ctx context.Context, c *Client, path string, q url.Values) (*T, error) {
	resp, err := c.do(ctx, call{method: http.MethodGet, path: path, query: q})
	if err != nil {
		return nil, err
	}
	return decodeNoting[T](c, http.MethodGet, path, resp)
}

// decodeNoting decodes like decode and records a decode failure in the
// health (DEGRADED, logged once), and so the values and rows tolerant
// decoding could not read (see noteLoose).
func decodeNoting[T any](c *Client, method, path string, resp *response) (*T, error) {
	v, err := decode[T](method, path, resp)
	if err != nil {
		c.noteDecodeError(method, path, resp.status, err)
		return v, err
	}
	if t, ok := any(v).(tidier); ok {
		var r looseReport
		t.tidy(&r)
		c.noteLoose(method, path, &r)
	}
	return v, err
}

// noteDecodeError makes a decode failure seen: health DEGRADED with the
// reason, one log line per kind.
func (c *Client) noteDecodeError(method, path string, status int, err error) {
	var de *DecodeError
	if !errors.As(err, &de) {
		return
	}
	group := GroupForPath(method, path)
	c.degrade(group, method, path, status, fmt.Sprintf("bad JSON from %s: %v", group, de.Err))
}

// send a mutating call and decode the answer into T.
func mutate[T any](ctx context.Context, c *Client, method, path string, body any) (*T, error) {
	if err := c.mutating(); err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, call{method: method, path: path, body: body})
	if err != nil {
		return nil, err
	}
	return decodeNoting[T](c, method, path, resp)
}

// seg escapes one path segment.
func seg(s string) string { return url.PathEscape(s) }

func pageQuery(page, limit int) url.Values {
	q := url.Values{}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return q
}
