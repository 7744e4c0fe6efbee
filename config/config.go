// Package config reads gapdeck's configuration file: profiles (API URL,
// token source, read-only, environment label, private fleets, rate budget,
// refresh intervals, log cap), key bindings and theme colours.
//
// The file is YAML at $XDG_CONFIG_HOME/gapdeck/config.yaml (see Example).
// Every setting is optional and no file means the defaults. Every problem is
// reported as an Error naming file:line:col, what is wrong and the fix;
// Load collects all of them (Errors) rather than stopping at the first.
//
// The package knows nothing of the terminal UI: the UI layer supplies the
// key actions and theme colour names through Schema.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/adrg/xdg"
	"gopkg.in/yaml.v3"
)

// Config is a parsed, validated configuration file.
type Config struct {
	// Path is the file read (or looked for); Exists is false when there was
	// no file and everything is the default.
	Path   string
	Exists bool
	// DefaultProfile is the profile used without --profile ("" when unset).
	DefaultProfile string
	// Profiles in file order.
	Profiles []*Profile
	// Keys maps an action name to its keys, normalized by
	// KeyBinder.ParseKey ("space" becomes " "). Only overridden actions.
	Keys map[string][]string
	// Theme maps a semantic colour name to a colour as lipgloss reads it
	// (see ParseColor). Only overridden colours.
	Theme map[string]string
	// Serve configures `gapdeck serve` (flags override it).
	Serve Serve
	// NoBell is `bell: false`: no terminal bell (BEL) when something
	// watched has a warning or an error (it rings by default).
	NoBell bool
	// NotifyCommand is run, without a shell, for each alert of something
	// watched, the event as JSON on its stdin, 5 s at most (nil: none).
	NotifyCommand []string
}

// Serve is the `serve:` section: the team console over SSH.
type Serve struct {
	Listen       string            // address to listen on ("": 127.0.0.1:2222)
	OperatorKeys string            // authorized_keys file of the people who may act
	ViewerKeys   string            // authorized_keys file of the people who may only look
	Names        map[string]string // key comment or SHA256 fingerprint → name shown
	MaxSessions  int               // 0: the default (32)
	IdleLogout   time.Duration     // 0: the default (30m)
}

// Profile is one named set of connection settings. Zero values mean the
// built-in default.
type Profile struct {
	Name string
	// APIURL is the Edgegap API base URL ("": https://api.edgegap.com).
	APIURL string
	// TokenFile is the absolute path of a file holding the token.
	TokenFile string
	// TokenCommand is run without a shell; its stdout is the token.
	TokenCommand []string
	ReadOnly     bool
	// EnvLabel marks the environment in the header; EnvColor is its colour
	// as lipgloss reads it ("": the accent colour).
	EnvLabel, EnvColor string
	// PrivateFleets are fleet names the API cannot list.
	PrivateFleets []string
	// Budget is the share of each API rate limit to use, in (0,1] (0: the
	// client's default).
	Budget    float64
	Intervals Intervals
	// LogLines caps each log stream (0: the default).
	LogLines int

	file string
	pos  map[string]*yaml.Node // key nodes of token_file and token_command
}

// Intervals are the refresh periods of a profile (0: the scheduler's
// default). They map onto model.SchedulerConfig.
type Intervals struct {
	List       time.Duration // pause between full deployment list passes
	Status     time.Duration // status of visible rows
	Background time.Duration // status of rows off screen
	Catalog    time.Duration // fleets, policies, locations, hosts
	Detail     time.Duration // the deployment open in the detail view
	Logs       time.Duration // each open log stream
	Metrics    time.Duration // the detail view's metrics panel
}

// Fastest is the shortest interval set (0 when none is set).
func (iv Intervals) Fastest() time.Duration {
	var fastest time.Duration
	for _, d := range []time.Duration{iv.List, iv.Status, iv.Background, iv.Catalog, iv.Detail, iv.Logs, iv.Metrics} {
		if d > 0 && (fastest == 0 || d < fastest) {
			fastest = d
		}
	}
	return fastest
}

// BuiltinProfile is the name of the profile used when the file defines none.
const BuiltinProfile = "default"

