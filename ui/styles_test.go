package ui

import (
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
