package config

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"
)

// fakeKeys is a small key map with one view: enough to exercise the
// KeyBinder contract without the UI package.
type fakeKeys struct{ bindings map[string][]string }

func newFakeKeys() *fakeKeys {
	return &fakeKeys{bindings: map[string][]string{
		"stop": {"ctrl+d"}, "logs": {"l"}, "sort-location": {"L"}, "quit": {"q"}, "help": {"?"},
	}}
}

func (f *fakeKeys) Actions() []string {
	return []string{"help", "logs", "quit", "sort-location", "stop"}
}

func (f *fakeKeys) ParseKey(k string) (string, error) {
	switch {
	case k == "space":
		return " ", nil
	case len(k) == 1, k == "ctrl+x", k == "ctrl+d", k == "enter", k == "f1":
		return k, nil
	}
	return "", &keyErr{k}
}

type keyErr struct{ k string }

func (e *keyErr) Error() string { return "not a key: " + e.k }

func (f *fakeKeys) Rebind(m map[string][]string) error {
	for a, k := range m {
		f.bindings[a] = k
	}
	return nil
}

type conflictErr struct {
	key  string
	acts [2]string
}

func (e *conflictErr) Error() string {
	return "main view: key " + e.key + " is bound to both " + e.acts[0] + " and " + e.acts[1]
}
func (e *conflictErr) Conflict() (string, [2]string) { return e.key, e.acts }

func (f *fakeKeys) Validate() error {
	owner := map[string]string{}
	for _, a := range f.Actions() {
		for _, k := range f.bindings[a] {
			if o, ok := owner[k]; ok {
				return &conflictErr{k, [2]string{o, a}}
			}
			owner[k] = a
		}
	}
	return nil
}

var themeNames = []string{"accent", "error", "good"}

func parse(t *testing.T, text string) (*Config, error) {
	t.Helper()
	return Parse("/etc/gd/config.yaml", []byte(text), Schema{Keys: newFakeKeys(), ThemeNames: themeNames})
}

