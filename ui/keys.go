package ui

import (
	"fmt"
	"github.com/gapdeck/gapdeck/ui/keys"
	"slices"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Action names a user action. The keymap is data: every action has a name
// the configuration can rebind, and help is generated from it.
type Action string

// Actions of the console.
const (
	ActQuit      Action = "quit"
	ActForceQuit Action = "force-quit"
	ActHelp      Action = "help"
	ActCommand   Action = "command"
	ActFilter    Action = "filter"
	ActRefresh   Action = "refresh"
	ActNextTab   Action = "next-tab"
	ActPrevTab   Action = "prev-tab"
	ActTab1      Action = "tab-deployments"
	ActTab2      Action = "tab-fleets"
	ActTab3      Action = "tab-policies"
	ActTab4      Action = "tab-locations"
	ActBack      Action = "back"
	ActUp        Action = "up"
	ActDown      Action = "down"
	ActTop       Action = "top"
	ActBottom    Action = "bottom"
	ActPageUp    Action = "page-up"
	ActPageDown  Action = "page-down"
	ActOpen      Action = "open"
	ActDetail    Action = "detail"
	ActJSON      Action = "json"
	ActCopy      Action = "copy"
	ActLogs      Action = "logs"

	ActStop       Action = "stop"
	ActTag        Action = "tag"
	ActTags       Action = "tags"
	ActMark       Action = "mark"
	ActMarkRange  Action = "mark-range"
	ActClearMarks Action = "clear-marks"
	ActDeploy     Action = "deploy"

	ActToggleFleet   Action = "toggle-fleet"
	ActLinkVersion   Action = "link-version"
	ActUnlinkVersion Action = "unlink-version"
	ActEditPolicy    Action = "edit-policy"
	ActDeletePolicy  Action = "delete-policy"
	ActRedraw        Action = "redraw"
	ActPulse         Action = "pulse"
	ActApps          Action = "apps"
	ActToggleActive  Action = "toggle-active"

	ActFollow       Action = "follow"
	ActWrap         Action = "wrap"
	ActNextMatch    Action = "next-match"
	ActPrevMatch    Action = "prev-match"
	ActFilterLines  Action = "filter-lines"
	ActMoreContext  Action = "more-context"
	ActLessContext  Action = "less-context"
	ActSaveLogs     Action = "save-logs"
	ActCrash        Action = "crash-view"
	ActWindowPrev   Action = "metrics-window-prev"
	ActWindowNext   Action = "metrics-window-next"
	ActToggleMetric Action = "metrics-panel"

	// Keys of the dialogs and forms that open over the console. Printable
	// keys are text in a dialog's input line, so there only their non-text
	// keys (esc, enter, tab…) act.
	ActConfirm      Action = "confirm"
	ActCancel       Action = "cancel"
	ActPress        Action = "press"
	ActFocusNext    Action = "focus-next"
	ActFocusPrev    Action = "focus-prev"
	ActSwitchButton Action = "switch-button"
	ActToggleField  Action = "toggle-field"
	ActRenameTag    Action = "rename-tag"
	ActDeleteTag    Action = "delete-tag"
	// ActReport is `:report` (a command, no key): named for read-only.
	ActReport     Action = "report"
	ActSaveFirst  Action = "save-logs-first"
	ActLogStorage Action = "log-storage"

	ActEvents   Action = "events"
	ActWatch    Action = "watch"
	ActWarnOnly Action = "warnings-only"
	ActUnwatch  Action = "unwatch"

	ActSortID       Action = "sort-id"
	ActSortStatus   Action = "sort-status"
	ActSortApp      Action = "sort-app"
	ActSortVersion  Action = "sort-version"
	ActSortLocation Action = "sort-location"
	ActSortAge      Action = "sort-age"
	ActSortIP       Action = "sort-ip"
	ActSortSockets  Action = "sort-sockets"
	ActSortName     Action = "sort-name"
	ActSortCount    Action = "sort-count"
	ActSortCountry  Action = "sort-country"
)

// binding is one default key binding with its help text.
type binding struct {
	action Action
	keys   []string
	help   string // short description
	group  string // help section
}

// Help sections, in display order.
const (
	groupGeneral    = "GENERAL"
	groupNavigation = "NAVIGATION"
	groupView       = "VIEW"
	groupSort       = "SORT"
	groupLogs       = "LOGS"
	groupMetrics    = "METRICS"
	groupFleets     = "FLEETS AND POLICIES"
	groupDialogs    = "DIALOGS"
	groupEvents     = "EVENTS AND WATCHES"
	groupApps       = "APPLICATIONS"
)

var defaultBindings = []binding{
	{ActHelp, []string{"?"}, "help", groupGeneral},
	{ActCommand, []string{":"}, "command", groupGeneral},
	{ActFilter, []string{"/"}, "filter", groupGeneral},
	{ActRefresh, []string{"ctrl+r"}, "refresh now", groupGeneral},
	{ActBack, []string{"esc"}, "back", groupGeneral},
	{ActQuit, []string{"q"}, "quit (back in a sub-view)", groupGeneral},
	{ActForceQuit, []string{"ctrl+c"}, "quit", groupGeneral},
	{ActRedraw, []string{"ctrl+l"}, "redraw the screen", groupGeneral},
	{ActPulse, []string{"p"}, "pulse: how bad, and where", groupGeneral},

	{ActTab1, []string{"1"}, "deployments", groupNavigation},
	{ActTab2, []string{"2"}, "fleets", groupNavigation},
	{ActTab3, []string{"3"}, "policies", groupNavigation},
	{ActTab4, []string{"4"}, "locations", groupNavigation},
	{ActNextTab, []string{"tab"}, "next tab", groupNavigation},
	{ActPrevTab, []string{"shift+tab"}, "previous tab", groupNavigation},
	{ActUp, []string{"k", "up"}, "up", groupNavigation},
	{ActDown, []string{"j", "down"}, "down", groupNavigation},
	{ActTop, []string{"g", "home"}, "top", groupNavigation},
	{ActBottom, []string{"G", "end"}, "bottom", groupNavigation},
	{ActPageUp, []string{"pgup", "ctrl+b"}, "page up", groupNavigation},
	{ActPageDown, []string{"pgdown", "ctrl+f"}, "page down", groupNavigation},

	{ActOpen, []string{"enter"}, "open", groupView},
	{ActDetail, []string{"d"}, "detail", groupView},
	{ActJSON, []string{"y"}, "raw JSON", groupView},
	{ActCopy, []string{"c"}, "copy id/FQDN/link", groupView},
	{ActLogs, []string{"l"}, "logs", groupView},
	{ActStop, []string{"ctrl+d"}, "stop (marked: bulk-stop)", groupView},
	{ActTag, []string{"t"}, "add a tag (marked: to all)", groupView},
	{ActTags, []string{"T"}, "manage tags", groupView},
	{ActMark, []string{" "}, "mark and move down", groupView},
	{ActMarkRange, []string{"ctrl+@"}, "mark up to the last mark", groupView},
	{ActClearMarks, []string{"ctrl+\\"}, "clear marks", groupView},
	{ActDeploy, []string{"n"}, "new deployment (hosts: on the marked)", groupView},

	{ActToggleFleet, []string{"e"}, "enable/disable the fleet", groupFleets},
	{ActLinkVersion, []string{"a"}, "link an app version to the fleet", groupFleets},
	{ActUnlinkVersion, []string{"u"}, "unlink an app version from the fleet", groupFleets},
	{ActEditPolicy, []string{"e"}, "edit the policy", groupFleets},
	{ActDeletePolicy, []string{"ctrl+d"}, "delete the policy", groupFleets},

	{ActApps, []string{"v"}, "applications, from any view (:apps)", groupApps},
	{ActToggleActive, []string{"x"}, "kill switch: disable/enable new deployments of the version or app", groupApps},

	{ActFollow, []string{"f"}, "follow new lines", groupLogs},
	{ActWrap, []string{"w"}, "wrap long lines", groupLogs},
	{ActNextMatch, []string{"n"}, "next match", groupLogs},
	{ActPrevMatch, []string{"N"}, "previous match", groupLogs},
	{ActFilterLines, []string{"F"}, "only matching lines (with context)", groupLogs},
	{ActMoreContext, []string{"+"}, "more context lines", groupLogs},
	{ActLessContext, []string{"-"}, "fewer context lines", groupLogs},
	{ActSaveLogs, []string{"s"}, "save the buffer to a file", groupLogs},
	{ActCrash, []string{"C"}, "crash view", groupLogs},

	{ActToggleMetric, []string{"m"}, "metrics panel", groupMetrics},
	{ActWindowPrev, []string{"["}, "shorter window", groupMetrics},
	{ActWindowNext, []string{"]"}, "longer window", groupMetrics},

	{ActConfirm, []string{"y", "Y"}, "confirm, whichever button is focused", groupDialogs},
	{ActCancel, []string{"n", "N", "esc", "ctrl+c"}, "cancel (nothing is sent); leave the filter or command line", groupDialogs},
	{ActPress, []string{"enter"}, "press the focused button; keep the filter, run the command", groupDialogs},
	{ActFocusNext, []string{"tab"}, "next field or button; complete the command", groupDialogs},
	{ActFocusPrev, []string{"shift+tab"}, "previous field or button", groupDialogs},
	{ActSwitchButton, []string{"left", "right", "h", "l"}, "switch Cancel and the action", groupDialogs},
	{ActToggleField, []string{" ", "x"}, "toggle a yes/no field", groupDialogs},
	{ActRenameTag, []string{"r"}, "rename a tag (tag manager)", groupDialogs},
	{ActDeleteTag, []string{"d"}, "delete a tag (tag manager)", groupDialogs},
	{ActSaveFirst, []string{"s"}, "stop dialog: save each deployment's logs first", groupDialogs},
	{ActLogStorage, []string{"o"}, "stop dialog: send container_log_storage=<endpoint> (cycles)", groupDialogs},

	{ActEvents, []string{"E"}, "events: the incident feed (clears !N)", groupEvents},
	{ActWatch, []string{"w"}, "watch it (alerts on errors)", groupEvents},
	{ActWarnOnly, []string{"W"}, "warnings and errors only", groupEvents},
	{ActUnwatch, []string{"x", "ctrl+d"}, "stop watching", groupEvents},

	{ActSortID, []string{"I"}, "by request id", groupSort},
	{ActSortStatus, []string{"S"}, "by status", groupSort},
	{ActSortApp, []string{"N"}, "by app name", groupSort},
	{ActSortVersion, []string{"V"}, "by version", groupSort},
	{ActSortLocation, []string{"L"}, "by location / city", groupSort},
	{ActSortAge, []string{"A"}, "by age", groupSort},
	{ActSortIP, []string{"P"}, "by public IP", groupSort},
	{ActSortSockets, []string{"K"}, "by sockets", groupSort},
	{ActSortName, []string{"N"}, "by name", groupSort},
	{ActSortCount, []string{"C"}, "by count", groupSort},
	{ActSortCountry, []string{"O"}, "by country", groupSort},
}

// helpKeyNames is how keys read in help: " " is "space", ctrl+@ (what
// terminals send for ctrl+space) is "ctrl+space".
func helpKeyNames(keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		switch k {
		case " ":
			names[i] = "space"
		case "ctrl+@":
			names[i] = "ctrl+space"
		default:
			names[i] = k
		}
	}
	return strings.Join(names, "/")
}

