// Command gapdeck is a k9s-style terminal console for the Edgegap
// game-server hosting platform. `gapdeck --demo` runs it against an
// embedded simulator; `gapdeck sim` serves that simulator on a port.
package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/adrg/xdg"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/config"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
	"github.com/gapdeck/gapdeck/model/events"
	"github.com/gapdeck/gapdeck/model/watchlist"
	"github.com/gapdeck/gapdeck/ui"
	"github.com/gapdeck/gapdeck/ui/keys"
	"github.com/gapdeck/gapdeck/ui/linediff"
	"github.com/gapdeck/gapdeck/ui/serve"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// Set by the release build (-ldflags "-X main.version=... -X main.commit=... -X main.date=...").
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// gcPercent is the Go collector's GOGC for gapdeck unless GOGC is set:
// the heap may grow 75% past what is live before a collection, not 100%.
// A large organization's rows are most of the heap (50,000 deployments:
// about 120 MB live), and the default let the process take twice that
// (issue 16: 267 MB RSS after 10 minutes); the cost is a few more
// collections of a heap that changes slowly.
const gcPercent = 75

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	// The console handles SIGINT, SIGTERM and SIGHUP itself (runConsole:
	// a graceful quit); `gapdeck sim` stops on them (newSimCmd).
	if err := newRootCmd().ExecuteContext(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "gapdeck:", err)
		if errors.Is(err, errNoToken) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	var opts consoleOptions
	root := &cobra.Command{
		Use:   "gapdeck",
		Short: "A terminal console for the Edgegap game-server platform",
		Long: "gapdeck is a k9s-style terminal console for Edgegap: deployments, fleets, policies and\n" +
			"locations, inside a small share of the API's rate limits.\n\n" +
			"  gapdeck --demo                          try it on the embedded simulator\n" +
			"  EDGEGAP_API_TOKEN=<token> gapdeck       connect to your organization",
		Args:          refuseTokenArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.set = cmd.Flags().Changed
			return runConsole(cmd.Context(), opts)
		},
	}
	root.PersistentFlags().StringVar(&opts.configPath, "config", "", "configuration file (default $XDG_CONFIG_HOME/gapdeck/config.yaml)")
	fl := root.Flags()
	fl.BoolVar(&opts.demo, "demo", false, "run on an embedded simulator of the Edgegap API (no account needed)")
	fl.StringVar(&opts.profile, "profile", "", "profile of the configuration file to use (default: its default_profile)")
	fl.StringVar(&opts.apiURL, "api-url", "", "Edgegap API base URL (default https://api.edgegap.com; http:// only for loopback, e.g. a local gapdeck sim)")
	fl.BoolVar(&opts.readOnly, "readonly", false, "refuse every action that changes the organization")
	fl.StringVar(&opts.logFile, "log-file", "", "debug log file (default $XDG_STATE_HOME/gapdeck/gapdeck.log)")
	fl.Float64Var(&opts.budget, "budget", 0, "share of each documented API rate limit gapdeck may use, 0.01 to 1 (default 0.25)")
	fl.DurationVar(&opts.logInterval, "log-interval", model.DefaultLogsInterval, "how often an open logs view polls the container logs (500ms to 1h)")
	fl.IntVar(&opts.logCap, "log-lines", model.DefaultLogCap, "lines kept per log stream, 100 to 1000000 (older lines are dropped, and the view says so)")
	// Accepted only to refuse them with the reason (refuseTokenArgs).
	for _, name := range tokenFlags {
		fl.String(name, "", "")
		fl.Lookup(name).NoOptDefVal = " "
		_ = fl.MarkHidden(name)
	}
	// --profile completes the configuration file's profile names.
	_ = root.RegisterFlagCompletionFunc("profile", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		cfg, err := loadConfig(opts.configPath)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
		}
		return cfg.ProfileNames(), cobra.ShellCompDirectiveNoFileComp
	})
	root.AddCommand(newSimCmd(), newServeCmd(&opts.configPath), newVersionCmd(), config.Command(&opts.configPath, loadConfig))
	return root
}

// serveOptions are the flags of `gapdeck serve`.
type serveOptions struct {
	consoleOptions
	listen       string
	operatorKeys string
	viewerKeys   string
	maxSessions  int
	idleLogout   time.Duration
}

