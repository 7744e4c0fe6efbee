package model

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// Deployment metrics: bounded time series, rates derived from cumulative
// counters, the detail panel's windows and the deployments table's
// sparklines.
//
// Units: the API does not document units. These are the assumptions,
// stated here and in the UI legend: CPU is a percentage of the
// deployment's allocation; memory is in MB; network receive/transmit are
// bytes per second; the totals (network and disk) are cumulative bytes, so
// their rates are bytes per second.
const (
	UnitCPU   = "%"
	UnitMem   = "MB"
	UnitRate  = "B/s"
	UnitBytes = "B"
)

// Point is one sample of a metric.
type Point struct {
	T time.Time
	V float64
}

func comparePointTime(p Point, t time.Time) int { return p.T.Compare(t) }

// Series is a bounded, time-ordered series: at most Max points, at most
// one per instant, oldest first. Adding beyond the bound drops the oldest
// point. Its storage never exceeds Max points. Reads (Points, Window,
// Stats) may reorder the storage in place, so like everything in this
// package a Series is for one goroutine.
type Series struct {
	pts   []Point // a ring when full: pts[head:] then pts[:head] in time order
	head  int     // index of the oldest point; non-zero only when full
	limit int
}

// NewSeries returns an empty series that keeps at most maxPoints points
// (at least one).
func NewSeries(maxPoints int) *Series {
	return &Series{limit: max(maxPoints, 1)}
}

// Max is the most points the series keeps.
func (s *Series) Max() int { return s.limit }

// Len is the number of points held.
func (s *Series) Len() int { return len(s.pts) }

// Add inserts p in time order. A point at the same instant as a held one
// replaces it; beyond Max points the oldest is dropped (so a point older
// than everything held in a full series is ignored).
func (s *Series) Add(p Point) {
	if len(s.pts) == 0 || p.T.After(s.newest().T) {
		s.push(p)
		return
	}
	s.linearize()
	s.insert(p)
}

// Replace makes pts authoritative for the span they cover: the points held
// between the earliest and the latest of pts are removed, then pts are
// added. A re-fetch of a window thus replaces the previous answer even when
// the API's buckets do not fall on the same instants. Empty pts change
// nothing.
func (s *Series) Replace(pts []Point) {
	if len(pts) == 0 {
		return
	}
	from, to := pts[0].T, pts[0].T
	for _, p := range pts[1:] {
		if p.T.Before(from) {
			from = p.T
		}
		if p.T.After(to) {
			to = p.T
		}
	}
	s.linearize()
	lo, hi := s.bounds(from, to)
	s.pts = slices.Delete(s.pts, lo, hi)
	s.reserve(len(pts))
	for _, p := range pts {
		s.Add(p)
	}
}

// TrimBefore drops the points older than t.
func (s *Series) TrimBefore(t time.Time) {
	s.linearize()
	i, _ := slices.BinarySearchFunc(s.pts, t, comparePointTime)
	s.pts = slices.Delete(s.pts, 0, i)
}

// Reset drops every point, keeping the storage.
func (s *Series) Reset() {
	clear(s.pts)
	s.pts, s.head = s.pts[:0], 0
}

// Points returns the points held, oldest first. The slice is the series'
// own storage: callers must not modify it, and it is valid until the
// series next changes.
func (s *Series) Points() []Point {
	s.linearize()
	return s.pts[:len(s.pts):len(s.pts)]
}

// Window returns the points with from ≤ T ≤ to, oldest first, under the
// same terms as Points.
func (s *Series) Window(from, to time.Time) []Point {
	if to.Before(from) {
		return nil
	}
	s.linearize()
	lo, hi := s.bounds(from, to)
	return s.pts[lo:hi:hi]
}

// Stats summarizes the points held.
func (s *Series) Stats() SeriesStats { return StatsOf(s.Points()) }

// newest is the latest point; the series must not be empty.
func (s *Series) newest() Point {
	if s.head == 0 {
		return s.pts[len(s.pts)-1]
	}
	return s.pts[s.head-1]
}

// push appends p, which is later than every point held.
func (s *Series) push(p Point) {
	if len(s.pts) < s.limit {
		s.reserve(1)
		s.pts = append(s.pts, p)
		return
	}
	s.pts[s.head] = p
	if s.head++; s.head == s.limit {
		s.head = 0
	}
}

