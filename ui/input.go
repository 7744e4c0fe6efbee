package ui

import (
	"fmt"
	"sort"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// command is one `:` command.
type command struct {
	names []string // first is canonical; the rest are aliases
	usage string
	help  string
	arg   bool // takes an argument (a fleet name)
	run   func(a *App, arg string) tea.Cmd
	// complete lists what the argument could become (nil: the private
	// fleets).
	complete func(a *App, arg string) []string
	// shared: only on a console others share (gapdeck serve): listed in
	// help there only.
	shared bool
}

var commands = []command{
	{names: []string{"deployments", "dp", "deploy", "deployment"}, usage: "deployments (dp)", help: "Deployments tab",
		run: func(a *App, _ string) tea.Cmd { return a.switchTab(tabDeployments) }},
	{names: []string{"fleets", "fl", "fleet"}, usage: "fleets (fl)", help: "Fleets tab",
		run: func(a *App, _ string) tea.Cmd { return a.switchTab(tabFleets) }},
	{names: []string{"policies", "po", "pol", "policy"}, usage: "policies (po)", help: "Policies tab",
		run: func(a *App, _ string) tea.Cmd { return a.switchTab(tabPolicies) }},
	{names: []string{"locations", "lo", "loc", "location"}, usage: "locations (lo)", help: "Locations tab",
		run: func(a *App, _ string) tea.Cmd { return a.switchTab(tabLocations) }},
	{names: []string{"hosts"}, usage: "hosts <fleet>", help: "hosts of a private fleet", arg: true,
		run: func(a *App, fleet string) tea.Cmd {
			if fleet == "" {
				return a.setFlash("usage: :hosts <fleet> (private fleets: "+strings.Join(a.privFleets, ", ")+")", true)
			}
			return a.openSub(a.newHostsView(fleet))
		}},
	{names: []string{"apps", "app", "versions"}, usage: "apps [app]", help: "applications (v); an app's versions", arg: true,
		run: func(a *App, app string) tea.Cmd {
			if app == "" {
				return a.openApps()
			}
			return a.openSub(a.newVersionsView(app, a.newAppsView()))
		},
		complete: func(a *App, arg string) []string { return a.appCompletions(arg) }},
	{names: []string{"logs", "log"}, usage: "logs <id>…", help: "logs (several interleave)", arg: true,
		run: func(a *App, arg string) tea.Cmd {
			ids := strings.Fields(arg)
			if len(ids) == 0 {
				if d, ok := a.deployments(); ok {
					if id, ok := d.selectedID(); ok {
						ids = []string{id}
					}
				}
			}
			return func() tea.Msg { return openLogsMsg{ids: ids} }
		}},
	{names: []string{"stop"}, usage: "stop tag=<t>…", help: "stop by tags (any|all|not)", arg: true,
		run: func(_ *App, arg string) tea.Cmd { return func() tea.Msg { return stopByTagsMsg{arg: arg} } }},
	{names: []string{"report"}, usage: "report <reason>", help: "report the deployment to Edgegap", arg: true,
		run:      func(a *App, reason string) tea.Cmd { return a.reportCommand(reason) },
		complete: func(*App, string) []string { return nil }}, // free text
	{names: []string{"who"}, usage: "who", help: "who else is on this console", shared: true,
		run: func(a *App, _ string) tea.Cmd { return a.setFlash(a.whoText(), false) }},
	{names: []string{"pulse"}, usage: "pulse", help: "how bad, and where",
		run: func(a *App, _ string) tea.Cmd { return a.openPulse() }},
	{names: []string{"events", "ev"}, usage: "events (ev)", help: "the incident feed (E)",
		run: func(a *App, _ string) tea.Cmd { return a.openEvents() }},
	{names: []string{"watch"}, usage: "watch [kind x]", help: "list watches, or watch x", arg: true,
		run:      func(a *App, arg string) tea.Cmd { return a.watchCommand(arg) },
		complete: func(a *App, arg string) []string { return watchCompletions(arg) }},
	{names: []string{"audit"}, usage: "audit", help: "the audit log of actions",
		run: func(a *App, _ string) tea.Cmd { return a.openSub(newAuditView(a.env)) }},
	{names: []string{"profile", "ctx"}, usage: "profile [name]", help: "switch profile (ctx)", arg: true,
		run:      func(a *App, name string) tea.Cmd { return a.profileCommand(name) },
		complete: func(a *App, arg string) []string { return a.profileCompletions(arg) }},
	{names: []string{"cols", "columns"}, usage: "cols [±col]…", help: "hide -col, show +col", arg: true,
		run:      func(a *App, arg string) tea.Cmd { return a.colsCommand(arg) },
		complete: func(a *App, arg string) []string { return a.colsCompletions(arg) }},
	{names: []string{"quit", "q", "q!"}, usage: "q", help: "quit", run: func(*App, string) tea.Cmd { return tea.Quit }},
}

func findCommand(name string) (command, bool) {
	for _, c := range commands {
		for _, n := range c.names {
			if n == name {
				return c, true
			}
		}
	}
	return command{}, false
}

// startInput opens the command line.
func (a *App) startInput(m mode, value string) tea.Cmd {
	a.mode = m
	a.inErr = ""
	a.input.SetValue(value)
	a.input.CursorEnd()
	a.layout()
	return a.input.Focus()
}

// openFilter opens the filter line on the table being looked at (the
// sub-view when it is a table, else the tab): empty, the filter in force
// kept until something is typed, the table kind's history behind up.
func (a *App) openFilter() tea.Cmd {
	t := a.filterTarget()
	a.mode = modeFilter
	a.inErr = ""
	cmd := a.filter.Open(t.filterText(), a.state.state.Filters(t.filterKind()))
	a.layout()
	return cmd
}

// filterTarget is the table the filter line filters.
func (a *App) filterTarget() filterable {
	if f, ok := a.sub.(filterable); ok {
		return f
	}
	return a.tabs[a.active]
}

func (a *App) endInput() {
	a.mode = modeNormal
	a.input.Blur()
	a.filter.Close()
	a.inErr = ""
	a.layout()
}

// inputIs reports whether msg triggers act on the input line: its
// printable keys are text, so only an action's other keys act there (as
// in a dialog that takes text).
func (a *App) inputIs(msg tea.KeyMsg, act Action) bool {
	if msg.Type == tea.KeyRunes || msg.Type == tea.KeySpace {
		return false
	}
	return a.env.Keys.Is(msg, act)
}

// filterKey edits the filter (filterLine); it applies live as the user
// types. press (enter) keeps it and records it in the table kind's
// history; on an empty line it clears the filter, as the line's hint
// says. cancel (esc) clears the filter.
func (a *App) filterKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case a.inputIs(msg, ActPress):
		if a.inErr != "" {
			return nil // keep editing until it parses
		}
		if raw := strings.TrimSpace(a.filter.Value()); raw == "" {
			a.applyFilter("")
		} else {
			a.state.state.AddFilter(a.filterTarget().filterKind(), raw)
		}
		a.endInput()
		return a.plan()
	case a.inputIs(msg, ActCancel):
		a.applyFilter("")
		a.endInput()
		return a.plan()
	}
	cmd := a.filter.Key(msg)
	a.applyFilter(a.filter.Filter())
	return cmd
}

