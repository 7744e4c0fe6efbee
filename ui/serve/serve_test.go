package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
	"github.com/gapdeck/gapdeck/ui"
	"github.com/gapdeck/gapdeck/ui/theme"
)

const simToken = "serve-test-token"

// person is a test key and the name in its comment.
type person struct {
	name   string
	signer gossh.Signer
}

func newPerson(t testing.TB, name string) person {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return person{name: name, signer: s}
}

// writeKeys writes an authorized_keys file of people.
func writeKeys(t testing.TB, people ...person) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("# test keys\n\n")
	for _, p := range people {
		b.Write(bytes.TrimSpace(gossh.MarshalAuthorizedKey(p.signer.PublicKey())))
		b.WriteString(" " + p.name + "\n")
	}
	path := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// world is a served console over a simulator: the server, its address
// and what the simulator counted.
type world struct {
	eng    *engine.Engine
	srv    *Server
	addr   string
	sim    *sim.Server
	client *api.Client
	cancel context.CancelFunc
	done   chan error
}

// serveWorld starts a server over a fresh simulator with the given people.
func serveWorld(t testing.TB, operators, viewers []person, mod func(*Config)) *world {
	t.Helper()
	// A frozen world (its clock never moves): the requests a test counts
	// come from the engine's schedule alone, not from deployments changing.
	// Its rate limits are off (they count on its clock); the client keeps
	// to the budget.
	frozen := sim.NewFakeClock(time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC))
	s := sim.New(sim.Config{Token: simToken, Seed: 5, Deployments: 60, Clock: frozen, DisableRateLimits: true})
	client, err := api.New(api.Options{BaseURL: "http://localhost", Token: simToken, HTTPClient: &http.Client{Transport: sim.Transport(s)}})
	if err != nil {
		t.Fatal(err)
	}
	var opFile, viewFile string
	if len(operators) > 0 {
		opFile = writeKeys(t, operators...)
	}
	if len(viewers) > 0 {
		viewFile = writeKeys(t, viewers...)
	}
	keys, err := LoadKeyring(opFile, viewFile, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	eng := engine.New(engine.Config{Client: client, Scheduler: model.SchedulerConfig{PrivateFleets: s.PrivateFleetNames()}})
	engDone := make(chan struct{})
	go func() { RunEngine(ctx, eng, nil); close(engDone) }()
	cfg := Config{
		HostKeyPath: filepath.Join(t.TempDir(), "host_key"), Keys: keys,
		Console: func(sess Session) (tea.Model, error) { return testConsole(client, eng, sess), nil },
	}
	w := &world{eng: eng, sim: s, client: client, cancel: cancel, done: make(chan error, 1)}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.srv, w.addr = srv, ln.Addr().String()
	go func() { w.done <- srv.ServeListener(ctx, ln) }()
	t.Cleanup(func() {
		w.stop(t)
		<-engDone
	})
	return w
}

// stop shuts the server down and waits for it.
func (w *world) stop(t testing.TB) {
	w.cancel()
	select {
	case err := <-w.done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
		w.done <- nil // for a second stop
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not shut down")
	}
}

// testConsole is what main builds for a session, on the test's client.
func testConsole(client *api.Client, eng *engine.Engine, s Session) tea.Model {
	env := &ui.Env{
		Client: client, Styles: theme.NewStylesFor(s.Renderer, theme.Default(), s.Renderer.ColorProfile() == termenv.Ascii),
		Keys: ui.DefaultKeyMap(), Ctx: s.Ctx, Clipboard: s.Out, Engine: eng, Profile: "test",
		Actor: &model.Actor{Name: s.Person.Name, Role: string(s.Person.Role), Fingerprint: s.Person.Fingerprint, Remote: s.Person.Remote},
	}
	if s.Person.Role != RoleOperator {
		env.Client = client.ReadOnlyView()
		env.ReadOnly, env.ReadOnlyReason = true, "your key is a viewer's"
	}
	app := ui.New(env, nil)
	app.Update(tea.WindowSizeMsg{Width: s.Width, Height: s.Height})
	return ui.NewRoot(app)
}

// terminal is one SSH session with a PTY, its output collected.
type terminal struct {
	conn  *gossh.Client
	sess  *gossh.Session
	stdin interface{ Write([]byte) (int, error) }

	mu     sync.Mutex
	out    bytes.Buffer
	writes []time.Time // when each chunk of output arrived
	closed chan struct{}
}

