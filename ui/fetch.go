package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// runJob performs one scheduler job through the client, off the UI
// goroutine, and reports the result as a jobDoneMsg stamped with the
// App's epoch (results from before a profile switch are dropped). It reads
// only its arguments, never the model.
func runJob(ctx context.Context, c *api.Client, now func() time.Time, j model.Job, epoch int) tea.Cmd {
	return func() tea.Msg {
		msg := jobDoneMsg{job: j, epoch: epoch}
		switch j.Kind {
		case model.JobListPage:
			msg.list, msg.err = c.ListDeployments(ctx, api.ListDeploymentsParams{Page: j.Page, Limit: j.Limit, Query: j.Query})
		case model.JobStatus:
			msg.status, msg.err = c.DeploymentStatus(ctx, j.ID)
		case model.JobFleets:
			msg.fleets, msg.err = c.AllFleets(ctx)
		case model.JobPolicies:
			msg.policies, msg.err = c.AllPolicies(ctx, j.Fleet)
		case model.JobLocations:
			msg.locations, msg.err = c.AllLocations(ctx, api.LocationsParams{Limit: api.MaxPageSize})
		case model.JobHosts:
			msg.hosts, msg.err = c.Hosts(ctx, j.Fleet)
		case model.JobLogs:
			msg.logs, msg.err = c.ContainerLogs(ctx, j.ID)
		case model.JobMetrics:
			msg.metrics, msg.err = c.Metrics(ctx, j.ID, j.Metrics)
		}
		msg.at = now()
		return msg
	}
}
