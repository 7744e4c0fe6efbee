package e2e

import (
	"fmt"
	"github.com/gapdeck/gapdeck/model/audittest"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// delayingProxy is a fault-shaping proxy in front of the simulator at
// base: requests for which slow holds wait delay before they are
// forwarded (the server acts only then). It is closed at cleanup.
func delayingProxy(t *testing.T, base string, delay time.Duration, slow func(*http.Request) bool) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow(r) {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// isStop selects the stop requests.
func isStop(r *http.Request) bool {
	return r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/v1/stop/")
}

// consolePID is the pid of the console running in the pane: the child of
// the pane's shell.
func (s *tmuxSession) consolePID() int {
	s.t.Helper()
	shell := strings.TrimSpace(s.tmux("display", "-p", "#{pane_pid}"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		raw, _ := os.ReadFile(fmt.Sprintf("/proc/%s/task/%s/children", shell, shell))
		if f := strings.Fields(string(raw)); len(f) > 0 {
			pid, err := strconv.Atoi(f[0])
			if err != nil {
				s.t.Fatal(err)
			}
			return pid
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the pane's shell %s has no child", shell)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// paneFlags are tmux's alternate-screen and cursor-visible flags of the
// pane, "alt cursor" ("0 1": normal screen, cursor shown).
func (s *tmuxSession) paneFlags() string {
	return strings.TrimSpace(s.tmux("display", "-p", "#{alternate_on} #{cursor_flag}"))
}

// SIGHUP (an SSH drop) and SIGTERM quit the console as q does: the
// terminal is restored (normal screen, cursor shown), it exits 0 and the
// view state is saved.
func TestE2ESignalsRestoreTheTerminal(t *testing.T) {
	requireTmux(t)
	bin := gapdeckBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			log := filepath.Join(dir, "log")
			s := startTmux(t, fmt.Sprintf("XDG_STATE_HOME=%q NO_COLOR=1 %q --demo --log-file %q; echo GAPDECK-EXITED $?; sleep 60", dir, bin, log))
			s.waitFor("deployment rows", func(scr string) bool { return rowRE.MatchString(scr) })
			if f := s.paneFlags(); f != "1 0" {
				t.Fatalf("while running: alternate/cursor flags %q, want \"1 0\"", f)
			}
			s.literal("/status:ready")
			s.keys("Enter")
			s.waitText("filter: status:ready")
			if err := syscall.Kill(s.consolePID(), sig); err != nil {
				t.Fatal(err)
			}
			scr := s.waitText("GAPDECK-EXITED")
			if !strings.Contains(scr, "GAPDECK-EXITED 0") {
				t.Fatalf("after %v gapdeck did not exit 0:\n%s", sig, scr)
			}
			if f := s.paneFlags(); f != "0 1" {
				t.Errorf("after %v: alternate/cursor flags %q, want \"0 1\" (normal screen, cursor shown)", sig, f)
			}
			if strings.Contains(scr, "REQUEST ID") {
				t.Errorf("the console is still on screen after %v:\n%s", sig, scr)
			}
			state, err := os.ReadFile(filepath.Join(dir, "gapdeck", "state.json"))
			if err != nil || !strings.Contains(string(state), "status:ready") {
				t.Errorf("view state after %v: %q, %v; want the filter in its history", sig, state, err)
			}
			if raw, _ := os.ReadFile(log); !strings.Contains(string(raw), "signal: quitting") {
				t.Errorf("the debug log does not record the signal")
			}
		})
	}
}

// A signal while a stop waits for its answer (a proxy holds it 4 s): the
// console counts down, quits once the answer is in, and the audit holds
// the attempt and the outcome.
func TestE2ESignalWaitsForStopInFlight(t *testing.T) {
	requireTmux(t)
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	proxy := delayingProxy(t, base, 4*time.Second, isStop)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			state := t.TempDir()
			s := startConsole(t, bin, proxy, state)
			cursorToReady(s, 1)
			s.keys("C-d")
			scr := s.waitText("Stop deployment ", "Cancel")
			m := regexp.MustCompile(`Stop deployment ([0-9a-f]{12})\?`).FindStringSubmatch(scr)
			if m == nil {
				t.Fatalf("the stop confirmation names no deployment:\n%s", scr)
			}
			id := m[1]
			s.keys("y")
			time.Sleep(300 * time.Millisecond) // the request is on its way
			start := time.Now()
			if err := syscall.Kill(s.consolePID(), sig); err != nil {
				t.Fatal(err)
			}
			s.waitText("waiting for 1 action in flight (stop of "+id+") to finish…", "press ctrl+c again to quit now")
			scr = waitLong(s, "the console to quit", 15*time.Second, func(scr string) bool { return strings.Contains(scr, "GAPDECK-EXITED") })
			if !strings.Contains(scr, "GAPDECK-EXITED 0") {
				t.Fatalf("gapdeck did not exit 0:\n%s", scr)
			}
			if took := time.Since(start); took > 12*time.Second {
				t.Errorf("quitting took %v: it must wait 10 s at most", took)
			}
			if f := s.paneFlags(); f != "0 1" {
				t.Errorf("alternate/cursor flags %q after the quit, want \"0 1\"", f)
			}
			acts, err := audittest.ReadActions(filepath.Join(state, "gapdeck", "audit.jsonl"), 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(acts) != 1 || acts[0].Action != "stop" || acts[0].Targets[0] != id || acts[0].HTTPStatus == 0 || strings.HasPrefix(acts[0].Outcome, "unknown") {
				t.Fatalf("audit %+v, want the stop of %s with its answer", acts, id)
			}
		})
	}
}

// ioctl runs an ioctl taking a pointer argument.
func ioctl(fd uintptr, req uint, arg unsafe.Pointer) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, uintptr(req), uintptr(arg)); e != 0 {
		return e
	}
	return nil
}

