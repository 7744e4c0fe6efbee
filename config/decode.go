package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// decoder walks a yaml.Node tree and collects every problem with its
// position instead of stopping at the first one.
type decoder struct {
	file string
	errs Errors

	profileNames map[string]bool // every profile the file defines
}

// errorf records a problem at node n.
func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)})
}

// yamlLine finds the line number yaml.v3 puts in its syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// syntaxError turns a yaml.v3 parse error into an Error (yaml.v3 reports the
// line but not the column).
func (d *decoder) syntaxError(err error) {
	msg := err.Error()
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	col := 0
	if line > 0 {
		col = 1
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Col: col, Msg: "YAML syntax: " + msg})
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// describe names what a node is, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "the boolean " + n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		}
		return fmt.Sprintf("the string %q", n.Value)
	}
	return "an unsupported YAML node"
}

// isNull reports an empty value ("key:" with nothing after it).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// mapping calls fn for each key of mapping n in file order. Keys not in
// fields are errors with a suggestion; duplicate keys are errors. fields nil
// accepts any key (maps keyed by names). It reports false when n is not a
// mapping.
func (d *decoder) mapping(n *yaml.Node, what string, fields []string, fn func(key string, k, v *yaml.Node)) bool {
	n = resolve(n)
	if isNull(n) {
		return true // "theme:" with nothing under it
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s must be a mapping (indented \"key: value\" lines), got %s", what, describe(n))
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "%s: a key must be a plain name, got %s", what, describe(k))
			continue
		}
		if k.Value == "<<" {
			d.errorf(k, "%s: YAML merge keys (<<) are not supported; write the settings out", what)
			continue
		}
		if seen[k.Value] {
			d.errorf(k, "%s: %q is set twice; keep one", what, k.Value)
			continue
		}
		seen[k.Value] = true
		if fields != nil && !slices.Contains(fields, k.Value) {
			d.errorf(k, "unknown key %q in %s%s; known keys: %s", k.Value, what, didYouMean(k.Value, fields), strings.Join(fields, ", "))
			continue
		}
		fn(k.Value, k, v)
	}
	return true
}

// scalar returns the text of a scalar that is not null.
func (d *decoder) scalar(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorf(n, "%s must be a single value, got %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

// str decodes a string (numbers are accepted as their text, so a colour 196
// or a key 1 need no quotes).
func (d *decoder) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		d.errorf(n, "%s must be text, got %s (quote it: \"%s\")", what, describe(n), n.Value)
		return "", false
	}
	return d.scalar(n, what)
}

// boolean decodes true or false.
func (d *decoder) boolean(n *yaml.Node, what string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.errorf(n, "%s must be true or false, got %s", what, describe(n))
		return false, false
	}
	return n.Value == "true", true
}

// number decodes an int or a float.
func (d *decoder) number(n *yaml.Node, what string) (float64, bool) {
	if n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!float") {
		var f float64
		if err := n.Decode(&f); err == nil {
			return f, true
		}
	}
	d.errorf(n, "%s must be a number, got %s", what, describe(n))
	return 0, false
}

// integer decodes a whole number.
func (d *decoder) integer(n *yaml.Node, what string) (int, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		var i int
		if err := n.Decode(&i); err == nil {
			return i, true
		}
	}
	d.errorf(n, "%s must be a whole number, got %s", what, describe(n))
	return 0, false
}

// duration decodes a Go duration such as 2s or 1m30s.
func (d *decoder) duration(n *yaml.Node, what string) (time.Duration, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		d.errorf(n, "%s: %s has no unit; write it like 2s, 500ms or 1m", what, n.Value)
		return 0, false
	}
	s, ok := d.str(n, what)
	if !ok {
		return 0, false
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		d.errorf(n, "%s: %q is not a duration; write it like 2s, 500ms or 1m30s", what, s)
		return 0, false
	}
	return v, true
}

// strings decodes a list of strings; a single string is accepted as a list
// of one when one is true.
func (d *decoder) strings(n *yaml.Node, what string, one bool) ([]string, bool) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && one {
		s, ok := d.str(n, what)
		return []string{s}, ok
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s must be a list like [a, b], got %s", what, describe(n))
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	ok := true
	for _, item := range n.Content {
		s, good := d.str(resolve(item), what+" item")
		ok = ok && good
		out = append(out, s)
	}
	return out, ok
}
