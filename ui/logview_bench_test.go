package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// benchLogLine is line n of the benchmark's log, about 100 bytes, some
// coloured.
func benchLogLine(b *strings.Builder, n int) {
	if n%10 == 0 {
		fmt.Fprintf(b, "2026-05-04T12:00:00.000Z \x1b[33mWARN\x1b[0m  [match %06d] tick %08d players=12 ping=34ms state=degraded\n", n%997, n)
		return
	}
	fmt.Fprintf(b, "2026-05-04T12:00:00.000Z INFO  [match %06d] tick %08d players=12 ping=34ms state=ok lag=0\n", n%997, n)
}

// benchSnapshot is the log window a poll would serve: the 1,000 lines
// before from, already seen, then lines [from, to).
func benchSnapshot(from, to int) *api.ContainerLogs {
	var b strings.Builder
	b.Grow((to - from + 1000) * 110)
	for n := max(0, from-1000); n < to; n++ {
		benchLogLine(&b, n)
	}
	return &api.ContainerLogs{Logs: b.String()}
}

// BenchmarkLogViewAppend: 1,000 new lines merged into a stream already
// holding 100,000 lines at cap 100,000, then the view rendered at 200x50
// while following.
func BenchmarkLogViewAppend(b *testing.B) {
	const total, batch = 100_000, 1_000
	env := &Env{Styles: theme.NewStyles(theme.Default(), false), Keys: DefaultKeyMap(), LogCap: total}
	v := newLogView(env, model.NewDeployments(), []string{"0123456789ab"}).(*logView)
	v.SetSize(200, 50)
	for from := 0; from < total; from += 10_000 {
		v.merge(0, benchSnapshot(from, from+10_000))
	}
	if v.buf().Len() != total {
		b.Fatalf("buffer holds %d lines", v.buf().Len())
	}
	_ = v.View()
	next := total
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		snap := benchSnapshot(next, next+batch)
		next += batch
		b.StartTimer()
		v.merge(0, snap)
		if out := v.View(); len(out) == 0 {
			b.Fatal("empty view")
		}
	}
	b.StopTimer()
	if !v.follow || v.buf().Len() != total || v.buf().LastSeq() != uint64(next) {
		b.Fatalf("follow=%v len=%d last=%d want %d", v.follow, v.buf().Len(), v.buf().LastSeq(), next)
	}
}
