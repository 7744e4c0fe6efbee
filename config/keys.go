package config

import (
	"errors"
	"slices"

	"gopkg.in/yaml.v3"
)

// keyEntry is one action's override, with the nodes errors point at.
type keyEntry struct {
	action string
	name   *yaml.Node   // the action key
	keys   []string     // normalized
	nodes  []*yaml.Node // one per key
}

// keys decodes `keys:` (action: key, or action: [key, key]) and, with a
// binder, checks actions, key syntax and per-view conflicts.
func (d *decoder) keys(c *Config, n *yaml.Node, b KeyBinder) {
	var actions []string
	if b != nil {
		actions = b.Actions()
	}
	var entries []*keyEntry
	before := len(d.errs)
	d.mapping(n, "keys", nil, func(action string, k, v *yaml.Node) {
		if b != nil && !slices.Contains(actions, action) {
			d.errorf(k, "keys: unknown action %q%s; press ? in gapdeck for the actions and their keys", action, didYouMean(action, actions))
			return
		}
		e := &keyEntry{action: action, name: k}
		v = resolve(v)
		if v.Kind == yaml.SequenceNode {
			e.nodes = v.Content
			if len(v.Content) == 0 {
				d.errorf(v, "keys: %s: an empty list leaves the action without a key; give at least one", action)
				return
			}
		} else {
			e.nodes = []*yaml.Node{v}
		}
		ok := true
		for _, kn := range e.nodes {
			kn = resolve(kn)
			s, good := d.str(kn, "keys: "+action)
			if !good {
				ok = false
				continue
			}
			if b != nil {
				norm, err := b.ParseKey(s)
				if err != nil {
					d.errorf(kn, "keys: %s: %v", action, err)
					ok = false
					continue
				}
				s = norm
			}
			e.keys = append(e.keys, s)
		}
		if ok {
			entries = append(entries, e)
			c.Keys[action] = e.keys
		}
	})
	if b == nil || len(d.errs) > before {
		return // conflicts are only meaningful between valid keys
	}
	if err := b.Rebind(c.Keys); err != nil {
		d.errorf(n, "keys: %v", err)
		return
	}
	if err := b.Validate(); err != nil {
		d.conflict(err, entries, n)
	}
}

// conflict reports a Validate error at the override that caused it: the
// entry binding the conflicting key (the later one when both were
// overridden).
func (d *decoder) conflict(err error, entries []*keyEntry, keysNode *yaml.Node) {
	var kc KeyConflict
	if !errors.As(err, &kc) {
		d.errorf(keysNode, "keys: %v", err)
		return
	}
	key, acts := kc.Conflict()
	var at *yaml.Node
	var mine string
	for _, e := range entries {
		if e.action != acts[0] && e.action != acts[1] {
			continue
		}
		for i, k := range e.keys {
			if k == key && (at == nil || e.nodes[i].Line > at.Line) {
				at, mine = resolve(e.nodes[i]), e.action
			}
		}
	}
	if at == nil {
		d.errorf(keysNode, "keys: %v", err)
		return
	}
	other := acts[0]
	if other == mine {
		other = acts[1]
	}
	d.errorf(at, "keys: %s: %v; choose another key for %s, or rebind %s too", mine, err, mine, other)
}
