package events

import (
	"fmt"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// logsSeen is what the recorder last knew of a deployment's container
// from its logs answers.
type logsSeen struct {
	crash    bool // crash data was present
	exitCode int
	message  string
	restarts int
}

// ObserveLogs takes the container logs answer for deployment id read at
// at (an open log view's stream): crash data that appears is a crash, a
// restart count that moved is a restart. The first answer is the
// baseline: a container that crashed before gapdeck looked is not news.
func (r *Recorder) ObserveLogs(id string, l *api.ContainerLogs, at time.Time) {
	if l == nil || id == "" {
		return
	}
	var now logsSeen
	if c := l.CrashData; c != nil {
		now = logsSeen{crash: true, exitCode: int(c.ExitCode), message: c.Message, restarts: int(c.RestartCount)}
	}
	prev, known := r.logs[id]
	if !known {
		r.logs[id] = &now
		return
	}
	was := *prev
	*prev = now
	if !now.crash {
		return // the crash data went (a new run without one): nothing happened
	}
	switch {
	case !was.crash:
		r.record(Event{At: at, Severity: Warning, Kind: KindCrash, Object: r.object(id),
			Message: "crashed (" + now.cause() + ")" + restartsNote(now.restarts)})
	case now.restarts > was.restarts:
		e := Event{At: at, Severity: Warning, Kind: KindRestart, Object: r.object(id),
			From: fmt.Sprint(was.restarts), To: fmt.Sprint(now.restarts),
			Message: "restarted (" + now.cause() + ")" + restartsNote(now.restarts)}
		if n := now.restarts - was.restarts; n > 1 {
			e.Message += fmt.Sprintf(" (%d since the previous look)", n)
		}
		r.record(e)
	case now.exitCode != was.exitCode || now.message != was.message:
		r.record(Event{At: at, Severity: Warning, Kind: KindCrash, Object: r.object(id),
			Message: "crashed (" + now.cause() + ")" + restartsNote(now.restarts)})
	}
}

// cause is "exit 137: OOM killed".
func (s logsSeen) cause() string {
	switch {
	case s.message == "":
		return fmt.Sprintf("exit %d", s.exitCode)
	}
	return fmt.Sprintf("exit %d: %s", s.exitCode, firstLine(s.message))
}

// restartsNote is ", 3 restarts" (nothing for none).
func restartsNote(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return ", 1 restart"
	}
	return fmt.Sprintf(", %d restarts", n)
}
