package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// readyIDs are the READY deployments of a settled harness, sorted as the
// store holds them.
func readyIDs(h *harness) []string {
	var out []string
	for _, r := range h.app.store.All() {
		if r.Status == api.StatusReady {
			out = append(out, r.ID)
		}
	}
	return out
}

// crashingID is a READY deployment whose logs carry crash_data.
func crashingID(t testing.TB, h *harness) string {
	t.Helper()
	for _, id := range readyIDs(h) {
		l, err := h.client.ContainerLogs(context.Background(), id)
		if err == nil && l.CrashData != nil {
			return id
		}
	}
	t.Skip("no crash-looping READY deployment in the simulator")
	return ""
}

// quietID is a READY deployment whose logs have no crash_data.
func quietID(t testing.TB, h *harness) string {
	t.Helper()
	for _, id := range readyIDs(h) {
		l, err := h.client.ContainerLogs(context.Background(), id)
		if err == nil && l.CrashData == nil && strings.Count(l.Logs, "\n") > 5 {
			return id
		}
	}
	t.Fatal("no quiet READY deployment")
	return ""
}

// openLogs opens the logs of ids with :logs and lets a few polls arrive.
func openLogs(h *harness, ids ...string) *logView {
	h.t.Helper()
	h.press(":")
	h.typeText("logs " + strings.Join(ids, " "))
	h.press("enter")
	v, ok := h.app.sub.(*logView)
	if !ok {
		h.t.Fatalf("no logs view open:\n%s", h.view())
	}
	h.tick(2 * time.Second)
	return v
}

// sgrOnly matches any ESC; every one must start an SGR sequence.
var (
	escRE = regexp.MustCompile("\x1b")
	sgrRE = regexp.MustCompile("\x1b\\[[0-9;:]*m")
)

// checkOnlySGR fails if the screen holds an escape that is not SGR.
func checkOnlySGR(t testing.TB, view string) {
	t.Helper()
	rest := sgrRE.ReplaceAllString(view, "")
	if loc := escRE.FindStringIndex(rest); loc != nil {
		t.Fatalf("the screen holds a non-SGR escape near %q", rest[loc[0]:min(len(rest), loc[0]+20)])
	}
}

func newLogHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.settle()
	return h
}

func TestLogViewFollowPauseResume(t *testing.T) {
	h := newLogHarness(t)
	id := quietID(t, h)
	v := openLogs(h, id)
	n0 := v.buf().Len()
	if n0 == 0 {
		t.Fatalf("no lines after the first poll:\n%s", h.view())
	}
	h.mustContain("Logs "+id, "FOLLOWING", fmt.Sprintf("cap %d", model.DefaultLogCap))
	for i := 0; i < 10; i++ {
		h.tick(2 * time.Second)
	}
	if v.buf().Len() <= n0 {
		t.Fatalf("no new line in 20 s: %d → %d", n0, v.buf().Len())
	}
	// Following: the last line is on screen, at the bottom of the body.
	last := v.buf().Line(v.buf().Len() - 1).Plain
	body := v.View()
	lines := strings.Split(ansi.Strip(body), "\n")
	if !strings.HasPrefix(last, strings.TrimRight(lines[len(lines)-1], " …")[:min(20, len(strings.TrimRight(lines[len(lines)-1], " …")))]) {
		t.Fatalf("following: the last line %q is not at the bottom:\n%s", last, ansi.Strip(body))
	}
	checkOnlySGR(t, h.view())

	// Scrolling up pauses; new lines are counted, not shown.
	h.press("k", "k")
	h.mustContain("PAUSED")
	top := v.top
	for i := 0; i < 10; i++ {
		h.tick(2 * time.Second)
	}
	if v.top != top {
		t.Fatalf("paused view moved: top %d → %d", top, v.top)
	}
	h.mustContain("new lines ↓")
	// f resumes following.
	h.press("f")
	h.mustContain("FOLLOWING")
	h.mustNotContain("new lines ↓", "PAUSED")
	// f again pauses; G goes back to the bottom.
	h.press("f")
	h.mustContain("PAUSED")
	h.press("G")
	h.mustContain("FOLLOWING")
	// Scrolling down at the bottom keeps following; up then down resumes.
	h.press("k", "j")
	h.mustContain("FOLLOWING")
}

