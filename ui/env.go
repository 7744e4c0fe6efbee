package ui

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"
	"io"
	"log/slog"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/model/engine"
	"github.com/gapdeck/gapdeck/model/events"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// Env is what every view shares: the API client, styles, keys, clock and
// the facts shown in the header. Built once by New.
type Env struct {
	Client   *api.Client
	Styles   *theme.Styles
	Keys     *KeyMap
	Now      func() time.Time
	Log      *slog.Logger
	Profile  string // header label: profile or organization
	Demo     bool
	ReadOnly bool
	// ReadOnlyReason says why, for refusals ("" means --readonly).
	ReadOnlyReason string
	Scheduler      model.SchedulerConfig
	// Ctx is cancelled when the console quits, so in-flight requests stop.
	Ctx context.Context
	// Clipboard receives OSC 52 sequences (the terminal; a buffer in tests).
	Clipboard io.Writer
	// Sparks holds the Deployments table's per-row CPU/memory sparklines;
	// the engine's when nil.
	Sparks *model.SparkStore
	// Events is the incident feed the console's own engine records into
	// (the profile's, read back from its file; nil: a new one in memory
	// only). Unused when Engine is set: that engine has its own.
	Events *events.Log
	// Engine is the live data to watch when the caller runs it (a shared
	// server, a test driving engine.Cycle). nil: the console builds an
	// engine over Client and runs it until Ctx ends.
	Engine *engine.Engine
	// Listen is how the console waits for its engine's next change (nil:
	// a command that blocks on the attachment's change notice and pulls
	// it). A test that drives the engine itself delivers engineMsg on its
	// own and supplies one that returns nil.
	Listen func(*engine.View) tea.Cmd
	// LogCap is the line cap of each log stream (0: model.DefaultLogCap).
	LogCap int
	// Audit records every mutating action (nil: not recorded).
	Audit *model.AuditLog
	// Actor is who acts through this console, recorded with every action:
	// the local user, or the person of a served session.
	Actor *model.Actor

	// EnvLabel marks the environment in the header ("prod"); EnvColor is
	// its colour as lipgloss reads it ("red", "#ff5f5f", "196"; empty: the
	// accent colour).
	EnvLabel string
	EnvColor string
	// PrivateFleets are the profile's private fleet names (the API cannot
	// list them).
	PrivateFleets []string
	// Profiles are the names `:profile` offers, and SwitchProfile builds the
	// Env of one of them (nil: switching is unavailable). Close releases
	// what this Env holds (cancels its Ctx, closes its audit log); the
	// console calls it when it switches away.
	Profiles      []string
	SwitchProfile func(name string) (*Env, error)
	Close         func()

	// State is the remembered view state (model.LoadViewState): each
	// tab's sort, filter and hidden columns and the last profile, applied
	// at start and saved to StatePath when it changes (empty: kept in
	// memory only). StateErr is why loading it failed; the console shows
	// it once.
	State     *model.ViewState
	StatePath string
	StateErr  error

	// TokenSource names where the API token came from, for the
	// token-rejected message: "EDGEGAP_API_TOKEN", "token_file <path>" or
	// "token_command" (never the token).
	TokenSource string
	// ReloadToken re-reads the profile's token source and hands the token
	// to Client (Client.SetToken); it returns the source read. ctrl+r calls
	// it, off the UI goroutine, while the API rejects the token. nil: the
	// token cannot be re-read (the demo).
	ReloadToken func(ctx context.Context) (source string, err error)

	// Bell is where the alert bell (BEL) is written: the terminal, or the
	// session's SSH channel under gapdeck serve (nil: no bell, as with
	// `bell: false`).
	Bell io.Writer
	// NotifyCommand is run, without a shell, for each alert with the event
	// as JSON on stdin (nil: none). Sessions of gapdeck serve leave it
	// nil: it would run once per person watching.
	NotifyCommand []string
	// WatchesPath is the file the profile's watches are kept in
	// (watchlist.DefaultPath; empty: kept for the session only).
	WatchesPath string
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}
