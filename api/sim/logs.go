package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// Container logs are a pure function of (deployment, run, line number): line
// k of a run is written at runStart + k·logInterval + jitter, so the number
// of lines up to any time is O(1) to compute and only the served window is
// ever generated.
const (
	logInterval   = 2 * time.Second
	crashLogLines = 20
	hostileOneIn  = 60 // about one line in this many carries a hostile sequence
)

// ANSI SGR colours used by the simulated game servers.
const (
	sgrBold   = "\x1b[1m"
	sgrYellow = "\x1b[33m"
	sgrRed    = "\x1b[31m"
	sgrDim    = "\x1b[2m"
	sgrReset  = "\x1b[0m"
)

// hostileText is player-controlled text carrying terminal control sequences
// a console must not pass through: OSC title, OSC 52 clipboard write, screen
// clear and cursor home, cursor up, and a bare carriage return.
var hostileText = []string{
	"\x1b]0;pwned\x07",
	"\x1b]52;c;cm0gLXJmIH4=\x07",
	"gg\x1b[2J\x1b[H",
	"lag?\x1b[5A",
	"hello\rSERVER: you have been banned",
}

var playerNames = []string{"NeonFox", "xX_Sniper_Xx", "cozy_carrot", "DriftKing", "Mika", "ZeroCool", "pixel_pony", "Tofu", "Ragnar", "lunaria", "K0bra", "sleepy_sam"}

var mapNames = map[string][]string{
	"kart-racing":   {"Sunset Circuit", "Frostbite Pass", "Neon Alley"},
	"arena-shooter": {"Foundry", "Skyline", "Catacombs"},
	"cozy-farm":     {"Maple Valley", "Willow Creek"},
	"battle-royale": {"Ashfall Island", "Dune Sea"},
}

// logRun identifies one run of a deployment's container.
type logRun struct {
	d     *deployment
	index int // restart count when the run started
	start time.Time
}

// lineAt is when line k of the run is written.
func (r logRun) lineAt(k int) time.Time {
	jitter := time.Duration(unit(hash(r.d.seed, 0x106, uint64(r.index), uint64(k))) * 0.9 * float64(logInterval))
	return r.start.Add(time.Duration(k)*logInterval + jitter.Truncate(time.Millisecond))
}

// linesUpTo counts the lines written up to t.
func (r logRun) linesUpTo(t time.Time) int {
	if t.Before(r.start) {
		return 0
	}
	k := int(t.Sub(r.start) / logInterval)
	if r.lineAt(k).After(t) {
		return k
	}
	return k + 1
}

// text renders lines [from, to) of the run, newline-terminated.
func (r logRun) text(from, to int) string {
	var b strings.Builder
	for k := max(from, 0); k < to; k++ {
		b.WriteString(r.line(k))
		b.WriteByte('\n')
	}
	return b.String()
}

// line renders line k of the run.
func (r logRun) line(k int) string {
	h := hash(r.d.seed, 0x11e, uint64(r.index), uint64(k))
	ts := r.lineAt(k).UTC().Format("2006-01-02T15:04:05.000Z")
	level, msg := r.message(k, h)
	return ts + " " + level + " " + msg
}