// KeyMap maps actions to key bindings.
type KeyMap struct {
	bindings map[Action]key.Binding
	groups   map[Action]string
	order    []Action
	hidden   map[Action]bool // still answered (with a refusal), never offered in help
}

// tabKeys are the keys of the tabs, in tab order (App.tabs).
var tabKeys = []Action{ActTab1, ActTab2, ActTab3, ActTab4}

// readOnlyRefusal is what read-only mode refuses, per action that changes
// the organization (see App.refuseReadOnly): its keys are the mutating
// actions.
var readOnlyRefusal = map[Action]string{
	ActStop:          "stopping deployments",
	ActTag:           "tagging",
	ActTags:          "tagging",
	ActDeploy:        "deploying",
	ActToggleFleet:   "changing fleets and policies",
	ActLinkVersion:   "changing fleets and policies",
	ActUnlinkVersion: "changing fleets and policies",
	ActEditPolicy:    "changing fleets and policies",
	ActDeletePolicy:  "changing fleets and policies",
	ActReport:        "reporting deployments",
	ActToggleActive:  "enabling or disabling applications and versions",
}

// mutating lists the actions that change the organization, in keymap
// order (from readOnlyRefusal).
var mutating = func() []Action {
	var out []Action
	for _, b := range defaultBindings {
		if _, ok := readOnlyRefusal[b.action]; ok {
			out = append(out, b.action)
		}
	}
	return out
}()