// insert places p in the linearized series, p being no later than the
// newest point.
func (s *Series) insert(p Point) {
	i, found := slices.BinarySearchFunc(s.pts, p.T, comparePointTime)
	switch {
	case found:
		s.pts[i] = p
	case len(s.pts) < s.limit:
		s.reserve(1)
		s.pts = slices.Insert(s.pts, i, p)
	case i > 0: // full: the oldest point makes room
		copy(s.pts, s.pts[1:i])
		s.pts[i-1] = p
	}
}

// reserve makes room for n more points, never beyond the bound. It grows
// geometrically so a series filled point by point allocates O(log Max)
// times, and exactly to the bound once it gets there.
func (s *Series) reserve(n int) {
	want := min(len(s.pts)+n, s.limit)
	if want <= cap(s.pts) {
		return
	}
	grown := make([]Point, len(s.pts), min(max(want, 2*cap(s.pts), 4), s.limit))
	copy(grown, s.pts)
	s.pts = grown
}

// linearize rotates a full ring so the points are in time order in place.
func (s *Series) linearize() {
	if s.head == 0 {
		return
	}
	slices.Reverse(s.pts[:s.head])
	slices.Reverse(s.pts[s.head:])
	slices.Reverse(s.pts)
	s.head = 0
}

// bounds is the index range of the points with from ≤ T ≤ to in the
// linearized series.
func (s *Series) bounds(from, to time.Time) (lo, hi int) {
	lo, _ = slices.BinarySearchFunc(s.pts, from, comparePointTime)
	hi, found := slices.BinarySearchFunc(s.pts, to, comparePointTime)
	if found {
		hi++
	}
	return lo, max(lo, hi)
}

// SeriesStats summarizes a series: Current is the newest value. All zero
// with N == 0 for an empty series.
type SeriesStats struct {
	Current, Min, Max, Avg float64
	N                      int
}

// StatsOf summarizes time-ordered points (for instance a Series.Window).
func StatsOf(pts []Point) SeriesStats {
	if len(pts) == 0 {
		return SeriesStats{}
	}
	st := SeriesStats{Current: pts[len(pts)-1].V, Min: pts[0].V, Max: pts[0].V, N: len(pts)}
	sum := 0.0
	for _, p := range pts {
		st.Min, st.Max = min(st.Min, p.V), max(st.Max, p.V)
		sum += p.V
	}
	st.Avg = sum / float64(len(pts))
	return st
}

// Rates turns a time-ordered cumulative counter series into a per-second
// rate series: one point per interval, at the interval's end, valued
// Δvalue/Δt. An interval whose counter decreases (a counter reset) or whose
// time does not advance is skipped, so no rate is ever negative.
func Rates(cumulative []Point) []Point {
	if len(cumulative) < 2 {
		return nil
	}
	out := make([]Point, 0, len(cumulative)-1)
	for i := 1; i < len(cumulative); i++ {
		if r, ok := rate(cumulative[i-1], cumulative[i]); ok {
			out = append(out, Point{T: cumulative[i].T, V: r})
		}
	}
	return out
}

func rate(a, b Point) (float64, bool) {
	dt, dv := b.T.Sub(a.T).Seconds(), b.V-a.V
	if dt <= 0 || !(dv >= 0) { // !(≥) also refuses NaN
		return 0, false
	}
	return dv / dt, true
}

// FromAPI converts an API series to points in the API's order. It pairs
// datasets with timestamps up to the shorter of the two (labels, offsets
// from the start, are not needed) and skips entries with a zero timestamp
// or a non-finite value.
func FromAPI(s api.MetricSeries) []Point {
	n := min(len(s.Datasets), len(s.Timestamps))
	out := make([]Point, 0, n)
	for i := range n {
		t, v := s.Timestamps[i].Time, float64(s.Datasets[i])
		if t.IsZero() || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		out = append(out, Point{T: t, V: v})
	}
	return out
}

// MetricKind names one series of the detail panel.
type MetricKind int

// The detail panel's series, in display order.
const (
	MetricCPU MetricKind = iota
	MetricMem
	MetricNetRx
	MetricNetTx
	MetricDiskRead
	MetricDiskWrite
	MetricKindCount
)

var metricTitles = [MetricKindCount]string{"CPU", "Memory", "Net receive", "Net transmit", "Disk read", "Disk write"}

// Title names the series for people.
func (k MetricKind) Title() string {
	if k >= 0 && k < MetricKindCount {
		return metricTitles[k]
	}
	return "metric?"
}

