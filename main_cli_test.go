package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/gapdeck/gapdeck/config"
)

var update = flag.Bool("update", false, "rewrite the README's generated sections")

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
		{[]string{""}, []string{"sim", "version", "completion", "help"}},
		{[]string{"--"}, []string{"--demo", "--api-url", "--readonly", "--budget", "--log-file", "--log-interval", "--log-lines"}},
		{[]string{"sim", "--"}, []string{"--listen", "--token", "--seed", "--deployments", "--faults", "--legacy-fleets"}},
		{[]string{"completion", ""}, []string{"bash", "zsh", "fish", "powershell"}},
	} {
		got := completions(t, tt.args...)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("gapdeck __complete %q lacks %q: %q", tt.args, w, got)
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

// completions is what `gapdeck __complete <args>` offers, without the
// descriptions and the closing directive line.
func completions(t *testing.T, args ...string) []string {
	t.Helper()
	var names []string
	for _, line := range strings.Split(runCLI(t, append([]string{cobra.ShellCompRequestCmd}, args...)...), "\n") {
		if line == "" || strings.HasPrefix(line, ":") {
			continue
		}
		names = append(names, strings.SplitN(line, "\t", 2)[0])
	}
	return names
}

// TestHelpListsEverything: each command's --help names every flag and
// subcommand that shell completion offers for it.
func TestHelpListsEverything(t *testing.T) {
	for _, path := range helpCommands() {
		name := strings.Join(append([]string{"gapdeck"}, path...), " ")
		help := runCLI(t, append(path, "--help")...)
		flags := completions(t, append(path, "--")...)
		if len(flags) == 0 {
			t.Fatalf("%s: completion offers no flags", name)
		}
		for _, f := range flags {
			if !strings.Contains(help, f+" ") {
				t.Errorf("%s --help lacks %s", name, f)
			}
		}
		for _, sub := range completions(t, append(path, "")...) {
			if !strings.HasPrefix(sub, "-") && !strings.Contains(help, "\n  "+sub+" ") {
				t.Errorf("%s --help lacks the %s command", name, sub)
			}
		}
	}
}

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
	checkReadmeSection(t, "FLAGS", helpReference(t), "go test . -run TestReadmeFlags -update")
}

// TestReadmeConfigExample keeps the README's configuration example equal to
// config.Example (what `gapdeck config init` writes). Regenerate with:
// go test . -run TestReadmeConfigExample -update
func TestReadmeConfigExample(t *testing.T) {
	checkReadmeSection(t, "CONFIG EXAMPLE", "```yaml\n"+config.Example+"```\n", "go test . -run TestReadmeConfigExample -update")
}

// checkReadmeSection compares the README's text between <!-- BEGIN name -->
// and <!-- END name --> with want, and with -update rewrites it.
func checkReadmeSection(t *testing.T, name, want, regenerate string) {
	t.Helper()
	const path = "README.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	beginMark, endMark := "<!-- BEGIN "+name+" -->\n", "<!-- END "+name+" -->"
	begin := strings.Index(readme, beginMark)
	end := strings.Index(readme, endMark)
	if begin < 0 || end < begin {
		t.Fatalf("%s has no %q … %q section", path, strings.TrimSpace(beginMark), endMark)
	}
	got := readme[begin+len(beginMark) : end]
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(readme[:begin+len(beginMark)]+want+readme[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("the README's %s section is out of date; regenerate it with\n  %s\n--- README\n%s\n--- generated\n%s", name, regenerate, got, want)
}
