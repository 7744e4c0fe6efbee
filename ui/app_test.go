package ui

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/api/sim"
	"github.com/gapdeck/gapdeck/model"
)

// settled returns a harness whose Deployments tab shows enriched rows.
func settled(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	h := newHarness(t, opts...)
	h.settle()
	return h
}

// activeName is the name of the tab on screen.
func (h *harness) activeName() string { return h.app.tabs[h.app.active].name() }

// rowIDs are the first fields of the rows on screen (request ids on the
// Deployments tab), without the cursor marker.
func (h *harness) rowIDs() []string {
	var ids []string
	for _, r := range h.rows() {
		ids = append(ids, strings.TrimPrefix(strings.Fields(r)[0], ">"))
	}
	return ids
}

// deployments is the Deployments tab.
func (h *harness) deployments() *deploymentsTab { return h.app.tabs[tabDeployments].(*deploymentsTab) }

// cmdMsg runs cmd (which must return at once) and returns its message.
func cmdMsg(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case m := <-done:
		return m
	case <-time.After(time.Second):
		t.Fatal("command did not return")
		return nil
	}
}

func TestHarnessIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := settled(t), settled(t)
	if a.view() != b.view() {
		t.Fatalf("two harnesses differ:\n%s\n---\n%s", a.view(), b.view())
	}
	for _, k := range []string{"2", "3", "4", "1", "enter"} {
		a.press(k)
		b.press(k)
		if a.view() != b.view() {
			t.Fatalf("after %q two harnesses differ:\n%s\n---\n%s", k, a.view(), b.view())
		}
	}
}

func TestTabSwitching(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tests := []struct {
		key  string
		want string
	}{
		{"2", "Fleets"}, {"3", "Policies"}, {"4", "Locations"}, {"1", "Deployments"},
		{"tab", "Fleets"}, {"tab", "Policies"}, {"tab", "Locations"}, {"tab", "Deployments"},
		{"shift+tab", "Locations"}, {"shift+tab", "Policies"}, {"4", "Locations"}, {"tab", "Deployments"},
	}
	for i, tt := range tests {
		h.press(tt.key)
		if got := h.activeName(); got != tt.want {
			t.Fatalf("step %d: %q shows %s, want %s", i, tt.key, got, tt.want)
		}
		if !strings.HasPrefix(h.title(), tt.want) {
			t.Fatalf("step %d: title line %q does not start with %s", i, h.title(), tt.want)
		}
		if v, _ := h.app.engine.Schedule().View(); v != h.app.tabs[h.app.active].view() {
			t.Fatalf("step %d: scheduler polls %v while %s is shown", i, v, tt.want)
		}
	}
}

func TestCommandsSwitchTabs(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tests := []struct {
		line string
		want string
	}{
		{"fl", "Fleets"}, {"dp", "Deployments"}, {"po", "Policies"}, {"lo", "Locations"},
		{"deployments", "Deployments"}, {"fleets", "Fleets"}, {"policies", "Policies"}, {"locations", "Locations"},
		{"deploy", "Deployments"}, {"fleet", "Fleets"}, {"pol", "Policies"}, {"loc", "Locations"},
		{"deployment", "Deployments"}, {"policy", "Policies"}, {"location", "Locations"},
		{"loca", "Locations"}, {"fle", "Fleets"}, // a unique prefix runs its command
	}
	for _, tt := range tests {
		from := "1" // start elsewhere than where the command leads
		if tt.want == "Deployments" {
			from = "2"
		}
		h.press(from, ":")
		if h.app.mode != modeCommand {
			t.Fatalf(": did not open the command line")
		}
		h.typeText(tt.line)
		if !strings.HasPrefix(h.line(-2), ":"+tt.line) {
			t.Fatalf("input line %q does not show :%s", h.line(-2), tt.line)
		}
		h.press("enter")
		if h.app.mode != modeNormal || h.activeName() != tt.want {
			t.Fatalf(":%s shows %s (mode %d), want %s", tt.line, h.activeName(), h.app.mode, tt.want)
		}
	}
}

func TestHostsCommand(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press(":")
	h.typeText("hosts alpha-fleet")
	h.press("enter")
	hv, ok := h.app.sub.(*hostsView)
	if !ok || hv.fleet != "alpha-fleet" {
		t.Fatalf(":hosts alpha-fleet opened %T", h.app.sub)
	}
	if v, arg := h.app.engine.Schedule().View(); v != model.ViewHosts || arg != "alpha-fleet" {
		t.Fatalf("scheduler polls %v %q", v, arg)
	}
	want := []string{"alpha-europe-0d9e5c41", "alpha-europe-b84f2a10", "alpha-north-america-3c1d77e2", "alpha-north-america-95fab093"}
	if got := h.rowIDs(); !slices.Equal(got, want) {
		t.Fatalf("hosts rows %v, want %v\n%s", got, want, h.view())
	}
	h.mustContain("Hosts of alpha-fleet 4", "ACTIVE", "PENDING", "Montreal")
	h.mustNotContain("beta-")
	h.press("esc")
	if h.app.sub != nil || h.activeName() != "Deployments" {
		t.Fatalf("esc left %T / %s", h.app.sub, h.activeName())
	}

	// Without a fleet, the usage names the private fleets.
	h.press(":")
	h.typeText("hosts")
	h.press("enter")
	if h.app.sub != nil || !strings.Contains(h.footer(), "usage: :hosts <fleet> (private fleets: alpha-fleet, beta-fleet)") {
		t.Fatalf(":hosts without a fleet: sub %T, footer %q", h.app.sub, h.footer())
	}
}

