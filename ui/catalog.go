package ui

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/table"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// smartFleetsGone explains a 404 from the Smart Fleets endpoints.
const smartFleetsGone = "Smart Fleets are not available on this account: Edgegap deprecated them on 2026-03-01 (the API answers 404). Private fleets remain (tab 2)."

// catalog is the slower-changing data the engine keeps (model.Catalog:
// Smart Fleets and their policies, private fleet hosts, locations), as of
// the last snapshot, with the rows the tabs build from it. It is never
// written here: actions tell the engine, which publishes a new catalog.
type catalog struct {
	*model.Catalog
	deployments *model.Deployments // this console's replica
}

func newCatalog(privateFleets []string, d *model.Deployments) *catalog {
	return &catalog{Catalog: model.NewCatalog(privateFleets), deployments: d}
}

// catalogSubject names what a catalog job fetched, for a tab's note on a
// failed fetch ("Smart Fleets: refresh failed: …").
func catalogSubject(j model.Job) string {
	switch j.Kind {
	case model.JobFleets:
		return "Smart Fleets"
	case model.JobPolicies:
		return "policies of " + sanitizeLine(j.Fleet)
	case model.JobHosts:
		return "hosts of " + sanitizeLine(j.Fleet)
	case model.JobLocations:
		return "locations"
	}
	return "fetch"
}

// fleetRef names the fleet on a Fleets row: a Smart Fleet or a private one.
type fleetRef struct {
	name  string
	smart bool
}

// policyRef names the policy on a Policies row.
type policyRef struct{ fleet, name string }

// ---- Fleets tab

var fleetColumns = []table.Column{
	{Key: "kind", Title: "KIND", Width: 7},
	{Key: "name", Title: "NAME", MinWidth: 10, Flex: 2},
	{Key: "enabled", Title: "ENABLED", Width: 7},
	{Key: "linked", Title: "LINKED VERSIONS", MinWidth: 12, Flex: 2, Hide: 110},
	{Key: "policies", Title: "POLICIES", Width: 8, Align: table.AlignRight},
	{Key: "hosts", Title: "HOSTS", MinWidth: 12, Flex: 2},
	{Key: "cpu", Title: "CPU (vCPU)", Width: 12, Align: table.AlignRight, Hide: 90},
	{Key: "memory", Title: "MEMORY (GiB)", Width: 13, Align: table.AlignRight, Hide: 100},
	{Key: "updated", Title: "UPDATED", Width: 8, Align: table.AlignRight},
}

func (c *catalog) fleetRows(now time.Time) ([]*catalogRow, string, bool) {
	var rows []*catalogRow
	for _, f := range c.Fleets {
		policies, policiesTone := "…", theme.ToneNormal
		if ps, ok := c.Policies[f.Name]; ok {
			policies = strconv.Itoa(len(ps))
		} else if c.PoliciesErr[f.Name] != nil { // never loaded: the Policies tab says why
			policies, policiesTone = "error", theme.ToneBad
		}
		enabled, tone := "no", theme.ToneMuted
		if f.Enabled {
			enabled, tone = "yes", theme.ToneGood
		}
		name := f.Name
		rows = append(rows, (&catalogRow{
			key: "smart/" + f.Name,
			cells: []table.Cell{text("smart"), text(f.Name), toned(enabled, tone), toned("n/a", theme.ToneMuted),
				toned(policies, policiesTone), text("—"), text("—"), text("—"), known(f.Loose, "last_updated", text(ageOf(now, f.LastUpdated)))},
			fields:  fields("fleet", f.Name),
			sortBy:  map[string]sortValue{"name": str(f.Name), "kind": str("smart")},
			open:    func() tea.Msg { return switchTabMsg{tab: tabPolicies, filter: name} },
			subject: fleetRef{name: f.Name, smart: true},
		}).finish())
	}
	for _, name := range c.PrivateFleets {
		hostsText, cpu, mem, updated, tone := "syncing…", "—", "—", "—", theme.ToneMuted
		if err := c.HostsErr[name]; err != nil && c.Hosts[name] == nil {
			hostsText, tone = "error: "+errorSummary(err), theme.ToneBad
		} else if hl := c.Hosts[name]; hl != nil {
			s := summarizeHosts(name, hl.Data)
			hostsText, cpu, mem, updated, tone = s.text, s.cpu, s.mem, ageOfTime(now, s.updated), s.tone
		}
		fleet := name
		rows = append(rows, (&catalogRow{
			key:     "private/" + name,
			cells:   []table.Cell{text("private"), text(name), text("—"), text("—"), text("—"), toned(hostsText, tone), text(cpu), text(mem), text(updated)},
			fields:  fields("fleet", name),
			sortBy:  map[string]sortValue{"name": str(name), "kind": str("private")},
			open:    func() tea.Msg { return openHostsMsg{fleet: fleet} },
			subject: fleetRef{name: name},
		}).finish())
	}
	if !c.FleetsLoaded {
		return rows, "Syncing fleets…", false
	}
	return rows, "No fleets. Private fleet names come from the profile: the API cannot list them.", true
}

