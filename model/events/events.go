// Package events is gapdeck's incident feed: what its polling observed
// change (a deployment appearing, a status transition, an error, a crash,
// a deployment gone, tags, fleets and policies, the API's health) and
// every action taken through it. Edgegap has no events API; this is the
// only history there is.
//
// A Recorder turns observations into Events: it remembers the last thing
// seen of each object and records an event only when an observation
// differs. Events go into a Log: a bounded ring, persisted per profile as
// JSON lines. The package has no Bubble Tea and does no terminal output.
package events

import (
	"fmt"
	"time"
)

// Severity is how much an event matters.
type Severity int

// Severities, from least to most.
const (
	Info Severity = iota
	Warning
	Error
)

var severityNames = [...]string{"info", "warning", "error"}

// String is the severity's name ("info", "warning", "error").
func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "severity?"
}

// MarshalText writes the severity as its name, so it is "warning" in
// JSON.
func (s Severity) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(severityNames) {
		return nil, fmt.Errorf("events: no severity %d", int(s))
	}
	return []byte(severityNames[s]), nil
}

// UnmarshalText reads a severity's name ("info", "warning", "error").
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if string(b) == n {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("events: unknown severity %q (want info, warning or error)", b)
}

// Kind is what an event is about.
type Kind string

// Event kinds.
const (
	KindAppeared    Kind = "appeared"     // a new deployment was listed
	KindStatus      Kind = "status"       // a status transition (From → To)
	KindErrorDetail Kind = "error-detail" // error_detail set or changed
	KindRestart     Kind = "restart"      // the container restarted (logs' restart count moved)
	KindCrash       Kind = "crash"        // crash data appeared in the logs answer
	KindGone        Kind = "gone"         // the deployment ended or is no longer listed
	KindTags        Kind = "tags"         // tags added or removed
	KindFleet       Kind = "fleet"        // a Smart Fleet appeared, changed or went
	KindPolicy      Kind = "policy"       // a fleet policy appeared, changed or went
	KindAPI         Kind = "api"          // the API's health changed (degraded, down, 429s, recovered)
	KindAction      Kind = "action"       // an action taken through gapdeck (from the audit)
)

// ObjectType is the type of thing an event is about.
type ObjectType string

// Object types.
const (
	ObjectDeployment ObjectType = "deployment"
	ObjectFleet      ObjectType = "fleet"
	ObjectPolicy     ObjectType = "policy"
	ObjectLocation   ObjectType = "location"
	ObjectAPI        ObjectType = "api"
)

// Object names what an event is about. For a deployment, App, Version and
// Location are what was known of it when the event was recorded (empty
// when its status was never read): watches and the pulse match on them.
type Object struct {
	Type     ObjectType `json:"type"`
	ID       string     `json:"id"` // request id, fleet name, "fleet/policy", "city, country", API group
	App      string     `json:"app,omitempty"`
	Version  string     `json:"version,omitempty"`
	Location string     `json:"location,omitempty"` // "city, country"
	Tags     []string   `json:"tags,omitempty"`
}

// Event is one thing observed. Events never change once recorded.
type Event struct {
	Seq      uint64    `json:"seq"` // the log's count when it was recorded; increases
	At       time.Time `json:"at"`  // when gapdeck saw it
	Severity Severity  `json:"severity"`
	Kind     Kind      `json:"kind"`
	Object   Object    `json:"object"`
	// Message is one line about the event. It may quote API text
	// (error_detail, names): sanitize it for the terminal when shown.
	Message string `json:"message"`
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
	// Stale is, for a status transition, how old the previous observation
	// was: the transition happened somewhere in that window.
	Stale time.Duration `json:"stale,omitempty"`
	Actor string        `json:"actor,omitempty"` // who acted (KindAction)
}
