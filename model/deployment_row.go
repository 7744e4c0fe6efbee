package model

import (
	"fmt"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// DeploymentRow is one deployment as the console shows it: list fields,
// plus the status fields once enriched from GET /v1/status. Immutable once
// in the store: a change is a new row with a higher Rev.
type DeploymentRow struct {
	ID, FQDN, PublicIP string
	Ready              bool
	Started            time.Time
	Ports              []api.Port // sorted by name
	PortsSummary       string     // e.g. "7777/udp→31669 +1" (first port, then +N)
	Tags               []string   // sorted
	Sockets            int
	SocketsUsage       int
	HasSockets         bool
	// Unknown lists the fields of the last list or status answer that the
	// console could not read ("start_time", "ports.note"): their value
	// above is zero and must be shown as unknown; the raw value is in
	// Detail.Loose (status) and the raw JSON view.
	Unknown []string
	// FirstSeen is when the console first learned of the deployment; an
	// unenriched row's status is as old as this.
	FirstSeen time.Time

	Enriched   bool      // a status answer has been applied
	EnrichedAt time.Time // when the last status answer arrived (updates keep Rev)
	Status     api.Status
	App        string
	Version    string
	City       string
	Country    string
	Continent  string
	Error      bool
	// ErrorDetail is the API's error_detail, when Error.
	ErrorDetail string
	// StatusProblem says why the last status answer could not be used
	// ("" once one is): the status shown, if any, is older.
	StatusProblem string
	// StatusProblemSince is when the status became unavailable: the first
	// unusable answer since the last usable one (zero without a problem).
	StatusProblemSince time.Time
	// Detail is the last full status answer (nil until enriched).
	Detail *api.DeploymentStatus
	// Rev bumps whenever something the console shows changes (not on a
	// status answer that only repeats what was known), so render caches can
	// key on (ID, Rev).
	Rev uint64

	hay haystack
	ip  netip.Addr
	// listedUnder is the pushed-down query (Filter.pushKey) the list last
	// showed this row under.
	listedUnder string
}

// Text is the lowercase filter haystack: id, status name, app, version,
// city, country, continent, ip, fqdn and tags.
func (r *DeploymentRow) Text() string { return r.hay.Text() }

// Field returns the lowercase values of a filter field (see Filter). The
// status, app, version, city, country and continent are unknown (known is
// false) until the row is enriched.
func (r *DeploymentRow) Field(name string) (values []string, known bool) {
	return r.hay.Field(name)
}

// StatusAge is how old the row's status is at now: since the last status
// answer, or since the row appeared when it has none yet.
func (r *DeploymentRow) StatusAge(now time.Time) time.Duration {
	if r.Enriched {
		return now.Sub(r.EnrichedAt)
	}
	return now.Sub(r.FirstSeen)
}

// CrashLooping reports whether the deployment's container keeps crashing.
// The status answer does not say (crash data comes with the container
// logs), so for now it is only true when the last status answer flags an
// error while the deployment still runs.
func (r *DeploymentRow) CrashLooping() bool {
	return r.Detail != nil && r.Detail.Error && r.Detail.Running
}

// rowFields are the fields both the list and the status carry.
type rowFields struct {
	fqdn, publicIP        string
	ready                 bool
	started               time.Time
	ports                 map[string]api.Port
	tags                  []string
	sockets, socketsUsage *api.Int
	unknown               []string
}

func listFields(d *api.Deployment) rowFields {
	return rowFields{d.FQDN, d.PublicIP, d.Ready, d.StartTime.Time, d.Ports, d.Tags, d.Sockets, d.SocketsUsage, unknownFields(d.Loose)}
}

func statusFields(st *api.DeploymentStatus) rowFields {
	return rowFields{st.FQDN, st.PublicIP, st.Running, st.StartTime.Time, st.Ports, st.Tags, st.Sockets, st.SocketsUsage, unknownFields(st.Loose)}
}

// unknownFields names the fields of an answer that did not parse (nil: none).
func unknownFields(l api.Loose) []string {
	var out []string
	for _, p := range l.Problems() {
		out = append(out, p.Field)
	}
	return out
}

// UnknownField reports whether field (a JSON key of the list or status
// answer, or key.entry) did not parse; with a prefix ending in ".", any
// entry of that object ("ports.").
func (r *DeploymentRow) UnknownField(field string) bool {
	return slices.ContainsFunc(r.Unknown, func(f string) bool {
		return f == field || (strings.HasSuffix(field, ".") && strings.HasPrefix(f, field))
	})
}

// withFields returns a copy of r carrying f (r nil: a new row), and
// whether anything the console shows changed.
func (r *DeploymentRow) withFields(id string, f rowFields) (*DeploymentRow, bool) {
	n := &DeploymentRow{ID: id}
	if r != nil {
		c := *r
		n = &c
	}
	n.FQDN, n.PublicIP, n.Ready, n.Started = f.fqdn, f.publicIP, f.ready, f.started.UTC()
	n.Ports = sortedPorts(f.ports)
	n.PortsSummary = portsSummary(n.Ports)
	n.Tags = slices.Sorted(slices.Values(f.tags))
	n.HasSockets = f.sockets != nil
	n.Sockets, n.SocketsUsage = intOr(f.sockets), intOr(f.socketsUsage)
	n.Unknown = f.unknown
	changed := r == nil || r.FQDN != n.FQDN || r.PublicIP != n.PublicIP || r.Ready != n.Ready ||
		!r.Started.Equal(n.Started) || !slices.EqualFunc(r.Ports, n.Ports, portEqual) ||
		!slices.Equal(r.Tags, n.Tags) || r.HasSockets != n.HasSockets ||
		r.Sockets != n.Sockets || r.SocketsUsage != n.SocketsUsage || !slices.Equal(r.Unknown, n.Unknown)
	return n, changed
}

// withStatus returns a copy of r enriched from st at now, and whether
// anything the console shows changed.
func (r *DeploymentRow) withStatus(st *api.DeploymentStatus, now time.Time) (*DeploymentRow, bool) {
	n, changed := r.withFields(r.ID, statusFields(st))
	n.Enriched, n.EnrichedAt = true, now
	n.Status, n.App, n.Version = st.CurrentStatus, st.AppName, st.AppVersion
	n.City, n.Country, n.Continent = "", "", ""
	if l := st.Location; l != nil {
		n.City, n.Country, n.Continent = l.City, l.Country, l.Continent
	}
	n.Error, n.ErrorDetail = st.Error, st.ErrorDetail
	n.Detail = st
	n.StatusProblem, n.StatusProblemSince = "", time.Time{}
	changed = changed || r.StatusProblem != "" || !r.Enriched || r.Status != n.Status || r.App != n.App || r.Version != n.Version ||
		r.City != n.City || r.Country != n.Country || r.Continent != n.Continent ||
		r.Error != n.Error || r.ErrorDetail != n.ErrorDetail || !sameDetail(r.Detail, st)
	return n, changed
}

// finish computes the derived fields of a row about to enter the store.
func (r *DeploymentRow) finish() {
	r.ip, _ = netip.ParseAddr(r.PublicIP)
	var b haystackBuilder
	known := r.Enriched
	b.field("id", true, r.ID).
		field("status", known, r.Status.Name()).
		field("app", known, r.App).
		field("version", known, r.Version).
		field("city", known, r.City).
		field("country", known, r.Country).
		field("continent", known, r.Continent).
		field("ip", true, r.PublicIP).
		field("tag", true, r.Tags...).
		extra(r.FQDN)
	r.hay = b.build()
}

// sameDetail compares two status answers, ignoring the elapsed time that
// changes with every answer.
func sameDetail(a, b *api.DeploymentStatus) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := *a, *b
	x.ElapsedTime, y.ElapsedTime = 0, 0
	return reflect.DeepEqual(x, y)
}

func intOr(n *api.Int) int {
	if n == nil {
		return 0
	}
	return int(*n)
}

func sortedPorts(m map[string]api.Port) []api.Port {
	if len(m) == 0 {
		return nil
	}
	out := make([]api.Port, 0, len(m))
	for _, name := range slices.Sorted(maps.Keys(m)) {
		p := m[name]
		if p.Name == "" {
			p.Name = name
		}
		out = append(out, p)
	}
	return out
}

func portEqual(a, b api.Port) bool {
	pa, pb := a.Proxy, b.Proxy
	a.Proxy, b.Proxy = nil, nil
	return a == b && (pa == nil) == (pb == nil) && (pa == nil || *pa == *pb)
}

// portsSummary is "internal/protocol→external" of the first port, then +N.
func portsSummary(ports []api.Port) string {
	if len(ports) == 0 {
		return ""
	}
	p := ports[0]
	s := fmt.Sprintf("%d/%s→%d", p.Internal, strings.ToLower(p.Protocol), p.External)
	if len(ports) > 1 {
		s += fmt.Sprintf(" +%d", len(ports)-1)
	}
	return s
}
