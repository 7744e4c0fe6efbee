package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	"golang.org/x/time/rate"

	"github.com/gapdeck/gapdeck/ui"
	"github.com/gapdeck/gapdeck/ui/linediff"
)

// Defaults of Config.
const (
	DefaultListen      = "127.0.0.1:2222"
	DefaultMaxSessions = 32
	DefaultIdleLogout  = 30 * time.Minute
	// DefaultConnections is how many connections one remote address may
	// open per minute (a burst of the same).
	DefaultConnections = 20
	// shutdownGrace is how long sessions get to read why they close.
	shutdownGrace = 10 * time.Second
)

// Session is what a person's console is built from.
type Session struct {
	Person   Person
	Renderer *lipgloss.Renderer // every style of the session comes from it
	Ctx      context.Context    // ends with the connection
	Out      io.Writer          // the session's terminal (OSC 52 copies)
	Width    int
	Height   int
}

// Config configures a Server. Keys and Console are required.
type Config struct {
	Listen      string // default DefaultListen
	HostKeyPath string // created once (ed25519, 0600) and reused
	Keys        *Keyring
	// Console builds one person's console.
	Console     func(Session) (tea.Model, error)
	MaxSessions int           // default DefaultMaxSessions
	IdleLogout  time.Duration // default DefaultIdleLogout; a key press resets it
	Connections int           // per remote address per minute; default DefaultConnections
	Log         *slog.Logger
}

// Server is the SSH server of the team console.
type Server struct {
	cfg   Config
	srv   *ssh.Server
	log   *slog.Logger
	limit *ipLimiter

	mu       sync.Mutex
	sessions map[*live]struct{}
	closing  string // why the server is shutting down
}

// live is one connected session.
type live struct {
	person  Person
	since   time.Time
	program *tea.Program
	console tea.Model // the person's console (its Shutdown runs at the end)
	reason  string    // why it ended, told to the person
}

// personKey holds the authenticated Person in the SSH context.
type personKey struct{}

// New builds the server; Serve runs it.
func New(cfg Config) (*Server, error) {
	if cfg.Keys == nil || cfg.Keys.Len() == 0 {
		return nil, ErrNoKeys
	}
	if cfg.Console == nil {
		return nil, errors.New("serve: no console to serve")
	}
	cfg.Listen = cmpOr(cfg.Listen, DefaultListen)
	cfg.MaxSessions = cmpOr(cfg.MaxSessions, DefaultMaxSessions)
	cfg.IdleLogout = cmpOr(cfg.IdleLogout, DefaultIdleLogout)
	cfg.Connections = cmpOr(cfg.Connections, DefaultConnections)
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: log, sessions: map[*live]struct{}{},
		limit: newIPLimiter(rate.Every(time.Minute/time.Duration(cfg.Connections)), cfg.Connections)}
	opts := []ssh.Option{
		wish.WithAddress(cfg.Listen),
		wish.WithPublicKeyAuth(s.authenticate),
		wish.WithMiddleware(
			bubbletea.MiddlewareWithProgramHandler(s.program, termenv.Ascii),
			s.admit,
			s.recoverPanics,
		),
	}
	if cfg.HostKeyPath != "" {
		opts = append(opts, wish.WithHostKeyPath(cfg.HostKeyPath))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s.srv = srv
	cfg.Keys.OnChange(s.revoke)
	return s, nil
}

// revoke closes the sessions whose key is no longer authorized, or whose
// role changed (a viewer's console cannot become an operator's in place).
func (s *Server) revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for l := range s.sessions {
		now, ok := s.cfg.Keys.Current(l.person.Fingerprint)
		why := ""
		switch {
		case !ok:
			why = "your key is no longer authorized on this server."
		case now.Role != l.person.Role:
			why = fmt.Sprintf("your role changed to %s: connect again.", now.Role)
		}
		if why == "" {
			continue
		}
		s.log.Info("serve: session closed: key changed", "person", l.person.Name, "why", why)
		if l.reason == "" {
			l.reason = why
		}
		if p := l.program; p != nil {
			go p.Quit()
		}
	}
}

func cmpOr[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}

// authenticate accepts the keys of the keyring only: a key in neither
// file is refused before anything is drawn.
func (s *Server) authenticate(ctx ssh.Context, key ssh.PublicKey) bool {
	p, ok := s.cfg.Keys.Lookup(key)
	if !ok {
		s.log.Warn("serve: key refused", "remote", ctx.RemoteAddr().String(), "user", ctx.User(), "fingerprint", fingerprint(key))
		return false
	}
	p.Remote = ctx.RemoteAddr().String()
	ctx.SetValue(personKey{}, p)
	return true
}

// recoverPanics closes one session on a panic in its handlers, logged;
// the engine and the other sessions go on.
func (s *Server) recoverPanics(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("serve: a session panicked; it is closed, the others go on", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				wish.Println(sess, "gapdeck: this session hit an internal error and is closed (logged on the server).")
			}
		}()
		next(sess)
	}
}

