package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/gapdeck/gapdeck/config"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/events"
)

// isolate points the XDG directories at a fresh temporary directory and
// clears the token variable.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv(config.TokenEnv, "")
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	return dir
}

// run executes the root command in-process.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func TestConfigPathCommand(t *testing.T) {
	dir := isolate(t)
	want := filepath.Join(dir, "config", "gapdeck", "config.yaml")
	out, err := run(t, "config", "path")
	if err != nil || out != want+" (does not exist; `gapdeck config init` writes an example there)\n" {
		t.Errorf("path before init: %q %v", out, err)
	}
	writeFile(t, want, "", 0o600)
	if out, _ := run(t, "config", "path"); out != want+" (exists)\n" {
		t.Errorf("path after: %q", out)
	}
	other := filepath.Join(dir, "other.yaml")
	if out, _ := run(t, "--config", other, "config", "path"); !strings.HasPrefix(out, other+" (does not exist") {
		t.Errorf("--config: %q", out)
	}
}

func TestConfigInitCommand(t *testing.T) {
	dir := isolate(t)
	path := filepath.Join(dir, "config", "gapdeck", "config.yaml")
	out, err := run(t, "config", "init")
	if err != nil || !strings.Contains(out, "wrote "+path) {
		t.Fatalf("init: %q %v", out, err)
	}
	data, _ := os.ReadFile(path)
	if string(data) != config.Example {
		t.Errorf("init did not write config.Example")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	writeFile(t, path, "# mine\n", 0o600)
	if _, err := run(t, "config", "init"); err == nil || !strings.Contains(err.Error(), "already exists; not overwriting it (--force replaces it)") {
		t.Errorf("second init: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "# mine\n" {
		t.Errorf("the existing file was overwritten without --force")
	}
	if _, err := run(t, "config", "init", "--force"); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != config.Example {
		t.Errorf("--force did not overwrite")
	}
}

func TestConfigCheckCommand(t *testing.T) {
	dir := isolate(t)
	path := filepath.Join(dir, "c.yaml")

	out, err := run(t, "config", "check")
	if err != nil || !strings.HasPrefix(out, "ok: "+filepath.Join(dir, "config", "gapdeck", "config.yaml")+" (no file") {
		t.Errorf("no file: %q %v", out, err)
	}

	tokenPath := filepath.Join(dir, "tok")
	writeFile(t, tokenPath, "s3cr3t\n", 0o600)
	writeFile(t, path, "profiles:\n  prod:\n    token_file: "+tokenPath+"\n  dev:\n    token_command: [sh, -c, 'echo x']\n", 0o600)
	out, err = run(t, "--config", path, "config", "check")
	if err != nil || out != "ok: "+path+" (profiles: prod, dev)\n" {
		t.Errorf("valid: %q %v", out, err)
	}

	writeFile(t, tokenPath, "s3cr3t\n", 0o644)
	out, err = run(t, "config", "check", "--config", path)
	if err == nil || !strings.Contains(out, path+":3:5: ") || !strings.Contains(out, "chmod 600 "+tokenPath) || strings.Contains(out, "s3cr3t") {
		t.Errorf("0644 token file: %q %v", out, err)
	}

	writeFile(t, path, "profiles:\n  prod:\n    budget: 2\nkeys:\n  logs: L\ntheme:\n  acent: red\n", 0o600)
	out, err = run(t, "config", "check", "--config", path)
	if err == nil || !strings.Contains(err.Error(), "3 problem(s)") || !strings.Contains(out, path+":5:9: keys: logs: deployments view") {
		t.Errorf("exit error %v", err)
	}
	for _, want := range []string{
		path + ":3:13: profile \"prod\": budget: 2 is out of range",
		path + ":7:3: theme: unknown colour name \"acent\" (did you mean \"accent\"?)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output %q lacks %q", out, want)
		}
	}
	if !strings.Contains(out, path+":5:9: keys: logs: deployments view: key \"L\" is bound to both \"logs\" and \"sort-location\"") {
		t.Errorf("conflict: %q", out)
	}
}

