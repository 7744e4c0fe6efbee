package model

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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

// AuditEntry is one mutating action in the audit file (one JSON object per
// line).
type AuditEntry struct {
	Time       time.Time `json:"time"` // UTC, RFC 3339 with ms
	Profile    string    `json:"profile"`
	APIHost    string    `json:"api_host"`
	Action     string    `json:"action"`  // "stop", "bulk-stop", "tag-add", ...
	Targets    []string  `json:"targets"` // request ids, "fleet/policy", ...
	Outcome    string    `json:"outcome"` // "ok", "accepted", "already terminated", "failed: <message>", "refused: read-only"
	HTTPStatus int       `json:"http_status,omitempty"`
	Detail     string    `json:"detail,omitempty"`
}

// auditEntryJSON is AuditEntry with the time as a preformatted string.
type auditEntryJSON struct {
	Time       string   `json:"time"`
	Profile    string   `json:"profile"`
	APIHost    string   `json:"api_host"`
	Action     string   `json:"action"`
	Targets    []string `json:"targets"`
	Outcome    string   `json:"outcome"`
	HTTPStatus int      `json:"http_status,omitempty"`
	Detail     string   `json:"detail,omitempty"`
}

// MarshalJSON writes the time in UTC with millisecond precision and
// targets as [] rather than null.
func (e AuditEntry) MarshalJSON() ([]byte, error) {
	targets := e.Targets
	if targets == nil {
		targets = []string{}
	}
	return json.Marshal(auditEntryJSON{
		Time:       e.Time.UTC().Format(AuditTimeFormat),
		Profile:    e.Profile,
		APIHost:    e.APIHost,
		Action:     e.Action,
		Targets:    targets,
		Outcome:    e.Outcome,
		HTTPStatus: e.HTTPStatus,
		Detail:     e.Detail,
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
	secrets []string
	now     func() time.Time
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

// Path is the file the log appends to.
func (l *AuditLog) Path() string { return l.path }

// redact replaces every secret in s.
func (l *AuditLog) redact(s string) string {
	for _, sec := range l.secrets {
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
	for _, sec := range l.secrets {
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
