package ui

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
	"github.com/gapdeck/gapdeck/ui/table"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// t0 is when every harness's simulated world starts.
var t0 = time.Date(2026, time.May, 4, 12, 0, 0, 0, time.UTC)

// Harness defaults.
const (
	harnessSeed        = 7
	harnessDeployments = 300
	harnessToken       = "ui-test-token"
)

// pump tuning: a round of commands ends when every one of them has
// returned, or when all the scheduler's jobs have answered and the others
// have had pumpGrace to return (the rest are timers: tea.Tick, the cursor
// blink). A job that has not answered after pumpJobLimit is a bug.
const (
	pumpGrace     = 20 * time.Millisecond
	pumpJobLimit  = 10 * time.Second
	pumpMaxRounds = 500
	settleSteps   = 60
)

// apiClock adapts the simulator's fake clock to api.Clock. Sleep returns at
// once without moving the clock (retries and token waits cost no time),
// unless advance is set: then it moves the clock by the time slept, which
// a 429 pause needs to ever end.
type apiClock struct {
	*sim.FakeClock
	advance bool
}

// Sleep implements api.Clock.
func (c apiClock) Sleep(_ context.Context, d time.Duration) error {
	if c.advance {
		c.Advance(d)
	}
	return nil
}

// harnessConfig is what newHarness builds; options change it.
type harnessConfig struct {
	seed          int64
	deployments   int
	width, height int
	readOnly      bool
	legacyOff     bool
	init          bool
	sleeping      bool
	wrap          func(http.RoundTripper) http.RoundTripper
	wrapHandler   func(http.Handler) http.Handler
	statePath     string
	logger        *slog.Logger
}

// harnessOption changes a harnessConfig.
type harnessOption func(*harnessConfig)

// withSize sets the terminal size the app starts with.
func withSize(w, h int) harnessOption {
	return func(c *harnessConfig) { c.width, c.height = w, h }
}

// withDeployments sets how many live deployments the simulator keeps.
func withDeployments(n int) harnessOption { return func(c *harnessConfig) { c.deployments = n } }

// withReadOnly starts the console read-only (Env.ReadOnly and the client).
func withReadOnly() harnessOption { return func(c *harnessConfig) { c.readOnly = true } }

// withoutLegacyFleets makes the simulator answer 404 on the Smart Fleets
// endpoints, as after their 2026-03-01 deprecation.
func withoutLegacyFleets() harnessOption { return func(c *harnessConfig) { c.legacyOff = true } }

// withSleepingClock makes the client's Sleep move the fake clock (see
// apiClock). Concurrent requests then race on the clock: not deterministic.
func withSleepingClock() harnessOption { return func(c *harnessConfig) { c.sleeping = true } }

// withTransport puts wrap's round tripper between the client and the
// simulator (hostileTransport rewrites the answers).
func withTransport(wrap func(http.RoundTripper) http.RoundTripper) harnessOption {
	return func(c *harnessConfig) { c.wrap = wrap }
}

// withHandler puts wrap(simulator) between the client and the simulator:
// a test's own fault shaping (a long Retry-After, …).
func withHandler(wrap func(http.Handler) http.Handler) harnessOption {
	return func(c *harnessConfig) { c.wrapHandler = wrap }
}

// withStateFile loads the remembered view state from path, as a start
// does, and saves it there.
func withStateFile(path string) harnessOption { return func(c *harnessConfig) { c.statePath = path } }

// withLogger gives the client and the console a debug log.
func withLogger(l *slog.Logger) harnessOption { return func(c *harnessConfig) { c.logger = l } }

// withoutInit leaves the app unstarted: no Init, no fetch.
func withoutInit() harnessOption { return func(c *harnessConfig) { c.init = false } }

// requestsInFlight is how many requests wait for their answer (0 for a
// harness built without newHarness, which does not count them).
func (h *harness) requestsInFlight() int64 {
	if h.requests == nil {
		return 0
	}
	return h.requests.Load()
}

// inflightTransport counts the requests in flight through it in n.
type inflightTransport struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (c inflightTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	defer c.n.Add(-1)
	return c.next.RoundTrip(r)
}