func newServeCmd(configPath *string) *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the console to the team over SSH: one poller, per-person keys and roles",
		Long: "gapdeck serve runs an SSH server: each person who connects gets their own console on one\n" +
			"shared poller, inside one budget. The API token stays on the server. Only the public keys in\n" +
			"the operators' and viewers' authorized_keys files get in; viewers are read-only.\n\n" +
			"  gapdeck serve --operator-keys ops.pub --viewer-keys viewers.pub\n" +
			"  ssh -t -p 2222 127.0.0.1",
		Args:         refuseTokenArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.configPath = *configPath
			o.set = cmd.Flags().Changed
			return runServe(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.listen, "listen", "", "address to listen on (default 127.0.0.1:2222; another interface must be given here, not only in the config file)")
	fl.StringVar(&o.operatorKeys, "operator-keys", "", "authorized_keys file of the people who may act (serve.operator_keys)")
	fl.StringVar(&o.viewerKeys, "viewer-keys", "", "authorized_keys file of the people who may only look (serve.viewer_keys)")
	fl.IntVar(&o.maxSessions, "max-sessions", 0, "most sessions at once (default 32)")
	fl.DurationVar(&o.idleLogout, "idle-logout", 0, "log a session out after this long without a key press (default 30m)")
	fl.BoolVar(&o.demo, "demo", false, "serve the embedded simulator (no account needed)")
	fl.StringVar(&o.profile, "profile", "", "profile of the configuration file to serve (one organization per server)")
	fl.StringVar(&o.apiURL, "api-url", "", "Edgegap API base URL (default https://api.edgegap.com)")
	fl.BoolVar(&o.readOnly, "readonly", false, "make every session read-only, operators included")
	fl.StringVar(&o.logFile, "log-file", "", "log file (default $XDG_STATE_HOME/gapdeck/gapdeck.log)")
	fl.Float64Var(&o.budget, "budget", 0, "share of each documented API rate limit the server may use, 0.01 to 1 (default 0.25)")
	for _, name := range tokenFlags {
		fl.String(name, "", "")
		fl.Lookup(name).NoOptDefVal = " "
		_ = fl.MarkHidden(name)
	}
	return cmd
}