func TestLogViewWrap(t *testing.T) {
	h := newHarness(t, withSize(40, 30))
	h.settle()
	id := quietID(t, h)
	v := openLogs(h, id)
	for i := 0; i < 5; i++ {
		h.tick(2 * time.Second)
	}
	long := false
	for i := 0; i < v.buf().Len(); i++ {
		if ansi.StringWidth(v.buf().Line(i).Plain) > 40 {
			long = true
		}
	}
	if !long {
		t.Skip("no line longer than 40 cells")
	}
	cut := v.View()
	if !strings.Contains(cut, "…") {
		t.Fatalf("long lines are not cut:\n%s", ansi.Strip(cut))
	}
	h.press("w")
	h.mustContain("wrap")
	wrapped := v.View()
	if wrapped == cut {
		t.Fatal("w changed nothing")
	}
	checkScreen(t, wrapped, 40, v.height)
	// Wrapping at the width: some body line is full and the next goes on.
	plain := ansi.Strip(wrapped)
	last := v.buf().Line(v.buf().Len() - 1).Plain
	tail := last[max(0, len(last)-10):]
	if !strings.Contains(strings.ReplaceAll(plain, "\n", ""), tail) {
		t.Fatalf("the end of the last line %q is not on the wrapped screen:\n%s", tail, plain)
	}
	h.press("w")
	if v.wrap {
		t.Fatal("w did not turn wrapping off")
	}
}

func TestLogViewSearchAndFilter(t *testing.T) {
	h := newLogHarness(t)
	id := quietID(t, h)
	v := openLogs(h, id)
	for i := 0; i < 15; i++ {
		h.tick(2 * time.Second)
	}
	// Pick a word of some line.
	word := ""
	for _, w := range []string{"Tick", "tick", "player", "joined", "INFO"} {
		for i := 0; i < v.buf().Len(); i++ {
			if strings.Contains(v.buf().Line(i).Plain, w) {
				word = w
				break
			}
		}
		if word != "" {
			break
		}
	}
	if word == "" {
		t.Fatalf("no known word in the logs; first line %q", v.buf().Line(0).Plain)
	}
	h.press("/")
	if !v.searching {
		t.Fatal("/ did not open the search line")
	}
	h.typeText(word)
	h.mustContain("/" + word)
	h.press("esc") // cancels: no search
	if v.searching || v.query != "" || h.app.sub == nil {
		t.Fatalf("esc: searching=%v query=%q sub=%v", v.searching, v.query, h.app.sub != nil)
	}
	// The test profile renders no attribute: give the highlight styles a
	// renderer that does, to see them on screen.
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI)
	st := *h.env.Styles
	st.Selected, st.TabActive = r.NewStyle().Reverse(true), r.NewStyle().Underline(true)
	h.env.Styles = &st
	h.press("/")
	h.typeText(word)
	h.press("enter")
	if v.query != word || len(v.matches) == 0 {
		t.Fatalf("enter: query %q, %d matches", v.query, len(v.matches))
	}
	h.mustContain(fmt.Sprintf("search %q", word))
	hl := "\x1b[7m" + word + "\x1b[0m"
	if !strings.Contains(v.View(), hl) {
		t.Fatalf("no highlighted match on screen:\n%q", v.View())
	}
	// n / N move between matches.
	h.press("n")
	first := v.matchSeq
	if first == 0 {
		t.Fatal("n: no current match")
	}
	h.mustContain("PAUSED")
	if len(v.matches) > 1 {
		h.press("n")
		if v.matchSeq <= first && v.matchSeq != v.matches[0] {
			t.Fatalf("n went from %d to %d", first, v.matchSeq)
		}
		h.press("N")
		if v.matchSeq != first {
			t.Fatalf("N: %d, want %d", v.matchSeq, first)
		}
	}
	h.mustContain(fmt.Sprintf("%d/%d", v.matchIndex(), len(v.matches)))
	if cur := st.TabActive.Render(word); !strings.Contains(v.View(), cur) {
		t.Fatalf("the current match is not underlined:\n%q", v.View())
	}

	// F: only matching lines, with ±2 lines of context and separators.
	h.press("F")
	h.mustContain("filter ±2")
	checkFilter(t, v, word, 2)
	h.press("-", "-")
	h.mustContain("filter ±0")
	checkFilter(t, v, word, 0)
	h.press("+")
	h.mustContain("filter ±1")
	checkFilter(t, v, word, 1)
	h.press("F")
	h.mustNotContain("filter ±")
	checkOnlySGR(t, h.view())
}