// harness is a deterministic App: a simulator and an API client on one
// fake clock, fetches run synchronously by pump, time moved by advance.
type harness struct {
	t      testing.TB
	clock  *sim.FakeClock
	sim    *sim.Server
	client *api.Client
	env    *Env
	app    *App
	clip   *bytes.Buffer
	// quits counts the tea.QuitMsg that came out of pumped commands.
	quits int
	// until, when set, stops pump after the first round at whose end it
	// holds; the commands left wait in backlog for the next pump. Only for
	// tests whose clock races (withSleepingClock): a harness handed to
	// teatest must be quiet.
	until   func() bool
	backlog []tea.Cmd
	// requests counts the requests waiting for their answer: a command
	// that made one is a read or an action, never a timer (runRound).
	requests *atomic.Int64
}

// newHarness builds an App over a fresh simulator at t0, sizes it (120x40
// unless told otherwise) and runs Init's fetches to quiet.
func newHarness(t testing.TB, opts ...harnessOption) *harness {
	t.Helper()
	cfg := harnessConfig{seed: harnessSeed, deployments: harnessDeployments, width: 120, height: 40, init: true}
	for _, o := range opts {
		o(&cfg)
	}
	clock := sim.NewFakeClock(t0)
	s := sim.New(sim.Config{
		Token: harnessToken, Seed: cfg.seed, Deployments: cfg.deployments, Clock: clock,
		// The client's fake clock never moves while it sleeps, so a 429
		// pause would never end: the budget is exact, rate limits are off.
		DisableRateLimits:   true,
		DisableLegacyFleets: cfg.legacyOff,
	})
	var handler http.Handler = s
	if cfg.wrapHandler != nil {
		handler = cfg.wrapHandler(s)
	}
	transport := sim.Transport(handler)
	if cfg.wrap != nil {
		transport = cfg.wrap(transport)
	}
	requests := &atomic.Int64{}
	transport = inflightTransport{next: transport, n: requests}
	client, err := api.New(api.Options{
		BaseURL: "http://localhost", Token: harnessToken,
		HTTPClient:     &http.Client{Transport: transport},
		BudgetFraction: 1, Clock: apiClock{clock, cfg.sleeping}, ReadOnly: cfg.readOnly,
		Logger: cfg.logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	clip := &bytes.Buffer{}
	env := &Env{
		Client: client, Styles: theme.NewStyles(theme.Default(), false), Keys: DefaultKeyMap(),
		Now: clock.Now, Profile: "test", Demo: true, ReadOnly: cfg.readOnly, Ctx: ctx, Clipboard: clip,
		Log: cfg.logger,
	}
	if cfg.statePath != "" {
		env.State, env.StateErr = model.LoadViewState(cfg.statePath)
		env.StatePath = cfg.statePath
	}
	drive(env, s.PrivateFleetNames())
	h := &harness{t: t, clock: clock, sim: s, client: client, env: env, clip: clip, requests: requests}
	h.app = New(env, s.PrivateFleetNames())
	h.app.Update(tea.WindowSizeMsg{Width: cfg.width, Height: cfg.height})
	if cfg.init {
		h.pump(h.app.Init())
	}
	return h
}

// drive gives env an engine that the harness drives (engine.Cycle in pump)
// instead of the console running it, and a Listen that leaves the engine's
// messages to pump.
func drive(env *Env, privateFleets []string) {
	cfg := env.Scheduler
	cfg.PrivateFleets = privateFleets
	env.Engine = engine.New(engine.Config{Client: env.Client, Scheduler: cfg, Now: env.Now, Log: env.Log, Sparks: env.Sparks})
	env.Listen = func(*engine.View) tea.Cmd { return nil }
}

// keyNames maps the key names tests use to Bubble Tea key types.
var keyNames = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
	"backspace": tea.KeyBackspace, "up": tea.KeyUp, "down": tea.KeyDown, "pgup": tea.KeyPgUp,
	"pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd, "ctrl+c": tea.KeyCtrlC,
	"ctrl+r": tea.KeyCtrlR, "ctrl+f": tea.KeyCtrlF, "ctrl+b": tea.KeyCtrlB,
	"ctrl+@": tea.KeyCtrlAt, "ctrl+\\": tea.KeyCtrlBackslash, "ctrl+d": tea.KeyCtrlD, "ctrl+g": tea.KeyCtrlG,
}

// keyMsg is the KeyMsg of a key name ("enter", "ctrl+c") or of literal
// runes, as Bubble Tea delivers it (a space is KeySpace with its rune).
func keyMsg(s string) tea.KeyMsg {
	if k, ok := keyNames[s]; ok {
		return tea.KeyMsg{Type: k}
	}
	if s == " " {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

// update sends msg to the app and returns its command without running it.
// Pump the command (or mind that its jobs stay in flight).
func (h *harness) update(msg tea.Msg) tea.Cmd {
	h.t.Helper()
	_, cmd := h.app.Update(msg)
	return cmd
}

// send sends msg to the app and pumps what it returns.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	h.pump(h.update(msg))
}

// press sends each key (see keyMsg) and pumps after each.
func (h *harness) press(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

// typeText types s one rune per KeyMsg, as a terminal does for slow typing.
func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(keyMsg(string(r)))
	}
}

// slot is one command run by pump: its message once it returned, or the
// slots of the commands a batch or sequence expanded into.
type slot struct {
	ch       chan tea.Msg
	msg      tea.Msg
	done     bool
	started  atomic.Bool // the command's goroutine is running it
	children []*slot
}

// launch runs cmd in its own goroutine.
func launch(cmd tea.Cmd) *slot {
	s := &slot{ch: make(chan tea.Msg, 1)}
	go func() {
		s.started.Store(true)
		s.ch <- cmd()
	}()
	return s
}

// cmdList unwraps tea.BatchMsg and Bubble Tea's unexported sequenceMsg
// (both are []tea.Cmd); ok is false for any other message.
func cmdList(msg tea.Msg) ([]tea.Cmd, bool) {
	if b, ok := msg.(tea.BatchMsg); ok {
		return b, true
	}
	v := reflect.ValueOf(msg)
	if msg == nil || v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}

// poll collects the slots that returned, expanding batches at once, and
// counts the leaves still running (and of those, the ones whose goroutine
// has not started yet).
func poll(slots []*slot) (running, unstarted int) {
	for _, s := range slots {
		if !s.done {
			select {
			case m := <-s.ch:
				s.done, s.msg = true, m
				if cmds, ok := cmdList(m); ok {
					s.msg = nil
					for _, c := range cmds {
						if c != nil {
							s.children = append(s.children, launch(c))
						}
					}
				}
			default:
				running++
				if !s.started.Load() {
					unstarted++
				}
				continue
			}
		}
		r, u := poll(s.children)
		running, unstarted = running+r, unstarted+u
	}
	return running, unstarted
}

// collect appends the messages of the slots that returned, depth first:
// the order the commands were issued in.
func collect(slots []*slot, out []tea.Msg) []tea.Msg {
	for _, s := range slots {
		if s.done && s.msg != nil {
			out = append(out, s.msg)
		}
		out = collect(s.children, out)
	}
	return out
}

// runRound runs cmds concurrently and returns their messages in issue
// order. It waits for every action's request (the client's mutations in
// flight) and every request a command made (a read such as the stop
// dialog's version reads); commands still running once those answered,
// every command has started and pumpGrace passed are timers and are
// dropped (their goroutines end when the timer fires). A loaded machine
// (-race, parallel tests) then cannot drop a slow answer as if it were a
// timer.
func (h *harness) runRound(cmds []tea.Cmd) []tea.Msg {
	h.t.Helper()
	outside := h.app.env.Client.MutationsInFlight() // actions a test sent itself, not waited for
	outsideRequests := h.requestsInFlight()
	var slots []*slot
	for _, c := range cmds {
		if c != nil {
			slots = append(slots, launch(c))
		}
	}
	start := time.Now()
	var quietAt time.Time
	for {
		running, unstarted := poll(slots)
		if running == 0 {
			break
		}
		if unstarted == 0 && h.app.env.Client.MutationsInFlight() <= outside && h.requestsInFlight() <= outsideRequests {
			if quietAt.IsZero() {
				quietAt = time.Now()
			}
			if time.Since(quietAt) >= pumpGrace {
				break
			}
		} else {
			quietAt = time.Time{}
			if time.Since(start) > pumpJobLimit {
				h.t.Fatalf("pump: after %s, %d commands not started, %d actions waiting for their answer",
					pumpJobLimit, unstarted, h.app.env.Client.MutationsInFlight()-outside)
			}
		}
		time.Sleep(time.Millisecond)
	}
	return collect(slots, nil)
}

// pump runs cmds the way Bubble Tea would, but deterministically: each
// round runs the pending commands concurrently, then feeds their messages
// to Update in issue order (FIFO); then the engine runs what is due
// (engine.Cycle) and what it applied is fed as an engineMsg; what Update
// returns is the next round. Timers are dropped, tea.QuitMsg is counted in
// h.quits and not fed. It stops when no command is left and the engine
// had nothing to do (or h.until holds).
func (h *harness) pump(cmds ...tea.Cmd) {
	h.t.Helper()
	queue := append(h.backlog, cmds...)
	h.backlog = nil
	for round := 0; ; round++ {
		if round == pumpMaxRounds {
			h.t.Fatalf("pump: still busy after %d rounds", pumpMaxRounds)
		}
		msgs := h.runRound(queue)
		queue = nil
		jobs, _ := h.app.engine.Cycle(h.app.env.Ctx)
		select {
		case <-h.app.view.Changed():
			msgs = append(msgs, engineMsg{view: h.app.view, update: h.app.view.Pull()})
		default:
		}
		for _, m := range msgs {
			if _, ok := m.(tea.QuitMsg); ok {
				h.quits++
				continue
			}
			if _, cmd := h.app.Update(m); cmd != nil {
				queue = append(queue, cmd)
			}
		}
		if h.until != nil && h.until() {
			h.backlog = queue
			return
		}
		if len(queue) == 0 && jobs == 0 && len(msgs) == 0 {
			return
		}
	}
}

// tick moves the fake clock by d and delivers what the real program
// would: the clock message, and the engine's answers to what came due.
func (h *harness) tick(d time.Duration) {
	h.t.Helper()
	h.clock.Advance(d)
	h.send(clockMsg{}) // pump runs what came due on the engine
}

// enriched reports whether the Deployments tab shows rows and every row
// on its screen has its status.
func (h *harness) enriched() bool {
	d := h.app.tabs[tabDeployments]
	keys := d.visibleKeys()
	if len(keys) == 0 {
		return false
	}
	for _, id := range keys {
		if r, ok := h.app.store.Get(id); !ok || !r.Enriched {
			return false
		}
	}
	return true
}

// settle alternates pumping and moving the clock by a second until cond
// holds (default: every deployment on screen is enriched and the screen
// says so), and fails after settleSteps seconds.
func (h *harness) settle(cond ...func() bool) {
	h.t.Helper()
	ok := func() bool {
		if len(cond) > 0 {
			return cond[0]()
		}
		return h.enriched() && !strings.Contains(h.app.tabs[tabDeployments].View(), "enriching…")
	}
	for step := 0; step < settleSteps; step++ {
		if ok() {
			return
		}
		h.tick(time.Second)
	}
	h.t.Fatalf("not settled after %d simulated seconds; screen:\n%s", settleSteps, h.view())
}

// view is the app's screen.
func (h *harness) view() string { return h.app.View() }

// lines is the app's screen split into lines, without styling.
func (h *harness) lines() []string { return strings.Split(ansi.Strip(h.view()), "\n") }

// line is line i of the screen (negative counts from the end).
func (h *harness) line(i int) string {
	l := h.lines()
	if i < 0 {
		i += len(l)
	}
	return l[i]
}

// header, tabBar, footer are the fixed lines of the screen.
func (h *harness) header() string { return h.line(0) }
func (h *harness) tabBar() string { return h.line(1) }
func (h *harness) footer() string { return h.line(-1) }

// title is the active view's title line (under the tab bar).
func (h *harness) title() string { return h.line(2) }

// rows are the table rows on screen: the lines after the table header up
// to the first blank line or the input line/footer.
func (h *harness) rows() []string {
	l := h.lines()
	end := len(l) - 1 // footer
	if h.app.mode == modeFilter || h.app.mode == modeCommand {
		end--
	}
	var out []string
	for _, s := range l[4:end] {
		if strings.TrimSpace(s) == "" {
			break
		}
		out = append(out, s)
	}
	return out
}

// mustContain fails unless the screen contains every want.
func (h *harness) mustContain(want ...string) {
	h.t.Helper()
	v := ansi.Strip(h.view())
	for _, w := range want {
		if !strings.Contains(v, w) {
			h.t.Fatalf("screen lacks %q:\n%s", w, v)
		}
	}
}

// mustNotContain fails if the screen contains any of the texts.
func (h *harness) mustNotContain(texts ...string) {
	h.t.Helper()
	v := ansi.Strip(h.view())
	for _, w := range texts {
		if strings.Contains(v, w) {
			h.t.Fatalf("screen shows %q:\n%s", w, v)
		}
	}
}

// selectedID is the request id on the row under the cursor.
func (h *harness) selectedID() string {
	h.t.Helper()
	d := h.app.tabs[tabDeployments].(*deploymentsTab)
	r, ok := d.list.selected()
	if !ok {
		h.t.Fatal("no row selected")
	}
	return r.ID
}

// checkShape fails unless view is exactly height lines of at most width
// cells each.
func checkScreen(t testing.TB, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != height {
		t.Fatalf("%dx%d: view has %d lines, want %d:\n%s", width, height, len(lines), height, view)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Fatalf("%dx%d: line %d is %d cells wide: %q", width, height, i, w, l)
		}
	}
}

