package model

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/adrg/xdg"
)

// AuditTimeFormat is the layout of AuditEntry.Time in the audit file: UTC,
// RFC 3339 with milliseconds.
const AuditTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// auditRedacted replaces every secret found in an audit entry.
const auditRedacted = "[redacted]"

// Audit outcomes that are not an answer of the API. An action is written
// twice: OutcomeAttempted before its request is sent, then its outcome
// (same ID). An outcome starting with OutcomeUnknown means the request may
// have reached the server but no answer came (connection lost after
// sending, the console quit or lost its terminal first); a later record
// with the same ID and an outcome starting with OutcomeResolved says what
// a re-read of the targets found.
const (
	OutcomeAttempted = "attempted"
	OutcomeUnknown   = "unknown"
	OutcomeResolved  = "resolved"
)

// AuditEntry is one record of a mutating action in the audit file (one
// JSON object per line).
type AuditEntry struct {
	ID         string    `json:"id,omitempty"` // the action's id: its attempt and its outcome share it
	Time       time.Time `json:"time"`         // UTC, RFC 3339 with ms
	Profile    string    `json:"profile"`
	APIHost    string    `json:"api_host"`
	Action     string    `json:"action"`  // "stop", "bulk-stop", "tag-add", ...
	Targets    []string  `json:"targets"` // request ids, "fleet/policy", ...
	Outcome    string    `json:"outcome"` // "attempted", "ok", "accepted", "already terminated", "failed: <message>", "unknown — check: <why>", "resolved: <what>"
	HTTPStatus int       `json:"http_status,omitempty"`
	Detail     string    `json:"detail,omitempty"`
	Actor      *Actor    `json:"actor,omitempty"` // who acted
}

// Actor is the person behind an action: the local user of a console, or
// the person of a `gapdeck serve` session (name, key fingerprint, role,
// remote address).
type Actor struct {
	Name        string `json:"name"`
	Role        string `json:"role"` // "local", "operator"
	Fingerprint string `json:"fingerprint,omitempty"`
	Remote      string `json:"remote,omitempty"`
}

// auditEntryJSON is AuditEntry with the time as a preformatted string.
type auditEntryJSON struct {
	ID         string   `json:"id,omitempty"`
	Time       string   `json:"time"`
	Profile    string   `json:"profile"`
	APIHost    string   `json:"api_host"`
	Action     string   `json:"action"`
	Targets    []string `json:"targets"`
	Outcome    string   `json:"outcome"`
	HTTPStatus int      `json:"http_status,omitempty"`
	Detail     string   `json:"detail,omitempty"`
	Actor      *Actor   `json:"actor,omitempty"`
}

// MarshalJSON writes the time in UTC with millisecond precision and
// targets as [] rather than null.
func (e AuditEntry) MarshalJSON() ([]byte, error) {
	targets := e.Targets
	if targets == nil {
		targets = []string{}
	}
	return json.Marshal(auditEntryJSON{
		ID:         e.ID,
		Time:       e.Time.UTC().Format(AuditTimeFormat),
		Profile:    e.Profile,
		APIHost:    e.APIHost,
		Action:     e.Action,
		Targets:    targets,
		Outcome:    e.Outcome,
		HTTPStatus: e.HTTPStatus,
		Detail:     e.Detail,
		Actor:      e.Actor,
	})
}

// AuditLog appends AuditEntries to a JSON-lines file. It is safe for
// concurrent use. Secrets given to OpenAuditLog are redacted from every
// field before an entry is written, and an entry that would still contain a
// secret is refused, so the file never holds them.
type AuditLog struct {
	mu      sync.Mutex
	path    string
	f       *os.File
	secMu   sync.Mutex
	secrets []string // grows by copy (AddSecret), so a read slice stays valid
	now     func() time.Time
	pending map[string]AuditEntry // attempts begun, outcome not yet (by ID)
	// unwritten are the pending attempts reserved (Reserve) whose record
	// is not written yet (WriteBegin, or Abandon writes it first).
	unwritten map[string]bool
	order     sync.Mutex // held across a record's check and write: an attempt is never written after its outcome
}

// DefaultAuditPath is $XDG_STATE_HOME/gapdeck/audit.jsonl.
func DefaultAuditPath() string {
	return filepath.Join(xdg.StateHome, "gapdeck", "audit.jsonl")
}

