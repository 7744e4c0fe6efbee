package termtext

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestSanitizeLogTable(t *testing.T) {
	long := strings.Repeat("1;", 1000)
	tests := []struct {
		name, in string
		keep     bool
		want     string
	}{
		{"clean", "Server ready, waiting for players (0/8)", true, "Server ready, waiting for players (0/8)"},
		{"empty", "", true, ""},
		{"unicode", "Player 'Łukasz 日本 🎮' joined", true, "Player 'Łukasz 日本 🎮' joined"},

		// OSC: title, clipboard, both terminators, unterminated.
		{"osc title bel", "Chat: \x1b]0;pwned\x07hi", true, "Chat: hi"},
		{"osc 52 clipboard", "Chat: \x1b]52;c;cm0gLXJmIH4=\x07", true, "Chat: "},
		{"osc st", "a\x1b]0;title\x1b\\b", true, "ab"},
		{"osc hyperlink", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", true, "click"},
		{"osc unterminated", "abc\x1b]0;title", true, "abc"},
		{"osc aborted by esc", "\x1b]0;t\x1b[31mred", true, "\x1b[31mred\x1b[0m"},
		{"osc with utf8 0x9c byte", "\x1b]0;\u201cq\u201d\x07y", true, "y"},

		// DCS, SOS, PM, APC.
		{"dcs sixel", "\x1bPq#0;2;0;0;0#0~~\x1b\\dcs", true, "dcs"},
		{"dcs bel does not end", "\x1bPx\x07y\x1b\\z", true, "z"},
		{"sos", "\x1bXsos\x1b\\x", true, "x"},
		{"pm", "\x1b^pm\x1b\\x", true, "x"},
		{"apc", "\x1b_Gf=100;AAAA\x1b\\x", true, "x"},
		{"dcs unterminated", "abc\x1bPq", true, "abc"},

		// CSI other than SGR.
		{"clear and home", "gg\x1b[2J\x1b[H", true, "gg"},
		{"cursor up", "lag?\x1b[5A", true, "lag?"},
		{"erase line", "\x1b[2Kx", true, "x"},
		{"scroll region", "\x1b[1;24rx", true, "x"},
		{"alt screen", "\x1b[?1049hx", true, "x"},
		{"private m", "\x1b[>4;2mx", true, "x"},
		{"question m", "\x1b[?25mx", true, "x"},
		{"intermediate m", "\x1b[1 mx", true, "x"},
		{"cursor position report request", "\x1b[6nx", true, "x"},
		{"long non-sgr", "\x1b[" + strings.Repeat("9", 10000) + "Ax", true, "x"},
		{"csi truncated", "abc\x1b[12;", true, "abc"},
		{"csi bare", "abc\x1b[", true, "abc"},
		{"csi broken by control", "\x1b[12\ax", true, "x"},
		{"csi broken by utf8", "\x1b[12日x", true, "日x"},

		// Single-character and nF escapes.
		{"save restore cursor", "\x1b7a\x1b8", true, "a"},
		{"full reset", "\x1bcx", true, "x"},
		{"reverse index", "\x1bMx", true, "x"},
		{"charset", "\x1b(Bx", true, "x"},
		{"decaln", "\x1b#8x", true, "x"},
		{"esc at end", "abc\x1b", true, "abc"},
		{"nF truncated", "abc\x1b(", true, "abc"},
		{"esc esc", "\x1b\x1b[31mx", true, "\x1b[31mx\x1b[0m"},
		{"esc before utf8", "\x1b日本", true, "日本"},

		// C1 controls, 8-bit and UTF-8 encoded.
		{"8-bit csi", "\x9b2J x", true, " x"},
		{"8-bit csi sgr keep", "\x9b31mred", true, "\x1b[31mred\x1b[0m"},
		{"8-bit csi sgr drop", "\x9b31mred", false, "red"},
		{"8-bit osc bel", "\x9d0;title\x07x", true, "x"},
		{"8-bit osc st", "\x9d0;title\x9cx", true, "x"},
		{"8-bit dcs", "\x90q\x9cx", true, "x"},
		{"8-bit apc", "\x9fapc\x1b\\x", true, "x"},
		{"8-bit nel", "a\x85b", true, "ab"},
		{"8-bit csi truncated", "abc\x9b", true, "abc"},
		{"utf8 csi", "\xc2\x9b2Jx", true, "x"},
		{"utf8 osc utf8 st", "\xc2\x9d0;t\xc2\x9cx", true, "x"},
		{"utf8 nel", "a\xc2\x85b", true, "ab"},

		// C0 controls, DEL, bare CR.
		{"bare cr", "hello\rSERVER: you have been banned", true, "helloSERVER: you have been banned"},
		{"progress cr", "Loading 0%\rLoading 100%", true, "Loading 0%Loading 100%"},
		{"bs bel del nul", "a\bb\ac\x7fd\x00e", true, "abcde"},
		{"vt ff", "a\vb\fc", true, "abc"},

		// SGR kept or dropped, and reset at the end.
		{"sgr closed", "\x1b[31mred\x1b[0m", true, "\x1b[31mred\x1b[0m"},
		{"sgr dropped", "\x1b[31mred\x1b[0m", false, "red"},
		{"sgr open", "\x1b[1mbold", true, "\x1b[1mbold\x1b[0m"},
		{"sgr empty reset", "\x1b[1mx\x1b[m", true, "\x1b[1mx\x1b[m"},
		{"sgr 00 reset", "\x1b[1mx\x1b[00m", true, "\x1b[1mx\x1b[00m"},
		{"sgr ends styled", "\x1b[0;1mx", true, "\x1b[0;1mx\x1b[0m"},
		{"sgr colon", "\x1b[38:2::255:0:0mx\x1b[m", true, "\x1b[38:2::255:0:0mx\x1b[m"},
		{"sgr 256", "\x1b[38;5;196mx", true, "\x1b[38;5;196mx\x1b[0m"},
		{"sgr too long", "\x1b[" + long + "mx", true, "x"},
		{"sgr only reset", "x\x1b[0m", true, "x\x1b[0m"},

		// Tabs at 8-column stops by display width.
		{"tab", "a\tb", true, "a       b"},
		{"tab first", "\tx", true, "        x"},
		{"tab at stop", "12345678\tx", true, "12345678        x"},
		{"tab two", "a\tb\tc", true, "a       b       c"},
		{"tab wide", "日本\tx", true, "日本    x"},
		{"tab after sgr", "\x1b[31mab\x1b[0m\tc", true, "\x1b[31mab\x1b[0m      c"},
		{"tab after sgr dropped", "\x1b[31mab\x1b[0m\tc", false, "ab      c"},

		// Invalid UTF-8.
		{"latin1", "caf\xe9", true, "caf\uFFFD"},
		{"truncated utf8", "abc\xe2\x82", true, "abc\uFFFD"},
		{"overlong", "\xc0\xafx", true, "\uFFFD\uFFFDx"},
		// A stray byte in 0x80–0x9F is an 8-bit C1 control: dropped.
		{"surrogate", "\xed\xa0\x80", true, "\uFFFD\uFFFD"},

		// Bidi controls are shown, never obeyed (issue 10, defect 1).
		{"rlo", "Player \u202egpj.exe joined", true, "Player <U+202E>gpj.exe joined"},
		{"isolates and marks", "a\u2066b\u2069\u200e\u200f\u061c", false, "a<U+2066>b<U+2069><U+200E><U+200F><U+61C>"},
		{"rlo with sgr", "\x1b[31m\u202eevil", true, "\x1b[31m<U+202E>evil\x1b[0m"},

		// Clusters terminals measure differently (issue 10, defect 10).
		{"zwj family", "👨\u200d👩\u200d👧\u200d👦 joined", true, "👨 joined"},
		{"vs16", "❤\ufe0f gg", true, "❤ gg"},
		{"skin tone", "👍🏽", true, "👍"},
		{"flag", "🇫🇷 fr", true, "\uFFFD fr"},
		{"zero width", "a\u200bb\u2060c\ufeffd\u00ade", true, "abcde"},
		{"combining kept", "e\u0301 ok", true, "e\u0301 ok"},
		{"tab after zwj", "👨\u200d👩\tx", true, "👨      x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SanitizeLog(tt.in, tt.keep)
			if got != tt.want {
				t.Errorf("SanitizeLog(%q, %v) = %q, want %q", tt.in, tt.keep, got, tt.want)
			}
			checkSanitized(t, tt.in, tt.keep, got)
		})
	}
}

