package engine_test

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
	"github.com/gapdeck/gapdeck/model/events"
)

// feedWorld is a world whose test also holds the API client (to act on the
// simulator as someone else would) and the engine's event log.
type feedWorld struct {
	*world
	client *api.Client
	log    *events.Log
}

func newFeedWorld(t *testing.T, cfg sim.Config, log *events.Log) *feedWorld {
	t.Helper()
	return newFeedWorldOn(t, sim.NewFakeClock(t0), nil, cfg, log)
}

// sleepingClock is the fake clock as the client's: its sleeps (a 429
// pause, a backoff) move the clock, so they end.
type sleepingClock struct{ *sim.FakeClock }

func (c sleepingClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.Advance(d)
	}
	return nil
}

// newFeedWorldOn is a feed world on clock; the client sleeps on
// clientClock (nil: sleeps cost no time).
func newFeedWorldOn(t *testing.T, clock *sim.FakeClock, clientClock api.Clock, cfg sim.Config, log *events.Log) *feedWorld {
	t.Helper()
	if clientClock == nil {
		clientClock = fakeSleep{clock}
	}
	cfg.Token, cfg.Clock = token, clock
	if cfg.Seed == 0 {
		cfg.Seed = 11
	}
	if cfg.Deployments == 0 {
		cfg.Deployments = 80
	}
	s := sim.New(cfg)
	c, err := api.New(api.Options{BaseURL: "http://localhost", Token: token, BudgetFraction: 1,
		HTTPClient: &http.Client{Transport: sim.Transport(s)}, Clock: clientClock})
	if err != nil {
		t.Fatal(err)
	}
	if log == nil {
		log = events.NewLog(0)
	}
	e := engine.New(engine.Config{Client: c, Now: clock.Now, Events: log,
		Scheduler: model.SchedulerConfig{PrivateFleets: s.PrivateFleetNames()}})
	return &feedWorld{world: &world{clock: clock, sim: s, engine: e}, client: c, log: log}
}

// of are the events of kind about id ("": any), oldest first.
func of(log *events.Log, kind events.Kind, id string) []events.Event {
	var out []events.Event
	for _, e := range log.All() {
		if e.Kind == kind && (id == "" || e.Object.ID == id) {
			out = append(out, e)
		}
	}
	return out
}

// runUntil runs the world in 10 s steps until ok, for at most d.
func (w *feedWorld) runUntil(t *testing.T, d time.Duration, ok func() bool, viewers ...*viewer) bool {
	t.Helper()
	for end := w.clock.Now().Add(d); w.clock.Now().Before(end); {
		w.run(t, 10*time.Second, viewers...)
		if ok() {
			return true
		}
	}
	return false
}

// show puts one view on in, with nothing on screen.
func show(w *feedWorld, in model.Interest) *engine.View {
	v := w.engine.Attach()
	v.Show(in, nil)
	return v
}

// A deployment stopped off screen leaves the list: two passes without it
// make it gone ("no longer listed in two passes"); one whose last status
// was TERMINATING is gone at the first miss ("ended").
func TestEventsGoneWhenTheListDropsADeployment(t *testing.T) {
	w := newFeedWorld(t, sim.Config{}, nil)
	vw := attach(w.world, 0) // nothing on screen: no status reads
	w.run(t, 30*time.Second, vw)
	live := w.sim.LiveRequestIDs()
	if len(live) < 10 || vw.rows.Total() < 10 {
		t.Fatalf("%d live deployments, %d rows", len(live), vw.rows.Total())
	}
	ctx := context.Background()
	unlisted, ended := live[2], live[5]
	for _, id := range []string{unlisted, ended} {
		res, err := w.client.StopDeployment(ctx, id, api.StopOptions{})
		if err != nil {
			t.Fatalf("stop %s: %v", id, err)
		}
		if id == ended {
			if res.Summary == nil {
				t.Fatalf("stop of %s: no status in the answer (%v)", id, res.Outcome)
			}
			vw.v.NoteStatus(res.Summary) // what the console does with a stop's answer
		}
	}
	gone := func(id string) []events.Event { return of(w.log, events.KindGone, id) }
	if !w.runUntil(t, 5*time.Minute, func() bool { return len(gone(unlisted)) > 0 && len(gone(ended)) > 0 }, vw) {
		t.Fatalf("after 5 min: gone events %+v", of(w.log, events.KindGone, ""))
	}
	if g := gone(unlisted); len(g) != 1 || g[0].Message != "gone: no longer listed in two passes" {
		t.Errorf("%s: %+v", unlisted, g)
	}
	if g := gone(ended); len(g) != 1 || !strings.HasPrefix(g[0].Message, "gone: ended (TERMINAT") || g[0].From == "" || g[0].Severity != events.Info {
		t.Errorf("%s: %+v", ended, g)
	}
	if all := of(w.log, events.KindGone, ""); len(all) < 2 {
		t.Fatalf("gone events %+v", all)
	}
	for _, e := range of(w.log, events.KindGone, "") {
		if slices.Contains(w.sim.LiveRequestIDs(), e.Object.ID) {
			t.Errorf("%s is still live but was recorded gone: %s", e.Object.ID, e.Message)
		}
	}
}