// HideMutating removes every mutating action from help (read-only mode);
// the keys still reach the console, which refuses them with a message.
func (km *KeyMap) HideMutating() {
	for _, a := range mutating {
		km.hidden[a] = true
	}
}

// DefaultKeyMap returns the built-in bindings.
func DefaultKeyMap() *KeyMap {
	km := &KeyMap{bindings: map[Action]key.Binding{}, groups: map[Action]string{}, hidden: map[Action]bool{}}
	for _, b := range defaultBindings {
		km.bindings[b.action] = key.NewBinding(key.WithKeys(b.keys...), key.WithHelp(helpKeyNames(b.keys), b.help))
		km.groups[b.action] = b.group
		km.order = append(km.order, b.action)
	}
	return km
}

// Binding returns the binding of an action.
func (km *KeyMap) Binding(a Action) key.Binding { return km.bindings[a] }

// Is reports whether msg triggers action a.
func (km *KeyMap) Is(msg tea.KeyMsg, a Action) bool {
	b, ok := km.bindings[a]
	return ok && key.Matches(msg, b)
}

// Bindings returns the bindings of the given actions, for help.
func (km *KeyMap) Bindings(actions ...Action) []key.Binding {
	out := make([]key.Binding, 0, len(actions))
	for _, a := range actions {
		if b, ok := km.bindings[a]; ok && b.Enabled() && !km.hidden[a] {
			out = append(out, b)
		}
	}
	return out
}

