package model

import "github.com/gapdeck/gapdeck/api"

// VersionKey names one version of one application.
type VersionKey struct{ App, Version string }

// VersionUsage is how many of the known deployments run one version, by
// status. Running counts those neither ended (terminating, terminated) nor
// in ERROR: the ones a kill switch leaves running.
type VersionUsage struct {
	Count   int
	Running int
	Mix     map[api.Status]int
}

// VersionUsages counts the deployments of each application version among
// rows. A deployment's application and version are known once its status
// was read (Enriched); known says how many of rows were.
func VersionUsages(rows []*DeploymentRow) (usage map[VersionKey]VersionUsage, known int) {
	usage = map[VersionKey]VersionUsage{}
	for _, r := range rows {
		if !r.Enriched || r.App == "" {
			continue
		}
		known++
		k := VersionKey{r.App, r.Version}
		u := usage[k]
		if u.Mix == nil {
			u.Mix = map[api.Status]int{}
		}
		u.Count++
		u.Mix[r.Status]++
		if !r.Status.Ended() && r.Status != api.StatusError {
			u.Running++
		}
		usage[k] = u
	}
	return usage, known
}
