package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
)

// jobDoneMsg is one result the engine applied, as the views read it.
type jobDoneMsg struct {
	job       model.Job
	at        time.Time
	err       error
	list      *api.DeploymentList
	listMore  bool // the list pass goes on after this page (model.Scheduler.ListPage)
	status    *api.DeploymentStatus
	fleets    []api.Fleet
	policies  []api.Policy
	locations []api.Location
	hosts     *api.HostList
	logs      *api.ContainerLogs // JobLogs
	metrics   *api.Metrics       // JobMetrics
}

// jobDone is the message of one result the engine applied.
func jobDone(r engine.Result) jobDoneMsg {
	return jobDoneMsg{
		job: r.Job, at: r.At, err: r.Err, list: r.List, listMore: r.ListMore, status: r.Status,
		fleets: r.Fleets, policies: r.Policies, locations: r.Locations, hosts: r.Hosts, logs: r.Logs, metrics: r.Metrics,
	}
}

// engineMsg is what an engine applied since the console last looked,
// from the attachment view (a message from an older attachment, before a
// profile switch, is dropped).
type engineMsg struct {
	view   *engine.View
	update engine.Update
}

// listen waits for the attachment's next change and pulls it (see
// Env.Listen). The App listens again after each engineMsg, so exactly one
// listen is waiting at a time.
func (a *App) listen() tea.Cmd {
	if a.env.Listen != nil {
		return a.env.Listen(a.view)
	}
	v := a.view
	return func() tea.Msg {
		<-v.Changed()
		return engineMsg{view: v, update: v.Pull()}
	}
}

// fromView is an action's answer that knows the engine attachment it was
// requested through: App.Update drops it after a profile switch.
type fromView interface{ origin() *engine.View }

// sentFrom is embedded in the answers of actions: the attachment they were
// requested through.
type sentFrom struct{ from *engine.View }

func (o sentFrom) origin() *engine.View { return o.from }

// clockMsg refreshes time-dependent text (ages, "last OK 12s ago").
type clockMsg struct{}

// flashMsg shows a message in the footer for a while.
type flashMsg struct {
	text  string
	isErr bool
}

// flashExpiredMsg clears the flash it names.
type flashExpiredMsg struct{ id int }

// openDetailMsg asks the root to open a deployment's detail view.
type openDetailMsg struct {
	id   string
	json bool
}

// openLogsMsg asks the root to open the logs of one or more deployments
// (several streams are interleaved).
type openLogsMsg struct{ ids []string }

// metricsWindowMsg asks the root to change the detail panel's metrics
// window (the scheduler fetches it).
type metricsWindowMsg struct{ window model.MetricsWindow }

// openHostsMsg asks the root to open the hosts of a private fleet.
type openHostsMsg struct{ fleet string }

// switchTabMsg asks the root to show a tab, optionally with a filter.
type switchTabMsg struct {
	tab    int
	filter string
}

// flashCmd shows an info (or error) message in the footer.
func flashCmd(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: text, isErr: isErr} }
}

// sender is what an action's request needs off the UI goroutine: this
// profile's context and client, and the origin its answer carries.
func (a *App) sender() (context.Context, *api.Client, sentFrom) {
	return a.env.Ctx, a.env.Client, sentFrom{a.view}
}