// runServe runs the team console until SIGINT/SIGTERM; SIGHUP re-reads
// the authorized keys.
func runServe(ctx context.Context, o serveOptions) error {
	if o.demo && o.profile != "" {
		return errors.New("--demo serves the embedded simulator; leave out --profile (or --demo)")
	}
	o.logInterval = model.DefaultLogsInterval
	o.logCap = model.DefaultLogCap
	if err := checkFlags(o.consoleOptions); err != nil {
		return err
	}
	cfg, err := loadConfig(o.configPath)
	if err != nil {
		return err
	}
	sc := cfg.Serve
	pick := func(flag, fromFlag, fromConfig string) string {
		if o.set(flag) {
			return fromFlag
		}
		return fromConfig
	}
	listen := pick("listen", o.listen, sc.Listen)
	if listen == "" {
		listen = serve.DefaultListen
	}
	if err := serve.CheckListen(listen, o.set("listen")); err != nil {
		return err
	}
	th, logPath, logger, closeLog, err := themeAndLog(cfg, o.logFile)
	if err != nil {
		return err
	}
	defer closeLog()
	keys, err := serve.LoadKeyring(pick("operator-keys", o.operatorKeys, sc.OperatorKeys), pick("viewer-keys", o.viewerKeys, sc.ViewerKeys), sc.Names, logger)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case sig := <-sigs:
				if sig == syscall.SIGHUP {
					if err := keys.Reload(); err != nil {
						logger.Error("serve: authorized keys not re-read on SIGHUP; the keys in use are kept", "err", err)
					}
					continue
				}
				logger.Info("serve: signal: shutting down", "signal", sig.String())
				cancel()
				return
			}
		}
	}()
	go keys.Watch(ctx.Done(), 2*time.Second)

	c := &console{ctx: ctx, cfg: cfg, opts: o.consoleOptions, logger: logger, getenv: os.Getenv}
	defer c.closeAll()
	name := o.profile
	if o.demo {
		name = config.DemoProfile
	}
	base, err := c.envForProfile(name)
	if err != nil {
		return err
	}
	eng := engine.New(engine.Config{Client: base.Client, Scheduler: schedulerWithFleets(base), Log: logger, Events: base.Events})
	go serve.RunEngine(ctx, eng, logger)
	srv, err := serve.New(serve.Config{
		Listen: listen, HostKeyPath: filepath.Join(xdg.StateHome, "gapdeck", "ssh_host_ed25519"), Keys: keys,
		MaxSessions: cmp.Or(o.maxSessions, sc.MaxSessions), IdleLogout: cmp.Or(o.idleLogout, sc.IdleLogout), Log: logger,
		Console: func(s serve.Session) (tea.Model, error) { return sessionConsole(base, eng, cfg, th, s) },
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gapdeck serve: listening on %s (%d authorized keys; log: %s)\n", listen, keys.Len(), logPath)
	return srv.Serve(ctx)
}

// schedulerWithFleets is base's scheduler settings with its private fleets.
func schedulerWithFleets(base *ui.Env) model.SchedulerConfig {
	sc := base.Scheduler
	sc.PrivateFleets = base.PrivateFleets
	return sc
}

// sessionConsole is one person's console on the shared engine: the
// server's profile, keys and theme, styles from the session's renderer,
// read-only for viewers (their client refuses every change), and the
// person recorded with every action.
func sessionConsole(base *ui.Env, eng *engine.Engine, cfg *config.Config, th theme.Theme, s serve.Session) (tea.Model, error) {
	keys := ui.DefaultKeyMap()
	if err := keys.Rebind(cfg.Keys); err != nil {
		return nil, fmt.Errorf("%s: keys: %w", cfg.Path, err)
	}
	env := *base
	env.Styles = theme.NewStylesFor(s.Renderer, th, s.Renderer.ColorProfile() == termenv.Ascii)
	env.Keys = keys
	env.Engine = eng
	env.Ctx = s.Ctx
	env.Clipboard = s.Out
	env.Bell = nil
	if !cfg.NoBell {
		env.Bell = s.Out // this session's channel, never the server's stdout
	}
	// Watches are the session's own (not kept: a served console has no
	// state file), and notify_command is not run per session: each person
	// watching would run it once for the same event.
	env.WatchesPath, env.NotifyCommand = "", nil
	env.Close, env.SwitchProfile, env.Profiles = nil, nil, nil
	env.State, env.StatePath, env.StateErr = nil, "", nil
	env.ReloadToken = nil // the token is the server's: re-read it there (restart)
	env.Actor = &model.Actor{Name: s.Person.Name, Role: string(s.Person.Role), Fingerprint: s.Person.Fingerprint, Remote: s.Person.Remote}
	if s.Person.Role != serve.RoleOperator {
		env.Client = base.Client.ReadOnlyView()
		env.ReadOnly, env.ReadOnlyReason = true, "your key is a viewer's: ask an operator"
	}
	app := ui.New(&env, nil)
	app.Update(tea.WindowSizeMsg{Width: s.Width, Height: s.Height})
	return ui.NewRoot(app), nil
}

// tokenFlags are flags people try to pass the API token with.
var tokenFlags = []string{"token", "api-token"}

// refuseTokenArgs refuses an API token given on the command line
// (--token, --api-token, EDGEGAP_API_TOKEN=… as an argument): other users
// see it in ps and the shell keeps it in its history. The token is never
// repeated in the message.
func refuseTokenArgs(cmd *cobra.Command, args []string) error {
	given := ""
	for _, name := range tokenFlags {
		if cmd.Flags().Changed(name) {
			given = "--" + name
		}
	}
	for _, a := range args {
		if strings.HasPrefix(a, config.TokenEnv+"=") {
			given = "the argument " + config.TokenEnv + "=…"
		}
	}
	if given == "" {
		return cobra.NoArgs(cmd, args)
	}
	return fmt.Errorf(`refusing the API token given as %s: on the command line other users can read it
(ps, /proc) and your shell keeps it in its history. If it was a real token, consider rotating it.
Give it one of these ways instead:
  • the environment:  export %s=<token>   (or EDGEGAP_API_TOKEN="$(cat ~/.edgegap-token)" gapdeck)
  • a profile's token_file: a file holding only the token, chmod 600
  • a profile's token_command: a program printing the token, e.g. ["op", "read", "op://vault/edgegap/token"]
(%s; `+"`gapdeck config init`"+` writes an example)`, given, config.TokenEnv, configPathNote(cmd))
}

// configPathNote names the configuration file in messages.
func configPathNote(cmd *cobra.Command) string {
	path, _ := cmd.Flags().GetString("config")
	if path == "" {
		path = config.DefaultPath()
	}
	return "profiles live in " + path
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "gapdeck %s (commit %s, built %s)\n", version, commit, date)
		},
	}
}

