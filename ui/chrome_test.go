package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api/sim"
)

// The header (identity, health, 429s) and the footer (keys, flash).

func TestHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []harnessOption
		want    []string
		notWant []string
	}{
		{"demo", nil, []string{"gapdeck test localhost", "DEMO", "API OK", "last OK 0s ago", "429s 0"}, []string{"READ-ONLY"}},
		{"read-only", []harnessOption{withReadOnly()}, []string{"DEMO", "READ-ONLY", "API OK"}, nil},
		{"connecting", []harnessOption{withoutInit()}, []string{"API connecting…", "req/s 0.0/0.0", "429s 0"}, []string{"last OK"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tt.opts...)
			hdr := h.header()
			for _, w := range tt.want {
				if !strings.Contains(hdr, w) {
					t.Errorf("header %q lacks %q", hdr, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(hdr, w) {
					t.Errorf("header %q shows %q", hdr, w)
				}
			}
			// The budget shown is that of the endpoint groups in use.
			want := fmt.Sprintf("/%.1f ", usedBudget(h.app.env.Client.Stats()))
			if !regexp.MustCompile(`req/s \d+\.\d/\d+\.\d `).MatchString(hdr) || !strings.Contains(hdr, want) {
				t.Errorf("header %q shows no req/s used/budget (want budget %q)", hdr, want)
			}
		})
	}
}

// TestHeaderHealth: 500s to every request make the API unreachable after
// a few failures (the client then sends one probe at a time, the header
// counts down to it); it recovers at the first answer. Before issue 10
// the header said DEGRADED, then DOWN after 30 s without success, while
// every request kept going.
func TestHeaderHealth(t *testing.T) {
	t.Parallel()
	h := settled(t)
	if !strings.Contains(h.header(), "API OK") {
		t.Fatalf("header %q", h.header())
	}
	h.sim.SetFaults(sim.Faults{Error500: 1})
	h.settle(func() bool { return strings.Contains(h.header(), "API UNREACHABLE") })
	if !regexp.MustCompile(`last OK \d+s ago`).MatchString(h.header()) || !strings.Contains(h.header(), "Internal Server Error") {
		t.Fatalf("unreachable header %q lacks the last success or the error", h.header())
	}
	if !regexp.MustCompile(`retry in \d+s`).MatchString(h.header()) {
		t.Fatalf("unreachable header %q has no countdown to the next try", h.header())
	}
	// At 80 columns the countdown comes right after the state, before the
	// reason and the last success that the width cuts.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if !regexp.MustCompile(`API UNREACHABLE retry in \d+s`).MatchString(h.header()) {
		t.Fatalf("80-column header %q cuts the countdown", h.header())
	}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.sim.SetFaults(sim.Faults{})
	h.settle(func() bool { return strings.Contains(h.header(), "API OK") })
	// The figures are the clock's (issue 16): DEGRADED ends with time, seen
	// at a tick, before that second's answers.
	if !regexp.MustCompile(`last OK [0-2]s ago`).MatchString(h.header()) {
		t.Fatalf("recovered header %q", h.header())
	}
}

func TestHeaderCounts429s(t *testing.T) {
	t.Parallel()
	h := settled(t, withSleepingClock())
	h.sim.SetFaults(sim.Faults{RateLimit429: 1})
	re := regexp.MustCompile(`429s ([1-9]\d*)`)
	// Each 429 pause moves the clock, so something is always due: stop
	// pumping as soon as the header counts one.
	h.until = func() bool { return re.MatchString(h.header()) }
	h.settle(h.until)
	if !strings.Contains(h.header(), "API RATE-LIMITED") || !regexp.MustCompile(`retry in \d+s`).MatchString(h.header()) {
		t.Fatalf("rate limited header %q", h.header())
	}
	h.sim.SetFaults(sim.Faults{})
}

func TestFooterShowsViewHelp(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tests := []struct {
		keys []string
		want string
	}{
		{nil, "enter open • l logs • y raw JSON • / filter • : command • ? help"},
		{[]string{"2"}, "enter open • / filter • : command • ? help"},
		{[]string{"3"}, "/ filter • : command • ? help"},
		{[]string{"1", "enter"}, "esc back • l logs • y raw JSON • c copy id/FQDN/link • m metrics panel"},
		{[]string{"esc", "?"}, "esc back • j/down down • k/up up • pgdown/ctrl+f page down"},
	}
	for _, tt := range tests {
		h.press(tt.keys...)
		if !strings.HasPrefix(h.footer(), tt.want) {
			t.Fatalf("after %v footer %q, want %q", tt.keys, h.footer(), tt.want)
		}
	}
}

// TestFooterFollowsItsInputs: the footer is drawn again when what it shows
// changes (the view's keys, a flash and its end, the width), never stale.
func TestFooterFollowsItsInputs(t *testing.T) {
	h := settled(t)
	footer := func() string {
		lines := strings.Split(ansi.Strip(h.view()), "\n")
		return lines[len(lines)-1]
	}
	if f := footer(); !strings.Contains(f, "l logs") {
		t.Fatalf("deployments footer %q", f)
	}
	h.press("2")
	if f := footer(); strings.Contains(f, "l logs") || !strings.Contains(f, "/ filter") {
		t.Fatalf("fleets footer %q", f)
	}
	h.app.Update(flashMsg{text: "hello"})
	if f := footer(); !strings.Contains(f, "hello") {
		t.Fatalf("flash footer %q", f)
	}
	h.app.Update(flashExpiredMsg{id: h.app.flashID})
	if f := footer(); strings.Contains(f, "hello") || !strings.Contains(f, "/ filter") {
		t.Fatalf("footer after the flash %q", f)
	}
	h.app.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	if f := footer(); ansi.StringWidth(f) != 60 {
		t.Fatalf("footer is %d wide at 60 columns: %q", ansi.StringWidth(f), f)
	}
}