// OpenAuditLog opens (creating it and its directories if needed) the audit
// file at path for appending. Directories are created 0700 and the file is
// 0600 (an existing file is tightened to 0600). secrets, typically the API
// token, are redacted from every entry; empty secrets are ignored.
func OpenAuditLog(path string, secrets ...string) (*AuditLog, error) {
	if path == "" {
		return nil, errors.New("audit: empty path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("audit: %w", err)
	}
	l := &AuditLog{path: path, f: f, now: time.Now}
	for _, s := range secrets {
		if s != "" {
			l.secrets = append(l.secrets, s)
		}
	}
	return l, nil
}

// AddSecret redacts s from every later entry too: the token a console
// re-read from its source (ctrl+r after the API rejected the old one).
func (l *AuditLog) AddSecret(s string) {
	if s == "" {
		return
	}
	l.secMu.Lock()
	defer l.secMu.Unlock()
	if !slices.Contains(l.secrets, s) {
		l.secrets = append(slices.Clip(l.secrets), s)
	}
}

// secretList is the secrets to redact now.
func (l *AuditLog) secretList() []string {
	l.secMu.Lock()
	defer l.secMu.Unlock()
	return l.secrets
}

// Path is the file the log appends to.
func (l *AuditLog) Path() string { return l.path }

// redact replaces every secret in s.
func (l *AuditLog) redact(s string) string {
	for _, sec := range l.secretList() {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, auditRedacted)
		}
	}
	return s
}

// Append writes e as one line. A zero Time is set to now; the time is
// stored in UTC with millisecond precision. Every string field is
// redacted first.
func (l *AuditLog) Append(e AuditEntry) error {
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	e.Time = e.Time.UTC()
	e.Profile = l.redact(e.Profile)
	e.APIHost = l.redact(e.APIHost)
	e.Action = l.redact(e.Action)
	e.Outcome = l.redact(e.Outcome)
	e.Detail = l.redact(e.Detail)
	if e.Actor != nil {
		a := *e.Actor
		a.Name, a.Remote = l.redact(a.Name), l.redact(a.Remote)
		e.Actor = &a
	}
	if e.Targets != nil {
		ts := make([]string, len(e.Targets))
		for i, t := range e.Targets {
			ts[i] = l.redact(t)
		}
		e.Targets = ts
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	// Defence in depth: a secret could reappear through the redaction
	// marker itself; never write such a line.
	for _, sec := range l.secretList() {
		if bytes.Contains(line, []byte(sec)) {
			return errors.New("audit: entry still contains a secret; not written")
		}
	}
	line = append(line, '\n')

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return errors.New("audit: log is closed")
	}
	// One write per entry on an O_APPEND file, so concurrent writers
	// (even other processes) do not interleave within a line.
	if _, err := l.f.Write(line); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// NewActionID is a new action id: unique enough to pair an attempt with
// its outcome in one audit file (time and random bits).
func NewActionID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return strconv.FormatInt(time.Now().UnixMilli(), 36) + "-" + hex.EncodeToString(b[:])
}

// Begin writes the attempt of e (outcome OutcomeAttempted) before its
// request is sent, and remembers the action as pending until Finish. It
// returns the action's id (e.ID, or a new one). The id is returned even
// when the write fails, so the outcome can still be paired.
func (l *AuditLog) Begin(e AuditEntry) (string, error) {
	id := l.Reserve(e)
	return id, l.WriteBegin(id)
}

// Reserve remembers the attempt of e as pending without writing it (no
// I/O: a UI goroutine may call it) and returns its id (e.ID, or a new
// one). WriteBegin writes it, before the request is sent; an Abandon
// before that writes it first, then its unknown outcome.
func (l *AuditLog) Reserve(e AuditEntry) string {
	if e.ID == "" {
		e.ID = NewActionID()
	}
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	e.Outcome, e.HTTPStatus = OutcomeAttempted, 0
	l.mu.Lock()
	if l.pending == nil {
		l.pending = map[string]AuditEntry{}
	}
	if l.unwritten == nil {
		l.unwritten = map[string]bool{}
	}
	l.pending[e.ID] = e
	l.unwritten[e.ID] = true
	l.mu.Unlock()
	return e.ID
}

// WriteBegin writes the attempt Reserve remembered as id, unless it is
// written already (or was abandoned, which wrote it).
func (l *AuditLog) WriteBegin(id string) error {
	l.order.Lock()
	defer l.order.Unlock()
	l.mu.Lock()
	e, ok := l.pending[id]
	ok = ok && l.unwritten[id]
	delete(l.unwritten, id)
	l.mu.Unlock()
	if !ok {
		return nil
	}
	return l.Append(e)
}

// Finish writes the outcome of the action e.ID and forgets it as pending
// (its attempt first, if that is still unwritten).
func (l *AuditLog) Finish(e AuditEntry) error {
	l.order.Lock()
	defer l.order.Unlock()
	l.mu.Lock()
	begun, unwritten := l.pending[e.ID], l.unwritten[e.ID]
	delete(l.pending, e.ID)
	delete(l.unwritten, e.ID)
	l.mu.Unlock()
	if unwritten {
		if err := l.Append(begun); err != nil {
			return err
		}
	}
	return l.Append(e)
}

