package ui

import (
	"errors"
	"io"
	"os"
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
)

// copyToClipboard writes an OSC 52 "set clipboard" sequence, which works
// over SSH and, wrapped for pass-through, inside tmux and screen.
func copyToClipboard(w io.Writer, text string) error {
	if w == nil {
		return errors.New("no terminal to copy through")
	}
	seq := osc52.New(text)
	switch {
	case os.Getenv("TMUX") != "":
		seq = seq.Tmux()
	case strings.HasPrefix(os.Getenv("TERM"), "screen"):
		seq = seq.Screen()
	}
	_, err := seq.WriteTo(w)
	return err
}
