package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestIdleCost measures what an idle console costs (issue 16): the
// console runs against `gapdeck sim --deployments 5000` in a 200x50 pty,
// settles for a minute, then for a minute the test counts its process CPU
// time (utime+stime of /proc/<pid>/stat, as % of one core), the bytes it
// wrote to the terminal (read from the pty master) and its RSS
// (/proc/<pid>/status), and prints them with where the bytes went: frames,
// lines repainted, and the spaces that pad lines to the full width.
//
// It runs only with GAPDECK_IDLE=1, and takes about two minutes:
//
//	GAPDECK_IDLE=1 go test -count=1 -v -run '^TestIdleCost$' ./ui/e2e/
//
// GAPDECK_IDLE_SETTLE and GAPDECK_IDLE_WINDOW shorten the two phases (Go
// durations; the figures of record use the defaults, 60s each),
// GAPDECK_IDLE_DEPLOYMENTS changes the organization's size, and
// GAPDECK_IDLE_BIN measures a gapdeck binary built elsewhere (another
// commit) instead of building this tree; GAPDECK_IDLE_DUMP names a file
// to keep the window's bytes in, for a closer look. The terminal is xterm-256color
// with COLORTERM=truecolor, as a modern terminal emulator says. CPU
// figures are noisy on a shared machine: repeat them.
func TestIdleCost(t *testing.T) {
	if os.Getenv("GAPDECK_IDLE") != "1" {
		t.Skip("set GAPDECK_IDLE=1 to measure the idle console (two minutes)")
	}
	settle := envDuration(t, "GAPDECK_IDLE_SETTLE", time.Minute)
	window := envDuration(t, "GAPDECK_IDLE_WINDOW", time.Minute)
	deployments := envDeployments(t)
	bin := os.Getenv("GAPDECK_IDLE_BIN")
	if bin == "" {
		bin = gapdeckBinary(t)
	}
	const cols, rows = 200, 50
	base := startSimOrg(t, bin, 3, e2eToken, "--deployments", strconv.Itoa(deployments))

	dir := t.TempDir()
	cmd := exec.Command(bin, "--api-url", base, "--log-file", filepath.Join(dir, "log"))
	cmd.Env = append(os.Environ(), "EDGEGAP_API_TOKEN="+e2eToken, "XDG_STATE_HOME="+dir, "XDG_CONFIG_HOME="+dir,
		"TERM=xterm-256color", "COLORTERM=truecolor", "NO_COLOR=")
	out := startInPTY(t, cmd, rows, cols)

	time.Sleep(settle)
	if !bytes.Contains(out.all(), []byte("REQUEST ID")) {
		t.Fatalf("after %s the console shows no deployments table; it wrote %d bytes", settle, len(out.all()))
	}
	pid := cmd.Process.Pid
	cpu0 := procCPUTicks(t, pid)
	out.startWindow()
	start := time.Now()
	time.Sleep(window)
	cpu1 := procCPUTicks(t, pid)
	elapsed := time.Since(start)
	stream := out.stopWindow()
	rss, hwm := procMemory(t, pid)
	if dump := os.Getenv("GAPDECK_IDLE_DUMP"); dump != "" {
		if err := os.WriteFile(dump, stream, 0o600); err != nil {
			t.Errorf("GAPDECK_IDLE_DUMP: %v", err)
		}
	}

	cpu := cpuPercent(cpu1-cpu0, elapsed)
	perMin := float64(len(stream)) / elapsed.Minutes()
	fr := parseFrames(stream)
	var report strings.Builder
	fmt.Fprintf(&report, "idle cost: %d deployments, %dx%d, settled %s, measured %s (%s)\n", deployments, cols, rows, settle, elapsed.Round(time.Millisecond), bin)
	fmt.Fprintf(&report, "  cpu       %.2f%% of one core (%d ticks of 10 ms)\n", cpu, cpu1-cpu0)
	fmt.Fprintf(&report, "  bytes     %d to the terminal, %.1f KB per minute\n", len(stream), perMin/1000)
	fmt.Fprintf(&report, "  rss       %.1f MB (VmRSS), peak %.1f MB (VmHWM)\n", float64(rss)/1024, float64(hwm)/1024)
	fr.write(&report)
	t.Log("\n" + report.String())
}