// Unwritten is the attempts reserved and not written yet (see Reserve), in
// no particular order: a reader of the file adds them to what it read.
func (l *AuditLog) Unwritten() []AuditEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]AuditEntry, 0, len(l.unwritten))
	for id := range l.unwritten {
		out = append(out, l.pending[id])
	}
	return out
}

// IsPending reports whether action id was begun and has no outcome yet.
func (l *AuditLog) IsPending(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.pending[id]
	return ok
}

// Pending is how many actions were begun and have no outcome yet.
func (l *AuditLog) Pending() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pending)
}

// Abandon records every pending action's outcome as unknown, for why
// ("quit before answer", "terminal lost before answer"), and returns how
// many there were. It is safe to call from any goroutine (a watchdog while
// the UI is blocked) and more than once.
func (l *AuditLog) Abandon(why string) (int, error) {
	l.order.Lock()
	defer l.order.Unlock()
	l.mu.Lock()
	list := make([]AuditEntry, 0, len(l.pending))
	for _, e := range l.pending {
		list = append(list, e)
	}
	unwritten := l.unwritten
	l.pending, l.unwritten = nil, nil
	l.mu.Unlock()
	var errs []error
	for _, e := range list {
		if unwritten[e.ID] {
			errs = append(errs, l.Append(e)) // the attempt, reserved but not written yet
		}
		e.Time = time.Time{}
		e.Outcome = OutcomeUnknown + " — " + why + ": check the targets"
		errs = append(errs, l.Append(e))
	}
	return len(list), errors.Join(errs...)
}

// Close closes the file. Appending after Close fails; closing twice is a
// no-op.
func (l *AuditLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// ReadAudit returns the last limit entries of the audit file at path,
// newest last (limit <= 0: all of them). Lines that do not parse, such as a
// last line truncated by a crash, are skipped; unknown fields are ignored.
// A missing file is not an error: it has no entries.
func ReadAudit(path string, limit int) ([]AuditEntry, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	defer f.Close()

	var (
		out  []AuditEntry
		ring []AuditEntry // the last limit entries when limit > 0
		next int          // ring write position
		full bool
	)
	if limit > 0 {
		ring = make([]AuditEntry, limit)
	}
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		line, rerr := r.ReadBytes('\n')
		line = bytes.TrimSpace(line)
		if len(line) > 0 {
			var e AuditEntry
			if json.Unmarshal(line, &e) == nil {
				if limit > 0 {
					ring[next] = e
					next++
					if next == limit {
						next, full = 0, true
					}
				} else {
					out = append(out, e)
				}
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, fmt.Errorf("audit: %w", rerr)
		}
	}
	if limit <= 0 {
		return out, nil
	}
	if !full {
		return ring[:next:next], nil
	}
	out = make([]AuditEntry, 0, limit)
	out = append(out, ring[next:]...)
	return append(out, ring[:next]...), nil
}

// AuditAction is one action of the audit file with its records paired: the
// first record (its attempt, or the only record of an entry written before
// attempts were recorded) and every outcome recorded after it.
type AuditAction struct {
	AuditEntry          // the first record; Outcome and HTTPStatus are the latest known
	Outcomes   []string // every outcome after the attempt, oldest first
	Open       bool     // attempted, no outcome recorded (in flight, or lost)
}

// PairAudit folds entries (oldest first, as ReadAudit returns them) into
// actions, oldest first: the records sharing an ID become one action.
// Entries without an ID stand alone. An outcome whose attempt is not among
// entries (cut by a limit) is its own action.
func PairAudit(entries []AuditEntry) []AuditAction {
	var out []AuditAction
	at := map[string]int{}
	for _, e := range entries {
		i, ok := at[e.ID]
		if e.ID == "" || !ok {
			a := AuditAction{AuditEntry: e, Open: e.Outcome == OutcomeAttempted}
			if !a.Open {
				a.Outcomes = []string{e.Outcome}
			}
			if e.ID != "" {
				at[e.ID] = len(out)
			}
			out = append(out, a)
			continue
		}
		a := &out[i]
		if e.Outcome == OutcomeAttempted {
			continue
		}
		if len(a.Outcomes) == 0 && len(e.Targets) > 0 {
			a.Targets = e.Targets // a deploy's outcome names the new request id
		}
		a.Open = false
		a.Outcomes = append(a.Outcomes, e.Outcome)
		a.Outcome = e.Outcome
		if e.HTTPStatus != 0 {
			a.HTTPStatus = e.HTTPStatus
		}
		if e.Detail != "" && a.Detail == "" {
			a.Detail = e.Detail
		}
	}
	return out
}