// DemoProfile is reserved for `gapdeck --demo` (the embedded simulator).
const DemoProfile = "demo"

// Limits of the numeric settings.
const (
	MinInterval = 500 * time.Millisecond
	MaxInterval = time.Hour
	MinLogLines = 100
	MaxLogLines = 1_000_000
	// MinBudget is the smallest budget: 1% of the documented limits still
	// gives the slowest endpoint groups (10 req/s) one request every 10 s;
	// below it the console would sit waiting for its own rate limiter.
	MinBudget = 0.01
	MaxBudget = 1
)

// The checks below are shared by the configuration file and the command
// line's flags, so both accept exactly the same values. Their errors say
// what is wrong and the range; callers put the setting's name in front.

// CheckBudget accepts a finite share of the rate limits from MinBudget to
// MaxBudget (NaN, infinities, 0, negative and tiny values are refused).
func CheckBudget(f float64) error {
	if math.IsNaN(f) || f < MinBudget || f > MaxBudget { // NaN fails every comparison
		return fmt.Errorf("%v is out of range; use a share of the API's rate limits from %g to %g, e.g. 0.25 "+
			"(below %g, endpoints limited to 10 requests/s would get fewer than one every 10 s)", f, MinBudget, float64(MaxBudget), MinBudget)
	}
	return nil
}

// CheckLogLines accepts a log stream cap from MinLogLines to MaxLogLines.
func CheckLogLines(n int) error {
	if n < MinLogLines || n > MaxLogLines {
		return fmt.Errorf("%d is out of range; use %d to %d", n, MinLogLines, MaxLogLines)
	}
	return nil
}

// CheckInterval accepts a refresh interval from MinInterval to MaxInterval.
func CheckInterval(d time.Duration) error {
	if d < MinInterval || d > MaxInterval {
		return fmt.Errorf("%v is out of range; use %v to %v", d, MinInterval, MaxInterval)
	}
	return nil
}

// KeyBinder validates key bindings for the configuration; the UI's key map
// implements it (through an adapter) so this package needs no UI import.
type KeyBinder interface {
	// Actions are the action names that can be rebound.
	Actions() []string
	// ParseKey checks one key and returns it in the form bindings use.
	ParseKey(key string) (string, error)
	// Rebind replaces the keys of the named actions.
	Rebind(overrides map[string][]string) error
	// Validate checks that no two actions of one view share a key. A
	// conflict error should implement KeyConflict so the configuration
	// can point at the offending entry.
	Validate() error
}

// KeyConflict is implemented by KeyBinder.Validate's conflict errors.
type KeyConflict interface {
	error
	// Conflict is the key and the two actions bound to it.
	Conflict() (key string, actions [2]string)
}

// Schema is what the UI layer lets a configuration name. A nil Keys or
// ThemeNames skips that validation (and accepts any name).
type Schema struct {
	// Keys is rebound by Load: pass a fresh key map.
	Keys       KeyBinder
	ThemeNames []string
}

// DefaultPath is $XDG_CONFIG_HOME/gapdeck/config.yaml.
func DefaultPath() string {
	return filepath.Join(xdg.ConfigHome, "gapdeck", "config.yaml")
}

// Load reads the configuration at path ("" : DefaultPath). A missing file
// at the default path is not an error (defaults, Exists false); a missing
// file named explicitly is. Problems are returned as Errors.
func Load(path string, s Schema) (*Config, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultPath()
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return &Config{Path: path}, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, Errors{{File: path, Msg: "no such file (create one with `gapdeck config init --config " + path + "`)"}}
	case err != nil:
		return nil, Errors{{File: path, Msg: err.Error()}}
	}
	return Parse(path, data, s)
}

