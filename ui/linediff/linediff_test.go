package linediff

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/hinshun/vt10x"
)

const cols, rows = 80, 24

// script is a model whose View is whatever frame the test set last.
type script struct{ frame string }

type frameMsg string

func (s *script) Init() tea.Cmd { return nil }
func (s *script) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if f, ok := msg.(frameMsg); ok {
		s.frame = string(f)
	}
	return s, nil
}
func (s *script) View() string { return s.frame }

// tee sends what Bubble Tea writes to a terminal as it is and, through
// a Writer, to another; it counts the bytes of each.
type tee struct {
	mu           sync.Mutex
	direct, viaW vt10x.Terminal
	w            *Writer
	rawN, diffN  int
	writes       int
	diffRecorder bytes.Buffer
}

func (t *tee) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.writes++
	t.rawN += len(p)
	if _, err := t.direct.Write(p); err != nil {
		return 0, err
	}
	t.diffRecorder.Reset()
	if _, err := t.w.Write(p); err != nil {
		return 0, err
	}
	t.diffN += t.diffRecorder.Len()
	if _, err := t.viaW.Write(t.diffRecorder.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

func newTee() *tee {
	t := &tee{direct: vt10x.New(vt10x.WithSize(cols, rows)), viaW: vt10x.New(vt10x.WithSize(cols, rows))}
	t.w = New(&t.diffRecorder)
	return t
}

// screensDiffer is the first cell where the two terminals differ, or "".
func (t *tee) screensDiffer() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	where := ""
	func() {
		t.direct.Lock()
		defer t.direct.Unlock()
		t.viaW.Lock()
		defer t.viaW.Unlock()
		for y := range rows {
			for x := range cols {
				if a, b := t.direct.Cell(x, y), t.viaW.Cell(x, y); a != b && where == "" {
					where = fmt.Sprintf("cell %d,%d: %+v as sent, %+v through the Writer", x, y, a, b)
				}
			}
		}
	}()
	if where == "" {
		return ""
	}
	return where + "\nas sent:\n" + t.direct.String() + "\nthrough the Writer:\n" + t.viaW.String()
}

// run plays frames through a real Bubble Tea program at cols x rows on
// the alternate screen, waiting after each until the terminal shows it.
func run(t *testing.T, frames []string) *tee {
	t.Helper()
	out := newTee()
	p := tea.NewProgram(&script{}, tea.WithInput(nil), tea.WithOutput(out), tea.WithAltScreen(), tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	p.Send(tea.WindowSizeMsg{Width: cols, Height: rows})
	for i, f := range frames {
		p.Send(frameMsg(f))
		marker := f[strings.LastIndex(f, "#"):] // each frame's last line ends in a unique "#<n>"
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(out.screen(), marker) {
			if time.Now().After(deadline) {
				t.Fatalf("frame %d never reached the terminal:\n%s", i, out.screen())
			}
			time.Sleep(2 * time.Millisecond)
		}
		if d := out.screensDiffer(); d != "" {
			t.Fatalf("after frame %d the screens differ: %s", i, d)
		}
	}
	p.Quit()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return out
}

func (t *tee) screen() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.direct.String()
}

// Styles like lipgloss's: each span sets its colours and resets after.
var spanStyles = []string{"", "\x1b[38;2;248;81;73m", "\x1b[1;38;2;63;185;80m", "\x1b[38;5;245m", "\x1b[1;38;2;255;255;255;48;2;38;79;120m", "\x1b[4m"}

var words = []string{"READY", "ERROR", "DEPLOYING", "kart-racing", "1m", "12m", "<1m", "3h4m", "▁▁▁▄▄█", "··········", "7777/udp→31502", "…", "", "Paris, France", "0/16", "12/64"}

// row is a random table-like line of styled spans.
func row(rng *rand.Rand) string {
	var b strings.Builder
	width := 0
	for width < cols-20 && rng.IntN(12) != 0 {
		st := spanStyles[rng.IntN(len(spanStyles))]
		text := words[rng.IntN(len(words))] + strings.Repeat(" ", rng.IntN(6))
		width += len([]rune(text))
		if st != "" {
			b.WriteString(st + text + "\x1b[0m")
		} else {
			b.WriteString(text)
		}
	}
	return b.String()
}

