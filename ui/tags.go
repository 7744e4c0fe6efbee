package ui

import (
	"fmt"
	"net/http"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// openTagMsg asks to add a tag to deployments (the selected or the marked).
type openTagMsg struct{ ids []string }

// openTagsMsg asks to manage one deployment's tags.
type openTagsMsg struct{ id string }

// Tag operations, as audited.
const (
	tagAdd    = "tag-add"
	tagRename = "tag-rename"
	tagDelete = "tag-delete"
)

// tagDoneMsg is the answer to one tag request.
type tagDoneMsg struct {
	sentFrom
	act      string // the audit's action id
	op       string // tagAdd, tagRename or tagDelete
	id       string
	tag      string // the tag added or deleted; the old name of a rename
	newTag   string // the new name of a rename
	optimist bool   // the row was changed before the answer (roll back on failure)
	err      error
}

// askAddTag asks for a tag to add to ids, then confirms it. Nothing is
// sent until the user confirms; Cancel is focused first.
func (a *App) askAddTag(ids []string) tea.Cmd {
	if len(ids) == 0 {
		return a.setFlash("no deployment to tag", true)
	}
	ids = slices.Clone(ids)
	target := ids[0]
	if len(ids) > 1 {
		target = fmt.Sprintf("%d marked deployments", len(ids))
	}
	lines := []string{"to " + target}
	if len(ids) > 1 {
		lines = append(lines, ids...)
	}
	in := newTagInput(a.env.Styles, a.env.Keys, "Add a tag", lines, "")
	a.dialog = in
	a.onConfirm = func() tea.Cmd {
		tag := in.Value()
		a.dialog = newConfirm(a.env.Styles, a.env.Keys, fmt.Sprintf("Add tag %s to %s?", tag, plural(len(ids), "deployment")), ids, "Add")
		a.onConfirm = func() tea.Cmd { return a.sendAddTag(ids, tag) }
		return nil
	}
	return nil
}

// openTags opens the tag manager of one deployment.
func (a *App) openTags(id string) tea.Cmd {
	row, ok := a.store.Get(id)
	if !ok {
		return a.setFlash(id+" is no longer listed", true)
	}
	m := &tagManager{frame: newDialogFrame(a.env.Styles, a.env.Keys, "Tags of "+id, nil), id: id, tags: slices.Clone(row.Tags)}
	a.dialog = m
	a.onConfirm = func() tea.Cmd {
		switch m.choice {
		case 'r':
			return a.askRenameTag(id, m.chosen())
		case 'd':
			return a.askDeleteTag(id, m.chosen())
		}
		return nil
	}
	return nil
}

// askRenameTag asks for the new name of tag on id, then confirms it.
func (a *App) askRenameTag(id, tag string) tea.Cmd {
	in := newTagInput(a.env.Styles, a.env.Keys, "Rename tag "+tag, []string{"on " + id}, tag)
	a.dialog = in
	a.onConfirm = func() tea.Cmd {
		to := in.Value()
		if to == tag {
			return a.setFlash("tag "+tag+" unchanged: nothing was sent", false)
		}
		a.dialog = newConfirm(a.env.Styles, a.env.Keys, fmt.Sprintf("Rename tag %s to %s on %s?", tag, to, id), a.describe(id, a.env.now()), "Rename")
		a.onConfirm = func() tea.Cmd { return a.sendTagOp(tagRename, id, tag, to) }
		return nil
	}
	return nil
}

// askDeleteTag confirms deleting tag from id.
func (a *App) askDeleteTag(id, tag string) tea.Cmd {
	a.dialog = newConfirm(a.env.Styles, a.env.Keys, fmt.Sprintf("Delete tag %s from %s?", tag, id), a.describe(id, a.env.now()), "Delete")
	a.onConfirm = func() tea.Cmd { return a.sendTagOp(tagDelete, id, tag, "") }
	return nil
}

// sendAddTag adds tag to every id: one request each.
func (a *App) sendAddTag(ids []string, tag string) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(ids))
	for _, id := range ids {
		cmds = append(cmds, a.sendTagOp(tagAdd, id, tag, ""))
	}
	return tea.Batch(cmds...)
}