// Parse parses and validates the configuration text data read from file
// (Exists is true).
// On error it returns Errors (every problem found) and a nil Config.
func Parse(file string, data []byte, s Schema) (*Config, error) {
	d := &decoder{file: file, profileNames: map[string]bool{}}
	c := &Config{Path: file, Exists: true, Keys: map[string][]string{}, Theme: map[string]string{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		d.syntaxError(err)
		return nil, d.errs
	}
	if len(doc.Content) > 0 {
		d.top(c, doc.Content[0], s)
	}
	if len(d.errs) > 0 {
		d.errs.sortByPosition()
		return nil, d.errs
	}
	return c, nil
}

// Top-level and nested keys, in the order the example documents them.
var (
	topKeys      = []string{"default_profile", "profiles", "keys", "theme", "serve", "bell", "notify_command"}
	serveKeys    = []string{"listen", "operator_keys", "viewer_keys", "names", "max_sessions", "idle_logout"}
	profileKeys  = []string{"api_url", "token_file", "token_command", "readonly", "env", "private_fleets", "budget", "intervals", "log_lines"}
	envKeys      = []string{"label", "color"}
	intervalKeys = []string{"list", "status", "background", "catalog", "detail", "logs", "metrics"}
)

func (d *decoder) top(c *Config, n *yaml.Node, s Schema) {
	var defNode *yaml.Node
	var keysNode *yaml.Node
	d.mapping(n, "the configuration", topKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "default_profile":
			if name, ok := d.str(v, "default_profile"); ok {
				c.DefaultProfile, defNode = name, v
			}
		case "profiles":
			d.profiles(c, v)
		case "keys":
			keysNode = v
		case "theme":
			d.theme(c, v, s.ThemeNames)
		case "serve":
			d.serve(c, v)
		case "bell":
			if b, ok := d.boolean(v, "bell"); ok {
				c.NoBell = !b
			}
		case "notify_command":
			c.NotifyCommand = d.notifyCommand(v)
		}
	})
	if defNode != nil && !d.profileNames[c.DefaultProfile] {
		d.errorf(defNode, "default_profile %q is not defined under profiles%s; defined: %s", c.DefaultProfile, didYouMean(c.DefaultProfile, c.ProfileNames()), listOrNone(c.ProfileNames()))
	}
	if keysNode != nil {
		d.keys(c, keysNode, s.Keys)
	}
}

// serve decodes the serve: section.
func (d *decoder) serve(c *Config, n *yaml.Node) {
	sv := &c.Serve
	d.mapping(n, "serve", serveKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "listen":
			sv.Listen, _ = d.str(v, "serve.listen")
		case "operator_keys":
			sv.OperatorKeys, _ = d.str(v, "serve.operator_keys")
		case "viewer_keys":
			sv.ViewerKeys, _ = d.str(v, "serve.viewer_keys")
		case "names":
			sv.Names = map[string]string{}
			d.mapping(v, "serve.names", nil, func(who string, _, name *yaml.Node) {
				if s, ok := d.str(name, "serve.names."+who); ok {
					sv.Names[who] = s
				}
			})
		case "max_sessions":
			if i, ok := d.integer(v, "serve.max_sessions"); ok {
				if i < 1 || i > 1000 {
					d.errorf(v, "serve.max_sessions %d is out of range; use 1 to 1000", i)
					return
				}
				sv.MaxSessions = i
			}
		case "idle_logout":
			if dur, ok := d.duration(v, "serve.idle_logout"); ok {
				if dur < time.Minute || dur > 24*time.Hour {
					d.errorf(v, "serve.idle_logout %v is out of range; use 1m to 24h", dur)
					return
				}
				sv.IdleLogout = dur
			}
		}
	})
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// profileName is what a profile may be called: it is typed in `:profile`
// and --profile.
var profileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func (d *decoder) profiles(c *Config, n *yaml.Node) {
	d.mapping(n, "profiles", nil, func(name string, k, v *yaml.Node) {
		switch {
		case !profileName.MatchString(name):
			d.errorf(k, "profile name %q: use letters, digits, '.', '-' and '_' (it is typed after --profile)", name)
			return
		case name == DemoProfile:
			d.errorf(k, "profile name %q is reserved for --demo (the embedded simulator); rename it", name)
			return
		}
		d.profileNames[name] = true // even with errors: default_profile may name it
		p := &Profile{Name: name, file: d.file, pos: map[string]*yaml.Node{}}
		before := len(d.errs)
		what := fmt.Sprintf("profile %q", name)
		d.mapping(v, what, profileKeys, func(key string, k, v *yaml.Node) {
			d.profileField(p, what, key, k, v)
		})
		if len(d.errs) == before {
			c.Profiles = append(c.Profiles, p)
		}
	})
}

