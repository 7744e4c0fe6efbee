package sim

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// Metrics are pure functions of (deployment, time). Rates are sinusoids
// whose integrals have a closed form, so the cumulative totals are exact,
// monotonic and cheap at any time.

// maxMetricPoints is the longest series the endpoint serves (422 beyond).
const maxMetricPoints = 2000

// wave is base·(1 + amp·sin(ω·s + phase)) for s seconds since READY; amp < 1
// keeps it positive.
type wave struct {
	base, amp, omega, phase float64
}

func (w wave) at(s float64) float64 { return w.base * (1 + w.amp*math.Sin(w.omega*s+w.phase)) }

// integral is ∫₀ˢ of the wave.
func (w wave) integral(s float64) float64 {
	return w.base*s - w.base*w.amp/w.omega*(math.Cos(w.omega*s+w.phase)-math.Cos(w.phase))
}

// wave draws a wave from the deployment's seed.
func (d *deployment) wave(salt uint64, base float64) wave {
	u := func(i uint64) float64 { return unit(hash(d.seed, salt, i)) }
	period := 300 + 1500*u(1) // 5–30 min
	return wave{base: base * (0.5 + u(2)), amp: 0.2 + 0.5*u(3), omega: 2 * math.Pi / period, phase: 2 * math.Pi * u(4)}
}

// metricSource evaluates one metric at a time.
type metricSource func(t time.Time) float64

// activeSeconds is the READY time up to t, in seconds (0 before READY).
func (d *deployment) activeSeconds(t time.Time) (float64, bool) {
	ready := d.sched.readyAt()
	if ready.IsZero() || t.Before(ready) {
		return 0, false
	}
	if t.After(d.sched.termStart) {
		return d.sched.termStart.Sub(ready).Seconds(), false
	}
	return t.Sub(ready).Seconds(), true
}

// rate is a per-second metric: the wave while READY, zero otherwise.
func (d *deployment) rate(w wave) metricSource {
	return func(t time.Time) float64 {
		s, active := d.activeSeconds(t)
		if !active {
			return 0
		}
		return w.at(s)
	}
}

// total is the cumulative counter of a rate: frozen once READY ends.
func (d *deployment) total(w wave) metricSource {
	return func(t time.Time) float64 {
		s, _ := d.activeSeconds(t)
		return w.integral(s)
	}
}

// noise is a deterministic jitter in [-1, 1) that changes every 10 s.
func (d *deployment) noise(salt uint64, t time.Time) float64 {
	return 2*unit(hash(d.seed, salt, uint64(t.Unix()/10))) - 1
}

// cpu is the CPU usage in percent (0–100).
func (d *deployment) cpu(t time.Time) float64 {
	s, active := d.activeSeconds(t)
	if !active {
		return 0
	}
	w := d.wave(0xc9, 10+30*unit(hash(d.seed, 0xc0)))
	return math.Max(0, math.Min(100, w.at(s)+4*d.noise(0xc1, t)))
}

// mem is the memory use in MB; crash-loopers leak up to their limit.
func (d *deployment) mem(t time.Time) float64 {
	if _, active := d.activeSeconds(t); !active {
		return 0
	}
	_, runStart := d.sched.restartsAt(t)
	base := float64(d.app.memoryMB) * (0.25 + 0.35*unit(hash(d.seed, 0x3e)))
	leakPerHour := 20 * unit(hash(d.seed, 0x3f))
	if len(d.sched.crashes) > 0 {
		leakPerHour = float64(d.app.memoryMB) * 30
	}
	m := base + leakPerHour*t.Sub(runStart).Hours() + 0.02*base*d.noise(0x40, t)
	return math.Min(m, float64(d.app.memoryMB))
}

// throttleRate is the share of CPU periods throttled, in percent.
func (d *deployment) throttleRate(t time.Time) float64 { return math.Max(0, d.cpu(t)-70) }

// throttleTotal is the cumulative throttled time in seconds.
func (d *deployment) throttleTotal(t time.Time) float64 {
	s, _ := d.activeSeconds(t)
	return s * 0.05 * unit(hash(d.seed, 0x7a))
}