func newSimCmd() *cobra.Command {
	var (
		rc           sim.RunConfig
		faults       string
		legacyFleets bool
	)
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve a simulated Edgegap API (v1 under /v1, v2 under /v2)",
		Long: "Serve a deterministic simulator of the Edgegap REST API until SIGINT/SIGTERM.\n" +
			"It prints its base URL first; point gapdeck at it with --api-url and EDGEGAP_API_TOKEN.",
		Example: "  gapdeck sim --listen 127.0.0.1:8787 --token TOKEN --seed 7 --faults 500=0.05,429=0.02,latency=300ms",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rc.Token == "" {
				return errors.New("sim: --token is required (clients must send `Authorization: token <TOKEN>`)")
			}
			f, err := sim.ParseFaults(faults)
			if err != nil {
				return fmt.Errorf("sim: --faults: %w", err)
			}
			rc.Faults = f
			rc.DisableLegacyFleets = !legacyFleets
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			return sim.Run(ctx, rc, cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&rc.Listen, "listen", "127.0.0.1:8787", "address to listen on")
	fl.StringVar(&rc.Token, "token", "", "API token clients must present (required)")
	fl.Int64Var(&rc.Seed, "seed", 1, "world seed: the same seed gives the same world")
	fl.IntVar(&rc.Deployments, "deployments", 300, "number of live deployments to simulate")
	fl.StringVar(&faults, "faults", "", "fault injection, e.g. 500=0.05,429=0.02,latency=300ms,timeout=0.01,malformed=0.01,reset=0.01,odd=0.3")
	fl.BoolVar(&legacyFleets, "legacy-fleets", true, "serve Smart Fleets and policies (false: answer 404 as after the 2026-03-01 deprecation)")
	return cmd
}

// consoleOptions are the root command's flags.
type consoleOptions struct {
	demo        bool
	configPath  string
	profile     string
	apiURL      string
	readOnly    bool
	logFile     string
	budget      float64
	logInterval time.Duration
	logCap      int
	// set reports a flag given on the command line: those beat the
	// profile's settings.
	set func(flag string) bool
}

// errNoToken explains both ways to start.
var errNoToken = errors.New(`no API token.

  Try it on the embedded simulator:   gapdeck --demo
  Connect to your organization:       EDGEGAP_API_TOKEN=<token from the Edgegap dashboard> gapdeck`)

// demoToken authenticates the console to its in-process simulator.
const demoToken = "gapdeck-demo"

// loadConfig reads the configuration, validating key bindings and theme
// colours against the UI's.
func loadConfig(path string) (*config.Config, error) {
	return config.Load(path, config.Schema{Keys: keyBinder{ui.DefaultKeyMap()}, ThemeNames: theme.ColorNames()})
}

// keyBinder lets the config package check bindings against ui.KeyMap.
type keyBinder struct{ km *ui.KeyMap }

func (b keyBinder) Actions() []string {
	acts := b.km.Actions()
	names := make([]string, len(acts))
	for i, a := range acts {
		names[i] = string(a)
	}
	return names
}
func (b keyBinder) ParseKey(k string) (string, error)          { return keys.Parse(k) }
func (b keyBinder) Rebind(overrides map[string][]string) error { return b.km.Rebind(overrides) }
func (b keyBinder) Validate() error                            { return b.km.Validate() }