// TestExampleWithUI: the example parses with zero errors against the real
// key map and theme names.
func TestExampleWithUI(t *testing.T) {
	isolate(t)
	path := filepath.Join(t.TempDir(), "example.yaml")
	writeFile(t, path, config.Example, 0o600)
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Keys) == 0 || len(cfg.Theme) == 0 || len(cfg.Profiles) != 2 {
		t.Errorf("example: keys %v theme %v profiles %v", cfg.Keys, cfg.Theme, cfg.ProfileNames())
	}
}

// TestUIKeyErrors: key problems against the real key map, at file:line:col.
func TestUIKeyErrors(t *testing.T) {
	isolate(t)
	for _, tc := range []struct{ text, want string }{
		{"keys:\n  stpo: ctrl+x\n", `:2:3: keys: unknown action "stpo" (did you mean "stop"?)`},
		{"keys:\n  stop: ctrl+shift+x\n", `:2:9: keys: stop: "ctrl+shift+x" is not a key gapdeck can bind`},
		{"keys:\n  stop: entr\n", `(did you mean "enter"?)`},
		{"keys:\n  follow: [f, \"/\"]\n", `:2:15: keys: follow: logs view: key "/" is bound to both "filter" and "follow"`},
		{"keys:\n  quit: x\n  stop: x\n", `:3:9: keys: stop: deployments view: key "x" is bound to both "quit" and "stop"; choose another key for stop, or rebind quit too`},
	} {
		path := filepath.Join(t.TempDir(), "c.yaml")
		writeFile(t, path, tc.text, 0o600)
		_, err := loadConfig(path)
		want := tc.want
		if strings.HasPrefix(want, ":") {
			want = path + want // file:line:col
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, want)
		}
	}
}

// TestTokenOnCommandLineRefused: a token given as a flag or argument is
// refused with why and what to do, and never repeated.
func TestTokenOnCommandLineRefused(t *testing.T) {
	isolate(t)
	for _, args := range [][]string{
		{"--token", "tok-9f8e7d"}, {"--token=tok-9f8e7d"}, {"--api-token", "tok-9f8e7d"}, {"--api-token=tok-9f8e7d"},
		{"EDGEGAP_API_TOKEN=tok-9f8e7d"}, {"--demo", "--token=tok-9f8e7d"}, {"--token"},
	} {
		_, err := run(t, args...)
		if err == nil {
			t.Fatalf("%q accepted", args)
		}
		msg := err.Error()
		for _, want := range []string{"refusing the API token", "ps", "history", "export EDGEGAP_API_TOKEN=", "token_file", "token_command"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q: %q lacks %q", args, msg, want)
			}
		}
		if strings.Contains(msg, "tok-9f8e7d") {
			t.Errorf("%q: the message repeats the token", args)
		}
	}
	// The simulator's own --token is not an API token.
	if c, _, err := newRootCmd().Find([]string{"sim", "--token", "x"}); err != nil || c.Name() != "sim" {
		t.Errorf("sim --token: %v %v", c, err)
	}
}

type mapEnv map[string]string

func (m mapEnv) Environ() []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}
func (m mapEnv) Getenv(k string) string { return m[k] }

func TestColorProfile(t *testing.T) {
	for _, tc := range []struct {
		env  mapEnv
		want termenv.Profile
	}{
		{mapEnv{"TERM": "xterm-256color"}, termenv.ANSI256},
		{mapEnv{"TERM": "screen-256color"}, termenv.ANSI256},
		{mapEnv{"TERM": "xterm"}, termenv.ANSI},
		{mapEnv{"TERM": "linux"}, termenv.ANSI},
		{mapEnv{"TERM": "xterm-256color", "COLORTERM": "truecolor"}, termenv.TrueColor},
		{mapEnv{"TERM": "dumb"}, termenv.Ascii},
		{mapEnv{"TERM": "xterm-256color", "NO_COLOR": "1"}, termenv.Ascii},
		{mapEnv{"TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": "yes"}, termenv.Ascii},
		{mapEnv{"TERM": "xterm-256color", "NO_COLOR": ""}, termenv.ANSI256}, // empty NO_COLOR does not count
	} {
		if got := colorProfile(&bytes.Buffer{}, tc.env, true); got != tc.want {
			t.Errorf("%v: profile %v, want %v", tc.env, got, tc.want)
		}
	}
	if got := colorProfile(&bytes.Buffer{}, mapEnv{"TERM": "xterm-256color"}, false); got != termenv.Ascii {
		t.Errorf("not a terminal: %v, want Ascii", got)
	}
}

