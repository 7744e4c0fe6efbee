package api

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HealthState is the API's state as the client sees it.
type HealthState int

// The health states, from best to worst.
const (
	// HealthUnknown: nothing has answered yet.
	HealthUnknown HealthState = iota
	// HealthOK: the last requests were answered.
	HealthOK
	// HealthDegraded: the API answers, but some request failed in the last
	// DegradedFor (an answer that is not the expected JSON, a 5xx, a 4xx
	// that says the console or its configuration is wrong, a network
	// error).
	HealthDegraded
	// HealthRateLimited: a 429 paused an endpoint group until RetryAt.
	HealthRateLimited
	// HealthDown: every request failed (downAfterFailures in a row, none
	// answered): nothing is sent but one probe at RetryAt, which backs off
	// exponentially with jitter.
	HealthDown
	// HealthTokenRejected: the API answered 401 or 403 to the token. No
	// request is sent but one probe a minute (tokenProbeEvery), or one at
	// once after Probe or SetToken.
	HealthTokenRejected
)

var healthNames = [...]string{"unknown", "ok", "degraded", "rate-limited", "down", "token-rejected"}

// String names the state.
func (s HealthState) String() string {
	if s >= 0 && int(s) < len(healthNames) {
		return healthNames[s]
	}
	return "health?"
}

// Health is the client's view of the API, for the console's header.
type Health struct {
	State HealthState
	// Reason is the failure behind the state ("connection refused", "401
	// Unauthorized: Invalid Token", "GET /v1/deployments: 200 answer is
	// not the expected JSON: …"); never the token.
	Reason string
	// Status is the HTTP status behind the state (0: none, e.g. network).
	Status int
	// Since is when the state began.
	Since time.Time
	// RetryAt is when the next request may leave (the probe of a down API
	// or a rejected token, the end of a 429 pause); zero when not waiting.
	RetryAt time.Time
	// Group is the endpoint group paused longest (HealthRateLimited).
	Group Group
}

// Tuning of the health gate.
const (
	// DegradedFor is how long a failure keeps the health DEGRADED.
	DegradedFor = 15 * time.Second
	// tokenProbeEvery is how often a rejected token is tried again.
	tokenProbeEvery = time.Minute
	// downAfterFailures failures in a row with no answer make the API down.
	downAfterFailures = 3
	// The down API's probe backoff: base·2^(n-1) with equal jitter, capped.
	downBackoffBase = time.Second
	downBackoffCap  = 30 * time.Second
	// failureLogEvery: one log line per distinct failure in this period.
	failureLogEvery = 5 * time.Minute
	// LooseFor is how long a value the console could not read keeps the
	// health DEGRADED ("3 fields not understood"): each kind of problem
	// (endpoint group, row kind and field, e.g. "list deployment.start_time")
	// counts from the last answer that had it until LooseFor after it. A
	// problem every answer has stays in the count while it lasts; a single
	// odd answer ages out after LooseFor.
	LooseFor = 2 * time.Minute
	// maxLooseKinds bounds the kinds of problem remembered (port names and
	// such are chosen by users, so kinds are not a fixed set).
	maxLooseKinds = 256
)

// ErrTokenRejected is the reason of every request refused after the API
// rejected the token (401/403); see NotSentError.
var ErrTokenRejected = errors.New("the API rejected the token")

// ErrAPIDown is the reason of every request refused while the API is down
// (every request failed); see NotSentError.
var ErrAPIDown = errors.New("the API is unreachable")

// ErrPaused is the reason of a request refused because its endpoint group
// is paused by a 429 for longer than the client waits inline.
var ErrPaused = errors.New("rate limited, the endpoint group is paused")

// NotSentError is a request the client refused to send: the token was
// rejected, the API is down, or the group is paused. Nothing left the
// machine. errors.Is matches its Reason.
type NotSentError struct {
	Method, Path string
	Reason       error     // ErrTokenRejected, ErrAPIDown or ErrPaused
	Cause        string    // the failure that closed the gate
	RetryAt      time.Time // when the client sends again
}