// openPty opens a pseudo-terminal of cols×rows: the master (the terminal
// side, which the test reads or stops reading) and the slave (the
// console's stdin, stdout and stderr).
func openPty(t *testing.T, cols, rows uint16) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	var n uint32
	var unlock int32
	if err := ioctl(m.Fd(), syscall.TIOCGPTN, unsafe.Pointer(&n)); err != nil {
		t.Fatal(err)
	}
	if err := ioctl(m.Fd(), syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	ws := [4]uint16{rows, cols, 0, 0}
	if err := ioctl(s.Fd(), syscall.TIOCSWINSZ, unsafe.Pointer(&ws)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// A console whose terminal stops reading its output (the pane behind a
// `script` wrapper killed, a frozen terminal: writes block forever and no
// hangup comes) gives up within seconds: it records the action still in
// flight as unknown, logs why and exits non-zero.
func TestE2EDeadTerminalGivesUp(t *testing.T) {
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	proxy := delayingProxy(t, base, 60*time.Second, isStop) // the stop never answers in time
	dir := t.TempDir()
	log := filepath.Join(dir, "log")
	master, slave := openPty(t, 250, 80)
	cmd := exec.Command(bin, "--api-url", proxy, "--log-file", log)
	cmd.Env = append(os.Environ(), "EDGEGAP_API_TOKEN="+e2eToken, "XDG_STATE_HOME="+dir, "NO_COLOR=1", "TERM=xterm-256color")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	// Read the screen until the rows are there, and on until told to stop.
	var stopReading atomic.Bool
	screen := make(chan string, 1)
	go func() {
		var all strings.Builder
		buf := make([]byte, 64<<10)
		sent := false
		for !stopReading.Load() {
			n, err := master.Read(buf)
			if !sent {
				all.Write(buf[:n])
				if rowRE.MatchString(all.String()) {
					screen <- all.String()
					sent = true
				}
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-screen:
	case <-time.After(20 * time.Second):
		t.Fatal("the console showed no rows in 20 s")
	}
	// Stop a deployment (its answer is held by the proxy), then fill the
	// terminal's buffer with redraws nobody reads.
	if _, err := master.Write([]byte{0x04}); err != nil { // ctrl+d
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := master.Write([]byte("y")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	stopReading.Store(true) // the reader returns after its current read
	start := time.Now()
	go func() {
		for range 400 { // tab switches redraw the whole 250×80 screen
			for _, k := range []string{"2", "1", "?", "\x1b"} {
				if _, err := master.Write([]byte(k)); err != nil {
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
	}()
	select {
	case err := <-exited:
		took := time.Since(start)
		var ee *exec.ExitError
		if err == nil || !asExit(err, &ee) || ee.ExitCode() != 3 {
			t.Fatalf("the console ended with %v, want exit status 3 (terminal lost)", err)
		}
		t.Logf("gave up %v after its terminal stopped reading", took.Round(100*time.Millisecond))
	case <-time.After(30 * time.Second):
		t.Fatal("the console still runs 30 s after its terminal stopped reading")
	}
	raw, _ := os.ReadFile(log)
	if !strings.Contains(string(raw), "terminal output blocked: giving up") {
		t.Errorf("the debug log does not say why it gave up:\n%s", tail(string(raw), 5))
	}
	acts, err := audittest.ReadActions(filepath.Join(dir, "gapdeck", "audit.jsonl"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 || acts[0].Action != "stop" || !strings.HasPrefix(acts[0].Outcome, "unknown — terminal stopped accepting output before answer") {
		t.Fatalf("audit %+v, want the stop recorded as unknown", acts)
	}
}

// asExit is errors.As for an *exec.ExitError.
func asExit(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
