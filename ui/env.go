package ui

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// Env is what every view shares: the API client, styles, keys, clock and
// the facts shown in the header. Built once by New.
type Env struct {
	Client    *api.Client
	Styles    *Styles
	Keys      *KeyMap
	Now       func() time.Time
	Log       *slog.Logger
	Profile   string // header label: profile or organization
	Demo      bool
	ReadOnly  bool
	Scheduler model.SchedulerConfig
	// Ctx is cancelled when the console quits, so in-flight requests stop.
	Ctx context.Context
	// Clipboard receives OSC 52 sequences (the terminal; a buffer in tests).
	Clipboard io.Writer
	// Sparks holds the Deployments table's per-row CPU/memory sparklines;
	// New creates it when nil.
	Sparks *model.SparkStore
	// LogCap is the line cap of each log stream (0: model.DefaultLogCap).
	LogCap int
	// Audit records every mutating action (nil: not recorded).
	Audit *model.AuditLog
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}