// Error implements error.
//
// "GET /v1/deployments: the API rejected the token (401 Unauthorized —
// Invalid Token), not sent": the part after the last ": " is the whole
// reason, as the console shows it.
func (e *NotSentError) Error() string {
	msg := fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Reason)
	if e.Cause != "" {
		msg += " (" + strings.ReplaceAll(e.Cause, ": ", " — ") + ")"
	}
	return msg + ", not sent"
}

// Unwrap returns the reason.
func (e *NotSentError) Unwrap() error { return e.Reason }

// pausedError is wait's refusal of a group paused past maxInlineWait; do
// turns it into a NotSentError naming the request.
type pausedError struct {
	group Group
	until time.Time
}

func (e *pausedError) Error() string { return fmt.Sprintf("%s: %v", e.group, ErrPaused) }

// IsTokenRejected reports whether err is a 401/403 answer or a request
// refused because the token was rejected.
func IsTokenRejected(err error) bool {
	return IsUnauthorized(err) || errors.Is(err, ErrTokenRejected)
}

// outcome is what one attempt came to, for the health gate.
type outcome int

const (
	outcomeAnswer      outcome = iota // 2xx, a listed status, an answer about the request
	outcomeAuth                       // 401/403 to the organization token
	outcomeFailure                    // network error, 5xx
	outcomeUnexpected                 // a 4xx that is no answer about the request (see isAnswer)
	outcomeRateLimited                // 429
	outcomeCancelled                  // the caller gave up (context done)
)

// gate is the client's health: it refuses requests while the token is
// rejected or the API is down, lets one probe through when one is due,
// and remembers recent failures.
type gate struct {
	mu         sync.Mutex
	state      HealthState // HealthOK (open), HealthDown or HealthTokenRejected
	reason     string
	status     int
	since      time.Time
	retryAt    time.Time
	probing    bool // the probe is in flight
	probeNow   bool // Probe or SetToken: one request may leave now
	fails      int  // failures in a row with no answer
	downTries  int
	recoveries uint64
	answered   bool
	degraded   string
	degradedAt time.Time
	degStatus  int
	logged     map[string]time.Time
	loose      map[string]looseSeen // kinds of value not understood (see LooseFor)
}

// looseSeen is when a kind of decode problem was last seen, and for
// skipped rows how many the last answer had.
type looseSeen struct {
	at, logged time.Time
	rows       int
}

// admit decides whether a request may leave now: always while the gate is
// open; while it is closed, only as the probe (probe true), when one is
// due and none is in flight. A refusal is a *NotSentError.
func (c *Client) admit(method, path string) (probe bool, err error) {
	g := c.gate
	now := c.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.state != HealthDown && g.state != HealthTokenRejected {
		return false, nil
	}
	if !g.probing && (g.probeNow || !now.Before(g.retryAt)) {
		g.probing, g.probeNow = true, false
		return true, nil
	}
	reason := ErrAPIDown
	if g.state == HealthTokenRejected {
		reason = ErrTokenRejected
	}
	return false, &NotSentError{Method: method, Path: path, Reason: reason, Cause: g.reason, RetryAt: g.retryAt}
}

// open reports whether requests may leave now (see admit), for Available.
func (c *Client) open() bool {
	g := c.gate
	now := c.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.state != HealthDown && g.state != HealthTokenRejected {
		return true
	}
	return !g.probing && (g.probeNow || !now.Before(g.retryAt))
}

