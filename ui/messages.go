package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// jobDoneMsg carries the result of one scheduler job. Stale results (an
// older generation) are dropped by the root before routing.
type jobDoneMsg struct {
	job       model.Job
	epoch     int // the App's epoch when the job was planned
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

// wakeMsg fires when the scheduler said new work may be due.
type wakeMsg struct{ seq int }

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