// TestParseErrors: each problem is reported at file:line:col with what is
// wrong and the fix.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string // substrings of the error, the first is the position
	}{
		{"unknown top key", "profils: {}\n", []string{"config.yaml:1:1: ", `unknown key "profils"`, `did you mean "profiles"?`}},
		{"unknown profile key", "profiles:\n  prod:\n    api_ur: https://x.example\n", []string{"config.yaml:3:5: ", `unknown key "api_ur" in profile "prod"`, `did you mean "api_url"?`}},
		{"bad type bool", "profiles:\n  prod:\n    readonly: yes\n", []string{"config.yaml:3:15: ", "readonly must be true or false", `the string "yes"`}},
		{"bad type mapping", "profiles: [a, b]\n", []string{"config.yaml:1:11: ", "profiles must be a mapping", "got a list"}},
		{"bad type list", "profiles:\n  p:\n    private_fleets: eu\n", []string{"config.yaml:3:21: ", "private_fleets must be a list"}},
		{"duration without unit", "profiles:\n  p:\n    intervals: {logs: 2}\n", []string{"config.yaml:3:23: ", "intervals.logs: 2 has no unit", "2s"}},
		{"bad duration", "profiles:\n  p:\n    intervals:\n      status: fast\n", []string{"config.yaml:4:15: ", `"fast" is not a duration`}},
		{"interval too short", "profiles:\n  p:\n    intervals: {list: 100ms}\n", []string{"config.yaml:3:23: ", "100ms is out of range", "500ms to 1h0m0s"}},
		{"budget above 1", "profiles:\n  p:\n    budget: 1.5\n", []string{"config.yaml:3:13: ", "budget: 1.5 is out of range", "0.01 to 1"}},
		{"budget zero", "profiles:\n  p:\n    budget: 0\n", []string{"config.yaml:3:13: ", "budget: 0 is out of range"}},
		{"budget text", "profiles:\n  p:\n    budget: lots\n", []string{"config.yaml:3:13: ", "budget must be a number"}},
		{"log lines", "profiles:\n  p:\n    log_lines: 10\n", []string{"config.yaml:3:16: ", "log_lines: 10 is out of range", "100 to 1000000"}},
		{"unknown action", "keys:\n  stpo: ctrl+x\n", []string{"config.yaml:2:3: ", `unknown action "stpo"`, `did you mean "stop"?`}},
		{"unparsable key", "keys:\n  stop: ctrl+shift+q\n", []string{"config.yaml:2:9: ", "keys: stop: not a key: ctrl+shift+q"}},
		{"unparsable key in list", "keys:\n  stop: [ctrl+x, hyper+q]\n", []string{"config.yaml:2:18: ", "not a key: hyper+q"}},
		{"empty key list", "keys:\n  stop: []\n", []string{"config.yaml:2:9: ", "empty list"}},
		{"key conflict", "keys:\n  logs: [l, L]\n", []string{"config.yaml:2:13: ", "keys: logs: main view: key L is bound to both logs and sort-location", "choose another key for logs, or rebind sort-location too"}},
		{"bad colour", "theme:\n  accent: \"#zzz\"\n", []string{"config.yaml:2:11: ", `"#zzz" is not a hex colour`}},
		{"bad env colour", "profiles:\n  p:\n    env: {label: prod, color: purplish}\n", []string{"config.yaml:3:31: ", `unknown colour "purplish"`}},
		{"ansi out of range", "theme:\n  good: 300\n", []string{"config.yaml:2:9: ", "use 0 to 255"}},
		{"unknown theme name", "theme:\n  acent: red\n", []string{"config.yaml:2:3: ", `unknown colour name "acent"`, `did you mean "accent"?`}},
		{"unknown default profile", "default_profile: prdo\nprofiles:\n  prod: {}\n", []string{"config.yaml:1:18: ", `default_profile "prdo" is not defined`, `did you mean "prod"?`}},
		{"http api url", "profiles:\n  p:\n    api_url: http://api.example.com\n", []string{"config.yaml:3:14: ", "plain http:// to api.example.com", "use https://"}},
		{"token command needs shell", "profiles:\n  p:\n    token_command: pass show edgegap | head -1\n", []string{"config.yaml:3:20: ", "needs a shell", `["sh", "-c", "..."]`}},
		{"duplicate key", "profiles:\n  p:\n    budget: 0.5\n    budget: 0.2\n", []string{"config.yaml:4:5: ", `"budget" is set twice`}},
		{"reserved profile name", "profiles:\n  demo: {}\n", []string{"config.yaml:2:3: ", "reserved for --demo"}},
		{"bad profile name", "profiles:\n  \"my prod\": {}\n", []string{"config.yaml:2:3: ", `profile name "my prod"`}},
		{"syntax", "profiles:\n  p: [\n", []string{"config.yaml:2:1: ", "YAML syntax"}},
		{"top level not a mapping", "- a\n", []string{"config.yaml:1:1: ", "the configuration must be a mapping"}},
		{"bell not a bool", "bell: loud\n", []string{"config.yaml:1:7: ", "bell"}},
		{"notify command as a string", "notify_command: page-me --now\n", []string{"config.yaml:1:17: ", "must be a list", "without a shell"}},
		{"notify command empty", "notify_command: []\n", []string{"config.yaml:1:17: ", "notify_command is empty"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, tc.text)
			if err == nil {
				t.Fatalf("no error; config %+v", c)
			}
			if c != nil {
				t.Errorf("a config came back with the error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "/etc/gd/"+tc.want[0]) {
				t.Errorf("error %q does not start with %q", msg, "/etc/gd/"+tc.want[0])
			}
			for _, w := range tc.want[1:] {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
		})
	}
}

// TestParseCollectsEveryError: all problems come back, in file order.
func TestParseCollectsEveryError(t *testing.T) {
	_, err := parse(t, "theme:\n  accent: nope\nprofiles:\n  p:\n    budget: 2\n    log_lines: 1\nbogus: 1\n")
	es, ok := err.(Errors)
	if !ok || len(es) != 4 {
		t.Fatalf("want 4 Errors, got %T %v", err, err)
	}
	for i, line := range []int{2, 5, 6, 7} {
		if es[i].Line != line {
			t.Errorf("error %d at line %d, want %d: %v", i, es[i].Line, line, es[i])
		}
	}
}

