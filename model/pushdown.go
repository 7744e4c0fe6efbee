package model

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/gapdeck/gapdeck/api"
)

// The push-down: the part of a filter the deployments list can apply on
// the server, so fewer pages cross the wire. Only what is exactly right is
// pushed (the client still applies every term):
//
//   - status terms → status eq/in the documented statuses whose lowercase
//     name every status term accepts (nothing when none does);
//   - exact app=, version=, id= terms → application/version/request_id eq,
//     when all the exact terms on that field agree (two different exact
//     values cannot both match: nothing is pushed, no row matches);
//   - exact tag= terms → tags eq one tag, or in several (the server returns
//     rows with any of them; the client keeps those with all).
//
// Substring terms on app, version and tag are never pushed: the API only
// compares whole values. An inverted filter pushes nothing. Exact values
// are sent as typed; the API may compare them case-sensitively.

// pushField ties a filter field to its list query field.
type pushField struct {
	filter, query string
}

// exactPushFields are pushed from exact terms, in query order.
var exactPushFields = []pushField{
	{"id", api.FieldRequestID},
	{"app", api.FieldApplication},
	{"version", api.FieldVersion},
}

// markPushed decides which terms the list query applies and records the
// query's identity.
func (f *Filter) markPushed() {
	for i := range f.Terms {
		f.Terms[i].pushed = false
	}
	f.pushKey = ""
	if q := f.buildQuery(true); q != nil {
		b, _ := json.Marshal(q)
		f.pushKey = string(b)
	}
}

// DeploymentQuery is the part of the filter the deployments list can apply
// on the server; nil when nothing can be pushed or the filter is inverted.
// It carries no order_by: the scheduler adds its own.
func (f Filter) DeploymentQuery() *api.DeploymentQuery {
	return f.buildQuery(false)
}

// buildQuery computes the push-down; mark records it on the terms.
func (f *Filter) buildQuery(mark bool) *api.DeploymentQuery {
	if f.Invert {
		return nil
	}
	q := &api.DeploymentQuery{}
	if names := f.pushedStatuses(); len(names) > 0 {
		q.Filters = append(q.Filters, eqOrIn(api.FieldStatus, names))
		f.mark(mark, func(t FilterTerm) bool { return t.Field == "status" })
	}
	for _, pf := range exactPushFields {
		isExact := func(t FilterTerm) bool { return t.Field == pf.filter && t.Exact }
		var value string
		agree := true
		for _, t := range f.Terms {
			if isExact(t) {
				if value == "" {
					value = t.typed
				}
				agree = agree && strings.EqualFold(value, t.typed)
			}
		}
		if value != "" && agree {
			q.Filters = append(q.Filters, api.QueryFilter{Field: pf.query, Operator: api.OpEq, Value: value})
			f.mark(mark, isExact)
		}
	}
	var tags []string
	isTag := func(t FilterTerm) bool { return t.Field == "tag" && t.Exact }
	for _, t := range f.Terms {
		if isTag(t) && !slices.ContainsFunc(tags, func(s string) bool { return strings.EqualFold(s, t.typed) }) {
			tags = append(tags, t.typed)
		}
	}
	if len(tags) > 0 {
		q.Filters = append(q.Filters, eqOrIn(api.FieldTags, tags))
		f.mark(mark, isTag)
	}
	if len(q.Filters) == 0 {
		return nil
	}
	return q
}

func (f *Filter) mark(mark bool, which func(FilterTerm) bool) {
	if !mark {
		return
	}
	for i := range f.Terms {
		if which(f.Terms[i]) {
			f.Terms[i].pushed = true
		}
	}
}

// pushedStatuses lists the lowercase names of the documented statuses that
// every status term accepts; nil when there is no status term.
func (f *Filter) pushedStatuses() []string {
	var names []string
	hasTerm := false
	for _, st := range api.AllStatuses {
		name := strings.ToLower(st.Name())
		all := true
		for i := range f.Terms {
			if t := &f.Terms[i]; t.Field == "status" {
				hasTerm = true
				all = all && t.matches(name)
			}
		}
		if all {
			names = append(names, name)
		}
	}
	if !hasTerm {
		return nil
	}
	return names
}

func eqOrIn(field string, values []string) api.QueryFilter {
	if len(values) == 1 {
		return api.QueryFilter{Field: field, Operator: api.OpEq, Value: values[0]}
	}
	return api.QueryFilter{Field: field, Operator: api.OpIn, Value: values}
}