// Unit is the unit of the series' values (see the Unit constants).
func (k MetricKind) Unit() string {
	switch k {
	case MetricCPU:
		return UnitCPU
	case MetricMem:
		return UnitMem
	case MetricNetRx, MetricNetTx, MetricDiskRead, MetricDiskWrite:
		return UnitRate
	}
	return ""
}

// DeploymentMetrics holds one deployment's series for one window of the
// detail panel. Each Series keeps at most Window/Step points (plus a
// margin) and nothing older than the window's start.
type DeploymentMetrics struct {
	Series  [MetricKindCount]*Series
	Window  time.Duration
	Step    time.Duration
	Fetched time.Time // last Apply; zero: no data yet
	Err     error     // the last fetch's error, set by Fail, cleared by Apply
	// Derived tells which series were derived from cumulative totals
	// (disk always; network when the API sent no receive/transmit series).
	Derived [MetricKindCount]bool

	totals [MetricKindCount]*Series // the counters behind the derived series
}

// NewDeploymentMetrics returns empty series for a window fetched at step
// (a non-positive step counts as 1/120 of the window).
func NewDeploymentMetrics(window, step time.Duration) *DeploymentMetrics {
	if step <= 0 {
		step = max(window/120, time.Second)
	}
	n := int(window / step)
	limit := n + n/10 + 2 // both ends of the window, and some slack
	d := &DeploymentMetrics{Window: window, Step: step}
	for k := range d.Series {
		d.Series[k] = NewSeries(limit)
	}
	for _, k := range []MetricKind{MetricNetRx, MetricNetTx, MetricDiskRead, MetricDiskWrite} {
		d.totals[k] = NewSeries(limit + 1)
	}
	return d
}

// Apply folds a metrics answer in: each answer replaces what was held for
// the span it covers, and points older than the window (relative to now,
// which should be the instant passed to MetricsWindow.Params) are dropped.
// Network rates are the API's receive/transmit series when present, else
// derived from the totals; disk rates are always derived from the totals.
func (d *DeploymentMetrics) Apply(m *api.Metrics, now time.Time) {
	if m == nil {
		return
	}
	d.Series[MetricCPU].Replace(FromAPI(m.CPU))
	d.Series[MetricMem].Replace(FromAPI(m.Mem))
	d.applyRate(MetricNetRx, m.Network.Receive, m.Total.ReceiveTotal)
	d.applyRate(MetricNetTx, m.Network.Transmit, m.Total.TransmitTotal)
	d.applyCounter(MetricDiskRead, m.Total.DiskReadTotal)
	d.applyCounter(MetricDiskWrite, m.Total.DiskWriteTotal)
	d.trim(windowStart(now, d.Window, d.Step))
	d.Fetched, d.Err = now, nil
}

// Fail records a failed fetch; the series keep their points.
func (d *DeploymentMetrics) Fail(err error) { d.Err = cmpOrErr(err) }

// Stats summarizes every series.
func (d *DeploymentMetrics) Stats() [MetricKindCount]SeriesStats {
	var out [MetricKindCount]SeriesStats
	for k, s := range d.Series {
		out[k] = s.Stats()
	}
	return out
}

// applyRate takes the API's rate series when it has points, else the
// counter's.
func (d *DeploymentMetrics) applyRate(k MetricKind, rates, total api.MetricSeries) {
	pts := FromAPI(rates)
	if len(pts) == 0 {
		d.applyCounter(k, total)
		return
	}
	d.setDerived(k, false)
	d.Series[k].Replace(pts)
}

// applyCounter folds a cumulative counter in; trim derives the rates.
func (d *DeploymentMetrics) applyCounter(k MetricKind, total api.MetricSeries) {
	d.setDerived(k, true)
	d.totals[k].Replace(FromAPI(total))
}

// setDerived switches a series' source, dropping points of the other one.
func (d *DeploymentMetrics) setDerived(k MetricKind, derived bool) {
	if d.Derived[k] != derived {
		d.Derived[k] = derived
		d.Series[k].Reset()
	}
}

// trim drops points before cut and rebuilds the derived rate series.
func (d *DeploymentMetrics) trim(cut time.Time) {
	for k, s := range d.Series {
		s.TrimBefore(cut)
		if c := d.totals[k]; c != nil {
			c.TrimBefore(cut)
		}
		if d.Derived[k] {
			s.Reset()
			s.Replace(Rates(d.totals[k].Points()))
		}
	}
}