// observe records what an attempt came to. probe: it was the gate's probe.
// reason and status describe a failure.
func (c *Client) observe(o outcome, probe bool, group Group, method, path string, status int, reason string) {
	g := c.gate
	now := c.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if probe {
		g.probing = false
	}
	switch o {
	case outcomeAnswer:
		if g.state == HealthTokenRejected && !probe {
			// Sent before the token was rejected: only the probe, sent
			// with the token as it is now, tells whether it is accepted.
			return
		}
		c.observeAnswerLocked(now)
	case outcomeAuth:
		if g.state != HealthTokenRejected {
			g.since = now
		}
		g.state, g.reason, g.status = HealthTokenRejected, reason, status
		g.retryAt = now.Add(tokenProbeEvery)
		c.logFailureLocked(now, group, method, path, status, reason)
	case outcomeFailure:
		g.fails++
		g.degraded, g.degradedAt, g.degStatus = reason, now, status
		c.logFailureLocked(now, group, method, path, status, reason)
		switch {
		case g.state == HealthDown:
			if probe {
				g.downTries++
				g.retryAt = now.Add(downBackoff(g.downTries))
			}
			g.reason, g.status = reason, status
		case g.state == HealthTokenRejected:
			if probe {
				g.retryAt = now.Add(tokenProbeEvery)
			}
		case g.fails >= downAfterFailures:
			g.state, g.reason, g.status, g.since, g.downTries = HealthDown, reason, status, now, 1
			g.retryAt = now.Add(downBackoff(1))
			c.log.Warn("api down: every request fails; slowing every endpoint group", "failures", g.fails, "reason", reason, "next_try", g.retryAt.Sub(now).Round(time.Millisecond))
		}
	case outcomeUnexpected:
		g.degraded, g.degradedAt, g.degStatus = reason, now, status
		c.logFailureLocked(now, group, method, path, status, reason)
		if probe || g.state == HealthDown { // the API answers: a down API is back, a rejected token is accepted
			c.observeAnswerLocked(now)
		}
	case outcomeRateLimited:
		if probe && g.state == HealthTokenRejected {
			g.retryAt = now.Add(tokenProbeEvery)
		} else if probe && g.state == HealthDown {
			g.retryAt = now.Add(downBackoff(g.downTries))
		}
	case outcomeCancelled:
	}
}

// observeAnswerLocked opens the gate: the API answered. The caller holds
// c.gate.mu.
func (c *Client) observeAnswerLocked(now time.Time) {
	g := c.gate
	g.fails, g.answered = 0, true
	if g.state == HealthDown || g.state == HealthTokenRejected {
		c.log.Info("api recovered", "was", g.state.String(), "after", now.Sub(g.since).Round(time.Second), "reason", g.reason)
		g.recoveries++
	}
	g.state, g.reason, g.status, g.retryAt = HealthOK, "", 0, time.Time{}
}

// degrade records a failure that does not close the gate: an answer that
// is not the expected JSON.
func (c *Client) degrade(group Group, method, path string, status int, reason string) {
	g := c.gate
	now := c.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.degraded, g.degradedAt, g.degStatus = reason, now, status
	c.logFailureLocked(now, group, method, path, status, reason)
}

