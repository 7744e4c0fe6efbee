package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/model/events"
	"github.com/gapdeck/gapdeck/model/watchlist"
	"github.com/gapdeck/gapdeck/ui/termtext"
)

// Watches and alerts: w (or :watch kind value) watches a deployment, an
// app, a version, a location or a tag. When the engine records a warning
// or an error about something watched, the console rings the terminal
// bell (Env.Bell), flashes what happened, counts it in the header badge
// (!N, cleared by opening :events) and runs Env.NotifyCommand. Repeats
// about one object are coalesced: one alert per object per minute.

// notifyQueueMax bounds the alerts waiting for notify_command while it
// runs; more are dropped and counted.
const notifyQueueMax = 16

// notifyTimeout bounds one run of notify_command.
const notifyTimeout = 5 * time.Second

// alertState is the console's watches and what it alerted on.
type alertState struct {
	list    *watchlist.List
	coal    *watchlist.Coalescer
	seen    uint64 // the last event checked
	unseen  int    // alerts since :events was last opened (the !N badge)
	profile string // whose watches these are (the file's key)

	notifyBusy    bool
	notifyQ       []events.Event
	notifyDropped int
	notifyFailed  bool // a failure was shown; the next one is only logged
}

// watchMsg asks the console to watch something; unwatchMsg to stop.
type watchMsg struct{ watch watchlist.Watch }
type unwatchMsg struct{ watch watchlist.Watch }

// gotoObjectMsg asks the console to show an event's object.
type gotoObjectMsg struct{ obj events.Object }

// notifyDoneMsg is notify_command's outcome for one event.
type notifyDoneMsg struct {
	view any // the attachment it ran for (a switch drops it)
	err  error
}

// watchProfile is the key of the profile's watches in the file.
func watchProfile(env *Env) string {
	switch {
	case env.Demo:
		return "demo"
	case env.Profile == "":
		return "default"
	}
	return env.Profile
}

// initAlerts loads the profile's watches and starts checking from the
// engine's newest event (what happened before is not an alert).
func (a *App) initAlerts() tea.Cmd {
	al := &a.alerts
	*al = alertState{list: &watchlist.List{}, coal: watchlist.NewCoalescer(0), profile: watchProfile(a.env),
		seen: a.engine.Events().Seq()}
	if a.env.WatchesPath == "" {
		return nil
	}
	l, err := watchlist.Load(a.env.WatchesPath, al.profile)
	al.list = l
	if err != nil {
		a.logWarn("watches not loaded", err)
		return flashCmd("could not load your watches: "+err.Error(), true)
	}
	return nil
}

func (a *App) logWarn(msg string, err error) {
	if a.env.Log != nil {
		a.env.Log.Warn(msg, "err", err)
	}
}

// checkAlerts looks at the events recorded since the last check: each
// warning or error about something watched, not coalesced away, rings,
// flashes, counts and is handed to notify_command.
func (a *App) checkAlerts() tea.Cmd {
	al := &a.alerts
	if ev, ok := a.sub.(*eventsView); ok {
		ev.pull()
	}
	fresh := a.engine.Events().Since(al.seen)
	if len(fresh) == 0 {
		return nil
	}
	al.seen = fresh[len(fresh)-1].Seq
	if al.list.Len() == 0 {
		return nil
	}
	var rings int
	var last events.Event
	var lastWatch watchlist.Watch
	var cmds []tea.Cmd
	for _, e := range fresh {
		if !watchlist.Alerts(e) {
			continue
		}
		w, ok := al.list.Matching(e)
		if !ok || !al.coal.Allow(e) {
			continue
		}
		rings++
		last, lastWatch = e, w
		cmds = append(cmds, a.notify(e))
	}
	if rings == 0 {
		return nil
	}
	if _, open := a.sub.(*eventsView); !open {
		al.unseen += rings
	}
	text := termtext.Format("watched %s: %s %s: %s", lastWatch, last.Severity, objectText(last.Object), last.Message)
	if rings > 1 {
		text += termtext.Format(" (+%d more: E)", rings-1)
	}
	cmds = append(cmds, a.setFlash(string(text), last.Severity == events.Error), a.bell(rings))
	a.rebuildChrome()
	return tea.Batch(cmds...)
}

