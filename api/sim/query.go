package sim

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// The `query` parameter of GET /v1/deployments:
// {"filters":[{"field","operator","value"}], "order_by":[{"field","order"}]}.

// Extra filter fields of the legacy session API.
const (
	fieldJoinable         = "is_joinable_by_session"
	fieldAvailableSockets = "available_session_sockets"
)

// predicate tells whether a deployment matches at time t.
type predicate func(d *deployment, t time.Time) bool

// fieldDef compiles a filter on one field.
type fieldDef func(op string, values []json.RawMessage) (predicate, error)

var queryFields = map[string]fieldDef{
	api.FieldStatus:       scalarField(parseStatusValue, func(d *deployment, t time.Time) string { cur, _ := d.status(t); return string(cur) }, strings.Compare, false),
	api.FieldRequestID:    scalarField(parseString, func(d *deployment, _ time.Time) string { return d.id }, strings.Compare, false),
	api.FieldApplication:  scalarField(parseString, func(d *deployment, _ time.Time) string { return d.app.name }, strings.Compare, false),
	api.FieldVersion:      scalarField(parseString, func(d *deployment, _ time.Time) string { return d.version }, strings.Compare, false),
	api.FieldCreatedAt:    scalarField(parseTimeValue, func(d *deployment, _ time.Time) time.Time { return d.created }, time.Time.Compare, true),
	fieldJoinable:         scalarField(parseBool, (*deployment).joinable, compareBool, false),
	fieldAvailableSockets: scalarField(parseInt, availableSockets, cmp.Compare[int], true),
	api.FieldTags:         tagsField,
}

// orderFields are the sortable fields with their sort keys.
var orderFields = map[string]func(a, b *deployment, t time.Time) int{
	api.FieldCreatedAt: func(a, b *deployment, _ time.Time) int { return a.created.Compare(b.created) },
	fieldAvailableSockets: func(a, b *deployment, t time.Time) int {
		return cmp.Compare(availableSockets(a, t), availableSockets(b, t))
	},
}

func availableSockets(d *deployment, t time.Time) int { return d.app.sockets - d.socketsUsage(t) }

// deploymentQuery is a parsed, validated query.
type deploymentQuery struct {
	filters []predicate
	order   []func(a, b *deployment, t time.Time) int
	// byCreated is 1 (asc) or -1 (desc) when the order is created_at
	// alone: then the creation-ordered list needs no sort.
	byCreated int
}

