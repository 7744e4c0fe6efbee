package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/ui/termtext"
)

// Quitting: q, ctrl+c and the signals main turns into a QuitMsg quit at
// once when no action is in flight. Otherwise the console waits for the
// answers (they are reported and audited) for at most quitWaitMax, with a
// countdown in the footer; ctrl+c again (or a second signal) quits at once.
// Whatever is still in flight then is recorded in the audit as "unknown —
// quit before answer".

// quitWaitMax is the longest the console waits for actions in flight
// before it quits.
const quitWaitMax = 10 * time.Second

// QuitAbandoned is why an action still in flight when the console quits
// is recorded as unknown.
const QuitAbandoned = "quit before answer"

// QuitMsg asks the console to quit, as q does. Now quits at once (a second
// SIGTERM), recording the actions in flight as unknown. Reason names what
// asked ("SIGTERM"), for the countdown line.
type QuitMsg struct {
	Reason string
	Now    bool
}

// quitWait is a quit waiting for actions in flight.
type quitWait struct {
	active   bool
	deadline time.Time
	reason   string // what asked: "q", "ctrl+c", "SIGTERM"
}

// byKey reports whether a key (q, ctrl+c) asked, not a signal.
func (q quitWait) byKey() bool { return q.reason == "q" || q.reason == "ctrl+c" }

// quitTickMsg moves the quit countdown on.
type quitTickMsg struct{}

// quitTick arms the countdown's next second.
func quitTick() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return quitTickMsg{} })
}

// requestQuit quits, or starts waiting for the actions in flight; now (or
// a second ctrl+c while waiting) quits at once.
func (a *App) requestQuit(reason string, now bool) tea.Cmd {
	if len(a.inflight) == 0 {
		return tea.Quit
	}
	if now || a.quit.active { // keys go to quitKey while waiting: this is a second signal
		return a.quitNow()
	}
	a.quit = quitWait{active: true, deadline: a.env.now().Add(quitWaitMax), reason: reason}
	a.dialog, a.onConfirm = nil, nil // nothing new starts while quitting
	a.mode = modeNormal
	a.showQuitWait()
	return quitTick()
}

// quitNow records the actions still in flight as unknown and quits.
func (a *App) quitNow() tea.Cmd {
	a.abandonInflight(QuitAbandoned)
	a.quit.active = false
	return tea.Quit
}

// abandonInflight queues the record of every action in flight as
// unknown, for why; withAudit writes it before the quit it comes with.
func (a *App) abandonInflight(why string) {
	if a.env.Audit != nil {
		a.auditQ = append(a.auditQ, auditWrite{abandon: why})
	}
	a.inflight = nil
}

// flushAudit writes the queued audit records now, on the caller's
// goroutine: for Root.Shutdown, once the program has stopped.
func (a *App) flushAudit() error {
	q := a.auditQ
	a.auditQ = nil
	if len(q) == 0 || a.env.Audit == nil {
		return nil
	}
	return writeAudit(a.env.Audit, q)
}

// tickQuit moves the countdown on; at the deadline it quits.
func (a *App) tickQuit() tea.Cmd {
	if !a.quit.active {
		return nil
	}
	if !a.env.now().Before(a.quit.deadline) {
		return a.quitNow()
	}
	a.showQuitWait()
	return quitTick()
}

// quitKey handles a key while quitting: ctrl+c quits at once, esc stays
// (unless a signal asked: the process is ending); every other key is
// ignored.
func (a *App) quitKey(msg tea.KeyMsg) tea.Cmd {
	km := a.env.Keys
	switch {
	case km.Is(msg, ActForceQuit):
		return a.quitNow()
	case km.Is(msg, ActBack) && a.quit.byKey():
		a.quit = quitWait{}
		return a.setFlash("not quitting: "+a.inflightText()+" still in flight", false)
	}
	return nil
}

// showQuitWait shows the countdown in the footer (until the quit or the
// next second).
func (a *App) showQuitWait() {
	left := max(a.quit.deadline.Sub(a.env.now()), 0).Round(time.Second)
	a.flashID++ // no earlier flash's expiry takes this one away
	stay := ""
	if a.quit.byKey() {
		stay = " (esc: stay)"
	} else {
		stay = " (" + a.quit.reason + ")"
	}
	a.flashText = termtext.Line(fmt.Sprintf("waiting for %s to finish… %ds — press ctrl+c again to quit now%s",
		a.inflightText(), int(left/time.Second), stay))
	a.flashErr = true
}

// inflightText is "1 action in flight (stop of abc)" or "3 actions in
// flight (…)".
func (a *App) inflightText() string {
	whats := make([]string, 0, len(a.inflight))
	for _, w := range a.inflight {
		whats = append(whats, w)
	}
	slices.Sort(whats)
	n := "1 action in flight"
	if len(whats) != 1 {
		n = fmt.Sprintf("%d actions in flight", len(whats))
	}
	return n + " (" + strings.Join(whats, ", ") + ")"
}
