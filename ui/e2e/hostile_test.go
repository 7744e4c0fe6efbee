package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/ui/termtext/termtexttest"
)

// startHostileProxy puts a reverse proxy in front of the simulator at
// base that rewrites every string of every JSON answer to a hostile one
// (see termtexttest.Rewriter; request ids are kept so the console can open
// deployments). It returns the proxy's base URL and closes it at cleanup.
func startHostileProxy(t *testing.T, base string) string {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	rw := &termtexttest.Rewriter{KeepIDs: true}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(res *http.Response) error {
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		b = rw.Body(b)
		res.Body = io.NopCloser(bytes.NewReader(b))
		res.ContentLength = int64(len(b))
		res.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestE2EHostileAnswers runs the console in tmux against the simulator
// behind startHostileProxy, with tmux set to obey what a program may ask
// of it (set-clipboard on, allow-rename on, allow-passthrough on), opens
// the list, a detail, its raw JSON, the logs and copies the link. Then the
// pane's title and the window's name are unchanged, tmux holds no paste
// buffer but the console's own cleaned copy, and the screen is intact:
// the header on the first line, no line wider than the pane (issue 10,
// defects 1 and 10).
func TestE2EHostileAnswers(t *testing.T) {
	requireTmux(t)
	bin := gapdeckBinary(t)
	simBase := startSim(t, bin)
	base := startHostileProxy(t, simBase)
	withLogs := deploymentWithLogs(t, simBase)
	dir := t.TempDir()
	// TMUX and TERM as a plain terminal: the console's OSC 52 copy then
	// goes to tmux itself, which keeps it as a paste buffer to inspect.
	line := fmt.Sprintf("sleep 0.5; TMUX= TERM=xterm-256color EDGEGAP_API_TOKEN=%s XDG_STATE_HOME=%q NO_COLOR=1 %q --api-url %q --log-file %q; echo GAPDECK-EXITED $?; sleep 60",
		e2eToken, dir, bin, base, filepath.Join(dir, "log"))
	s := startTmux(t, line)
	for _, opt := range [][]string{
		{"set-option", "-g", "set-clipboard", "on"},
		{"set-option", "-g", "allow-rename", "on"},
		{"set-option", "-g", "allow-passthrough", "on"},
		{"set-option", "-g", "automatic-rename", "off"},
		{"rename-window", "hostile-e2e"},
		{"select-pane", "-T", "hostile-e2e-title"},
	} {
		s.tmux(opt...)
	}
	title := func() string { return strings.TrimSpace(s.tmux("display-message", "-p", "#{pane_title}")) }
	window := func() string { return strings.TrimSpace(s.tmux("display-message", "-p", "#{window_name}")) }
	if title() != "hostile-e2e-title" || window() != "hostile-e2e" {
		t.Fatalf("setup: pane title %q, window name %q", title(), window())
	}

	intact := func(step string) string {
		t.Helper()
		scr := s.screen()
		lines := strings.Split(strings.TrimRight(scr, "\n"), "\n")
		if !strings.HasPrefix(lines[0], "gapdeck") {
			t.Fatalf("%s: the header is not on the first line:\n%s", step, scr)
		}
		for i, l := range lines {
			if w := termtexttest.ConservativeWidth(l); w > 120 {
				t.Fatalf("%s: line %d is %d cells wide in a 120-cell pane: %q", step, i, w, l)
			}
		}
		if got := title(); got != "hostile-e2e-title" {
			t.Fatalf("%s: the pane title became %q", step, got)
		}
		if got := window(); got != "hostile-e2e" {
			t.Fatalf("%s: the window name became %q", step, got)
		}
		if bufs := strings.TrimSpace(s.tmux("list-buffers")); bufs != "" {
			t.Fatalf("%s: tmux has paste buffers before any copy:\n%s", step, bufs)
		}
		return scr
	}

	s.waitFor("deployment rows", func(scr string) bool { return rowRE.MatchString(scr) })
	time.Sleep(time.Second) // a few statuses and catalog answers more
	intact("list")
	for _, tab := range []string{"2", "3", "4", "1"} {
		s.keys(tab)
		time.Sleep(300 * time.Millisecond)
		intact("tab " + tab)
	}

	s.keys("Enter")
	s.waitText("GENERAL", "PORTS")
	intact("detail")
	s.keys("y")
	s.waitText("raw JSON", `"app_name"`)
	intact("raw JSON")
	s.keys("y")
	s.waitText("GENERAL")

	s.keys("c")
	s.waitText("copy: i request id")
	s.keys("l")
	scr := s.waitText("copied link")
	if !strings.Contains(scr, "copied link (control characters removed)") {
		t.Fatalf("the copy of a hostile link does not say it was cleaned:\n%s", scr)
	}
	bufs := strings.Split(strings.TrimSpace(s.tmux("list-buffers", "-F", "#{buffer_name}")), "\n")
	if len(bufs) != 1 || bufs[0] == "" {
		t.Fatalf("after one copy tmux has buffers %q, want one", bufs)
	}
	copied := s.tmux("show-buffer", "-b", bufs[0])
	if strings.ContainsFunc(copied, func(r rune) bool {
		return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
	}) {
		t.Fatalf("the copied link holds a control or bidi character: %q", copied)
	}
	if !strings.Contains(copied, ".pr.edgegap.net:") {
		t.Fatalf("the copied link lost its host: %q", copied)
	}
	s.tmux("delete-buffer", "-b", bufs[0])

	// The logs of a deployment that has some (the first row may be
	// starting): filter the list to it by id, pushed down to the API.
	s.escape()
	s.waitText("REQUEST ID")
	s.literal("/id=" + withLogs)
	s.keys("Enter")
	s.waitFor("the filtered row", func(scr string) bool { return strings.Contains(scr, ">"+withLogs) })
	s.keys("l")
	s.waitFor("log lines", func(scr string) bool {
		return strings.Contains(scr, "Logs ") && !strings.Contains(scr, "waiting for logs…")
	})
	time.Sleep(time.Second)
	intact("logs")
	s.keys("w")
	time.Sleep(300 * time.Millisecond)
	intact("logs wrapped")
	s.escape()
	s.waitText("REQUEST ID")
	intact("back on the list")

	s.keys("q")
	scr = s.waitText("GAPDECK-EXITED")
	if !strings.Contains(scr, "GAPDECK-EXITED 0") {
		t.Fatalf("gapdeck did not exit with 0:\n%s", scr)
	}
	if got := title(); got != "hostile-e2e-title" {
		t.Fatalf("after quitting the pane title is %q", got)
	}
}

// deploymentWithLogs asks the simulator at base (not through the proxy)
// for a deployment whose container logs are not empty.
func deploymentWithLogs(t *testing.T, base string) string {
	t.Helper()
	c := e2eClient(t, base)
	ctx := context.Background()
	page, err := c.ListDeployments(ctx, api.ListDeploymentsParams{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range page.Data {
		if logs, err := c.ContainerLogs(ctx, d.RequestID); err == nil && strings.Count(logs.Logs, "\n") > 3 {
			return d.RequestID
		}
	}
	t.Fatal("no deployment of the simulator's first page has logs")
	return ""
}
