package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// logCountRE reads the line count in the logs view's title.
var logCountRE = regexp.MustCompile(`(\d+) lines \(cap`)

// escSeqRE matches an escape sequence as tmux captures it; only SGR
// ("\x1b[...m") may reach the screen.
var (
	escSeqRE = regexp.MustCompile(`\x1b(\[[0-9;:?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)`)
	sgrSeqRE = regexp.MustCompile(`^\x1b\[[0-9;:]*m$`)
)

// logCount is the line count the screen's title shows (-1: none).
func logCount(scr string) int {
	m := logCountRE.FindStringSubmatch(scr)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestE2ELogs(t *testing.T) {
	requireTmux(t)
	bin := gapdeckBinary(t)
	dir := t.TempDir()
	s := startTmux(t, fmt.Sprintf("XDG_STATE_HOME=%q %q --demo --log-file %q; echo GAPDECK-EXITED $?; sleep 60", dir, bin, filepath.Join(dir, "log")))
	s.waitFor("deployment rows", func(scr string) bool { return rowRE.MatchString(scr) })

	s.literal("/status:ready")
	s.waitText("filter: status:ready")
	s.keys("Enter")
	s.waitFor("the filter line to close", func(scr string) bool { return !strings.Contains(scr, "/status:ready") })
	scr := s.waitFor("READY rows", func(scr string) bool { return rowRE.MatchString(scr) })
	for _, m := range rowRE.FindAllStringSubmatch(scr, -1) {
		if m[2] != "READY" {
			t.Fatalf("filter status:ready shows %s %s:\n%s", m[1], m[2], scr)
		}
	}

	s.keys("l")
	scr = s.waitFor("log lines", func(scr string) bool { return logCount(scr) > 0 })
	first := logCount(scr)
	if !strings.Contains(scr, "FOLLOWING") {
		t.Fatalf("the logs view does not follow:\n%s", scr)
	}
	s.waitFor("more log lines", func(scr string) bool { return logCount(scr) > first })

	s.literal("/Tick")
	s.waitText("/Tick")
	s.keys("Enter")
	scr = s.waitText(`search "Tick"`)
	if !strings.Contains(scr, "Tick") {
		t.Fatalf("no Tick line on screen:\n%s", scr)
	}

	// Let a few more polls arrive (hostile lines come about one in 60),
	// then check every escape on screen is SGR.
	s.keys("f") // pause
	s.keys("f") // and follow again
	s.waitFor("more log lines", func(scr string) bool { return logCount(scr) > first+2 })
	for _, raw := range []string{s.tmux("capture-pane", "-p", "-e"), s.tmux("capture-pane", "-p", "-e", "-S", "-")} {
		for _, bad := range []string{"]0;", "]52;"} {
			if strings.Contains(raw, "\x1b"+bad) {
				t.Fatalf("the screen holds an OSC %q:\n%q", bad, raw)
			}
		}
		for _, seq := range escSeqRE.FindAllString(raw, -1) {
			if !sgrSeqRE.MatchString(seq) {
				t.Fatalf("the screen holds a non-SGR escape %q", seq)
			}
		}
	}

	s.keys("q") // closes the logs view
	s.waitText("REQUEST ID")
	s.keys("q")
	s.waitText("GAPDECK-EXITED 0")
}
