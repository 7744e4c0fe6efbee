package theme

import (
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// eachStyle calls f with the name and value of every style in st.
func eachStyle(st *Styles, f func(name string, s lipgloss.Style)) {
	v := reflect.ValueOf(st).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		switch fv := v.Field(i).Interface().(type) {
		case lipgloss.Style:
			f(name, fv)
		case [ToneCount]lipgloss.Style:
			for tone, s := range fv {
				f(name+"["+string(rune('0'+tone))+"]", s)
			}
		}
	}
}

func TestStylesNoColor(t *testing.T) {
	withProfile(t, termenv.TrueColor)
	st := NewStyles(Default(), true)
	if !st.NoColor {
		t.Error("NoColor not set")
	}
	eachStyle(st, func(name string, s lipgloss.Style) {
		if out := s.Render("x"); sgrColour(out) {
			t.Errorf("%s carries a colour: %q", name, out)
		}
	})
	for tone, s := range st.SelectedTone {
		if out := s.Render("x"); !strings.Contains(out, "\x1b[1;7m") {
			t.Errorf("SelectedTone[%d] is not bold reverse: %q", tone, out)
		}
	}
	if out := st.Tone[ToneBad].Render("x"); out == "x" {
		t.Error("ToneBad is indistinguishable without colour")
	}
}

func TestStylesColor(t *testing.T) {
	withProfile(t, termenv.ANSI256)
	st := NewStyles(Default(), false)
	seen := map[string]Tone{}
	for tone := ToneGood; tone < ToneCount; tone++ {
		out := st.Tone[tone].Render("x")
		if !sgrColour(out) {
			t.Errorf("Tone[%d] has no colour: %q", tone, out)
		}
		if tone != ToneEnded && tone != ToneMuted { // both grey on purpose
			if prev, dup := seen[out]; dup {
				t.Errorf("Tone[%d] renders like Tone[%d]: %q", tone, prev, out)
			}
			seen[out] = tone
		}
		if sel := st.SelectedTone[tone].Render("x"); !strings.Contains(sel, "48;5;") {
			t.Errorf("SelectedTone[%d] has no background: %q", tone, sel)
		}
	}
	if out := st.Tone[ToneNormal].Render("x"); out != "x" {
		t.Errorf("ToneNormal should use the terminal's foreground: %q", out)
	}

	// Adaptive colours follow the background.
	prev := lipgloss.HasDarkBackground()
	lipgloss.SetHasDarkBackground(true)
	dark := st.Tone[ToneGood].Render("x")
	lipgloss.SetHasDarkBackground(false)
	light := st.Tone[ToneGood].Render("x")
	lipgloss.SetHasDarkBackground(prev)
	if dark == light {
		t.Errorf("Good is the same on dark and light backgrounds: %q", dark)
	}
}

func TestStylesAsciiProfile(t *testing.T) {
	withProfile(t, termenv.Ascii)
	for _, noColor := range []bool{false, true} {
		eachStyle(NewStyles(Default(), noColor), func(name string, s lipgloss.Style) {
			if out := s.Render("x"); strings.ContainsRune(out, '\x1b') {
				t.Errorf("noColor=%v: %s emits an escape with the Ascii profile: %q", noColor, name, out)
			}
		})
	}
}

// TestThemeForProfile: NewStyles converts the theme's colours once to the
// profile's own colours, and a converted colour renders exactly as lipgloss
// would render the original on that profile.
func TestThemeForProfile(t *testing.T) {
	for _, profile := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(profile)
		theme := Default()
		conv := theme.forProfile(profile)
		for _, tc := range themeColors {
			orig, got := tc.color(&theme), tc.color(&conv)
			for _, pair := range [][2]string{{orig.Light, got.Light}, {orig.Dark, got.Dark}} {
				want := r.NewStyle().Foreground(lipgloss.Color(pair[0])).Render("x")
				have := r.NewStyle().Foreground(lipgloss.Color(pair[1])).Render("x")
				if have != want {
					t.Errorf("%v %s: %q renders %q, the original %q renders %q", profile, tc.name, pair[1], have, pair[0], want)
				}
				if profile != termenv.TrueColor && strings.HasPrefix(pair[1], "#") {
					t.Errorf("%v %s: %q was not converted", profile, tc.name, pair[1])
				}
				if profile == termenv.TrueColor && pair[1] != pair[0] {
					t.Errorf("true colour %s: %q changed to %q", tc.name, pair[0], pair[1])
				}
			}
		}
	}
}

func TestThemeWithColors(t *testing.T) {
	th, err := Default().WithColors(map[string]string{"accent": "#112233", "error": "9"})
	if err != nil {
		t.Fatal(err)
	}
	if th.Accent.Dark != "#112233" || th.Accent.Light != "#112233" || th.Bad.Dark != "9" {
		t.Errorf("theme %+v", th)
	}
	if th.Good != Default().Good {
		t.Errorf("an unnamed colour changed")
	}
	if _, err := Default().WithColors(map[string]string{"nope": "1"}); err == nil {
		t.Error("unknown colour name accepted")
	}
	if len(ColorNames()) != len(themeColors) || ColorNames()[0] != "accent" {
		t.Errorf("names %v", ColorNames())
	}
}

// withProfile sets lipgloss's colour profile for the rest of the test.
func withProfile(t *testing.T, p termenv.Profile) {
	t.Helper()
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(p)
	t.Cleanup(func() { lipgloss.SetColorProfile(prev) })
}

// sgrColour reports whether s sets a foreground or background colour.
func sgrColour(s string) bool {
	for _, m := range sgrPattern.FindAllStringSubmatch(s, -1) {
		for p := range strings.SplitSeq(m[1], ";") {
			if n, err := strconv.Atoi(p); err == nil && (n >= 30 && n <= 49 || n >= 90 && n <= 107) {
				return true
			}
		}
	}
	return false
}

var sgrPattern = regexp.MustCompile("\x1b\\[([0-9;]*)m")