// runConsole starts the console and returns when the user quits.
func runConsole(ctx context.Context, o consoleOptions) error {
	if o.set == nil {
		o.set = func(string) bool { return false }
	}
	if o.demo && o.profile != "" {
		return errors.New("--demo runs on the embedded simulator; leave out --profile (or --demo)")
	}
	if err := checkFlags(o); err != nil { // before any file is opened
		return err
	}
	cfg, err := loadConfig(o.configPath)
	if err != nil {
		return err
	}
	th, logPath, logger, closeLog, err := themeAndLog(cfg, o.logFile)
	if err != nil {
		return err
	}
	defer closeLog()

	// Signals quit the console as q does (runProgram); until it runs,
	// SIGINT/SIGTERM/SIGHUP cancel the start (a token_command, say).
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	startCtx, startCancel := context.WithCancel(ctx)
	startDone := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			startCancel()
		case <-startDone:
		}
	}()

	// Probe the terminal before Bubble Tea owns it (lipgloss #73).
	profile := colorProfile(os.Stdout, processEnv{}, false)
	lipgloss.SetColorProfile(profile)
	lipgloss.SetHasDarkBackground(termenv.HasDarkBackground())
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := newStallGuard(os.Stdout, outputStallLimit)
	c := &console{ctx: ctx, startCtx: startCtx, cfg: cfg, opts: o, logger: logger, getenv: os.Getenv,
		styles: theme.NewStyles(th, profile == termenv.Ascii), out: out}
	defer c.closeAll()
	// The remembered view state: tabs' sort, filter, columns and the last
	// profile (used when --profile is not given). A corrupt file is shown
	// once by the console, never fatal.
	statePath := model.DefaultViewStatePath()
	state, stateErr := model.LoadViewState(statePath)
	name := o.profile
	switch {
	case o.demo:
		name = config.DemoProfile
	case name == "" && slices.Contains(cfg.ProfileNames(), state.Profile):
		name = state.Profile
	}
	env, err := c.envForProfile(name)
	close(startDone)
	if err != nil {
		return err
	}
	if startCtx.Err() != nil {
		return errors.New("interrupted while starting")
	}
	env.State, env.StatePath, env.StateErr = state, statePath, stateErr
	root := ui.NewRoot(ui.New(env, nil))
	p := tea.NewProgram(root, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithOutput(out), tea.WithoutSignalHandler(), tea.WithFPS(ui.FrameRate))
	go out.watch(ctx, func(blocked time.Duration) {
		// The terminal is gone without a hangup (its reader stopped):
		// the UI is blocked in a write and cannot run its shutdown.
		n := c.abandonAll("terminal stopped accepting output before answer")
		logger.Error("terminal output blocked: giving up", "blocked", blocked, "actions_in_flight_recorded_unknown", n)
		os.Exit(exitTerminalLost)
	})
	go c.forwardSignals(ctx, p, sigs)
	_, err = p.Run()
	if serr := root.Shutdown(); serr != nil { // records actions in flight, saves the view state, closes the current Env
		logger.Warn("view state not saved", "err", serr)
	}
	cancel()
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		logger.Error("console crashed", "err", err)
		return fmt.Errorf("gapdeck crashed (the terminal was restored; the panic is printed above). Debug log: %s", logPath)
	case err != nil && (c.signalled.Load() || errors.Is(err, syscall.EIO)):
		// A hangup ends the input too (EIO), often before its SIGHUP is
		// seen: the shutdown work above is done either way.
		logger.Info("console ended: terminal hung up", "err", err)
		return nil
	case err != nil:
		return fmt.Errorf("console: %w (debug log: %s)", err, logPath)
	}
	return nil
}

// Shutdown limits.
const (
	// outputStallLimit is how long a write to the terminal may block
	// before the console gives up on it (the terminal is gone).
	outputStallLimit = 5 * time.Second
	// signalGrace is how long after a signal the console may take to quit
	// (it waits up to 10 s for actions in flight) before it is ended.
	signalGrace = 15 * time.Second
	// exitTerminalLost is the exit status when the terminal stopped
	// accepting output; exitSignalTimeout when a signal's quit did not
	// finish in signalGrace.
	exitTerminalLost  = 3
	exitSignalTimeout = 4
)

// forwardSignals quits the console on SIGINT, SIGTERM and SIGHUP as q
// does (it waits for actions in flight, restores the terminal, records
// and saves what it must); a second signal quits at once. If the program
// has not ended signalGrace after the first signal (its output blocked,
// say), or on a third, the actions in flight are recorded as unknown and
// the process exits.
func (c *console) forwardSignals(ctx context.Context, p *tea.Program, sigs <-chan os.Signal) {
	var hard <-chan time.Time
	n := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-hard:
			c.giveUp("the console did not quit within " + signalGrace.String() + " of a signal")
		case sig := <-sigs:
			n++
			c.signalled.Store(true)
			c.logger.Info("signal: quitting", "signal", sig.String(), "count", n)
			name := signalName(sig)
			switch n {
			case 1:
				hard = time.After(signalGrace)
				go p.Send(ui.QuitMsg{Reason: name}) // not blocking here: the UI may be stuck
			case 2:
				go p.Send(ui.QuitMsg{Reason: name, Now: true})
			default:
				c.giveUp("third signal")
			}
		}
	}
}

// giveUp records the actions in flight as unknown and exits.
func (c *console) giveUp(why string) {
	n := c.abandonAll(ui.QuitAbandoned)
	c.logger.Error("console did not quit: exiting", "why", why, "actions_in_flight_recorded_unknown", n)
	os.Exit(exitSignalTimeout)
}

// signalName is "SIGTERM", "SIGHUP" or "SIGINT".
func signalName(sig os.Signal) string {
	switch sig {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case os.Interrupt:
		return "SIGINT"
	}
	return sig.String()
}

// abandonAll records the actions in flight of every Env as unknown, for
// why, and returns how many. Safe while the UI is blocked (the audit log
// has its own lock).
func (c *console) abandonAll(why string) int {
	c.mu.Lock()
	envs := slices.Clone(c.envs)
	c.mu.Unlock()
	total := 0
	for _, e := range envs {
		if e.Audit != nil {
			n, err := e.Audit.Abandon(why)
			if err != nil {
				c.logger.Error("audit: recording actions in flight", "err", err)
			}
			total += n
		}
	}
	return total
}