// dial connects p and opens a shell with a PTY of type term.
func dial(t testing.TB, addr string, p person, term string) (*terminal, error) {
	t.Helper()
	conn, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: p.name, Auth: []gossh.AuthMethod{gossh.PublicKeys(p.signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	sess, err := conn.NewSession()
	if err != nil {
		conn.Close()
		return nil, err
	}
	tm := &terminal{conn: conn, sess: sess, closed: make(chan struct{})}
	sess.Stdout = tm
	sess.Stderr = tm
	in, err := sess.StdinPipe()
	if err != nil {
		conn.Close()
		return nil, err
	}
	tm.stdin = in
	if term != "" {
		if err := sess.RequestPty(term, 30, 110, gossh.TerminalModes{}); err != nil {
			conn.Close()
			return nil, err
		}
	}
	if err := sess.Shell(); err != nil {
		conn.Close()
		return nil, err
	}
	go func() { // as ssh does: the session over, the connection closes
		sess.Wait()
		conn.Close()
		close(tm.closed)
	}()
	t.Cleanup(func() { conn.Close() })
	return tm, nil
}

func (tm *terminal) Write(b []byte) (int, error) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.writes = append(tm.writes, time.Now())
	return tm.out.Write(b)
}

func (tm *terminal) output() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.out.String()
}