// sendTagOp changes the row's tags at once (optimistically) and sends the
// request; its answer comes back as a tagDoneMsg.
func (a *App) sendTagOp(op, id, tag, newTag string) tea.Cmd {
	optimist := false
	if row, ok := a.store.Get(id); ok {
		optimist = a.setRowTags(id, applyTagOp(row.Tags, op, tag, newTag))
	}
	act := a.beginAction(tagAuditEntry(op, id, tag, newTag), op+" on "+id)
	ctx, c, o := a.sender()
	return func() tea.Msg {
		var err error
		switch op {
		case tagAdd:
			_, err = c.CreateDeploymentTag(ctx, id, tag)
		case tagRename:
			_, err = c.RenameDeploymentTag(ctx, id, tag, newTag)
		case tagDelete:
			err = c.DeleteDeploymentTag(ctx, id, tag)
		}
		return tagDoneMsg{sentFrom: o, act: act, op: op, id: id, tag: tag, newTag: newTag, optimist: optimist, err: err}
	}
}

// applyTagOp returns tags after op (a new slice).
func applyTagOp(tags []string, op, tag, newTag string) []string {
	out := slices.Clone(tags)
	switch op {
	case tagAdd:
		if !slices.Contains(out, tag) {
			out = append(out, tag)
		}
	case tagRename:
		out = slices.DeleteFunc(out, func(t string) bool { return t == tag || t == newTag })
		out = append(out, newTag)
	case tagDelete:
		out = slices.DeleteFunc(out, func(t string) bool { return t == tag })
	}
	return out
}

// undoTagOp returns tags with op undone (a new slice).
func undoTagOp(tags []string, op, tag, newTag string) []string {
	switch op {
	case tagAdd:
		return applyTagOp(tags, tagDelete, tag, "")
	case tagRename:
		out := applyTagOp(tags, tagDelete, newTag, "")
		return applyTagOp(out, tagAdd, tag, "")
	case tagDelete:
		return applyTagOp(tags, tagAdd, tag, "")
	}
	return slices.Clone(tags)
}

// setRowTags shows tags in id's row at once: the engine keeps them until
// the list confirms them. It reports whether the row changed.
func (a *App) setRowTags(id string, tags []string) bool {
	before, _ := a.store.Get(id)
	a.view.NoteTags(id, tags)
	a.catchUp()
	after, _ := a.store.Get(id)
	if before == after {
		return false
	}
	a.tabs[tabDeployments].dataChanged()
	return true
}

// onTagDone reports and audits one tag request; a failure rolls the row
// back.
func (a *App) onTagDone(m tagDoneMsg) tea.Cmd {
	entry := tagAuditEntry(m.op, m.id, m.tag, m.newTag)
	entry.ID = m.act
	var what string
	switch m.op {
	case tagAdd:
		what = "tag " + m.tag + " added to " + m.id
	case tagRename:
		what = "tag " + m.tag + " renamed to " + m.newTag + " on " + m.id
	case tagDelete:
		what = "tag " + m.tag + " deleted from " + m.id
	}
	if m.err == nil {
		entry.Outcome = "ok"
		entry.HTTPStatus = http.StatusOK
		if m.op == tagDelete {
			entry.HTTPStatus = http.StatusNoContent
		}
		a.audit(entry)
		return a.setFlash(what, false)
	}
	status := api.StatusOf(m.err)
	if unknown, why := a.auditFailed(entry, m.err); unknown {
		// The row keeps the change until the re-read tags say what is true.
		return tea.Batch(a.setFlash(m.op+" on "+m.id+": outcome unknown ("+why+") — re-reading its tags…", true), a.checkTags(m.act, m))
	}
	if m.optimist {
		if row, ok := a.store.Get(m.id); ok {
			a.setRowTags(m.id, undoTagOp(row.Tags, m.op, m.tag, m.newTag))
		}
	}
	var text string
	switch {
	case status == http.StatusConflict && m.op == tagAdd:
		text = m.id + " already has tag " + m.tag
		// The server has it: show it.
		if row, ok := a.store.Get(m.id); ok {
			a.setRowTags(m.id, applyTagOp(row.Tags, tagAdd, m.tag, ""))
		}
	case status == http.StatusConflict && m.op == tagRename:
		text = m.id + " already has tag " + m.newTag
	case status == http.StatusNotFound && m.op != tagAdd:
		text = m.id + " has no tag " + m.tag + " (404)"
	default:
		text = what + " failed: " + errorCause(m.err.Error())
	}
	return a.setFlash(text, true)
}