// admit refuses sessions without a terminal, past the session limit or
// over the per-address connection rate, and tells a session that ends why.
func (s *Server) admit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		p, _ := sess.Context().Value(personKey{}).(Person)
		_, changes, ok := sess.Pty() // once: Pty races with window changes (charmbracelet/ssh)
		if !ok {
			wish.Println(sess, "gapdeck: the console needs a terminal: connect with ssh -t (no command).")
			_ = sess.Exit(1)
			return
		}
		if !s.limit.allow(remoteIP(sess.RemoteAddr())) {
			s.log.Warn("serve: connection rate exceeded", "remote", sess.RemoteAddr().String(), "person", p.Name)
			wish.Printf(sess, "gapdeck: too many connections from your address (at most %d a minute); try again in a minute.\n", s.cfg.Connections)
			_ = sess.Exit(1)
			return
		}
		l := &live{person: p, since: time.Now()}
		if why := s.add(l); why != "" {
			wish.Println(sess, "gapdeck: "+why)
			_ = sess.Exit(1)
			return
		}
		defer s.remove(l)
		s.log.Info("serve: session opened", "person", p.Name, "role", p.Role, "fingerprint", p.Fingerprint, "remote", p.Remote)
		sess.Context().SetValue(liveKey{}, l)
		next(sess)
		drainWindowChanges(sess, changes)
		s.mu.Lock()
		reason, console := l.reason, l.console
		s.mu.Unlock()
		if sd, ok := console.(interface{ Shutdown() error }); ok {
			if err := sd.Shutdown(); err != nil { // actions in flight recorded, the engine view detached
				s.log.Warn("serve: session shutdown", "person", p.Name, "err", err)
			}
		}
		if reason != "" {
			wish.Println(sess, "gapdeck: "+reason)
		}
		s.log.Info("serve: session closed", "person", p.Name, "reason", reason)
	}
}

// liveKey holds the session's *live in the SSH context.
type liveKey struct{}

// add registers l, or says why it cannot join.
func (s *Server) add(l *live) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing != "":
		return s.closing
	case len(s.sessions) >= s.cfg.MaxSessions:
		return fmt.Sprintf("the server is full (%d sessions); try again later.", s.cfg.MaxSessions)
	}
	s.sessions[l] = struct{}{}
	return ""
}

func (s *Server) remove(l *live) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, l)
}

// program builds one session's console under a sessionModel (idle
// logout, shutdown notice).
func (s *Server) program(sess ssh.Session) *tea.Program {
	l, _ := sess.Context().Value(liveKey{}).(*live)
	if l == nil {
		return nil
	}
	pty, _, _ := sess.Pty()
	model, err := s.cfg.Console(Session{
		Person: l.person, Renderer: makeRenderer(sess), Ctx: sess.Context(), Out: sess,
		Width: pty.Window.Width, Height: pty.Window.Height,
	})
	if err != nil {
		s.log.Error("serve: console not built", "person", l.person.Name, "err", err)
		s.end(l, "the console could not start: "+err.Error())
		return nil
	}
	m := &sessionModel{inner: model, idle: s.cfg.IdleLogout, lastKey: time.Now(), end: func(why string) { s.end(l, why) },
		crash: func(r any) {
			s.log.Error("serve: a console panicked; its session is closed, the others go on", "person", l.person.Name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			s.end(l, crashText)
		}}
	opts := append(bubbletea.MakeOptions(sess), tea.WithAltScreen(), tea.WithoutSignalHandler(), tea.WithFPS(ui.FrameRate)) // the middleware quits it when the connection ends
	if pty, _, ok := sess.Pty(); ok && !sess.EmulatedPty() && pty.Slave != nil {
		opts = append(opts, tea.WithOutput(linediff.NewFile(pty.Slave))) // changed cells, not lines: bytes are latency over SSH
	} else {
		opts = append(opts, tea.WithOutput(linediff.New(sess)))
	}
	p := tea.NewProgram(m, opts...)
	s.mu.Lock()
	l.program, l.console = p, model
	s.mu.Unlock()
	return p
}

// end records why a session ends.
func (s *Server) end(l *live, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.reason == "" {
		l.reason = why
	}
}

// Presence is one connected person, for `:who`.
type Presence struct {
	Person Person
	Since  time.Time
}

// Who lists the people connected, first connected first.
func (s *Server) Who() []Presence {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Presence, 0, len(s.sessions))
	for l := range s.sessions {
		out = append(out, Presence{Person: l.person, Since: l.since})
	}
	slices.SortFunc(out, func(a, b Presence) int { return a.Since.Compare(b.Since) })
	return out
}

// Broadcast sends msg to every session's console (from a goroutine per
// session: Send blocks until the program reads it).
func (s *Server) Broadcast(msg tea.Msg) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for l := range s.sessions {
		if p := l.program; p != nil {
			go p.Send(msg)
		}
	}
}

