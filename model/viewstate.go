package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/adrg/xdg"
)

// ViewState is what the console remembers between runs: the last profile,
// each tab's sort and hidden columns, and the filters typed on each table
// (its filter history). It is plain data; the ui package collects and
// applies it.
//
// Filters are remembered as history, never restored as active filters: a
// console opened during an incident must show every row, not hide most of
// them behind a filter typed last week. The last filter is one `up` away
// on the filter line.
type ViewState struct {
	// Profile is the profile last used (switched to or started with).
	Profile string `json:"profile,omitempty"`
	// Tabs is each tab's state, by tab name ("Deployments", "Fleets").
	Tabs map[string]TabState `json:"tabs,omitempty"`
	// History is the filters submitted on each kind of table, by kind
	// ("Deployments", "Hosts"): newest first, without duplicates, at most
	// FilterHistoryMax each. Use AddFilter and Filters.
	History map[string][]string `json:"history,omitempty"`
}

// FilterHistoryMax is how many filters the history keeps per table kind.
const FilterHistoryMax = 50

// TabState is one tab's remembered sort and hidden columns.
type TabState struct {
	Sort string `json:"sort,omitempty"` // column key; empty: the tab's default
	Desc bool   `json:"desc,omitempty"`
	// Filter is the `/` filter of a state file written before filters
	// stopped being restored. LoadViewState moves it into the history and
	// clears it; nothing sets it any more.
	Filter string   `json:"filter,omitempty"`
	Hidden []string `json:"hidden,omitempty"` // column keys hidden with :cols
	Shown  []string `json:"shown,omitempty"`  // optional columns (hidden until asked for) shown with :cols
}

// AddFilter records a submitted filter as the newest of kind's history:
// surrounding space is trimmed, an empty filter is not recorded, an equal
// older entry is dropped, and the oldest entries beyond FilterHistoryMax
// are forgotten.
func (s *ViewState) AddFilter(kind, filter string) {
	filter = strings.TrimSpace(filter)
	if filter == "" {
		return
	}
	h := slices.DeleteFunc(slices.Clone(s.History[kind]), func(e string) bool { return e == filter })
	h = append([]string{filter}, h...)
	if len(h) > FilterHistoryMax {
		h = h[:FilterHistoryMax]
	}
	if s.History == nil {
		s.History = map[string][]string{}
	}
	s.History[kind] = h
}

// Filters is kind's filter history, newest first. The caller must not
// change it.
func (s *ViewState) Filters(kind string) []string {
	if s == nil {
		return nil
	}
	return s.History[kind]
}

// migrateFilters moves the active filters of an older state file into the
// history, behind the entries already there (they are newer): the filter
// stays one `up` away, it no longer hides rows at start.
func (s *ViewState) migrateFilters() {
	for name, ts := range s.Tabs {
		f := strings.TrimSpace(ts.Filter)
		if ts.Filter == "" {
			continue
		}
		ts.Filter = ""
		if ts.Equal(TabState{}) {
			delete(s.Tabs, name)
		} else {
			s.Tabs[name] = ts
		}
		if f == "" || slices.Contains(s.History[name], f) {
			continue
		}
		if s.History == nil {
			s.History = map[string][]string{}
		}
		if len(s.History[name]) < FilterHistoryMax {
			s.History[name] = append(s.History[name], f)
		}
	}
}

// Equal reports whether two tab states are the same.
func (t TabState) Equal(o TabState) bool {
	return t.Sort == o.Sort && t.Desc == o.Desc && t.Filter == o.Filter && slices.Equal(t.Hidden, o.Hidden) && slices.Equal(t.Shown, o.Shown)
}

// Clone returns a deep copy of s (nil stays nil).
func (s *ViewState) Clone() *ViewState {
	if s == nil {
		return nil
	}
	c := &ViewState{Profile: s.Profile}
	if s.History != nil {
		c.History = make(map[string][]string, len(s.History))
		for k, v := range s.History {
			c.History[k] = slices.Clone(v)
		}
	}
	if s.Tabs != nil {
		c.Tabs = make(map[string]TabState, len(s.Tabs))
		for k, v := range s.Tabs {
			v.Hidden = slices.Clone(v.Hidden)
			v.Shown = slices.Clone(v.Shown)
			c.Tabs[k] = v
		}
	}
	return c
}

// Equal reports whether two view states hold the same things.
func (s *ViewState) Equal(o *ViewState) bool {
	if s == nil || o == nil {
		return s == o
	}
	if s.Profile != o.Profile || len(s.Tabs) != len(o.Tabs) || len(s.History) != len(o.History) {
		return false
	}
	for k, v := range s.History {
		if w, ok := o.History[k]; !ok || !slices.Equal(v, w) {
			return false
		}
	}
	for k, v := range s.Tabs {
		if w, ok := o.Tabs[k]; !ok || !v.Equal(w) {
			return false
		}
	}
	return true
}

// DefaultViewStatePath is $XDG_STATE_HOME/gapdeck/state.json.
func DefaultViewStatePath() string {
	return filepath.Join(xdg.StateHome, "gapdeck", "state.json")
}

// SavedLogsDir is $XDG_STATE_HOME/gapdeck/logs, where the logs view saves
// what it shows (~/.local/state/gapdeck/logs without XDG_STATE_HOME).
func SavedLogsDir() string {
	return filepath.Join(xdg.StateHome, "gapdeck", "logs")
}

// LoadViewState reads the view state at path. It always returns a usable
// state: a missing file is an empty state and no error; an unreadable or
// corrupt file is an empty state and an error saying so, for the console
// to report. A corrupt file is moved aside (path.corrupt-<time>, named in
// the error) so it is reported once, not at every start until something
// happens to be saved. A filter an older file holds as a tab's active
// filter is moved into that tab's filter history (see ViewState).
func LoadViewState(path string) (*ViewState, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &ViewState{}, nil
	case err != nil:
		return &ViewState{}, fmt.Errorf("view state %s unreadable, ignored: %w", path, err)
	}
	var s ViewState
	if err := json.Unmarshal(data, &s); err != nil {
		aside, merr := moveAside(path, time.Now())
		if merr != nil {
			return &ViewState{}, fmt.Errorf("view state %s is corrupt (%v), ignored; it could not be moved aside (%v): delete it", path, err, merr)
		}
		return &ViewState{}, fmt.Errorf("view state %s was corrupt, moved aside to %s; starting with the defaults (%v)", path, filepath.Base(aside), err)
	}
	s.migrateFilters()
	return &s, nil
}

// moveAside renames path to path.corrupt-<UTC time>, with a counter when
// that name is taken, and returns the new name.
func moveAside(path string, now time.Time) (string, error) {
	base := path + ".corrupt-" + now.UTC().Format("20060102T150405Z")
	aside := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(aside); errors.Is(err, fs.ErrNotExist) {
			break
		}
		if i > 100 {
			return "", fmt.Errorf("%s and 99 others exist", base)
		}
		aside = fmt.Sprintf("%s-%d", base, i)
	}
	if err := os.Rename(path, aside); err != nil {
		return "", err
	}
	return aside, nil
}

// SaveViewState writes s to path atomically: a temporary file in the same
// directory, synced, then renamed over path, so a crash never leaves a
// half-written file.
func SaveViewState(path string, s *ViewState) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("view state: %w", err)
	}
	if err := WriteFileAtomic(path, append(data, '\n')); err != nil {
		return fmt.Errorf("view state: %w", err)
	}
	return nil
}
