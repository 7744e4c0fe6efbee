package model

import (
	"cmp"
	"strings"

	"github.com/gapdeck/gapdeck/api"
)

// DeploymentColumns are the Deployments tab's columns, in display order.
var DeploymentColumns = []Column{
	{"id", "ID", 'I'},
	{"status", "STATUS", 'S'},
	{"app", "APP", 'A'},
	{"version", "VERSION", 'V'},
	{"location", "LOCATION", 'L'},
	{"age", "AGE", 'G'},
	{"ip", "PUBLIC IP", 'P'},
	{"ports", "PORTS", 0},
	{"tags", "TAGS", 0},
	{"sockets", "SOCKETS", 'K'},
}

// statusRank orders statuses for sorting: ERROR first (what needs
// attention), then the lifecycle from INITIALIZING to TERMINATED, then
// statuses the API did not document.
func statusRank(s api.Status) int {
	if s == api.StatusError {
		return 0
	}
	for i, k := range api.AllStatuses {
		if s == k {
			return i + 1
		}
	}
	return len(api.AllStatuses) + 1
}

func enriched(r *DeploymentRow) bool { return r.Enriched }

var deploymentSortKeys = map[string]sortKey[*DeploymentRow]{
	"id": {cmp: func(a, b *DeploymentRow) int { return strings.Compare(a.ID, b.ID) }},
	"status": {known: enriched, cmp: func(a, b *DeploymentRow) int {
		return then(cmp.Compare(statusRank(a.Status), statusRank(b.Status)), strings.Compare(string(a.Status), string(b.Status)))
	}},
	"app": {known: enriched, cmp: func(a, b *DeploymentRow) int {
		return then(naturalCompare(a.App, b.App), naturalCompare(a.Version, b.Version))
	}},
	"version": {known: enriched, cmp: func(a, b *DeploymentRow) int {
		return then(naturalCompare(a.Version, b.Version), naturalCompare(a.App, b.App))
	}},
	"location": {known: enriched, cmp: func(a, b *DeploymentRow) int {
		return then(foldCompare(a.City, b.City), foldCompare(a.Country, b.Country))
	}},
	// Ascending age is youngest first: the newest deployments on top.
	"age": {cmp: func(a, b *DeploymentRow) int { return b.Started.Compare(a.Started) }},
	"ip": {known: func(r *DeploymentRow) bool { return r.ip.IsValid() || r.PublicIP != "" }, cmp: func(a, b *DeploymentRow) int {
		return then(a.ip.Compare(b.ip), strings.Compare(a.PublicIP, b.PublicIP))
	}},
	"ports": {known: func(r *DeploymentRow) bool { return len(r.Ports) > 0 }, cmp: func(a, b *DeploymentRow) int {
		return naturalCompare(a.PortsSummary, b.PortsSummary)
	}},
	"tags": {known: func(r *DeploymentRow) bool { return len(r.Tags) > 0 }, cmp: func(a, b *DeploymentRow) int {
		return slicesCompareFold(a.Tags, b.Tags)
	}},
	"sockets": {known: func(r *DeploymentRow) bool { return r.HasSockets }, cmp: func(a, b *DeploymentRow) int {
		return then(cmp.Compare(a.SocketsUsage, b.SocketsUsage), cmp.Compare(a.Sockets, b.Sockets))
	}},
}

// DeploymentLess returns the order of s over deployment rows:
//
//   - status ascending puts ERROR first, then the lifecycle (INITIALIZING …
//     READY, TERMINATING, TERMINATED), then undocumented statuses;
//   - age ascending is youngest first (newest deployments on top), which is
//     the default (DefaultDeploymentSort);
//   - app, version and location compare digit runs as numbers
//     ("v1.10" > "v1.9") and ignore case;
//   - rows without a value for the column (status, app, version, location
//     before enrichment; no ip, ports, tags or sockets) sort last in either
//     direction.
//
// Ties are broken by id (by the Index). An unknown column is an error.
func DeploymentLess(s Sort) (func(a, b *DeploymentRow) bool, error) {
	return lessBy("deployments", DeploymentColumns, deploymentSortKeys, s)
}

func slicesCompareFold(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if c := foldCompare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}
