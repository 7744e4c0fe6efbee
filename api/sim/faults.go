package sim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Faults injects failures into answers. Probabilities are per request, in
// [0, 1], and at most one fault (besides Latency) hits a request; a seeded
// generator separate from the world's decides. Timeout hangs until the
// request's context is done, so give test requests a deadline. Reset closes
// the hijacked connection, or panics with http.ErrAbortHandler when the
// ResponseWriter cannot be hijacked (httptest.ResponseRecorder).
type Faults struct {
	Error500     float64       // answer 500 {"message":"Internal Server Error"}
	RateLimit429 float64       // answer 429 as if rate limited
	Timeout      float64       // never answer; hang until the client gives up
	Malformed    float64       // answer 200 with a truncated, invalid JSON body
	Reset        float64       // abort the connection without an answer
	Odd          float64       // answer 200 with values the specs allow but the console cannot read (see oddValues)
	Latency      time.Duration // real time to wait before every answer
}

// fault is the one fault drawn for a request.
type fault int

const (
	faultNone fault = iota
	fault500
	fault429
	faultTimeout
	faultMalformed
	faultReset
	faultOdd
)

// faultTerm names a probability term of the --faults flag.
type faultTerm struct {
	name string
	kind fault
	prob func(*Faults) *float64
}

var faultTerms = []faultTerm{
	{"500", fault500, func(f *Faults) *float64 { return &f.Error500 }},
	{"429", fault429, func(f *Faults) *float64 { return &f.RateLimit429 }},
	{"timeout", faultTimeout, func(f *Faults) *float64 { return &f.Timeout }},
	{"malformed", faultMalformed, func(f *Faults) *float64 { return &f.Malformed }},
	{"reset", faultReset, func(f *Faults) *float64 { return &f.Reset }},
	{"odd", faultOdd, func(f *Faults) *float64 { return &f.Odd }},
}

// ParseFaults parses a fault spec such as
// "500=0.05,429=0.02,latency=300ms,timeout=0.01,malformed=0.01,reset=0.01".
// An empty spec injects nothing.
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	seen := map[string]bool{}
	sum := 0.0
	for _, term := range strings.Split(spec, ",") {
		term = strings.TrimSpace(term)
		if term == "" {
			continue
		}
		name, value, found := strings.Cut(term, "=")
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
		if !found || value == "" {
			return Faults{}, fmt.Errorf("fault term %q: want name=value", term)
		}
		if seen[name] {
			return Faults{}, fmt.Errorf("fault term %q: %s given twice", term, name)
		}
		seen[name] = true
		if name == "latency" {
			d, err := time.ParseDuration(value)
			if err != nil || d < 0 {
				return Faults{}, fmt.Errorf("fault term %q: latency must be a duration such as 300ms", term)
			}
			f.Latency = d
			continue
		}
		ft, ok := findFaultTerm(name)
		if !ok {
			return Faults{}, fmt.Errorf("fault term %q: unknown fault %q (want 500, 429, timeout, malformed, reset, odd or latency)", term, name)
		}
		p, err := strconv.ParseFloat(value, 64)
		if err != nil || p < 0 || p > 1 {
			return Faults{}, fmt.Errorf("fault term %q: probability must be a number between 0 and 1", term)
		}
		*ft.prob(&f) = p
		sum += p
	}
	if sum > 1 {
		return Faults{}, fmt.Errorf("fault probabilities add up to %g, more than 1", sum)
	}
	return f, nil
}

func findFaultTerm(name string) (faultTerm, bool) {
	for _, t := range faultTerms {
		if t.name == name {
			return t, true
		}
	}
	return faultTerm{}, false
}

// pick maps a uniform draw u in [0, 1) to the fault it falls on.
func (f Faults) pick(u float64) fault {
	for _, t := range faultTerms {
		p := *t.prob(&f)
		if u < p {
			return t.kind
		}
		u -= p
	}
	return faultNone
}

// oddTimeKeys are the timestamps the specs type as plain strings.
var oddTimeKeys = map[string]bool{"start_time": true, "created_at": true, "updated_at": true, "create_time": true, "last_updated": true}

// oddValues rewrites a JSON answer the way the specs allow and the
// console cannot read: every timestamp typed as a plain string holds
// "sometime", and every non-empty ports object gets an extra entry that is
// no port ("note"). An answer that is not JSON is returned as it is.
func oddValues(body []byte) []byte {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if _, isString := e.(string); isString && oddTimeKeys[k] {
					v[k] = "sometime"
					continue
				}
				if ports, ok := e.(map[string]any); ok && k == "ports" && len(ports) > 0 {
					ports["note"] = "not a port"
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}