// metricSet is every series the metrics endpoint returns.
type metricSet struct {
	recv, send, diskRead, diskWrite wave
}

func (d *deployment) metricSet() metricSet {
	perSocket := float64(d.app.sockets) * 3000
	return metricSet{
		recv:      d.wave(0x11, perSocket),
		send:      d.wave(0x12, 2.5*perSocket),
		diskRead:  d.wave(0x13, 8000),
		diskWrite: d.wave(0x14, 20000),
	}
}

// metrics builds the metrics body for the buckets start, start+step, … ≤ end.
func (d *deployment) metrics(start, end time.Time, step time.Duration) api.Metrics {
	ms := d.metricSet()
	times := bucketTimes(start, end, step)
	series := func(src metricSource) api.MetricSeries { return buildSeries(times, start, src) }
	throttleRate, throttleTotal := series(d.throttleRate), series(d.throttleTotal)
	return api.Metrics{
		Total: api.MetricTotals{
			ReceiveTotal:   series(d.total(ms.recv)),
			TransmitTotal:  series(d.total(ms.send)),
			DiskReadTotal:  series(d.total(ms.diskRead)),
			DiskWriteTotal: series(d.total(ms.diskWrite)),
		},
		CPU:              series(d.cpu),
		CPUThrottleRate:  &throttleRate,
		CPUThrottleTotal: &throttleTotal,
		Mem:              series(d.mem),
		Network: api.NetworkMetrics{
			Receive:  series(d.rate(ms.recv)),
			Transmit: series(d.rate(ms.send)),
		},
	}
}

// bucketCount is the number of buckets from start to end.
func bucketCount(start, end time.Time, step time.Duration) int64 {
	return int64(end.Sub(start)/step) + 1
}

func bucketTimes(start, end time.Time, step time.Duration) []time.Time {
	times := make([]time.Time, 0, bucketCount(start, end, step))
	for t := start; !t.After(end); t = t.Add(step) {
		times = append(times, t)
	}
	return times
}

// buildSeries evaluates src at each bucket; values are rounded (the spec
// types datasets as integers); labels are the offset from start.
func buildSeries(times []time.Time, start time.Time, src metricSource) api.MetricSeries {
	s := api.MetricSeries{
		Labels:     make([]string, len(times)),
		Datasets:   make([]api.Float, len(times)),
		Timestamps: make([]api.Time, len(times)),
	}
	for i, t := range times {
		s.Labels[i] = offsetLabel(t.Sub(start))
		s.Datasets[i] = api.Float(math.Round(src(t)))
		s.Timestamps[i] = api.V1Time(t)
	}
	return s
}

// offsetLabel formats d as HH:MM:SS.
func offsetLabel(d time.Duration) string {
	sec := int64(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
}

// defaultStep picks the finest usual step that keeps the series short.
func defaultStep(start, end time.Time) time.Duration {
	for _, s := range []time.Duration{30 * time.Second, time.Minute, 5 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour} {
		if bucketCount(start, end, s) <= 500 {
			return s
		}
	}
	return 6 * time.Hour
}

// metricsTimeForm is the form the metrics endpoint's start_time and
// end_time must have, in the reference's own (Python strptime) notation.
const metricsTimeForm = "%Y-%m-%d %H:%M:%S.%f"

// metricsTimeExample is the reference's example of metricsTimeForm.
const metricsTimeExample = "2021-07-10 00:00:00.00"

// parseMetricsQueryTime parses a metrics start_time or end_time strictly
// as metricsTimeForm, UTC: a fraction of one to six digits is required, as
// Python's %f requires; no zone, no "T", no padding.
func parseMetricsQueryTime(s string) (time.Time, error) {
	dot := strings.LastIndexByte(s, '.')
	if dot < 0 {
		return time.Time{}, fmt.Errorf("no fractional seconds in %q", s)
	}
	frac := s[dot+1:]
	if len(frac) < 1 || len(frac) > 6 || strings.Trim(frac, "0123456789") != "" {
		return time.Time{}, fmt.Errorf("fractional seconds %q are not 1 to 6 digits", frac)
	}
	return time.ParseInLocation("2006-01-02 15:04:05."+strings.Repeat("0", len(frac)), s, time.UTC)
}
