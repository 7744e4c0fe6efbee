package ui

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/model"
)

// The deployment detail: open, back, raw JSON, copy.

func TestDetailOpenAndBack(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"enter", "d"} {
		t.Run(k, func(t *testing.T) {
			t.Parallel()
			h := settled(t)
			h.press("j", "j", "j")
			id := h.selectedID()
			h.press(k)
			d, ok := h.app.sub.(*detailView)
			if !ok || d.id != id {
				t.Fatalf("%s opened %T", k, h.app.sub)
			}
			if v, arg := h.app.engine.Schedule().View(); v != model.ViewDetail || arg != id {
				t.Fatalf("scheduler polls %v %q", v, arg)
			}
			h.mustContain("Deployment "+id, "GENERAL", "PORTS", "fqdn", id+".pr.edgegap.net")
			if !strings.Contains(h.tabBar(), "Deployment "+id) {
				t.Fatalf("tab bar %q does not name the detail", h.tabBar())
			}
			h.press("esc")
			if h.app.sub != nil || h.selectedID() != id || h.deployments().list.table.Cursor() != 3 {
				t.Fatalf("esc: sub %T, selected %s (want %s)", h.app.sub, h.selectedID(), id)
			}
			if v, _ := h.app.engine.Schedule().View(); v != model.ViewDeployments {
				t.Fatalf("scheduler polls %v after esc", v)
			}
		})
	}
}

func TestDetailRawJSON(t *testing.T) {
	t.Parallel()
	h := settled(t)
	id := h.selectedID()
	h.press("enter", "y")
	if !strings.Contains(h.title(), "raw JSON") {
		t.Fatalf("title %q does not say raw JSON", h.title())
	}
	// Tall enough to see the whole document.
	h.send(tea.WindowSizeMsg{Width: 160, Height: 150})
	lines := h.lines()
	body := strings.TrimSpace(strings.Join(trimRight(lines[3:len(lines)-1]), "\n"))
	if !json.Valid([]byte(body)) {
		t.Fatalf("raw JSON view is not valid JSON:\n%s", body)
	}
	row, _ := h.app.store.Get(id)
	var want bytes.Buffer
	if err := json.Indent(&want, row.Detail.Raw(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if body != strings.TrimSpace(want.String()) {
		t.Fatalf("raw JSON view differs from the indented answer:\n%s\n---\n%s", body, want.String())
	}
	if !strings.Contains(body, "\n  \"request_id\": \""+id+"\"") {
		t.Fatalf("no indented request_id in:\n%s", body)
	}
	// y again goes back to the layout; y from the list opens JSON directly.
	h.press("y")
	h.mustContain("GENERAL")
	h.press("esc", "y")
	if d, ok := h.app.sub.(*detailView); !ok || !d.json {
		t.Fatalf("y on the list opened %T", h.app.sub)
	}
}

func trimRight(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(l, " ")
	}
	return out
}

func TestDetailCopy(t *testing.T) {
	// OSC 52 is wrapped for tmux and screen: test the plain sequence.
	t.Setenv("TMUX", "")
	t.Setenv("TERM", "xterm-256color")
	h := settled(t)
	id := h.selectedID()
	row, _ := h.app.store.Get(id)
	h.press("enter")
	tests := []struct {
		key, what, value string
	}{
		{"i", "request id", id},
		{"f", "FQDN", row.FQDN},
		{"l", "link", row.Ports[0].Link},
	}
	for _, tt := range tests {
		h.clip.Reset()
		h.press("c")
		if !strings.Contains(h.footer(), "copy: i request id") {
			t.Fatalf("c: footer %q", h.footer())
		}
		h.press(tt.key)
		got := h.clip.String()
		if !strings.HasPrefix(got, "\x1b]52;c;") {
			t.Fatalf("%s: clipboard got %q, not an OSC 52 set", tt.key, got)
		}
		payload := strings.TrimRight(strings.TrimPrefix(got, "\x1b]52;c;"), "\a\x1b\\")
		dec, err := base64.StdEncoding.DecodeString(payload)
		if err != nil || string(dec) != tt.value {
			t.Fatalf("%s: clipboard carries %q (%v), want %q", tt.key, dec, err, tt.value)
		}
		if want := "copied " + tt.what + " " + tt.value + " (OSC 52)"; !strings.Contains(h.footer(), want) {
			t.Fatalf("%s: footer %q lacks %q", tt.key, h.footer(), want)
		}
		if _, ok := h.app.sub.(*detailView); !ok {
			t.Fatalf("%s: left the detail view", tt.key)
		}
	}
	// esc cancels the copy, not the view.
	h.clip.Reset()
	h.press("c", "esc")
	if _, ok := h.app.sub.(*detailView); !ok || h.clip.Len() != 0 || !strings.Contains(h.footer(), "copy cancelled") {
		t.Fatalf("c esc: sub %T, clipboard %q, footer %q", h.app.sub, h.clip.String(), h.footer())
	}
}