// Group is the help section of an action.
func (km *KeyMap) Group(a Action) string { return km.groups[a] }

// Actions lists every action in definition order.
func (km *KeyMap) Actions() []Action { return append([]Action(nil), km.order...) }

// Rebind replaces the keys of actions by name ("stop": "ctrl+x"). It
// refuses unknown actions and empty keys; conflicts are checked per view
// by CheckConflicts.
func (km *KeyMap) Rebind(overrides map[string][]string) error {
	names := make([]string, 0, len(overrides))
	for n := range overrides {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		keys := overrides[name]
		a := Action(name)
		b, ok := km.bindings[a]
		if !ok {
			return fmt.Errorf("unknown action %q", name)
		}
		if len(keys) == 0 || slices.Contains(keys, "") { // " " is the space bar
			return fmt.Errorf("action %q: empty key", name)
		}
		b.SetKeys(keys...)
		b.SetHelp(helpKeyNames(keys), b.Help().Desc)
		km.bindings[a] = b
	}
	return nil
}

// CheckConflicts reports two actions of the same view bound to one key (a
// *KeyConflictError).
func (km *KeyMap) CheckConflicts(view string, actions []Action) error {
	owner := map[string]Action{}
	for _, a := range actions {
		for _, k := range km.bindings[a].Keys() {
			if other, ok := owner[k]; ok && other != a {
				return &KeyConflictError{View: view, Key: k, Actions: [2]Action{other, a}}
			}
			owner[k] = a
		}
	}
	return nil
}

// hintKeys is how a dialog's hint names the keys of action a: as help
// names them, without the upper-case twin of a letter also bound in lower
// case ("y/Y" reads "y").
func (km *KeyMap) hintKeys(a Action) string {
	keys := km.bindings[a].Keys()
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if low := strings.ToLower(k); low != k && len([]rune(k)) == 1 && slices.Contains(keys, low) {
			continue
		}
		if a != ActForceQuit && slices.Contains(km.bindings[ActForceQuit].Keys(), k) {
			continue // the console quits first (see App.onKey)
		}
		out = append(out, k)
	}
	return helpKeyNames(out)
}

// textKey is the first key of action a that is not text (esc, enter…):
// the one that acts while a dialog takes typing. "" if a has none.
func (km *KeyMap) textKey(a Action) string {
	for _, k := range km.bindings[a].Keys() {
		if !keys.IsRune(k) {
			return helpKeyNames([]string{k})
		}
	}
	return ""
}

// firstKey is the first key of action a, as help names it.
func (km *KeyMap) firstKey(a Action) string {
	if keys := km.bindings[a].Keys(); len(keys) > 0 {
		return helpKeyNames(keys[:1])
	}
	return ""
}