func TestCommandCompletion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typed string
		want  string // the input after tab
		hint  string // completions shown on the input line before tab
	}{
		{"fl", "fleets", "fleets"},
		{"lo", "locations", "locations"},
		{"ho", "hosts ", "hosts"},
		{"hosts al", "hosts alpha-fleet", "hosts alpha-fleet"},
		{"hosts be", "hosts beta-fleet", "hosts beta-fleet"},
		{"hosts ", "hosts alpha-fleet", "hosts alpha-fleet  hosts beta-fleet"},
		{"zz", "zz", ""},
	}
	h := newHarness(t)
	for _, tt := range tests {
		h.press(":")
		h.typeText(tt.typed)
		if tt.hint != "" && !strings.Contains(h.line(-2), tt.hint) {
			t.Errorf("%q: input line %q lacks the hint %q", tt.typed, h.line(-2), tt.hint)
		}
		h.press("tab")
		if got := h.app.input.Value(); got != tt.want {
			t.Errorf("%q + tab = %q, want %q", tt.typed, got, tt.want)
		}
		h.press("esc")
		if h.app.mode != modeNormal {
			t.Fatalf("esc did not close the command line")
		}
	}

	// Complete a fleet name, then run it.
	h.press(":")
	h.typeText("hosts b")
	h.press("tab", "enter")
	if hv, ok := h.app.sub.(*hostsView); !ok || hv.fleet != "beta-fleet" {
		t.Fatalf("completed :hosts b opened %T", h.app.sub)
	}
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.press(":")
	h.typeText("frobnicate")
	h.press("enter")
	if h.app.mode != modeCommand {
		t.Fatalf("an unknown command closed the command line")
	}
	in := h.line(-2)
	if !strings.HasPrefix(in, ":frobnicate") || !strings.Contains(in, `unknown command "frobnicate"`) {
		t.Fatalf("input line %q does not show the error", in)
	}
	// Editing clears the error; esc leaves.
	h.press("backspace")
	if strings.Contains(h.line(-2), "unknown command") {
		t.Fatalf("the error stays while editing: %q", h.line(-2))
	}
	h.press("esc")
	if h.app.mode != modeNormal || h.activeName() != "Deployments" {
		t.Fatalf("esc: mode %d, tab %s", h.app.mode, h.activeName())
	}
}

// filterCase is a filter typed on the Deployments tab and what every row
// on screen must then satisfy. A status term is pushed down into the list
// query: once a list pass under it answered, the server vouches for the
// rows it returned, which show before their own status arrives.
type filterCase struct {
	name   string
	filter string
	pushed bool // part of the filter goes into the list query
	ok     func(r *model.DeploymentRow) bool
}

var filterCases = []filterCase{
	{"free text", "kart", false, func(r *model.DeploymentRow) bool { return strings.Contains(r.Text(), "kart") }},
	{"status", "status:error", true, func(r *model.DeploymentRow) bool { return r.Status == api.StatusError || !r.Enriched }},
	{"status prefix", "status:rea", true, func(r *model.DeploymentRow) bool { return r.Status == api.StatusReady || !r.Enriched }},
	{"app", "app:kart", false, func(r *model.DeploymentRow) bool { return strings.Contains(r.App, "kart") }},
	{"exact app", "app=cozy-farm", true, func(r *model.DeploymentRow) bool { return r.App == "cozy-farm" || !r.Enriched }},
	{"city", "city:paris", false, func(r *model.DeploymentRow) bool { return r.City == "Paris" }},
	{"country", "country:canada", false, func(r *model.DeploymentRow) bool { return r.Country == "Canada" }},
	{"inverted", "!kart", false, func(r *model.DeploymentRow) bool { return !strings.Contains(r.Text(), "kart") }},
	{"two terms", "app:arena city:tokyo", false, func(r *model.DeploymentRow) bool { return r.App == "arena-shooter" && r.City == "Tokyo" }},
}

func TestFilterLive(t *testing.T) {
	t.Parallel()
	for _, tc := range filterCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := settled(t)
			total, gen := h.app.store.Total(), h.app.engine.Schedule().Gen
			h.press("/")
			if h.app.mode != modeFilter {
				t.Fatal("/ did not open the filter")
			}
			h.typeText(tc.filter)
			// Live: the rows are filtered before enter.
			checkFiltered(t, h, tc)
			if !strings.HasPrefix(h.line(-2), "/"+tc.filter) {
				t.Fatalf("input line %q", h.line(-2))
			}
			h.press("enter")
			if h.app.mode != modeNormal || h.deployments().filterText() != tc.filter {
				t.Fatalf("enter: mode %d, filter %q", h.app.mode, h.deployments().filterText())
			}
			checkFiltered(t, h, tc)
			if !strings.Contains(h.title(), "filter: "+tc.filter) {
				t.Fatalf("title %q does not show the filter", h.title())
			}
			if got := h.app.engine.Schedule().Gen != gen; got != tc.pushed {
				t.Fatalf("pushed down: %v, want %v", got, tc.pushed)
			}
			// esc in normal mode clears it; every row comes back (after a
			// list pass when the server filtered them).
			h.press("esc")
			if h.deployments().filterText() != "" || h.app.store.Len() != h.app.store.Total() {
				t.Fatalf("esc kept the filter %q", h.deployments().filterText())
			}
			h.settle(func() bool { return h.app.store.Total() >= total-5 })
		})
	}
}

// checkFiltered fails unless every row on screen passes tc and the title
// counts them.
func checkFiltered(t *testing.T, h *harness, tc filterCase) {
	t.Helper()
	ids := h.rowIDs()
	if len(ids) == 1 && strings.HasPrefix(h.rows()[0], " No deployment matches") {
		return
	}
	for _, id := range ids {
		r, ok := h.app.store.Get(id)
		if !ok || !tc.ok(r) {
			t.Fatalf("filter %q shows %s:\n%s", tc.filter, id, h.view())
		}
	}
	if len(ids) == 0 {
		t.Fatalf("filter %q shows nothing, not even the empty text:\n%s", tc.filter, h.view())
	}
	// "n of total" while filtering locally; once a pushed-down query was
	// listed the store only holds what the server matched: "n".
	want := regexp.MustCompile(fmt.Sprintf(`^Deployments (%d of \d+|%[1]d  )`, h.app.store.Len()))
	if !want.MatchString(h.title()) {
		t.Fatalf("title %q does not count the matches", h.title())
	}
}

func TestFilterEscClears(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("/")
	h.typeText("app:cozy")
	if h.app.store.Len() == h.app.store.Total() {
		t.Fatal("the filter did not apply while typing")
	}
	h.press("esc")
	if h.app.mode != modeNormal || h.deployments().filterText() != "" || h.app.store.Len() != h.app.store.Total() {
		t.Fatalf("esc in the filter: mode %d filter %q, %d of %d", h.app.mode, h.deployments().filterText(), h.app.store.Len(), h.app.store.Total())
	}
	if strings.Contains(h.title(), "filter:") {
		t.Fatalf("title still shows a filter: %q", h.title())
	}
}

func TestFilterNoMatch(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("/")
	h.typeText("zzzzzz")
	h.press("enter")
	h.mustContain("No deployment matches zzzzzz", "Deployments 0 of ")
}

