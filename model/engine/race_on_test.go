//go:build race

package engine_test

// raceEnabled: the race detector slows the in-process simulator about
// eightfold, so the time-to-notice tests simulate a smaller organization.
const raceEnabled = true