// windowStart is the start of a window ending at now, aligned down to the
// step so successive fetches ask for the same buckets.
func windowStart(now time.Time, span, step time.Duration) time.Time {
	start := now.Add(-span)
	if step > 0 {
		start = start.Truncate(step)
	}
	return start
}

// MetricsWindow is a window the detail panel offers, with the step to ask
// the API for. Steps is the API's spelling of Step.
type MetricsWindow struct {
	Name       string
	Span, Step time.Duration
	Steps      string
}

// MetricsWindows are the detail panel's windows. The API's steps are 30s,
// 1m, 5m, 10m and 1h, so 5m has only 11 points (30s is the finest step)
// and 24h has 145 (1h would give only 25).
var MetricsWindows = []MetricsWindow{
	{Name: "5m", Span: 5 * time.Minute, Step: 30 * time.Second, Steps: "30s"},
	{Name: "1h", Span: time.Hour, Step: time.Minute, Steps: "1m"},
	{Name: "6h", Span: 6 * time.Hour, Step: 5 * time.Minute, Steps: "5m"},
	{Name: "24h", Span: 24 * time.Hour, Step: 10 * time.Minute, Steps: "10m"},
}

// Params asks for the window ending at now: the start is aligned down to
// the step so that re-fetches get the same buckets.
func (w MetricsWindow) Params(now time.Time) api.MetricsParams {
	return api.MetricsParams{
		Start: api.V1Time(windowStart(now, w.Span, w.Step)),
		End:   api.V1Time(now),
		Steps: w.Steps,
	}
}

// NewMetrics returns empty series sized for the window.
func (w MetricsWindow) NewMetrics() *DeploymentMetrics { return NewDeploymentMetrics(w.Span, w.Step) }

// Sparklines of the deployments table.
const (
	SparkStep        = 30 * time.Second // the API step of a sparkline
	SparkPoints      = 20               // points per sparkline: the last 10 minutes
	SparkWindow      = SparkPoints * SparkStep
	SparkEvery       = 30 * time.Second // how often a visible row's sparkline may be refreshed
	DefaultSparkRows = 500              // deployments whose sparklines a SparkStore keeps
)

// SparkParams asks for a row's sparkline: the last SparkPoints buckets of
// SparkStep up to now (the start aligned to the step).
func SparkParams(now time.Time) api.MetricsParams {
	return api.MetricsParams{
		Start: api.V1Time(sparkStart(now)),
		End:   api.V1Time(now),
		Steps: "30s",
	}
}

func sparkStart(now time.Time) time.Time {
	return now.Truncate(SparkStep).Add(-(SparkPoints - 1) * SparkStep)
}

// RowMetrics is one table row's sparklines. CPU and Mem are never nil and
// hold at most SparkPoints points.
type RowMetrics struct {
	CPU, Mem *Series
	Fetched  time.Time // last successful fetch; zero: none yet
	Err      error     // the last fetch's error; earlier points are kept
}

// sparkEntry is one deployment's sparklines in the store's LRU list.
type sparkEntry struct {
	id         string
	row        RowMetrics
	tried      time.Time // last request, answer or failure
	prev, next *sparkEntry
}

// SparkStore keeps the sparklines of at most N deployments, evicting the
// least recently used (Get, Apply, Fail and Requested count as use). It is
// safe for concurrent use: the engine fills it on its goroutine while the
// consoles read it. The Series it hands out are never changed afterwards
// (Apply makes new ones).
type SparkStore struct {
	mu    sync.Mutex
	rows  map[string]*sparkEntry
	root  sparkEntry // sentinel: root.next is the most recently used
	limit int
}

// NewSparkStore returns a store keeping at most maxRows deployments (at
// least one).
func NewSparkStore(maxRows int) *SparkStore {
	s := &SparkStore{rows: map[string]*sparkEntry{}, limit: max(maxRows, 1)}
	s.root.prev, s.root.next = &s.root, &s.root
	return s
}

// Len is the number of deployments kept.
func (s *SparkStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rows)
}

// Due tells whether a row's sparkline should be fetched: never tried, or
// last tried (requested, answered or failed) at least every ago.
func (s *SparkStore) Due(id string, now time.Time, every time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.rows[id]
	return !ok || now.Sub(e.tried) >= every
}

// Requested records that a fetch for id was sent, so Due stays false while
// it is in flight (for at most every).
func (s *SparkStore) Requested(id string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entry(id).tried = now
}

