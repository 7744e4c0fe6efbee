package events

import (
	"sync"
)

// DefaultCapacity is how many events a Log keeps by default.
const DefaultCapacity = 50_000

// Log is a bounded ring of events, oldest dropped first. Its methods are
// safe for concurrent use: the engine appends, every view reads.
type Log struct {
	mu   sync.Mutex
	ring []Event // capacity cap; start is the oldest when full
	cap  int
	head int    // index of the oldest event when len(ring) == cap
	seq  uint64 // the last Seq given

	onAppend func() // called after each Append, outside the lock
}

// NewLog returns an empty log keeping at most capacity events (<= 0:
// DefaultCapacity).
func NewLog(capacity int) *Log {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Log{cap: capacity}
}

// Append numbers e (Seq) and keeps it, dropping the oldest event when the
// log is full. It returns the event as kept.
func (l *Log) Append(e Event) Event {
	l.mu.Lock()
	l.seq++
	e.Seq = l.seq
	l.push(e)
	hook := l.onAppend
	l.mu.Unlock()
	if hook != nil {
		hook()
	}
	return e
}

// OnAppend sets f to be called after every Append (nil: none), outside
// the log's lock: the persistence's wake-up. f must not block.
func (l *Log) OnAppend(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.onAppend = f
}

// Restore puts events read back from a previous run into an empty log,
// with their Seq (increasing; any other is left out); the next Append
// continues after the last of them or lastSeq, whichever is greater (the
// numbering of events read but too old to keep). It is for loading,
// before the log is used.
func (l *Log) Restore(events []Event, lastSeq uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range events {
		if e.Seq <= l.seq {
			continue
		}
		l.seq = e.Seq
		l.push(e)
	}
	l.seq = max(l.seq, lastSeq)
}

// Newest is the newest event held (false: none).
func (l *Log) Newest() (Event, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ring) == 0 {
		return Event{}, false
	}
	return l.at(len(l.ring) - 1), true
}

// push keeps e as numbered.
func (l *Log) push(e Event) {
	if len(l.ring) < l.cap {
		l.ring = append(l.ring, e)
		return
	}
	l.ring[l.head] = e
	l.head = (l.head + 1) % l.cap
}

// Seq is the number of the newest event (0: none yet).
func (l *Log) Seq() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq
}

// Len is how many events the log holds.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.ring)
}

// at is the i-th oldest event held.
func (l *Log) at(i int) Event {
	if len(l.ring) < l.cap {
		return l.ring[i]
	}
	return l.ring[(l.head+i)%l.cap]
}

// Since returns the events after seq, oldest first (all held when seq is
// older than the oldest).
func (l *Log) Since(seq uint64) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.ring)
	if n == 0 || seq >= l.seq {
		return nil
	}
	first := l.at(0).Seq
	skip := 0
	if seq >= first {
		skip = int(seq - first + 1)
	}
	out := make([]Event, 0, n-skip)
	for i := skip; i < n; i++ {
		out = append(out, l.at(i))
	}
	return out
}

// All returns every event held, oldest first.
func (l *Log) All() []Event { return l.Since(0) }
