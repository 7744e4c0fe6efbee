package model

import (
	"cmp"
	"fmt"
	"strings"
)

// Sort is a table's order: a column key and a direction.
type Sort struct {
	Column string
	Desc   bool
}

// Column describes one column of a table.
type Column struct {
	Key, Title string
	// SortKey is the shift+letter that sorts by the column; 0 for none.
	SortKey rune
}

// sortKey orders rows by one column.
type sortKey[R any] struct {
	cmp func(a, b R) int
	// known, when set, tells rows that have a value for the column; the
	// others sort last in either direction.
	known func(R) bool
}

// lessBy builds the less function of s from a table's sort keys.
func lessBy[R any](table string, columns []Column, keys map[string]sortKey[R], s Sort) (func(a, b R) bool, error) {
	k, ok := keys[s.Column]
	if !ok {
		return nil, fmt.Errorf("cannot sort %s by %q: use one of %s", table, s.Column, columnKeys(columns, keys))
	}
	desc := s.Desc
	return func(a, b R) bool {
		if k.known != nil {
			ka, kb := k.known(a), k.known(b)
			if ka != kb {
				return ka
			}
			if !ka {
				return false
			}
		}
		c := k.cmp(a, b)
		if desc {
			return c > 0
		}
		return c < 0
	}, nil
}

func columnKeys[R any](columns []Column, keys map[string]sortKey[R]) string {
	var names []string
	for _, c := range columns {
		if _, ok := keys[c.Key]; ok {
			names = append(names, c.Key)
		}
	}
	return strings.Join(names, ", ")
}

// then chains comparisons: the first non-zero result wins.
func then(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

// foldCompare compares strings case-insensitively, then exactly.
func foldCompare(a, b string) int {
	return then(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), strings.Compare(a, b))
}

// naturalCompare compares strings with digit runs as numbers, so "v1.10"
// sorts after "v1.9"; case-insensitive otherwise.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		switch {
		case da && db:
			na, ra := digitRun(a)
			nb, rb := digitRun(b)
			if c := then(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = ra, rb
		default:
			ca, cb := lowerByte(a[0]), lowerByte(b[0])
			if ca != cb {
				return cmp.Compare(ca, cb)
			}
			a, b = a[1:], b[1:]
		}
	}
	return cmp.Compare(len(a), len(b))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// digitRun splits a leading run of digits, without its leading zeros.
func digitRun(s string) (digits, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return strings.TrimLeft(s[:i], "0"), s[i:]
}