// stallGuard is the terminal as Bubble Tea's output (it keeps the file's
// Fd, so the terminal is still detected): it notes when a write starts and
// ends, and watch reports a write blocked longer than limit. Frames go
// through a linediff.Writer: a changed line goes out as its changed cells.
type stallGuard struct {
	*os.File
	out   io.Writer // f, through a linediff.Writer
	limit time.Duration
	since atomic.Int64 // UnixNano when the write under way started; 0: none
}

// newStallGuard guards f's writes.
func newStallGuard(f *os.File, limit time.Duration) *stallGuard {
	return &stallGuard{File: f, out: linediff.New(f), limit: limit}
}

// Write implements io.Writer.
func (g *stallGuard) Write(p []byte) (int, error) {
	g.since.Store(time.Now().UnixNano())
	defer g.since.Store(0)
	return g.out.Write(p)
}

// blocked is how long the write under way has been blocked (0: none).
func (g *stallGuard) blocked(now time.Time) time.Duration {
	s := g.since.Load()
	if s == 0 {
		return 0
	}
	return now.Sub(time.Unix(0, s))
}

// watch calls onStall once a write has been blocked for limit, then
// returns; it also returns when ctx ends.
func (g *stallGuard) watch(ctx context.Context, onStall func(blocked time.Duration)) {
	t := time.NewTicker(g.limit / 10)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if d := g.blocked(now); d >= g.limit {
				onStall(d)
				return
			}
		}
	}
}

// processEnv is the process environment, as termenv reads it.
type processEnv struct{}

func (processEnv) Environ() []string        { return os.Environ() }
func (processEnv) Getenv(key string) string { return os.Getenv(key) }

// colorProfile is the colour profile for output w under environment env:
// NO_COLOR (non-empty) gives Ascii, no colour at all; otherwise TERM and
// COLORTERM decide (xterm-256color: ANSI256, xterm or linux: ANSI, …);
// output that is not a terminal gets Ascii unless assumeTTY.
func colorProfile(w io.Writer, env termenv.Environ, assumeTTY bool) termenv.Profile {
	opts := []termenv.OutputOption{termenv.WithEnvironment(env)}
	if assumeTTY {
		opts = append(opts, termenv.WithTTY(true))
	}
	return termenv.NewOutput(w, opts...).EnvColorProfile()
}

// console builds the Env of a profile: the configuration's settings with
// the command line's flags on top.
type console struct {
	ctx      context.Context
	startCtx context.Context // ctx, cancelled by a signal before the UI runs
	out      *stallGuard     // the terminal, as the program writes it
	// signalled is set once a quitting signal came.
	signalled atomic.Bool

	cfg    *config.Config
	opts   consoleOptions
	logger *slog.Logger
	styles *theme.Styles
	getenv func(string) string

	mu   sync.Mutex
	envs []*ui.Env // every Env built, closed at exit
}