func TestFilterInvalidFieldKeepsOldFilter(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("/")
	h.typeText("app:kart")
	h.press("enter")
	before := h.rowIDs()

	// Pasted at once: the bad term never parses.
	h.press("/")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" colour:red"), Paste: true})
	in := h.line(-2)
	if !strings.Contains(in, `unknown filter field "colour"`) || !strings.Contains(in, "status, app, version") {
		t.Fatalf("input line %q does not explain the bad field", in)
	}
	if got := h.deployments().filterText(); got != "app:kart" {
		t.Fatalf("the filter became %q", got)
	}
	if got := h.rowIDs(); !slices.Equal(got, before) {
		t.Fatalf("rows changed under a bad filter")
	}
	if !strings.Contains(h.title(), "filter: app:kart") {
		t.Fatalf("title %q", h.title())
	}
	h.press("enter") // refused while it does not parse
	if h.app.mode != modeFilter {
		t.Fatal("enter accepted a bad filter")
	}
	// Fixing it applies it.
	for range len("colour:red") {
		h.press("backspace")
	}
	h.typeText("city:tokyo")
	h.press("enter")
	if h.app.mode != modeNormal || h.deployments().filterText() != "app:kart city:tokyo" {
		t.Fatalf("fixed filter: mode %d, %q", h.app.mode, h.deployments().filterText())
	}

	// Typed key by key, the last filter that parsed stays: "colour" was
	// free text until the colon made it a field.
	h.press("/")
	h.typeText(" colour:")
	if got := h.deployments().filterText(); got != "app:kart city:tokyo colour" {
		t.Fatalf("typed bad field: filter %q", got)
	}
	if !strings.Contains(h.line(-2), `unknown filter field "colour"`) {
		t.Fatalf("input line %q", h.line(-2))
	}
}

func TestFilterBurstOfRunes(t *testing.T) {
	t.Parallel()
	h := settled(t)
	// tmux, SSH and fast typists deliver several keys in one message.
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/status:err")})
	if h.app.mode != modeFilter || h.app.input.Value() != "status:err" {
		t.Fatalf("burst: mode %d, input %q", h.app.mode, h.app.input.Value())
	}
	h.settle() // the rows the server matched get their status
	checkFiltered(t, h, filterCase{filter: "status:err", ok: func(r *model.DeploymentRow) bool { return r.Status == api.StatusError }})

	// The same burst in normal mode with keys the tab knows moves the cursor.
	h.press("esc", "g")
	h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjj")})
	if c := h.deployments().list.table.Cursor(); c != 3 {
		t.Fatalf("burst jjj: cursor %d, want 3", c)
	}
}

func TestFilterOtherTabs(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tests := []struct {
		tab, filter, column string
		want                []string
	}{
		{"2", "alpha", "name", []string{"alpha-fleet"}},
		{"2", "!smart", "name", []string{"alpha-fleet", "beta-fleet"}},
		{"4", "country:japan", "city", []string{"Tokyo"}},
		{"4", "continent:oceania", "city", []string{"Sydney"}},
		{"3", "fleet:eu-casual", "fleet", []string{"eu-casual", "eu-casual"}},
		{"3", "radius", "name", []string{"paris-radius"}},
	}
	for _, tt := range tests {
		h.press(tt.tab, "/")
		h.typeText(tt.filter)
		h.press("enter")
		if got := h.column(tt.column); !slices.Equal(got, tt.want) {
			t.Errorf("tab %s filter %q: %v, want %v\n%s", tt.tab, tt.filter, got, tt.want, h.view())
		}
		if !strings.Contains(h.title(), "filter: "+tt.filter) {
			t.Errorf("tab %s: title %q", tt.tab, h.title())
		}
		h.press("esc")
	}
	h.press("2", "/")
	h.typeText("nothing-like-this")
	h.mustContain("Nothing matches nothing-like-this")
}

// sortCase is a sort key of the Deployments tab.
type sortCase struct {
	key, title, column string
}

var deploymentSortCases = []sortCase{
	{"I", "REQUEST ID", "id"},
	{"S", "STATUS", "status"},
	{"N", "APP", "app"},
	{"V", "VERSION", "version"},
	{"L", "LOCATION", "location"},
	{"A", "AGE", "age"},
	{"P", "PUBLIC IP", "ip"},
	{"K", "SOCKETS", "sockets"},
}

func TestSortKeys(t *testing.T) {
	t.Parallel()
	for _, sc := range deploymentSortCases {
		t.Run(sc.column, func(t *testing.T) {
			t.Parallel()
			h := settled(t, withSize(200, 40)) // wide enough for every sortable column
			// The default order is age ascending: A first reverses it.
			desc := sc.column == "age"
			var screens [2][]string
			for press := range 2 {
				h.press(sc.key)
				if h.app.store.Sort() != (model.Sort{Column: sc.column, Desc: desc}) {
					t.Fatalf("press %d of %s: store sorted by %+v", press+1, sc.key, h.app.store.Sort())
				}
				checkSortHeader(t, h.line(3), sc.title, desc)
				checkOrder(t, h, model.Sort{Column: sc.column, Desc: desc})
				screens[press] = h.rowIDs()
				desc = !desc
			}
			if slices.Equal(screens[0], screens[1]) {
				t.Fatalf("pressing %s again did not reverse the rows", sc.key)
			}
		})
	}
}

// checkSortHeader fails unless the header marks exactly one column, title,
// with the arrow of the direction. A narrow column's title is shortened
// with "…" to make room for the arrow.
func checkSortHeader(t *testing.T, hdr, title string, desc bool) {
	t.Helper()
	arrow := sortAsc
	if desc {
		arrow = sortDesc
	}
	short := regexp.MustCompile(regexp.QuoteMeta(title[:min(len(title), 4)]) + `[^ ]*` + arrow)
	if !strings.Contains(hdr, title+arrow) && !short.MatchString(hdr) {
		t.Fatalf("header %q does not mark %s%s", hdr, title, arrow)
	}
	if strings.Count(hdr, sortAsc)+strings.Count(hdr, sortDesc) != 1 {
		t.Fatalf("header marks more than one column: %q", hdr)
	}
}

// checkOrder fails unless the rows on screen are the store's rows at the
// table's window, in the order of s.
func checkOrder(t *testing.T, h *harness, s model.Sort) {
	t.Helper()
	less, err := model.DeploymentLess(s)
	if err != nil {
		t.Fatal(err)
	}
	ids := h.rowIDs()
	from, _ := h.deployments().list.table.VisibleRange()
	if want := model.IDs(h.app.store.Rows()[from : from+len(ids)]); !slices.Equal(ids, want) {
		t.Fatalf("screen rows %v are not the store's rows %v", ids, want)
	}
	for i := 1; i < len(ids); i++ {
		a, _ := h.app.store.Get(ids[i-1])
		b, _ := h.app.store.Get(ids[i])
		if less(b, a) {
			t.Fatalf("sort %+v: %s before %s", s, a.ID, b.ID)
		}
	}
}