func (c *catalog) fleetsNote() string {
	if c.SmartGone {
		return "Smart Fleets: deprecated on 2026-03-01 (the API answers 404)"
	}
	return "linked versions: the API does not list them"
}

// hostSummary is a private fleet's hosts as the Fleets tab shows them.
type hostSummary struct {
	text, cpu, mem string
	tone           theme.Tone
	updated        time.Time
}

func summarizeHosts(fleet string, hosts []api.Host) hostSummary {
	sum := model.SummarizeHosts(fleet, hosts)
	parts := make([]string, 0, len(sum.ByStatus))
	for _, st := range sum.Statuses() {
		parts = append(parts, fmt.Sprintf("%d %s", sum.ByStatus[st], strings.ToLower(st)))
	}
	s := hostSummary{text: strings.Join(parts, ", "), tone: theme.ToneGood}
	switch {
	case sum.Hosts == 0:
		s.text, s.tone = "no hosts", theme.ToneMuted
	case sum.ByStatus[api.HostActive] == 0:
		s.tone = theme.ToneWarn
	}
	for _, h := range hosts {
		if h.UpdatedAt.After(s.updated) {
			s.updated = h.UpdatedAt.Time
		}
	}
	s.cpu = usage(sum.CPUAllocated, sum.CPUAllocatable, sum.CPUUnknown)
	s.mem = usage(sum.MemAllocatedMB, sum.MemAllocatableMB, sum.MemUnknown)
	return s
}

// usage is "allocated/allocatable" in thousands of units (vCPU, GiB),
// marked "+?" when some hosts do not report their capacity.
func usage(used, total int64, unknown int) string {
	s := fmt.Sprintf("%.1f/%.1f", float64(used)/1024, float64(total)/1024)
	if unknown > 0 {
		s += "+?"
	}
	return s
}

// ---- Policies tab

var policyColumns = []table.Column{
	{Key: "fleet", Title: "FLEET", MinWidth: 10, Flex: 1},
	{Key: "name", Title: "NAME", MinWidth: 10, Flex: 1},
	{Key: "type", Title: "TYPE", Width: 11},
	{Key: "enabled", Title: "ENABLED", Width: 7},
	{Key: "min", Title: "MIN", Width: 4, Align: table.AlignRight},
	{Key: "max", Title: "MAX", Width: 4, Align: table.AlignRight},
	{Key: "threshold", Title: "THRESHOLD", Width: 9, Align: table.AlignRight},
	{Key: "filters", Title: "FILTERS", MinWidth: 12, Flex: 3, Hide: 90},
}

func (c *catalog) policyRows(time.Time) ([]*catalogRow, string, bool) {
	var rows []*catalogRow
	for _, f := range c.Fleets {
		for _, p := range c.Policies[f.Name] {
			enabled, tone := "no", theme.ToneMuted
			if p.Enabled {
				enabled, tone = "yes", theme.ToneGood
			}
			maxText := "∞"
			if p.Maximum != nil {
				maxText = strconv.Itoa(int(*p.Maximum))
			}
			rows = append(rows, (&catalogRow{
				key: f.Name + "/" + p.Name,
				cells: []table.Cell{text(f.Name), text(p.Name), text(p.Type), toned(enabled, tone), known(p.Loose, "minimum", text(strconv.Itoa(int(p.Minimum)))), known(p.Loose, "maximum", text(maxText)),
					known(p.Loose, "threshold", text(strconv.FormatFloat(float64(p.Threshold), 'f', -1, 64))), text(orDash(model.PolicySummary(p)))},
				fields:  fields("fleet", f.Name),
				sortBy:  map[string]sortValue{"name": str(f.Name + "/" + p.Name), "fleet": str(f.Name)},
				subject: policyRef{fleet: f.Name, name: p.Name},
			}).finish())
		}
	}
	switch {
	case c.SmartGone:
		return rows, smartFleetsGone, true
	case !c.FleetsLoaded:
		return rows, "Syncing policies…", false
	}
	return rows, "No policies", true
}

