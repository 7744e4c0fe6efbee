package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"
)

// stateHome points XDG_STATE_HOME (and HOME) at test values and reloads
// adrg/xdg, which reads them once at init; the cleanup reloads it again
// after the variables are restored.
func stateHome(t *testing.T, state, home string) {
	t.Helper()
	t.Cleanup(xdg.Reload) // runs after the Setenv cleanups below
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", state)
	xdg.Reload()
}

// savedPath is the file the logs view's flash says it saved to.
func savedPath(t *testing.T, h *harness) string {
	t.Helper()
	if h.app.flashErr {
		t.Fatalf("save failed: %s", h.app.flashText)
	}
	_, path, ok := strings.Cut(string(h.app.flashText), " to ")
	if !ok {
		t.Fatalf("flash %q names no file", h.app.flashText)
	}
	return path
}

// TestLogViewSavesUnderTheStateDir: the logs view's save key writes to
// $XDG_STATE_HOME/gapdeck/logs/ (0700 directory, 0600 file) and the flash
// gives the full path; without XDG_STATE_HOME that is
// ~/.local/state/gapdeck/logs, never the shared temporary directory.
func TestLogViewSavesUnderTheStateDir(t *testing.T) {
	for _, tc := range []struct{ name, state, want string }{
		{"XDG_STATE_HOME", "state", "state/gapdeck/logs"},
		{"no XDG_STATE_HOME", "", "home/.local/state/gapdeck/logs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			state := tc.state
			if state != "" {
				state = filepath.Join(dir, state)
			}
			stateHome(t, state, filepath.Join(dir, "home"))
			h := newLogHarness(t)
			openLogs(h, quietID(t, h))
			h.press("s")
			path := savedPath(t, h)
			if want := filepath.Join(dir, tc.want); filepath.Dir(path) != want {
				t.Fatalf("saved to %s, want a file in %s", path, want)
			}
			if !filepath.IsAbs(path) {
				t.Errorf("the flash gives %s, not a full path", path)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("file mode %v, want 0600", info.Mode().Perm())
			}
			if info, err := os.Stat(filepath.Dir(path)); err != nil || info.Mode().Perm() != 0o700 {
				t.Errorf("directory %s: %v %v, want mode 0700", filepath.Dir(path), info.Mode().Perm(), err)
			}
		})
	}
}

// TestLogViewSaveWithoutAStateDir: when the state directory cannot be
// created the save fails with a message naming it and the fix, and
// nothing is written anywhere else (no temporary-directory fallback).
func TestLogViewSaveWithoutAStateDir(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	stateHome(t, blocker, filepath.Join(dir, "home"))
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	h := newLogHarness(t)
	openLogs(h, quietID(t, h))
	h.press("s")
	if !h.app.flashErr {
		t.Fatalf("save succeeded: %s", h.app.flashText)
	}
	for _, want := range []string{"save logs", filepath.Join(blocker, "gapdeck", "logs"), "not a directory", "XDG_STATE_HOME"} {
		if !strings.Contains(string(h.app.flashText), want) {
			t.Errorf("flash %q lacks %q", h.app.flashText, want)
		}
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("the logs went to the temporary directory instead: %v", entries)
	}
}

// TestSavedLogsNameStaysInItsDirectory: request ids come from the API; a
// hostile one ("../..", "/etc/x", control characters, 10 KB) cannot move
// the saved file out of its directory or past the file name limit.
func TestSavedLogsNameStaysInItsDirectory(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	if got := savedLogsName([]string{"61fa790a202a", "b2c3"}, at); got != "gapdeck-logs-61fa790a202a_b2c3-20261203T100000.000.log" {
		t.Errorf("plain ids: %q", got)
	}
	for _, ids := range [][]string{
		{"../../../../etc/cron.d/x"}, {"/etc/passwd"}, {"a\x00b", "\x1b]0;pwned\x07"}, {"..", "."},
		{strings.Repeat("long", 2500)}, {"\u202eevil", "ünï"},
	} {
		name := savedLogsName(ids, at)
		dir := "/state/gapdeck/logs"
		if p := filepath.Join(dir, name); filepath.Dir(p) != dir || filepath.Base(p) != name {
			t.Errorf("ids %q give %q, which leaves %s", ids, name, dir)
		}
		if len(name) > 200 {
			t.Errorf("ids %q give a %d-byte name", ids, len(name))
		}
		for _, r := range name {
			if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				t.Errorf("ids %q give %q, with %q in it", ids, name, r)
			}
		}
	}
}
