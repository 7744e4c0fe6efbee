package model

import (
	"cmp"
	"maps"
	"slices"

	"github.com/gapdeck/gapdeck/api"
)

// HostRow is one private fleet host.
type HostRow struct {
	Fleet string
	Host  api.Host
	Rev   uint64
	hay   haystack
}

// HostRows builds the rows of one private fleet's hosts.
func HostRows(fleet string, hosts []api.Host) []HostRow {
	out := make([]HostRow, len(hosts))
	for i, h := range hosts {
		r := HostRow{Fleet: fleet, Host: h}
		r.Rev = contentRev(r)
		var b haystackBuilder
		b.field("fleet", true, fleet).
			field("id", true, h.HostID).
			field("status", true, h.Status).
			field("city", true, deref(h.City)).
			field("country", true, deref(h.Country)).
			field("continent", true, deref(h.Continent)).
			field("ip", true, deref(h.IPAddress)).
			extra(h.Centroid.Label)
		r.hay = b.build()
		out[i] = r
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// Key identifies the row: "fleet/host id".
func (r HostRow) Key() string { return r.Fleet + "/" + r.Host.HostID }

// Text is the lowercase filter haystack: fleet, id, status, city, country,
// continent, ip and centroid label.
func (r HostRow) Text() string { return r.hay.Text() }

// Field returns the lowercase values of a filter field.
func (r HostRow) Field(name string) ([]string, bool) { return r.hay.Field(name) }

// HostColumns are the hosts tab's columns.
var HostColumns = []Column{
	{"fleet", "FLEET", 'F'},
	{"id", "HOST", 'I'},
	{"status", "STATUS", 'S'},
	{"location", "LOCATION", 'L'},
	{"ip", "IP", 'P'},
	{"cpu", "CPU", 'C'},
	{"memory", "MEMORY", 'M'},
	{"age", "AGE", 'G'},
}

func byHostKey(a, b HostRow) int {
	return then(foldCompare(a.Fleet, b.Fleet), foldCompare(a.Host.HostID, b.Host.HostID))
}

func hostKey(c func(a, b HostRow) int) sortKey[HostRow] {
	return sortKey[HostRow]{cmp: func(a, b HostRow) int { return then(c(a, b), byHostKey(a, b)) }}
}

var hostSortKeys = map[string]sortKey[HostRow]{
	"fleet":  {cmp: byHostKey},
	"id":     hostKey(func(a, b HostRow) int { return foldCompare(a.Host.HostID, b.Host.HostID) }),
	"status": hostKey(func(a, b HostRow) int { return foldCompare(a.Host.Status, b.Host.Status) }),
	"location": {known: func(r HostRow) bool { return r.Host.City != nil }, cmp: func(a, b HostRow) int {
		return then(foldCompare(deref(a.Host.City), deref(b.Host.City)), byHostKey(a, b))
	}},
	"ip": {known: func(r HostRow) bool { return r.Host.IPAddress != nil }, cmp: func(a, b HostRow) int {
		return then(naturalCompare(deref(a.Host.IPAddress), deref(b.Host.IPAddress)), byHostKey(a, b))
	}},
	"cpu": {known: func(r HostRow) bool { return r.Host.AllocatedCPUUnits != nil }, cmp: func(a, b HostRow) int {
		return then(cmp.Compare(*a.Host.AllocatedCPUUnits, *b.Host.AllocatedCPUUnits), byHostKey(a, b))
	}},
	"memory": hostKey(func(a, b HostRow) int { return cmp.Compare(a.Host.AllocatedMemoryMB, b.Host.AllocatedMemoryMB) }),
	"age":    hostKey(func(a, b HostRow) int { return b.Host.CreatedAt.Compare(a.Host.CreatedAt.Time) }),
}

// HostLess returns the order of s over host rows. Ascending age is newest
// first; cpu and memory sort by allocation; hosts without a value (PENDING
// hosts have no location, ip or CPU allocation) sort last.
func HostLess(s Sort) (func(a, b HostRow) bool, error) {
	return lessBy("hosts", HostColumns, hostSortKeys, s)
}

// HostSummary sums up one private fleet's hosts. CPU and memory sums only
// cover the hosts that report both their allocation and their allocatable
// capacity (the API sends null for PENDING hosts); the others are counted
// as unknown.
type HostSummary struct {
	Fleet    string
	Hosts    int
	ByStatus map[string]int // ACTIVE, PENDING, ...

	CPUAllocated, CPUAllocatable int64 // CPU units (1024 = 1 vCPU)
	CPUUnknown                   int   // hosts left out of the CPU sums
	MemAllocatedMB               int64
	MemAllocatableMB             int64
	MemUnknown                   int // hosts left out of the memory sums
}

// SummarizeHosts sums up a private fleet's hosts.
func SummarizeHosts(fleet string, hosts []api.Host) HostSummary {
	s := HostSummary{Fleet: fleet, Hosts: len(hosts), ByStatus: map[string]int{}}
	for _, h := range hosts {
		s.ByStatus[h.Status]++
		if h.AllocatedCPUUnits != nil && h.AllocatableCPUUnits != nil {
			s.CPUAllocated += int64(*h.AllocatedCPUUnits)
			s.CPUAllocatable += int64(*h.AllocatableCPUUnits)
		} else {
			s.CPUUnknown++
		}
		if h.AllocatableMemoryMB != nil {
			s.MemAllocatedMB += int64(h.AllocatedMemoryMB)
			s.MemAllocatableMB += int64(*h.AllocatableMemoryMB)
		} else {
			s.MemUnknown++
		}
	}
	return s
}

// Statuses lists the host statuses of ByStatus, sorted, for display.
func (s HostSummary) Statuses() []string {
	return slices.Sorted(maps.Keys(s.ByStatus))
}
