// Command gapdeck is a k9s-style terminal console for the Edgegap
// game-server hosting platform. `gapdeck --demo` runs it against an
// embedded simulator; `gapdeck sim` serves that simulator on a port.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/adrg/xdg"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui"
)

// Set by the release build (-ldflags "-X main.version=... -X main.commit=... -X main.date=...").
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
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
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConsole(cmd.Context(), opts)
		},
	}
	fl := root.Flags()
	fl.BoolVar(&opts.demo, "demo", false, "run on an embedded simulator of the Edgegap API (no account needed)")
	fl.StringVar(&opts.apiURL, "api-url", "", "Edgegap API base URL (default https://api.edgegap.com; http:// only for loopback, e.g. a local gapdeck sim)")
	fl.BoolVar(&opts.readOnly, "readonly", false, "refuse every action that changes the organization")
	fl.StringVar(&opts.logFile, "log-file", "", "debug log file (default $XDG_STATE_HOME/gapdeck/gapdeck.log)")
	fl.Float64Var(&opts.budget, "budget", 0, "share of each documented API rate limit gapdeck may use, in (0,1] (default 0.25)")
	fl.DurationVar(&opts.logInterval, "log-interval", model.DefaultLogsInterval, "how often an open logs view polls the container logs")
	fl.IntVar(&opts.logCap, "log-lines", model.DefaultLogCap, "lines kept per log stream (older lines are dropped, and the view says so)")
	root.AddCommand(newSimCmd(), newVersionCmd())
	return root
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
			return sim.Run(cmd.Context(), rc, cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&rc.Listen, "listen", "127.0.0.1:8787", "address to listen on")
	fl.StringVar(&rc.Token, "token", "", "API token clients must present (required)")
	fl.Int64Var(&rc.Seed, "seed", 1, "world seed: the same seed gives the same world")
	fl.IntVar(&rc.Deployments, "deployments", 300, "number of live deployments to simulate")
	fl.StringVar(&faults, "faults", "", "fault injection, e.g. 500=0.05,429=0.02,latency=300ms,timeout=0.01,malformed=0.01,reset=0.01")
	fl.BoolVar(&legacyFleets, "legacy-fleets", true, "serve Smart Fleets and policies (false: answer 404 as after the 2026-03-01 deprecation)")
	return cmd
}

// consoleOptions are the root command's flags.
type consoleOptions struct {
	demo        bool
	apiURL      string
	readOnly    bool
	logFile     string
	budget      float64
	logInterval time.Duration
	logCap      int
}

// errNoToken explains both ways to start.
var errNoToken = errors.New(`no API token.

  Try it on the embedded simulator:   gapdeck --demo
  Connect to your organization:       EDGEGAP_API_TOKEN=<token from the Edgegap dashboard> gapdeck`)

// demoToken authenticates the console to its in-process simulator.
const demoToken = "gapdeck-demo"

// runConsole starts the console and returns when the user quits.
func runConsole(ctx context.Context, o consoleOptions) error {
	token := os.Getenv("EDGEGAP_API_TOKEN")
	if !o.demo && token == "" {
		return errNoToken
	}
	logPath, logger, closeLog, err := openLog(o.logFile)
	if err != nil {
		return err
	}
	defer closeLog()

	opts := api.Options{BaseURL: o.apiURL, Token: token, Version: version, ReadOnly: o.readOnly, BudgetFraction: o.budget, Logger: logger}
	var privateFleets []string
	profile := ""
	if o.demo {
		s := sim.New(sim.Config{Token: demoToken, Seed: 1})
		opts.BaseURL, opts.Token = "http://localhost", demoToken
		opts.HTTPClient = &http.Client{Transport: sim.Transport(s)}
		privateFleets = s.PrivateFleetNames()
		profile = "demo"
	}
	client, err := api.New(opts)
	if err != nil {
		return err
	}
	if o.logInterval < 500*time.Millisecond || o.logCap < 100 {
		return fmt.Errorf("--log-interval must be at least 500ms and --log-lines at least 100 (got %v and %d)", o.logInterval, o.logCap)
	}
	logger.Info("console starting", "version", version, "api", client.BaseURL(), "demo", o.demo, "readonly", o.readOnly)

	audit, err := model.OpenAuditLog(model.DefaultAuditPath(), opts.Token)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	defer audit.Close()

	// Probe the background before Bubble Tea owns the terminal (lipgloss #73).
	lipgloss.SetHasDarkBackground(termenv.HasDarkBackground())
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	env := &ui.Env{
		Client: client, Styles: ui.NewStyles(ui.DefaultTheme(), os.Getenv("NO_COLOR") != ""), Keys: ui.DefaultKeyMap(),
		Log: logger, Profile: profile, Demo: o.demo, ReadOnly: o.readOnly, Ctx: ctx, Clipboard: os.Stdout,
		Scheduler: model.SchedulerConfig{LogsInterval: o.logInterval}, LogCap: o.logCap, Audit: audit,
	}
	p := tea.NewProgram(ui.New(env, privateFleets), tea.WithAltScreen(), tea.WithContext(ctx))
	_, err = p.Run()
	cancel()
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		logger.Error("console crashed", "err", err)
		return fmt.Errorf("gapdeck crashed (the terminal was restored; the panic is printed above). Debug log: %s", logPath)
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return nil // SIGINT/SIGTERM
	case err != nil:
		return fmt.Errorf("console: %w (debug log: %s)", err, logPath)
	}
	return nil
}

// openLog opens the debug log: never the screen.
func openLog(path string) (string, *slog.Logger, func(), error) {
	if path == "" {
		path = filepath.Join(xdg.StateHome, "gapdeck", "gapdeck.log")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", nil, nil, fmt.Errorf("debug log: %w (choose another place with --log-file)", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return "", nil, nil, fmt.Errorf("debug log: %w (choose another place with --log-file)", err)
	}
	logger := slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return path, logger, func() { f.Close() }, nil
}
