package sim

import (
	"fmt"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// hostSpec is a private fleet host. PENDING hosts have no address,
// location, allocation or beacon yet.
type hostSpec struct {
	fleet, id, status string
	city              string // where an ACTIVE host runs
	ip                string
	beacon            bool
	cpuUnits          int
	memoryMB          int
	clockMHz          int
	centroid          api.Centroid
	age               time.Duration // created this long before the simulator started
	deleteIn          time.Duration // deletion scheduled this long after the start; 0: none
}

// Host resources reserved for orchestration and the beacon.
const (
	hostReservedCPU = 256
	hostReservedMem = 512
)

func centroid(label string, lat, long, radius float64, desired int) api.Centroid {
	return api.Centroid{Label: label, Latitude: api.Float(lat), Longitude: api.Float(long), RadiusKm: api.Float(radius), DesiredHostCount: api.Int(desired)}
}

var (
	alphaNA   = centroid("north-america", 45.508888, -73.561668, 1500, 2)
	alphaEU   = centroid("europe", 50.110922, 8.682127, 1000, 2)
	betaAsia  = centroid("asia", 35.676192, 139.650311, 2000, 2)
	betaOcean = centroid("oceania", -33.86882, 151.209296, 1500, 1)
)

// privateHosts are the hosts of the private fleets alpha-fleet (beacons on)
// and beta-fleet (beacons off).
func privateHosts() []hostSpec {
	return []hostSpec{
		{fleet: "alpha-fleet", id: "alpha-north-america-95fab093", status: api.HostActive, city: "Montreal", ip: "198.51.100.23", beacon: true, cpuUnits: 8192, memoryMB: 16384, clockMHz: 3400, centroid: alphaNA, age: 21 * 24 * time.Hour},
		{fleet: "alpha-fleet", id: "alpha-north-america-3c1d77e2", status: api.HostActive, city: "Toronto", ip: "198.51.100.57", beacon: true, cpuUnits: 8192, memoryMB: 16384, clockMHz: 3400, centroid: alphaNA, age: 9 * 24 * time.Hour},
		{fleet: "alpha-fleet", id: "alpha-europe-b84f2a10", status: api.HostActive, city: "Frankfurt", ip: "203.0.113.14", beacon: true, cpuUnits: 8192, memoryMB: 16384, clockMHz: 3400, centroid: alphaEU, age: 30 * 24 * time.Hour, deleteIn: 72 * time.Hour},
		{fleet: "alpha-fleet", id: "alpha-europe-0d9e5c41", status: api.HostPending, cpuUnits: 8192, memoryMB: 16384, clockMHz: 3400, centroid: alphaEU, age: 20 * time.Minute},
		{fleet: "beta-fleet", id: "beta-asia-1f2e3d4c", status: api.HostActive, city: "Tokyo", ip: "192.0.2.44", cpuUnits: 16384, memoryMB: 32768, clockMHz: 3000, centroid: betaAsia, age: 5 * 24 * time.Hour},
		{fleet: "beta-fleet", id: "beta-asia-6a7b8c9d", status: api.HostPending, cpuUnits: 16384, memoryMB: 32768, clockMHz: 3000, centroid: betaAsia, age: 45 * time.Minute},
		{fleet: "beta-fleet", id: "beta-oceania-77aa88bb", status: api.HostPending, cpuUnits: 16384, memoryMB: 32768, clockMHz: 3000, centroid: betaOcean, age: 5 * time.Minute},
	}
}

// host finds a host by ID.
func (s *Server) host(id string) (hostSpec, bool) {
	for _, h := range s.hosts {
		if h.id == id {
			return h, true
		}
	}
	return hostSpec{}, false
}

// hostView is the API view of h at now; allocations include the live
// deployments placed on it.
func (s *Server) hostView(h hostSpec, now time.Time) api.Host {
	created := s.start.Add(-h.age)
	v := api.Host{
		HostID: h.id, Status: h.status,
		CreatedAt: api.ISOTime(created), UpdatedAt: api.ISOTime(created),
		Centroid:                h.centroid,
		FleetHostSpecifications: api.HostSpecs{CPUUnits: api.Int(h.cpuUnits), MemoryMB: api.Int(h.memoryMB), BaseClockSpeedMHz: api.Int(h.clockMHz)},
	}
	if h.deleteIn > 0 {
		v.DeleteSchedule = &api.DeleteSchedule{UUID: uuidFor(h.id), ScheduledAt: api.ISOTime(s.start.Add(h.deleteIn))}
	}
	if h.status != api.HostActive {
		return v
	}
	l := locations[locationByCity(h.city)]
	ip, lat, long := h.ip, l.Latitude, l.Longitude
	city, country, continent := l.City, l.Country, l.Continent
	cpu, mem := s.hostAllocation(h, now)
	allocatableCPU, allocatableMem := api.Int(h.cpuUnits-hostReservedCPU), api.Int(h.memoryMB-hostReservedMem)
	v.UpdatedAt = api.ISOTime(created.Add(12 * time.Minute))
	v.IPAddress, v.Latitude, v.Longitude = &ip, &lat, &long
	v.City, v.Country, v.Continent = &city, &country, &continent
	v.AllocatedCPUUnits, v.AllocatedMemoryMB = &cpu, mem
	v.AllocatableCPUUnits, v.AllocatableMemoryMB = &allocatableCPU, &allocatableMem
	if h.beacon {
		v.Beacon = &api.Beacon{TCPPort: api.Int(30000 + hash(hashString(h.id), 1)%30000), UDPPort: api.Int(30000 + hash(hashString(h.id), 2)%30000), IPAddress: h.ip}
	}
	return v
}

// hostAllocation sums the reserved resources and the live deployments on h.
func (s *Server) hostAllocation(h hostSpec, now time.Time) (cpu, mem api.Int) {
	cpu, mem = hostReservedCPU, hostReservedMem
	for _, d := range s.world.deps {
		if d.hostID == h.id && !d.terminated(now) {
			cpu += api.Int(d.app.cpuUnits)
			mem += api.Int(d.app.memoryMB)
		}
	}
	return cpu, mem
}

// uuidFor derives a stable UUID-shaped identifier from s.
func uuidFor(s string) string {
	a, b := hash(hashString(s), 1), hash(hashString(s), 2)
	return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", a>>32, a>>16&0xffff, a&0xfff, b>>48&0xfff, b&0xffffffffffff)
}
