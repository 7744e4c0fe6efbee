package watchlist

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/adrg/xdg"

	"github.com/gapdeck/gapdeck/model"
)

// DefaultPath is $XDG_STATE_HOME/gapdeck/watches.json, next to the view
// state.
func DefaultPath() string {
	return filepath.Join(xdg.StateHome, "gapdeck", "watches.json")
}

// file is the watches file: every profile's watches.
type file struct {
	Profiles map[string][]Watch `json:"profiles"`
}

// Load reads profile's watches from path. A missing file is no watches
// and no error; an unreadable or corrupt file is no watches and an error
// saying so (the file is left as it is, for the person to look at).
// Watches the file holds that no longer parse are dropped and reported.
func Load(path, profile string) (*List, error) {
	f, err := readFile(path)
	if err != nil {
		return &List{}, err
	}
	l := &List{}
	var bad []string
	for _, w := range f.Profiles[profile] {
		pw, err := Parse(string(w.Kind), w.Value)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		l.Add(pw)
	}
	if len(bad) > 0 {
		return l, fmt.Errorf("watches %s: ignored %d invalid: %s", path, len(bad), bad[0])
	}
	return l, nil
}

func readFile(path string) (*file, error) {
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &file{Profiles: map[string][]Watch{}}, nil
	case err != nil:
		return nil, fmt.Errorf("watches %s unreadable: %w", path, err)
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("watches %s is corrupt (%v): fix or delete it", path, err)
	}
	if f.Profiles == nil {
		f.Profiles = map[string][]Watch{}
	}
	return &f, nil
}

// Save writes profile's watches into path, keeping the other profiles',
// atomically (a temporary file in the same directory, synced, renamed):
// a 0600 file in a 0700 directory. A corrupt file is not overwritten.
func Save(path, profile string, l *List) error {
	f, err := readFile(path)
	if err != nil {
		return err
	}
	if l.Len() == 0 {
		delete(f.Profiles, profile)
	} else {
		f.Profiles[profile] = l.All()
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("watches: %w", err)
	}
	if err := model.WriteFileAtomic(path, append(data, '\n')); err != nil {
		return fmt.Errorf("watches: %w", err)
	}
	return nil
}
