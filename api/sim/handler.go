package sim

import (
	"context"
	"crypto/subtle"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// maxBodyBytes caps request bodies.
const maxBodyBytes = 1 << 20

// deprecationMessage answers /v1/fleet* when Smart Fleets are disabled.
const deprecationMessage = "Smart Fleets were deprecated on 2026-03-01; use private fleets"

// call is one matched request as handlers see it.
type call struct {
	r      *http.Request
	now    time.Time
	params map[string]string
	body   []byte
}

func (c *call) param(name string) string { return c.params[name] }
func (c *call) query() url.Values        { return c.r.URL.Query() }

// ServeHTTP answers a request: route, count, latency, auth, rate limit,
// faults, then the endpoint's handler under the server lock.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, params, allowed := s.router.match(r.Method, r.URL.EscapedPath())
	if rt == nil && len(allowed) == 0 {
		s.notFound(r).send(w)
		return
	}
	matched := rt
	if matched == nil {
		matched = allowed[0]
	}
	group, key := api.GroupForPath(r.Method, r.URL.Path), r.Method+" "+matched.pattern
	s.count(group, key)
	if !sleep(r.Context(), s.latency()) {
		return
	}
	c := &call{r: r, now: s.now(), params: params}
	if rep, denied := s.admit(c, matched, group, key); denied {
		rep.send(w)
		return
	}
	f := s.drawFault()
	if s.actOutFault(w, r, f, group, key) {
		return
	}
	if r.Body != nil {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			errorf(http.StatusBadRequest, "cannot read request body: %v", err).send(w)
			return
		}
		c.body = body
	}
	rep := s.dispatch(rt, allowed, c)
	if f == faultMalformed {
		rep.status = http.StatusOK
		rep.write(w, truncated(rep.encode()))
		return
	}
	if f == faultOdd && rep.status == http.StatusOK {
		rep.write(w, oddValues(rep.encode()))
		return
	}
	rep.send(w)
}

// actOutFault plays the faults that replace the answer and reports whether
// the request is done (a malformed answer still needs the real one).
func (s *Server) actOutFault(w http.ResponseWriter, r *http.Request, f fault, group api.Group, key string) bool {
	switch f {
	case faultTimeout:
		<-r.Context().Done()
	case faultReset:
		abortConnection(w)
	case fault500:
		errorf(http.StatusInternalServerError, "Internal Server Error").send(w)
	case fault429:
		s.countRateLimited(group, key)
		s.tooManyRequests(group, 1).send(w)
	default:
		return false
	}
	return true
}

// send writes the reply with its encoded body.
func (r reply) send(w http.ResponseWriter) { r.write(w, r.encode()) }

// notFound answers an unknown path (the deprecation notice under /v1/fleet*
// when Smart Fleets are off).
func (s *Server) notFound(r *http.Request) reply {
	s.mu.Lock()
	legacy := s.legacy
	s.mu.Unlock()
	if !legacy && isLegacyFleetPath(r.URL.Path) {
		return errorf(http.StatusNotFound, deprecationMessage)
	}
	return errorf(http.StatusNotFound, "Not Found")
}

func isLegacyFleetPath(p string) bool { return strings.HasPrefix(p, "/v1/fleet") }

// dispatch runs the handler under the lock with the world advanced to now.
// Without a handler, the path exists for the allowed routes only (405).
func (s *Server) dispatch(rt *route, allowed []*route, c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.world.advance(c.now)
	switch {
	case !s.legacy && isLegacyFleetPath(c.r.URL.Path):
		return errorf(http.StatusNotFound, deprecationMessage)
	case rt == nil:
		methods := make([]string, len(allowed))
		for i, a := range allowed {
			methods[i] = a.method
		}
		return errorf(http.StatusMethodNotAllowed, "Method %s is not allowed on %s", c.r.Method, allowed[0].pattern).
			withHeader("Allow", strings.Join(methods, ", "))
	}
	return rt.handle(s, c)
}

// admit checks the token and the rate limit; denied replies are final.
func (s *Server) admit(c *call, rt *route, group api.Group, key string) (reply, bool) {
	if !rt.noAuth {
		if rep, bad := s.checkToken(c.r.Header.Get("Authorization")); bad {
			return rep, true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.DisableRateLimits {
		return reply{}, false
	}
	if allowed, retry := s.allow(group, c.now); !allowed {
		s.countRateLimitedLocked(group, key)
		return s.tooManyRequests(group, retry), true
	}
	return reply{}, false
}

// checkToken validates `Authorization: token <Token>`. The token is never
// echoed.
func (s *Server) checkToken(header string) (reply, bool) {
	if strings.TrimSpace(header) == "" {
		return errorf(http.StatusUnauthorized, "Missing Token"), true
	}
	s.mu.Lock()
	want := "token " + s.cfg.Token
	s.mu.Unlock()
	if subtle.ConstantTimeCompare([]byte(header), []byte(want)) != 1 {
		return errorf(http.StatusUnauthorized, "Invalid Token"), true
	}
	return reply{}, false
}

// tooManyRequests is the 429 reply, with Retry-After unless configured off.
func (s *Server) tooManyRequests(group api.Group, retryAfter int) reply {
	limit, _ := api.DocumentedLimit(group)
	rep := errorf(http.StatusTooManyRequests, "Too Many Requests: more than %g requests per second on %s endpoints", limit, groupName(group))
	if !s.cfg.OmitRetryAfter {
		rep = rep.withHeader("Retry-After", strconv.Itoa(max(1, retryAfter)))
	}
	return rep
}

func groupName(g api.Group) string {
	if g == "" {
		return "other"
	}
	return string(g)
}

func (s *Server) count(group api.Group, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bump(s.counters.ByGroup, group, func(c *Counter) { c.Calls++ })
	bump(s.counters.ByRoute, key, func(c *Counter) { c.Calls++ })
}

func (s *Server) countRateLimited(group api.Group, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.countRateLimitedLocked(group, key)
}

func (s *Server) countRateLimitedLocked(group api.Group, key string) {
	bump(s.counters.ByGroup, group, func(c *Counter) { c.RateLimited++ })
	bump(s.counters.ByRoute, key, func(c *Counter) { c.RateLimited++ })
}

func bump[K comparable](m map[K]Counter, k K, f func(*Counter)) {
	c := m[k]
	f(&c)
	m[k] = c
}

func (s *Server) latency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.Latency
}

// drawFault draws the fault of this request from the fault generator.
func (s *Server) drawFault() fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.pick(s.faultRNG.Float64())
}

// sleep waits d of real time; false if the request was cancelled first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// abortConnection drops the connection without an answer: a hijacked TCP
// connection is closed with a reset; otherwise the server aborts the handler.
func abortConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0)
			}
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// truncated cuts a JSON body in half so that it no longer parses.
func truncated(body []byte) []byte {
	if len(body) < 4 {
		return []byte(`{"message": "Inte`)
	}
	return body[:len(body)/2]
}
