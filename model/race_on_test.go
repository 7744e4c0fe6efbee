//go:build race

package model_test

// raceEnabled: the race detector slows the in-process simulator about
// eightfold, so the API-economy test simulates a smaller organization.
const raceEnabled = true
