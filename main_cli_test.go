package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

var update = flag.Bool("update", false, "rewrite the README's generated command-line reference")

// runCLI runs the root command in-process with args and returns what it
// printed on stdout.
func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("gapdeck %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// TestCompletionScripts: `gapdeck completion <shell>` prints a complete
// script for gapdeck in each shell; bash's passes `bash -n`.
func TestCompletionScripts(t *testing.T) {
	for _, tt := range []struct {
		shell string
		want  []string
	}{
		{"bash", []string{"# bash completion V2 for gapdeck", "__start_gapdeck()", "complete -o default -F __start_gapdeck gapdeck"}},
		{"zsh", []string{"#compdef gapdeck", "compdef _gapdeck gapdeck", "_gapdeck()"}},
		{"fish", []string{"# fish completion for gapdeck", "complete -c gapdeck -n '__gapdeck_clear_perform_completion_once_result'", "complete -c gapdeck -n 'not __gapdeck_requires_order_preservation && __gapdeck_prepare_completions' -f -a '$__gapdeck_comp_results'"}},
		{"powershell", []string{"Register-ArgumentCompleter -CommandName 'gapdeck'"}},
	} {
		t.Run(tt.shell, func(t *testing.T) {
			script := runCLI(t, "completion", tt.shell)
			for _, w := range tt.want {
				if !strings.Contains(script, w) {
					t.Errorf("%s script lacks %q", tt.shell, w)
				}
			}
			// The script asks gapdeck itself for the candidates.
			if !strings.Contains(script, "__complete") {
				t.Errorf("%s script never calls gapdeck __complete", tt.shell)
			}
			if tt.shell != "bash" {
				return
			}
			bash, err := exec.LookPath("bash")
			if err != nil {
				t.Skip("bash not installed")
			}
			path := filepath.Join(t.TempDir(), "gapdeck.bash")
			if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
				t.Fatalf("bash -n: %v\n%s", err, out)
			}
		})
	}
}

// TestCompletionCandidates: what the scripts get back from
// `gapdeck __complete`: the subcommands, every flag, the shells.
func TestCompletionCandidates(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{""}, []string{"sim\t", "version\t", "completion\t", "help\t"}},
		{[]string{"--"}, []string{"--demo\t", "--api-url\t", "--readonly\t", "--budget\t", "--log-file\t", "--log-interval\t", "--log-lines\t"}},
		{[]string{"sim", "--"}, []string{"--listen\t", "--token\t", "--seed\t", "--deployments\t", "--faults\t", "--legacy-fleets\t"}},
		{[]string{"completion", ""}, []string{"bash\t", "zsh\t", "fish\t", "powershell\t"}},
	} {
		out := runCLI(t, append([]string{cobra.ShellCompRequestCmd}, tt.args...)...)
		for _, w := range tt.want {
			if !strings.Contains(out, "\n"+w) && !strings.HasPrefix(out, w) {
				t.Errorf("gapdeck __complete %q lacks %q:\n%s", tt.args, strings.TrimSuffix(w, "\t"), out)
			}
		}
	}
}

// helpCommands lists the command paths whose help the README shows: the
// root and every available subcommand, except the shells under
// `completion` (cobra's own text) and `help`.
func helpCommands() [][]string {
	root := newRootCmd()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		if c.Name() == "completion" {
			return
		}
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() && sub.Name() != "help" {
				walk(sub, append(path[:len(path):len(path)], sub.Name()))
			}
		}
	}
	walk(root, nil)
	return paths
}

// TestHelpListsEverything: each command's --help names every flag it
// accepts and every subcommand it has.
func TestHelpListsEverything(t *testing.T) {
	root := newRootCmd()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, path := range helpCommands() {
		cmd, _, err := root.Find(path)
		if err != nil {
			t.Fatal(err)
		}
		help := runCLI(t, append(path, "--help")...)
		cmd.InitDefaultHelpFlag()
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden && !strings.Contains(help, "--"+f.Name+" ") {
				t.Errorf("gapdeck %s --help lacks --%s", strings.Join(path, " "), f.Name)
			}
		})
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() && !strings.Contains(help, "\n  "+sub.Name()+" ") {
				t.Errorf("gapdeck %s --help lacks the %s command", strings.Join(path, " "), sub.Name())
			}
		}
	}
}

// Markers around the generated command-line reference in the README.
const (
	flagsBegin = "<!-- BEGIN FLAGS -->\n"
	flagsEnd   = "<!-- END FLAGS -->"
)

// helpReference is the README's command-line reference: the --help of
// every command in helpCommands, as a shell transcript.
func helpReference(t *testing.T) string {
	var b strings.Builder
	b.WriteString("```text\n")
	for i, path := range helpCommands() {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(strings.Join(append(append([]string{"$ gapdeck"}, path...), "--help"), " ") + "\n")
		b.WriteString(runCLI(t, append(path, "--help")...))
	}
	b.WriteString("```\n")
	return b.String()
}

// TestReadmeFlags keeps the README's command-line reference equal to what
// --help prints. Regenerate with: go test . -run TestReadmeFlags -update
func TestReadmeFlags(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	begin := strings.Index(readme, flagsBegin)
	end := strings.Index(readme, flagsEnd)
	if begin < 0 || end < begin {
		t.Fatalf("README.md has no %q … %q section", strings.TrimSpace(flagsBegin), flagsEnd)
	}
	got := readme[begin+len(flagsBegin) : end]
	want := helpReference(t)
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile("README.md", []byte(readme[:begin+len(flagsBegin)]+want+readme[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("the README's command-line reference differs from --help; regenerate it with\n"+
		"  go test . -run TestReadmeFlags -update\n--- README\n%s\n--- --help\n%s", got, want)
}