// newTestConsole is a console over cfg with the given flags set.
func newTestConsole(t *testing.T, cfg *config.Config, o consoleOptions, set ...string) *console {
	t.Helper()
	o.set = func(name string) bool {
		for _, s := range set {
			if s == name {
				return true
			}
		}
		return false
	}
	_, logger, closeLog, err := openLog(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeLog)
	c := &console{ctx: context.Background(), cfg: cfg, opts: o, logger: logger, getenv: func(string) string { return "" }}
	t.Cleanup(c.closeAll)
	return c
}

func TestEnvForProfile(t *testing.T) {
	dir := isolate(t)
	writeFile(t, filepath.Join(dir, "prod.token"), "prod-token\n", 0o600)
	path := filepath.Join(dir, "c.yaml")
	writeFile(t, path, `default_profile: prod
profiles:
  prod:
    token_file: prod.token
    readonly: true
    env: {label: prod, color: red}
    private_fleets: [eu-private]
    budget: 0.5
    intervals: {list: 4s, logs: 3s, metrics: 20s}
    log_lines: 2000
  dev:
    api_url: http://127.0.0.1:8787
keys:
  stop: ctrl+x
`, 0o600)
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	c := newTestConsole(t, cfg, consoleOptions{})
	env, err := c.envForProfile("")
	if err != nil {
		t.Fatal(err)
	}
	if env.Profile != "prod" || !env.ReadOnly || env.EnvLabel != "prod" || env.EnvColor != "1" ||
		strings.Join(env.PrivateFleets, ",") != "eu-private" || env.LogCap != 2000 || env.Demo ||
		env.Scheduler.ListInterval != 4*time.Second || env.Scheduler.LogsInterval != 3*time.Second || env.Scheduler.MetricsInterval != 20*time.Second {
		t.Errorf("prod env %+v", env)
	}
	if !env.Client.ReadOnly() {
		t.Errorf("the client is not read-only")
	}
	if got := env.Keys.Binding("stop").Keys(); len(got) != 1 || got[0] != "ctrl+x" {
		t.Errorf("stop keys %q", got)
	}
	if strings.Join(env.Profiles, ",") != "prod,dev" || env.SwitchProfile == nil || env.Close == nil {
		t.Errorf("profiles %v switch %v", env.Profiles, env.SwitchProfile != nil)
	}

	// Switching builds the other profile's Env; dev has no token.
	if _, err := env.SwitchProfile("dev"); !errors.Is(err, errNoToken) || !strings.Contains(err.Error(), `profile "dev" a token_file or token_command in `+path) {
		t.Errorf("dev without a token: %v", err)
	}
	c.getenv = func(k string) string {
		if k == config.TokenEnv {
			return "env-token"
		}
		return ""
	}
	dev, err := env.SwitchProfile("dev")
	if err != nil {
		t.Fatal(err)
	}
	if dev.Profile != "dev" || dev.ReadOnly || dev.Client.BaseURL() != "http://127.0.0.1:8787" || dev.Keys == env.Keys {
		t.Errorf("dev env %+v", dev)
	}
	if _, err := env.SwitchProfile("nope"); err == nil || !strings.Contains(err.Error(), `unknown profile "nope"`) {
		t.Errorf("unknown profile: %v", err)
	}

	// The profile's incident feed is kept in its own file (0600, in a
	// 0700 directory), written until Close.
	if env.Events == nil || dev.Events == nil || env.Events == dev.Events {
		t.Fatalf("events logs %p and %p: want one per profile", env.Events, dev.Events)
	}
	env.Events.Append(events.Event{At: time.Now(), Kind: events.KindAction, Message: "alice stopped d-1: ok"})

	// Close cancels the Env's context and closes its audit log and its
	// events file, once.
	env.Close()
	env.Close()
	evPath := filepath.Join(dir, "state", "gapdeck", "events", "prod.jsonl")
	data, err := os.ReadFile(evPath)
	if err != nil || !strings.Contains(string(data), `"message":"alice stopped d-1: ok"`) {
		t.Errorf("events file %s: %q, %v", evPath, data, err)
	}
	for p, mode := range map[string]os.FileMode{evPath: 0o600, filepath.Dir(evPath): 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: %v, want mode %v", p, err, mode)
		}
	}
	if env.Ctx.Err() == nil {
		t.Error("Close did not cancel the context")
	}
	if err := env.Audit.Append(model.AuditEntry{Action: "x"}); err == nil {
		t.Error("the audit log is still open")
	}
	if dev.Ctx.Err() != nil {
		t.Error("closing one Env cancelled another")
	}
}

