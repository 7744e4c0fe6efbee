package model

import (
	"maps"
	"slices"

	"github.com/gapdeck/gapdeck/api"
)

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