// The user filtering the list on the server (the pushed-down query
// changes) drops every row listed under the old query at the next pass:
// none of them is gone.
func TestEventsAQueryChangeIsNotGone(t *testing.T) {
	w := newFeedWorld(t, sim.Config{}, nil)
	vw := attach(w.world, 0)
	w.run(t, 30*time.Second, vw)
	before := vw.rows.Total()
	f, err := model.ParseFilter("status:ready")
	if err != nil {
		t.Fatal(err)
	}
	vw.v.SetFilter(f)
	vw.rows.SetFilter(f)
	w.run(t, time.Minute, vw)
	after := w.engine.Snapshot().Deployments.Len()
	if after >= before {
		t.Fatalf("the store holds %d rows under status:ready, %d before: the query did not narrow it", after, before)
	}
	live := w.sim.LiveRequestIDs()
	for _, e := range of(w.log, events.KindGone, "") {
		if slices.Contains(live, e.Object.ID) {
			t.Errorf("%s, only out of the query, was recorded gone: %s", e.Object.ID, e.Message)
		}
	}
}

// The logs stream of an open log view shows the container crash:
// crash data appearing is a crash, a restart count that moved a restart
// ("restarted (exit 137: OOM killed), 2 restarts"), both warnings. The
// first look (the baseline) is no event.
func TestEventsCrashAndRestartFromTheLogs(t *testing.T) {
	w := newFeedWorld(t, sim.Config{}, nil)
	vw := attach(w.world, 0)
	w.run(t, 10*time.Second, vw)
	id := ""
	for _, cand := range w.sim.LiveRequestIDs() {
		logs := show(w, model.Interest{View: model.ViewLogs, Arg: cand})
		w.run(t, 3*time.Second, vw) // the baseline look
		if n, err := w.sim.Crash(cand); err == nil && n == 1 {
			id = cand
			defer logs.Detach()
			break
		}
		logs.Detach() // not READY, or a crash-looper already: try another
	}
	if id == "" {
		t.Fatal("no READY deployment to crash")
	}
	if got := append(of(w.log, events.KindCrash, ""), of(w.log, events.KindRestart, "")...); len(got) != 0 {
		t.Fatalf("the first looks recorded %+v", got)
	}
	if !w.runUntil(t, time.Minute, func() bool { return len(of(w.log, events.KindCrash, id)) > 0 }, vw) {
		t.Fatalf("no crash event a minute after %s crashed", id)
	}
	crash := of(w.log, events.KindCrash, id)
	if len(crash) != 1 || crash[0].Message != "crashed (exit 137: OOM killed), 1 restart" || crash[0].Severity != events.Warning {
		t.Fatalf("crash events %+v", crash)
	}
	if n, err := w.sim.Crash(id); err != nil || n != 2 {
		t.Fatalf("second crash: %d, %v", n, err)
	}
	if !w.runUntil(t, time.Minute, func() bool { return len(of(w.log, events.KindRestart, id)) > 0 }, vw) {
		t.Fatalf("no restart event a minute after %s restarted", id)
	}
	w.run(t, 30*time.Second, vw)
	r := of(w.log, events.KindRestart, id)
	if len(r) != 1 || r[0].Message != "restarted (exit 137: OOM killed), 2 restarts" || r[0].From != "1" || r[0].To != "2" || r[0].Severity != events.Warning {
		t.Fatalf("restart events %+v", r)
	}
	if n := len(of(w.log, events.KindCrash, id)); n != 1 {
		t.Errorf("%d crash events: the same crash data seen again is no event", n)
	}
}