// Apply folds a metrics answer (fetched with SparkParams(now)) into the
// row's sparklines and clears its error.
func (s *SparkStore) Apply(id string, m *api.Metrics, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entry(id)
	if m != nil { // new series: readers may hold the old ones
		cut := sparkStart(now)
		fresh := func(src api.MetricSeries) *Series {
			ser := NewSeries(SparkPoints)
			ser.Replace(FromAPI(src))
			ser.TrimBefore(cut)
			return ser
		}
		e.row.CPU, e.row.Mem = fresh(m.CPU), fresh(m.Mem)
	}
	e.row.Fetched, e.row.Err, e.tried = now, nil, now
}

// Fail records a failed fetch; the row keeps its points.
func (s *SparkStore) Fail(id string, now time.Time, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entry(id)
	e.row.Err, e.tried = cmpOrErr(err), now
}

// Get returns a row's sparklines; ok is false until a fetch for it was
// answered or failed ("no data yet", as opposed to zeros). The Series are
// the store's own: read them, do not modify them.
func (s *SparkStore) Get(id string) (RowMetrics, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.rows[id]
	if !ok || (e.row.Fetched.IsZero() && e.row.Err == nil) {
		return RowMetrics{}, false
	}
	s.touch(e)
	return e.row, true
}

// Forget drops a deployment's sparklines (for instance once it has gone).
func (s *SparkStore) Forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forget(id)
}

func (s *SparkStore) forget(id string) {
	if e, ok := s.rows[id]; ok {
		s.unlink(e)
		delete(s.rows, id)
	}
}

// entry returns id's entry, created if needed, as the most recently used,
// evicting the least recently used beyond the bound.
func (s *SparkStore) entry(id string) *sparkEntry {
	if e, ok := s.rows[id]; ok {
		s.touch(e)
		return e
	}
	e := &sparkEntry{id: id, row: RowMetrics{CPU: NewSeries(SparkPoints), Mem: NewSeries(SparkPoints)}}
	s.rows[id] = e
	s.link(e)
	for len(s.rows) > s.limit {
		s.forget(s.root.prev.id)
	}
	return e
}

func (s *SparkStore) touch(e *sparkEntry) {
	if s.root.next != e {
		s.unlink(e)
		s.link(e)
	}
}

// link puts e first (most recently used).
func (s *SparkStore) link(e *sparkEntry) {
	e.prev, e.next = &s.root, s.root.next
	e.prev.next, e.next.prev = e, e
}

func (s *SparkStore) unlink(e *sparkEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

var errMetricsFailed = errors.New("metrics fetch failed")

// cmpOrErr is err, or a generic error for nil (a failure must show).
func cmpOrErr(err error) error {
	if err == nil {
		return errMetricsFailed
	}
	return err
}

// byteLadders are the units Humanize scales through, by base unit (1024
// per step, as memory is counted).
var byteLadders = map[string][]string{
	UnitBytes: {"B", "KB", "MB", "GB", "TB", "PB"},
	UnitRate:  {"B/s", "KB/s", "MB/s", "GB/s", "TB/s", "PB/s"},
}

// Humanize formats a value with its unit compactly: at most three
// significant digits before the unit ("12.5%", "1.2 GB", "3.4 MB/s",
// "850 B/s"). Byte units (B, KB, MB, … and their /s forms) scale by 1024;
// other units are printed as given. Non-finite values are "n/a".
func Humanize(v float64, unit string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	if unit == UnitCPU {
		return compactNumber(v) + UnitCPU
	}
	ladder, i := ladderOf(unit)
	if ladder == nil {
		return strings.TrimSpace(compactNumber(v) + " " + unit)
	}
	for math.Abs(v) >= 999.5 && i < len(ladder)-1 {
		v /= 1024
		i++
	}
	return compactNumber(v) + " " + ladder[i]
}

// ladderOf finds unit on a byte ladder.
func ladderOf(unit string) ([]string, int) {
	for _, ladder := range byteLadders {
		if i := slices.Index(ladder, unit); i >= 0 {
			return ladder, i
		}
	}
	return nil, 0
}

// compactNumber prints one decimal below 100 (without a trailing ".0")
// and none from 100.
func compactNumber(v float64) string {
	if math.Abs(v) < 0.05 {
		return "0"
	}
	if math.Abs(v) >= 99.95 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
}
