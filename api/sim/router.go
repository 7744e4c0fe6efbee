package sim

import (
	"net/url"
	"strings"
)

// handlerFunc answers one matched request.
type handlerFunc func(s *Server, c *call) reply

// route is one entry of the route table.
type route struct {
	method  string
	pattern string // "/v1/status/{id}"
	handle  handlerFunc
	noAuth  bool // self-stop authenticates with the deployment's delete token
	segs    []string
}

// router matches paths against the route table.
type router struct{ routes []*route }

func newRouter(routes []*route) *router {
	for _, rt := range routes {
		rt.segs = strings.Split(strings.Trim(rt.pattern, "/"), "/")
	}
	return &router{routes: routes}
}

// match finds the route for method and escaped path. When the path exists
// only for other methods, rt is nil and allowed lists those routes.
func (rr *router) match(method, escapedPath string) (rt *route, params map[string]string, allowed []*route) {
	segs, ok := splitPath(escapedPath)
	if !ok {
		return nil, nil, nil
	}
	for _, cand := range rr.routes {
		p, ok := matchSegs(cand.segs, segs)
		if !ok {
			continue
		}
		if cand.method == method {
			return cand, p, nil
		}
		allowed = append(allowed, cand)
	}
	return nil, nil, allowed
}

// splitPath splits and unescapes an escaped URL path.
func splitPath(escaped string) ([]string, bool) {
	parts := strings.Split(strings.Trim(escaped, "/"), "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			return nil, false
		}
		parts[i] = u
	}
	return parts, true
}

// matchSegs matches path segments against a pattern's, binding {params}.
func matchSegs(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range pattern {
		// "{id}" binds the segment; "{id}:report" a segment ending in
		// ":report", without it.
		if name, suffix, found := strings.Cut(p, "}"); found && strings.HasPrefix(name, "{") {
			v, hasSuffix := strings.CutSuffix(segs[i], suffix)
			if !hasSuffix || v == "" {
				return nil, false
			}
			params[name[1:]] = v
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}
