package config

// Example is a commented configuration showing every setting. `gapdeck
// config init` writes it; it parses without errors (tested), and the README
// quotes it.
const Example = `# gapdeck configuration: $XDG_CONFIG_HOME/gapdeck/config.yaml
# (~/.config/gapdeck/config.yaml), or the file given with --config.
# Every setting is optional; leave one out for its default.
# Check this file with:  gapdeck config check

# The profile used when --profile is not given and no profile was used
# last time (gapdeck remembers the last one). Without it, the only
# profile is used; with several profiles and no default, --profile is
# required. With no profiles at all, gapdeck uses built-in defaults.
default_profile: staging

# Profiles, keyed by name (letters, digits, '.', '-', '_'; "demo" is
# reserved for --demo). Switch at run time with :profile NAME.
profiles:
  staging:
    # Edgegap API base URL. https:// only; http:// only for loopback
    # (a local "gapdeck sim"). Default: https://api.edgegap.com
    api_url: https://api.edgegap.com

    # Where the API token comes from, first match wins:
    #   1. the EDGEGAP_API_TOKEN environment variable (beats everything),
    #   2. token_file: a file holding only the token. It must be private
    #      (chmod 600); "~/" is your home, a relative path is relative to
    #      this file's directory,
    #   3. token_command: a program printing the token on stdout, run
    #      WITHOUT a shell, 10 s at most. Give it as a list of arguments;
    #      a single string is split on spaces and may not hold quotes,
    #      pipes or $VARIABLES (use ["sh", "-c", "..."] for those).
    # Never put the token itself in this file or on the command line.
    token_file: ~/.config/gapdeck/staging.token

    # A label and colour in the header, so you know where you are.
    # Colours: #rgb, #rrggbb, an ANSI index 0-255, or a name: black, red,
    # green, yellow, blue, magenta, cyan, white, gray, bright-red, …
    env: {label: staging, color: yellow}

    # Private fleets (the API cannot list them; their hosts show in the
    # Fleets tab).
    private_fleets: []

    # Share of each documented API rate limit gapdeck may use (0.01 to 1).
    budget: 0.25

    # Refresh intervals (500ms to 1h). Defaults shown.
    intervals:
      list: 2s         # pause between full passes over the deployment list (a long pass: as long, up to 1m)
      status: 10s      # status of the rows on screen
      background: 60s  # status of the rows off screen
      catalog: 45s     # fleets, policies, locations and hosts
      detail: 3s       # the deployment open in the detail view
      logs: 2s         # each open log view
      metrics: 15s     # the detail view's metrics panel

    # Lines kept per log stream (100 to 1000000; default 50000); older
    # lines are dropped.
    log_lines: 50000

  prod:
    token_command: ["op", "read", "op://ops/edgegap/api-token"]
    # Refuse every action that changes the organization.
    readonly: true
    env: {label: prod, color: red}
    private_fleets: [eu-private, us-private]
    budget: 0.1

# Alerts about what you watch (w on a deployment, :watch app|version|
# location|tag ...): a warning or error event rings the terminal bell
# (one per object per minute; tmux and ssh pass it on). Default: true.
bell: true

# A program run for each such alert, WITHOUT a shell, with the event as
# JSON on its stdin; 5 s at most, one at a time (alerts arriving while it
# runs wait in a queue of 16; more are dropped and counted). Sessions of
# gapdeck serve never run it (it would run once per person watching).
# notify_command: ["/usr/local/bin/page-oncall", "--team", "live-ops"]

# gapdeck serve: the team console over SSH (flags override these). People
# connect with ssh; the API token stays on the server. Keys are OpenSSH
# authorized_keys files: operators may act, viewers only look. A person is
# shown by the key's comment, or by a name given here for the comment or
# the key's SHA256 fingerprint.
serve:
  listen: 127.0.0.1:2222
  operator_keys: /etc/gapdeck/operators.pub
  viewer_keys: /etc/gapdeck/viewers.pub
  names:
    alice@laptop: Alice (live-ops)
  max_sessions: 32
  idle_logout: 30m

# Key bindings by action name (press ? in gapdeck to see the actions and
# their current keys). A value is one key or a list of keys. Keys: single
# characters ("L", "+"), "space", "enter", "esc", "tab", "shift+tab",
# "backspace", "up", "down", "left", "right", "home", "end", "pgup",
# "pgdown", "delete", "insert", "f1" … "f20", "ctrl+<letter>", "alt+<key>".
# Quote keys YAML would read otherwise (":", "?", "[", "#", " ").
# A key may not be used by two actions of the same view.
keys:
  stop: ctrl+x
  logs: [l, ctrl+o]

# Colours by semantic name (same forms as env.color above). Names:
#   accent          titles, active tab, key hints
#   border          box borders and rules
#   muted           secondary text
#   text            primary text
#   subtle          separators
#   good            READY and healthy
#   warn            degraded, crash-looping, stale
#   error           ERROR and failures
#   info            informational messages
#   pending         INITIALIZING … DEPLOYING
#   ended           TERMINATING and TERMINATED
#   selected_fg     text of the row under the cursor
#   selected_bg     background of the row under the cursor
#   badge_demo      background of the DEMO badge
#   badge_readonly  background of the READ-ONLY badge
# NO_COLOR in the environment turns every colour off.
theme:
  accent: "#5fafff"
  error: bright-red
`
