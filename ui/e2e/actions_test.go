package e2e

import (
	"bufio"
	"context"
	"fmt"
	"github.com/gapdeck/gapdeck/model/audittest"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gapdeck/gapdeck/api"
)

// e2eToken is the token of the end-to-end simulator: distinctive, so a
// search of the audit file for it means something.
const e2eToken = "tok-e2e-6f1d"

// idRE is a request id.
var idRE = regexp.MustCompile(`\b[0-9a-f]{12}\b`)

// selRowRE is the row under the cursor (NO_COLOR shows it as '>').
var selRowRE = regexp.MustCompile(`(?m)^>([0-9a-f]{12}) +(\S+)`)

// startSim runs `gapdeck sim` on a free loopback port and returns its base
// URL; it is killed at cleanup.
func startSim(t *testing.T, bin string) string {
	t.Helper()
	return startSimOrg(t, bin, 3, e2eToken)
}

// startSimOrg runs `gapdeck sim` as one organization: its own world (seed)
// and token, and any other flags of gapdeck sim (--deployments 5000).
func startSimOrg(t *testing.T, bin string, seed int, token string, flags ...string) string {
	t.Helper()
	args := append([]string{"sim", "--listen", "127.0.0.1:0", "--token", token, "--seed", fmt.Sprint(seed)}, flags...)
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	first := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		first <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, r)
	}()
	select {
	case base := <-first:
		if !strings.HasPrefix(base, "http://127.0.0.1:") {
			t.Fatalf("gapdeck sim printed %q first, want its base URL", base)
		}
		if prismEnabled() { // the Prism stage: through its proxies
			return proxiedSim(t, base)
		}
		return base
	case <-time.After(10 * time.Second):
		t.Fatal("gapdeck sim printed no base URL in 10 s")
	}
	return ""
}

// e2eClient is an API client of the simulator for checking effects.
func e2eClient(t *testing.T, base string) *api.Client {
	t.Helper()
	return e2eClientOf(t, base, e2eToken)
}

