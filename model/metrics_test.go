package model

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
)

var metricsT0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// metricsAt is the instant sec seconds after metricsT0.
func metricsAt(sec int) time.Time { return metricsT0.Add(time.Duration(sec) * time.Second) }

// metricsPts builds points at the given seconds with the given values.
func metricsPts(secs []int, vals []float64) []Point {
	out := make([]Point, len(secs))
	for i := range secs {
		out[i] = Point{T: metricsAt(secs[i]), V: vals[i]}
	}
	return out
}

// metricsCheckOrdered fails unless the points are strictly increasing in time.
func metricsCheckOrdered(t *testing.T, pts []Point) {
	t.Helper()
	for i := 1; i < len(pts); i++ {
		if !pts[i-1].T.Before(pts[i].T) {
			t.Fatalf("points %d and %d out of order: %v, %v", i-1, i, pts[i-1].T, pts[i].T)
		}
	}
}

// metricsSecs lists the points' seconds after metricsT0.
func metricsSecs(pts []Point) []int {
	out := make([]int, len(pts))
	for i, p := range pts {
		out[i] = int(p.T.Sub(metricsT0) / time.Second)
	}
	return out
}

func TestSeriesOrderDedupTrim(t *testing.T) {
	s := NewSeries(4)
	for _, sec := range []int{30, 10, 20, 40} {
		s.Add(Point{T: metricsAt(sec), V: float64(sec)})
	}
	if got := metricsSecs(s.Points()); !slices.Equal(got, []int{10, 20, 30, 40}) {
		t.Fatalf("order: %v", got)
	}
	s.Add(Point{T: metricsAt(20), V: 99}) // same instant: replaces
	if s.Len() != 4 || s.Points()[1].V != 99 {
		t.Fatalf("dedup: %v", s.Points())
	}
	s.Add(Point{T: metricsAt(50), V: 50}) // beyond the bound: 10 goes
	if got := metricsSecs(s.Points()); !slices.Equal(got, []int{20, 30, 40, 50}) {
		t.Fatalf("trim: %v", got)
	}
	s.Add(Point{T: metricsAt(5), V: 5}) // older than everything in a full series
	if got := metricsSecs(s.Points()); !slices.Equal(got, []int{20, 30, 40, 50}) {
		t.Fatalf("old point kept: %v", got)
	}
	s.Add(Point{T: metricsAt(35), V: 35}) // in the middle: the oldest makes room
	if got := metricsSecs(s.Points()); !slices.Equal(got, []int{30, 35, 40, 50}) {
		t.Fatalf("middle insert: %v", got)
	}
	s.Add(Point{T: metricsAt(60), V: 60}) // wraps the ring
	s.Add(Point{T: metricsAt(45), V: 45}) // out of order into the wrapped ring
	if got := metricsSecs(s.Points()); !slices.Equal(got, []int{40, 45, 50, 60}) {
		t.Fatalf("after wrap: %v", got)
	}
	if NewSeries(0).Max() != 1 {
		t.Fatal("a series keeps at least one point")
	}
}

func TestSeriesPointsCannotBeExtendedIntoTheSeries(t *testing.T) {
	s := NewSeries(10)
	s.Add(Point{T: metricsAt(1), V: 1})
	s.Add(Point{T: metricsAt(2), V: 2})
	_ = append(s.Points(), Point{T: metricsAt(3), V: 3})
	s.Add(Point{T: metricsAt(4), V: 4})
	if got := metricsSecs(s.Points()); !slices.Equal(got, []int{1, 2, 4}) {
		t.Fatalf("points: %v", got)
	}
}

// metricsReference is a naive bounded series: a map trimmed by its oldest key.
type metricsReference struct {
	vals  map[int]float64
	limit int
}

func (r *metricsReference) add(sec int, v float64) {
	r.vals[sec] = v
	if len(r.vals) > r.limit {
		delete(r.vals, slices.Min(mapKeys(r.vals)))
	}
}

func (r *metricsReference) points() []Point {
	keys := mapKeys(r.vals)
	slices.Sort(keys)
	out := make([]Point, len(keys))
	for i, k := range keys {
		out[i] = Point{T: metricsAt(k), V: r.vals[k]}
	}
	return out
}

