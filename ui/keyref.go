package ui

import (
	"slices"
	"strings"
)

// KeyReference renders the keymap as Markdown: one table per help section,
// in keymap order, with the keys as help shows them, the action name a
// configuration rebinds, and what the key does. Actions that change the
// organization say they are refused with --readonly; hidden actions are
// left out. The README's key reference is this text (ui/keyref_test.go).
func KeyReference(km *KeyMap) string {
	var sections []string
	rows := map[string][]string{}
	for _, a := range km.order {
		b := km.bindings[a]
		if km.hidden[a] || !b.Enabled() {
			continue
		}
		g := km.groups[a]
		if _, ok := rows[g]; !ok {
			sections = append(sections, g)
		}
		desc := b.Help().Desc
		if slices.Contains(mutating, a) {
			desc += " (refused with `--readonly`)"
		}
		rows[g] = append(rows[g], "| "+markdownKeys(b.Keys())+" | `"+string(a)+"` | "+markdownCell(desc)+" |")
	}
	var out strings.Builder
	for i, g := range sections {
		if i > 0 {
			out.WriteString("\n")
		}
		out.WriteString("#### " + sectionTitle(g) + "\n\n")
		out.WriteString("| key | action | what it does |\n|---|---|---|\n")
		for _, r := range rows[g] {
			out.WriteString(r + "\n")
		}
	}
	return out.String()
}

// markdownKeys writes each key as help names it, as code: `k` `up`.
func markdownKeys(keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = markdownCell("`" + helpKeyNames([]string{k}) + "`")
	}
	return strings.Join(names, " ")
}

// markdownCell escapes the one character that breaks a table cell.
func markdownCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// sectionTitle is a help section's name in sentence case ("FLEETS AND
// POLICIES" → "Fleets and policies"); sorting keys reverse when pressed again.
func sectionTitle(group string) string {
	t := group[:1] + strings.ToLower(group[1:])
	if group == groupSort {
		t += " (again to reverse)"
	}
	return t
}
