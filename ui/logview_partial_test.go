package ui

import (
	"strings"
	"testing"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
)

// TestLogViewProvisionalLine: a last log line without "\n" is shown (the
// spec's example log), and when the next snapshot completes it the line is
// replaced, not repeated, in one stream's view and in the combined view
// of several, and the search sees its new text.
func TestLogViewProvisionalLine(t *testing.T) {
	h := newLogHarness(t)
	for _, ids := range [][]string{{"aaaaaaaaaaaa"}, {"aaaaaaaaaaaa", "bbbbbbbbbbbb"}} {
		v := newLogView(h.env, model.NewDeployments(), ids).(*logView)
		v.SetSize(100, 20)
		send := func(id, logs string) {
			v.Update(jobDoneMsg{job: model.Job{Kind: model.JobLogs, ID: id}, logs: &api.ContainerLogs{Logs: logs, Encoding: "utf-8"}})
		}
		lines := func() []string {
			var out []string
			for i := range v.buf().Len() {
				out = append(out, v.buf().Line(i).Plain)
			}
			return out
		}
		send(ids[0], "Logs of the container")
		if s := v.View(); !strings.Contains(s, "Logs of the container") || strings.Contains(s, "waiting for logs") {
			t.Fatalf("%d streams: the spec's example log is not shown:\n%s", len(ids), s)
		}
		send(ids[0], "Logs of the container\nabc")
		v.setQuery("abcdef")
		if len(ids) > 1 {
			send(ids[1], "other stream\n") // the provisional copy is no longer the combined view's last line
		}
		send(ids[0], "Logs of the container\nabcdef\n")
		got := strings.Join(lines(), "|")
		if strings.Count(got, "abc") != 1 || !strings.Contains(got, "abcdef") {
			t.Fatalf("%d streams: lines %q, want abcdef once and no abc", len(ids), got)
		}
		if len(v.matches) != 1 {
			t.Fatalf("%d streams: %d matches of abcdef, want 1", len(ids), len(v.matches))
		}
		send(ids[0], "Logs of the container\nabcdef\nxyz")
		send(ids[0], "Logs of the container\nabcdef\nxyz\n")
		if got := strings.Join(lines(), "|"); strings.Count(got, "xyz") != 1 {
			t.Fatalf("%d streams: lines %q, want xyz once", len(ids), got)
		}
		if s := v.View(); !strings.Contains(s, "xyz") {
			t.Fatalf("%d streams: xyz not on screen:\n%s", len(ids), s)
		}
	}
}
