package ui

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/gapdeck/gapdeck/api"
)

func TestStatusTone(t *testing.T) {
	for s, want := range map[api.Status]Tone{
		api.StatusReady:        ToneGood,
		api.StatusError:        ToneBad,
		api.StatusTerminating:  ToneEnded,
		api.StatusTerminated:   ToneEnded,
		api.StatusInitializing: TonePending,
		api.StatusSeeking:      TonePending,
		api.StatusSeeked:       TonePending,
		api.StatusScanning:     TonePending,
		api.StatusDeploying:    TonePending,
		"READY":                ToneGood,
		"error":                ToneBad,
		"Status.PAUSED":        ToneNormal,
		"":                     ToneNormal,
	} {
		if got := StatusTone(s); got != want {
			t.Errorf("StatusTone(%q) = %d, want %d", s, got, want)
		}
	}
	for _, s := range api.AllStatuses {
		if StatusTone(s) == ToneNormal {
			t.Errorf("documented status %q has no tone", s)
		}
	}
}

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
	st := NewStyles(DefaultTheme(), true)
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
	st := NewStyles(DefaultTheme(), false)
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
		eachStyle(NewStyles(DefaultTheme(), noColor), func(name string, s lipgloss.Style) {
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
		theme := DefaultTheme()
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