// TestSortShowsTopOfNewOrder: sorting is how a user asks "errors first" or
// "oldest first"; the screen must then start with the first rows of the
// new order. (Today the table keeps the selected row on its screen line,
// so the rows sorted above it are scrolled out of sight.)
func TestSortShowsTopOfNewOrder(t *testing.T) {
	t.Parallel()
	for _, sc := range deploymentSortCases {
		t.Run(sc.column, func(t *testing.T) {
			t.Parallel()
			h := settled(t, withSize(200, 40))
			h.press(sc.key)
			if from, _ := h.deployments().list.table.VisibleRange(); from != 0 {
				first := h.app.store.Rows()[0]
				t.Fatalf("after %s the screen starts at row %d: row 0 (%s %s) is scrolled out of sight", sc.key, from, first.ID, first.Status.Name())
			}
		})
	}
}

func TestSortStatusPutsErrorsFirst(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("S", "g")
	if rows := h.rows(); !strings.Contains(rows[0], "ERROR") {
		t.Fatalf("status ascending does not start with ERROR:\n%s", h.view())
	}
	h.press("S", "g")
	if strings.Contains(h.rows()[0], "ERROR") {
		t.Fatalf("status descending starts with ERROR:\n%s", h.view())
	}
}

// TestNewDeploymentsShowAtTop: the default order is newest first and the
// cursor starts on the top row. A deployment created while the user
// watches must appear on screen, at the top. (Today the table keeps the
// selected row on its line, so the new row lands above the window.)
func TestNewDeploymentsShowAtTop(t *testing.T) {
	t.Parallel()
	h := settled(t)
	top := h.app.store.Rows()[0].ID
	h.settle(func() bool { return h.app.store.Rows()[0].ID != top })
	newest := h.app.store.Rows()[0]
	if got := h.rowIDs()[0]; got != newest.ID {
		t.Fatalf("new deployment %s (started %s) is not on screen; the first row shown is %s (window starts at %d)",
			newest.ID, newest.Started.Format(time.TimeOnly), got, firstOf(h.deployments().list.table.VisibleRange()))
	}
}

func TestSortKeysOtherTabs(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tests := []struct {
		tab, key, column, header string
		desc, numeric            bool
	}{
		{"2", "N", "name", "NAME", false, false},
		{"2", "N", "name", "NAME", true, false},
		{"4", "L", "city", "CITY", false, false},
		{"4", "L", "city", "CITY", true, false},
		{"4", "O", "country", "COUNTRY", false, false},
		{"4", "C", "count", "DEPLOYS", false, true},
		{"4", "C", "count", "DEPLOYS", true, true},
		{"3", "N", "name", "NAME", true, false}, // Policies start sorted by name
	}
	for _, tt := range tests {
		h.press(tt.tab, tt.key)
		checkSortHeader(t, h.line(3), tt.header, tt.desc)
		vals := h.column(tt.column)
		cmp := strings.Compare
		if tt.numeric {
			cmp = func(a, b string) int {
				x, _ := strconv.Atoi(a)
				y, _ := strconv.Atoi(b)
				return x - y
			}
		}
		if asc := cmp; tt.desc {
			cmp = func(a, b string) int { return asc(b, a) }
		}
		if len(vals) < 2 || !slices.IsSortedFunc(vals, cmp) {
			t.Fatalf("tab %s %s: %s %v not in order", tt.tab, tt.key, tt.column, vals)
		}
	}
}

// column is the text of column key in every row on screen, cut from the
// lines where the active table lays that column out.
func (h *harness) column(key string) []string {
	h.t.Helper()
	var tbl *Table
	switch v := h.app.tabs[h.app.active].(type) {
	case *deploymentsTab:
		tbl = v.list.table
	case *catalogTab:
		tbl = v.list.table
	}
	x := gutterWidth
	for _, lc := range tbl.layout {
		if tbl.cols[lc.idx].Key == key {
			var out []string
			for _, r := range h.rows() {
				out = append(out, strings.TrimSpace(ansi.Cut(r, x, x+lc.width)))
			}
			return out
		}
		x += lc.width + 1
	}
	h.t.Fatalf("column %q is not on screen", key)
	return nil
}

func TestCursorKeys(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tbl := h.deployments().list.table
	page := tbl.PageSize()
	total := h.app.store.Len()
	tests := []struct {
		key  string
		want int
	}{
		{"j", 1}, {"j", 2}, {"down", 3}, {"k", 2}, {"up", 1}, {"k", 0}, {"k", 0},
		{"pgdown", page}, {"pgdown", 2 * page}, {"pgup", page}, {"ctrl+f", 2 * page}, {"ctrl+b", page},
		{"G", total - 1}, {"j", total - 1}, {"g", 0}, {"end", total - 1}, {"home", 0},
	}
	for _, tt := range tests {
		h.press(tt.key)
		if c := tbl.Cursor(); c != tt.want {
			t.Fatalf("%q: cursor %d, want %d", tt.key, c, tt.want)
		}
		from, _ := tbl.VisibleRange()
		rows := h.rows()
		if !strings.HasPrefix(rows[tt.want-from], ">") {
			t.Fatalf("%q: row %d is not marked:\n%s", tt.key, tt.want, h.view())
		}
		marked := 0
		for _, r := range rows {
			if strings.HasPrefix(r, ">") {
				marked++
			}
		}
		if marked != 1 {
			t.Fatalf("%q: %d rows marked", tt.key, marked)
		}
	}
}

func TestDetailOpenAndBack(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"enter", "d"} {
		t.Run(k, func(t *testing.T) {
			t.Parallel()
			h := settled(t)
			h.press("j", "j", "j")
			id := h.selectedID()
			h.press(k)
			d, ok := h.app.sub.(*detailView)
			if !ok || d.id != id {
				t.Fatalf("%s opened %T", k, h.app.sub)
			}
			if v, arg := h.app.engine.Schedule().View(); v != model.ViewDetail || arg != id {
				t.Fatalf("scheduler polls %v %q", v, arg)
			}
			h.mustContain("Deployment "+id, "GENERAL", "PORTS", "fqdn", id+".pr.edgegap.net")
			if !strings.Contains(h.tabBar(), "Deployment "+id) {
				t.Fatalf("tab bar %q does not name the detail", h.tabBar())
			}
			h.press("esc")
			if h.app.sub != nil || h.selectedID() != id || h.deployments().list.table.Cursor() != 3 {
				t.Fatalf("esc: sub %T, selected %s (want %s)", h.app.sub, h.selectedID(), id)
			}
			if v, _ := h.app.engine.Schedule().View(); v != model.ViewDeployments {
				t.Fatalf("scheduler polls %v after esc", v)
			}
		})
	}
}