// TestHeaderStillBetweenTicks: engine answers within one second leave the
// header's text identical (issue 16: it was drawn again on every answer,
// and its req/s moved with each, repainting the line several times a
// second); the clock's tick then brings it up to date, all but the req/s
// figure, which moves once every rateEvery.
func TestHeaderStillBetweenTicks(t *testing.T) {
	t.Parallel()
	h := settled(t, withDeployments(2000))
	h.tick(time.Second)
	before, sent := h.app.header, h.app.env.Client.Stats().Sent
	for range 9 { // 900 ms of answers, no clock message
		h.clock.Advance(100 * time.Millisecond)
		h.pump()
		if h.app.header != before {
			t.Fatalf("the header changed between ticks:\nwas %q\nnow %q", ansi.Strip(before), ansi.Strip(h.app.header))
		}
	}
	st := h.app.env.Client.Stats()
	if st.Sent-sent < 3 {
		t.Fatalf("%d requests in 900 ms: the test saw no burst of answers", st.Sent-sent)
	}
	fresh := headerInputs{events: h.app.headerEvents(h.app.env.Client.Health(), st),
		figures: h.app.headerFigures(h.app.env.Client.Health(), st, h.app.env.now())}
	if fresh == h.app.hdr.in { // else drawing on every answer would have changed it
		t.Fatalf("the header's figures did not move in %d requests: the test proves nothing", st.Sent-sent)
	}
	t.Logf("%d requests between ticks; the header held %+v, the figures were %+v", st.Sent-sent, h.app.hdr.in.figures, fresh.figures)
	// The tick brings the figures up to date, but for the rate: it holds
	// until rateEvery has passed since it was taken.
	h.clock.Advance(100 * time.Millisecond)
	h.send(clockMsg{})
	held := h.app.hdr.in.figures.rate
	if want := freshHeader(h, held); h.app.header != want {
		t.Fatalf("after the tick the header is not up to date:\nhave %q\nwant %q", ansi.Strip(h.app.header), ansi.Strip(want))
	}
	taken := h.app.rateAt
	for h.app.rateAt.Equal(taken) {
		if h.app.hdr.in.figures.rate != held {
			t.Fatalf("the req/s figure moved from %s to %s %s after it was taken", held, h.app.hdr.in.figures.rate, h.app.env.now().Sub(taken))
		}
		if h.app.env.now().Sub(taken) > rateEvery+time.Second {
			t.Fatalf("the req/s figure was not taken again in %s", h.app.env.now().Sub(taken))
		}
		h.tick(time.Second)
	}
	if d := h.app.rateAt.Sub(taken); d < rateEvery {
		t.Fatalf("the req/s figure was taken again after %s, before %s", d, rateEvery)
	}
	if rate := h.app.hdr.in.figures.rate; rate == held {
		t.Fatalf("the req/s figure taken again is %s as before: the test proves nothing", rate)
	}
	if want := truncateLine(h.app.headerLine(h.app.hdr.in), h.app.width); h.app.header != want || !strings.Contains(want, "req/s "+h.app.hdr.in.figures.rate+"/") {
		t.Fatalf("%s after the rate was taken the header does not show the new one (%s):\nhave %q\nwant %q", rateEvery, h.app.hdr.in.figures.rate, ansi.Strip(h.app.header), ansi.Strip(want))
	}
}

// freshHeader is the header h's console would draw now with the req/s
// figure rate: unpadded, the terminal's erase clears the rest of the line.
func freshHeader(h *harness, rate string) string {
	st := h.app.env.Client.Stats()
	f := h.app.headerFigures(h.app.env.Client.Health(), st, h.app.env.now())
	f.rate = rate
	line := truncateLine(h.app.headerLine(headerInputs{events: h.app.headerEvents(h.app.env.Client.Health(), st), figures: f}), h.app.width)
	if strings.HasSuffix(ansi.Strip(line), " ") {
		panic("the header ends in spaces: " + line)
	}
	return line
}

// BenchmarkHeader measures the chrome's work at 200x50 with 5,000
// deployments: on an answer that changes nothing the header shows
// (answer: rebuildChrome, as onEngine calls it) and on the clock's tick
// (tick: the figures taken again, the header drawn when they moved).
func BenchmarkHeader(b *testing.B) {
	benchProfile(b)
	b.Run("answer", func(b *testing.B) {
		app := benchApp(b, 5000)
		b.ReportAllocs()
		for b.Loop() {
			app.rebuildChrome()
		}
	})
	b.Run("tick", func(b *testing.B) {
		app := benchApp(b, 5000)
		b.ReportAllocs()
		for b.Loop() {
			app.tickChrome()
		}
	})
}