func mapKeys(m map[int]float64) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSeriesBoundedUnderManyAdds(t *testing.T) {
	const adds, limit = 100_000, 64
	rng := rand.New(rand.NewPCG(1, 2))
	s := NewSeries(limit)
	ref := &metricsReference{vals: map[int]float64{}, limit: limit}
	for i := range adds {
		sec := i + rng.IntN(200) - 100 // mostly forward, often out of order or repeated
		v := rng.Float64()
		s.Add(Point{T: metricsAt(sec), V: v})
		ref.add(sec, v)
		if s.Len() > limit || cap(s.pts) > limit {
			t.Fatalf("add %d: %d points, capacity %d, bound %d", i, s.Len(), cap(s.pts), limit)
		}
		if i%997 == 0 || i == adds-1 {
			if got, want := s.Points(), ref.points(); !slices.Equal(got, want) {
				t.Fatalf("add %d: series differs from the reference:\n got %v\nwant %v", i, metricsSecs(got), metricsSecs(want))
			}
		}
	}
}

func TestSeriesWindow(t *testing.T) {
	s := NewSeries(8)
	for sec := 0; sec < 12; sec++ { // wraps: 4..11 kept
		s.Add(Point{T: metricsAt(sec * 60), V: float64(sec)})
	}
	for _, tc := range []struct {
		from, to int
		want     []int
	}{
		{300, 480, []int{300, 360, 420, 480}},
		{290, 490, []int{300, 360, 420, 480}},
		{0, 200, []int{}},
		{700, 900, []int{}},
		{0, 10_000, []int{240, 300, 360, 420, 480, 540, 600, 660}},
		{480, 480, []int{480}},
		{500, 400, []int{}},
	} {
		got := metricsSecs(s.Window(metricsAt(tc.from), metricsAt(tc.to)))
		if !slices.Equal(got, tc.want) {
			t.Errorf("Window(%d, %d) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestSeriesReplaceAndTrimBefore(t *testing.T) {
	s := NewSeries(20)
	s.Replace(metricsPts([]int{0, 30, 60, 90, 120}, []float64{1, 1, 1, 1, 1}))
	// A re-fetch on other buckets replaces the span it covers.
	s.Replace(metricsPts([]int{45, 75, 105}, []float64{2, 2, 2}))
	if got := metricsSecs(s.Points()); !slices.Equal(got, []int{0, 30, 45, 75, 105, 120}) {
		t.Fatalf("replace: %v", got)
	}
	s.Replace(nil)
	if s.Len() != 6 {
		t.Fatal("an empty answer erased points")
	}
	s.TrimBefore(metricsAt(45))
	if got := metricsSecs(s.Points()); !slices.Equal(got, []int{45, 75, 105, 120}) {
		t.Fatalf("trim: %v", got)
	}
	s.Reset()
	if s.Len() != 0 || s.Stats().N != 0 {
		t.Fatal("reset kept points")
	}
}

func TestSeriesStats(t *testing.T) {
	if got := NewSeries(5).Stats(); got != (SeriesStats{}) {
		t.Fatalf("empty stats: %+v", got)
	}
	s := NewSeries(5)
	s.Replace(metricsPts([]int{0, 10, 20, 30}, []float64{4, 8, 2, 6}))
	want := SeriesStats{Current: 6, Min: 2, Max: 8, Avg: 5, N: 4}
	if got := s.Stats(); got != want {
		t.Fatalf("stats %+v, want %+v", got, want)
	}
	if got := StatsOf(s.Window(metricsAt(10), metricsAt(20))); got != (SeriesStats{Current: 2, Min: 2, Max: 8, Avg: 5, N: 2}) {
		t.Fatalf("window stats %+v", got)
	}
}

func TestRates(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []Point
		want []Point
	}{
		{"empty", nil, nil},
		{"one point", metricsPts([]int{0}, []float64{5}), nil},
		{"steady", metricsPts([]int{0, 10, 20}, []float64{0, 100, 300}),
			metricsPts([]int{10, 20}, []float64{10, 20})},
		{"irregular timestamps", metricsPts([]int{0, 5, 25, 26}, []float64{0, 50, 250, 251}),
			metricsPts([]int{5, 25, 26}, []float64{10, 10, 1})},
		{"counter reset skipped", metricsPts([]int{0, 10, 20, 30}, []float64{1000, 2000, 50, 250}),
			metricsPts([]int{10, 30}, []float64{100, 20})},
		{"flat counter", metricsPts([]int{0, 10}, []float64{7, 7}), metricsPts([]int{10}, []float64{0})},
		{"time not advancing", metricsPts([]int{0, 10, 10, 20}, []float64{0, 10, 20, 30}),
			metricsPts([]int{10, 20}, []float64{1, 1})},
	} {
		got := Rates(tc.in)
		if len(got) != len(tc.want) || (len(got) > 0 && !slices.Equal(got, tc.want)) {
			t.Errorf("%s: Rates = %v, want %v", tc.name, got, tc.want)
		}
		for _, p := range got {
			if p.V < 0 {
				t.Errorf("%s: negative rate %v", tc.name, p)
			}
		}
	}
}

func TestFromAPI(t *testing.T) {
	ts := func(sec int) api.Time { return api.V1Time(metricsAt(sec)) }
	s := api.MetricSeries{
		Labels:     []string{"00:00:00", "00:00:30", "00:01:00", "00:01:30"},
		Datasets:   []api.Float{1, 2, 3, 4},
		Timestamps: []api.Time{ts(0), {}, ts(60)}, // one short; one zero
	}
	if got := FromAPI(s); !slices.Equal(got, metricsPts([]int{0, 60}, []float64{1, 3})) {
		t.Fatalf("FromAPI = %v", got)
	}
	s.Datasets = []api.Float{1, api.Float(math.NaN())}
	if got := FromAPI(s); len(got) != 1 {
		t.Fatalf("non-finite value kept: %v", got)
	}
	if got := FromAPI(api.MetricSeries{}); len(got) != 0 {
		t.Fatalf("empty series gave %v", got)
	}
}

func TestFromAPIDecodesNumericStrings(t *testing.T) {
	raw, err := os.ReadFile("../api/testdata/examples/get_v1_metrics_deployment_request_id.json")
	if err != nil {
		t.Fatal(err)
	}
	var example struct{ Response api.Metrics }
	if err := json.Unmarshal(raw, &example); err != nil {
		t.Fatal(err)
	}
	want := []Point{{T: time.Date(2021, 7, 14, 14, 17, 37, 711_000_000, time.UTC), V: 2458}}
	m := &example.Response
	for name, s := range map[string]api.MetricSeries{"cpu": m.CPU, "mem": m.Mem, "receive": m.Network.Receive, "disk_write_total": m.Total.DiskWriteTotal} {
		if got := FromAPI(s); len(got) != 1 || !got[0].T.Equal(want[0].T) || got[0].V != want[0].V {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	// Numbers and numeric strings mixed, as the specs disagree.
	var mixed api.MetricSeries
	body := `{"labels":["00:00:00","00:00:30"],"datasets":["12.5",13],"timestamps":["2026-03-02 12:00:00","2026-03-02 12:00:30.5"]}`
	if err := json.Unmarshal([]byte(body), &mixed); err != nil {
		t.Fatal(err)
	}
	got := FromAPI(mixed)
	if len(got) != 2 || got[0].V != 12.5 || got[1].V != 13 || !got[1].T.Equal(metricsT0.Add(30500*time.Millisecond)) {
		t.Fatalf("mixed: %v", got)
	}
	// Applying the documented example gives one point per series and no
	// rates yet (a rate needs two totals).
	d := MetricsWindows[0].NewMetrics()
	d.Apply(m, want[0].T)
	if d.Series[MetricCPU].Len() != 1 || d.Series[MetricDiskRead].Len() != 0 || d.Series[MetricNetRx].Len() != 1 {
		t.Fatalf("example applied: cpu %d, disk read %d, net rx %d", d.Series[MetricCPU].Len(), d.Series[MetricDiskRead].Len(), d.Series[MetricNetRx].Len())
	}
}

func TestMetricKinds(t *testing.T) {
	want := []struct{ title, unit string }{
		{"CPU", UnitCPU}, {"Memory", UnitMem}, {"Net receive", UnitRate},
		{"Net transmit", UnitRate}, {"Disk read", UnitRate}, {"Disk write", UnitRate},
	}
	for k := range MetricKindCount {
		if k.Title() != want[k].title || k.Unit() != want[k].unit {
			t.Errorf("kind %d: %q %q", k, k.Title(), k.Unit())
		}
	}
	if MetricKindCount.Title() != "metric?" || MetricKind(-1).Unit() != "" {
		t.Error("out-of-range kinds")
	}
}

func TestMetricsWindowParams(t *testing.T) {
	now := metricsT0.Add(17*time.Minute + 43*time.Second + 250*time.Millisecond)
	wantPoints := map[string]int{"5m": 11, "1h": 61, "6h": 73, "24h": 145}
	for _, w := range MetricsWindows {
		p := w.Params(now)
		if !p.End.Equal(now) || p.Steps != w.Steps || p.Raw {
			t.Errorf("%s: %+v", w.Name, p)
		}
		if p.Start.Time.Truncate(w.Step) != p.Start.Time || p.Start.After(now.Add(-w.Span)) || now.Sub(p.Start.Time) >= w.Span+w.Step {
			t.Errorf("%s: start %v is not the window start aligned to %v", w.Name, p.Start, w.Step)
		}
		if step, err := time.ParseDuration(w.Steps); err != nil || step != w.Step {
			t.Errorf("%s: steps %q is not %v", w.Name, w.Steps, w.Step)
		}
		if n := int(now.Sub(p.Start.Time)/w.Step) + 1; n != wantPoints[w.Name] || n > w.NewMetrics().Series[0].Max() {
			t.Errorf("%s: %d buckets, want %d within the bound %d", w.Name, n, wantPoints[w.Name], w.NewMetrics().Series[0].Max())
		}
	}
	sp := SparkParams(now)
	if n := int(now.Sub(sp.Start.Time)/SparkStep) + 1; n != SparkPoints || sp.Steps != "30s" || !sp.End.Equal(now) {
		t.Errorf("spark params %+v give %d buckets", sp, n)
	}
}

// metricsSim is a simulator 30 minutes into its life and a client on it.
func metricsSim(t *testing.T) (*api.Client, *sim.FakeClock) {
	t.Helper()
	clock := sim.NewFakeClock(metricsT0)
	s := sim.New(sim.Config{Token: "T", Seed: 1, Deployments: 20, Clock: clock})
	clock.Advance(30 * time.Minute)
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: "T", BudgetFraction: 1,
		HTTPClient: &http.Client{Transport: sim.Transport(s)}})
	if err != nil {
		t.Fatal(err)
	}
	return c, clock
}

// metricsReadyDeployment finds a READY deployment.
func metricsReadyDeployment(t *testing.T, c *api.Client) string {
	t.Helper()
	q := &api.DeploymentQuery{Filters: []api.QueryFilter{{Field: api.FieldStatus, Operator: api.OpEq, Value: "READY"}}}
	list, err := c.ListDeployments(context.Background(), api.ListDeploymentsParams{Query: q})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list.Data {
		st, err := c.DeploymentStatus(context.Background(), d.RequestID)
		if err != nil {
			t.Fatal(err)
		}
		if st.CurrentStatus == api.StatusReady {
			return d.RequestID
		}
	}
	t.Fatal("no READY deployment")
	return ""
}

// metricsCheckSeries checks a series is non-empty, bounded, inside the
// window, ordered, non-negative, with sane stats.
func metricsCheckSeries(t *testing.T, name string, s *Series, from, to time.Time) {
	t.Helper()
	pts := s.Points()
	if len(pts) == 0 || len(pts) > s.Max() {
		t.Fatalf("%s: %d points, bound %d", name, len(pts), s.Max())
	}
	metricsCheckOrdered(t, pts)
	if pts[0].T.Before(from) || pts[len(pts)-1].T.After(to) {
		t.Fatalf("%s: points %v..%v outside %v..%v", name, pts[0].T, pts[len(pts)-1].T, from, to)
	}
	for _, p := range pts {
		if p.V < 0 || math.IsNaN(p.V) {
			t.Fatalf("%s: value %v", name, p)
		}
	}
	st := s.Stats()
	if st.N != len(pts) || st.Min > st.Avg || st.Avg > st.Max || st.Current < st.Min || st.Current > st.Max || st.Current != pts[len(pts)-1].V {
		t.Fatalf("%s: stats %+v", name, st)
	}
}

func TestDeploymentMetricsAgainstSimulator(t *testing.T) {
	c, clock := metricsSim(t)
	id := metricsReadyDeployment(t, c)
	for _, w := range MetricsWindows {
		d := w.NewMetrics()
		for round := range 2 { // a re-fetch a minute later replaces, never piles up
			now := clock.Now()
			m, err := c.Metrics(context.Background(), id, w.Params(now))
			if err != nil {
				t.Fatalf("%s: %v", w.Name, err)
			}
			d.Apply(m, now)
			if !d.Fetched.Equal(now) || d.Err != nil {
				t.Fatalf("%s: fetched %v, err %v", w.Name, d.Fetched, d.Err)
			}
			for k, s := range d.Series {
				metricsCheckSeries(t, w.Name+" "+MetricKind(k).Title(), s, w.Params(now).Start.Time, now)
			}
			if round == 0 {
				clock.Advance(time.Minute)
			}
		}
		if d.Derived[MetricNetRx] || d.Derived[MetricNetTx] || !d.Derived[MetricDiskRead] || !d.Derived[MetricDiskWrite] {
			t.Fatalf("%s: derived %v", w.Name, d.Derived)
		}
		if st := d.Stats(); st[MetricCPU].Max > 100 || st[MetricMem].Current <= 0 || st[MetricDiskWrite].Avg <= 0 {
			t.Fatalf("%s: stats %+v", w.Name, st)
		}
	}
}

func TestDerivedNetworkRatesAgreeWithTheAPIRates(t *testing.T) {
	c, clock := metricsSim(t)
	id := metricsReadyDeployment(t, c)
	now := clock.Now()
	w := MetricsWindows[0]
	m, err := c.Metrics(context.Background(), id, w.Params(now))
	if err != nil {
		t.Fatal(err)
	}
	direct, derived := w.NewMetrics(), w.NewMetrics()
	direct.Apply(m, now)
	m.Network = api.NetworkMetrics{} // as if the API sent only totals
	derived.Apply(m, now)
	if !derived.Derived[MetricNetRx] || derived.Series[MetricNetRx].Len() == 0 {
		t.Fatal("network rates were not derived from the totals")
	}
	for _, k := range []MetricKind{MetricNetRx, MetricNetTx} {
		a, b := direct.Series[k].Stats().Avg, derived.Series[k].Stats().Avg
		if math.Abs(a-b) > 0.1*a {
			t.Errorf("%s: API rate avg %.0f B/s, derived %.0f B/s", k.Title(), a, b)
		}
	}
}

func TestDeploymentMetricsFailAndSourceSwitch(t *testing.T) {
	d := NewDeploymentMetrics(5*time.Minute, 0)
	if d.Step <= 0 || d.Series[MetricCPU].Max() < 2 {
		t.Fatalf("step %v, bound %d", d.Step, d.Series[MetricCPU].Max())
	}
	d.Apply(nil, metricsT0)
	if !d.Fetched.IsZero() {
		t.Fatal("a nil answer counted as fetched")
	}
	d.Fail(nil)
	if d.Err == nil {
		t.Fatal("a failure without an error did not show")
	}
	d.Fail(errors.New("boom"))
	total := api.MetricSeries{Datasets: []api.Float{0, 300, 600}, Timestamps: []api.Time{api.V1Time(metricsAt(0)), api.V1Time(metricsAt(30)), api.V1Time(metricsAt(60))}}
	d.Apply(&api.Metrics{Total: api.MetricTotals{ReceiveTotal: total}}, metricsAt(60))
	if d.Err != nil || !d.Derived[MetricNetRx] || !slices.Equal(d.Series[MetricNetRx].Points(), metricsPts([]int{30, 60}, []float64{10, 10})) {
		t.Fatalf("derived: err %v, %v", d.Err, d.Series[MetricNetRx].Points())
	}
	rates := api.MetricSeries{Datasets: []api.Float{7}, Timestamps: []api.Time{api.V1Time(metricsAt(90))}}
	d.Apply(&api.Metrics{Network: api.NetworkMetrics{Receive: rates}}, metricsAt(90))
	if d.Derived[MetricNetRx] || !slices.Equal(d.Series[MetricNetRx].Points(), metricsPts([]int{90}, []float64{7})) {
		t.Fatalf("switching to the API's rates kept derived points: %v", d.Series[MetricNetRx].Points())
	}
}

func TestSparkStoreDueApplyFail(t *testing.T) {
	s := NewSparkStore(10)
	now := metricsT0
	if !s.Due("a", now, SparkEvery) {
		t.Fatal("never fetched, not due")
	}
	if _, ok := s.Get("a"); ok {
		t.Fatal("data before any fetch")
	}
	s.Requested("a", now)
	if s.Due("a", now.Add(10*time.Second), SparkEvery) {
		t.Fatal("due while in flight")
	}
	if _, ok := s.Get("a"); ok {
		t.Fatal("a request alone made data")
	}
	if !s.Due("a", now.Add(SparkEvery), SparkEvery) {
		t.Fatal("a lost request never becomes due again")
	}
	now = now.Add(SparkEvery)
	s.Apply("a", &api.Metrics{CPU: api.MetricSeries{
		Datasets:   []api.Float{0, 0},
		Timestamps: []api.Time{api.V1Time(now.Add(-SparkStep)), api.V1Time(now)},
	}}, now)
	row, ok := s.Get("a")
	if !ok || row.Err != nil || !row.Fetched.Equal(now) || row.CPU.Len() != 2 || row.Mem.Len() != 0 {
		t.Fatalf("after apply: %+v, %v", row, ok)
	}
	if s.Due("a", now.Add(SparkEvery-time.Second), SparkEvery) || !s.Due("a", now.Add(SparkEvery), SparkEvery) {
		t.Fatal("due logic after an answer")
	}
	boom := errors.New("boom")
	s.Fail("a", now.Add(SparkEvery), boom)
	row, ok = s.Get("a")
	if !ok || row.Err != boom || row.CPU.Len() != 2 || !row.Fetched.Equal(now) {
		t.Fatalf("after failure: %+v", row)
	}
	if s.Due("a", now.Add(SparkEvery+time.Second), SparkEvery) {
		t.Fatal("a failure is retried at once")
	}
	s.Fail("b", now, nil)
	if row, ok := s.Get("b"); !ok || row.Err == nil || !row.Fetched.IsZero() || row.CPU == nil || row.CPU.Len() != 0 {
		t.Fatalf("failure first: %+v", row)
	}
}

func TestSparkStoreLRU(t *testing.T) {
	s := NewSparkStore(3)
	now := metricsT0
	for _, id := range []string{"a", "b", "c"} {
		s.Apply(id, &api.Metrics{}, now)
	}
	s.Get("a") // a is used again: b is now the least recently used
	s.Apply("d", &api.Metrics{}, now)
	if _, ok := s.Get("b"); ok || s.Len() != 3 {
		t.Fatalf("b not evicted; %d kept", s.Len())
	}
	for _, id := range []string{"a", "c", "d"} {
		if _, ok := s.Get(id); !ok {
			t.Fatalf("%s evicted", id)
		}
	}
	s.Forget("c")
	s.Forget("zz")
	if _, ok := s.Get("c"); ok || s.Len() != 2 {
		t.Fatal("forget")
	}
	for i := range 1000 {
		s.Requested(string(rune('A'+i%50))+"x", now)
	}
	if s.Len() != 3 {
		t.Fatalf("%d kept, bound 3", s.Len())
	}
	if NewSparkStore(0).limit != 1 {
		t.Fatal("a store keeps at least one row")
	}
}

// metricsSparkAnswer is a sparkline answer with 21 buckets (one more than
// kept) ending at now.
func metricsSparkAnswer(now time.Time) *api.Metrics {
	var cpu, mem api.MetricSeries
	for i := SparkPoints; i >= 0; i-- {
		ts := api.V1Time(now.Truncate(SparkStep).Add(-time.Duration(i) * SparkStep))
		cpu.Timestamps, cpu.Datasets = append(cpu.Timestamps, ts), append(cpu.Datasets, api.Float(i))
		mem.Timestamps, mem.Datasets = append(mem.Timestamps, ts), append(mem.Datasets, api.Float(100+i))
	}
	return &api.Metrics{CPU: cpu, Mem: mem}
}

func TestSparkStoreAgainstSimulator(t *testing.T) {
	c, clock := metricsSim(t)
	id := metricsReadyDeployment(t, c)
	s := NewSparkStore(DefaultSparkRows)
	for range 3 {
		now := clock.Now()
		m, err := c.Metrics(context.Background(), id, SparkParams(now))
		if err != nil {
			t.Fatal(err)
		}
		s.Apply(id, m, now)
		row, ok := s.Get(id)
		if !ok || row.CPU.Len() != SparkPoints || row.Mem.Len() != SparkPoints {
			t.Fatalf("sparkline: ok %v, cpu %d, mem %d points", ok, row.CPU.Len(), row.Mem.Len())
		}
		metricsCheckSeries(t, "spark cpu", row.CPU, now.Add(-SparkWindow), now)
		metricsCheckSeries(t, "spark mem", row.Mem, now.Add(-SparkWindow), now)
		clock.Advance(SparkEvery + 7*time.Second)
	}
	// A fuller answer than needed still keeps SparkPoints points.
	now := clock.Now()
	s.Apply(id, metricsSparkAnswer(now), now)
	if row, _ := s.Get(id); row.CPU.Len() != SparkPoints || row.CPU.Stats().Current != 0 {
		t.Fatalf("sparkline: %d points, current %v", row.CPU.Len(), row.CPU.Stats().Current)
	}
}

func TestSparkStoreMemoryBound(t *testing.T) {
	const rows = 10_000
	now := metricsT0
	answer := metricsSparkAnswer(now)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := NewSparkStore(rows)
	for i := range rows {
		s.Apply("deployment-"+strconv.Itoa(i), answer, now)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if s.Len() != rows {
		t.Fatalf("%d rows kept", s.Len())
	}
	if row, _ := s.Get("deployment-0"); row.CPU.Len() != SparkPoints || cap(row.CPU.pts) != SparkPoints {
		t.Fatalf("row holds %d points in %d", row.CPU.Len(), cap(row.CPU.pts))
	}
	used := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(s)
	t.Logf("%d deployments with full sparklines: %.1f MB of heap (%d B per deployment)", rows, float64(used)/(1<<20), used/rows)
	if used > 20<<20 {
		t.Fatalf("%d deployments use %.1f MB of heap, want under 20 MB", rows, float64(used)/(1<<20))
	}
}

func TestHumanize(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{
		{12.5, UnitCPU, "12.5%"},
		{0, UnitCPU, "0%"},
		{100, UnitCPU, "100%"},
		{7.04, UnitCPU, "7%"},
		{99.96, UnitCPU, "100%"},
		{1228.8, UnitMem, "1.2 GB"},
		{512, UnitMem, "512 MB"},
		{0.5, UnitMem, "0.5 MB"},
		{3.4 * 1024 * 1024, UnitRate, "3.4 MB/s"},
		{850, UnitRate, "850 B/s"},
		{999.4, UnitRate, "999 B/s"},
		{999.6, UnitRate, "1 KB/s"},
		{1536, UnitRate, "1.5 KB/s"},
		{0, UnitRate, "0 B/s"},
		{-0.01, UnitRate, "0 B/s"},
		{1536, UnitBytes, "1.5 KB"},
		{5 << 50, UnitBytes, "5 PB"},
		{5 << 60, UnitBytes, "5120 PB"},
		{42, "req", "42 req"},
		{42.25, "", "42.2"},
		{math.NaN(), UnitCPU, "n/a"},
		{math.Inf(1), UnitRate, "n/a"},
	} {
		if got := Humanize(tc.v, tc.unit); got != tc.want {
			t.Errorf("Humanize(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

func BenchmarkSeriesAdd(b *testing.B) {
	b.Run("in order", func(b *testing.B) {
		s := NewSeries(SparkPoints * 6)
		b.ReportAllocs()
		for i := range b.N {
			s.Add(Point{T: metricsAt(i), V: float64(i)})
		}
	})
	b.Run("out of order", func(b *testing.B) {
		s := NewSeries(SparkPoints * 6)
		b.ReportAllocs()
		for i := range b.N {
			s.Add(Point{T: metricsAt(i - i%7*3), V: float64(i)})
		}
	})
}