// settled returns a harness whose Deployments tab shows enriched rows.
func settled(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	h := newHarness(t, opts...)
	h.settle()
	return h
}

// activeName is the name of the tab on screen.
func (h *harness) activeName() string { return h.app.tabs[h.app.active].name() }

// rowIDs are the first fields of the rows on screen (request ids on the
// Deployments tab), without the cursor marker.
func (h *harness) rowIDs() []string {
	var ids []string
	for _, r := range h.rows() {
		ids = append(ids, strings.TrimPrefix(strings.Fields(r)[0], ">"))
	}
	return ids
}

// deployments is the Deployments tab.
func (h *harness) deployments() *deploymentsTab { return h.app.tabs[tabDeployments].(*deploymentsTab) }

// cmdMsg runs cmd (which must return at once) and returns its message.
func cmdMsg(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case m := <-done:
		return m
	case <-time.After(time.Second):
		t.Fatal("command did not return")
		return nil
	}
}

// column is the text of column key in every row on screen, cut from the
// lines where the active table lays that column out.
func (h *harness) column(key string) []string {
	h.t.Helper()
	var tbl *table.Table
	switch v := h.app.tabs[h.app.active].(type) {
	case *deploymentsTab:
		tbl = v.list.table
	case *catalogTab:
		tbl = v.list.table
	}
	x, w, ok := tbl.ColumnSpan(key)
	if !ok {
		h.t.Fatalf("column %q is not on screen", key)
	}
	var out []string
	for _, r := range h.rows() {
		out = append(out, strings.TrimSpace(ansi.Cut(r, x, x+w)))
	}
	return out
}

// helpLine finds "key desc" on a help screen (columns separate entries
// with two or more spaces).
func helpLine(screen, key, desc string) string {
	re := regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(key) + ` +` + regexp.QuoteMeta(desc) + `(\s|$)`)
	return re.FindString(screen)
}

// firstOf is the first of two values.
func firstOf(a, _ int) int { return a }

// noPanic runs f and turns a panic into a test failure, so one crash does
// not abort the whole package's run.
func noPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: panic: %v", what, r)
		}
	}()
	f()
}
