package ui

import (
	"testing"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/ui/theme"
)

func TestStatusTone(t *testing.T) {
	for s, want := range map[api.Status]theme.Tone{
		api.StatusReady:        theme.ToneGood,
		api.StatusError:        theme.ToneBad,
		api.StatusTerminating:  theme.ToneEnded,
		api.StatusTerminated:   theme.ToneEnded,
		api.StatusInitializing: theme.TonePending,
		api.StatusSeeking:      theme.TonePending,
		api.StatusSeeked:       theme.TonePending,
		api.StatusScanning:     theme.TonePending,
		api.StatusDeploying:    theme.TonePending,
		"READY":                theme.ToneGood,
		"error":                theme.ToneBad,
		"Status.PAUSED":        theme.ToneNormal,
		"":                     theme.ToneNormal,
	} {
		if got := StatusTone(s); got != want {
			t.Errorf("StatusTone(%q) = %d, want %d", s, got, want)
		}
	}
	for _, s := range api.AllStatuses {
		if StatusTone(s) == theme.ToneNormal {
			t.Errorf("documented status %q has no tone", s)
		}
	}
}
