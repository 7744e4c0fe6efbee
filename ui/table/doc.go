// Package table is the console's pre-rendered, read-only table: columns
// laid out to the terminal's width (fixed, flexible, hidden when narrow),
// rows pulled from a Source without copying, each rendered row cached by
// (Key, Rev, selected) so a refresh re-renders only the rows that changed,
// and cell text made safe for the terminal (ui/termtext) and fitted by
// display width.
//
// It is a leaf component in the manner of pug's internal/tui/table: it
// imports the theme (for tones and styles) and termtext, never the views.
// A Table is not a tea.Model: its owner routes keys to the cursor methods
// and prints View.
package table