func TestDetailRawJSON(t *testing.T) {
	t.Parallel()
	h := settled(t)
	id := h.selectedID()
	h.press("enter", "y")
	if !strings.Contains(h.title(), "raw JSON") {
		t.Fatalf("title %q does not say raw JSON", h.title())
	}
	// Tall enough to see the whole document.
	h.send(tea.WindowSizeMsg{Width: 160, Height: 150})
	lines := h.lines()
	body := strings.TrimSpace(strings.Join(trimRight(lines[3:len(lines)-1]), "\n"))
	if !json.Valid([]byte(body)) {
		t.Fatalf("raw JSON view is not valid JSON:\n%s", body)
	}
	row, _ := h.app.store.Get(id)
	var want bytes.Buffer
	if err := json.Indent(&want, row.Detail.Raw(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if body != strings.TrimSpace(want.String()) {
		t.Fatalf("raw JSON view differs from the indented answer:\n%s\n---\n%s", body, want.String())
	}
	if !strings.Contains(body, "\n  \"request_id\": \""+id+"\"") {
		t.Fatalf("no indented request_id in:\n%s", body)
	}
	// y again goes back to the layout; y from the list opens JSON directly.
	h.press("y")
	h.mustContain("GENERAL")
	h.press("esc", "y")
	if d, ok := h.app.sub.(*detailView); !ok || !d.json {
		t.Fatalf("y on the list opened %T", h.app.sub)
	}
}

func trimRight(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(l, " ")
	}
	return out
}

func TestDetailCopy(t *testing.T) {
	// OSC 52 is wrapped for tmux and screen: test the plain sequence.
	t.Setenv("TMUX", "")
	t.Setenv("TERM", "xterm-256color")
	h := settled(t)
	id := h.selectedID()
	row, _ := h.app.store.Get(id)
	h.press("enter")
	tests := []struct {
		key, what, value string
	}{
		{"i", "request id", id},
		{"f", "FQDN", row.FQDN},
		{"l", "link", row.Ports[0].Link},
	}
	for _, tt := range tests {
		h.clip.Reset()
		h.press("c")
		if !strings.Contains(h.footer(), "copy: i request id") {
			t.Fatalf("c: footer %q", h.footer())
		}
		h.press(tt.key)
		got := h.clip.String()
		if !strings.HasPrefix(got, "\x1b]52;c;") {
			t.Fatalf("%s: clipboard got %q, not an OSC 52 set", tt.key, got)
		}
		payload := strings.TrimRight(strings.TrimPrefix(got, "\x1b]52;c;"), "\a\x1b\\")
		dec, err := base64.StdEncoding.DecodeString(payload)
		if err != nil || string(dec) != tt.value {
			t.Fatalf("%s: clipboard carries %q (%v), want %q", tt.key, dec, err, tt.value)
		}
		if want := "copied " + tt.what + " " + tt.value + " (OSC 52)"; !strings.Contains(h.footer(), want) {
			t.Fatalf("%s: footer %q lacks %q", tt.key, h.footer(), want)
		}
		if _, ok := h.app.sub.(*detailView); !ok {
			t.Fatalf("%s: left the detail view", tt.key)
		}
	}
	// esc cancels the copy, not the view.
	h.clip.Reset()
	h.press("c", "esc")
	if _, ok := h.app.sub.(*detailView); !ok || h.clip.Len() != 0 || !strings.Contains(h.footer(), "copy cancelled") {
		t.Fatalf("c esc: sub %T, clipboard %q, footer %q", h.app.sub, h.clip.String(), h.footer())
	}
}

func TestHelpScreen(t *testing.T) {
	t.Parallel()
	h := settled(t)
	seen := map[Action]bool{}
	views := []struct {
		name string
		keys []string
		sort []Action
	}{
		{"deployments", []string{"1"}, []Action{ActSortID, ActSortStatus, ActSortApp, ActSortVersion, ActSortLocation, ActSortAge, ActSortIP, ActSortSockets}},
		{"fleets", []string{"2"}, []Action{ActSortName}},
		{"policies", []string{"3"}, []Action{ActSortName}},
		{"locations", []string{"4"}, []Action{ActSortLocation, ActSortCount, ActSortCountry}},
		{"detail", []string{"1", "enter"}, nil},
		{"logs", []string{"1", "l"}, nil},
	}
	km := h.env.Keys
	for _, v := range views {
		h.press(v.keys...)
		help := h.app.viewHelp().FullHelp()
		h.press("?")
		if h.app.mode != modeHelp {
			t.Fatalf("%s: ? did not open help", v.name)
		}
		screen := ansi.Strip(h.view())
		for _, sec := range []string{"GENERAL", "NAVIGATION", "COMMANDS", "FILTER"} {
			if !strings.Contains(screen, sec) {
				t.Fatalf("%s: help lacks %s:\n%s", v.name, sec, screen)
			}
		}
		// Every global binding, and every binding of the view.
		for _, b := range defaultBindings {
			global := b.group == groupGeneral || b.group == groupNavigation
			inView := false
			for _, group := range help {
				for _, hb := range group {
					inView = inView || (slices.Equal(hb.Keys(), km.Binding(b.action).Keys()) && hb.Help().Desc == b.help)
				}
			}
			if !global && !inView {
				continue
			}
			seen[b.action] = true
			line := helpLine(screen, helpKeyNames(b.keys), b.help)
			if line == "" {
				t.Fatalf("%s: help lacks %q %q:\n%s", v.name, helpKeyNames(b.keys), b.help, screen)
			}
		}
		if len(v.sort) > 0 && !strings.Contains(screen, "SORT (again to reverse)") {
			t.Fatalf("%s: no sort section:\n%s", v.name, screen)
		}
		for _, a := range v.sort {
			if helpLine(screen, km.Binding(a).Help().Key, km.Binding(a).Help().Desc) == "" {
				t.Fatalf("%s: help lacks sort key %s", v.name, a)
			}
		}
		for _, c := range commands {
			if !strings.Contains(screen, ":"+c.usage) {
				t.Fatalf("%s: help lacks :%s", v.name, c.usage)
			}
		}
		h.press("esc")
		if h.app.mode != modeNormal {
			t.Fatalf("%s: esc did not close help", v.name)
		}
		h.press("esc") // leave the detail view
	}
	for _, b := range defaultBindings {
		if b.group == groupDialogs {
			continue // new with the dialog keymap: in each dialog's hint and the key reference (TestDialogHintsComeFromTheKeymap)
		}
		if !seen[b.action] {
			t.Errorf("binding %s (%v %q) appears in no view's help", b.action, b.keys, b.help)
		}
	}
}

// helpLine finds "key desc" on a help screen (columns separate entries
// with two or more spaces).
func helpLine(screen, key, desc string) string {
	re := regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(key) + ` +` + regexp.QuoteMeta(desc) + `(\s|$)`)
	return re.FindString(screen)
}

