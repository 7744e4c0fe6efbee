package model

import (
	"fmt"
	"slices"
	"strings"
)

// Filter is a parsed `/` filter: terms separated by spaces, all must match;
// a leading "!" inverts the whole filter. A term is a case-insensitive
// substring of the row's Text(), or field:value (status, app, version,
// city, country, continent, tag, id, ip; fleet, name and type for the
// fleet, policy and host tabs).
//
// field:value matches when one of the field's values contains value,
// case-insensitively (`app:kart` matches "kart-racing"), except status,
// which matches by prefix of the status name (`status:err` → ERROR).
// field=value is an exact match (still case-insensitive): `app=kart-racing`,
// `version=v1.9.3`, `tag=canary`. Exact terms on status, app, version, tag
// and id, and status prefixes, are pushed down into the API's list query
// (see DeploymentQuery).
//
// A row that cannot tell a field's value yet (a deployment whose status has
// not been fetched) does not match a term on that field until it can,
// unless the term was pushed down: then the server already selected the
// row, and the term passes. Under "!", such a row does not match either:
// the filter waits for the value rather than guess.
type Filter struct {
	Raw    string
	Invert bool
	Terms  []FilterTerm
	// pushKey identifies the query this filter pushes down ("" for none).
	pushKey string
}

// FilterTerm is one term of a Filter. Field "" is free text. Values are
// lowercase.
type FilterTerm struct {
	Field, Value string
	Exact        bool   // written field=value
	typed        string // Value as typed (case kept), for the push-down
	pushed       bool   // the list query already applies this term
}

// FilterFields are the field names a term may use.
var FilterFields = []string{"status", "app", "version", "city", "country", "continent", "tag", "id", "ip", "fleet", "name", "type"}

// Filterable is a row the filter can test. Text and the values of Field
// are lowercase; known is false while the row cannot tell the field's
// values yet.
type Filterable interface {
	Text() string
	Field(name string) (values []string, known bool)
}

// ParseFilter parses a `/` filter. An unknown field name ("colour:red") is
// an error that lists the valid fields. A term with an empty value
// ("status:", while the user is still typing) is ignored. A term whose
// prefix is not a plain word ("10.0.0.1:7777") is free text.
func ParseFilter(raw string) (Filter, error) {
	f := Filter{Raw: raw}
	body := strings.TrimSpace(strings.Map(dropControl, raw))
	if rest, ok := strings.CutPrefix(body, "!"); ok {
		f.Invert, body = true, rest
	}
	for _, word := range filterWords(body) {
		t, err := parseTerm(word)
		if err != nil {
			return Filter{}, err
		}
		if t.Value != "" {
			f.Terms = append(f.Terms, t)
		}
	}
	f.markPushed()
	return f, nil
}

// filterWords splits a filter body at spaces, except inside double
// quotes, which are dropped: `city="Los Angeles"` is one word, city=Los
// Angeles (a value with a space, as the pulse writes it). An unclosed
// quote runs to the end.
func filterWords(body string) []string {
	if !strings.Contains(body, `"`) {
		return strings.Fields(body)
	}
	var words []string
	var cur strings.Builder
	quoted, started := false, false
	for _, c := range body {
		switch {
		case c == '"':
			quoted, started = !quoted, true
		case c == ' ' && !quoted:
			if started {
				words = append(words, cur.String())
			}
			cur.Reset()
			started = false
		default:
			cur.WriteRune(c)
			started = true
		}
	}
	if started {
		words = append(words, cur.String())
	}
	return words
}

// QuoteFilterValue writes v so that a filter term reads it back whole:
// in double quotes when it holds a space (quotes inside are dropped).
func QuoteFilterValue(v string) string {
	v = strings.ReplaceAll(v, `"`, "")
	if strings.ContainsAny(v, " \t") {
		return `"` + v + `"`
	}
	return v
}

func parseTerm(word string) (FilterTerm, error) {
	i := strings.IndexAny(word, ":=")
	if i <= 0 || !isWord(word[:i]) {
		return FilterTerm{Value: strings.ToLower(word), typed: word}, nil
	}
	field, typed := strings.ToLower(word[:i]), word[i+1:]
	if !slices.Contains(FilterFields, field) {
		return FilterTerm{}, fmt.Errorf("unknown filter field %q: use one of %s", field, strings.Join(FilterFields, ", "))
	}
	return FilterTerm{Field: field, Value: strings.ToLower(typed), Exact: word[i] == '=', typed: typed}, nil
}

// dropControl turns control characters into spaces: no row text contains
// one (the haystack joins values with one).
func dropControl(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return ' '
	}
	return r
}

func isWord(s string) bool {
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// Empty reports whether the filter lets every row through.
func (f Filter) Empty() bool { return len(f.Terms) == 0 }

// PushKey identifies the query the filter pushes down to the API ("": none).
func (f Filter) PushKey() string { return f.pushKey }

// String is the filter as the user typed it.
func (f Filter) String() string { return f.Raw }

// Match reports whether r passes the filter, trusting pushed-down terms for
// fields r cannot tell yet.
func (f Filter) Match(r Filterable) bool { return f.match(r, true) }

// match tests r; trustPushed says whether r was listed under this filter's
// pushed-down query.
func (f Filter) match(r Filterable, trustPushed bool) bool {
	v := yes
	for i := range f.Terms {
		switch f.Terms[i].test(r, trustPushed) {
		case no:
			return f.Invert
		case unknown:
			v = unknown
		}
	}
	return v == yes && !f.Invert
}

// verdict is a three-valued test result.
type verdict int8

const (
	yes verdict = iota
	no
	unknown
)

func (t *FilterTerm) test(r Filterable, trustPushed bool) verdict {
	if t.Field == "" {
		return verdictOf(strings.Contains(r.Text(), t.Value))
	}
	values, known := r.Field(t.Field)
	if !known {
		if t.pushed && trustPushed {
			return yes
		}
		return unknown
	}
	for _, v := range values {
		if t.matches(v) {
			return yes
		}
	}
	return no
}

// matches tests one lowercase value.
func (t *FilterTerm) matches(v string) bool {
	switch {
	case t.Exact:
		return v == t.Value
	case t.Field == "status":
		return strings.HasPrefix(v, t.Value)
	}
	return strings.Contains(v, t.Value)
}

func verdictOf(b bool) verdict {
	if b {
		return yes
	}
	return no
}

// Narrows reports whether f is at least as strict as old: every row f
// accepts, old accepts too (typing one more character of a term, or adding
// a term). Stores use it to re-check only the rows old let through.
func (f Filter) Narrows(old Filter) bool {
	if f.Invert || old.Invert || f.pushKey != old.pushKey {
		return false
	}
	for _, o := range old.Terms {
		if !slices.ContainsFunc(f.Terms, func(t FilterTerm) bool { return t.implies(o) }) {
			return false
		}
	}
	return true
}

// implies reports whether a value passing t passes o too.
func (t FilterTerm) implies(o FilterTerm) bool {
	switch {
	case t.Field != o.Field || t.pushed != o.pushed:
		return false
	case o.Exact:
		return t.Exact && t.Value == o.Value
	case t.Exact:
		return o.matches(t.Value)
	case t.Field == "status":
		return strings.HasPrefix(t.Value, o.Value)
	}
	return strings.Contains(t.Value, o.Value)
}
