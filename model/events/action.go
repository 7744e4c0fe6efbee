package events

import (
	"fmt"
	"strings"
	"time"
)

// Action is an action taken through gapdeck, as its audit outcome says.
type Action struct {
	Actor   string   // who acted ("alice"; "" when not known)
	Action  string   // "stop", "bulk-stop", "tag-add", "fleet-disable", "policy-edit", …
	Targets []string // request ids, fleet names, "fleet/policy"
	Outcome string   // "ok", "accepted", "failed: <message>", "unknown — check: <why>", …
}

// RecordAction records an action's outcome at at: "alice stopped
// b6070d5ea80b: stopping". A failed outcome is an error; the others are
// information. Unlike observations it is always recorded.
func (r *Recorder) RecordAction(a Action, at time.Time) {
	who := a.Actor
	if who == "" {
		who = "someone"
	}
	e := Event{At: at, Severity: Info, Kind: KindAction, Actor: a.Actor, To: a.Outcome, Object: actionObject(a)}
	if strings.HasPrefix(a.Outcome, "failed") {
		e.Severity = Error
	}
	if e.Object.Type == ObjectDeployment && len(a.Targets) == 1 {
		e.Object = r.object(a.Targets[0])
	}
	outcome := firstLine(a.Outcome)
	if len(outcome) > 200 {
		outcome = outcome[:200] + "…"
	}
	e.Message = who + " " + actionVerb(a.Action) + " " + actionWhat(a) + ": " + outcome
	r.record(e)
}

// actionVerbs are the audit's action names as a past tense.
var actionVerbs = map[string]string{
	"stop":           "stopped",
	"bulk-stop":      "bulk-stopped",
	"tag-add":        "tagged",
	"tag-delete":     "removed a tag of",
	"tag-rename":     "renamed a tag of",
	"deploy":         "deployed",
	"deploy-private": "deployed on a private fleet",
	"fleet-enable":   "enabled Smart Fleet",
	"fleet-disable":  "disabled Smart Fleet",
	"fleet-link":     "linked a version to Smart Fleet",
	"fleet-unlink":   "unlinked a version from Smart Fleet",
	"policy-edit":    "edited policy",
	"policy-delete":  "deleted policy",
}

func actionVerb(action string) string {
	if v, ok := actionVerbs[action]; ok {
		return v
	}
	return "did " + action + " on"
}

// actionWhat names an action's targets: one by name, several by count.
func actionWhat(a Action) string {
	switch n := len(a.Targets); {
	case n == 1:
		return a.Targets[0]
	case n > 1 && actionObject(a).Type == ObjectDeployment:
		return fmt.Sprintf("%d deployments", n)
	case n > 1:
		return fmt.Sprintf("%d targets", n)
	}
	return "nothing"
}

// actionObject is what an action is about, from its name.
func actionObject(a Action) Object {
	o := Object{Type: ObjectDeployment}
	switch {
	case strings.HasPrefix(a.Action, "fleet-"):
		o.Type = ObjectFleet
	case strings.HasPrefix(a.Action, "policy-"):
		o.Type = ObjectPolicy
	}
	if len(a.Targets) == 1 {
		o.ID = a.Targets[0]
	}
	return o
}
