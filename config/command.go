package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// Command is `gapdeck config check|init|path`. path points at the root's
// --config flag; load parses and validates a file (Load with the console's
// Schema).
func Command(path *string, load func(path string) (*Config, error)) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check, create or locate the configuration file",
		Long: "The configuration file holds profiles (API URL, token source, read-only, environment label,\n" +
			"private fleets, rate budget, refresh intervals), key bindings and theme colours.\n" +
			"It lives at $XDG_CONFIG_HOME/gapdeck/config.yaml unless --config names another.",
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newCheckCmd(path, load), newInitCmd(path), newPathCmd(path))
	return cmd
}

// pathOr is --config, or the default location.
func pathOr(flag string) string {
	if flag != "" {
		return flag
	}
	return DefaultPath()
}

func newCheckCmd(path *string, load func(string) (*Config, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Validate the configuration file and the profiles' token sources",
		Long: "Parse and validate the configuration file: every problem is printed as file:line:col.\n" +
			"Token files must exist, hold one word and be private (chmod 600); token_command programs\n" +
			"must be found. Tokens are never read aloud, and token commands are not run.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := load(*path)
			out := cmd.OutOrStdout()
			var problems []string
			var es Errors
			switch {
			case errors.As(err, &es):
				for _, e := range es {
					problems = append(problems, e.Error())
				}
			case err != nil:
				problems = append(problems, err.Error())
			default:
				for _, p := range cfg.Profiles {
					for _, e := range p.CheckTokenSources() {
						problems = append(problems, e.Error())
					}
				}
				if err := cfg.CheckNotifyCommand(); err != nil {
					problems = append(problems, err.Error())
				}
			}
			if len(problems) > 0 {
				for _, p := range problems {
					fmt.Fprintln(out, p)
				}
				return fmt.Errorf("%s: %d problem(s)", pathOr(*path), len(problems))
			}
			switch {
			case !cfg.Exists:
				fmt.Fprintf(out, "ok: %s (no file: built-in defaults; `gapdeck config init` writes an example)\n", cfg.Path)
			case len(cfg.Profiles) > 0:
				fmt.Fprintf(out, "ok: %s (profiles: %s)\n", cfg.Path, strings.Join(cfg.ProfileNames(), ", "))
			default:
				fmt.Fprintf(out, "ok: %s\n", cfg.Path)
			}
			if os.Getenv(TokenEnv) != "" && len(cfg.Profiles) > 0 {
				fmt.Fprintf(out, "note: %s is set: it beats every profile's token_file and token_command\n", TokenEnv)
			}
			return nil
		},
	}
}

func newInitCmd(path *string) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented example configuration",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := pathOr(*path)
			if _, err := os.Stat(p); err == nil && !force {
				return fmt.Errorf("%s already exists; not overwriting it (--force replaces it)", p)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				return err
			}
			if err := os.WriteFile(p, []byte(Example), 0o600); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: edit it, then run `gapdeck config check`\n", p)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}

func newPathCmd(path *string) *cobra.Command {
	return &cobra.Command{
		Use:   "path",
		Short: "Print where the configuration file is looked for, and whether it exists",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			p := pathOr(*path)
			state := "exists"
			if _, err := os.Stat(p); err != nil {
				state = "does not exist; `gapdeck config init` writes an example there"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s (%s)\n", p, state)
		},
	}
}
