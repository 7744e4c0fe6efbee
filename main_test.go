package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"
	"github.com/muesli/termenv"

	"github.com/gapdeck/gapdeck/config"
	"github.com/gapdeck/gapdeck/model"
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

	// Close cancels the Env's context and closes its audit log, once.
	env.Close()
	env.Close()
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
	o.set = func(string) bool { return true }
	s, err = settingsFor(p, o)
	if err != nil || s.apiURL != "https://b.example" || s.readOnly || s.budget != 0.1 || s.logCap != 500 || s.scheduler.LogsInterval != time.Second {
		t.Errorf("flag values: %+v %v", s, err)
	}
	o.logInterval = 100 * time.Millisecond
	if _, err := settingsFor(p, o); err == nil || !strings.Contains(err.Error(), "--log-interval must be at least 500ms") {
		t.Errorf("short --log-interval: %v", err)
	}
}

func TestDemoProfile(t *testing.T) {
	isolate(t)
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
