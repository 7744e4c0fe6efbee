package serve

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	gossh "golang.org/x/crypto/ssh"
)

// idleCheck is how often a session checks for its idle logout.
const idleCheck = 15 * time.Second

// sessionModel wraps a person's console: it logs the session out after
// IdleLogout without a key press (the SSH idle timeout never fires for a
// console that redraws on every poll) and quits with a reason the server
// tells the person.
type sessionModel struct {
	inner   tea.Model
	idle    time.Duration
	lastKey time.Time
	end     func(why string)
}

// idleTickMsg checks the idle logout.
type idleTickMsg struct{}

func idleTick() tea.Cmd { return tea.Tick(idleCheck, func(time.Time) tea.Msg { return idleTickMsg{} }) }

// Init implements tea.Model.
func (m *sessionModel) Init() tea.Cmd { return tea.Batch(m.inner.Init(), idleTick()) }

// Update implements tea.Model.
func (m *sessionModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg.(type) {
	case tea.KeyMsg:
		m.lastKey = time.Now()
	case idleTickMsg:
		if idle := time.Since(m.lastKey); idle >= m.idle {
			m.end(fmt.Sprintf("logged out after %s without a key press.", m.idle))
			return m, tea.Quit
		}
		return m, idleTick()
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

// View implements tea.Model.
func (m *sessionModel) View() string { return m.inner.View() }

// gosshFingerprint is a key's SHA256 fingerprint.
func gosshFingerprint(key gossh.PublicKey) string { return gossh.FingerprintSHA256(key) }
