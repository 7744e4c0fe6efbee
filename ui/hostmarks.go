package ui

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"
)

// markRows shows the marked hosts with a ✓ after their id, and forgets
// marks of hosts no longer listed (once the hosts are loaded).
func (h *hostsView) markRows(rows []*catalogRow, empty string, synced bool) ([]*catalogRow, string, bool) {
	if len(rows) > 0 {
		for id := range h.marks {
			if !slices.ContainsFunc(rows, func(r *catalogRow) bool { return r.key == id }) {
				delete(h.marks, id)
			}
		}
	}
	for i, r := range rows {
		if h.marks[r.key] {
			c := *r
			c.cells = slices.Clone(r.cells)
			c.cells[0].Text += "✓"
			rows[i] = c.finish()
		}
	}
	return rows, empty, synced
}

// Update handles space (mark the selected host and move down), ctrl+\
// (clear the marks) and n (the
// deploy form onto the marked hosts, or the selected one); the rest is the
// catalog table's.
func (h *hostsView) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		km := h.env.Keys
		switch {
		case km.Is(k, ActMark):
			h.toggleMark()
			return h, nil
		case km.Is(k, ActClearMarks):
			clear(h.marks)
			h.rebuild()
			return h, nil
		case km.Is(k, ActDeploy):
			m := openHostDeployMsg{fleet: h.fleet, hosts: h.targets()}
			return h, func() tea.Msg { return m }
		}
	}
	_, cmd := h.catalogTab.Update(msg)
	return h, cmd
}

// toggleMark marks or unmarks the selected host and moves down.
func (h *hostsView) toggleMark() {
	row, ok := h.list.selected()
	if !ok {
		return
	}
	if h.marks[row.key] {
		delete(h.marks, row.key)
	} else {
		h.marks[row.key] = true
	}
	h.rebuild()
	h.list.table.MoveBy(1)
}

// targets are the marked hosts in table order (also those a filter
// hides), or the selected host when none is marked.
func (h *hostsView) targets() []string {
	var ids []string
	for _, r := range h.rows.idx.All() {
		if h.marks[r.key] {
			ids = append(ids, r.key)
		}
	}
	if row, ok := h.list.selected(); ok && len(ids) == 0 {
		ids = []string{row.key}
	}
	return ids
}
