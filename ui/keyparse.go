package ui

import (
	"fmt"
	"slices"

	"github.com/gapdeck/gapdeck/ui/keys"
)

// KeyConflictError is two actions of one view bound to the same key.
type KeyConflictError struct {
	View    string
	Key     string
	Actions [2]Action
}

func (e *KeyConflictError) Error() string {
	return fmt.Sprintf("%s view: key %q is bound to both %q and %q", e.View, helpKeyNames([]string{e.Key}), e.Actions[0], e.Actions[1])
}

// Conflict is the key and the two action names (config.KeyConflict).
func (e *KeyConflictError) Conflict() (string, [2]string) {
	return e.Key, [2]string{string(e.Actions[0]), string(e.Actions[1])}
}

// Actions that are live everywhere, and those of the top-level tabs.
var (
	globalActions = []Action{ActForceQuit, ActHelp, ActCommand, ActRedraw, ActRefresh, ActPulse, ActBack, ActQuit, ActEvents, ActApps}
	scrollActions = []Action{ActUp, ActDown, ActTop, ActBottom, ActPageUp, ActPageDown}
	tabActions    = slices.Concat([]Action{ActFilter, ActNextTab, ActPrevTab}, tabKeys)
)

// keyView is a set of actions live at the same time. A key may serve two
// actions only when no view holds both.
type keyView struct {
	name    string
	actions []Action
}

// keyViews lists every view's actions, from its key handling and help.
// Keep it in sync when a view gains a key: TestKeyViewsCoverEveryAction
// fails for an action no view lists.
var keyViews = []keyView{
	{"deployments", slices.Concat(globalActions, scrollActions, tabActions, deploymentKeys())},
	{"fleets", slices.Concat(globalActions, scrollActions, tabActions, []Action{
		ActOpen, ActToggleFleet, ActLinkVersion, ActUnlinkVersion, ActSortName,
	})},
	{"policies", slices.Concat(globalActions, scrollActions, tabActions, []Action{
		ActOpen, ActEditPolicy, ActDeletePolicy, ActSortName,
	})},
	{"locations", slices.Concat(globalActions, scrollActions, tabActions, []Action{
		ActSortCount, ActSortLocation, ActSortCountry,
	})},
	{"hosts", slices.Concat(globalActions, scrollActions, []Action{
		ActFilter, ActOpen, ActMark, ActClearMarks, ActDeploy, ActSortName, ActSortStatus,
	})},
	{"detail", slices.Concat(globalActions, scrollActions, []Action{
		ActJSON, ActLogs, ActCopy, ActToggleMetric, ActWindowPrev, ActWindowNext, ActWatch,
	})},
	{"logs", slices.Concat(globalActions, scrollActions, []Action{
		ActFilter, ActFollow, ActWrap, ActNextMatch, ActPrevMatch, ActFilterLines, ActMoreContext, ActLessContext, ActSaveLogs, ActCrash,
	})},
	{"apps", slices.Concat(globalActions, scrollActions, []Action{ActFilter, ActOpen, ActToggleActive, ActSortName})},
	{"versions", slices.Concat(globalActions, scrollActions, []Action{ActFilter, ActOpen, ActToggleActive, ActSortName, ActSortCount})},
	{"audit", slices.Concat(globalActions, scrollActions)},
	{"events", slices.Concat(globalActions, scrollActions, []Action{ActFilter, ActOpen, ActWarnOnly, ActWatch})},
	{"watches", slices.Concat(globalActions, scrollActions, []Action{ActUnwatch})},
	// Dialogs take every key but redraw, and force-quit, which the console
	// answers first: cancel's ctrl+c acts only when force-quit is moved.
	{"dialog", slices.Concat([]Action{ActRedraw}, scrollActions, dialogActions)},
	// The stop and bulk-stop confirmations add the evidence choices.
	{"stop dialog", slices.Concat([]Action{ActRedraw}, scrollActions, dialogActions, []Action{ActSaveFirst, ActLogStorage})},
	{"input line", []Action{ActPress, ActCancel, ActFocusNext, ActUp, ActDown}}, // the filter and command line: printable keys are text; up/down walk the filter history
	{"tag manager", []Action{ActRedraw, ActUp, ActDown, ActCancel, ActQuit, ActRenameTag, ActDeleteTag}},
}

// dialogActions are the keys of the confirmations and forms.
var dialogActions = []Action{ActConfirm, ActCancel, ActPress, ActFocusNext, ActFocusPrev, ActSwitchButton, ActToggleField}

// Validate checks the key map after Rebind: every key parses and no view
// has two actions on one key (a *KeyConflictError).
func (km *KeyMap) Validate() error {
	for _, a := range km.order {
		for _, k := range km.bindings[a].Keys() {
			if err := keys.Validate(k); err != nil {
				return fmt.Errorf("action %q: %w", a, err)
			}
		}
	}
	for _, v := range keyViews {
		if err := km.CheckConflicts(v.name, v.actions); err != nil {
			return err
		}
	}
	return nil
}
