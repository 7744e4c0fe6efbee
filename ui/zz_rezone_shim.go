package ui

import (
	"github.com/gapdeck/gapdeck/ui/table"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// Temporary names for the moved theme and table, until the call sites say
// theme.X and table.X (the next commit removes this file).
type (
	Theme       = theme.Theme
	Styles      = theme.Styles
	Tone        = theme.Tone
	Table       = table.Table
	Column      = table.Column
	Cell        = table.Cell
	Align       = table.Align
	TableSource = table.Source
)

const (
	ToneNormal  = theme.ToneNormal
	ToneGood    = theme.ToneGood
	ToneWarn    = theme.ToneWarn
	ToneBad     = theme.ToneBad
	TonePending = theme.TonePending
	ToneEnded   = theme.ToneEnded
	ToneMuted   = theme.ToneMuted
	ToneInfo    = theme.ToneInfo
	ToneCount   = theme.ToneCount
	AlignLeft   = table.AlignLeft
	AlignRight  = table.AlignRight
)

var (
	DefaultTheme    = theme.Default
	NewStyles       = theme.NewStyles
	ThemeColorNames = theme.ColorNames
	NewTable        = table.New
)
