package serve

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	gossh "golang.org/x/crypto/ssh"
)

// idleCheck is how often a session checks for its idle logout (more often
// for short logouts).
const idleCheck = 15 * time.Second

// checkEvery is the idle check period for an idle logout of d.
func checkEvery(d time.Duration) time.Duration { return min(idleCheck, max(d/4, 10*time.Millisecond)) }

// sessionModel wraps a person's console: it logs the session out after
// IdleLogout without a key press (the SSH idle timeout never fires for a
// console that redraws on every poll) and quits with a reason the server
// tells the person.
type sessionModel struct {
	inner   tea.Model
	idle    time.Duration
	lastKey time.Time
	end     func(why string)
	crash   func(panicked any) // a panic in the console: logged, the session closed
	crashed bool
}

// crashText is what a person whose console panicked is told.
const crashText = "this session hit an internal error and was closed (logged on the server); connect again."

// idleTickMsg checks the idle logout.
type idleTickMsg struct{}

func (m *sessionModel) idleTick() tea.Cmd {
	return tea.Tick(checkEvery(m.idle), func(time.Time) tea.Msg { return idleTickMsg{} })
}

// Init implements tea.Model.
func (m *sessionModel) Init() tea.Cmd { return tea.Batch(m.inner.Init(), m.idleTick()) }

// Update implements tea.Model. A panic in the console closes this session
// only, with a reason; the engine and the other sessions go on.
func (m *sessionModel) Update(msg tea.Msg) (out tea.Model, cmd tea.Cmd) {
	if m.crashed {
		return m, tea.Quit
	}
	defer func() {
		if r := recover(); r != nil {
			m.crashed = true
			m.crash(r)
			out, cmd = m, tea.Quit
		}
	}()
	switch msg.(type) {
	case tea.KeyMsg:
		m.lastKey = time.Now()
	case idleTickMsg:
		if idle := time.Since(m.lastKey); idle >= m.idle {
			m.end(fmt.Sprintf("logged out after %s without a key press.", m.idle))
			return m, tea.Quit
		}
		return m, m.idleTick()
	}
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

// View implements tea.Model.
func (m *sessionModel) View() (v string) {
	if m.crashed {
		return ""
	}
	defer func() {
		if r := recover(); r != nil {
			m.crashed = true
			m.crash(r)
			v = ""
		}
	}()
	return m.inner.View()
}

// gosshFingerprint is a key's SHA256 fingerprint.
func gosshFingerprint(key gossh.PublicKey) string { return gossh.FingerprintSHA256(key) }