// startInPTY starts cmd in a pty of rows x cols, kills it when the test
// ends, and returns the recorder draining the pty (and answering the
// terminal's queries).
func startInPTY(t *testing.T, cmd *exec.Cmd, rows, cols uint16) *ptyRecorder {
	t.Helper()
	master, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: rows, Cols: cols})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = master.Close()
	})
	out := &ptyRecorder{}
	go out.drain(master)
	return out
}

// cpuPercent is ticks of CPU time (procCPUTicks) over elapsed, as % of one
// core. Linux's USER_HZ, the unit of utime and stime, is 100 on every
// architecture Go supports.
func cpuPercent(ticks int64, elapsed time.Duration) float64 {
	const userHZ = 100
	return float64(ticks) / userHZ / elapsed.Seconds() * 100
}

// envDeployments is GAPDECK_IDLE_DEPLOYMENTS, 5000 by default.
func envDeployments(t *testing.T) int {
	t.Helper()
	v := os.Getenv("GAPDECK_IDLE_DEPLOYMENTS")
	if v == "" {
		return 5000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("GAPDECK_IDLE_DEPLOYMENTS=%q: want a positive number", v)
	}
	return n
}

// envDuration is the duration in environment variable name, or def.
func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q: want a positive Go duration (60s)", name, v)
	}
	return d
}

// procCPUTicks is utime+stime of process pid, every thread, in USER_HZ
// ticks (/proc/<pid>/stat fields 14 and 15).
func procCPUTicks(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count the fields after its closing one (field 3 is the state).
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		t.Fatalf("/proc/%d/stat: %q", pid, b)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("/proc/%d/stat: utime %q stime %q", pid, f[11], f[12])
	}
	return utime + stime
}

// procMemory is VmRSS and VmHWM of process pid, in KiB.
func procMemory(t *testing.T, pid int) (rss, hwm int64) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = n
		case "VmHWM:":
			hwm = n
		}
	}
	return rss, hwm
}

// ptyRecorder reads everything the console writes to its terminal,
// answers the terminal queries a real emulator would (background colour,
// cursor position: without an answer the program waits for a timeout),
// and keeps what was written during the measuring window.
type ptyRecorder struct {
	mu        sync.Mutex
	total     []byte // everything, until the window starts
	windowed  bool
	window    []byte
	tail      []byte // the last bytes, for a query split across reads
	responder io.Writer
}

