// Package watchlist is what a person watches in the incident feed: a
// deployment, an app, an app version, a location or a tag. It decides
// which events concern a watch (Match), coalesces repeats into one alert
// per object per minute (Coalescer) and keeps each profile's watches in a
// JSON file in the state directory (Load, Save). It has no Bubble Tea and
// does no terminal output.
package watchlist

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gapdeck/gapdeck/model/events"
)

// Kind is what a watch names.
type Kind string

// Watch kinds.
const (
	KindDeployment Kind = "deployment" // a request id
	KindApp        Kind = "app"        // an application name
	KindVersion    Kind = "version"    // "app/version"
	KindLocation   Kind = "location"   // a city ("Frankfurt") or "city, country"
	KindTag        Kind = "tag"        // a deployment tag
)

// Kinds lists the watch kinds, in the order `:watch` offers them.
var Kinds = []Kind{KindDeployment, KindApp, KindVersion, KindLocation, KindTag}

// Watch is one watched thing.
type Watch struct {
	Kind  Kind   `json:"kind"`
	Value string `json:"value"`
}

// String is the watch as `:watch` takes it: "app kart-racing".
func (w Watch) String() string { return string(w.Kind) + " " + w.Value }

// Parse makes a watch of kind ("app", "version"…) and value, checking
// both: an unknown kind lists the valid ones, a version must be
// "app/version", and no value may be empty or hold control characters.
func Parse(kind, value string) (Watch, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(kind)))
	value = strings.TrimSpace(value)
	if !slices.Contains(Kinds, k) {
		names := make([]string, len(Kinds))
		for i, k := range Kinds {
			names[i] = string(k)
		}
		return Watch{}, fmt.Errorf("unknown watch kind %q: use one of %s", kind, strings.Join(names, ", "))
	}
	if value == "" {
		return Watch{}, fmt.Errorf("watch %s: what to watch is missing", k)
	}
	if strings.IndexFunc(value, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return Watch{}, fmt.Errorf("watch %s: the value holds control characters", k)
	}
	if k == KindVersion {
		app, ver, ok := strings.Cut(value, "/")
		if !ok || strings.TrimSpace(app) == "" || strings.TrimSpace(ver) == "" {
			return Watch{}, fmt.Errorf("watch version: write it as <app>/<version>, e.g. kart-racing/v1.9.3 (got %q)", value)
		}
	}
	return Watch{Kind: k, Value: value}, nil
}

// Match reports whether e is about what w watches. App, version, location
// and tag watches match a deployment's events by what was known of the
// deployment when the event was recorded; a location watch also matches
// events about the location itself.
func (w Watch) Match(e events.Event) bool {
	o := e.Object
	switch w.Kind {
	case KindDeployment:
		return o.Type == events.ObjectDeployment && o.ID == w.Value
	case KindApp:
		return o.Type == events.ObjectDeployment && o.App != "" && strings.EqualFold(o.App, w.Value)
	case KindVersion:
		app, ver, _ := strings.Cut(w.Value, "/")
		return o.Type == events.ObjectDeployment && o.App != "" &&
			strings.EqualFold(o.App, app) && strings.EqualFold(o.Version, ver)
	case KindLocation:
		switch o.Type {
		case events.ObjectDeployment:
			return locationIs(o.Location, w.Value)
		case events.ObjectLocation:
			return locationIs(o.ID, w.Value)
		}
	case KindTag:
		return o.Type == events.ObjectDeployment && slices.ContainsFunc(o.Tags, func(t string) bool { return strings.EqualFold(t, w.Value) })
	}
	return false
}

// locationIs reports whether loc ("city, country") is the location want
// names: the whole name or its city, case-insensitively.
func locationIs(loc, want string) bool {
	if loc == "" {
		return false
	}
	if strings.EqualFold(loc, want) {
		return true
	}
	city, _, _ := strings.Cut(loc, ",")
	return strings.EqualFold(strings.TrimSpace(city), want)
}

// Alerts reports whether e is worth an alert: a warning or an error.
func Alerts(e events.Event) bool { return e.Severity >= events.Warning }

// List is one profile's watches, in the order they were added. The zero
// List is empty and ready.
type List struct {
	watches []Watch
}

// NewList is a list of ws (duplicates dropped).
func NewList(ws []Watch) *List {
	l := &List{}
	for _, w := range ws {
		l.Add(w)
	}
	return l
}

// Add watches w; false if it was already watched.
func (l *List) Add(w Watch) bool {
	if l.Has(w) {
		return false
	}
	l.watches = append(l.watches, w)
	return true
}

// Remove stops watching w; false if it was not watched.
func (l *List) Remove(w Watch) bool {
	i := slices.IndexFunc(l.watches, func(x Watch) bool { return same(x, w) })
	if i < 0 {
		return false
	}
	l.watches = slices.Delete(l.watches, i, i+1)
	return true
}

// Has reports whether w is watched (kinds exactly, values
// case-insensitively, as Match compares them).
func (l *List) Has(w Watch) bool {
	return slices.ContainsFunc(l.watches, func(x Watch) bool { return same(x, w) })
}

func same(a, b Watch) bool { return a.Kind == b.Kind && strings.EqualFold(a.Value, b.Value) }

// Len is how many things are watched.
func (l *List) Len() int { return len(l.watches) }

// All is a copy of the watches, in the order they were added.
func (l *List) All() []Watch { return slices.Clone(l.watches) }

// Matching returns the first watch e concerns (false: none).
func (l *List) Matching(e events.Event) (Watch, bool) {
	for _, w := range l.watches {
		if w.Match(e) {
			return w, true
		}
	}
	return Watch{}, false
}