// checkFilter checks the filter entries: every line is a match or within
// k lines of one, every match is there, and "--" stands exactly between
// non-adjacent lines.
func checkFilter(t *testing.T, v *logView, word string, k int) {
	t.Helper()
	entries := v.filterEntries()
	if len(entries) == 0 {
		t.Fatal("filter: no entries")
	}
	isMatch := map[uint64]bool{}
	for _, m := range v.matches {
		isMatch[m] = true
	}
	shown := map[uint64]bool{}
	var prev uint64
	sep := false
	for _, e := range entries {
		if e == 0 {
			sep = true
			continue
		}
		shown[e] = true
		near := false
		for d := -k; d <= k; d++ {
			if isMatch[uint64(int64(e)+int64(d))] {
				near = true
			}
		}
		if !near {
			t.Fatalf("filter ±%d shows line %d, not near a match", k, e)
		}
		if prev != 0 {
			if sep != (e != prev+1) {
				t.Fatalf("filter ±%d: separator=%v between %d and %d", k, sep, prev, e)
			}
		}
		prev, sep = e, false
	}
	for m := range isMatch {
		if !shown[m] {
			t.Fatalf("filter misses match %d", m)
		}
	}
	view := ansi.Strip(v.View())
	body := strings.Split(view, "\n")[1:]
	for _, l := range body {
		l = strings.TrimSpace(l)
		if l != "" && l != "--" && k == 0 && !strings.Contains(l, word) && !strings.HasSuffix(l, "…") {
			t.Fatalf("filter ±0 shows %q", l)
		}
	}
}

func TestLogViewSave(t *testing.T) {
	stateHome(t, t.TempDir(), t.TempDir())
	h := newLogHarness(t)
	id := quietID(t, h)
	v := openLogs(h, id)
	for i := 0; i < 3; i++ {
		h.tick(2 * time.Second)
	}
	h.press("s")
	if h.app.flashErr {
		t.Fatalf("save: %s", h.app.flashText)
	}
	flash := string(h.app.flashText)
	path := strings.TrimSpace(flash[strings.Index(flash, " to ")+4:])
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("flash %q: %v", h.app.flashText, err)
	}
	if !strings.HasPrefix(path, os.Getenv("XDG_STATE_HOME")) {
		t.Fatalf("saved under %s", path)
	}
	var want strings.Builder
	for i := 0; i < v.buf().Len(); i++ {
		want.WriteString(v.buf().Line(i).Plain + "\n")
	}
	if string(data) != want.String() {
		t.Fatalf("saved file differs from the buffer:\n%q\nwant\n%q", data, want.String())
	}
	if strings.Contains(string(data), "\x1b") {
		t.Fatal("saved file holds escapes")
	}
}

func TestLogViewCrash(t *testing.T) {
	h := newLogHarness(t)
	id := crashingID(t, h)
	v := openLogs(h, id)
	h.press("C")
	if !v.crash {
		t.Fatal("C did not open the crash view")
	}
	_, cd := v.streams[0].Crash()
	if cd == nil {
		t.Fatal("no crash data merged")
	}
	h.mustContain("Crash of "+id, "exit code", fmt.Sprint(int64(cd.ExitCode)), "restart count", fmt.Sprint(int64(cd.RestartCount)), "crash logs")
	checkOnlySGR(t, h.view())
	h.press("esc")
	if v.crash || h.app.sub == nil {
		t.Fatal("esc should leave the crash view, not the logs view")
	}
	h.press("C", "C")
	if v.crash {
		t.Fatal("C should toggle the crash view")
	}

	// A quiet deployment has no crash.
	h.press("esc")
	if h.app.sub != nil {
		t.Fatal("esc did not close the logs view")
	}
	q := quietID(t, h)
	openLogs(h, q)
	h.press("C")
	h.mustContain(logNoCrashText)
}

