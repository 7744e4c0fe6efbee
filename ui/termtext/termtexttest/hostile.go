// Package termtexttest holds hostile strings for tests of code that puts
// untrusted text on a terminal: what an attacker (or a broken proxy)
// could place in any string field of an API answer or a log line.
package termtexttest

import "strings"

// Hostile are strings that must never reach a terminal as they are: each
// one retitles the window, writes the clipboard, passes a sequence to the
// outer terminal, moves the cursor, clears the screen, rings the bell,
// breaks the line, reorders what is read, or is measured differently by
// the UI and by terminals. None holds '\n' except "newline".
var Hostile = []string{
	"\x1b]0;PWNED-TITLE\x07title",             // OSC 0: window title, BEL-terminated
	"\x1b]2;PWNED-TITLE\x1b\\title2",          // OSC 2, ST-terminated
	"\x1b]52;c;ZWNobyBQV05FRA==\x07clip",      // OSC 52: clipboard write
	"\x1bPtmux;\x1b\x1b]0;PWNED\x07\x1b\\dcs", // DCS tmux pass-through
	"\x1bk PWNED-WINDOW\x1b\\name",            // tmux window rename (ESC k … ST)
	"wipe\x1b[2J\x1b[H\x1b[3J",                // CSI: clear screen, home, scrollback
	"reset\x1bc",                              // RIS: full reset
	"bell\x07\x07",                            // BEL
	"cr\rOVERWRITE",                           // CR
	"line\nbreak",                             // LF
	"c1-8bit\x9b2J\x9d0;PWNED\x9c",            // C1 as single bytes
	"c1-utf8\u009b2J\u009d0;PWNED\u009c",      // C1 in UTF-8
	"\u202eexe.txt",                           // RLO: reads "txt.exe"
	"bidi\u2066iso\u2069\u200e\u200f\u061c",   // isolates and marks
	"family👨\u200d👩\u200d👧\u200d👦x",           // ZWJ sequence: 2 cells for the UI, 8 for tmux
	"heart❤\ufe0fx☺\ufe0f",                    // VS16: 2 cells for the UI, 1 for tmux
	"flag🇫🇷thumb👍🏽",                           // regional indicators, skin tone
	"zw\u200b\u200c\u2060\ufeff\u00adx",       // zero-width and format characters
	"tag\U000e0067\U000e0062x",                // tag characters
	"\xff\xfeinvalid",                         // invalid UTF-8
	"del\x7fbs\bnul\x00",                      // DEL, BS, NUL
	"tab\there",                               // tab
}

// Long is a hostile string far wider than any terminal: every Hostile
// string, over and over, with wide characters in between.
func Long(n int) string {
	var b strings.Builder
	for b.Len() < n {
		for _, h := range Hostile {
			b.WriteString(h)
			b.WriteString("東京")
		}
	}
	return b.String()
}