// bell writes n BELs to the terminal (Env.Bell: the local terminal, or the
// session's SSH channel under gapdeck serve), from a command so a slow
// terminal never blocks Update.
func (a *App) bell(n int) tea.Cmd {
	w := a.env.Bell
	if w == nil || n <= 0 {
		return nil
	}
	return func() tea.Msg {
		_, _ = w.Write(bytes.Repeat([]byte{'\a'}, n)) // a terminal that is gone is noticed elsewhere
		return nil
	}
}

// notify runs notify_command for e, or queues e while it runs (at most
// notifyQueueMax; more are dropped and counted).
func (a *App) notify(e events.Event) tea.Cmd {
	al := &a.alerts
	if len(a.env.NotifyCommand) == 0 {
		return nil
	}
	if al.notifyBusy {
		if len(al.notifyQ) >= notifyQueueMax {
			al.notifyDropped++
			return nil
		}
		al.notifyQ = append(al.notifyQ, e)
		return nil
	}
	al.notifyBusy = true
	return runNotify(a.env.Ctx, a.env.NotifyCommand, e, a.view)
}

// runNotify runs argv (no shell) with e as JSON on stdin, for
// NotifyTimeout at most.
func runNotify(parent context.Context, argv []string, e events.Event, view any) tea.Cmd {
	argv = append([]string(nil), argv...)
	if parent == nil {
		parent = context.Background()
	}
	return func() tea.Msg {
		body, err := json.Marshal(e)
		if err != nil {
			return notifyDoneMsg{view: view, err: err}
		}
		ctx, cancel := context.WithTimeout(parent, notifyTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Stdin = bytes.NewReader(append(body, '\n'))
		var stderr bytes.Buffer
		cmd.Stderr = &limitedBuffer{buf: &stderr, max: 512}
		err = cmd.Run()
		switch {
		case ctx.Err() == context.DeadlineExceeded:
			err = fmt.Errorf("killed after %s", notifyTimeout)
		case err != nil:
			if msg := strings.TrimSpace(stderr.String()); msg != "" {
				err = fmt.Errorf("%w: %s", err, firstLineOf(msg))
			}
		}
		return notifyDoneMsg{view: view, err: err}
	}
}

// onNotifyDone shows a failure once (and logs each), then runs the next
// queued alert.
func (a *App) onNotifyDone(msg notifyDoneMsg) tea.Cmd {
	al := &a.alerts
	if msg.view != any(a.view) {
		return nil
	}
	al.notifyBusy = false
	var cmds []tea.Cmd
	if msg.err != nil {
		if a.env.Log != nil {
			a.env.Log.Warn("notify_command failed", "program", a.env.NotifyCommand[0], "err", msg.err)
		}
		if !al.notifyFailed {
			al.notifyFailed = true
			cmds = append(cmds, a.setFlash("notify_command failed: "+msg.err.Error()+" (further failures are only logged)", true))
		}
	}
	if al.notifyDropped > 0 && a.env.Log != nil {
		a.env.Log.Warn("notify_command: alerts dropped, the queue was full", "dropped", al.notifyDropped, "queue", notifyQueueMax)
		al.notifyDropped = 0
	}
	if len(al.notifyQ) > 0 {
		e := al.notifyQ[0]
		al.notifyQ = al.notifyQ[1:]
		al.notifyBusy = true
		cmds = append(cmds, runNotify(a.env.Ctx, a.env.NotifyCommand, e, a.view))
	}
	return tea.Batch(cmds...)
}

// onWatch adds a watch and saves the profile's watches.
func (a *App) onWatch(w watchlist.Watch) tea.Cmd {
	if !a.alerts.list.Add(w) {
		return a.setFlash(string(termtext.Format("already watching %s", w)), false)
	}
	if ws, ok := a.sub.(*watchesView); ok {
		ws.refresh()
	}
	if err := a.saveWatches(); err != nil {
		return a.setFlash(string(termtext.Format("watching %s for this session; could not save it: %s", w, err.Error())), true)
	}
	return a.setFlash(string(termtext.Format("watching %s: its warnings and errors ring the bell (:watch lists)", w)), false)
}

// onUnwatch removes a watch and saves the profile's watches.
func (a *App) onUnwatch(w watchlist.Watch) tea.Cmd {
	if !a.alerts.list.Remove(w) {
		return a.setFlash(string(termtext.Format("not watching %s", w)), true)
	}
	if ws, ok := a.sub.(*watchesView); ok {
		ws.refresh()
	}
	if err := a.saveWatches(); err != nil {
		return a.setFlash(string(termtext.Format("unwatched %s for this session; could not save it: %s", w, err.Error())), true)
	}
	return a.setFlash(string(termtext.Format("unwatched %s", w)), false)
}

func (a *App) saveWatches() error {
	if a.env.WatchesPath == "" {
		return nil
	}
	err := watchlist.Save(a.env.WatchesPath, a.alerts.profile, a.alerts.list)
	if err != nil {
		a.logWarn("watches not saved", err)
	}
	return err
}

// watchCommand is :watch: alone it lists the watches; with a kind and a
// value it adds one.
func (a *App) watchCommand(arg string) tea.Cmd {
	if arg == "" {
		return a.openSub(newWatchesView(a.env, a.alerts.list))
	}
	kind, value, _ := strings.Cut(arg, " ")
	w, err := watchlist.Parse(kind, value)
	if err != nil {
		return a.setFlash(err.Error()+" — usage: :watch app|version|location|tag|deployment <value>", true)
	}
	return a.onWatch(w)
}

// openEvents opens the incident feed and clears the alert badge.
func (a *App) openEvents() tea.Cmd {
	a.alerts.unseen = 0
	a.rebuildChrome()
	if _, ok := a.sub.(*eventsView); ok {
		return nil
	}
	return a.openSub(newEventsView(a.env, a.engine.Events(), func() string { return listWatchNote(a.listWatches) }))
}

// gotoObject shows an event's object: a deployment's detail (if it is
// still there), the fleet, policy or location in its tab.
func (a *App) gotoObject(o events.Object) tea.Cmd {
	switch o.Type {
	case events.ObjectDeployment:
		if _, ok := a.store.Get(o.ID); !ok {
			return a.setFlash(string(termtext.Format("deployment %s is gone: it is no longer listed (its events stay here)", o.ID)), true)
		}
		return a.openSub(a.newDetail(o.ID, false))
	case events.ObjectFleet:
		return a.gotoRow(tabFleets, "fleet", o.ID, func(r *catalogRow) bool { return r.key == "smart/"+o.ID || r.key == "private/"+o.ID })
	case events.ObjectPolicy:
		return a.gotoRow(tabPolicies, "policy", o.ID, func(r *catalogRow) bool { return r.key == o.ID })
	case events.ObjectLocation:
		city, country, _ := strings.Cut(o.ID, ",")
		city, country = strings.ToLower(strings.TrimSpace(city)), strings.ToLower(strings.TrimSpace(country))
		return a.gotoRow(tabLocations, "location", o.ID, func(r *catalogRow) bool {
			return fieldIs(r, "city", city) && (country == "" || fieldIs(r, "country", country))
		})
	}
	return a.setFlash(string(termtext.Format("nothing to open for %s events", o.Type)), true)
}

func fieldIs(r *catalogRow, field, want string) bool {
	vs := r.fields[field]
	return len(vs) > 0 && vs[0] == want
}

// gotoRow switches to tab and selects the row match finds.
func (a *App) gotoRow(tab int, what, name string, match func(*catalogRow) bool) tea.Cmd {
	cmd := a.switchTab(tab)
	ct, ok := a.tabs[tab].(*catalogTab)
	if !ok || !ct.selectRow(match) {
		return tea.Batch(cmd, a.setFlash(string(termtext.Format("%s %s is not in the %s tab now (gone, not loaded yet, or filtered out)", what, name, ct.name())), true))
	}
	return cmd
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func firstLineOf(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// watchCompletions completes :watch's kind.
func watchCompletions(arg string) []string {
	if strings.Contains(arg, " ") {
		return nil
	}
	var out []string
	for _, k := range watchlist.Kinds {
		if strings.HasPrefix(string(k), arg) {
			out = append(out, string(k)+" ")
		}
	}
	return out
}
