package ui

import (
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/gapdeck/gapdeck/ui/table"
)

// Fixtures for the ui tests that drive a bare table (hostile text, fuzzing)
// or benchmark views; the table's own tests have theirs in ui/table.

// sliceSource is a table.Source over rows of plain cells held in memory.
type sliceSource struct {
	keys []string
	rows [][]table.Cell
}

func (s *sliceSource) Len() int         { return len(s.keys) }
func (s *sliceSource) Key(i int) string { return s.keys[i] }
func (s *sliceSource) Rev(int) uint64   { return 1 }
func (s *sliceSource) Cells(i int, dst []table.Cell) []table.Cell {
	return append(dst[:0], s.rows[i]...)
}

// add appends a row of plain cells.
func (s *sliceSource) add(key string, texts ...string) *sliceSource {
	row := make([]table.Cell, len(texts))
	for i, t := range texts {
		row[i] = table.Cell{Text: t}
	}
	s.keys, s.rows = append(s.keys, key), append(s.rows, row)
	return s
}

// smallColumns are three columns: fixed, flexible, fixed and right-aligned.
var smallColumns = []table.Column{
	{Key: "id", Title: "ID", Width: 6},
	{Key: "name", Title: "NAME", MinWidth: 4},
	{Key: "age", Title: "AGE", Width: 4, Align: table.AlignRight},
}

// benchProfile renders with 256 colours, as on a typical terminal, so the
// styles cost what they cost in real use.
func benchProfile(b *testing.B) {
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.ANSI256)
	b.Cleanup(func() { lipgloss.SetColorProfile(prev) })
}
