package ui

import (
	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// StatusTone maps a deployment status to its tone: READY Good, ERROR Bad,
// TERMINATING and TERMINATED Ended, INITIALIZING through DEPLOYING Pending,
// anything else Normal. Both "Status.READY" and "READY" (any case) are
// accepted.
func StatusTone(s api.Status) theme.Tone {
	if !s.Known() {
		s = api.ParseStatus(string(s))
	}
	switch s {
	case api.StatusReady:
		return theme.ToneGood
	case api.StatusError:
		return theme.ToneBad
	case api.StatusTerminating, api.StatusTerminated:
		return theme.ToneEnded
	case api.StatusInitializing, api.StatusSeeking, api.StatusSeeked, api.StatusScanning, api.StatusDeploying:
		return theme.TonePending
	}
	return theme.ToneNormal
}