// noteLoose records what tolerant decoding could not read in one answer:
// each kind of problem is logged once per failureLogEvery with the
// endpoint and the value, and counted in the health for LooseFor.
func (c *Client) noteLoose(method, path string, r *looseReport) {
	if r.empty() {
		return
	}
	group := GroupForPath(method, path)
	now := c.clock.Now()
	g := c.gate
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.loose == nil {
		g.loose = map[string]looseSeen{}
	}
	for k, s := range g.loose {
		if now.Sub(s.at) >= LooseFor && now.Sub(s.logged) >= failureLogEvery {
			delete(g.loose, k)
		}
	}
	seen := func(key string, rows int) (logNow bool) {
		s, ok := g.loose[key]
		if !ok && len(g.loose) >= maxLooseKinds {
			return false
		}
		logNow = !ok || now.Sub(s.logged) >= failureLogEvery
		if logNow {
			s.logged = now
		}
		s.at, s.rows = now, rows
		g.loose[key] = s
		return logNow
	}
	for _, p := range r.fields {
		if seen(string(group)+" field "+p.Field, 0) {
			c.log.Warn("api field not understood", "group", group, "method", method, "path", path, "field", p.Field,
				"raw", clipLog(string(p.Raw)), "reason", p.Err, "repeats_logged_after", failureLogEvery)
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(r.skipped)) {
		if n := r.skipped[kind]; seen(string(group)+" rows "+kind, n) {
			c.log.Warn("api rows skipped: not an object or without an id", "group", group, "method", method, "path", path,
				"kind", kind, "rows", n, "repeats_logged_after", failureLogEvery)
		}
	}
}

// clipLog shortens a value the API sent for a log line (at most 200
// bytes; the detail view shows it whole).
func clipLog(s string) string {
	if len(s) > 200 {
		return strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// looseReasonLocked is the health reason for the decode problems seen in
// the last LooseFor ("3 fields not understood · 2 rows skipped"), or "".
// The caller holds c.gate.mu.
func (g *gate) looseReasonLocked(now time.Time) string {
	fields, rows := 0, 0
	for k, s := range g.loose {
		if now.Sub(s.at) >= LooseFor {
			continue
		}
		if strings.Contains(k, " field ") {
			fields++
		} else {
			rows += s.rows
		}
	}
	var parts []string
	if fields > 0 {
		parts = append(parts, plural(fields, "field")+" not understood")
	}
	if rows > 0 {
		parts = append(parts, plural(rows, "row")+" skipped")
	}
	return strings.Join(parts, " · ")
}

// plural is "1 field", "3 fields".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// logFailureLocked logs a failure once per failureLogEvery for each
// endpoint group, status and reason. The caller holds c.gate.mu.
func (c *Client) logFailureLocked(now time.Time, group Group, method, path string, status int, reason string) {
	g := c.gate
	key := string(group) + " " + strconv.Itoa(status) + " " + reason
	if at, ok := g.logged[key]; ok && now.Sub(at) < failureLogEvery {
		return
	}
	if g.logged == nil {
		g.logged = map[string]time.Time{}
	}
	for k, at := range g.logged {
		if now.Sub(at) >= failureLogEvery {
			delete(g.logged, k)
		}
	}
	g.logged[key] = now
	c.log.Warn("api failure", "group", group, "method", method, "path", path, "status", status, "reason", reason, "repeats_logged_after", failureLogEvery)
}

// downBackoff is the wait before the n-th probe of a down API: half of
// min(cap, base·2^(n-1)) plus a uniform jitter of up to the other half, so
// consoles that lost the API together do not come back in step.
func downBackoff(n int) time.Duration {
	ceiling := downBackoffBase << min(max(n-1, 0), 16)
	if ceiling <= 0 || ceiling > downBackoffCap {
		ceiling = downBackoffCap
	}
	half := ceiling / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// Health is the API's state now: token rejected, down, rate limited,
// degraded or OK, with the reason and when the client tries again.
func (c *Client) Health() Health {
	now := c.clock.Now()
	g := c.gate
	g.mu.Lock()
	h := Health{State: g.state, Reason: g.reason, Status: g.status, Since: g.since, RetryAt: g.retryAt}
	answered := g.answered
	deg, degAt, degStatus := g.degraded, g.degradedAt, g.degStatus
	loose := g.looseReasonLocked(now)
	g.mu.Unlock()
	if h.State == HealthDown || h.State == HealthTokenRejected {
		if g.probeNowPending() {
			h.RetryAt = now
		}
		return h
	}
	h = Health{State: HealthOK}
	for _, grp := range Groups {
		if until := c.groups[grp].pausedUntilTime(); until.After(now) && until.After(h.RetryAt) {
			h = Health{State: HealthRateLimited, Reason: "429 Too Many Requests on " + string(grp), Status: http.StatusTooManyRequests, RetryAt: until, Group: grp}
		}
	}
	switch {
	case h.State == HealthRateLimited:
	case !degAt.IsZero() && now.Sub(degAt) < DegradedFor:
		h = Health{State: HealthDegraded, Reason: deg, Status: degStatus, Since: degAt}
	case loose != "":
		h = Health{State: HealthDegraded, Reason: loose}
	case !answered:
		h.State = HealthUnknown
	}
	return h
}

func (g *gate) probeNowPending() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.probeNow && !g.probing
}

// Probe lets one request through now whatever holds requests back: the
// probe of a rejected token or of a down API, and one request of each
// endpoint group paused by a 429 (ctrl+r). If it is answered, the state
// ends at once.
func (c *Client) Probe() {
	c.gate.mu.Lock()
	if c.gate.state == HealthDown || c.gate.state == HealthTokenRejected {
		c.gate.probeNow = true
	}
	c.gate.mu.Unlock()
	for _, g := range Groups {
		c.groups[g].armProbe()
	}
}

// Recoveries counts the times the API came back from down or from a
// rejected token (a probe was answered). A scheduler that sees it change
// drops the backoffs it kept from the failure.
func (c *Client) Recoveries() uint64 {
	c.gate.mu.Lock()
	defer c.gate.mu.Unlock()
	return c.gate.recoveries
}
