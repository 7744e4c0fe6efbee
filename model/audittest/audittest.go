// Package audittest reads an audit file the way tests check it: as
// actions, each attempt paired with its outcome.
package audittest

import (
	"fmt"

	"github.com/gapdeck/gapdeck/model"
)

// ReadActions reads the audit file at path as actions, oldest first, the
// newest limit of them (0: all): each action's attempt paired with its
// outcome (model.PairAudit), with the latest outcome. It fails when an
// action's first record is not its attempt or an attempt has no outcome.
func ReadActions(path string, limit int) ([]model.AuditEntry, error) {
	entries, err := model.ReadAudit(path, 0)
	if err != nil {
		return nil, err
	}
	first := map[string]bool{}
	for _, e := range entries {
		if e.ID == "" {
			return nil, fmt.Errorf("audit record without an action id: %+v", e)
		}
		if !first[e.ID] && e.Outcome != model.OutcomeAttempted {
			return nil, fmt.Errorf("action %s: first record %+v is not the attempt", e.ID, e)
		}
		first[e.ID] = true
	}
	acts := model.PairAudit(entries)
	out := make([]model.AuditEntry, len(acts))
	for i, a := range acts {
		if a.Open {
			return nil, fmt.Errorf("action %s %s %v was attempted and has no outcome", a.ID, a.Action, a.Targets)
		}
		out[i] = a.AuditEntry
	}
	if limit > 0 && len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out, nil
}