// e2eClientOf is an API client of one organization's simulator.
func e2eClientOf(t *testing.T, base, token string) *api.Client {
	t.Helper()
	c, err := api.New(api.Options{BaseURL: base, Token: token, BudgetFraction: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startConsole runs the console against base in tmux, without colour (the
// cursor row then shows '>'), with its state (the audit file) under
// stateDir.
func startConsole(t *testing.T, bin, base, stateDir string, extra ...string) *tmuxSession {
	t.Helper()
	args := ""
	for _, a := range extra {
		args += " " + a
	}
	line := fmt.Sprintf("EDGEGAP_API_TOKEN=%s XDG_STATE_HOME=%q NO_COLOR=1 %q --api-url %q --log-file %q%s; echo GAPDECK-EXITED $?; sleep 60",
		e2eToken, stateDir, bin, base, filepath.Join(t.TempDir(), "log"), args)
	return startTmux(t, line)
}

// cursorToReady moves the cursor onto the first of n consecutive READY
// rows (a stop of a READY deployment answers 200 and it terminates at
// once) and returns their ids. Rows are read with NO_COLOR, where the
// cursor row starts with '>'.
func cursorToReady(s *tmuxSession, n int) []string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		scr := s.waitFor("deployment rows", func(scr string) bool { return selRowRE.MatchString(scr) })
		ms := rowRE.FindAllStringSubmatch(scr, -1)
		cur := -1
		for i, m := range ms {
			if strings.HasPrefix(m[0], ">") {
				cur = i
			}
		}
		for k := 0; k+n <= len(ms) && cur >= 0; k++ {
			ok := true
			for _, m := range ms[k : k+n] {
				ok = ok && m[2] == "READY"
			}
			if !ok {
				continue
			}
			var ids []string
			for _, m := range ms[k : k+n] {
				ids = append(ids, m[1])
			}
			switch {
			case k > cur:
				s.literal(strings.Repeat("j", k-cur))
			case k < cur:
				s.literal(strings.Repeat("k", cur-k))
			}
			got := s.waitFor("the cursor to move", func(scr string) bool {
				return selRowRE.MatchString(scr) && (k == cur || !strings.Contains(scr, ">"+ms[cur][1]))
			})
			if sel := selRowRE.FindStringSubmatch(got); sel != nil && sel[1] == ids[0] {
				return ids
			}
			break // the rows moved: look again
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no %d consecutive READY rows under the cursor:\n%s", n, scr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// dialogIDs are the request ids a confirmation shows inside its frame
// (the content behind it is not drawn; the footer may name others).
func dialogIDs(scr string) []string {
	var ids []string
	for _, l := range strings.Split(scr, "\n") {
		if !strings.Contains(l, "│") {
			continue
		}
		for _, id := range idRE.FindAllString(l, -1) {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// ended reports whether the simulator says id is terminating, terminated
// or gone.
func ended(ctx context.Context, c *api.Client, id string) (bool, string) {
	st, err := c.DeploymentStatus(ctx, id)
	if err != nil {
		if code := api.StatusOf(err); code == 404 || code == 410 {
			return true, err.Error()
		}
		return false, err.Error()
	}
	return st.CurrentStatus.Ended(), st.CurrentStatus.Name()
}

// waitEnded polls the API until every id has ended, and fails after 15 s.
func waitEnded(t *testing.T, c *api.Client, ids ...string) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(15 * time.Second)
	for _, id := range ids {
		for {
			ok, state := ended(ctx, c, id)
			if ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("deployment %s is still %s on the simulator", id, state)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// stopWait is how long the end-to-end tests wait for the simulator to
// terminate stopped deployments (it takes 3–15 s) and the console to see it.
const stopWait = 40 * time.Second

// stoppingRE is the stop progress line: the bar and "k/3 terminated".
var stoppingRE = regexp.MustCompile(`stopping [█░]+ ([0-3])/3 terminated`)

// waitLong is tmuxSession.waitFor with a deadline of d.
func waitLong(s *tmuxSession, what string, d time.Duration, ok func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		scr := s.screen()
		if ok(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting %s for %s; the screen is:\n%s", d, what, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestE2EActionsStopBulkStopAndAudit(t *testing.T) {
	requireTmux(t)
	t.Parallel()
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	client := e2eClient(t, base)
	state := t.TempDir()
	s := startConsole(t, bin, base, state)
	// Unfiltered: a stopped row leaving a /status:ready filter once crashed
	// the console; TestStopUnderAFilterRefreshesTheTable covers that.

	// (a) stop one deployment.
	want := cursorToReady(s, 1)[0]
	s.keys("C-d")
	scr := s.waitText("Stop deployment ", "Cancel")
	m := regexp.MustCompile(`Stop deployment ([0-9a-f]{12})\?`).FindStringSubmatch(scr)
	if m == nil {
		t.Fatalf("the stop confirmation names no deployment:\n%s", scr)
	}
	stopped := m[1]
	if stopped != want {
		t.Logf("the cursor row changed: stopping %s, not %s", stopped, want)
	}
	s.keys("y")
	s.waitFor("the stop's outcome", func(scr string) bool {
		return strings.Contains(scr, "stopping "+stopped) || strings.Contains(scr, "stop of "+stopped) || strings.Contains(scr, stopped+" was already terminated")
	})
	waitEnded(t, client, stopped)
	// The console follows it to TERMINATED (its summary also makes way
	// for the bulk stop's own count below).
	waitLong(s, "the single stop's summary", stopWait, func(scr string) bool {
		return strings.Contains(scr, "stop done") && strings.Contains(scr, "1/1 terminated")
	})

	// (b) bulk-stop three marked deployments (the stopped one is no
	// longer READY, so it is not among them).
	cursorToReady(s, 3)
	s.keys("Space", "Space", "Space")
	s.keys("C-d")
	scr = s.waitText("Stop 3 deployments?")
	bulk := dialogIDs(scr)
	if len(bulk) != 3 || slices.Contains(bulk, stopped) {
		t.Fatalf("the bulk confirmation shows %v (stopped before: %s):\n%s", bulk, stopped, scr)
	}
	s.literal("3")
	s.keys("Enter")
	s.waitText("bulk stop accepted: 3 of 3 will stop")
	// The progress bar follows them, then the summary says how it ended.
	scr = s.waitFor("the stop progress bar", func(scr string) bool { return stoppingRE.MatchString(scr) })
	if m := stoppingRE.FindStringSubmatch(scr); m[1] == "3" {
		t.Logf("the bar was first seen full: %s", m[0])
	}
	waitEnded(t, client, bulk...)
	scr = waitLong(s, "the bulk stop's summary", stopWait, func(scr string) bool {
		return strings.Contains(scr, "stop done") && strings.Contains(scr, "3/3 terminated")
	})
	if strings.Contains(scr, "failed") || strings.Contains(scr, "still running") {
		t.Errorf("the summary reports a problem:\n%s", scr)
	}
	for _, id := range bulk {
		st, err := client.DeploymentStatus(context.Background(), id)
		if err != nil || st.CurrentStatus != api.StatusTerminated {
			t.Errorf("%s on the simulator after the summary: %v, %v", id, st, err)
		}
	}

	// (d) the audit file records both, without the token.
	path := filepath.Join(state, "gapdeck", "audit.jsonl")
	entries, err := audittest.ReadActions(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("audit file has %d entries, want 2: %+v", len(entries), entries)
	}
	if e := entries[0]; e.Action != "stop" || !slices.Equal(e.Targets, []string{stopped}) || e.HTTPStatus == 0 || e.Outcome == "" {
		t.Errorf("stop entry %+v", e)
	}
	if e := entries[1]; e.Action != "bulk-stop" || !slices.Equal(e.Targets, bulk) || e.HTTPStatus != 202 || !strings.HasPrefix(e.Outcome, "accepted") {
		t.Errorf("bulk-stop entry %+v (want targets %v)", e, bulk)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), e2eToken) {
		t.Error("the audit file holds the API token")
	}

	// The :audit view shows both, newest first.
	s.literal(":audit")
	s.keys("Enter")
	scr = s.waitText("Audit log", "2 actions", "bulk-stop", stopped)
	if strings.Index(scr, "bulk-stop") > strings.Index(scr, stopped) {
		t.Errorf("the audit view is not newest first:\n%s", scr)
	}
	s.escape()
	s.waitText("REQUEST ID")
}

func TestE2EActionsReadOnly(t *testing.T) {
	requireTmux(t)
	t.Parallel()
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	client := e2eClient(t, base)
	s := startConsole(t, bin, base, t.TempDir(), "--readonly")
	s.waitText("READ-ONLY")
	id := cursorToReady(s, 1)[0]
	ctx := context.Background()
	before, err := client.DeploymentStatus(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	tagsBefore := slices.Clone(before.Tags)

	s.keys("C-d")
	s.waitText("read-only: stopping deployments is disabled")
	s.keys("t")
	s.waitText("read-only: tagging is disabled")
	if strings.Contains(s.screen(), "Stop deployment") {
		t.Fatal("read-only console opened a stop confirmation")
	}

	// Nothing changes on the server for a while.
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		after, err := client.DeploymentStatus(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if after.CurrentStatus != before.CurrentStatus {
			t.Fatalf("%s went from %s to %s under a read-only console", id, before.CurrentStatus.Name(), after.CurrentStatus.Name())
		}
		if !slices.Equal(after.Tags, tagsBefore) {
			t.Fatalf("%s tags went from %v to %v under a read-only console", id, tagsBefore, after.Tags)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// serverTagNames are id's tags as the simulator has them.
func serverTagNames(t *testing.T, c *api.Client, id string) []string {
	t.Helper()
	list, err := c.DeploymentTags(context.Background(), id, 1, 100)
	if err != nil {
		t.Fatalf("GET tags of %s: %v", id, err)
	}
	names := make([]string, 0, len(list.Tags))
	for _, tg := range list.Tags {
		names = append(names, tg.Name)
	}
	return names
}

// chooseTag moves the tag manager's cursor onto tag.
func chooseTag(s *tmuxSession, tag string) {
	s.t.Helper()
	for range 40 {
		if strings.Contains(s.screen(), "> "+tag) {
			return
		}
		s.literal("j")
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("the tag manager never chose %s:\n%s", tag, s.screen())
}

func TestE2EActionsTagAddRenameDelete(t *testing.T) {
	requireTmux(t)
	t.Parallel()
	bin := gapdeckBinary(t)
	base := startSim(t, bin)
	client := e2eClient(t, base)
	state := t.TempDir()
	s := startConsole(t, bin, base, state)
	id := cursorToReady(s, 1)[0]
	const added, renamed = "e2e-blue", "e2e-green"

	// t: type the tag, confirm (Cancel is focused: y confirms).
	s.literal("t")
	s.waitText("Add a tag", "tag>")
	s.literal(added)
	s.keys("Enter")
	s.waitText("Add tag "+added+" to 1 deployment?", "Cancel")
	s.literal("y")
	s.waitText("tag " + added + " added to " + id)
	if got := serverTagNames(t, client, id); !slices.Contains(got, added) {
		t.Fatalf("after the add the simulator has %v", got)
	}

	// T, r: rename it.
	s.literal("T")
	s.waitText("Tags of "+id, added)
	chooseTag(s, added)
	s.literal("r")
	s.waitText("Rename tag " + added)
	for range len(added) {
		s.keys("BSpace")
	}
	s.literal(renamed)
	s.keys("Enter")
	s.waitText("Rename tag "+added+" to "+renamed+" on "+id+"?", "Cancel")
	s.literal("y")
	s.waitText("tag " + added + " renamed to " + renamed + " on " + id)
	if got := serverTagNames(t, client, id); !slices.Contains(got, renamed) || slices.Contains(got, added) {
		t.Fatalf("after the rename the simulator has %v", got)
	}

	// T, d: delete it.
	s.literal("T")
	s.waitText("Tags of "+id, renamed)
	chooseTag(s, renamed)
	s.literal("d")
	s.waitText("Delete tag "+renamed+" from "+id+"?", "Cancel")
	s.literal("y")
	s.waitText("tag " + renamed + " deleted from " + id)
	if got := serverTagNames(t, client, id); slices.Contains(got, renamed) || slices.Contains(got, added) {
		t.Fatalf("after the delete the simulator has %v", got)
	}

	// The audit file records the three, without the token.
	path := filepath.Join(state, "gapdeck", "audit.jsonl")
	entries, err := audittest.ReadActions(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ action, detail string }{
		{"tag-add", "tag " + added}, {"tag-rename", "tag " + added + " → " + renamed}, {"tag-delete", "tag " + renamed},
	}
	if len(entries) != len(want) {
		t.Fatalf("audit file has %d entries, want %d: %+v", len(entries), len(want), entries)
	}
	for i, w := range want {
		e := entries[i]
		if e.Action != w.action || e.Detail != w.detail || !slices.Equal(e.Targets, []string{id}) || e.Outcome != "ok" || e.HTTPStatus == 0 {
			t.Errorf("audit entry %d: %+v, want %s %q on %s", i, e, w.action, w.detail, id)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), e2eToken) {
		t.Error("the audit file holds the API token")
	}
}