// Smart Fleets and policies changed by someone else are events at the
// next poll (created, enabled/disabled, fields changed, deleted); one an
// action's answer carried is an event at once and not again at the poll.
// The first load is the baseline; Smart Fleets turning 404 (deprecated)
// is one event, however long it lasts.
func TestEventsFleetsAndPolicies(t *testing.T) {
	w := newFeedWorld(t, sim.Config{}, nil)
	v := show(w, model.Interest{View: model.ViewFleets})
	defer v.Detach()
	pv := show(w, model.Interest{View: model.ViewPolicies})
	defer pv.Detach()
	w.run(t, time.Minute)
	if got := append(of(w.log, events.KindFleet, ""), of(w.log, events.KindPolicy, "")...); len(got) != 0 {
		t.Fatalf("the first load recorded %+v", got)
	}
	ctx := context.Background()
	on, off, two := true, false, 2
	step := func(what string, kind events.Kind, id string, do func() error, want string) events.Event {
		t.Helper()
		n := len(of(w.log, kind, id))
		if err := do(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !w.runUntil(t, 3*time.Minute, func() bool { return len(of(w.log, kind, id)) > n }) {
			t.Fatalf("%s: no %s event for %s in 3 minutes", what, kind, id)
		}
		w.run(t, time.Minute) // later polls do not repeat it
		got := of(w.log, kind, id)[n:]
		if len(got) != 1 || got[0].Message != want || got[0].Severity != events.Info {
			t.Fatalf("%s: events %+v, want one %q", what, got, want)
		}
		return got[0]
	}
	e := step("enable apac-ranked", events.KindFleet, "apac-ranked", func() error {
		_, err := w.client.UpdateFleet(ctx, "apac-ranked", api.FleetUpdate{Enabled: &on})
		return err
	}, "Smart Fleet enabled")
	if e.From != "disabled" || e.To != "enabled" || e.Object.Type != events.ObjectFleet {
		t.Errorf("enable: %+v", e)
	}
	step("create sa-ranked", events.KindFleet, "sa-ranked", func() error {
		_, err := w.client.CreateFleet(ctx, api.FleetCreate{Name: "sa-ranked"})
		return err
	}, "Smart Fleet created (disabled)")
	step("edit paris-radius", events.KindPolicy, "eu-casual/paris-radius", func() error {
		_, err := w.client.UpdatePolicy(ctx, "eu-casual", "paris-radius", api.PolicyUpdate{Minimum: &two})
		return err
	}, "policy changed: minimum 1 → 2")
	step("delete us-east", events.KindPolicy, "na-tournament/us-east", func() error {
		_, err := w.client.DeletePolicy(ctx, "na-tournament", "us-east")
		return err
	}, "policy deleted")
	step("delete sa-ranked", events.KindFleet, "sa-ranked", func() error {
		_, err := w.client.DeleteFleet(ctx, "sa-ranked")
		return err
	}, "Smart Fleet deleted")

	// An action's answer (NoteFleet) is recorded at once.
	f, err := w.client.UpdateFleet(ctx, "eu-casual", api.FleetUpdate{Enabled: &off})
	if err != nil {
		t.Fatal(err)
	}
	v.NoteFleet(*f)
	if got := of(w.log, events.KindFleet, "eu-casual"); len(got) != 1 || got[0].Message != "Smart Fleet disabled" {
		t.Fatalf("after NoteFleet: %+v", got)
	}
	w.run(t, 2*time.Minute)
	if got := of(w.log, events.KindFleet, "eu-casual"); len(got) != 1 {
		t.Errorf("the poll repeated the noted change: %+v", got)
	}

	// So is a policy an action edited or deleted (NotePolicy).
	p, err := w.client.UpdatePolicy(ctx, "na-tournament", "quebec-core", api.PolicyUpdate{Enabled: &off})
	if err != nil {
		t.Fatal(err)
	}
	pv.NotePolicy("na-tournament", "quebec-core", p)
	if _, err := w.client.DeletePolicy(ctx, "eu-casual", "eu-event-tagged"); err != nil {
		t.Fatal(err)
	}
	pv.NotePolicy("eu-casual", "eu-event-tagged", nil)
	edited, deleted := of(w.log, events.KindPolicy, "na-tournament/quebec-core"), of(w.log, events.KindPolicy, "eu-casual/eu-event-tagged")
	if len(edited) != 1 || edited[0].Message != "policy disabled" || len(deleted) != 1 || deleted[0].Message != "policy deleted" {
		t.Fatalf("after NotePolicy: %+v, %+v", edited, deleted)
	}
	w.run(t, 2*time.Minute)
	if n := len(of(w.log, events.KindPolicy, "")); n != 4 {
		t.Errorf("%d policy events, want 4 (changed, deleted, disabled, deleted): the poll repeated a noted change", n)
	}

	w.sim.SetLegacyFleets(false)
	w.run(t, 10*time.Minute)
	gone := of(w.log, events.KindFleet, "")
	last := gone[len(gone)-1]
	if !strings.HasPrefix(last.Message, "Smart Fleets now answer 404 (deprecated)") {
		t.Fatalf("after the deprecation: %+v", last)
	}
	if n := len(gone); n != 5 || last.Object.ID != "smart-fleets" {
		t.Errorf("%d fleet events, want 5 (enabled, created, deleted, disabled, one 404): %+v", n, gone)
	}
}

// The API's health as the engine's client sees it after each answer: a
// 429 storm is one warning when it starts and one event with the count
// of 429s when it ends; 5xx answers degrade it (warning); a rejected
// token is an error that never quotes the token; back to OK is info.
func TestEventsAPIHealth(t *testing.T) {
	clock := sim.NewFakeClock(t0)
	w := newFeedWorldOn(t, clock, sleepingClock{clock}, sim.Config{}, nil)
	vw := attach(w.world, 20)
	w.run(t, 30*time.Second, vw)
	api := func() []events.Event { return of(w.log, events.KindAPI, "") }
	if got := api(); len(got) != 0 {
		t.Fatalf("a healthy start recorded %+v", got)
	}
	w.sim.SetFaults(sim.Faults{RateLimit429: 1})
	w.run(t, 40*time.Second, vw)
	w.sim.SetFaults(sim.Faults{})
	w.run(t, 3*time.Minute, vw)
	got := api()
	for _, e := range got {
		t.Logf("%s %s %s", e.Severity, e.Object.ID, e.Message)
	}
	if len(got) != 2 {
		t.Fatalf("a 429 storm recorded %d events, want 2 (started, over)", len(got))
	}
	if got[0].Severity != events.Warning || !strings.HasPrefix(got[0].Message, "rate limited: 429 Too Many Requests on ") {
		t.Errorf("storm start: %+v", got[0])
	}
	if got[1].Severity != events.Info || !strings.HasPrefix(got[1].Message, "rate limiting over after ") || !strings.HasSuffix(got[1].Message, " 429s") || strings.Contains(got[1].Message, ": 0 429s") {
		t.Errorf("storm end: %+v", got[1])
	}

	w.sim.SetFaults(sim.Faults{Error500: 1})
	w.run(t, 20*time.Second, vw)
	w.sim.SetFaults(sim.Faults{})
	w.run(t, 3*time.Minute, vw)
	got = api()[2:]
	for _, e := range got {
		t.Logf("%s %s %s", e.Severity, e.Object.ID, e.Message)
	}
	if len(got) < 2 || got[len(got)-1].Severity != events.Info || !strings.HasPrefix(got[len(got)-1].Message, "API recovered: ") {
		t.Fatalf("500s then answers: %+v", got)
	}
	if e := got[0]; e.Severity == events.Info || !strings.Contains(e.Message, "500") {
		t.Errorf("500s: %+v", e)
	}

	n := len(api())
	const rotated = "rotated-secret-token"
	w.sim.SetToken(rotated)
	w.run(t, 30*time.Second, vw)
	w.sim.SetToken(token)
	w.run(t, 3*time.Minute, vw)
	got = api()[n:]
	for _, e := range got {
		t.Logf("%s %s %s", e.Severity, e.Object.ID, e.Message)
	}
	if len(got) != 2 || got[0].Severity != events.Error || !strings.HasPrefix(got[0].Message, "token rejected: 401") || got[1].Message[:13] != "API recovered" {
		t.Fatalf("a rotated token: %+v", got)
	}
	for _, e := range w.log.All() {
		if strings.Contains(e.Message, token) || strings.Contains(e.Message, rotated) {
			t.Errorf("an event quotes a token: %s", e.Message)
		}
	}
}

// An action's audited outcome is in the feed with its actor: "alice
// stopped <id>: ok" (info), a failed one an error; the attempt is not.
// Every view of the engine reads the same log.
func TestEventsActions(t *testing.T) {
	w := newFeedWorld(t, sim.Config{}, nil)
	alice, bob := w.engine.Attach(), w.engine.Attach()
	alice.SetIdentity("alice", "operator")
	id := w.sim.LiveRequestIDs()[0]
	alice.RecordAction(model.AuditEntry{ID: "a1", Action: "stop", Targets: []string{id}, Outcome: model.OutcomeAttempted})
	alice.RecordAction(model.AuditEntry{ID: "a1", Action: "stop", Targets: []string{id}, Outcome: "ok"})
	bob.RecordAction(model.AuditEntry{ID: "b1", Action: "bulk-stop", Targets: []string{"x", "y", "z"}, Outcome: "failed: 503 Service Unavailable",
		Actor: &model.Actor{Name: "bob", Role: "operator"}})
	alice.RecordAction(model.AuditEntry{ID: "a2", Action: "fleet-disable", Targets: []string{"eu-casual"}, Outcome: "ok"})
	got := of(w.engine.Events(), events.KindAction, "")
	want := []struct {
		actor, msg string
		sev        events.Severity
		typ        events.ObjectType
	}{
		{"alice", "alice stopped " + id + ": ok", events.Info, events.ObjectDeployment},
		{"bob", "bob bulk-stopped 3 deployments: failed: 503 Service Unavailable", events.Error, events.ObjectDeployment},
		{"alice", "alice disabled Smart Fleet eu-casual: ok", events.Info, events.ObjectFleet},
	}
	if len(got) != len(want) {
		t.Fatalf("actions recorded %+v", got)
	}
	for i, w := range want {
		if e := got[i]; e.Actor != w.actor || e.Message != w.msg || e.Severity != w.sev || e.Object.Type != w.typ {
			t.Errorf("action %d: %+v, want %q by %s (%s)", i, e, w.msg, w.actor, w.sev)
		}
	}
}

// Events survive a restart: the second engine reads the first one's file
// back, numbers on, and reports as appeared (once) the deployments
// created while gapdeck was closed, not those it saw before.
func TestEventsPersistAcrossARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events", "prod.jsonl")
	clock := sim.NewFakeClock(t0)
	log := events.NewLog(0)
	st, _, err := events.Open(path, log, events.StoreOptions{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	w := newFeedWorldOn(t, clock, nil, sim.Config{}, log)
	vw := attach(w.world, 20)
	w.run(t, 2*time.Minute, vw)
	id := w.sim.LiveRequestIDs()[3]
	vw.v.RecordAction(model.AuditEntry{Action: "stop", Targets: []string{id}, Outcome: "ok", Actor: &model.Actor{Name: "alice"}})
	seen := map[string]bool{}
	for _, r := range w.engine.Snapshot().Deployments.Rows() {
		seen[r.ID] = true
	}
	vw.v.Detach()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	first := log.All()
	last := first[len(first)-1]

	// gapdeck is closed for 20 minutes; the world goes on.
	clock.Advance(20 * time.Minute)
	log2 := events.NewLog(0)
	st2, rep, err := events.Open(path, log2, events.StoreOptions{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if rep.Loaded != len(first) || rep.Skipped != 0 || log2.Seq() != last.Seq {
		t.Fatalf("read back %+v (seq %d), want the %d events of the first run (seq %d)", rep, log2.Seq(), len(first), last.Seq)
	}
	e2 := engine.New(engine.Config{Client: w.client, Now: clock.Now, Events: log2,
		Scheduler: model.SchedulerConfig{PrivateFleets: w.sim.PrivateFleetNames()}})
	w2 := &feedWorld{world: &world{clock: clock, sim: w.sim, engine: e2}, client: w.client, log: log2}
	vw2 := attach(w2.world, 20)
	w2.run(t, 2*time.Minute, vw2)
	appeared := of(log2, events.KindAppeared, "")
	news := 0
	for _, e := range appeared {
		if e.Seq <= last.Seq {
			continue
		}
		news++
		if seen[e.Object.ID] {
			t.Errorf("%s, seen by the first run, appeared again after the restart", e.Object.ID)
		}
	}
	if news == 0 {
		t.Error("no deployment created while gapdeck was closed was reported")
	}
	count := map[string]int{}
	for _, e := range appeared {
		count[e.Object.ID]++
		if count[e.Object.ID] > 1 {
			t.Errorf("%s appeared twice", e.Object.ID)
		}
	}
	if a := of(log2, events.KindAction, id); len(a) != 1 || a[0].Message != "alice stopped "+id+": ok" {
		t.Errorf("the action after the restart: %+v", a)
	}
	t.Logf("first run %d events; after 20 min closed, %d deployments appeared", len(first), news)
}

// What the list and status polling see: a deployment created after the
// engine started appears, once; one turning ERROR is a transition (error)
// and its error_detail an error event; a tag added by someone else is a
// tags event. Deployments there at the start are the baseline.
func TestEventsStatusErrorTagsAndAppeared(t *testing.T) {
	w := newFeedWorld(t, sim.Config{}, nil)
	atStart := w.sim.LiveRequestIDs()
	for _, id := range atStart { // one in ERROR before gapdeck looks
		if w.sim.Fail(id, "Container exited: before gapdeck started") == nil {
			break
		}
	}
	vw := attach(w.world, 200) // every row on screen: their status is read
	w.run(t, 30*time.Second, vw)
	// Those in ERROR already are the baseline: their error_detail is not
	// news at every start.
	inError := 0
	for _, id := range atStart {
		if r, ok := w.engine.Snapshot().Deployments.Get(id); ok && r.Status == api.StatusError {
			inError++
			if len(of(w.log, events.KindStatus, id)) == 0 && len(of(w.log, events.KindErrorDetail, id)) > 0 {
				t.Errorf("%s, in ERROR at the start, had an error_detail event", id)
			}
		}
	}
	if inError == 0 {
		t.Fatal("no deployment in ERROR at the start: the baseline is not tested")
	}
	var id string
	for _, cand := range w.sim.LiveRequestIDs() {
		if r, ok := w.engine.Snapshot().Deployments.Get(cand); ok && r.Status == api.StatusReady {
			id = cand
			break
		}
	}
	if id == "" {
		t.Fatal("no READY deployment known")
	}
	if err := w.sim.Fail(id, "Container exited: segfault in match 12"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.client.CreateDeploymentTag(context.Background(), id, "canary"); err != nil {
		t.Fatal(err)
	}
	ok := w.runUntil(t, time.Minute, func() bool {
		return len(of(w.log, events.KindStatus, id)) > 0 && len(of(w.log, events.KindErrorDetail, id)) > 0 && len(of(w.log, events.KindTags, id)) > 0
	}, vw)
	if !ok {
		t.Fatalf("a minute after %s failed and was tagged: %+v", id, w.log.All())
	}
	st := of(w.log, events.KindStatus, id)
	if len(st) != 1 || st[0].From != "READY" || st[0].To != "ERROR" || st[0].Severity != events.Error || !strings.HasPrefix(st[0].Message, "READY → ERROR (previous look ") {
		t.Errorf("status events %+v", st)
	}
	if d := of(w.log, events.KindErrorDetail, id); len(d) != 1 || d[0].Message != "error: Container exited: segfault in match 12" || d[0].Severity != events.Error {
		t.Errorf("error_detail events %+v", d)
	}
	if tg := of(w.log, events.KindTags, id); len(tg) != 1 || tg[0].Message != "tags +canary" || !slices.Contains(tg[0].Object.Tags, "canary") {
		t.Errorf("tags events %+v", tg)
	}
	w.run(t, 5*time.Minute, vw)
	appeared := of(w.log, events.KindAppeared, "")
	if len(appeared) == 0 {
		t.Fatal("no deployment appeared in 5 minutes")
	}
	seen := map[string]bool{}
	for _, e := range appeared {
		if seen[e.Object.ID] {
			t.Errorf("%s appeared twice", e.Object.ID)
		}
		seen[e.Object.ID] = true
		if slices.Contains(atStart, e.Object.ID) {
			t.Errorf("%s, there at the start, appeared", e.Object.ID)
		}
		if e.Severity != events.Info {
			t.Errorf("appeared %+v", e)
		}
	}
	t.Logf("%d appeared in 5 min; %s", len(appeared), st[0].Message)
}
