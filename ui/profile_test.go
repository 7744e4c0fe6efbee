package ui

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// countingTransport counts the requests that reach one simulator; while
// hold is set, mutating requests wait until it is closed.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
	hold atomic.Pointer[chan struct{}]
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	if h := c.hold.Load(); h != nil && r.Method != http.MethodGet {
		<-*h
	}
	return c.next.RoundTrip(r)
}

// simProfile is one profile of a profile test: its own simulator (its own
// organization), transport and Env.
type simProfile struct {
	name   string
	sim    *sim.Server
	tr     *countingTransport
	env    *Env
	closed atomic.Bool
}

// newSimProfile builds a profile over a fresh simulator with seed, on the
// shared fake clock.
func newSimProfile(t *testing.T, clock *sim.FakeClock, name string, seed int64) *simProfile {
	t.Helper()
	s := sim.New(sim.Config{Token: harnessToken, Seed: seed, Deployments: 120, Clock: clock, DisableRateLimits: true})
	p := &simProfile{name: name, sim: s, tr: &countingTransport{next: sim.Transport(s)}}
	client, err := api.New(api.Options{
		BaseURL: "http://localhost", Token: harnessToken, HTTPClient: &http.Client{Transport: p.tr},
		BudgetFraction: 1, Clock: apiClock{clock, false},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	p.env = &Env{
		Client: client, Styles: theme.NewStyles(theme.Default(), false), Keys: DefaultKeyMap(),
		Now: clock.Now, Profile: name, Ctx: ctx, Clipboard: &bytes.Buffer{},
		PrivateFleets: s.PrivateFleetNames(),
		Close: func() {
			cancel()
			p.closed.Store(true)
		},
	}
	drive(p.env, s.PrivateFleetNames())
	return p
}

// profileWorld is two organizations, alpha and beta, and a profile whose
// token cannot be read; the console starts on alpha under a Root.
type profileWorld struct {
	*harness
	root        *Root
	alpha, beta *simProfile
}

func newProfileWorld(t *testing.T, prep ...func(w *profileWorld)) *profileWorld {
	t.Helper()
	clock := sim.NewFakeClock(t0)
	w := &profileWorld{alpha: newSimProfile(t, clock, "alpha", 11), beta: newSimProfile(t, clock, "beta", 29)}
	profiles := []string{"alpha", "beta", "broken"}
	switcher := func(name string) (*Env, error) {
		switch name {
		case "alpha":
			return w.alpha.env, nil
		case "beta":
			return w.beta.env, nil
		}
		return nil, errors.New("token command failed: exit status 1")
	}
	for _, p := range []*simProfile{w.alpha, w.beta} {
		p.env.Profiles, p.env.SwitchProfile = profiles, switcher
	}
	for _, f := range prep {
		f(w)
	}
	env := w.alpha.env
	w.harness = &harness{t: t, clock: clock, sim: w.alpha.sim, client: env.Client, env: env, clip: env.Clipboard.(*bytes.Buffer)}
	w.app = New(env, nil)
	w.root = NewRoot(w.app)
	w.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	w.pump(w.root.Init())
	w.settle()
	return w
}

// command types a `:` command and runs it through the Root.
func (w *profileWorld) command(line string) {
	w.t.Helper()
	w.rootKey(":")
	for _, r := range line {
		w.rootKey(string(r))
	}
	w.rootKey("enter")
}

// rootKey sends a key through the Root, as the program does, and pumps.
func (w *profileWorld) rootKey(k string) {
	w.t.Helper()
	_, cmd := w.root.Update(keyMsg(k))
	w.pump(cmd)
}

// storeIDs are the request ids the console holds.
func (w *profileWorld) storeIDs() []string {
	var ids []string
	for _, r := range w.app.store.Rows() {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestProfileSwitchShowsTheOtherOrganization(t *testing.T) {
	t.Parallel()
	w := newProfileWorld(t)
	w.mustContain("alpha")
	alphaIDs := w.storeIDs()
	if len(alphaIDs) == 0 {
		t.Fatal("alpha shows no deployments")
	}
	// A sub-view, a mark and a filter are open when the switch happens.
	w.rootKey(" ") // mark the selected row
	if w.app.markCount() != 1 {
		t.Fatalf("marked %d, want 1", w.app.markCount())
	}
	w.rootKey("enter")
	if w.app.sub == nil {
		t.Fatal("the detail view did not open")
	}
	oldCtx := w.alpha.env.Ctx
	w.command("profile beta")
	atSwitch := w.alpha.tr.n.Load()
	w.settle()
	for range 5 {
		w.tick(2 * time.Second)
	}

	if !w.alpha.closed.Load() || oldCtx.Err() == nil {
		t.Fatal("the old profile's Env was not closed (its context still live)")
	}
	if n := w.alpha.tr.n.Load(); n != atSwitch {
		t.Fatalf("the old organization received %d requests after the switch", n-atSwitch)
	}
	if w.beta.tr.n.Load() == 0 {
		t.Fatal("the new organization received no request")
	}
	betaIDs := w.storeIDs()
	if len(betaIDs) == 0 {
		t.Fatal("beta shows no deployments")
	}
	for _, id := range betaIDs {
		if slices.Contains(alphaIDs, id) {
			t.Fatalf("deployment %s of alpha shown after switching to beta", id)
		}
	}
	if !strings.Contains(w.header(), "beta") || strings.Contains(w.header(), "alpha") {
		t.Fatalf("header %q, want beta", w.header())
	}
	if w.app.sub != nil || w.app.markCount() != 0 || w.app.mode != modeNormal {
		t.Fatalf("after the switch: sub %v, marks %d, mode %v; want all closed", w.app.sub, w.app.markCount(), w.app.mode)
	}
	if w.app.width != 120 || w.app.height != 40 {
		t.Fatalf("size %dx%d after the switch, want 120x40", w.app.width, w.app.height)
	}
	checkScreen(t, ansi.Strip(w.view()), 120, 40)
	w.mustContain("Switched to profile beta")
	if w.app.env.State.Profile != "beta" {
		t.Fatalf("remembered profile %q, want beta", w.app.env.State.Profile)
	}
}

// Answers of alpha's engine and of an alpha action are on their way when
// the console switches to beta: none reaches the new view (each names the
// engine attachment it came from), and beta's own answers still apply.
func TestProfileSwitchDropsStaleResults(t *testing.T) {
	t.Parallel()
	w := newProfileWorld(t)
	alphaView := w.app.view
	w.clock.Advance(5 * time.Second)
	if n, _ := w.app.engine.Cycle(w.app.env.Ctx); n == 0 {
		t.Fatal("alpha had nothing due: the test proves nothing")
	}
	staleEngine := engineMsg{view: alphaView, update: alphaView.Pull()}
	if len(staleEngine.update.Results) == 0 {
		t.Fatal("no alpha answer was in flight")
	}
	alphaID := w.storeIDs()[0]
	staleOpen := openDetailMsg{id: alphaID}
	staleAnswer := tokenReloadedMsg{sentFrom: sentFrom{alphaView}, err: errors.New("alpha answer after the switch")}

	w.send(profileSwitchedMsg{name: "beta", env: w.beta.env})
	w.settle()
	before := slices.Clone(w.storeIDs())
	atSwitch := w.alpha.tr.n.Load()

	w.send(staleEngine)
	w.send(staleAnswer)
	if got := w.storeIDs(); !slices.Equal(got, before) {
		t.Fatalf("stale alpha results changed beta's deployments:\n%v\n%v", before, got)
	}
	if _, ok := w.app.store.Get(alphaID); ok {
		t.Fatalf("alpha's deployment %s is in beta's store", alphaID)
	}
	w.mustNotContain("alpha answer after the switch")
	w.tick(10 * time.Second)
	if n := w.alpha.tr.n.Load(); n != atSwitch {
		t.Fatalf("alpha received %d requests after the switch", n-atSwitch)
	}
	// A message that opens a view carries no origin: it is the user's, and
	// applies (to beta, where the id is not known).
	w.send(staleOpen)
	w.send(keyMsg("esc"))
	// Beta's own answers still apply.
	w.send(tokenReloadedMsg{sentFrom: sentFrom{w.app.view}, err: errors.New("beta answer")})
	w.mustContain("beta answer")
}

func TestProfileSwitchFailureKeepsTheProfile(t *testing.T) {
	t.Parallel()
	w := newProfileWorld(t)
	view, sent := w.app.view, w.alpha.tr.n.Load()
	for _, tc := range []struct{ line, want string }{
		{"profile broken", "still on alpha, cannot switch to profile broken: token command failed: exit status 1"},
		{"ctx nowhere", `unknown profile "nowhere" (profiles: alpha, beta, broken)`},
		{"profile alpha", "already on profile alpha"},
	} {
		w.command(tc.line)
		if !strings.Contains(w.footer(), tc.want) {
			t.Fatalf(":%s: footer %q, want %q", tc.line, w.footer(), tc.want)
		}
	}
	if w.app.view != view || w.app.env != w.alpha.env || w.alpha.closed.Load() {
		t.Fatal("a failed switch changed the console's profile")
	}
	w.tick(5 * time.Second)
	if w.alpha.tr.n.Load() == sent {
		t.Fatal("alpha stopped polling after a failed switch")
	}
	if !strings.Contains(w.header(), "alpha") || w.beta.tr.n.Load() != 0 {
		t.Fatalf("header %q, beta requests %d", w.header(), w.beta.tr.n.Load())
	}
}

func TestProfileSwitchUnavailable(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.send(keyMsg(":"))
	h.typeText("profile other")
	h.send(keyMsg("enter"))
	if !strings.Contains(h.footer(), "profile switching needs profiles in the config file (current: test)") {
		t.Fatalf("footer %q", h.footer())
	}
	h.send(keyMsg(":"))
	h.typeText("profile")
	h.send(keyMsg("enter"))
	if !strings.Contains(h.footer(), "no profiles configured (current: test)") {
		t.Fatalf("footer %q", h.footer())
	}
}

func TestProfileCommandListsAndCompletes(t *testing.T) {
	t.Parallel()
	w := newProfileWorld(t)
	w.command("profile")
	if !strings.Contains(w.footer(), "profiles:  *alpha  beta  broken") {
		t.Fatalf("footer %q, want the profiles with alpha starred", w.footer())
	}
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"prof", []string{"profile "}},
		{"ct", []string{"profile "}},
		{"profile ", []string{"profile alpha", "profile beta", "profile broken"}},
		{"profile b", []string{"profile beta", "profile broken"}},
		{"ctx be", []string{"ctx beta"}},
		{"profile x", nil},
	} {
		if got := w.app.completions(tc.line); !slices.Equal(got, tc.want) {
			t.Errorf("completions(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
	// Tab completes on the command line, enter switches.
	w.rootKey(":")
	for _, k := range []string{"p", "r", "o", "tab", "b", "e", "tab"} {
		w.rootKey(k)
	}
	if got := w.app.input.Value(); got != "profile beta" {
		t.Fatalf("completed to %q, want %q", got, "profile beta")
	}
	w.rootKey("enter")
	w.settle()
	if w.app.env != w.beta.env {
		t.Fatal("enter after completion did not switch to beta")
	}
	w.command("profile")
	if !strings.Contains(w.footer(), "profiles:  alpha  *beta  broken") {
		t.Fatalf("footer %q, want beta starred", w.footer())
	}
}

func TestHeaderShowsTheEnvironmentLabel(t *testing.T) {
	t.Parallel()
	for _, width := range []int{120, 80} {
		w := newProfileWorld(t, func(w *profileWorld) {
			w.alpha.env.EnvLabel, w.alpha.env.EnvColor = "prod", "1"
			w.beta.env.EnvLabel = "staging"
		})
		w.send(tea.WindowSizeMsg{Width: width, Height: 30})
		if !strings.Contains(w.header(), "alpha  prod ") {
			t.Fatalf("%d columns: header %q, want the profile and the prod label", width, w.header())
		}
		if w.app.envBadge != renderEnvBadge(w.alpha.env) {
			t.Fatalf("the badge is not the one built for the env")
		}
		checkScreen(t, ansi.Strip(w.view()), width, 30)
		w.command("profile beta")
		w.settle()
		if h := w.header(); !strings.Contains(h, "beta  staging ") || strings.Contains(h, "prod") {
			t.Fatalf("%d columns after the switch: header %q", width, h)
		}
		checkScreen(t, ansi.Strip(w.view()), width, 30)
	}
}

func TestEnvBadgeColours(t *testing.T) {
	t.Parallel()
	st := theme.NewStyles(theme.Default(), false)
	if renderEnvBadge(&Env{Styles: st}) != "" {
		t.Fatal("no label: want no badge")
	}
	if got := ansi.Strip(renderEnvBadge(&Env{Styles: st, EnvLabel: "prod\x1b[2J", EnvColor: "1"})); got != " prod^[[2J " {
		t.Fatalf("badge text %q: the label must be sanitized", got)
	}
	if got := ansi.Strip(renderEnvBadge(&Env{Styles: theme.NewStyles(theme.Default(), true), EnvLabel: "dev", EnvColor: "#00ff00"})); got != " dev " {
		t.Fatalf("NO_COLOR badge %q", got)
	}
}

// Every action's answer names the engine attachment it was requested
// through, so App.Update can drop it after a profile switch.
func TestActionAnswersNameTheirOrigin(t *testing.T) {
	t.Parallel()
	for _, m := range []fromView{
		stopDoneMsg{}, bulkStopDoneMsg{}, tagDoneMsg{}, tagCheckMsg{}, fleetCheckMsg{}, policyCheckMsg{},
		deployDoneMsg{}, tokenReloadedMsg{}, fleetToggleDoneMsg{}, fleetLinkDoneMsg{}, policyDoneMsg{},
	} {
		if m.origin() != nil {
			t.Errorf("%T: a zero answer names an origin", m)
		}
	}
	h := settled(t)
	h.send(tokenReloadedMsg{sentFrom: sentFrom{h.app.engine.Attach()}, err: errors.New("from another attachment")})
	h.mustNotContain("from another attachment")
	h.send(tokenReloadedMsg{sentFrom: sentFrom{h.app.view}, err: errors.New("from this attachment")})
	h.mustContain("from this attachment")
}

func TestProfileSwitchWaitsForAnAction(t *testing.T) {
	t.Parallel()
	w := newProfileWorld(t)
	hold := make(chan struct{})
	w.alpha.tr.hold.Store(&hold)
	client := w.alpha.env.Client
	done := make(chan error, 1)
	go func() {
		_, err := client.StopDeployment(context.Background(), w.storeIDs()[0], api.StopOptions{})
		done <- err
	}()
	for deadline := time.Now().Add(5 * time.Second); client.MutationsInFlight() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stop never went out")
		}
	}
	w.command("profile beta")
	if !strings.Contains(w.footer(), "an action is waiting for its answer") || w.app.env != w.alpha.env {
		t.Fatalf("switched with a stop in flight; footer %q", w.footer())
	}
	// An action started while the profile was being built also holds it.
	w.send(profileSwitchedMsg{name: "beta", env: w.beta.env})
	if w.app.env != w.alpha.env || !w.beta.closed.Load() {
		t.Fatal("the switch went ahead (or the unused Env was not closed) with a stop in flight")
	}
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	w.command("profile beta")
	if w.app.env != w.beta.env {
		t.Fatalf("no switch once the stop answered; footer %q", w.footer())
	}
}