// TestFlagsBeatProfile: flags given on the command line override the
// profile; flags left at their defaults do not.
func TestFlagsBeatProfile(t *testing.T) {
	p := &config.Profile{Name: "p", APIURL: "https://a.example", ReadOnly: true, Budget: 0.5, LogLines: 2000, Intervals: config.Intervals{Logs: 3 * time.Second}}
	o := consoleOptions{apiURL: "https://b.example", readOnly: false, budget: 0.1, logInterval: time.Second, logCap: 500}
	o.set = func(string) bool { return false }
	s, err := settingsFor(p, o)
	if err != nil || s.apiURL != "https://a.example" || !s.readOnly || s.budget != 0.5 || s.logCap != 2000 || s.scheduler.LogsInterval != 3*time.Second {
		t.Errorf("profile values: %+v %v", s, err)
	}
	if s.readOnlyReason != "profile p is read-only" {
		t.Errorf("a read-only profile gives the reason %q", s.readOnlyReason)
	}
	o.set = func(string) bool { return true }
	s, err = settingsFor(p, o)
	if err != nil || s.apiURL != "https://b.example" || s.readOnly || s.readOnlyReason != "" || s.budget != 0.1 || s.logCap != 500 || s.scheduler.LogsInterval != time.Second {
		t.Errorf("flag values: %+v %v", s, err)
	}
	o.logInterval = 100 * time.Millisecond
	if _, err := settingsFor(p, o); err == nil || !strings.Contains(err.Error(), "--log-interval 100ms is out of range; use 500ms to 1h0m0s") {
		t.Errorf("short --log-interval: %v", err)
	}
}

func TestDemoProfile(t *testing.T) {
	dir := isolate(t)
	cfg, err := loadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	c := newTestConsole(t, cfg, consoleOptions{demo: true})
	env, err := c.envForProfile(config.DemoProfile)
	if err != nil {
		t.Fatal(err)
	}
	if !env.Demo || env.Profile != "demo" || len(env.PrivateFleets) == 0 || env.SwitchProfile != nil {
		t.Errorf("demo env %+v", env)
	}
	// The demo's events stay in memory: no file.
	env.Events.Append(events.Event{At: time.Now(), Message: "x"})
	env.Close()
	if _, err := os.Stat(filepath.Join(dir, "state", "gapdeck", "events")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the demo made an events directory: %v", err)
	}
	// No configuration and no token: the built-in profile asks for one.
	c = newTestConsole(t, cfg, consoleOptions{})
	if _, err := c.envForProfile(""); !errors.Is(err, errNoToken) || !strings.Contains(err.Error(), "gapdeck config init") {
		t.Errorf("no token: %v", err)
	}
}

// TestConfigErrorsBeforeTheConsole: a bad configuration stops gapdeck
// with file:line:col before the terminal UI starts.
func TestConfigErrorsBeforeTheConsole(t *testing.T) {
	dir := isolate(t)
	path := filepath.Join(dir, "config", "gapdeck", "config.yaml")
	writeFile(t, path, "profiles:\n  prod:\n    intervals: {logs: soon}\n", 0o600)
	_, err := run(t, "--demo")
	if err == nil || !strings.Contains(err.Error(), path+":3:23: profile \"prod\": intervals.logs: \"soon\" is not a duration") {
		t.Errorf("bad config: %v", err)
	}
	if _, err := run(t, "--demo", "--profile", "prod"); err == nil || !strings.Contains(err.Error(), "leave out --profile") {
		t.Errorf("--demo --profile: %v", err)
	}
}

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

