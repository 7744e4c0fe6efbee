package events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// ObserveFleets takes the Smart Fleets list (or its error) read at at:
// fleets that appeared, went, were enabled or disabled, or changed. The
// first answer is the baseline. A 404 (Smart Fleets deprecated) is one
// event when fleets were listed before, and nothing while it lasts; other
// errors say nothing of the fleets.
func (r *Recorder) ObserveFleets(fleets []api.Fleet, err error, at time.Time) {
	switch {
	case api.IsNotFound(err):
		if r.fleetsKnown && !r.smartGone && len(r.fleets) > 0 {
			r.record(Event{At: at, Severity: Info, Kind: KindFleet, Object: Object{Type: ObjectFleet, ID: "smart-fleets"},
				Message: fmt.Sprintf("Smart Fleets now answer 404 (deprecated): %d fleets no longer listed", len(r.fleets))})
		}
		r.smartGone, r.fleetsKnown = true, true
		clear(r.fleets)
		clear(r.policies)
		return
	case err != nil:
		return
	}
	baseline := !r.fleetsKnown
	r.fleetsKnown, r.smartGone = true, false
	listed := make(map[string]bool, len(fleets))
	for _, f := range fleets {
		listed[f.Name] = true
		if baseline {
			r.fleets[f.Name] = f
			continue
		}
		r.putFleet(f, at)
	}
	names := make([]string, 0, len(r.fleets))
	for name := range r.fleets {
		if !listed[name] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		r.removeFleet(name, at)
	}
}

// ObserveFleet takes one Smart Fleet an action's answer carried.
func (r *Recorder) ObserveFleet(f api.Fleet, at time.Time) {
	if r.fleetsKnown {
		r.putFleet(f, at)
	}
}

// putFleet records f appearing or changing against what was known.
func (r *Recorder) putFleet(f api.Fleet, at time.Time) {
	old, had := r.fleets[f.Name]
	r.fleets[f.Name] = f
	obj := Object{Type: ObjectFleet, ID: f.Name}
	switch {
	case !had:
		r.record(Event{At: at, Severity: Info, Kind: KindFleet, Object: obj, To: enabledName(f.Enabled),
			Message: "Smart Fleet created (" + enabledName(f.Enabled) + ")"})
	case old.Enabled != f.Enabled:
		r.record(Event{At: at, Severity: Info, Kind: KindFleet, Object: obj, From: enabledName(old.Enabled), To: enabledName(f.Enabled),
			Message: "Smart Fleet " + enabledName(f.Enabled)})
	case !sameTime(old.LastUpdated, f.LastUpdated):
		r.record(Event{At: at, Severity: Info, Kind: KindFleet, Object: obj, Message: "Smart Fleet updated"})
	}
}

// removeFleet records a fleet no longer listed, and forgets its policies.
func (r *Recorder) removeFleet(name string, at time.Time) {
	delete(r.fleets, name)
	delete(r.policies, name)
	r.record(Event{At: at, Severity: Info, Kind: KindFleet, Object: Object{Type: ObjectFleet, ID: name}, Message: "Smart Fleet deleted"})
}

// ObservePolicies takes the policies of Smart Fleet fleet (or the error)
// read at at: policies that appeared, went, were enabled or disabled, or
// whose fields changed. The first answer for a fleet is its baseline. A
// 404 (the fleet went) forgets them: the fleets list says it went.
func (r *Recorder) ObservePolicies(fleet string, policies []api.Policy, err error, at time.Time) {
	switch {
	case api.IsNotFound(err):
		delete(r.policies, fleet)
		return
	case err != nil:
		return
	}
	known, had := r.policies[fleet]
	if !had {
		known = make(map[string]api.Policy, len(policies))
		for _, p := range policies {
			known[p.Name] = p
		}
		r.policies[fleet] = known
		return
	}
	listed := make(map[string]bool, len(policies))
	for _, p := range policies {
		listed[p.Name] = true
		r.putPolicy(fleet, known, p, at)
	}
	var names []string
	for name := range known {
		if !listed[name] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		delete(known, name)
		r.record(Event{At: at, Severity: Info, Kind: KindPolicy, Object: Object{Type: ObjectPolicy, ID: fleet + "/" + name}, Message: "policy deleted"})
	}
}

// ObservePolicy takes one policy an action's answer carried (p nil: it
// was deleted).
func (r *Recorder) ObservePolicy(fleet, name string, p *api.Policy, at time.Time) {
	known, had := r.policies[fleet]
	if !had {
		return // no baseline: the next list is one
	}
	if p != nil {
		r.putPolicy(fleet, known, *p, at)
		return
	}
	if _, ok := known[name]; ok {
		delete(known, name)
		r.record(Event{At: at, Severity: Info, Kind: KindPolicy, Object: Object{Type: ObjectPolicy, ID: fleet + "/" + name}, Message: "policy deleted"})
	}
}

// putPolicy records p appearing or changing in fleet's known policies.
func (r *Recorder) putPolicy(fleet string, known map[string]api.Policy, p api.Policy, at time.Time) {
	old, had := known[p.Name]
	known[p.Name] = p
	obj := Object{Type: ObjectPolicy, ID: fleet + "/" + p.Name}
	switch {
	case !had:
		r.record(Event{At: at, Severity: Info, Kind: KindPolicy, Object: obj, To: enabledName(p.Enabled),
			Message: fmt.Sprintf("%s policy created (%s)", p.Type, enabledName(p.Enabled))})
	case old.Enabled != p.Enabled:
		msg := "policy " + enabledName(p.Enabled)
		if d := policyDiff(old, p); d != "" {
			msg += "; " + d
		}
		r.record(Event{At: at, Severity: Info, Kind: KindPolicy, Object: obj, From: enabledName(old.Enabled), To: enabledName(p.Enabled), Message: msg})
	default:
		if d := policyDiff(old, p); d != "" {
			r.record(Event{At: at, Severity: Info, Kind: KindPolicy, Object: obj, Message: "policy changed: " + d})
		}
	}
}

// policyDiff says which of a policy's fields changed ("minimum 2 → 3,
// data changed"); "" when none did.
func policyDiff(a, b api.Policy) string {
	var parts []string
	if a.Type != b.Type {
		parts = append(parts, fmt.Sprintf("type %s → %s", a.Type, b.Type))
	}
	if a.Minimum != b.Minimum {
		parts = append(parts, fmt.Sprintf("minimum %d → %d", a.Minimum, b.Minimum))
	}
	if am, bm := optInt(a.Maximum), optInt(b.Maximum); am != bm {
		parts = append(parts, "maximum "+am+" → "+bm)
	}
	if a.Threshold != b.Threshold {
		parts = append(parts, fmt.Sprintf("threshold %v → %v", float64(a.Threshold), float64(b.Threshold)))
	}
	if !sameJSON(a.Data, b.Data) {
		parts = append(parts, "data changed")
	}
	return strings.Join(parts, ", ")
}

func optInt(p *api.Int) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprint(int64(*p))
}

// sameJSON compares two JSON values ignoring insignificant whitespace.
func sameJSON(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

func sameTime(a, b *api.Time) bool {
	switch {
	case a == nil || b == nil:
		return a == nil && b == nil
	}
	return a.Equal(b.Time)
}

func enabledName(on bool) string {
	if on {
		return "enabled"
	}
	return "disabled"
}