func TestSanitizeLogFastPathAllocs(t *testing.T) {
	for _, line := range []string{
		"2026-04-22T12:00:46.444Z INFO  Player 'NeonFox' joined (3/8)",
		"Player 'Łukasz 日本 🎮' joined",
		"",
	} {
		if got := SanitizeLog(line, true); got != line {
			t.Errorf("clean line changed: %q → %q", line, got)
		}
		if n := testing.AllocsPerRun(100, func() { _ = SanitizeLog(line, true) }); n != 0 {
			t.Errorf("SanitizeLog(%q) allocates %v times, want 0", line, n)
		}
	}
}

func TestStripSGR(t *testing.T) {
	for in, want := range map[string]string{
		"":                            "",
		"plain":                       "plain",
		"\x1b[31mred\x1b[0m":          "red",
		"a\x1b[1;38:5:2mb\x1b[m c":    "ab c",
		"cut\x1b[31":                  "cut",
		"lone\x1b":                    "lone",
		"\x1b[33mWARN \x1b[0m slow ✓": "WARN  slow ✓",
	} {
		if got := StripSGR(in); got != want {
			t.Errorf("StripSGR(%q) = %q, want %q", in, got, want)
		}
	}
}

// sanitizedSGR is the only ESC sequence sanitized text may hold.
var sanitizedSGR = regexp.MustCompile(`^\x1b\[[0-9;:]*m`)