// drain reads master until it is closed.
func (r *ptyRecorder) drain(master *os.File) {
	r.responder = master
	buf := make([]byte, 32<<10)
	for {
		n, err := master.Read(buf)
		if n > 0 {
			r.take(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// Terminal queries and their answers: a dark background, the cursor home.
var (
	queryBackground = []byte("\x1b]11;?")
	queryCursor     = []byte("\x1b[6n")
	answerBg        = []byte("\x1b]11;rgb:1c1c/1c1c/1c1c\x1b\\")
	answerCursor    = []byte("\x1b[1;1R")
)

// take records one read and answers the queries in it.
func (r *ptyRecorder) take(p []byte) {
	r.mu.Lock()
	if r.windowed {
		r.window = append(r.window, p...)
	} else {
		r.total = append(r.total, p...)
	}
	seen := append(r.tail, p...)
	r.tail = append([]byte(nil), seen[max(0, len(seen)-8):]...)
	r.mu.Unlock()
	// Only a query that ends in this read (not one wholly in the tail).
	for _, q := range []struct{ query, answer []byte }{{queryBackground, answerBg}, {queryCursor, answerCursor}} {
		if n := bytes.Count(seen, q.query) - bytes.Count(seen[:len(seen)-len(p)], q.query); n > 0 {
			for range n {
				_, _ = r.responder.Write(q.answer)
			}
		}
	}
}

// all is what was written before the window.
func (r *ptyRecorder) all() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.total...)
}

// startWindow starts keeping the bytes to measure.
func (r *ptyRecorder) startWindow() {
	r.mu.Lock()
	r.windowed = true
	r.mu.Unlock()
}

// stopWindow ends the window and returns its bytes.
func (r *ptyRecorder) stopWindow() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.windowed = false
	w := r.window
	r.window = nil
	return w
}

// frameStats is where the bytes of a stream of Bubble Tea v1 frames went.
// On the alternate screen each frame starts at the cursor home (ESC [ H);
// a line equal to the last frame's is skipped with a bare "\n", a changed
// one is written whole and ends "\r\n"; the frame ends with a cursor
// position.
type frameStats struct {
	frames   int
	lines    int         // lines written (changed)
	padding  int         // spaces at the ends of written lines
	padded   int         // written lines that end in at least 4 spaces
	perLine  map[int]int // bytes written per screen line
	paintsOf map[int]int // times each screen line was written
}

var (
	cursorHome = []byte("\x1b[H")
	trailingCS = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]$`)
)

// parseFrames splits stream at the cursor home sequences; what comes
// before the first is the end of a frame started before the window.
func parseFrames(stream []byte) frameStats {
	fs := frameStats{perLine: map[int]int{}, paintsOf: map[int]int{}}
	parts := bytes.Split(stream, cursorHome)
	for _, frame := range parts[1:] {
		fs.frames++
		for i, l := range bytes.Split(frame, []byte("\n")) {
			l = bytes.TrimSuffix(l, []byte("\r"))
			for { // the frame's final cursor position, trailing resets
				loc := trailingCS.FindIndex(l)
				if loc == nil || !bytes.HasSuffix(l, []byte("H")) && !bytes.HasSuffix(l, []byte("m")) {
					break
				}
				l = l[:loc[0]]
			}
			if len(l) == 0 {
				continue
			}
			fs.lines++
			fs.perLine[i] += len(l)
			fs.paintsOf[i]++
			sp := 0
			for rest := l; ; {
				trimmed := bytes.TrimRight(rest, " ")
				sp += len(rest) - len(trimmed)
				loc := trailingCS.FindIndex(trimmed)
				if loc == nil || !bytes.HasSuffix(trimmed, []byte("m")) {
					break
				}
				rest = trimmed[:loc[0]]
			}
			fs.padding += sp
			if sp >= 4 {
				fs.padded++
			}
		}
	}
	return fs
}

// write prints the frame figures: frames, lines written, the padding,
// and the lines that took the most bytes.
func (fs frameStats) write(w io.Writer) {
	if fs.frames == 0 {
		fmt.Fprintf(w, "  frames    none\n")
		return
	}
	fmt.Fprintf(w, "  frames    %d, %.1f lines written per frame\n", fs.frames, float64(fs.lines)/float64(fs.frames))
	fmt.Fprintf(w, "  padding   %d bytes of trailing spaces (%.0f per frame) on %d of %d written lines;\n",
		fs.padding, float64(fs.padding)/float64(fs.frames), fs.padded, fs.lines)
	fmt.Fprintf(w, "            an erase to end of line (ESC [ K, 3 bytes) instead would save about %d bytes (%.0f per frame)\n",
		fs.padding-3*fs.padded, float64(fs.padding-3*fs.padded)/float64(fs.frames))
	lines := make([]int, 0, len(fs.perLine))
	for l := range fs.perLine {
		lines = append(lines, l)
	}
	sort.Slice(lines, func(i, j int) bool { return fs.perLine[lines[i]] > fs.perLine[lines[j]] })
	for i, l := range lines {
		if i == 8 {
			fmt.Fprintf(w, "            … %d more lines\n", len(lines)-8)
			break
		}
		fmt.Fprintf(w, "  line %-3d  %d writes, %d bytes (%.0f per write)\n", l, fs.paintsOf[l], fs.perLine[l], float64(fs.perLine[l])/float64(fs.paintsOf[l]))
	}
}
