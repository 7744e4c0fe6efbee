package engine

import (
	"context"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// Result is the answer to one scheduler job, as the engine applied it.
// Exactly one of the answer fields is set when Err is nil.
type Result struct {
	Seq uint64 // the engine's count of results when this one was applied
	Job model.Job
	At  time.Time // when the answer arrived
	Err error

	List      *api.DeploymentList // JobListPage, JobErrorWatch, JobNewWatch
	ListMore  bool                // JobListPage: the list pass goes on after this page; a watch job: its read goes on
	Status    *api.DeploymentStatus
	Fleets    []api.Fleet
	Policies  []api.Policy
	Locations []api.Location
	Hosts     *api.HostList
	Logs      *api.ContainerLogs
	Metrics   *api.Metrics
	Apps      []api.Application // JobApps
	Versions  []api.AppVersion  // JobVersions
}

// fetch performs j through c. It reads only its arguments.
func fetch(ctx context.Context, c *api.Client, now func() time.Time, j model.Job) Result {
	r := Result{Job: j}
	switch j.Kind {
	case model.JobListPage, model.JobErrorWatch, model.JobNewWatch, model.JobVersionCount:
		r.List, r.Err = c.ListDeployments(ctx, api.ListDeploymentsParams{Page: j.Page, Limit: j.Limit, Query: j.Query})
	case model.JobStatus:
		r.Status, r.Err = c.DeploymentStatus(ctx, j.ID)
	case model.JobFleets:
		r.Fleets, r.Err = c.AllFleets(ctx)
	case model.JobPolicies:
		r.Policies, r.Err = c.AllPolicies(ctx, j.Fleet)
	case model.JobLocations:
		r.Locations, r.Err = c.AllLocations(ctx, api.LocationsParams{Limit: api.MaxPageSize})
	case model.JobHosts:
		r.Hosts, r.Err = c.Hosts(ctx, j.Fleet)
	case model.JobLogs:
		r.Logs, r.Err = c.ContainerLogs(ctx, j.ID)
	case model.JobMetrics:
		r.Metrics, r.Err = c.Metrics(ctx, j.ID, j.Metrics)
	case model.JobApps:
		r.Apps, r.Err = c.AllApps(ctx)
	case model.JobVersions:
		r.Versions, r.Err = c.AllAppVersions(ctx, j.App)
	}
	r.At = now()
	return r
}

// Key names what a job fetches, across plans: "list", "status:<id>",
// "fleets", "policies:<fleet>", "locations", "hosts:<fleet>",
// "logs:<id>", "metrics:<id>@<window>", "spark:<id>", "error-watch",
// "new-watch", "apps", "versions:<app>", "version-count:<app>/<version>".
func Key(j model.Job) string {
	switch j.Kind {
	case model.JobStatus, model.JobLogs:
		return j.Kind.String() + ":" + j.ID
	case model.JobPolicies, model.JobHosts:
		return j.Kind.String() + ":" + j.Fleet
	case model.JobVersions:
		return j.Kind.String() + ":" + j.App
	case model.JobVersionCount:
		return j.Kind.String() + ":" + j.App + "/" + j.Version
	case model.JobMetrics:
		if j.Spark {
			return "spark:" + j.ID
		}
		return "metrics:" + j.ID + "@" + j.Window
	}
	return j.Kind.String()
}