func (r logRun) message(k int, h uint64) (level, msg string) {
	d := r.d
	if k < len(bootLines) {
		return "INFO ", bootLines[k](d)
	}
	player := playerNames[h%uint64(len(playerNames))]
	maps := mapNames[d.app.name]
	n := func(salt, mod uint64) uint64 { return hash(h, salt) % mod }
	switch u := unit(hash(h, 1)); {
	case u < 1.0/hostileOneIn:
		return "INFO ", fmt.Sprintf("Chat from '%s': %s", player, hostileText[n(2, uint64(len(hostileText)))])
	case u < 0.22:
		return "INFO ", fmt.Sprintf("Player '%s' joined (%d/%d)", player, 1+n(3, uint64(d.app.sockets)), d.app.sockets)
	case u < 0.38:
		reasons := []string{"disconnect", "timeout", "kicked: idle", "quit"}
		return "INFO ", fmt.Sprintf("Player '%s' left (reason: %s)", player, reasons[n(4, uint64(len(reasons)))])
	case u < 0.46:
		return "INFO ", fmt.Sprintf("Match m-%05d started on map '%s' with %d players", n(5, 100000), maps[n(6, uint64(len(maps)))], 1+n(7, uint64(d.app.sockets)))
	case u < 0.52:
		return "INFO ", fmt.Sprintf("Match m-%05d ended: winner '%s' after %dm%02ds", n(5, 100000), player, 2+n(8, 18), n(9, 60))
	case u < 0.72:
		avg := 2 + float64(n(10, 80))/10
		return "INFO ", fmt.Sprintf("Tick stats: avg %.1fms p99 %.1fms, %d entities, %d KB/s out", avg, avg+2+float64(n(11, 120))/10, 50+n(12, 900), 20+n(13, 400))
	case u < 0.84:
		return sgrDim + "DEBUG" + sgrReset, fmt.Sprintf("Heartbeat sent to matchmaker (rtt %dms)", 5+n(14, 80))
	case u < 0.92:
		return sgrYellow + "WARN " + sgrReset, fmt.Sprintf("Tick overran budget: %.1fms > 16.6ms", 16.7+float64(n(15, 300))/10)
	case u < 0.97:
		return sgrYellow + "WARN " + sgrReset, fmt.Sprintf("Player '%s' packet loss %d%%", player, 3+n(16, 20))
	}
	errs := []string{"Failed to save replay: disk quota exceeded", "Matchmaker callback timed out after 5000ms", "Rejected connection: protocol version mismatch"}
	return sgrRed + "ERROR" + sgrReset, errs[n(17, uint64(len(errs)))]
}

// bootLines open every run: a bold banner, a progress bar redrawn with bare
// carriage returns, and the startup messages.
var bootLines = []func(d *deployment) string{
	func(d *deployment) string {
		return fmt.Sprintf("%s==== %s dedicated server %s ====%s", sgrBold, d.app.name, d.version, sgrReset)
	},
	func(*deployment) string { return "Loading configuration from /app/config/server.json" },
	func(*deployment) string { return "Loading assets 0%\rLoading assets 37%\rLoading assets 100%" },
	func(d *deployment) string {
		p := d.app.ports[0]
		return fmt.Sprintf("Listening on 0.0.0.0:%d/%s", p.internal, p.protocol)
	},
	func(d *deployment) string {
		return fmt.Sprintf("Registered with Edgegap: request_id=%s location=%s", d.id, locations[d.loc].City)
	},
	func(d *deployment) string {
		return fmt.Sprintf("Server ready, waiting for players (0/%d)", d.app.sockets)
	},
}

// currentRun is the container run at t, if the deployment ever ran.
func (d *deployment) currentRun(t time.Time) (logRun, bool) {
	if d.sched.readyAt().IsZero() || t.Before(d.sched.readyAt()) {
		return logRun{}, false
	}
	count, start := d.sched.restartsAt(t)
	return logRun{d: d, index: count, start: start}, true
}

// containerLogs is the container-logs body at t: the last window lines of
// the current run. Logs only grow while READY.
func (d *deployment) containerLogs(t time.Time, window int) api.ContainerLogs {
	out := api.ContainerLogs{Encoding: "utf-8"}
	if d.logsLink != "" {
		link := d.logsLink
		out.LogsLink = &link
	}
	t = d.readyUntil(t)
	run, ok := d.currentRun(t)
	if !ok {
		return out
	}
	n := run.linesUpTo(t)
	out.Logs = run.text(n-window, n)
	if run.index > 0 {
		prev := d.previousRun(run)
		m := prev.linesUpTo(run.start)
		ck := crashKinds[d.sched.crashKind]
		crash := prev.text(m-crashLogLines, m) + run.start.UTC().Format("2006-01-02T15:04:05.000Z") + " " + sgrRed + "FATAL" + sgrReset + " " + ck.fatal + "\n"
		out.CrashLogs = &crash
		out.CrashData = &api.CrashData{ExitCode: api.Int(ck.exitCode), Message: ck.message, RestartCount: api.Int(run.index)}
	}
	return out
}

// previousRun is the run that crashed to start run.
func (d *deployment) previousRun(run logRun) logRun {
	start := d.sched.readyAt()
	if run.index >= 2 {
		start = d.sched.crashes[run.index-2]
	}
	return logRun{d: d, index: run.index - 1, start: start}
}