// helpHeadings are the section titles of the help screen.
var helpHeadings = []string{"GENERAL", "NAVIGATION", "VIEW", "SORT (again to reverse)", "COMMANDS", "FILTER"}

// TestHelpSectionsStayTogether: laid out in columns, every section title
// must be followed, in its column, by an entry of its section: no title
// alone at the bottom of a column with its entries at the top of the next,
// and no title of an empty section.
func TestHelpSectionsStayTogether(t *testing.T) {
	t.Parallel()
	h := settled(t)
	for _, open := range [][]string{{"1"}, {"2"}, {"3"}, {"4"}, {"1", "enter"}, {"2", "enter"}} {
		h.press(open...)
		h.press("?")
		lines := h.lines()
		body := lines[2 : len(lines)-1]
		for r, l := range body {
			for _, hd := range helpHeadings {
				i := strings.Index(l, hd)
				if i < 0 || (i > 0 && !strings.HasSuffix(l[:i], "  ")) {
					continue
				}
				col := ansi.StringWidth(l[:i])
				next := ""
				if r+1 < len(body) {
					next = ansi.Cut(body[r+1], col, col+4)
				}
				if !regexp.MustCompile(`^  \S`).MatchString(next) {
					t.Errorf("help of %v: %q at line %d, column %d is not followed by one of its entries (next: %q):\n%s",
						open, hd, r, col, next, strings.Join(body, "\n"))
				}
			}
		}
		h.press("esc", "esc")
	}
}

func TestHelpScrollsWhenSmall(t *testing.T) {
	t.Parallel()
	h := settled(t, withSize(60, 16))
	h.press("?")
	h.mustContain("↓ more (j/k, pgdown)", "GENERAL")
	h.press("pgdown", "pgdown", "pgdown", "pgdown", "pgdown")
	h.mustContain("FILTER")
	h.mustNotContain("↓ more")
	h.press("g")
	h.mustContain("GENERAL")
	h.press("q") // q closes help, it does not quit
	if h.app.mode != modeNormal || h.quits != 0 {
		t.Fatalf("q in help: mode %d, quits %d", h.app.mode, h.quits)
	}
}

// isQuit reports whether cmd's message is tea.QuitMsg (tea.Quit).
func isQuit(t *testing.T, cmd tea.Cmd) bool {
	t.Helper()
	return cmdMsg(t, cmd) == tea.QuitMsg{}
}

func TestQuit(t *testing.T) {
	t.Parallel()
	h := settled(t)
	if !isQuit(t, h.update(keyMsg("q"))) {
		t.Fatal("q at top level does not quit")
	}
	if !isQuit(t, h.update(keyMsg("ctrl+c"))) {
		t.Fatal("ctrl+c does not quit")
	}
	h.pump(h.update(keyMsg(":")))
	h.typeText("q")
	if !isQuit(t, h.update(keyMsg("enter"))) {
		t.Fatal(":q does not quit")
	}
}

func TestQuitGoesBackFromSubViews(t *testing.T) {
	t.Parallel()
	h := settled(t)
	views := []struct {
		name string
		open func()
	}{
		{"detail (enter)", func() { h.press("enter") }},
		{"detail (d)", func() { h.press("d") }},
		{"raw JSON", func() { h.press("y") }},
		{"hosts", func() { h.press(":"); h.typeText("hosts a"); h.press("tab", "enter") }},
	}
	for _, v := range views {
		v.open()
		if h.app.sub == nil {
			t.Fatalf("%s: nothing opened", v.name)
		}
		h.press("q")
		if h.app.sub != nil || h.quits != 0 {
			t.Fatalf("q in %s: sub %T, quits %d", v.name, h.app.sub, h.quits)
		}
	}
}

func TestCtrlCQuitsAnywhere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		keys []string
	}{
		{"normal", nil},
		{"filter", []string{"/", "a"}},
		{"command", []string{":", "f"}},
		{"help", []string{"?"}},
		{"detail", []string{"enter"}},
		{"copy", []string{"enter", "c"}},
		{"hosts", []string{"2", "enter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := settled(t)
			h.press(tt.keys...)
			if !isQuit(t, h.update(keyMsg("ctrl+c"))) {
				t.Fatalf("ctrl+c in %s does not quit", tt.name)
			}
		})
	}
}

func TestQInFilterTypes(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("/", "q")
	if h.app.input.Value() != "q" || h.quits != 0 {
		t.Fatalf("q in the filter: input %q, quits %d", h.app.input.Value(), h.quits)
	}
}

func TestOpenFleetRows(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("2") // private fleets sort first (kind ascending)
	h.press("enter")
	if hv, ok := h.app.sub.(*hostsView); !ok || hv.fleet != "alpha-fleet" {
		t.Fatalf("enter on alpha-fleet opened %T", h.app.sub)
	}
	h.press("esc", "G", "enter") // the last row is a Smart Fleet: its policies
	if h.activeName() != "Policies" || h.app.sub != nil {
		t.Fatalf("enter on a Smart Fleet shows %s", h.activeName())
	}
	if f := h.app.tabs[tabPolicies].filterText(); f != "na-tournament" {
		t.Fatalf("policies filtered by %q", f)
	}
	for _, r := range h.rows() {
		if !strings.Contains(r, "na-tournament") {
			t.Fatalf("policy row %q is not na-tournament's", r)
		}
	}
}

func TestRefreshKey(t *testing.T) {
	t.Parallel()
	h := settled(t)
	before := h.sim.Counters().ByGroup[api.GroupList].Calls
	cmd := h.update(keyMsg("ctrl+r"))
	if cmd == nil {
		t.Fatal("ctrl+r returned no command")
	}
	h.pump(cmd)
	if after := h.sim.Counters().ByGroup[api.GroupList].Calls; after <= before {
		t.Fatalf("ctrl+r fetched no list page (%d → %d calls)", before, after)
	}
	if !strings.Contains(h.footer(), "Refreshing…") {
		t.Fatalf("footer %q", h.footer())
	}
}

func TestStaleGenerationDropped(t *testing.T) {
	t.Parallel()
	h := settled(t)
	g0 := h.app.engine.Schedule().Gen
	h.press("2", "1")
	if g := h.app.engine.Schedule().Gen; g <= g0 {
		t.Fatalf("switching views kept generation %d", g)
	}
	g1 := h.app.engine.Schedule().Gen
	h.press("/")
	h.typeText("kart")
	if g := h.app.engine.Schedule().Gen; g != g1 {
		t.Fatalf("a free-text filter (not pushed down) bumped the generation %d → %d", g1, g)
	}
	h.typeText(" status:error")
	h.press("enter")
	g2 := h.app.engine.Schedule().Gen
	if g2 <= g1 {
		t.Fatalf("a pushed-down filter kept generation %d", g2)
	}
	h.press("esc")
	// A list page of an older generation reaching the engine is dropped
	// there (model/engine: TestStaleListPageDropped).
}