// applyFilter sets the filter of the table being looked at; a parse error
// stays on the input line and the previous filter remains.
func (a *App) applyFilter(raw string) {
	if err := a.filterTarget().setFilter(raw); err != nil {
		a.inErr = err.Error()
		return
	}
	a.inErr = ""
	a.afterFilter()
}

// afterFilter pushes the deployments filter into the list query and
// refreshes what depends on the visible rows.
func (a *App) afterFilter() {
	if d, ok := a.tabs[a.active].(*deploymentsTab); ok {
		a.view.SetFilter(d.list.filter)
	}
	a.plan()
	a.rebuildChrome()
}

// commandKey edits the command line: focus-next (tab) completes, press
// (enter) runs, cancel (esc) leaves.
func (a *App) commandKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case a.inputIs(msg, ActCancel):
		a.endInput()
		return nil
	case a.inputIs(msg, ActFocusNext):
		if c := a.completions(a.input.Value()); len(c) > 0 {
			a.input.SetValue(c[0])
			a.input.CursorEnd()
		}
		return nil
	case a.inputIs(msg, ActPress):
		line := strings.TrimSpace(a.input.Value())
		if line == "" {
			a.endInput()
			return nil
		}
		name, arg, _ := strings.Cut(line, " ")
		c, ok := findCommand(name)
		if !ok {
			if comp := a.completions(name); len(comp) == 1 {
				c, _ = findCommand(strings.TrimSpace(comp[0]))
				ok = true
			}
		}
		if !ok {
			a.inErr = fmt.Sprintf("unknown command %q (tab completes; ? lists commands)", name)
			return nil
		}
		a.endInput()
		return c.run(a, strings.TrimSpace(arg))
	}
	var cmd tea.Cmd
	a.input, cmd = a.input.Update(msg)
	a.inErr = ""
	return cmd
}

// completions lists what the command line could become.
func (a *App) completions(line string) []string {
	name, arg, hasArg := strings.Cut(line, " ")
	if hasArg {
		c, ok := findCommand(name)
		if !ok || !c.arg {
			return nil
		}
		var out []string
		if c.complete != nil {
			for _, v := range c.complete(a, strings.TrimLeft(arg, " ")) {
				out = append(out, name+" "+v)
			}
			return out
		}
		for _, f := range a.privFleets {
			if strings.HasPrefix(f, strings.TrimSpace(arg)) {
				out = append(out, name+" "+f)
			}
		}
		return out
	}
	var out []string
	for _, c := range commands {
		for _, n := range c.names {
			if strings.HasPrefix(n, name) {
				s := c.names[0]
				if c.arg {
					s += " "
				}
				out = append(out, s)
				break
			}
		}
	}
	sort.Strings(out)
	return compactStrings(out)
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// inputLine renders the filter or command line with its hint or error.
func (a *App) inputLine() string {
	st := a.env.Styles
	line := st.Prompt.Render("/") + a.filter.View()
	if a.mode == modeCommand {
		line = st.Prompt.Render(":") + a.input.View()
	}
	switch {
	case a.inErr != "":
		line += "  " + st.FlashError.Render(a.inErr)
	case a.mode == modeCommand:
		if c := a.completions(a.input.Value()); len(c) > 0 && a.input.Value() != "" {
			line += "  " + st.Muted.Render(strings.Join(c, "  "))
		}
	}
	return padLine(line, a.width)
}

// sharedConsole reports whether others may watch this console's engine:
// a served session (its actor is not the local user).
func (a *App) sharedConsole() bool { return a.env.Actor != nil && a.env.Actor.Role != "local" }

// whoText lists the people on the shared engine: "alice (operator, since
// 14:02, deployments) · bob (viewer, since 14:05, fleets)".
func (a *App) whoText() string {
	if len(a.people) == 0 {
		return "only you: this console is not shared (gapdeck serve shares one)"
	}
	parts := make([]string, len(a.people))
	for i, p := range a.people {
		me := ""
		if p.ViewID == a.view.ID() {
			me = ", you"
		}
		parts[i] = fmt.Sprintf("%s (%s, since %s, %s%s)", p.Name, p.Role, p.Since.UTC().Format("15:04"), p.Where, me)
	}
	return strings.Join(parts, " · ")
}
