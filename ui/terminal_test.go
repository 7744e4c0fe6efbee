package ui

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// clearsScreen reports whether cmd yields Bubble Tea's clear-screen message
// (alone or inside a batch).
func clearsScreen(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			if clearsScreen(c) {
				return true
			}
		}
		return false
	default:
		return msg == tea.ClearScreen()
	}
}

// TestRedrawClearsScreen: ctrl+l asks Bubble Tea to clear and repaint the
// screen (after something else wrote over it), on a tab and in a sub-view,
// and changes nothing else.
func TestRedrawClearsScreen(t *testing.T) {
	t.Parallel()
	h := settled(t)
	ctrlL := tea.KeyMsg{Type: tea.KeyCtrlL}
	if !h.env.Keys.Is(ctrlL, ActRedraw) {
		t.Fatal("ctrl+l is not bound to redraw")
	}

	before := h.view()
	if cmd := h.update(ctrlL); !clearsScreen(cmd) {
		t.Fatal("ctrl+l on the Deployments tab: no clear-screen command")
	}
	if h.view() != before {
		t.Fatalf("ctrl+l changed the screen's content:\n%s\n---\n%s", before, h.view())
	}

	h.press("enter")
	if _, ok := h.app.sub.(*detailView); !ok {
		t.Fatalf("enter opened %T, not the detail view", h.app.sub)
	}
	if cmd := h.update(ctrlL); !clearsScreen(cmd) {
		t.Fatal("ctrl+l in the detail view: no clear-screen command")
	}
	if _, ok := h.app.sub.(*detailView); !ok {
		t.Fatalf("ctrl+l left the detail view for %T", h.app.sub)
	}

	h.press("esc")
	h.press("?")
	if cmd := h.update(ctrlL); !clearsScreen(cmd) || h.app.mode != modeHelp {
		t.Fatal("ctrl+l on the help screen: no clear-screen command, or help closed")
	}
	h.press("esc")

	// Other keys do not clear the screen.
	if cmd := h.update(keyMsg("j")); clearsScreen(cmd) {
		t.Fatal("j cleared the screen")
	}
}

// unwrapOSC52 undoes the tmux or screen pass-through wrapping and returns
// the text an OSC 52 "set clipboard" sequence carries.
func unwrapOSC52(t *testing.T, seq, mode string) string {
	t.Helper()
	switch mode {
	case "tmux":
		// DCS tmux; <OSC 52 with every ESC doubled> ST
		if !strings.HasPrefix(seq, "\x1bPtmux;") || !strings.HasSuffix(seq, "\x1b\\") {
			t.Fatalf("tmux: not wrapped for pass-through: %q", seq)
		}
		seq = strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(seq, "\x1bPtmux;"), "\x1b\\"), "\x1b\x1b", "\x1b")
	case "screen":
		// DCS <OSC 52 in chunks joined by ST DCS> ST
		if !strings.HasPrefix(seq, "\x1bP") || !strings.HasSuffix(seq, "\x1b\\") {
			t.Fatalf("screen: not wrapped in DCS: %q", seq)
		}
		seq = strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(seq, "\x1bP"), "\x1b\\"), "\x1b\\\x1bP", "")
	default:
		if strings.HasPrefix(seq, "\x1bP") {
			t.Fatalf("plain terminal: wrapped anyway: %q", seq)
		}
	}
	if !strings.HasPrefix(seq, "\x1b]52;c;") || !strings.HasSuffix(seq, "\a") {
		t.Fatalf("%s: not an OSC 52 set: %q", mode, seq)
	}
	dec, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(seq, "\x1b]52;c;"), "\a"))
	if err != nil {
		t.Fatalf("%s: payload is not base64: %v (%q)", mode, err, seq)
	}
	return string(dec)
}

// copyEnvs are the terminals the copy is tested in: the environment that
// identifies them and the wrapping they need.
var copyEnvs = []struct {
	mode, tmux, term string
}{
	{"plain", "", "xterm-256color"},
	{"tmux", "/tmp/tmux-1000/default,1234,0", "tmux-256color"},
	{"screen", "", "screen.xterm-256color"},
}

// TestCopyPassthrough: copying from the detail view writes an OSC 52
// sequence wrapped for tmux or screen pass-through when running inside
// them, and the flash says what was copied.
func TestCopyPassthrough(t *testing.T) {
	for _, te := range copyEnvs {
		t.Run(te.mode, func(t *testing.T) {
			t.Setenv("TMUX", te.tmux)
			t.Setenv("TERM", te.term)
			h := settled(t)
			id := h.selectedID()
			h.press("enter", "c", "i")
			if got := unwrapOSC52(t, h.clip.String(), te.mode); got != id {
				t.Fatalf("clipboard carries %q, want the request id %q", got, id)
			}
			if want := "copied request id " + id + " (OSC 52)"; !strings.Contains(h.footer(), want) {
				t.Fatalf("footer %q lacks %q", h.footer(), want)
			}
		})
	}
}

// TestCopyLongTextPassthrough: screen gets the payload in chunks of at most
// 76 bytes; every wrapping still carries the whole text.
func TestCopyLongTextPassthrough(t *testing.T) {
	text := strings.Repeat("https://0123abcd.pr.edgegap.net:31500/", 8)
	for _, te := range copyEnvs {
		t.Run(te.mode, func(t *testing.T) {
			t.Setenv("TMUX", te.tmux)
			t.Setenv("TERM", te.term)
			var buf bytes.Buffer
			if err := copyToClipboard(&buf, text); err != nil {
				t.Fatal(err)
			}
			if te.mode == "screen" {
				for _, chunk := range strings.Split(buf.String(), "\x1b\\\x1bP") {
					if len(chunk) > 76+len("\x1bP\x1b]52;c;\a\x1b\\") {
						t.Fatalf("screen chunk of %d bytes: %q", len(chunk), chunk)
					}
				}
			}
			if got := unwrapOSC52(t, buf.String(), te.mode); got != text {
				t.Fatalf("clipboard carries %q, want %q", got, text)
			}
		})
	}
}

// failingWriter is a terminal that refuses every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestCopyFailureFlashes: a copy that cannot reach the terminal says so in
// red instead of claiming success.
func TestCopyFailureFlashes(t *testing.T) {
	t.Setenv("TMUX", "")
	t.Setenv("TERM", "xterm-256color")
	for _, tt := range []struct {
		name string
		clip io.Writer
		want string
	}{
		{"no terminal", nil, "copy failed: no terminal to copy through"},
		{"write error", failingWriter{}, "copy failed: broken pipe"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := settled(t)
			h.env.Clipboard = tt.clip
			h.press("enter", "c", "i")
			if !strings.Contains(h.footer(), tt.want) || strings.Contains(h.footer(), "copied") {
				t.Fatalf("footer %q, want %q", h.footer(), tt.want)
			}
			if !h.app.flashErr {
				t.Fatal("a failed copy is not flashed as an error")
			}
		})
	}
}