func TestFailedListKeepsRowsAndShowsStale(t *testing.T) {
	t.Parallel()
	h := settled(t)
	rows := h.rowIDs()
	h.sim.SetFaults(sim.Faults{Error500: 1})
	stale := regexp.MustCompile(`STALE (\d+)s`)
	h.settle(func() bool { return stale.MatchString(h.title()) })
	first := stale.FindStringSubmatch(h.title())[1]
	if got := h.rowIDs(); !slices.Equal(got, rows) {
		t.Fatalf("rows changed after a failed fetch:\n%s", h.view())
	}
	h.mustNotContain("enriching…")
	// The age moves on.
	h.tick(5 * time.Second)
	if m := stale.FindStringSubmatch(h.title()); m == nil || m[1] == first {
		t.Fatalf("stale age did not move: %q (was %ss)", h.title(), first)
	}
	// Keys still work.
	h.press("j")
	if h.deployments().list.table.Cursor() != 1 {
		t.Fatal("j does not move the cursor while stale")
	}
	h.press("2", "1", "enter")
	h.mustContain("GENERAL")
	h.press("esc")
	// Recovery clears the marker.
	h.sim.SetFaults(sim.Faults{})
	h.settle(func() bool { return !strings.Contains(h.title(), "STALE") })
}

func TestHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []harnessOption
		want    []string
		notWant []string
	}{
		{"demo", nil, []string{"gapdeck test localhost", "DEMO", "API OK", "last OK 0s ago", "429s 0"}, []string{"READ-ONLY"}},
		{"read-only", []harnessOption{withReadOnly()}, []string{"DEMO", "READ-ONLY", "API OK"}, nil},
		{"connecting", []harnessOption{withoutInit()}, []string{"API connecting…", "req/s 0.0/0.0", "429s 0"}, []string{"last OK"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tt.opts...)
			hdr := h.header()
			for _, w := range tt.want {
				if !strings.Contains(hdr, w) {
					t.Errorf("header %q lacks %q", hdr, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(hdr, w) {
					t.Errorf("header %q shows %q", hdr, w)
				}
			}
			// The budget shown is that of the endpoint groups in use.
			want := fmt.Sprintf("/%.1f ", usedBudget(h.app.env.Client.Stats()))
			if !regexp.MustCompile(`req/s \d+\.\d/\d+\.\d `).MatchString(hdr) || !strings.Contains(hdr, want) {
				t.Errorf("header %q shows no req/s used/budget (want budget %q)", hdr, want)
			}
		})
	}
}

// TestHeaderHealth: 500s to every request make the API unreachable after
// a few failures (the client then sends one probe at a time, the header
// counts down to it); it recovers at the first answer. Before issue 10
// the header said DEGRADED, then DOWN after 30 s without success, while
// every request kept going.
func TestHeaderHealth(t *testing.T) {
	t.Parallel()
	h := settled(t)
	if !strings.Contains(h.header(), "API OK") {
		t.Fatalf("header %q", h.header())
	}
	h.sim.SetFaults(sim.Faults{Error500: 1})
	h.settle(func() bool { return strings.Contains(h.header(), "API UNREACHABLE") })
	if !regexp.MustCompile(`last OK \d+s ago`).MatchString(h.header()) || !strings.Contains(h.header(), "Internal Server Error") {
		t.Fatalf("unreachable header %q lacks the last success or the error", h.header())
	}
	if !regexp.MustCompile(`retry in \d+s`).MatchString(h.header()) {
		t.Fatalf("unreachable header %q has no countdown to the next try", h.header())
	}
	// At 80 columns the countdown comes right after the state, before the
	// reason and the last success that the width cuts.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if !regexp.MustCompile(`API UNREACHABLE retry in \d+s`).MatchString(h.header()) {
		t.Fatalf("80-column header %q cuts the countdown", h.header())
	}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.sim.SetFaults(sim.Faults{})
	h.settle(func() bool { return strings.Contains(h.header(), "API OK") })
	if !strings.Contains(h.header(), "last OK 0s ago") {
		t.Fatalf("recovered header %q", h.header())
	}
}

func TestHeaderCounts429s(t *testing.T) {
	t.Parallel()
	h := settled(t, withSleepingClock())
	h.sim.SetFaults(sim.Faults{RateLimit429: 1})
	re := regexp.MustCompile(`429s ([1-9]\d*)`)
	// Each 429 pause moves the clock, so something is always due: stop
	// pumping as soon as the header counts one.
	h.until = func() bool { return re.MatchString(h.header()) }
	h.settle(h.until)
	if !strings.Contains(h.header(), "API RATE-LIMITED") || !regexp.MustCompile(`retry in \d+s`).MatchString(h.header()) {
		t.Fatalf("rate limited header %q", h.header())
	}
	h.sim.SetFaults(sim.Faults{})
}

func TestSmartFleetsDeprecated(t *testing.T) {
	t.Parallel()
	check := func(t *testing.T, h *harness) {
		t.Helper()
		h.press("3")
		h.mustContain("Smart Fleets are not available on this account: Edgegap deprecated them on 2026-03-01")
		h.mustNotContain("STALE")
		h.press("2")
		if got := h.rowIDs(); !slices.Equal(got, []string{"private", "private"}) {
			t.Fatalf("fleets rows: %v\n%s", got, h.view())
		}
		h.mustContain("alpha-fleet", "beta-fleet", "Smart Fleets: deprecated on 2026-03-01")
		h.mustNotContain("STALE", "smart ")
	}
	t.Run("from the start", func(t *testing.T) {
		t.Parallel()
		check(t, settled(t, withoutLegacyFleets()))
	})
	t.Run("while running", func(t *testing.T) {
		t.Parallel()
		h := settled(t)
		h.press("3")
		h.mustContain("na-tournament")
		h.sim.SetLegacyFleets(false)
		noPanic(t, "Smart Fleets rows disappearing", func() { h.press("ctrl+r") })
		check(t, h)
	})
}

// TestSmartFleets404KeepsHealth: a Smart Fleets 404 is the expected answer
// of every account since the deprecation, not an API failure; the header
// must not call the API degraded or down for it.
func TestSmartFleets404KeepsHealth(t *testing.T) {
	t.Parallel()
	h := settled(t, withoutLegacyFleets())
	h.press("3")
	if hdr := h.header(); !strings.Contains(hdr, "API OK") {
		t.Errorf("after a Smart Fleets 404 the header says %q", hdr)
	}
	h.tick(45 * time.Second) // sit on the Policies tab for a while
	h.tick(time.Second)
	if hdr := h.header(); !strings.Contains(hdr, "API OK") {
		t.Errorf("on the Policies tab of an account without Smart Fleets the header says %q", hdr)
	}
}

