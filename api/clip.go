package api

import (
	"fmt"
	"unicode/utf8"
)

// Answers are clipped as they are decoded, so a hostile or broken answer
// (a 1 MiB error_detail on every status, 50 MB list pages) cannot make the
// console hold gigabytes: every text field beyond MaxTextBytes keeps its
// first MaxTextBytes and a marker with its size, and a status keeps its
// raw body only up to MaxRawBytes. The API documents far shorter values
// (request ids of 12 characters, tags of 40, names of 64 to 255), so
// nothing real is cut. Container logs are the exception: the logs view
// tails them and caps each line itself.
const (
	// MaxTextBytes is the most of a text field an answer keeps.
	MaxTextBytes = 4 << 10
	// MaxRawBytes is the largest status body kept for the raw view;
	// past it the view shows the decoded (clipped) value instead.
	MaxRawBytes = 64 << 10
)

// clipText returns s, or its first MaxTextBytes (cut on a rune boundary)
// followed by "… (clipped, N bytes)". The result never shares memory with
// a long s, so the answer it came from can be freed.
func clipText(s string) string {
	if len(s) <= MaxTextBytes {
		return s
	}
	cut := MaxTextBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (clipped, %d bytes)", len(s))
}

func clip(s *string) { *s = clipText(*s) }

func clipPtr(s *string) {
	if s != nil {
		clip(s)
	}
}

func clipAll(ss []string) {
	for i := range ss {
		clip(&ss[i])
	}
}

// clipper is an answer type whose text fields can be clipped; decode
// calls it on every answer that implements it.
type clipper interface{ clipTexts() }

func clipEach[T any, P interface {
	*T
	clipper
}](xs []T) {
	for i := range xs {
		P(&xs[i]).clipTexts()
	}
}

// clipPorts clips the ports' names (the map keys too) and texts.
func clipPorts(m map[string]Port) map[string]Port {
	for k, p := range m {
		p.clipTexts()
		if ck := clipText(k); ck != k {
			delete(m, k)
			k = ck
		}
		m[k] = p
	}
	return m
}

func (p *Port) clipTexts() { clip(&p.Name); clip(&p.Link); clip(&p.Protocol) }

func (t *LocationTag) clipTexts() { clip(&t.Key); clip(&t.Value) }

func (l *Location) clipTexts() {
	for _, s := range []*string{&l.City, &l.Country, &l.Continent, &l.AdministrativeDivision, &l.Timezone, &l.Type} {
		clip(s)
	}
	clipEach(l.Tags)
}

func (s *Session) clipTexts() {
	clip(&s.SessionID)
	clip(&s.Kind)
	s.Status = Status(clipText(string(s.Status)))
}

func (d *Deployment) clipTexts() {
	clip(&d.RequestID)
	clip(&d.FQDN)
	clip(&d.PublicIP)
	d.Ports = clipPorts(d.Ports)
	clipAll(d.Tags)
}

func (l *DeploymentList) clipTexts() {
	clipEach(l.Data)
	clipAll(l.Message)
}

func (s *DeploymentStatus) clipTexts() {
	for _, f := range []*string{&s.RequestID, &s.FQDN, &s.AppName, &s.AppVersion, &s.ErrorDetail, &s.PublicIP, &s.Command, &s.Arguments} {
		clip(f)
	}
	s.CurrentStatus = Status(clipText(string(s.CurrentStatus)))
	s.LastStatus = Status(clipText(string(s.LastStatus)))
	s.Ports = clipPorts(s.Ports)
	clipEach(s.Sessions)
	if s.Location != nil {
		s.Location.clipTexts()
	}
	clipAll(s.Tags)
}

func (r *StopResponse) clipTexts() {
	clip(&r.Message)
	if r.DeploymentSummary != nil {
		r.DeploymentSummary.clipTexts()
	}
}

func (r *BulkStopResult) clipTexts() {
	for i := range r.Processable {
		clip(&r.Processable[i].RequestID)
	}
}

// clipTexts leaves Logs and CrashLogs whole (see MaxTextBytes).
func (l *ContainerLogs) clipTexts() {
	clip(&l.Encoding)
	clipPtr(l.LogsLink)
	if l.CrashData != nil {
		clip(&l.CrashData.Message)
	}
}

func (s *MetricSeries) clipTexts() { clipAll(s.Labels) }

func (m *Metrics) clipTexts() {
	for _, s := range []*MetricSeries{&m.Total.ReceiveTotal, &m.Total.TransmitTotal, &m.Total.DiskReadTotal, &m.Total.DiskWriteTotal,
		&m.CPU, m.CPUThrottleRate, m.CPUThrottleTotal, &m.Mem, &m.Network.Receive, &m.Network.Transmit} {
		if s != nil {
			s.clipTexts()
		}
	}
}

func (f *LocationFilter) clipTexts() {
	clip(&f.Field)
	clip(&f.FilterType)
	clipAll(f.Values)
}

func (r *DeployV1Response) clipTexts() {
	for _, s := range []*string{&r.RequestID, &r.RequestDNS, &r.RequestApp, &r.RequestVersion, &r.APSortStrategy} {
		clip(s)
	}
	clipEach(r.Filters)
	clipAll(r.Tags)
	if r.ContainerLogStorage != nil {
		clip(&r.ContainerLogStorage.EndpointStorage)
	}
}

func (r *DeployV2Response) clipTexts() { clip(&r.RequestID); clip(&r.Message) }

func (t *DeploymentTag) clipTexts() { clip(&t.Name) }

func (l *DeploymentTagList) clipTexts() { clipEach(l.Tags) }

func (l *LocationList) clipTexts() {
	clipEach(l.Locations)
	clipAll(l.Messages)
}

func (f *Fleet) clipTexts() { clip(&f.Name) }

func (l *FleetList) clipTexts() { clipEach(l.Fleets) }

func (v *FleetAppVersion) clipTexts() { clip(&v.App); clip(&v.AppVersion); clip(&v.Fleet) }

func (p *Policy) clipTexts() { clip(&p.Name); clip(&p.Type) }

func (l *PolicyList) clipTexts() { clipEach(l.Policies) }

func (m *MessageResponse) clipTexts() { clip(&m.Message) }

func (h *Host) clipTexts() {
	clip(&h.HostID)
	clip(&h.Status)
	for _, s := range []*string{h.IPAddress, h.City, h.Country, h.Continent} {
		clipPtr(s)
	}
	if h.Beacon != nil {
		clip(&h.Beacon.IPAddress)
	}
	clip(&h.Centroid.Label)
	if h.DeleteSchedule != nil {
		clip(&h.DeleteSchedule.UUID)
	}
}

func (l *HostList) clipTexts() { clipEach(l.Data) }
