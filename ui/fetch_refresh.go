package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
)

// refresh is ctrl+r: the active view's fetches are due now, past any
// backoff, and the client lets one request through whatever holds it back
// (a 429 pause, a down API, a rejected token). While the token is rejected
// it first re-reads the token source (Env.ReloadToken), off the UI
// goroutine: a token_command may take seconds.
func (a *App) refresh() tea.Cmd {
	if a.env.Client.Health().State == api.HealthTokenRejected && a.env.ReloadToken != nil {
		reload, ctx, o := a.env.ReloadToken, a.env.Ctx, sentFrom{a.view}
		src := a.env.TokenSource
		if src == "" {
			src = "its source"
		}
		return tea.Batch(a.setFlash("Re-reading the token from "+src+"…", false), func() tea.Msg {
			source, err := reload(ctx)
			return tokenReloadedMsg{sentFrom: o, source: source, err: err}
		})
	}
	return tea.Batch(a.probeNow(), a.setFlash("Refreshing…", false))
}

// probeNow lets one request through and plans the active view at once.
func (a *App) probeNow() tea.Cmd {
	a.env.Client.Probe()
	a.view.Refresh()
	cmd := a.plan()
	a.rebuildChrome()
	return cmd
}

// tokenReloadedMsg is the end of a token re-read: the client holds the
// new token unless err.
type tokenReloadedMsg struct {
	sentFrom
	source string
	err    error
}

// onTokenReloaded tries the re-read token at once.
func (a *App) onTokenReloaded(m tokenReloadedMsg) tea.Cmd {
	if m.err != nil {
		return tea.Batch(a.probeNow(), a.setFlash("Could not re-read the API token: "+m.err.Error(), true))
	}
	if m.source != "" {
		a.env.TokenSource = m.source
	}
	return tea.Batch(a.probeNow(), a.setFlash("Token re-read from "+a.env.TokenSource+"; trying it now", false))
}