// ---- Locations tab

var locationColumns = []table.Column{
	{Key: "city", Title: "CITY", MinWidth: 10, Flex: 2},
	{Key: "country", Title: "COUNTRY", MinWidth: 8, Flex: 2},
	{Key: "continent", Title: "CONTINENT", MinWidth: 9, Flex: 1, Hide: 100},
	{Key: "division", Title: "DIVISION", MinWidth: 8, Flex: 1, Hide: 120},
	{Key: "timezone", Title: "TIMEZONE", MinWidth: 8, Flex: 1, Hide: 130},
	{Key: "latlong", Title: "LAT/LONG", Width: 17, Hide: 110},
	{Key: "count", Title: "DEPLOYS", Width: 8, Align: table.AlignRight},
	{Key: "mix", Title: "STATUS MIX", MinWidth: 12, Flex: 3},
}

func (c *catalog) locationRows(time.Time) ([]*catalogRow, string, bool) {
	all := c.deployments.All()
	rows := make([]*catalogRow, 0, len(c.Locations))
	for _, l := range model.LocationRows(c.Locations, all) {
		loc := l.Location
		mix, tone := statusMix(l.Mix)
		rows = append(rows, (&catalogRow{
			key: l.Key,
			cells: []table.Cell{text(loc.City), text(loc.Country), text(loc.Continent), text(loc.AdministrativeDivision), text(loc.Timezone),
				latLong(loc), text(strconv.Itoa(l.Count)), toned(mix, tone)},
			fields: fields("city", loc.City, "country", loc.Country, "continent", loc.Continent),
			sortBy: map[string]sortValue{"count": num(float64(l.Count)), "city": str(loc.City), "country": str(loc.Country + "/" + loc.City)},
		}).finish())
	}
	if !c.LocationsRead {
		return rows, "Syncing locations…", false
	}
	return rows, "No locations: the API lists none", true
}

// locationsNote says when counts cover only part of the deployments: a
// deployment's location is known once its status has been read.
func (c *catalog) locationsNote() string {
	all := c.deployments.All()
	located := 0
	for _, r := range all {
		if r.Enriched {
			located++
		}
	}
	if located == len(all) {
		return ""
	}
	return fmt.Sprintf("counts cover %d of %d deployments (locations are read from each status)", located, len(all))
}

// statusMix is "12 ready, 2 deploying, 1 error", worst tone first.
func statusMix(mix map[api.Status]int) (string, theme.Tone) {
	if len(mix) == 0 {
		return "—", theme.ToneMuted
	}
	order := append([]api.Status{api.StatusError}, api.AllStatuses...)
	seen := map[api.Status]bool{}
	var parts []string
	tone := theme.ToneGood
	for _, s := range order {
		if n := mix[s]; n > 0 && !seen[s] {
			seen[s] = true
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(s.Name())))
		}
	}
	var unknown []string
	for s, n := range mix {
		if !seen[s] && n > 0 {
			unknown = append(unknown, fmt.Sprintf("%d %s", n, strings.ToLower(s.Name())))
		}
	}
	sort.Strings(unknown)
	parts = append(parts, unknown...)
	if mix[api.StatusError] > 0 {
		tone = theme.ToneBad
	}
	return strings.Join(parts, ", "), tone
}

// ---- Hosts view