// envForProfile builds the Env of profile name ("": the default profile;
// config.DemoProfile with --demo: the embedded simulator): client, token,
// audit log, keys, intervals, environment label and private fleets. Its
// Close cancels its context and closes its audit log. It is also the
// console's Env.SwitchProfile.
func (c *console) envForProfile(name string) (*ui.Env, error) {
	o := c.opts
	demo := o.demo && name == config.DemoProfile
	p := &config.Profile{Name: config.DemoProfile}
	if !demo {
		var err error
		if p, err = c.cfg.Profile(name); err != nil {
			return nil, err
		}
	}
	s, err := settingsFor(p, o)
	if err != nil {
		return nil, err
	}
	opts := api.Options{BaseURL: s.apiURL, Version: version, ReadOnly: s.readOnly, BudgetFraction: s.budget, Logger: c.logger,
		RepeatLimit: api.RepeatLimitFor(p.Intervals.Fastest())}
	privateFleets := p.PrivateFleets
	tokenSource := ""
	if demo {
		sm := sim.New(sim.Config{Token: demoToken, Seed: 1})
		opts.BaseURL, opts.Token = "http://localhost", demoToken
		opts.HTTPClient = &http.Client{Transport: sim.Transport(sm)}
		privateFleets = sm.PrivateFleetNames()
	} else {
		tctx := c.startCtx
		if tctx == nil {
			tctx = c.ctx
		}
		tok, err := p.ResolveToken(tctx, c.getenv)
		if errors.Is(err, config.ErrNoToken) {
			return nil, c.noToken(p)
		}
		if err != nil {
			return nil, err
		}
		opts.Token = tok.Value
		tokenSource = tok.Source
		c.logger.Info("api token", "profile", p.Name, "source", tok.Source)
	}
	client, err := api.New(opts)
	if err != nil {
		return nil, err
	}
	audit, err := model.OpenAuditLog(model.DefaultAuditPath(), opts.Token)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	var reloadToken func(context.Context) (string, error)
	if !demo {
		// ctrl+r while the API rejects the token: read the profile's source
		// again and hand the token to the client (never to the screen/log).
		reloadToken = func(ctx context.Context) (string, error) {
			tok, err := p.ResolveToken(ctx, c.getenv)
			if errors.Is(err, config.ErrNoToken) {
				return "", c.noToken(p)
			}
			if err != nil {
				return "", err
			}
			audit.AddSecret(tok.Value) // before any entry can quote it
			if err := client.SetToken(tok.Value); err != nil {
				return "", err
			}
			c.logger.Info("api token re-read", "profile", p.Name, "source", tok.Source)
			return tok.Source, nil
		}
	}
	c.logger.Info("console starting", "version", version, "profile", p.Name, "api", client.BaseURL(), "demo", demo, "readonly", s.readOnly)
	actor := &model.Actor{Name: localUser(), Role: "local"}
	keys := ui.DefaultKeyMap()
	if err := keys.Rebind(c.cfg.Keys); err != nil { // validated by Load
		audit.Close()
		return nil, fmt.Errorf("%s: keys: %w", c.cfg.Path, err)
	}
	evlog, closeEvents := c.openEvents(p.Name, demo)
	ctx, cancel := context.WithCancel(c.ctx)
	env := &ui.Env{
		Client: client, Styles: c.styles, Keys: keys, Log: c.logger, Profile: p.Name, Demo: demo, ReadOnly: s.readOnly, ReadOnlyReason: s.readOnlyReason,
		Ctx: ctx, Clipboard: c.clipboard(), Scheduler: s.scheduler, LogCap: s.logCap, Audit: audit,
		EnvLabel: p.EnvLabel, EnvColor: p.EnvColor, PrivateFleets: privateFleets,
		TokenSource: tokenSource, ReloadToken: reloadToken, Actor: actor, Events: evlog,
		NotifyCommand: c.cfg.NotifyCommand, WatchesPath: watchlist.DefaultPath(),
	}
	if !c.cfg.NoBell {
		env.Bell = c.clipboard() // the guarded terminal
	}
	if p.Name == config.BuiltinProfile && len(c.cfg.Profiles) == 0 {
		env.Profile = "" // no configuration: the header shows no profile
	}
	env.Close = sync.OnceFunc(func() {
		cancel()
		audit.Close()
		closeEvents()
	})
	if names := c.profileNames(); len(names) > 1 {
		env.Profiles, env.SwitchProfile = names, c.envForProfile
	}
	c.mu.Lock()
	c.envs = append(c.envs, env)
	c.mu.Unlock()
	return env, nil
}

// openEvents is profile's incident feed, read back from its file
// (events.DefaultPath: the last 24 hours) and kept there, and what closes
// the file. A file that cannot be opened leaves the feed in memory only,
// said in the log: the console still works. --demo keeps it in memory
// only: the simulator is a new world at every start, so the events of a
// previous demo would tell of deployments this one never had.
func (c *console) openEvents(profile string, demo bool) (*events.Log, func()) {
	log := events.NewLog(0)
	if demo {
		return log, func() {}
	}
	st, rep, err := events.Open(events.DefaultPath(profile), log, events.StoreOptions{Log: c.logger})
	if err != nil {
		c.logger.Error("events: the incident feed is kept in memory only", "profile", profile, "err", err)
		return log, func() {}
	}
	c.logger.Info("events: read back", "file", st.Path(), "loaded", rep.Loaded, "older_than_24h", rep.Old, "unreadable_lines", rep.Skipped)
	return log, func() {
		if err := st.Close(); err != nil {
			c.logger.Error("events: closing the events file", "file", st.Path(), "err", err)
		}
	}
}

// localUser names the person at this terminal for the audit.
func localUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

// clipboard is where OSC 52 copies are written: the guarded terminal.
func (c *console) clipboard() io.Writer {
	if c.out != nil {
		return c.out
	}
	return os.Stdout
}

// profileNames are the profiles `:profile` offers: the configuration's,
// after "demo" with --demo.
func (c *console) profileNames() []string {
	names := c.cfg.ProfileNames()
	if c.opts.demo {
		names = append([]string{config.DemoProfile}, names...)
	}
	return names
}

