// Command gapdeck is a k9s-style terminal console for the Edgegap
// game-server hosting platform. This build ships the API simulator
// (`gapdeck sim`); the console arrives with the ui package.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/gapdeck/gapdeck/api/sim"
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
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "gapdeck",
		Short:         "A terminal console for the Edgegap game-server platform",
		Long:          "gapdeck is a k9s-style terminal console for Edgegap: deployments, fleets, policies,\nlocations, logs and metrics, inside the API's rate limits.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
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