// tagAuditEntry is the audit entry of a tag request.
func tagAuditEntry(op, id, tag, newTag string) model.AuditEntry {
	e := model.AuditEntry{Action: op, Targets: []string{id}, Detail: "tag " + tag}
	if op == tagRename {
		e.Detail = "tag " + tag + " → " + newTag
	}
	return e
}

// plural is "1 deployment" or "N deployments".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// tagInputDialog asks for a tag name, validated as the spec says while it
// is typed (api.ValidateTag: 1–40 characters).
type tagInputDialog struct{ inputDialog }

func newTagInput(st *theme.Styles, km *KeyMap, title string, lines []string, value string) *tagInputDialog {
	in := newInput(st, "tag> ", api.MaxTagLength+24, api.MaxTagLength+2) // room to show a too-long tag's error
	in.Placeholder = fmt.Sprintf("1–%d characters", api.MaxTagLength)
	in.SetValue(value)
	return &tagInputDialog{inputDialog{
		frame:          newDialogFrame(st, km, title, lines),
		input:          in,
		check:          api.ValidateTag,
		errWhileTyping: true,
		hint:           "enter continue · esc cancel",
	}}
}

// tagManager lists one deployment's tags: j/k choose, r renames, d
// deletes (each confirmed after), esc closes.
type tagManager struct {
	frame  dialogFrame
	id     string
	tags   []string
	cur    int
	choice rune // 'r' or 'd' once chosen
	result dialogResult
}

func (m *tagManager) chosen() string {
	if m.cur < 0 || m.cur >= len(m.tags) {
		return ""
	}
	return m.tags[m.cur]
}

// Update handles a key and reports whether the dialog closed.
func (m *tagManager) Update(msg tea.KeyMsg) dialogResult {
	if m.result != dialogOpen {
		return m.result
	}
	f := &m.frame
	switch {
	case f.is(msg, ActCancel, false), f.is(msg, ActQuit, false):
		m.result = dialogCancelled
	case f.is(msg, ActDown, false):
		m.cur = min(m.cur+1, max(len(m.tags)-1, 0))
	case f.is(msg, ActUp, false):
		m.cur = max(m.cur-1, 0)
	case f.is(msg, ActRenameTag, false), f.is(msg, ActDeleteTag, false):
		if len(m.tags) > 0 {
			m.choice = 'r'
			if f.is(msg, ActDeleteTag, false) {
				m.choice = 'd'
			}
			m.result = dialogConfirmed
		}
	}
	return m.result
}

// View is the dialog centred in width×height.
func (m *tagManager) View(width, height int) string {
	lines := make([]string, 0, len(m.tags)+1)
	if len(m.tags) == 0 {
		lines = append(lines, m.frame.muted.Render("no tags"))
	}
	for i, t := range m.tags {
		t = sanitizeLine(t)
		if i == m.cur {
			lines = append(lines, m.frame.sel.Render("> "+t))
		} else {
			lines = append(lines, "  "+t)
		}
	}
	m.frame.lines = lines
	m.frame.offset = max(m.cur-5, 0)
	km := m.frame.keys
	hint := m.frame.muted.Render(km.firstKey(ActDown) + "/" + km.firstKey(ActUp) + " choose · " + km.firstKey(ActRenameTag) + " rename · " +
		km.firstKey(ActDeleteTag) + " delete · " + km.textKey(ActCancel) + " close")
	return m.frame.render([]string{hint}, width, height)
}