func TestLogViewTerminated(t *testing.T) {
	h := newLogHarness(t)
	id := quietID(t, h)
	v := openLogs(h, id)
	if _, err := h.client.StopDeployment(context.Background(), id, api.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 120 && !v.gone[0]; i++ {
		h.tick(2 * time.Second)
	}
	if !v.gone[0] {
		t.Fatalf("logs never answered 404 after the stop:\n%s", h.view())
	}
	h.mustContain("deployment terminated; logs are no longer served")
	n := v.buf().Len()
	last := v.buf().Line(n - 1)
	if last.Kind != model.LineTerminated {
		t.Fatalf("last line %v %q", last.Kind, last.Plain)
	}
	for i := 0; i < 5; i++ {
		h.tick(2 * time.Second)
	}
	if v.buf().Len() != n {
		t.Fatal("lines after the terminated marker")
	}
}

func TestLogViewMultiStream(t *testing.T) {
	h := newLogHarness(t)
	ids := readyIDs(h)
	if len(ids) < 2 {
		t.Skip("fewer than two READY deployments")
	}
	a, b := ids[0], ids[1]
	v := openLogs(h, a, b)
	for i := 0; i < 5; i++ {
		h.tick(2 * time.Second)
	}
	pa, pb := "["+a[:6]+"] ", "["+b[:6]+"] "
	h.mustContain(pa, pb)
	seen := map[string]int{}
	for i := 0; i < v.buf().Len(); i++ {
		l := v.buf().Line(i).Plain
		switch {
		case strings.HasPrefix(l, pa):
			seen[a]++
		case strings.HasPrefix(l, pb):
			seen[b]++
		default:
			t.Fatalf("line without a prefix: %q", l)
		}
	}
	if seen[a] != v.streams[0].Buffer().Len() || seen[b] != v.streams[1].Buffer().Len() {
		t.Fatalf("combined %v, streams %d and %d", seen, v.streams[0].Buffer().Len(), v.streams[1].Buffer().Len())
	}
	// The prefixes have different colours.
	st := h.env.Styles
	if v.prefix[0] != st.Tone[logTones[0]].Render(pa) || v.prefix[1] != st.Tone[logTones[1]].Render(pb) {
		t.Fatalf("prefixes %q %q", v.prefix[0], v.prefix[1])
	}
	checkOnlySGR(t, h.view())
}

func TestLogViewOpenWithL(t *testing.T) {
	h := newLogHarness(t)
	h.press("/")
	h.typeText("status:ready")
	h.press("enter")
	id := h.selectedID()
	h.press("l")
	v, ok := h.app.sub.(*logView)
	if !ok || v.ids[0] != id {
		t.Fatalf("l did not open the logs of %s", id)
	}
	h.tick(2 * time.Second)
	if v.buf().Len() == 0 {
		t.Fatal("no lines")
	}
	checkScreen(t, h.view(), 120, 40)
	checkOnlySGR(t, h.view())
	// No colour: Plain is rendered, no SGR from the lines.
	h.env.Styles = theme.NewStyles(theme.Default(), true)
	if strings.Contains(v.View(), "\x1b") {
		t.Fatalf("escape left without colour:\n%q", v.View())
	}
}

// TestLogViewEviction keeps the paused view on its lines while the ring
// buffer drops old ones, and shows the dropped count.
func TestLogViewEviction(t *testing.T) {
	env := &Env{Styles: theme.NewStyles(theme.Default(), false), Keys: DefaultKeyMap(), LogCap: 50}
	v := newLogView(env, model.NewDeployments(), []string{"abcdef123456"}).(*logView)
	v.SetSize(80, 12)
	link := "https://l.example/x"
	feed := func(from, to int) {
		var b strings.Builder
		for k := max(0, from-70); k < to; k++ {
			fmt.Fprintf(&b, "line %d\n", k)
		}
		v.merge(0, &api.ContainerLogs{Logs: b.String(), LogsLink: &link})
	}
	feed(0, 40)
	if !strings.Contains(ansi.Strip(v.View()), link) {
		t.Fatalf("no logs_link in the title:\n%s", ansi.Strip(v.View()))
	}
	v.onKey(keyMsg("k"))
	top := v.top
	feed(40, 45)
	if v.top != top || !strings.Contains(v.View(), "5 new lines ↓") {
		t.Fatalf("top %d → %d:\n%s", top, v.top, ansi.Strip(v.View()))
	}
	feed(45, 100)
	if !strings.Contains(ansi.Strip(v.View()), "dropped") {
		t.Fatalf("no dropped count:\n%s", ansi.Strip(v.View()))
	}
	checkScreen(t, v.View(), 80, 12)
	// The top line was evicted: the view shows the oldest line held.
	first := strings.Split(ansi.Strip(v.View()), "\n")[1]
	if !strings.HasPrefix(first, v.buf().Line(0).Plain) {
		t.Fatalf("first line %q, oldest held %q", first, v.buf().Line(0).Plain)
	}
}

// TestMemoryBound: 10,000 deployments and 5 full streams of 100,000 lines
// stay under 150 MB of heap.
func TestMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	// What the structures cost, not what the tests before this one left
	// live in the process.
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	store := model.NewDeployments()
	page := make([]api.Deployment, 0, 10_000)
	for i := 0; i < 10_000; i++ {
		page = append(page, api.Deployment{RequestID: fmt.Sprintf("%012x", i*7919+1)})
	}
	store.BeginCycle()
	store.ApplyList(page, now)
	store.EndCycle()
	for i := range page {
		st := &api.DeploymentStatus{
			RequestID: page[i].RequestID, FQDN: page[i].RequestID + ".pr.edgegap.net",
			PublicIP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
			AppName:  "arena-shooter", AppVersion: "v1.4.2", CurrentStatus: api.StatusReady,
			Tags: []string{"eu", "ranked"},
		}
		store.ApplyStatus(st, now)
	}
	var streams []*model.LogStream
	for s := 0; s < 5; s++ {
		ls := model.NewLogStream(100_000)
		for chunk := 0; chunk < 10; chunk++ {
			var b strings.Builder
			for k := 0; k < 10_000; k++ {
				n := chunk*10_000 + k
				fmt.Fprintf(&b, "2026-05-04T12:00:00.000Z INFO [match %06d] stream %d tick %07d players=12 ping=34ms state=ok\n", n%997, s, n)
			}
			ls.Merge(&api.ContainerLogs{Logs: b.String()})
		}
		if ls.Buffer().Len() != 100_000 {
			t.Fatalf("stream %d holds %d lines", s, ls.Buffer().Len())
		}
		streams = append(streams, ls)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	used := int64(ms.HeapAlloc) - int64(base.HeapAlloc)
	t.Logf("HeapAlloc with %d deployments and 5×100,000-line streams: %.1f MB (%.1f MB before)", store.Total(), float64(used)/(1<<20), float64(base.HeapAlloc)/(1<<20))
	if used > 150<<20 {
		t.Fatalf("HeapAlloc %.1f MB > 150 MB", float64(used)/(1<<20))
	}
	runtime.KeepAlive(streams)
	runtime.KeepAlive(store)
}

// TestLogGoldens compares the logs view and the crash view at 120x40 with
// testdata/TestLogGoldens/<name>/120x40.golden (regenerate with -update).
// The logs are polled by the harness before the program starts; the fake
// clock never moves while it runs, so no poll is due and nothing changes.
func TestLogGoldens(t *testing.T) {
	for _, gc := range []struct {
		name  string
		crash bool
		keys  []string
		wait  string
	}{
		{"logs", false, nil, "FOLLOWING"},
		{"crash", true, []string{"C"}, "restart count"},
	} {
		t.Run(gc.name+"/120x40", func(t *testing.T) {
			t.Parallel()
			hs := newHarness(t, withSize(120, 40))
			hs.settle()
			var id string
			if gc.crash {
				id = crashingID(t, hs)
			} else {
				id = quietID(t, hs)
			}
			openLogs(hs, id)
			for i := 0; i < 3; i++ {
				hs.tick(2 * time.Second)
			}
			out := programScreen(t, hs, 120, 40, gc.keys, gc.wait)
			checkOnlySGR(t, out)
			teatest.RequireEqualOutput(t, []byte(out))
		})
	}
}

// TestLogViewHelp: the logs view's help lists every LOGS binding (the
// help screen is built from FullHelp).
func TestLogViewHelp(t *testing.T) {
	h := newLogHarness(t)
	openLogs(h, quietID(t, h))
	h.press("?")
	if h.app.mode != modeHelp {
		t.Fatal("? did not open help")
	}
	screen := ansi.Strip(h.view())
	for _, b := range defaultBindings {
		if b.group != groupLogs {
			continue
		}
		if helpLine(screen, strings.Join(b.keys, "/"), b.help) == "" {
			t.Errorf("help lacks %q %q:\n%s", strings.Join(b.keys, "/"), b.help, screen)
		}
	}
	h.press("esc")
	if h.app.mode != modeNormal || h.app.sub == nil {
		t.Fatal("esc should close help and keep the logs view")
	}
}

// TestLogViewHostileLines: control sequences in log lines never reach the
// screen; SGR colours do (and not without colour).
func TestLogViewHostileLines(t *testing.T) {
	env := &Env{Styles: theme.NewStyles(theme.Default(), false), Keys: DefaultKeyMap()}
	v := newLogView(env, model.NewDeployments(), []string{"abcdef123456", "0123456789ab"}).(*logView)
	v.SetSize(100, 20)
	v.merge(0, &api.ContainerLogs{Logs: "a \x1b]0;pwned\x07title\nb \x1b]52;c;cm0gLXJmIH4=\x07clip\ngg\x1b[2J\x1b[H\nlag?\x1b[5A\nhello\rSERVER: banned\n\x1b[31mERROR\x1b[0m red\n"})
	v.merge(1, &api.ContainerLogs{Logs: "other \x1b[1mbold\x1b[0m\n"})
	for _, wrap := range []bool{false, true} {
		v.wrap = wrap
		out := v.View()
		checkOnlySGR(t, out)
		checkScreen(t, out, 100, 20)
		if !strings.Contains(out, "\x1b[31mERROR") {
			t.Fatalf("SGR colour lost:\n%q", out)
		}
		for _, bad := range []string{"]0;", "]52;", "\x1b[2J", "\x1b[5A", "\r"} {
			if strings.Contains(out, bad) {
				t.Fatalf("screen holds %q:\n%q", bad, out)
			}
		}
	}
	if v.buf().Len() != 7 {
		t.Fatalf("combined buffer holds %d lines", v.buf().Len())
	}
	env.Styles = theme.NewStyles(theme.Default(), true)
	if out := v.View(); strings.Contains(out, "\x1b") {
		t.Fatalf("colour-off screen holds an escape:\n%q", out)
	}
}

// While the search line is open, ? and : are typed into it rather than
// opening help or the command line.
func TestLogViewSearchTakesEveryKey(t *testing.T) {
	h := newHarness(t)
	h.settle()
	h.press("1", "l")
	h.press("/")
	h.typeText("?:")
	v, ok := h.app.sub.(*logView)
	if !ok {
		t.Fatalf("the logs view is not open (sub = %T)", h.app.sub)
	}
	if got := v.input.Value(); got != "?:" {
		t.Errorf("search input = %q, want %q", got, "?:")
	}
	if h.app.mode != modeNormal {
		t.Errorf("root mode = %d: the root took a key meant for the search line", h.app.mode)
	}
}