// waitFor waits until the output contains text.
func (tm *terminal) waitFor(t testing.TB, text string) {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(tm.output(), text) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %q in the session's output:\n%q", text, tail(tm.output()))
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

func TestKeysDecideWhoGetsIn(t *testing.T) {
	alice, bob, mallory := newPerson(t, "alice@laptop"), newPerson(t, "bob@desk"), newPerson(t, "mallory")
	w := serveWorld(t, []person{alice}, []person{bob}, nil)

	if _, err := dial(t, w.addr, mallory, "xterm-256color"); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("a stranger's key: %v, want refused at authentication", err)
	}

	op, err := dial(t, w.addr, alice, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	op.waitFor(t, "Deployments")

	viewer, err := dial(t, w.addr, bob, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	viewer.waitFor(t, "READ-ONLY")
	viewer.stdin.Write([]byte{0x04}) // ctrl+d: stop
	viewer.waitFor(t, "read-only: stopping deployments is disabled")
	if got := len(w.srv.Who()); got != 2 {
		t.Errorf("Who lists %d people, want 2", got)
	}
	names := []string{}
	for _, p := range w.srv.Who() {
		names = append(names, p.Person.Name+"/"+string(p.Person.Role))
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"alice@laptop/operator", "bob@desk/viewer"}) {
		t.Errorf("Who = %v", names)
	}
}

func TestSessionsNeedATerminalAndRoom(t *testing.T) {
	alice := newPerson(t, "alice@laptop")
	w := serveWorld(t, []person{alice}, nil, func(c *Config) { c.MaxSessions = 1 })
	noPTY, err := dial(t, w.addr, alice, "")
	if err != nil {
		t.Fatal(err)
	}
	noPTY.waitFor(t, "the console needs a terminal: connect with ssh -t")
	<-noPTY.closed

	first, err := dial(t, w.addr, alice, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	first.waitFor(t, "Deployments")
	second, err := dial(t, w.addr, alice, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	second.waitFor(t, "the server is full (1 sessions)")
}

// SIGTERM's path: every session is told why it closes, mid-dialog too.
func TestShutdownTellsEverySession(t *testing.T) {
	alice, bob := newPerson(t, "alice@laptop"), newPerson(t, "bob@desk")
	w := serveWorld(t, []person{alice}, []person{bob}, nil)
	op, err := dial(t, w.addr, alice, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := dial(t, w.addr, bob, "dumb")
	if err != nil {
		t.Fatal(err)
	}
	op.waitFor(t, "READY") // rows on screen: a stop has a target
	viewer.waitFor(t, "Deployments")
	op.stdin.Write([]byte{0x04}) // a stop's confirmation is open
	op.waitFor(t, "Stop")
	w.stop(t)
	for _, tm := range []*terminal{op, viewer} {
		tm.waitFor(t, "gapdeck: the server is shutting down")
		select {
		case <-tm.closed:
		case <-time.After(5 * time.Second):
			t.Fatal("a session stayed open after the shutdown")
		}
	}
}

// Each session renders with its own terminal's colour profile, at the same
// time: 256 colours for one, none for a dumb terminal.
func TestEachSessionHasItsOwnColours(t *testing.T) {
	alice := newPerson(t, "alice@laptop")
	w := serveWorld(t, []person{alice}, nil, nil)
	color, err := dial(t, w.addr, alice, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	dumb, err := dial(t, w.addr, alice, "dumb")
	if err != nil {
		t.Fatal(err)
	}
	color.waitFor(t, "Deployments")
	dumb.waitFor(t, "Deployments")
	time.Sleep(500 * time.Millisecond) // a few frames
	if !hasColour(color.output()) || !strings.Contains(color.output(), "38;5;") {
		t.Errorf("the xterm-256color session has no 256-colour sequence:\n%q", tail(color.output()))
	}
	if hasColour(dumb.output()) {
		t.Errorf("the dumb session got colour:\n%q", tail(dumb.output()))
	}
}

// sgr matches a Select Graphic Rendition sequence.
var sgr = regexp.MustCompile("\x1b\\[([0-9;]*)m")

// hasColour reports whether s sets a foreground or background colour.
func hasColour(s string) bool {
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.Split(m[1], ";") {
			if n, err := strconv.Atoi(p); err == nil && (n >= 30 && n <= 49 || n >= 90 && n <= 107) {
				return true
			}
		}
	}
	return false
}

// The API load is the engine's, not the sessions': 1, 5 and 20 sessions
// on servers over the same simulated organization make the same requests
// per second over the same window after start. Also measured: memory per
// extra session and the p95 time from a key to the screen with 20
// sessions.
func TestLoadIsIndependentOfSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	const warmUp, window = 6 * time.Second, 20 * time.Second // two status intervals: a batch at the edge is under 10%
	rates := map[int]float64{}
	heap := map[int]float64{}
	for _, n := range []int{1, 5, 20} {
		op := newPerson(t, "op")
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		w := serveWorld(t, []person{op}, nil, nil)
		var terms []*terminal
		var started time.Time // the first session is on screen: polling starts
		for i := range n {
			tm, err := dial(t, w.addr, op, "xterm-256color")
			if err != nil {
				t.Fatal(err)
			}
			terms = append(terms, tm)
			if i == 0 {
				tm.waitFor(t, "Deployments")
				started = time.Now()
			}
		}
		for _, tm := range terms {
			tm.waitFor(t, "Deployments")
		}
		time.Sleep(warmUp - time.Since(started))
		start := w.sim.Counters()
		time.Sleep(window)
		end := w.sim.Counters()
		var calls int64
		per := map[api.Group]int64{}
		for g, c := range end.ByGroup {
			per[g] = c.Calls - start.ByGroup[g].Calls
			calls += c.Calls - start.ByGroup[g].Calls
			if c.RateLimited > 0 {
				t.Errorf("%d sessions: the simulator answered %d 429s in group %s", n, c.RateLimited, g)
			}
		}
		rates[n] = float64(calls) / window.Seconds()
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		heap[n] = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
		t.Logf("%2d sessions: %.2f requests/s to the API %v; heap %+.1f MiB", n, rates[n], per, heap[n])
		if n == 20 {
			t.Logf("20 sessions: key to screen p95 %v", keyLatencyP95(t, terms))
			t.Logf("memory per extra session: %.2f MiB", (heap[20]-heap[1])/19)
		}
		w.stop(t)
	}
	for _, n := range []int{5, 20} {
		if r := rates[n] / rates[1]; r < 0.9 || r > 1.1 {
			t.Errorf("%d sessions make %.2f requests/s, one session %.2f: more than 10%% apart", n, rates[n], rates[1])
		}
	}
}

// keyLatencyP95 presses j in every session in turn and measures the time
// until that session's output next changes.
func keyLatencyP95(t testing.TB, terms []*terminal) time.Duration {
	var lat []time.Duration
	for round := range 5 {
		for _, tm := range terms {
			tm.mu.Lock()
			n := len(tm.writes)
			tm.mu.Unlock()
			key := "j"
			if round%2 == 1 {
				key = "k"
			}
			sent := time.Now()
			tm.stdin.Write([]byte(key))
			for time.Since(sent) < 5*time.Second {
				tm.mu.Lock()
				got := len(tm.writes) > n
				var at time.Time
				if got {
					at = tm.writes[n]
				}
				tm.mu.Unlock()
				if got {
					lat = append(lat, at.Sub(sent))
					break
				}
				time.Sleep(time.Millisecond)
			}
		}
	}
	slices.Sort(lat)
	if len(lat) == 0 {
		t.Fatal("no key reached a screen")
	}
	return lat[len(lat)*95/100]
}

// A session without a key press for IdleLogout is logged out and told why;
// the SSH idle timeout would never fire for a console that redraws.
func TestIdleSessionIsLoggedOut(t *testing.T) {
	alice := newPerson(t, "alice@laptop")
	w := serveWorld(t, []person{alice}, nil, func(c *Config) { c.IdleLogout = 1500 * time.Millisecond })
	tm, err := dial(t, w.addr, alice, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	tm.waitFor(t, "Deployments")
	tm.waitFor(t, "gapdeck: logged out after 1.5s without a key press.")
	select {
	case <-tm.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the idle session stayed open")
	}
}

// panicky panics on the key p: a bug in one person's console.
type panicky struct{ tea.Model }

// Shutdown is the console's (the server calls it when the session ends).
func (m panicky) Shutdown() error { return m.Model.(interface{ Shutdown() error }).Shutdown() }

func (m panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "p" {
		panic("a bug in one console")
	}
	inner, cmd := m.Model.Update(msg)
	return panicky{inner}, cmd
}

// A panic in one session closes that session only: the engine and the
// other sessions go on.
func TestAPanicClosesOneSession(t *testing.T) {
	alice, bob := newPerson(t, "alice@laptop"), newPerson(t, "bob@desk")
	var w *world
	w = serveWorld(t, []person{alice, bob}, nil, func(c *Config) {
		c.Console = func(s Session) (tea.Model, error) {
			return panicky{testConsole(w.client, w.eng, s)}, nil
		}
	})
	crash, err := dial(t, w.addr, alice, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	calm, err := dial(t, w.addr, bob, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	crash.waitFor(t, "Deployments")
	calm.waitFor(t, "Deployments")
	crash.stdin.Write([]byte("p"))
	crash.waitFor(t, "gapdeck: "+crashText)
	select {
	case <-crash.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("the session that panicked stayed open")
	}
	before := w.sim.Counters().ByGroup[api.GroupList].Calls
	calm.stdin.Write([]byte("j"))
	time.Sleep(3 * time.Second)
	if w.sim.Counters().ByGroup[api.GroupList].Calls == before {
		t.Error("the engine stopped polling after one session panicked")
	}
	if len(w.srv.Who()) != 1 {
		t.Errorf("Who lists %d sessions, want the calm one", len(w.srv.Who()))
	}
}

// Removing a key from its file closes that person's session at once and
// tells them why; the others stay.
func TestRemovedKeyClosesItsSession(t *testing.T) {
	alice, bob := newPerson(t, "alice@laptop"), newPerson(t, "bob@desk")
	w := serveWorld(t, []person{alice, bob}, nil, nil)
	a, err := dial(t, w.addr, alice, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	b, err := dial(t, w.addr, bob, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	a.waitFor(t, "Deployments")
	b.waitFor(t, "Deployments")
	path := w.srv.cfg.Keys.files[RoleOperator]
	only := writeKeys(t, alice)
	data, err := os.ReadFile(only)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.cfg.Keys.Reload(); err != nil { // as SIGHUP or the watcher do
		t.Fatal(err)
	}
	b.waitFor(t, "gapdeck: your key is no longer authorized on this server.")
	select {
	case <-b.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the session of the removed key stayed open")
	}
	if len(w.srv.Who()) != 1 {
		t.Errorf("Who lists %d sessions, want alice's", len(w.srv.Who()))
	}
	if _, err := dial(t, w.addr, bob, "xterm-256color"); err == nil {
		t.Error("the removed key still gets in")
	}
}

// A connection cut mid-dialog and a storm of resizes crash nothing: the
// server drops the session, the others go on, nothing leaks (TestMain).
func TestCutConnectionsAndResizes(t *testing.T) {
	alice, bob := newPerson(t, "alice@laptop"), newPerson(t, "bob@desk")
	w := serveWorld(t, []person{alice, bob}, nil, nil)
	cut, err := dial(t, w.addr, alice, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	stays, err := dial(t, w.addr, bob, "xterm-256color")
	if err != nil {
		t.Fatal(err)
	}
	cut.waitFor(t, "READY") // rows on screen: a stop has a target
	stays.waitFor(t, "Deployments")
	for i := range 50 { // rapid resizes (a window dragged), down to 1x1 and back
		if err := stays.sess.WindowChange(1+i%60, 1+(i*7)%200); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	stays.sess.WindowChange(30, 110)
	stays.waitFor(t, "Deployments") // drawn again at the last size
	cut.stdin.Write([]byte{0x04})   // a stop's confirmation
	cut.waitFor(t, "Stop")
	cut.conn.Close() // the network goes away
	deadline := time.Now().Add(10 * time.Second)
	for len(w.srv.Who()) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the cut session is still listed: %+v", w.srv.Who())
		}
		time.Sleep(50 * time.Millisecond)
	}
	before := len(stays.output())
	stays.stdin.Write([]byte("j"))
	deadline = time.Now().Add(5 * time.Second)
	for len(stays.output()) == before {
		if time.Now().After(deadline) {
			t.Fatal("the other session stopped drawing")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// One address may open only so many connections a minute.
func TestConnectionRatePerAddress(t *testing.T) {
	l := newIPLimiter(rate.Every(time.Minute/3), 3)
	for i := range 3 {
		if !l.allow("192.0.2.1") {
			t.Fatalf("connection %d refused inside the burst", i+1)
		}
	}
	if l.allow("192.0.2.1") {
		t.Error("a fourth connection within the minute was let in")
	}
	if !l.allow("192.0.2.2") {
		t.Error("another address was refused")
	}
}