// The screen through the Writer is the screen Bubble Tea's own bytes make,
// cell for cell (character, colours, attributes), over frames that change
// a few rows at random: a cell's text, its colour, the line's length, a
// line cleared, the whole screen replaced.
func TestScreensMatchBubbleTea(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 3))
	lines := make([]string, rows)
	for i := range lines {
		lines[i] = row(rng)
	}
	var frames []string
	for n := range 300 {
		switch k := rng.IntN(20); {
		case k == 0: // everything new
			for i := range lines {
				lines[i] = row(rng)
			}
		case k == 1: // fewer lines: the renderer erases below
			lines = lines[:rows/2+rng.IntN(rows/2)]
		case k == 2:
			for len(lines) < rows {
				lines = append(lines, row(rng))
			}
		default: // a few rows change a little, as ages and sparklines do
			for range rng.IntN(4) + 1 {
				i := rng.IntN(len(lines) - 1)
				lines[i] = mutate(rng, lines[i])
			}
		}
		last := fmt.Sprintf("footer #%d", n)
		frames = append(frames, strings.Join(append(lines[:len(lines)-1:len(lines)-1], last), "\n"))
	}
	out := run(t, frames)
	t.Logf("%d writes: %d bytes as sent, %d through the Writer", out.writes, out.rawN, out.diffN)
	if out.diffN >= out.rawN {
		t.Errorf("the Writer sent %d bytes for Bubble Tea's %d", out.diffN, out.rawN)
	}
}

// mutate changes a line a little: one word replaced, a colour changed,
// or the line cut short.
func mutate(rng *rand.Rand, line string) string {
	switch rng.IntN(4) {
	case 0:
		for _, w := range words {
			if w != "" && strings.Contains(line, w) {
				return strings.Replace(line, w, words[rng.IntN(len(words))], 1)
			}
		}
		return row(rng)
	case 1:
		for _, st := range spanStyles[1:] {
			if strings.Contains(line, st) {
				return strings.Replace(line, st, spanStyles[1+rng.IntN(len(spanStyles)-1)], 1)
			}
		}
		return row(rng)
	case 2:
		if r := []rune(line); len(r) > 10 {
			return row(rng)[:0] + string(r[:len(r)/2]) + "\x1b[0m"
		}
		return row(rng)
	}
	return row(rng)
}

// A row whose age changed goes out as that cell, not the row: the bytes
// of one frame, as Bubble Tea sends them and through the Writer.
func TestOneCellChangedSendsTheCell(t *testing.T) {
	rowText := func(age string) string {
		return " daf8c1d47e32  \x1b[38;2;63;185;80mREADY        \x1b[0mcozy-farm                 0.14.0       " + age + " 100.19.87.142   \x1b[38;5;245m▁▁▁▁▄\x1b[0m"
	}
	first := strings.Join([]string{"header", rowText("3m"), "footer #0"}, "\n")
	second := strings.Join([]string{"header", rowText("4m"), "footer #1"}, "\n")
	out := newTee()
	p := tea.NewProgram(&script{}, tea.WithInput(nil), tea.WithOutput(out), tea.WithAltScreen(), tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	p.Send(tea.WindowSizeMsg{Width: cols, Height: rows})
	for _, f := range []string{first, second} {
		p.Send(frameMsg(f))
		marker := f[strings.LastIndex(f, "#"):]
		for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.screen(), marker); time.Sleep(2 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the frame never reached the terminal")
			}
		}
	}
	p.Quit()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if d := out.screensDiffer(); d != "" {
		t.Fatal(d)
	}
	raw, diff := lastFrame(t, first, second)
	t.Logf("the second frame: %d bytes as sent %q, %d through the Writer %q", len(raw), raw, len(diff), diff)
	if !bytes.Contains(diff, []byte("\x1b[68G")) || !bytes.Contains(diff, []byte("4")) || bytes.Contains(diff, []byte("cozy-farm")) {
		t.Errorf("the Writer did not send the age cell alone: %q", diff)
	}
	if len(diff)*3 > len(raw) {
		t.Errorf("%d bytes through the Writer for Bubble Tea's %d: want a third or less", len(diff), len(raw))
	}
}

// lastFrame replays the two frames' rendering through a fresh Writer and
// returns the second frame as Bubble Tea wrote it and as the Writer did.
func lastFrame(t *testing.T, first, second string) (raw, diff []byte) {
	t.Helper()
	var rec recorder
	p := tea.NewProgram(&script{}, tea.WithInput(nil), tea.WithOutput(&rec), tea.WithAltScreen(), tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	p.Send(tea.WindowSizeMsg{Width: cols, Height: rows})
	for _, f := range []string{first, second} {
		p.Send(frameMsg(f))
		marker := []byte(f[strings.LastIndex(f, "#"):])
		for deadline := time.Now().Add(5 * time.Second); !rec.contains(marker); time.Sleep(2 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the frame never came")
			}
		}
	}
	p.Quit()
	<-done
	writes := rec.all()
	var out bytes.Buffer
	w := New(&out)
	for _, p := range writes {
		out.Reset()
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(p, []byte("#1")) {
			return p, bytes.Clone(out.Bytes())
		}
	}
	t.Fatal("no write held the second frame")
	return nil, nil
}

// recorder keeps each write.
type recorder struct {
	mu     sync.Mutex
	writes [][]byte
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, bytes.Clone(p))
	return len(p), nil
}

func (r *recorder) contains(s []byte) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, w := range r.writes {
		if bytes.Contains(w, s) {
			return true
		}
	}
	return false
}

func (r *recorder) all() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.writes)
}
