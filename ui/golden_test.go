package ui

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
)

// goldenCase is one screen kept in testdata/TestGoldens/<name>/<w>x<h>.golden.
type goldenCase struct {
	name  string
	keys  []string // pressed in the running program to reach the screen
	wait  string   // text the program prints once it shows the screen
	sizes [][2]int
}

var (
	bothSizes = [][2]int{{120, 40}, {80, 24}}
	wideOnly  = [][2]int{{120, 40}}
)

var goldenCases = []goldenCase{
	{"deployments", nil, "REQUEST ID", bothSizes},
	{"fleets", []string{"2"}, "KIND", bothSizes},
	{"policies", []string{"3"}, "THRESHOLD", bothSizes},
	{"locations", []string{"4"}, "STATUS MIX", bothSizes},
	{"detail", []string{"enter"}, "GENERAL", wideOnly},
	{"help", []string{"?"}, "NAVIGATION", wideOnly},
	{"pulse", []string{"p"}, "NEW ERR/MIN", bothSizes},
	// The filter line opened again over a filter in force: empty, the
	// filter still applied and on the title, the hint and the history.
	{"filterline", slices.Concat([]string{"/"}, strings.Split("city:tokyo", ""), []string{"enter", "/"}), "typing replaces", wideOnly},
}

// TestGoldens drives a settled harness App through teatest to each screen
// and compares the final model's View with its golden file. Regenerate
// with: go test ./ui/ -run TestGoldens -update
//
// The goldens are stable because nothing is left to fetch when the program
// starts: the harness has loaded every tab at the same simulated instant
// (the fake clock never moves while teatest runs), background enrichment
// has used the whole status budget of that instant, and the clock tick and
// wake-ups only re-render what is already there. The test checks that the
// simulator saw no request while the program ran.
func TestGoldens(t *testing.T) {
	for _, gc := range goldenCases {
		for _, size := range gc.sizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s/%dx%d", gc.name, w, h), func(t *testing.T) {
				t.Parallel()
				hs := newHarness(t, withSize(w, h))
				hs.settle()
				hs.press("2", "3", "4", "1") // load every tab now
				out := programScreen(t, hs, w, h, gc.keys, gc.wait)
				teatest.RequireEqualOutput(t, []byte(out))
			})
		}
	}
}

// programScreen runs hs's App as a program through teatest at w×h, presses
// keys, waits until it prints wait, quits it and returns the final model's
// View, checked by checkScreen. It fails t when the simulator saw a request
// while the program ran: the golden would be flaky.
func programScreen(t *testing.T, hs *harness, w, h int, keys []string, wait string) string {
	t.Helper()
	before := requests(hs.sim)
	tm := teatest.NewTestModel(t, hs.app, teatest.WithInitialTermSize(w, h))
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(wait)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	out := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
	checkScreen(t, out, w, h)
	if after := requests(hs.sim); after != before {
		t.Errorf("the program fetched while it ran (%d → %d requests): the golden may be flaky", before, after)
	}
	return out
}

// requests counts the simulator's requests over every endpoint group.
func requests(s *sim.Server) int64 {
	var n int64
	for _, g := range api.Groups {
		n += s.Counters().ByGroup[g].Calls
	}
	return n
}

// TestGoldenProgramQuits runs the whole program and quits it with q, the
// way a user does: teatest must see the program end.
func TestGoldenProgramQuits(t *testing.T) {
	t.Parallel()
	hs := newHarness(t)
	hs.settle()
	tm := teatest.NewTestModel(t, hs.app, teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("REQUEST ID")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