func (d *decoder) profileField(p *Profile, what, key string, k, v *yaml.Node) {
	field := what + ": " + key
	switch key {
	case "api_url":
		if s, ok := d.str(v, field); ok {
			if err := checkAPIURL(s); err != nil {
				d.errorf(v, "%s: %v", field, err)
			}
			p.APIURL = s
		}
	case "token_file":
		if s, ok := d.str(v, field); ok {
			p.TokenFile = expandPath(s, filepath.Dir(d.file))
			p.pos[key] = k
		}
	case "token_command":
		p.TokenCommand = d.tokenCommand(v, field)
		p.pos[key] = k
	case "readonly":
		p.ReadOnly, _ = d.boolean(v, field)
	case "env":
		d.mapping(v, field, envKeys, func(key string, _, v *yaml.Node) {
			switch key {
			case "label":
				p.EnvLabel, _ = d.str(v, field+".label")
				if len(p.EnvLabel) > 16 {
					d.errorf(v, "%s.label %q is longer than 16 characters; shorten it (it sits in the header)", field, p.EnvLabel)
				}
			case "color":
				if s, ok := d.str(v, field+".color"); ok {
					col, err := ParseColor(s)
					if err != nil {
						d.errorf(v, "%s.color: %v", field, err)
					}
					p.EnvColor = col
				}
			}
		})
	case "private_fleets":
		fleets, ok := d.strings(v, field, false)
		if ok {
			for i, f := range fleets {
				if strings.TrimSpace(f) == "" {
					d.errorf(resolve(v).Content[i], "%s: empty fleet name; remove it", field)
				}
			}
		}
		p.PrivateFleets = fleets
	case "budget":
		if f, ok := d.number(v, field); ok {
			if err := CheckBudget(f); err != nil {
				// As written (.nan, 1e-300), not as Go prints it.
				_, why, _ := strings.Cut(err.Error(), " is out of range")
				d.errorf(v, "%s: %s is out of range%s", field, v.Value, why)
			}
			p.Budget = f
		}
	case "intervals":
		d.mapping(v, field, intervalKeys, func(key string, _, v *yaml.Node) {
			dur, ok := d.duration(v, field+"."+key)
			if !ok {
				return
			}
			if err := CheckInterval(dur); err != nil {
				d.errorf(v, "%s.%s: %v", field, key, err)
				return
			}
			*p.Intervals.field(key) = dur
		})
	case "log_lines":
		if i, ok := d.integer(v, field); ok {
			if err := CheckLogLines(i); err != nil {
				d.errorf(v, "%s: %v", field, err)
			}
			p.LogLines = i
		}
	}
}

// field is the interval called key (one of intervalKeys).
func (iv *Intervals) field(key string) *time.Duration {
	return map[string]*time.Duration{
		"list": &iv.List, "status": &iv.Status, "background": &iv.Background, "catalog": &iv.Catalog,
		"detail": &iv.Detail, "logs": &iv.Logs, "metrics": &iv.Metrics,
	}[key]
}

// shellChars are characters that only mean something to a shell.
const shellChars = "|&;<>()$`\\\"'*?~"

// tokenCommand decodes token_command: a list of argv strings, or one string
// split on spaces. Neither goes through a shell, so a string holding shell
// syntax (quotes, pipes, $VAR) is refused with the list form as the fix.
func (d *decoder) tokenCommand(v *yaml.Node, field string) []string {
	v = resolve(v)
	if v.Kind == yaml.ScalarNode {
		s, ok := d.str(v, field)
		if !ok {
			return nil
		}
		if strings.ContainsAny(s, shellChars) {
			d.errorf(v, "%s: %q needs a shell, and token_command runs without one; write the arguments as a list, e.g. [\"sh\", \"-c\", \"...\"]", field, s)
			return nil
		}
		argv := strings.Fields(s)
		if len(argv) == 0 {
			d.errorf(v, "%s is empty; give the command and its arguments, e.g. [\"op\", \"read\", \"op://vault/edgegap/token\"]", field)
		}
		return argv
	}
	argv, ok := d.strings(v, field, false)
	if ok && (len(argv) == 0 || argv[0] == "") {
		d.errorf(v, "%s is empty; give the command and its arguments, e.g. [\"op\", \"read\", \"op://vault/edgegap/token\"]", field)
	}
	return argv
}

