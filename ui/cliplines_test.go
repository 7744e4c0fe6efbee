package ui

import "testing"

func TestClipLinesKeepsTheFirstLines(t *testing.T) {
	cases := []struct {
		s    string
		n    int
		want string
	}{
		{"a\nb\nc", 0, ""},
		{"a\nb\nc", 1, "a"},
		{"a\nb\nc", 2, "a\nb"},
		{"a\nb\nc", 3, "a\nb\nc"},
		{"a\nb\nc", 9, "a\nb\nc"},
		{"a\nb\n", 2, "a\nb"},
		{"a\nb\n", 3, "a\nb\n"},
		{"\n\n", 1, ""},
		{"", 2, ""},
	}
	for _, c := range cases {
		if got := clipLines(c.s, c.n); got != c.want {
			t.Errorf("clipLines(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}
