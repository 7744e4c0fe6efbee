package events

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/adrg/xdg"
)

// Persistence defaults.
const (
	// DefaultMaxBytes caps an events file: past it, the newest half is
	// kept.
	DefaultMaxBytes = 16 << 20
	// DefaultKeep is how old an event read back at start may be.
	DefaultKeep = 24 * time.Hour
)

// DefaultPath is where profile's events are kept:
// $XDG_STATE_HOME/gapdeck/events/<profile>.jsonl
// (~/.local/state/gapdeck/events/<profile>.jsonl on Linux).
func DefaultPath(profile string) string {
	return filepath.Join(xdg.StateHome, "gapdeck", "events", profile+".jsonl")
}

// StoreOptions tune a Store; zero values are the defaults.
type StoreOptions struct {
	MaxBytes int64            // the file's cap (DefaultMaxBytes)
	Keep     time.Duration    // events older are not read back (DefaultKeep)
	Now      func() time.Time // the clock (time.Now)
	Log      *slog.Logger     // where unreadable lines and write failures are told (none)
}

// LoadReport is what Open read back.
type LoadReport struct {
	Loaded  int // events put into the log
	Old     int // events older than Keep, left out
	Skipped int // lines that are not an event (corrupt, cut short, out of order)

	cutShort bool // the file does not end with a newline
}

// Store keeps a Log in a file of JSON lines, one event a line: Open reads
// the file back into the log, then every event appended to the log is
// written by the Store's own goroutine, so recording never waits on the
// disk. It is safe for concurrent use.
type Store struct {
	path     string
	log      *Log
	maxBytes int64
	logger   *slog.Logger
	kick     chan struct{} // buffered 1: events were appended
	stop     chan struct{}
	done     chan struct{}

	mu      sync.Mutex // guards what follows: the writer goroutine and Sync
	f       *os.File
	size    int64
	written uint64 // the Seq of the last event written
	err     error  // the last write failure (nil: none since)
	buf     bytes.Buffer
}

// Open reads the events file at path into log (which must be empty),
// creating the file (0600) and its directory (0700) if missing, and
// writes every event appended to log from now on. A line that is not an
// event is skipped and counted, never fatal; only a file that cannot be
// opened at all is an error.
func Open(path string, log *Log, o StoreOptions) (*Store, LoadReport, error) {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Keep <= 0 {
		o.Keep = DefaultKeep
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, LoadReport{}, fmt.Errorf("events: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, LoadReport{}, fmt.Errorf("events: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, LoadReport{}, fmt.Errorf("events: %w", err)
	}
	evs, lastSeq, size, rep, err := readEvents(f, o.Now().Add(-o.Keep))
	if err != nil {
		f.Close()
		return nil, rep, fmt.Errorf("events: reading %s: %w", path, err)
	}
	if rep.cutShort { // end the cut line, so the next event starts its own
		n, err := f.Write([]byte{'\n'})
		size += int64(n)
		if err != nil {
			f.Close()
			return nil, rep, fmt.Errorf("events: %w", err)
		}
	}
	log.Restore(evs, lastSeq)
	if rep.Skipped > 0 {
		o.Log.Warn("events: unreadable lines skipped", "file", path, "skipped", rep.Skipped, "loaded", rep.Loaded)
	}
	s := &Store{path: path, log: log, maxBytes: o.MaxBytes, logger: o.Log,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		f: f, size: size, written: log.Seq()}
	log.OnAppend(s.wake)
	go s.run()
	return s, rep, nil
}

// readEvents reads every line of r: the events not older than since, in
// order, the highest Seq read, and the bytes read.
func readEvents(r io.Reader, since time.Time) (evs []Event, lastSeq uint64, size int64, rep LoadReport, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, rerr := br.ReadBytes('\n')
		size += int64(len(line))
		if len(bytes.TrimSpace(line)) > 0 {
			var e Event
			switch {
			case json.Unmarshal(line, &e) != nil || e.Seq <= lastSeq || e.At.IsZero():
				rep.Skipped++ // corrupt, cut short by a crash, or out of order
			case e.At.Before(since):
				rep.Old++
				lastSeq = e.Seq
			default:
				rep.Loaded++
				lastSeq = e.Seq
				evs = append(evs, e)
			}
		}
		if errors.Is(rerr, io.EOF) {
			rep.cutShort = len(line) > 0 // the last line has no newline
			return evs, lastSeq, size, rep, nil
		}
		if rerr != nil {
			return nil, 0, 0, rep, rerr
		}
	}
}

// Path is the events file.
func (s *Store) Path() string { return s.path }

// Err is the last failure to write the file (nil: none since the last
// write that worked).
func (s *Store) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// wake tells the writer there is something to write; it never blocks.
func (s *Store) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// run writes what was appended until Close.
func (s *Store) run() {
	defer close(s.done)
	for {
		select {
		case <-s.kick:
			s.Sync()
		case <-s.stop:
			s.Sync()
			return
		}
	}
}

// Sync writes the events appended and not yet written, and compacts the
// file when it is over its cap. The writer goroutine calls it; tests may
// too.
func (s *Store) Sync() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return
	}
	evs := s.log.Since(s.written)
	if len(evs) == 0 {
		return
	}
	s.buf.Reset()
	for i := range evs {
		b, err := json.Marshal(&evs[i])
		if err != nil {
			s.fail(fmt.Errorf("encoding event %d: %w", evs[i].Seq, err))
			continue
		}
		s.buf.Write(b)
		s.buf.WriteByte('\n')
	}
	n, err := s.f.Write(s.buf.Bytes())
	s.size += int64(n)
	if err != nil {
		s.fail(err)
		return
	}
	s.written = evs[len(evs)-1].Seq
	if s.err != nil {
		s.logger.Info("events: writing works again", "file", s.path)
		s.err = nil
	}
	if s.size > s.maxBytes {
		if err := s.compact(); err != nil {
			s.fail(fmt.Errorf("keeping the newest half: %w", err))
		}
	}
}

// fail notes a write failure, telling the log about the first of a run.
func (s *Store) fail(err error) {
	if s.err == nil {
		s.logger.Error("events: cannot write the events file; the feed stays in memory", "file", s.path, "err", err)
	}
	s.err = err
}

// compact keeps the newest half of the file (whole lines): it writes them
// to a temporary file beside it and renames that over it, so a crash
// leaves the old file or the new one, never half of one.
func (s *Store) compact() error {
	data, err := os.ReadFile(s.path)
	if err != nil {
		return err
	}
	cut := len(data) - int(s.maxBytes/2)
	if cut <= 0 {
		s.size = int64(len(data))
		return nil
	}
	i := bytes.IndexByte(data[cut:], '\n')
	if i < 0 {
		data = nil
	} else {
		data = data[cut+i+1:]
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), filepath.Base(s.path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	s.f.Close() // before the rename: Windows does not replace an open file
	renamed := os.Rename(tmp.Name(), s.path)
	if renamed != nil {
		os.Remove(tmp.Name())
	}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.f = nil // nothing more is written; Err says why
		return errors.Join(renamed, err)
	}
	s.f = f
	if renamed != nil {
		return renamed // the old file, whole, goes on
	}
	s.size = int64(len(data))
	return nil
}

// Close writes what is left and closes the file; later events stay in
// the log only.
func (s *Store) Close() error {
	s.log.OnAppend(nil)
	select {
	case <-s.done:
		return nil
	default:
	}
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil // lost after a failed compaction (Err said so)
	}
	err := s.f.Close()
	s.f = nil
	if errors.Is(err, fs.ErrClosed) {
		err = nil
	}
	return err
}