// Serve listens and serves until ctx ends, then closes every session
// telling it why and shuts the server down.
func (s *Server) Serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return s.ServeListener(ctx, ln)
}

// ServeListener is Serve on an open listener (tests pick a free port).
func (s *Server) ServeListener(ctx context.Context, ln net.Listener) error {
	s.log.Info("serve: listening", "address", ln.Addr().String(), "keys", s.cfg.Keys.Len())
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, ssh.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	s.Shutdown("the server is shutting down")
	<-errc
	return nil
}

// Shutdown closes every session, telling it why, and stops the server.
func (s *Server) Shutdown(why string) {
	s.mu.Lock()
	s.closing = why
	for l := range s.sessions {
		if l.reason == "" {
			l.reason = why
		}
		if p := l.program; p != nil {
			go p.Quit()
		}
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.log.Warn("serve: sessions still open at shutdown were cut", "err", err)
		_ = s.srv.Close()
	}
}

// Addr is where the server listens (after Serve started).
func (s *Server) Addr() string { return s.cfg.Listen }

// remoteIP is the address part of a connection's remote address.
func remoteIP(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// ipLimiter bounds new sessions per remote address.
type ipLimiter struct {
	every rate.Limit
	burst int

	mu    sync.Mutex
	per   map[string]*rate.Limiter
	swept time.Time
}

func newIPLimiter(every rate.Limit, burst int) *ipLimiter {
	return &ipLimiter{every: every, burst: burst, per: map[string]*rate.Limiter{}}
}

func (l *ipLimiter) allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.swept) > 10*time.Minute { // forget addresses back at full burst
		for k, lim := range l.per {
			if lim.TokensAt(now) >= float64(l.burst) {
				delete(l.per, k)
			}
		}
		l.swept = now
	}
	lim := l.per[ip]
	if lim == nil {
		lim = rate.NewLimiter(l.every, l.burst)
		l.per[ip] = lim
	}
	return lim.AllowN(now, 1)
}

// fingerprint is a key's SHA256 fingerprint.
func fingerprint(key ssh.PublicKey) string {
	if key == nil {
		return ""
	}
	return gosshFingerprint(key)
}

// CheckListen refuses to serve on an address other than loopback unless
// it was given explicitly on the command line (explicit): a config file
// alone must not expose the console.
func CheckListen(addr string, explicit bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %v (use host:port, e.g. 127.0.0.1:2222)", addr, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		return nil
	}
	if !explicit {
		return fmt.Errorf("serve.listen %q is not a loopback address: give it with --listen to serve beyond this machine", addr)
	}
	return nil
}

// RunEngine runs the shared engine until ctx ends. A panic in it is
// logged and the engine is run again after a second: the sessions go on.
func RunEngine(ctx context.Context, e interface{ Run(context.Context) }, log *slog.Logger) {
	for ctx.Err() == nil {
		func() {
			defer func() {
				if r := recover(); r != nil {
					log.Error("serve: the engine panicked; restarting it", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				}
			}()
			e.Run(ctx)
		}()
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// makeRenderer is the session's lipgloss renderer: its colour profile from
// the TERM (and COLORTERM, when the client sends it) of the session's
// PTY, a dark background assumed. Unlike wish's MakeRenderer it does not
// ask the terminal for its background colour (OSC 11): a terminal that
// does not answer held the login for seconds, or for ever.
func makeRenderer(sess ssh.Session) *lipgloss.Renderer {
	pty, _, ok := sess.Pty()
	if !ok || pty.Term == "" || pty.Term == "dumb" {
		return lipgloss.NewRenderer(sess, termenv.WithProfile(termenv.Ascii))
	}
	env := append(slices.Clip(sess.Environ()), "TERM="+pty.Term)
	var out io.Writer = sess
	if pty.Slave != nil {
		out = pty.Slave
	}
	r := lipgloss.NewRenderer(out, termenv.WithEnvironment(sshEnv(env)), termenv.WithUnsafe(), termenv.WithColorCache(true))
	r.SetHasDarkBackground(true)
	return r
}

// sshEnv is a session's environment as termenv reads it.
type sshEnv []string

// Environ implements termenv.Environ.
func (e sshEnv) Environ() []string { return e }

// Getenv implements termenv.Environ: the last value set wins.
func (e sshEnv) Getenv(k string) string {
	for i := len(e) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(e[i], k+"="); ok {
			return v
		}
	}
	return ""
}

// drainWindowChanges reads the window changes a session still sends once
// its console has ended: the SSH library hands each to an unbuffered
// channel, and one nobody reads held the connection (and a goroutine)
// open for ever.
func drainWindowChanges(sess ssh.Session, changes <-chan ssh.Window) {
	go func() {
		for {
			select {
			case <-sess.Context().Done():
				return
			case _, open := <-changes:
				if !open {
					return
				}
			}
		}
	}()
}