func TestProfileFlagCompletesProfileNames(t *testing.T) {
	dir := isolate(t)
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("default_profile: prod\nprofiles:\n  prod: {readonly: true}\n  staging: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got := completions(t, "--config", cfg, "--profile", "")
	for _, w := range []string{"prod", "staging"} {
		if !slices.Contains(got, w) {
			t.Errorf("gapdeck --profile <tab> lacks %q: %q", w, got)
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

// TestBadNumericFlagsRefused: --budget, --log-lines and --log-interval go
// through the checks the configuration file uses (config.CheckBudget …):
// each bad value is refused before the console starts, naming the flag,
// the value and the range.
func TestBadNumericFlagsRefused(t *testing.T) {
	cases := []struct {
		flag, value, want string
	}{
		{"budget", "NaN", "--budget NaN is out of range"},
		{"budget", "nan", "--budget NaN is out of range"},
		{"budget", "+Inf", "--budget +Inf is out of range"},
		{"budget", "-Inf", "--budget -Inf is out of range"},
		{"budget", "0", "--budget 0 is out of range"},
		{"budget", "-0.5", "--budget -0.5 is out of range"},
		{"budget", "1e-300", "--budget 1e-300 is out of range"},
		{"budget", "0.005", "--budget 0.005 is out of range"},
		{"budget", "1.5", "--budget 1.5 is out of range"},
		{"log-lines", "10", "--log-lines 10 is out of range; use 100 to 1000000"},
		{"log-lines", "0", "--log-lines 0 is out of range; use 100 to 1000000"},
		{"log-lines", "-5", "--log-lines -5 is out of range; use 100 to 1000000"},
		{"log-lines", "2000000", "--log-lines 2000000 is out of range; use 100 to 1000000"},
		{"log-interval", "100ms", "--log-interval 100ms is out of range; use 500ms to 1h0m0s"},
		{"log-interval", "0s", "--log-interval 0s is out of range; use 500ms to 1h0m0s"},
		{"log-interval", "-1s", "--log-interval -1s is out of range; use 500ms to 1h0m0s"},
		{"log-interval", "2h", "--log-interval 2h0m0s is out of range; use 500ms to 1h0m0s"},
	}
	for _, tc := range cases {
		t.Run(tc.flag+"="+tc.value, func(t *testing.T) {
			isolate(t)
			_, err := run(t, "--demo", "--"+tc.flag+"="+tc.value)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("gapdeck --demo --%s=%s: %v; want %q", tc.flag, tc.value, err, tc.want)
			}
			if tc.flag == "budget" && !strings.Contains(err.Error(), "0.01 to 1") {
				t.Fatalf("the budget error does not give the range: %v", err)
			}
		})
	}
	// The same limits hold whatever the profile says: a flag is checked
	// even when it only repeats a default.
	o := consoleOptions{budget: 0.5, logInterval: time.Second, logCap: 500, set: func(string) bool { return true }}
	if _, err := settingsFor(&config.Profile{Name: "p"}, o); err != nil {
		t.Fatalf("good flags refused: %v", err)
	}
}

// TestLogFileMustBeWritable: a --log-file that opens but cannot be written
// (/dev/full: every write fails) or cannot be opened (a directory) stops
// gapdeck before the console starts, naming the path, the OS error and
// the fix.
func TestLogFileMustBeWritable(t *testing.T) {
	dir := isolate(t)
	cases := []struct{ path, why string }{
		{dir, "is a directory"},
		{filepath.Join(dir, "file", "log"), "not a directory"}, // a file where a directory should be
	}
	writeFile(t, filepath.Join(dir, "file"), "", 0o600)
	if _, err := os.Stat("/dev/full"); err == nil {
		cases = append(cases, struct{ path, why string }{"/dev/full", "no space left on device"})
	}
	for _, tc := range cases {
		_, err := run(t, "--demo", "--log-file", tc.path)
		if err == nil {
			t.Fatalf("--log-file %s accepted", tc.path)
		}
		msg := err.Error()
		for _, want := range []string{"debug log " + tc.path, tc.why, "choose a writable file with --log-file"} {
			if !strings.Contains(msg, want) {
				t.Errorf("--log-file %s: %q lacks %q", tc.path, msg, want)
			}
		}
	}
	// A good path works and gets the first line at once.
	path := filepath.Join(dir, "logs", "gapdeck.log")
	got, _, closeLog, err := openLog(path)
	if err != nil || got != path {
		t.Fatalf("openLog(%s) = %s, %v", path, got, err)
	}
	closeLog()
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "debug log opened") {
		t.Fatalf("the log holds %q (%v)", data, err)
	}
}