func TestResize(t *testing.T) {
	t.Parallel()
	sizes := [][2]int{{80, 24}, {120, 40}, {300, 100}, {120, 40}, {80, 24}, {40, 12}, {120, 40}}
	views := []struct {
		name string
		keys []string
	}{
		{"deployments", []string{"1"}},
		{"fleets", []string{"2"}},
		{"policies", []string{"3"}},
		{"locations", []string{"4"}},
		{"filter", []string{"1", "/", "k", "a"}},
		{"command", []string{":", "h"}},
		{"help", []string{"1", "?"}},
		{"detail", []string{"1", "enter"}},
		{"json", []string{"1", "enter", "y"}},
		{"hosts", []string{"2", "enter"}},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			h := settled(t)
			h.press(v.keys...)
			for _, s := range sizes {
				h.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
				checkScreen(t, h.view(), s[0], s[1])
				h.tick(time.Second) // data and clock updates keep the shape
				checkScreen(t, h.view(), s[0], s[1])
			}
		})
	}
}

// TestTinyTerminalFits: however small the terminal, the view must not be
// taller than it (Bubble Tea would scroll the header away). Today the
// chrome and a table header need 5 lines (6 with the filter line).
func TestTinyTerminalFits(t *testing.T) {
	t.Parallel()
	h := settled(t)
	for _, keys := range [][]string{{"1"}, {"4"}, {"1", "enter"}, {"1", "/"}} {
		h.press(keys...)
		for _, s := range [][2]int{{20, 4}, {30, 5}, {10, 2}} {
			h.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
			if n := strings.Count(h.view(), "\n") + 1; n > s[1] {
				t.Errorf("%v at %dx%d: the view has %d lines", keys, s[0], s[1], n)
			}
		}
		h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
		h.press("esc")
	}
}

func TestResizeKeepsSelection(t *testing.T) {
	t.Parallel()
	h := settled(t)
	h.press("pgdown", "j")
	id := h.selectedID()
	for _, s := range [][2]int{{80, 24}, {300, 100}, {120, 40}} {
		h.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
		if got := h.selectedID(); got != id {
			t.Fatalf("%dx%d: selection moved to %s from %s", s[0], s[1], got, id)
		}
		if !slices.ContainsFunc(h.rows(), func(r string) bool { return strings.HasPrefix(r, ">"+id) }) {
			t.Fatalf("%dx%d: selected row not on screen:\n%s", s[0], s[1], h.view())
		}
	}
}

func TestFooterShowsViewHelp(t *testing.T) {
	t.Parallel()
	h := settled(t)
	tests := []struct {
		keys []string
		want string
	}{
		{nil, "enter open • l logs • y raw JSON • / filter • : command • ? help"},
		{[]string{"2"}, "enter open • / filter • : command • ? help"},
		{[]string{"3"}, "/ filter • : command • ? help"},
		{[]string{"1", "enter"}, "esc back • l logs • y raw JSON • c copy id/FQDN/link • m metrics panel"},
		{[]string{"esc", "?"}, "esc back • j/down down • k/up up • pgdown/ctrl+f page down"},
	}
	for _, tt := range tests {
		h.press(tt.keys...)
		if !strings.HasPrefix(h.footer(), tt.want) {
			t.Fatalf("after %v footer %q, want %q", tt.keys, h.footer(), tt.want)
		}
	}
}

// TestClearingFilterShowsTop: after esc clears a filter the cursor stays
// on the row it was on; when that row fits on the first page, the page
// must start at the top, not at the selected row with the newest
// deployments hidden above it.
func TestClearingFilterShowsTop(t *testing.T) {
	t.Parallel()
	h := settled(t, withSize(120, 60)) // the error row of this world is row 35
	h.press("/")
	h.typeText("status:error")
	h.press("enter")
	h.settle(func() bool { return h.app.store.Total() < 300 }) // the pushed-down pass answered
	id := h.selectedID()
	h.press("esc")
	h.settle(func() bool { return h.app.store.Total() >= 300 })
	pos := h.app.store.Position(id)
	if pos >= h.deployments().list.table.PageSize() {
		t.Fatalf("selected %s is row %d, not on the first page: the test needs a taller screen", id, pos)
	}
	if from, _ := h.deployments().list.table.VisibleRange(); from != 0 {
		t.Fatalf("selected %s is row %d, on the first page, but the screen starts at row %d:\n%s", id, pos, from, h.view())
	}
}

// firstOf is the first of two values.
func firstOf(a, _ int) int { return a }

// noPanic runs f and turns a panic into a test failure, so one crash does
// not abort the whole package's run.
func noPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s: panic: %v", what, r)
		}
	}()
	f()
}

// TestTabCountsWaitForTheirData: a tab not fetched yet shows "…", not a
// count of 0 that reads as "none"; once fetched it shows its count.
func TestTabCountsWaitForTheirData(t *testing.T) {
	h := settled(t)
	h.mustContain("1 Deployments 300", "2 Fleets …", "3 Policies …", "4 Locations …")
	h.press("3")
	h.settle()
	h.mustContain("2 Fleets 5", "3 Policies 5", "4 Locations …")
}

// TestFooterFollowsItsInputs: the footer is drawn again when what it shows
// changes (the view's keys, a flash and its end, the width), never stale.
func TestFooterFollowsItsInputs(t *testing.T) {
	h := settled(t)
	footer := func() string {
		lines := strings.Split(ansi.Strip(h.view()), "\n")
		return lines[len(lines)-1]
	}
	if f := footer(); !strings.Contains(f, "l logs") {
		t.Fatalf("deployments footer %q", f)
	}
	h.press("2")
	if f := footer(); strings.Contains(f, "l logs") || !strings.Contains(f, "/ filter") {
		t.Fatalf("fleets footer %q", f)
	}
	h.app.Update(flashMsg{text: "hello"})
	if f := footer(); !strings.Contains(f, "hello") {
		t.Fatalf("flash footer %q", f)
	}
	h.app.Update(flashExpiredMsg{id: h.app.flashID})
	if f := footer(); strings.Contains(f, "hello") || !strings.Contains(f, "/ filter") {
		t.Fatalf("footer after the flash %q", f)
	}
	h.app.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	if f := footer(); ansi.StringWidth(f) != 60 {
		t.Fatalf("footer is %d wide at 60 columns: %q", ansi.StringWidth(f), f)
	}
}