// checkSanitized asserts the sanitizer's guarantees on out = SanitizeLog(in, keep).
func checkSanitized(t *testing.T, in string, keep bool, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("SanitizeLog(%q, %v) = %q: invalid UTF-8", in, keep, out)
	}
	for i, r := range out {
		switch {
		case r == ctrlESC:
			if !keep {
				t.Fatalf("SanitizeLog(%q, false) = %q: ESC at %d", in, out, i)
			}
			if !sanitizedSGR.MatchString(out[i:]) {
				t.Fatalf("SanitizeLog(%q, true) = %q: ESC at %d does not start SGR", in, out, i)
			}
		case r < 0x20 || r == ctrlDEL:
			t.Fatalf("SanitizeLog(%q, %v) = %q: control %#x at %d", in, keep, out, r, i)
		case r >= 0x80 && r <= 0x9f:
			t.Fatalf("SanitizeLog(%q, %v) = %q: C1 %#x at %d", in, keep, out, r, i)
		}
	}
	if keep {
		if plain := SanitizeLog(in, false); StripSGR(out) != plain {
			t.Fatalf("StripSGR(SanitizeLog(%q, true)) = %q, SanitizeLog(…, false) = %q", in, StripSGR(out), plain)
		}
		if strings.Contains(out, "\x1b[") && !sgrEndsReset(out) {
			t.Fatalf("SanitizeLog(%q, true) = %q: style left open", in, out)
		}
	}
	if err := Check(out); err != nil {
		t.Fatalf("SanitizeLog(%q, %v) = %q: %v", in, keep, out, err)
	}
	if w, rw := ansi.StringWidth(out), runeWidths(ansi.Strip(out)); w != rw {
		t.Fatalf("SanitizeLog(%q, %v) = %q: %d cells for the UI, %d for a terminal", in, keep, out, w, rw)
	}
	if again := SanitizeLog(out, keep); again != out {
		t.Fatalf("SanitizeLog is not idempotent on %q: %q → %q", in, out, again)
	}
}

// sgrEndsReset reports whether the last SGR of s is a reset.
func sgrEndsReset(s string) bool {
	i := strings.LastIndex(s, "\x1b[")
	params := s[i+2 : i+2+strings.IndexByte(s[i:], 'm')-2]
	return strings.Trim(params, "0;") == ""
}

// sanitizeHostileSeeds are the simulator's hostile chat lines and boot lines.
var sanitizeHostileSeeds = []string{
	"\x1b]0;pwned\x07",
	"\x1b]52;c;cm0gLXJmIH4=\x07",
	"gg\x1b[2J\x1b[H",
	"lag?\x1b[5A",
	"hello\rSERVER: you have been banned",
	"Loading assets 0%\rLoading assets 37%\rLoading assets 100%",
	"2026-04-22T12:00:46.444Z \x1b[31mERROR\x1b[0m Failed to save replay: disk quota exceeded",
	"\x1b[1m==== kart-racing dedicated server v1.2.3 ====\x1b[0m",
	"2026-04-22T12:00:46.444Z \x1b[2mDEBUG\x1b[0m Heartbeat sent to matchmaker (rtt 12ms)",
}

func FuzzSanitizeLog(f *testing.F) {
	for _, s := range sanitizeHostileSeeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	for _, s := range []string{"\x9b2J", "\xc2\x9d0;t\xc2\x9c", "\x1bPq\x1b\\", "a\tb\t日\tc", "caf\xe9", "\x1b[38:2::1:2:3m", "\x1b[" + strings.Repeat("1;", 200) + "m"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, keep bool) {
		in = strings.ReplaceAll(in, "\n", "") // SanitizeLog takes one line
		checkSanitized(t, in, keep, SanitizeLog(in, keep))
	})
}

func BenchmarkSanitizeLog(b *testing.B) {
	for _, bc := range []struct{ name, line string }{
		{"clean", "2026-04-22T12:00:46.444Z INFO  Tick stats: avg 4.2ms p99 7.9ms, 512 entities, 220 KB/s out, all fine"},
		{"sgr", "2026-04-22T12:00:46.444Z \x1b[33mWARN \x1b[0m Tick overran budget: 18.3ms > 16.6ms on map 'Sunset Circuit'"},
		{"hostile", "2026-04-22T12:00:46.444Z INFO  Chat from 'K0bra': \x1b]52;c;cm0gLXJmIH4=\x07gg\x1b[2J\x1b[H\thello\rSERVER: banned\x9b5A"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.line)))
			for b.Loop() {
				_ = SanitizeLog(bc.line, true)
			}
		})
	}
}