type rawFilter struct {
	Field    string          `json:"field"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
}

type rawQuery struct {
	Filters []rawFilter      `json:"filters"`
	OrderBy []api.QueryOrder `json:"order_by"`
}

// parseDeploymentQuery parses and validates the `query` parameter.
func parseDeploymentQuery(s string) (*deploymentQuery, error) {
	q := &deploymentQuery{}
	if strings.TrimSpace(s) == "" {
		return q, nil
	}
	var raw rawQuery
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, fmt.Errorf("query is not valid JSON: %v", err)
	}
	seen := map[string]bool{}
	for _, f := range raw.Filters {
		p, err := compileFilter(f, seen)
		if err != nil {
			return nil, err
		}
		q.filters = append(q.filters, p)
	}
	for _, o := range raw.OrderBy {
		key, ok := orderFields[o.Field]
		if !ok {
			return nil, fmt.Errorf("cannot order by %q: use created_at or available_session_sockets", o.Field)
		}
		switch o.Order {
		case "asc", "":
		case "desc":
			asc := key
			key = func(a, b *deployment, t time.Time) int { return asc(b, a, t) }
		default:
			return nil, fmt.Errorf("order_by %q: order must be asc or desc, got %q", o.Field, o.Order)
		}
		q.order = append(q.order, key)
	}
	if len(raw.OrderBy) == 1 && raw.OrderBy[0].Field == api.FieldCreatedAt {
		q.byCreated = 1
		if raw.OrderBy[0].Order == "desc" {
			q.byCreated = -1
		}
	}
	return q, nil
}

func compileFilter(f rawFilter, seen map[string]bool) (predicate, error) {
	def, ok := queryFields[f.Field]
	if !ok {
		return nil, fmt.Errorf("unknown filter field %q", f.Field)
	}
	if seen[f.Field] {
		return nil, fmt.Errorf("two filters on field %q: use one filter with the in or nin operator", f.Field)
	}
	seen[f.Field] = true
	if !slices.Contains(api.QueryOperators, f.Operator) {
		return nil, fmt.Errorf("unknown filter operator %q on %q", f.Operator, f.Field)
	}
	values, err := filterValues(f)
	if err != nil {
		return nil, err
	}
	p, err := def(f.Operator, values)
	if err != nil {
		return nil, fmt.Errorf("filter on %q: %v", f.Field, err)
	}
	return p, nil
}

// filterValues splits the value: a list for in/nin, one scalar otherwise.
func filterValues(f rawFilter) ([]json.RawMessage, error) {
	listOp := f.Operator == api.OpIn || f.Operator == api.OpNin
	v := bytes.TrimSpace(f.Value)
	isList := len(v) > 0 && v[0] == '['
	switch {
	case len(v) == 0 || string(v) == "null":
		return nil, fmt.Errorf("filter on %q needs a value", f.Field)
	case listOp && !isList:
		return nil, fmt.Errorf("operator %q on %q needs a list value", f.Operator, f.Field)
	case !listOp && isList:
		return nil, fmt.Errorf("operator %q on %q needs a single value", f.Operator, f.Field)
	case !listOp:
		return []json.RawMessage{v}, nil
	}
	var values []json.RawMessage
	if err := json.Unmarshal(v, &values); err != nil {
		return nil, fmt.Errorf("filter on %q: %v", f.Field, err)
	}
	return values, nil
}

// orderedOps test a comparison result for lt, lte, gt and gte.
var orderedOps = map[string]func(c int) bool{
	api.OpLt: func(c int) bool { return c < 0 }, api.OpLte: func(c int) bool { return c <= 0 },
	api.OpGt: func(c int) bool { return c > 0 }, api.OpGte: func(c int) bool { return c >= 0 },
}

// scalarField builds a single-valued field. Ordered fields also accept
// lt/lte/gt/gte.
func scalarField[T any](parse func(json.RawMessage) (T, error), get func(*deployment, time.Time) T, compare func(T, T) int, ordered bool) fieldDef {
	return func(op string, raw []json.RawMessage) (predicate, error) {
		values := make([]T, len(raw))
		for i, r := range raw {
			v, err := parse(r)
			if err != nil {
				return nil, err
			}
			values[i] = v
		}
		in := func(x T) bool {
			return slices.ContainsFunc(values, func(v T) bool { return compare(x, v) == 0 })
		}
		switch op {
		case api.OpEq, api.OpIn:
			return func(d *deployment, t time.Time) bool { return in(get(d, t)) }, nil
		case api.OpNeq, api.OpNin:
			return func(d *deployment, t time.Time) bool { return !in(get(d, t)) }, nil
		}
		if !ordered {
			return nil, fmt.Errorf("operator %q is not supported (use eq, neq, in or nin)", op)
		}
		test := orderedOps[op]
		return func(d *deployment, t time.Time) bool { return test(compare(get(d, t), values[0])) }, nil
	}
}

// tagsField: eq has the tag, neq lacks it, in has any, nin has none.
func tagsField(op string, raw []json.RawMessage) (predicate, error) {
	tags := make([]string, len(raw))
	for i, r := range raw {
		s, err := parseString(r)
		if err != nil {
			return nil, err
		}
		tags[i] = s
	}
	hasAny := func(d *deployment, _ time.Time) bool { return slices.ContainsFunc(tags, d.hasTag) }
	switch op {
	case api.OpEq, api.OpIn:
		return hasAny, nil
	case api.OpNeq, api.OpNin:
		return func(d *deployment, t time.Time) bool { return !hasAny(d, t) }, nil
	}
	return nil, fmt.Errorf("operator %q is not supported (use eq, neq, in or nin)", op)
}

func parseString(r json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		return "", fmt.Errorf("value %s is not a string", r)
	}
	return s, nil
}

// parseStatusValue accepts "ready", "READY" or "Status.READY", in any case.
func parseStatusValue(r json.RawMessage) (string, error) {
	s, err := parseString(r)
	if err != nil {
		return "", err
	}
	st := api.ParseStatus(s)
	if !st.Known() {
		return "", fmt.Errorf("unknown status %q", s)
	}
	return string(st), nil
}

// parseTimeValue accepts v1 ("2026-01-02 15:04:05.000000") and ISO timestamps.
func parseTimeValue(r json.RawMessage) (time.Time, error) {
	s, err := parseString(r)
	if err != nil {
		return time.Time{}, err
	}
	t, err := api.ParseTime(s)
	if err != nil || t.IsZero() {
		return time.Time{}, fmt.Errorf("value %q is not a timestamp", s)
	}
	return t.Time, nil
}

func parseBool(r json.RawMessage) (bool, error) {
	var b bool
	if err := json.Unmarshal(r, &b); err != nil {
		return false, fmt.Errorf("value %s is not a boolean", r)
	}
	return b, nil
}

func parseInt(r json.RawMessage) (int, error) {
	var n int
	if err := json.Unmarshal(r, &n); err != nil {
		return 0, fmt.Errorf("value %s is not an integer", r)
	}
	return n, nil
}

func compareBool(a, b bool) int {
	if a == b {
		return 0
	}
	if !a {
		return -1
	}
	return 1
}

// apply filters ds and sorts the result (default: created_at, then request ID).
func (q *deploymentQuery) apply(ds []*deployment, t time.Time) []*deployment {
	out := make([]*deployment, 0, len(ds))
	for _, d := range ds {
		if q.matches(d, t) {
			out = append(out, d)
		}
	}
	sortDeployments(out)
	return q.sort(out, t)
}

// list is apply over the live deployments of w at t, in one pass, into
// buf (reused by the caller).
func (q *deploymentQuery) list(w *world, t time.Time, buf []*deployment) []*deployment {
	var keep func(*deployment) bool
	if len(q.filters) > 0 {
		keep = func(d *deployment) bool { return q.matches(d, t) }
	}
	return q.sort(w.selectLive(t, keep, buf[:0]), t)
}

// sort orders out, sorted by creation then request ID, by the query's
// order_by (stable).
func (q *deploymentQuery) sort(out []*deployment, t time.Time) []*deployment {
	switch q.byCreated {
	case 1:
		return out // a stable sort by creation keeps this order
	case -1:
		reverseByCreation(out)
		return out
	}
	if len(q.order) > 0 {
		slices.SortStableFunc(out, func(a, b *deployment) int {
			for _, key := range q.order {
				if c := key(a, b, t); c != 0 {
					return c
				}
			}
			return 0
		})
	}
	return out
}

// reverseByCreation turns a list sorted by creation, then request ID, into
// what a stable sort by creation descending makes of it: newest first,
// equal creation times still by request ID.
func reverseByCreation(ds []*deployment) {
	slices.Reverse(ds)
	for i := 0; i < len(ds); {
		j := i + 1
		for j < len(ds) && ds[j].created.Equal(ds[i].created) {
			j++
		}
		slices.Reverse(ds[i:j])
		i = j
	}
}

func (q *deploymentQuery) matches(d *deployment, t time.Time) bool {
	for _, p := range q.filters {
		if !p(d, t) {
			return false
		}
	}
	return true
}