// noToken explains how to give profile p a token.
func (c *console) noToken(p *config.Profile) error {
	where := "in " + c.cfg.Path
	if !c.cfg.Exists {
		where += " (`gapdeck config init` writes an example)"
	}
	//lint:ignore ST1005 a multi-line hint, printed as it is when the console cannot start
	return fmt.Errorf("%w\n  Or give profile %q a token_file or token_command %s.", errNoToken, p.Name, where)
}

// closeAll releases every Env built (Close runs once per Env).
func (c *console) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.envs {
		e.Close()
	}
}

// profileSettings are a profile's settings after the command line's flags.
type profileSettings struct {
	apiURL         string
	readOnly       bool
	readOnlyReason string // "" when --readonly made it read-only
	budget         float64
	scheduler      model.SchedulerConfig
	logCap         int
}

// settingsFor applies the flags given on the command line over profile p.
func settingsFor(p *config.Profile, o consoleOptions) (profileSettings, error) {
	iv := p.Intervals
	s := profileSettings{
		apiURL: p.APIURL, readOnly: p.ReadOnly, budget: p.Budget, logCap: p.LogLines,
		scheduler: model.SchedulerConfig{
			ListInterval: iv.List, StatusInterval: iv.Status, BackgroundInterval: iv.Background, CatalogInterval: iv.Catalog,
			DetailInterval: iv.Detail, LogsInterval: iv.Logs, MetricsInterval: iv.Metrics,
		},
	}
	if o.set("api-url") {
		s.apiURL = o.apiURL
	}
	if o.set("readonly") {
		s.readOnly = o.readOnly
	} else if s.readOnly {
		s.readOnlyReason = "profile " + p.Name + " is read-only"
	}
	if err := checkFlags(o); err != nil {
		return s, err
	}
	if o.set("budget") {
		s.budget = o.budget
	}
	if o.set("log-interval") {
		s.scheduler.LogsInterval = o.logInterval
	}
	if o.set("log-lines") {
		s.logCap = o.logCap
	}
	return s, nil
}

// checkFlags checks the numeric flags given on the command line with the
// configuration file's own checks, so both accept the same values. The
// error names the flag, the value and the range.
func checkFlags(o consoleOptions) error {
	var errs []error
	flagErr := func(name string, err error) {
		if err != nil && o.set(name) {
			errs = append(errs, fmt.Errorf("--%s %w", name, err))
		}
	}
	flagErr("budget", config.CheckBudget(o.budget))
	flagErr("log-interval", config.CheckInterval(o.logInterval))
	flagErr("log-lines", config.CheckLogLines(o.logCap))
	return errors.Join(errs...)
}

// themeAndLog is the configuration's theme and the opened debug log (its
// path, logger and closer): what the console and the server start with.
func themeAndLog(cfg *config.Config, logFile string) (theme.Theme, string, *slog.Logger, func(), error) {
	th, err := theme.Default().WithColors(cfg.Theme)
	if err != nil {
		return th, "", nil, nil, fmt.Errorf("%s: theme: %w", cfg.Path, err)
	}
	logPath, logger, closeLog, err := openLog(logFile)
	return th, logPath, logger, closeLog, err
}

// openLog opens the debug log: never the screen. A path that cannot be
// opened, or opens but refuses writes (/dev/full, a full disk, a
// read-only mount seen only at write time), stops gapdeck with the path,
// the OS error and the fix: a console whose log silently goes nowhere
// cannot be debugged.
func openLog(path string) (string, *slog.Logger, func(), error) {
	if path == "" {
		path = filepath.Join(xdg.StateHome, "gapdeck", "gapdeck.log")
	}
	fail := func(err error) (string, *slog.Logger, func(), error) {
		if pe, ok := err.(*fs.PathError); ok && pe.Path == path {
			err = pe.Err // the path is said once, in front
		}
		return "", nil, nil, fmt.Errorf("debug log %s: %w; choose a writable file with --log-file (default $XDG_STATE_HOME/gapdeck/gapdeck.log)", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fail(err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fail(err)
	}
	w := &firstWriteErr{w: f}
	logger := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Info("debug log opened", "pid", os.Getpid(), "version", version)
	if w.err != nil {
		f.Close()
		werr := w.err
		if pe, ok := werr.(*fs.PathError); ok {
			werr = pe.Err
		}
		return fail(fmt.Errorf("cannot write: %w", werr))
	}
	return path, logger, func() { f.Close() }, nil
}

// firstWriteErr remembers the first write error (slog drops them).
type firstWriteErr struct {
	w   io.Writer
	err error
}

func (e *firstWriteErr) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}
