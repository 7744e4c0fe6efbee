package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/gapdeck/gapdeck/ui/theme"
)

// profileCommand runs `:profile [name]` (alias `:ctx`): without a name it
// lists the profiles and marks the current one; with one it builds that
// profile's Env off the UI goroutine and switches to it.
func (a *App) profileCommand(name string) tea.Cmd {
	if name == "" {
		return a.setFlash(a.profileList(), false)
	}
	switch {
	case a.env.SwitchProfile == nil:
		return a.setFlash("profile switching needs profiles in the config file (current: "+a.currentProfile()+")", true)
	case a.switching != "":
		return a.setFlash("already switching to profile "+a.switching, true)
	case name == a.env.Profile:
		return a.setFlash("already on profile "+name, false)
	case !slices.Contains(a.env.Profiles, name):
		return a.setFlash(fmt.Sprintf("unknown profile %q (profiles: %s)", name, strings.Join(a.env.Profiles, ", ")), true)
	case a.actionsInFlight():
		return a.setFlash(actionInFlightText, true)
	}
	a.switching = name
	build := a.env.SwitchProfile
	return tea.Batch(a.setFlash("Switching to profile "+name+"…", false), func() tea.Msg {
		env, err := build(name)
		return profileSwitchedMsg{name: name, env: env, err: err}
	})
}

// currentProfile names the current profile for messages.
func (a *App) currentProfile() string {
	if a.env.Profile == "" {
		return "none"
	}
	return a.env.Profile
}

// profileList is "profiles: dev  *prod  staging", the current one starred.
func (a *App) profileList() string {
	if len(a.env.Profiles) == 0 {
		return "no profiles configured (current: " + a.currentProfile() + ")"
	}
	var b strings.Builder
	b.WriteString("profiles:")
	for _, p := range a.env.Profiles {
		b.WriteString("  ")
		if p == a.env.Profile {
			b.WriteString("*")
		}
		b.WriteString(p)
	}
	b.WriteString("  (* current; :profile <name> switches)")
	return b.String()
}

// profileCompletions are the profile names starting with prefix.
func (a *App) profileCompletions(prefix string) []string {
	var out []string
	for _, p := range a.env.Profiles {
		if strings.HasPrefix(p, prefix) {
			out = append(out, p)
		}
	}
	return out
}

// profileSwitchedMsg is the Env that Env.SwitchProfile built for a
// profile, or why it could not.
type profileSwitchedMsg struct {
	name string
	env  *Env
	err  error
}

// onProfileSwitched attaches to the new profile's engine, or says why not.
func (a *App) onProfileSwitched(m profileSwitchedMsg) tea.Cmd {
	a.switching = ""
	if m.err != nil || m.env == nil {
		err := m.err
		if err == nil {
			err = fmt.Errorf("no environment built")
		}
		return a.setFlash(fmt.Sprintf("still on %s, cannot switch to profile %s: %v", a.currentProfile(), m.name, err), true)
	}
	if a.actionsInFlight() { // started while the profile was being built
		if m.env.Close != nil {
			m.env.Close()
		}
		return a.setFlash(actionInFlightText, true)
	}
	return a.switchTo(m.name, m.env)
}

// actionInFlightText is why a switch waits for an action's answer.
const actionInFlightText = "an action is waiting for its answer: switch profiles once it has answered (so it is reported and audited)"

// actionsInFlight reports whether a mutating request of this profile is
// waiting for its answer: switching would drop its result unaudited.
func (a *App) actionsInFlight() bool {
	return len(a.inflight) > 0 || a.env.Client != nil && a.env.Client.MutationsInFlight() > 0
}

// switchTo replaces everything the console holds for the current profile
// with a fresh build over env: the old Env is closed first (its Ctx is
// cancelled, so its requests in flight stop), the epoch moves on so that
// results still on their way from the old profile are dropped, and the
// window size and remembered view state carry over.
func (a *App) switchTo(name string, env *Env) tea.Cmd {
	old := a.env
	inheritEnv(env, old)
	if env.Profile == "" {
		env.Profile = name
	}
	if old.Close != nil {
		old.Close()
	}
	a.collectViewState()      // the tabs' sort and columns carry over
	filters := a.tabFilters() // and, in the same session, their filters
	a.view.Detach()           // the old engine's answers name the old attachment: dropped
	a.build(env)
	a.restoreTabFilters(filters)
	if !env.Demo {
		a.state.setProfile(name) // the next start uses it (a demo is not remembered)
	}
	msg := "Switched to profile " + name
	if env.EnvLabel != "" {
		msg += " (" + env.EnvLabel + ")"
	}
	return tea.Batch(a.Init(), a.setFlash(msg, false))
}