// notifyCommand decodes notify_command: a list of argv strings (it runs
// without a shell, so a single string is refused with the list form as
// the fix).
func (d *decoder) notifyCommand(v *yaml.Node) []string {
	v = resolve(v)
	if v.Kind == yaml.ScalarNode {
		d.errorf(v, "notify_command must be a list (it runs without a shell), e.g. [\"/usr/local/bin/page-oncall\", \"--team\", \"live-ops\"]")
		return nil
	}
	argv, ok := d.strings(v, "notify_command", false)
	if ok && (len(argv) == 0 || argv[0] == "") {
		d.errorf(v, "notify_command is empty; give the program and its arguments, or leave the setting out")
		return nil
	}
	return argv
}

// checkAPIURL accepts https URLs, and http only for loopback hosts (the
// same rule the API client enforces, reported here with a position).
func checkAPIURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL; write it like https://api.edgegap.com", s)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
		return fmt.Errorf("plain http:// to %s would send the token unencrypted; use https:// (http is only for loopback, e.g. a local `gapdeck sim`)", host)
	}
	return fmt.Errorf("scheme %q is not supported; use https://", u.Scheme)
}

// expandPath expands a leading ~/ and makes a relative path relative to
// dir (the configuration file's directory).
func expandPath(p, dir string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return filepath.Clean(p)
}

func (d *decoder) theme(c *Config, n *yaml.Node, names []string) {
	d.mapping(n, "theme", nil, func(name string, k, v *yaml.Node) {
		if names != nil && !slices.Contains(names, name) {
			d.errorf(k, "theme: unknown colour name %q%s; names: %s", name, didYouMean(name, names), strings.Join(names, ", "))
			return
		}
		s, ok := d.str(v, "theme: "+name)
		if !ok {
			return
		}
		col, err := ParseColor(s)
		if err != nil {
			d.errorf(v, "theme: %s: %v", name, err)
			return
		}
		c.Theme[name] = col
	})
}

// ProfileNames lists the profiles in file order.
func (c *Config) ProfileNames() []string {
	names := make([]string, len(c.Profiles))
	for i, p := range c.Profiles {
		names[i] = p.Name
	}
	return names
}

func (c *Config) profile(name string) *Profile {
	for _, p := range c.Profiles {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Profile returns the profile called name. An empty name selects
// default_profile, else the only profile, else the built-in one (named
// BuiltinProfile, all defaults) when the file defines none. Several profiles
// and no default_profile is an error asking for --profile.
func (c *Config) Profile(name string) (*Profile, error) {
	names := c.ProfileNames()
	if name == "" {
		switch {
		case c.DefaultProfile != "":
			name = c.DefaultProfile
		case len(c.Profiles) == 1:
			return c.Profiles[0], nil
		case len(c.Profiles) == 0:
			return &Profile{Name: BuiltinProfile, file: c.Path}, nil
		default:
			return nil, fmt.Errorf("%s defines %d profiles (%s) and no default_profile: choose one with --profile NAME, or set default_profile", c.Path, len(names), strings.Join(names, ", "))
		}
	}
	if p := c.profile(name); p != nil {
		return p, nil
	}
	if name == BuiltinProfile && len(c.Profiles) == 0 {
		return &Profile{Name: BuiltinProfile, file: c.Path}, nil
	}
	where := c.Path
	if !c.Exists {
		where += " (no such file)"
	}
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	return nil, fmt.Errorf("unknown profile %q%s; profiles in %s: %s", name, didYouMean(name, names), where, listOrNone(sorted))
}