var hostColumns = []table.Column{
	{Key: "host", Title: "HOST ID", MinWidth: 16, Flex: 3},
	{Key: "status", Title: "STATUS", Width: 8},
	{Key: "ip", Title: "IP", Width: 15},
	{Key: "location", Title: "LOCATION", MinWidth: 10, Flex: 2, Hide: 100},
	{Key: "cpu", Title: "CPU (vCPU)", Width: 11, Align: table.AlignRight},
	{Key: "memory", Title: "MEM (GiB)", Width: 11, Align: table.AlignRight},
	{Key: "beacon", Title: "BEACON", Width: 8, Hide: 120},
	{Key: "centroid", Title: "CENTROID", MinWidth: 10, Flex: 1, Hide: 140},
	{Key: "delete", Title: "DELETE AT", Width: 16, Hide: 130},
	{Key: "age", Title: "AGE", Width: 6, Align: table.AlignRight},
}

func (c *catalog) hostRows(fleet string, now time.Time) ([]*catalogRow, string, bool) {
	hl := c.Hosts[fleet]
	if hl == nil {
		if err := c.HostsErr[fleet]; err != nil {
			return nil, "Could not load the hosts of " + fleet + ": " + errorSummary(err), false
		}
		return nil, "Syncing hosts of " + fleet + "…", false
	}
	rows := make([]*catalogRow, 0, len(hl.Data))
	for _, h := range hl.Data {
		tone := theme.TonePending
		if h.Status == api.HostActive {
			tone = theme.ToneGood
		}
		beacon, del := "—", "—"
		if h.Beacon != nil {
			beacon = "yes"
		}
		if h.DeleteSchedule != nil {
			del = h.DeleteSchedule.ScheduledAt.UTC().Format("2006-01-02 15:04")
		}
		rows = append(rows, (&catalogRow{
			key: h.HostID,
			cells: []table.Cell{text(h.HostID), toned(h.Status, tone), text(derefOr(h.IPAddress, "—")),
				text(joinNonEmpty(", ", derefOr(h.City, ""), derefOr(h.Country, ""))),
				text(ratio(h.AllocatedCPUUnits, h.AllocatableCPUUnits, 1024)),
				text(ratio(intPtr(h.AllocatedMemoryMB), h.AllocatableMemoryMB, 1024)),
				text(beacon), text(h.Centroid.Label), text(del), known(h.Loose, "created_at", text(ageOfTime(now, h.CreatedAt.Time)))},
			fields: fields("city", derefOr(h.City, ""), "country", derefOr(h.Country, ""), "status", h.Status),
			sortBy: map[string]sortValue{"name": str(h.HostID), "status": str(h.Status)},
		}).finish())
	}
	return rows, "No hosts in " + fleet, true
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func derefOr(s *string, def string) string {
	if s == nil || *s == "" {
		return def
	}
	return *s
}

func intPtr(n api.Int) *api.Int { return &n }

// ratio formats allocated/allocatable in units of div ("0.2/7.8"); "?" when unknown.
func ratio(used, total *api.Int, div float64) string {
	f := func(v *api.Int) string {
		if v == nil {
			return "?"
		}
		return strconv.FormatFloat(float64(*v)/div, 'f', 1, 64)
	}
	return f(used) + "/" + f(total)
}

// latLong is a location's coordinates cell, "?" when either did not parse.
func latLong(loc api.Location) table.Cell {
	if loc.Loose.Unknown("latitude") || loc.Loose.Unknown("longitude") {
		return table.Cell{Text: unknownText}
	}
	return text(fmt.Sprintf("%.3f, %.3f", float64(loc.Latitude), float64(loc.Longitude)))
}

func ageOf(now time.Time, t *api.Time) string {
	if t == nil {
		return "—"
	}
	return ageOfTime(now, t.Time)
}

// ageOfTime is the table age (tableAge) of t at now, "—" for no time.
func ageOfTime(now, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return tableAge(now.Sub(t))
}

// errorSummary is a short, single-line form of an error for a cell.
func errorSummary(err error) string {
	if err == nil {
		return ""
	}
	if s := api.StatusOf(err); s != 0 {
		return fmt.Sprintf("HTTP %d", s)
	}
	var notSent *api.NotSentError
	if errors.As(err, &notSent) { // the reason first: the cell is narrow
		return sanitizeLine(fmt.Sprintf("not sent: %v (%s)", notSent.Reason, notSent.Cause))
	}
	return sanitizeLine(err.Error())
}