// inheritEnv fills what SwitchProfile left unset in env from the console's
// previous Env (styles, clock, clipboard, the profile list and switcher),
// and hands the remembered view state over. What belongs to one profile
// (client, context, sparklines, audit log) is never shared.
func inheritEnv(env, old *Env) {
	if env.Styles == nil {
		env.Styles = old.Styles
	}
	if env.Keys == nil {
		env.Keys = DefaultKeyMap() // HideMutating changes a KeyMap: never share one
	}
	if env.Now == nil {
		env.Now = old.Now
	}
	if env.Log == nil {
		env.Log = old.Log
	}
	if env.Clipboard == nil {
		env.Clipboard = old.Clipboard
	}
	if env.LogCap == 0 {
		env.LogCap = old.LogCap
	}
	if env.Profiles == nil {
		env.Profiles = old.Profiles
	}
	if env.SwitchProfile == nil {
		env.SwitchProfile = old.SwitchProfile
	}
	if env.Sparks == old.Sparks {
		env.Sparks = nil // New's builder makes a fresh one
	}
	env.State, env.StatePath, env.StateErr = old.State, old.StatePath, nil
}

// renderEnvBadge renders the header's environment label (" prod ") in its
// colour, once per Env: reversed, so the colour is the badge's background
// and the text stays readable on dark and light terminals.
func renderEnvBadge(env *Env) string {
	if env.EnvLabel == "" {
		return ""
	}
	r := lipgloss.DefaultRenderer()
	if env.Styles != nil && env.Styles.Renderer != nil {
		r = env.Styles.Renderer
	}
	st := r.NewStyle().Bold(true).Reverse(true)
	if env.Styles != nil && !env.Styles.NoColor {
		if env.EnvColor != "" {
			st = st.Foreground(lipgloss.Color(env.EnvColor))
		} else {
			st = st.Foreground(theme.Default().Accent)
		}
	}
	return st.Render(" " + sanitizeLine(env.EnvLabel) + " ")
}

// Root is the program's model: the App, with the remembered view state
// saved (debounced) when a message changed it. Results of the engine of a
// profile switched away from cannot reach the new one: each names the
// engine attachment it came from (engineMsg, fromView) and the App drops
// what is not from its current one. Run a Root, not an App.
type Root struct{ app *App }

// FrameRate is the most frames a second the console's program draws
// (tea.WithFPS). Bubble Tea's renderer wakes this often to look for a new
// frame even when nothing changed (its default, 60, was a sixth of an idle
// console's CPU); 30 keeps a key's echo within 33 ms.
const FrameRate = 30

// NewRoot wraps the console for tea.NewProgram.
func NewRoot(a *App) *Root { return &Root{app: a} }

// App is the console the Root runs.
func (r *Root) App() *App { return r.app }

// Init implements tea.Model. A flash New left (the view state could not
// be loaded) expires like any other.
func (r *Root) Init() tea.Cmd {
	cmd := r.app.Init()
	if r.app.flashText != "" {
		id := r.app.flashID
		cmd = tea.Batch(cmd, tea.Tick(flashFor, func(time.Time) tea.Msg { return flashExpiredMsg{id: id} }))
	}
	return cmd
}

// Update implements tea.Model; a changed view state arms its debounced
// save.
func (r *Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := r.app.Update(msg)
	return r, tea.Batch(cmd, r.app.noteViewState(msg))
}

// View implements tea.Model.
func (r *Root) View() string { return r.app.View() }

// Shutdown records the actions still in flight as unknown in the audit
// ("quit before answer"), saves the remembered view state now and
// releases the current Env (Env.Close; after a switch it is not the Env
// the program started with, so Close must be safe to call twice). Call it
// when Run returns.
func (r *Root) Shutdown() error {
	r.app.abandonInflight(QuitAbandoned)
	if err := r.app.flushAudit(); err != nil && r.app.env.Log != nil {
		r.app.env.Log.Error("audit: recording actions in flight", "err", err)
	}
	err := r.app.saveViewState()
	r.app.view.Detach() // its interests leave the engine's plan
	if c := r.app.env.Close; c != nil {
		c()
	}
	return err
}