func TestParseValues(t *testing.T) {
	c, err := parse(t, `
default_profile: prod
profiles:
  prod:
    api_url: https://api.edgegap.com
    token_file: tok
    readonly: true
    env: {label: prod, color: red}
    private_fleets: [eu, us]
    budget: 0.5
    intervals: {list: 3s, status: 20s, background: 2m, catalog: 1m, detail: 5s, logs: 1s, metrics: 30s}
    log_lines: 5000
  staging:
    token_command: op read op://x/y
keys:
  stop: ctrl+x
  logs: [l, space]
theme:
  accent: "#ABC"
  good: 42
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.ProfileNames(), ","); got != "prod,staging" {
		t.Errorf("profiles %q", got)
	}
	p, err := c.Profile("")
	if err != nil || p.Name != "prod" {
		t.Fatalf("default profile: %v %v", p, err)
	}
	want := Intervals{List: 3 * time.Second, Status: 20 * time.Second, Background: 2 * time.Minute, Catalog: time.Minute, Detail: 5 * time.Second, Logs: time.Second, Metrics: 30 * time.Second}
	if p.Intervals != want || p.Budget != 0.5 || p.LogLines != 5000 || !p.ReadOnly || p.EnvLabel != "prod" || p.EnvColor != "1" ||
		strings.Join(p.PrivateFleets, ",") != "eu,us" || p.APIURL != "https://api.edgegap.com" || p.TokenFile != "/etc/gd/tok" {
		t.Errorf("prod profile %+v", p)
	}
	s, _ := c.Profile("staging")
	if strings.Join(s.TokenCommand, "|") != "op|read|op://x/y" {
		t.Errorf("token_command split %q", s.TokenCommand)
	}
	if strings.Join(c.Keys["logs"], "|") != "l| " || c.Keys["stop"][0] != "ctrl+x" {
		t.Errorf("keys %q", c.Keys)
	}
	if c.Theme["accent"] != "#aabbcc" || c.Theme["good"] != "42" {
		t.Errorf("theme %q", c.Theme)
	}
}

func TestParseEmptyIsDefaults(t *testing.T) {
	for _, text := range []string{"", "# nothing\n", "theme:\nkeys:\n"} {
		c, err := parse(t, text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		p, err := c.Profile("")
		if err != nil || p.Name != BuiltinProfile || p.Budget != 0 || p.APIURL != "" {
			t.Errorf("%q: built-in profile %+v %v", text, p, err)
		}
	}
}

func TestProfileSelection(t *testing.T) {
	two, err := parse(t, "profiles:\n  prod: {}\n  staging: {}\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := two.Profile(""); err == nil || !strings.Contains(err.Error(), "choose one with --profile NAME") {
		t.Errorf("two profiles, no default: %v", err)
	}
	_, err = two.Profile("prdo")
	if err == nil || !strings.Contains(err.Error(), `unknown profile "prdo" (did you mean "prod"?)`) || !strings.Contains(err.Error(), "prod, staging") {
		t.Errorf("unknown profile: %v", err)
	}
	one, _ := parse(t, "profiles:\n  only: {}\n")
	if p, err := one.Profile(""); err != nil || p.Name != "only" {
		t.Errorf("the only profile: %v %v", p, err)
	}
	none, _ := parse(t, "")
	if _, err := none.Profile("prod"); err == nil || !strings.Contains(err.Error(), "profiles in /etc/gd/config.yaml: none") {
		t.Errorf("no profiles: %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	c, err := Load("", Schema{})
	if err != nil || c.Exists || c.Path != filepath.Join(dir, "gapdeck", "config.yaml") {
		t.Errorf("no file at the default path: %+v %v", c, err)
	}
	if p, err := c.Profile(""); err != nil || p.Name != BuiltinProfile {
		t.Errorf("no file: profile %+v %v", p, err)
	}
	missing := filepath.Join(dir, "nope.yaml")
	if _, err := Load(missing, Schema{}); err == nil || !strings.Contains(err.Error(), "no such file") || !strings.Contains(err.Error(), "gapdeck config init") {
		t.Errorf("explicit missing file: %v", err)
	}
	path := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(path, []byte("profiles:\n  p: {budget: 0.3}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = Load(path, Schema{})
	if err != nil || !c.Exists || c.Profiles[0].Budget != 0.3 {
		t.Errorf("load: %+v %v", c, err)
	}
}

// TestExampleParses: the documented example has no errors and means what
// it says.
func TestExampleParses(t *testing.T) {
	c, err := Parse("example.yaml", []byte(Example), Schema{ThemeNames: []string{
		"accent", "border", "muted", "text", "subtle", "good", "warn", "error", "info", "pending", "ended",
		"selected_fg", "selected_bg", "badge_demo", "badge_readonly",
	}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Profile("")
	if err != nil || p.Name != "staging" || p.Budget != 0.25 || p.Intervals.Logs != 2*time.Second || p.LogLines != 50000 {
		t.Errorf("example default profile %+v %v", p, err)
	}
	prod, _ := c.Profile("prod")
	if !prod.ReadOnly || len(prod.TokenCommand) != 3 || prod.EnvColor != "1" {
		t.Errorf("example prod profile %+v", prod)
	}
}

func TestParseColor(t *testing.T) {
	for in, want := range map[string]string{"#5FAFFF": "#5fafff", "#abc": "#aabbcc", "196": "196", "0": "0", "red": "1", "Bright-Red": "9", "brightred": "9", "grey": "8", "bright_white": "15"} {
		if got, err := ParseColor(in); err != nil || got != want {
			t.Errorf("ParseColor(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "#12", "#ggg", "256", "-1", "12px", "purple-ish", "#1234567"} {
		if got, err := ParseColor(bad); err == nil {
			t.Errorf("ParseColor(%q) = %q, want an error", bad, got)
		}
	}
}

// TestNumericSettingsOutOfRange: every budget that is not a finite number
// from MinBudget to 1 (NaN, infinities, 0, negatives, denormals, > 1) and
// every log_lines or interval beyond its limits is refused at file:line:col
// with the range.
func TestNumericSettingsOutOfRange(t *testing.T) {
	cases := []struct{ key, value, want string }{
		{"budget", ".nan", "budget: .nan is out of range"},
		{"budget", ".NaN", "budget: .NaN is out of range"},
		{"budget", ".inf", "budget: .inf is out of range"},
		{"budget", "-.inf", "budget: -.inf is out of range"},
		{"budget", "0", "budget: 0 is out of range"},
		{"budget", "0.0", "budget: 0.0 is out of range"},
		{"budget", "-0.5", "budget: -0.5 is out of range"},
		{"budget", "1e-300", "budget: 1e-300 is out of range"},
		{"budget", "0.001", "budget: 0.001 is out of range"},
		{"budget", "1.0000001", "budget: 1.0000001 is out of range"},
		{"budget", "2", "budget: 2 is out of range"},
		{"log_lines", "99", "log_lines: 99 is out of range"},
		{"log_lines", "1000001", "log_lines: 1000001 is out of range"},
		{"log_lines", "-1", "log_lines: -1 is out of range"},
		{"intervals", "{logs: 499ms}", "intervals.logs: 499ms is out of range"},
		{"intervals", "{list: 2h}", "intervals.list: 2h0m0s is out of range"},
		{"intervals", "{status: -1s}", "intervals.status: -1s is out of range"},
	}
	for _, tc := range cases {
		t.Run(tc.key+"="+tc.value, func(t *testing.T) {
			_, err := parse(t, "profiles:\n  p:\n    "+tc.key+": "+tc.value+"\n")
			if err == nil {
				t.Fatalf("%s: %s accepted", tc.key, tc.value)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "/etc/gd/config.yaml:3:") || !strings.Contains(msg, tc.want) {
				t.Fatalf("error %q, want file:3:col and %q", msg, tc.want)
			}
			var rng string
			switch tc.key {
			case "budget":
				rng = "0.01 to 1"
			case "log_lines":
				rng = "100 to 1000000"
			default:
				rng = "500ms to 1h0m0s"
			}
			if !strings.Contains(msg, rng) {
				t.Fatalf("error %q does not give the range %q", msg, rng)
			}
		})
	}
	for _, good := range []string{"0.01", "0.25", "1", "1.0", "5e-2"} {
		c, err := parse(t, "profiles:\n  p:\n    budget: "+good+"\n")
		if err != nil {
			t.Errorf("budget %s refused: %v", good, err)
			continue
		}
		if b := c.Profiles[0].Budget; CheckBudget(b) != nil {
			t.Errorf("budget %s parsed as %v, which CheckBudget refuses", good, b)
		}
	}
}

// TestCheckFunctions: the checks the command line shares with the file.
func TestCheckFunctions(t *testing.T) {
	for _, b := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -0.25, 1e-300, 0.0099, 1.0000001, 2} {
		if err := CheckBudget(b); err == nil || !strings.Contains(err.Error(), "0.01 to 1") {
			t.Errorf("CheckBudget(%v) = %v, want an error giving the range", b, err)
		}
	}
	for _, b := range []float64{MinBudget, 0.25, 1} {
		if err := CheckBudget(b); err != nil {
			t.Errorf("CheckBudget(%v) = %v", b, err)
		}
	}
	for _, n := range []int{-1, 0, MinLogLines - 1, MaxLogLines + 1} {
		if err := CheckLogLines(n); err == nil {
			t.Errorf("CheckLogLines(%d) accepted", n)
		}
	}
	for _, d := range []time.Duration{-time.Second, 0, MinInterval - 1, MaxInterval + 1} {
		if err := CheckInterval(d); err == nil {
			t.Errorf("CheckInterval(%v) accepted", d)
		}
	}
	if CheckLogLines(MinLogLines) != nil || CheckLogLines(MaxLogLines) != nil || CheckInterval(MinInterval) != nil || CheckInterval(MaxInterval) != nil {
		t.Error("a limit itself is refused")
	}
}

func TestIntervalsFastest(t *testing.T) {
	if got := (Intervals{}).Fastest(); got != 0 {
		t.Errorf("no interval set: Fastest = %v, want 0", got)
	}
	iv := Intervals{List: 5 * time.Second, Logs: 700 * time.Millisecond, Metrics: time.Minute}
	if got := iv.Fastest(); got != 700*time.Millisecond {
		t.Errorf("Fastest = %v, want 700ms", got)
	}
}

func TestParseServe(t *testing.T) {
	c, err := parse(t, "serve:\n  listen: 0.0.0.0:2222\n  operator_keys: /etc/ops.pub\n  viewer_keys: /etc/view.pub\n  names: {\"alice@laptop\": Alice}\n  max_sessions: 5\n  idle_logout: 10m\n")
	if err != nil {
		t.Fatal(err)
	}
	want := Serve{Listen: "0.0.0.0:2222", OperatorKeys: "/etc/ops.pub", ViewerKeys: "/etc/view.pub",
		Names: map[string]string{"alice@laptop": "Alice"}, MaxSessions: 5, IdleLogout: 10 * time.Minute}
	if fmt.Sprint(c.Serve) != fmt.Sprint(want) {
		t.Fatalf("serve = %+v, want %+v", c.Serve, want)
	}
	for text, msg := range map[string]string{
		"serve:\n  max_sessions: 0\n":  "config.yaml:2:17: serve.max_sessions 0 is out of range; use 1 to 1000",
		"serve:\n  idle_logout: 10s\n": "config.yaml:2:16: serve.idle_logout 10s is out of range; use 1m to 24h",
		"serve:\n  operator_key: x\n":  "operator_key",
	} {
		_, err := parse(t, text)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: error %v, want %q", text, err, msg)
		}
	}
}

func TestParseBellAndNotify(t *testing.T) {
	c, err := parse(t, "bell: false\nnotify_command: [/bin/cat, -u]\n")
	if err != nil {
		t.Fatal(err)
	}
	if !c.NoBell || strings.Join(c.NotifyCommand, " ") != "/bin/cat -u" {
		t.Errorf("bell off %v, notify %q", c.NoBell, c.NotifyCommand)
	}
	if err := c.CheckNotifyCommand(); err != nil {
		t.Errorf("CheckNotifyCommand: %v", err)
	}
	c, err = parse(t, "bell: true\nnotify_command: [/nonexistent/page-me]\n")
	if err != nil {
		t.Fatal(err)
	}
	if c.NoBell {
		t.Error("bell: true read as off")
	}
	if err := c.CheckNotifyCommand(); err == nil || !strings.Contains(err.Error(), `program "/nonexistent/page-me" not found`) {
		t.Errorf("CheckNotifyCommand = %v", err)
	}
	if d, _ := parse(t, ""); d.NoBell {
		t.Error("the bell is off by default")
	}
}
