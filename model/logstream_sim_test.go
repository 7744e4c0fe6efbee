package model

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
)

// logSimFetch fetches a deployment's container logs from a simulator; ok is
// false once the deployment is gone.
func logSimFetch(t *testing.T, h http.Handler, id string) (*api.ContainerLogs, bool) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/v1/deployment/"+id+"/container-logs", nil)
	req.Header.Set("Authorization", "token logs")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil, false
	}
	var out api.ContainerLogs
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return &out, true
}

// logSimRun accumulates the true log of a deployment's current run from a
// simulator serving a window wide enough to cover every poll interval.
type logSimRun struct {
	run   int
	lines []string
	index map[string]int
}

func (r *logSimRun) fold(t *testing.T, sn *api.ContainerLogs) {
	t.Helper()
	run := 0
	if sn.CrashData != nil {
		run = int(sn.CrashData.RestartCount)
	}
	win := strings.SplitAfter(sn.Logs, "\n")
	win = win[:len(win)-1]
	for i := range win {
		win[i] = strings.TrimSuffix(win[i], "\n")
	}
	if run != r.run || r.index == nil {
		r.run, r.lines, r.index = run, nil, map[string]int{}
	}
	from := 0
	if len(r.lines) > 0 {
		k := len(win) - 1
		for k >= 0 && win[k] != r.lines[len(r.lines)-1] {
			k--
		}
		if k < 0 && len(win) > 0 {
			t.Fatal("test setup: the truth window slid past the lines already known")
		}
		from = k + 1
	}
	for _, l := range win[from:] {
		r.index[l] = len(r.lines)
		r.lines = append(r.lines, l)
	}
}

// TestLogStreamSimulator polls the simulator's logs (a window of 30
// lines, ANSI colours, hostile chat lines, crash loops) at random
// intervals, some longer than the window, and checks the stream against
// the true log read from a twin simulator that serves whole runs.
func TestLogStreamSimulator(t *testing.T) {
	start := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	clock := sim.NewFakeClock(start)
	cfg := sim.Config{Token: "logs", Seed: 5, Clock: clock, DisableRateLimits: true}
	cfg.LogWindowLines = 30
	served := sim.New(cfg)
	cfg.LogWindowLines = 400 // 800 s: more than any pause
	truth := sim.New(cfg)
	// Watch the crash loopers among the deployments READY after 10 minutes,
	// and as many others.
	clock.Advance(10 * time.Minute)
	var loopers, others []string
	for _, id := range truth.LiveRequestIDs() {
		if sn, ok := logSimFetch(t, truth, id); ok && sn.CrashData != nil {
			loopers = append(loopers, id)
		} else if ok && sn.Logs != "" {
			others = append(others, id)
		}
	}
	ids := append(loopers, others[:min(len(others), max(len(loopers), 8))]...)
	rng := rand.New(rand.NewPCG(5, 5))
	watches := make([]*logSimWatch, len(ids))
	for i, id := range ids {
		watches[i] = &logSimWatch{id: id, s: NewLogStream(0)}
	}
	// Each step advances the clock 1–15 s and polls about a third of the
	// deployments; now and then one is left alone for 1–5 minutes, longer
	// than the 30-line window (2 s per line).
	for range 1000 {
		clock.Advance(time.Duration(1+rng.IntN(15)) * time.Second)
		for _, w := range watches {
			switch {
			case w.done || clock.Now().Before(w.pausedUntil):
			case rng.IntN(40) == 0:
				w.pausedUntil = clock.Now().Add(time.Duration(60+rng.IntN(240)) * time.Second)
			case rng.IntN(3) == 0:
				w.poll(t, served, truth)
			}
		}
	}
	var total logPropStats
	for _, w := range watches {
		w.finish(t)
		total.polls += w.st.polls
		total.ambiguous += w.st.ambiguous
		total.gaps += w.st.gaps
		total.restarts += w.st.restarts
	}
	t.Logf("%d deployments: %+v", len(ids), total)
	if total.gaps == 0 || total.restarts == 0 || total.ambiguous*20 > total.polls {
		t.Errorf("the simulator exercised too little: %+v", total)
	}
}

// logSimWatch is one deployment's log view.
type logSimWatch struct {
	id          string
	s           *LogStream
	o           logPropOracle
	run         logSimRun
	st          logPropStats
	pausedUntil time.Time
	done        bool
}

func (w *logSimWatch) poll(t *testing.T, served, truth *sim.Server) {
	t.Helper()
	sn, ok := logSimFetch(t, served, w.id)
	full, ok2 := logSimFetch(t, truth, w.id)
	if !ok || !ok2 {
		w.done = true
		return
	}
	w.run.fold(t, full)
	c := &logPropContainer{run: w.run.run, lines: w.run.lines}
	lo := len(w.run.lines) - strings.Count(sn.Logs, "\n")
	if !strings.HasSuffix(full.Logs, sn.Logs) {
		t.Fatalf("test setup: the twin simulators disagree on %s", w.id)
	}
	w.st.polls++
	exp, gap, restart, ambiguous := w.o.expect(c, lo)
	if ambiguous {
		w.st.ambiguous++
		return
	}
	r := w.s.Merge(sn)
	if want := (MergeResult{Added: len(exp), Gap: gap, Restarted: restart}); r != want {
		t.Fatalf("%s poll %d: Merge = %+v, want %+v", w.id, w.st.polls, r, want)
	}
	w.o.advance(c, lo, exp, gap, restart, "")
	w.st.gaps += logB2i(gap)
	w.st.restarts += logB2i(restart)
}

func (w *logSimWatch) finish(t *testing.T) {
	t.Helper()
	w.s.Terminated()
	w.o.want = append(w.o.want, logPropItem{kind: LineTerminated})
	checkLogPropStream(t, 0, w.id, w.s.Buffer(), w.o.want)
	for i := range w.s.Buffer().Len() {
		l := w.s.Buffer().Line(i)
		checkSanitized(t, l.Text, true, l.Text)
		if strings.Contains(l.Plain, "\x1b") {
			t.Fatalf("%s: line %q kept a sequence", w.id, l.Text)
		}
	}
}
