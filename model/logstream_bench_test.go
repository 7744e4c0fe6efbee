package model

import (
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/api"
)

// Benchmark shape: a 10 MB window of 100,000 lines of about 100 bytes
// (every 7th with SGR colours), sliding by 1,000 lines (1%) per poll.
const (
	logBenchWindow = 100_000
	logBenchSlide  = 1_000
	logBenchSlides = 40
)

// logBenchWindows returns logBenchSlides+1 snapshots of the sliding window, all
// substrings of one log.
func logBenchWindows(b *testing.B) []*api.ContainerLogs {
	b.Helper()
	log := logBig(0, logBenchWindow+logBenchSlides*logBenchSlide)
	starts := make([]int, 0, logBenchSlides+logBenchWindow/logBenchSlide+2)
	for off, n := 0, 0; off < len(log); n++ {
		if n%logBenchSlide == 0 {
			starts = append(starts, off)
		}
		off += strings.IndexByte(log[off:], '\n') + 1
	}
	starts = append(starts, len(log))
	snaps := make([]*api.ContainerLogs, logBenchSlides+1)
	for i := range snaps {
		snaps[i] = logSnap(log[starts[i]:starts[i+logBenchWindow/logBenchSlide]])
	}
	if n := len(snaps[0].Logs); n < 10_000_000 || n > 12_000_000 {
		b.Fatalf("window of %d bytes, want about 10 MB", n)
	}
	return snaps
}

// BenchmarkLogMerge measures one merge of a 10 MB snapshot whose last 1%
// is new (1% -new), the same snapshot again (no-change), and a first merge
// of a whole 10 MB snapshot into a default stream (first).
func BenchmarkLogMerge(b *testing.B) {
	snaps := logBenchWindows(b)
	b.Run("1%-new", func(b *testing.B) {
		b.ReportAllocs()
		var s *LogStream
		i := len(snaps)
		for b.Loop() {
			if i == len(snaps) {
				b.StopTimer()
				s = NewLogStream(0)
				s.Merge(snaps[0])
				i = 1
				b.StartTimer()
			}
			if r := s.Merge(snaps[i]); r.Added != logBenchSlide {
				b.Fatalf("merge %d added %d lines, want %d", i, r.Added, logBenchSlide)
			}
			i++
		}
	})
	b.Run("no-change", func(b *testing.B) {
		b.ReportAllocs()
		s := NewLogStream(0)
		s.Merge(snaps[0])
		same := logSnap(strings.Clone(snaps[0].Logs))
		for b.Loop() {
			if r := s.Merge(same); r.Added != 0 {
				b.Fatalf("added %d", r.Added)
			}
		}
	})
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			NewLogStream(0).Merge(snaps[0])
		}
	})
}
